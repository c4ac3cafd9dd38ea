import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { buildModel, summarizeModel } from '../../../src/zoo';

const x1 = summarizeModel('pplcnet_x1_0').totals;
const ops = (id: string, op: string, knobs = {}) => buildModel(id, { knobs }).nodes.filter((n) => n.op === op);

describe('zoo: PP-LCNet', () => {
  it('SE sits between the depthwise and pointwise convs of blocks 12 and 13 by default', () => {
    const muls = ops('pplcnet_x1_0', 'Mul').map((n) => n.name);
    assert.deepEqual(muls, ['stage5.block12.se.scale', 'stage5.block13.se.scale']);
    const block13 = buildModel('pplcnet_x1_0').nodes.filter((n) => n.scope.join('.').startsWith('stage5.block13') && n.op === 'Conv');
    assert.deepEqual(block13.map((n) => [n.name, n.attrs.out_channels]), [
      ['stage5.block13.dw.conv', 512],
      ['stage5.block13.se.reduce', 128],
      ['stage5.block13.se.expand', 512],
      ['stage5.block13.pw.conv', 512],
    ]);
  });

  it('se_blocks []: removes c→c/4→c (with biases) from blocks 12 (c 256) and 13 (c 512)', () => {
    const se = (c: number) => 2 * c * (c / 4) + c / 4 + c;
    const none = summarizeModel('pplcnet_x1_0', { knobs: { se_blocks: [] } }).totals;
    assert.equal(none.params, x1.params - se(256) - se(512));
    assert.equal(none.madds, x1.madds - 2 * 256 * 64 - 2 * 512 * 128);
    assert.equal(ops('pplcnet_x1_0', 'Mul', { se_blocks: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] }).length, 13);
  });

  it('k5_blocks []: 3×3 instead of 5×5 depthwise in blocks 7–13 saves 16 weights per channel', () => {
    const small = summarizeModel('pplcnet_x1_0', { knobs: { k5_blocks: [] } }).totals;
    // Blocks 7–11 and 12 see 256 channels, block 13 512; outputs 14×14 (7–11) and 7×7 (12, 13).
    assert.equal(small.params, x1.params - 16 * (6 * 256 + 512));
    assert.equal(small.madds, x1.madds - 16 * (5 * 256 * 14 * 14 + 256 * 7 * 7 + 512 * 7 * 7));
    assert.equal(small.params, 2919752); // PyTorch NET_CONFIG port with every kernel 3×3
  });

  it('last_conv false: GAP feeds the classifier directly (no 512→1280 conv, FC 512→1000)', () => {
    const bare = summarizeModel('pplcnet_x1_0', { knobs: { last_conv: false } }).totals;
    assert.equal(bare.params, x1.params - 512 * 1280 - (1280 - 512) * 1000);
    assert.equal(bare.madds, x1.madds - 512 * 1280 - (1280 - 512) * 1000);
  });

  it('act relu replaces every hardswish (stem, 26 block convs, head) and leaves the counts alone', () => {
    assert.equal(ops('pplcnet_x1_0', 'HardSwish').length, 28);
    assert.equal(ops('pplcnet_x1_0', 'HardSwish', { act: 'relu' }).length, 0);
    assert.equal(ops('pplcnet_x1_0', 'Relu', { act: 'relu' }).length, 28 + 2); // + the two SE ReLUs
    const relu = summarizeModel('pplcnet_x1_0', { knobs: { act: 'relu' } }).totals;
    assert.deepEqual([relu.params, relu.madds], [x1.params, x1.madds]);
  });

  it('a block index outside 1–13 is an error naming the knob', () => {
    assert.throws(() => buildModel('pplcnet_x1_0', { knobs: { se_blocks: [14] } }), /pplcnet_x1_0: knob 'se_blocks' must be a list of integers from 1 to 13/);
    assert.throws(() => buildModel('pplcnet_x1_0', { knobs: { k5_blocks: [0] } }), /knob 'k5_blocks'/);
  });

  it('width rounds make_divisible(c · width, 8): x1.0 at width 0.5 is x0.5, and 0.35 gives 8/16/24/48/88/176', () => {
    assert.deepEqual(summarizeModel('pplcnet_x1_0', { width: 0.5 }).totals, summarizeModel('pplcnet_x0_5').totals);
    const pw = ops('pplcnet_x0_35', 'Conv').filter((n) => n.name.endsWith('pw.conv')).map((n) => n.attrs.out_channels);
    assert.deepEqual([...new Set(pw)], [16, 24, 48, 88, 176]);
    assert.equal(ops('pplcnet_x0_35', 'Conv')[0].attrs.out_channels, 8);
  });

  it('published Xeon latency carries its settings (10 threads, MKLDNN)', () => {
    const [xeon] = summarizeModel('pplcnet_x1_0').published.filter((p) => p.metric === 'latency_ms');
    assert.equal(xeon.value, 2.46);
    assert.match(xeon.settings ?? '', /Xeon Gold 6148, 10 threads, batch 1/);
  });
});
