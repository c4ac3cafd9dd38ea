/**
 * Cost model against hand-derived values. Conventions (DESIGN.md): MAdds = Cout·Hout·Wout·(Cin/g)·k²
 * for conv and in·out for linear; FLOPs = 2·MAdds (+1 per output for a bias) plus stated
 * elementwise work; MAC = input + output activations + weights, in elements.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { costByScope, costGraph } from '../../../src/core/cost';
import { GraphBuilder } from '../../../src/core/ir';
import { convAttrs, costOf } from '../support/helpers';

describe('convolution', () => {
  it('dense 3×3: params, MAdds, FLOPs, MAC', () => {
    const { cost } = costOf([1, 16, 32, 32], (b, x) => b.add1('Conv', 'c', [x], convAttrs(32, 3)), 'c');
    assert.equal(cost.params, 32 * 16 * 3 * 3); // 4,608
    assert.equal(cost.madds, 32 * 32 * 32 * 16 * 9); // 4,718,592
    assert.equal(cost.flops, 2 * 4_718_592);
    assert.equal(cost.macElements, 16 * 32 * 32 + 32 * 32 * 32 + 4_608); // 53,760
    assert.equal(cost.macBytes, 4 * 53_760);
    assert.equal(cost.intensity, (2 * 4_718_592) / (4 * 53_760));
  });

  it('bias adds one parameter and one FLOP per output channel / output element', () => {
    const { cost } = costOf([1, 16, 8, 8], (b, x) => b.add1('Conv', 'c', [x], convAttrs(8, 1, { bias: true })), 'c');
    assert.equal(cost.params, 8 * 16 + 8);
    assert.equal(cost.madds, 8 * 8 * 8 * 16);
    assert.equal(cost.flops, 2 * 8192 + 8 * 8 * 8);
  });

  it('grouped conv divides weights and MAdds by the group count', () => {
    const { cost } = costOf([1, 16, 32, 32], (b, x) => b.add1('Conv', 'c', [x], convAttrs(32, 3, { groups: 4 })), 'c');
    assert.equal(cost.params, 32 * 4 * 9); // 1,152
    assert.equal(cost.madds, 32 * 32 * 32 * 4 * 9); // 1,179,648
  });

  it('depthwise conv: one k×k filter per channel', () => {
    const { cost } = costOf([1, 32, 32, 32], (b, x) => b.add1('Conv', 'dw', [x], convAttrs(32, 3, { groups: 32 })), 'dw');
    assert.equal(cost.params, 32 * 9);
    assert.equal(cost.madds, 32 * 32 * 32 * 9); // 294,912
    assert.equal(cost.macElements, 2 * 32 * 32 * 32 + 288);
  });

  it('stride 2 halves the output and the MAdds scale with it', () => {
    const { cost, graph } = costOf([1, 32, 56, 56], (b, x) => b.add1('Conv', 'c', [x], convAttrs(64, 3, { s: 2 })), 'c');
    assert.deepEqual(graph.shapes.get('c'), [1, 64, 28, 28]);
    assert.equal(cost.madds, 64 * 28 * 28 * 32 * 9);
  });

  it('PConv (FasterNet eqs. 1–5): FLOPs h·w·k²·c_p², memory h·w·2c_p + k²·c_p²', () => {
    const [h, w, c, k] = [56, 56, 64, 3];
    const cp = c / 4; // partial ratio r = 1/4
    const { cost } = costOf(
      [1, c, h, w],
      (b, x) => {
        const [part, rest] = b.add('Split', 'split', [x], { axis: 1, split: [cp, c - cp] });
        const y = b.add1('Conv', 'pconv', [part], convAttrs(cp, k));
        return b.add1('Concat', 'concat', [y, rest], { axis: 1 });
      },
      'pconv',
    );
    assert.equal(cost.madds, h * w * k * k * cp * cp); // 7,225,344
    assert.equal(cost.macElements, h * w * 2 * cp + k * k * cp * cp); // 102,656
    // r = 1/4 gives 1/16 of a regular conv's FLOPs (FasterNet §3.1).
    const { cost: full } = costOf([1, c, h, w], (b, x) => b.add1('Conv', 'conv', [x], convAttrs(c, k)), 'conv');
    assert.equal(full.madds / cost.madds, 16);
  });

  it('ShuffleNetV2 eq. 2: MAC of a 1×1 group conv = hw(c1 + c2) + c1·c2 / g', () => {
    const [h, w, c1, c2, g] = [28, 28, 128, 128, 2];
    const { cost } = costOf([1, c1, h, w], (b, x) => b.add1('Conv', 'gconv', [x], convAttrs(c2, 1, { groups: g })), 'gconv');
    assert.equal(cost.macElements, h * w * (c1 + c2) + (c1 * c2) / g); // 208,896
    const B = cost.madds;
    assert.equal(B, (h * w * c1 * c2) / g);
    // Eq. 2 rewritten: MAC = hw·c1 + B·g/c1 + B/(hw) when c1 = c2.
    assert.equal(cost.macElements, h * w * c1 + (B * g) / c1 + B / (h * w));
  });

  it('ShuffleNetV2 eq. 1: for fixed FLOPs, equal input and output widths minimise MAC', () => {
    const [h, w] = [28, 28];
    const macOf = (c1: number, c2: number) =>
      costOf([1, c1, h, w], (b, x) => b.add1('Conv', 'c', [x], convAttrs(c2, 1)), 'c').cost;
    const balanced = macOf(128, 128);
    const skewed = macOf(64, 256); // same B = hw·c1·c2
    assert.equal(balanced.madds, skewed.madds);
    assert.ok(balanced.macElements < skewed.macElements);
    assert.ok(balanced.macElements >= 2 * Math.sqrt(h * w * balanced.madds) + balanced.madds / (h * w));
  });
});

describe('squeeze-and-excitation', () => {
  it('MobileNetV3-style SE: GAP → 1×1 (bias) → ReLU → 1×1 (bias) → hard-sigmoid → scale', () => {
    const [c, s, hw] = [96, 24, 14];
    const b = new GraphBuilder('se');
    const x = b.input('x', [1, c, hw, hw]);
    const y = b.scope('se', () => {
      let t = b.add1('GlobalAveragePool', 'pool', [x]);
      t = b.add1('Conv', 'fc1', [t], convAttrs(s, 1, { bias: true }));
      t = b.add1('Relu', 'relu', [t]);
      t = b.add1('Conv', 'fc2', [t], convAttrs(c, 1, { bias: true }));
      t = b.add1('HardSigmoid', 'gate', [t], { alpha: 1 / 6, beta: 0.5 });
      return b.add1('Mul', 'scale', [x, t]);
    });
    const graph = b.build([y]);
    assert.deepEqual(graph.shapes.get('se.scale'), [1, c, hw, hw]);
    const { totals } = costGraph(graph);
    assert.equal(totals.params, c * s + s + s * c + c); // 4,728
    assert.equal(totals.madds, 2 * c * s); // 4,608
    const expectedFlops =
      c * hw * hw + // pool: H·W per channel
      (2 * c * s + s) + // fc1 with bias
      s + // relu
      (2 * s * c + c) + // fc2 with bias
      4 * c + // hard-sigmoid
      c * hw * hw; // broadcast multiply
    assert.equal(totals.flops, expectedFlops); // 47,376
  });
});

describe('linear, pooling and elementwise ops', () => {
  it('Gemm: in·out MAdds, weights and bias', () => {
    const { cost } = costOf([1, 1280], (b, x) => b.add1('Gemm', 'fc', [x], { out_features: 1000 }), 'fc');
    assert.equal(cost.params, 1280 * 1000 + 1000);
    assert.equal(cost.madds, 1_280_000);
    assert.equal(cost.flops, 2 * 1_280_000 + 1000);
    assert.equal(cost.macElements, 1280 + 1000 + 1_281_000);
  });

  it('MatMul batches broadcast and count M·K·N', () => {
    const b = new GraphBuilder('mm');
    const q = b.input('q', [1, 4, 49, 32]);
    const k = b.input('k', [1, 4, 32, 49]);
    const graph = b.build([b.add1('MatMul', 'attn', [q, k])]);
    assert.deepEqual(graph.shapes.get('attn'), [1, 4, 49, 49]);
    assert.equal(costGraph(graph).totals.madds, 4 * 49 * 49 * 32);
  });

  it('MaxPool 3×3 s2 p1: k² − 1 comparisons per output', () => {
    const { cost, graph } = costOf(
      [1, 24, 112, 112],
      (b, x) => b.add1('MaxPool', 'pool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
      'pool',
    );
    assert.deepEqual(graph.shapes.get('pool'), [1, 24, 56, 56]);
    assert.equal(cost.flops, 8 * 24 * 56 * 56);
    assert.equal(cost.madds, 0);
    assert.equal(cost.params, 0);
    assert.equal(cost.macElements, 24 * 112 * 112 + 24 * 56 * 56);
  });

  it('ceil_mode pooling rounds the output up, as SqueezeNet needs', () => {
    const pool = (ceil: boolean) =>
      costOf([1, 8, 56, 56], (b, x) => b.add1('MaxPool', 'p', [x], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: ceil }), 'p').graph.shapes.get('p');
    assert.deepEqual(pool(false), [1, 8, 27, 27]);
    assert.deepEqual(pool(true), [1, 8, 28, 28]);
  });

  it('AveragePool and GlobalAveragePool', () => {
    const avg = costOf([1, 8, 4, 4], (b, x) => b.add1('AveragePool', 'p', [x], { kernel_shape: [2, 2] }), 'p').cost;
    assert.equal(avg.flops, 4 * 8 * 2 * 2);
    const gap = costOf([1, 64, 7, 7], (b, x) => b.add1('GlobalAveragePool', 'g', [x]), 'g');
    assert.deepEqual(gap.graph.shapes.get('g'), [1, 64, 1, 1]);
    assert.equal(gap.cost.flops, 64 * 49);
  });

  it('elementwise activations count their stated FLOPs per element', () => {
    const n = 24 * 56 * 56;
    const perElement: [string, Record<string, number>, number][] = [
      ['Relu', {}, 1],
      ['Clip', { min: 0, max: 6 }, 2],
      ['HardSwish', {}, 5],
      ['HardSigmoid', { alpha: 1 / 6, beta: 0.5 }, 4],
      ['Sigmoid', {}, 4],
      ['SiLU', {}, 5],
      ['Gelu', {}, 5],
    ];
    for (const [op, attrs, flops] of perElement) {
      const { cost } = costOf([1, 24, 56, 56], (b, x) => b.add1(op, 'a', [x], attrs), 'a');
      assert.equal(cost.flops, flops * n, op);
      assert.equal(cost.madds, 0, op);
      assert.equal(cost.macElements, 2 * n, op);
    }
  });

  it('Add: one FLOP per output, MAC of both inputs and the output', () => {
    const b = new GraphBuilder('add');
    const x = b.input('x', [1, 24, 56, 56]);
    const y = b.input('y', [1, 24, 56, 56]);
    const graph = b.build([b.add1('Add', 'sum', [x, y])]);
    const { totals } = costGraph(graph);
    assert.equal(totals.flops, 24 * 56 * 56);
    assert.equal(totals.macElements, 3 * 24 * 56 * 56);
  });

  it('BatchNorm: γ and β are parameters; running statistics are read but not counted as params', () => {
    const { cost } = costOf([1, 32, 8, 8], (b, x) => b.add1('BatchNormalization', 'bn', [x]), 'bn');
    assert.equal(cost.params, 64);
    assert.equal(cost.flops, 2 * 32 * 64);
    assert.equal(cost.macElements, 2 * 32 * 64 + 4 * 32);
  });

  it('views move no data; copies (concat, split, shuffle) do', () => {
    const flat = costOf([1, 64, 7, 7], (b, x) => b.add1('Flatten', 'f', [x]), 'f');
    assert.deepEqual(flat.graph.shapes.get('f'), [1, 64 * 49]);
    assert.equal(flat.cost.macElements, 0);
    const shuffle = costOf([1, 116, 28, 28], (b, x) => b.add1('ChannelShuffle', 's', [x], { group: 2 }), 's');
    assert.equal(shuffle.cost.macElements, 2 * 116 * 28 * 28);
    assert.equal(shuffle.cost.flops, 0);
  });

  it('Resize, Softmax, Reshape and Slice shapes', () => {
    assert.deepEqual(
      costOf([1, 8, 7, 7], (b, x) => b.add1('Resize', 'r', [x], { scales: [2, 2], mode: 'linear' }), 'r').graph.shapes.get('r'),
      [1, 8, 14, 14],
    );
    assert.equal(costOf([1, 1000], (b, x) => b.add1('Softmax', 's', [x], { axis: 1 }), 's').cost.flops, 5000);
    assert.deepEqual(costOf([1, 8, 4, 4], (b, x) => b.add1('Reshape', 'r', [x], { shape: [0, 2, 4, -1] }), 'r').graph.shapes.get('r'), [1, 2, 4, 16]);
    assert.deepEqual(costOf([1, 8, 4, 4], (b, x) => b.add1('Slice', 's', [x], { axis: 1, start: 2, end: 6 }), 's').graph.shapes.get('s'), [1, 4, 4, 4]);
  });
});

describe('scopes', () => {
  it('costByScope sums nodes by their first scope levels, in graph order', () => {
    const b = new GraphBuilder('scoped');
    let x = b.input('x', [1, 3, 32, 32]);
    x = b.scope('stem', () => b.add1('Conv', 'conv', [x], convAttrs(8, 3, { s: 2 })));
    x = b.scope('stage1', () => b.scope('block1', () => b.add1('Relu', 'relu', [b.add1('Conv', 'conv', [x], convAttrs(8, 3))])));
    const graph = b.build([x]);
    assert.deepEqual(graph.nodes.map((n) => n.name), ['stem.conv', 'stage1.block1.conv', 'stage1.block1.relu']);
    const { nodes, totals } = costGraph(graph);
    const stages = costByScope(nodes, 1);
    assert.deepEqual(stages.map((s) => [s.scope, s.nodeCount]), [['stem', 1], ['stage1', 2]]);
    assert.equal(stages[0].params + stages[1].params, totals.params);
    assert.equal(stages[1].madds, 8 * 16 * 16 * 8 * 9);
    assert.deepEqual(costByScope(nodes, 2).map((s) => s.scope), ['stem', 'stage1.block1']);
  });
});
