/** Attribution of runtime node times to IR layers: raw and profiler-corrected times add up alike. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { attributeProfile } from '../../../src/core/attribution';
import { GraphBuilder } from '../../../src/core/ir';

function tiny() {
  const b = new GraphBuilder('tiny');
  const x = b.input('x', [1, 3, 8, 8]);
  const conv = (name: string, input: typeof x) =>
    b.add1('Conv', name, [input], { out_channels: 4, kernel_shape: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1, bias: false });
  const c1 = conv('c1', x);
  const bn = b.add1('BatchNormalization', 'bn', [c1]);
  const relu = b.add1('Relu', 'relu', [bn]);
  return b.build([conv('c2', relu)]);
}

describe('attribution', () => {
  const graph = tiny();

  it('sums raw and corrected times over the runtime nodes of a fused layer', () => {
    const a = attributeProfile(graph, [
      { name: 'c1', opType: 'FusedConv', medianUs: 30, correctedUs: 27, inputs: ['x'], outputs: ['relu'] },
      { name: 'c2', opType: 'Conv', medianUs: 10, correctedUs: 7, inputs: ['relu'], outputs: ['c2'] },
    ]);
    assert.deepEqual(a.layers.map((l) => l.nodes), [['c1', 'bn', 'relu'], ['c2']]);
    assert.deepEqual(a.layers.map((l) => [l.medianUs, l.correctedUs, l.fused]), [[30, 27, true], [10, 7, false]]);
    assert.equal(a.attributedUs, 40);
    assert.deepEqual(a.uncovered, []);
  });

  it('leaves a layer without a corrected time when one of its runtime nodes has none', () => {
    const a = attributeProfile(graph, [
      { name: 'c1', opType: 'FusedConv', medianUs: 30, inputs: ['x'], outputs: ['relu'] },
      { name: 'c2', opType: 'Conv', medianUs: 10, correctedUs: 7, inputs: ['relu'], outputs: ['c2'] },
    ]);
    assert.equal(a.layers[0].correctedUs, undefined);
    assert.equal(a.layers[1].correctedUs, 7);
  });

  it('gives a HardSwish an NCHWc conv absorbed to that conv, not to the conv that reads its output', () => {
    // onnxruntime names the blocked-layout conv after the tensor before the activation (`bn`) and
    // writes a layout temporary; only its `activation` attribute says it applied the HardSwish.
    const b = new GraphBuilder('hs');
    const x = b.input('x', [1, 3, 8, 8]);
    const conv = (name: string, input: typeof x) =>
      b.add1('Conv', name, [input], { out_channels: 4, kernel_shape: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1, bias: false });
    const hs = b.add1('HardSwish', 'hs', [b.add1('BatchNormalization', 'bn', [conv('c1', x)])]);
    const g = b.build([conv('c2', hs)]);
    const a = attributeProfile(g, [
      { name: 'bn_nchwc', opType: 'Conv', medianUs: 30, inputs: ['x'], outputs: ['reorder_token_1'], activation: 'HardSwish' },
      { name: 'c2_nchwc', opType: 'Conv', medianUs: 10, inputs: ['reorder_token_1'], outputs: ['reorder_token_2'] },
    ]);
    assert.deepEqual(a.layers.map((l) => l.nodes), [['c1', 'bn', 'hs'], ['c2']]);
    assert.deepEqual(a.uncovered, []);
  });
});
