import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { GraphBuilder } from '../../../src/core/ir';
import { summarize } from '../../../src/core/summary';
import { invertedResidual, InvertedResidualOptions, mobilenetV2 } from '../../../src/zoo/mobilenet_v2';

function block(input: number[], o: InvertedResidualOptions) {
  const b = new GraphBuilder('test');
  const x = b.input('x', input);
  const graph = b.build([invertedResidual(b, x, o, 'block')]);
  return { graph, totals: summarize(graph).totals, ops: graph.nodes.map((n) => n.name) };
}

function model(id: string, width?: number) {
  const m = mobilenetV2.models.find((v) => v.id === id)!;
  return m.build({ resolution: 224, numClasses: 1000, batch: 1, width: width ?? m.width, knobs: {} });
}

describe('zoo: MobileNetV2', () => {
  it('inverted residual, t = 6, stride 1, same width: expand, depthwise, linear projection and shortcut', () => {
    const { totals, ops } = block([1, 24, 56, 56], { out: 24, s: 1, expand: 6 });
    // 1×1 24→144, 3×3 depthwise on 144, 1×1 144→24, and BN γ/β for 144 + 144 + 24 channels.
    assert.equal(totals.params, 24 * 144 + 144 * 9 + 144 * 24 + 2 * (144 + 144 + 24));
    assert.equal(totals.madds, 56 * 56 * (24 * 144 + 144 * 9 + 144 * 24));
    assert.deepEqual(ops, [
      'block.expand.conv', 'block.expand.bn', 'block.expand.relu6',
      'block.dw.conv', 'block.dw.bn', 'block.dw.relu6',
      'block.project.conv', 'block.project.bn', 'block.add',
    ]);
  });

  it('no shortcut at stride 2 or when the width changes; no expansion conv at t = 1', () => {
    assert.ok(!block([1, 24, 56, 56], { out: 24, s: 2, expand: 6 }).ops.includes('block.add'));
    assert.ok(!block([1, 24, 56, 56], { out: 32, s: 1, expand: 6 }).ops.includes('block.add'));
    const t1 = block([1, 32, 112, 112], { out: 16, s: 1, expand: 1 });
    assert.equal(t1.ops[0], 'block.dw.conv');
    assert.equal(t1.totals.madds, 112 * 112 * (32 * 9 + 32 * 16));
  });

  it('expanded width rounds like Python round(), halves to even', () => {
    const conv = (input: number, expand: number) =>
      block([1, input, 8, 8], { out: 8, s: 1, expand }).graph.nodes.find((n) => n.name === 'block.expand.conv')?.attrs.out_channels;
    assert.equal(conv(5, 2.5), 12); // round(12.5) = 12
    assert.equal(conv(7, 2.5), 18); // round(17.5) = 18
  });

  it('width rounds every layer to a multiple of 8 and widens, never narrows, the last conv', () => {
    const outChannels = (id: string, name: string, width?: number) =>
      model(id, width).nodes.find((n) => n.name === name)?.attrs.out_channels;
    assert.equal(outChannels('mobilenet_v2_x0_35', 'stem.conv'), 16); // 32 · 0.35 = 11.2 → 8 is > 10% under → 16
    assert.equal(outChannels('mobilenet_v2_x0_35', 'stage7.block17.project.conv'), 112); // 320 · 0.35
    assert.equal(outChannels('mobilenet_v2_x0_35', 'head.conv'), 1280);
    assert.equal(outChannels('mobilenet_v2_x1_4', 'head.conv'), 1792);
    assert.equal(outChannels('mobilenet_v2_x1_0', 'stage1.block1.project.conv', 1.3), 24); // 16 · 1.3 = 20.8 → 24
  });

  it('seventeen bottlenecks in seven stages, as Table 2', () => {
    const blocks = new Set(model('mobilenet_v2_x1_0').nodes.filter((n) => n.scope[0].startsWith('stage')).map((n) => n.scope.slice(0, 2).join('.')));
    assert.equal(blocks.size, 17);
    assert.ok(blocks.has('stage7.block17'));
  });
});
