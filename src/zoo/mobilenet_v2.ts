/**
 * MobileNetV2 (Sandler et al., arXiv:1801.04381), Table 2, as torchvision builds it: a 3×3 stem,
 * seven rows of inverted residual bottlenecks, a 1×1 conv to 1280 channels, then pool → dropout →
 * FC. Width multipliers round every channel count with make_divisible(c · width, 8); the last conv
 * is only ever widened (1280 · max(1, width)).
 */
import { GraphBuilder, Tensor } from '../core/ir';
import { PublishedFigure } from '../core/summary';
import { Activation, classifier, conv, convBnAct, makeDivisible, squeezeExcite } from './blocks';
import { ZooBuildOptions, ZooFamily, inputShape, publishedFigures, widthVariants } from './familyTypes';

export interface InvertedResidualOptions {
  out: number;
  s: number;
  /** Expanded channels. Without it, round(input channels · expand). */
  hidden?: number;
  /** Expansion ratio t of Table 2; ignored when `hidden` is given. */
  expand?: number;
  /** Depthwise kernel size. */
  k?: number;
  act?: Activation;
  /** Squeeze-and-excitation after the depthwise conv (MobileNetV3), with its squeeze width. */
  se?: { squeeze: number; gate?: 'hardsigmoid' | 'sigmoid' };
}

/** Python's round(): halves go to the even neighbour, as torchvision's int(round(inp · t)). */
function roundHalfEven(v: number): number {
  const floor = Math.floor(v);
  const fraction = v - floor;
  return fraction > 0.5 || (fraction === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
}

/**
 * The inverted residual with linear bottleneck: 1×1 expansion (skipped when it would not change
 * the width), k×k depthwise, optional SE, linear 1×1 projection; an identity shortcut when the
 * stride is 1 and the width is unchanged. MobileNetV3's bneck is the same block with SE, h-swish
 * and 5×5 kernels.
 */
export function invertedResidual(b: GraphBuilder, x: Tensor, o: InvertedResidualOptions, scope: string): Tensor {
  return b.scope(scope, () => {
    const inChannels = x.shape[1];
    const hidden = o.hidden ?? roundHalfEven(inChannels * (o.expand ?? 1));
    const act = o.act ?? 'relu6';
    let y = hidden === inChannels ? x : convBnAct(b, x, { out: hidden, k: 1 }, act, 'expand');
    y = convBnAct(b, y, { out: hidden, k: o.k ?? 3, s: o.s, groups: hidden }, act, 'dw');
    if (o.se) y = squeezeExcite(b, y, { squeeze: o.se.squeeze, gate: o.se.gate ?? 'hardsigmoid' });
    y = b.scope('project', () => b.add1('BatchNormalization', 'bn', [conv(b, y, { out: o.out, k: 1 })]));
    return o.s === 1 && inChannels === o.out ? b.add1('Add', 'add', [x, y]) : y;
  });
}

/** Table 2's bottleneck rows: expansion t, output channels c, repeats n, first stride s. */
export const MOBILENET_V2_ROWS: readonly (readonly [number, number, number, number])[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

function build(id: string, options: ZooBuildOptions) {
  const b = new GraphBuilder(id);
  const width = options.width;
  let x = b.input('input', inputShape(options));
  x = convBnAct(b, x, { out: makeDivisible(32 * width), k: 3, s: 2 }, 'relu6', 'stem');
  let block = 0;
  MOBILENET_V2_ROWS.forEach(([t, c, n, s], i) =>
    b.scope(`stage${i + 1}`, () => {
      const out = makeDivisible(c * width);
      for (let r = 0; r < n; r++) x = invertedResidual(b, x, { out, s: r === 0 ? s : 1, expand: t }, `block${++block}`);
    }),
  );
  x = convBnAct(b, x, { out: makeDivisible(1280 * Math.max(1, width)), k: 1 }, 'relu6', 'head');
  return b.build([classifier(b, x, { classes: options.numClasses, dropout: 0.2 })]);
}

const SLIM = 'tensorflow/models research/slim/nets/mobilenet/README.md (MobileNetV2 checkpoints, 224×224)';
const SLIM_LATENCY = 'Google Pixel 1 CPU, large core, TF-Lite, float, batch 1, 224×224';
const FASTERNET = 'arXiv:2303.03667 Table 3 (FasterNet authors’ measurement)';

function slim(params: number, madds: number, top1: number, pixel1Ms: number): PublishedFigure[] {
  return [
    ...publishedFigures({ params, madds, top1 }, SLIM),
    { metric: 'latency_ms', value: pixel1Ms, source: SLIM, settings: SLIM_LATENCY },
  ];
}

function fasternet(cpuMs: number, armMs: number): PublishedFigure[] {
  return [
    { metric: 'latency_ms', value: cpuMs, source: FASTERNET, settings: 'Intel i9-9900X CPU, 1 thread, batch 1, 224×224' },
    { metric: 'latency_ms', value: armMs, source: FASTERNET, settings: 'ARM Cortex-A72, 1 thread, batch 1, 224×224' },
  ];
}

export const mobilenetV2: ZooFamily = {
  family: 'MobileNetV2',
  paper: 'arXiv:1801.04381',
  models: widthVariants('mobilenet_v2', [
    { width: 0.35, published: slim(1.66e6, 59e6, 60.3, 19.7) },
    { width: 0.5, published: slim(1.95e6, 97e6, 65.4, 28.7) },
    { width: 0.75, published: slim(2.61e6, 209e6, 69.8, 55.8) },
    { width: 1.0, published: [...slim(3.47e6, 300e6, 71.8, 73.8), ...fasternet(12.2, 442)] },
    { width: 1.4, published: [...slim(6.06e6, 582e6, 75.0, 138.0), ...fasternet(22.6, 650)] },
  ], [], build),
};
