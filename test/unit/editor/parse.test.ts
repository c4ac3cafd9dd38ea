/** The .onnx editor's VS Code-free parts: the staged parse, the worker that runs it, and the check of webview messages. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { summarize } from '../../../src/core/summary';
import { checkEditorRequest, ParseMessage } from '../../../src/editor/messages';
import { parseInWorker } from '../../../src/editor/parseClient';
import { parseOnnxStages } from '../../../src/editor/parseStages';
import { onnx } from '../../../src/onnx/proto';
import { exportOnnx } from '../../../src/onnx/writer';
import { buildModel } from '../../../src/zoo';
import { diagramModel, layoutDiagram } from '../../../media/report/layout';
import { stageRows, stageTimes } from '../../../media/report/rows';
import type { ModelProfile } from '../../../kernels/host/profileTypes';
import { bundleParseWorker } from '../support/editor-helpers';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'onnx');
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as Record<string, { madds: number; file_params: number; input: number[] }>;
const scratch = mkdtempSync(join(tmpdir(), 'lcnb-editor-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
/** The worker bundled as scripts/build.mjs bundles it (tsx does not reach into worker threads). */
const workerFile = bundleParseWorker(scratch);

async function stages(path: string): Promise<ParseMessage[]> {
  const messages: ParseMessage[] = [];
  await parseOnnxStages({ path }, (m) => messages.push(m));
  return messages;
}

function only<T extends ParseMessage['type']>(messages: ParseMessage[], type: T): Extract<ParseMessage, { type: T }> {
  const found = messages.filter((m) => m.type === type);
  assert.equal(found.length, 1, `one '${type}' message in ${messages.map((m) => m.type).join(', ')}`);
  return found[0] as Extract<ParseMessage, { type: T }>;
}

describe('ONNX editor: staged parse', () => {
  it('posts header, read, summary, diagram and done in that order', async () => {
    const messages = await stages(join(fixtures, 'torch_tiny_shuffle.onnx'));
    assert.deepEqual(
      messages.map((m) => m.type),
      ['header', 'read', 'summary', 'diagram', 'done'],
    );
  });

  for (const [name, want] of Object.entries(expected)) {
    it(`PyTorch-exported ${name}: header and costs as the fixture's reference counts`, async () => {
      const messages = await stages(join(fixtures, `${name}.onnx`));
      const { header } = only(messages, 'header');
      assert.equal(header.fileName, `${name}.onnx`);
      assert.match(header.producer, /pytorch/);
      assert.ok(header.opset >= 11);
      assert.deepEqual(header.inputs[0].dims, want.input);
      assert.equal(header.inputs[0].dtype, 'float32');
      const { read } = only(messages, 'read');
      assert.deepEqual(read.inputs[0].shape, want.input);
      const { summary } = only(messages, 'summary');
      assert.equal(summary.totals.madds, want.madds);
      assert.equal(summary.totals.params, want.file_params);
      const { diagram, graph } = only(messages, 'diagram');
      assert.equal(diagram.nodes.length, graph.nodes.length);
      assert.equal(read.nodes, graph.nodes.length);
      assert.equal(header.nodeCount, graph.nodes.length + read.evaluatedNodes);
    });
  }

  it('an exported zoo model: the same summary as reading the graph directly', async () => {
    const graph = buildModel('mobilenet_v2_x0_35', { resolution: 96 });
    const path = join(scratch, 'mobilenet_v2_x0_35.onnx');
    writeFileSync(path, exportOnnx(graph, { form: 'training' }).bytes);
    const messages = await stages(path);
    const { summary } = only(messages, 'summary');
    assert.deepEqual(summary.totals, summarize(graph).totals);
    assert.equal(only(messages, 'read').read.metadata['lcnb.form'], 'training');
  });

  it('ops outside the registry are listed as uncounted, not counted as 0', async () => {
    const messages = await stages(join(fixtures, 'foreign_ops.onnx'));
    const { summary } = only(messages, 'summary');
    assert.deepEqual(summary.uncounted, [
      { name: '/stem/act/QuickGelu', op: 'QuickGelu' },
      { name: '/body/act/FastGelu', op: 'FastGelu' },
    ]);
    assert.ok(!summary.layers.some((l) => l.op === 'QuickGelu' || l.op === 'FastGelu'), 'uncounted ops have no cost row');
    const { diagram } = only(messages, 'diagram');
    assert.ok(diagram.nodes.some((n) => n.op === 'QuickGelu'), 'the diagram still draws them');
  });

  it('a truncated file is one error that names the file and says why', async () => {
    const bytes = readFileSync(join(fixtures, 'torch_tiny_se.onnx'));
    const path = join(scratch, 'cut.onnx');
    writeFileSync(path, bytes.subarray(0, bytes.length >> 1));
    const messages = await stages(path);
    assert.deepEqual(messages.map((m) => m.type), ['error']);
    assert.match(only(messages, 'error').message, /cut\.onnx: not a readable ONNX model \(truncated or corrupt protobuf: /);
  });

  it('a missing file and external data outside the folder are errors, not crashes', async () => {
    const missing = await stages(join(scratch, 'nope.onnx'));
    assert.match(only(missing, 'error').message, /cannot read .*nope\.onnx: ENOENT/);
    const path = join(scratch, 'ext.onnx');
    const tensor = (name: string): onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [1, 4].map((d) => ({ dimValue: d })) } } } });
    const model = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'ext',
        node: [{ name: 'add', opType: 'Add', input: ['x', 'w'], output: ['y'] }],
        input: [tensor('x')],
        output: [tensor('y')],
        initializer: [{ name: 'w', dims: [4], dataType: 1, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL, externalData: [{ key: 'location', value: '../secrets.bin' }] }],
      },
    }).finish();
    writeFileSync(path, model);
    const external = await stages(path);
    assert.match(only(external, 'error').message, /ext\.onnx: tensor 'w' keeps its data at '\.\.\/secrets\.bin', outside the model's folder; lcnb refuses to follow it/);
  });
});

describe('ONNX editor: parse worker', () => {
  it('runs the stages on a worker thread; the IR arrives with its shape map', async () => {
    const messages: ParseMessage[] = [];
    await parseInWorker(workerFile, { path: join(fixtures, 'foreign_ops.onnx') }, (m) => messages.push(m));
    assert.deepEqual(
      messages.map((m) => m.type),
      ['header', 'read', 'summary', 'diagram', 'done'],
    );
    const { graph } = only(messages, 'diagram');
    assert.ok(graph.shapes instanceof Map);
    assert.deepEqual(graph.shapes.get('logits'), [1, 10]);
    assert.equal(only(messages, 'summary').summary.uncounted.length, 2);
  });

  it('reports a broken file as one error and ends', async () => {
    const path = join(scratch, 'garbage.onnx');
    writeFileSync(path, 'this is not a model at all');
    const messages: ParseMessage[] = [];
    await parseInWorker(workerFile, { path }, (m) => messages.push(m));
    assert.deepEqual(messages.map((m) => m.type), ['error']);
    assert.match(only(messages, 'error').message, /garbage\.onnx: not a readable ONNX model/);
  });

  it('a worker that cannot start is an error message', async () => {
    const messages: ParseMessage[] = [];
    await parseInWorker(join(scratch, 'no-such-worker.js'), { path: join(fixtures, 'foreign_ops.onnx') }, (m) => messages.push(m));
    assert.equal(messages.length, 1);
    assert.match(only(messages, 'error').message, /ONNX reader/);
  });

  it('stops when cancelled, posting nothing more', async () => {
    const abort = new AbortController();
    const messages: ParseMessage[] = [];
    const done = parseInWorker(workerFile, { path: join(fixtures, 'foreign_ops.onnx') }, (m) => messages.push(m), abort.signal);
    abort.abort();
    await done;
    assert.deepEqual(messages, []);
  });
});

describe('ONNX editor: messages from the webview', () => {
  it('accepts the known requests', () => {
    assert.deepEqual(checkEditorRequest({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(checkEditorRequest({ type: 'profile' }), { type: 'profile' });
    assert.deepEqual(checkEditorRequest({ type: 'cancelProfile' }), { type: 'cancelProfile' });
    for (const format of ['csv', 'json', 'markdown', 'netron']) assert.deepEqual(checkEditorRequest({ type: 'export', format }), { type: 'export', format });
  });

  it('refuses anything else', () => {
    const bad: unknown[] = [
      undefined,
      null,
      'profile',
      42,
      ['profile'],
      {},
      { type: 'Profile' },
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'profile', path: '/etc/passwd' },
      { type: 'export' },
      { type: 'export', format: 'exe' },
      { type: 'export', format: ['csv'] },
      { type: 'export', format: 'csv', path: '/tmp/x' },
      { type: { toString: () => 'ready' } },
      Object.create({ type: 'ready' }),
    ];
    for (const value of bad) assert.equal(checkEditorRequest(value), undefined, JSON.stringify(value) ?? String(value));
  });
});

describe('ONNX editor: a foreign op in the diagram', () => {
  it('reads "uncounted" in its box, never 0', async () => {
    const messages = await stages(join(fixtures, 'foreign_ops.onnx'));
    const model = { summary: only(messages, 'summary').summary, graph: only(messages, 'diagram').diagram };
    const layout = layoutDiagram(diagramModel(model), new Set(), 'madds');
    const quickGelu = layout.boxes.find((b) => b.id === 'op:/stem/act/QuickGelu');
    assert.ok(quickGelu, 'the QuickGelu op has a box');
    assert.deepEqual(quickGelu.lines.slice(-1), ['uncounted']);
    assert.equal(quickGelu.value, undefined);
    assert.match(quickGelu.details.join('\n'), /no cost rule/);
    const conv = layout.boxes.find((b) => b.id === 'op:/stem/conv/Conv');
    assert.match(conv?.lines.at(-1) ?? '', /MAdds$/);
  });
});

describe('ONNX editor: a foreign op once profiled', () => {
  it("its time counts in its own stage, not as the runtime's", async () => {
    const messages = await stages(join(fixtures, 'foreign_ops.onnx'));
    const layer = (name: string, us: number) => ({ name, nodes: [name], median_us: us });
    const profile = { layers: [layer('/stem/conv/Conv', 10), layer('/stem/act/QuickGelu', 170), layer('/body/act/FastGelu', 20)], uncovered: [] } as unknown as ModelProfile;
    const model = { summary: only(messages, 'summary').summary, graph: only(messages, 'diagram').diagram, profile };
    assert.deepEqual(Object.fromEntries(stageTimes(model)), { stem: 180, body: 20 });
  });
});

describe('ONNX editor: stages whose names hold dots', () => {
  it('a stage time is the sum of its layers’ times, and the stage shares add up to 100%', async () => {
    // PyTorch names nodes /blocks.0/conv/Conv: the stage is 'blocks.0', not 'blocks'.
    const tensor = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
    const weight = (name: string) => ({ name, dims: [4, 4, 1, 1], dataType: 1, floatData: new Array(16).fill(0.1) });
    const conv = (name: string, input: string, w: string, output: string) => ({ name, opType: 'Conv', input: [input, w], output: [output] });
    const bytes = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'dotted',
        node: [conv('/blocks.0/conv/Conv', 'x', 'w0', 'a'), conv('/blocks.0/pw/Conv', 'a', 'w1', 'b'), conv('/blocks.1/conv/Conv', 'b', 'w2', 'y')],
        input: [tensor('x', [1, 4, 8, 8])],
        output: [{ name: 'y' }],
        initializer: [weight('w0'), weight('w1'), weight('w2')],
      },
    }).finish();
    const dir = mkdtempSync(join(tmpdir(), 'lcnb-dotted-'));
    try {
      const file = join(dir, 'dotted.onnx');
      writeFileSync(file, bytes);
      const messages = await stages(file);
      const layer = (name: string, us: number) => ({ name, nodes: [name], median_us: us });
      const profile = { layers: [layer('/blocks.0/conv/Conv', 3), layer('/blocks.0/pw/Conv', 3), layer('/blocks.1/conv/Conv', 2)], uncovered: [] } as unknown as ModelProfile;
      const model = { summary: only(messages, 'summary').summary, graph: only(messages, 'diagram').diagram, profile } as never;
      assert.deepEqual(Object.fromEntries(stageTimes(model)), { 'blocks.0': 6, 'blocks.1': 2 });
      const rows = stageRows(model);
      assert.deepEqual(rows.map((r) => [r.scope, r.median_us]), [['blocks.0', 6], ['blocks.1', 2]]);
      assert.equal(rows.reduce((sum, r) => sum + (r.time_share ?? 0), 0), 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
