import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { GraphBuilder } from '../../../src/core/ir';
import { summarize } from '../../../src/core/summary';
import { buildModel, findModel, summarizeModel } from '../../../src/zoo';
import { repvitBlock, repvitSeChannels } from '../../../src/zoo/repvit';

/** RepViT-M0.9: channels of its 23 token mixers (blocks plus each downsampling layer's leading block) and their output pixels. */
const M0_9 = {
  mixers: [
    [48, 3, 56 * 56],
    [96, 3, 28 * 28],
    [192, 15, 14 * 14],
    [384, 2, 7 * 7],
  ],
  /** Output channels of the three downsampling layers' 1×1 Conv-BN, from the 48, 96 and 192 channels of their 3×3/2 depthwise one. */
  down: [96, 192, 384],
};

const ops = (id: string, form: 'training' | 'deploy', prefix: string) =>
  buildModel(id, { form })
    .nodes.filter((n) => n.scope.join('.').startsWith(prefix))
    .map((n) => `${n.name.slice(prefix.length + 1)}:${n.op}`);

describe('zoo: RepViT', () => {
  it('every model has two forms, deploy by default', () => {
    assert.equal(findModel('repvit_m1_1')?.forms, true);
    assert.deepEqual(summarizeModel('repvit_m0_9').totals.params, summarizeModel('repvit_m0_9', { form: 'deploy' }).totals.params);
  });

  it('training form block: BN(Conv-BN 3×3 dw + 1×1 dw conv + x) → SE → 1×1 Conv-BN → GELU → 1×1 Conv-BN, plus the input', () => {
    assert.deepEqual(ops('repvit_m0_9', 'training', 'stage3.block5'), [
      'token_mixer.conv.conv:Conv',
      'token_mixer.conv.bn:BatchNormalization',
      'token_mixer.conv1:Conv',
      'token_mixer.add:Add',
      'token_mixer.add_identity:Add',
      'token_mixer.bn:BatchNormalization',
      'se.pool:GlobalAveragePool',
      'se.reduce:Conv',
      'se.relu:Relu',
      'se.expand:Conv',
      'se.gate:Sigmoid',
      'se.scale:Mul',
      'channel_mixer.conv1.conv:Conv',
      'channel_mixer.conv1.bn:BatchNormalization',
      'channel_mixer.gelu:Gelu',
      'channel_mixer.conv2.conv:Conv',
      'channel_mixer.conv2.bn:BatchNormalization',
      'channel_mixer.add:Add',
    ]);
    const block = buildModel('repvit_m0_9', { form: 'training' }).nodes.filter((n) => n.scope.join('.').startsWith('stage3.block5'));
    const [dw3, , dw1] = block;
    assert.deepEqual([dw3.attrs.kernel_shape, dw3.attrs.group, dw3.attrs.bias], [[3, 3], 192, false]);
    // The 1×1 branch is a plain depthwise conv with bias, not a Conv-BN pair (timm's legacy=False).
    assert.deepEqual([dw1.attrs.kernel_shape, dw1.attrs.group, dw1.attrs.bias], [[1, 1], 192, true]);
  });

  it('deploy form block: one 3×3 depthwise conv with bias → SE → 1×1 conv → GELU → 1×1 conv, plus the input', () => {
    assert.deepEqual(ops('repvit_m0_9', 'deploy', 'stage3.block5'), [
      'token_mixer.conv:Conv',
      'se.pool:GlobalAveragePool',
      'se.reduce:Conv',
      'se.relu:Relu',
      'se.expand:Conv',
      'se.gate:Sigmoid',
      'se.scale:Mul',
      'channel_mixer.conv1.conv:Conv',
      'channel_mixer.gelu:Gelu',
      'channel_mixer.conv2.conv:Conv',
      'channel_mixer.add:Add',
    ]);
    const graph = buildModel('repvit_m2_3', { form: 'deploy' });
    assert.equal(graph.nodes.filter((n) => n.op === 'BatchNormalization').length, 0);
    assert.ok(graph.nodes.filter((n) => n.op === 'Conv').every((n) => n.attrs.bias === true));
  });

  it('SE in the first block of a stage and every other one after it, never in a downsampling layer; C/4 rounded to 8', () => {
    const graph = buildModel('repvit_m0_9');
    const se = new Set(graph.nodes.filter((n) => n.scope.includes('se')).map((n) => n.scope.slice(0, 2).join('.')));
    assert.deepEqual([...se], ['stage1.block1', 'stage2.block3', 'stage3.block5', 'stage3.block7', 'stage3.block9', 'stage3.block11', 'stage3.block13', 'stage3.block15', 'stage3.block17', 'stage4.block19']);
    assert.deepEqual([48, 56, 80, 112, 160, 640].map(repvitSeChannels), [16, 16, 24, 32, 40, 160]);
  });

  it('downsampling layer: a block without SE, 3×3/2 depthwise Conv-BN, 1×1 Conv-BN, residual FFN', () => {
    assert.deepEqual(
      ops('repvit_m0_9', 'training', 'stage2.down').filter((n) => !n.startsWith('pre_block')),
      ['spatial.conv:Conv', 'spatial.bn:BatchNormalization', 'channel.conv:Conv', 'channel.bn:BatchNormalization', 'ffn.conv1.conv:Conv', 'ffn.conv1.bn:BatchNormalization', 'ffn.gelu:Gelu', 'ffn.conv2.conv:Conv', 'ffn.conv2.bn:BatchNormalization', 'ffn.add:Add'],
    );
    assert.deepEqual(ops('repvit_m0_9', 'deploy', 'stage2.down'), [
      'pre_block.token_mixer.conv:Conv',
      'pre_block.channel_mixer.conv1.conv:Conv',
      'pre_block.channel_mixer.gelu:Gelu',
      'pre_block.channel_mixer.conv2.conv:Conv',
      'pre_block.channel_mixer.add:Add',
      'spatial.conv:Conv',
      'channel.conv:Conv',
      'ffn.conv1.conv:Conv',
      'ffn.gelu:Gelu',
      'ffn.conv2.conv:Conv',
      'ffn.add:Add',
    ]);
  });

  it('classifier: two BN → Linear heads averaged in the training form, one Linear in the deploy form', () => {
    assert.deepEqual(ops('repvit_m0_9', 'training', 'classifier'), [
      'pool:GlobalAveragePool',
      'flatten:Flatten',
      'head.bn:BatchNormalization',
      'head.fc:Gemm',
      'head_dist.bn:BatchNormalization',
      'head_dist.fc:Gemm',
      'add:Add',
      'average:Mul',
    ]);
    assert.deepEqual(ops('repvit_m0_9', 'deploy', 'classifier'), ['pool:GlobalAveragePool', 'flatten:Flatten', 'fc:Gemm']);
  });

  it('training − deploy params by hand: 5C per token mixer, C per other Conv-BN, and the second head with both BNs', () => {
    const training = summarizeModel('repvit_m0_9', { form: 'training' }).totals;
    const deploy = summarizeModel('repvit_m0_9').totals;
    const mixerChannels = M0_9.mixers.reduce((sum, [c, n]) => sum + c * n, 0);
    assert.equal(mixerChannels, 4080);
    // Token mixer: BN after the 3×3 conv (2C) + 1×1 branch (2C) + BN after the sum (2C) − the fused conv's bias (C).
    const tokenMixers = 5 * mixerChannels;
    // Every other Conv-BN pair trades its BN's 2C for a bias of C: the stem's two, 2C + C in each
    // channel mixer, and each downsampling layer's two convs and FFN.
    const convBns = 24 + 48 + 3 * mixerChannels + M0_9.down.reduce((sum, out) => sum + out / 2 + out + 3 * out, 0);
    const heads = 2 * 384 + 2 * 384 + 384 * 1000 + 1000;
    assert.equal(training.params - deploy.params, tokenMixers + convBns + heads);
    assert.equal(training.params - deploy.params, 5489328 - 5067056);
    // MAdds: only the 1×1 depthwise branches (C·H·W each) and the second Linear are folded away.
    const branches = M0_9.mixers.reduce((sum, [c, n, pixels]) => sum + c * n * pixels, 0);
    assert.equal(training.madds - deploy.madds, branches + 384 * 1000);
  });

  it('repvitBlock builds either form on its own, with the same output shape', () => {
    const run = (form: 'training' | 'deploy') => {
      const b = new GraphBuilder('block');
      const x = b.input('x', [1, 64, 28, 28]);
      const y = repvitBlock(b, x, { form, se: true }, 'block');
      assert.deepEqual(y.shape, [1, 64, 28, 28]);
      return summarize(b.build([y])).totals;
    };
    const training = run('training');
    const deploy = run('deploy');
    // 64 channels, SE to 16, hidden 128.
    const se = 64 * 16 + 16 + 16 * 64 + 64;
    assert.equal(deploy.params, 9 * 64 + 64 + se + (64 * 128 + 128) + (128 * 64 + 64));
    assert.equal(training.params, deploy.params + 5 * 64 + 128 + 64);
    assert.equal(training.madds - deploy.madds, 64 * 28 * 28);
  });

  it('mlp_ratio: 3 widens every channel mixer (timm repvit_m0_9 with mlp_ratio 3, both forms)', () => {
    const wide = (form: 'training' | 'deploy') => summarizeModel('repvit_m0_9', { form, knobs: { mlp_ratio: 3 } }).totals;
    // test/golden/reference/repvit.py --layers m0_9 --mlp-ratio 3 (the official file fixes the ratio at 2).
    assert.deepEqual([wide('deploy').params, wide('deploy').madds], [7223744, 1191335232]);
    assert.deepEqual([wide('training').params, wide('training').madds], [7650768, 1192998720]);
    assert.throws(() => buildModel('repvit_m0_9', { knobs: { mlp_ratio: 2.5 } }), /knob 'mlp_ratio'/);
  });

  it('published figures: the README table on the deploy form only', () => {
    const figures = (form?: 'training' | 'deploy') => summarizeModel('repvit_m1_0', form ? { form } : {}).published.map((p) => [p.metric, p.value]);
    assert.deepEqual(figures(), [
      ['params', 6.8e6],
      ['madds', 1.1e9],
      ['top1', 80.0],
      ['latency_ms', 1.0],
    ]);
    assert.deepEqual(figures('deploy'), figures());
    assert.deepEqual(figures('training'), []);
    // The deploy form is what the README counts: 6.81M params and 1.11G MACs round to its 6.8M and 1.1G.
    const deploy = summarizeModel('repvit_m1_0').totals;
    assert.deepEqual([Math.round(deploy.params / 1e5) / 10, Math.round(deploy.madds / 1e8) / 10], [6.8, 1.1]);
  });
});
