import { GraphBuilder, Graph, Tensor } from '../../src/core/ir';
import { costNode, NodeCost } from '../../src/core/cost';

/** Builds a one-input graph with `body` and returns it with the cost of its node named `name`. */
export function costOf(
  inputShape: number[],
  body: (b: GraphBuilder, x: Tensor) => Tensor,
  name: string,
): { graph: Graph; cost: NodeCost } {
  const b = new GraphBuilder('test');
  const x = b.input('x', inputShape);
  const graph = b.build([body(b, x)]);
  const node = graph.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no node ${name}; nodes: ${graph.nodes.map((n) => n.name).join(', ')}`);
  const cost = costNode(graph, node);
  if (!cost) throw new Error(`node ${name} is uncounted`);
  return { graph, cost };
}

export function convAttrs(out: number, k: number, opts: { s?: number; groups?: number; pad?: number; bias?: boolean } = {}) {
  const pad = opts.pad ?? (k - 1) / 2;
  return {
    out_channels: out,
    kernel_shape: [k, k],
    strides: [opts.s ?? 1, opts.s ?? 1],
    pads: [pad, pad, pad, pad],
    group: opts.groups ?? 1,
    bias: opts.bias ?? false,
  };
}
