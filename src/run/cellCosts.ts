/**
 * Cost texts for the editor, VS Code-free: what a hover on a model id or a layer line says, and the
 * short per-line inlay hints, computed from a cell's text and (optionally) the cell's last Report.
 * A CellAnalysis builds each model and network once, so hovers after the first are fast.
 */
import { addCosts, Cost, costGraph, NodeCost, ZERO_COST } from '../core/cost';
import { isUserFacing } from '../core/errors';
import { Graph } from '../core/ir';
import type { PublishedFigure } from '../core/summary';
import { buildNetwork, buildRequest, Cell, CellError, checkCell, hoverTargetAt, inLayerScope, parseCell, sweepPoints } from '../lang/index';
import type { Diagnostic, LayerSpec, ModelRef, NetworkSpec, Position, Range } from '../lang/index';
import type { ParseResult } from '../lang/index';
import type { ModelPrediction, ModelReport, Report } from './reportTypes';
import { measuredSplitMarkdown } from './split';
import { formatBytes, formatCount, formatShape, formatSI } from '../shared/format';
import { DEFAULT_HEADLINE, Headline } from '../shared/measureSettings';
import { BuildRequest, buildModelWithFigures, findModel, modelLabel } from '../zoo/index';
import type { ModelProfile, ProfiledLayer } from '../../kernels/host/profileTypes';


export interface CostHover {
  /** Markdown. */
  readonly markdown: string;
  readonly range: Range;
}

export interface CostHint {
  readonly position: Position;
  /** The short text shown in the line, e.g. "1.20M MAdds · 3.42K params · 85.3 µs". */
  readonly label: string;
  /** Plain text with the exact numbers. */
  readonly tooltip: string;
}

/** A zoo model reference of the cell, built with the cell's options. */
export interface ModelBuild {
  readonly ref: ModelRef;
  /** Which model of the cell's report this is (compare cells have several). */
  readonly reportIndex?: number;
  /** For a sweep: the grid point the totals are for. */
  readonly sweepPoint?: Readonly<Record<string, unknown>>;
  readonly graph?: Graph;
  readonly totals?: Cost;
  readonly uncounted: readonly string[];
  /** The paper's figures as given by the zoo for this configuration (empty when the options differ). */
  readonly published: readonly PublishedFigure[];
  readonly error?: string;
}

export interface LayerCost {
  readonly layer: LayerSpec;
  readonly nodes: readonly NodeCost[];
  readonly totals: Cost;
}

export interface NetworkBuild {
  readonly spec: NetworkSpec;
  readonly graph?: Graph;
  readonly totals?: Cost;
  /** Every layer that could be built, by scope. */
  readonly layers: ReadonlyMap<string, LayerCost>;
  /** The error of the first layer that could not be built; layers from it on have no costs. */
  readonly error?: CellError;
}

const MADDS_LABEL = 'MAdds (multiply-adds, the papers\' "FLOPs")';
const FLOPS_LABEL = 'FLOPs (2 × MAdds + elementwise work)';

export function formatMicros(us: number): string {
  if (us >= 1000) return `${(us / 1000).toFixed(2)} ms`;
  return `${us.toFixed(us < 10 ? 2 : 1)} µs`;
}

function percent(share: number): string {
  return `${(100 * share).toFixed(share < 0.001 ? 2 : 1)}%`;
}

function errorText(e: unknown): string {
  if (e instanceof CellError) return e.message;
  if (isUserFacing(e)) return e.message;
  throw e;
}

function sameStart(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character;
}

/** Both counts, each labelled; the headline one first. */
function costTable(head: string, cost: Cost, headline: Headline, bytesPerElement = 4): string[] {
  const value = (n: number, lead: boolean) => (lead ? `**${formatCount(n)} (${formatSI(n)})**` : `${formatCount(n)} (${formatSI(n)})`);
  const madds = `| ${MADDS_LABEL} | ${value(cost.madds, headline === 'madds')} |`;
  const flops = `| ${FLOPS_LABEL} | ${value(cost.flops, headline === 'flops')} |`;
  return [
    `| ${head} | |`,
    '|---|---:|',
    `| params | ${formatCount(cost.params)} |`,
    ...(headline === 'flops' ? [flops, madds] : [madds, flops]),
    `| MAC (memory access) | ${formatCount(cost.macElements)} elements · ${formatBytes(cost.macBytes)} (float${bytesPerElement * 8}) |`,
  ];
}

function publishedLine(p: PublishedFigure): string {
  const value =
    p.metric === 'top1'
      ? `top-1 ${p.value}%`
      : p.metric === 'latency_ms'
        ? `latency ${p.value} ms (${p.settings ?? 'settings not stated'})`
        : `${p.metric === 'madds' ? 'MAdds' : 'params'} ${formatSI(p.value)}`;
  return `- ${value} — ${p.source}${p.note ? ` (note: ${p.note})` : ''}`;
}

function settingsText(profile: ModelProfile): string {
  const s = profile.settings;
  return `${s.providerUsed}, ${s.threads} thread${s.threads === 1 ? '' : 's'}, optimization '${s.optimization}', ${s.warmup} warm-up + ${s.runs} runs`;
}

function measuredLine(p: ModelProfile): string {
  const l = p.latency;
  return `**Measured** on this machine (last run): median **${l.median_ms.toFixed(3)} ms** (p10 ${l.p10_ms.toFixed(3)}, p90 ${l.p90_ms.toFixed(3)}), ${p.achieved_gflops.toFixed(1)} GFLOPS achieved — ${settingsText(p)}.`;
}

/** Whether a report's model is the graph built now (the cell may have changed since it ran). */
function reportMatches(model: ModelReport | undefined, graph: Graph | undefined, totals: Cost | undefined): boolean {
  if (!model || !graph || !totals) return false;
  const t = model.summary.totals;
  const input = graph.inputs[0]?.shape ?? [];
  return (
    t.params === totals.params &&
    t.madds === totals.madds &&
    model.summary.input.length === input.length &&
    model.summary.input.every((d, i) => d === input[i]) &&
    model.graph.nodes.length === graph.nodes.length
  );
}

const STALE_NOTE = '_The last run measured an earlier version of this cell; run it again to measure this one._';
const STATIC_NOTE = '_Not measured: the last run was static analysis. Run the cell with an ONNX Runtime kernel for latency._';

/** Time of a layer: every profiled (runtime) layer that covers one of its IR nodes. */
export interface LayerTiming {
  readonly median_us: number;
  readonly share: number;
  /** FLOPs of the covered runtime layers / their time. */
  readonly achieved_gflops: number;
  readonly runtimeLayers: readonly ProfiledLayer[];
  /** Scopes of other layers whose nodes ran fused with this layer's. */
  readonly fusedWith: readonly string[];
  /** This layer's nodes that no runtime node covered (removed or folded by onnxruntime). */
  readonly uncovered: readonly string[];
}

export function layerTiming(profile: ModelProfile, nodes: readonly string[], layerOfNode: ReadonlyMap<string, string>, scope: string): LayerTiming {
  const mine = new Set(nodes);
  const runtimeLayers = profile.layers.filter((l) => l.nodes.some((n) => mine.has(n)));
  const covered = new Set(runtimeLayers.flatMap((l) => l.nodes));
  const fusedWith = new Set<string>();
  for (const n of covered) {
    if (mine.has(n)) continue;
    const other = layerOfNode.get(n);
    if (other !== undefined && other !== scope) fusedWith.add(other);
  }
  const us = runtimeLayers.reduce((a, l) => a + l.median_us, 0);
  const flops = runtimeLayers.reduce((a, l) => a + l.flops, 0);
  return {
    median_us: us,
    share: runtimeLayers.reduce((a, l) => a + l.share, 0),
    achieved_gflops: us > 0 ? flops / (us * 1e3) : 0,
    runtimeLayers,
    fusedWith: [...fusedWith],
    uncovered: nodes.filter((n) => !covered.has(n)),
  };
}

/** The models of a cell that name a zoo id, each with the index of its model in the cell's report. */
function modelRefs(cell: Cell): { ref: ModelRef; reportIndex?: number; request: BuildRequest; sweepPoint?: Readonly<Record<string, unknown>> }[] {
  switch (cell.verb) {
    case 'model':
    case 'export':
      return [{ ref: cell.model, reportIndex: 0, request: buildRequest(cell.model) }];
    case 'profile':
      return cell.target.kind === 'model' ? [{ ref: cell.target.model, reportIndex: 0, request: buildRequest(cell.target.model) }] : [];
    case 'compare':
      return cell.entries.flatMap((e, i) => (e.kind === 'model' ? [{ ref: e.model, reportIndex: i, request: buildRequest(e.model) }] : []));
    case 'sweep': {
      const first = sweepPoints(cell)[0];
      return [{ ref: cell.model, request: first?.request ?? buildRequest(cell.model), sweepPoint: first?.settings }];
    }
    case 'network':
    case 'detect':
    case 'segment':
      return [];
  }
}

function networkOf(cell: Cell): NetworkSpec | undefined {
  if (cell.verb === 'network') return cell.network;
  if (cell.verb === 'profile' && cell.target.kind === 'network') return cell.target.network;
  return undefined;
}

function contains(outer: Range, p: Position): boolean {
  const after = p.line > outer.start.line || (p.line === outer.start.line && p.character >= outer.start.character);
  const before = p.line < outer.end.line || (p.line === outer.end.line && p.character <= outer.end.character);
  return after && before;
}

/** Builds a network; when a layer fails, the layers before it are built so they keep their costs. */
function buildNetworkCosts(spec: NetworkSpec): NetworkBuild {
  let graph: Graph | undefined;
  let error: CellError | undefined;
  let built = spec.layers;
  try {
    graph = buildNetwork(spec).graph;
  } catch (e) {
    if (!(e instanceof CellError)) throw e;
    error = e;
    const failing = spec.layers.findIndex((l) => contains(l.range, e.range.start));
    built = failing > 0 ? spec.layers.slice(0, failing) : [];
    try {
      graph = built.length ? buildNetwork({ ...spec, layers: built }).graph : undefined;
    } catch (again) {
      if (!(again instanceof CellError)) throw again;
      graph = undefined;
    }
  }
  const layers = new Map<string, LayerCost>();
  if (!graph) return { spec, layers, error };
  const cost = costGraph(graph);
  for (const layer of built) {
    const nodes = cost.nodes.filter((n) => inLayerScope(n.node.scope.join('.'), layer.scope));
    layers.set(layer.scope, { layer, nodes, totals: nodes.reduce<Cost>((a, n) => addCosts(a, n), ZERO_COST) });
  }
  return { spec, graph: error ? undefined : graph, totals: error ? undefined : cost.totals, layers, error };
}

/** The headline count alone, e.g. "300.8M MAdds" or "605.4M FLOPs". */
function headlineCount(c: Cost, headline: Headline): string {
  return headline === 'flops' ? `${formatSI(c.flops)} FLOPs` : `${formatSI(c.madds)} MAdds`;
}

function shortCost(c: Cost, headline: Headline): string {
  if (c.madds === 0 && c.params === 0 && (headline === 'madds' || c.flops === 0)) return `MAC ${formatBytes(c.macBytes)}`;
  return `${headlineCount(c, headline)} · ${formatSI(c.params)} params`;
}

function plainCost(c: Cost): string {
  return `${formatCount(c.params)} params, ${formatCount(c.madds)} multiply-adds (MAdds), ${formatCount(c.flops)} FLOPs, MAC ${formatCount(c.macElements)} elements (${formatBytes(c.macBytes)})`;
}

/** One cell's text, parsed, checked and built lazily, each at most once. */
export class CellAnalysis {
  private parsedResult?: ParseResult;
  private checked?: readonly Diagnostic[];
  private models?: ModelBuild[];
  private networkBuild?: NetworkBuild | null;
  private nodeLayers?: Map<string, string>;

  constructor(readonly text: string) {}

  get parsed(): ParseResult {
    return (this.parsedResult ??= parseCell(this.text));
  }

  get cell(): Cell | undefined {
    return this.parsed.cell;
  }

  /** checkCell's diagnostics: syntax, schema, zoo, and everything the cell names built. */
  get diagnostics(): readonly Diagnostic[] {
    return (this.checked ??= checkCell(this.text).diagnostics);
  }

  /** The zoo models the cell names, built with its options. */
  get modelBuilds(): readonly ModelBuild[] {
    if (this.models) return this.models;
    const cell = this.cell;
    this.models = cell ? modelRefs(cell).map((m) => buildZooRef(m.ref, m.request, m.reportIndex, m.sweepPoint)) : [];
    return this.models;
  }

  get network(): NetworkBuild | undefined {
    if (this.networkBuild === undefined) {
      const spec = this.cell && networkOf(this.cell);
      this.networkBuild = spec ? buildNetworkCosts(spec) : null;
    }
    return this.networkBuild ?? undefined;
  }

  private layerOfNode(): Map<string, string> {
    if (this.nodeLayers) return this.nodeLayers;
    const map = new Map<string, string>();
    for (const l of this.network?.layers.values() ?? []) for (const n of l.nodes) map.set(n.node.name, l.layer.scope);
    return (this.nodeLayers = map);
  }

  /** The hover at `offset`: a model's totals, a layer's costs, or a key's documentation. */
  /** @param headline which count leads (setting lcnb.headlineFlops): its row comes first, in bold. */
  hover(offset: number, report?: Report, headline: Headline = DEFAULT_HEADLINE): CostHover | undefined {
    const target = hoverTargetAt(this.text, offset);
    if (!target) return this.networkHover(offset, report, headline);
    switch (target.kind) {
      case 'key':
      case 'head':
        return { markdown: target.doc, range: target.range };
      case 'backbone': {
        const measured = target.index !== undefined && target.label ? measuredSplitMarkdown(report, target.head, target.index, target.label) : undefined;
        return { markdown: measured ? `${target.doc}\n\n${measured}` : target.doc, range: target.range };
      }
      case 'model':
        return { markdown: this.modelHover(target.id, target.range, report, headline), range: target.range };
      case 'layer': {
        const markdown = this.layerHover(target.scope, target.index, target.op, report, headline);
        return markdown ? { markdown, range: target.range } : undefined;
      }
    }
  }

  modelHover(id: string, at: Range, report?: Report, headline: Headline = DEFAULT_HEADLINE): string {
    const zoo = findModel(id);
    const build = this.modelBuilds.find((m) => m.ref.id === id && sameStart(m.ref.range, at)) ?? this.modelBuilds.find((m) => m.ref.id === id);
    // Named as reports name it: the options this cell sets that differ from the variant's defaults.
    const label = build ? modelLabel(id, buildRequest(build.ref)) : id;
    const out = [`**${label}**${zoo ? ` — ${zoo.family}${label === id ? `, width ${zoo.width}` : ''}` : ''}`, ''];
    let shown = build;
    if (!shown) {
      shown = buildZooRef({ id, range: at, knobs: {}, ranges: {} }, {});
      out.push('_Totals for the default options: the cell has errors, so its options are not applied._', '');
    }
    if (shown.error || !shown.graph || !shown.totals) {
      out.push(`Cannot be built with these options: ${shown.error ?? 'unknown error'}`);
    } else {
      const g = shown.graph;
      const output = g.shapes.get(g.outputs[g.outputs.length - 1]) ?? [];
      if (shown.sweepPoint) {
        const at = Object.entries(shown.sweepPoint).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ');
        out.push(`_At the sweep's first grid point (${at})._`, '');
      }
      out.push(...costTable(`computed by lcnb for ${formatShape(g.inputs[0]?.shape ?? [])} → ${formatShape(output)}`, shown.totals, headline));
      if (shown.uncounted.length) out.push('', `Uncounted (no cost rule, not in the totals): ${shown.uncounted.join(', ')}`);
    }
    // The cell's own figures when its knobs are a published ablation row; else the variant's, said to differ.
    const paper = shown.published.length ? shown.published : (zoo?.published ?? []);
    if (paper.length) {
      out.push('', '**Published** (reported by the paper or its official repository, not computed here):');
      if (!shown.published.length) {
        out.push('', `_For the paper's configuration (224×224, 1000 classes, batch 1, width ${zoo?.width}, default knobs); this cell's options differ._`);
      }
      out.push('', ...paper.map(publishedLine));
    }
    const measured = this.measuredModel(shown, report);
    if (measured.length) out.push('', ...measured);
    const rm = report && shown.reportIndex !== undefined ? report.models[shown.reportIndex] : undefined;
    if (rm?.prediction && reportMatches(rm, shown.graph, shown.totals)) out.push('', ...predictedLines(rm.prediction));
    return out.join('\n');
  }

  private measuredModel(build: ModelBuild, report?: Report): string[] {
    if (!report || build.reportIndex === undefined) return [];
    const rm = report.models[build.reportIndex];
    if (!reportMatches(rm, build.graph, build.totals)) return rm ? [STALE_NOTE] : [];
    if (!rm.profile) return [STATIC_NOTE];
    return [measuredLine(rm.profile)];
  }

  /** On the network's name: the whole network's totals, and its latency once profiled. */
  private networkHover(offset: number, report: Report | undefined, headline: Headline): CostHover | undefined {
    const net = this.network;
    if (!net) return undefined;
    const r = net.spec.range;
    const at = this.lineStarts();
    if (offset < at[r.start.line] + r.start.character || offset > at[r.end.line] + r.end.character) return undefined;
    const out = [`**${net.spec.name}** — network of ${net.spec.layers.length} layer${net.spec.layers.length === 1 ? '' : 's'}`, ''];
    if (!net.graph || !net.totals) {
      out.push(`Not built: ${net.error?.message ?? 'unknown error'}`);
      return { markdown: out.join('\n'), range: r };
    }
    const g = net.graph;
    out.push(...costTable(`computed by lcnb for ${formatShape(g.inputs[0]?.shape ?? [])} → ${formatShape(g.shapes.get(g.outputs[g.outputs.length - 1]) ?? [])}`, net.totals, headline));
    if (report?.models[0]) {
      const rm = this.reportModel(report);
      if (!rm) out.push('', STALE_NOTE);
      else if (!rm.profile) out.push('', STATIC_NOTE);
      else out.push('', measuredLine(rm.profile));
    }
    return { markdown: out.join('\n'), range: r };
  }

  private lineStarts(): number[] {
    const starts = [0];
    for (let i = 0; i < this.text.length; i++) if (this.text[i] === '\n') starts.push(i + 1);
    return starts;
  }

  layerHover(scope: string, index: number, op: string, report?: Report, headline: Headline = DEFAULT_HEADLINE): string | undefined {
    const net = this.network;
    const title = `**layer ${index} · \`${op}\`** — scope \`${scope}\``;
    if (!net) return `${title}\n\n_Fix the cell's errors to see this layer's costs._`;
    const lc = net.layers.get(scope);
    const layer = lc?.layer ?? net.spec.layers.find((l) => l.scope === scope);
    const out = [layer && layer.repeat > 1 ? `${title}, ×${layer.repeat} (\`${scope}.1\` … \`${scope}.${layer.repeat}\`)` : title, ''];
    if (!lc) {
      // The error itself is the line's diagnostic, which the hover shows above: not repeated here.
      const line = net.error?.range.start.line;
      const here = line !== undefined && layer && layer.range.start.line <= line && line <= layer.range.end.line;
      out.push(!net.error ? '_No costs for this layer._' : here ? "_Not built: this layer's error is marked on its line._" : `_Not built: the layer on line ${(line ?? 0) + 1} has an error, so the layers from it on have no costs._`);
      return out.join('\n');
    }
    const first = lc.nodes[0];
    const last = lc.nodes[lc.nodes.length - 1];
    if (first && last) out.push(`${formatShape(first.inputShapes[0] ?? [])} → ${formatShape(last.outputShapes[0] ?? [])} · ${lc.nodes.length} IR node${lc.nodes.length === 1 ? '' : 's'}`, '');
    out.push(...costTable(`this layer's IR nodes`, lc.totals, headline));
    const measured = this.measuredLayer(lc, report);
    if (measured.length) out.push('', ...measured);
    const rm = this.reportModel(report);
    if (rm?.prediction) out.push('', ...predictedLines(rm.prediction, new Set(lc.nodes.map((n) => n.node.name))));
    return out.join('\n');
  }

  private reportModel(report?: Report): ModelReport | undefined {
    const net = this.network;
    const rm = report?.models[0];
    return rm && net && reportMatches(rm, net.graph, net.totals) ? rm : undefined;
  }

  private measuredLayer(lc: LayerCost, report?: Report): string[] {
    if (!report?.models[0]) return [];
    const rm = this.reportModel(report);
    if (!rm) return [STALE_NOTE];
    if (!rm.profile) return [STATIC_NOTE];
    const t = this.timing(lc, rm.profile);
    if (!t.runtimeLayers.length) {
      return [`**Measured**: no runtime kernel ran this layer's nodes (onnxruntime removed or folded them: ${t.uncovered.join(', ')}).`];
    }
    const out = [
      `**Measured** on this machine (last run, ${settingsText(rm.profile)}): **${formatMicros(t.median_us)}** median · ${percent(t.share)} of the summed layer time · ${t.achieved_gflops.toFixed(1)} GFLOPS achieved`,
    ];
    if (t.fusedWith.length) {
      out.push('', `_Fused by onnxruntime with nodes of ${t.fusedWith.map((s) => `\`${s}\``).join(', ')}: this time covers those nodes too._`);
    }
    return out;
  }

  private timing(lc: LayerCost, profile: ModelProfile): LayerTiming {
    return layerTiming(profile, lc.nodes.map((n) => n.node.name), this.layerOfNode(), lc.layer.scope);
  }

  /** Short costs at the end of each layer line and of each model or network line. */
  inlayHints(report?: Report, headline: Headline = DEFAULT_HEADLINE, lineBudget: number = INLAY_LINE_BUDGET): CostHint[] {
    const lines = this.text.split('\n').map((l) => l.replace(/\r$/, ''));
    const hints: { anchor: Range; label: string; tooltip: string; short?: ShortHint }[] = [];
    for (const m of this.modelBuilds) {
      if (!m.totals || m.sweepPoint) continue;
      let label = shortCost(m.totals, headline);
      let short: ShortHint = { value: formatSI(headline === 'flops' ? m.totals.flops : m.totals.madds), unit: headline === 'flops' ? 'FLOPs' : 'MAdds' };
      let tooltip = `${m.ref.id}: ${plainCost(m.totals)}`;
      const rm = m.reportIndex !== undefined ? report?.models[m.reportIndex] : undefined;
      if (rm?.profile && reportMatches(rm, m.graph, m.totals)) {
        label += ` · ${rm.profile.latency.median_ms.toFixed(2)} ms`;
        short = { value: rm.profile.latency.median_ms.toFixed(2), unit: 'ms' };
        tooltip += `; measured ${rm.profile.latency.median_ms.toFixed(2)} ms median (${settingsText(rm.profile)})`;
      }
      hints.push({ anchor: m.ref.range, label, short, tooltip });
    }
    const net = this.network;
    if (net) {
      const rm = this.reportModel(report);
      if (net.totals) {
        let label = shortCost(net.totals, headline);
        if (rm?.profile) label += ` · ${rm.profile.latency.median_ms.toFixed(2)} ms`;
        hints.push({ anchor: net.spec.range, label, tooltip: `${net.spec.name}: ${plainCost(net.totals)}` });
      }
      for (const lc of net.layers.values()) {
        let label = shortCost(lc.totals, headline);
        if (rm?.profile) {
          const t = this.timing(lc, rm.profile);
          if (t.runtimeLayers.length) label += ` · ${formatMicros(t.median_us)}${t.fusedWith.length ? ' (fused)' : ''}`;
        }
        hints.push({ anchor: lc.layer.range, label, tooltip: `${lc.layer.scope} (${lc.layer.op}): ${plainCost(lc.totals)}` });
      }
    }
    const perLine = new Map<number, typeof hints>();
    for (const h of hints) perLine.set(h.anchor.start.line, [...(perLine.get(h.anchor.start.line) ?? []), h]);
    const out: CostHint[] = [];
    for (const [line, here] of [...perLine].sort((a, b) => a[0] - b[0])) {
      // Alone on its line: after the line's end.
      if (here.length === 1) {
        out.push({ position: { line, character: (lines[line] ?? '').trimEnd().length }, label: here[0].label, tooltip: here[0].tooltip });
        continue;
      }
      // Several on one line (a flow list): a short hint right after each entry, all of them within
      // the length VS Code shows on one line; the tooltip has the full cost.
      const ordered = [...here].sort((a, b) => a.anchor.end.character - b.anchor.end.character);
      const labels = fitLine(ordered.map((h) => h.short ?? { value: h.label, unit: '' }), lineBudget);
      ordered.forEach((h, i) => out.push({ position: h.anchor.end, label: labels[i], tooltip: h.tooltip }));
    }
    return out;
  }
}

/**
 * VS Code's default editor.inlayHints.maximumLength: the characters of all inlay hints of one line
 * together; a hint past it is cut ("4.55G MA…") and the hints after it are not shown at all.
 */
export const INLAY_LINE_BUDGET = 43;

/** A hint's figure and its unit, for a line with several hints. */
export interface ShortHint {
  readonly value: string;
  readonly unit: string;
}

/** A figure to three significant digits: "335.4M" → "335M", "12.35K" → "12.3K". */
function compactValue(value: string): string {
  const m = /^(-?\d+(?:\.\d+)?)(\D*)$/.exec(value);
  if (!m) return value;
  const n = Number(m[1]);
  return Math.abs(n) >= 1000 ? value : `${Number(n.toPrecision(3))}${m[2]}`;
}

/**
 * Labels for the hints of one line, in order: the most detailed that fits `budget` characters in
 * all: each with its unit; else the unit only where it changes; else three significant digits.
 */
export function fitLine(parts: readonly ShortHint[], budget: number = INLAY_LINE_BUDGET): string[] {
  const withUnit = (value: string, unit: string) => (unit ? `${value} ${unit}` : value);
  const unitWhereChanged = (values: string[]) => parts.map((p, i) => (i === 0 || p.unit !== parts[i - 1].unit ? withUnit(values[i], p.unit) : values[i]));
  const values = parts.map((p) => p.value);
  const compact = values.map(compactValue);
  const levels = [parts.map((p) => withUnit(p.value, p.unit)), unitWhereChanged(values), unitWhereChanged(compact), compact];
  const length = (labels: string[]) => labels.reduce((n, l) => n + l.length, 0);
  return !budget || budget <= 0 ? levels[0] : (levels.find((l) => length(l) <= budget) ?? levels[levels.length - 1]);
}

function buildZooRef(ref: ModelRef, request: BuildRequest, reportIndex?: number, sweepPoint?: Readonly<Record<string, unknown>>): ModelBuild {
  try {
    const { graph, published } = buildModelWithFigures(ref.id, request);
    const cost = costGraph(graph);
    return { ref, reportIndex, sweepPoint, graph, totals: cost.totals, uncounted: cost.uncounted.map((u) => `${u.name} (${u.op})`), published };
  } catch (e) {
    return { ref, reportIndex, sweepPoint, uncounted: [], published: [], error: errorText(e) };
  }
}

/** Analyses by document, kept while the document's version stays the same. */
export class CellAnalysisCache {
  private readonly entries = new Map<string, { version: number; analysis: CellAnalysis }>();

  get(key: string, version: number, text: () => string): CellAnalysis {
    const hit = this.entries.get(key);
    if (hit && hit.version === version) return hit.analysis;
    const analysis = new CellAnalysis(text());
    this.entries.set(key, { version, analysis });
    return analysis;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * The last run's predicted times (the cell's `predict:`): the model's total per device, or, given
 * `nodes`, the fused layers that start at one of them (a layer line's share), with what binds them.
 */
export function predictedLines(p: ModelPrediction, nodes?: ReadonlySet<string>): string[] {
  const rows = nodes ? p.layers.filter((l) => nodes.has(l.name)) : p.layers;
  if (nodes && !rows.length) return [];
  return [
    `**Predicted** (MobileNetV4's roofline, not measured):`,
    '',
    ...p.devices.map((d, i) => {
      const time = nodes ? formatMicros(rows.reduce((s, r) => s + r.us[i], 0)) : `${p.total_ms[i].toFixed(2)} ms`;
      const bounds = nodes ? [...new Set(rows.map((r) => r.bound[i]))].join(' and ') + '-bound' : `ridge point ${d.ridge.toFixed(1)} MAdds/byte`;
      return `- ${d.name}: **${time}** (${bounds})`;
    }),
  ];
}
