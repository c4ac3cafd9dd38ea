/**
 * PP-PicoDet v2 (picodet_v2): the LCPAN neck's levels, the head's convs per level, output shapes,
 * the size settings picked by backbone, the README rows' figures, and 'picodet' as the legacy head.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { UserError } from '../../../src/core/errors';
import { Graph } from '../../../src/core/ir';
import { checkCell } from '../../../src/lang/check';
import { summarizeModel } from '../../../src/zoo';
import { buildWithHead, findHead, headAliasNote, summarizeWithHead } from '../../../src/zoo/heads';
import { picodetV2Size, PICODET_V2_SIZES } from '../../../src/zoo/heads/picodet_v2';
import { errorOf } from '../support/helpers';

const LEVELS = ['level0_s8', 'level1_s16', 'level2_s32', 'level3_s64'];

function convsIn(graph: Graph, ...scope: string[]) {
  return graph.nodes.filter((n) => n.op === 'Conv' && scope.every((s, i) => n.scope[i] === s));
}

function shapeOf(graph: Graph, name: string) {
  const node = graph.nodes.find((n) => n.name === name);
  assert.ok(node, name);
  return graph.shapes.get(node.outputs[0]);
}

/** PaddleDetection's README rows: backbone, resolution, params (M), FLOPS (G). */
const README: [string, number, number, number][] = [
  ['pplcnet_x0_35', 320, 0.7, 0.67],
  ['pplcnet_x0_35', 416, 0.7, 1.13],
  ['pplcnet_x0_75', 320, 1.18, 0.97],
  ['pplcnet_x0_75', 416, 1.18, 1.65],
  ['pplcnet_x1_5', 320, 3.46, 2.57],
  ['pplcnet_x1_5', 416, 3.46, 4.34],
  ['pplcnet_x2_0', 320, 5.8, 4.2],
  ['pplcnet_x2_0', 416, 5.8, 7.1],
  ['pplcnet_x2_0', 640, 5.8, 16.81],
];

describe('PP-PicoDet v2 head', () => {
  it('LCPAN: four levels at strides 8 … 64 with the size’s channels; two depthwise-separable blocks per merge', () => {
    const g = buildWithHead({ head: 'picodet_v2', backbone: 'pplcnet_x0_75' }); // PicoDet-S, 416
    assert.deepEqual(shapeOf(g, 'neck.top_down_s8.ds1.pw.hardswish'), [1, 96, 52, 52]);
    assert.deepEqual(shapeOf(g, 'neck.bottom_up_s16.ds1.pw.hardswish'), [1, 96, 26, 26]);
    assert.deepEqual(shapeOf(g, 'neck.bottom_up_s32.ds1.pw.hardswish'), [1, 96, 13, 13]);
    assert.deepEqual(shapeOf(g, 'neck.extra_s64.add'), [1, 96, 7, 7]);
    // Each merge widens to 2C and back: 5×5 depthwise on 2C, 1×1 2C → 2C, 5×5 depthwise, 1×1 2C → C.
    for (const merge of ['top_down_s16', 'top_down_s8', 'bottom_up_s16', 'bottom_up_s32']) {
      const convs = convsIn(g, 'neck', merge).filter((n) => !n.scope.includes('downsample'));
      assert.deepEqual(
        convs.map((n) => [n.attrs.kernel_shape, n.attrs.group, n.attrs.out_channels]),
        [[[5, 5], 192, 192], [[1, 1], 1, 192], [[5, 5], 192, 192], [[1, 1], 1, 96]],
        merge,
      );
    }
    // 3 reduce convs, 4 merges × 4, 2 downsamples × 2, 2 top convs × 2.
    assert.equal(convsIn(g, 'neck').length, 3 + 16 + 4 + 4);
  });

  it('head: per level 2 × convs depthwise/pointwise, SE fc and conv, cls, reg and a two-conv alignment map', () => {
    for (const [backbone, convs, channels] of [['pplcnet_x0_75', 2, 96], ['pplcnet_x2_0', 4, 160]] as const) {
      const g = buildWithHead({ head: 'picodet_v2', backbone, resolution: 320 });
      for (const level of LEVELS) {
        const c = convsIn(g, 'head', level);
        assert.equal(c.length, 2 * convs + 2 + 2 + 2, `${backbone} ${level}`);
        assert.equal(c.filter((n) => n.attrs.group === channels).length, convs);
        const byName = (local: string) => c.find((n) => n.name === `head.${level}.${local}`)!;
        assert.equal(byName('head_cls').attrs.out_channels, 80);
        assert.equal(byName('head_reg').attrs.out_channels, 32);
        assert.deepEqual(byName('cls_align.dw.conv').attrs.kernel_shape, [5, 5]);
        assert.equal(byName('cls_align.dw.conv').attrs.group, 1);
        assert.equal(byName('cls_align.dw.conv').attrs.out_channels, 1);
        assert.equal(byName('se.fc').attrs.bias, true);
      }
    }
  });

  it('outputs: √(score · align) per anchor over four levels and the raw box distributions', () => {
    const anchors = (r: number) => [8, 16, 32, 64].reduce((a, s) => a + Math.ceil(r / s) ** 2, 0);
    for (const r of [320, 416, 640]) {
      const g = buildWithHead({ head: 'picodet_v2', backbone: 'pplcnet_x2_0', resolution: r });
      assert.deepEqual(g.outputs.map((o) => g.shapes.get(o)), [[1, anchors(r), 80], [1, anchors(r), 32]]);
    }
    assert.equal(anchors(416), 3598);
    const g = buildWithHead({ head: 'picodet_v2', backbone: 'pplcnet_x0_35', numClasses: 3, batch: 2, headKnobs: { extra_level: false, reg_max: 15 } });
    assert.deepEqual(g.outputs.map((o) => g.shapes.get(o)), [[2, 3598 - 49, 3], [2, 3598 - 49, 64]]);
    assert.ok(g.nodes.some((n) => n.op === 'Sqrt' && n.scope[1] === 'level0_s8'));
  });

  it('size: auto follows the backbone (XS/S/M/L on pplcnet x0.35/x0.75/x1.5/x2.0, else M); knobs override it', () => {
    assert.equal(picodetV2Size('auto', 'pplcnet_x0_35'), 'xs');
    assert.equal(picodetV2Size('auto', 'pplcnet_x0_75'), 's');
    assert.equal(picodetV2Size('auto', 'pplcnet_x1_5'), 'm');
    assert.equal(picodetV2Size('auto', 'pplcnet_x2_0'), 'l');
    assert.equal(picodetV2Size('auto', 'mobilenet_v3_large_x1_0'), 'm');
    assert.equal(picodetV2Size('s', 'pplcnet_x2_0'), 's');
    const reduce = (g: Graph) => shapeOf(g, 'neck.reduce_s8.hardswish')![1];
    assert.equal(reduce(buildWithHead({ head: 'picodet_v2', backbone: 'pplcnet_x1_0' })), PICODET_V2_SIZES.m.channels);
    assert.equal(reduce(buildWithHead({ head: 'picodet_v2', backbone: 'pplcnet_x2_0', headKnobs: { size: 'xs' } })), 96);
    assert.equal(reduce(buildWithHead({ head: 'picodet_v2', backbone: 'pplcnet_x2_0', headKnobs: { channels: 64 } })), 64);
    const convs = (headKnobs: Record<string, string | number | boolean>) =>
      convsIn(buildWithHead({ head: 'picodet_v2', backbone: 'pplcnet_x0_75', headKnobs }), 'head', 'level0_s8').length;
    assert.equal(convs({ head_convs: 3 }), 2 * 3 + 6);
    assert.equal(convs({ use_se: false, align_head: false }), 2 * 2 + 2);
  });

  it('every README row: params cut to two decimals equal the README; FLOPS ÷ 2 is 1.0–1.5% above lcnb’s conv MAdds', () => {
    for (const [backbone, resolution, paramsM, gflops] of README) {
      const s = summarizeWithHead({ head: 'picodet_v2', backbone, resolution });
      // + 4: the per-level scale scalars Paddle registers and never reads.
      assert.equal(Math.floor((s.totals.params + 4) / 1e4) / 100, paramsM, `${backbone} ${resolution}`);
      const ratio = gflops / 2 / (s.totals.madds / 1e9);
      assert.ok(ratio > 1.005 && ratio < 1.016, `${backbone} ${resolution}: ${ratio}`);
      const published = Object.fromEntries(s.published.filter((f) => f.metric !== 'latency_ms').map((f) => [f.metric, f.value]));
      assert.deepEqual(published, { map: published.map, params: Math.round(paramsM * 1e6), madds: Math.round((gflops * 1e9) / 2) });
    }
    assert.deepEqual(summarizeWithHead({ head: 'picodet_v2', backbone: 'pplcnet_x0_75', resolution: 512 }).published, []);
    assert.deepEqual(summarizeWithHead({ head: 'picodet_v2', backbone: 'pplcnet_x0_75', headKnobs: { size: 's' } }).published, []);
    assert.deepEqual(summarizeWithHead({ head: 'picodet_v2', backbone: 'pplcnet_x1_0' }).published, []);
  });

  it('the backbone part is PP-LCNet without its GAP, 1280 conv and classifier', () => {
    const backbone = summarizeWithHead({ head: 'picodet_v2', backbone: 'pplcnet_x0_75' }).scopes.find((s) => s.scope === 'backbone')!;
    const whole = summarizeModel('pplcnet_x0_75');
    const tail = whole.scopes.filter((s) => s.scope === 'head' || s.scope === 'classifier').reduce((a, s) => a + s.params, 0);
    assert.equal(backbone.params, whole.totals.params - tail);
  });

  it("'picodet' names the legacy head and says so; bad sizes and knobs are user errors", () => {
    assert.equal(findHead('picodet')?.id, 'picodet_legacy');
    assert.equal(findHead('picodet_v2')?.title, 'PP-PicoDet v2');
    assert.match(headAliasNote('picodet')!, /legacy.*picodet_legacy.*picodet_v2/);
    assert.equal(headAliasNote('picodet_v2'), undefined);
    assert.equal(headAliasNote('toString'), undefined);
    assert.equal(buildWithHead({ head: 'picodet', backbone: 'pplcnet_x1_0' }).name, 'picodet_legacy/pplcnet_x1_0');
    // A saved cell naming 'picodet' still checks clean but for one warning on the head.
    const old = checkCell('detect:\n  head: picodet\n  backbone: pplcnet_x1_0\n').diagnostics;
    assert.deepEqual(old.map((d) => [d.severity, d.range.start.line]), [['warning', 1]]);
    assert.match(old[0].message, /legacy.*picodet_v2/);
    assert.deepEqual(checkCell('detect:\n  head: picodet_v2\n  backbone: pplcnet_x0_75\n').diagnostics, []);
    assert.match(errorOf(() => buildWithHead({ head: 'picodet_v2', backbone: 'pplcnet_x0_75', resolution: 400 }), UserError), /picodet_v2 on pplcnet_x0_75: .*divisible by 32.*400/);
    assert.match(errorOf(() => buildWithHead({ head: 'picodet_v2', backbone: 'pplcnet_x0_75', headKnobs: { kernel: 4 } }), UserError), /kernel.*odd/);
    assert.match(errorOf(() => buildWithHead({ head: 'picodet_v2', backbone: 'pplcnet_x0_75', headKnobs: { channels: 4 } }), UserError), /channels.*at least 8/);
    assert.match(errorOf(() => buildWithHead({ head: 'picodet_v2', backbone: 'squeezenet1_1' }), UserError), /^picodet_v2 needs a stride-32 feature map/);
  });
});
