/**
 * The op registry: for every op lcnb knows, how its output shapes follow from its inputs, which
 * weights it holds, and how much arithmetic it does. Attribute names follow ONNX where ONNX has
 * the op; `out_channels` / `out_features` / `bias` are added because the IR keeps no weight data.
 *
 * Arithmetic conventions (DESIGN.md): MAdds count only multiply-accumulates of Conv, Gemm and
 * MatMul. FLOPs = 2 × MAdds, plus one FLOP per output for a bias, plus the per-element work listed
 * in `flopsRule` for every other op (a transcendental such as exp or erf counts as one FLOP).
 */
import type { WeightSpec } from './ir';
import { formatShape } from '../shared/format';
import { broadcastShapes, numel, Shape, windowOutputSize } from './shape';
import { STANDARD_OPS } from './opsStandard';
import {
  attrBool,
  attrInts,
  attrNumber,
  binaryBroadcast,
  dataMovement,
  elementwise,
  expectInputs,
  expectRank,
  fail,
  normalizeAxis,
  OpContext,
  axesOf,
  convWeights,
  reduceAxes,
  OpDef,
  view,
} from './opKit';

export type { OpContext, OpDef, OpWork } from './opKit';

interface PoolGeometry {
  kernel: number[];
  out: number[];
}

/** Spatial axes of an N-d input (N, C, D1 … Dk): k ≥ 1. */
function spatialRank(ctx: OpContext): number {
  const shape = ctx.inputShapes[0];
  if (shape.length < 3) fail(ctx, `input 0 must have rank ≥ 3 (N, C, spatial…), got ${formatShape(shape)}`);
  return shape.length - 2;
}

/** Output size of every spatial axis of a sliding window (conv or pool); fails when one is < 1. */
function windowOutput(ctx: OpContext, kernel: number[], strides: number[], pads: number[], dilations: number[], ceil: boolean, what: string): number[] {
  const spatial = ctx.inputShapes[0].slice(2);
  const k = spatial.length;
  if ([...kernel, ...strides, ...dilations].some((v) => v <= 0)) fail(ctx, `kernel, strides and dilations must be positive`);
  if (pads.some((p) => p < 0)) fail(ctx, 'pads must be ≥ 0');
  const out = spatial.map((size, i) => windowOutputSize(size, kernel[i], strides[i], pads[i], pads[i + k], dilations[i], ceil));
  if (out.some((o) => o <= 0)) {
    fail(ctx, `a ${kernel.join('×')} ${what} with stride ${strides.join('×')}${dilations.some((d) => d !== 1) ? ` and dilation ${dilations.join('×')}` : ''} on ${spatial.join('×')} gives spatial size ${out.join('×')} (must be ≥ 1)`);
  }
  return out;
}

function poolGeometry(ctx: OpContext): PoolGeometry {
  if (ctx.inputShapes.length !== 1) expectInputs(ctx, 1);
  const k = spatialRank(ctx);
  const [n, c] = ctx.inputShapes[0];
  const kernel = attrInts(ctx, 'kernel_shape', k);
  // lcnb's own pools stride by their kernel when no stride is given; a stored ONNX pool always states its strides.
  const strides = attrInts(ctx, 'strides', k, kernel);
  const pads = attrInts(ctx, 'pads', 2 * k, new Array<number>(2 * k).fill(0));
  const dilations = attrInts(ctx, 'dilations', k, new Array<number>(k).fill(1));
  const ceil = attrBool(ctx, 'ceil_mode', false);
  return { kernel, out: [n, c, ...windowOutput(ctx, kernel, strides, pads, dilations, ceil, 'window')] };
}

const conv: OpDef = {
  infer(ctx) {
    expectInputs(ctx, 1);
    const k = spatialRank(ctx);
    const [n, cin] = ctx.inputShapes[0];
    const cout = attrNumber(ctx, 'out_channels');
    const group = attrNumber(ctx, 'group', 1);
    const kernel = attrInts(ctx, 'kernel_shape', k);
    const strides = attrInts(ctx, 'strides', k, new Array<number>(k).fill(1));
    const dilations = attrInts(ctx, 'dilations', k, new Array<number>(k).fill(1));
    const pads = attrInts(ctx, 'pads', 2 * k, new Array<number>(2 * k).fill(0));
    if (!Number.isInteger(cout) || cout <= 0) fail(ctx, `out_channels must be a positive integer, got ${cout}`);
    if (!Number.isInteger(group) || group <= 0) fail(ctx, `group must be a positive integer, got ${group}`);
    if (cin % group !== 0) fail(ctx, `input channels ${cin} are not divisible by group ${group}`);
    if (cout % group !== 0) fail(ctx, `output channels ${cout} are not divisible by group ${group}`);
    return [[n, cout, ...windowOutput(ctx, kernel, strides, pads, dilations, false, 'kernel')]];
  },
  weights(ctx) {
    const cin = ctx.inputShapes[0][1];
    const cout = ctx.attrs.out_channels as number;
    const group = (ctx.attrs.group as number | undefined) ?? 1;
    const kernel = attrInts(ctx, 'kernel_shape', ctx.inputShapes[0].length - 2);
    return convWeights(ctx, [cout, cin / group, ...kernel], cout);
  },
  work(ctx, outputs) {
    const cin = ctx.inputShapes[0][1];
    const group = (ctx.attrs.group as number | undefined) ?? 1;
    const kernel = attrInts(ctx, 'kernel_shape', ctx.inputShapes[0].length - 2);
    const outElements = numel(outputs[0]);
    const madds = outElements * (cin / group) * numel(kernel);
    return { madds, flops: 2 * madds + (attrBool(ctx, 'bias', false) ? outElements : 0) };
  },
  flopsRule: '2 × MAdds, + 1 per output when the layer has a bias',
  maddsRule: 'output elements × C_in / group × kernel size',
};

/** DeformConv: a conv whose taps are sampled at learned offsets (bilinear), each sample shared by every output channel. */
const deformConv: OpDef = {
  ...conv,
  work(ctx, outputs) {
    const base = conv.work(ctx, outputs);
    const kernel = attrInts(ctx, 'kernel_shape', ctx.inputShapes[0].length - 2);
    const samples = (numel(outputs[0]) / (ctx.attrs.out_channels as number)) * ctx.inputShapes[0][1] * numel(kernel);
    return { madds: base.madds, flops: base.flops + 7 * samples };
  },
  flopsRule: '2 × MAdds, + 1 per output with a bias, + 7 per bilinear sample (C_in · kernel size per output position)',
  maddsRule: 'output elements × C_in / group × kernel size',
};

const batchNorm: OpDef = {
  infer(ctx) {
    expectInputs(ctx, 1);
    if (ctx.inputShapes[0].length < 2) fail(ctx, 'input must have a channel axis');
    // A stored model in training mode also outputs the running (and saved) statistics, one per channel.
    const statistics = typeof ctx.attrs.statistics_outputs === 'number' ? ctx.attrs.statistics_outputs : 0;
    return [ctx.inputShapes[0], ...new Array<Shape>(statistics).fill([ctx.inputShapes[0][1]])];
  },
  weights(ctx) {
    const c = ctx.inputShapes[0][1];
    return [
      { role: 'scale', shape: [c], trainable: true },
      { role: 'bias', shape: [c], trainable: true },
      { role: 'mean', shape: [c], trainable: false },
      { role: 'var', shape: [c], trainable: false },
    ];
  },
  work: (_ctx, outputs) => ({ madds: 0, flops: 2 * numel(outputs[0]) }),
  flopsRule: '2 per element (scale and shift, statistics folded)',
};

const gemm: OpDef = {
  infer(ctx) {
    expectInputs(ctx, 1);
    const shape = expectRank(ctx, 0, 2);
    const n = attrBool(ctx, 'trans_a', false) ? shape[1] : shape[0];
    const out = attrNumber(ctx, 'out_features');
    if (!Number.isInteger(out) || out <= 0) fail(ctx, `out_features must be a positive integer, got ${out}`);
    return [[n, out]];
  },
  weights(ctx) {
    const inFeatures = ctx.inputShapes[0][attrBool(ctx, 'trans_a', false) ? 0 : 1];
    const out = ctx.attrs.out_features as number;
    const weights: WeightSpec[] = [{ role: 'weight', shape: [out, inFeatures], trainable: !attrBool(ctx, 'weight_shared', false) }];
    if (attrBool(ctx, 'bias', true)) weights.push({ role: 'bias', shape: [out], trainable: !attrBool(ctx, 'bias_shared', false) });
    return weights;
  },
  work(ctx, outputs) {
    const madds = numel(outputs[0]) * ctx.inputShapes[0][attrBool(ctx, 'trans_a', false) ? 0 : 1];
    return { madds, flops: 2 * madds + (attrBool(ctx, 'bias', true) ? numel(outputs[0]) : 0) };
  },
  flopsRule: '2 × MAdds, + 1 per output when the layer has a bias',
  maddsRule: 'output elements × input features',
};

const matMul: OpDef = {
  infer(ctx) {
    expectInputs(ctx, 2);
    // NumPy's matmul: a 1-D operand gains an axis (prepended to A, appended to B) that the result drops.
    const [a0, b0] = ctx.inputShapes;
    if (a0.length < 1 || b0.length < 1) fail(ctx, 'both inputs need rank ≥ 1');
    const a = a0.length === 1 ? [1, a0[0]] : a0;
    const b = b0.length === 1 ? [b0[0], 1] : b0;
    const k = a[a.length - 1];
    if (b[b.length - 2] !== k) fail(ctx, `inner dimensions differ: ${k} vs ${b[b.length - 2]}`);
    const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2));
    if (!batch) fail(ctx, 'batch dimensions cannot be broadcast together');
    return [[...batch, ...(a0.length === 1 ? [] : [a[a.length - 2]]), ...(b0.length === 1 ? [] : [b[b.length - 1]])]];
  },
  work(ctx, outputs) {
    const a = ctx.inputShapes[0];
    // K is A's last axis; the 0-d result of two 1-D operands is one dot product (numel of [] is 1).
    const madds = numel(outputs[0]) * a[a.length - 1];
    return { madds, flops: 2 * madds };
  },
  flopsRule: '2 × MAdds',
  maddsRule: 'output elements × K (the shared axis); batch axes broadcast',
};

const concat = dataMovement((ctx) => {
  if (ctx.inputShapes.length < 1) fail(ctx, 'needs at least one input');
  const rank = ctx.inputShapes[0].length;
  const axis = normalizeAxis(ctx, attrNumber(ctx, 'axis', 1), rank);
  const out = [...ctx.inputShapes[0]];
  for (const shape of ctx.inputShapes.slice(1)) {
    if (shape.length !== rank || shape.some((d, i) => i !== axis && d !== out[i])) {
      fail(ctx, `all inputs must match except on axis ${axis}`);
    }
    out[axis] += shape[axis];
  }
  return [out];
}, 'none (copies data)');

const split = dataMovement((ctx) => {
  expectInputs(ctx, 1);
  const input = ctx.inputShapes[0];
  const axis = normalizeAxis(ctx, attrNumber(ctx, 'axis', 1), input.length);
  const raw = ctx.attrs.split;
  const sizes = Array.isArray(raw) ? [...(raw as number[])] : undefined;
  if (!sizes || sizes.some((s) => !Number.isInteger(s) || s <= 0)) fail(ctx, "attribute 'split' must list positive sizes");
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== input[axis]) fail(ctx, `split sizes add up to ${total} but axis ${axis} has ${input[axis]}`);
  return sizes.map((s) => input.map((d, i) => (i === axis ? s : d)));
}, 'none (copies data)');

/** ONNX's Slice: `starts`, `ends` and optional `axes`, `steps`, one entry per sliced axis (clamped as ONNX clamps). */
function sliceMany(ctx: OpContext): Shape[] {
  const out = [...ctx.inputShapes[0]];
  const starts = ctx.attrs.starts as number[];
  const ends = ctx.attrs.ends as number[] | undefined;
  const axes = (ctx.attrs.axes as number[] | undefined) ?? starts.map((_, i) => i);
  const steps = (ctx.attrs.steps as number[] | undefined) ?? starts.map(() => 1);
  if (!Array.isArray(ends) || ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    fail(ctx, 'starts, ends, axes and steps must have one entry per sliced axis');
  }
  axes.forEach((raw, i) => {
    const axis = normalizeAxis(ctx, raw, out.length);
    const size = ctx.inputShapes[0][axis];
    const step = steps[i];
    if (!Number.isInteger(step) || step === 0) fail(ctx, `step must be a non-zero integer, got ${step}`);
    const norm = (v: number) => (v < 0 ? v + size : v);
    const [lo, hi] = step > 0 ? [0, size] : [-1, size - 1];
    const start = Math.min(Math.max(norm(starts[i]), lo), hi);
    const end = Math.min(Math.max(norm(ends[i]), lo), hi);
    out[axis] = Math.max(0, Math.ceil((end - start) / step));
  });
  return [out];
}

const slice = dataMovement((ctx) => {
  expectInputs(ctx, 1);
  if (Array.isArray(ctx.attrs.starts)) return sliceMany(ctx);
  const out = [...ctx.inputShapes[0]];
  const axis = normalizeAxis(ctx, attrNumber(ctx, 'axis', 1), out.length);
  const size = out[axis];
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const start = clamp(attrNumber(ctx, 'start'));
  const end = clamp(attrNumber(ctx, 'end', size));
  const step = attrNumber(ctx, 'step', 1);
  if (!Number.isInteger(step) || step <= 0) fail(ctx, `step must be a positive integer, got ${step}`);
  out[axis] = Math.max(0, Math.ceil((end - start) / step));
  return [out];
}, 'none (copies data)');

const channelShuffle = dataMovement((ctx) => {
  expectInputs(ctx, 1);
  const shape = expectRank(ctx, 0, 4);
  const group = attrNumber(ctx, 'group');
  if (!Number.isInteger(group) || group <= 0 || shape[1] % group !== 0) {
    fail(ctx, `channels ${shape[1]} are not divisible by group ${group}`);
  }
  return [shape];
}, 'none (permutes channels: copies data)');

const transpose = dataMovement((ctx) => {
  expectInputs(ctx, 1);
  const input = ctx.inputShapes[0];
  const perm = ctx.attrs.perm;
  const valid = Array.isArray(perm) && perm.length === input.length && [...perm].sort((p, q) => p - q).every((p, i) => p === i);
  if (!valid) fail(ctx, `attribute 'perm' must be a permutation of 0..${input.length - 1}`);
  return [(perm as number[]).map((p) => input[p])];
}, 'none (copies data)');

const reshape = view((ctx) => {
  expectInputs(ctx, 1);
  const input = ctx.inputShapes[0];
  const target = ctx.attrs.shape;
  if (!Array.isArray(target)) fail(ctx, "attribute 'shape' must be a list");
  const out = (target as number[]).map((d, i) => (d === 0 ? input[i] : d));
  const unknown = out.filter((d) => d === -1).length;
  if (unknown > 1 || out.some((d) => d < -1 || !Number.isInteger(d))) fail(ctx, `invalid target shape ${formatShape(target as number[])}`);
  const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  if (unknown === 1) {
    if (known === 0 || numel(input) % known !== 0) fail(ctx, `cannot infer -1 in ${formatShape(target as number[])}`);
    out[out.indexOf(-1)] = numel(input) / known;
  }
  if (numel(out) !== numel(input)) fail(ctx, `cannot reshape ${numel(input)} elements into ${formatShape(out)}`);
  return [out];
}, 'none (view)');

const flatten = view((ctx) => {
  expectInputs(ctx, 1);
  const input = ctx.inputShapes[0];
  const axis = attrNumber(ctx, 'axis', 1);
  const a = axis < 0 ? axis + input.length : axis;
  if (a < 0 || a > input.length) fail(ctx, `axis ${axis} is out of range for rank ${input.length}`);
  return [[numel(input.slice(0, a)), numel(input.slice(a))]];
}, 'none (view)');

const identityShape = (ctx: OpContext): Shape[] => {
  expectInputs(ctx, 1);
  return [ctx.inputShapes[0]];
};

const resize: OpDef = {
  infer(ctx) {
    expectInputs(ctx, 1);
    const input = ctx.inputShapes[0];
    const rank = input.length;
    const sizes = Array.isArray(ctx.attrs.sizes) && (ctx.attrs.sizes as number[]).length > 0 ? (ctx.attrs.sizes as number[]) : undefined;
    const scales = Array.isArray(ctx.attrs.scales) && (ctx.attrs.scales as number[]).length > 0 ? (ctx.attrs.scales as number[]) : undefined;
    const given = sizes ?? scales;
    if (!given) fail(ctx, "needs 'sizes' or 'scales'");
    // The IR's own form names H and W only; ONNX's names every axis, or the axes in 'axes'.
    const axes = Array.isArray(ctx.attrs.axes)
      ? (ctx.attrs.axes as number[]).map((a) => normalizeAxis(ctx, a, rank))
      : given.length === rank
        ? input.map((_, i) => i)
        : given.length === 2 && rank === 4
          ? [2, 3]
          : fail(ctx, `'${sizes ? 'sizes' : 'scales'}' has ${given.length} values for a rank-${rank} input`);
    if (axes.length !== given.length) fail(ctx, `'axes' names ${axes.length} axes but ${given.length} values are given`);
    const out = [...input];
    // opset 18: keep the aspect ratio, scaling every axis by the smallest (or largest) of the size ratios.
    const policy = ctx.attrs.keep_aspect_ratio_policy;
    if (sizes && (policy === 'not_larger' || policy === 'not_smaller')) {
      const ratios = axes.map((axis, i) => sizes[i] / input[axis]);
      const scale = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      axes.forEach((axis) => (out[axis] = Math.round(scale * input[axis])));
      return [out];
    }
    axes.forEach((axis, i) => {
      out[axis] = sizes ? sizes[i] : Math.floor(input[axis] * given[i]);
    });
    return [out];
  },
  work(ctx, outputs) {
    const mode = (ctx.attrs.mode as string | undefined) ?? 'nearest';
    const resized = ctx.inputShapes[0].filter((d, i) => d !== outputs[0][i]).length || 1;
    // Separable interpolation: 3 FLOPs per tap pair along each resized axis (linear 2 taps, cubic 4).
    const perOutput = mode === 'nearest' ? 0 : mode === 'cubic' ? 7 * resized : 3 * resized;
    return { madds: 0, flops: perOutput * numel(outputs[0]) };
  },
  flopsRule: 'nearest: 0; linear: 3 per output per resized axis (2 taps: 2 multiplies, 1 add); cubic: 7 per output per resized axis (4 taps)',
};

const softmax: OpDef = {
  infer(ctx) {
    expectInputs(ctx, 1);
    normalizeAxis(ctx, attrNumber(ctx, 'axis', -1), ctx.inputShapes[0].length);
    return [ctx.inputShapes[0]];
  },
  work: (_ctx, outputs) => ({ madds: 0, flops: 5 * numel(outputs[0]) }),
  flopsRule: '5 per element (max, subtract, exp, sum, divide)',
};

const pad = dataMovement((ctx) => {
  expectInputs(ctx, 1);
  const input = ctx.inputShapes[0];
  const axes = Array.isArray(ctx.attrs.axes) ? (ctx.attrs.axes as number[]).map((a) => normalizeAxis(ctx, a, input.length)) : input.map((_, i) => i);
  const pads = attrInts(ctx, 'pads', 2 * axes.length);
  const out = [...input];
  axes.forEach((axis, i) => (out[axis] += pads[i] + pads[i + axes.length]));
  if (out.some((d) => d <= 0)) fail(ctx, `pads [${pads.join(', ')}] leave no elements`);
  return [out];
}, 'none (copies data)');

const reduceMean: OpDef = {
  infer(ctx) {
    expectInputs(ctx, 1);
    const input = ctx.inputShapes[0];
    const axes = reduceAxes(ctx);
    const keep = attrBool(ctx, 'keepdims', true);
    return [keep ? input.map((d, i) => (axes.includes(i) ? 1 : d)) : input.filter((_, i) => !axes.includes(i))];
  },
  work: (ctx) => ({ madds: 0, flops: numel(ctx.inputShapes[0]) }),
  flopsRule: '1 per input element (adds, then one divide per output)',
};

const squeeze = view((ctx) => {
  expectInputs(ctx, 1);
  const input = ctx.inputShapes[0];
  const axes = ctx.attrs.axes === undefined ? input.flatMap((d, i) => (d === 1 ? [i] : [])) : axesOf(ctx, input.length);
  if (axes.some((a) => input[a] !== 1)) fail(ctx, `can only squeeze axes of size 1, got axes [${axes.join(', ')}]`);
  return [input.filter((_, i) => !axes.includes(i))];
}, 'none (view)');

const unsqueeze = view((ctx) => {
  expectInputs(ctx, 1);
  const input = ctx.inputShapes[0];
  const axes = axesOf(ctx, input.length + ((ctx.attrs.axes as number[] | undefined)?.length ?? 0));
  const out = [...input];
  for (const a of axes) out.splice(a, 0, 1);
  return [out];
}, 'none (view)');

const REGISTRY: Readonly<Record<string, OpDef>> = {
  ...STANDARD_OPS,
  Conv: conv,
  BatchNormalization: batchNorm,
  Relu: elementwise(1, '1 per element'),
  Clip: elementwise(2, '2 per element (min and max); ReLU6 is Clip(0, 6)'),
  HardSwish: elementwise(5, '5 per element: x · min(max(x + 3, 0), 6) / 6'),
  HardSigmoid: elementwise(4, '4 per element: min(max(αx + β, 0), 1)'),
  Sigmoid: elementwise(4, '4 per element: 1 / (1 + exp(−x))'),
  SiLU: elementwise(5, '5 per element: x · sigmoid(x)'),
  Gelu: elementwise(5, '5 per element: 0.5 · x · (1 + erf(x / √2))'),
  MaxPool: {
    // A stored MaxPool may also output the indices of its maxima (same shape).
    infer: (ctx) => {
      const out = poolGeometry(ctx).out;
      return attrBool(ctx, 'with_indices', false) ? [out, out] : [out];
    },
    work: (ctx, outputs) => ({ madds: 0, flops: (numel(attrInts(ctx, 'kernel_shape', ctx.inputShapes[0].length - 2)) - 1) * numel(outputs[0]) }),
    flopsRule: 'k·k − 1 comparisons per output',
  },
  AveragePool: {
    infer: (ctx) => [poolGeometry(ctx).out],
    work: (ctx, outputs) => ({ madds: 0, flops: numel(attrInts(ctx, 'kernel_shape', ctx.inputShapes[0].length - 2)) * numel(outputs[0]) }),
    flopsRule: 'k·k per output (k·k − 1 adds, 1 divide)',
  },
  GlobalAveragePool: {
    infer(ctx) {
      expectInputs(ctx, 1);
      const shape = ctx.inputShapes[0];
      if (shape.length < 3) fail(ctx, `input must have rank ≥ 3 (N, C, spatial…), got ${formatShape(shape)}`);
      return [[shape[0], shape[1], ...shape.slice(2).map(() => 1)]];
    },
    work: (ctx) => ({ madds: 0, flops: numel(ctx.inputShapes[0]) }),
    flopsRule: 'H·W per channel (H·W − 1 adds, 1 divide)',
  },
  Add: binaryBroadcast('1 per output element'),
  Sub: binaryBroadcast('1 per output element'),
  Mul: binaryBroadcast('1 per output element'),
  Div: binaryBroadcast('1 per output element'),
  Pow: binaryBroadcast('1 per output element'),
  PRelu: binaryBroadcast('1 per output element (select by sign, then multiply)'),
  LeakyRelu: elementwise(2, '2 per element (compare, multiply)'),
  Tanh: elementwise(1, '1 per element (a transcendental counts 1)'),
  Erf: elementwise(1, '1 per element (a transcendental counts 1)'),
  Exp: elementwise(1, '1 per element (a transcendental counts 1)'),
  Sqrt: elementwise(1, '1 per element (a transcendental counts 1)'),
  Pad: pad,
  ReduceMean: reduceMean,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Concat: concat,
  Split: split,
  Slice: slice,
  ChannelShuffle: channelShuffle,
  Transpose: transpose,
  Reshape: reshape,
  Flatten: flatten,
  Gemm: gemm,
  MatMul: matMul,
  // A stored Dropout may also output its mask (same shape).
  Dropout: view((ctx) => (attrBool(ctx, 'with_mask', false) ? [identityShape(ctx)[0], identityShape(ctx)[0]] : identityShape(ctx)), 'none (identity at inference)'),
  Identity: view(identityShape, 'none'),
  Resize: resize,
  Softmax: softmax,
  // Integer forms of conv and matmul: the same counts, at their integer precision.
  QLinearConv: conv,
  DeformConv: deformConv,
  ConvInteger: conv,
  MatMulInteger: matMul,
  QLinearMatMul: matMul,
};

export function opDef(op: string): OpDef | undefined {
  return Object.prototype.hasOwnProperty.call(REGISTRY, op) ? REGISTRY[op] : undefined;
}

export function knownOps(): string[] {
  return Object.keys(REGISTRY);
}
