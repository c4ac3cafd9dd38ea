/**
 * The isolated-layer cross-check (kernels/host/isolatedLayers.ts): a layer group's small graph is the slice
 * of the model's own export (same ops, names, attributes and weights, BatchNorm folded alike), the
 * agreement arithmetic, which time a disagreement note trusts, and — against the real kernel — every
 * layer chosen for the cross-check gets an isolated time.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KernelClient } from '../../../kernels/host/client';
import {
  chooseLayers,
  disagreementNote,
  emptyGraph,
  groupBoundary,
  isolatedAgreement,
  layerSubgraph,
  MARKER_INPUT,
  MARKER_OUTPUT,
  MIN_ISOLATED_US,
} from '../../../kernels/host/isolatedLayers';
import { profileGraph } from '../../../kernels/host/profileGraph';
import type { ProfiledLayer } from '../../../kernels/host/profileTypes';
import { costGraph, costNode } from '../../../src/core/cost';
import { Graph } from '../../../src/core/ir';
import { onnx } from '../../../src/onnx/proto';
import { exportOnnx, PART_SEPARATOR } from '../../../src/onnx/writer';
import { buildModel } from '../../../src/zoo';

const repo = join(__dirname, '..', '..', '..');

/** The nodes and initializers of an export, by name, for the IR nodes named (helper nodes `name::part` included). */
function slice(bytes: Uint8Array, irNodes: readonly string[]) {
  const g = onnx.ModelProto.decode(bytes).graph!;
  const owner = (name: string) => name.split(PART_SEPARATOR)[0];
  const nodes = g.node!.filter((n) => irNodes.includes(owner(n.name!)));
  const used = new Set(nodes.flatMap((n) => n.input!));
  const inits = g.initializer!.filter((t) => used.has(t.name!));
  return {
    nodes: nodes.map((n) => JSON.stringify(onnx.NodeProto.toObject(n as onnx.NodeProto))),
    initializers: new Map(inits.map((t) => [t.name!, Buffer.from(t.rawData ?? new Uint8Array()).toString('base64') + JSON.stringify(t.dims) + JSON.stringify(t.int64Data ?? [])])),
  };
}

function assertSliceOf(graph: Graph, group: string[]) {
  const full = slice(exportOnnx(graph, { form: 'deploy' }).bytes, group);
  const sub = layerSubgraph(graph, group);
  const alone = slice(exportOnnx(sub, { form: 'deploy' }).bytes, group);
  assert.ok(full.nodes.length > 0);
  assert.deepEqual(alone.nodes, full.nodes, `nodes of ${group.join('+')}`);
  assert.deepEqual([...alone.initializers.keys()].sort(), [...full.initializers.keys()].sort());
  for (const [name, value] of full.initializers) assert.equal(alone.initializers.get(name), value, name);
  // Params and MAdds of the small graph are those of the group's nodes in the model.
  const inModel = group.map((n) => costNode(graph, graph.nodes.find((g) => g.name === n)!)!);
  const totals = costGraph(sub).totals;
  assert.equal(totals.params, inModel.reduce((s, c) => s + c.params, 0));
  assert.equal(totals.madds, inModel.reduce((s, c) => s + c.madds, 0));
  return sub;
}

describe('layer subgraphs', () => {
  const v3 = buildModel('mobilenet_v3_small_x1_0', { resolution: 64 });

  it('a conv, its BatchNorm and activation export to the same folded conv as in the model', () => {
    const sub = assertSliceOf(v3, ['stem.conv', 'stem.bn', 'stem.hardswish']);
    assert.deepEqual(sub.inputs.map((t) => [t.name, t.shape]), [['input', [1, 3, 64, 64]]]);
    assert.deepEqual(sub.outputs, ['stem.hardswish']);
    const ops = onnx.ModelProto.decode(exportOnnx(sub, { form: 'deploy' }).bytes).graph!.node!.map((n) => n.opType);
    assert.deepEqual(ops, ['Conv', 'HardSwish'], 'the BatchNorm is folded into the conv');
  });

  it('a residual group reads both activations and hands on its sum', () => {
    const project = v3.nodes.filter((n) => n.name.startsWith('stage2.block3.project') || (n.op === 'Add' && n.name.startsWith('stage2.block3'))).map((n) => n.name);
    assert.ok(project.some((n) => v3.nodes.find((g) => g.name === n)?.op === 'Add'), 'block 3 has a residual add');
    const { inputs, outputs } = groupBoundary(v3, project);
    assert.equal(inputs.length, 2);
    assert.equal(outputs.length, 1);
    const sub = assertSliceOf(v3, project);
    assert.deepEqual(sub.inputs.map((t) => t.name).sort(), [...inputs].sort());
  });

  it('a group with a multi-part op (ChannelShuffle) keeps its helper nodes, and a Split hands on only what is read outside', () => {
    const shuffle = buildModel('shufflenet_v2_x0_5', { resolution: 64 });
    assertSliceOf(shuffle, ['stage2.block1.concat', 'stage2.block1.shuffle']);
    const { outputs } = groupBoundary(shuffle, ['stage2.block2.split']);
    assert.deepEqual(outputs, ['stage2.block2.split:0', 'stage2.block2.split:1']);
  });

  it('the marker: a 1-element input copied to the marker output, apart from the layer', () => {
    const sub = layerSubgraph(v3, ['stem.conv', 'stem.bn', 'stem.hardswish'], { marker: true });
    assert.deepEqual(sub.outputs, ['stem.hardswish', MARKER_OUTPUT]);
    assert.deepEqual(sub.inputs.at(-1), { name: MARKER_INPUT, shape: [1] });
    const empty = emptyGraph([[1, 3, 64, 64], [1, 16, 32, 32]]);
    assert.deepEqual(empty.inputs.map((t) => t.shape), [[1, 3, 64, 64], [1, 16, 32, 32], [1]]);
    assert.deepEqual(empty.outputs, [MARKER_OUTPUT]);
    assert.equal(empty.nodes.length, 1);
  });

  it('names a node the graph lacks', () => {
    assert.throws(() => layerSubgraph(v3, ['stem.conv', 'nope']), /no node 'nope'/);
  });
});

const row = (over: Partial<ProfiledLayer>): ProfiledLayer => ({
  name: 'l',
  nodes: ['l'],
  ops: ['Conv'],
  fused: false,
  runtime_nodes: ['l'],
  median_us: 50,
  corrected_us: 45,
  share: 0.1,
  madds: 1,
  flops: 2,
  mac_bytes: 4,
  achieved_gflops: 1,
  bound: 'memory',
  bound_us: 1,
  roofline_efficiency: 0.1,
  ...over,
});

describe('agreement', () => {
  it('median |difference| and the count within 15% over layers of at least 20 µs', () => {
    const a = isolatedAgreement([
      { profiledUs: 100, isolatedUs: 110 }, // 10%
      { profiledUs: 40, isolatedUs: 30 }, // 25%
      { profiledUs: 20, isolatedUs: 23 }, // 15%: within
      { profiledUs: 19.9, isolatedUs: 80 }, // under 20 µs: not compared
      { profiledUs: 50, isolatedUs: 150 }, // 200%
    ]);
    assert.equal(a.compared, 4);
    assert.equal(a.within, 2);
    assert.ok(Math.abs(a.medianAbsDifference - (0.15 + 0.25) / 2) < 1e-12);
    assert.ok(Number.isNaN(isolatedAgreement([{ profiledUs: 5, isolatedUs: 5 }]).medianAbsDifference));
  });

  it('chooses layers with IR nodes and at least the minimum time, slowest first under a cap', () => {
    const layers = [row({ corrected_us: 100 }), row({ nodes: [], corrected_us: 30 }), row({ corrected_us: MIN_ISOLATED_US - 1 }), row({ corrected_us: 40 }), row({ corrected_us: 60 })];
    const c = chooseLayers(layers, MIN_ISOLATED_US, 2);
    assert.deepEqual(c.chosen.map((l) => l.index), [0, 4]);
    assert.deepEqual([c.small, c.runtimeOnly, c.overCap], [1, 1, 1]);
  });

  it('says which time to trust where they disagree, and nothing where they agree', () => {
    assert.equal(disagreementNote(row({}), 50, 45, 1, 12), undefined);
    assert.match(disagreementNote(row({}), 18, 12, 1, 12)!, /Trust the profiled row, to a few µs/);
    assert.match(disagreementNote(row({ runtime_nodes: ['x_nchwc'] }), 90, 45, 1, 12)!, /blocked layout \(NCHWc\)/);
    assert.match(disagreementNote(row({ runtime_nodes: ['x_nchwc'] }), 60, 12, 1, 12)!, /blocked layout/, 'a small layer far off: the layout, not noise');
    assert.match(disagreementNote(row({}), 90, 45, 1, 12)!, /a graph of its own, timed right after an untimed run of itself/);
    assert.match(disagreementNote(row({}), 30, 45, 1.3, 12)!, /still holds profiler cost: .* 130%.*Trust the isolated time/);
    assert.match(disagreementNote(row({}), 30, 45, 1.0, 12)!, /faster alone/);
  });
});

describe('isolated layers against the kernel', { timeout: 180_000 }, () => {
  const client = new KernelClient(join(repo, 'kernels', 'process', 'main.ts'), { execArgv: ['--import', 'tsx'] });
  after(() => client.dispose());

  it('every layer chosen gets an isolated time, compared with its corrected row', async () => {
    const graph = buildModel('mobilenet_v1_x0_25', { resolution: 96 });
    const plain = await profileGraph(client, graph, { provider: 'cpu', threads: 1, runs: 5, warmup: 1, optimization: 'all' });
    assert.equal(plain.isolated, undefined, 'off unless asked for');
    assert.ok(plain.layers.every((l) => l.isolated_us === undefined));
    const p = await profileGraph(client, graph, { provider: 'cpu', threads: 1, runs: 5, warmup: 1, optimization: 'all', isolated: true });
    const { chosen } = chooseLayers(p.layers);
    assert.ok(chosen.length >= 10, `${chosen.length} layers chosen`);
    assert.ok(p.isolated);
    assert.equal(p.isolated.layers_timed, chosen.length);
    for (const { index } of chosen) {
      const l = p.layers[index];
      assert.ok(typeof l.isolated_us === 'number' && Number.isFinite(l.isolated_us) && l.isolated_us >= 0, `${l.name}: ${l.isolated_us}`);
      assert.equal(l.isolated_vs, 'corrected_us');
    }
    assert.ok(p.layers.filter((l, i) => !chosen.some((c) => c.index === i)).every((l) => l.isolated_us === undefined));
    assert.ok(p.isolated.overhead_us > 0 && p.isolated.overhead_us < 10_000);
    assert.equal(p.isolated.compared, p.layers.filter((l) => l.isolated_us !== undefined && (l.corrected_us as number) >= 20).length);
    assert.match(p.isolated.method, /Interleaved: \d+ models/);
    // Each small graph runs once untimed right before its timed run, as a layer follows another in the model.
    assert.match(p.isolated.method, /In its turn each session ran once untimed right before its timed run/);
  });
});
