import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { GraphBuilder } from '../../../src/core/ir';
import { summarize } from '../../../src/core/summary';
import { MOBILEONE_VARIANTS, mobileOneBlock } from '../../../src/zoo/mobileone';
import { buildModel, summarizeModel } from '../../../src/zoo';

const ids = MOBILEONE_VARIANTS.map((v) => `mobileone_${v.name}`);

/** `name:op` of every node under `prefix` in mobileone_<id> built in `form`. */
function nodesOf(id: string, form: 'training' | 'deploy', prefix: string): string[] {
  return buildModel(id, { form })
    .nodes.filter((n) => n.name.startsWith(`${prefix}.`))
    .map((n) => `${n.name.slice(prefix.length + 1)}:${n.op}`);
}

describe('zoo: MobileOne', () => {
  it('a stride-1 depthwise block of S0, training form: scale 1×1 conv → BN, k = 4 3×3 conv → BN branches, BN identity, summed, ReLU', () => {
    assert.deepEqual(nodesOf('mobileone_s0', 'training', 'stage2.block2.dw'), [
      'scale.conv:Conv',
      'scale.bn:BatchNormalization',
      'branch1.conv:Conv',
      'branch1.bn:BatchNormalization',
      'branch2.conv:Conv',
      'branch2.bn:BatchNormalization',
      'branch3.conv:Conv',
      'branch3.bn:BatchNormalization',
      'branch4.conv:Conv',
      'branch4.bn:BatchNormalization',
      'identity.bn:BatchNormalization',
      'add:Add',
      'add_1:Add',
      'add_2:Add',
      'add_3:Add',
      'add_4:Add',
      'relu:Relu',
    ]);
    const convs = buildModel('mobileone_s0', { form: 'training' }).nodes.filter((n) => n.name.startsWith('stage2.block2.dw.') && n.op === 'Conv');
    assert.deepEqual(
      convs.map((n) => [n.attrs.kernel_shape, n.attrs.group, n.attrs.bias]),
      [[[1, 1], 128, false], ...Array(4).fill([[3, 3], 128, false])],
    );
  });

  it('the same block in the deploy form is one 3×3 depthwise conv with bias → ReLU', () => {
    assert.deepEqual(nodesOf('mobileone_s0', 'deploy', 'stage2.block2.dw'), ['reparam:Conv', 'relu:Relu']);
    const conv = buildModel('mobileone_s0').nodes.find((n) => n.name === 'stage2.block2.dw.reparam')!;
    assert.deepEqual([conv.attrs.kernel_shape, conv.attrs.group, conv.attrs.bias], [[3, 3], 128, true]);
  });

  it('no scale branch in a 1×1 block, no identity where the stride is 2 or the channels change', () => {
    // S1 stage 2 opens 96 → 96 channels at stride 2, then 96 → 192 pointwise.
    assert.deepEqual(nodesOf('mobileone_s1', 'training', 'stage2.block1.dw'), [
      'scale.conv:Conv',
      'scale.bn:BatchNormalization',
      'branch1.conv:Conv',
      'branch1.bn:BatchNormalization',
      'add:Add',
      'relu:Relu',
    ]);
    assert.deepEqual(nodesOf('mobileone_s1', 'training', 'stage2.block1.pw'), ['branch1.conv:Conv', 'branch1.bn:BatchNormalization', 'relu:Relu']);
    assert.deepEqual(nodesOf('mobileone_s1', 'training', 'stage2.block2.pw'), [
      'branch1.conv:Conv',
      'branch1.bn:BatchNormalization',
      'identity.bn:BatchNormalization',
      'add:Add',
      'relu:Relu',
    ]);
  });

  it("one S0 depthwise block's params by hand: training 9c·4 + c (convs) + 2c·6 (BNs), deploy 9c + c", () => {
    const c = 128;
    const params = (form: 'training' | 'deploy') =>
      summarizeModel('mobileone_s0', { form })
        .layers.filter((l) => l.scope.startsWith('stage2.block2.dw'))
        .reduce((sum, l) => sum + l.params, 0);
    assert.equal(params('training'), 9 * c * 4 + c + 2 * c * 6);
    assert.equal(params('deploy'), 9 * c + c);
  });

  it('the deploy form has fewer params and MAdds than the training form for every variant; k changes only the training form', () => {
    for (const id of ids) {
      const deploy = summarizeModel(id).totals;
      const training = summarizeModel(id, { form: 'training' }).totals;
      assert.ok(deploy.params < training.params, `${id} params`);
      assert.ok(deploy.madds < training.madds, `${id} MAdds`);
    }
    const s1 = (form: 'training' | 'deploy', k?: number) => summarizeModel('mobileone_s1', { form, ...(k ? { knobs: { k } } : {}) }).totals;
    assert.deepEqual(s1('deploy', 3), s1('deploy'));
    // k = 3 adds two conv → BN branches to every stage block: 2·(9c + 2c) in a depthwise block on c
    // channels, 2·(c·c' + 2c') in a pointwise block c → c'; the stem keeps its single branch.
    let extra = 0;
    let c = 64;
    [96, 192, 512, 1280].forEach((out, i) => {
      for (let j = 0; j < [2, 8, 10, 1][i]; j++) {
        extra += 2 * (9 * c + 2 * c) + 2 * (c * out + 2 * out);
        c = out;
      }
    });
    assert.equal(s1('training', 3).params, s1('training').params + extra);
  });

  it('S4 has SE (1×1 reduce to c/16, ReLU, 1×1 expand, sigmoid) in the last 5 block pairs of stage 3 and the 1 of stage 4, in both forms', () => {
    for (const form of ['training', 'deploy'] as const) {
      const graph = buildModel('mobileone_s4', { form });
      const se = [...new Set(graph.nodes.filter((n) => n.scope.includes('se')).map((n) => n.scope.slice(0, 3).join('.')))];
      assert.deepEqual(se, [6, 7, 8, 9, 10].flatMap((j) => [`stage3.block${j}.dw`, `stage3.block${j}.pw`]).concat(['stage4.block1.dw', 'stage4.block1.pw']), form);
      const reduce = graph.nodes.find((n) => n.name === 'stage4.block1.pw.se.reduce')!;
      assert.equal(reduce.attrs.out_channels, 2048 / 16);
    }
    assert.ok(!buildModel('mobileone_s3').nodes.some((n) => n.scope.includes('se')));
  });

  it('stem: a 3×3/2 MobileOne block with one conv branch whatever k; stages of 2, 8, 10, 1 block pairs; GAP → Linear', () => {
    assert.deepEqual(nodesOf('mobileone_s0', 'training', 'stem'), [
      'scale.conv:Conv',
      'scale.bn:BatchNormalization',
      'branch1.conv:Conv',
      'branch1.bn:BatchNormalization',
      'add:Add',
      'relu:Relu',
    ]);
    const graph = buildModel('mobileone_s0');
    assert.equal(graph.nodes.filter((n) => n.op === 'Conv').length, 1 + 2 * (2 + 8 + 10 + 1));
    assert.deepEqual(graph.shapes.get('stem.reparam'), [1, 48, 112, 112]);
    assert.deepEqual(graph.shapes.get('stage4.block1.pw.reparam'), [1, 1024, 7, 7]);
  });

  it('published figures (official README top-1 and iPhone 12 Pro latency) attach to the deploy form only', () => {
    const figures = (form?: 'training' | 'deploy') => summarizeModel('mobileone_s1', form ? { form } : {}).published.map((p) => [p.metric, p.value]);
    assert.deepEqual(figures(), [
      ['top1', 75.9],
      ['latency_ms', 0.89],
    ]);
    assert.deepEqual(figures('deploy'), figures());
    assert.deepEqual(figures('training'), []);
  });

  it('mobileOneBlock builds either form in a graph of its own', () => {
    const block = (form: 'training' | 'deploy') => {
      const b = new GraphBuilder('block');
      const x = b.input('x', [1, 32, 28, 28]);
      const y = mobileOneBlock(b, x, { out: 32, k: 3, groups: 32, branches: 2, form }, 'mo');
      assert.deepEqual(y.shape, [1, 32, 28, 28]);
      return summarize(b.build([y])).totals;
    };
    assert.equal(block('deploy').params, 32 * 9 + 32);
    // Scale (32 + 64), two 3×3 branches 2·(288 + 64), identity BN 64.
    assert.equal(block('training').params, 96 + 2 * 352 + 64);
  });
});
