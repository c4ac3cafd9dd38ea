import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { GraphBuilder } from '../../../src/core/ir';
import { costGraph } from '../../../src/core/cost';
import { buildModel, summarizeModel } from '../../../src/zoo';
import { shuffleV2Unit } from '../../../src/zoo/shufflenet_v2';

function unit(channels: number, out: number, stride: 1 | 2, size: number) {
  const b = new GraphBuilder('unit');
  const x = b.input('x', [1, channels, size, size]);
  const graph = b.build([shuffleV2Unit(b, x, { out, stride }, 'u')]);
  return { graph, totals: costGraph(graph).totals };
}

describe('zoo: ShuffleNetV2', () => {
  it('a stride-1 unit convolves half the channels: 1×1 → 3×3 depthwise → 1×1 on 58 of 116 at 28×28', () => {
    const { graph, totals } = unit(116, 116, 1, 28);
    const c = 58;
    assert.equal(totals.params, c * c + 2 * c + c * 9 + 2 * c + c * c + 2 * c);
    assert.equal(totals.madds, 28 * 28 * (c * c + c * 9 + c * c));
    assert.deepEqual(graph.shapes.get(graph.outputs[0]), [1, 116, 28, 28]);
    assert.equal(graph.nodes.find((n) => n.op === 'ChannelShuffle')?.attrs.group, 2);
  });

  it('a stride-2 unit has two branches that each output half the channels (branch2 starts at full resolution)', () => {
    const { graph, totals } = unit(24, 116, 2, 56);
    const half = 58;
    const branch1 = { params: 24 * 9 + 2 * 24 + 24 * half + 2 * half, madds: 28 * 28 * (24 * 9 + 24 * half) };
    const branch2 = { params: 24 * half + 2 * half + half * 9 + 2 * half + half * half + 2 * half, madds: 56 * 56 * 24 * half + 28 * 28 * (half * 9 + half * half) };
    assert.equal(totals.params, branch1.params + branch2.params);
    assert.equal(totals.madds, branch1.madds + branch2.madds);
    assert.deepEqual(graph.shapes.get(graph.outputs[0]), [1, 116, 28, 28]);
  });

  it('a width option equal to another variant gives that variant', () => {
    assert.deepEqual(summarizeModel('shufflenet_v2_x1_0', { width: 1.5 }).totals, summarizeModel('shufflenet_v2_x1_5').totals);
  });

  it('a width without a channel table is refused, listing the supported widths', () => {
    assert.throws(
      () => buildModel('shufflenet_v2_x1_0', { width: 0.75 }),
      /shufflenet_v2_x1_0: width 0\.75 is not available: ShuffleNetV2 defines its channels only for widths 0\.5, 1\.0, 1\.5, 2\.0/,
    );
  });

  it('resolution and class count reach the last feature map and the FC', () => {
    const summary = summarizeModel('shufflenet_v2_x0_5', { resolution: 160, numClasses: 10 });
    assert.deepEqual(summary.layers.find((l) => l.name === 'head.conv5.conv')?.output, [1, 1024, 5, 5]);
    assert.equal(summary.layers.find((l) => l.name === 'classifier.fc')?.params, 1024 * 10 + 10);
  });

  it('published figures: Table 5 counts, Table 8 top-1 from its error, ARM latency from images/s', () => {
    const { published } = summarizeModel('shufflenet_v2_x1_0');
    assert.deepEqual(
      published.map((p) => [p.metric, p.value]),
      [
        ['params', 2.3e6],
        ['madds', 146e6],
        ['top1', 69.4],
        ['latency_ms', 40.98],
      ],
    );
    assert.match(published[3].settings ?? '', /Snapdragon 810.*1 thread.*batch 1/);
  });
});
