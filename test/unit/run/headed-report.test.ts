/**
 * detect: and segment: cells end to end without onnxruntime: execution (costs split by part, sums
 * exact), the time split of a profile (what no part accounts for is said), the markdown fallback,
 * and the renderer's split table, charts and diagram parts.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseHTML } from 'linkedom';
import { DEFAULT_THEME } from '../../../media/report/chart-base';
import { reportCharts, splitSpec } from '../../../media/report/charts';
import { defaultCollapsed, diagramModel, layoutDiagram } from '../../../media/report/layout';
import { MODEL_PARTS } from '../../../src/shared/models';
import { splitRows as rendererSplitRows } from '../../../media/report/rows';
import { checkReport } from '../../../media/report/validate';
import { CellAnalysis } from '../../../src/run/cellCosts';
import { CellFailure, executeCell } from '../../../src/run/execute';
import { reportMarkdown } from '../../../src/run/markdown';
import type { Report } from '../../../src/run/reportTypes';
import { backboneSplit, splitRows, timingNote } from '../../../src/run/split';
import { fakeProfile } from '../support/renderer-fixtures';

const CELL = 'detect:\n  head: ssdlite\n  backbones: [mobilenet_v3_large_x1_0, pplcnet_x1_0]\n';
const ctx = { provider: 'cpu', baseDir: '/tmp' };

/** The static report of CELL, then each model given a profile shaped like the kernel's, split again. */
async function profiledReport(): Promise<Report> {
  const { report } = await executeCell(CELL, ctx);
  const models = report.models.map((m) => ({ ...m, profile: fakeProfile(m) }));
  const splits = report.headed!.splits.map((s, i) => backboneSplit(models[i].summary, models[i].profile, { id: s.backbone, label: s.label, taps: s.taps }));
  return { ...report, models, headed: { ...report.headed!, splits } };
}

describe('detect and segment cells: execution', () => {
  it('each backbone under the head, its costs split backbone / neck / head, adding up to the totals exactly', async () => {
    const { report, markdown } = await executeCell(CELL, ctx);
    assert.equal(report.verb, 'detect');
    assert.equal(report.title, 'SSDLite: mobilenet_v3_large_x1_0, pplcnet_x1_0');
    assert.deepEqual(report.models.map((m) => m.summary.id), ['ssdlite/mobilenet_v3_large_x1_0', 'ssdlite/pplcnet_x1_0']);
    const h = report.headed!;
    assert.equal(h.task, 'detect');
    assert.equal(h.head.id, 'ssdlite');
    assert.equal(h.resolution, 320, "the head's reference size");
    assert.equal(h.classes, 91);
    assert.deepEqual(report.models[0].summary.input, [1, 3, 320, 320]);
    h.splits.forEach((s, i) => {
      const t = report.models[i].summary.totals;
      assert.deepEqual(s.parts.map((p) => p.part), ['backbone', 'neck', 'head']);
      for (const key of ['params', 'madds', 'flops', 'mac_bytes'] as const) {
        assert.equal(s.parts.reduce((a, p) => a + p[key], 0), t[key], `${s.backbone}: ${key} of the parts add up to the total`);
      }
      assert.ok(s.parts.every((p) => p.layers > 0 && p.madds > 0), `${s.backbone}: every part has ops`);
      assert.deepEqual(s.taps.map((t) => t.stride), [16, 32]);
      // SSDLite reads MobileNetV3's expansion conv inside its last stride-16 block, as torchvision does.
      assert.equal(s.taps[0].name, s.backbone === 'mobilenet_v3_large_x1_0' ? 'c4_expand' : undefined);
      assert.ok(report.models[i].summary.layers.some((l) => l.name === s.taps[0].node), 'the tap is a node of the graph');
      assert.equal(s.timing, undefined, 'static: not measured');
    });
    assert.match(markdown, /\*\*SSDLite\*\* detector/);
    assert.match(markdown, /#### pplcnet_x1_0 under SSDLite/);
    assert.match(markdown, /\| backbone \| \d+ \|/);
    assert.match(markdown, /Static analysis: counted, not measured/);
  });

  it('a backbone whose strides the head cannot use fails at its line and column', async () => {
    await assert.rejects(
      executeCell('detect:\n  head: ssdlite\n  backbones: [pplcnet_x1_0, squeezenet1_0]\n', ctx),
      (e: Error) => e instanceof CellFailure && /^line 3, column 29: ssdlite needs a stride-32 feature map; squeezenet1_0 gives strides/.test(e.message),
    );
  });

  it('segment cells: a variant backbone is labelled with its width and knobs', async () => {
    const { report } = await executeCell('segment:\n  head: lraspp\n  backbones:\n    - { model: mobilenet_v3_large_x1_0, width: 0.75, knobs: { se: false } }\n  classes: 19\n', ctx);
    assert.equal(report.verb, 'segment');
    assert.equal(report.headed?.classes, 19);
    assert.equal(report.headed?.splits[0].label, 'mobilenet_v3_large_x1_0 (width 0.75, se: false)');
    assert.deepEqual(report.models[0].summary.published, [], 'no published figures for a variant');
  });

  it('a profile is split by the part of each kernel\'s main op; inserted kernels and the time between kernels are said apart', async () => {
    const report = await profiledReport();
    const model = report.models[0];
    const split = report.headed!.splits[0];
    const t = split.timing!;
    const layersUs = model.profile!.layers.reduce((a, l) => a + l.median_us, 0);
    const partsUs = split.parts.reduce((a, p) => a + (p.median_us ?? 0), 0);
    assert.ok(Math.abs(partsUs + t.runtime_only_us - layersUs) < 1e-6, 'every kernel counted once');
    assert.equal(t.runtime_only_us, 10, "the fixture's two reorders");
    assert.ok(Math.abs(t.run_us - model.profile!.latency.profiled_run_ms * 1e3) < 1e-6);
    assert.equal(t.gaps_us, undefined, 'the fixture has no profiler parts');
    assert.ok(Math.abs(t.other_us - (t.run_us - layersUs)) < 1e-6);
    assert.ok(split.parts.every((p) => (p.median_us ?? 0) > 0));
    const note = timingNote(split)!;
    assert.match(note, /is in no part: 0\.010 ms in kernels onnxruntime inserted; [\d.]+ ms between kernels or from kernel times varying run to run\./);
    const rows = splitRows(split);
    assert.deepEqual(rows.rows.map((r) => r[0]), ['backbone', 'neck', 'head', 'inserted by onnxruntime', 'between kernels, run-to-run spread', 'total']);
    // With the profiler's own parts measured, the gaps between kernels are a row of their own.
    const parts = { kernels_per_run: 1, kernel_us: 1, between_kernels_us: 300, edges_us: 20, in_kernel_us: 1, chain_between_kernels_us: 1, chain_unprofiled_node_us: 1, per_node_cost_ratio: 1, method: 'fixture' };
    const withGaps = backboneSplit(model.summary, { ...model.profile!, profiler: parts }, { id: 'x', label: 'x', taps: [] });
    assert.equal(withGaps.timing!.gaps_us, 320);
    assert.ok(Math.abs(withGaps.timing!.other_us - (t.other_us - 320)) < 1e-6);
    assert.deepEqual(splitRows(withGaps).rows.map((r) => r[0]).slice(3), ['inserted by onnxruntime', 'between kernels', 'not in kernel medians', 'total']);
    assert.ok(rows.rows.every((r) => r.length === rows.header.length));
    const md = reportMarkdown(report);
    assert.match(md, /median ms \(measured\)/);
    assert.match(md, /\| between kernels, run-to-run spread \|/);
  });
});

describe('detect and segment cells: editor hover after a run', () => {
  it("a backbone's hover adds its measured time per part from the cell's last run, and not from a run of another cell text", async () => {
    const report = await profiledReport();
    const offset = CELL.indexOf('pplcnet_x1_0') + 3;
    const hover = new CellAnalysis(CELL).hover(offset, report)!;
    assert.match(hover.markdown, /\*\*pplcnet_x1_0\*\* under \*\*SSDLite\*\*/);
    assert.match(hover.markdown, /\*\*Measured\*\* on this machine \(last run: cpu, 2 threads, 5 warm-up \+ 20 runs\): backbone [\d.]+ ms · neck [\d.]+ ms · head [\d.]+ ms; in no part [\d.]+ ms; median latency \*\*[\d.]+ ms\*\*/);
    const changed = CELL.replace('pplcnet_x1_0', 'pplcnet_x0_5');
    const stale = new CellAnalysis(changed).hover(offset, report)!;
    assert.doesNotMatch(stale.markdown, /Measured/);
  });
});

describe('detect and segment cells: renderer', () => {
  it('the report passes the renderer check; a split table row per backbone with per-part columns', async () => {
    const report = await profiledReport();
    assert.doesNotThrow(() => checkReport(JSON.parse(JSON.stringify(report))));
    const rows = rendererSplitRows(report);
    assert.equal(rows.length, 2);
    assert.equal(rows[0].total.madds, report.models[0].summary.totals.madds);
    assert.ok(rows[0].ms && rows[0].ms.unattributed > 0);
  });

  it('stacked bars of MAdds and of time per part, one bar per backbone; no time chart when static', async () => {
    const measured = await profiledReport();
    assert.deepEqual(reportCharts(measured).map((c) => c.kind), ['split-madds', 'split-latency']);
    const madds = splitSpec(measured, 'madds', DEFAULT_THEME)!;
    const values = (madds.data as { values: { backbone: string; part: string; value: number }[] }).values;
    assert.deepEqual([...new Set(values.map((v) => v.part))], ['backbone', 'neck', 'head']);
    const mbv3 = values.filter((v) => v.backbone === 'mobilenet_v3_large_x1_0').reduce((a, v) => a + v.value, 0);
    assert.ok(Math.abs(mbv3 - measured.models[0].summary.totals.madds / 1e6) < 1e-6);
    const latency = splitSpec(measured, 'latency', DEFAULT_THEME)!;
    assert.ok((latency.data as { values: { part: string }[] }).values.some((v) => v.part === 'in no part'));
    const { report: plain } = await executeCell(CELL, ctx);
    assert.deepEqual(reportCharts(plain).map((c) => c.kind), ['split-madds']);
    const vl = (await import('vega-lite' as string)) as { compile(spec: unknown, o?: unknown): unknown };
    const warnings: string[] = [];
    const logger = { level: () => logger, error: (...m: unknown[]) => (warnings.push(m.join(' ')), logger), warn: (...m: unknown[]) => (warnings.push(m.join(' ')), logger), info: () => logger, debug: () => logger };
    for (const chart of reportCharts(measured)) vl.compile(chart.spec, { logger });
    assert.deepEqual(warnings, []);
  });

  it('the diagram groups by part first: it opens as three part boxes; opened, a part is a cluster framed as that part around its collapsed stages', async () => {
    const { report } = await executeCell(CELL, ctx);
    const data = diagramModel(report.models[0]);
    assert.equal(data.parts, true);
    const collapsed = defaultCollapsed(data);
    const closed = layoutDiagram(data, collapsed, 'madds');
    assert.deepEqual(closed.boxes.filter((b) => b.kind === 'group').map((b) => b.part), ['backbone', 'neck', 'head']);
    for (const part of MODEL_PARTS) collapsed.delete(part);
    const open = layoutDiagram(data, collapsed, 'madds');
    assert.deepEqual(open.clusters.filter((c) => c.part).map((c) => c.part).sort(), ['backbone', 'head', 'neck']);
    assert.ok(open.boxes.some((b) => b.group?.startsWith('backbone.stage')), 'stages inside the backbone stay collapsed');
    assert.ok(open.boxes.every((b) => b.kind !== 'group' || !b.part), 'only part clusters, no part boxes, once opened');
  });

  it('the DOM: split table with grouped headers and one row per backbone, published column, both charts handed to the embedder', async () => {
    const render = ((await import(join(__dirname, '..', '..', '..', 'media', 'report', 'view.ts'))) as { renderReport: (e: unknown, v: unknown, o: unknown) => unknown }).renderReport;
    const { document } = parseHTML('<!doctype html><html><body><div id="out"></div></body></html>') as unknown as { document: any };
    const root = document.getElementById('out');
    const embedded: string[] = [];
    render(root, JSON.parse(JSON.stringify(await profiledReport())), { embedChart: async (c: any) => (embedded.push(c.dataset.kind), { dispose: () => undefined }) });
    await new Promise((r) => setTimeout(r, 0));
    const table = root.querySelector('table.lcnb-split-table');
    assert.ok(table, 'split table');
    const groups = [...table.querySelectorAll('thead tr.lcnb-group-row th')].map((th: any) => th.textContent);
    // Params ride below MAdds, FLOPs and memory traffic on hover: the table fits beside the explorer.
    assert.deepEqual(groups, ['', 'MAdds (M), params (M) below', 'Time (ms, measured)', 'Published (paper)']);
    const rows = [...table.querySelectorAll('tbody tr')].map((tr: any) => tr.querySelector('td').textContent);
    assert.deepEqual(rows, ['mobilenet_v3_large_x1_0', 'pplcnet_x1_0']);
    assert.equal(root.querySelector('table.lcnb-compare-table'), null, 'no compare table beside the split');
    assert.deepEqual(embedded.filter((k) => k.startsWith('split-')), ['split-madds', 'split-latency']);
    assert.equal(root.querySelectorAll('.lcnb-error').length, 0);
  });
});
