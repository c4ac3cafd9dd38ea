/**
 * The rows behind the renderer's tables: layers joined with their measured times, stages, models
 * side by side. Pure functions over the report, so tests run them without a DOM.
 */
import type { ModelPart, ModelReport, PartSplit, ProfiledLayer, PublishedFigure, Report, SummaryLayer, SummaryScope } from './report-types';
import { formatRatio, formatSI, latencyTiming } from '../../src/shared/format';
import { modelName } from '../../src/shared/models';

/** Where a layer's measured time comes from. */
export type LayerTiming =
  /** The layer's own kernel (`layer.name` is this node). */
  | { readonly kind: 'measured'; readonly layer: ProfiledLayer }
  /** Fused into the kernel of `layer.name`, whose time covers this node too. */
  | { readonly kind: 'fused'; readonly layer: ProfiledLayer }
  /** No runtime node covered it (folded away, or run as part of something unmapped). */
  | { readonly kind: 'uncovered' };

export interface LayerRow extends SummaryLayer {
  /** Position in the graph (execution order of lcnb's IR). */
  readonly index: number;
  readonly timing?: LayerTiming;
}

export function timingByNode(model: ModelReport): Map<string, LayerTiming> {
  const byNode = new Map<string, LayerTiming>();
  const profile = model.profile;
  if (!profile) return byNode;
  for (const layer of profile.layers) {
    for (const node of layer.nodes) byNode.set(node, { kind: node === layer.name ? 'measured' : 'fused', layer });
    if (!layer.nodes.includes(layer.name)) byNode.set(layer.name, { kind: 'measured', layer });
  }
  for (const node of profile.uncovered) if (!byNode.has(node)) byNode.set(node, { kind: 'uncovered' });
  return byNode;
}

export function layerRows(model: ModelReport): LayerRow[] {
  const timing = timingByNode(model);
  return model.summary.layers.map((layer, index) => ({ ...layer, index, timing: timing.get(layer.name) }));
}

/**
 * The first scope level of a scope path: the stage the diagram and the stage table group by.
 * A scope path is joined with dots, and a level's own name may hold dots (`blocks.0` from an ONNX
 * node `/blocks.0/conv/Conv`), so a path is matched against the model's stage names when known.
 */
export function stageOf(scope: string, stages: readonly string[] = []): string {
  let best: string | undefined;
  for (const stage of stages) if ((scope === stage || scope.startsWith(`${stage}.`)) && stage.length > (best?.length ?? -1)) best = stage;
  if (best !== undefined) return best;
  const dot = scope.indexOf('.');
  return dot < 0 ? scope : scope.slice(0, dot);
}

export const TOP_LEVEL = '(top level)';
/** Stage row of kernels the runtime added (layout reorders at optimisation 'all'): no IR op, real time. */
export const RUNTIME_ONLY = '(runtime only)';

/** Kernels onnxruntime ran that cover no op of lcnb's graph. */
export function runtimeOnly(model: ModelReport): ProfiledLayer[] {
  return model.profile ? model.profile.layers.filter((l) => l.nodes.length === 0) : [];
}

export interface StageRow extends SummaryScope {
  /** Summed kernel time of the stage's measured layers, µs. */
  readonly median_us?: number;
  /** Share of the summed per-layer time. */
  readonly time_share?: number;
  readonly madds_share: number;
}

/** Each measured layer counts once, in the stage of its main node. */
export function stageTimes(model: ModelReport): Map<string, number> {
  const times = new Map<string, number>();
  if (!model.profile) return times;
  // Graph nodes too: an uncounted op has no summary row but is timed in its own stage.
  const scopeOf = new Map([...model.graph.nodes.map((n): [string, string] => [n.name, n.scope]), ...model.summary.layers.map((l): [string, string] => [l.name, l.scope])]);
  const stages = model.summary.scopes.map((s) => s.scope).filter(Boolean);
  for (const layer of model.profile.layers) {
    const scope = scopeOf.get(layer.name) ?? layer.nodes.map((n) => scopeOf.get(n)).find((s) => s !== undefined);
    const stage = scope === undefined ? RUNTIME_ONLY : stageOf(scope, stages);
    times.set(stage, (times.get(stage) ?? 0) + layer.median_us);
  }
  return times;
}

export function stageRows(model: ModelReport): StageRow[] {
  const times = stageTimes(model);
  const totalUs = [...times.values()].reduce((a, b) => a + b, 0);
  const totalMadds = model.summary.totals.madds;
  const scopes = [...model.summary.scopes];
  if (times.has(RUNTIME_ONLY)) scopes.push({ scope: RUNTIME_ONLY, layers: 0, params: 0, madds: 0, flops: 0, mac_elements: 0, mac_bytes: 0, intensity: 0 });
  return scopes.map((scope) => {
    const us = model.profile ? (times.get(scope.scope) ?? 0) : undefined;
    return {
      ...scope,
      madds_share: totalMadds > 0 ? scope.madds / totalMadds : 0,
      median_us: us,
      time_share: us !== undefined && totalUs > 0 ? us / totalUs : undefined,
    };
  });
}

export function published(model: ModelReport, metric: PublishedFigure['metric']): PublishedFigure | undefined {
  return model.summary.published.find((p) => p.metric === metric);
}

export function publishedLabel(p: PublishedFigure): { metric: string; value: string } {
  // Metrics a newer lcnb may add are shown by name rather than dropped.
  switch (p.metric as string) {
    case 'params':
      return { metric: 'Params', value: formatSI(p.value) };
    case 'madds':
      return { metric: 'MAdds', value: formatSI(p.value) };
    case 'top1':
      return { metric: 'Top-1 accuracy', value: `${p.value}%` };
    case 'map':
      return { metric: 'COCO box mAP', value: String(p.value) };
    case 'miou':
      return { metric: 'mIoU', value: `${p.value}%` };
    case 'latency_ms':
      return { metric: 'Latency', value: `${p.value} ms` };
    default:
      return { metric: p.metric, value: String(p.value) };
  }
}

/** The detector's or segmenter's accuracy (COCO mAP or mIoU) as published for this pair, if any. */
export function publishedAccuracy(model: ModelReport): PublishedFigure | undefined {
  return model.summary.published.find((p) => (p.metric as string) === 'map' || (p.metric as string) === 'miou');
}

/** One row of the backbone / neck / head split table: a backbone under the head. */
export interface SplitRow {
  readonly label: string;
  readonly taps: string;
  readonly params: Readonly<Record<ModelPart, number>>;
  readonly madds: Readonly<Record<ModelPart, number>>;
  readonly flops: Readonly<Record<ModelPart, number>>;
  readonly mac_bytes: Readonly<Record<ModelPart, number>>;
  readonly total: { readonly params: number; readonly madds: number; readonly flops: number; readonly mac_bytes: number };
  /** Measured, ms: each part's kernels, and the run's time in no part (inserted kernels + between kernels). */
  readonly ms?: Readonly<Record<ModelPart, number>> & { readonly unattributed: number };
  readonly median_ms?: number;
  /** The nodes' run and what the run() call adds around it, when measured (for the latency cell's hover). */
  readonly binding_text?: string;
  /** What the time in no part is made of, one line each (for the cell's hover). */
  readonly unattributed_parts?: string;
  /** The part times have the profiler's own cost taken out (see SplitTiming.corrected). */
  readonly corrected?: boolean;
  readonly accuracy?: PublishedFigure;
  /** The paper's latencies for this pair (several when it reports several devices). */
  readonly published_latencies: readonly PublishedFigure[];
}

export function splitRows(report: Report): SplitRow[] {
  const h = report.headed;
  if (!h) return [];
  return h.splits.map((s, i) => {
    const model = report.models[i];
    const by = (f: (p: PartSplit) => number) => Object.fromEntries(s.parts.map((p) => [p.part, f(p)])) as Record<ModelPart, number>;
    const sum = (f: (p: PartSplit) => number) => s.parts.reduce((a, p) => a + f(p), 0);
    const t = s.timing;
    return {
      label: s.label,
      taps: s.taps.map((tap) => `stride ${tap.stride}: ${tap.node} (${tap.channels} ch)`).join('\n'),
      params: by((p) => p.params),
      madds: by((p) => p.madds),
      flops: by((p) => p.flops),
      mac_bytes: by((p) => p.mac_bytes),
      total: { params: sum((p) => p.params), madds: sum((p) => p.madds), flops: sum((p) => p.flops), mac_bytes: sum((p) => p.mac_bytes) },
      ms: t ? { ...by((p) => (p.median_us ?? 0) / 1e3), unattributed: (t.runtime_only_us + (t.gaps_us ?? 0) + t.other_us) / 1e3 } : undefined,
      binding_text:
        t?.binding_us !== undefined ? `the nodes' run ${(t.run_us / 1e3).toFixed(2)} ms + the run() call ${(t.binding_us / 1e3).toFixed(2)} ms (the Node binding's work with inputs and outputs)` : undefined,
      unattributed_parts: t
        ? [
            `${(t.runtime_only_us / 1e3).toFixed(2)} ms in kernels onnxruntime inserted`,
            ...(t.gaps_us !== undefined ? [`${(t.gaps_us / 1e3).toFixed(2)} ms between kernels`] : []),
            t.gaps_us !== undefined
              ? `${(t.other_us / 1e3).toFixed(2)} ms the kernels' medians do not add up to (kernel times varying run to run)`
              : `${(t.other_us / 1e3).toFixed(2)} ms between kernels or from kernel times varying run to run`,
          ].join('\n')
        : undefined,
      median_ms: model?.profile?.latency.median_ms,
      corrected: t?.corrected,
      accuracy: model && publishedAccuracy(model),
      published_latencies: model ? model.summary.published.filter((p) => p.metric === 'latency_ms') : [],
    };
  });
}

export interface CompareRow {
  readonly id: string;
  readonly input: string;
  readonly params: number;
  readonly madds: number;
  readonly flops: number;
  readonly mac_bytes: number;
  readonly top1?: number;
  readonly top1_source?: string;
  readonly top1_note?: string;
  readonly median_ms?: number;
  readonly p10_ms?: number;
  readonly p90_ms?: number;
  readonly achieved_gflops?: number;
  readonly measured_with?: string;
  /** Median latency ÷ the first model's, with its 95% interval, when the models were measured together. */
  readonly relative?: { readonly ratio: number; readonly lo: number; readonly hi: number };
}

/** "1.31× (1.27–1.35)", and "same within noise" when the interval holds 1. */
export function relativeText(r: { readonly ratio: number; readonly lo: number; readonly hi: number }): string {
  const text = formatRatio(r);
  return r.lo <= 1 && r.hi >= 1 ? `${text}, same within noise` : text;
}

export function compareRows(report: Report): CompareRow[] {
  return report.models.map((m, i) => {
    const top1 = published(m, 'top1');
    const p = m.profile;
    return {
      id: modelName(m),
      input: m.summary.input.join('×'),
      params: m.summary.totals.params,
      madds: m.summary.totals.madds,
      flops: m.summary.totals.flops,
      mac_bytes: m.summary.totals.mac_bytes,
      top1: top1?.value,
      top1_source: top1?.source,
      top1_note: top1?.note,
      median_ms: p?.latency.median_ms,
      p10_ms: p?.latency.p10_ms,
      p90_ms: p?.latency.p90_ms,
      achieved_gflops: p?.achieved_gflops,
      measured_with: p ? measuredWith(m) : undefined,
      relative: report.comparison?.ratios[i],
    };
  });
}

/** Provider, threads, optimisation, warm-up and runs: what every latency is printed beside. */
export function measuredWith(model: ModelReport): string {
  const s = model.profile?.settings;
  if (!s) return '';
  const provider = s.providerUsed === s.providerRequested ? s.providerUsed : `${s.providerUsed} (asked for ${s.providerRequested})`;
  return `${provider}, ${s.threads} thread${s.threads === 1 ? '' : 's'}, optimization ${s.optimization}, ${s.warmup} warm-up + ${s.runs} runs, ${latencyTiming(model.profile?.latency.alone)}`;
}

export function shapeText(shape: readonly number[]): string {
  return shape.length ? shape.join('×') : 'scalar';
}

export function percent(x: number, digits = 1): string {
  return `${(100 * x).toFixed(digits)}%`;
}
