/**
 * RepViT (Wang et al., "RepViT: Revisiting Mobile CNN From ViT Perspective", CVPR 2024,
 * arXiv:2307.09283), as built by timm's timm/models/repvit.py and, layer for layer, by the official
 * THU-MIG/RepViT model/repvit.py: a stem of two 3×3/2 Conv-BNs (C/2 then C channels, GELU between),
 * four stages of RepViT blocks, each stage after the first opened by a downsampling layer, then
 * GAP → classifier.
 *
 * A RepViT block is a token mixer (a RepVGG-style 3×3 depthwise conv), squeeze-and-excitation in
 * every other block, and a residual channel mixer (1×1 Conv-BN → GELU → 1×1 Conv-BN to mlp_ratio · C
 * and back). The downsampling layer is a RepViT block without SE at the old width, a 3×3/2 depthwise
 * Conv-BN, a 1×1 Conv-BN to the new width and a residual channel mixer.
 *
 * Two forms. 'training' is the model as the reference builds it: every conv without bias followed by
 * its BN; the token mixer BN(Conv-BN 3×3 dw + 1×1 dw conv with bias + x); the classifier, as timm's
 * default (distillation=True) and the official training run have it, two BN → Linear heads whose
 * logits are averaged. 'deploy' is what the reference's fuse() leaves: each Conv-BN one conv with
 * bias, each token mixer one 3×3 depthwise conv with bias, the two heads one Linear.
 */
import { GraphBuilder, Tensor } from '../core/ir';
import { PublishedFigure } from '../core/summary';
import { activation, conv, squeezeExcite } from './blocks';
import { KnobSpec, ModelForm, ZooBuildOptions, ZooFamily, inputShape, publishedFigures } from './familyTypes';

const KERNEL = 3;
const DEFAULT_MLP_RATIO = 2;

/**
 * A conv followed by its BN in the training form, a conv with bias in the deploy form (the BN folded
 * in), in a scope of its own.
 */
function convNorm(b: GraphBuilder, x: Tensor, o: { out: number; k: number; s?: number; groups?: number }, form: ModelForm, scope: string): Tensor {
  return b.scope(scope, () => {
    if (form === 'deploy') return conv(b, x, { ...o, bias: true });
    return b.add1('BatchNormalization', 'bn', [conv(b, x, { ...o, bias: false })]);
  });
}

/**
 * SE channels: timm's make_divisible(C / 4, 8) with round_limit 0 — the nearest multiple of 8, at
 * least 8, never bumped up after rounding down.
 */
export function repvitSeChannels(channels: number): number {
  return Math.max(8, Math.floor((channels / 4 + 4) / 8) * 8);
}

/**
 * The token mixer: in the training form BN(Conv-BN 3×3 depthwise + 1×1 depthwise conv with bias + x),
 * in the deploy form the single 3×3 depthwise conv with bias these fold into.
 */
function tokenMixer(b: GraphBuilder, x: Tensor, form: ModelForm): Tensor {
  const c = x.shape[1];
  return b.scope('token_mixer', () => {
    if (form === 'deploy') return conv(b, x, { out: c, k: KERNEL, groups: c, bias: true });
    const main = convNorm(b, x, { out: c, k: KERNEL, groups: c }, form, 'conv');
    const branch = conv(b, x, { out: c, k: 1, groups: c, bias: true }, 'conv1');
    const sum = b.add1('Add', 'add_identity', [b.add1('Add', 'add', [main, branch]), x]);
    return b.add1('BatchNormalization', 'bn', [sum]);
  });
}

/** The residual channel mixer: 1×1 Conv-BN to `hidden` → GELU → 1×1 Conv-BN back, plus the input. */
function channelMixer(b: GraphBuilder, x: Tensor, hidden: number, form: ModelForm, scope: string): Tensor {
  return b.scope(scope, () => {
    const h = activation(b, convNorm(b, x, { out: hidden, k: 1 }, form, 'conv1'), 'gelu');
    const y = convNorm(b, h, { out: x.shape[1], k: 1 }, form, 'conv2');
    return b.add1('Add', 'add', [x, y]);
  });
}

export interface RepViTBlockOptions {
  /** 'training': branches and BNs as trained; 'deploy': fused. */
  form: ModelForm;
  /** Squeeze-and-excitation after the token mixer (ReLU, sigmoid gate, C/4 channels rounded to 8). */
  se: boolean;
  /** The channel mixer's expansion: mlp_ratio · C hidden channels (2 in every published model). */
  mlpRatio?: number;
}

/**
 * RepViT block on x (C channels, stride 1): token mixer → optional SE → residual channel mixer.
 * In the training form the token mixer is BN(Conv-BN 3×3 dw + 1×1 dw conv + x) and every conv is a
 * Conv-BN pair; in the deploy form the token mixer is one 3×3 depthwise conv and every conv has a bias.
 */
export function repvitBlock(b: GraphBuilder, x: Tensor, o: RepViTBlockOptions, scope: string): Tensor {
  return b.scope(scope, () => {
    const c = x.shape[1];
    let y = tokenMixer(b, x, o.form);
    if (o.se) y = squeezeExcite(b, y, { squeeze: repvitSeChannels(c), gate: 'sigmoid' });
    return channelMixer(b, y, (o.mlpRatio ?? DEFAULT_MLP_RATIO) * c, o.form, 'channel_mixer');
  });
}

/**
 * The downsampling layer to `out` channels: a RepViT block without SE, a 3×3/2 depthwise Conv-BN, a
 * 1×1 Conv-BN to `out` and a residual channel mixer.
 */
function downsample(b: GraphBuilder, x: Tensor, out: number, mlpRatio: number, form: ModelForm): Tensor {
  return b.scope('down', () => {
    const c = x.shape[1];
    let y = repvitBlock(b, x, { form, se: false, mlpRatio }, 'pre_block');
    y = convNorm(b, y, { out: c, k: KERNEL, s: 2, groups: c }, form, 'spatial');
    y = convNorm(b, y, { out, k: 1 }, form, 'channel');
    return channelMixer(b, y, mlpRatio * out, form, 'ffn');
  });
}

/**
 * The classifier on pooled features. Training form: two BN → Linear heads (classification and
 * distillation), their logits averaged as at inference. Deploy form: the one Linear they fold into.
 */
function classifier(b: GraphBuilder, x: Tensor, classes: number, form: ModelForm): Tensor {
  return b.scope('classifier', () => {
    const pooled = b.add1('GlobalAveragePool', 'pool', [x]);
    const flat = b.add1('Flatten', 'flatten', [pooled], { axis: 1 });
    if (form === 'deploy') return b.add1('Gemm', 'fc', [flat], { out_features: classes, bias: true });
    const head = (scope: string) =>
      b.scope(scope, () => b.add1('Gemm', 'fc', [b.add1('BatchNormalization', 'bn', [flat])], { out_features: classes, bias: true }));
    const sum = b.add1('Add', 'add', [head('head'), head('head_dist')]);
    const half = b.constant('classifier.half', [1], { parameter: false, value: 0.5 });
    return b.add1('Mul', 'average', [sum, half]);
  });
}

export interface RepViTVariant {
  /** The id's suffix: repvit_<name>. */
  name: string;
  /** Channels of the four stages. */
  dims: readonly [number, number, number, number];
  /** RepViT blocks per stage after its downsampling layer (timm's depth). */
  depths: readonly [number, number, number, number];
  published: PublishedFigure[];
}

// The official README's ImageNet-1K table: top-1 of the distilled 300-epoch training (the 450-epoch
// figure is in the note), and #params, MACs and iPhone 12 latency of the deploy form — its flops.py
// counts the model after utils.replace_batchnorm (fvcore), its export_coreml.py converts that form.
const README = 'THU-MIG/RepViT README.md (Classification on ImageNet-1K table, 224×224)';
const IPHONE = 'iPhone 12, Core ML model of the deploy form traced on a 1×3×224×224 input (official export_coreml.py)';

function published(params: number, madds: number, top1: number, top1At450: number, latencyMs: number): PublishedFigure[] {
  return [
    ...publishedFigures({ params, madds }, README),
    { metric: 'top1', value: top1, source: README, note: `300-epoch distilled training; ${top1At450} after 450 epochs` },
    { metric: 'latency_ms', value: latencyMs, source: README, settings: IPHONE },
  ];
}

/**
 * embed_dim and depth of each registered repvit_<name> (timm); the official cfgs list builds the same
 * networks. The paper's first version named three models M1, M2 and M3; timm keeps them as the legacy
 * repvit_m1/m2/m3 (1×1 token-mixer branch a Conv-BN pair, no BN after the sum). Deployed, repvit_m1
 * equals repvit_m0_9 and repvit_m2 equals repvit_m1_1; repvit_m3 (depths 4, 4, 18, 2) has no
 * counterpart here.
 */
export const REPVIT_VARIANTS: readonly RepViTVariant[] = [
  { name: 'm0_9', dims: [48, 96, 192, 384], depths: [2, 2, 14, 2], published: published(5.1e6, 0.8e9, 78.7, 79.1, 0.9) },
  { name: 'm1_0', dims: [56, 112, 224, 448], depths: [2, 2, 14, 2], published: published(6.8e6, 1.1e9, 80.0, 80.3, 1.0) },
  { name: 'm1_1', dims: [64, 128, 256, 512], depths: [2, 2, 12, 2], published: published(8.2e6, 1.3e9, 80.7, 81.2, 1.1) },
  { name: 'm1_5', dims: [64, 128, 256, 512], depths: [4, 4, 24, 4], published: published(14.0e6, 2.3e9, 82.3, 82.5, 1.5) },
  { name: 'm2_3', dims: [80, 160, 320, 640], depths: [6, 6, 34, 2], published: published(22.9e6, 4.5e9, 83.3, 83.7, 2.3) },
];

const KNOBS: readonly KnobSpec[] = [
  {
    name: 'mlp_ratio',
    description: "Expansion of every channel mixer (the blocks' and the downsampling layers' FFN): mlp_ratio · C hidden channels",
    default: DEFAULT_MLP_RATIO,
    kind: 'integer',
    min: 1,
    max: 8,
  },
];

function build(id: string, v: RepViTVariant, options: ZooBuildOptions) {
  const form = options.form ?? 'deploy';
  const mlpRatio = options.knobs.mlp_ratio as number;
  // The reference has no width multiplier; lcnb scales every stage's channels as int(C · width).
  const dims = v.dims.map((d) => Math.floor(d * options.width));

  const b = new GraphBuilder(id);
  let x = b.input('input', inputShape(options));
  x = b.scope('stem', () => {
    const y = activation(b, convNorm(b, x, { out: Math.floor(dims[0] / 2), k: 3, s: 2 }, form, 'conv1'), 'gelu');
    return convNorm(b, y, { out: dims[0], k: 3, s: 2 }, form, 'conv2');
  });
  let block = 0;
  v.depths.forEach((depth, i) =>
    b.scope(`stage${i + 1}`, () => {
      if (i > 0) x = downsample(b, x, dims[i], mlpRatio, form);
      // SE in the first block of each stage and every other block after it.
      for (let j = 0; j < depth; j++) x = repvitBlock(b, x, { form, se: j % 2 === 0, mlpRatio }, `block${++block}`);
    }),
  );
  return b.build([classifier(b, x, options.numClasses, form)]);
}

export const repvit: ZooFamily = {
  family: 'RepViT',
  paper: 'arXiv:2307.09283',
  models: REPVIT_VARIANTS.map((v) => {
    const id = `repvit_${v.name}`;
    return { id, width: 1, forms: true, published: v.published, knobs: KNOBS, build: (options: ZooBuildOptions) => build(id, v, options) };
  }),
};
