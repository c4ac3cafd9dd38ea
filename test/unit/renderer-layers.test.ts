/**
 * The per-layer table's shape in linkedom: measured time beside the layer name once profiled,
 * one shape column, and long names that may wrap at '/' and '.' while reading (and copying) unchanged.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseHTML } from 'linkedom';
import { report } from '../../src/run/reports';
import { zooReport } from './renderer-fixtures';

type Render = (element: unknown, value: unknown, options: { embedChart: () => Promise<{ dispose(): void }> }) => { dispose(): void };
let renderReport: Render;
before(async () => {
  // Loaded by path: view.ts is checked by media/tsconfig.json (DOM types), not by the Node test build.
  renderReport = ((await import(join(__dirname, '..', '..', 'media', 'renderer', 'view.ts'))) as { renderReport: Render }).renderReport;
});

function layerTable(profiled: boolean): any {
  const { document } = parseHTML('<!doctype html><html><head></head><body><div id="out"></div></body></html>') as unknown as { document: any };
  const root = document.getElementById('out');
  renderReport(root, report('model', 'm', [zooReport('mobilenet_v3_small_x1_0', { profiled })]), { embedChart: async () => ({ dispose: () => undefined }) });
  return root.querySelector('table.lcnb-layers');
}

const headers = (table: any): string[] => [...table.querySelectorAll('thead th')].map((th: any) => th.textContent);

describe('renderer: the layer table fits a narrow view', () => {
  it('unprofiled: name, op, one shape column, then the counts', () => {
    assert.deepEqual(headers(layerTable(false)), ['#', 'Layer', 'Op', 'Shape (in → out)', 'Params (count)', 'MAdds (count)', 'FLOPs (count)', 'MAC (bytes)', 'Intensity (FLOPs/byte)']);
  });

  it('profiled: time and share right after the op, the roofline columns last', () => {
    const h = headers(layerTable(true));
    assert.deepEqual(h.slice(0, 5), ['#', 'Layer', 'Op', 'Time (µs)', 'Share (%)']);
    assert.deepEqual(h.slice(-3), ['Achieved (GFLOP/s)', 'Roofline (% of bound)', 'Bound by']);
    assert.equal(h.length, 14);
  });

  it('layer names and shapes may wrap at <wbr>s; their text is unchanged', () => {
    const table = layerTable(false);
    const row = [...table.querySelectorAll('tbody tr')].find((tr: any) => tr.children[1].textContent.includes('.')) as any;
    assert.ok(row, 'a scoped layer name');
    const name = row.children[1];
    assert.ok(name.classList.contains('lcnb-wrap'));
    assert.equal(name.querySelectorAll('wbr').length, (name.textContent.match(/[/.]/g) ?? []).length);
    assert.doesNotMatch(name.textContent, /\u200b/);
    const shape = row.children[3];
    assert.match(shape.textContent, /^\d+(×\d+)*\u00a0→ \d+(×\d+)*$/);
    assert.equal(shape.querySelectorAll('wbr').length, 1);
  });
});

describe('renderer: fused ops in the layer table', () => {
  it('a fused op names the row with its kernel\'s time by number; the title names the layer', () => {
    const table = layerTable(true);
    const rows = [...table.querySelectorAll('tbody tr')] as any[];
    const fused = rows.filter((tr) => /^in #\d+$/.test(tr.children[3].textContent));
    assert.ok(fused.length > 0, 'the fixture fuses BatchNorm and activations into their conv');
    for (const tr of fused) {
      const target = rows[Number(tr.children[3].textContent.slice(4)) - 1];
      assert.match(target.children[3].textContent, /^[\d.]+$/, 'the row pointed at has a time');
      assert.equal(tr.children[3].title, `Fused into ${target.children[1].textContent}: that kernel's time covers this op`);
    }
  });
});
