/**
 * The activation-memory guard: a graph whose activations would need more memory than the limit is
 * refused before anything is exported to ONNX or loaded into onnxruntime.
 *
 * lcnb's cost model counts memory traffic, not memory held, so the figure here is its own: the
 * nodes run one at a time in the graph's order (a topological order: GraphBuilder adds a node only
 * after its inputs), a tensor is held from the node that makes it (graph inputs from the start)
 * until its last consumer has run (graph outputs to the end), and the peak is the largest sum of
 * the tensors held while a node runs — its inputs, its outputs and everything still awaited.
 * Weights are not counted (they do not grow with the resolution or batch). Float32: 4 bytes per element.
 */
import { UserError } from '../core/errors';
import { Graph } from '../core/ir';
import { formatBytes } from '../shared/format';

export const DEFAULT_ACTIVATION_MEMORY_LIMIT_MB = 4096;
export const DEFAULT_ACTIVATION_MEMORY_LIMIT_BYTES = DEFAULT_ACTIVATION_MEMORY_LIMIT_MB * 2 ** 20;
const BYTES_PER_ELEMENT = 4;

export interface ActivationMemory {
  /** Peak bytes of activations held at once. */
  readonly peakBytes: number;
  /** The node running at the peak. */
  readonly peakNode?: string;
}

export function activationMemory(graph: Graph): ActivationMemory {
  const bytes = (tensor: string) => (graph.shapes.get(tensor) ?? []).reduce((n, d) => n * d, BYTES_PER_ELEMENT);
  const lastUse = new Map<string, number>();
  graph.nodes.forEach((node, i) => node.inputs.forEach((t) => lastUse.set(t, i)));
  for (const t of graph.outputs) lastUse.set(t, Infinity);
  const held = new Map<string, number>();
  for (const input of graph.inputs) held.set(input.name, bytes(input.name));
  let current = [...held.values()].reduce((a, b) => a + b, 0);
  let peak: ActivationMemory = { peakBytes: current };
  graph.nodes.forEach((node, i) => {
    for (const out of node.outputs) {
      if (held.has(out)) continue;
      const size = bytes(out);
      held.set(out, size);
      current += size;
    }
    if (current > peak.peakBytes) peak = { peakBytes: current, peakNode: node.name };
    for (const t of [...node.inputs, ...node.outputs]) {
      if (held.has(t) && (lastUse.get(t) ?? -1) <= i) {
        current -= held.get(t)!;
        held.delete(t);
      }
    }
  });
  return peak;
}

/** Throws a UserError when `graph` needs more than `limitBytes` of activation memory; `where` says what was asked (a cell, a command). */
export function checkActivationMemory(graph: Graph, limitBytes: number, where: string): void {
  const { peakBytes, peakNode } = activationMemory(graph);
  if (peakBytes <= limitBytes) return;
  const at = peakNode ? ` (at its peak, while '${peakNode}' runs)` : '';
  throw new UserError(
    `${where}: ${graph.name} needs ${formatBytes(peakBytes)} of activation memory${at}, over the limit of ${formatBytes(limitBytes)}; ` +
      'nothing was loaded. Lower the resolution or batch, or raise the limit (setting lcnb.activationMemoryLimitMB, CLI --memory-limit-mb)',
  );
}
