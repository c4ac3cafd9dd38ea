/**
 * Setting lcnb.headlineFlops in the renderer: the collapsed model line shows MAdds or FLOPs as the
 * reader's setting says, switches in place when it changes, and the report itself is untouched.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseHTML } from 'linkedom';
import { report } from '../../../src/run/buildReport';
import { formatSI } from '../../../src/shared/format';
import { compareReport, zooReport } from '../support/renderer-fixtures';

type Headline = import('../../../src/shared/measureSettings').Headline;
interface View {
  renderReport(element: unknown, value: unknown, options: { embedChart: () => Promise<{ dispose(): void }>; headline?: Headline }): { dispose(): void };
  setHeadline(root: unknown, headline: Headline): void;
}

let view: View;
before(async () => {
  // Loaded by path: view.ts is checked by media/tsconfig.json (DOM types), not by the Node test build.
  view = (await import(join(__dirname, '..', '..', '..', 'media', 'report', 'view.ts'))) as View;
});

function render(value: unknown, headline?: Headline): any {
  const { document } = parseHTML('<!doctype html><html><head></head><body><div id="out"></div></body></html>') as unknown as { document: any };
  const root = document.getElementById('out');
  view.renderReport(root, value, { embedChart: async () => ({ dispose: () => undefined }), headline });
  return root;
}

const summaryLine = (root: any, i = 0): string => root.querySelectorAll('details.lcnb-model > summary')[i].textContent;

describe('renderer: headline count (setting lcnb.headlineFlops)', () => {
  const model = zooReport('mobilenet_v3_small_x1_0', { profiled: true });
  const t = model.summary.totals;

  it('MAdds by default and with "madds"; FLOPs with "flops", the rest of the line the same', () => {
    const rep = report('profile', 'p', [model]);
    const madds = summaryLine(render(rep));
    assert.equal(summaryLine(render(rep, 'madds')), madds);
    assert.ok(madds.includes(` — ${formatSI(t.params)} params · ${formatSI(t.madds)} MAdds · `), madds);
    assert.match(madds, / · [\d.]+ ms measured$/);
    const flops = summaryLine(render(rep, 'flops'));
    assert.equal(flops, madds.replace(`${formatSI(t.madds)} MAdds`, `${formatSI(t.flops)} FLOPs`));
    assert.notEqual(flops, madds);
  });

  it('tables keep both counts whatever the setting', () => {
    const root = render(report('profile', 'p', [model]), 'flops');
    const totals = [...root.querySelectorAll('.lcnb-totals th')].map((th: any) => th.textContent);
    assert.ok(totals.includes('MAdds (multiply-adds)') && totals.includes('FLOPs (2×MAdds + elementwise)'));
    const layers = [...root.querySelectorAll('.lcnb-layers th')].map((th: any) => th.textContent);
    assert.ok(layers.includes('MAdds (count)') && layers.includes('FLOPs (count)'));
  });

  it('setHeadline switches every model line in place, and back; open sections stay open', () => {
    const rep = compareReport(false);
    const root = render(rep);
    const before = rep.models.map((_, i) => summaryLine(root, i));
    const section = root.querySelectorAll('details.lcnb-model')[1];
    section.setAttribute('open', '');
    view.setHeadline(root, 'flops');
    rep.models.forEach((m, i) => {
      const line = summaryLine(root, i);
      assert.ok(line.includes(`${formatSI(m.summary.totals.flops)} FLOPs`), line);
      assert.ok(!line.includes('MAdds'), line);
    });
    assert.ok(root.querySelector('.lcnb-headline-count').title.includes('lcnb.headlineFlops'));
    assert.ok(section.hasAttribute('open'));
    view.setHeadline(root, 'madds');
    assert.deepEqual(rep.models.map((_, i) => summaryLine(root, i)), before);
  });

  it('the report is read, never rewritten: the same JSON renders either way', () => {
    const rep = report('profile', 'p', [model]);
    const json = JSON.stringify(rep);
    render(rep, 'flops');
    assert.equal(JSON.stringify(rep), json);
  });
});
