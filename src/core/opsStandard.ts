/**
 * The ONNX standard operators beyond what lcnb's own networks are built from: their shape rules
 * (the semantics ONNX states for opsets up to 21) and cost rules, so that a model written by any
 * exporter is counted in full. Attributes carry ONNX's names; an operand ONNX later moved from an
 * attribute to an input (axes, pads, k, repeats …) arrives here under the attribute's name, put
 * there by the reader from the constant input.
 *
 * Ops that do no arithmetic (Shape, Cast, Gather …) count 0 FLOPs by a stated rule; only their
 * memory traffic is counted. MAdds are counted for the conv-like and matmul-like ops only.
 */
import { formatShape } from '../shared/format';
import { broadcastShapes, numel, Shape, windowOutputSize } from './shape';
import {
  attrBool,
  attrInts,
  attrNumber,
  binaryBroadcast,
  convWeights,
  dataMovement,
  elementwise,
  expectInputs,
  fail,
  normalizeAxis,
  OpContext,
  OpDef,
  reduceAxes,
  view,
} from './opKit';

function atLeastInputs(ctx: OpContext, count: number): void {
  if (ctx.inputShapes.length < count) fail(ctx, `expects at least ${count} input(s), got ${ctx.inputShapes.length}`);
}

function ints(ctx: OpContext, key: string): number[] | undefined {
  const v = ctx.attrs[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => !Number.isInteger(x))) fail(ctx, `'${key}' must be a list of integers`);
  return [...(v as number[])];
}

/** Output has the first input's shape; `flops` per element. */
function sameAsFirst(flopsPerElement: number, rule: string, minInputs = 1): OpDef {
  return {
    infer: (ctx) => {
      atLeastInputs(ctx, minInputs);
      return [ctx.inputShapes[0]];
    },
    work: (_ctx, outputs) => ({ madds: 0, flops: flopsPerElement * numel(outputs[0]) }),
    flopsRule: rule,
  };
}

/** Broadcasts every input together (Max, Min, Sum, Mean, Where); `flops(n)` per output for n inputs. */
function broadcastAll(flops: (inputs: number) => number, rule: string): OpDef {
  return {
    infer(ctx) {
      atLeastInputs(ctx, 1);
      let out: number[] | undefined = [...ctx.inputShapes[0]];
      for (const s of ctx.inputShapes.slice(1)) {
        out = broadcastShapes(out, s);
        if (!out) fail(ctx, `shapes ${ctx.inputShapes.map(formatShape).join(', ')} cannot be broadcast together`);
      }
      return [out];
    },
    work: (ctx, outputs) => ({ madds: 0, flops: flops(ctx.inputShapes.length) * numel(outputs[0]) }),
    flopsRule: rule,
  };
}

function reduceShape(ctx: OpContext, axes: number[]): number[] {
  const input = ctx.inputShapes[0];
  const keep = attrBool(ctx, 'keepdims', true);
  return keep ? input.map((d, i) => (axes.includes(i) ? 1 : d)) : input.filter((_, i) => !axes.includes(i));
}

/** Reduce* over 'axes': `perInput` FLOPs per input element (+ `perOutput` per output). */
function reduce(perInput: number, perOutput: number, rule: string): OpDef {
  return {
    infer(ctx) {
      atLeastInputs(ctx, 1);
      return [reduceShape(ctx, reduceAxes(ctx))];
    },
    work: (ctx, outputs) => ({ madds: 0, flops: perInput * numel(ctx.inputShapes[0]) + perOutput * numel(outputs[0]) }),
    flopsRule: rule,
  };
}

const argReduce: OpDef = {
  infer(ctx) {
    atLeastInputs(ctx, 1);
    const axis = normalizeAxis(ctx, attrNumber(ctx, 'axis', 0), ctx.inputShapes[0].length);
    return [reduceShape(ctx, [axis])];
  },
  work: (ctx) => ({ madds: 0, flops: numel(ctx.inputShapes[0]) }),
  flopsRule: '1 comparison per input element',
};

/** Normalisations over some axes with a learned scale and shift: `perElement` FLOPs per element. */
function normalization(perElement: number, rule: string, statsOutputs?: (ctx: OpContext) => Shape[]): OpDef {
  return {
    infer(ctx) {
      atLeastInputs(ctx, 1);
      if (ctx.inputShapes[0].length < 2) fail(ctx, 'input must have rank ≥ 2');
      return [ctx.inputShapes[0], ...(statsOutputs?.(ctx) ?? [])];
    },
    work: (_ctx, outputs) => ({ madds: 0, flops: perElement * numel(outputs[0]) }),
    flopsRule: rule,
  };
}

const layerNormStats = (ctx: OpContext): Shape[] => {
  const input = ctx.inputShapes[0];
  const axis = normalizeAxis(ctx, attrNumber(ctx, 'axis', -1), input.length);
  const stats = input.map((d, i) => (i < axis ? d : 1));
  return [stats, stats];
};

/** ONNX's ConvTranspose (and the pads it derives from output_shape or auto_pad), in any spatial rank. */
const convTranspose: OpDef = {
  infer(ctx) {
    expectInputs(ctx, 1);
    const input = ctx.inputShapes[0];
    if (input.length < 3) fail(ctx, `input must have rank ≥ 3 (N, C, spatial…), got ${formatShape(input)}`);
    const k = input.length - 2;
    const cout = attrNumber(ctx, 'out_channels');
    const group = attrNumber(ctx, 'group', 1);
    const kernel = attrInts(ctx, 'kernel_shape', k);
    const strides = attrInts(ctx, 'strides', k, new Array<number>(k).fill(1));
    const dilations = attrInts(ctx, 'dilations', k, new Array<number>(k).fill(1));
    const pads = attrInts(ctx, 'pads', 2 * k, new Array<number>(2 * k).fill(0));
    const outputPadding = attrInts(ctx, 'output_padding', k, new Array<number>(k).fill(0));
    if (!Number.isInteger(group) || group <= 0 || input[1] % group !== 0) fail(ctx, `input channels ${input[1]} are not divisible by group ${group}`);
    if ([...kernel, ...strides, ...dilations].some((v) => v <= 0)) fail(ctx, 'kernel, strides and dilations must be positive');
    const spatial = input.slice(2).map((size, i) => strides[i] * (size - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1 - pads[i] - pads[i + k]);
    if (spatial.some((d) => d <= 0)) fail(ctx, `gives spatial size ${spatial.join('×')} (must be ≥ 1)`);
    return [[input[0], cout, ...spatial]];
  },
  weights(ctx) {
    const cin = ctx.inputShapes[0][1];
    const cout = ctx.attrs.out_channels as number;
    const group = (ctx.attrs.group as number | undefined) ?? 1;
    const kernel = attrInts(ctx, 'kernel_shape', ctx.inputShapes[0].length - 2);
    return convWeights(ctx, [cin, cout / group, ...kernel], cout);
  },
  work(ctx, outputs) {
    const cout = ctx.attrs.out_channels as number;
    const group = (ctx.attrs.group as number | undefined) ?? 1;
    const kernel = attrInts(ctx, 'kernel_shape', ctx.inputShapes[0].length - 2);
    // Every input element is scattered into Cout/group · kernel outputs.
    const madds = numel(ctx.inputShapes[0]) * (cout / group) * numel(kernel);
    return { madds, flops: 2 * madds + (attrBool(ctx, 'bias', false) ? numel(outputs[0]) : 0) };
  },
  flopsRule: '2 × MAdds, + 1 per output when the layer has a bias',
  maddsRule: 'input elements × C_out / group × kernel size',
};

/** Einsum: output axes from the equation; MAdds = product of every label's size when it multiplies operands. */
function einsumLabels(ctx: OpContext): { sizes: Map<string, number>; output: string } {
  const equation = String(ctx.attrs.equation ?? '').replace(/\s+/g, '');
  const [lhs, rhs] = equation.split('->');
  const terms = lhs.split(',');
  if (terms.length !== ctx.inputShapes.length) fail(ctx, `equation '${equation}' names ${terms.length} operands for ${ctx.inputShapes.length} inputs`);
  const sizes = new Map<string, number>();
  const counts = new Map<string, number>();
  let ellipsis: number[] = [];
  terms.forEach((term, i) => {
    const shape = ctx.inputShapes[i];
    const [before, after] = term.includes('...') ? term.split('...') : [term, undefined];
    const explicit = before.length + (after?.length ?? 0);
    if (after === undefined ? explicit !== shape.length : explicit > shape.length) fail(ctx, `operand ${i} '${term}' does not match its rank ${shape.length}`);
    if (after !== undefined) {
      const dims = shape.slice(before.length, shape.length - after.length);
      ellipsis = broadcastShapes(ellipsis, dims) ?? fail(ctx, `the '...' axes of operand ${i} cannot be broadcast`);
    }
    const labels = after === undefined ? [...before] : [...before, ...after];
    const positions = after === undefined ? labels.map((_, j) => j) : [...[...before].map((_, j) => j), ...[...after].map((_, j) => shape.length - after.length + j)];
    labels.forEach((label, j) => {
      const d = shape[positions[j]];
      const seen = sizes.get(label);
      if (seen !== undefined && seen !== d && seen !== 1 && d !== 1) fail(ctx, `label '${label}' is ${seen} in one operand and ${d} in another`);
      sizes.set(label, Math.max(seen ?? 1, d));
      counts.set(label, (counts.get(label) ?? 0) + 1);
    });
  });
  const output = rhs ?? [...counts].filter(([, n]) => n === 1).map(([l]) => l).sort().join('');
  ellipsis.forEach((d, i) => sizes.set(`…${i}`, d));
  return { sizes, output: output.replace('...', ellipsis.map((_, i) => `\u0000${i}`).join('')) };
}

const einsum: OpDef = {
  infer(ctx) {
    const { sizes, output } = einsumLabels(ctx);
    const out: number[] = [];
    for (let i = 0; i < output.length; i++) {
      if (output[i] === '\u0000') {
        out.push(sizes.get(`…${output[i + 1]}`) ?? 1);
        i++;
      } else out.push(sizes.get(output[i]) ?? fail(ctx, `output label '${output[i]}' is not in any operand`));
    }
    return [out];
  },
  work(ctx, outputs) {
    const { sizes } = einsumLabels(ctx);
    const all = [...sizes.values()].reduce((a, b) => a * b, 1);
    if (ctx.inputShapes.length < 2) return { madds: 0, flops: numel(ctx.inputShapes[0]) };
    const madds = all * (ctx.inputShapes.length - 1);
    return { madds, flops: 2 * madds + 0 * numel(outputs[0]) };
  },
  flopsRule: '2 × MAdds; one operand: 1 per input element',
  maddsRule: 'product of every label’s size, per operand after the first (two or more operands)',
};

/** LSTM (4 gates), GRU (3) and RNN (1): MAdds per step, direction and batch row = gates·hidden·(input + hidden). */
function recurrent(gates: number, cellWork: number): OpDef {
  const dims = (ctx: OpContext) => {
    atLeastInputs(ctx, 3);
    const x = ctx.inputShapes[0];
    if (x.length !== 3) fail(ctx, `X must have rank 3, got ${formatShape(x)}`);
    const layout = attrNumber(ctx, 'layout', 0);
    const [seq, batch] = layout === 0 ? [x[0], x[1]] : [x[1], x[0]];
    const w = ctx.inputShapes[1];
    const hidden = attrNumber(ctx, 'hidden_size', w[1] / gates);
    const dirs = w[0];
    if (w.length !== 3 || w[1] !== gates * hidden || w[2] !== x[2]) fail(ctx, `W must be [directions, ${gates}·hidden, input] = [${dirs}, ${gates * hidden}, ${x[2]}], got ${formatShape(w)}`);
    return { seq, batch, hidden, dirs, input: x[2], layout };
  };
  return {
    infer(ctx) {
      const { seq, batch, hidden, dirs, layout } = dims(ctx);
      const y = layout === 0 ? [seq, dirs, batch, hidden] : [batch, seq, dirs, hidden];
      const state = layout === 0 ? [dirs, batch, hidden] : [batch, dirs, hidden];
      return [y, state, ...(gates === 4 ? [state] : [])];
    },
    work(ctx) {
      const { seq, batch, hidden, dirs, input } = dims(ctx);
      const rows = seq * batch * dirs;
      const madds = rows * gates * hidden * (input + hidden);
      return { madds, flops: 2 * madds + rows * hidden * (2 * gates + cellWork) };
    },
    flopsRule: `2 × MAdds, + per step, batch row and direction: 2 per gate unit (the two biases) and ${cellWork} per hidden unit (gate nonlinearities and state update)`,
    maddsRule: `steps × batch × directions × ${gates} gates × hidden × (input + hidden)`,
  };
}

const gather: OpDef = {
  infer(ctx) {
    expectInputs(ctx, 2);
    const [data, indices] = ctx.inputShapes;
    const axis = normalizeAxis(ctx, attrNumber(ctx, 'axis', 0), data.length);
    return [[...data.slice(0, axis), ...indices, ...data.slice(axis + 1)]];
  },
  work: () => ({ madds: 0, flops: 0 }),
  flopsRule: 'none (copies the indexed elements)',
};

const gatherND: OpDef = {
  infer(ctx) {
    expectInputs(ctx, 2);
    const [data, indices] = ctx.inputShapes;
    const b = attrNumber(ctx, 'batch_dims', 0);
    const last = indices[indices.length - 1];
    if (b + last > data.length) fail(ctx, `indices address ${last} axes after ${b} batch axes of a rank-${data.length} input`);
    return [[...indices.slice(0, -1), ...data.slice(b + last)]];
  },
  work: () => ({ madds: 0, flops: 0 }),
  flopsRule: 'none (copies the indexed elements)',
};

const expand = dataMovement((ctx) => {
  atLeastInputs(ctx, 1);
  const shape = ints(ctx, 'shape') ?? fail(ctx, "needs 'shape'");
  return [broadcastShapes(ctx.inputShapes[0], shape) ?? fail(ctx, `${formatShape(ctx.inputShapes[0])} cannot be expanded to ${formatShape(shape)}`)];
}, 'none (copies data)');

const tile = dataMovement((ctx) => {
  atLeastInputs(ctx, 1);
  const input = ctx.inputShapes[0];
  const repeats = ints(ctx, 'repeats') ?? fail(ctx, "needs 'repeats'");
  if (repeats.length !== input.length) fail(ctx, `repeats has ${repeats.length} values for a rank-${input.length} input`);
  return [input.map((d, i) => d * repeats[i])];
}, 'none (copies data)');

const topK: OpDef = {
  infer(ctx) {
    atLeastInputs(ctx, 1);
    const input = ctx.inputShapes[0];
    const axis = normalizeAxis(ctx, attrNumber(ctx, 'axis', -1), input.length);
    const k = attrNumber(ctx, 'k');
    if (!Number.isInteger(k) || k < 1 || k > input[axis]) fail(ctx, `k = ${k} must be between 1 and ${input[axis]}`);
    const out = input.map((d, i) => (i === axis ? k : d));
    return [out, out];
  },
  work(ctx, outputs) {
    // k is the output's size along the axis (the same when k was computed at run time and the shapes measured).
    const axis = normalizeAxis(ctx, attrNumber(ctx, 'axis', -1), ctx.inputShapes[0].length);
    return { madds: 0, flops: numel(ctx.inputShapes[0]) * Math.max(1, Math.ceil(Math.log2(Math.max(2, outputs[0][axis])))) };
  },
  flopsRule: 'input elements × ⌈log₂ k⌉ comparisons (a heap of k)',
};

const depthToSpace = dataMovement((ctx) => {
  expectInputs(ctx, 1);
  const [n, c, h, w] = ctx.inputShapes[0].length === 4 ? ctx.inputShapes[0] : fail(ctx, 'input must have rank 4');
  const b = attrNumber(ctx, 'blocksize');
  if (ctx.op === 'DepthToSpace') {
    if (c % (b * b) !== 0) fail(ctx, `channels ${c} are not divisible by blocksize² ${b * b}`);
    return [[n, c / (b * b), h * b, w * b]];
  }
  if (h % b !== 0 || w % b !== 0) fail(ctx, `spatial size ${h}×${w} is not divisible by blocksize ${b}`);
  return [[n, c * b * b, h / b, w / b]];
}, 'none (rearranges data)');

const upsample: OpDef = {
  infer(ctx) {
    atLeastInputs(ctx, 1);
    const input = ctx.inputShapes[0];
    const scales = ctx.attrs.scales;
    if (!Array.isArray(scales) || scales.length !== input.length) fail(ctx, `'scales' must have ${input.length} values`);
    return [input.map((d, i) => Math.floor(d * (scales as number[])[i]))];
  },
  work: (ctx, outputs) => ({ madds: 0, flops: ctx.attrs.mode === 'linear' || ctx.attrs.mode === 'bilinear' ? 6 * numel(outputs[0]) : 0 }),
  flopsRule: 'nearest: 0; linear: 6 per output (bilinear)',
};

const oneHot = dataMovement((ctx) => {
  atLeastInputs(ctx, 1);
  const indices = ctx.inputShapes[0];
  const depth = attrNumber(ctx, 'depth');
  const axis = attrNumber(ctx, 'axis', -1);
  const a = axis < 0 ? axis + indices.length + 1 : axis;
  const out = [...indices];
  out.splice(a, 0, depth);
  return [out];
}, 'none (writes one value per output)');

const roiPool = (rule: string, perSample: number): OpDef => ({
  infer(ctx) {
    atLeastInputs(ctx, 2);
    const x = ctx.inputShapes[0];
    const rois = ctx.inputShapes[1];
    const pooled = ints(ctx, 'pooled_shape');
    const [oh, ow] = pooled ?? [attrNumber(ctx, 'output_height', 1), attrNumber(ctx, 'output_width', 1)];
    return [[rois[0], x[1], oh, ow]];
  },
  work: (ctx, outputs) => {
    const ratio = attrNumber(ctx, 'sampling_ratio', 0) || 2;
    return { madds: 0, flops: perSample * ratio * ratio * numel(outputs[0]) };
  },
  flopsRule: rule,
});

const gridSample: OpDef = {
  infer(ctx) {
    expectInputs(ctx, 2);
    const [x, grid] = ctx.inputShapes;
    return [[x[0], x[1], ...grid.slice(1, -1)]];
  },
  work: (_ctx, outputs) => ({ madds: 0, flops: 7 * numel(outputs[0]) }),
  flopsRule: '7 per output (bilinear: 4 taps weighted and summed)',
};

const quantize = (rule: string, flops: number): OpDef => ({
  infer(ctx) {
    atLeastInputs(ctx, 1);
    return [ctx.inputShapes[0]];
  },
  work: (_ctx, outputs) => ({ madds: 0, flops: flops * numel(outputs[0]) }),
  flopsRule: rule,
});

const dynamicQuantize: OpDef = {
  infer(ctx) {
    expectInputs(ctx, 1);
    return [ctx.inputShapes[0], [], []];
  },
  work: (ctx) => ({ madds: 0, flops: 5 * numel(ctx.inputShapes[0]) }),
  flopsRule: '5 per element (min and max for the range, divide, round, add zero point)',
};

const shapeLike = (rule: string): OpDef => ({ ...sameAsFirst(0, rule), flopsRule: rule });

/** One output of the first input's shape less its last two axes (Det). */
const det = dataMovement((ctx) => {
  expectInputs(ctx, 1);
  const x = ctx.inputShapes[0];
  if (x.length < 2 || x[x.length - 1] !== x[x.length - 2]) fail(ctx, 'input must end in a square matrix');
  return [x.slice(0, -2)];
}, 'none counted (a determinant per matrix; not a CNN op)');

const compress = dataMovement((ctx) => {
  atLeastInputs(ctx, 1);
  const input = ctx.inputShapes[0];
  const kept = attrNumber(ctx, 'kept');
  if (ctx.attrs.axis === undefined) return [[kept]];
  const axis = normalizeAxis(ctx, attrNumber(ctx, 'axis'), input.length);
  return [input.map((d, i) => (i === axis ? kept : d))];
}, 'none (copies the selected elements)');

const lpPool: OpDef = {
  infer(ctx) {
    expectInputs(ctx, 1);
    const input = ctx.inputShapes[0];
    const k = input.length - 2;
    if (k < 1) fail(ctx, 'input must have rank ≥ 3');
    const kernel = attrInts(ctx, 'kernel_shape', k);
    const strides = attrInts(ctx, 'strides', k, new Array<number>(k).fill(1));
    const pads = attrInts(ctx, 'pads', 2 * k, new Array<number>(2 * k).fill(0));
    const dilations = attrInts(ctx, 'dilations', k, new Array<number>(k).fill(1));
    const out = input.slice(2).map((size, i) => windowOutputSize(size, kernel[i], strides[i], pads[i], pads[i + k], dilations[i], attrBool(ctx, 'ceil_mode', false)));
    if (out.some((d) => d <= 0)) fail(ctx, `gives spatial size ${out.join('×')} (must be ≥ 1)`);
    return [[input[0], input[1], ...out]];
  },
  work: (ctx, outputs) => ({ madds: 0, flops: 2 * numel(attrInts(ctx, 'kernel_shape', ctx.inputShapes[0].length - 2)) * numel(outputs[0]) }),
  flopsRule: '2 per window element per output (power and add), root folded',
};

const globalPool = (perElement: number, rule: string): OpDef => ({
  infer(ctx) {
    expectInputs(ctx, 1);
    const x = ctx.inputShapes[0];
    if (x.length < 3) fail(ctx, `input must have rank ≥ 3, got ${formatShape(x)}`);
    return [[x[0], x[1], ...x.slice(2).map(() => 1)]];
  },
  work: (ctx) => ({ madds: 0, flops: perElement * numel(ctx.inputShapes[0]) }),
  flopsRule: rule,
});

const affineGrid = dataMovement((ctx) => {
  atLeastInputs(ctx, 1);
  const size = ints(ctx, 'grid_size') ?? fail(ctx, "needs 'size'");
  const [n, , ...spatial] = size;
  return [[n, ...spatial, spatial.length]];
}, 'none counted (grid generation)');

/** An op whose output shape is known only from a run (the reader adds it with the run's shapes). */
function fromRunOnly(work: (ctx: OpContext, outputs: readonly Shape[]) => number, rule: string): OpDef {
  return {
    infer: (ctx) => fail(ctx, 'its output shape depends on its input values; it is known only from a run'),
    work: (ctx, outputs) => ({ madds: 0, flops: work(ctx, outputs) }),
    flopsRule: rule,
  };
}

const constantOfShape = dataMovement((ctx) => [ints(ctx, 'shape') ?? fail(ctx, "needs 'shape'")], 'none (writes a constant)');

const range: OpDef = {
  infer(ctx) {
    const [start, limit, delta] = ['start', 'limit', 'delta'].map((k) => attrNumber(ctx, k));
    if (delta === 0) fail(ctx, 'delta must not be 0');
    return [[Math.max(Math.ceil((limit - start) / delta), 0)]];
  },
  work: (_ctx, outputs) => ({ madds: 0, flops: numel(outputs[0]) }),
  flopsRule: '1 add per element',
};

/** FLOPs of one complex FFT of length n (radix-2 count, 5 n log₂ n); a real one-sided transform is counted the same. */
const fftFlops = (n: number) => 5 * n * Math.max(1, Math.log2(Math.max(2, n)));

/** DFT's signal axis: a negative one counts from the end of the whole input; the last axis (real/imaginary) is never it. */
function dftAxis(ctx: OpContext): number {
  const rank = ctx.inputShapes[0].length;
  const axis = normalizeAxis(ctx, attrNumber(ctx, 'axis', 1), rank);
  if (axis === 0 || axis === rank - 1) fail(ctx, `axis ${attrNumber(ctx, 'axis', 1)} must be a signal axis (not the batch or the last, real/imaginary one)`);
  return axis;
}

const dft: OpDef = {
  infer(ctx) {
    atLeastInputs(ctx, 1);
    const x = ctx.inputShapes[0];
    if (x.length < 3) fail(ctx, `input must have rank ≥ 3 ([batch, signal…, 1 or 2]), got ${formatShape(x)}`);
    const axis = dftAxis(ctx);
    const n = attrNumber(ctx, 'dft_length', x[axis]);
    const out = [...x];
    out[axis] = attrBool(ctx, 'onesided', false) ? Math.floor(n / 2) + 1 : n;
    out[x.length - 1] = 2;
    return [out];
  },
  work(ctx, outputs) {
    const x = ctx.inputShapes[0];
    const axis = dftAxis(ctx);
    const n = attrNumber(ctx, 'dft_length', x[axis]);
    const transforms = numel(outputs[0]) / outputs[0][axis] / 2;
    return { madds: 0, flops: transforms * fftFlops(n) };
  },
  flopsRule: '5 n log₂ n per transform of length n (radix-2 FFT count)',
};

const stft: OpDef = {
  infer(ctx) {
    atLeastInputs(ctx, 1);
    const [batch, length] = ctx.inputShapes[0];
    const step = attrNumber(ctx, 'frame_step');
    const window = ctx.inputShapes[1]?.[0];
    const frame = attrNumber(ctx, 'frame_length', window ?? 0);
    if (!(frame > 0) || !(step > 0) || frame > length) fail(ctx, `frame_length ${frame} and frame_step ${step} do not fit a signal of ${length}`);
    const frames = Math.floor((length - frame) / step) + 1;
    return [[batch, frames, attrBool(ctx, 'onesided', true) ? Math.floor(frame / 2) + 1 : frame, 2]];
  },
  work(ctx, outputs) {
    const [batch, frames] = outputs[0];
    const frame = attrNumber(ctx, 'frame_length', ctx.inputShapes[1]?.[0] ?? 0);
    return { madds: 0, flops: batch * frames * (fftFlops(frame) + frame) };
  },
  flopsRule: 'per frame: 5 n log₂ n (FFT of length n) + n (window)',
};

const windowFunction = dataMovement((ctx) => [[attrNumber(ctx, 'size')]], 'none counted (a window of cosines, computed once)');

const melWeightMatrix = dataMovement(
  (ctx) => [[Math.floor(attrNumber(ctx, 'dft_length') / 2) + 1, attrNumber(ctx, 'num_mel_bins')]],
  'none counted (a filter bank, computed once)',
);

const maxUnpool = dataMovement((ctx) => {
  atLeastInputs(ctx, 2);
  const x = ctx.inputShapes[0];
  const given = ints(ctx, 'output_shape');
  if (given) return [given];
  const k = x.length - 2;
  const kernel = attrInts(ctx, 'kernel_shape', k);
  const strides = attrInts(ctx, 'strides', k, new Array<number>(k).fill(1));
  const pads = attrInts(ctx, 'pads', 2 * k, new Array<number>(2 * k).fill(0));
  return [[x[0], x[1], ...x.slice(2).map((d, i) => (d - 1) * strides[i] + kernel[i] - pads[i] - pads[i + k])]];
}, 'none (scatters each value to its index)');

const loss = (rule: string, extraOutputs: boolean): OpDef => ({
  infer(ctx) {
    atLeastInputs(ctx, 2);
    const reduction = (ctx.attrs.reduction as string | undefined) ?? 'mean';
    const out = reduction === 'none' ? ctx.inputShapes[1] : [];
    return extraOutputs ? [out, ctx.inputShapes[0]] : [out];
  },
  work: (ctx) => ({ madds: 0, flops: (extraOutputs ? 6 : 1) * numel(ctx.inputShapes[0]) }),
  flopsRule: rule,
});

const centerCropPad = dataMovement((ctx) => {
  atLeastInputs(ctx, 1);
  const x = ctx.inputShapes[0];
  const shape = ints(ctx, 'shape') ?? fail(ctx, "needs 'shape'");
  const axes = (ints(ctx, 'axes') ?? shape.map((_, i) => i)).map((a) => normalizeAxis(ctx, a, x.length));
  if (axes.length !== shape.length) fail(ctx, `'shape' has ${shape.length} values for ${axes.length} axes`);
  const out = [...x];
  axes.forEach((a, i) => (out[a] = shape[i]));
  return [out];
}, 'none (copies data, pads with zeros)');

const col2Im = dataMovement((ctx) => {
  atLeastInputs(ctx, 1);
  const [n, cb] = ctx.inputShapes[0];
  const image = ints(ctx, 'image_shape') ?? fail(ctx, "needs 'image_shape'");
  const block = ints(ctx, 'block_shape') ?? fail(ctx, "needs 'block_shape'");
  const size = block.reduce((a, b) => a * b, 1);
  if (cb % size !== 0) fail(ctx, `${cb} is not divisible by the block size ${size}`);
  return [[n, cb / size, ...image]];
}, 'none counted (adds overlapping blocks: 1 per input element at most)');

const unary = (rule: string, flops = 1) => elementwise(flops, rule);
const ONE = '1 per element';
const TRANSCENDENTAL = '1 per element (a transcendental counts 1)';
const COMPARE = '1 per output element (comparison or logic)';

/** The standard ops outside lcnb's own building blocks, by ONNX name. */
export const STANDARD_OPS: Readonly<Record<string, OpDef>> = {
  // Arithmetic and activations
  Abs: unary(ONE),
  Neg: unary(ONE),
  Floor: unary(ONE),
  Ceil: unary(ONE),
  Round: unary(ONE),
  Sign: unary(ONE),
  Reciprocal: unary(ONE),
  Not: unary(ONE),
  BitwiseNot: unary(ONE),
  IsNaN: unary(ONE),
  IsInf: unary(ONE),
  Log: unary(TRANSCENDENTAL),
  Sin: unary(TRANSCENDENTAL),
  Cos: unary(TRANSCENDENTAL),
  Tan: unary(TRANSCENDENTAL),
  Asin: unary(TRANSCENDENTAL),
  Acos: unary(TRANSCENDENTAL),
  Atan: unary(TRANSCENDENTAL),
  Sinh: unary(TRANSCENDENTAL),
  Cosh: unary(TRANSCENDENTAL),
  Asinh: unary(TRANSCENDENTAL),
  Acosh: unary(TRANSCENDENTAL),
  Atanh: unary(TRANSCENDENTAL),
  Elu: unary('3 per element (compare, exp, multiply-subtract)', 3),
  Selu: unary('4 per element (compare, exp, 2 multiplies)', 4),
  Celu: unary('4 per element (compare, divide, exp, multiply)', 4),
  Softplus: unary('3 per element: log(1 + exp(x))', 3),
  Softsign: unary('3 per element: x / (1 + |x|)', 3),
  ThresholdedRelu: unary('1 per element (compare)', 1),
  Shrink: unary('2 per element (compare, add)', 2),
  Mish: unary('5 per element: x · tanh(log(1 + exp(x)))', 5),
  LogSoftmax: unary('5 per element (max, subtract, exp, sum, log)', 5),
  Hardmax: unary('1 per element (compare)', 1),
  Mod: binaryBroadcast(ONE),
  BitShift: binaryBroadcast(ONE),
  Equal: binaryBroadcast(COMPARE),
  Greater: binaryBroadcast(COMPARE),
  Less: binaryBroadcast(COMPARE),
  GreaterOrEqual: binaryBroadcast(COMPARE),
  LessOrEqual: binaryBroadcast(COMPARE),
  And: binaryBroadcast(COMPARE),
  Or: binaryBroadcast(COMPARE),
  Xor: binaryBroadcast(COMPARE),
  BitwiseAnd: binaryBroadcast(COMPARE),
  BitwiseOr: binaryBroadcast(COMPARE),
  BitwiseXor: binaryBroadcast(COMPARE),
  Max: broadcastAll((n) => n - 1, 'n − 1 comparisons per output for n inputs'),
  Min: broadcastAll((n) => n - 1, 'n − 1 comparisons per output for n inputs'),
  Sum: broadcastAll((n) => n - 1, 'n − 1 adds per output for n inputs'),
  Mean: broadcastAll((n) => n, 'n − 1 adds and 1 divide per output for n inputs'),
  Where: broadcastAll(() => 1, '1 per output element (select)'),
  // Normalisations (learned scale and shift are the node's parameters)
  LayerNormalization: normalization(8, '8 per element: mean (1), variance (3), normalise (2), scale and shift (2)', layerNormStats),
  InstanceNormalization: normalization(8, '8 per element: mean (1), variance (3), normalise (2), scale and shift (2)'),
  GroupNormalization: normalization(8, '8 per element: mean (1), variance (3), normalise (2), scale and shift (2)'),
  RMSNormalization: normalization(5, '5 per element: square and mean (2), normalise (1), scale (2)'),
  MeanVarianceNormalization: normalization(6, '6 per element: mean (1), variance (3), normalise (2)'),
  LpNormalization: normalization(3, '3 per element (power and sum, divide)'),
  LRN: {
    ...normalization(0, ''),
    work: (ctx, outputs) => ({ madds: 0, flops: (attrNumber(ctx, 'size') + 4) * numel(outputs[0]) }),
    flopsRule: 'size + 4 per element (sum of squares over size channels, scale, power, divide)',
  },
  // Pooling
  GlobalMaxPool: globalPool(1, '1 comparison per input element'),
  GlobalLpPool: globalPool(2, '2 per input element (power and add), root folded'),
  LpPool: lpPool,
  MaxRoiPool: roiPool('1 comparison per pooled input element (4 per output assumed per sample)', 1),
  RoiAlign: roiPool('bilinear samples: sampling_ratio² × 4 taps × 1 FLOP per output (ratio 2 when adaptive)', 4),
  GridSample: gridSample,
  AffineGrid: affineGrid,
  // Conv-like and matmul-like
  ConvTranspose: convTranspose,
  Einsum: einsum,
  LSTM: recurrent(4, 9),
  GRU: recurrent(3, 8),
  RNN: recurrent(1, 1),
  // Quantisation
  QuantizeLinear: quantize('3 per element (divide by scale, round, add zero point and saturate)', 3),
  DequantizeLinear: quantize('2 per element (subtract zero point, multiply by scale)', 2),
  DynamicQuantizeLinear: dynamicQuantize,
  // Reductions
  ReduceSum: reduce(1, 0, '1 add per input element'),
  ReduceMax: reduce(1, 0, '1 comparison per input element'),
  ReduceMin: reduce(1, 0, '1 comparison per input element'),
  ReduceProd: reduce(1, 0, '1 multiply per input element'),
  ReduceL1: reduce(2, 0, '2 per input element (abs, add)'),
  ReduceL2: reduce(2, 1, '2 per input element (square, add) + 1 square root per output'),
  ReduceLogSum: reduce(1, 1, '1 add per input element + 1 log per output'),
  ReduceLogSumExp: reduce(2, 1, '2 per input element (exp, add) + 1 log per output'),
  ReduceSumSquare: reduce(2, 0, '2 per input element (square, add)'),
  ArgMax: argReduce,
  ArgMin: argReduce,
  TopK: topK,
  CumSum: sameAsFirst(1, '1 add per element'),
  // Data movement (0 FLOPs by rule: only memory traffic)
  Cast: dataMovement((ctx) => [ctx.inputShapes[0]], 'none (converts each element)'),
  CastLike: dataMovement((ctx) => [ctx.inputShapes[0]], 'none (converts each element)'),
  Gather: gather,
  GatherElements: dataMovement((ctx) => (expectInputs(ctx, 2), [ctx.inputShapes[1]]), 'none (copies the indexed elements)'),
  GatherND: gatherND,
  Scatter: dataMovement((ctx) => [ctx.inputShapes[0]], 'none (copies data, writes the updates)'),
  ScatterElements: dataMovement((ctx) => [ctx.inputShapes[0]], 'none (copies data, writes the updates)'),
  ScatterND: dataMovement((ctx) => [ctx.inputShapes[0]], 'none (copies data, writes the updates)'),
  Expand: expand,
  Tile: tile,
  Trilu: dataMovement((ctx) => [ctx.inputShapes[0]], 'none (copies data, zeroes a triangle)'),
  OneHot: oneHot,
  DepthToSpace: depthToSpace,
  SpaceToDepth: depthToSpace,
  Upsample: upsample,
  ReverseSequence: dataMovement((ctx) => [ctx.inputShapes[0]], 'none (copies data)'),
  Compress: compress,
  Det: det,
  EyeLike: shapeLike('none (writes the identity)'),
  RandomNormalLike: shapeLike('none counted (random generation)'),
  RandomUniformLike: shapeLike('none counted (random generation)'),
  Bernoulli: shapeLike('none counted (random generation)'),
  Size: view(() => [[]], 'none (reads the shape)'),
  ConstantOfShape: constantOfShape,
  Range: range,
  NonZero: fromRunOnly((ctx) => numel(ctx.inputShapes[0]), '1 comparison per input element'),
  DFT: dft,
  STFT: stft,
  BlackmanWindow: windowFunction,
  HammingWindow: windowFunction,
  HannWindow: windowFunction,
  MelWeightMatrix: melWeightMatrix,
  MaxUnpool: maxUnpool,
  Multinomial: dataMovement((ctx) => [[ctx.inputShapes[0][0], attrNumber(ctx, 'sample_size', 1)]], 'none counted (random sampling)'),
  NegativeLogLikelihoodLoss: loss('1 per input element (gather, weight, reduce)', false),
  SoftmaxCrossEntropyLoss: loss('6 per score (log-softmax 5, gather 1)', true),
  RandomNormal: dataMovement((ctx) => [ints(ctx, 'shape') ?? fail(ctx, "needs 'shape'")], 'none counted (random generation)'),
  RandomUniform: dataMovement((ctx) => [ints(ctx, 'shape') ?? fail(ctx, "needs 'shape'")], 'none counted (random generation)'),
  CenterCropPad: centerCropPad,
  Col2Im: col2Im,
  Shape: view((ctx) => [[ctx.inputShapes[0].length]], 'none (reads the shape)'),
};

/** Ops whose output shapes depend on the values of their input, not only on shapes. */
export const DATA_DEPENDENT_OPS: ReadonlySet<string> = new Set(['NonZero', 'NonMaxSuppression', 'Unique', 'StringNormalizer', 'TfIdfVectorizer']);

/** Control flow and sequence ops: subgraphs lcnb does not unroll statically. */
export const SUBGRAPH_OPS: ReadonlySet<string> = new Set(['If', 'Loop', 'Scan']);

/** Standard ops that stay uncounted even with their shapes known, and why. */
export const UNCOUNTED_WHY: Readonly<Record<string, string>> = {
  If: 'control flow: the ops of the branch it runs are not counted',
  Loop: 'control flow: the ops of its body are not counted',
  Scan: 'control flow: the ops of its body are not counted',
  NonMaxSuppression: 'its work depends on the data (how many boxes overlap), not only on shapes',
  Unique: 'its work depends on the data, not only on shapes',
  ...Object.fromEntries(
    ['SequenceAt', 'SequenceConstruct', 'SequenceEmpty', 'SequenceErase', 'SequenceInsert', 'SequenceLength', 'SequenceMap', 'SplitToSequence', 'ConcatFromSequence', 'Optional', 'OptionalGetElement', 'OptionalHasElement'].map((op) => [
      op,
      'works on a sequence or an optional value, not a tensor: lcnb counts tensor ops only',
    ]),
  ),
  ...Object.fromEntries(['StringNormalizer', 'TfIdfVectorizer', 'RegexFullMatch', 'StringConcat', 'StringSplit'].map((op) => [op, 'works on strings: lcnb counts numeric tensor ops only'])),
  ImageDecoder: 'decodes an encoded image: its work depends on the bytes, not only on shapes',
};

