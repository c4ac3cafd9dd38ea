/**
 * ONNX → IR. The file is the truth about itself:
 * - Shapes follow ONNX's operator semantics (src/core/ops.ts and opsStandard.ts) from the input
 *   shapes the file declares or the caller gives; value_info is used only for ops lcnb has no rule
 *   for (custom domains).
 * - Small tensors that only compute shapes (Shape → Gather → Concat → Reshape, as PyTorch,
 *   Paddle2ONNX and tf2onnx write them) are evaluated here instead of becoming graph nodes; an op
 *   on constants only (a Transpose or DequantizeLinear of a weight) is folded to its output shape.
 * - Weights are the tensors the file holds (initializers and Constant nodes); a weight that
 *   contradicts its input (channels, groups, kernel rank) is an error naming both shapes.
 * - A node whose output shape depends on data (NonZero, NonMaxSuppression, a TopK with a computed
 *   k), on a subgraph (If, Loop, Scan) or on an op lcnb does not know without value_info is left
 *   out as *unresolved*, with why, and so is everything computed from it; the rest is counted.
 *   `knownShapes` (shapes taken from one onnxruntime run) resolves them.
 *
 * Limits: a file over 2 GiB, a tensor over 2^31 elements, more than 500,000 nodes or external
 * data outside the model's folder are refused before anything large is allocated; a truncated
 * or corrupt protobuf is one clear error.
 */
import { posix, win32 } from 'node:path';
import { GraphError, UserError } from '../core/errors';
import { AttrValue, Graph, GraphBuilder } from '../core/ir';
import { opDef } from '../core/ops';
import { DATA_DEPENDENT_OPS, SUBGRAPH_OPS } from '../core/opsStandard';
import { broadcastShapes, numel, Shape } from '../core/shape';
import { Reader as WireReader } from 'protobufjs/minimal';
import { DeclaredTensor, OnnxHeader } from './header';
import { METADATA_PREFIX, onnx } from './proto';

export type { DeclaredTensor, OnnxHeader };

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
  /**
   * Shapes for graph inputs, by name; the key '' names the model's one data input. Needed for
   * dimensions the file leaves symbolic (a dynamic height and width); a symbolic batch is 1.
   */
  readonly inputShapes?: Readonly<Record<string, Shape>>;
  /** Shapes of intermediate tensors measured by one onnxruntime run, for what static inference cannot find. */
  readonly knownShapes?: Readonly<Record<string, Shape>>;
}

export interface OnnxModel {
  readonly graph: Graph;
  readonly opset: number;
  readonly producer: string;
  /** lcnb.* metadata of models lcnb exported (form, seed, folded BatchNorms). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Nodes that only computed shapes and were evaluated while reading. */
  readonly evaluatedNodes: number;
  /** Data inputs as declared, and the shapes they were read with. */
  readonly inputs: readonly (DeclaredTensor & { readonly shape: Shape })[];
  /** What a reader of the numbers should know: a symbolic batch set to 1, int8 tensors, shapes from a run. */
  readonly notes: readonly string[];
  /** Intermediate tensors whose shapes static inference could not find (the outputs of unresolved nodes). */
  readonly unresolvedTensors: readonly string[];
}

/** A file with a symbolic dimension that needs a shape from the user: the message and every input as declared. */
export class InputShapeNeeded extends UserError {
  constructor(
    message: string,
    readonly inputs: readonly DeclaredTensor[],
  ) {
    super(message);
    this.name = 'InputShapeNeeded';
  }
}

/** An operand that is computed at run time where lcnb needs its value: the node is unresolved, not the file refused. */
class NeedsValue extends Error {}

type Long = { toNumber(): number };
const toNumber = (v: number | Long | null | undefined): number => (v === null || v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber());

const T = onnx.TensorProto.DataType;
const DTYPES: Record<number, [string, number]> = {
  [T.FLOAT]: ['float32', 4],
  [T.UINT8]: ['uint8', 1],
  [T.INT8]: ['int8', 1],
  [T.UINT16]: ['uint16', 2],
  [T.INT16]: ['int16', 2],
  [T.INT32]: ['int32', 4],
  [T.INT64]: ['int64', 8],
  [T.STRING]: ['string', 8],
  [T.BOOL]: ['bool', 1],
  [T.FLOAT16]: ['float16', 2],
  [T.DOUBLE]: ['float64', 8],
  [T.UINT32]: ['uint32', 4],
  [T.UINT64]: ['uint64', 8],
  [T.BFLOAT16]: ['bfloat16', 2],
};
const dtypeName = (t: number | null | undefined) => DTYPES[t ?? 0]?.[0] ?? `type ${t ?? '?'}`;
const dtypeBytes = (t: number | null | undefined) => DTYPES[t ?? 0]?.[1] ?? 4;
const FLOAT_TYPES = new Set<number>([T.FLOAT, T.DOUBLE, T.FLOAT16, T.BFLOAT16]);

/** A tensor known while reading: an initializer, a Constant, or an evaluated (or folded) computation on them. */
interface Known {
  dims: number[];
  /** Element values when small and numeric. */
  values?: number[];
  /** Registered in the IR as a constant input (weights fed to Add/Mul/MatMul). */
  registered?: boolean;
  /** Held by the file (an initializer or a Constant node), or computed from such a tensor: a weight when it feeds one. */
  stored?: boolean;
  /** Bytes per element (1 for int8). */
  bytes: number;
  /** Floating-point values (integer division and casts differ). */
  float?: boolean;
  /** The stored tensor this one is (through Identity, Cast, DequantizeLinear …): a tensor read by two nodes is one set of parameters. */
  origin?: string;
}

/** int64 limits (INT64_MAX as an open Slice end) become the largest safe integers: the same meaning, exact arithmetic. */
const clampSafe = (v: number) => (v > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : v < Number.MIN_SAFE_INTEGER ? Number.MIN_SAFE_INTEGER : v);

function tensorValues(t: onnx.ITensorProto, count: number): number[] | undefined {
  return rawTensorValues(t, count)?.map(clampSafe);
}

function rawTensorValues(t: onnx.ITensorProto, count: number): number[] | undefined {
  if (count > MAX_VALUE_ELEMENTS) return undefined;
  if (t.int64Data?.length) return t.int64Data.map(toNumber);
  if (t.int32Data?.length) return [...t.int32Data];
  if (t.floatData?.length) return [...t.floatData];
  if (t.doubleData?.length) return [...t.doubleData];
  if (t.uint64Data?.length) return t.uint64Data.map(toNumber);
  const raw = t.rawData;
  if (!raw || raw.length === 0) return count === 0 ? [] : undefined;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const read: Record<number, [number, (i: number) => number]> = {
    [T.INT64]: [8, (i) => Number(view.getBigInt64(i * 8, true))],
    [T.INT32]: [4, (i) => view.getInt32(i * 4, true)],
    [T.FLOAT]: [4, (i) => view.getFloat32(i * 4, true)],
    [T.DOUBLE]: [8, (i) => view.getFloat64(i * 8, true)],
    [T.INT8]: [1, (i) => view.getInt8(i)],
    [T.UINT8]: [1, (i) => view.getUint8(i)],
    [T.BOOL]: [1, (i) => view.getUint8(i)],
  };
  const reader = read[t.dataType ?? 0];
  if (!reader || raw.length < reader[0] * count) return undefined;
  return Array.from({ length: count }, (_, i) => reader[1](i));
}

const stridesOf = (dims: readonly number[]) => dims.map((_, i) => dims.slice(i + 1).reduce((x, y) => x * y, 1));

/**
 * Values of a small N-d tensor rearranged into `dims`: `source(index)` gives, for an output index,
 * the (input axis, input coordinate) pairs to read from.
 */
function gatherValues(input: Known, dims: number[], source: (index: number[]) => (readonly [number, number])[]): number[] {
  const values = input.values as number[];
  const strides = stridesOf(input.dims);
  const total = dims.reduce((x, y) => x * y, 1);
  const out: number[] = [];
  const index = dims.map(() => 0);
  for (let n = 0; n < total; n++) {
    out.push(values[source(index).reduce((offset, [axis, coordinate]) => offset + coordinate * strides[axis], 0)]);
    for (let axis = dims.length - 1; axis >= 0 && ++index[axis] === dims[axis]; axis--) index[axis] = 0;
  }
  return out;
}

/** Values of several small tensors broadcast to one shape and combined elementwise. */
function broadcastValues(inputs: Known[], dims: number[], f: (...xs: number[]) => number): number[] {
  const mapped = inputs.map((k) => {
    const pad = dims.length - k.dims.length;
    return gatherValues(k, dims, (index) => k.dims.map((d, axis) => [axis, d === 1 ? 0 : index[axis + pad]] as const));
  });
  return Array.from({ length: numel(dims) }, (_, i) => f(...mapped.map((m) => m[i])));
}

function attrValue(a: onnx.IAttributeProto): AttrValue | onnx.ITensorProto | undefined {
  const A = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case A.INT:
      return toNumber(a.i);
    case A.FLOAT:
      return a.f ?? 0;
    case A.STRING:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    case A.INTS:
      return (a.ints ?? []).map(toNumber);
    case A.FLOATS:
      return [...(a.floats ?? [])];
    case A.TENSOR:
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

/**
 * Operands ONNX moved from attributes to inputs over the opsets (or always had as inputs), by input
 * index → the attribute name the op's rule reads. The reader takes their values from constants.
 */
const OPERAND_ATTRS: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  Slice: { 1: 'starts', 2: 'ends', 3: 'axes', 4: 'steps' },
  Squeeze: { 1: 'axes' },
  Unsqueeze: { 1: 'axes' },
  Pad: { 1: 'pads', 2: 'constant_value', 3: 'axes' },
  Expand: { 1: 'shape' },
  Tile: { 1: 'repeats' },
  TopK: { 1: 'k' },
  Resize: { 1: 'roi', 2: 'scales', 3: 'sizes' },
  Upsample: { 1: 'scales' },
  OneHot: { 1: 'depth' },
  CumSum: { 1: 'axis' },
  Trilu: { 1: 'k' },
  ReduceMean: { 1: 'axes' },
  ReduceSum: { 1: 'axes' },
  ReduceMax: { 1: 'axes' },
  ReduceMin: { 1: 'axes' },
  ReduceProd: { 1: 'axes' },
  ReduceL1: { 1: 'axes' },
  ReduceL2: { 1: 'axes' },
  ReduceLogSum: { 1: 'axes' },
  ReduceLogSumExp: { 1: 'axes' },
  ReduceSumSquare: { 1: 'axes' },
  AffineGrid: { 1: 'grid_size' },
  ConstantOfShape: { 0: 'shape' },
  BlackmanWindow: { 0: 'size' },
  HammingWindow: { 0: 'size' },
  HannWindow: { 0: 'size' },
  MelWeightMatrix: { 0: 'num_mel_bins', 1: 'dft_length' },
  DFT: { 1: 'dft_length', 2: 'axis' },
  STFT: { 1: 'frame_step', 3: 'frame_length' },
  MaxUnpool: { 2: 'output_shape' },
  CenterCropPad: { 1: 'shape' },
  Col2Im: { 1: 'image_shape', 2: 'block_shape' },
  Range: { 0: 'start', 1: 'limit', 2: 'delta' },
};
/** Operands that are one number (the rest are lists). */
const SCALAR_OPERANDS = new Set(['k', 'depth', 'axis', 'constant_value', 'start', 'limit', 'delta', 'size', 'num_mel_bins', 'dft_length', 'frame_step', 'frame_length']);
/** Operands that are floats (the rest must be integers). */
const FLOAT_OPERANDS = new Set(['scales', 'roi', 'constant_value', 'minimum', 'maximum', 'start', 'limit', 'delta']);

/** Constant inputs that are learned weights (their elements are the node's parameters), by op. */
const WEIGHT_INPUTS: Readonly<Record<string, readonly number[]>> = {
  Add: [0, 1],
  Sub: [0, 1],
  Mul: [0, 1],
  Div: [0, 1],
  Pow: [0, 1],
  PRelu: [1],
  MatMul: [0, 1],
  Concat: [],
  LayerNormalization: [1, 2],
  InstanceNormalization: [1, 2],
  GroupNormalization: [1, 2],
  LSTM: [1, 2, 3],
  GRU: [1, 2, 3],
  RNN: [1, 2, 3],
  Gather: [0],
  Einsum: [0, 1, 2, 3],
  MatMulInteger: [1],
  QLinearMatMul: [1],
};

/** Ops on a stored tensor whose output is that tensor in another form (a weight transposed, dequantised, reshaped): still the file's weight. */
const SAME_TENSOR_OPS = new Set(['Identity', 'Cast', 'DequantizeLinear', 'QuantizeLinear', 'Transpose', 'Reshape', 'Squeeze', 'Unsqueeze', 'Flatten']);

/** Ops whose output is a comparison or logic result (bool), or indices (int64). */
const BOOL_OPS = new Set(['Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'And', 'Or', 'Xor', 'Not', 'IsNaN', 'IsInf']);
const INDEX_OPS = new Set(['Shape', 'Size', 'ArgMax', 'ArgMin', 'NonZero']);

/** Ops read by `convert` into lcnb's own attribute forms; when it cannot, they are not tried again generically. */
const CONVERTED = new Set(['Conv', 'DeformConv', 'ConvTranspose', 'QLinearConv', 'ConvInteger', 'Gemm', 'BatchNormalization', 'Split', 'Reshape', 'MaxPool', 'AveragePool', 'LpPool', 'Clip', 'Softmax', 'Flatten', 'Dropout', 'LeakyRelu', 'Gelu', 'HardSigmoid', 'Transpose', 'MatMulInteger', 'QLinearMatMul']);

class Reader {
  readonly known = new Map<string, Known>();
  readonly b: GraphBuilder;
  evaluated = 0;
  /** Tensor → why its shape is not known. */
  readonly unresolved = new Map<string, string>();
  /** Bytes per element of activation tensors that are not float32. */
  readonly widths = new Map<string, number>();
  /** Tensors whose shapes came from a run. */
  readonly measured = new Set<string>();
  /** Quantised tensors seen (QDQ or integer ops), for the report's note. */
  quantized = 0;
  fromRun = 0;
  /** 1-based position of the node being read, to name a node that has no name. */
  position = 0;
  private readonly names = new Set<string>();
  /** Stored tensors already counted as some node's parameters. */
  private readonly counted = new Set<string>();

  constructor(
    readonly source: string,
    graphName: string,
    private readonly opset: number,
    private readonly valueInfo: ReadonlyMap<string, Shape>,
    private readonly knownShapes: Readonly<Record<string, Shape>>,
  ) {
    // A stored model may hold empty tensors (a Slice that selects nothing): ONNX allows them.
    this.b = new GraphBuilder(graphName, { allowEmpty: true });
  }

  fail(message: string): never {
    throw new UserError(`${this.source}: ${message}`);
  }

  widthOf(name: string): number {
    return this.known.get(name)?.bytes ?? this.widths.get(name) ?? 4;
  }

  /** Values of a constant input, which the op needs to know (a Reshape's target shape …). */
  values(node: onnx.INodeProto, index: number, what: string): number[] | undefined {
    const name = node.input?.[index];
    if (!name) return undefined;
    const known = this.known.get(name);
    const where = (rule: string) => new GraphError(node.name || node.output?.[0] || node.opType || '?', node.opType ?? '', [], rule);
    if (!known?.values) throw new NeedsValue(`its ${what} ('${name}') is computed at run time`);
    if (known.values.length > MAX_OPERAND_VALUES) throw where(`its ${what} ('${name}') holds ${known.values.length} values; lcnb reads at most ${MAX_OPERAND_VALUES}`);
    if (!FLOAT_OPERANDS.has(what) && !known.values.every(Number.isSafeInteger)) throw where(`its ${what} ('${name}') must hold integers`);
    return known.values;
  }

  /** Registers a known constant as an IR constant (once) and returns its name; a weight slot makes a held tensor of over one element a parameter. */
  constantTensor(name: string, weightSlot: boolean): string {
    const known = this.known.get(name)!;
    if (!known.registered && this.b.tensor(name)) this.fail(`tensor '${name}' is defined twice: as a constant and as a graph input or node output`);
    if (!known.registered) {
      this.b.constant(name, known.dims, { parameter: weightSlot && !!known.stored && numel(known.dims) > 1 && this.firstUse(name) });
      if (known.bytes !== 4) this.b.setElementBytes(name, known.bytes);
      known.registered = true;
    }
    return name;
  }

  /** True the first time a stored tensor is counted as parameters; a shared tensor (torch's deduplicated biases) counts once. */
  firstUse(name: string): boolean {
    const origin = this.known.get(name)?.origin ?? name;
    if (this.counted.has(origin)) return false;
    this.counted.add(origin);
    return true;
  }

  uniqueName(node: onnx.INodeProto): string {
    const base = node.name || node.output?.[0] || node.opType || 'node';
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** ONNX attributes of a node, plus the constant operands of OPERAND_ATTRS under their attribute names. */
  attributes(node: onnx.INodeProto): Record<string, unknown> {
    const attrs: Record<string, unknown> = {};
    for (const a of node.attribute ?? []) if (a.name) attrs[a.name] = attrValue(a);
    return attrs;
  }

  /** Evaluates a node whose inputs are all known values; true when it could. */
  evaluate(node: onnx.INodeProto, attrs: Record<string, unknown>): boolean {
    const inputs = (node.input ?? []).map((i) => (i ? this.known.get(i) : undefined));
    const present = inputs.filter(Boolean) as Known[];
    const out = node.output?.[0];
    if (!out) return false;
    const op = node.opType ?? '';
    const stored = SAME_TENSOR_OPS.has(op) && !!present[0]?.stored;
    const float = present[0]?.float;
    const set = (dims: number[], values?: number[], extra: Partial<Known> = {}) => {
      if (this.known.has(out) || this.b.tensor(out)) throw new GraphError(node.name || out, op, [], `its output '${out}' is already defined earlier in the graph`);
      if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0) || values?.some((v) => typeof v !== 'number')) {
        throw new GraphError(node.name || out, op, present.map((k) => k.dims), 'from its constant inputs it computes a shape that is not a list of whole numbers ≥ 0');
      }
      const origin = SAME_TENSOR_OPS.has(op) ? (present[0]?.origin ?? node.input?.[0]) : undefined;
      this.known.set(out, { dims, values: values && values.length <= MAX_VALUE_ELEMENTS ? values : undefined, stored, bytes: present[0]?.bytes ?? 4, float, ...(origin ? { origin } : {}), ...extra });
      this.evaluated++;
      return true;
    };
    if (op === 'Constant') {
      const t = attrs.value as onnx.ITensorProto | undefined;
      if (t) {
        const dims = (t.dims ?? []).map(toNumber);
        return set(dims, tensorValues(t, dims.reduce((a, d) => a * d, 1)), { stored: dims.length > 0, bytes: dtypeBytes(t.dataType), float: FLOAT_TYPES.has(t.dataType ?? 0) });
      }
      for (const key of ['value_int', 'value_float']) if (typeof attrs[key] === 'number') return set([], [attrs[key] as number], { float: key === 'value_float' });
      for (const key of ['value_ints', 'value_floats']) if (Array.isArray(attrs[key])) return set([(attrs[key] as number[]).length], attrs[key] as number[], { float: key === 'value_floats' });
      return false;
    }
    if (op === 'Shape' || op === 'Size') {
      const input = node.input?.[0] ?? '';
      const shape = this.b.tensor(input)?.shape ?? this.known.get(input)?.dims;
      if (!shape) return false;
      if (op === 'Size') return set([], [numel(shape)], { stored: false, bytes: 8, float: false });
      const start = typeof attrs.start === 'number' ? attrs.start : 0;
      const end = typeof attrs.end === 'number' ? attrs.end : shape.length;
      const values = [...shape].slice(start < 0 ? start + shape.length : start, end < 0 ? end + shape.length : end);
      return set([values.length], values, { stored: false, bytes: 8, float: false });
    }
    if ((op === 'RandomNormal' || op === 'RandomUniform') && Array.isArray(attrs.shape)) return set(attrs.shape as number[], undefined, { stored: false, float: true });
    if (present.length === 0 || inputs.some((k, i) => !k && node.input?.[i])) return false;
    const [a, c] = inputs as Known[];
    if (!a) return false;
    const all = present.every((k) => k.values);
    switch (op) {
      case 'Identity':
        return set(a.dims, a.values, { stored: a.stored });
      case 'Cast': {
        const to = typeof attrs.to === 'number' ? attrs.to : T.FLOAT;
        const isFloat = FLOAT_TYPES.has(to);
        return set(a.dims, a.values?.map((v) => (isFloat ? v : Math.trunc(v))), { bytes: dtypeBytes(to), float: isFloat });
      }
      case 'Unsqueeze':
      case 'Squeeze': {
        // axes: an input from opset 13, an attribute before.
        const axes = (node.input?.[1] ? this.known.get(node.input[1])?.values : undefined) ?? (attrs.axes as number[] | undefined);
        const rank = a.dims.length;
        if (op === 'Unsqueeze') {
          if (!axes) return false;
          const outRank = rank + axes.length;
          const norm = axes.map((x) => (x < 0 ? x + outRank : x)).sort((x, y) => x - y);
          const dims = [...a.dims];
          for (const x of norm) dims.splice(x, 0, 1);
          return set(dims, a.values);
        }
        const norm = axes ? axes.map((x) => (x < 0 ? x + rank : x)) : a.dims.flatMap((d, i) => (d === 1 ? [i] : []));
        return set(a.dims.filter((_, i) => !norm.includes(i)), a.values);
      }
      case 'Concat': {
        const rank = a.dims.length;
        const axisRaw = typeof attrs.axis === 'number' ? attrs.axis : 0;
        const axis = axisRaw < 0 ? axisRaw + rank : axisRaw;
        const dims = [...a.dims];
        dims[axis] = present.reduce((sum, k) => sum + (k.dims[axis] ?? 0), 0);
        if (rank <= 1 && all) return set(dims, present.flatMap((k) => k.values!));
        return this.fold(node, attrs);
      }
      case 'Gather': {
        if (!a.values || !c?.values) return this.fold(node, attrs);
        const axisRaw = typeof attrs.axis === 'number' ? attrs.axis : 0;
        const axis = axisRaw < 0 ? axisRaw + a.dims.length : axisRaw;
        if (!(axis >= 0 && axis < a.dims.length)) throw new GraphError(node.name || out, op, [a.dims, c.dims], `axis ${axisRaw} is out of range for rank ${a.dims.length}`);
        const dims = [...a.dims.slice(0, axis), ...c.dims, ...a.dims.slice(axis + 1)];
        const n = a.dims[axis];
        const indices = c.values.map((i) => (i < 0 ? i + n : i));
        if (indices.some((i) => !(i >= 0 && i < n))) throw new GraphError(node.name || out, op, [a.dims, c.dims], `an index is out of range for axis ${axis} of size ${n}`);
        const inner = c.dims.length;
        return set(dims, gatherValues(a, dims, (index) => a.dims.map((_, ax) => [ax, ax < axis ? index[ax] : ax === axis ? indices[index.slice(axis, axis + inner).reduce((o, v, j) => o + v * stridesOf(c.dims)[j], 0)] : index[ax + inner - 1]] as const)));
      }
      case 'Slice': {
        const starts = this.known.get(node.input?.[1] ?? '')?.values ?? (attrs.starts as number[] | undefined);
        const ends = this.known.get(node.input?.[2] ?? '')?.values ?? (attrs.ends as number[] | undefined);
        if (!a.values || !starts || !ends) return this.fold(node, attrs);
        const axes = this.known.get(node.input?.[3] ?? '')?.values ?? (attrs.axes as number[] | undefined) ?? starts.map((_, i) => i);
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
        const target = c?.values ?? (attrs.shape as number[] | undefined);
        if (!target) return false;
        const allowZero = attrs.allowzero === 1;
        const dims = target.map((d, i) => (d === 0 && !allowZero ? a.dims[i] : d));
        const fixed = dims.filter((d) => d !== -1).reduce((x, y) => x * y, 1);
        const resolved = dims.map((d) => (d === -1 ? numel(a.dims) / fixed : d));
        if (numel(resolved) !== numel(a.dims)) throw new GraphError(node.name || out, op, [a.dims], `cannot reshape ${numel(a.dims)} elements into [${target.join(', ')}]`);
        return set(resolved, a.values);
      }
      case 'Transpose': {
        const perm = Array.isArray(attrs.perm) ? (attrs.perm as number[]) : a.dims.map((_, i, d) => d.length - 1 - i);
        if (perm.length !== a.dims.length || !a.dims.every((_, i) => perm.includes(i))) {
          throw new GraphError(node.name || out, op, [a.dims], `perm [${perm.slice(0, 8).join(', ')}] is not a permutation of the ${a.dims.length} axes`);
        }
        const dims = perm.map((p) => a.dims[p]);
        return set(dims, a.values ? gatherValues(a, dims, (index) => perm.map((p, i) => [p, index[i]] as const)) : undefined);
      }
      case 'ConstantOfShape': {
        if (!a.values) return false;
        if (!a.values.every((d) => Number.isSafeInteger(d) && d >= 0)) {
          throw new GraphError(node.name || out, op, [], `its shape [${a.values.slice(0, 8).join(', ')}${a.values.length > 8 ? ', …' : ''}] must hold non-negative integers`);
        }
        const count = a.values.reduce((x, y) => x * y, 1);
        const t = attrs.value as onnx.ITensorProto | undefined;
        const fill = t ? (tensorValues(t, 1)?.[0] ?? 0) : 0;
        return set(a.values, count <= MAX_VALUE_ELEMENTS ? new Array<number>(count).fill(fill) : undefined, { stored: false, bytes: t ? dtypeBytes(t.dataType) : 4, float: t ? FLOAT_TYPES.has(t.dataType ?? 0) : true });
      }
      case 'Range': {
        if (!all) return false;
        const [start, limit, delta] = present.map((k) => k.values![0]);
        if (!delta) throw new GraphError(node.name || out, op, [], 'delta must not be 0');
        const count = Math.max(Math.ceil((limit - start) / delta), 0);
        if (count > MAX_TENSOR_ELEMENTS) throw new GraphError(node.name || out, op, [], `${count} elements is more than lcnb accepts`);
        return set([count], count <= MAX_VALUE_ELEMENTS ? Array.from({ length: count }, (_, i) => start + i * delta) : undefined, { stored: false });
      }
      case 'Expand': {
        const shape = c?.values;
        if (!shape) return false;
        const dims = broadcastShapes(a.dims, shape);
        if (!dims) throw new GraphError(node.name || out, op, [a.dims], `cannot be expanded to [${shape.join(', ')}]`);
        return set(dims, a.values && numel(dims) <= MAX_VALUE_ELEMENTS ? broadcastValues([a], dims, (x) => x) : undefined);
      }
      case 'ReduceProd':
      case 'ReduceSum':
      case 'ReduceMax':
      case 'ReduceMin': {
        if (!a.values || a.dims.length > 1) return this.fold(node, attrs);
        const keep = attrs.keepdims !== 0;
        const f = { ReduceProd: (x: number, y: number) => x * y, ReduceSum: (x: number, y: number) => x + y, ReduceMax: Math.max, ReduceMin: Math.min }[op];
        return set(keep ? a.dims.map(() => 1) : [], a.values.length ? [a.values.reduce((x, y) => f(x, y))] : []);
      }
      default:
        break;
    }
    const elementwise = ELEMENTWISE[op];
    if (elementwise && all) {
      const dims = present.slice(1).reduce<number[] | undefined>((d, k) => d && broadcastShapes(d, k.dims), [...a.dims]);
      if (!dims) throw new GraphError(node.name || out, op, present.map((k) => k.dims), 'shapes cannot be broadcast together');
      if (numel(dims) > MAX_VALUE_ELEMENTS) return this.fold(node, attrs);
      const integer = !present.some((k) => k.float);
      const values = broadcastValues(present, dims, (...xs) => elementwise(xs, integer));
      const bool = BOOL_OPS.has(op);
      return set(dims, values, { stored: false, bytes: bool ? 1 : (present[op === 'Where' ? 1 : 0]?.bytes ?? 4), float: bool ? false : op === 'Where' ? present[1]?.float : float });
    }
    return this.fold(node, attrs);
  }

  /** An op on constants only whose values lcnb does not compute (a weight's Transpose or DequantizeLinear): its output shapes, from the op's rule. */
  fold(node: onnx.INodeProto, attrs: Record<string, unknown>): boolean {
    const op = node.opType ?? '';
    const def = opDef(op);
    if (!def || CONVERTED.has(op) && op !== 'Transpose') return false;
    const name = node.name || node.output?.[0] || op;
    const { inputs, attrs: ruleAttrs } = this.operands(node, attrs);
    const inputShapes = inputs.map((i) => this.known.get(i)!.dims);
    const shapes = def.infer({ name, op, attrs: ruleAttrs, inputShapes });
    const stored = SAME_TENSOR_OPS.has(op) && !!this.known.get(inputs[0])?.stored;
    const bytes = op === 'DequantizeLinear' ? this.widthOf(inputs[0]) : op === 'QuantizeLinear' ? 1 : this.widthOf(inputs[0]);
    (node.output ?? []).forEach((o, i) => {
      if (!o || !shapes[i]) return;
      if (this.known.has(o) || this.b.tensor(o)) throw new GraphError(name, op, inputShapes, `its output '${o}' is already defined earlier in the graph`);
      const origin = SAME_TENSOR_OPS.has(op) ? (this.known.get(inputs[0])?.origin ?? inputs[0]) : undefined;
      this.known.set(o, { dims: [...shapes[i]], stored, bytes, ...(origin ? { origin } : {}) });
    });
    this.evaluated++;
    return true;
  }

  /**
   * The IR inputs and attributes of a node read with its ONNX rule: constant operands move into
   * attributes (OPERAND_ATTRS); other inputs stay, in order, absent optional ones left out.
   */
  operands(node: onnx.INodeProto, attrs: Record<string, unknown>): { inputs: string[]; attrs: Record<string, AttrValue> } {
    const op = node.opType ?? '';
    // Resize at opset 10 takes (X, scales); from opset 11, (X, roi, scales, sizes).
    const moved = op === 'Resize' && this.opset < 11 ? { 1: 'scales' } : (OPERAND_ATTRS[op] ?? {});
    const out: Record<string, AttrValue> = {};
    for (const [key, value] of Object.entries(attrs)) {
      if (typeof value === 'number' || typeof value === 'string' || Array.isArray(value)) out[key] = value as AttrValue;
    }
    const inputs: string[] = [];
    (node.input ?? []).forEach((name, index) => {
      if (!name) return;
      const attr = moved[index];
      if (attr) {
        const values = this.values(node, index, attr);
        if (values) out[attr] = SCALAR_OPERANDS.has(attr) ? values[0] : values;
        return;
      }
      inputs.push(name);
    });
    if (op === 'Compress' && node.input?.[1]) {
      const condition = this.values(node, 1, 'condition');
      out.kept = (condition ?? []).filter((v) => v !== 0).length;
      inputs.splice(1);
    }
    return { inputs, attrs: out };
  }

  /** Leaves a node out as unresolved; `downstream`: `why` is the reason of the unresolved node it depends on. */
  markUnresolved(node: onnx.INodeProto, why: string, downstream = false): void {
    const name = this.uniqueName(node);
    const root = downstream ? why : `${name} (${node.opType}): ${why}`;
    for (const o of node.output ?? []) if (o) this.unresolved.set(o, root);
    this.b.leaveUnresolved({ name, op: node.opType ?? '', why: downstream ? `depends on ${root}` : why });
  }

  read(node: onnx.INodeProto): void {
    this.position++;
    const attrs = this.attributes(node);
    const op = node.opType ?? '';
    const inputs = (node.input ?? []).filter(Boolean);
    const blocked = inputs.find((i) => this.unresolved.has(i));
    const outputs = (node.output ?? []).filter(Boolean);
    const measured = outputs.length > 0 && outputs.every((o) => this.knownShapes[o]);
    if (blocked && !measured) return this.markUnresolved(node, this.unresolved.get(blocked)!, true);
    // Downstream of a shape only a run could tell, the run's shapes are used as they are.
    if (measured && (blocked || inputs.some((i) => this.measured.has(i)))) return this.addMeasured(node);
    const custom = !!node.domain && node.domain !== 'ai.onnx';
    const activations = inputs.filter((i) => !this.known.has(i));
    try {
      if (!custom && (activations.length === 0 || op === 'Shape' || op === 'Size') && !blocked && this.evaluate(node, attrs)) return;
      if (!custom && !blocked && !DATA_DEPENDENT_OPS.has(op) && !SUBGRAPH_OPS.has(op) && this.readStandard(node, attrs, activations)) return;
    } catch (e) {
      if (!(e instanceof NeedsValue)) throw e;
      if (!measured) return this.markUnresolved(node, `${e.message}, so its output shape depends on data`);
      return this.addMeasured(node);
    }
    this.readOpaque(node, custom, blocked);
  }

  /** A node whose output shapes come from a run (knownShapes): counted by its rule on those shapes. */
  addMeasured(node: onnx.INodeProto): void {
    const name = this.uniqueName(node);
    const outputs = (node.output ?? []).filter(Boolean);
    const slots = WEIGHT_INPUTS[node.opType ?? ''] ?? [];
    const inputs = (node.input ?? []).flatMap((i, index) => (!i ? [] : this.known.has(i) ? [this.constantTensor(i, slots.includes(index))] : this.b.tensor(i) ? [i] : []));
    this.b.addNode({ name, op: node.opType ?? '', scope: scopeOf(name), inputs, outputs, outputShapes: outputs.map((o) => this.knownShapes[o]), measured: true });
    for (const o of outputs) this.measured.add(o);
    this.fromRun++;
  }

  /** A node lcnb has a rule for; false when it has none (or a constant-only node it cannot fold). */
  readStandard(node: onnx.INodeProto, attrs: Record<string, unknown>, activations: string[]): boolean {
    const op = node.opType ?? '';
    if (activations.length === 0) return false;
    const missing = activations.find((i) => !this.b.tensor(i));
    if (missing) throw new GraphError(node.name || node.output?.find(Boolean) || `node #${this.position}`, op, [], `input '${missing}' is not produced by any earlier node`);
    const name = this.uniqueName(node);
    const converted = this.convert(node, name, attrs, activations);
    const outputs = (node.output ?? []).filter(Boolean);
    const defined = outputs.find((o) => this.known.has(o));
    if (defined) throw new GraphError(name, op, [], `its output '${defined}' is already defined earlier in the graph`);
    let added: { name: string }[];
    if (converted) {
      const keep = converted.outputs ?? node.output ?? [];
      added = this.b.addNode({ name, op: converted.op, scope: scopeOf(name), inputs: converted.inputs, attrs: converted.attrs, outputs: keep, ...(converted.weightBytes ? { weightBytes: converted.weightBytes } : {}) });
      for (const o of node.output ?? []) if (o && !keep.includes(o)) this.unresolved.set(o, `lcnb reads only the first output of ${op}`);
    } else {
      if (CONVERTED.has(op) || !opDef(op)) {
        this.names.delete(name);
        return false;
      }
      const { inputs, attrs: ruleAttrs } = this.operands(node, attrs);
      const weightSlots = WEIGHT_INPUTS[op] ?? [];
      const irInputs = inputs.map((i) => (this.known.has(i) ? this.constantTensor(i, weightSlots.includes((node.input ?? []).indexOf(i))) : i));
      added = this.b.addNode({ name, op, scope: scopeOf(name), inputs: irInputs, attrs: ruleAttrs, outputs: node.output ?? [] });
    }
    this.setWidths(node, added.map((t) => t.name));
    return true;
  }

  /** Element widths of a node's outputs (the default float32 is not recorded). */
  setWidths(node: onnx.INodeProto, outputs: string[]): void {
    const op = node.opType ?? '';
    const first = (node.input ?? [])[0] ?? '';
    const width = (i: number): number => {
      if (BOOL_OPS.has(op)) return 1;
      if (INDEX_OPS.has(op) || ((op === 'TopK' || op === 'MaxPool') && i === 1)) return 8;
      if (op === 'Dropout' && i === 1) return 1;
      if (op === 'Cast') return dtypeBytes(toNumber(node.attribute?.find((a) => a.name === 'to')?.i) || T.FLOAT);
      if (op === 'QuantizeLinear' || op === 'DynamicQuantizeLinear' || op === 'QLinearConv' || op === 'QLinearMatMul') return i === 0 ? 1 : 4;
      if (op === 'ConvInteger' || op === 'MatMulInteger') return 4;
      // QDQ: a runtime fuses DequantizeLinear into the integer kernel that reads its input.
      if (op === 'DequantizeLinear') return this.widthOf(first);
      if (op === 'CastLike') return this.widthOf((node.input ?? [])[1] ?? '');
      return this.widthOf(first);
    };
    outputs.forEach((o, i) => {
      const w = width(i);
      if (w !== 4) {
        this.widths.set(o, w);
        this.b.setElementBytes(o, w);
      }
    });
    if (op === 'QuantizeLinear' || op === 'DequantizeLinear' || op === 'QLinearConv' || op === 'ConvInteger' || op === 'MatMulInteger' || op === 'QLinearMatMul') this.quantized++;
  }

  /** A node without a rule (a custom domain, a subgraph, a data-dependent shape): value_info or a run's shapes, else unresolved. */
  readOpaque(node: onnx.INodeProto, custom: boolean, blocked: string | undefined): void {
    const op = node.opType ?? '';
    const outputs = (node.output ?? []).filter(Boolean);
    const measured = outputs.map((o) => this.knownShapes[o]);
    const declared = outputs.map((o) => this.valueInfo.get(o));
    if (outputs.length && measured.every(Boolean)) return this.addMeasured(node);
    const shapes = custom || !opDef(op) ? declared : [];
    if (outputs.length && shapes.length === outputs.length && shapes.every(Boolean) && !blocked) {
      const name = this.uniqueName(node);
      const activations = (node.input ?? []).filter((i) => i && this.b.tensor(i));
      this.b.addNode({ name, op, scope: scopeOf(name), inputs: activations, outputs, outputShapes: shapes as Shape[] });
      return;
    }
    const why = SUBGRAPH_OPS.has(op)
      ? `${op} runs a subgraph, whose output shape lcnb does not infer statically`
      : DATA_DEPENDENT_OPS.has(op)
        ? `the output shape of ${op} depends on the input's values`
        : custom
          ? `op '${op}' of domain '${node.domain}' is unknown to lcnb and the file gives no shape (value_info) for its output`
          : opDef(op)
            ? `lcnb could not read its operands`
            : `op '${op}' is unknown to lcnb and the file gives no shape (value_info) for its output`;
    this.markUnresolved(node, why);
  }

  /** weight_shared / bias_shared: the stored tensor was already counted as another node's parameters. */
  sharedFlags(weight: string | undefined, bias: string | undefined): Record<string, AttrValue> {
    const flags: Record<string, AttrValue> = {};
    if (weight && this.known.has(weight) && !this.firstUse(weight)) flags.weight_shared = true;
    if (bias && this.known.has(bias) && !this.firstUse(bias)) flags.bias_shared = true;
    return flags;
  }

  /** Checks a conv weight against its input; the error names both shapes as onnxruntime would refuse them. */
  checkConvWeight(name: string, op: string, x: string, w: Known, weightName: string, group: number, kernel: number[] | undefined, transpose: boolean): void {
    const input = this.b.tensor(x)?.shape ?? [];
    const cin = input[1];
    const rank = input.length;
    if (rank < 3) throw new GraphError(name, op, [input], `input must have rank ≥ 3 (N, C, spatial…), got [${input.join(', ')}]`);
    const expected = transpose ? `[C_in, C_out / group, k…] with C_in = ${cin}` : `[C_out, C_in / group, k…] = [C_out, ${cin / group}, …]`;
    const problem =
      w.dims.length !== rank
        ? `has rank ${w.dims.length}, but a ${rank - 2}-D ${op} on input ${JSON.stringify(input)} needs rank ${rank}`
        : transpose
          ? w.dims[0] !== cin
            ? `has ${w.dims[0]} input channels, but the input has ${cin}`
            : undefined
          : w.dims[1] * group !== cin
            ? `has ${w.dims[1]} input channels per group × group ${group} = ${w.dims[1] * group}, but the input has ${cin}`
            : undefined;
    if (problem) throw new GraphError(name, op, [input], `weight '${weightName}' [${w.dims.join(', ')}] ${problem}; the weight must be ${expected}`);
    if (kernel && kernel.join() !== w.dims.slice(2).join()) {
      throw new GraphError(name, op, [input], `kernel_shape [${kernel.join(', ')}] differs from weight '${weightName}' [${w.dims.join(', ')}]`);
    }
  }

  /** Maps an ONNX node to an IR op in lcnb's own attribute form; undefined when it cannot. */
  convert(
    node: onnx.INodeProto,
    name: string,
    attrs: Record<string, unknown>,
    activations: string[],
  ): { op: string; inputs: string[]; attrs: Record<string, AttrValue>; outputs?: string[]; weightBytes?: number } | undefined {
    const op = node.opType ?? '';
    const input = node.input ?? [];
    const x = activations[0];
    const known = (i: number) => (input[i] ? this.known.get(input[i]) : undefined);
    const num = (key: string, fallback: number) => (typeof attrs[key] === 'number' ? (attrs[key] as number) : fallback);
    const ints = (key: string) => (Array.isArray(attrs[key]) ? (attrs[key] as number[]) : undefined);
    const shapeOf = (tensor: string) => this.b.tensor(tensor)?.shape ?? [];
    const spatial = () => shapeOf(x).slice(2);
    const ones = () => spatial().map(() => 1);
    const windowPads = (kernel: number[], strides: number[], dilations: number[]) => {
      const autoPad = (attrs.auto_pad as string | undefined) ?? 'NOTSET';
      const sizes = spatial();
      if (autoPad === 'NOTSET') return ints('pads') ?? [...sizes, ...sizes].map(() => 0);
      if (autoPad === 'VALID') return [...sizes, ...sizes].map(() => 0);
      const total = sizes.map((size, i) => Math.max((Math.ceil(size / strides[i]) - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - size, 0));
      const begin = total.map((t) => (autoPad === 'SAME_LOWER' ? Math.ceil(t / 2) : Math.floor(t / 2)));
      return [...begin, ...total.map((t, i) => t - begin[i])];
    };
    const plain = (irOp: string, extra: Record<string, AttrValue> = {}) => ({ op: irOp, inputs: [x], attrs: extra });
    switch (op) {
      case 'Conv':
      case 'ConvInteger':
      case 'QLinearConv':
      case 'DeformConv': {
        // QLinearConv: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B.
        // DeformConv: x, w, offset, B, mask (offset and mask are read, their traffic not counted).
        const [wi, bi] = op === 'QLinearConv' ? [3, 8] : op === 'DeformConv' ? [1, 3] : [1, op === 'Conv' ? 2 : -1];
        const w = known(wi);
        if (!w || input[0] !== x) return undefined;
        const group = num('group', 1);
        this.checkConvWeight(name, op, x, w, input[wi], group, ints('kernel_shape'), false);
        const kernel = ints('kernel_shape') ?? w.dims.slice(2);
        const strides = ints('strides') ?? ones();
        const dilations = ints('dilations') ?? ones();
        return {
          ...plain(op, {
            out_channels: w.dims[0],
            kernel_shape: kernel,
            strides,
            dilations,
            pads: windowPads(kernel, strides, dilations),
            group,
            bias: !!known(bi),
            ...this.sharedFlags(input[wi], input[bi]),
          }),
          ...(w.bytes !== 4 ? { weightBytes: w.bytes } : {}),
        };
      }
      case 'ConvTranspose': {
        const w = known(1);
        if (!w || input[0] !== x) return undefined;
        const group = num('group', 1);
        this.checkConvWeight(name, op, x, w, input[1], group, ints('kernel_shape'), true);
        const kernel = ints('kernel_shape') ?? w.dims.slice(2);
        const k = kernel.length;
        const strides = ints('strides') ?? ones();
        const dilations = ints('dilations') ?? ones();
        const outputPadding = ints('output_padding') ?? ones().map(() => 0);
        const autoPad = (attrs.auto_pad as string | undefined) ?? 'NOTSET';
        const full = spatial().map((size, i) => strides[i] * (size - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1);
        let pads = ints('pads') ?? new Array<number>(2 * k).fill(0);
        const outputShape = ints('output_shape');
        const target = outputShape ? outputShape.slice(-k) : autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER' ? spatial().map((s, i) => s * strides[i]) : undefined;
        if (target || autoPad === 'VALID') {
          // With auto_pad SAME a kernel smaller than the stride leaves nothing to pad (onnxruntime's rule): no negative padding.
          const total = full.map((f, i) => (!target ? 0 : outputShape ? f - target[i] : Math.max(0, f - target[i])));
          // ONNX: SAME_UPPER puts the extra padding at the end; otherwise at the beginning.
          const begin = total.map((t) => (autoPad === 'SAME_UPPER' ? Math.floor(t / 2) : t - Math.floor(t / 2)));
          pads = [...begin, ...total.map((t, i) => t - begin[i])];
        }
        return {
          ...plain('ConvTranspose', { out_channels: w.dims[1] * group, kernel_shape: kernel, strides, dilations, pads, output_padding: outputPadding, group, bias: !!known(2), ...this.sharedFlags(input[1], input[2]) }),
          ...(w.bytes !== 4 ? { weightBytes: w.bytes } : {}),
        };
      }
      case 'BatchNormalization': {
        const training = (node.output ?? []).filter(Boolean).length > 1;
        return { ...plain('BatchNormalization', training ? { statistics_outputs: (node.output ?? []).length - 1 } : {}), outputs: training ? (node.output ?? []) : [node.output?.[0] ?? name] };
      }
      case 'Gemm': {
        const w = known(1);
        if (!w || activations.length !== 1 || input[0] !== x) return undefined;
        const transA = num('transA', 0) === 1;
        if (shapeOf(x).length !== 2) throw new GraphError(name, op, [shapeOf(x)], `input must have rank 2 ([N, features]), got [${shapeOf(x).join(', ')}]`);
        const features = shapeOf(x)[transA ? 0 : 1];
        const transB = num('transB', 0) === 1;
        if (w.dims.length !== 2 || w.dims[transB ? 1 : 0] !== features) {
          throw new GraphError(name, op, [shapeOf(x)], `weight '${input[1]}' [${w.dims.join(', ')}] does not take ${features} input features (transB = ${transB ? 1 : 0})`);
        }
        return { ...plain('Gemm', { out_features: transB ? w.dims[0] : w.dims[1], bias: !!known(2), ...(transA ? { trans_a: true } : {}), ...this.sharedFlags(input[1], input[2]) }), ...(w.bytes !== 4 ? { weightBytes: w.bytes } : {}) };
      }
      case 'MatMulInteger':
      case 'QLinearMatMul': {
        // QLinearMatMul: a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point.
        const pair = op === 'QLinearMatMul' ? [input[0], input[3]] : [input[0], input[1]];
        if (!pair.every((i) => i && (this.known.has(i) || this.b.tensor(i)))) return undefined;
        const operands = pair.map((i) => (this.known.has(i) ? this.constantTensor(i, true) : i));
        return { op, inputs: operands, attrs: {} };
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
        return activations.length === 1 && input[0] === x ? plain(op) : undefined;
      case 'Dropout':
        return node.output?.[1] ? { ...plain('Dropout', { with_mask: true }), outputs: node.output } : { ...plain('Dropout'), outputs: [node.output?.[0] ?? name] };
      case 'LeakyRelu':
        return plain('LeakyRelu', { alpha: num('alpha', 0.01) });
      case 'Gelu':
        return plain('Gelu', { approximate: (attrs.approximate as string | undefined) ?? 'none' });
      case 'HardSigmoid':
        return plain('HardSigmoid', { alpha: num('alpha', 0.2), beta: num('beta', 0.5) });
      case 'Clip': {
        if (input[0] !== x) return undefined;
        const min = this.opset >= 11 ? this.values(node, 1, 'minimum')?.[0] : (attrs.min as number | undefined);
        const max = this.opset >= 11 ? this.values(node, 2, 'maximum')?.[0] : (attrs.max as number | undefined);
        return plain('Clip', { min: min ?? -3.4e38, max: max ?? 3.4e38 });
      }
      case 'Softmax':
        return plain('Softmax', { axis: num('axis', this.opset >= 13 ? -1 : 1) });
      case 'Flatten':
        return plain('Flatten', { axis: num('axis', 1) });
      case 'MaxPool':
      case 'AveragePool':
      case 'LpPool': {
        const kernel = ints('kernel_shape') ?? ones();
        const strides = ints('strides') ?? ones();
        const dilations = ints('dilations') ?? ones();
        const indices = op === 'MaxPool' && !!node.output?.[1];
        return {
          ...plain(op, { kernel_shape: kernel, strides, dilations, pads: windowPads(kernel, strides, dilations), ceil_mode: num('ceil_mode', 0) === 1, ...(indices ? { with_indices: true } : {}) }),
          outputs: indices ? (node.output ?? []) : [node.output?.[0] ?? name],
        };
      }
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div':
      case 'Pow':
      case 'PRelu':
      case 'MatMul': {
        const operands = input.slice(0, 2).map((i, index) => (this.known.has(i) ? this.constantTensor(i, (WEIGHT_INPUTS[op] ?? []).includes(index)) : i));
        if (this.opset < 7 && num('broadcast', 0) === 1 && op !== 'MatMul') {
          // Before opset 7, B is aligned with A starting at 'axis' (default: its trailing axes), not NumPy-style.
          const a = shapeOf(operands[0]);
          const bDims = this.b.tensor(operands[1])?.shape ?? [];
          const axis = num('axis', a.length - bDims.length);
          const trailing = a.length - axis - bDims.length;
          if (trailing > 0) {
            if (!this.known.has(input[1])) return undefined;
            const aligned = `${input[1]}::axis${axis}`;
            const stored = this.known.get(input[1])!;
            if (!this.known.has(aligned)) this.known.set(aligned, { ...stored, dims: [...bDims, ...new Array<number>(trailing).fill(1)], registered: false, origin: stored.origin ?? input[1] });
            operands[1] = this.constantTensor(aligned, (WEIGHT_INPUTS[op] ?? []).includes(1));
          }
        }
        return { op, inputs: operands, attrs: {} };
      }
      case 'Concat':
        return { op: 'Concat', inputs: input.filter(Boolean).map((i) => (this.known.has(i) ? this.constantTensor(i, true) : i)), attrs: { axis: num('axis', 0) } };
      case 'Split': {
        const rank = shapeOf(x).length;
        const axisRaw = num('axis', 0);
        const axis = axisRaw < 0 ? axisRaw + rank : axisRaw;
        const size = shapeOf(x)[axis];
        const count = typeof attrs.num_outputs === 'number' ? attrs.num_outputs : (node.output ?? []).length;
        const given = this.opset >= 13 ? (input[1] ? this.values(node, 1, 'split sizes') : undefined) : ints('split');
        // Equal parts, the last one smaller when the axis does not divide (ONNX's rule since opset 18).
        const even = new Array<number>(count).fill(Math.ceil(size / count));
        if (size % count !== 0) even[count - 1] = size - Math.ceil(size / count) * (count - 1);
        return plain('Split', { axis, split: given ?? even });
      }
      case 'Reshape': {
        const target = this.opset >= 5 ? (this.values(node, 1, 'target shape') as number[]) : (ints('shape') as number[]);
        return plain('Reshape', { shape: target });
      }
      case 'Transpose':
        return plain('Transpose', { perm: ints('perm') ?? shapeOf(x).map((_, i, all) => all.length - 1 - i) });
      default:
        return undefined;
    }
  }
}

/** Elementwise ops evaluated on small constant tensors (shape arithmetic), with integer division where ONNX has it. */
const ELEMENTWISE: Readonly<Record<string, (xs: number[], integer: boolean) => number>> = {
  Add: ([x, y]) => x + y,
  Sub: ([x, y]) => x - y,
  Mul: ([x, y]) => x * y,
  Div: ([x, y], integer) => (integer ? Math.trunc(x / y) : x / y),
  Mod: ([x, y]) => x - y * Math.floor(x / y),
  Pow: ([x, y]) => x ** y,
  Max: (xs) => Math.max(...xs),
  Min: (xs) => Math.min(...xs),
  Sum: (xs) => xs.reduce((a, b) => a + b, 0),
  Equal: ([x, y]) => Number(x === y),
  Greater: ([x, y]) => Number(x > y),
  Less: ([x, y]) => Number(x < y),
  GreaterOrEqual: ([x, y]) => Number(x >= y),
  LessOrEqual: ([x, y]) => Number(x <= y),
  And: ([x, y]) => Number(!!x && !!y),
  Or: ([x, y]) => Number(!!x || !!y),
  Not: ([x]) => Number(!x),
  Where: ([c, x, y]) => (c ? x : y),
  Neg: ([x]) => -x,
  Abs: ([x]) => Math.abs(x),
  Floor: ([x]) => Math.floor(x),
  Ceil: ([x]) => Math.ceil(x),
  Round: ([x]) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  Sqrt: ([x]) => Math.sqrt(x),
  Sign: ([x]) => Math.sign(x),
  Reciprocal: ([x]) => 1 / x,
};

function decodeModel(bytes: Uint8Array, source: string): onnx.ModelProto {
  if (bytes.byteLength > MAX_MODEL_BYTES) throw new UserError(`${source}: ${bytes.byteLength} bytes is over the 2 GiB a protobuf model can hold`);
  try {
    // A plain Uint8Array view: protobufjs's Buffer reader makes empty fields with the deprecated new Buffer(0).
    return onnx.ModelProto.decode(Buffer.isBuffer(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes);
  } catch (e) {
    throw new UserError(`${source}: not a readable ONNX model (truncated or corrupt protobuf: ${(e as Error).message})`);
  }
}

/** Longest name or rule quoted in an error; a model may hold names of any length. */
const MAX_QUOTED = 300;
const shorten = (text: string) => (text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED - 1)}…` : text);

function declared(info: onnx.IValueInfoProto): DeclaredTensor {
  const tensor = info.type?.tensorType;
  const dims = (tensor?.shape?.dim ?? []).map((d) => (toNumber(d.dimValue) > 0 ? toNumber(d.dimValue) : d.dimParam || '?'));
  return { name: shorten(info.name ?? ''), dims, dtype: dtypeName(tensor?.elemType), ...(tensor?.shape ? {} : { unranked: true as const }) };
}

function opsetOf(model: onnx.IModelProto): number {
  return toNumber(model.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx')?.version) || 1;
}

/**
 * The header of a file without decoding its tensors: the model's and graph's small fields are read
 * and every large field (initializer data, nodes) is skipped by its length, so a 100 MB file is
 * scanned in milliseconds (what a diagnostic needs while a cell is typed).
 */
function scanHeader(bytes: Uint8Array, source: string): OnnxHeader {
  const r = WireReader.create(bytes);
  let opset = 0;
  let producer = '';
  let version = '';
  let graphName = '';
  let nodeCount = 0;
  const initializers = new Set<string>();
  const inputs: onnx.ValueInfoProto[] = [];
  const outputs: onnx.ValueInfoProto[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 2) producer = r.string();
    else if (field === 3) version = r.string();
    else if (field === 8) {
      const o = onnx.OperatorSetIdProto.decode(r, r.uint32());
      if (!o.domain || o.domain === 'ai.onnx') opset = toNumber(o.version);
    } else if (field === 7) {
      const end = r.uint32() + r.pos;
      while (r.pos < end) {
        const gtag = r.uint32();
        const gfield = gtag >>> 3;
        if (gfield === 1) {
          nodeCount++;
          r.skipType(gtag & 7);
        } else if (gfield === 2) graphName = r.string();
        else if (gfield === 5) {
          // An initializer: only its name (field 8) is read.
          const tend = r.uint32() + r.pos;
          while (r.pos < tend) {
            const ttag = r.uint32();
            if (ttag >>> 3 === 8) initializers.add(r.string());
            else r.skipType(ttag & 7);
          }
        } else if (gfield === 11) inputs.push(onnx.ValueInfoProto.decode(r, r.uint32()));
        else if (gfield === 12) outputs.push(onnx.ValueInfoProto.decode(r, r.uint32()));
        else r.skipType(gtag & 7);
      }
    } else r.skipType(tag & 7);
  }
  return {
    opset: opset || 1,
    producer: [producer, version].filter(Boolean).join(' '),
    graphName: graphName || source,
    inputs: inputs.filter((i) => !initializers.has(i.name)).map(declared),
    outputs: outputs.map(declared),
    nodeCount,
  };
}

function headerOf(model: onnx.IModelProto, source: string): OnnxHeader {
  const graph = model.graph ?? {};
  const stored = new Set((graph.initializer ?? []).map((t) => t.name));
  return {
    opset: opsetOf(model),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    graphName: graph.name || source,
    inputs: (graph.input ?? []).filter((i) => !stored.has(i.name)).map(declared),
    outputs: (graph.output ?? []).map(declared),
    nodeCount: graph.node?.length ?? 0,
  };
}

/** What a file declares (opset, producer, inputs, outputs), read even when its graph cannot be. */
export function readOnnxHeader(bytes: Uint8Array, source: string): OnnxHeader {
  if (bytes.byteLength > MAX_MODEL_BYTES) throw new UserError(`${source}: ${bytes.byteLength} bytes is over the 2 GiB a protobuf model can hold`);
  try {
    return scanHeader(Buffer.isBuffer(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes, source);
  } catch (e) {
    throw new UserError(`${source}: not a readable ONNX model (truncated or corrupt protobuf: ${(e as Error).message})`);
  }
}

/** Declared dims with the open ones named as a user would write them: batch 1, H and W of an image, else the file's name. */
export function shapeTemplate(dims: readonly (number | string)[]): (number | string)[] {
  return dims.map((d, axis) => (typeof d === 'number' ? d : axis === 0 ? 1 : dims.length === 4 && axis >= 2 ? 'HW'[axis - 2] : d));
}

/** "1,3,640,640" or "x=1,3,640,640": a shape for the one data input, or for a named input. */
export function parseInputShape(text: string): { name: string; shape: number[] } {
  const eq = text.lastIndexOf('=');
  const name = eq >= 0 ? text.slice(0, eq).trim() : '';
  const dims = text.slice(eq + 1).split(',').map((d) => d.trim());
  if (dims.some((d) => !/^[1-9]\d*$/.test(d))) throw new UserError(`input shape '${text}' must be positive integers separated by commas (N,C,H,W), optionally after NAME=`);
  return { name, shape: dims.map(Number) };
}

/** Reads an ONNX model's bytes into the IR; an error names where, in one readable message. */
export function readOnnx(bytes: Uint8Array, options: ReadOptions): OnnxModel {
  try {
    return readModel(bytes, options);
  } catch (e) {
    if (e instanceof InputShapeNeeded) throw e;
    if (e instanceof GraphError && e.message.length > 3 * MAX_QUOTED) throw new GraphError(shorten(e.node), shorten(e.op), e.inputShapes.slice(0, 4), shorten(e.rule));
    if (e instanceof UserError && e.message.length > 3 * MAX_QUOTED) throw new UserError(shorten(e.message));
    throw e;
  }
}

/**
 * The shapes each data input is read with: given ones checked against the declaration, symbolic
 * batches set to 1. Throws InputShapeNeeded (naming `source`) when a shape is missing or wrong.
 */
export function inputShapesOf(header: Pick<OnnxHeader, 'inputs'>, given: Readonly<Record<string, Shape>>, source: string, notes: string[]): Map<string, Shape> {
  const names = header.inputs.map((i) => i.name);
  const byName: Record<string, Shape> = { ...given };
  if (byName[''] !== undefined) {
    const symbolic = header.inputs.filter((i) => i.dims.some((d) => typeof d !== 'number'));
    const target = header.inputs.length === 1 ? header.inputs[0] : symbolic.length === 1 ? symbolic[0] : undefined;
    if (!target) {
      throw new InputShapeNeeded(`${source}: the model has ${header.inputs.length} inputs (${names.join(', ')}); name the one the shape is for (NAME=${byName[''].join(',')})`, header.inputs);
    }
    byName[target.name] = byName[''];
    delete byName[''];
  }
  for (const name of Object.keys(byName)) {
    if (!names.includes(name)) throw new InputShapeNeeded(`${source}: the model has no input '${name}' (its inputs: ${names.join(', ')})`, header.inputs);
  }
  const shapes = new Map<string, Shape>();
  for (const input of header.inputs) {
    const shape = byName[input.name];
    const described = `[${input.dims.join(', ')}]`;
    if (shape) {
      if (input.dims.length && shape.length !== input.dims.length) {
        throw new InputShapeNeeded(`${source}: input '${input.name}' is declared ${described} (rank ${input.dims.length}); the shape given, [${shape.join(', ')}], has rank ${shape.length}`, header.inputs);
      }
      const clash = input.dims.findIndex((d, i) => typeof d === 'number' && d !== shape[i]);
      if (clash >= 0) throw new InputShapeNeeded(`${source}: input '${input.name}' is declared ${described}; dimension ${clash} is fixed at ${input.dims[clash]}, the shape given says ${shape[clash]}`, header.inputs);
      shapes.set(input.name, shape);
      continue;
    }
    const open = input.dims.map((d, i) => (typeof d === 'number' ? -1 : i)).filter((i) => i > 0);
    if (open.length) {
      throw new InputShapeNeeded(
        `${source}: input '${input.name}' is declared ${described}: dimension${open.length > 1 ? 's' : ''} ${open.join(', ')} ${open.length > 1 ? 'are' : 'is'} not fixed; give the input shape`,
        header.inputs,
      );
    }
    if (input.unranked) throw new InputShapeNeeded(`${source}: input '${input.name}' declares no shape; give the input shape`, header.inputs);
    if (typeof input.dims[0] !== 'number') notes.push(`Input '${input.name}' has a symbolic batch dimension '${input.dims[0]}': read with batch 1.`);
    shapes.set(input.name, input.dims.map((d) => (typeof d === 'number' ? d : 1)));
  }
  return shapes;
}

function readModel(bytes: Uint8Array, options: ReadOptions): OnnxModel {
  const { source } = options;
  const model = decodeModel(bytes, source);
  const graph = model.graph;
  if (!graph || !graph.node) throw new UserError(`${source}: the file holds no ONNX graph`);
  if (graph.node.length > MAX_NODES) throw new UserError(`${source}: ${graph.node.length} nodes is more than lcnb reads (${MAX_NODES})`);
  const header = headerOf(model, source);
  const opset = header.opset;
  const notes: string[] = [];

  const valueInfo = new Map<string, Shape>();
  for (const info of [...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    const dims = info.type?.tensorType?.shape?.dim;
    if (info.name && dims && dims.every((d) => toNumber(d.dimValue) > 0)) valueInfo.set(info.name, dims.map((d) => toNumber(d.dimValue)));
  }
  // Shapes from a run are taken only when they are shapes (lists of whole numbers ≥ 0).
  const knownShapes = Object.fromEntries(
    Object.entries(options.knownShapes ?? {}).filter(([, shape]) => Array.isArray(shape) && shape.length <= 64 && shape.every((d) => Number.isSafeInteger(d) && d >= 0 && d <= MAX_TENSOR_ELEMENTS)),
  );
  const r = new Reader(source, graph.name || source, opset, valueInfo, knownShapes);

  for (const t of graph.initializer ?? []) {
    const dims = (t.dims ?? []).map(toNumber);
    const count = dims.reduce((a, d) => a * d, 1);
    if (dims.some((d) => !Number.isInteger(d) || d < 0) || count > MAX_TENSOR_ELEMENTS) {
      r.fail(`initializer '${t.name}' declares dimensions [${dims.join(', ')}] (${count} elements), more than lcnb accepts (2^31)`);
    }
    checkExternalData(t, source);
    // A 0-d initializer is a literal (the 0.5 in GELU), not a learned tensor.
    r.known.set(t.name ?? '', { dims, values: tensorValues(t, count), stored: dims.length > 0, bytes: dtypeBytes(t.dataType), float: FLOAT_TYPES.has(t.dataType ?? 0) });
  }

  // Weights given as graph inputs (no initializer) are read from their declared shapes.
  const weightSlots = new Set<string>();
  for (const node of graph.node) {
    const slots = { Conv: [1, 2], ConvTranspose: [1, 2], Gemm: [1, 2], QLinearConv: [3, 8], ConvInteger: [1], DeformConv: [1, 3] }[node.opType ?? ''] ?? [];
    for (const i of slots) if (node.input?.[i]) weightSlots.add(node.input[i]);
  }
  const shapes = inputShapesOf(header, options.inputShapes ?? {}, source, notes);
  const inputs: (DeclaredTensor & { shape: Shape })[] = [];
  for (const input of graph.input ?? []) {
    const name = input.name ?? '';
    if (r.known.has(name)) continue;
    const shape = shapes.get(shorten(name)) ?? shapes.get(name) ?? [];
    const info = declared(input);
    if (weightSlots.has(name) && info.dims.every((d) => typeof d === 'number')) {
      r.known.set(name, { dims: info.dims as number[], stored: true, bytes: dtypeBytes(input.type?.tensorType?.elemType) });
      notes.push(`Weight '${name}' is a graph input (no initializer): counted from its declared shape [${info.dims.join(', ')}].`);
      continue;
    }
    if (r.b.tensor(name)) r.fail(`input '${name}' is declared twice`);
    r.b.input(name, shape);
    const width = dtypeBytes(input.type?.tensorType?.elemType);
    if (width !== 4) {
      r.widths.set(name, width);
      r.b.setElementBytes(name, width);
    }
    inputs.push({ ...info, shape });
  }

  for (const node of graph.node) r.read(node);

  // QDQ: a tensor read only by QuantizeLinear is written by the fused integer kernel at the quantised width.
  const consumers = new Map<string, string[]>();
  for (const node of graph.node) for (const i of node.input ?? []) if (i) consumers.set(i, [...(consumers.get(i) ?? []), node.opType ?? '']);
  const built = r.b.build([]);
  for (const [name] of built.shapes) {
    const users = consumers.get(name);
    if (users?.length && users.every((u) => u === 'QuantizeLinear') && !built.constants.has(name)) r.b.setElementBytes(name, 1);
  }

  const outputs = (graph.output ?? []).flatMap((o) => {
    const t = r.b.tensor(o.name ?? '');
    if (t) return [t];
    if (r.unresolved.has(o.name ?? '')) return [];
    if (r.known.has(o.name ?? '')) return [];
    return r.fail(`graph output '${o.name}' is not produced by any node`);
  });
  if (r.quantized) notes.push('Quantised (QDQ or integer ops): int8 and uint8 tensors are counted at 1 byte per element; a DequantizeLinear output is counted at its input’s width and a tensor read only by QuantizeLinear at the quantised width, as runtimes fuse them into integer kernels.');
  const unresolvedNodes = built.unresolved ?? [];
  if (r.fromRun) notes.push(`The output shapes of ${r.fromRun} node${r.fromRun === 1 ? '' : 's'} static inference could not find were taken from one onnxruntime run.`);
  if (unresolvedNodes.length) notes.push(`${unresolvedNodes.length} node${unresolvedNodes.length === 1 ? '' : 's'} could not be counted: their output shapes are not known without running the model (listed as uncounted, with why).`);
  const metadata: Record<string, string> = {};
  for (const p of model.metadataProps ?? []) if (p.key?.startsWith(METADATA_PREFIX)) metadata[p.key] = p.value ?? '';
  return {
    graph: r.b.build(outputs),
    opset,
    producer: model.producerName ?? '',
    metadata,
    evaluatedNodes: r.evaluated,
    inputs,
    notes,
    unresolvedTensors: [...r.unresolved.keys()],
  };
}
