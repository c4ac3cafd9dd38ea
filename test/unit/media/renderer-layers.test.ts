/**
 * The per-layer table's shape in linkedom: narrow enough for a notebook output beside the explorer
 * (op below the name, share below the time, bound below the roofline, counts in SI form with the
 * exact count on hover), measured time beside the layer name once profiled, one shape column, and
 * long names that may wrap at '/' and '.' while reading (and copying) unchanged.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseHTML } from 'linkedom';
import { report } from '../../../src/run/buildReport';
import { zooReport } from '../support/renderer-fixtures';

type Render = (element: unknown, value: unknown, options: { embedChart: () => Promise<{ dispose(): void }> }) => { dispose(): void };
let renderReport: Render;
before(async () => {
  // Loaded by path: view.ts is checked by media/tsconfig.json (DOM types), not by the Node test build.
  renderReport = ((await import(join(__dirname, '..', '..', '..', 'media', 'report', 'view.ts'))) as { renderReport: Render }).renderReport;
});

function layerTable(profiled: boolean): any {
  const { document } = parseHTML('<!doctype html><html><head></head><body><div id="out"></div></body></html>') as unknown as { document: any };
  const root = document.getElementById('out');
  renderReport(root, report('model', 'm', [zooReport('mobilenet_v3_small_x1_0', { profiled })]), { embedChart: async () => ({ dispose: () => undefined }) });
  return root.querySelector('table.lcnb-layers');
}

const headers = (table: any): string[] => [...table.querySelectorAll('thead th')].map((th: any) => th.textContent);
/** A cell's own text, without the muted value below it. */
const own = (td: any): string => td.textContent.slice(0, td.textContent.length - (td.querySelector('.lcnb-detail')?.textContent.length ?? 0));
const detail = (td: any): string | undefined => td.querySelector('.lcnb-detail')?.textContent;
const rowNamed = (table: any, name: string): any => [...table.querySelectorAll('tbody tr')].find((tr: any) => own(tr.children[1]) === name);

describe('renderer: the layer table fits a narrow view', () => {
  it('unprofiled: name with its op, one shape column, then the counts', () => {
    assert.deepEqual(headers(layerTable(false)), ['#', 'Layer (op)', 'Shape (in → out)', 'Params (count)', 'MAdds (count)', 'FLOPs (count)', 'MAC (bytes)', 'Intensity (FLOP/B)']);
  });

  it('profiled: time (with its share) right after the name, achieved and roofline (with the bound) last', () => {
    const h = headers(layerTable(true));
    assert.deepEqual(h.slice(0, 3), ['#', 'Layer (op)', 'Time (µs)']);
    assert.deepEqual(h.slice(-2), ['Achieved (GFLOP/s)', 'Roofline (%)']);
    assert.equal(h.length, 11);
  });

  it('headers shortened to fit say in full on hover what they count', () => {
    const titles = new Map([...layerTable(true).querySelectorAll('thead th')].map((th: any) => [th.textContent, th.title]));
    assert.match(titles.get('Layer (op)'), /ONNX op/);
    assert.match(titles.get('Time (µs)'), /share of the summed per-layer time/);
    assert.match(titles.get('Intensity (FLOP/B)'), /FLOPs per byte/);
    assert.match(titles.get('Roofline (%)'), /roofline allows \/ measured time, against the roof named below it: compute .* or the bandwidth of the smallest memory level that holds the op's MAC bytes/);
    for (const h of ['Params (count)', 'MAdds (count)', 'FLOPs (count)', 'MAC (bytes)']) assert.match(titles.get(h), /hover a cell for the exact/, h);
  });

  it('counts in SI form, the exact count on hover', () => {
    const table = layerTable(true);
    const h = headers(table);
    const stem = rowNamed(table, 'stem.conv');
    const cell = (header: string) => stem.children[h.indexOf(header)];
    // stem.conv of mobilenet_v3_small: 16 × 3 × 3 × 3 weights (no bias, a BatchNorm follows); 16 × 112 × 112 × 27 MAdds.
    assert.equal(cell('MAdds (count)').textContent, '5.42M');
    assert.equal(cell('MAdds (count)').title, '5,419,008 MAdds');
    assert.equal(cell('Params (count)').textContent, '432');
    assert.equal(cell('Params (count)').title, '432 params');
    assert.match(cell('FLOPs (count)').title, /^10,838,016 FLOPs\n2 × MAdds/);
    assert.match(cell('MAC (bytes)').title, /^[\d,]+ bytes$/);
  });

  it("a measured time carries its share below; a fused op's time cell has none", () => {
    const table = layerTable(true);
    const rows = [...table.querySelectorAll('tbody tr')] as any[];
    const measured = rows.filter((tr) => /^[\d.]+$/.test(own(tr.children[2])));
    assert.ok(measured.length > 10);
    for (const tr of measured) assert.match(detail(tr.children[2]) ?? '', /^\d+\.\d%$/);
    const shares = measured.reduce((a, tr) => a + Number(detail(tr.children[2])!.slice(0, -1)), 0);
    assert.ok(shares > 95 && shares <= 100.5, `the shares of the measured rows add up to ${shares}% (the rest is runtime-only kernels)`);
    for (const tr of rows.filter((tr) => /^in #/.test(own(tr.children[2])))) assert.equal(detail(tr.children[2]), undefined);
    const roofline = measured.map((tr) => tr.children[tr.children.length - 1]);
    for (const td of roofline) {
      assert.match(own(td), /^\d+%$/);
      assert.match(detail(td) ?? '', /^(compute|L1|L2|L3|DRAM) roof$/);
      // The hover says which roof and why: the level that holds the bytes, its bandwidth, both times.
      assert.match(td.title, /^\d+% of the (compute|L1|L2|L3|DRAM) roof.*the roof allows [\d.]+ µs, measured [\d.]+ µs$/);
    }
    assert.ok(roofline.some((td) => /fit L2 \(≤ 4\.0 MiB\), 75\.0 GB\/s/.test(td.title)), 'an L2 row names its capacity and bandwidth');
  });

  it('layer names and shapes may wrap at <wbr>s, op names between their words; their text is unchanged', () => {
    const table = layerTable(false);
    const row = [...table.querySelectorAll('tbody tr')].find((tr: any) => own(tr.children[1]).includes('.') && detail(tr.children[1]) === 'BatchNormalization') as any;
    assert.ok(row, 'a scoped BatchNormalization layer');
    const name = row.children[1];
    assert.ok(name.classList.contains('lcnb-wrap'));
    const op = name.querySelector('.lcnb-detail');
    assert.equal(op.querySelectorAll('wbr').length, 1, 'Batch|Normalization');
    assert.equal(name.querySelectorAll('wbr').length - 1, (own(name).match(/[/.]/g) ?? []).length);
    assert.doesNotMatch(name.textContent, /\u200b/);
    const shape = row.children[2];
    assert.match(shape.textContent, /^\d+(×\d+)*\u00a0→ \d+(×\d+)*$/);
    assert.equal(shape.querySelectorAll('wbr').length, 1);
  });
});

describe('renderer: fused ops in the layer table', () => {
  it('a fused op names the row with its kernel\'s time by number; the title names the layer', () => {
    const table = layerTable(true);
    const rows = [...table.querySelectorAll('tbody tr')] as any[];
    const fused = rows.filter((tr) => /^in #\d+$/.test(tr.children[2].textContent));
    assert.ok(fused.length > 0, 'the fixture fuses BatchNorm and activations into their conv');
    for (const tr of fused) {
      const target = rows[Number(tr.children[2].textContent.slice(4)) - 1];
      assert.match(own(target.children[2]), /^[\d.]+$/, 'the row pointed at has a time');
      assert.equal(tr.children[2].title, `Fused into ${own(target.children[1])}: that kernel's time covers this op`);
    }
  });
});
