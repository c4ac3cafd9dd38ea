/**
 * `predict:` run end to end: a compare on two devices gives the totals predict() gives directly;
 * the report passes the renderer's validation, renders its tables in linkedom, its chart compiles
 * without warnings, and the markdown lists the totals.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseHTML } from 'linkedom';
import { costGraph } from '../../../src/core/cost';
import { findDevice } from '../../../src/core/devices';
import { DTYPE_BYTES, maddsEquivalent, predict, ridgePoint, rooflineLayers } from '../../../src/core/predict';
import { executeCell } from '../../../src/run/execute';
import { RIDGE_GRID } from '../../../src/run/prediction';
import type { Report } from '../../../src/run/reportTypes';
import { buildModel } from '../../../src/zoo';
import { compileAndDraw } from '../support/charts';

const COMPARE = 'compare:\n  models: [mobilenet_v2_x1_0, shufflenet_v2_x0_5]\n  predict: [pixel6-cpu, pixel4-dsp]\n';
const IDS = ['mobilenet_v2_x1_0', 'shufflenet_v2_x0_5'];
const ctx = { provider: 'cpu', baseDir: process.cwd() };

type Render = (element: unknown, value: unknown, options: { embedChart: () => Promise<{ dispose(): void }> }) => { dispose(): void };
let renderReport: Render;
let checkReport: (value: unknown) => Report;
let reportCharts: (report: Report) => { kind: string; title: string; spec: unknown }[];
let compared: { report: Report; markdown: string };

before(async () => {
  // Loaded by path: media/ is checked by media/tsconfig.json (DOM types), not by the Node test build.
  const media = (file: string) => import(join(__dirname, '..', '..', '..', 'media', 'report', file));
  renderReport = (await media('view.ts')).renderReport;
  checkReport = (await media('validate.ts')).checkReport;
  reportCharts = (await media('charts.ts')).reportCharts;
  compared = await executeCell(COMPARE, ctx);
});

function render(value: unknown): any {
  const { document } = parseHTML('<!doctype html><html><head></head><body><div id="out"></div></body></html>') as unknown as { document: any };
  const root = document.getElementById('out');
  renderReport(root, value, { embedChart: async () => ({ dispose: () => undefined }) });
  return root;
}

const headers = (table: any): string[] => [...table.querySelectorAll('thead tr:last-child th')].map((th: any) => th.textContent);

describe('predict: in a compare cell', () => {
  it('each model on each device: the totals predict() gives for its roofline layers at the device width', () => {
    const { report } = compared;
    assert.equal(report.models.length, 2);
    report.models.forEach((m, i) => {
      const p = m.prediction;
      assert.ok(p, `model ${i} has a prediction`);
      assert.deepEqual(p.devices.map((d) => d.id), ['pixel6-cpu', 'pixel4-dsp']);
      const graph = buildModel(IDS[i]);
      const cost = costGraph(graph);
      p.devices.forEach((d, k) => {
        const device = findDevice(d.id)!;
        assert.equal(d.name, device.name);
        assert.equal(d.dtype, device.dtype);
        assert.equal(d.source, device.source);
        assert.equal(d.ridge, ridgePoint(device));
        const direct = predict(rooflineLayers(graph, cost, DTYPE_BYTES[device.dtype]), device, cost.uncounted);
        assert.equal(p.total_ms[k], direct.totalSeconds * 1e3, `${IDS[i]} on ${d.id}`);
        assert.ok(p.total_ms[k] > 0);
        // Per layer: the same layers, times and bounds.
        assert.deepEqual(p.layers.map((l) => l.name), direct.layers.map((l) => l.name));
        p.layers.forEach((l, j) => {
          assert.equal(l.us[k], direct.layers[j].predictedSeconds * 1e6);
          assert.equal(l.bound[k], direct.layers[j].bound);
        });
      });
      // One curve per width: fp32 for the Pixel 6 CPU, int8 for the DSP; 50 points from 0.1 to 500 MAdds/byte.
      assert.deepEqual(p.curves.map((c) => c.dtype), ['fp32', 'int8']);
      const int8 = rooflineLayers(graph, cost, 1);
      const curve = p.curves[1].points;
      assert.equal(curve.length, 50);
      assert.ok(Math.abs(curve[0].ridge - 0.1) < 1e-12 && Math.abs(curve[49].ridge - 500) < 1e-9);
      assert.deepEqual(curve.map((pt) => pt.ridge), [...RIDGE_GRID]);
      curve.forEach((pt) => assert.equal(pt.gmadds, maddsEquivalent(int8, pt.ridge) / 1e9));
      assert.deepEqual(p.uncounted, []);
    });
    assert.ok(report.notes.some((n) => /MobileNetV4's roofline .* not a measurement/.test(n) && n.includes('BatchNormalization is folded')));
  });

  it('passes the renderer\'s validation (and a broken prediction is named by path)', () => {
    const json = JSON.parse(JSON.stringify(compared.report));
    assert.doesNotThrow(() => checkReport(json));
    const broken = JSON.parse(JSON.stringify(compared.report));
    broken.models[1].prediction.total_ms.pop();
    assert.throws(() => checkReport(broken), /report\.models\[1\]\.prediction\.total_ms: expected one entry per device \(2\), got 1/);
    const bound = JSON.parse(JSON.stringify(compared.report));
    bound.models[0].prediction.layers[0].bound[0] = 'io';
    assert.throws(() => checkReport(bound), /report\.models\[0\]\.prediction\.layers\[0\]\.bound\[0\]: expected compute or memory/);
  });

  it('renders a predicted-latency table (models × devices) and a predicted column in each layer table', () => {
    const root = render(JSON.parse(JSON.stringify(compared.report)));
    assert.equal(root.querySelector('.lcnb-error'), null);
    const table = root.querySelector('table.lcnb-predicted-table');
    assert.ok(table);
    assert.deepEqual(headers(table), ['Model', 'pixel6-cpu', 'pixel4-dsp']);
    const ths = [...table.querySelectorAll('thead th')] as any[];
    const dsp = ths.find((th) => th.textContent === 'pixel4-dsp');
    assert.match(dsp.title, /ridge point 347\.3 MAdds\/byte, int8.*Source: MobileNetV4/);
    const rows = [...table.querySelectorAll('tbody tr')] as any[];
    assert.equal(rows.length, 2);
    const shown = compared.report.models[0].prediction!.total_ms.map((v) => v.toFixed(3));
    assert.deepEqual([...rows[0].children].slice(1).map((td: any) => td.textContent), shown);

    const layers = root.querySelector('details.lcnb-model table.lcnb-layers');
    const h = headers(layers);
    const col = h.indexOf('Predicted (µs, pixel6-cpu)');
    assert.ok(col > 1, h.join(' | '));
    const body = [...layers.querySelectorAll('tbody tr')] as any[];
    const first = compared.report.models[0].prediction!.layers[0];
    const row = body.find((tr) => tr.children[1].textContent.startsWith(first.name));
    assert.equal(row.children[col].textContent, first.us[0].toFixed(1));
    assert.match(row.children[col].title, /^(compute|memory)-bound on Google Pixel 6 CPU/);
    // A BatchNorm folded into its conv points at the conv's row.
    const fused = body.find((tr) => /^in #\d+$/.test(tr.children[col].textContent));
    assert.ok(fused);
    assert.match(fused.children[col].title, /^Fused into /);
  });

  it('a model cell without predict: renders as before: no predicted table or column', async () => {
    const { report } = await executeCell('model: shufflenet_v2_x0_5\n', ctx);
    assert.equal(report.models[0].prediction, undefined);
    const root = render(JSON.parse(JSON.stringify(report)));
    assert.equal(root.querySelector('table.lcnb-predicted-table'), null);
    assert.ok(!headers(root.querySelector('table.lcnb-layers')).some((x) => x.startsWith('Predicted')));
    assert.ok(!reportCharts(report).some((c) => c.kind === 'predicted-ridge'));
  });

  it('a model cell with predict: one device, its table and column', async () => {
    const { report, markdown } = await executeCell('model: shufflenet_v2_x0_5\npredict: cortex-a72\n', ctx);
    assert.deepEqual(report.models[0].prediction?.devices.map((d) => d.id), ['cortex-a72']);
    const root = render(JSON.parse(JSON.stringify(report)));
    assert.deepEqual(headers(root.querySelector('table.lcnb-predicted-table')), ['Model', 'cortex-a72']);
    assert.ok(headers(root.querySelector('table.lcnb-layers')).includes('Predicted (µs, cortex-a72)'));
    assert.match(markdown, /\| shufflenet_v2_x0_5 \| \d+\.\d{3} \|/);
    // Cortex-A72's ridge point (0.47 MAdds/byte) is on the chart's axis (0.1–500): no device is left off.
    const chart = reportCharts(report).find((c) => c.kind === 'predicted-ridge');
    assert.doesNotMatch(JSON.stringify(chart?.spec), /off the axis/);
  });

  it('the chart: one line per model and width, a rule at each ridge point; compiles without warnings and draws', async () => {
    const chart = reportCharts(compared.report).find((c) => c.kind === 'predicted-ridge');
    assert.ok(chart);
    assert.equal(chart.title, 'Predicted time across ridge points');
    const text = JSON.stringify(chart.spec);
    assert.match(text, /ridge point \(MAdds\/byte, log\)/);
    assert.match(text, /MAdds-equivalent at peak \(G, log\)/);
    assert.match(text, /mobilenet_v2_x1_0 \(int8\)/);
    const svg = await compileAndDraw(chart);
    assert.match(svg, /^<svg/);
    assert.match(svg, /pixel4-dsp/);
    assert.match(svg, /pixel6-cpu/);
  });

  it('the markdown lists the predicted totals per device', () => {
    const { markdown, report } = compared;
    assert.match(markdown, /Predicted latency \(ms\) — MobileNetV4's roofline/);
    assert.match(markdown, /\| model \| Google Pixel 6 CPU .*\(pixel6-cpu, fp32, ridge 31\.2 MAdds\/B\) \| .*\(pixel4-dsp, int8, ridge 347\.3 MAdds\/B\) \|/);
    for (const m of report.models) assert.ok(markdown.includes(`| ${m.label} | ${m.prediction!.total_ms.map((v) => v.toFixed(3)).join(' | ')} |`), m.label);
  });
});
