/**
 * MobileNetV3 Large and Small (Howard et al., arXiv:1905.02244), Tables 1 and 2, as torchvision
 * builds them: bnecks are MobileNetV2's inverted residual with optional SE (squeeze =
 * make_divisible(⌊expanded / 4⌋, 8), hard-sigmoid gate) and ReLU or h-swish; the last conv is 6× the
 * last bneck's width; the head is pool → FC (1280 or 1024) → h-swish → dropout → FC. A width
 * multiplier rounds every bneck width and the FC width with make_divisible(c · width, 8).
 *
 * Paper Table 3 and torchvision disagree on the counts, and lcnb follows torchvision (showing the
 * paper's figures as published): Small 1.0 has 2.54M params and 57M MAdds in torchvision (and
 * timm) against the paper's 2.9M / 66M. For widths below 1, TF-slim keeps the head FC at
 * 1280 / 1024 and derives expanded widths from the rounded input width, while torchvision rounds
 * every Table 1 width on its own and narrows the head too (Large 0.75: 3.38M / 140M here against
 * the paper's 4.0M / 155M).
 */
import { GraphBuilder } from '../core/ir';
import { PublishedFigure } from '../core/summary';
import { Activation, activation, convBnAct, makeDivisible } from './blocks';
import { invertedResidual } from './mobilenet_v2';
import { KnobSpec, ZooBuildOptions, ZooFamily, inputShape, publishedFigures, widthVariants } from './familyTypes';

/** One bneck row: kernel, expanded channels, output channels, SE, h-swish (else ReLU), stride. */
export type Bneck = [k: number, expanded: number, out: number, se: boolean, hswish: boolean, s: number];

/** Table 1, grouped by output resolution (stage1 at 112×112 … stage5 at 7×7). */
const LARGE: readonly (readonly Bneck[])[] = [
  [[3, 16, 16, false, false, 1]],
  [
    [3, 64, 24, false, false, 2],
    [3, 72, 24, false, false, 1],
  ],
  [
    [5, 72, 40, true, false, 2],
    [5, 120, 40, true, false, 1],
    [5, 120, 40, true, false, 1],
  ],
  [
    [3, 240, 80, false, true, 2],
    [3, 200, 80, false, true, 1],
    [3, 184, 80, false, true, 1],
    [3, 184, 80, false, true, 1],
    [3, 480, 112, true, true, 1],
    [3, 672, 112, true, true, 1],
  ],
  [
    [5, 672, 160, true, true, 2],
    [5, 960, 160, true, true, 1],
    [5, 960, 160, true, true, 1],
  ],
];

/** Table 2, grouped by output resolution (stage1 at 56×56 … stage4 at 7×7). */
const SMALL: readonly (readonly Bneck[])[] = [
  [[3, 16, 16, true, false, 2]],
  [
    [3, 72, 24, false, false, 2],
    [3, 88, 24, false, false, 1],
  ],
  [
    [5, 96, 40, true, true, 2],
    [5, 240, 40, true, true, 1],
    [5, 240, 40, true, true, 1],
    [5, 120, 48, true, true, 1],
    [5, 144, 48, true, true, 1],
  ],
  [
    [5, 288, 96, true, true, 2],
    [5, 576, 96, true, true, 1],
    [5, 576, 96, true, true, 1],
  ],
];

export interface MobileNetV3Variant {
  readonly stages: readonly (readonly Bneck[])[];
  /** Width of the head's first FC. */
  readonly lastChannel: number;
}

/** Large (Table 1) and Small (Table 2): their bneck stages and the head FC width. */
export const MOBILENET_V3_VARIANTS: Readonly<Record<'large' | 'small', MobileNetV3Variant>> = {
  large: { stages: LARGE, lastChannel: 1280 },
  small: { stages: SMALL, lastChannel: 1024 },
};

/**
 * torchvision's `reduced_tail`: the last stage's expanded and output widths halved (except the
 * first bneck's expansion) and the head FC too — the MobileNetV3 paper's §6.1.1 variant for
 * detection and segmentation, which torchvision's SSDLite builds when it has no pretrained backbone.
 */
export function reducedTail({ stages, lastChannel }: MobileNetV3Variant): MobileNetV3Variant {
  const last = stages.length - 1;
  const halved = stages[last].map(([k, expanded, out, se, hs, s], j): Bneck => [k, j === 0 ? expanded : expanded / 2, out / 2, se, hs, s]);
  return { stages: [...stages.slice(0, last), halved], lastChannel: lastChannel / 2 };
}

const KNOBS: KnobSpec[] = [
  {
    name: 'se',
    description: 'Squeeze-and-excitation in the bnecks that have it in Tables 1 and 2; false removes every SE module',
    default: true,
    kind: 'boolean',
  },
  {
    name: 'act',
    description:
      'Nonlinearity wherever the paper uses h-swish (stem, later bnecks, last conv, head); relu is the paper’s ReLU-only baseline. SE gates stay hard-sigmoid',
    default: 'hardswish',
    kind: 'choice',
    choices: ['hardswish', 'relu'],
  },
  {
    name: 'reduced_tail',
    description:
      'Halve the last stage and the head (torchvision’s reduced_tail, paper §6.1.1), as torchvision’s SSDLite builds its backbone',
    default: false,
    kind: 'boolean',
  },
];

function build(id: string, variant: MobileNetV3Variant, options: ZooBuildOptions) {
  const { stages, lastChannel } = options.knobs.reduced_tail ? reducedTail(variant) : variant;
  const b = new GraphBuilder(id);
  const channels = (c: number) => makeDivisible(c * options.width);
  const hswish = options.knobs.act as Activation;
  const useSe = options.knobs.se as boolean;
  let x = b.input('input', inputShape(options));
  x = convBnAct(b, x, { out: channels(16), k: 3, s: 2 }, hswish, 'stem');
  let block = 0;
  stages.forEach((stage, i) =>
    b.scope(`stage${i + 1}`, () => {
      for (const [k, expanded, out, se, hs, s] of stage) {
        const hidden = channels(expanded);
        x = invertedResidual(
          b,
          x,
          {
            out: channels(out),
            s,
            k,
            hidden,
            act: hs ? hswish : 'relu',
            se: se && useSe ? { squeeze: makeDivisible(Math.floor(hidden / 4)), gate: 'hardsigmoid' } : undefined,
          },
          `block${++block}`,
        );
      }
    }),
  );
  x = convBnAct(b, x, { out: 6 * x.shape[1], k: 1 }, hswish, 'head');
  const y = b.scope('classifier', () => {
    let y = b.add1('GlobalAveragePool', 'pool', [x]);
    y = b.add1('Flatten', 'flatten', [y], { axis: 1 });
    y = activation(b, b.add1('Gemm', 'fc1', [y], { out_features: channels(lastChannel), bias: true }), hswish);
    y = b.add1('Dropout', 'dropout', [y], { ratio: 0.2 });
    return b.add1('Gemm', 'fc2', [y], { out_features: options.numClasses, bias: true });
  });
  return b.build([y]);
}

const PAPER = 'arXiv:1905.02244 Table 3';

/** Why Table 3's params and MAdds differ from torchvision's build of the same variant (lcnb's), as the re-implementations show. */
interface CountNotes {
  readonly params: string;
  readonly madds: string;
}

/** Paper Table 3: top-1, MAdds, params and Pixel 1/2/3 latency. */
function paper(top1: number, madds: number, params: number, pixelMs: [number, number, number], notes?: CountNotes): PublishedFigure[] {
  const counts = publishedFigures({ params, madds, top1 }, PAPER).map((f) => (notes && (f.metric === 'params' || f.metric === 'madds') ? { ...f, note: notes[f.metric] } : f));
  return [
    ...counts,
    ...pixelMs.map(
      (ms, i): PublishedFigure => ({
        metric: 'latency_ms',
        value: ms,
        source: PAPER,
        settings: `Google Pixel ${i + 1}, TFLite Benchmark Tool, single thread on a large core, batch 1, float, 224×224`,
      }),
    ),
  ];
}

// Re-implementation counts: timm's benchmark results and d-li14/mobilenetv3.pytorch's README.
const NARROW_HEAD = (fc: number, narrowed: number) =>
  `torchvision's width rule (lcnb's) narrows the ${fc}-wide FC after pooling to ${narrowed}; timm keeps it at ${fc}`;
const LARGE_0_75: CountNotes = {
  params: `Table 3's count. ${NARROW_HEAD(1280, 960)} and counts 3.99M params, close to this figure`,
  madds: `Table 3's count. ${NARROW_HEAD(1280, 960)} and counts 0.16 GMACs, close to this figure`,
};
const SMALL_0_75: CountNotes = {
  params: `Table 3's count. ${NARROW_HEAD(1024, 768)}, as does d-li14/mobilenetv3.pytorch: both count 2.04M params, still below this figure`,
  madds: `Table 3's count. ${NARROW_HEAD(1024, 768)}, as does d-li14/mobilenetv3.pytorch, which counts 43.4M MAdds`,
};
const SMALL_1_0: CountNotes = {
  params: "Table 3's count. torchvision, timm and d-li14/mobilenetv3.pytorch all build Small 1.0 with 2.54M params, as lcnb counts; the paper's table does not say what its count adds",
  madds: "Table 3's count. d-li14/mobilenetv3.pytorch counts 56.5M MAdds and timm 0.06 GMACs for Small 1.0, as lcnb counts; the paper's table does not say what its count adds",
};

const large = widthVariants('mobilenet_v3_large', [
  { width: 0.75, published: paper(73.3, 155e6, 4.0e6, [39, 46, 40], LARGE_0_75) },
  { width: 1.0, published: paper(75.2, 219e6, 5.4e6, [51, 61, 44]) },
], KNOBS, (id, options) => build(id, MOBILENET_V3_VARIANTS.large, options));

const small = widthVariants('mobilenet_v3_small', [
  { width: 0.75, published: paper(65.4, 44e6, 2.4e6, [12.8, 15.6, 11.7], SMALL_0_75) },
  { width: 1.0, published: paper(67.4, 66e6, 2.9e6, [15.8, 19.4, 14.4], SMALL_1_0) },
], KNOBS, (id, options) => build(id, MOBILENET_V3_VARIANTS.small, options));

export const mobilenetV3: ZooFamily = {
  family: 'MobileNetV3',
  paper: 'arXiv:1905.02244',
  models: [...large, ...small],
};
