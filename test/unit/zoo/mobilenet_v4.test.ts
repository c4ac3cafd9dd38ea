import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { UserError } from '../../../src/core/errors';
import { GraphBuilder } from '../../../src/core/ir';
import { buildModel, summarizeModel } from '../../../src/zoo';
import { uibBlock } from '../../../src/zoo/mobilenet_v4';

const ops = (id: string, prefix: string) =>
  buildModel(id)
    .nodes.filter((n) => n.scope.join('.').startsWith(prefix))
    .map((n) => `${n.name.slice(prefix.length + 1)}:${n.op}`);

describe('zoo: MobileNetV4', () => {
  it('an ExtraDW UIB: dw_start → BN, 1×1 expansion → BN → act, dw_mid → BN → act, 1×1 projection → BN, plus the input', () => {
    assert.deepEqual(ops('mobilenet_v4_conv_m', 'stage3.block2'), [
      'dw_start.conv:Conv',
      'dw_start.bn:BatchNormalization',
      'pw_exp.conv:Conv',
      'pw_exp.bn:BatchNormalization',
      'pw_exp.relu:Relu',
      'dw_mid.conv:Conv',
      'dw_mid.bn:BatchNormalization',
      'dw_mid.relu:Relu',
      'pw_proj.conv:Conv',
      'pw_proj.bn:BatchNormalization',
      'add:Add',
    ]);
    const convs = buildModel('mobilenet_v4_conv_m').nodes.filter((n) => n.op === 'Conv' && n.scope.join('.') === 'stage3.block1.dw_mid');
    // The first block of a stage strides on its dw_mid; 80 → 6 · 80 = 480 expanded channels, depthwise.
    assert.deepEqual([convs[0].attrs.group, convs[0].attrs.strides, convs[0].attrs.kernel_shape], [480, [2, 2], [5, 5]]);
    assert.ok(buildModel('mobilenet_v4_conv_l').nodes.filter((n) => n.op === 'Conv').every((n) => n.attrs.bias === false));
  });

  it('ConvNext, FFN and IB variants leave out the depthwise convs the config gives kernel 0', () => {
    // Conv-M stage 3: block 6 is ConvNext (dw 3×3 before the expansion only), block 7 FFN (no dw).
    assert.deepEqual(ops('mobilenet_v4_conv_m', 'stage3.block6').filter((s) => s.endsWith(':Conv')), ['dw_start.conv:Conv', 'pw_exp.conv:Conv', 'pw_proj.conv:Conv']);
    assert.deepEqual(ops('mobilenet_v4_conv_m', 'stage3.block7').filter((s) => s.endsWith(':Conv')), ['pw_exp.conv:Conv', 'pw_proj.conv:Conv']);
    // Conv-S stage 3: block 2 is an IB (dw 3×3 after the expansion only).
    assert.deepEqual(ops('mobilenet_v4_conv_s', 'stage3.block2').filter((s) => s.endsWith(':Conv')), ['pw_exp.conv:Conv', 'dw_mid.conv:Conv', 'pw_proj.conv:Conv']);
  });

  it('a Fused IB: 3×3/2 conv → BN → act, 1×1 projection → BN, no residual across the stride', () => {
    assert.deepEqual(ops('mobilenet_v4_conv_m', 'stage1.block1'), [
      'conv_exp.conv:Conv',
      'conv_exp.bn:BatchNormalization',
      'conv_exp.relu:Relu',
      'conv_pwl.conv:Conv',
      'conv_pwl.bn:BatchNormalization',
    ]);
  });

  it('a Mobile MQA block: Q·Kᵀ and attention·V are MatMuls over 4 heads, keys and values downsampled 2×', () => {
    const graph = buildModel('mobilenet_v4_hybrid_m');
    const block = graph.nodes.filter((n) => n.scope.join('.').startsWith('stage3.block5'));
    assert.deepEqual(
      block.map((n) => n.op),
      [
        'BatchNormalization',
        'Conv', // query 1×1 → 4 · 64
        'Conv', 'BatchNormalization', 'Conv', // key: 3×3/2 depthwise → BN → 1×1 → 64
        'Conv', 'BatchNormalization', 'Conv', // value: the same
        'Reshape', 'Transpose', 'Mul', 'Reshape', 'Reshape', 'Transpose',
        'MatMul', 'Softmax', 'MatMul',
        'Transpose', 'Reshape', 'Transpose',
        'Conv', // output 1×1 → 160
        'Mul', // layer scale
        'Add',
      ],
    );
    const summary = summarizeModel('mobilenet_v4_hybrid_m');
    const matmuls = summary.layers.filter((l) => l.scope.startsWith('stage3.block5') && l.op === 'MatMul');
    // 256×256 input: stage 3 at 16×16 (L = 256 queries), keys and values at 8×8 (P = 64).
    const shapeOf = (name: string) => graph.shapes.get(graph.nodes.find((n) => n.name === name)!.outputs[0]);
    assert.deepEqual(shapeOf('stage3.block5.attn.qk'), [1, 4, 256, 64]);
    assert.deepEqual(shapeOf('stage3.block5.attn.av'), [1, 4, 256, 64]);
    assert.deepEqual(
      matmuls.map((l) => l.madds),
      [4 * 256 * 64 * 64, 4 * 256 * 64 * 64],
    );
    // Stage 4's MQA keeps keys and values at 8×8: L = P = 64.
    assert.deepEqual(shapeOf('stage4.block9.attn.qk'), [1, 4, 64, 64]);
    // Four MQA blocks per stage; the attention's share of Hybrid-M, as the reference counts it.
    const attention = summary.layers.filter((l) => l.op === 'MatMul').reduce((s, l) => s + l.madds, 0);
    assert.equal(attention, 4 * 2 * (4 * 256 * 64 * 64) + 4 * 2 * (4 * 64 * 64 * 64));
    assert.equal(attention, 41943040);
  });

  it('layer scale: the hybrids scale every UIB and MQA block with c parameters; the Conv models have none', () => {
    const layers = summarizeModel('mobilenet_v4_hybrid_m').layers.filter((l) => l.op === 'Mul' && l.scope.split('.').length === 2);
    const scale = layers.filter((l) => l.name.endsWith('layer_scale'));
    // Stages 2–4 hold 2, 12 and 16 UIB and MQA blocks; stage 1's Fused IB and stage 5's conv have none.
    assert.equal(scale.length, 2 + 12 + 16);
    assert.equal(scale.find((l) => l.name === 'stage3.block5.layer_scale')?.params, 160);
    assert.equal(buildModel('mobilenet_v4_conv_l').nodes.filter((n) => n.op === 'Mul').length, 0);
  });

  it("each model is built at its own resolution, and its published figures attach only there", () => {
    const sizes = ['conv_s', 'conv_m', 'conv_l', 'hybrid_m', 'hybrid_l'].map((v) => buildModel(`mobilenet_v4_${v}`).inputs[0].shape[2]);
    assert.deepEqual(sizes, [224, 256, 384, 256, 384]);
    const m = summarizeModel('mobilenet_v4_conv_m');
    assert.deepEqual(m.published.map((p) => [p.metric, p.value]), [
      ['params', 9.72e6],
      ['madds', 1.1e9],
      ['top1', 79.916],
    ]);
    assert.deepEqual(summarizeModel('mobilenet_v4_conv_m', { resolution: 224 }).published, []);
    // At 224 every map is smaller: the final 960-channel stage runs on 7×7 instead of 8×8.
    const at224 = buildModel('mobilenet_v4_conv_m', { resolution: 224 });
    assert.deepEqual(at224.shapes.get('stage5.block1.relu'), [1, 960, 7, 7]);
  });

  it("width: timm's channel multiplier (Conv-S 0.5 is timm's mobilenetv4_conv_small_050, Hybrid-M 0.75 its hybrid_medium_075)", () => {
    const totals = (id: string, width: number) => {
      const t = summarizeModel(id, { width }).totals;
      return [t.params, t.madds];
    };
    // test/golden/reference/mobilenet_v4.py --width 0.5 / 0.75 on timm.
    assert.deepEqual(totals('mobilenet_v4_conv_s', 0.5), [2238952, 64741408]);
    assert.deepEqual(totals('mobilenet_v4_hybrid_m', 0.75), [7313528, 857932800]);
    // Below 1 the stem stays 32 wide; the head conv stays 1280 wide.
    const narrow = buildModel('mobilenet_v4_conv_s', { width: 0.5 });
    assert.equal(narrow.shapes.get('stem.conv')![1], 32);
    assert.equal(narrow.shapes.get('classifier.conv_head.conv')![1], 1280);
  });

  it('user errors: no knobs; a UIB with neither depthwise conv cannot stride', () => {
    assert.throws(() => buildModel('mobilenet_v4_conv_s', { knobs: { mlp_ratio: 3 } }), /has no knob 'mlp_ratio'/);
    const b = new GraphBuilder('uib');
    const x = b.input('x', [1, 16, 8, 8]);
    assert.throws(() => uibBlock(b, x, { out: 16, startK: 0, midK: 0, s: 2, expand: 2, act: 'relu' }, 'ffn'), (e: Error) => e instanceof UserError && /stride 2/.test(e.message));
    const y = uibBlock(b, x, { out: 24, startK: 3, midK: 0, s: 2, expand: 2, act: 'relu' }, 'convnext');
    // A ConvNext UIB strides on its dw_start; 16 → 24 channels, so no residual.
    assert.deepEqual(y.shape, [1, 24, 4, 4]);
    assert.ok(!b.build([y]).nodes.some((n) => n.op === 'Add'));
  });
});
