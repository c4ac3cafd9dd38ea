/**
 * PP-PicoDet v2, PaddleDetection's current PicoDet (configs/picodet/_base_/picodet_v2.yml and
 * picodet_{xs,s,m,l}_{320,416,640}_coco_lcnet.yml): an LCPAN neck (ppdet/modeling/necks/lc_pan.py)
 * and PicoHeadV2 with PicoFeat (ppdet/modeling/heads/pico_head.py), 80 COCO classes. Its backbone is
 * PP-LCNet up to its last block (ppdet/modeling/backbones/lcnet.py, feature_maps [3, 4, 5]: the
 * stride-8/16/32 ends; no GAP, 1280 conv or classifier), which is the zoo's pplcnet with those
 * dropped: the headed graph keeps only what the head reads.
 *
 * Sizes (the configs' LCNet scale, neck and head channels, PicoFeat convs per level):
 *   XS: pplcnet_x0_35, 96, 2   S: pplcnet_x0_75, 96, 2   M: pplcnet_x1_5, 128, 4   L: pplcnet_x2_0, 160, 4.
 * Knob `size` 'auto' takes the size whose backbone is the zoo id asked for (by id, whatever its
 * width); on any other backbone it is M, the base config's.
 *
 * Neck: a 1×1 conv brings each tap to C channels; top-down, the coarser map is upsampled ×2
 * (nearest) and concatenated with the finer one into two PP-LCNet depthwise-separable blocks
 * (5×5, 2C → 2C, then 2C → C, no SE); bottom-up, a 5×5/2 depthwise + 1×1 conv pair downsamples,
 * concat, the same two blocks; a fourth, stride-64 map is the sum of two such /2 pairs, one on the
 * reduced P5 input and one on the P5 output. Every conv has BN and hard-swish.
 *
 * Head, per level (cls and reg share one branch): `head_convs` × (5×5 depthwise conv, 1×1 conv, each
 * with BN and hard-swish); an SE gate (GAP, 1×1 conv with bias, sigmoid, multiply) into a 1×1 conv
 * with BN and hard-swish; on that, a 1×1 conv with bias to 80 class logits and one to 4 × 8
 * box-distribution bins (reg_max 7). On the branch before the SE, the alignment map: a full 5×5 conv
 * to one channel (BN, hard-swish), a 1×1 conv 1 → 1 and BN. Score = √(sigmoid(cls) · sigmoid(align) + ε).
 * The outputs are PaddleDetection's export without post-processing (export.post_process=False):
 * scores and raw box distributions over the four levels. The integral over the bins, the box
 * decode and NMS that follow in the export with post-processing are left out.
 *
 * PaddleDetection's GFLHead.__init__ registers one scale scalar per level that PicoHeadV2 never
 * uses (4 parameters Paddle lists but no op reads); they are not in this graph.
 *
 * Published figures (PaddleDetection configs/picodet/README.md, at commit 666f597f): the README
 * gives params in M and FLOPS in G with two decimals, both cut (not rounded) to two decimals: its
 * params are every parameter the model registers (lcnb's count + the 4 unused scalars); its FLOPS
 * are twice PaddleSlim's dygraph_flops of the eval model (PaddleDetection's print_flops, documented
 * in docs/feature_models/PaddleYOLO_MODEL.md as "MACs are printed, FLOPs = 2 × MACs"), and that
 * count adds to the conv multiply-adds one per element of every batch_norm, relu and sigmoid input
 * and of every pool output (hard-swish and hard-sigmoid are not counted). So the README's FLOPS / 2,
 * attached here as its MAdds, is 1.0–1.5% above lcnb's conv MAdds.
 */
import { UserError } from '../../core/errors';
import { GraphBuilder, Tensor } from '../../core/ir';
import { PublishedFigure } from '../../core/summary';
import { Activation, conv, convBnAct } from '../blocks';
import { KnobSpec } from '../familyTypes';
import { depthSepConv } from '../pplcnet';
import { Backbone, LAST_BLOCK, TapStride } from '../taps';
import { extraOrTapAt, HeadBuildOptions, HeadPublished, HeadSpec, tapAt } from './headTypes';
import { PICO_REG_MAX_KNOB, picoPan, picoPanKnobs } from './picodet';

const ACT = 'hardswish' satisfies Activation;
const INPUT_STRIDES: readonly TapStride[] = [8, 16, 32];
/** PaddleDetection's model sizes: LCNet scale (as the zoo id), neck/head channels, PicoFeat convs. */
export const PICODET_V2_SIZES = {
  xs: { backbone: 'pplcnet_x0_35', channels: 96, convs: 2 },
  s: { backbone: 'pplcnet_x0_75', channels: 96, convs: 2 },
  m: { backbone: 'pplcnet_x1_5', channels: 128, convs: 4 },
  l: { backbone: 'pplcnet_x2_0', channels: 160, convs: 4 },
} as const;
export type PicodetV2Size = keyof typeof PICODET_V2_SIZES;

const KNOBS: KnobSpec[] = [
  {
    name: 'size',
    description:
      "PicoDet-XS / S / M / L settings (neck and head channels 96 / 96 / 128 / 160, head convs 2 / 2 / 4 / 4); auto: the size whose backbone this is (pplcnet_x0_35 / x0_75 / x1_5 / x2_0), else M",
    default: 'auto',
    kind: 'choice',
    choices: ['auto', 'xs', 's', 'm', 'l'],
  },
  {
    name: 'channels',
    description: "Channels of every neck and head feature map (0: the size's)",
    default: 0,
    kind: 'integer',
    min: 0,
    max: 1024,
  },
  {
    name: 'head_convs',
    description: "Depthwise-separable conv pairs in the head per level (0: the size's)",
    default: 0,
    kind: 'integer',
    min: 0,
    max: 8,
  },
  ...picoPanKnobs('LCPAN'),
  {
    name: 'use_se',
    description: "The head's SE gate and 1×1 conv before its predictors (PicoFeat use_se)",
    default: true,
    kind: 'boolean',
  },
  {
    name: 'align_head',
    description: 'The alignment map multiplied into the class scores (PicoHeadV2 use_align_head)',
    default: true,
    kind: 'boolean',
  },
  PICO_REG_MAX_KNOB,
];

/** The size `knob` names for a head on `backboneId` ('auto': the size of that backbone, else M). */
export function picodetV2Size(knob: string, backboneId: string): PicodetV2Size {
  if (knob !== 'auto') return knob as PicodetV2Size;
  const match = (Object.keys(PICODET_V2_SIZES) as PicodetV2Size[]).find((s) => PICODET_V2_SIZES[s].backbone === backboneId);
  return match ?? 'm';
}

/** LCPAN's block: two PP-LCNet depthwise-separable convs, 2C → 2C → C. */
function lcBlock(b: GraphBuilder, x: Tensor, out: number, k: number): Tensor {
  const wide = depthSepConv(b, x, { out: x.shape[1], s: 1, k, se: false, act: ACT }, 'ds0');
  return depthSepConv(b, wide, { out, s: 1, k, se: false, act: ACT }, 'ds1');
}

/** The LCPAN neck (lc_pan.py): PicoDet's PAN merging with LCPAN's block. */
function lcPan(b: GraphBuilder, taps: Tensor[], channels: number, k: number, extraLevel: boolean): Tensor[] {
  return picoPan(b, taps, channels, k, extraLevel, (merged) => lcBlock(b, merged, channels, k));
}

interface HeadOptions {
  classes: number;
  convs: number;
  regMax: number;
  se: boolean;
  align: boolean;
}

function picoHeadV2(b: GraphBuilder, levels: Tensor[], o: HeadOptions): Tensor[] {
  return b.scope('head', () => {
    const bins = 4 * (o.regMax + 1);
    const scores: Tensor[] = [];
    const boxes: Tensor[] = [];
    const flat = (t: Tensor, local: string) =>
      b.add1('Transpose', `${local}_transpose`, [b.add1('Reshape', `${local}_flatten`, [t], { shape: [0, 0, -1] })], { perm: [0, 2, 1] });
    levels.forEach((level, i) =>
      b.scope(`level${i}_s${8 << i}`, () => {
        let feat = level;
        const channels = feat.shape[1];
        for (let j = 0; j < o.convs; j++) {
          feat = convBnAct(b, feat, { out: channels, k: 5, groups: channels }, ACT, `dw${j}`);
          feat = convBnAct(b, feat, { out: channels, k: 1 }, ACT, `pw${j}`);
        }
        const shared = !o.se
          ? feat
          : b.scope('se', () => {
              const pooled = b.add1('GlobalAveragePool', 'pool', [feat]);
              const gate = b.add1('Sigmoid', 'gate', [conv(b, pooled, { out: channels, k: 1, bias: true }, 'fc')]);
              return convBnAct(b, b.add1('Mul', 'scale', [feat, gate]), { out: channels, k: 1 }, ACT, 'conv');
            });
        let score = b.add1('Sigmoid', 'cls_sigmoid', [conv(b, shared, { out: o.classes, k: 1, bias: true }, 'head_cls')]);
        const box = conv(b, shared, { out: bins, k: 1, bias: true }, 'head_reg');
        if (o.align) {
          const align = b.scope('cls_align', () => {
            const dw = convBnAct(b, feat, { out: 1, k: 5 }, ACT, 'dw');
            return convBnAct(b, dw, { out: 1, k: 1 }, 'none', 'pw');
          });
          const product = b.add1('Mul', 'align_mul', [score, b.add1('Sigmoid', 'align_sigmoid', [align])]);
          const eps = b.constant(`${product.name}.eps`, [1], { parameter: false });
          score = b.add1('Sqrt', 'score', [b.add1('Add', 'align_eps', [product, eps])]);
        }
        scores.push(flat(score, 'scores'));
        boxes.push(flat(box, 'boxes'));
      }),
    );
    return [
      b.add1('Concat', 'scores', scores, { axis: 1 }),
      b.add1('Concat', 'box_distributions', boxes, { axis: 1 }),
    ];
  });
}

const README = 'PaddleDetection configs/picodet/README.md (PP-PicoDet, 666f597f)';
const LATENCY_CPU = 'Intel Core i7-10750H, 4 threads, OpenVINO, export without post-processing (README)';
const LATENCY_LITE = 'Snapdragon 865 (4×A77 + 4×A55), 4 threads, FP16, Paddle Lite, export without post-processing (README)';
const COUNT_NOTE =
  'cut to two decimals; FLOPS is 2 × PaddleSlim dygraph_flops (conv multiply-adds + 1 per batch_norm, relu and sigmoid input element and pool output), so FLOPS ÷ 2 is 1.0–1.5% above lcnb MAdds (conv only); params include 4 unused GFLHead scale scalars';

/** One README row: mAP(0.5:0.95), params (M), FLOPS (G), CPU and Lite latency (ms); its mAP(0.5) is not a metric here. */
function readme(map: number, paramsM: number, gflops: number, cpuMs: number, liteMs: number): PublishedFigure[] {
  return [
    { metric: 'map', value: map, source: README, settings: 'COCO val2017 mAP(0.5:0.95)' },
    { metric: 'params', value: Math.round(paramsM * 1e6), source: README, note: COUNT_NOTE },
    { metric: 'madds', value: Math.round((gflops * 1e9) / 2), source: `${README} (FLOPS ÷ 2)`, note: COUNT_NOTE },
    { metric: 'latency_ms', value: cpuMs, source: README, settings: LATENCY_CPU },
    { metric: 'latency_ms', value: liteMs, source: README, settings: LATENCY_LITE },
  ];
}

/** PaddleDetection's README table: each size on its own LCNet, at 320, 416 (and 640 for L). */
const PUBLISHED: HeadPublished[] = [
  { backbone: 'pplcnet_x0_35', resolution: 320, figures: readme(23.5, 0.7, 0.67, 3.9, 7.81) },
  { backbone: 'pplcnet_x0_35', resolution: 416, figures: readme(26.2, 0.7, 1.13, 6.1, 12.38) },
  { backbone: 'pplcnet_x0_75', resolution: 320, figures: readme(29.1, 1.18, 0.97, 4.8, 9.56) },
  { backbone: 'pplcnet_x0_75', resolution: 416, figures: readme(32.5, 1.18, 1.65, 6.6, 15.2) },
  { backbone: 'pplcnet_x1_5', resolution: 320, figures: readme(34.4, 3.46, 2.57, 8.2, 17.68) },
  { backbone: 'pplcnet_x1_5', resolution: 416, figures: readme(37.5, 3.46, 4.34, 12.7, 28.39) },
  { backbone: 'pplcnet_x2_0', resolution: 320, figures: readme(36.1, 5.8, 4.2, 11.5, 25.21) },
  { backbone: 'pplcnet_x2_0', resolution: 416, figures: readme(39.4, 5.8, 7.1, 20.7, 42.23) },
  { backbone: 'pplcnet_x2_0', resolution: 640, figures: readme(42.6, 5.8, 16.81, 62.5, 108.1) },
];

export const picodetV2: HeadSpec = {
  id: 'picodet_v2',
  task: 'detect',
  title: 'PP-PicoDet v2',
  paper: 'PP-PicoDet, arXiv:2111.00902 (v2: PaddleDetection 2022.03 release, LCNet + LCPAN + PicoHeadV2)',
  reference: 'PaddleDetection 666f597f configs/picodet/picodet_{xs,s,m,l}_*_coco_lcnet.yml (LCPAN + PicoHeadV2)',
  strides: INPUT_STRIDES,
  extraTaps: [LAST_BLOCK],
  defaultResolution: 416,
  defaultClasses: 80,
  referenceBackbone: { id: 'pplcnet_x0_75' },
  knobs: KNOBS,
  published: PUBLISHED,
  build(b: GraphBuilder, backbone: Backbone, options: HeadBuildOptions): Tensor[] {
    const knobs = options.knobs;
    const size = PICODET_V2_SIZES[picodetV2Size(knobs.size as string, backbone.id)];
    const channels = (knobs.channels as number) || size.channels;
    const convs = (knobs.head_convs as number) || size.convs;
    if (channels < 8) throw new UserError(`picodet_v2: knob 'channels' must be 0 (the size's) or at least 8, got ${channels}`);
    if (options.resolution % 32 !== 0) {
      throw new UserError(`picodet_v2 on ${backbone.id}: the input size must be divisible by 32 (the neck upsamples stride 32 to 16 to 8), got ${options.resolution}`);
    }
    const kernel = knobs.kernel as number;
    if (kernel % 2 === 0) throw new UserError(`picodet_v2: knob 'kernel' must be odd (a "same"-padded depthwise conv), got ${kernel}`);
    const taps = [tapAt(backbone, 8), tapAt(backbone, 16), extraOrTapAt(backbone, LAST_BLOCK, 32)];
    const levels = lcPan(b, taps, channels, kernel, knobs.extra_level as boolean);
    return picoHeadV2(b, levels, {
      classes: options.numClasses,
      convs,
      regMax: knobs.reg_max as number,
      se: knobs.use_se as boolean,
      align: knobs.align_head as boolean,
    });
  },
};
