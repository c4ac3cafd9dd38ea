/** The ONNX writer and reader: forms, determinism, files from PyTorch, and bad files. */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { summarize } from '../../../src/core/summary';
import { onnx } from '../../../src/onnx/proto';
import { readOnnx } from '../../../src/onnx/reader';
import { exportOnnx } from '../../../src/onnx/writer';
import { buildModel } from '../../../src/zoo';
import { errorOf } from '../support/helpers';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'onnx');

/** A one-node model: input x [1, 8, 4, 4] → `op` → y, optionally with y's value_info. */
function singleNodeModel(op: string, withValueInfo: boolean, extra: Partial<onnx.IGraphProto> = {}): Uint8Array {
  const tensor = (name: string, dims: (number | string)[]): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'single',
      node: [{ name: 'mystery', opType: op, input: ['x'], output: ['y'] }],
      input: [tensor('x', [1, 8, 4, 4])],
      output: [withValueInfo ? tensor('y', [1, 8, 4, 4]) : { name: 'y' }],
      ...extra,
    },
  }).finish();
}

describe('ONNX writer', () => {
  const graph = buildModel('mobilenet_v3_small_x1_0', { resolution: 96 });

  it('training form reads back with the same params, MAdds, node names and scopes', () => {
    const read = readOnnx(exportOnnx(graph, { form: 'training' }).bytes, { source: 'm.onnx' });
    const [a, b] = [summarize(graph), summarize(read.graph)];
    assert.equal(b.totals.params, a.totals.params);
    assert.equal(b.totals.madds, a.totals.madds);
    assert.deepEqual(b.uncounted, []);
    const names = new Set(read.graph.nodes.map((n) => n.name));
    for (const node of graph.nodes) assert.ok(names.has(node.name), node.name);
    const conv = read.graph.nodes.find((n) => n.name === 'stem.conv');
    assert.deepEqual(conv?.scope, ['stem']);
    assert.equal(read.metadata['lcnb.form'], 'training');
  });

  it('deploy form folds every BatchNorm into its conv, keeping MAdds', () => {
    const exported = exportOnnx(graph, { form: 'deploy' });
    const read = readOnnx(exported.bytes, { source: 'm.onnx' });
    assert.equal(read.graph.nodes.filter((n) => n.op === 'BatchNormalization').length, 0);
    const batchNorms = graph.nodes.filter((n) => n.op === 'BatchNormalization').map((n) => n.name);
    assert.deepEqual(Object.keys(exported.folded).sort(), batchNorms.sort());
    assert.equal(exported.folded['stem.bn'], 'stem.conv');
    assert.equal(summarize(read.graph).totals.madds, summarize(graph).totals.madds);
    assert.deepEqual(JSON.parse(read.metadata['lcnb.folded']), exported.folded);
  });

  it('weights are deterministic for a seed and change with it', () => {
    const small = buildModel('mobilenet_v1_x0_25', { resolution: 32 });
    const a = exportOnnx(small, { seed: 7 }).bytes;
    assert.deepEqual(exportOnnx(small, { seed: 7 }).bytes, a);
    assert.notDeepEqual(exportOnnx(small, { seed: 8 }).bytes, a);
  });

  it('ops ONNX spells with several nodes get helper nodes named <ir name>::<part>', () => {
    const shuffle = buildModel('shufflenet_v2_x0_5', { resolution: 64 });
    const model = onnx.ModelProto.decode(exportOnnx(shuffle, { form: 'training' }).bytes);
    const names = (model.graph?.node ?? []).map((n) => n.name);
    const shuffles = shuffle.nodes.filter((n) => n.op === 'ChannelShuffle').map((n) => n.name);
    assert.ok(shuffles.length > 0);
    for (const s of shuffles) for (const part of [`${s}::reshape`, `${s}::transpose`, s]) assert.ok(names.includes(part), part);
  });
});

describe('ONNX reader on files PyTorch wrote', () => {
  const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as Record<string, { input: number[]; madds: number; file_params: number }>;
  for (const [name, want] of Object.entries(expected)) {
    it(`${name}: shapes, params and MAdds as PyTorch counts them`, () => {
      const read = readOnnx(readFileSync(join(fixtures, `${name}.onnx`)), { source: name });
      const s = summarize(read.graph);
      assert.deepEqual(s.input, want.input);
      assert.equal(s.totals.madds, want.madds);
      assert.equal(s.totals.params, want.file_params);
      assert.deepEqual(s.uncounted, []);
      assert.ok(read.evaluatedNodes > 0, 'shape computations were evaluated, not turned into nodes');
    });
  }
});

describe('ONNX reader on bad or unusual files', () => {
  it('an op lcnb does not know is kept and listed as uncounted, never as zero', () => {
    const read = readOnnx(singleNodeModel('Mystery', true), { source: 'u.onnx' });
    const s = summarize(read.graph);
    assert.deepEqual(s.uncounted, [{ name: 'mystery', op: 'Mystery' }]);
    assert.equal(s.layers.length, 0);
  });

  it('an unknown op without value_info is left out as unresolved, with why; the file is still read', () => {
    const read = readOnnx(singleNodeModel('Mystery', false), { source: 'u.onnx' });
    assert.deepEqual(summarize(read.graph).uncounted, [
      { name: 'mystery', op: 'Mystery', why: "op 'Mystery' is unknown to lcnb and the file gives no shape (value_info) for its output" },
    ]);
    assert.deepEqual(read.unresolvedTensors, ['y']);
    assert.ok(read.notes.some((n) => /1 node could not be counted/.test(n)), read.notes.join('\n'));
  });

  it('a standard op lcnb had no rule for before (GridSample) is counted by its ONNX rule', () => {
    const read = readOnnx(
      singleNodeModel('GridSample', false, {
        input: [
          { name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [1, 8, 4, 4].map((d) => ({ dimValue: d })) } } } },
          { name: 'grid', type: { tensorType: { elemType: 1, shape: { dim: [1, 6, 5, 2].map((d) => ({ dimValue: d })) } } } },
        ],
        node: [{ name: 'sample', opType: 'GridSample', input: ['x', 'grid'], output: ['y'] }],
      }),
      { source: 'g.onnx' },
    );
    const s = summarize(read.graph);
    assert.deepEqual(s.uncounted, []);
    assert.deepEqual(s.layers[0].output, [1, 8, 6, 5]);
    assert.equal(s.layers[0].flops, 7 * 8 * 6 * 5);
  });

  it('truncated or corrupt protobuf', () => {
    const bytes = exportOnnx(buildModel('mobilenet_v1_x0_25', { resolution: 32 })).bytes;
    assert.match(errorOf(() => readOnnx(bytes.slice(0, bytes.length >> 1), { source: 'cut.onnx' })), /^cut\.onnx: not a readable ONNX model \(truncated or corrupt protobuf: /);
    assert.match(errorOf(() => readOnnx(new TextEncoder().encode('this is not a model at all'), { source: 'text.onnx' })), /^text\.onnx: /);
  });

  it('external data outside the model folder is refused', () => {
    for (const location of ['../secrets.bin', '/etc/passwd', '..\\..\\x.bin']) {
      const bytes = singleNodeModel('Relu', false, {
        initializer: [{ name: 'w', dims: [4], dataType: 1, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL, externalData: [{ key: 'location', value: location }] }],
      });
      assert.match(errorOf(() => readOnnx(bytes, { source: 'ext.onnx' })), /outside the model's folder; lcnb refuses to follow it/, location);
    }
  });

  it('absurd tensor sizes are refused before anything is allocated', () => {
    const bytes = singleNodeModel('Relu', false, { initializer: [{ name: 'huge', dims: [65536, 65536, 4], dataType: 1 }] });
    assert.match(errorOf(() => readOnnx(bytes, { source: 'big.onnx' })), /initializer 'huge' declares dimensions \[65536, 65536, 4\] .* more than lcnb accepts/);
  });

  it('a symbolic batch dimension reads as 1; other symbolic dimensions need a shape', () => {
    const model = (dims: (number | string)[]) =>
      onnx.ModelProto.encode({
        irVersion: 8,
        opsetImport: [{ version: 17 }],
        graph: {
          node: [{ name: 'act', opType: 'Relu', input: ['x'], output: ['y'] }],
          input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } }],
          output: [{ name: 'y' }],
        },
      }).finish();
    assert.deepEqual(summarize(readOnnx(model(['N', 3, 8, 8]), { source: 'b.onnx' }).graph).input, [1, 3, 8, 8]);
    assert.equal(errorOf(() => readOnnx(model([1, 3, 'H', 'W']), { source: 'd.onnx' })), "d.onnx: input 'x' is declared [1, 3, H, W]: dimensions 2, 3 are not fixed; give the input shape");
    assert.deepEqual(summarize(readOnnx(model([1, 3, 'H', 'W']), { source: 'd.onnx', inputShapes: { x: [1, 3, 5, 5] } }).graph).input, [1, 3, 5, 5]);
    assert.deepEqual(summarize(readOnnx(model(['N', 3, 'H', 'W']), { source: 'd.onnx', inputShapes: { '': [2, 3, 5, 5] } }).graph).input, [2, 3, 5, 5], "'' names the one data input");
    assert.equal(errorOf(() => readOnnx(model([1, 3, 'H', 'W']), { source: 'd.onnx', inputShapes: { x: [2, 3, 5, 5] } })), "d.onnx: input 'x' is declared [1, 3, H, W]; dimension 0 is fixed at 1, the shape given says 2");
    assert.equal(errorOf(() => readOnnx(model([1, 3, 'H', 'W']), { source: 'd.onnx', inputShapes: { x: [1, 5, 5] } })), "d.onnx: input 'x' is declared [1, 3, H, W] (rank 4); the shape given, [1, 5, 5], has rank 3");
    assert.equal(errorOf(() => readOnnx(model([1, 3, 'H', 'W']), { source: 'd.onnx', inputShapes: { y: [1, 3, 5, 5] } })), "d.onnx: the model has no input 'y' (its inputs: x)");
    assert.deepEqual(readOnnx(model(['N', 3, 8, 8]), { source: 'b.onnx' }).notes, ["Input 'x' has a symbolic batch dimension 'N': read with batch 1."]);
  });
});

describe('ONNX reader: the file is the truth', () => {
  const tensor = (name: string, dims: number[], elemType = 1): onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  const model = (graph: onnx.IGraphProto, opset = 17) => onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: opset }], graph: { name: 'g', ...graph } }).finish();
  const floats = (name: string, dims: number[]): onnx.ITensorProto => ({ name, dims, dataType: 1, floatData: new Array(dims.reduce((a, b) => a * b, 1)).fill(0.5) });

  it('a conv weight that contradicts its input is refused, naming both shapes', () => {
    const bytes = model({
      node: [{ name: 'c', opType: 'Conv', input: ['x', 'w'], output: ['y'] }],
      input: [tensor('x', [1, 3, 8, 8])],
      output: [{ name: 'y' }],
      initializer: [floats('w', [8, 5, 3, 3])],
    });
    assert.equal(
      errorOf(() => readOnnx(bytes, { source: 'w.onnx' })),
      "node 'c' (Conv) with inputs [1, 3, 8, 8]: weight 'w' [8, 5, 3, 3] has 5 input channels per group × group 1 = 5, but the input has 3; the weight must be [C_out, C_in / group, k…] = [C_out, 3, …]",
    );
  });

  it('MaxPool with dilations: ONNX’s output shape', () => {
    const bytes = model({
      node: [{ name: 'p', opType: 'MaxPool', input: ['x'], output: ['y'], attribute: [{ name: 'kernel_shape', type: 7, ints: [2, 2] }, { name: 'dilations', type: 7, ints: [2, 2] }] }],
      input: [tensor('x', [1, 1, 4, 4])],
      output: [{ name: 'y' }],
    });
    assert.deepEqual(readOnnx(bytes, { source: 'p.onnx' }).graph.shapes.get('y'), [1, 1, 2, 2]);
  });

  it('1-D conv and pooling (rank 3: audio and keyword spotting)', () => {
    const bytes = model({
      node: [
        { name: 'c', opType: 'Conv', input: ['x', 'w'], output: ['c1'], attribute: [{ name: 'strides', type: 7, ints: [2] }, { name: 'pads', type: 7, ints: [1, 1] }] },
        { name: 'p', opType: 'MaxPool', input: ['c1'], output: ['y'], attribute: [{ name: 'kernel_shape', type: 7, ints: [3] }, { name: 'strides', type: 7, ints: [2] }] },
      ],
      input: [tensor('x', [1, 4, 101])],
      output: [{ name: 'y' }],
      initializer: [floats('w', [8, 4, 3])],
    });
    const read = readOnnx(bytes, { source: 'kws.onnx' });
    assert.deepEqual(read.graph.shapes.get('c1'), [1, 8, 51]);
    assert.deepEqual(read.graph.shapes.get('y'), [1, 8, 25]);
    const s = summarize(read.graph);
    assert.equal(s.layers[0].madds, 8 * 51 * 4 * 3);
    assert.equal(s.totals.params, 8 * 4 * 3);
  });

  it('weights given as graph inputs are read from their declared shapes', () => {
    const bytes = model({
      node: [{ name: 'c', opType: 'Conv', input: ['x', 'w'], output: ['y'] }],
      input: [tensor('x', [1, 3, 8, 8]), tensor('w', [4, 3, 1, 1])],
      output: [{ name: 'y' }],
    });
    const read = readOnnx(bytes, { source: 'gw.onnx' });
    assert.equal(summarize(read.graph).totals.params, 12);
    assert.deepEqual(read.inputs.map((i) => i.name), ['x']);
    assert.match(read.notes.join('\n'), /Weight 'w' is a graph input \(no initializer\): counted from its declared shape \[4, 3, 1, 1\]/);
  });

  it('a stored tensor read by two nodes is one set of parameters (exporters store identical biases once)', () => {
    const bytes = model({
      node: [
        { name: 'a', opType: 'Conv', input: ['x', 'w1', 'b'], output: ['y1'] },
        { name: 'i', opType: 'Identity', input: ['b'], output: ['b2'] },
        { name: 'c', opType: 'Conv', input: ['y1', 'w2', 'b2'], output: ['y'] },
      ],
      input: [tensor('x', [1, 4, 8, 8])],
      output: [{ name: 'y' }],
      initializer: [floats('w1', [4, 4, 1, 1]), floats('w2', [4, 4, 1, 1]), floats('b', [4])],
    });
    assert.equal(summarize(readOnnx(bytes, { source: 'shared.onnx' }).graph).totals.params, 16 + 16 + 4);
  });

  it('ConvTranspose: output_padding, and pads derived from output_shape', () => {
    const convT = (attribute: onnx.IAttributeProto[]) =>
      readOnnx(
        model({
          node: [{ name: 't', opType: 'ConvTranspose', input: ['x', 'w'], output: ['y'], attribute }],
          input: [tensor('x', [1, 4, 5, 5])],
          output: [{ name: 'y' }],
          initializer: [floats('w', [4, 2, 3, 3])],
        }),
        { source: 't.onnx' },
      );
    const padded = convT([{ name: 'strides', type: 7, ints: [2, 2] }, { name: 'pads', type: 7, ints: [1, 1, 1, 1] }, { name: 'output_padding', type: 7, ints: [1, 1] }]);
    assert.deepEqual(padded.graph.shapes.get('y'), [1, 2, 10, 10]);
    const shaped = convT([{ name: 'strides', type: 7, ints: [2, 2] }, { name: 'output_shape', type: 7, ints: [10, 8] }]);
    assert.deepEqual(shaped.graph.shapes.get('y'), [1, 2, 10, 8]);
    const s = summarize(padded.graph);
    assert.equal(s.layers[0].madds, 4 * 5 * 5 * 2 * 9, 'every input element × C_out/group × k_h × k_w');
    assert.equal(s.totals.params, 4 * 2 * 9);
  });
});
