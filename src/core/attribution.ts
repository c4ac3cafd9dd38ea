/**
 * Maps per-node times measured by a runtime (onnxruntime's profiler) back to IR nodes. After graph
 * optimisation the runtime's nodes are not the IR's: BatchNorm is folded, activations and residual
 * adds are fused into convs, nodes are renamed (`<tensor>_nchwc`) and layout reorders are inserted.
 * What survives is the tensors: a runtime node that writes an IR tensor covers the IR nodes between
 * that tensor and the tensors other runtime nodes write. Runtime nodes that write no IR tensor
 * (reorders, the halves of an expanded HardSwish) join the group of the node that reads their output.
 * Every group's time is attributed to all the IR nodes it covers, and a group of more than one IR
 * node is flagged as fused.
 */
import { addCosts, Cost, costNode, ZERO_COST } from './cost';
import { Graph, Node } from './ir';
import { numel } from './shape';

/** A node as the runtime ran it. */
export interface MeasuredNode {
  readonly name: string;
  readonly opType: string;
  readonly medianUs: number;
  /** The same time with a measurement artefact taken out (the profiler's own cost), when known. */
  readonly correctedUs?: number;
  /** Tensors it read and wrote in the graph the runtime ran (absent when unknown). */
  readonly inputs?: readonly string[];
  readonly outputs?: readonly string[];
  /** The activation a fused node applies after its own op (onnxruntime's `activation` attribute). */
  readonly activation?: string;
}

export interface LayerTiming {
  /** IR nodes covered, in graph order. */
  readonly nodes: readonly string[];
  /** Runtime nodes whose times are summed here, as the runtime names them. */
  readonly runtimeNodes: readonly string[];
  readonly medianUs: number;
  /** Sum of the runtime nodes' correctedUs; absent when any of them lacks it. */
  readonly correctedUs?: number;
  /** More than one IR node ran as one kernel (or a group of kernels). */
  readonly fused: boolean;
  /** Costs of the covered nodes; MAC counts only tensors crossing the group's boundary. */
  readonly cost: Cost;
  /** FLOPs per second achieved: cost.flops / time. */
  readonly achievedFlops: number;
}

export interface Attribution {
  readonly layers: readonly LayerTiming[];
  /** Index into `layers` of each covered IR node. */
  readonly layerOf: ReadonlyMap<string, number>;
  /** IR nodes no measured node covers (removed by the runtime as dead code, or not run). */
  readonly uncovered: readonly string[];
  /** Sum of all measured node times, µs. */
  readonly attributedUs: number;
}

class UnionFind {
  private readonly parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    while (this.parent[i] !== i) i = this.parent[i] = this.parent[this.parent[i]];
    return i;
  }
  union(a: number, b: number): void {
    this.parent[this.find(a)] = this.find(b);
  }
}

const NCHWC_SUFFIX = '_nchwc';
/** Activations onnxruntime fuses into a conv together with a residual Add. */
const FUSABLE_ACTIVATIONS = new Set(['Relu', 'Clip', 'HardSigmoid', 'HardSwish', 'Sigmoid']);

export function attributeProfile(graph: Graph, measured: readonly MeasuredNode[], options: { bytesPerElement?: number } = {}): Attribution {
  const producer = new Map<string, Node>();
  for (const node of graph.nodes) for (const output of node.outputs) producer.set(output, node);
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const consumers = new Map<string, Node[]>();
  for (const node of graph.nodes) for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node]);
  const consumersOf = (tensor: string) => consumers.get(tensor) ?? [];

  // The IR tensors each runtime node writes.
  const ends = measured.map((m) => {
    const tensors = new Set((m.outputs ?? []).filter((t) => producer.has(t)));
    if (m.name.endsWith(NCHWC_SUFFIX) && producer.has(m.name.slice(0, -NCHWC_SUFFIX.length))) tensors.add(m.name.slice(0, -NCHWC_SUFFIX.length));
    if (tensors.size === 0 && !m.outputs) for (const t of byName.get(m.name)?.outputs ?? []) tensors.add(t);
    // An NCHWc conv that absorbed a HardSwish is named after the tensor before it (its output is a
    // blocked-layout temporary): the activation node reading that tensor is part of this node too.
    if (m.activation) {
      for (const t of [...tensors]) {
        const readers = consumersOf(t);
        const absorbed = readers.length === 1 && readers[0].op === m.activation && producer.get(t)?.op !== m.activation ? readers[0] : undefined;
        if (absorbed) for (const out of absorbed.outputs) tensors.add(out);
      }
    }
    return tensors;
  });
  const written = new Set<string>([...graph.inputs.map((t) => t.name), ...graph.constants.keys()]);
  for (const set of ends) for (const t of set) written.add(t);

  // In execution order, each runtime node claims the IR nodes between the tensors it writes and
  // tensors already available. A conv that reads a second activation has fused the residual Add
  // after it (onnxruntime's Conv+Sum): it also claims that Add and any activation right after.
  const claimed = new Set<Node>();
  const available = new Set(written);
  const covered = ends.map((tensors, i) => {
    const nodes = new Set<Node>();
    const stack = [...tensors];
    while (stack.length) {
      const node = producer.get(stack.pop() as string);
      if (!node || nodes.has(node) || claimed.has(node)) continue;
      nodes.add(node);
      for (const input of node.inputs) if (!available.has(input) && !written.has(input)) stack.push(input);
    }
    const readsTwo = (measured[i].inputs ?? []).length >= 2 && [...nodes].some((n) => n.op === 'Conv');
    let tail = readsTwo ? [...tensors] : [];
    while (tail.length) {
      const next = tail.flatMap((t) => consumers.get(t) ?? []).find((n) => !claimed.has(n) && !nodes.has(n) && n.outputs.every((t) => !written.has(t)));
      const fusable = next && (next.op === 'Add' ? ![...nodes].some((n) => n.op === 'Add') : FUSABLE_ACTIVATIONS.has(next.op) && [...nodes].some((n) => n.op === 'Add'));
      if (!next || !fusable) break;
      nodes.add(next);
      tail = [...next.outputs];
    }
    for (const node of nodes) {
      claimed.add(node);
      for (const t of node.outputs) available.add(t);
    }
    return nodes;
  });

  // Runtime-only nodes (the halves of an expanded HardSwish …) join the node that reads their
  // output; layout reorders onnxruntime inserts stay rows of their own.
  const groups = new UnionFind(measured.length);
  const readers = new Map<string, number[]>();
  measured.forEach((m, i) => {
    for (const t of m.inputs ?? []) readers.set(t, [...(readers.get(t) ?? []), i]);
  });
  measured.forEach((m, i) => {
    if (covered[i].size > 0 || /^Reorder(Input|Output)$/.test(m.opType)) return;
    const next = (m.outputs ?? []).flatMap((t) => readers.get(t) ?? []);
    if (next.length) groups.union(i, next[0]);
  });

  const members = new Map<number, number[]>();
  measured.forEach((_, i) => members.set(groups.find(i), [...(members.get(groups.find(i)) ?? []), i]));
  const order = new Map(graph.nodes.map((n, i) => [n, i]));
  const bytes = options.bytesPerElement ?? 4;
  const layers: LayerTiming[] = [];
  const layerOf = new Map<string, number>();
  for (const indices of members.values()) {
    const irNodes = [...new Set(indices.flatMap((i) => [...covered[i]]))].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    const medianUs = indices.reduce((sum, i) => sum + measured[i].medianUs, 0);
    const corrected = indices.every((i) => measured[i].correctedUs !== undefined);
    const correctedUs = indices.reduce((sum, i) => sum + (measured[i].correctedUs ?? 0), 0);
    const cost = groupCost(graph, irNodes, bytes);
    const runtimeNodes = indices.map((i) => measured[i].name);
    const fused = irNodes.length > 1;
    layers.push({
      nodes: irNodes.map((n) => n.name),
      runtimeNodes,
      medianUs,
      ...(corrected ? { correctedUs } : {}),
      fused,
      cost,
      achievedFlops: medianUs > 0 ? cost.flops / (medianUs * 1e-6) : 0,
    });
  }
  layers.sort((a, b) => firstIndex(a) - firstIndex(b));
  function firstIndex(l: LayerTiming): number {
    return l.nodes.length ? (order.get(byName.get(l.nodes[0]) as Node) ?? 0) : Number.MAX_SAFE_INTEGER;
  }
  layers.forEach((l, i) => l.nodes.forEach((n) => layerOf.set(n, i)));
  return {
    layers,
    layerOf,
    uncovered: graph.nodes.filter((n) => !layerOf.has(n.name)).map((n) => n.name),
    attributedUs: measured.reduce((sum, m) => sum + m.medianUs, 0),
  };
}

/** Summed costs of `nodes`, with MAC counting only tensors that cross the group's boundary. */
function groupCost(graph: Graph, nodes: readonly Node[], bytesPerElement: number): Cost {
  let cost = ZERO_COST;
  for (const node of nodes) {
    const c = costNode(graph, node, { bytesPerElement });
    if (c) cost = addCosts(cost, c);
  }
  if (nodes.length <= 1) return cost;
  const inside = new Set(nodes);
  const produced = new Set(nodes.flatMap((n) => n.outputs));
  const readOutside = new Set(graph.outputs);
  for (const node of graph.nodes) if (!inside.has(node)) for (const input of node.inputs) readOutside.add(input);
  const external = new Set<string>();
  for (const node of nodes) {
    for (const input of node.inputs) if (!produced.has(input)) external.add(input);
    for (const output of node.outputs) if (readOutside.has(output)) external.add(output);
  }
  const weights = nodes.reduce((sum, n) => sum + n.weights.reduce((s, w) => s + numel(w.shape), 0), 0);
  const macElements = [...external].reduce((sum, t) => sum + numel(graph.shapes.get(t) ?? []), weights);
  return { ...cost, macElements, macBytes: macElements * bytesPerElement };
}
