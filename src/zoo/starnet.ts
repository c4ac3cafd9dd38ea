/**
 * StarNet (Ma et al., "Rewrite the Stars", CVPR 2024, arXiv:2403.19967), as built by timm's
 * timm/models/starnet.py and, layer for layer, by the official ma-xu/Rewrite-the-Stars
 * imagenet/starnet.py: a 3×3/2 stem conv (32 channels) → BN → ReLU6, four stages each opened by a
 * 3×3/2 conv → BN and followed by Star blocks, then BN → GAP → Linear.
 *
 * Every conv has a bias, even where a BN follows (ConvBN builds nn.Conv2d with its default
 * bias=True). Drop path holds no parameters and there is no layer scale, so neither appears here.
 */
import { GraphBuilder, Tensor } from '../core/ir';
import { PublishedFigure } from '../core/summary';
import { activation, conv } from './blocks';
import { KnobSpec, ZooBuildOptions, ZooFamily, inputShape, publishedFigures } from './familyTypes';

export interface StarBlockOptions {
  /** Channels of the star operation: mlp_ratio · c in the reference. */
  hidden: number;
}

const DW_KERNEL = 7;

/**
 * Star block: 7×7 depthwise conv → BN, two 1×1 convs f1 and f2 to `hidden` channels, the star
 * operation ReLU6(f1) * f2, 1×1 conv g back to c → BN, 7×7 depthwise conv, plus the input.
 */
export function starBlock(b: GraphBuilder, x: Tensor, o: StarBlockOptions, scope: string): Tensor {
  return b.scope(scope, () => {
    const c = x.shape[1];
    const mixed = b.scope('dwconv', () => b.add1('BatchNormalization', 'bn', [conv(b, x, { out: c, k: DW_KERNEL, groups: c, bias: true })]));
    const x1 = conv(b, mixed, { out: o.hidden, k: 1, bias: true }, 'f1');
    const x2 = conv(b, mixed, { out: o.hidden, k: 1, bias: true }, 'f2');
    const star = b.add1('Mul', 'star', [activation(b, x1, 'relu6'), x2]);
    const g = b.scope('g', () => b.add1('BatchNormalization', 'bn', [conv(b, star, { out: c, k: 1, bias: true })]));
    const y = conv(b, g, { out: c, k: DW_KERNEL, groups: c, bias: true }, 'dwconv2');
    return b.add1('Add', 'add', [x, y]);
  });
}

export interface StarNetVariant {
  /** The id's suffix: starnet_<name>. */
  name: string;
  baseDim: number;
  depths: readonly number[];
  mlpRatio: number;
  published: PublishedFigure[];
}

const STEM = 32;

// The official README's table of pretrained checkpoints; it says the models were retrained and
// score slightly better than the paper reports. Its FLOPs are a little above the multiply-adds of
// the convs and the Linear (s1: 425M against 421.9M).
const README = 'ma-xu/Rewrite-the-Stars imagenet/README.md (retrained checkpoints, 224×224)';

function published(params: number, madds: number, top1: number): PublishedFigure[] {
  return publishedFigures({ params, madds, top1 }, README);
}

/** base_dim, depths and mlp_ratio of each registered starnet_<name> (timm and the official file agree). */
export const STARNET_VARIANTS: readonly StarNetVariant[] = [
  // The "very small networks" of the official file: no checkpoint, no figures in its README.
  { name: 's050', baseDim: 16, depths: [1, 1, 3, 1], mlpRatio: 3, published: [] },
  { name: 's100', baseDim: 20, depths: [1, 2, 4, 1], mlpRatio: 4, published: [] },
  { name: 's150', baseDim: 24, depths: [1, 2, 4, 2], mlpRatio: 3, published: [] },
  { name: 's1', baseDim: 24, depths: [2, 2, 8, 3], mlpRatio: 4, published: published(2.9e6, 425e6, 73.6) },
  { name: 's2', baseDim: 32, depths: [1, 2, 6, 2], mlpRatio: 4, published: published(3.7e6, 547e6, 74.7) },
  { name: 's3', baseDim: 32, depths: [2, 2, 8, 4], mlpRatio: 4, published: published(5.8e6, 757e6, 77.4) },
  { name: 's4', baseDim: 32, depths: [3, 3, 12, 5], mlpRatio: 4, published: published(7.5e6, 1075e6, 78.8) },
];

function knobs(v: StarNetVariant): KnobSpec[] {
  return [
    {
      name: 'mlp_ratio',
      description: 'Expansion of f1 and f2 in every Star block: the star operation works on mlp_ratio · c channels',
      default: v.mlpRatio,
      kind: 'integer',
      min: 1,
      max: 16,
    },
  ];
}

function build(id: string, v: StarNetVariant, options: ZooBuildOptions) {
  const mlpRatio = options.knobs.mlp_ratio as number;
  // The reference has no width multiplier; lcnb scales base_dim as int(base_dim · width), the stem stays 32.
  const base = Math.floor(v.baseDim * options.width);
  const dims = v.depths.map((_, i) => base * 2 ** i);

  const b = new GraphBuilder(id);
  let x = b.input('input', inputShape(options));
  x = b.scope('stem', () => {
    const y = b.add1('BatchNormalization', 'bn', [conv(b, x, { out: STEM, k: 3, s: 2, bias: true })]);
    return activation(b, y, 'relu6');
  });
  let block = 0;
  v.depths.forEach((depth, i) =>
    b.scope(`stage${i + 1}`, () => {
      x = b.scope('down', () => b.add1('BatchNormalization', 'bn', [conv(b, x, { out: dims[i], k: 3, s: 2, bias: true })]));
      for (let j = 0; j < depth; j++) x = starBlock(b, x, { hidden: mlpRatio * dims[i] }, `block${++block}`);
    }),
  );
  // The final BN is part of the features (timm's forward_features ends with it).
  x = b.scope('head', () => b.add1('BatchNormalization', 'norm', [x]));
  const logits = b.scope('classifier', () => {
    const pooled = b.add1('GlobalAveragePool', 'pool', [x]);
    const flat = b.add1('Flatten', 'flatten', [pooled], { axis: 1 });
    return b.add1('Gemm', 'fc', [flat], { out_features: options.numClasses, bias: true });
  });
  return b.build([logits]);
}

export const starnet: ZooFamily = {
  family: 'StarNet',
  paper: 'arXiv:2403.19967',
  models: STARNET_VARIANTS.map((v) => {
    const id = `starnet_${v.name}`;
    return { id, width: 1, published: v.published, knobs: knobs(v), build: (options: ZooBuildOptions) => build(id, v, options) };
  }),
};
