/**
 * Latency predicted for hardware the user does not have: MobileNetV4's roofline (arXiv 2404.10518
 * §3). A device is a peak multiply-add rate and a memory bandwidth; their ratio, the ridge point
 * (MAdds per byte), is all that ranks models on it. Per fused layer:
 *
 *   time = max(MAdds / peak MAdds/s, (weight bytes + activation bytes) / bandwidth)
 *
 * and a model's time is the sum over its layers. The layers are the graph's nodes after the fusions
 * every inference runtime makes (FUSION_RULE): BatchNorm folded into the conv or linear layer before
 * it, activations applied by their producer, views free. VS Code-free.
 */
import { GraphCost, UncountedOp } from './cost';
import { Graph, Node } from './ir';
import { numel } from './shape';

/** Element types a device computes in; float tensors of a float model are counted at this width. */
export type DeviceDtype = 'fp32' | 'fp16' | 'int8';
export const DTYPE_BYTES: Readonly<Record<DeviceDtype, number>> = { fp32: 4, fp16: 2, int8: 1 };

export interface Device {
  /** Short id for the command line and settings, e.g. 'pixel6-cpu'. */
  readonly id: string;
  readonly name: string;
  /** Peak multiply-adds per second at `dtype`. */
  readonly peakMaddsPerSecond: number;
  /** Memory bandwidth, bytes per second. */
  readonly bandwidthBytesPerSecond: number;
  readonly dtype: DeviceDtype;
  /** Where the figures come from: a datasheet, a paper (with the table), or a fit to measured times. */
  readonly source: string;
  /** A fixed cost per layer (kernel launch, dispatch), seconds; only a fitted device has one. */
  readonly overheadSecondsPerLayer?: number;
  /** A fixed cost per run of the model (the runtime's own work around the layers), seconds; only a fitted device has one. */
  readonly overheadSecondsPerRun?: number;
}

/** MAdds per byte at which a layer turns from memory-bound to compute-bound on `device`. */
export const ridgePoint = (device: Pick<Device, 'peakMaddsPerSecond' | 'bandwidthBytesPerSecond'>): number =>
  device.peakMaddsPerSecond / device.bandwidthBytesPerSecond;

export const FUSION_RULE =
  'BatchNormalization is folded into the Conv, ConvTranspose, Gemm or MatMul before it (its scale and shift become the weights and bias; ' +
  'a conv without a bias gains one of its output channels); an activation (Relu, Clip, HardSwish, HardSigmoid, Sigmoid, Tanh, LeakyRelu, Elu, ' +
  'Gelu, Swish) and Dropout are applied by the layer whose output they alone read; views (Reshape, Flatten, Squeeze, Unsqueeze, Identity) move ' +
  'no data; every other node is a layer of its own.';

const PRODUCERS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);
const FOLDED = new Set(['BatchNormalization']);
const ELEMENTWISE = new Set(['Relu', 'Clip', 'HardSwish', 'HardSigmoid', 'Sigmoid', 'Tanh', 'LeakyRelu', 'Elu', 'Gelu', 'Swish', 'Dropout', 'Identity']);

/** One layer as the runtime executes it: a node and the nodes fused into it. */
export interface RooflineLayer {
  /** The layer's first node. */
  readonly name: string;
  readonly nodes: readonly string[];
  readonly ops: readonly string[];
  readonly madds: number;
  readonly weightBytes: number;
  /** Activations read from outside the layer and written by it. */
  readonly activationBytes: number;
}

export const layerBytes = (l: RooflineLayer): number => l.weightBytes + l.activationBytes;

export interface PredictedLayer extends RooflineLayer {
  readonly bound: 'compute' | 'memory';
  readonly predictedSeconds: number;
}

export interface Prediction {
  readonly device: Device;
  readonly totalSeconds: number;
  readonly layers: readonly PredictedLayer[];
  /** Ops the cost model does not know: not predicted (their time is not in the total). */
  readonly uncounted: readonly UncountedOp[];
}

/**
 * The graph's layers after the runtime's fusions, with bytes at each tensor's width: tensors the
 * graph types (int8, int64 …) at theirs, float tensors at `floatBytes` (4 for float32; 2 or 1 to
 * count a float model as it would be deployed in fp16 or int8).
 */
export function rooflineLayers(graph: Graph, cost: GraphCost, floatBytes = 4): RooflineLayer[] {
  const counted = new Map(cost.nodes.map((c) => [c.node.name, c]));
  const consumers = new Map<string, Node[]>();
  for (const n of graph.nodes) for (const t of n.inputs) consumers.set(t, [...(consumers.get(t) ?? []), n]);
  const graphOutputs = new Set(graph.outputs);
  const width = (t: string) => graph.elementBytes?.get(t) ?? floatBytes;
  const tensorBytes = (t: string) => numel(graph.shapes.get(t) ?? []) * width(t);
  const weightsOf = (n: Node) => n.weights.reduce((s, w) => s + numel(w.shape), 0) * (n.weightBytes ?? floatBytes);

  interface Group {
    nodes: Node[];
    /** The tensor the group's last node writes. */
    out: string;
  }
  const groups: Group[] = [];
  const groupOf = new Map<string, Group>();
  for (const n of graph.nodes) {
    if (!counted.has(n.name)) continue;
    const input = n.inputs[0];
    const producer = input !== undefined ? groupOf.get(input) : undefined;
    const alone = input !== undefined && (consumers.get(input)?.length ?? 0) === 1 && !graphOutputs.has(input);
    const head = producer?.nodes[0];
    const fuses =
      producer !== undefined &&
      alone &&
      producer.out === input &&
      n.outputs.length === 1 &&
      ((FOLDED.has(n.op) && PRODUCERS.has(head!.op) && producer.nodes.every((p) => !ELEMENTWISE.has(p.op) || p.op === 'Identity')) ||
        (ELEMENTWISE.has(n.op) && n.inputs.slice(1).every((t) => graph.constants.has(t) || t === '')));
    if (fuses) {
      producer!.nodes.push(n);
      producer!.out = n.outputs[0];
      groupOf.set(n.outputs[0], producer!);
      continue;
    }
    const group: Group = { nodes: [n], out: n.outputs[0] };
    groups.push(group);
    for (const o of n.outputs) groupOf.set(o, group);
  }

  const layers: RooflineLayer[] = [];
  for (const g of groups) {
    const [head] = g.nodes;
    const def = counted.get(head.name)!;
    const view = def.macBytes === 0 && def.madds === 0;
    if (view && g.nodes.length === 1) continue;
    const inside = new Set(g.nodes.flatMap((n) => n.outputs));
    const constantsRead = new Set(g.nodes.flatMap((n) => n.inputs.filter((t) => graph.constants.has(t))));
    const inputs = new Set(g.nodes.flatMap((n) => n.inputs.filter((t) => t !== '' && !inside.has(t) && !graph.constants.has(t))));
    const folded = g.nodes.filter((n) => FOLDED.has(n.op));
    // A folded BatchNorm's scale and shift become the producer's weights and bias.
    const foldsInto = folded.length > 0 && PRODUCERS.has(head.op);
    const outShape = graph.shapes.get(head.outputs[0]) ?? [];
    const channels = (head.op === 'Conv' || head.op === 'ConvTranspose' ? outShape[1] : outShape[outShape.length - 1]) ?? 0;
    const gainedBias = foldsInto && !head.weights.some((w) => w.role === 'bias') ? channels * (head.weightBytes ?? floatBytes) : 0;
    const weights =
      g.nodes.filter((n) => !(foldsInto && FOLDED.has(n.op))).reduce((s, n) => s + weightsOf(n), 0) + [...constantsRead].reduce((s, t) => s + tensorBytes(t), 0) + gainedBias;
    const activations = [...inputs].reduce((s, t) => s + tensorBytes(t), 0) + g.nodes[g.nodes.length - 1].outputs.reduce((s, t) => s + tensorBytes(t), 0);
    layers.push({
      name: head.name,
      nodes: g.nodes.map((n) => n.name),
      ops: g.nodes.map((n) => n.op),
      madds: g.nodes.reduce((s, n) => s + (foldsInto && FOLDED.has(n.op) ? 0 : counted.get(n.name)!.madds), 0),
      weightBytes: weights,
      activationBytes: activations,
    });
  }
  return layers;
}

/** Each layer's roofline time on `device`, and their sum (with the device's overhead per run, if it has one). */
export function predict(layers: readonly RooflineLayer[], device: Device, uncounted: readonly UncountedOp[] = []): Prediction {
  const overhead = device.overheadSecondsPerLayer ?? 0;
  const predicted = layers.map((l): PredictedLayer => {
    const compute = l.madds / device.peakMaddsPerSecond;
    const memory = layerBytes(l) / device.bandwidthBytesPerSecond;
    return { ...l, bound: compute >= memory ? 'compute' : 'memory', predictedSeconds: Math.max(compute, memory) + overhead };
  });
  return { device, totalSeconds: predicted.reduce((s, l) => s + l.predictedSeconds, 0) + (device.overheadSecondsPerRun ?? 0), layers: predicted, uncounted };
}

/**
 * A model's time at ridge point `ridge`, in multiply-adds at peak rate: Σ max(MAdds, bytes × ridge).
 * Divided by a device's peak it is that device's time; across ridge points it is the curve of
 * MobileNetV4's figure, the same for every device with that ridge point.
 */
export function maddsEquivalent(layers: readonly RooflineLayer[], ridge: number): number {
  return layers.reduce((s, l) => s + Math.max(l.madds, layerBytes(l) * ridge), 0);
}

/** A measured layer: its MAdds, bytes and measured time. */
export interface TimedLayer {
  readonly madds: number;
  readonly bytes: number;
  readonly seconds: number;
}

export interface RooflineFit {
  readonly peakMaddsPerSecond: number;
  readonly bandwidthBytesPerSecond: number;
  readonly overheadSecondsPerLayer: number;
  /** Median |predicted − measured| ÷ measured over the layers. */
  readonly medianAbsError: number;
  readonly layers: number;
}

/**
 * The roofline that fits measured layer times best: t ≈ max(MAdds / P, bytes / B) + c. For each
 * ridge point on a log grid (0.5 to 2000 MAdds/byte, 400 steps) the scale 1/P and the overhead c
 * (≥ 0) are a least-squares line through t against max(MAdds, bytes × ridge), weighted by 1/t² so
 * that small layers count as much as large ones (relative error); the ridge point with the smallest
 * weighted residual wins.
 */
export function fitRoofline(samples: readonly TimedLayer[]): RooflineFit {
  const use = samples.filter((s) => s.seconds > 0 && (s.madds > 0 || s.bytes > 0));
  if (use.length < 3) throw new Error(`a roofline fit needs at least 3 timed layers with work, got ${use.length}`);
  let best: { ridge: number; slope: number; overhead: number; residual: number } | undefined;
  for (let i = 0; i <= 400; i++) {
    const ridge = 0.5 * Math.pow(4000, i / 400);
    const xs = use.map((s) => Math.max(s.madds, s.bytes * ridge));
    const ws = use.map((s) => 1 / (s.seconds * s.seconds));
    const line = weightedLine(xs, use.map((s) => s.seconds), ws);
    const residual = use.reduce((r, s, k) => r + ws[k] * (line.slope * xs[k] + line.overhead - s.seconds) ** 2, 0);
    if (line.slope > 0 && (!best || residual < best.residual)) best = { ridge, ...line, residual };
  }
  if (!best) throw new Error('no roofline fits these layer times (time does not grow with work)');
  const peak = 1 / best.slope;
  const errors = use.map((s) => Math.abs(Math.max(s.madds, s.bytes * best!.ridge) * best!.slope + best!.overhead - s.seconds) / s.seconds).sort((a, b) => a - b);
  return {
    peakMaddsPerSecond: peak,
    bandwidthBytesPerSecond: peak / best.ridge,
    overheadSecondsPerLayer: best.overhead,
    medianAbsError: errors[Math.floor(errors.length / 2)],
    layers: use.length,
  };
}

/** Weighted least squares y ≈ slope·x + overhead with overhead ≥ 0 (through the origin when the free fit goes below). */
function weightedLine(xs: readonly number[], ys: readonly number[], ws: readonly number[]): { slope: number; overhead: number } {
  let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < xs.length; i++) {
    sw += ws[i];
    sx += ws[i] * xs[i];
    sy += ws[i] * ys[i];
    sxx += ws[i] * xs[i] * xs[i];
    sxy += ws[i] * xs[i] * ys[i];
  }
  const det = sw * sxx - sx * sx;
  const slope = det !== 0 ? (sw * sxy - sx * sy) / det : 0;
  const overhead = det !== 0 ? (sy - slope * sx) / sw : 0;
  if (overhead >= 0 && slope > 0) return { slope, overhead };
  return { slope: sxx > 0 ? sxy / sxx : 0, overhead: 0 };
}
