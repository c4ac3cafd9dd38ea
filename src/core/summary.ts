/**
 * The model summary every front end shows (CLI, palette, notebook): totals, per-layer rows,
 * per-scope rows and uncounted ops. Field names are the documented JSON of `lcnb summary --json`.
 */
import { costByScope, costGraph, CostOptions, intensity } from './cost';
import { Graph } from './ir';
import { Shape } from './shape';

export interface SummaryTotals {
  params: number;
  madds: number;
  flops: number;
  mac_elements: number;
  mac_bytes: number;
  /** FLOPs per byte of memory traffic. */
  intensity: number;
}

export interface SummaryLayer extends SummaryTotals {
  name: string;
  op: string;
  scope: string;
  inputs: Shape[];
  output: Shape;
  /** How this op's FLOPs are counted. */
  flops_rule: string;
}

export interface SummaryScope extends SummaryTotals {
  scope: string;
  layers: number;
}

/** `map`: COCO box mAP (%); `miou`: segmentation mean IoU (%). */
export type PublishedMetric = 'params' | 'madds' | 'top1' | 'map' | 'miou' | 'latency_ms';

/** A number the paper (or its official repository) reports, always with where it says so. */
export interface PublishedFigure {
  readonly metric: PublishedMetric;
  readonly value: number;
  /** arXiv id and table, or the official README it comes from. */
  readonly source: string;
  /** Hardware, threads, batch … for latency figures. */
  readonly settings?: string;
  /** What a reader needs beside the figure, as a source states it: why it differs from the reference implementation's count (and lcnb's), or which variant an ablation row measured. */
  readonly note?: string;
}

export interface ModelSummary {
  id: string;
  input: Shape;
  output: Shape;
  /** Bytes per element used for mac_bytes (4 = float32). */
  bytes_per_element: number;
  /** Set when tensors have other widths (an int8 model): mac_bytes counts each at its own type, as this says. */
  bytes_rule?: string;
  totals: SummaryTotals;
  layers: SummaryLayer[];
  /** Costs grouped by the first scope level (stem, stage1, …). */
  scopes: SummaryScope[];
  /** Ops lcnb has no cost rule for; their cost is not in the totals. */
  uncounted: { name: string; op: string; why?: string }[];
  /** Numbers the paper reports for this model (not computed here), each with its source. */
  published: PublishedFigure[];
}

function totalsOf(cost: { params: number; madds: number; flops: number; macElements: number; macBytes: number }): SummaryTotals {
  return {
    params: cost.params,
    madds: cost.madds,
    flops: cost.flops,
    mac_elements: cost.macElements,
    mac_bytes: cost.macBytes,
    intensity: intensity(cost),
  };
}

/** How mac_bytes is counted when not every tensor is float32. */
export const MIXED_BYTES_RULE = 'bytes at each tensor’s own type (float32 4, int8/uint8 1, int64 8 …)';

export function summarize(graph: Graph, options: CostOptions = {}, published: readonly PublishedFigure[] = []): ModelSummary {
  const cost = costGraph(graph, options);
  const firstInput = graph.inputs[0];
  const lastOutput = graph.shapes.get(graph.outputs[graph.outputs.length - 1]) ?? [];
  return {
    id: graph.name,
    input: firstInput ? firstInput.shape : [],
    output: lastOutput,
    bytes_per_element: options.bytesPerElement ?? 4,
    ...(graph.elementBytes?.size || graph.nodes.some((n) => n.weightBytes) ? { bytes_rule: MIXED_BYTES_RULE } : {}),
    totals: totalsOf(cost.totals),
    layers: cost.nodes.map((n) => ({
      name: n.node.name,
      op: n.node.op,
      scope: n.node.scope.join('.'),
      inputs: [...n.inputShapes],
      output: n.outputShapes[0],
      ...totalsOf(n),
      flops_rule: n.flopsRule,
    })),
    scopes: costByScope(cost.nodes, 1).map((s) => ({ scope: s.scope, layers: s.nodeCount, ...totalsOf(s) })),
    uncounted: cost.uncounted.map((u) => ({ name: u.name, op: u.op, ...(u.why ? { why: u.why } : {}) })),
    published: [...published],
  };
}
