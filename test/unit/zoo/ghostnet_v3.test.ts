import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { buildModel, findModel, summarizeModel } from '../../../src/zoo';

type Form = 'training' | 'deploy';

/** `name:op` of every node under `prefix` (a scope path such as 'stage3.block4.ghost1'). */
function nodesUnder(id: string, form: Form, prefix: string, knobs = {}) {
  return buildModel(id, { form, knobs }).nodes.filter((n) => n.scope.join('.').startsWith(prefix));
}

/** Params and MAdds of the layers under `prefix`. */
function costUnder(id: string, form: Form, prefix: string, knobs = {}) {
  const layers = summarizeModel(id, { form, knobs }).layers.filter((l) => l.scope.startsWith(prefix));
  return { params: layers.reduce((s, l) => s + l.params, 0), madds: layers.reduce((s, l) => s + l.madds, 0) };
}

describe('zoo: GhostNetV3', () => {
  it('every variant has two forms and builds deploy by default', () => {
    for (const w of ['0_5', '1_0', '1_3', '1_6']) assert.equal(findModel(`ghostnet_v3_x${w}`)?.forms, true);
    assert.deepEqual(summarizeModel('ghostnet_v3_x1_0').totals, summarizeModel('ghostnet_v3_x1_0', { form: 'deploy' }).totals);
  });

  it('deploy Ghost module with DFC: primary 1×1 conv (bias) → ReLU, 3×3 depthwise cheap conv (bias) → ReLU, concat, gated by DFC attention', () => {
    const nodes = nodesUnder('ghostnet_v3_x1_0', 'deploy', 'stage3.block4.ghost1');
    assert.deepEqual(
      nodes.map((n) => `${n.name}:${n.op}`),
      [
        'stage3.block4.ghost1.primary.conv:Conv',
        'stage3.block4.ghost1.primary_act:Relu',
        'stage3.block4.ghost1.cheap.conv:Conv',
        'stage3.block4.ghost1.cheap_act:Relu',
        'stage3.block4.ghost1.concat:Concat',
        'stage3.block4.ghost1.dfc.pool:AveragePool',
        'stage3.block4.ghost1.dfc.pw.conv:Conv',
        'stage3.block4.ghost1.dfc.pw.bn:BatchNormalization',
        'stage3.block4.ghost1.dfc.horizontal.conv:Conv',
        'stage3.block4.ghost1.dfc.horizontal.bn:BatchNormalization',
        'stage3.block4.ghost1.dfc.vertical.conv:Conv',
        'stage3.block4.ghost1.dfc.vertical.bn:BatchNormalization',
        'stage3.block4.ghost1.dfc.gate:Sigmoid',
        'stage3.block4.ghost1.dfc.upsample:Resize',
        'stage3.block4.ghost1.attend:Mul',
      ],
    );
    const [primary, , cheap] = nodes;
    // in 24 → mid 72: 36 intrinsic maps, 36 ghosts.
    assert.deepEqual([primary.attrs.out_channels, primary.attrs.kernel_shape, primary.attrs.bias], [36, [1, 1], true]);
    assert.deepEqual([cheap.attrs.out_channels, cheap.attrs.group, cheap.attrs.kernel_shape, cheap.attrs.bias], [36, 36, [3, 3], true]);
  });

  it('training Ghost module: 3 conv-BN primary branches summed; the cheap op sums a 1×1 depthwise scale branch, a BN identity and 3 conv-BN branches', () => {
    const nodes = nodesUnder('ghostnet_v3_x1_0', 'training', 'stage1.block1.ghost1');
    assert.deepEqual(
      nodes.map((n) => n.name.replace('stage1.block1.ghost1.', '') + ':' + n.op),
      [
        'primary.branch1.conv:Conv', 'primary.branch1.bn:BatchNormalization',
        'primary.branch2.conv:Conv', 'primary.branch2.bn:BatchNormalization',
        'primary.branch3.conv:Conv', 'primary.branch3.bn:BatchNormalization',
        'primary.sum:Sum',
        'primary_act:Relu',
        'cheap.scale.conv:Conv', 'cheap.scale.bn:BatchNormalization',
        'cheap.identity:BatchNormalization',
        'cheap.branch1.conv:Conv', 'cheap.branch1.bn:BatchNormalization',
        'cheap.branch2.conv:Conv', 'cheap.branch2.bn:BatchNormalization',
        'cheap.branch3.conv:Conv', 'cheap.branch3.bn:BatchNormalization',
        'cheap.sum:Sum',
        'cheap_act:Relu',
        'concat:Concat',
      ],
    );
    const scale = nodes.find((n) => n.name.endsWith('cheap.scale.conv'))!;
    assert.deepEqual([scale.attrs.kernel_shape, scale.attrs.group, scale.attrs.pads], [[1, 1], 8, [0, 0, 0, 0]]);
    assert.equal(nodes.find((n) => n.name.endsWith('cheap.sum'))!.inputs.length, 5);
    assert.ok(nodes.filter((n) => n.op === 'Conv').every((n) => n.attrs.bias === false));
  });

  it('block 1 (16 → 16, stride 1, identity shortcut) by hand in both forms, c = 16 input channels, m = 8 intrinsic maps per module', () => {
    const c = 16;
    const m = 8;
    const hw = 112 * 112;
    // Training: 3·(c·m + 2m) primary; scale (m + 2m) + identity 2m + 3·(9m + 2m) cheap.
    const training = 3 * (c * m + 2 * m) + 3 * m + 2 * m + 3 * 11 * m;
    // Deploy: c·m + m and 9m + m, each conv with its bias.
    const deploy = c * m + m + 9 * m + m;
    assert.deepEqual(costUnder('ghostnet_v3_x1_0', 'training', 'stage1.block1'), { params: 2 * training, madds: 2 * (3 * c * m + m + 3 * 9 * m) * hw });
    assert.deepEqual(costUnder('ghostnet_v3_x1_0', 'deploy', 'stage1.block1'), { params: 2 * deploy, madds: 2 * (c * m + 9 * m) * hw });
  });

  it('a stride-2 depthwise conv: 1×1/2 depthwise scale branch + 3 k×k/2 conv-BN branches in training, one biased k×k/2 depthwise conv in deploy', () => {
    const training = nodesUnder('ghostnet_v3_x1_0', 'training', 'stage3.block4.dw');
    assert.deepEqual(training.filter((n) => n.op === 'Conv').map((n) => [n.attrs.kernel_shape, n.attrs.strides, n.attrs.group]), [
      [[1, 1], [2, 2], 72],
      [[5, 5], [2, 2], 72],
      [[5, 5], [2, 2], 72],
      [[5, 5], [2, 2], 72],
    ]);
    assert.equal(training.filter((n) => n.op === 'BatchNormalization').length, 4);
    const deploy = nodesUnder('ghostnet_v3_x1_0', 'deploy', 'stage3.block4.dw');
    assert.deepEqual(deploy.map((n) => [n.op, n.attrs.kernel_shape, n.attrs.strides, n.attrs.group, n.attrs.bias]), [['Conv', [5, 5], [2, 2], 72, true]]);
  });

  it('what neither reference fuses keeps its BNs in deploy: stem, DFC branches, projection shortcuts, the head conv', () => {
    const nodes = buildModel('ghostnet_v3_x1_0', { form: 'deploy' }).nodes;
    const bn = nodes.filter((n) => n.op === 'BatchNormalization').map((n) => n.scope.join('.'));
    // 1 stem + 3 per DFC (14 blocks) + 2 per projection shortcut (blocks 2, 4, 6, 10 and 12, where the shape changes) + 1 head.
    assert.equal(bn.length, 1 + 3 * 14 + 2 * 5 + 1);
    assert.ok(bn.every((s) => s === 'stem' || s === 'head.conv' || /\.dfc\./.test(s) || /\.shortcut\./.test(s)), bn.join(' '));
    assert.equal(nodes.filter((n) => n.op === 'Sigmoid').length, 14);
    assert.equal(buildModel('ghostnet_v3_x1_0', { form: 'training' }).nodes.filter((n) => n.op === 'Sum').length, 2 * 2 * 16 + 4);
  });

  it("knob branches changes only the training form: each re-parameterisable conv's branch is its conv weight plus 2·out BN params", () => {
    const id = 'ghostnet_v3_x0_5';
    assert.deepEqual(summarizeModel(id, { knobs: { branches: 1 } }).totals, summarizeModel(id).totals);
    const three = costUnder(id, 'training', 'stage1.block1');
    const one = costUnder(id, 'training', 'stage1.block1', { branches: 1 });
    // 0.5×: block 1 is 8 → 8 with 4 intrinsic maps; per module two fewer primary (8·4 + 8) and cheap (9·4 + 8) branches.
    assert.equal(three.params - one.params, 2 * 2 * (8 * 4 + 8 + 9 * 4 + 8));
    assert.throws(() => buildModel(id, { knobs: { branches: 0 } }), /knob 'branches'/);
  });

  it('knob dfc: false removes every DFC branch (14 blocks) and its params', () => {
    const graph = buildModel('ghostnet_v3_x1_0', { knobs: { dfc: false } });
    assert.equal(graph.nodes.filter((n) => n.op === 'Sigmoid' || n.op === 'Resize').length, 0);
    const dfc = summarizeModel('ghostnet_v3_x1_0').layers.filter((l) => l.scope.includes('.dfc')).reduce((s, l) => s + l.params, 0);
    assert.equal(summarizeModel('ghostnet_v3_x1_0', { knobs: { dfc: false } }).totals.params, summarizeModel('ghostnet_v3_x1_0').totals.params - dfc);
  });

  it('published figures: 1.3× from the abstract, deploy form only', () => {
    const figures = (id: string, form?: Form) => summarizeModel(id, form ? { form } : {}).published.map((p) => [p.metric, p.value]);
    assert.deepEqual(figures('ghostnet_v3_x1_3'), [
      ['madds', 269e6],
      ['top1', 79.1],
      ['latency_ms', 14.46],
    ]);
    assert.deepEqual(figures('ghostnet_v3_x1_3', 'training'), []);
    assert.deepEqual(figures('ghostnet_v3_x1_0'), []);
    // The abstract's 269M FLOPs are the deploy form's multiply-adds, rounded.
    assert.equal(Math.round(summarizeModel('ghostnet_v3_x1_3').totals.madds / 1e6), 269);
  });
});
