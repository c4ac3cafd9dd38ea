/**
 * GhostNetV2: DFC attention against hand counts, and the `dfc` knob (off = GhostNetV1 blocks at
 * V2's widths, which the official code confirms: ghostnet_v2.py --no-dfc gives GhostNet's counts).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { costGraph } from '../../../src/core/cost';
import { GraphBuilder } from '../../../src/core/ir';
import { buildModel, findModel, summarizeModel } from '../../../src/zoo';
import { dfcAttention } from '../../../src/zoo/ghostnet_v2';

function totals(id: string, request: Parameters<typeof summarizeModel>[1] = {}) {
  const { params, madds } = summarizeModel(id, request).totals;
  return { params, madds };
}

describe('DFC attention', () => {
  it('pool 2×2 → 1×1 conv → 1×5 and 5×1 depthwise convs at half resolution, upsampled back', () => {
    const b = new GraphBuilder('m');
    const x = b.input('x', [1, 24, 56, 56]);
    const graph = b.build([dfcAttention(b, x, { out: 72 })]);
    const { totals: t } = costGraph(graph);
    // 24→72 1×1 (1728) + two depthwise 5-tap convs (2 × 360) + three BNs (3 × 144)
    assert.equal(t.params, 1728 + 2 * 360 + 3 * 144);
    assert.equal(t.madds, 28 * 28 * (72 * 24 + 2 * 72 * 5));
    const convs = graph.nodes.filter((n) => n.op === 'Conv').map((n) => [n.name, n.attrs.kernel_shape, n.attrs.pads]);
    assert.deepEqual(convs, [
      ['dfc.pw.conv', [1, 1], [0, 0, 0, 0]],
      ['dfc.horizontal.conv', [1, 5], [0, 2, 0, 2]],
      ['dfc.vertical.conv', [5, 1], [2, 0, 2, 0]],
    ]);
    assert.deepEqual(graph.shapes.get(graph.outputs[0]), [1, 72, 56, 56]);
  });

  it('an odd map (7×7) pools to 3×3 and is upsampled to 7×7 again', () => {
    const b = new GraphBuilder('m');
    const x = b.input('x', [1, 160, 7, 7]);
    const graph = b.build([dfcAttention(b, x, { out: 960 })]);
    assert.deepEqual(graph.shapes.get('dfc.pool'), [1, 160, 3, 3]);
    assert.deepEqual(graph.shapes.get(graph.outputs[0]), [1, 960, 7, 7]);
  });
});

describe('GhostNetV2 dfc knob', () => {
  it('DFC sits in ghost1 of bottlenecks 3–16, not 1–2 (the reference: layer_id > 1)', () => {
    const graph = buildModel('ghostnet_v2_x1_0');
    const blocks = [...new Set(graph.nodes.filter((n) => n.scope.includes('dfc')).map((n) => n.scope.slice(0, 3).join('.')))];
    assert.equal(blocks.length, 14);
    assert.equal(blocks[0], 'stage2.block3.ghost1');
    assert.equal(blocks[13], 'stage5.block16.ghost1');
  });

  it('dfc false gives GhostNetV1 exactly; the difference is Σ mid·(in + 16) over the DFC branches', () => {
    const off = totals('ghostnet_v2_x1_0', { knobs: { dfc: false } });
    assert.deepEqual(off, totals('ghostnet_x1_0'));
    const on = totals('ghostnet_v2_x1_0');
    // [in, mid] of bottlenecks 3–16 at width 1.0: 1×1 conv in·mid, two 5-tap depthwise 10·mid, three BNs 6·mid
    const branches = [
      [24, 72], [24, 72], [40, 120], [40, 240], [80, 200], [80, 184], [80, 184], [80, 480],
      [112, 672], [112, 672], [160, 960], [160, 960], [160, 960], [160, 960],
    ];
    assert.equal(on.params - off.params, branches.reduce((sum, [cin, mid]) => sum + mid * (cin + 16), 0));
    assert.equal(on.params - off.params, 974_400);
    assert.deepEqual(totals('ghostnet_v2_x1_3', { knobs: { dfc: false } }), totals('ghostnet_x1_3'));
  });

  it('a non-boolean dfc is rejected, naming the knob', () => {
    assert.throws(() => buildModel('ghostnet_v2_x1_0', { knobs: { dfc: 1 } }), /ghostnet_v2_x1_0: knob 'dfc' must be true or false/);
  });

  it('published figures are attached only at the published configuration', () => {
    assert.ok(summarizeModel('ghostnet_v2_x1_0').published.some((p) => p.metric === 'top1' && p.value === 75.3));
    assert.deepEqual(summarizeModel('ghostnet_v2_x1_0', { knobs: { dfc: false } }).published, []);
    assert.equal(findModel('ghostnet_v2_x1_6')?.width, 1.6);
  });
});

describe('GhostNetV2 width and resolution', () => {
  it('width and resolution follow the official code (1.1 at 193×193, 0.6 at 320×320)', () => {
    assert.deepEqual(totals('ghostnet_v2_x1_0', { width: 1.1, resolution: 193 }), { params: 7_024_882, madds: 171_692_814 });
    assert.deepEqual(totals('ghostnet_v2_x1_0', { width: 0.6, resolution: 320 }), { params: 3_381_578, madds: 143_521_664 });
  });

  it('a resolution too small for the 2×2 pool on the last stage is an error naming the node', () => {
    assert.throws(() => buildModel('ghostnet_v2_x1_0', { resolution: 32 }), /stage5\.block13\.ghost1\.dfc\.pool/);
  });
});
