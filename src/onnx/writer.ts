/**
 * IR → ONNX (opset 17). Node names equal IR node names, so onnxruntime's profile events map back to the IR;
 * an IR op that ONNX spells with several nodes (SiLU, ChannelShuffle) gets helper nodes named
 * `<ir name>::<part>`. Two forms (the zoo's ModelForm): `training` (the graph as built, BatchNorm
 * kept) and `deploy` (BatchNorm folded into the preceding Conv, as the papers measure; a
 * re-parameterised zoo model is built in its deploy form first, its branches already fused).
 */
import { GraphError } from '../core/errors';
import { Graph, Node } from '../core/ir';
import { numel, Shape } from '../core/shape';
import { IR_VERSION, METADATA_PREFIX, onnx, OPSET } from './proto';
import { formatBytes } from '../shared/format';
import { seededUniform } from './weights';
import type { ModelForm } from '../zoo/familyTypes';

export type ExportForm = ModelForm;

export interface ExportOptions {
  readonly form?: ExportForm;
  /** Seed of the deterministic weights. */
  readonly seed?: number;
}

export interface OnnxExport {
  readonly bytes: Uint8Array;
  readonly form: ExportForm;
  readonly seed: number;
  /** IR BatchNorm nodes folded away, each with the Conv node that now carries it. */
  readonly folded: Readonly<Record<string, string>>;
}

/** Separator between an IR node name and the part of it a helper ONNX node implements. */
export const PART_SEPARATOR = '::';

const BN_EPSILON = 1e-5;

type AttrInput = number | string | readonly number[];

function attribute(name: string, value: AttrInput): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value };
  return { name, type: T.INTS, ints: [...value] };
}

function floatTensor(name: string, shape: Shape, values: Float32Array): onnx.ITensorProto {
  return {
    name,
    dims: [...shape],
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

function int64Tensor(name: string, values: readonly number[]): onnx.ITensorProto {
  return { name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: [...values] };
}

function valueInfo(name: string, shape: Shape): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: shape.map((d) => ({ dimValue: d })) } } },
  };
}

class Emitter {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];

  constructor(private readonly seed: number) {}

  node(opType: string, name: string, inputs: string[], outputs: readonly string[], attrs: Record<string, AttrInput | undefined> = {}): void {
    const attribute_ = Object.entries(attrs)
      .filter((entry): entry is [string, AttrInput] => entry[1] !== undefined)
      .map(([key, value]) => attribute(key, value));
    this.nodes.push({ opType, name, input: inputs, output: [...outputs], attribute: attribute_ });
  }

  /** A seeded float initializer; returns its name. */
  weight(name: string, shape: Shape, center: number, spread: number): string {
    this.initializers.push(floatTensor(name, shape, seededUniform(this.seed, name, numel(shape), center, spread)));
    return name;
  }

  floats(name: string, shape: Shape, values: Float32Array): string {
    this.initializers.push(floatTensor(name, shape, values));
    return name;
  }

  ints(name: string, values: readonly number[]): string {
    this.initializers.push(int64Tensor(name, values));
    return name;
  }

  scalar(name: string, value: number): string {
    this.initializers.push(floatTensor(name, [], new Float32Array([value])));
    return name;
  }
}

/** Seeded BatchNorm statistics and affine parameters for `channels` channels. */
function batchNormValues(seed: number, name: string, channels: number) {
  return {
    scale: seededUniform(seed, `${name}.scale`, channels, 1, 0.1),
    bias: seededUniform(seed, `${name}.bias`, channels, 0, 0.1),
    mean: seededUniform(seed, `${name}.mean`, channels, 0, 0.1),
    var: seededUniform(seed, `${name}.var`, channels, 1, 0.1),
  };
}

function convWeightShape(node: Node): Shape {
  const weight = node.weights.find((w) => w.role === 'weight');
  if (!weight) throw new Error(`Conv node '${node.name}' has no weight`);
  return weight.shape;
}

/** BatchNorm nodes that directly follow a Conv whose output feeds nothing else. */
function foldableBatchNorms(graph: Graph): Map<string, Node> {
  const consumers = new Map<string, number>();
  for (const node of graph.nodes) for (const input of node.inputs) consumers.set(input, (consumers.get(input) ?? 0) + 1);
  const producer = new Map<string, Node>();
  for (const node of graph.nodes) for (const output of node.outputs) producer.set(output, node);
  const folds = new Map<string, Node>();
  for (const node of graph.nodes) {
    if (node.op !== 'BatchNormalization') continue;
    const conv = producer.get(node.inputs[0]);
    if (conv?.op === 'Conv' && consumers.get(conv.outputs[0]) === 1 && !graph.outputs.includes(conv.outputs[0])) folds.set(conv.name, node);
  }
  return folds;
}

function emitConv(e: Emitter, seed: number, node: Node, input: string, output: string, bn: Node | undefined): void {
  const wShape = convWeightShape(node);
  const [cout] = wShape;
  const fanIn = numel(wShape.slice(1));
  const spread = 1 / Math.sqrt(fanIn);
  const hasBias = node.weights.some((w) => w.role === 'bias');
  const attrs = {
    kernel_shape: node.attrs.kernel_shape as number[],
    strides: node.attrs.strides as number[] | undefined,
    pads: node.attrs.pads as number[] | undefined,
    dilations: node.attrs.dilations as number[] | undefined,
    group: (node.attrs.group as number | undefined) ?? 1,
  };
  if (!bn) {
    const inputs = [input, e.weight(`${node.name}.weight`, wShape, 0, spread)];
    if (hasBias) inputs.push(e.weight(`${node.name}.bias`, [cout], 0, spread));
    e.node('Conv', node.name, inputs, [output], attrs);
    return;
  }
  // Fold y = γ (conv(x) + b − μ) / √(σ² + ε) + β into the conv's weights and bias.
  const weight = seededUniform(seed, `${node.name}.weight`, numel(wShape), 0, spread);
  const bias = hasBias ? seededUniform(seed, `${node.name}.bias`, cout, 0, spread) : new Float32Array(cout);
  const stats = batchNormValues(seed, bn.name, cout);
  const perChannel = weight.length / cout;
  const foldedBias = new Float32Array(cout);
  for (let c = 0; c < cout; c++) {
    const factor = stats.scale[c] / Math.sqrt(stats.var[c] + BN_EPSILON);
    for (let i = 0; i < perChannel; i++) weight[c * perChannel + i] *= factor;
    foldedBias[c] = (bias[c] - stats.mean[c]) * factor + stats.bias[c];
  }
  e.node('Conv', node.name, [input, e.floats(`${node.name}.weight`, wShape, weight), e.floats(`${node.name}.bias`, [cout], foldedBias)], [output], attrs);
}

function emitNode(e: Emitter, seed: number, graph: Graph, node: Node): void {
  const [x] = node.inputs;
  const out = node.outputs;
  const a = node.attrs;
  const shapeOf = (tensor: string) => graph.shapes.get(tensor) as Shape;
  switch (node.op) {
    case 'BatchNormalization': {
      const c = shapeOf(x)[1];
      const v = batchNormValues(seed, node.name, c);
      const inputs = [x, ...(['scale', 'bias', 'mean', 'var'] as const).map((role) => e.floats(`${node.name}.${role}`, [c], v[role]))];
      e.node('BatchNormalization', node.name, inputs, out, { epsilon: BN_EPSILON });
      return;
    }
    case 'Relu':
    case 'Sigmoid':
    case 'HardSwish':
    case 'GlobalAveragePool':
    case 'Add':
    case 'Sum':
    case 'Mul':
    case 'MatMul':
    case 'Identity':
    case 'Dropout':
      e.node(node.op, node.name, [...node.inputs], out);
      return;
    case 'Clip':
      e.node('Clip', node.name, [x, e.scalar(`${node.name}.min`, a.min as number), e.scalar(`${node.name}.max`, a.max as number)], out);
      return;
    case 'HardSigmoid':
      e.node('HardSigmoid', node.name, [x], out, { alpha: a.alpha as number, beta: a.beta as number });
      return;
    case 'SiLU': {
      const gate = `${node.name}${PART_SEPARATOR}sigmoid`;
      e.node('Sigmoid', gate, [x], [gate]);
      e.node('Mul', node.name, [x, gate], out);
      return;
    }
    case 'Gelu': {
      // Opset 17 has no Gelu: 0.5 · x · (1 + erf(x / √2)), the form onnxruntime fuses back into one kernel.
      const part = (p: string) => `${node.name}${PART_SEPARATOR}${p}`;
      e.node('Div', part('div'), [x, e.scalar(`${part('div')}.sqrt2`, Math.SQRT2)], [part('div')]);
      e.node('Erf', part('erf'), [part('div')], [part('erf')]);
      e.node('Add', part('add'), [part('erf'), e.scalar(`${part('add')}.one`, 1)], [part('add')]);
      e.node('Mul', part('mul'), [x, part('add')], [part('mul')]);
      e.node('Mul', node.name, [part('mul'), e.scalar(`${node.name}.half`, 0.5)], out);
      return;
    }
    case 'MaxPool':
    case 'AveragePool':
      e.node(node.op, node.name, [x], out, {
        kernel_shape: a.kernel_shape as number[],
        strides: a.strides as number[] | undefined,
        pads: a.pads as number[] | undefined,
        ceil_mode: a.ceil_mode === undefined ? undefined : Number(a.ceil_mode),
      });
      return;
    case 'Concat':
      e.node('Concat', node.name, [...node.inputs], out, { axis: (a.axis as number | undefined) ?? 1 });
      return;
    case 'Split':
      e.node('Split', node.name, [x, e.ints(`${node.name}.split`, a.split as number[])], out, { axis: (a.axis as number | undefined) ?? 1 });
      return;
    case 'Slice': {
      const size = shapeOf(x)[(a.axis as number | undefined) ?? 1];
      e.node('Slice', node.name, [
        x,
        e.ints(`${node.name}.starts`, [a.start as number]),
        e.ints(`${node.name}.ends`, [(a.end as number | undefined) ?? size]),
        e.ints(`${node.name}.axes`, [(a.axis as number | undefined) ?? 1]),
        e.ints(`${node.name}.steps`, [(a.step as number | undefined) ?? 1]),
      ], out);
      return;
    }
    case 'ChannelShuffle': {
      // ONNX has no channel shuffle: reshape to (N, g, C/g, H, W), swap the group axes, reshape back.
      const [n, c, h, w] = shapeOf(x);
      const g = a.group as number;
      const grouped = `${node.name}${PART_SEPARATOR}reshape`;
      const swapped = `${node.name}${PART_SEPARATOR}transpose`;
      e.node('Reshape', grouped, [x, e.ints(`${grouped}.shape`, [n, g, c / g, h, w])], [grouped]);
      e.node('Transpose', swapped, [grouped], [swapped], { perm: [0, 2, 1, 3, 4] });
      e.node('Reshape', node.name, [swapped, e.ints(`${node.name}.shape`, [n, c, h, w])], out);
      return;
    }
    case 'Reshape':
      e.node('Reshape', node.name, [x, e.ints(`${node.name}.shape`, a.shape as number[])], out);
      return;
    case 'Transpose':
      e.node('Transpose', node.name, [x], out, { perm: a.perm as number[] });
      return;
    case 'Flatten':
      e.node('Flatten', node.name, [x], out, { axis: (a.axis as number | undefined) ?? 1 });
      return;
    case 'Gemm': {
      const weight = node.weights.find((w) => w.role === 'weight') as { shape: Shape };
      const spread = 1 / Math.sqrt(weight.shape[1]);
      const inputs = [x, e.weight(`${node.name}.weight`, weight.shape, 0, spread)];
      if (node.weights.some((w) => w.role === 'bias')) inputs.push(e.weight(`${node.name}.bias`, [weight.shape[0]], 0, spread));
      e.node('Gemm', node.name, inputs, out, { transB: 1 });
      return;
    }
    case 'Resize': {
      const outShape = shapeOf(out[0]);
      const mode = (a.mode as string | undefined) ?? 'nearest';
      e.node('Resize', node.name, [x, '', '', e.ints(`${node.name}.sizes`, [...outShape])], out, {
        mode,
        coordinate_transformation_mode: mode === 'nearest' ? 'asymmetric' : 'half_pixel',
        nearest_mode: mode === 'nearest' ? 'floor' : undefined,
      });
      return;
    }
    case 'Softmax':
      e.node('Softmax', node.name, [x], out, { axis: (a.axis as number | undefined) ?? -1 });
      return;
    default:
      throw new GraphError(node.name, node.op, node.inputs.map(shapeOf), `op '${node.op}' cannot be exported to ONNX`);
  }
}

/**
 * The graph's constants that its nodes read, as initializers: a learned one (a layer scale, a bias
 * added by Add) with seeded values like every weight, a literal with its value. A literal whose
 * value the graph does not hold cannot be written.
 */
function emitConstants(e: Emitter, seed: number, graph: Graph): void {
  const read = new Set(graph.nodes.flatMap((n) => n.inputs));
  for (const [name, info] of graph.constants) {
    if (!read.has(name)) continue;
    const shape = graph.shapes.get(name) as Shape;
    const count = numel(shape);
    if (info.parameter) e.floats(name, shape, seededUniform(seed, name, count, 0, 0.1));
    else if (info.value !== undefined) e.floats(name, shape, new Float32Array(count).fill(info.value));
    else throw new GraphError(name, 'Constant', [shape], 'a literal without a value cannot be written to ONNX');
  }
}

/** Writes `graph` as an ONNX model (opset 17) with deterministic weights. */
export function exportOnnx(graph: Graph, options: ExportOptions = {}): OnnxExport {
  const form = options.form ?? 'deploy';
  const seed = options.seed ?? 0;
  const e = new Emitter(seed);
  const folds = form === 'deploy' ? foldableBatchNorms(graph) : new Map<string, Node>();
  const foldedAway = new Set([...folds.values()].map((bn) => bn.name));
  const folded: Record<string, string> = {};
  emitConstants(e, seed, graph);
  for (const node of graph.nodes) {
    if (foldedAway.has(node.name)) continue;
    if (node.op === 'Conv') {
      const bn = folds.get(node.name);
      if (bn) folded[bn.name] = node.name;
      emitConv(e, seed, node, node.inputs[0], bn ? bn.outputs[0] : node.outputs[0], bn);
    } else {
      emitNode(e, seed, graph, node);
    }
  }
  const produced = new Set(e.nodes.flatMap((n) => n.output ?? []));
  const intermediate = [...graph.shapes]
    .filter(([name]) => produced.has(name) && !graph.outputs.includes(name))
    .map(([name, shape]) => valueInfo(name, shape));
  const model: onnx.IModelProto = {
    irVersion: IR_VERSION,
    producerName: 'lcnb',
    producerVersion: '0.1.0',
    opsetImport: [{ domain: '', version: OPSET }],
    metadataProps: [
      { key: `${METADATA_PREFIX}form`, value: form },
      { key: `${METADATA_PREFIX}seed`, value: String(seed) },
      { key: `${METADATA_PREFIX}folded`, value: JSON.stringify(folded) },
    ],
    graph: {
      name: graph.name,
      node: e.nodes,
      initializer: e.initializers,
      input: graph.inputs.map((t) => valueInfo(t.name, t.shape)),
      output: graph.outputs.map((name) => valueInfo(name, graph.shapes.get(name) as Shape)),
      valueInfo: intermediate,
    },
  };
  return { bytes: onnx.ModelProto.encode(model).finish(), form, seed, folded };
}

/** What the deploy form folded, in words ('52 BatchNorm layers folded into their convs'). */
export function foldingText(exported: OnnxExport): string {
  const n = Object.keys(exported.folded).length;
  if (n === 0) return 'no BatchNorm to fold';
  return n === 1 ? '1 BatchNorm layer folded into its conv' : `${n} BatchNorm layers folded into their convs`;
}

/** One line on what an export holds: size, opset, form (and folding), weight seed. */
export function describeExport(exported: OnnxExport): string {
  const form = exported.form === 'deploy' ? `deploy form, ${foldingText(exported)}` : 'training form';
  return `${formatBytes(exported.bytes.length)}, ONNX opset ${OPSET}, ${form}, weights seeded with ${exported.seed}`;
}
