import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { buildModel, summarizeModel } from '../../../src/zoo';

/** FasterNet-T0: stage channels, blocks per stage and output pixels per stage at 224×224. */
const T0 = { channels: [40, 80, 160, 320], depths: [1, 2, 8, 2], pixels: [56 * 56, 28 * 28, 14 * 14, 7 * 7] };
const t0 = summarizeModel('fasternet_t0').totals;

/** Σ over blocks of f(c) and of f(c)·H·W. */
function overBlocks(f: (c: number) => number): { perBlock: number; perPixel: number } {
  let perBlock = 0;
  let perPixel = 0;
  T0.channels.forEach((c, i) => {
    perBlock += T0.depths[i] * f(c);
    perPixel += T0.depths[i] * f(c) * T0.pixels[i];
  });
  return { perBlock, perPixel };
}

describe('zoo: FasterNet', () => {
  it('a PConv block is Split → 3×3 conv on c·r channels → Concat, then the MLP and the residual Add', () => {
    const graph = buildModel('fasternet_t0');
    const block = graph.nodes.filter((n) => n.scope.join('.').startsWith('stage3.block4'));
    assert.deepEqual(
      block.map((n) => `${n.name}:${n.op}`),
      [
        'stage3.block4.pconv.split:Split',
        'stage3.block4.pconv.conv:Conv',
        'stage3.block4.pconv.concat:Concat',
        'stage3.block4.mlp.expand:Conv',
        'stage3.block4.mlp.bn:BatchNormalization',
        'stage3.block4.mlp.gelu:Gelu',
        'stage3.block4.mlp.project:Conv',
        'stage3.block4.add:Add',
      ],
    );
    assert.deepEqual(block[0].attrs.split, [40, 120]);
    assert.equal(block[1].attrs.out_channels, 40);
    assert.equal(block[3].attrs.out_channels, 320);
  });

  it('ratio: the 3×3 conv sees c·r channels (r 1/2 adds 9·((c/2)² − (c/4)²) per block)', () => {
    const extra = overBlocks((c) => 9 * ((c / 2) ** 2 - (c / 4) ** 2));
    const half = summarizeModel('fasternet_t0', { knobs: { ratio: 0.5 } }).totals;
    assert.equal(half.params, t0.params + extra.perBlock);
    assert.equal(half.madds, t0.madds + extra.perPixel);
    assert.equal(half.params, 4621000); // official FasterNet with n_div 2
  });

  it('ratio 1 convolves every channel, with no Split or Concat', () => {
    const ops = buildModel('fasternet_t0', { knobs: { ratio: 1 } }).nodes.map((n) => n.op);
    assert.ok(!ops.includes('Split') && !ops.includes('Concat'));
  });

  it('a ratio whose c·r is not a whole number is an error naming the knob', () => {
    assert.throws(
      () => buildModel('fasternet_t0', { knobs: { ratio: 0.3333 } }),
      /fasternet_t0: knob 'ratio' 0\.3333 gives c·r = 40 × 0\.3333 = 13\.332 in stage 1 .*must be a positive whole number/,
    );
    assert.throws(() => buildModel('fasternet_t0', { knobs: { ratio: 0 } }), /knob 'ratio'/);
  });

  it('a width that breaks c·r is an error naming the ratio and the width', () => {
    assert.throws(() => buildModel('fasternet_t0', { width: 0.33 }), /knob 'ratio' 0\.25 gives c·r = 13 × 0\.25 = 3\.25 in stage 1 \(13 channels at width 0\.33\)/);
  });

  it('width scales embed_dim as int(embed_dim · width): T1 at 40/64 is T0', () => {
    assert.deepEqual(summarizeModel('fasternet_t1', { width: 40 / 64 }).totals, t0);
  });

  it('act: GELU in T0/T1, ReLU from T2 on, switchable without changing the counts', () => {
    const count = (id: string, op: string, knobs = {}) => buildModel(id, { knobs }).nodes.filter((n) => n.op === op).length;
    assert.equal(count('fasternet_t0', 'Gelu'), 14); // 13 blocks + head
    assert.equal(count('fasternet_t2', 'Relu'), 14);
    assert.equal(count('fasternet_t0', 'Relu', { act: 'relu' }), 14);
    assert.equal(count('fasternet_t0', 'Gelu', { act: 'relu' }), 0);
    assert.deepEqual(
      [summarizeModel('fasternet_t0', { knobs: { act: 'relu' } }).totals.params, summarizeModel('fasternet_t0', { knobs: { act: 'relu' } }).totals.madds],
      [t0.params, t0.madds],
    );
  });

  it('mlp_ratio: 3 instead of 2 adds c hidden channels per block (2c² + 2c params, 2c²·H·W MAdds)', () => {
    const extra = overBlocks((c) => 2 * c * c);
    const bn = overBlocks((c) => 2 * c).perBlock;
    const wide = summarizeModel('fasternet_t0', { knobs: { mlp_ratio: 3 } }).totals;
    assert.equal(wide.params, t0.params + extra.perBlock + bn);
    assert.equal(wide.madds, t0.madds + extra.perPixel);
    assert.equal(wide.params, 4757740); // official FasterNet with mlp_ratio 3
    assert.throws(() => buildModel('fasternet_t0', { knobs: { mlp_ratio: 0.01 } }), /knob 'mlp_ratio'/);
  });

  it('published latency comes with its hardware and threads; L has no ARM figure (out of memory)', () => {
    const latency = (id: string) => summarizeModel(id).published.filter((p) => p.metric === 'latency_ms');
    assert.deepEqual(latency('fasternet_t0').map((p) => p.value), [9.2, 143]);
    assert.ok(latency('fasternet_t0').every((p) => /1 thread, batch 1/.test(p.settings ?? '')));
    assert.deepEqual(latency('fasternet_l').map((p) => p.value), [219.5]);
  });
});
