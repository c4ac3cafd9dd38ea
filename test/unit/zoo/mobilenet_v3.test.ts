import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { summarize } from '../../../src/core/summary';
import { buildModel, summarizeModel } from '../../../src/zoo';
import { KnobValue } from '../../../src/zoo/familyTypes';
import { mobilenetV3 } from '../../../src/zoo/mobilenet_v3';

function model(id: string, knobs: Record<string, KnobValue> = {}) {
  const m = mobilenetV3.models.find((v) => v.id === id)!;
  const all = Object.fromEntries(m.knobs.map((k) => [k.name, knobs[k.name] ?? k.default]));
  return m.build({ resolution: 224, numClasses: 1000, batch: 1, width: m.width, knobs: all });
}

/** Params and MAdds of one SE module on `expanded` channels squeezed to `squeeze`. */
const se = (expanded: number, squeeze: number) => ({ params: 2 * expanded * squeeze + squeeze + expanded, madds: 2 * expanded * squeeze });

describe('zoo: MobileNetV3', () => {
  it('SE squeezes to make_divisible(⌊expanded / 4⌋, 8) with a hard-sigmoid gate', () => {
    const graph = model('mobilenet_v3_large_x1_0');
    const reduce = (block: string) => graph.nodes.find((n) => n.name === `${block}.se.reduce`)?.attrs.out_channels;
    assert.equal(reduce('stage3.block4'), 24); // 72 / 4 = 18 → 16 is > 10% under → 24
    assert.equal(reduce('stage3.block5'), 32); // 120 / 4 = 30 → 32
    assert.equal(reduce('stage5.block15'), 240);
    assert.equal(graph.nodes.find((n) => n.name === 'stage3.block4.se.gate')?.op, 'HardSigmoid');
  });

  it('knob se=false removes every SE module: Large 1.0 loses exactly their weights and MAdds', () => {
    const withSe = summarize(model('mobilenet_v3_large_x1_0')).totals;
    const without = summarize(model('mobilenet_v3_large_x1_0', { se: false })).totals;
    // SE on expanded 72, 120 ×2, 480, 672 ×2, 960 ×2 (Table 1).
    const modules = [se(72, 24), se(120, 32), se(120, 32), se(480, 120), se(672, 168), se(672, 168), se(960, 240), se(960, 240)];
    assert.equal(withSe.params - without.params, modules.reduce((sum, m) => sum + m.params, 0));
    assert.equal(withSe.madds - without.madds, modules.reduce((sum, m) => sum + m.madds, 0));
    assert.equal(withSe.params - without.params, 1_512_280);
  });

  it('knob se=false on Small 1.0: nine SE modules (every bneck but the second and third)', () => {
    const graph = model('mobilenet_v3_small_x1_0');
    assert.equal(graph.nodes.filter((n) => n.name.endsWith('.se.scale')).length, 9);
    assert.equal(model('mobilenet_v3_small_x1_0', { se: false }).nodes.filter((n) => n.op === 'Mul').length, 0);
  });

  it('knob act=relu replaces every h-swish with ReLU and leaves the counts and SE gates alone', () => {
    const hswish = model('mobilenet_v3_small_x1_0');
    const relu = model('mobilenet_v3_small_x1_0', { act: 'relu' });
    assert.equal(hswish.nodes.filter((n) => n.op === 'HardSwish').length, 1 + 8 * 2 + 1 + 1); // stem, 8 bnecks × 2, last conv, head FC
    assert.equal(relu.nodes.filter((n) => n.op === 'HardSwish').length, 0);
    assert.equal(relu.nodes.filter((n) => n.op === 'HardSigmoid').length, 9);
    assert.equal(relu.nodes.length, hswish.nodes.length);
    const a = summarize(hswish).totals;
    const b = summarize(relu).totals;
    assert.deepEqual([b.params, b.madds], [a.params, a.madds]);
  });

  it('last conv is 6× the last bneck; the head FC width follows make_divisible(1280 · width, 8)', () => {
    const graph = model('mobilenet_v3_large_x0_75');
    assert.equal(graph.nodes.find((n) => n.name === 'head.conv')?.attrs.out_channels, 6 * 120);
    assert.equal(graph.nodes.find((n) => n.name === 'classifier.fc1')?.attrs.out_features, 960);
  });
});

describe('zoo: MobileNetV3 knobs through the zoo', () => {
  it('an impossible knob value is an error naming the knob', () => {
    assert.throws(() => buildModel('mobilenet_v3_small_x1_0', { knobs: { act: 'gelu' } }), /mobilenet_v3_small_x1_0: knob 'act' must be one of hardswish, relu/);
    assert.throws(() => buildModel('mobilenet_v3_large_x1_0', { knobs: { se: 'no' } }), /mobilenet_v3_large_x1_0: knob 'se' must be true or false/);
  });

  it('published figures are shown only for the network as published', () => {
    assert.ok(summarizeModel('mobilenet_v3_large_x1_0').published.some((p) => p.metric === 'latency_ms' && /Pixel 1/.test(p.settings ?? '')));
    assert.deepEqual(summarizeModel('mobilenet_v3_large_x1_0', { knobs: { se: false } }).published, []);
  });
});
