/**
 * PicoDet, legacy (head id 'picodet_legacy'; 'picodet' is accepted for it, see heads/index.ts):
 * PicoDet (Yu et al., arXiv:2111.00902), the detector PP-LCNet's paper swaps backbones under, as
 * PaddleDetection builds it in its legacy configs (configs/picodet/legacy_model/_base_/picodet_esnet.yml,
 * more_config/picodet_lcnet_1_0x_416_coco.yml): a CSP-PAN neck (ppdet/modeling/necks/csp_pan.py) and
 * the GFL-style PicoHead (ppdet/modeling/heads/pico_head.py), 416×416, 80 COCO classes.
 *
 * Neck: a 1×1 conv brings each stride-8/16/32 tap to 128 channels; top-down, the coarser map is
 * upsampled ×2 (nearest) and concatenated with the finer one into a CSP layer; bottom-up, a 5×5/2
 * depthwise-separable conv downsamples and a CSP layer merges; a fourth, stride-64 map is the sum of
 * two such /2 convs, one on the reduced P5 input and one on the P5 output. Every conv is followed by
 * BN and hard-swish. A CSP layer: two 1×1 convs to half the channels, one of them through a bottleneck
 * (1×1 conv, 5×5 depthwise-separable conv, no residual), concat, 1×1 conv.
 *
 * Head (per level, shared cls/reg branch): 4 × (5×5 depthwise conv, 1×1 conv, each with BN and
 * hard-swish), then one 1×1 conv with bias to 80 class logits + 4 × 8 box-distribution bins (reg_max 7).
 * The outputs are PaddleDetection's export without post-processing: sigmoid class scores and the raw
 * box distributions, here concatenated over the four levels. The integral over the bins and the
 * distance-to-box decode that follow in PaddleDetection's own post-processing are left out (no weights).
 *
 * The stride-32 input is the backbone's 'last_block' (the last block's output, before the 1×1 conv
 * MobileNetV2/V3, GhostNet and ShuffleNetV2 append for classification), as PaddleDetection's PicoDet
 * configs read it: MobileNetV3 feature_maps [7, 13, 16] (the last bneck, 160 · width channels) and
 * ShuffleNetV2 [5, 13, 17] (the stage-4 end, 464 at 1×; Paddle's ShuffleNetV2 has no conv5). The
 * families Paddle has no PicoDet config for (MobileNetV2, GhostNet) follow the same rule; elsewhere
 * the last block is the stride-32 tap itself. The appended conv is then not in the graph.
 *
 * PaddleDetection's GFLHead.__init__ also registers one scale scalar per level that PicoHead never
 * uses (4 parameters Paddle lists but no op reads); they are not in this graph.
 */
import { UserError } from '../../core/errors';
import { GraphBuilder, Tensor } from '../../core/ir';
import { PublishedFigure } from '../../core/summary';
import { Activation, conv, convBnAct } from '../blocks';
import { KnobSpec } from '../familyTypes';
import { Backbone, LAST_BLOCK, TapStride } from '../taps';
import { extraOrTapAt, HeadBuildOptions, HeadPublished, HeadSpec, tapAt } from './headTypes';

const ACT: Activation = 'hardswish';
const INPUT_STRIDES: readonly TapStride[] = [8, 16, 32];

/** GFL's box-distribution bins, the same in both PicoDet heads. */
export const PICO_REG_MAX_KNOB: KnobSpec = {
  name: 'reg_max',
  description: 'Box-distribution bins per side minus one (GFL reg_max; 7 in PicoDet)',
  default: 7,
  kind: 'integer',
  min: 1,
  max: 32,
};

const KNOBS: KnobSpec[] = [
  {
    name: 'channels',
    description: 'Channels of every neck and head feature map (PicoDet-M and the LCNet configs: 128; PicoDet-S: 96)',
    default: 128,
    kind: 'integer',
    min: 8,
    max: 1024,
  },
  {
    name: 'head_convs',
    description: 'Depthwise-separable conv pairs in the head per level (4; PicoDet-S: 2)',
    default: 4,
    kind: 'integer',
    min: 1,
    max: 8,
  },
  ...picoPanKnobs('CSPPAN'),
  PICO_REG_MAX_KNOB,
];

/** The knobs of the PAN both PicoDet necks share (picoPan): its kernel and the stride-64 level. */
export function picoPanKnobs(neck: string): KnobSpec[] {
  return [
    { name: 'kernel', description: 'Depthwise kernel of the neck (5 in PicoDet)', default: 5, kind: 'integer', min: 3, max: 7 },
    { name: 'extra_level', description: `The fourth, stride-64 output level (${neck} num_features 4)`, default: true, kind: 'boolean' },
  ];
}


/** csp_pan.py's DPModule: k×k depthwise → BN → act, 1×1 → BN → act. */
function dpModule(b: GraphBuilder, x: Tensor, k: number, s: number, scope: string): Tensor {
  return b.scope(scope, () => {
    const channels = x.shape[1];
    const dw = convBnAct(b, x, { out: channels, k, s, groups: channels }, ACT, 'dw');
    return convBnAct(b, dw, { out: channels, k: 1 }, ACT, 'pw');
  });
}

/** csp_pan.py's CSPLayer with one DarknetBottleneck (expansion 1, no identity). */
function cspLayer(b: GraphBuilder, x: Tensor, out: number, k: number, scope: string): Tensor {
  return b.scope(scope, () => {
    const mid = Math.floor(out / 2);
    let main = convBnAct(b, x, { out: mid, k: 1 }, ACT, 'main_conv');
    const short = convBnAct(b, x, { out: mid, k: 1 }, ACT, 'short_conv');
    main = b.scope('bottleneck', () => dpModule(b, convBnAct(b, main, { out: mid, k: 1 }, ACT, 'conv1'), k, 1, 'conv2'));
    const merged = b.add1('Concat', 'concat', [main, short], { axis: 1 });
    return convBnAct(b, merged, { out, k: 1 }, ACT, 'final_conv');
  });
}

function upsample2(b: GraphBuilder, x: Tensor): Tensor {
  return b.add1('Resize', 'upsample', [x], { scales: [2, 2], mode: 'nearest' });
}

/**
 * The PAN both PicoDet necks share: a 1×1 reduce per tap; top-down, the coarser map upsampled ×2
 * and concatenated with the finer one into `merge`; bottom-up, a k×k/2 DPModule and `merge`; and
 * optionally a stride-64 level, the sum of two /2 DPModules on the reduced P5 input and the P5
 * output. Outputs at strides 8, 16, 32 (and 64). CSP-PAN merges with a CSP layer, LCPAN with two
 * depthwise-separable convs.
 */
export function picoPan(b: GraphBuilder, taps: Tensor[], channels: number, k: number, extraLevel: boolean, merge: (x: Tensor) => Tensor): Tensor[] {
  return b.scope('neck', () => {
    const inputs = taps.map((t, i) => convBnAct(b, t, { out: channels, k: 1 }, ACT, `reduce_s${INPUT_STRIDES[i]}`));
    const inner = [inputs[2]];
    for (const i of [1, 0]) {
      inner.unshift(
        b.scope(`top_down_s${INPUT_STRIDES[i]}`, () => {
          const merged = b.add1('Concat', 'concat', [upsample2(b, inner[0]), inputs[i]], { axis: 1 });
          return merge(merged);
        }),
      );
    }
    const outs = [inner[0]];
    for (const i of [1, 2]) {
      outs.push(
        b.scope(`bottom_up_s${INPUT_STRIDES[i]}`, () => {
          const down = dpModule(b, outs[outs.length - 1], k, 2, 'downsample');
          const merged = b.add1('Concat', 'concat', [down, inner[i]], { axis: 1 });
          return merge(merged);
        }),
      );
    }
    if (extraLevel) {
      outs.push(
        b.scope('extra_s64', () => {
          const fromInput = dpModule(b, inputs[2], k, 2, 'first_top_conv');
          const fromOutput = dpModule(b, outs[2], k, 2, 'second_top_conv');
          return b.add1('Add', 'add', [fromInput, fromOutput]);
        }),
      );
    }
    return outs;
  });
}

/** The CSP-PAN neck (csp_pan.py). */
function cspPan(b: GraphBuilder, taps: Tensor[], channels: number, k: number, extraLevel: boolean): Tensor[] {
  return picoPan(b, taps, channels, k, extraLevel, (merged) => cspLayer(b, merged, channels, k, 'csp'));
}

function picoHead(b: GraphBuilder, levels: Tensor[], o: { classes: number; convs: number; regMax: number }): Tensor[] {
  return b.scope('head', () => {
    const bins = 4 * (o.regMax + 1);
    const scores: Tensor[] = [];
    const boxes: Tensor[] = [];
    levels.forEach((level, i) =>
      b.scope(`level${i}_s${8 << i}`, () => {
        let x = level;
        const channels = x.shape[1];
        for (let j = 0; j < o.convs; j++) {
          x = convBnAct(b, x, { out: channels, k: 5, groups: channels }, ACT, `dw${j}`);
          x = convBnAct(b, x, { out: channels, k: 1 }, ACT, `pw${j}`);
        }
        const logits = conv(b, x, { out: o.classes + bins, k: 1, bias: true }, 'head_cls');
        const [cls, box] = b.add('Split', 'split', [logits], { axis: 1, split: [o.classes, bins] });
        const flat = (t: Tensor, local: string) =>
          b.add1('Transpose', `${local}_transpose`, [b.add1('Reshape', `${local}_flatten`, [t], { shape: [0, 0, -1] })], { perm: [0, 2, 1] });
        scores.push(flat(b.add1('Sigmoid', 'sigmoid', [cls]), 'scores'));
        boxes.push(flat(box, 'boxes'));
      }),
    );
    return [
      b.add1('Concat', 'scores', scores, { axis: 1 }),
      b.add1('Concat', 'box_distributions', boxes, { axis: 1 }),
    ];
  });
}

const SOURCE = 'PaddleClas docs/en/models/PP-LCNet_en.md §1.3.2 (Object Detection); PP-LCNet, arXiv:2109.15099';
const SETTINGS =
  "PicoDet on COCO, mAP(0.5:0.95); the paper's MobileNetV3 is PaddleClas' (lcnb builds torchvision's, whose SE squeeze is rounded to a multiple of 8 and whose first bneck has no expand conv: 1,546 params more at 1.0); input size and latency hardware are not stated (PicoDet's LCNet configs use 416×416; PP-LCNet's other latencies are an Intel Xeon Gold 6148 with MKLDNN)";

function paperFigures(map: number, ms: number): PublishedFigure[] {
  return [
    { metric: 'map', value: map, source: SOURCE, settings: SETTINGS },
    { metric: 'latency_ms', value: ms, source: SOURCE, settings: SETTINGS },
  ];
}

/** The PP-LCNet paper's PicoDet swaps (MobileNetV3-Large 0.35 is any Large id at width 0.35). */
const PUBLISHED: HeadPublished[] = [
  { backbone: 'mobilenet_v3_large_x1_0', width: 0.35, figures: paperFigures(19.2, 8.1) },
  { backbone: 'mobilenet_v3_large_x0_75', width: 0.35, figures: paperFigures(19.2, 8.1) },
  { backbone: 'pplcnet_x0_5', figures: paperFigures(20.3, 6.0) },
  { backbone: 'mobilenet_v3_large_x0_75', figures: paperFigures(25.8, 11.1) },
  { backbone: 'pplcnet_x1_0', figures: paperFigures(26.9, 7.9) },
];

export const picodetLegacy: HeadSpec = {
  id: 'picodet_legacy',
  task: 'detect',
  title: 'PicoDet (legacy)',
  paper: 'PP-PicoDet, arXiv:2111.00902 (the PP-LCNet paper, arXiv:2109.15099, swaps its backbone)',
  reference:
    'PaddleDetection 666f597f configs/picodet/legacy_model/more_config/picodet_lcnet_1_0x_416_coco.yml (CSPPAN + PicoHead)',
  strides: INPUT_STRIDES,
  extraTaps: [LAST_BLOCK],
  defaultResolution: 416,
  defaultClasses: 80,
  referenceBackbone: { id: 'pplcnet_x1_0' },
  knobs: KNOBS,
  published: PUBLISHED,
  build(b: GraphBuilder, backbone: Backbone, options: HeadBuildOptions): Tensor[] {
    const knobs = options.knobs;
    const channels = knobs.channels as number;
    if (options.resolution % 32 !== 0) {
      throw new UserError(`picodet_legacy on ${backbone.id}: the input size must be divisible by 32 (the neck upsamples stride 32 to 16 to 8), got ${options.resolution}`);
    }
    const kernel = knobs.kernel as number;
    if (kernel % 2 === 0) throw new UserError(`picodet_legacy: knob 'kernel' must be odd (a "same"-padded depthwise conv), got ${kernel}`);
    const taps = [tapAt(backbone, 8), tapAt(backbone, 16), extraOrTapAt(backbone, LAST_BLOCK, 32)];
    const levels = cspPan(b, taps, channels, kernel, knobs.extra_level as boolean);
    return picoHead(b, levels, { classes: options.numClasses, convs: knobs.head_convs as number, regMax: knobs.reg_max as number });
  },
};
