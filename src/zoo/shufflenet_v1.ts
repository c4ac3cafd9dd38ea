/**
 * ShuffleNet v1 (Zhang et al., arXiv:1707.01083), Table 1, as Megvii's official code builds it
 * (megvii-model/ShuffleNet-Series `ShuffleNetV1/`): Conv1 3×3/2 → MaxPool 3×3/2 → Stage2–Stage4
 * (4, 8, 4 units, the first of each at stride 2) → global pool → FC without bias. Scope names follow
 * the paper's table: `stem` (Conv1, MaxPool), `stage2`–`stage4`, `classifier`.
 *
 * Channels. Megvii's code hard-codes tables for groups 3 and 8 at 0.5×, 1×, 1.5× and 2×; the paper's
 * Table 1 gives 1× for every group (stage-2 output 144, 200, 240, 272, 384 for g = 1, 2, 3, 4, 8,
 * doubling per stage). lcnb uses one rule that reproduces all of those tables exactly and extends
 * them to every group and width:
 * - stage-2 output = 1× channels · width, rounded to a multiple of 4·g (makeDivisible), so the
 *   bottleneck (a quarter of the output) splits evenly into g groups — every table above already
 *   consists of multiples of 4·g; stages 3 and 4 double it;
 * - stem = 24 · width below 1×, 24 · ⌊width⌋ from 1× on (Megvii's tables keep 24 filters at 1.5×
 *   and use 48 at 2×), rounded up to a multiple of g so the first unit's grouped 1×1 can output
 *   (stage-2 − stem) channels (this is why Megvii's 0.5× g=8 stem has 16 filters, not 12).
 * With this rule every width builds for every group.
 */
import { GraphBuilder, Tensor } from '../core/ir';
import { PublishedFigure } from '../core/summary';
import { classifier, convBnAct, convPoolStem, makeDivisible } from './blocks';
import { ZooBuildOptions, ZooFamily, ZooModel, inputShape, publishedFigures, widthSuffix } from './familyTypes';

export interface ShuffleV1UnitOptions {
  out: number;
  groups: number;
  stride: 1 | 2;
  /** Whether the first 1×1 conv is grouped; the paper and Megvii's code leave it ungrouped in the
   *  first unit of Stage2, whose input (the stem) has too few channels. Default true. */
  groupFirst?: boolean;
}

/**
 * The ShuffleNet unit (paper Fig. 2b/c): 1×1 group conv → BN → ReLU → 3×3 depthwise → BN → channel
 * shuffle → 1×1 group conv → BN, bottleneck = out / 4. Stride 1: add the input, then ReLU.
 * Stride 2: the main branch outputs out − in channels, ReLU, concatenated after a 3×3/2 average
 * pool of the input. The paper draws the shuffle before the depthwise conv, Megvii's code puts it
 * after; a depthwise conv commutes with a channel permutation, so the networks are the same and lcnb
 * follows the code (whose shuffle then moves 4× less data in stride-2 units). With g = 1 there is
 * no shuffle.
 */
export function shuffleV1Unit(b: GraphBuilder, x: Tensor, o: ShuffleV1UnitOptions, scope: string): Tensor {
  return b.scope(scope, () => {
    const inChannels = x.shape[1];
    const mid = Math.floor(o.out / 4);
    const mainOut = o.stride === 2 ? o.out - inChannels : o.out;
    let y = convBnAct(b, x, { out: mid, k: 1, groups: o.groupFirst === false ? 1 : o.groups }, 'relu', 'gconv1');
    y = convBnAct(b, y, { out: mid, k: 3, s: o.stride, groups: mid }, 'none', 'dw');
    if (o.groups > 1) y = b.add1('ChannelShuffle', 'shuffle', [y], { group: o.groups });
    y = convBnAct(b, y, { out: mainOut, k: 1, groups: o.groups }, 'none', 'gconv2');
    if (o.stride === 1) return b.add1('Relu', 'relu', [b.add1('Add', 'add', [y, x])]);
    const shortcut = b.add1('AveragePool', 'shortcut', [x], {
      kernel_shape: [3, 3],
      strides: [2, 2],
      pads: [1, 1, 1, 1],
      count_include_pad: true,
    });
    return b.add1('Concat', 'concat', [shortcut, b.add1('Relu', 'relu', [y])], { axis: 1 });
  });
}

export const GROUPS = [1, 2, 3, 4, 8] as const;
export const WIDTHS = [0.25, 0.5, 1.0, 1.5, 2.0] as const;

/** Stage-2 output channels of ShuffleNet 1× per group (paper Table 1). */
const STAGE2_1X: Readonly<Record<number, number>> = { 1: 144, 2: 200, 3: 240, 4: 272, 8: 384 };
/** Units per stage (Stage2–Stage4), the first of each at stride 2. */
export const SHUFFLENET_V1_REPEATS: readonly number[] = [4, 8, 4];

/** Stem and Stage2–Stage4 output channels for `groups` at `width` (see the rule above). */
export function shuffleV1Channels(groups: number, width: number): { stem: number; stages: [number, number, number] } {
  const quantum = 4 * groups;
  const stage2 = makeDivisible(STAGE2_1X[groups] * width, quantum, quantum);
  const stem = Math.max(groups, Math.ceil((width < 1 ? 24 * width : 24 * Math.floor(width)) / groups - 1e-9) * groups);
  return { stem, stages: [stage2, 2 * stage2, 4 * stage2] };
}

function build(id: string, groups: number, options: ZooBuildOptions) {
  const { stem, stages } = shuffleV1Channels(groups, options.width);
  const b = new GraphBuilder(id);
  let x = b.input('input', inputShape(options));
  x = convPoolStem(b, x, stem);
  let block = 0;
  SHUFFLENET_V1_REPEATS.forEach((repeats, i) =>
    b.scope(`stage${i + 2}`, () => {
      for (let r = 0; r < repeats; r++) {
        const first = r === 0;
        x = shuffleV1Unit(b, x, { out: stages[i], groups, stride: first ? 2 : 1, groupFirst: !(i === 0 && first) }, `block${++block}`);
      }
    }),
  );
  // Megvii pools with a fixed 7×7 window (global at 224×224); lcnb pools globally at any resolution.
  return b.build([classifier(b, x, { classes: options.numClasses, bias: false })]);
}

const PAPER_T2 = 'arXiv:1707.01083 Table 2 (top-1 = 100 − the table\'s classification error)';
const PAPER_T5 = 'arXiv:1707.01083 Table 5 (top-1 = 100 − the table\'s classification error)';
const MEGVII = 'megvii-model/ShuffleNet-Series ShuffleNetV1/README.md (retrained)';
const T8_SETTINGS = 'Qualcomm Snapdragon 820, single thread, 224×224, per-image inference time (batch and framework not stated)';
const V2_ARM =
  'Qualcomm Snapdragon 810 ARM CPU, 1 thread, batch 1, 224×224, average of 100 runs (arXiv:1807.11164 §2); converted from images/s as 1000 / throughput';

/** Paper Table 2: top-1 error per width and group g = 1, 2, 3, 4, 8, with the table's MFLOPs. */
const TABLE2: Record<number, { mflops: number; err: number[] }> = {
  1.0: { mflops: 140, err: [33.6, 32.7, 32.6, 32.8, 32.4] },
  0.5: { mflops: 38, err: [45.1, 44.4, 43.2, 41.6, 42.3] },
  0.25: { mflops: 13, err: [57.1, 56.8, 55.0, 54.2, 52.7] },
};

/** Paper Table 5: MFLOPs and top-1 error of the g = 3 rows at 1.5× and 2×, per "g:width". */
const TABLE5: Record<string, { mflops: number; err: number }> = {
  '3:1.5': { mflops: 292, err: 28.5 },
  '3:2': { mflops: 524, err: 26.3 },
};

/** Megvii's README: [MFLOPs, params (M), top-1 error] per "g:width". */
const MEGVII_RESULTS: Record<string, [number, number, number]> = {
  '3:2': [524, 5.4, 25.9],
  '8:2': [522, 6.5, 27.1],
  '3:1.5': [292, 3.4, 28.4],
  '8:1.5': [290, 4.3, 29.0],
  '3:1': [138, 1.9, 32.2],
  '8:1': [138, 2.4, 32.0],
  '3:0.5': [38, 0.7, 42.7],
  '8:0.5': [40, 1.0, 41.2],
};

/** Paper Table 8 latency (ms at 224×224) and ShuffleNetV2 Table 8 ARM images/s, both for g = 3. */
const G3_LATENCY: Record<number, { table8?: number; v2ArmImagesPerSecond: number }> = {
  0.5: { table8: 15.2, v2ArmImagesPerSecond: 56.8 },
  1.0: { table8: 37.8, v2ArmImagesPerSecond: 21.8 },
  1.5: { v2ArmImagesPerSecond: 10.3 },
  2.0: { table8: 108.8, v2ArmImagesPerSecond: 6.4 },
};

const top1 = (err: number) => Math.round((100 - err) * 10) / 10;

// Why a group count's own count can differ from Table 2's (Megvii's retrain lists 0.5× g = 8 at 40M).
const TABLE2_NOTE =
  "one complexity per width for every group count: the paper sets each g's channels to keep the cost roughly the same, and scales channels by s for roughly s² of 1×'s cost; it gives no count per g";

function published(groups: number, width: number): PublishedFigure[] {
  const figures: PublishedFigure[] = [];
  const t2 = TABLE2[width];
  if (t2) {
    const [madds, top] = publishedFigures(
      { madds: t2.mflops * 1e6, top1: top1(t2.err[GROUPS.indexOf(groups as (typeof GROUPS)[number])]) },
      { madds: `arXiv:1707.01083 Table 2 (complexity column, MFLOPs = multiply-adds)`, top1: PAPER_T2 },
    );
    figures.push({ ...madds, note: TABLE2_NOTE }, top);
  }
  const t5 = TABLE5[`${groups}:${width}`];
  if (t5) {
    figures.push(...publishedFigures({ madds: t5.mflops * 1e6, top1: top1(t5.err) }, { madds: 'arXiv:1707.01083 Table 5', top1: PAPER_T5 }));
  }
  const megvii = MEGVII_RESULTS[`${groups}:${width}`];
  if (megvii) {
    figures.push(
      ...publishedFigures(
        { params: megvii[1] * 1e6, madds: megvii[0] * 1e6, top1: top1(megvii[2]) },
        { params: MEGVII, madds: `${MEGVII}, its FLOPs are multiply-adds`, top1: `${MEGVII}, its Top-1 column is the error: top-1 = 100 − it` },
      ),
    );
  }
  const latency = groups === 3 ? G3_LATENCY[width] : undefined;
  if (latency) {
    if (latency.table8 !== undefined) {
      figures.push({ metric: 'latency_ms', value: latency.table8, source: 'arXiv:1707.01083 Table 8', settings: T8_SETTINGS });
    }
    figures.push({
      metric: 'latency_ms',
      value: Math.round((1000 / latency.v2ArmImagesPerSecond) * 100) / 100,
      source: `arXiv:1807.11164 Table 8 (ShuffleNet v1 re-measured, ARM ${latency.v2ArmImagesPerSecond} images/s)`,
      settings: V2_ARM,
    });
  }
  return figures;
}

export const shufflenetV1: ZooFamily = {
  family: 'ShuffleNetV1',
  paper: 'arXiv:1707.01083',
  models: GROUPS.flatMap((groups) =>
    WIDTHS.map(
      (width): Omit<ZooModel, 'family'> => {
        const id = `shufflenet_v1_g${groups}_${widthSuffix(width)}`;
        return { id, width, published: published(groups, width), knobs: [], build: (options: ZooBuildOptions) => build(id, groups, options) };
      },
    ),
  ),
};
