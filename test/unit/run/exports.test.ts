/**
 * Report exporters: CSV parses back (RFC 4180) with the report's numbers, JSON round-trips,
 * Markdown holds tables, the Netron attachment has the shape Netron reads and its node targets are
 * node names of lcnb's .onnx export; and an exported model loads and runs in onnxruntime.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { onnx } from '../../../src/onnx/proto';
import { exportOnnx } from '../../../src/onnx/writer';
import { reportToCsv, reportToJson, reportToMarkdown, reportToNetronAttachment } from '../../../src/run/exports';
import { report, modelReport } from '../../../src/run/buildReport';
import { buildModel } from '../../../src/zoo';
import { KernelClient } from '../../../kernels/host/client';
import { compareReport, sweepReport, zooReport } from '../support/renderer-fixtures';

/** A strict RFC 4180 reader: quoted fields with doubled quotes, CRLF records; throws on anything else. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`a quote inside an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
      if (i === text.length) return records;
      continue;
    }
    throw new Error(i >= text.length ? 'the last record does not end with CRLF' : `unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
}

const profiled = report('model', 'mobilenet_v3_small_x1_0', [zooReport('mobilenet_v3_small_x1_0', { profiled: true })]);

describe('reportToCsv', () => {
  it('parses back with one row per layer and the report numbers', () => {
    const rows = parseCsv(reportToCsv(profiled));
    const [header, ...body] = rows;
    assert.ok(rows.every((r) => r.length === header.length), 'every record has as many fields as the header');
    const model = profiled.models[0];
    assert.equal(body.length, model.summary.layers.length + model.summary.uncounted.length);
    const col = (name: string) => header.indexOf(name);
    for (const [i, l] of model.summary.layers.entries()) {
      assert.equal(body[i][col('layer')], l.name);
      assert.equal(Number(body[i][col('params')]), l.params);
      assert.equal(Number(body[i][col('madds')]), l.madds);
      assert.equal(Number(body[i][col('mac_bytes')]), l.mac_bytes);
    }
    const measured = body.filter((r) => r[col('measured_median_us')] !== '');
    const fused = body.filter((r) => r[col('fused_into')] !== '');
    assert.ok(measured.length > 0 && fused.length > 0, 'measured kernels and ops fused into them are both present');
    const own = new Map(model.profile!.layers.map((l) => [l.name, l.median_us]));
    for (const r of measured) assert.equal(Number(r[col('measured_median_us')]), own.get(r[col('layer')]));
  });

  it('quotes commas, quotes and line breaks (RFC 4180) and lists uncounted ops', () => {
    const base = zooReport('squeezenet1_1');
    const odd = 'conv "a", b\nsecond line';
    const model = {
      ...base,
      summary: {
        ...base.summary,
        layers: base.summary.layers.map((l, i) => (i === 0 ? { ...l, name: odd } : l)),
        uncounted: [{ name: 'custom,op', op: 'MyOp' }],
      },
    };
    const rows = parseCsv(reportToCsv(report('model', 'x', [model])));
    assert.equal(rows[1][1], odd);
    const last = rows[rows.length - 1];
    assert.deepEqual([last[1], last[2], last[rows[0].indexOf('counted')], last[rows[0].indexOf('madds')]], ['custom,op', 'MyOp', 'no', '']);
  });

  it('writes a sweep as one row per grid point', () => {
    const sweep = sweepReport(true);
    const rows = parseCsv(reportToCsv(sweep));
    assert.deepEqual(rows[0], ['width', 'resolution', 'params', 'madds', 'flops', 'mac_bytes', 'median_ms']);
    assert.equal(rows.length, 1 + sweep.sweep!.points.length);
    assert.equal(rows[1][1], '[160,160]');
    assert.equal(Number(rows[1][3]), sweep.sweep!.points[0].madds);
  });

  it('a compare report has the rows of every model', () => {
    const compare = compareReport(false);
    const rows = parseCsv(reportToCsv(compare));
    const models = new Set(rows.slice(1).map((r) => r[0]));
    assert.deepEqual([...models], compare.models.map((m) => m.summary.id));
  });
});

describe('reportToJson', () => {
  it('round-trips', () => {
    for (const r of [profiled, compareReport(true), sweepReport(false)]) assert.deepEqual(JSON.parse(reportToJson(r)), JSON.parse(JSON.stringify(r)));
  });
});

describe('reportToMarkdown', () => {
  it('has the summary and a table row for every layer', () => {
    const md = reportToMarkdown(profiled);
    const model = profiled.models[0];
    assert.match(md, /^## mobilenet_v3_small_x1_0/);
    assert.match(md, /### All layers of mobilenet_v3_small_x1_0\n\n\| layer \| op \| output \| params \| MAdds \| FLOPs \| MAC \| time \(µs\) \| share \|\n\|---\|/);
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| layer '));
    for (const l of model.summary.layers) assert.ok(rows.some((r) => r.startsWith(`| ${l.name} | ${l.op} |`)), `a row for ${l.name}`);
    assert.ok(rows.some((r) => / \| fused into /.test(r)));
  });
});

/** Netron's reading of an attachment (source/view.js, metadata.Attachment.Container.open): entries by `${kind}::${target}`. */
function netronEntries(data: unknown, container: 'metadata' | 'metrics'): Map<string, Map<string, unknown>> {
  const json = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
  assert.equal(json.signature, 'netron:attachment');
  const items = json[container];
  assert.ok(Array.isArray(items));
  const entries = new Map<string, Map<string, unknown>>();
  for (const item of items as Record<string, unknown>[]) {
    assert.ok(item.kind && 'target' in item, `an entry Netron keeps: ${JSON.stringify(item)}`);
    const key = `${item.kind}::${item.target}`;
    if (!entries.has(key)) entries.set(key, new Map());
    entries.get(key)!.set(item.name as string, item.value);
  }
  return entries;
}

describe('reportToNetronAttachment', () => {
  it("matches Netron's attachment shape and names the nodes of lcnb's .onnx export", () => {
    const attachment = reportToNetronAttachment(profiled);
    const metrics = netronEntries(attachment, 'metrics');
    const metadata = netronEntries(attachment, 'metadata');
    const totals = profiled.models[0].summary.totals;
    assert.equal(metrics.get('model::')!.get('MAdds'), totals.madds);
    assert.equal(metrics.get('model::')!.get('params'), totals.params);
    assert.equal(metrics.get('model::')!.get('latency median (ms)'), profiled.models[0].profile!.latency.median_ms);
    assert.match(String(metadata.get('model::')!.get('lcnb')), /MAdds = multiply-adds/);

    const graph = buildModel('mobilenet_v3_small_x1_0');
    const file = onnx.ModelProto.decode(exportOnnx(graph, { form: 'deploy' }).bytes);
    assert.ok(metrics.has(`graph::${file.graph!.name}`), 'graph entries name the graph of the file');
    const fileNodes = new Set(file.graph!.node!.map((n) => n.name));
    const convs = file.graph!.node!.filter((n) => n.opType === 'Conv');
    for (const conv of convs) {
      const node = metrics.get(`node::${conv.name}`);
      assert.ok(node, `metrics for node ${conv.name}`);
      const layer = profiled.models[0].summary.layers.find((l) => l.name === conv.name)!;
      assert.equal(node.get('MAdds'), layer.madds);
      assert.equal(node.get('MAC (bytes)'), layer.mac_bytes);
      assert.ok(typeof node.get('latency median (µs)') === 'number', `a measured time on ${conv.name}`);
    }
    const targets = [...metrics.keys()].filter((k) => k.startsWith('node::')).map((k) => k.slice(6));
    const missing = targets.filter((t) => !fileNodes.has(t));
    assert.ok(missing.every((n) => graph.nodes.find((g) => g.name === n)?.op === 'BatchNormalization'), `only folded BatchNorms are absent from the file: ${missing.filter((n) => !n.includes('bn')).join(', ')}`);
  });

  it('picks a model of a compare report, and says when there is none', () => {
    const compare = compareReport(false);
    const second = reportToNetronAttachment(compare, 1);
    assert.equal(netronEntries(second, 'metrics').get('model::')!.get('MAdds'), compare.models[1].summary.totals.madds);
    assert.throws(() => reportToNetronAttachment(sweepReport(false)), /holds no model/);
  });
});

describe('an exported model in onnxruntime', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lcnb-exports-test-'));
  const kernel = new KernelClient(join(__dirname, '..', '..', '..', 'kernels', 'process', 'main.ts'), { execArgv: ['--import', 'tsx'], env: { LCNB_CACHE_DIR: dir } });
  after(async () => {
    await kernel.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const form of ['deploy', 'training'] as const) {
    it(`loads and runs (${form} form)`, async () => {
      const graph = buildModel('squeezenet1_1', { resolution: 64 });
      const path = join(dir, `squeezenet1_1-${form}.onnx`);
      writeFileSync(path, exportOnnx(graph, { form }).bytes);
      const result = await kernel.profile({ modelPath: path, provider: 'cpu', threads: 1, runs: 1, warmup: 0, optimization: 'disabled', baselineRuns: 0 });
      assert.equal(result.settings.providerUsed, 'cpu');
      assert.deepEqual(result.settings.inputShapes, { [graph.inputs[0].name]: [...graph.inputs[0].shape] });
      assert.ok(result.nodes.length >= graph.nodes.length - (form === 'deploy' ? graph.nodes.filter((n) => n.op === 'BatchNormalization').length : 0));
      // The attachment of this very model names nodes the runtime ran.
      const ran = new Set(result.nodes.map((n) => n.name));
      const attachment = reportToNetronAttachment(report('model', graph.name, [modelReport(graph)]));
      const convTargets = attachment.metrics.filter((e) => e.kind === 'node' && e.name === 'MAdds' && graph.nodes.find((n) => n.name === e.target)?.op === 'Conv');
      assert.ok(convTargets.length > 0 && convTargets.every((e) => ran.has(e.target)));
    });
  }
});
