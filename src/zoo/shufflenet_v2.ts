/**
 * ShuffleNetV2 (Ma et al., arXiv:1807.11164), Table 5, as torchvision builds it
 * (`shufflenet_v2_x*`): Conv1 3×3/2 → MaxPool 3×3/2 → Stage2–Stage4 (4, 8, 4 units, the first of
 * each at stride 2) → Conv5 1×1 → global pool → FC (with bias). Scope names follow the paper's
 * table: `stem` (Conv1, MaxPool), `stage2`–`stage4`, `head` (Conv5), `classifier`.
 *
 * The paper gives channel tables only for 0.5×, 1×, 1.5× and 2×; other widths are refused.
 * Megvii's official code has the same channels but an FC without bias (and dropout before the FC
 * in 2×), so its parameter counts are 1000 lower than torchvision's.
 */
import { UserError } from '../core/errors';
import { GraphBuilder, Tensor } from '../core/ir';
import { PublishedFigure } from '../core/summary';
import { classifier, convBnAct, convPoolStem } from './blocks';
import { ZooBuildOptions, ZooFamily, inputShape, publishedFigures, widthVariants } from './familyTypes';

/**
 * The ShuffleNetV2 unit (paper Fig. 3c/d). Stride 1: split the channels in half, keep one half,
 * run the other through 1×1 → 3×3 depthwise → 1×1, concatenate, shuffle with 2 groups. Stride 2:
 * no split; branch1 (3×3/2 depthwise → 1×1) and branch2 (1×1 → 3×3/2 depthwise → 1×1) each
 * produce half of `out` channels, then concatenate and shuffle. Only the 1×1 convs have ReLU.
 */
export function shuffleV2Unit(b: GraphBuilder, x: Tensor, o: { out: number; stride: 1 | 2 }, scope: string): Tensor {
  return b.scope(scope, () => {
    const half = Math.floor(o.out / 2);
    const branch = (input: Tensor, name: string) =>
      b.scope(name, () => {
        let y = convBnAct(b, input, { out: half, k: 1 }, 'relu', 'pw1');
        y = convBnAct(b, y, { out: half, k: 3, s: o.stride, groups: half }, 'none', 'dw');
        return convBnAct(b, y, { out: half, k: 1 }, 'relu', 'pw2');
      });
    let parts: Tensor[];
    if (o.stride === 1) {
      const channels = x.shape[1];
      const [keep, main] = b.add('Split', 'split', [x], { axis: 1, split: [channels / 2, channels / 2] });
      parts = [keep, branch(main, 'branch2')];
    } else {
      const short = b.scope('branch1', () => {
        const channels = x.shape[1];
        const y = convBnAct(b, x, { out: channels, k: 3, s: 2, groups: channels }, 'none', 'dw');
        return convBnAct(b, y, { out: half, k: 1 }, 'relu', 'pw');
      });
      parts = [short, branch(x, 'branch2')];
    }
    const y = b.add1('Concat', 'concat', parts, { axis: 1 });
    return b.add1('ChannelShuffle', 'shuffle', [y], { group: 2 });
  });
}

/** Output channels of Conv1, Stage2, Stage3, Stage4 and Conv5 per width (paper Table 5). */
export const SHUFFLENET_V2_CHANNELS: ReadonlyMap<number, readonly number[]> = new Map([
  [0.5, [24, 48, 96, 192, 1024]],
  [1.0, [24, 116, 232, 464, 1024]],
  [1.5, [24, 176, 352, 704, 1024]],
  [2.0, [24, 244, 488, 976, 2048]],
]);
/** Units per stage (Stage2–Stage4), the first of each at stride 2. */
export const SHUFFLENET_V2_REPEATS: readonly number[] = [4, 8, 4];

function build(id: string, options: ZooBuildOptions) {
  const channels = SHUFFLENET_V2_CHANNELS.get(options.width);
  if (!channels) {
    const widths = [...SHUFFLENET_V2_CHANNELS.keys()].map((w) => w.toFixed(1)).join(', ');
    throw new UserError(
      `${id}: width ${options.width} is not available: ShuffleNetV2 defines its channels only for widths ${widths} (arXiv:1807.11164 Table 5)`,
    );
  }
  const b = new GraphBuilder(id);
  let x = b.input('input', inputShape(options));
  x = convPoolStem(b, x, channels[0]);
  let block = 0;
  SHUFFLENET_V2_REPEATS.forEach((repeats, i) =>
    b.scope(`stage${i + 2}`, () => {
      for (let r = 0; r < repeats; r++) x = shuffleV2Unit(b, x, { out: channels[i + 1], stride: r === 0 ? 2 : 1 }, `block${++block}`);
    }),
  );
  x = b.scope('head', () => convBnAct(b, x, { out: channels[4], k: 1 }, 'relu', 'conv5'));
  return b.build([classifier(b, x, { classes: options.numClasses })]);
}

const TABLE5 = 'arXiv:1807.11164 Table 5';
const TABLE8 = 'arXiv:1807.11164 Table 8 (top-1 = 100 − top-1 error)';
const ARM = 'Qualcomm Snapdragon 810 ARM CPU, 1 thread, batch 1, 224×224, average of 100 runs (arXiv:1807.11164 §2); converted from images/s as 1000 / throughput';

function figures(flops: number, weights: number, err: number, armImagesPerSecond: number): PublishedFigure[] {
  return [
    ...publishedFigures(
      { params: weights, madds: flops, top1: Math.round((100 - err) * 10) / 10 },
      { params: TABLE5, madds: `${TABLE5} (its FLOPs are multiply-adds)`, top1: TABLE8 },
    ),
    {
      metric: 'latency_ms',
      value: Math.round((1000 / armImagesPerSecond) * 100) / 100,
      source: `${TABLE8.split(' (')[0]} (ARM ${armImagesPerSecond} images/s)`,
      settings: ARM,
    },
  ];
}

export const shufflenetV2: ZooFamily = {
  family: 'ShuffleNetV2',
  paper: 'arXiv:1807.11164',
  models: widthVariants('shufflenet_v2', [
    { width: 0.5, published: figures(41e6, 1.4e6, 39.7, 57.0) },
    { width: 1.0, published: figures(146e6, 2.3e6, 30.6, 24.4) },
    { width: 1.5, published: figures(299e6, 3.5e6, 27.4, 11.8) },
    { width: 2.0, published: figures(591e6, 7.4e6, 25.1, 6.7) },
  ], [], build),
};
