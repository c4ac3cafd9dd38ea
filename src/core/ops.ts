/**
 * The op registry: for every op lcnb knows, how its output shapes follow from its inputs, which
 * weights it holds, and how much arithmetic it does. Attribute names follow ONNX where ONNX has
 * the op; `out_channels` / `out_features` / `bias` are added because the IR keeps no weight data.
 *
 * Arithmetic conventions (DESIGN.md): MAdds count only multiply-accumulates of Conv, Gemm and
 * MatMul. FLOPs = 2 × MAdds, plus one FLOP per output for a bias, plus the per-element work listed
 * in `flopsRule` for every other op (a transcendental such as exp or erf counts as one FLOP).
 */
import { Attrs, WeightSpec } from './ir';
import { GraphError } from './errors';
import { formatShape } from '../shared/format';
import { broadcastShapes, numel, Shape, windowOutputSize } from './shape';

export interface OpContext {
  readonly name: string;
  readonly op: string;
  readonly attrs: Attrs;
  readonly inputShapes: readonly Shape[];
}

export interface OpWork {
  readonly madds: number;
  readonly flops: number;
}

export interface OpDef {
  /** Checks the inputs and returns the output shapes; throws GraphError naming the broken rule. */
  infer(ctx: OpContext): Shape[];
  weights?(ctx: OpContext): WeightSpec[];
  work(ctx: OpContext, outputs: readonly Shape[]): OpWork;
  /** How FLOPs are counted for this op, shown to users beside the numbers. */
  readonly flopsRule: string;
  /** A view moves no data (Reshape, Flatten, Dropout at inference): its memory access cost is 0. */
  readonly isView?: boolean;
}

function fail(ctx: OpContext, rule: string): never {
  throw new GraphError(ctx.name, ctx.op, ctx.inputShapes, rule);
}

function attrNumber(ctx: OpContext, key: string, fallback?: number): number {
  const value = ctx.attrs[key];
  if (value === undefined) {
    if (fallback === undefined) fail(ctx, `attribute '${key}' is required`);
    return fallback;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(ctx, `attribute '${key}' must be a number`);
  return value;
}

function attrInts(ctx: OpContext, key: string, length: number, fallback?: number[]): number[] {
  const value = ctx.attrs[key];
  if (value === undefined) {
    if (fallback === undefined) fail(ctx, `attribute '${key}' is required`);
    return fallback;
  }
  const list = typeof value === 'number' ? new Array<number>(length).fill(value) : value;
  if (!Array.isArray(list) || list.length !== length || list.some((v) => !Number.isInteger(v))) {
    fail(ctx, `attribute '${key}' must be ${length} integers`);
  }
  return [...list];
}

function attrBool(ctx: OpContext, key: string, fallback: boolean): boolean {
  const value = ctx.attrs[key];
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  fail(ctx, `attribute '${key}' must be true or false`);
}

function expectInputs(ctx: OpContext, count: number): void {
  if (ctx.inputShapes.length !== count) fail(ctx, `expects ${count} input(s), got ${ctx.inputShapes.length}`);
}

function expectRank(ctx: OpContext, index: number, rank: number): Shape {
  const shape = ctx.inputShapes[index];
  if (shape.length !== rank) fail(ctx, `input ${index} must have rank ${rank} (N, C, H, W for 4), got ${formatShape(shape)}`);
  return shape;
}

function normalizeAxis(ctx: OpContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(ctx, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Ops whose only work is a fixed number of FLOPs per output element. */
function elementwise(flopsPerElement: number, rule: string): OpDef {
  return {
    infer: (ctx) => {
      expectInputs(ctx, 1);
      return [ctx.inputShapes[0]];
    },
    work: (_ctx, outputs) => ({ madds: 0, flops: flopsPerElement * numel(outputs[0]) }),
    flopsRule: rule,
  };
}

function binaryBroadcast(rule: string): OpDef {
  return {
    infer: (ctx) => {
      expectInputs(ctx, 2);
      const out = broadcastShapes(ctx.inputShapes[0], ctx.inputShapes[1]);
      if (!out) {
        fail(ctx, `shapes ${formatShape(ctx.inputShapes[0])} and ${formatShape(ctx.inputShapes[1])} cannot be broadcast together (each dimension must match or be 1)`);
      }
      return [out];
    },
    work: (_ctx, outputs) => ({ madds: 0, flops: numel(outputs[0]) }),
    flopsRule: rule,
  };
}

function view(infer: (ctx: OpContext) => Shape[], rule: string): OpDef {
  return { infer, work: () => ({ madds: 0, flops: 0 }), flopsRule: rule, isView: true };
}

function dataMovement(infer: (ctx: OpContext) => Shape[], rule: string): OpDef {
  return { infer, work: () => ({ madds: 0, flops: 0 }), flopsRule: rule };
}

interface PoolGeometry {
  kernel: number[];
  out: number[];
}

function poolGeometry(ctx: OpContext): PoolGeometry {
  expectInputs(ctx, 1);
  const [n, c, h, w] = expectRank(ctx, 0, 4);
  const kernel = attrInts(ctx, 'kernel_shape', 2);
  const strides = attrInts(ctx, 'strides', 2, kernel);
  const pads = attrInts(ctx, 'pads', 4, [0, 0, 0, 0]);
  const ceil = attrBool(ctx, 'ceil_mode', false);
  if (kernel.some((k) => k <= 0) || strides.some((s) => s <= 0)) fail(ctx, 'kernel and strides must be positive');
  const oh = windowOutputSize(h, kernel[0], strides[0], pads[0], pads[2], 1, ceil);
  const ow = windowOutputSize(w, kernel[1], strides[1], pads[1], pads[3], 1, ceil);
  if (oh <= 0 || ow <= 0) fail(ctx, `a ${kernel.join('×')} window with stride ${strides.join('×')} leaves spatial size ${oh}×${ow} (must be ≥ 1)`);
  return { kernel, out: [n, c, oh, ow] };
}

const conv: OpDef = {
  infer(ctx) {
    expectInputs(ctx, 1);
    const [n, cin, h, w] = expectRank(ctx, 0, 4);
    const cout = attrNumber(ctx, 'out_channels');
    const group = attrNumber(ctx, 'group', 1);
    const kernel = attrInts(ctx, 'kernel_shape', 2);
    const strides = attrInts(ctx, 'strides', 2, [1, 1]);
    const dilations = attrInts(ctx, 'dilations', 2, [1, 1]);
    const pads = attrInts(ctx, 'pads', 4, [0, 0, 0, 0]);
    if (!Number.isInteger(cout) || cout <= 0) fail(ctx, `out_channels must be a positive integer, got ${cout}`);
    if (!Number.isInteger(group) || group <= 0) fail(ctx, `group must be a positive integer, got ${group}`);
    if (cin % group !== 0) fail(ctx, `input channels ${cin} are not divisible by group ${group}`);
    if (cout % group !== 0) fail(ctx, `output channels ${cout} are not divisible by group ${group}`);
    if ([...kernel, ...strides, ...dilations].some((v) => v <= 0)) fail(ctx, 'kernel, strides and dilations must be positive');
    if (pads.some((p) => p < 0)) fail(ctx, 'pads must be ≥ 0');
    const oh = windowOutputSize(h, kernel[0], strides[0], pads[0], pads[2], dilations[0]);
    const ow = windowOutputSize(w, kernel[1], strides[1], pads[1], pads[3], dilations[1]);
    if (oh <= 0 || ow <= 0) {
      fail(ctx, `a ${kernel.join('×')} kernel with stride ${strides.join('×')} on ${h}×${w} gives spatial size ${oh}×${ow} (must be ≥ 1)`);
    }
    return [[n, cout, oh, ow]];
  },
  weights(ctx) {
    const cin = ctx.inputShapes[0][1];
    const cout = ctx.attrs.out_channels as number;
    const group = (ctx.attrs.group as number | undefined) ?? 1;
    const [kh, kw] = attrInts(ctx, 'kernel_shape', 2);
    const weights: WeightSpec[] = [{ role: 'weight', shape: [cout, cin / group, kh, kw], trainable: true }];
    if (attrBool(ctx, 'bias', false)) weights.push({ role: 'bias', shape: [cout], trainable: true });
    return weights;
  },
  work(ctx, outputs) {
    const cin = ctx.inputShapes[0][1];
    const group = (ctx.attrs.group as number | undefined) ?? 1;
    const [kh, kw] = attrInts(ctx, 'kernel_shape', 2);
    const outElements = numel(outputs[0]);
    const madds = outElements * (cin / group) * kh * kw;
    return { madds, flops: 2 * madds + (attrBool(ctx, 'bias', false) ? outElements : 0) };
  },
  flopsRule: '2 × MAdds, + 1 per output when the layer has a bias',
};

const batchNorm: OpDef = {
  infer(ctx) {
    expectInputs(ctx, 1);
    if (ctx.inputShapes[0].length < 2) fail(ctx, 'input must have a channel axis');
    return [ctx.inputShapes[0]];
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
    const [n] = expectRank(ctx, 0, 2);
    const out = attrNumber(ctx, 'out_features');
    if (!Number.isInteger(out) || out <= 0) fail(ctx, `out_features must be a positive integer, got ${out}`);
    return [[n, out]];
  },
  weights(ctx) {
    const inFeatures = ctx.inputShapes[0][1];
    const out = ctx.attrs.out_features as number;
    const weights: WeightSpec[] = [{ role: 'weight', shape: [out, inFeatures], trainable: true }];
    if (attrBool(ctx, 'bias', true)) weights.push({ role: 'bias', shape: [out], trainable: true });
    return weights;
  },
  work(ctx, outputs) {
    const madds = numel(outputs[0]) * ctx.inputShapes[0][1];
    return { madds, flops: 2 * madds + (attrBool(ctx, 'bias', true) ? numel(outputs[0]) : 0) };
  },
  flopsRule: '2 × MAdds, + 1 per output when the layer has a bias',
};

const matMul: OpDef = {
  infer(ctx) {
    expectInputs(ctx, 2);
    const [a, b] = ctx.inputShapes;
    if (a.length < 2 || b.length < 2) fail(ctx, 'both inputs need rank ≥ 2');
    const k = a[a.length - 1];
    if (b[b.length - 2] !== k) fail(ctx, `inner dimensions differ: ${k} vs ${b[b.length - 2]}`);
    const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2));
    if (!batch) fail(ctx, 'batch dimensions cannot be broadcast together');
    return [[...batch, a[a.length - 2], b[b.length - 1]]];
  },
  work(ctx, outputs) {
    const a = ctx.inputShapes[0];
    const madds = numel(outputs[0]) * a[a.length - 1];
    return { madds, flops: 2 * madds };
  },
  flopsRule: '2 × MAdds',
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

const slice = dataMovement((ctx) => {
  expectInputs(ctx, 1);
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
    const [n, c, h, w] = expectRank(ctx, 0, 4);
    const sizes = ctx.attrs.sizes;
    if (Array.isArray(sizes)) {
      const [oh, ow] = attrInts(ctx, 'sizes', 2);
      return [[n, c, oh, ow]];
    }
    const scales = ctx.attrs.scales;
    if (!Array.isArray(scales) || scales.length !== 2) fail(ctx, "needs 'sizes' [H, W] or 'scales' [sH, sW]");
    return [[n, c, Math.floor(h * (scales as number[])[0]), Math.floor(w * (scales as number[])[1])]];
  },
  work(ctx, outputs) {
    const mode = (ctx.attrs.mode as string | undefined) ?? 'nearest';
    return { madds: 0, flops: mode === 'nearest' ? 0 : 7 * numel(outputs[0]) };
  },
  flopsRule: "nearest: 0; linear: 7 per output (4 multiplies, 3 adds)",
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
  const pads = attrInts(ctx, 'pads', 2 * input.length);
  return [input.map((d, i) => d + pads[i] + pads[i + input.length])];
}, 'none (copies data)');

/** Axes attribute normalised to non-negative, sorted, unique. */
function axesOf(ctx: OpContext, rank: number): number[] {
  const raw = ctx.attrs.axes;
  if (!Array.isArray(raw)) fail(ctx, "attribute 'axes' must be a list");
  return [...new Set((raw as number[]).map((a) => normalizeAxis(ctx, a, rank)))].sort((a, b) => a - b);
}

const reduceMean: OpDef = {
  infer(ctx) {
    expectInputs(ctx, 1);
    const input = ctx.inputShapes[0];
    const axes = ctx.attrs.axes === undefined ? input.map((_, i) => i) : axesOf(ctx, input.length);
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
    infer: (ctx) => [poolGeometry(ctx).out],
    work: (ctx, outputs) => {
      const [kh, kw] = attrInts(ctx, 'kernel_shape', 2);
      return { madds: 0, flops: (kh * kw - 1) * numel(outputs[0]) };
    },
    flopsRule: 'k·k − 1 comparisons per output',
  },
  AveragePool: {
    infer: (ctx) => [poolGeometry(ctx).out],
    work: (ctx, outputs) => {
      const [kh, kw] = attrInts(ctx, 'kernel_shape', 2);
      return { madds: 0, flops: kh * kw * numel(outputs[0]) };
    },
    flopsRule: 'k·k per output (k·k − 1 adds, 1 divide)',
  },
  GlobalAveragePool: {
    infer(ctx) {
      expectInputs(ctx, 1);
      const [n, c] = expectRank(ctx, 0, 4);
      return [[n, c, 1, 1]];
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
  Dropout: view(identityShape, 'none (identity at inference)'),
  Identity: view(identityShape, 'none'),
  Resize: resize,
  Softmax: softmax,
};

export function opDef(op: string): OpDef | undefined {
  return Object.prototype.hasOwnProperty.call(REGISTRY, op) ? REGISTRY[op] : undefined;
}

export function knownOps(): string[] {
  return Object.keys(REGISTRY);
}
