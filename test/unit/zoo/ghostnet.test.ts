/**
 * GhostNet: the Ghost module against hand counts, and the `ratio` (s) and `dw_kernel` (d) knobs
 * against hand-derived deltas and against the official code run with the same s and d
 * (test/golden/reference/ghostnet.py --ratio S --dw-kernel D).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { costGraph } from '../../../src/core/cost';
import { GraphBuilder } from '../../../src/core/ir';
import { buildModel, findModel, summarizeModel } from '../../../src/zoo';
import { ghostModule } from '../../../src/zoo/ghostnet';

function ghostModuleGraph(out: number, ratio: number, dwKernel: number) {
  const b = new GraphBuilder('m');
  const x = b.input('x', [1, 16, 56, 56]);
  return b.build([ghostModule(b, x, { out, ratio, dwKernel }, 'ghost')]);
}

function totals(id: string, knobs: Record<string, number> = {}) {
  const { params, madds } = summarizeModel(id, { knobs }).totals;
  return { params, madds };
}

describe('Ghost module', () => {
  it('s = 2, d = 3: half the maps from a 1×1 conv, half from a 3×3 depthwise conv', () => {
    const graph = ghostModuleGraph(16, 2, 3);
    const { totals: t } = costGraph(graph);
    // primary 16→8 1×1 (128) + BN (16); cheap 8 depthwise 3×3 (72) + BN (16)
    assert.equal(t.params, 128 + 16 + 72 + 16);
    assert.equal(t.madds, 56 * 56 * (8 * 16 + 8 * 9));
    assert.deepEqual(graph.shapes.get(graph.outputs[0]), [1, 16, 56, 56]);
    assert.ok(!graph.nodes.some((n) => n.op === 'Slice'), 'nothing to cut: no slice');
  });

  it('s = 3 on 20 maps: ⌈20/3⌉ = 7 intrinsic, 14 ghosts, 21 sliced to 20', () => {
    const graph = ghostModuleGraph(20, 3, 3);
    const { totals: t } = costGraph(graph);
    assert.equal(t.params, 7 * 16 + 2 * 7 + 14 * 9 + 2 * 14);
    assert.equal(t.madds, 56 * 56 * (7 * 16 + 14 * 9));
    const slice = graph.nodes.find((n) => n.op === 'Slice');
    assert.equal(slice?.name, 'ghost.slice');
    assert.deepEqual(graph.shapes.get(graph.outputs[0]), [1, 20, 56, 56]);
  });
});

describe('GhostNet knobs', () => {
  it('defaults are s = 2, d = 3 and give the golden numbers', () => {
    assert.deepEqual(
      findModel('ghostnet_x1_0')?.knobs.map((k) => [k.name, k.default]),
      [['ratio', 2], ['dw_kernel', 3]],
    );
    assert.deepEqual(totals('ghostnet_x1_0'), { params: 5_182_508, madds: 141_150_512 });
  });

  it('ratio: fewer intrinsic maps, fewer params and MAdds, as the official code counts them', () => {
    assert.deepEqual(totals('ghostnet_x1_0', { ratio: 3 }), { params: 4_900_508, madds: 112_595_076 });
    assert.deepEqual(totals('ghostnet_x1_0', { ratio: 4 }), { params: 4_752_644, madds: 96_693_008 });
    assert.deepEqual(totals('ghostnet_x1_0', { ratio: 5 }), { params: 4_667_908, madds: 89_640_144 });
  });

  it('dw_kernel: only the cheap depthwise convs grow, by (d² − 9) weights per ghost map', () => {
    const base = costGraph(buildModel('ghostnet_x1_0'));
    const cheap = base.nodes.filter((n) => /\.ghost[12]\.cheap\.conv$/.test(n.node.name));
    assert.equal(cheap.length, 32);
    const ghostMaps = cheap.reduce((sum, n) => sum + n.outputShapes[0][1], 0);
    const ghostOutputs = cheap.reduce((sum, n) => sum + n.outputShapes[0][1] * n.outputShapes[0][2] * n.outputShapes[0][3], 0);
    const d5 = totals('ghostnet_x1_0', { dw_kernel: 5 });
    assert.equal(d5.params - base.totals.params, ghostMaps * (25 - 9));
    assert.equal(d5.madds - base.totals.madds, ghostOutputs * (25 - 9));
    assert.deepEqual(d5, { params: 5_248_812, madds: 163_177_776 });
    assert.deepEqual(totals('ghostnet_x1_0', { dw_kernel: 1 }), { params: 5_149_356, madds: 130_136_880 });
    assert.deepEqual(totals('ghostnet_x1_0', { dw_kernel: 7 }), { params: 5_348_268, madds: 196_218_672 });
    assert.deepEqual(totals('ghostnet_x1_0', { ratio: 3, dw_kernel: 5 }), { params: 4_989_244, madds: 142_565_828 });
  });

  it('an even dw_kernel cannot keep the maps aligned: the error names the knob', () => {
    assert.throws(() => buildModel('ghostnet_x1_0', { knobs: { dw_kernel: 4 } }), /ghostnet_x1_0: knob 'dw_kernel' must be an odd positive integer.*got 4/);
  });

  it('ratio 1 leaves the cheap operation nothing to make: rejected, naming the knob', () => {
    assert.throws(() => buildModel('ghostnet_x1_0', { knobs: { ratio: 1 } }), /ghostnet_x1_0: knob 'ratio' must be an integer from 2/);
    const model = findModel('ghostnet_x0_5')!;
    const options = { resolution: 224, numClasses: 1000, batch: 1, width: 0.5, knobs: { ratio: 1, dw_kernel: 3 } };
    assert.throws(() => model.build(options), /ghostnet_x0_5: knob 'ratio' must be an integer ≥ 2/);
  });
});

describe('GhostNet width', () => {
  it('no width breaks a grouped conv: block widths round to multiples of 4 and every depthwise group divides', () => {
    for (const width of [0.1, 0.37, 0.75, 1.1, 2.3, 7.77]) {
      const graph = buildModel('ghostnet_x1_0', { width });
      const blockOutputs = graph.nodes.filter((n) => n.op === 'Add').map((n) => graph.shapes.get(n.outputs[0])![1]);
      assert.equal(blockOutputs.length, 16);
      for (const c of blockOutputs) assert.equal(c % 4, 0, `width ${width}: ${c} channels`);
    }
  });

  it('the width option follows the reference rounding (0.75 at 193×193 as the official code counts it)', () => {
    const { params, madds } = summarizeModel('ghostnet_x1_0', { width: 0.75, resolution: 193 }).totals;
    assert.deepEqual({ params, madds }, { params: 3_730_906, madds: 75_219_170 });
  });
});
