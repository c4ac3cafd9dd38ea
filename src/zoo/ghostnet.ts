/**
 * GhostNet (Han et al., arXiv:1911.11907, CVPR 2020), Table 1, as built by the official
 * huawei-noah/Efficient-AI-Backbones `ghostnet_pytorch/ghostnet.py`: a 3×3 stem, 16 Ghost
 * bottlenecks, a 1×1 conv to 960·width, then global pooling, a 1×1 conv to 1280 (with bias, no
 * BN), ReLU, dropout and the linear classifier. Channels are `_make_divisible(c · width, 4)`.
 */
import { GraphBuilder, Tensor } from '../core/ir';
import { activation, conv, convBnAct, makeDivisible, squeezeExcite } from './blocks';
import { KnobSpec, ZooBuildOptions, ZooFamily, inputShape, knobError, publishedFigures, widthVariants } from './familyTypes';

export interface GhostModuleOptions {
  out: number;
  /** s: the primary conv makes ⌈out / s⌉ intrinsic maps, the cheap op the other (s − 1) per map. */
  ratio?: number;
  /** d: kernel of the depthwise cheap operation (odd, so the maps keep their size). */
  dwKernel?: number;
  relu?: boolean;
}

/**
 * Ghost module: a 1×1 primary conv makes ⌈out/s⌉ intrinsic maps, a d×d depthwise conv makes
 * s − 1 ghosts of each, and their concatenation is cut back to `out` channels.
 */
export function ghostModule(b: GraphBuilder, x: Tensor, o: GhostModuleOptions, scope: string): Tensor {
  return b.scope(scope, () => ghostMaps(b, x, o));
}

/** The layers of a Ghost module, added in the current scope (GhostNetV2 adds its attention beside them). */
export function ghostMaps(b: GraphBuilder, x: Tensor, o: GhostModuleOptions): Tensor {
  const ratio = o.ratio ?? 2;
  const dwKernel = o.dwKernel ?? 3;
  const act = o.relu ?? true ? 'relu' : 'none';
  const init = Math.ceil(o.out / ratio);
  const primary = convBnAct(b, x, { out: init, k: 1 }, act, 'primary');
  const cheap = convBnAct(b, primary, { out: init * (ratio - 1), k: dwKernel, groups: init }, act, 'cheap');
  const y = b.add1('Concat', 'concat', [primary, cheap], { axis: 1 });
  // The reference always slices; when nothing is cut the slice is a free view, so it is left out.
  return init * ratio === o.out ? y : b.add1('Slice', 'slice', [y], { axis: 1, start: 0, end: o.out });
}

export interface GhostBottleneckOptions {
  mid: number;
  out: number;
  /** Kernel of the stride-2 depthwise conv and of the shortcut's depthwise conv. */
  k: number;
  s: number;
  se: boolean;
  ratio?: number;
  dwKernel?: number;
  /** Builds the expanding Ghost module; GhostNetV2 passes one with DFC attention. */
  expand?: (b: GraphBuilder, x: Tensor, mid: number, scope: string) => Tensor;
}

/**
 * Ghost bottleneck: Ghost module (ReLU) → depthwise k×k stride 2 when s = 2 → SE (hard-sigmoid
 * gate, squeeze `_make_divisible(mid / 4, 4)`) → Ghost module without ReLU, plus a shortcut that
 * is the identity, or a depthwise k×k (stride s) + BN → 1×1 + BN when the shape changes.
 */
export function ghostBottleneck(b: GraphBuilder, x: Tensor, o: GhostBottleneckOptions, scope: string): Tensor {
  return b.scope(scope, () => {
    const module = { ratio: o.ratio, dwKernel: o.dwKernel };
    let y = o.expand ? o.expand(b, x, o.mid, 'ghost1') : ghostModule(b, x, { ...module, out: o.mid }, 'ghost1');
    if (o.s > 1) y = convBnAct(b, y, { out: o.mid, k: o.k, s: o.s, groups: o.mid }, 'none', 'dw');
    if (o.se) y = squeezeExcite(b, y, { squeeze: makeDivisible(o.mid * 0.25, 4), gate: 'hardsigmoid' });
    y = ghostModule(b, y, { ...module, out: o.out, relu: false }, 'ghost2');
    const inChannels = x.shape[1];
    let shortcut = x;
    if (inChannels !== o.out || o.s !== 1) {
      shortcut = b.scope('shortcut', () => {
        const dw = convBnAct(b, x, { out: inChannels, k: o.k, s: o.s, groups: inChannels }, 'none', 'dw');
        return convBnAct(b, dw, { out: o.out, k: 1 }, 'none', 'pw');
      });
    }
    return b.add1('Add', 'add', [y, shortcut]);
  });
}

/** [kernel, expansion, output channels, SE, stride] per bottleneck, in the five stages the reference's comments mark. */
export type GhostStage = [number, number, number, boolean, number][];

export const GHOSTNET_STAGES: readonly GhostStage[] = [
  [[3, 16, 16, false, 1]],
  [[3, 48, 24, false, 2], [3, 72, 24, false, 1]],
  [[5, 72, 40, true, 2], [5, 120, 40, true, 1]],
  [
    [3, 240, 80, false, 2],
    [3, 200, 80, false, 1],
    [3, 184, 80, false, 1],
    [3, 184, 80, false, 1],
    [3, 480, 112, true, 1],
    [3, 672, 112, true, 1],
  ],
  [
    [5, 672, 160, true, 2],
    [5, 960, 160, false, 1],
    [5, 960, 160, true, 1],
    [5, 960, 160, false, 1],
    [5, 960, 160, true, 1],
  ],
];

/**
 * The GhostNet skeleton shared with GhostNetV2: stem, five stages of bottlenecks, the 960·width
 * 1×1 conv and the 1280-wide head. `bottleneck` receives each block's index, counted from 0
 * through the network.
 */
export function buildGhostNet(
  id: string,
  options: ZooBuildOptions,
  bottleneck: (b: GraphBuilder, x: Tensor, o: GhostBottleneckOptions, index: number, scope: string) => Tensor,
) {
  const b = new GraphBuilder(id);
  const channels = (c: number) => makeDivisible(c * options.width, 4);
  let x = b.input('input', inputShape(options));
  x = convBnAct(b, x, { out: channels(16), k: 3, s: 2 }, 'relu', 'stem');
  let block = 0;
  GHOSTNET_STAGES.forEach((stage, i) =>
    b.scope(`stage${i + 1}`, () => {
      for (const [k, exp, out, se, s] of stage) {
        x = bottleneck(b, x, { mid: channels(exp), out: channels(out), k, s, se }, block, `block${block + 1}`);
        block++;
      }
    }),
  );
  const last = GHOSTNET_STAGES[GHOSTNET_STAGES.length - 1];
  x = b.scope('head', () => convBnAct(b, x, { out: channels(last[last.length - 1][1]), k: 1 }, 'relu', 'conv'));
  const logits = b.scope('classifier', () => {
    let y = b.add1('GlobalAveragePool', 'pool', [x]);
    y = activation(b, conv(b, y, { out: 1280, k: 1, bias: true }, 'conv_head'), 'relu');
    y = b.add1('Flatten', 'flatten', [y], { axis: 1 });
    y = b.add1('Dropout', 'dropout', [y], { ratio: 0.2 });
    return b.add1('Gemm', 'fc', [y], { out_features: options.numClasses, bias: true });
  });
  return b.build([logits]);
}

const KNOBS: KnobSpec[] = [
  {
    name: 'ratio',
    description: "Ghost module ratio s: 1/s of the output maps come from the 1×1 primary conv, the rest from the cheap depthwise op (the paper's ablation tries s = 2…5)",
    default: 2,
    kind: 'integer',
    min: 2,
    max: 16,
  },
  {
    name: 'dw_kernel',
    description: "Kernel d of the cheap depthwise op in every Ghost module, odd (the paper's ablation tries d = 1, 3, 5, 7)",
    default: 3,
    kind: 'integer',
    min: 1,
    max: 15,
  },
];

function build(id: string, options: ZooBuildOptions) {
  const ratio = options.knobs.ratio as number;
  const dwKernel = options.knobs.dw_kernel as number;
  if (!Number.isInteger(ratio) || ratio < 2) {
    throw knobError(id, 'ratio', `must be an integer ≥ 2 (s = 1 leaves the cheap operation no maps to make), got ${ratio}`);
  }
  if (!Number.isInteger(dwKernel) || dwKernel < 1 || dwKernel % 2 === 0) {
    throw knobError(id, 'dw_kernel', `must be an odd positive integer (an even kernel cannot keep the maps' size), got ${dwKernel}`);
  }
  return buildGhostNet(id, options, (b, x, o, _index, scope) => ghostBottleneck(b, x, { ...o, ratio, dwKernel }, scope));
}

const TABLE7 = 'arXiv:1911.11907 Table 7';
/** FasterNet (arXiv:2303.03667) Table 3 measured GhostNet 1.3× on its own hardware. */
const FASTERNET_TABLE3 = 'arXiv:2303.03667 Table 3 (FasterNet paper, third-party measurement)';

export const ghostnet: ZooFamily = {
  family: 'GhostNet',
  paper: 'arXiv:1911.11907',
  models: widthVariants('ghostnet', [
    {
      width: 0.5,
      published: publishedFigures({ params: 2.6e6, madds: 42e6, top1: 66.2 }, TABLE7),
    },
    {
      width: 1.0,
      published: publishedFigures({ params: 5.2e6, madds: 141e6, top1: 73.9 }, TABLE7),
    },
    {
      width: 1.3,
      published: [
        ...publishedFigures({ params: 7.3e6, madds: 226e6, top1: 75.7 }, TABLE7),
        {
          metric: 'latency_ms',
          value: 17.9,
          source: FASTERNET_TABLE3,
          settings: 'Intel i9-9900X CPU, 1 thread, batch 1, 224×224, BN merged',
        },
        {
          metric: 'latency_ms',
          value: 481,
          source: FASTERNET_TABLE3,
          settings: 'ARM Cortex-A72, 1 thread, batch 1, 224×224, BN merged',
        },
      ],
    },
  ], KNOBS, build),
};
