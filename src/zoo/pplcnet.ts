/**
 * PP-LCNet (Cui et al., arXiv:2109.15099), as built by PaddleClas
 * `ppcls/arch/backbone/legendary_models/pp_lcnet.py`: a 3×3/2 stem, 13 depthwise-separable
 * blocks (NET_CONFIG), GAP, a 1×1 conv to 1280 channels (no bias) → act → dropout, then the
 * fully connected layer. Channels are make_divisible(c · scale, 8).
 *
 * Blocks are numbered 1–13 through the network, as in the paper's SE and kernel ablations
 * ("0000000000011" = SE in blocks 12 and 13).
 */
import { GraphBuilder, Tensor } from '../core/ir';
import { PublishedFigure } from '../core/summary';
import { activation, conv, convBnAct, makeDivisible, squeezeExcite } from './blocks';
import { KnobSpec, PublishedVariant, ZooBuildOptions, ZooFamily, inputShape, knobError, publishedFigures, widthVariants } from './familyTypes';

export interface DepthSepConvOptions {
  out: number;
  s: number;
  /** Depthwise kernel: 3 or 5 in PP-LCNet. */
  k: number;
  se: boolean;
  act: 'hardswish' | 'relu';
}

/**
 * PP-LCNet's DepthSepConv: depthwise k×k conv → BN → act, optional SE on its output (squeeze
 * c // 4, ReLU, hard-sigmoid gate), then 1×1 conv → BN → act. No residual.
 */
export function depthSepConv(b: GraphBuilder, x: Tensor, o: DepthSepConvOptions, scope: string): Tensor {
  return b.scope(scope, () => {
    const channels = x.shape[1];
    let y = convBnAct(b, x, { out: channels, k: o.k, s: o.s, groups: channels }, o.act, 'dw');
    if (o.se) y = squeezeExcite(b, y, { squeeze: Math.floor(channels / 4), gate: 'hardsigmoid', act: 'relu' });
    return convBnAct(b, y, { out: o.out, k: 1 }, o.act, 'pw');
  });
}

/** NET_CONFIG's [stride, output channels at scale 1] for blocks 1–13, grouped as blocks2…blocks6. */
export const PPLCNET_STAGES: readonly (readonly [number, number])[][] = [
  [[1, 32]],
  [[2, 64], [1, 64]],
  [[2, 128], [1, 128]],
  [[2, 256], [1, 256], [1, 256], [1, 256], [1, 256], [1, 256]],
  [[2, 512], [1, 512]],
];
const BLOCKS = PPLCNET_STAGES.flat().length;
const DEFAULT_SE = [12, 13];
const DEFAULT_K5 = [7, 8, 9, 10, 11, 12, 13];
const STEM = 16;
const CLASS_EXPAND = 1280;
const DROPOUT = 0.2;

const KNOBS: KnobSpec[] = [
  {
    name: 'se_blocks',
    description: 'DepthSepConv blocks (numbered 1–13) with an SE module after the depthwise conv',
    default: DEFAULT_SE,
    kind: 'indices',
    min: 1,
    max: BLOCKS,
  },
  {
    name: 'k5_blocks',
    description: 'DepthSepConv blocks (numbered 1–13) whose depthwise conv is 5×5 instead of 3×3',
    default: DEFAULT_K5,
    kind: 'indices',
    min: 1,
    max: BLOCKS,
  },
  {
    name: 'last_conv',
    description: 'The 1×1 conv to 1280 channels (with act and dropout) between GAP and the classifier',
    default: true,
    kind: 'boolean',
  },
  {
    name: 'act',
    description: 'Activation of every conv layer and of the 1280-channel head (SE keeps ReLU and hard-sigmoid)',
    default: 'hardswish',
    kind: 'choice',
    choices: ['hardswish', 'relu'],
  },
];

function blockSet(id: string, knob: string, value: readonly number[]): Set<number> {
  const bad = value.find((i) => !Number.isInteger(i) || i < 1 || i > BLOCKS);
  if (bad !== undefined) throw knobError(id, knob, `lists block ${bad}; blocks are numbered 1 to ${BLOCKS}`);
  return new Set(value);
}

function build(id: string, options: ZooBuildOptions) {
  const se = blockSet(id, 'se_blocks', options.knobs.se_blocks as number[]);
  const k5 = blockSet(id, 'k5_blocks', options.knobs.k5_blocks as number[]);
  const act = options.knobs.act as 'hardswish' | 'relu';
  const channels = (c: number) => makeDivisible(c * options.width);

  const b = new GraphBuilder(id);
  let x = b.input('input', inputShape(options));
  x = convBnAct(b, x, { out: channels(STEM), k: 3, s: 2 }, act, 'stem');
  let block = 0;
  PPLCNET_STAGES.forEach((stage, i) =>
    b.scope(`stage${i + 1}`, () => {
      for (const [s, out] of stage) {
        block++;
        x = depthSepConv(b, x, { out: channels(out), s, k: k5.has(block) ? 5 : 3, se: se.has(block), act }, `block${block}`);
      }
    }),
  );
  x = b.scope('head', () => {
    let y = b.add1('GlobalAveragePool', 'pool', [x]);
    if (options.knobs.last_conv) {
      y = activation(b, conv(b, y, { out: CLASS_EXPAND, k: 1 }), act);
      y = b.add1('Dropout', 'dropout', [y], { ratio: DROPOUT });
    }
    return y;
  });
  const logits = b.scope('classifier', () => {
    const flat = b.add1('Flatten', 'flatten', [x], { axis: 1 });
    return b.add1('Gemm', 'fc', [flat], { out_features: options.numClasses, bias: true });
  });
  return b.build([logits]);
}

const DOC = 'PaddleClas docs/en/models/PP-LCNet_en.md §1.3.1';
const XEON = 'PaddleClas docs/zh_CN/models/ImageNet1k/PP-LCNet.md §1.4.1';
const SD855 = 'PaddleClas docs/zh_CN/models/ImageNet1k/PP-LCNet.md §1.4.3';

function published(params: number, madds: number, top1: number, xeonMs: number, sd855Ms: number): PublishedFigure[] {
  return [
    ...publishedFigures({ params, madds, top1 }, DOC),
    {
      metric: 'latency_ms',
      value: xeonMs,
      source: XEON,
      settings: 'Intel Xeon Gold 6148, 10 threads, batch 1, Paddle Inference FP32 with MKLDNN',
    },
    { metric: 'latency_ms', value: sd855Ms, source: SD855, settings: 'Snapdragon 855, 1 thread, batch 1, FP32 (framework not stated; PaddleClas deploys to mobile with Paddle-Lite)' },
  ];
}

const ABLATION_SE = 'PaddleClas docs/en/models/PP-LCNet_en.md §3.2 (SE location table)';
const ABLATION_K5 = 'PaddleClas docs/en/models/PP-LCNet_en.md §3.3 (5×5 kernel location table)';
const ABLATION_PARTS = 'PaddleClas docs/en/models/PP-LCNet_en.md §3.4 (table of the four techniques)';
const ABLATION_LATENCY = 'Intel CPU with MKLDNN, as the doc measures PP-LCNet (hardware not restated for the ablations)';
// The doc does not name the ablations' width; their full-design row (63.14%, 2.05 ms) is PPLCNet_x0_5's.
const ABLATION_NOTE = "ablation row at width 0.5: the doc's full-design row, 63.14% and 2.05 ms, is PPLCNet_x0_5";

/** One row of the doc's ablation tables: top-1 and Intel CPU latency of x0.5 with these knobs. */
function ablation(knobs: PublishedVariant['knobs'], top1: number, latencyMs: number, source: string, row = ''): PublishedVariant {
  const note = row ? `${ABLATION_NOTE}; ${row}` : ABLATION_NOTE;
  return {
    knobs,
    published: [
      { metric: 'top1', value: top1, source, note },
      { metric: 'latency_ms', value: latencyMs, source, settings: ABLATION_LATENCY, note },
    ],
  };
}

const ALL_BLOCKS = Array.from({ length: BLOCKS }, (_, i) => i + 1);

/** The ablation rows at x0.5; the rows that are PP-LCNet as built (SE 12–13, 5×5 in 7–13, everything on) are its own figures. */
const X0_5_ABLATIONS: PublishedVariant[] = [
  ablation({ se_blocks: [1, 2] }, 61.73, 2.06, ABLATION_SE),
  ablation({ se_blocks: [7, 8] }, 62.17, 2.03, ABLATION_SE),
  ablation({ se_blocks: ALL_BLOCKS }, 64.27, 3.8, ABLATION_SE),
  ablation({ k5_blocks: ALL_BLOCKS }, 63.22, 2.08, ABLATION_K5),
  ablation({ k5_blocks: [1, 2, 3, 4, 5, 6, 7] }, 62.7, 2.07, ABLATION_K5),
  ablation({ act: 'relu' }, 61.93, 1.94, ABLATION_PARTS, 'the row without the better activation (H-Swish); BaseNet, like MobileNetV1, uses ReLU'),
  ablation({ se_blocks: [] }, 62.51, 1.87, ABLATION_PARTS),
  ablation({ k5_blocks: [] }, 62.44, 2.01, ABLATION_PARTS),
  ablation({ last_conv: false }, 59.91, 1.85, ABLATION_PARTS),
];

export const pplcnet: ZooFamily = {
  family: 'PP-LCNet',
  paper: 'arXiv:2109.15099',
  models: widthVariants('pplcnet', [
    { width: 0.25, published: published(1.5e6, 18e6, 51.86, 1.74, 2.3) },
    { width: 0.35, published: published(1.6e6, 29e6, 58.09, 1.92, 3.15) },
    { width: 0.5, published: published(1.9e6, 47e6, 63.14, 2.05, 4.27), publishedVariants: X0_5_ABLATIONS },
    { width: 0.75, published: published(2.4e6, 99e6, 68.18, 2.29, 7.38) },
    { width: 1.0, published: published(3.0e6, 161e6, 71.32, 2.46, 10.78) },
    { width: 1.5, published: published(4.5e6, 342e6, 73.71, 3.19, 20.55) },
    { width: 2.0, published: published(6.5e6, 590e6, 75.18, 4.27, 33.79) },
    { width: 2.5, published: published(9.0e6, 906e6, 76.6, 5.39, 49.89) },
  ], KNOBS, build),
};
