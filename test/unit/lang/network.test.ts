import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { summarize } from '../../../src/core/summary';
import { buildNetwork, CellError, inLayerScope, parseCell, type NetworkCell } from '../../../src/lang/index';
import { buildModel } from '../../../src/zoo/index';

function network(text: string): NetworkCell {
  const { cell, diagnostics } = parseCell(text);
  assert.deepEqual(diagnostics, []);
  assert.ok(cell && cell.verb === 'network');
  return cell;
}

function totals(text: string) {
  const built = buildNetwork(network(text));
  return { built, totals: summarize(built.graph).totals };
}

/** The network written with the zoo's blocks has the zoo model's params, MAdds, FLOPs and memory traffic. */
function sameAsZoo(text: string, id: string) {
  const { built, totals: mine } = totals(text);
  const zoo = summarize(buildModel(id)).totals;
  assert.deepEqual(
    { params: mine.params, madds: mine.madds, flops: mine.flops, mac: mine.mac_elements },
    { params: zoo.params, madds: zoo.madds, flops: zoo.flops, mac: zoo.mac_elements },
  );
  return built;
}

const MOBILENET_V2 = `network: mobilenet_v2_by_hand
input: [1, 3, 224, 224]
layers:
  - conv: { out: 32, k: 3, s: 2, act: relu6 }
    scope: stem
  - inverted_residual: { out: 16, expand: 1 }
  - inverted_residual: { out: 24, s: 2 }
  - inverted_residual: { out: 24 }
  - inverted_residual: { out: 32, s: 2 }
  - inverted_residual: { out: 32, repeat: 2 }
  - inverted_residual: { out: 64, s: 2 }
  - inverted_residual: { out: 64, repeat: 3 }
  - inverted_residual: { out: 96, repeat: 3 }
  - inverted_residual: { out: 160, s: 2 }
  - inverted_residual: { out: 160, repeat: 2 }
  - inverted_residual: { out: 320 }
  - conv: { out: 1280, k: 1, act: relu6 }
    scope: head
  - classifier: { classes: 1000, dropout: 0.2 }
`;

const FASTERNET_T0 = `network: fasternet_t0_by_hand
input: [1, 3, 224, 224]
layers:
  - conv: { out: 40, k: 4, s: 4 }       # patch embedding: conv + BN, no padding for an even kernel
  - fasternet_block: { act: gelu }
  - conv: { out: 80, k: 2, s: 2 }       # merging
  - fasternet_block: { act: gelu, repeat: 2 }
  - conv: { out: 160, k: 2, s: 2 }
  - fasternet_block: { act: gelu, repeat: 8 }
  - conv: { out: 320, k: 2, s: 2 }
  - fasternet_block: { act: gelu, repeat: 2 }
  - classifier: { hidden: 1280, act: gelu, classes: 1000 }
`;

describe('cell language: network cells → IR', () => {
  it('a small network against hand-computed params and MAdds', () => {
    const { totals: t } = totals('network: tiny\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: 8, act: relu }\n  - gap\n  - flatten\n  - fc: { out: 10 }\n');
    // conv 3→8 3×3 (no bias) + BN γ/β, then FC 8→10 with bias.
    assert.equal(t.params, 8 * 3 * 9 + 2 * 8 + (8 * 10 + 10));
    assert.equal(t.madds, 32 * 32 * 8 * 3 * 9 + 8 * 10);
  });

  it('MobileNetV2 written with inverted_residual blocks is mobilenet_v2_x1_0, node for node', () => {
    const built = sameAsZoo(MOBILENET_V2, 'mobilenet_v2_x1_0');
    const zoo = buildModel('mobilenet_v2_x1_0');
    assert.deepEqual(built.graph.nodes.map((n) => n.op), zoo.nodes.map((n) => n.op));
    assert.equal(built.graph.nodes[0].name, 'stem.conv');
  });

  it('FasterNet-T0 written with fasternet_block and convs is fasternet_t0', () => {
    sameAsZoo(FASTERNET_T0, 'fasternet_t0');
  });

  it('the other families written with their blocks equal the zoo', () => {
    sameAsZoo(
      `network: mobilenet_v1
input: [1, 3, 224, 224]
layers:
  - conv: { out: 32, s: 2, act: relu }
  - depthwise_separable: { out: 64 }
  - depthwise_separable: { out: 128, s: 2 }
  - depthwise_separable: { out: 128 }
  - depthwise_separable: { out: 256, s: 2 }
  - depthwise_separable: { out: 256 }
  - depthwise_separable: { out: 512, s: 2 }
  - depthwise_separable: { out: 512, repeat: 5 }
  - depthwise_separable: { out: 1024, s: 2 }
  - depthwise_separable: { out: 1024 }
  - classifier: { classes: 1000 }
`,
      'mobilenet_v1_x1_0',
    );
    sameAsZoo(
      `network: squeezenet
input: [1, 3, 224, 224]
layers:
  - conv: { out: 64, k: 3, s: 2, p: 0, bias: true, bn: false, act: relu }
  - maxpool: { k: 3, s: 2, ceil: true }
  - fire: { squeeze: 16, expand1x1: 64, expand3x3: 64, repeat: 2 }
  - maxpool: { k: 3, s: 2, ceil: true }
  - fire: { squeeze: 32, expand1x1: 128, expand3x3: 128, repeat: 2 }
  - maxpool: { k: 3, s: 2, ceil: true }
  - fire: { squeeze: 48, expand1x1: 192, expand3x3: 192, repeat: 2 }
  - fire: { squeeze: 64, expand1x1: 256, expand3x3: 256, repeat: 2 }
  - dropout: { p: 0.5 }
  - conv: { out: 1000, k: 1, bias: true, bn: false, act: relu }
  - gap
  - flatten
`,
      'squeezenet1_1',
    );
    sameAsZoo(
      `network: shufflenet_v2
input: [1, 3, 224, 224]
layers:
  - conv: { out: 24, s: 2, act: relu }
  - maxpool: { k: 3, s: 2, p: 1 }
  - shufflenet_v2_unit: { out: 116, s: 2 }
  - shufflenet_v2_unit: { out: 116, repeat: 3 }
  - shufflenet_v2_unit: { out: 232, s: 2 }
  - shufflenet_v2_unit: { out: 232, repeat: 7 }
  - shufflenet_v2_unit: { out: 464, s: 2 }
  - shufflenet_v2_unit: { out: 464, repeat: 3 }
  - conv: { out: 1024, k: 1, act: relu }
  - classifier: { classes: 1000 }
`,
      'shufflenet_v2_x1_0',
    );
    sameAsZoo(
      `network: shufflenet_v1_g3
input: [1, 3, 224, 224]
layers:
  - conv: { out: 24, s: 2, act: relu }
  - maxpool: { k: 3, s: 2, p: 1 }
  - shufflenet_v1_unit: { out: 240, groups: 3, s: 2, group_first: false }
  - shufflenet_v1_unit: { out: 240, groups: 3, repeat: 3 }
  - shufflenet_v1_unit: { out: 480, groups: 3, s: 2 }
  - shufflenet_v1_unit: { out: 480, groups: 3, repeat: 7 }
  - shufflenet_v1_unit: { out: 960, groups: 3, s: 2 }
  - shufflenet_v1_unit: { out: 960, groups: 3, repeat: 3 }
  - classifier: { classes: 1000, bias: false }
`,
      'shufflenet_v1_g3_x1_0',
    );
    sameAsZoo(
      `network: pplcnet
input: [1, 3, 224, 224]
layers:
  - conv: { out: 16, s: 2, act: hardswish }
  - depthsep_conv: { out: 32 }
  - depthsep_conv: { out: 64, s: 2 }
  - depthsep_conv: { out: 64 }
  - depthsep_conv: { out: 128, s: 2 }
  - depthsep_conv: { out: 128 }
  - depthsep_conv: { out: 256, s: 2 }
  - depthsep_conv: { out: 256, k: 5, repeat: 5 }
  - depthsep_conv: { out: 512, s: 2, k: 5, se: true }
  - depthsep_conv: { out: 512, k: 5, se: true }
  - classifier: { hidden: 1280, act: hardswish, dropout: 0.2, classes: 1000 }
`,
      'pplcnet_x1_0',
    );
    sameAsZoo(
      `network: mobilenet_v3_small
input: [1, 3, 224, 224]
layers:
  - conv: { out: 16, s: 2, act: hardswish }
  - inverted_residual: { out: 16, s: 2, hidden: 16, act: relu, se: true }
  - inverted_residual: { out: 24, s: 2, hidden: 72, act: relu }
  - inverted_residual: { out: 24, hidden: 88, act: relu }
  - inverted_residual: { out: 40, s: 2, k: 5, hidden: 96, act: hardswish, se: true }
  - inverted_residual: { out: 40, k: 5, hidden: 240, act: hardswish, se: true, repeat: 2 }
  - inverted_residual: { out: 48, k: 5, hidden: 120, act: hardswish, se: true }
  - inverted_residual: { out: 48, k: 5, hidden: 144, act: hardswish, se: true }
  - inverted_residual: { out: 96, s: 2, k: 5, hidden: 288, act: hardswish, se: true }
  - inverted_residual: { out: 96, k: 5, hidden: 576, act: hardswish, se: true, repeat: 2 }
  - conv: { out: 576, k: 1, act: hardswish }
  - gap
  - flatten
  - fc: { out: 1024 }
  - hardswish
  - dropout: { p: 0.2 }
  - fc: { out: 1000 }
`,
      'mobilenet_v3_small_x1_0',
    );
    sameAsZoo(
      `network: ghostnet
input: [1, 3, 224, 224]
layers:
  - conv: { out: 16, s: 2, act: relu }
  - ghost_bottleneck: { mid: 16, out: 16 }
  - ghost_bottleneck: { mid: 48, out: 24, s: 2 }
  - ghost_bottleneck: { mid: 72, out: 24 }
  - ghost_bottleneck: { mid: 72, out: 40, k: 5, s: 2, se: true }
  - ghost_bottleneck: { mid: 120, out: 40, k: 5, se: true }
  - ghost_bottleneck: { mid: 240, out: 80, s: 2 }
  - ghost_bottleneck: { mid: 200, out: 80 }
  - ghost_bottleneck: { mid: 184, out: 80, repeat: 2 }
  - ghost_bottleneck: { mid: 480, out: 112, se: true }
  - ghost_bottleneck: { mid: 672, out: 112, se: true }
  - ghost_bottleneck: { mid: 672, out: 160, k: 5, s: 2, se: true }
  - ghost_bottleneck: { mid: 960, out: 160, k: 5 }
  - ghost_bottleneck: { mid: 960, out: 160, k: 5, se: true }
  - ghost_bottleneck: { mid: 960, out: 160, k: 5 }
  - ghost_bottleneck: { mid: 960, out: 160, k: 5, se: true }
  - conv: { out: 960, k: 1, act: relu }
  - classifier: { hidden: 1280, hidden_bias: true, act: relu, dropout: 0.2, classes: 1000 }
`,
      'ghostnet_x1_0',
    );
  });

  it('GhostNetV2 written with ghost_bottleneck_v2 equals ghostnet_v2_x1_0 (DFC from the third bottleneck on)', () => {
    sameAsZoo(
      `network: ghostnet_v2
input: [1, 3, 224, 224]
layers:
  - conv: { out: 16, s: 2, act: relu }
  - ghost_bottleneck_v2: { mid: 16, out: 16, dfc: false }
  - ghost_bottleneck_v2: { mid: 48, out: 24, s: 2, dfc: false }
  - ghost_bottleneck_v2: { mid: 72, out: 24 }
  - ghost_bottleneck_v2: { mid: 72, out: 40, k: 5, s: 2, se: true }
  - ghost_bottleneck_v2: { mid: 120, out: 40, k: 5, se: true }
  - ghost_bottleneck_v2: { mid: 240, out: 80, s: 2 }
  - ghost_bottleneck_v2: { mid: 200, out: 80 }
  - ghost_bottleneck_v2: { mid: 184, out: 80, repeat: 2 }
  - ghost_bottleneck_v2: { mid: 480, out: 112, se: true }
  - ghost_bottleneck_v2: { mid: 672, out: 112, se: true }
  - ghost_bottleneck_v2: { mid: 672, out: 160, k: 5, s: 2, se: true }
  - ghost_bottleneck_v2: { mid: 960, out: 160, k: 5 }
  - ghost_bottleneck_v2: { mid: 960, out: 160, k: 5, se: true }
  - ghost_bottleneck_v2: { mid: 960, out: 160, k: 5 }
  - ghost_bottleneck_v2: { mid: 960, out: 160, k: 5, se: true }
  - conv: { out: 960, k: 1, act: relu }
  - classifier: { hidden: 1280, hidden_bias: true, act: relu, dropout: 0.2, classes: 1000 }
`,
      'ghostnet_v2_x1_0',
    );
  });

  it('layers sit in scope layer<k>, repeats in layer<k>.<r>, or the scope: given', () => {
    const { built } = totals(
      'network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: 8 }\n  - relu: { repeat: 2 }\n  - dwconv:\n    scope: stage1.mix\n  - conv: { out: 8, scope: tail }\n    repeat: 3\n',
    );
    const scopes = [...new Set(built.graph.nodes.map((n) => n.scope.join('.')))];
    assert.deepEqual(scopes, ['layer1', 'layer2.1', 'layer2.2', 'stage1.mix', 'tail.1', 'tail.2', 'tail.3']);
    assert.deepEqual(built.layerScopes.map((l) => [l.scope, l.range.start.line, l.range.end.line, l.repeat]), [
      ['layer1', 3, 3, 1],
      ['layer2', 4, 4, 2],
      ['stage1.mix', 5, 6, 1],
      ['tail', 7, 8, 3],
    ]);
    const tail = built.graph.nodes.filter((n) => inLayerScope(n.scope.join('.'), 'tail'));
    assert.deepEqual(tail.map((n) => n.name), ['tail.1.conv', 'tail.1.bn', 'tail.2.conv', 'tail.2.bn', 'tail.3.conv', 'tail.3.bn']);
  });

  it('from, add and concat build branches by scope name', () => {
    const { built, totals: t } = totals(
      `network: branches
input: [1, 16, 8, 8]
layers:
  - conv: { out: 16, act: relu }
    scope: a
  - conv: { out: 16 }
  - add: { with: a }
  - avgpool: { k: 2 }
    from: input
    scope: pooled
  - conv: { out: 8, k: 1 }
    from: a
  - avgpool: { k: 2 }
  - concat: { with: [pooled] }
`,
    );
    const out = built.graph.shapes.get(built.graph.outputs[0]);
    assert.deepEqual(out, [1, 24, 4, 4]);
    assert.equal(t.madds, 2 * 64 * 16 * 16 * 9 + 64 * 8 * 16);
  });

  it('MobileNetV4-Conv-S written with conv and uib layers is mobilenet_v4_conv_s', () => {
    sameAsZoo(
      `network: mobilenet_v4_conv_s_by_hand
input: [1, 3, 224, 224]
layers:
  - conv: { out: 32, s: 2, act: relu }
  - conv: { out: 32, s: 2, act: relu }
  - conv: { out: 32, k: 1, act: relu }
  - conv: { out: 96, s: 2, act: relu }
  - conv: { out: 64, k: 1, act: relu }
  - uib: { out: 96, start_k: 5, mid_k: 5, s: 2, expand: 3 }
  - uib: { out: 96, mid_k: 3, expand: 2, repeat: 4 }
  - uib: { out: 96, start_k: 3, mid_k: 0 }
  - uib: { out: 128, start_k: 3, mid_k: 3, s: 2, expand: 6 }
  - uib: { out: 128, start_k: 5, mid_k: 5 }
  - uib: { out: 128, mid_k: 5 }
  - uib: { out: 128, mid_k: 5, expand: 3 }
  - uib: { out: 128, repeat: 2 }
  - conv: { out: 960, k: 1, act: relu }
  - classifier: { hidden: 1280, hidden_bn: true, classes: 1000 }
`,
      'mobilenet_v4_conv_s',
    );
  });

  it('re-parameterised blocks: form: training builds every branch, deploy the one fused conv', () => {
    const block = (options: string) => totals(`network: n\ninput: [1, 8, 16, 16]\nlayers:\n  - mobileone_block: { ${options} }\n`).totals;
    // Depthwise 3×3 on 8 channels, k = 2: a 1×1 scale branch (8 weights + BN), two 3×3 branches (72 + BN each), a BN identity.
    const training = block('out: 8, groups: 8, branches: 2, form: training');
    assert.equal(training.params, 8 + 16 + 2 * (72 + 16) + 16);
    assert.equal(training.madds, (8 + 2 * 72) * 16 * 16);
    // Deployed: one 3×3 depthwise conv with bias, whatever the branches.
    const deploy = block('out: 8, groups: 8, branches: 2');
    assert.equal(deploy.params, 72 + 8);
    assert.equal(deploy.madds, 72 * 16 * 16);
    assert.deepEqual(block('out: 8, groups: 8, branches: 2, form: deploy'), deploy);
    // RepViT's block and classifier, GhostNetV3's bottleneck: training has more parameters than deploy.
    for (const layers of ['repvit_block: { se: true }', 'ghostv3_bottleneck: { mid: 16, out: 8 }', 'repvit_classifier: { classes: 10 }']) {
      const params = (form: string) => totals(`network: n\ninput: [1, 8, 16, 16]\nlayers:\n  - ${layers.replace(/ }$/, `, form: ${form} }`)}\n`).totals.params;
      assert.ok(params('training') > params('deploy'), layers);
    }
  });

  it('block options that cannot build read in the cell\'s words', () => {
    const fails = (layer: string, column: number, message: RegExp) => {
      const cell = network(`network: n\ninput: [1, 8, 16, 16]\nlayers:\n  - ${layer}\n`);
      assert.throws(
        () => buildNetwork(cell),
        (e: unknown) => e instanceof CellError && e.range.start.line === 3 && e.range.start.character === column - 1 && message.test(e.message),
        layer,
      );
    };
    fails('uib: { out: 16, start_k: 0, mid_k: 0, s: 2 }', 46, /^line 4, column 46: layer 1 \(uib\): a UIB without depthwise convs \(start_k and mid_k both 0: an FFN\) cannot have stride 2$/);
    fails('mobileone_block: { out: 8, se: true }', 36, /layer 1 \(mobileone_block\): SE squeezes to ⌊out \/ 16⌋ channels: out 8 leaves none/);
    fails('mobileone_block: { out: 12, groups: 8 }', 41, /input \[1, 8, 16, 16\]: output channels 12 are not divisible by groups: 8$/);
    const { diagnostics } = parseCell('network: n\ninput: [1, 8, 16, 16]\nlayers:\n  - repvit_block: { form: train }\n');
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      ["'form' of repvit_block (layer 1) must be one of training, deploy, got 'train' (did you mean training?)"],
    );
  });

  it('a layer that cannot build throws a CellError at its line', () => {
    const cell = network('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: 8 }\n  - conv: { out: 6, groups: 4 }\n');
    assert.throws(
      () => buildNetwork(cell),
      (e: unknown) =>
        e instanceof CellError &&
        e.range.start.line === 4 &&
        e.range.start.character === 28 &&
        // In the cell's words, at the option it is about: no IR node name.
        /^line 5, column 29: layer 2 \(conv\), input \[1, 8, 32, 32\]: output channels 6 are not divisible by groups: 4$/.test(e.message),
    );
    const ratio = network('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: 10 }\n  - pconv: { ratio: 0.25 }\n');
    assert.throws(
      () => buildNetwork(ratio),
      (e: unknown) => e instanceof CellError && e.range.start.line === 4 && e.range.start.character === 20 && /ratio 0.25 of 10 channels is 2.5/.test(e.message),
    );
    const flat = network('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - fc: { out: 10 }\n');
    assert.throws(() => buildNetwork(flat), /needs a flat input \[N, C\], got \[1, 3, 32, 32\]; add '- gap' and '- flatten'/);
  });
});
