import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { costGraph } from '../../../src/core/cost';
import { CellAnalysis, fitLine, INLAY_LINE_BUDGET } from '../../../src/run/cellCosts';
import { modelReport, report } from '../../../src/run/buildReport';
import { formatSI } from '../../../src/shared/format';
import { buildModelWithFigures } from '../../../src/zoo/index';
import { fakeProfile } from '../support/renderer-fixtures';

const FIVE = ['mobilenet_v3_small_x1_0', 'shufflenet_v2_x1_0', 'ghostnet_x1_0', 'pplcnet_x1_0', 'fasternet_t0'];
const LINE = `  models: [${FIVE.join(', ')}]`;
const TEXT = `compare:\n${LINE}\n`;

const total = (labels: readonly string[]) => labels.reduce((n, l) => n + l.length, 0);

describe('inlay hints: every entry of a long compare line gets its own, uncut', () => {
  it("five models on one line: a hint right after each id, all within VS Code's per-line length", () => {
    const hints = new CellAnalysis(TEXT).inlayHints();
    assert.equal(hints.length, FIVE.length);
    assert.deepEqual(
      hints.map((h) => [h.position.line, h.position.character]),
      FIVE.map((id) => [1, LINE.indexOf(id) + id.length]),
    );
    // VS Code cuts the hints of a line past editor.inlayHints.maximumLength (43) and drops the ones after.
    assert.ok(total(hints.map((h) => h.label)) <= INLAY_LINE_BUDGET, JSON.stringify(hints.map((h) => h.label)));
    // The unit is said once, on the first; each figure is its own model's.
    assert.match(hints[0].label, / MAdds$/);
    FIVE.forEach((id, i) => {
      const madds = costGraph(buildModelWithFigures(id).graph).totals.madds;
      assert.ok(formatSI(madds).startsWith(hints[i].label.replace(/ MAdds$/, '').replace(/\.?0*([KMG])$/, '')), `${id}: ${hints[i].label} vs ${formatSI(madds)}`);
      // The tooltip has the full, exact numbers.
      assert.ok(hints[i].tooltip.startsWith(`${id}: `) && /params, .* multiply-adds \(MAdds\), .* FLOPs, MAC /.test(hints[i].tooltip), hints[i].tooltip);
    });
  });

  it('a block list keeps the full hint at the end of each line', () => {
    const text = `compare:\n  models:\n${FIVE.map((id) => `    - ${id}`).join('\n')}\n`;
    const hints = new CellAnalysis(text).inlayHints();
    assert.equal(hints.length, FIVE.length);
    hints.forEach((h, i) => {
      assert.equal(h.position.character, `    - ${FIVE[i]}`.length);
      assert.match(h.label, /^[\d.]+[KMG]? MAdds · [\d.]+[KMG]? params$/);
    });
  });

  it('once measured, each entry shows its median time, and the tooltip says how it was measured', () => {
    const models = FIVE.map((id) => {
      const { graph, published } = buildModelWithFigures(id);
      const m = modelReport(graph, published);
      return { ...m, profile: fakeProfile(m) };
    });
    const rep = report('compare', 'compare', models);
    const hints = new CellAnalysis(TEXT).inlayHints(rep);
    assert.equal(hints.length, FIVE.length);
    assert.ok(total(hints.map((h) => h.label)) <= INLAY_LINE_BUDGET, JSON.stringify(hints.map((h) => h.label)));
    assert.match(hints[0].label, / ms$/);
    hints.forEach((h, i) => {
      assert.ok(h.tooltip.includes(`measured ${models[i].profile.latency.median_ms.toFixed(2)} ms median`), h.tooltip);
    });
  });

  it('fitLine: full labels when they fit, then the unit once, then three significant digits', () => {
    assert.deepEqual(fitLine([{ value: '335.4M', unit: 'MAdds' }, { value: '300.8M', unit: 'MAdds' }]), ['335.4M MAdds', '300.8M MAdds']);
    const four = ['335.4M', '300.8M', '4.55G', '12.35K'].map((value) => ({ value, unit: 'MAdds' }));
    assert.deepEqual(fitLine(four), ['335.4M MAdds', '300.8M', '4.55G', '12.35K']);
    assert.deepEqual(fitLine(four, 28), ['335M MAdds', '301M', '4.55G', '12.3K']);
    // A budget of 0 is VS Code's "never cut".
    assert.deepEqual(fitLine(four, 0), four.map((p) => `${p.value} MAdds`));
  });
});
