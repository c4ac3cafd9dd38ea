import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { buildModel, summarizeModel } from '../../../src/zoo';

describe('zoo: MobileNetV1', () => {
  it('the width option rounds channels down like Keras (int(c · alpha)), without multiples of 8', () => {
    const graph = buildModel('mobilenet_v1_x1_0', { width: 0.3 });
    const stem = graph.nodes.find((n) => n.name === 'stem.conv');
    assert.equal(stem?.attrs.out_channels, 9); // int(32 · 0.3)
    const last = graph.nodes.find((n) => n.name === 'stage5.block13.pw.conv');
    assert.equal(last?.attrs.out_channels, 307); // int(1024 · 0.3)
  });

  it('a width option equal to another variant gives that variant', () => {
    assert.deepEqual(summarizeModel('mobilenet_v1_x1_0', { width: 0.25 }).totals, summarizeModel('mobilenet_v1_x0_25').totals);
  });

  it('a width that leaves a layer without channels is an error naming the width', () => {
    assert.throws(() => buildModel('mobilenet_v1_x1_0', { width: 0.01 }), /mobilenet_v1_x1_0 cannot be built with width 0\.01/);
  });

  it('published figures come from the paper and the TF-slim table, each with its source', () => {
    const { published } = summarizeModel('mobilenet_v1_x0_5');
    assert.deepEqual(
      published.filter((p) => p.metric === 'top1').map((p) => [p.value, p.source.split(' ')[0]]),
      [
        [63.7, 'arXiv:1704.04861'],
        [63.3, 'tensorflow/models'],
      ],
    );
  });
});
