/** Builds the Report of a cell from graphs, published figures and (optionally) measured profiles. */
import { Graph } from '../core/ir';
import { PublishedFigure, summarize } from '../core/summary';
import type { ModelProfile } from '../../kernels/host/profileTypes';
import { DiagramGraph, ModelReport, Report, REPORT_VERSION } from './reportTypes';

export function diagramOf(graph: Graph): DiagramGraph {
  return {
    inputs: graph.inputs.map((t) => ({ name: t.name, shape: [...t.shape] })),
    nodes: graph.nodes.map((n) => ({ name: n.name, op: n.op, scope: n.scope.join('.'), inputs: [...n.inputs], outputs: [...n.outputs] })),
    shapes: Object.fromEntries([...graph.shapes].map(([name, shape]) => [name, [...shape]])),
  };
}

/** `label` defaults to the graph's name (a network's, or an id built with its defaults). */
export function modelReport(graph: Graph, published: readonly PublishedFigure[] = [], profile?: ModelProfile, label = graph.name): ModelReport {
  return { label, summary: summarize(graph, {}, published), profile, graph: diagramOf(graph) };
}

export function report(verb: Report['verb'], title: string, models: ModelReport[], extra: Partial<Pick<Report, 'sweep' | 'headed' | 'notes' | 'claims' | 'comparison'>> = {}): Report {
  return {
    version: REPORT_VERSION,
    verb,
    title,
    models,
    sweep: extra.sweep,
    ...(extra.headed ? { headed: extra.headed } : {}),
    notes: extra.notes ?? [],
    ...(extra.claims?.length ? { claims: extra.claims } : {}),
    ...(extra.comparison ? { comparison: extra.comparison } : {}),
  };
}
