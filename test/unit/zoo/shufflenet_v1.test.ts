import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { costGraph } from '../../../src/core/cost';
import { GraphBuilder } from '../../../src/core/ir';
import { buildModel, summarizeModel } from '../../../src/zoo';
import { GROUPS, shuffleV1Channels, shuffleV1Unit, ShuffleV1UnitOptions } from '../../../src/zoo/shufflenet_v1';

function unit(channels: number, size: number, o: ShuffleV1UnitOptions) {
  const b = new GraphBuilder('unit');
  const x = b.input('x', [1, channels, size, size]);
  const graph = b.build([shuffleV1Unit(b, x, o, 'u')]);
  return { graph, totals: costGraph(graph).totals };
}

describe('zoo: ShuffleNet v1', () => {
  it('the channel rule gives paper Table 1 at 1× and every table of Megvii\'s code', () => {
    const at1x = GROUPS.map((g) => shuffleV1Channels(g, 1.0));
    assert.deepEqual(at1x.map((c) => c.stem), [24, 24, 24, 24, 24]);
    assert.deepEqual(at1x.map((c) => c.stages[0]), [144, 200, 240, 272, 384]);
    // network.py: stage_out_channels[1:] per (group, model_size).
    const megvii: [number, number, number[]][] = [
      [3, 0.5, [12, 120, 240, 480]],
      [3, 1.0, [24, 240, 480, 960]],
      [3, 1.5, [24, 360, 720, 1440]],
      [3, 2.0, [48, 480, 960, 1920]],
      [8, 0.5, [16, 192, 384, 768]],
      [8, 1.0, [24, 384, 768, 1536]],
      [8, 1.5, [24, 576, 1152, 2304]],
      [8, 2.0, [48, 768, 1536, 3072]],
    ];
    for (const [g, w, expected] of megvii) {
      const c = shuffleV1Channels(g, w);
      assert.deepEqual([c.stem, ...c.stages], expected, `g${g} ${w}×`);
    }
  });

  it('a stride-1 unit: grouped 1×1 → 3×3 depthwise → grouped 1×1 on a quarter-width bottleneck, added to its input', () => {
    const { graph, totals } = unit(240, 28, { out: 240, groups: 3, stride: 1 });
    const mid = 60;
    const convs = (240 * mid) / 3 + mid * 9 + (mid * 240) / 3;
    assert.equal(totals.params, convs + 2 * (mid + mid + 240));
    assert.equal(totals.madds, 28 * 28 * convs);
    assert.deepEqual(graph.nodes.filter((n) => n.op !== 'BatchNormalization').map((n) => n.name), [
      'u.gconv1.conv',
      'u.gconv1.relu',
      'u.dw.conv',
      'u.shuffle',
      'u.gconv2.conv',
      'u.add',
      'u.relu',
    ]);
    assert.equal(graph.nodes.find((n) => n.op === 'ChannelShuffle')?.attrs.group, 3);
  });

  it('a stride-2 unit outputs out − in channels on its main branch, concatenated after a 3×3/2 average pool', () => {
    const { graph, totals } = unit(240, 28, { out: 480, groups: 3, stride: 2 });
    const mid = 120;
    assert.equal(graph.nodes.find((n) => n.name === 'u.gconv2.conv')?.attrs.out_channels, 240);
    assert.deepEqual(graph.shapes.get('u.shortcut'), [1, 240, 14, 14]);
    assert.deepEqual(graph.shapes.get(graph.outputs[0]), [1, 480, 14, 14]);
    assert.equal(totals.madds, 28 * 28 * ((240 * mid) / 3) + 14 * 14 * (mid * 9 + (mid * 240) / 3));
  });

  it('only the first unit of Stage2 leaves its first 1×1 ungrouped; g = 1 has no shuffle', () => {
    const graph = buildModel('shufflenet_v1_g8_x1_0');
    const group = (name: string) => graph.nodes.find((n) => n.name === name)?.attrs.group;
    assert.equal(group('stage2.block1.gconv1.conv'), 1);
    assert.equal(group('stage2.block1.gconv2.conv'), 8);
    assert.equal(group('stage2.block2.gconv1.conv'), 8);
    assert.equal(group('stage3.block5.gconv1.conv'), 8);
    assert.equal(buildModel('shufflenet_v1_g1_x1_0').nodes.filter((n) => n.op === 'ChannelShuffle').length, 0);
    assert.equal(graph.nodes.filter((n) => n.op === 'ChannelShuffle').length, 16);
  });

  it('the FC has no bias, as in Megvii\'s code', () => {
    const fc = summarizeModel('shufflenet_v1_g3_x1_0', { numClasses: 10 }).layers.find((l) => l.name === 'classifier.fc');
    assert.equal(fc?.params, 960 * 10);
  });

  it('a width option equal to another variant gives that variant', () => {
    assert.deepEqual(summarizeModel('shufflenet_v1_g3_x1_0', { width: 0.5 }).totals, summarizeModel('shufflenet_v1_g3_x0_5').totals);
  });

  it('any width builds for every group: channels are rounded so every group splits evenly', () => {
    for (const g of GROUPS) {
      for (const width of [0.1, 0.3, 0.33, 0.6, 0.77, 1.25, 3]) {
        const { stem, stages } = shuffleV1Channels(g, width);
        assert.equal(stem % g, 0, `g${g} ${width}: stem ${stem}`);
        for (const c of stages) assert.equal((c / 4) % g, 0, `g${g} ${width}: stage ${c}`);
        assert.doesNotThrow(() => buildModel(`shufflenet_v1_g${g}_x1_0`, { width }), `g${g} width ${width}`);
      }
    }
    assert.deepEqual(shuffleV1Channels(2, 0.5), { stem: 12, stages: [104, 208, 416] }); // 100 → nearest multiple of 8, ties up
    assert.deepEqual(shuffleV1Channels(4, 0.25), { stem: 8, stages: [64, 128, 256] }); // 68 → 64; stem 6 → 8
  });

  it('a unit whose channels do not split into its groups is an error naming the layer and the group', () => {
    assert.throws(() => unit(240, 28, { out: 250, groups: 3, stride: 1 }), /u\.gconv1\.conv.*not divisible by group 3/);
  });

  it('published figures: paper Table 2 and Megvii README errors as top-1, Table 8 latency with its settings', () => {
    const { published } = summarizeModel('shufflenet_v1_g3_x1_0');
    assert.deepEqual(
      published.filter((p) => p.metric === 'top1').map((p) => [p.value, p.source.split(' ')[0]]),
      [
        [67.4, 'arXiv:1707.01083'],
        [67.8, 'megvii-model/ShuffleNet-Series'],
      ],
    );
    const latency = published.filter((p) => p.metric === 'latency_ms');
    assert.deepEqual(latency.map((p) => p.value), [37.8, 45.87]);
    assert.match(latency[0].settings ?? '', /Snapdragon 820, single thread/);
    assert.deepEqual(summarizeModel('shufflenet_v1_g2_x1_5').published, []);
  });
});
