/**
 * The cost model: params, MAdds, FLOPs, memory access cost and arithmetic intensity per node and
 * per scope, in DESIGN.md's units. Ops outside the registry are returned as uncounted, by name.
 */
import { Graph, Node } from './ir';
import { opDef } from './ops';
import { UNCOUNTED_WHY } from './opsStandard';
import { numel, Shape } from './shape';

export interface Cost {
  /** Trainable parameters (BN γ and β included, running statistics not). */
  readonly params: number;
  readonly madds: number;
  readonly flops: number;
  /** ShuffleNetV2's MAC: input activations + output activations + weights read, in elements. */
  readonly macElements: number;
  readonly macBytes: number;
}

export interface NodeCost extends Cost {
  readonly node: Node;
  readonly inputShapes: readonly Shape[];
  readonly outputShapes: readonly Shape[];
  /** FLOPs per byte of memory traffic; 0 when the op moves no data. */
  readonly intensity: number;
  readonly flopsRule: string;
}

export interface UncountedOp {
  readonly name: string;
  readonly op: string;
  /** Why it is not counted, when it is not simply an op without a cost rule (a shape only a run can tell). */
  readonly why?: string;
}

export interface GraphCost {
  readonly nodes: readonly NodeCost[];
  readonly uncounted: readonly UncountedOp[];
  readonly totals: Cost;
}

export interface CostOptions {
  /** Bytes per element of activations and weights; 4 for float32. */
  readonly bytesPerElement?: number;
}

export const ZERO_COST: Cost = { params: 0, madds: 0, flops: 0, macElements: 0, macBytes: 0 };

export function addCosts(a: Cost, b: Cost): Cost {
  return {
    params: a.params + b.params,
    madds: a.madds + b.madds,
    flops: a.flops + b.flops,
    macElements: a.macElements + b.macElements,
    macBytes: a.macBytes + b.macBytes,
  };
}

export function intensity(cost: Cost): number {
  return cost.macBytes > 0 ? cost.flops / cost.macBytes : 0;
}

function shapesOf(graph: Graph, names: readonly string[]): Shape[] {
  return names.map((name) => {
    const shape = graph.shapes.get(name);
    if (!shape) throw new Error(`tensor '${name}' has no shape`);
    return shape;
  });
}

/** A node whose shapes came from a run, but whose cost rule needs operand values a run does not give (a TopK's k). */
class NoRuleOnRunShapes extends Error {
  constructor() {
    super('its shapes came from a run, but its cost rule needs operand values the file computes at run time');
  }
}

/** Cost of one node, or undefined when its op is not in the registry. */
export function costNode(graph: Graph, node: Node, options: CostOptions = {}): NodeCost | undefined {
  const def = opDef(node.op);
  if (!def) return undefined;
  const bytes = options.bytesPerElement ?? 4;
  const inputShapes = shapesOf(graph, node.inputs);
  const outputShapes = shapesOf(graph, node.outputs);
  let work: { madds: number; flops: number };
  try {
    work = def.work({ name: node.name, op: node.op, attrs: node.attrs, inputShapes }, outputShapes);
  } catch (e) {
    if (!node.measured) throw e;
    throw new NoRuleOnRunShapes();
  }
  if (node.measured && !(Number.isFinite(work.madds) && Number.isFinite(work.flops))) throw new NoRuleOnRunShapes();
  const constantsRead = node.inputs.filter((i) => graph.constants.has(i));
  const elementsOf = (names: string[]) => names.reduce((sum, i) => sum + numel(graph.shapes.get(i) ?? []), 0);
  const constantElements = elementsOf(constantsRead);
  const learned = elementsOf(constantsRead.filter((i) => graph.constants.get(i)?.parameter));
  const params = node.weights.filter((w) => w.trainable).reduce((sum, w) => sum + numel(w.shape), learned);
  const weightElements = node.weights.reduce((sum, w) => sum + numel(w.shape), constantElements);
  const activationElements = [...inputShapes, ...outputShapes].reduce((sum, s) => sum + numel(s), -constantElements);
  const macElements = def.isView ? 0 : activationElements + weightElements;
  // Bytes at each tensor's own width (int8 activations, int64 indices …), weights at the node's.
  const widthOf = (name: string) => graph.elementBytes?.get(name) ?? bytes;
  const tensorBytes = [...node.inputs, ...node.outputs].reduce((sum, t) => sum + numel(graph.shapes.get(t) ?? []) * widthOf(t), 0);
  const macBytes = def.isView ? 0 : tensorBytes + node.weights.reduce((sum, w) => sum + numel(w.shape), 0) * (node.weightBytes ?? bytes);
  const cost = { params, madds: work.madds, flops: work.flops, macElements, macBytes };
  return { ...cost, node, inputShapes, outputShapes, intensity: intensity(cost), flopsRule: def.flopsRule };
}

export function costGraph(graph: Graph, options: CostOptions = {}): GraphCost {
  const nodes: NodeCost[] = [];
  const uncounted: UncountedOp[] = [];
  let totals = ZERO_COST;
  for (const node of graph.nodes) {
    let cost: NodeCost | undefined;
    try {
      cost = costNode(graph, node, options);
    } catch (e) {
      if (!(e instanceof NoRuleOnRunShapes)) throw e;
      uncounted.push({ name: node.name, op: node.op, why: e.message });
      continue;
    }
    if (cost) {
      nodes.push(cost);
      totals = addCosts(totals, cost);
    } else {
      const why = UNCOUNTED_WHY[node.op];
      uncounted.push({ name: node.name, op: node.op, ...(why ? { why } : {}) });
    }
  }
  for (const u of graph.unresolved ?? []) uncounted.push({ name: u.name, op: u.op, why: u.why });
  return { nodes, uncounted, totals };
}

export interface ScopeCost extends Cost {
  /** Scope path joined with '.', or '' for nodes outside any scope. */
  readonly scope: string;
  readonly nodeCount: number;
}

/** Sums node costs by the first `depth` levels of their scope path, in graph order. */
export function costByScope(nodes: readonly NodeCost[], depth = 1): ScopeCost[] {
  const groups = new Map<string, { cost: Cost; nodeCount: number }>();
  for (const nodeCost of nodes) {
    const key = nodeCost.node.scope.slice(0, depth).join('.');
    const group = groups.get(key) ?? { cost: ZERO_COST, nodeCount: 0 };
    groups.set(key, { cost: addCosts(group.cost, nodeCost), nodeCount: group.nodeCount + 1 });
  }
  return [...groups].map(([scope, { cost, nodeCount }]) => ({ scope, nodeCount, ...cost }));
}
