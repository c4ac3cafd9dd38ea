/**
 * ONNX → IR. Shapes come from lcnb's own shape inference (value_info is used only for ops lcnb
 * does not know); small integer tensors that only compute shapes (Shape → Gather → Concat →
 * Reshape, as PyTorch exports `x.view(…)`) are evaluated here instead of becoming graph nodes.
 * Ops outside the registry stay in the graph and are reported as uncounted.
 *
 * Limits: a file over 2 GiB, a tensor over 2^31 elements, more than 500,000 nodes or external
 * data outside the model's folder are refused before anything large is allocated; a truncated
 * or corrupt protobuf is one clear error.
 */
import { posix, win32 } from 'node:path';
import { GraphError, UserError } from '../core/errors';
import { AttrValue, Graph, GraphBuilder } from '../core/ir';
import { Shape } from '../core/shape';
import { METADATA_PREFIX, onnx } from './proto';

export const MAX_MODEL_BYTES = 2 ** 31;
const MAX_TENSOR_ELEMENTS = 2 ** 31;
const MAX_NODES = 500_000;
/** Integer tensors up to this size are decoded so shape computations can be evaluated. */
const MAX_VALUE_ELEMENTS = 4096;
/** Most values an op reads from a constant input (axes, pads, a target shape …): more is not a real model. */
const MAX_OPERAND_VALUES = 64;

export interface ReadOptions {
  /** Names the model in error messages (usually its path). */
  readonly source: string;
  /** Shapes for graph inputs whose dimensions are symbolic (e.g. a dynamic batch). */
  readonly inputShapes?: Readonly<Record<string, Shape>>;
}

export interface OnnxModel {
  readonly graph: Graph;
  readonly opset: number;
  readonly producer: string;
  /** lcnb.* metadata of models lcnb exported (form, seed, folded BatchNorms). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Nodes that only computed shapes and were evaluated while reading. */
  readonly evaluatedNodes: number;
}

type Long = { toNumber(): number };
const toNumber = (v: number | Long | null | undefined): number => (v === null || v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber());

/** A tensor known while reading: an initializer, a Constant, or an evaluated shape computation. */
interface Known {
  dims: number[];
  /** Element values when small and numeric. */
  values?: number[];
  /** Registered in the IR as a constant input (weights fed to Add/Mul/MatMul). */
  registered?: boolean;
  /** An initializer (a learned tensor) rather than a Constant node or a computed value. */
  initializer?: boolean;
}

function tensorValues(t: onnx.ITensorProto, count: number): number[] | undefined {
  if (count > MAX_VALUE_ELEMENTS) return undefined;
  const T = onnx.TensorProto.DataType;
  if (t.int64Data?.length) return t.int64Data.map(toNumber);
  if (t.int32Data?.length) return [...t.int32Data];
  if (t.floatData?.length) return [...t.floatData];
  if (t.doubleData?.length) return [...t.doubleData];
  const raw = t.rawData;
  if (!raw || raw.length === 0) return count === 0 ? [] : undefined;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const read: Record<number, [number, (i: number) => number]> = {
    [T.INT64]: [8, (i) => Number(view.getBigInt64(i * 8, true))],
    [T.INT32]: [4, (i) => view.getInt32(i * 4, true)],
    [T.FLOAT]: [4, (i) => view.getFloat32(i * 4, true)],
    [T.DOUBLE]: [8, (i) => view.getFloat64(i * 8, true)],
  };
  const reader = read[t.dataType ?? 0];
  if (!reader || raw.length < reader[0] * count) return undefined;
  return Array.from({ length: count }, (_, i) => reader[1](i));
}

/**
 * Values of a small N-d tensor rearranged into `dims`: `source(index)` gives, for an output index,
 * the (input axis, input coordinate) pairs to read from.
 */
function gatherValues(input: Known, dims: number[], source: (index: number[]) => (readonly [number, number])[]): number[] {
  const values = input.values as number[];
  const strides = input.dims.map((_, i) => input.dims.slice(i + 1).reduce((x, y) => x * y, 1));
  const total = dims.reduce((x, y) => x * y, 1);
  const out: number[] = [];
  const index = dims.map(() => 0);
  for (let n = 0; n < total; n++) {
    out.push(values[source(index).reduce((offset, [axis, coordinate]) => offset + coordinate * strides[axis], 0)]);
    for (let axis = dims.length - 1; axis >= 0 && ++index[axis] === dims[axis]; axis--) index[axis] = 0;
  }
  return out;
}

function attrValue(a: onnx.IAttributeProto): AttrValue | onnx.ITensorProto | undefined {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.INT:
      return toNumber(a.i);
    case T.FLOAT:
      return a.f ?? 0;
    case T.STRING:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    case T.INTS:
      return (a.ints ?? []).map(toNumber);
    case T.FLOATS:
      return [...(a.floats ?? [])];
    case T.TENSOR:
      return a.t ?? undefined;
    default:
      return undefined;
  }
}

/** `/stage2/stage2.1/Slice` → ['stage2', 'stage2.1']; `stage1.block1.dw.conv` → ['stage1', 'block1', 'dw']. */
function scopeOf(name: string): string[] {
  const parts = name.includes('/') ? name.split('/').filter(Boolean) : name.split('.');
  return parts.slice(0, -1);
}

function checkExternalData(t: onnx.ITensorProto, source: string): void {
  if (t.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) return;
  const location = t.externalData?.find((e) => e.key === 'location')?.value ?? '';
  const normalized = posix.normalize(location.replace(/\\/g, '/'));
  if (!location || posix.isAbsolute(normalized) || win32.isAbsolute(location) || normalized.startsWith('../') || normalized === '..') {
    throw new UserError(`${source}: tensor '${t.name}' keeps its data at '${location}', outside the model's folder; lcnb refuses to follow it`);
  }
}

class Reader {
  readonly known = new Map<string, Known>();
  readonly b: GraphBuilder;
  evaluated = 0;
  private readonly names = new Set<string>();

  constructor(
    readonly source: string,
    graphName: string,
    private readonly opset: number,
    private readonly valueInfo: ReadonlyMap<string, Shape>,
  ) {
    this.b = new GraphBuilder(graphName);
  }

  fail(message: string): never {
    throw new UserError(`${this.source}: ${message}`);
  }

  /** Values of a constant input, which the op needs to know (a Reshape's target shape …). */
  values(node: onnx.INodeProto, index: number, what: string): number[] | undefined {
    const name = node.input?.[index];
    if (!name) return undefined;
    const known = this.known.get(name);
    const where = (rule: string) => new GraphError(node.name || node.output?.[0] || node.opType || '?', node.opType ?? '', [], rule);
    if (!known?.values) throw where(`its ${what} ('${name}') is computed at run time; lcnb needs it to be a constant`);
    if (known.values.length > MAX_OPERAND_VALUES) throw where(`its ${what} ('${name}') holds ${known.values.length} values; lcnb reads at most ${MAX_OPERAND_VALUES}`);
    if (what !== 'scales' && !known.values.every(Number.isSafeInteger)) throw where(`its ${what} ('${name}') must hold integers`);
    return known.values;
  }

  /** Registers a known constant as an IR constant (once) and returns it as a tensor. */
  constantTensor(name: string) {
    const known = this.known.get(name);
    if (!known) return undefined;
    if (!known.registered) {
      this.b.constant(name, known.dims, { parameter: !!known.initializer });
      known.registered = true;
    }
    return { name, shape: known.dims };
  }

  uniqueName(node: onnx.INodeProto): string {
    const base = node.name || node.output?.[0] || node.opType || 'node';
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Evaluates a node whose inputs are all known values; true when it could. */
  evaluate(node: onnx.INodeProto, attrs: Record<string, unknown>): boolean {
    const inputs = (node.input ?? []).filter(Boolean).map((i) => this.known.get(i));
    const out = node.output?.[0];
    if (!out) return false;
    const set = (dims: number[], values?: number[], initializer?: boolean) => {
      if (this.known.has(out) || this.b.tensor(out)) throw new GraphError(node.name || out, op ?? '', [], `its output '${out}' is already defined earlier in the graph`);
      if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0) || values?.some((v) => typeof v !== 'number')) {
        throw new GraphError(node.name || out, op ?? '', inputs.filter(Boolean).map((k) => k!.dims), 'from its constant inputs it computes a shape that is not a list of whole numbers ≥ 0');
      }
      this.known.set(out, { dims, values, initializer });
      this.evaluated++;
      return true;
    };
    const op = node.opType;
    if (op === 'Constant') {
      const t = attrs.value as onnx.ITensorProto | undefined;
      if (t) {
        const dims = (t.dims ?? []).map(toNumber);
        return set(dims, tensorValues(t, dims.reduce((a, d) => a * d, 1)));
      }
      for (const key of ['value_int', 'value_float']) if (typeof attrs[key] === 'number') return set([], [attrs[key] as number]);
      for (const key of ['value_ints', 'value_floats']) if (Array.isArray(attrs[key])) return set([(attrs[key] as number[]).length], attrs[key] as number[]);
      return false;
    }
    if (op === 'Shape') {
      const shape = this.b.tensor(node.input?.[0] ?? '')?.shape ?? inputs[0]?.dims;
      if (!shape) return false;
      const start = typeof attrs.start === 'number' ? attrs.start : 0;
      const end = typeof attrs.end === 'number' ? attrs.end : shape.length;
      const values = [...shape].slice(start < 0 ? start + shape.length : start, end < 0 ? end + shape.length : end);
      return set([values.length], values);
    }
    if (inputs.some((k) => !k) || inputs.length === 0) return false;
    const [a, c] = inputs as Known[];
    switch (op) {
      case 'Identity':
      case 'Cast':
        return set(a.dims, a.values, a.initializer);
      case 'Unsqueeze':
      case 'Squeeze': {
        if (!a.values) return false;
        const n = a.values.length;
        return set(op === 'Unsqueeze' ? (a.dims.length === 0 ? [1] : [...a.dims, 1].slice(0, a.dims.length + 1)) : n === 1 ? [] : [n], a.values);
      }
      case 'Concat':
        if (inputs.some((k) => !k?.values)) return false;
        return set([inputs.reduce((sum, k) => sum + (k as Known).values!.length, 0)], inputs.flatMap((k) => (k as Known).values!));
      case 'Gather': {
        if (!a.values || !c?.values) return false;
        const picked = c.values.map((i) => a.values![i < 0 ? i + a.values!.length : i]);
        return set(c.dims.length === 0 ? [] : [picked.length], picked);
      }
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div': {
        if (!a.values || !c?.values) return false;
        const n = Math.max(a.values.length, c.values.length);
        const at = (v: number[], i: number) => v[v.length === 1 ? 0 : i];
        const f = { Add: (x: number, y: number) => x + y, Sub: (x: number, y: number) => x - y, Mul: (x: number, y: number) => x * y, Div: (x: number, y: number) => Math.trunc(x / y) }[op];
        return set(a.values.length >= c.values.length ? a.dims : c.dims, Array.from({ length: n }, (_, i) => f(at(a.values!, i), at(c.values!, i))));
      }
      case 'Slice': {
        const starts = this.known.get(node.input?.[1] ?? '')?.values;
        const ends = this.known.get(node.input?.[2] ?? '')?.values;
        if (!a.values || !starts || !ends) return false;
        const axes = this.known.get(node.input?.[3] ?? '')?.values ?? starts.map((_, i) => i);
        const steps = this.known.get(node.input?.[4] ?? '')?.values ?? starts.map(() => 1);
        const rank = a.dims.length;
        const begin = a.dims.map(() => 0);
        const step = a.dims.map(() => 1);
        const dims = [...a.dims];
        axes.forEach((axisRaw, i) => {
          const axis = axisRaw < 0 ? axisRaw + rank : axisRaw;
          const n = a.dims[axis];
          const st = steps[i];
          const norm = (v: number) => (v < 0 ? v + n : v);
          const lo = st > 0 ? Math.min(Math.max(norm(starts[i]), 0), n) : Math.min(Math.max(norm(starts[i]), -1), n - 1);
          const hi = st > 0 ? Math.min(Math.max(norm(ends[i]), 0), n) : Math.min(Math.max(norm(ends[i]), -1), n - 1);
          begin[axis] = lo;
          step[axis] = st;
          dims[axis] = Math.max(0, Math.ceil((hi - lo) / st));
        });
        return set(dims, gatherValues(a, dims, (index) => index.map((v, axis) => [axis, begin[axis] + v * step[axis]] as const)));
      }
      case 'Reshape': {
        const target = c?.values;
        if (!a.values || !target) return false;
        const dims = target.map((d, i) => (d === 0 ? a.dims[i] : d));
        const known = dims.filter((d) => d !== -1).reduce((x, y) => x * y, 1);
        return set(dims.map((d) => (d === -1 ? a.values!.length / known : d)), a.values);
      }
      case 'Transpose': {
        if (!a.values) return false;
        const perm = Array.isArray(attrs.perm) ? (attrs.perm as number[]) : a.dims.map((_, i, all) => all.length - 1 - i);
        if (perm.length !== a.dims.length || !a.dims.every((_, i) => perm.includes(i))) {
          throw new GraphError(node.name || out, op, [a.dims], `perm [${perm.slice(0, 8).join(', ')}] is not a permutation of the ${a.dims.length} axes`);
        }
        const dims = perm.map((p) => a.dims[p]);
        return set(dims, gatherValues(a, dims, (index) => perm.map((p, i) => [p, index[i]] as const)));
      }
      case 'ConstantOfShape': {
        if (!a.values) return false;
        if (!a.values.every((d) => Number.isSafeInteger(d) && d >= 0)) {
          throw new GraphError(node.name || out, op, [], `its shape [${a.values.slice(0, 8).join(', ')}${a.values.length > 8 ? ', …' : ''}] must hold non-negative integers`);
        }
        const count = a.values.reduce((x, y) => x * y, 1);
        const t = attrs.value as onnx.ITensorProto | undefined;
        const fill = t ? (tensorValues(t, 1)?.[0] ?? 0) : 0;
        return set(a.values, count <= MAX_VALUE_ELEMENTS ? new Array<number>(count).fill(fill) : undefined);
      }
      default:
        // An op on weights only (e.g. a Transpose of an initializer): keep the output's declared shape.
        return false;
    }
  }

  read(node: onnx.INodeProto): void {
    const attrs: Record<string, unknown> = {};
    for (const a of node.attribute ?? []) if (a.name) attrs[a.name] = attrValue(a);
    const inputs = (node.input ?? []).filter(Boolean);
    const activations = inputs.filter((i) => !this.known.has(i));
    if ((activations.length === 0 || node.opType === 'Shape') && this.evaluate(node, attrs)) return;
    const name = this.uniqueName(node);
    const op = node.opType ?? '';
    if (activations.length === 0) {
      throw new GraphError(name, op, [], `all its inputs are constants, but lcnb cannot evaluate '${op}' on them`);
    }
    const converted = this.convert(node, name, attrs, activations);
    const outputs = (node.output ?? []).filter(Boolean);
    const defined = outputs.find((o) => this.known.has(o));
    if (defined) throw new GraphError(name, op, [], `its output '${defined}' is already defined earlier in the graph`);
    if (converted) {
      const keep = converted.outputs ?? outputs;
      this.b.addNode({ name, op: converted.op, scope: scopeOf(name), inputs: converted.inputs, attrs: converted.attrs, outputs: keep });
      return;
    }
    const shapes = outputs.map((o) => this.valueInfo.get(o));
    if (shapes.some((s) => !s)) {
      const inputShapes = activations.map((i) => this.b.tensor(i)?.shape ?? []);
      throw new GraphError(name, op, inputShapes, `op '${op}' is unknown to lcnb and the file gives no shape (value_info) for its output; run ONNX shape inference on the model first`);
    }
    this.b.addNode({ name, op, scope: scopeOf(name), inputs: activations.filter((i) => this.b.tensor(i)), outputs, outputShapes: shapes as Shape[] });
  }

  /** Maps an ONNX node to an IR op; undefined for ops outside the registry. */
  convert(
    node: onnx.INodeProto,
    name: string,
    attrs: Record<string, unknown>,
    activations: string[],
  ): { op: string; inputs: string[]; attrs: Record<string, AttrValue>; outputs?: string[] } | undefined {
    const op = node.opType ?? '';
    const input = node.input ?? [];
    const x = activations[0];
    const known = (i: number) => (input[i] ? this.known.get(input[i]) : undefined);
    const num = (key: string, fallback: number) => (typeof attrs[key] === 'number' ? (attrs[key] as number) : fallback);
    const ints = (key: string) => (Array.isArray(attrs[key]) ? (attrs[key] as number[]) : undefined);
    const shapeOf = (tensor: string) => this.b.tensor(tensor)?.shape ?? [];
    const windowPads = (kernel: number[], strides: number[], dilations: number[]) => {
      const autoPad = (attrs.auto_pad as string | undefined) ?? 'NOTSET';
      if (autoPad === 'NOTSET') return ints('pads') ?? [0, 0, 0, 0];
      if (autoPad === 'VALID') return [0, 0, 0, 0];
      const [, , h, w] = shapeOf(x);
      const total = [h, w].map((size, i) => Math.max((Math.ceil(size / strides[i]) - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - size, 0));
      const begin = total.map((t) => (autoPad === 'SAME_LOWER' ? Math.ceil(t / 2) : Math.floor(t / 2)));
      return [begin[0], begin[1], total[0] - begin[0], total[1] - begin[1]];
    };
    const plain = (irOp: string, extra: Record<string, AttrValue> = {}) => ({ op: irOp, inputs: [x], attrs: extra });
    switch (op) {
      case 'Conv': {
        const w = known(1);
        if (!w || activations.length !== 1) return undefined;
        const kernel = ints('kernel_shape') ?? w.dims.slice(2);
        const strides = ints('strides') ?? [1, 1];
        const dilations = ints('dilations') ?? [1, 1];
        return plain('Conv', {
          out_channels: w.dims[0],
          kernel_shape: kernel,
          strides,
          dilations,
          pads: windowPads(kernel, strides, dilations),
          group: num('group', 1),
          bias: !!known(2),
        });
      }
      case 'BatchNormalization':
        return { ...plain('BatchNormalization'), outputs: [node.output?.[0] ?? name] };
      case 'Gemm': {
        const w = known(1);
        if (!w || activations.length !== 1 || num('transA', 0) !== 0) return undefined;
        return plain('Gemm', { out_features: num('transB', 0) ? w.dims[0] : w.dims[1], bias: !!known(2) });
      }
      case 'Relu':
      case 'Sigmoid':
      case 'HardSwish':
      case 'Tanh':
      case 'Erf':
      case 'Exp':
      case 'Sqrt':
      case 'GlobalAveragePool':
      case 'Identity':
        return plain(op);
      case 'Dropout':
        return { ...plain('Dropout'), outputs: [node.output?.[0] ?? name] };
      case 'LeakyRelu':
        return plain('LeakyRelu', { alpha: num('alpha', 0.01) });
      case 'Gelu':
        return plain('Gelu', { approximate: (attrs.approximate as string | undefined) ?? 'none' });
      case 'HardSigmoid':
        return plain('HardSigmoid', { alpha: num('alpha', 0.2), beta: num('beta', 0.5) });
      case 'Clip': {
        const min = this.opset >= 11 ? this.values(node, 1, 'minimum')?.[0] : (attrs.min as number | undefined);
        const max = this.opset >= 11 ? this.values(node, 2, 'maximum')?.[0] : (attrs.max as number | undefined);
        return plain('Clip', { min: min ?? -3.4e38, max: max ?? 3.4e38 });
      }
      case 'Softmax':
        return plain('Softmax', { axis: num('axis', this.opset >= 13 ? -1 : 1) });
      case 'Flatten':
        return plain('Flatten', { axis: num('axis', 1) });
      case 'MaxPool':
      case 'AveragePool': {
        const kernel = ints('kernel_shape') ?? [1, 1];
        const strides = ints('strides') ?? [1, 1];
        return plain(op, { kernel_shape: kernel, strides, pads: windowPads(kernel, strides, [1, 1]), ceil_mode: num('ceil_mode', 0) === 1 });
      }
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div':
      case 'Pow':
      case 'PRelu':
      case 'MatMul': {
        const operands = input.slice(0, 2).map((i) => (this.known.has(i) ? this.constantTensor(i)?.name : i) as string);
        return { op, inputs: operands, attrs: {} };
      }
      case 'Concat':
        return { op: 'Concat', inputs: input.map((i) => (this.known.has(i) ? (this.constantTensor(i)?.name as string) : i)), attrs: { axis: num('axis', 0) } };
      case 'Split': {
        const rank = shapeOf(x).length;
        const axisRaw = num('axis', 0);
        const axis = axisRaw < 0 ? axisRaw + rank : axisRaw;
        const count = (node.output ?? []).length;
        const sizes = (this.opset >= 13 ? (input[1] ? this.values(node, 1, 'split sizes') : undefined) : ints('split')) ?? new Array<number>(count).fill(Math.ceil(shapeOf(x)[axis] / count));
        if (!input[1] && shapeOf(x)[axis] % count !== 0) sizes[count - 1] = shapeOf(x)[axis] - Math.ceil(shapeOf(x)[axis] / count) * (count - 1);
        return plain('Split', { axis, split: sizes });
      }
      case 'Slice': {
        const starts = this.opset >= 10 ? this.values(node, 1, 'starts') : ints('starts');
        const ends = this.opset >= 10 ? this.values(node, 2, 'ends') : ints('ends');
        const axes = (this.opset >= 10 ? (input[3] ? this.values(node, 3, 'axes') : undefined) : ints('axes')) ?? [0];
        const steps = (input[4] ? this.values(node, 4, 'steps') : undefined) ?? [1];
        if (!starts || !ends || axes.length !== 1) return undefined;
        return plain('Slice', { axis: axes[0], start: starts[0], end: Math.min(ends[0], 2 ** 31), step: steps[0] });
      }
      case 'Reshape': {
        const target = this.values(node, 1, 'target shape') as number[];
        return plain('Reshape', { shape: target });
      }
      case 'Transpose':
        return plain('Transpose', { perm: ints('perm') ?? shapeOf(x).map((_, i, all) => all.length - 1 - i) });
      case 'Squeeze':
      case 'Unsqueeze': {
        const axes = this.opset >= 13 ? (input[1] ? this.values(node, 1, 'axes') : undefined) : ints('axes');
        return plain(op, axes ? { axes } : {});
      }
      case 'ReduceMean': {
        const axes = this.opset >= 18 ? (input[1] ? this.values(node, 1, 'axes') : undefined) : ints('axes');
        return plain('ReduceMean', { ...(axes ? { axes } : {}), keepdims: num('keepdims', 1) === 1 });
      }
      case 'Pad': {
        const pads = this.opset >= 11 ? this.values(node, 1, 'pads') : ints('pads');
        return pads ? plain('Pad', { pads }) : undefined;
      }
      case 'Resize': {
        const sizes = input[3] ? this.values(node, 3, 'sizes') : undefined;
        const scales = input[2] ? this.values(node, 2, 'scales') : undefined;
        const mode = (attrs.mode as string | undefined) ?? 'nearest';
        if (sizes?.length === 4) return plain('Resize', { sizes: sizes.slice(2), mode });
        if (scales?.length === 4) return plain('Resize', { scales: scales.slice(2), mode });
        return undefined;
      }
      default:
        return undefined;
    }
  }
}

function decodeModel(bytes: Uint8Array, source: string): onnx.ModelProto {
  if (bytes.byteLength > MAX_MODEL_BYTES) throw new UserError(`${source}: ${bytes.byteLength} bytes is over the 2 GiB a protobuf model can hold`);
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new UserError(`${source}: not a readable ONNX model (truncated or corrupt protobuf: ${(e as Error).message})`);
  }
}

/** Longest name or rule quoted in an error; a model may hold names of any length. */
const MAX_QUOTED = 300;
const shorten = (text: string) => (text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED - 1)}…` : text);

/** Reads an ONNX model's bytes into the IR; an error names where, in one readable message. */
export function readOnnx(bytes: Uint8Array, options: ReadOptions): OnnxModel {
  try {
    return readModel(bytes, options);
  } catch (e) {
    if (e instanceof GraphError && e.message.length > 3 * MAX_QUOTED) throw new GraphError(shorten(e.node), shorten(e.op), e.inputShapes.slice(0, 4), shorten(e.rule));
    if (e instanceof UserError && e.message.length > 3 * MAX_QUOTED) throw new UserError(shorten(e.message));
    throw e;
  }
}

function readModel(bytes: Uint8Array, options: ReadOptions): OnnxModel {
  const { source } = options;
  const model = decodeModel(bytes, source);
  const graph = model.graph;
  if (!graph || !graph.node) throw new UserError(`${source}: the file holds no ONNX graph`);
  if (graph.node.length > MAX_NODES) throw new UserError(`${source}: ${graph.node.length} nodes is more than lcnb reads (${MAX_NODES})`);
  const opset = toNumber(model.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx')?.version) || 1;

  const valueInfo = new Map<string, Shape>();
  for (const info of [...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    const dims = info.type?.tensorType?.shape?.dim;
    if (info.name && dims && dims.every((d) => toNumber(d.dimValue) > 0)) valueInfo.set(info.name, dims.map((d) => toNumber(d.dimValue)));
  }
  const r = new Reader(source, graph.name || source, opset, valueInfo);

  for (const t of graph.initializer ?? []) {
    const dims = (t.dims ?? []).map(toNumber);
    const count = dims.reduce((a, d) => a * d, 1);
    if (dims.some((d) => !Number.isInteger(d) || d < 0) || count > MAX_TENSOR_ELEMENTS) {
      r.fail(`initializer '${t.name}' declares dimensions [${dims.join(', ')}] (${count} elements), more than lcnb accepts (2^31)`);
    }
    checkExternalData(t, source);
    // A 0-d initializer is a literal (the 0.5 in GELU), not a learned tensor.
    r.known.set(t.name ?? '', { dims, values: tensorValues(t, count), initializer: dims.length > 0 });
  }

  for (const input of graph.input ?? []) {
    const name = input.name ?? '';
    if (r.known.has(name)) continue;
    const dims = input.type?.tensorType?.shape?.dim ?? [];
    const override = options.inputShapes?.[name];
    const shape =
      override ??
      dims.map((d, i) => {
        const v = toNumber(d.dimValue);
        if (v > 0) return v;
        if (i === 0) return 1; // a symbolic batch dimension: measure batch 1
        return r.fail(`input '${name}' has a symbolic dimension '${d.dimParam ?? '?'}' at axis ${i}; give the input shape explicitly`);
      });
    if (shape.length === 0) r.fail(`input '${name}' has no shape`);
    if (r.b.tensor(name)) r.fail(`input '${name}' is declared twice`);
    r.b.input(name, shape);
  }

  for (const node of graph.node) r.read(node);

  const outputs = (graph.output ?? []).map((o) => r.b.tensor(o.name ?? '') ?? r.fail(`graph output '${o.name}' is not produced by any node`));
  const metadata: Record<string, string> = {};
  for (const p of model.metadataProps ?? []) if (p.key?.startsWith(METADATA_PREFIX)) metadata[p.key] = p.value ?? '';
  return { graph: r.b.build(outputs), opset, producer: model.producerName ?? '', metadata, evaluatedNodes: r.evaluated };
}
