import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { buildModel, summarizeModel } from '../../../src/zoo';

function within(id: string, prefix: string, request = {}) {
  const layers = summarizeModel(id, request).layers.filter((l) => l.name.startsWith(prefix));
  return { params: layers.reduce((a, l) => a + l.params, 0), madds: layers.reduce((a, l) => a + l.madds, 0) };
}

function node(id: string, name: string, request = {}) {
  const graph = buildModel(id, request);
  const found = graph.nodes.find((n) => n.name === name);
  assert.ok(found, `no node ${name}`);
  return { node: found, shape: graph.shapes.get(found.outputs[0]) };
}

describe('zoo: SqueezeNet', () => {
  it('a Fire module costs what its three biased convs cost (fire2 of 1.0: 96 → 16 → 64 + 64 at 54×54)', () => {
    const squeeze = 96 * 16 + 16;
    const expand1x1 = 16 * 64 + 64;
    const expand3x3 = 16 * 64 * 9 + 64;
    const cost = within('squeezenet1_0', 'stage1.block1.');
    assert.equal(cost.params, squeeze + expand1x1 + expand3x3);
    assert.equal(cost.madds, 54 * 54 * (96 * 16 + 16 * 64 + 16 * 64 * 9));
    assert.deepEqual(node('squeezenet1_0', 'stage1.block1.concat').shape, [1, 128, 54, 54]);
  });

  it('max pools round up (ceil mode): 54 → 27 → 13 in 1.0, 111 → 55 → 27 → 13 in 1.1', () => {
    assert.deepEqual(node('squeezenet1_0', 'stage2.maxpool').shape, [1, 256, 27, 27]);
    assert.deepEqual(node('squeezenet1_0', 'stage3.maxpool').shape, [1, 512, 13, 13]);
    assert.deepEqual(node('squeezenet1_1', 'stem.maxpool').shape, [1, 64, 55, 55]);
    assert.deepEqual(node('squeezenet1_1', 'stage3.maxpool').shape, [1, 256, 13, 13]);
  });

  it('the classifier is a 1×1 conv to the classes, then ReLU and a global pool', () => {
    const ten = within('squeezenet1_1', 'classifier.', { numClasses: 10 });
    assert.equal(ten.params, 512 * 10 + 10);
    assert.equal(ten.madds, 13 * 13 * 512 * 10);
    assert.deepEqual(summarizeModel('squeezenet1_1', { numClasses: 10 }).output, [1, 10]);
  });

  it('width scales every stem and Fire channel count, rounded, but not the class count', () => {
    assert.equal(node('squeezenet1_0', 'stem.conv1', { width: 0.5 }).node.attrs.out_channels, 48);
    assert.equal(node('squeezenet1_0', 'stage1.block1.squeeze', { width: 0.5 }).node.attrs.out_channels, 8);
    assert.equal(node('squeezenet1_0', 'stage3.block8.expand3x3', { width: 0.3 }).node.attrs.out_channels, 77); // round(256 · 0.3)
    assert.equal(node('squeezenet1_0', 'classifier.conv10', { width: 0.5 }).node.attrs.out_channels, 1000);
    assert.equal(node('squeezenet1_0', 'stage1.block1.squeeze', { width: 0.01 }).node.attrs.out_channels, 1);
  });

  it('published figures come from torchvision and ShuffleNet v1, each with its source', () => {
    const { published } = summarizeModel('squeezenet1_0');
    assert.deepEqual(
      published.filter((p) => p.metric === 'top1').map((p) => [p.value, p.source.split(' ')[0]]),
      [
        [58.092, 'torchvision'],
        [57.5, 'arXiv:1707.01083'],
      ],
    );
    assert.deepEqual(summarizeModel('squeezenet1_0', { width: 0.5 }).published, []);
  });
});
