import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { buildModel, summarizeModel } from '../../../src/zoo';

/** StarNet-S1: stage channels, blocks per stage and output pixels per stage at 224×224. */
const S1 = { channels: [24, 48, 96, 192], depths: [2, 2, 8, 3], pixels: [56 * 56, 28 * 28, 14 * 14, 7 * 7] };
const s1 = summarizeModel('starnet_s1').totals;

/** Σ over blocks of f(c) and of f(c)·H·W. */
function overBlocks(f: (c: number) => number): { perBlock: number; perPixel: number } {
  let perBlock = 0;
  let perPixel = 0;
  S1.channels.forEach((c, i) => {
    perBlock += S1.depths[i] * f(c);
    perPixel += S1.depths[i] * f(c) * S1.pixels[i];
  });
  return { perBlock, perPixel };
}

describe('zoo: StarNet', () => {
  it('a Star block is dwconv 7×7 → BN, f1 and f2, ReLU6(f1) * f2, g → BN, dwconv2 7×7, plus the input', () => {
    const graph = buildModel('starnet_s1');
    const block = graph.nodes.filter((n) => n.scope.join('.').startsWith('stage3.block5'));
    assert.deepEqual(
      block.map((n) => `${n.name}:${n.op}`),
      [
        'stage3.block5.dwconv.conv:Conv',
        'stage3.block5.dwconv.bn:BatchNormalization',
        'stage3.block5.f1:Conv',
        'stage3.block5.f2:Conv',
        'stage3.block5.relu6:Clip',
        'stage3.block5.star:Mul',
        'stage3.block5.g.conv:Conv',
        'stage3.block5.g.bn:BatchNormalization',
        'stage3.block5.dwconv2:Conv',
        'stage3.block5.add:Add',
      ],
    );
    assert.deepEqual([block[0].attrs.group, block[0].attrs.kernel_shape], [96, [7, 7]]);
    assert.equal(block[2].attrs.out_channels, 4 * 96);
    // ConvBN keeps nn.Conv2d's default bias, even before a BN.
    assert.ok(block.filter((n) => n.op === 'Conv').every((n) => n.attrs.bias === true));
  });

  it("one block's params by hand: 52c (dwconv + BN) + 2·(c·h + h) (f1, f2) + h·c + 3c (g + BN) + 50c (dwconv2)", () => {
    const layers = summarizeModel('starnet_s050').layers.filter((l) => l.scope.startsWith('stage1.block1'));
    const c = 16;
    const h = 3 * c;
    assert.equal(52 * c + 2 * (c * h + h) + h * c + 3 * c + 50 * c, 4080);
    assert.equal(layers.reduce((sum, l) => sum + l.params, 0), 4080);
    assert.equal(layers.reduce((sum, l) => sum + l.madds, 0), (98 * c + 3 * h * c) * 56 * 56);
  });

  it('stem 3×3/2 to 32 channels → BN → ReLU6; each stage opens with a 3×3/2 conv → BN; head BN → GAP → Linear', () => {
    const ops = (prefix: string) =>
      buildModel('starnet_s1')
        .nodes.filter((n) => n.scope.join('.').startsWith(prefix))
        .map((n) => n.op);
    assert.deepEqual(ops('stem'), ['Conv', 'BatchNormalization', 'Clip']);
    assert.deepEqual(ops('stage2.down'), ['Conv', 'BatchNormalization']);
    assert.deepEqual(ops('head'), ['BatchNormalization']);
    assert.deepEqual(ops('classifier'), ['GlobalAveragePool', 'Flatten', 'Gemm']);
    assert.equal(buildModel('starnet_s1').nodes.filter((n) => n.op === 'Clip').length, 1 + 15);
  });

  it('mlp_ratio: 3 instead of 4 takes c channels off the star (3c² + 2c params, 3c²·H·W MAdds per block)', () => {
    const fewer = overBlocks((c) => 3 * c * c + 2 * c);
    const narrow = summarizeModel('starnet_s1', { knobs: { mlp_ratio: 3 } }).totals;
    assert.equal(narrow.params, s1.params - fewer.perBlock);
    assert.equal(narrow.madds, s1.madds - overBlocks((c) => 3 * c * c).perPixel);
    // timm's and the official starnet_s1 with mlp_ratio 3 (test/golden/reference/starnet.py --mlp-ratio 3).
    assert.deepEqual([narrow.params, narrow.madds], [2295952, 340592256]);
    assert.throws(() => buildModel('starnet_s1', { knobs: { mlp_ratio: 2.5 } }), /knob 'mlp_ratio'/);
  });

  it('published figures: S1–S4 from the official README, none for the very small networks', () => {
    const figures = (id: string) => summarizeModel(id).published.map((p) => [p.metric, p.value]);
    assert.deepEqual(figures('starnet_s1'), [
      ['params', 2.9e6],
      ['madds', 425e6],
      ['top1', 73.6],
    ]);
    assert.deepEqual(figures('starnet_s050'), []);
  });
});
