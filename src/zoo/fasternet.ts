/**
 * FasterNet (Chen et al., "Run, Don't Walk", arXiv:2303.03667), as built by the official
 * JierunChen/FasterNet `models/fasternet.py` with its `cfg/fasternet_*.yaml`: a 4×4/4 patch
 * embedding, four stages of FasterNet blocks (PConv then a 1×1 → BN → act → 1×1 MLP, residual)
 * joined by 2×2/2 merging convs, then GAP → 1×1 conv to 1280 (no bias, no BN) → act → Linear.
 *
 * PConv is modelled as the training graph ('split_cat'): Split → 3×3 conv on the first c·r
 * channels → Concat. Every official config has layer_scale_init_value 0 (no layer scale) and
 * drop path holds no parameters, so neither appears here.
 */
import { GraphBuilder, Tensor } from '../core/ir';
import { PublishedFigure } from '../core/summary';
import { Activation, activation, conv } from './blocks';
import { KnobSpec, ZooBuildOptions, ZooFamily, inputShape, knobError, publishedFigures } from './familyTypes';

export interface PConvOptions {
  /** Channels the 3×3 conv sees (c·r in the paper); the rest pass through untouched. */
  partial: number;
}

/** Partial convolution: a 3×3 conv on the first `partial` channels, the others copied through. */
export function pconv(b: GraphBuilder, x: Tensor, o: PConvOptions, scope = 'pconv'): Tensor {
  return b.scope(scope, () => {
    const channels = x.shape[1];
    if (o.partial === channels) return conv(b, x, { out: channels, k: 3 });
    const [head, rest] = b.add('Split', 'split', [x], { axis: 1, split: [o.partial, channels - o.partial] });
    const mixed = conv(b, head, { out: o.partial, k: 3 });
    return b.add1('Concat', 'concat', [mixed, rest], { axis: 1 });
  });
}

export interface FasterNetBlockOptions extends PConvOptions {
  /** Hidden channels of the MLP: int(c · mlp_ratio) in the official code. */
  hidden: number;
  act: Activation;
}

/** FasterNet block: PConv → 1×1 expand → BN → act → 1×1 project, plus the input. */
export function fasternetBlock(b: GraphBuilder, x: Tensor, o: FasterNetBlockOptions, scope: string): Tensor {
  return b.scope(scope, () => {
    const mixed = pconv(b, x, o);
    const y = b.scope('mlp', () => {
      let h = conv(b, mixed, { out: o.hidden, k: 1 }, 'expand');
      h = activation(b, b.add1('BatchNormalization', 'bn', [h]), o.act);
      return conv(b, h, { out: x.shape[1], k: 1 }, 'project');
    });
    return b.add1('Add', 'add', [x, y]);
  });
}

export interface FasterNetVariant {
  /** The id's suffix: fasternet_<name>. */
  name: string;
  embed: number;
  depths: readonly number[];
  act: 'gelu' | 'relu';
  published: PublishedFigure[];
}

const FEATURES = 1280;
const DEFAULT_RATIO = 0.25;
const DEFAULT_MLP_RATIO = 2;

const TABLE3 = 'arXiv:2303.03667 Table 3';
const CPU = 'Intel i9-9900X, 1 thread, batch 1, PyTorch FP32 with Conv+BN fused (official train_test.py --measure_latency)';
const ARM = 'ARM Cortex-A72, 1 thread, batch 1, PyTorch FP32 with Conv+BN fused';

function published(params: number, madds: number, top1: number, cpuMs: number, armMs?: number): PublishedFigure[] {
  const figures: PublishedFigure[] = [
    ...publishedFigures({ params, madds, top1 }, TABLE3),
    { metric: 'latency_ms', value: cpuMs, source: TABLE3, settings: CPU },
  ];
  if (armMs !== undefined) figures.push({ metric: 'latency_ms', value: armMs, source: TABLE3, settings: ARM });
  return figures;
}

/** embed_dim, depths and act_layer of cfg/fasternet_<name>.yaml (all: mlp_ratio 2, n_div 4, feature_dim 1280). */
export const FASTERNET_VARIANTS: readonly FasterNetVariant[] = [
  { name: 't0', embed: 40, depths: [1, 2, 8, 2], act: 'gelu', published: published(3.9e6, 0.34e9, 71.9, 9.2, 143) },
  { name: 't1', embed: 64, depths: [1, 2, 8, 2], act: 'gelu', published: published(7.6e6, 0.85e9, 76.2, 17.7, 285) },
  { name: 't2', embed: 96, depths: [1, 2, 8, 2], act: 'relu', published: published(15.0e6, 1.91e9, 78.9, 33.5, 497) },
  { name: 's', embed: 128, depths: [1, 2, 13, 2], act: 'relu', published: published(31.1e6, 4.56e9, 81.3, 71.2, 1103) },
  { name: 'm', embed: 144, depths: [3, 4, 18, 3], act: 'relu', published: published(53.5e6, 8.74e9, 83.0, 129.5, 2092) },
  // Table 3 lists FasterNet-L on ARM as out of memory.
  { name: 'l', embed: 192, depths: [3, 4, 18, 3], act: 'relu', published: published(93.5e6, 15.52e9, 83.5, 219.5) },
];

function knobs(v: FasterNetVariant): KnobSpec[] {
  return [
    {
      name: 'ratio',
      description: 'Partial ratio r of PConv (1 / n_div): the 3×3 conv sees c·r of the c channels, which must be a whole number in every stage',
      default: DEFAULT_RATIO,
      kind: 'number',
      min: 0,
      max: 1,
    },
    {
      name: 'act',
      description: "Activation in every block's MLP and after the 1280-channel head conv",
      default: v.act,
      kind: 'choice',
      choices: ['gelu', 'relu'],
    },
    {
      name: 'mlp_ratio',
      description: 'Expansion of the 1×1 MLP in every block: hidden channels int(c · mlp_ratio)',
      default: DEFAULT_MLP_RATIO,
      kind: 'number',
      min: 0,
      max: 16,
    },
  ];
}

/** c·r as a channel count, or undefined when it is not a positive whole number. */
function partialChannels(channels: number, ratio: number): number | undefined {
  const exact = channels * ratio;
  const rounded = Math.round(exact);
  return rounded >= 1 && Math.abs(exact - rounded) < 1e-9 * channels ? rounded : undefined;
}

function build(id: string, v: FasterNetVariant, options: ZooBuildOptions) {
  const ratio = options.knobs.ratio as number;
  const mlpRatio = options.knobs.mlp_ratio as number;
  const act = options.knobs.act as Activation;
  // The official code has no width multiplier; lcnb scales embed_dim as int(embed_dim · width).
  const embed = Math.floor(v.embed * options.width);
  const dims = v.depths.map((_, i) => embed * 2 ** i);
  const partial = dims.map((c, i) => {
    const p = partialChannels(c, ratio);
    if (p === undefined) {
      const widthNote = options.width !== 1 ? ` at width ${options.width}` : '';
      throw knobError(id, 'ratio', `${ratio} gives c·r = ${c} × ${ratio} = ${+(c * ratio).toFixed(6)} in stage ${i + 1} (${c} channels${widthNote}); it must be a positive whole number`);
    }
    return p;
  });
  const hidden = dims.map((c) => Math.floor(c * mlpRatio));
  if (hidden[0] < 1) throw knobError(id, 'mlp_ratio', `${mlpRatio} leaves the MLP of stage 1 (${dims[0]} channels) with no hidden channels`);

  const b = new GraphBuilder(id);
  let x = b.input('input', inputShape(options));
  x = b.scope('stem', () => b.add1('BatchNormalization', 'bn', [conv(b, x, { out: embed, k: 4, s: 4, pad: 0 })]));
  let block = 0;
  v.depths.forEach((depth, i) =>
    b.scope(`stage${i + 1}`, () => {
      if (i > 0) {
        x = b.scope('merge', () => b.add1('BatchNormalization', 'bn', [conv(b, x, { out: dims[i], k: 2, s: 2, pad: 0 })]));
      }
      for (let j = 0; j < depth; j++) {
        x = fasternetBlock(b, x, { partial: partial[i], hidden: hidden[i], act }, `block${++block}`);
      }
    }),
  );
  x = b.scope('head', () => {
    const pooled = b.add1('GlobalAveragePool', 'pool', [x]);
    return activation(b, conv(b, pooled, { out: FEATURES, k: 1 }), act);
  });
  const logits = b.scope('classifier', () => {
    const flat = b.add1('Flatten', 'flatten', [x], { axis: 1 });
    return b.add1('Gemm', 'fc', [flat], { out_features: options.numClasses, bias: true });
  });
  return b.build([logits]);
}

export const fasternet: ZooFamily = {
  family: 'FasterNet',
  paper: 'arXiv:2303.03667',
  models: FASTERNET_VARIANTS.map((v) => {
    const id = `fasternet_${v.name}`;
    return { id, width: 1, published: v.published, knobs: knobs(v), build: (options: ZooBuildOptions) => build(id, v, options) };
  }),
};
