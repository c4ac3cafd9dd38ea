/**
 * MobileNetV4 (Qin et al., "MobileNetV4: Universal Models for the Mobile Ecosystem",
 * arXiv:2404.10518), Conv-S/M/L and Hybrid-M/L, as built by timm's timm/models/mobilenetv3.py
 * (`_gen_mobilenet_v4`) with the blocks of timm/models/_efficientnet_blocks.py and the Mobile MQA
 * of timm/layers/attention2d.py. The official code is TensorFlow (tensorflow/models
 * official/vision/modeling/backbones/mobilenet.py), which lcnb cannot run; lcnb follows timm's
 * PyTorch port and is checked against it layer by layer.
 *
 * A network is a 3×3/2 stem conv → BN → act, stages of blocks, a 1×1 conv to 960 channels → BN →
 * act, then global average pool → 1×1 conv to 1280 (no bias) → BN → act → Linear. The blocks:
 *
 * - Universal Inverted Bottleneck (UIB): an optional depthwise conv before the expansion (BN, no
 *   activation), a 1×1 expansion to make_divisible(c_in · e, 8) (BN, act), an optional depthwise
 *   conv after it (BN, act), a 1×1 projection (BN). Both depthwise convs: ExtraDW; only the one
 *   after the expansion: IB (MobileNetV2's inverted bottleneck); only the one before: ConvNext;
 *   neither: FFN. The stride sits on the depthwise conv after the expansion when there is one.
 * - Fused IB: a k×k conv to make_divisible(c_in · e, 8) (BN, act), then a 1×1 projection (BN).
 * - Mobile MQA (hybrids only): BN, then multi-query attention over the feature map — h query heads
 *   from a 1×1 conv, one shared key and one shared value head from 1×1 convs, each after a 3×3/s
 *   depthwise conv → BN where keys and values are spatially downsampled — Q·Kᵀ and attention·V as
 *   MatMuls, softmax over the keys, a 1×1 output conv.
 *
 * Every conv is bias-free. The hybrids scale the output of every UIB and MQA block by a learned
 * per-channel layer scale (a Mul with c parameters) before the residual add; the Conv models have
 * none. A residual add joins a block whose input and output shapes agree (stride 1, same channels),
 * never a Fused IB or plain conv here.
 *
 * Each model is built at its own resolution unless told otherwise: Conv-S 224, Conv-M and Hybrid-M
 * 256, Conv-L and Hybrid-L 384. The width multiplier is timm's: make_divisible(c · width, 8) for
 * every block's output, for the stem only above 1, never for the 1280-wide head conv or the
 * attention heads (width 0.5 on Conv-S is timm's mobilenetv4_conv_small_050). The figures shown
 * beside a model are those of timm's checkpoints and benchmark files, not the paper's.
 */
import { UserError } from '../core/errors';
import { GraphBuilder, Tensor } from '../core/ir';
import { PublishedFigure } from '../core/summary';
import { Activation, activation, conv, makeDivisible } from './blocks';
import { ZooBuildOptions, ZooFamily, inputShape, publishedFigures } from './familyTypes';

export interface UibOptions {
  out: number;
  /** Kernel of the depthwise conv before the expansion; 0 leaves it out. */
  startK: number;
  /** Kernel of the depthwise conv after the expansion; 0 leaves it out. */
  midK: number;
  s: number;
  /** Expansion ratio: the 1×1 expansion widens to make_divisible(c_in · expand, 8). */
  expand: number;
  act: Activation;
  /** A per-channel learned scale on the block's output (the hybrids). */
  layerScale?: boolean;
}

/** Conv → BN → optional activation, in a scope of its own. */
function convBn(b: GraphBuilder, x: Tensor, o: Parameters<typeof conv>[2], act: Activation, scope: string): Tensor {
  return b.scope(scope, () => activation(b, b.add1('BatchNormalization', 'bn', [conv(b, x, o)]), act));
}

/** Multiplies `x` by a learned per-channel gamma: a Mul reading a [1, C, 1, 1] parameter. */
function layerScale(b: GraphBuilder, x: Tensor): Tensor {
  const gamma = b.constant(`${x.name}.gamma`, [1, x.shape[1], 1, 1], { parameter: true });
  return b.add1('Mul', 'layer_scale', [x, gamma]);
}

/** Adds the input back when the block keeps its shape. */
function residual(b: GraphBuilder, input: Tensor, y: Tensor): Tensor {
  const same = input.shape.length === y.shape.length && input.shape.every((d, i) => d === y.shape[i]);
  return same ? b.add1('Add', 'add', [input, y]) : y;
}

/**
 * Universal Inverted Bottleneck: [startK×startK depthwise → BN] → 1×1 expansion → BN → act →
 * [midK×midK depthwise → BN → act] → 1×1 projection → BN → [layer scale] → [+ input]. The stride
 * goes on the depthwise conv after the expansion, or on the one before it when that is the only
 * one. ExtraDW: both kernels; IB: midK only; ConvNext: startK only; FFN: neither (stride 1 only).
 */
export function uibBlock(b: GraphBuilder, x: Tensor, o: UibOptions, scope: string): Tensor {
  return b.scope(scope, () => {
    const cin = x.shape[1];
    if (o.s > 1 && !o.startK && !o.midK) throw new UserError(`${scope}: a UIB without depthwise convs (an FFN) cannot have stride ${o.s}`);
    let y = x;
    if (o.startK) y = convBn(b, y, { out: cin, k: o.startK, s: o.midK ? 1 : o.s, groups: cin }, 'none', 'dw_start');
    const mid = makeDivisible(cin * o.expand);
    y = convBn(b, y, { out: mid, k: 1 }, o.act, 'pw_exp');
    if (o.midK) y = convBn(b, y, { out: mid, k: o.midK, s: o.s, groups: mid }, o.act, 'dw_mid');
    y = convBn(b, y, { out: o.out, k: 1 }, 'none', 'pw_proj');
    if (o.layerScale) y = layerScale(b, y);
    return residual(b, x, y);
  });
}

export interface FusedIbOptions {
  out: number;
  k: number;
  s: number;
  expand: number;
  act: Activation;
}

/** Fused IB: k×k/s conv to make_divisible(c_in · expand, 8) → BN → act → 1×1 projection → BN [+ input]. */
export function fusedIbBlock(b: GraphBuilder, x: Tensor, o: FusedIbOptions, scope: string): Tensor {
  return b.scope(scope, () => {
    const y = convBn(b, x, { out: makeDivisible(x.shape[1] * o.expand), k: o.k, s: o.s }, o.act, 'conv_exp');
    return residual(b, x, convBn(b, y, { out: o.out, k: 1 }, 'none', 'conv_pwl'));
  });
}

export interface MqaOptions {
  out: number;
  heads: number;
  keyDim: number;
  valueDim: number;
  /** Spatial stride of keys and values (a depthwise conv → BN before their projections); 1: none. */
  kvStride: number;
  /** Kernel of those depthwise convs. */
  dwK: number;
  layerScale?: boolean;
}

/**
 * Mobile MQA: BN → multi-query attention → [layer scale] → [+ input]. Q = 1×1 conv to
 * heads · keyDim, read as [N, heads, H·W, keyDim] and scaled by 1/√keyDim; K and V = 1×1 convs to
 * keyDim and valueDim on the (downsampled) map, one head shared by every query head; the attention
 * Q·Kᵀ [N, heads, H·W, P] (P key positions), softmax over P, times V [N, 1, P, valueDim], heads
 * concatenated back to a map and a 1×1 output conv. The two MatMuls cost heads·H·W·P·keyDim and
 * heads·H·W·P·valueDim multiply-adds per image.
 */
export function mqaBlock(b: GraphBuilder, x: Tensor, o: MqaOptions, scope: string): Tensor {
  return b.scope(scope, () => {
    const [n, c, h, w] = x.shape;
    const normed = b.add1('BatchNormalization', 'norm', [x]);
    const y = b.scope('attn', () => {
      const q = b.scope('query', () => conv(b, normed, { out: o.heads * o.keyDim, k: 1 }, 'proj'));
      const kv = (name: string, dim: number) =>
        b.scope(name, () => {
          let t = normed;
          if (o.kvStride > 1) {
            t = conv(b, t, { out: c, k: o.dwK, s: o.kvStride, groups: c }, 'down_conv');
            t = b.add1('BatchNormalization', 'norm', [t]);
          }
          return conv(b, t, { out: dim, k: 1 }, 'proj');
        });
      const k = kv('key', o.keyDim);
      const v = kv('value', o.valueDim);
      // Q: [N, heads·keyDim, H, W] → [N, heads, keyDim, H·W] → [N, heads, H·W, keyDim], then · 1/√keyDim.
      const qHeads = b.add1('Transpose', 'q_heads', [b.add1('Reshape', 'q_reshape', [q], { shape: [n, o.heads, o.keyDim, -1] })], { perm: [0, 1, 3, 2] });
      const scale = b.constant(`${qHeads.name}.scale`, [], { parameter: false, value: 1 / Math.sqrt(o.keyDim) });
      const qScaled = b.add1('Mul', 'q_scale', [qHeads, scale]);
      // K: [N, keyDim, H', W'] read as Kᵀ [N, 1, keyDim, P] (one head, broadcast over the query heads).
      const kT = b.add1('Reshape', 'k_t', [k], { shape: [n, 1, o.keyDim, -1] });
      // V: [N, valueDim, H', W'] → [N, 1, P, valueDim].
      const vRows = b.add1('Transpose', 'v_rows', [b.add1('Reshape', 'v_reshape', [v], { shape: [n, 1, o.valueDim, -1] })], { perm: [0, 1, 3, 2] });
      const logits = b.add1('MatMul', 'qk', [qScaled, kT]);
      const attn = b.add1('Softmax', 'softmax', [logits], { axis: -1 });
      const heads = b.add1('MatMul', 'av', [attn, vRows]);
      // [N, heads, H·W, valueDim] → [N, H·W, heads, valueDim] → [N, H, W, heads·valueDim] → [N, heads·valueDim, H, W].
      const merged = b.add1('Reshape', 'o_reshape', [b.add1('Transpose', 'o_heads', [heads], { perm: [0, 2, 1, 3] })], { shape: [n, h, w, o.heads * o.valueDim] });
      const map = b.add1('Transpose', 'o_map', [merged], { perm: [0, 3, 1, 2] });
      return b.scope('output', () => conv(b, map, { out: o.out, k: 1 }, 'proj'));
    });
    return residual(b, x, o.layerScale ? layerScale(b, y) : y);
  });
}

/** One entry of a network's block list (timm's block strings, in lcnb's words). */
export type BlockSpec =
  | { kind: 'conv'; k: number; s: number; out: number }
  | { kind: 'fused_ib'; k: number; s: number; expand: number; out: number }
  | { kind: 'uib'; startK: number; midK: number; s: number; expand: number; out: number; repeat?: number }
  | { kind: 'mqa'; heads: number; dim: number; kvStride: number; out: number };

const cv = (k: number, s: number, out: number): BlockSpec => ({ kind: 'conv', k, s, out });
const fib = (k: number, s: number, expand: number, out: number): BlockSpec => ({ kind: 'fused_ib', k, s, expand, out });
/** UIB with depthwise kernels a (before the expansion) and k (after), 0 for none; r repeats. */
const uib = (a: number, k: number, s: number, expand: number, out: number, repeat = 1): BlockSpec => ({ kind: 'uib', startK: a, midK: k, s, expand, out, repeat });
const mqa = (heads: number, dim: number, kvStride: number, out: number): BlockSpec => ({ kind: 'mqa', heads, dim, kvStride, out });

export interface MobileNetV4Variant {
  id: string;
  stem: number;
  act: Activation;
  /** Hybrids: layer scale on every UIB and MQA block. */
  layerScale: boolean;
  resolution: number;
  /** Blocks per stage, at 112, 56, 28, 14 and 7 pixels for a 224 input. */
  stages: readonly (readonly BlockSpec[])[];
  published: PublishedFigure[];
}

const HEAD = 1280;
const MQA_DW_K = 3;

const CONV_S: readonly (readonly BlockSpec[])[] = [
  [cv(3, 2, 32), cv(1, 1, 32)],
  [cv(3, 2, 96), cv(1, 1, 64)],
  [uib(5, 5, 2, 3, 96), uib(0, 3, 1, 2, 96, 4), uib(3, 0, 1, 4, 96)],
  [uib(3, 3, 2, 6, 128), uib(5, 5, 1, 4, 128), uib(0, 5, 1, 4, 128), uib(0, 5, 1, 3, 128), uib(0, 3, 1, 4, 128, 2)],
  [cv(1, 1, 960)],
];

const CONV_M: readonly (readonly BlockSpec[])[] = [
  [fib(3, 2, 4, 48)],
  [uib(3, 5, 2, 4, 80), uib(3, 3, 1, 2, 80)],
  [uib(3, 5, 2, 6, 160), uib(3, 3, 1, 4, 160, 2), uib(3, 5, 1, 4, 160), uib(3, 3, 1, 4, 160), uib(3, 0, 1, 4, 160), uib(0, 0, 1, 2, 160), uib(3, 0, 1, 4, 160)],
  [
    uib(5, 5, 2, 6, 256), uib(5, 5, 1, 4, 256), uib(3, 5, 1, 4, 256, 2), uib(0, 0, 1, 4, 256), uib(3, 0, 1, 4, 256),
    uib(3, 5, 1, 2, 256), uib(5, 5, 1, 4, 256), uib(0, 0, 1, 4, 256, 2), uib(5, 0, 1, 2, 256),
  ],
  [cv(1, 1, 960)],
];

const CONV_L: readonly (readonly BlockSpec[])[] = [
  [fib(3, 2, 4, 48)],
  [uib(3, 5, 2, 4, 96), uib(3, 3, 1, 4, 96)],
  [uib(3, 5, 2, 4, 192), uib(3, 3, 1, 4, 192, 3), uib(3, 5, 1, 4, 192), uib(5, 3, 1, 4, 192, 5), uib(3, 0, 1, 4, 192)],
  [uib(5, 5, 2, 4, 512, 4), uib(5, 0, 1, 4, 512), uib(5, 3, 1, 4, 512), uib(5, 0, 1, 4, 512, 2), uib(5, 3, 1, 4, 512), uib(5, 5, 1, 4, 512), uib(5, 0, 1, 4, 512, 3)],
  [cv(1, 1, 960)],
];

const HYBRID_M: readonly (readonly BlockSpec[])[] = [
  [fib(3, 2, 4, 48)],
  [uib(3, 5, 2, 4, 80), uib(3, 3, 1, 2, 80)],
  [
    uib(3, 5, 2, 6, 160), uib(0, 0, 1, 2, 160), uib(3, 3, 1, 4, 160), uib(3, 5, 1, 4, 160), mqa(4, 64, 2, 160), uib(3, 3, 1, 4, 160),
    mqa(4, 64, 2, 160), uib(3, 0, 1, 4, 160), mqa(4, 64, 2, 160), uib(3, 3, 1, 4, 160), mqa(4, 64, 2, 160), uib(3, 0, 1, 4, 160),
  ],
  [
    uib(5, 5, 2, 6, 256), uib(5, 5, 1, 4, 256), uib(3, 5, 1, 4, 256, 2), uib(0, 0, 1, 2, 256), uib(3, 5, 1, 2, 256), uib(0, 0, 1, 2, 256),
    uib(0, 0, 1, 4, 256), mqa(4, 64, 1, 256), uib(3, 0, 1, 4, 256), mqa(4, 64, 1, 256), uib(5, 5, 1, 4, 256), mqa(4, 64, 1, 256),
    uib(5, 0, 1, 4, 256), mqa(4, 64, 1, 256), uib(5, 0, 1, 4, 256),
  ],
  [cv(1, 1, 960)],
];

const HYBRID_L: readonly (readonly BlockSpec[])[] = [
  [fib(3, 2, 4, 48)],
  [uib(3, 5, 2, 4, 96), uib(3, 3, 1, 4, 96)],
  [
    uib(3, 5, 2, 4, 192), uib(3, 3, 1, 4, 192, 3), uib(3, 5, 1, 4, 192), uib(5, 3, 1, 4, 192, 2), mqa(8, 48, 2, 192), uib(5, 3, 1, 4, 192),
    mqa(8, 48, 2, 192), uib(5, 3, 1, 4, 192), mqa(8, 48, 2, 192), uib(5, 3, 1, 4, 192), mqa(8, 48, 2, 192), uib(3, 0, 1, 4, 192),
  ],
  [
    uib(5, 5, 2, 4, 512, 4), uib(5, 0, 1, 4, 512), uib(5, 3, 1, 4, 512), uib(5, 0, 1, 4, 512, 2), uib(5, 3, 1, 4, 512), uib(5, 5, 1, 4, 512),
    mqa(8, 64, 1, 512), uib(5, 0, 1, 4, 512), mqa(8, 64, 1, 512), uib(5, 0, 1, 4, 512), mqa(8, 64, 1, 512), uib(5, 0, 1, 4, 512),
    mqa(8, 64, 1, 512), uib(5, 0, 1, 4, 512),
  ],
  [cv(1, 1, 960)],
];

// timm's own checkpoints (the official TensorFlow weights are not released): top-1 from
// results/results-imagenet.csv, param_count and GMACs from
// results/benchmark-infer-amp-nchw-pt240-cu124-rtx4090.csv, each at the model's own resolution.
const TIMM = 'timm results (huggingface/pytorch-image-models commit aa4b5850c1543fa488abf260f18390eda46cf85d)';
const GMACS_NOTE = "timm's benchmark profiler counts a little more than the multiply-adds of the convs, the Linear and the attention MatMuls that lcnb counts";

function timm(checkpoint: string, resolution: number, params: number, gmacs: number, top1: number): PublishedFigure[] {
  return publishedFigures({ params, madds: gmacs * 1e9, top1 }, {
    params: `${TIMM}, benchmark-infer-amp-nchw-pt240-cu124-rtx4090.csv param_count`,
    madds: `${TIMM}, benchmark-infer-amp-nchw-pt240-cu124-rtx4090.csv infer_gmacs at ${resolution}×${resolution}`,
    top1: `${TIMM}, results-imagenet.csv, checkpoint ${checkpoint} at ${resolution}×${resolution}`,
  }).map((f) => (f.metric === 'madds' ? { ...f, note: GMACS_NOTE } : f));
}

export const MOBILENET_V4_VARIANTS: readonly MobileNetV4Variant[] = [
  { id: 'mobilenet_v4_conv_s', stem: 32, act: 'relu', layerScale: false, resolution: 224, stages: CONV_S, published: timm('mobilenetv4_conv_small.e2400_r224_in1k', 224, 3.77e6, 0.19, 73.756) },
  { id: 'mobilenet_v4_conv_m', stem: 32, act: 'relu', layerScale: false, resolution: 256, stages: CONV_M, published: timm('mobilenetv4_conv_medium.e500_r256_in1k', 256, 9.72e6, 1.1, 79.916) },
  { id: 'mobilenet_v4_conv_l', stem: 24, act: 'relu', layerScale: false, resolution: 384, stages: CONV_L, published: timm('mobilenetv4_conv_large.e600_r384_in1k', 384, 32.59e6, 6.43, 82.974) },
  { id: 'mobilenet_v4_hybrid_m', stem: 32, act: 'relu', layerScale: true, resolution: 256, stages: HYBRID_M, published: timm('mobilenetv4_hybrid_medium.ix_e550_r256_in1k', 256, 11.07e6, 1.29, 81.478) },
  { id: 'mobilenet_v4_hybrid_l', stem: 24, act: 'gelu', layerScale: true, resolution: 384, stages: HYBRID_L, published: timm('mobilenetv4_hybrid_large.e600_r384_in1k', 384, 37.76e6, 7.77, 83.826) },
];

function build(v: MobileNetV4Variant, options: ZooBuildOptions) {
  // timm's channel multiplier (see the file comment).
  const width = options.width;
  const channels = (c: number) => makeDivisible(c * width);
  const stem = width < 1 ? v.stem : channels(v.stem);

  const b = new GraphBuilder(v.id);
  let x = b.input('input', inputShape(options));
  x = convBn(b, x, { out: stem, k: 3, s: 2 }, v.act, 'stem');
  v.stages.forEach((stage, i) =>
    b.scope(`stage${i + 1}`, () => {
      let index = 0;
      for (const spec of stage) {
        for (let r = 0; r < (spec.kind === 'uib' ? (spec.repeat ?? 1) : 1); r++) {
          const scope = `block${++index}`;
          const out = channels(spec.out);
          switch (spec.kind) {
            case 'conv':
              x = convBn(b, x, { out, k: spec.k, s: spec.s }, v.act, scope);
              break;
            case 'fused_ib':
              x = fusedIbBlock(b, x, { out, k: spec.k, s: spec.s, expand: spec.expand, act: v.act }, scope);
              break;
            case 'uib':
              // Repeats after the first keep stride 1.
              x = uibBlock(b, x, { out, startK: spec.startK, midK: spec.midK, s: r ? 1 : spec.s, expand: spec.expand, act: v.act, layerScale: v.layerScale }, scope);
              break;
            case 'mqa':
              x = mqaBlock(b, x, { out, heads: spec.heads, keyDim: spec.dim, valueDim: spec.dim, kvStride: spec.kvStride, dwK: MQA_DW_K, layerScale: v.layerScale }, scope);
              break;
          }
        }
      }
    }),
  );
  const logits = b.scope('classifier', () => {
    const pooled = b.add1('GlobalAveragePool', 'pool', [x]);
    const hidden = convBn(b, pooled, { out: HEAD, k: 1 }, v.act, 'conv_head');
    const flat = b.add1('Flatten', 'flatten', [hidden], { axis: 1 });
    return b.add1('Gemm', 'fc', [flat], { out_features: options.numClasses, bias: true });
  });
  return b.build([logits]);
}

export const mobilenetV4: ZooFamily = {
  family: 'MobileNetV4',
  paper: 'arXiv:2404.10518',
  models: MOBILENET_V4_VARIANTS.map((v) => ({
    id: v.id,
    width: 1,
    published: v.published,
    knobs: [],
    ...(v.resolution !== 224 ? { resolution: v.resolution } : {}),
    build: (options: ZooBuildOptions) => build(v, options),
  })),
};
