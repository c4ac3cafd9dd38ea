/**
 * MobileOne (Vasu et al., "MobileOne: An Improved One millisecond Mobile Backbone", CVPR 2023,
 * arXiv:2206.04040), as built by timm's timm/models/byobnet.py (mobileone_s0 … s4) and, layer for
 * layer, by the official apple/ml-mobileone mobileone.py: a MobileOne block 3×3/2 stem, four stages
 * of depthwise 3×3 + pointwise 1×1 MobileOne block pairs (the first pair of each stage at stride
 * 2), then GAP → Linear. No residual connection survives into the deploy form.
 *
 * Two forms. 'training': each block sums k conv → BN branches (k = 4 in S0, 1 elsewhere), a 1×1
 * conv → BN "scale" branch where the kernel is larger than 1, and a BN-only identity branch where
 * input and output channels match at stride 1, then SE (the last blocks of S4) and ReLU. 'deploy':
 * the reference's re-parameterisation folds every branch into one conv with bias, followed by the
 * same SE and ReLU. The paper's figures are the deploy form's.
 */
import { GraphBuilder, Tensor } from '../core/ir';
import { PublishedFigure } from '../core/summary';
import { activation, classifier, conv, squeezeExcite } from './blocks';
import { DEFAULT_FORM, KnobSpec, ModelForm, ZooBuildOptions, ZooFamily, inputShape } from './familyTypes';

export interface MobileOneBlockOptions {
  out: number;
  /** Kernel size: 3 for the depthwise blocks and the stem, 1 for the pointwise blocks. */
  k: number;
  s?: number;
  /** 1 for a full conv, the input channels for a depthwise one. */
  groups?: number;
  /** The over-parameterisation factor k of the paper: parallel k×k conv → BN branches in the training form. */
  branches: number;
  /** Squeeze-excite (reduction 16, ReLU, sigmoid gate) before the ReLU. */
  se?: boolean;
  form: ModelForm;
}

/** SE reduction of the reference: int(c / 16) channels in the squeeze (timm rounds to a multiple of 8; equal for every MobileOne width). */
const SE_REDUCTION = 16;

/**
 * MobileOne block. Training form: the sum of a 1×1 conv → BN scale branch (when k > 1), `branches`
 * k×k conv → BN branches and a BN identity branch (when out = in and stride 1), all convs without
 * bias; deploy form: one k×k conv with bias. Then SE (optional) → ReLU in both.
 */
export function mobileOneBlock(b: GraphBuilder, x: Tensor, o: MobileOneBlockOptions, scope: string): Tensor {
  return b.scope(scope, () => {
    const c = x.shape[1];
    const s = o.s ?? 1;
    const groups = o.groups ?? 1;
    let y: Tensor;
    if (o.form === 'deploy') {
      y = conv(b, x, { out: o.out, k: o.k, s, groups, bias: true }, 'reparam');
    } else {
      const convBn = (k: number, name: string) =>
        b.scope(name, () => b.add1('BatchNormalization', 'bn', [conv(b, x, { out: o.out, k, s, groups })]));
      // Summed in the references' order: scale, conv branches, identity.
      const terms: Tensor[] = [];
      if (o.k > 1) terms.push(convBn(1, 'scale'));
      for (let i = 0; i < o.branches; i++) terms.push(convBn(o.k, `branch${i + 1}`));
      if (o.out === c && s === 1) terms.push(b.scope('identity', () => b.add1('BatchNormalization', 'bn', [x])));
      y = terms.reduce((sum, t) => b.add1('Add', 'add', [sum, t]));
    }
    if (o.se) y = squeezeExcite(b, y, { squeeze: Math.floor(o.out / SE_REDUCTION), gate: 'sigmoid', act: 'relu' });
    return activation(b, y, 'relu');
  });
}

export interface MobileOneVariant {
  /** The id's suffix: mobileone_<name>. */
  name: string;
  /** Width factor of each stage over 64, 128, 256, 512 channels. */
  widths: readonly number[];
  /** The over-parameterisation factor k. */
  branches: number;
  /** SE in the last n blocks (a depthwise + pointwise pair each) of each stage. */
  seBlocks: readonly number[];
  published: PublishedFigure[];
}

export const BASE_CHANNELS = [64, 128, 256, 512];
export const DEPTHS = [2, 8, 10, 1];

// The official README's model zoo; the latency column is footnoted as measured on an iPhone 12 Pro.
const README = 'apple/ml-mobileone README.md (model zoo, ImageNet-1K)';
const IPHONE = 'iPhone 12 Pro, as the official README’s footnote says';

function published(top1: number, latencyMs: number): PublishedFigure[] {
  return [
    { metric: 'top1', value: top1, source: README },
    { metric: 'latency_ms', value: latencyMs, source: README, settings: IPHONE },
  ];
}

/** Stage widths, k and SE blocks of each registered mobileone_<name> (timm and the official file agree). */
export const MOBILEONE_VARIANTS: readonly MobileOneVariant[] = [
  { name: 's0', widths: [0.75, 1, 1, 2], branches: 4, seBlocks: [0, 0, 0, 0], published: published(71.4, 0.79) },
  { name: 's1', widths: [1.5, 1.5, 2, 2.5], branches: 1, seBlocks: [0, 0, 0, 0], published: published(75.9, 0.89) },
  { name: 's2', widths: [1.5, 2, 2.5, 4], branches: 1, seBlocks: [0, 0, 0, 0], published: published(77.4, 1.18) },
  { name: 's3', widths: [2, 2.5, 3, 4], branches: 1, seBlocks: [0, 0, 0, 0], published: published(78.1, 1.53) },
  { name: 's4', widths: [3, 3.5, 3.5, 4], branches: 1, seBlocks: [0, 0, 5, 1], published: published(79.4, 1.86) },
];

function knobs(v: MobileOneVariant): KnobSpec[] {
  return [
    {
      name: 'k',
      description: 'Over-parameterisation factor: parallel k×k conv → BN branches of every stage block in the training form (the deploy form does not change)',
      default: v.branches,
      kind: 'integer',
      min: 1,
      max: 16,
    },
  ];
}

function build(id: string, v: MobileOneVariant, options: ZooBuildOptions) {
  const form = options.form ?? DEFAULT_FORM;
  const branches = options.knobs.k as number;
  // The references have no width multiplier; lcnb scales every stage's factor by it.
  const dims = BASE_CHANNELS.map((c, i) => Math.floor(c * v.widths[i] * options.width));
  const stem = Math.min(64, Math.floor(64 * v.widths[0] * options.width));

  const b = new GraphBuilder(id);
  let x = b.input('input', inputShape(options));
  // The stem block has a single conv branch in both references, whatever k.
  x = mobileOneBlock(b, x, { out: stem, k: 3, s: 2, branches: 1, form }, 'stem');
  DEPTHS.forEach((depth, i) =>
    b.scope(`stage${i + 1}`, () => {
      for (let j = 0; j < depth; j++) {
        const se = j >= depth - v.seBlocks[i];
        const c = x.shape[1];
        b.scope(`block${j + 1}`, () => {
          x = mobileOneBlock(b, x, { out: c, k: 3, s: j === 0 ? 2 : 1, groups: c, branches, se, form }, 'dw');
          x = mobileOneBlock(b, x, { out: dims[i], k: 1, branches, se, form }, 'pw');
        });
      }
    }),
  );
  return b.build([classifier(b, x, { classes: options.numClasses })]);
}

export const mobileone: ZooFamily = {
  family: 'MobileOne',
  paper: 'arXiv:2206.04040',
  models: MOBILEONE_VARIANTS.map((v) => {
    const id = `mobileone_${v.name}`;
    return { id, width: 1, forms: true, published: v.published, knobs: knobs(v), build: (options: ZooBuildOptions) => build(id, v, options) };
  }),
};
