/**
 * The renderer's DOM in linkedom: names from user files stay text, tables sort on click, stages
 * expand on click, bad reports show the bad field, and every chart is handed to the embedder.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseHTML } from 'linkedom';
import { report } from '../../../src/run/buildReport';
import type { ModelReport } from '../../../src/run/reportTypes';
import { compareReport, zooReport } from '../support/renderer-fixtures';

interface Embedded {
  kind: string | undefined;
  spec: Record<string, unknown>;
}
type Render = (element: unknown, value: unknown, options: { embedChart: (container: any, spec: Record<string, unknown>) => Promise<{ dispose(): void }> }) => { dispose(): void };

let renderReport: Render;
before(async () => {
  // Loaded by path: view.ts is checked by media/tsconfig.json (DOM types), not by the Node test build.
  renderReport = ((await import(join(__dirname, '..', '..', '..', 'media', 'report', 'view.ts'))) as { renderReport: Render }).renderReport;
});

function render(value: unknown): { root: any; embedded: Embedded[]; document: any } {
  // The Node test build has no DOM types; the renderer's own types are checked in media/.
  const { document } = parseHTML('<!doctype html><html><head></head><body><div id="out"></div></body></html>') as unknown as { document: any };
  const root = document.getElementById('out')!;
  const embedded: Embedded[] = [];
  renderReport(root, value, {
    embedChart: async (container, spec) => {
      embedded.push({ kind: container.dataset.kind, spec });
      return { dispose: () => undefined };
    },
  });
  return { root, embedded, document };
}

const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>';

function renamed(model: ModelReport, id: string): ModelReport {
  const layers = model.summary.layers.map((l, i) => (i === 0 ? { ...l, name: `${HOSTILE}.conv` } : l));
  const nodes = model.graph.nodes.map((n, i) => (i === 0 ? { ...n, name: `${HOSTILE}.conv` } : n));
  return { ...model, label: id, summary: { ...model.summary, id, layers }, graph: { ...model.graph, nodes } };
}

describe('renderer DOM', () => {
  it('model and layer names containing markup are rendered as text, never parsed', () => {
    const model = renamed(zooReport('squeezenet1_1', { profiled: true }), HOSTILE);
    const { root } = render(report('model', HOSTILE, [model]));
    assert.equal(root.querySelectorAll('script').length, 0);
    assert.equal(root.querySelectorAll('img').length, 0);
    assert.ok(root.querySelector('.lcnb-title').textContent === HOSTILE);
    assert.ok(root.querySelector('.lcnb-model > summary').textContent.startsWith(HOSTILE));
    // The layer cell: the name, then its op below it.
    const names = [...root.querySelectorAll('.lcnb-layers tbody tr')].map((tr: any) => tr.children[1].textContent);
    assert.ok(names.includes(`${HOSTILE}.convConv`));
    assert.ok(root.innerHTML.includes('&lt;script&gt;'), 'the markup is escaped in the DOM');
  });

  it('a single model: totals with units, published block with sources, stage and layer tables, diagram, no charts unprofiled', () => {
    const { root, embedded } = render(report('model', 'mobilenet', [zooReport('mobilenet_v3_small_x1_0')]));
    const totals = [...root.querySelectorAll('.lcnb-totals th')].map((th: any) => th.textContent);
    assert.deepEqual(totals.slice(0, 3), ['Params (count)', 'MAdds (multiply-adds)', 'FLOPs (2×MAdds + elementwise)']);
    for (const cls of ['lcnb-totals', 'lcnb-published-table', 'lcnb-stages']) assert.ok(root.querySelector(`.lcnb-scroll-x > table.${cls}`), cls);
    const published = root.querySelector('.lcnb-published');
    assert.match(published.textContent, /Published figures — reported by the papers, not computed by lcnb/);
    assert.match(published.textContent, /arXiv:1905\.02244/);
    assert.equal(root.querySelectorAll('.lcnb-stages tbody tr').length, 7);
    assert.equal(root.querySelectorAll('.lcnb-layers tbody tr').length, 157);
    const layerHeaders = [...root.querySelectorAll('.lcnb-layers th')].map((th: any) => th.textContent);
    for (const h of ['Params (count)', 'MAdds (count)', 'FLOPs (count)', 'MAC (bytes)']) assert.ok(layerHeaders.includes(h), h);
    assert.ok(!layerHeaders.includes('Time (µs)'));
    assert.equal(root.querySelectorAll('.lcnb-diagram-svg').length, 1);
    assert.ok(root.querySelector('details.lcnb-model').hasAttribute('open'), 'a lone model is open');
    assert.deepEqual(embedded, []);
    assert.equal(root.querySelector('.lcnb-measured'), null);
  });

  it('profiled: measured block with its settings, time columns, and the three charts', () => {
    const { root, embedded } = render(report('profile', 'profile', [zooReport('mobilenet_v3_small_x1_0', { profiled: true })]));
    const measured = root.querySelector('.lcnb-measured').textContent;
    assert.match(measured, /median latency \(p10 [\d.]+ ms, p90 [\d.]+ ms\) — cpu, 2 threads, optimization all, 5 warm-up \+ 20 runs/);
    assert.match(measured, /Coverage80\.0% of onnxruntime's run time/);
    const runtimeLine = root.querySelector('.lcnb-runtime-only');
    assert.match(runtimeLine.textContent, /^Also measured: 2 layout reorders onnxruntime inserted: 10\.0 µs in total, [\d.]+% of the per-layer time\./);
    assert.equal(runtimeLine.title, 'ReorderInput: 6.0 µs\nReorderOutput: 4.0 µs');
    assert.match(root.querySelector('.lcnb-diagram').textContent, /Not drawn: 2 kernels onnxruntime added \(10\.0 µs\)/);
    const layerHeaders = [...root.querySelectorAll('.lcnb-layers th')].map((th: any) => th.textContent);
    for (const h of ['Time (µs)', 'Achieved (GFLOP/s)', 'Roofline (%)']) assert.ok(layerHeaders.includes(h), h);
    assert.deepEqual(
      embedded.map((e) => e.kind),
      ['latency-bars', 'madds-latency', 'roofline'],
    );
    const select = root.querySelector('.lcnb-diagram select');
    assert.deepEqual(
      [...select.querySelectorAll('option')].map((o: any) => o.value),
      ['madds', 'mac', 'params', 'latency'],
    );
  });

  it('the kernels onnxruntime added are summed by kind, not listed one by one', async () => {
    const { runtimeOnlyText } = (await import(join(__dirname, '..', '..', '..', 'media', 'report', 'view.ts'))) as {
      runtimeOnlyText: (extra: { runtime_nodes: string[]; median_us: number; share: number }[]) => string;
    };
    const reorders = Array.from({ length: 22 }, (_, i) => ({ runtime_nodes: [`ReorderOutput_token_${i}`], median_us: 108.5 / 22, share: 0.002 }));
    assert.equal(runtimeOnlyText(reorders), "Also measured: 22 layout reorders onnxruntime inserted: 108.5 µs in total, 4.4% of the per-layer time. They cover no op of lcnb's graph; hover for the list.");
    const mixed = runtimeOnlyText([...reorders.slice(0, 2), { runtime_nodes: ['MemcpyToHost_token_1'], median_us: 3, share: 0.01 }]);
    assert.match(mixed, /^Also measured: 2 layout reorders, 1 MemcpyToHost kernel onnxruntime inserted: 12\.9 µs in total \(layout reorders 9\.9 µs, MemcpyToHost kernels 3\.0 µs\)/);
  });

  it('clicking a header sorts the layer table, clicking again reverses it', () => {
    const { root, document } = render(report('model', 'm', [zooReport('mobilenet_v3_small_x1_0')]));
    const table = root.querySelector('.lcnb-layers');
    const header = [...table.querySelectorAll('th')].find((th: any) => th.textContent === 'MAdds (count)') as any;
    const column = [...table.querySelectorAll('th')].indexOf(header);
    // Shown in SI form ("5.42M"); the exact count is the cell's title.
    const values = () => [...table.querySelectorAll('tbody tr')].map((tr: any) => Number(tr.children[column].title.split(' ')[0].replace(/,/g, '')));
    header.dispatchEvent(new document.defaultView.Event('click'));
    const down = values();
    assert.deepEqual(down, [...down].sort((a, b) => b - a));
    assert.equal(header.getAttribute('aria-sort'), 'descending');
    header.dispatchEvent(new document.defaultView.Event('click'));
    const up = values();
    assert.deepEqual(up, [...up].sort((a, b) => a - b));
  });

  it('clicking a collapsed stage expands it, clicking its label collapses it again', () => {
    const { root, document } = render(report('model', 'm', [zooReport('mobilenet_v3_small_x1_0')]));
    const diagram = root.querySelector('.lcnb-diagram');
    const boxes = () => Number(diagram.dataset.boxes);
    const before = boxes();
    const stage3 = [...diagram.querySelectorAll('.lcnb-box.kind-group')].find((g: any) => g.textContent.includes('stage3')) as any;
    stage3.dispatchEvent(new document.defaultView.Event('click'));
    assert.ok(boxes() > before, 'stage3 opens into its blocks');
    assert.equal(diagram.querySelectorAll('.lcnb-cluster').length, 1);
    const label = diagram.querySelector('.lcnb-cluster-label');
    assert.match(label.textContent, /stage3/);
    label.dispatchEvent(new document.defaultView.Event('click'));
    assert.equal(boxes(), before);
    const expandAll = [...diagram.querySelectorAll('button')].find((b: any) => b.textContent === 'Expand all') as any;
    expandAll.dispatchEvent(new document.defaultView.Event('click'));
    assert.equal(diagram.querySelectorAll('.lcnb-box.kind-op').length, 157);
  });

  it('compare: the comparison table comes first, then each model collapsed, with the Pareto charts', () => {
    const { root, embedded } = render(compareReport(true));
    const first = root.querySelector('.lcnb-header').nextElementSibling;
    assert.ok(first.classList.contains('lcnb-compare'));
    assert.equal(first.querySelectorAll('tbody tr').length, 5);
    assert.ok(first.querySelector('.lcnb-scroll-x > table.lcnb-compare-table'), 'the wide comparison table scrolls sideways on its own');
    const headers = [...first.querySelectorAll('th')].map((th: any) => th.textContent);
    assert.ok(headers.includes('Top-1 (%, published)') && headers.includes('Median (ms, measured)'));
    const models = root.querySelectorAll('details.lcnb-model');
    assert.equal(models.length, 5);
    for (const m of models) assert.equal(m.hasAttribute('open'), false);
    assert.deepEqual(
      embedded.slice(0, 2).map((e) => e.kind),
      ['pareto-latency', 'pareto-madds'],
    );
  });

  it('a malformed report shows which field is wrong instead of a blank output', () => {
    const bad = JSON.parse(JSON.stringify(report('model', 'm', [zooReport('squeezenet1_1')])));
    delete bad.models[0].summary.totals.madds;
    const { root } = render(bad);
    assert.equal(root.querySelector('.lcnb-error').textContent, 'This lcnb output cannot be shown: report.models[0].summary.totals.madds: expected a number, got nothing');
  });
});
