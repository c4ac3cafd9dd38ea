/**
 * The backbone / neck / head split of a detector or segmenter: costs from the summary's top-level
 * scopes, and, when it was measured, the per-layer kernel times grouped the same way, with what
 * no part accounts for said separately: kernels onnxruntime inserted, gaps between kernels, and
 * what the kernels' medians do not add up to.
 */
import type { ModelSummary } from '../core/summary';
import { formatBytes, formatSI } from '../shared/format';
import type { ModelProfile } from '../../kernels/host/profileTypes';
import { isModelPart, MODEL_PARTS, ModelPart } from '../shared/models';
import { BackboneSplit, PartSplit, Report, SplitTap, SplitTiming } from './reportTypes';

/** The part a scope path belongs to: its first level, when that is backbone, neck or head. */
export function partOf(scope: string): ModelPart | undefined {
  const first = scope.split('.')[0];
  return isModelPart(first) ? first : undefined;
}

interface TimeSplit {
  readonly byPart: ReadonlyMap<ModelPart, number>;
  readonly timing: SplitTiming;
}

/** Each measured kernel counts once, in the part of its main op (the one the layer is named after). */
function timeSplit(summary: ModelSummary, profile: ModelProfile): TimeSplit {
  const scopeOf = new Map(summary.layers.map((l) => [l.name, l.scope]));
  const byPart = new Map<ModelPart, number>(MODEL_PARTS.map((p) => [p, 0]));
  let runtimeOnly = 0;
  let spanning = 0;
  let attributed = 0;
  // With the profiler's own cost measured, kernel times are corrected and add up against the unprofiled run.
  const unprofiledRunMs = profile.latency.unprofiled_run_ms;
  const corrected = unprofiledRunMs !== undefined && profile.layers.every((l) => l.corrected_us !== undefined);
  const timeOf = (layer: ModelProfile['layers'][number]) => (corrected ? layer.corrected_us! : layer.median_us);
  for (const layer of profile.layers) {
    const us = timeOf(layer);
    attributed += us;
    const main = scopeOf.get(layer.name) ?? layer.nodes.map((n) => scopeOf.get(n)).find((s) => s !== undefined);
    const part = main === undefined ? undefined : partOf(main);
    if (!part) {
      runtimeOnly += us;
      continue;
    }
    byPart.set(part, (byPart.get(part) ?? 0) + us);
    const parts = new Set(layer.nodes.map((n) => partOf(scopeOf.get(n) ?? '')).filter((p) => p !== undefined));
    if (parts.size > 1) spanning++;
  }
  const runUs = (corrected ? unprofiledRunMs : profile.latency.profiled_run_ms) * 1e3;
  // What unprofiled_run_ms left out of the median latency: a run() call's fixed cost.
  const callMs = profile.latency.empty_run_ms ?? profile.latency.binding_ms;
  // The profiled run's gaps between kernels belong to that run; against the unprofiled run (corrected
  // times) the time outside kernels is only known as a whole.
  const gaps = profile.profiler && !corrected ? profile.profiler.between_kernels_us + profile.profiler.edges_us : undefined;
  return {
    byPart,
    timing: {
      corrected,
      run_us: runUs,
      runtime_only_us: runtimeOnly,
      ...(gaps !== undefined ? { gaps_us: gaps } : {}),
      other_us: Math.max(0, runUs - attributed - (gaps ?? 0)),
      spanning_kernels: spanning,
      ...(corrected && callMs !== undefined ? { binding_us: callMs * 1e3 } : {}),
    },
  };
}

/** Labels of the time in no part, for tables and charts. */
export const GAPS_LABEL = 'between kernels';
export function otherLabel(t: SplitTiming): string {
  return t.gaps_us !== undefined ? 'not in kernel medians' : 'between kernels, run-to-run spread';
}

/** The split of one headed model, from its summary (top-level scopes) and its profile when measured. */
export function backboneSplit(summary: ModelSummary, profile: ModelProfile | undefined, backbone: { id: string; label: string; taps: readonly SplitTap[] }): BackboneSplit {
  const time = profile ? timeSplit(summary, profile) : undefined;
  const parts: PartSplit[] = MODEL_PARTS.map((part) => {
    const scope = summary.scopes.find((s) => s.scope === part);
    return {
      part,
      layers: scope?.layers ?? 0,
      params: scope?.params ?? 0,
      madds: scope?.madds ?? 0,
      flops: scope?.flops ?? 0,
      mac_bytes: scope?.mac_bytes ?? 0,
      ...(time ? { median_us: time.byPart.get(part) ?? 0 } : {}),
    };
  });
  return { backbone: backbone.id, label: backbone.label, parts, taps: [...backbone.taps], ...(time ? { timing: time.timing } : {}) };
}

const ms = (us: number) => (us / 1e3).toFixed(3);

/** The split as rows of text cells (shared by the markdown fallback and the CLI's text output). */
export function splitRows(split: BackboneSplit): { header: string[]; rows: string[][] } {
  const total = split.parts.reduce(
    (a, p) => ({ params: a.params + p.params, madds: a.madds + p.madds, flops: a.flops + p.flops, mac: a.mac + p.mac_bytes, us: a.us + (p.median_us ?? 0) }),
    { params: 0, madds: 0, flops: 0, mac: 0, us: 0 },
  );
  const share = (x: number, of: number) => (of > 0 ? `${((100 * x) / of).toFixed(1)}%` : '—');
  const measured = split.timing !== undefined;
  const header = ['part', 'ops', 'params', 'MAdds', 'MAdds share', 'FLOPs', 'MAC (bytes)', ...(measured ? ['time (ms)', 'time share'] : [])];
  const runUs = split.timing?.run_us ?? 0;
  const rows = split.parts.map((p) => [
    p.part,
    String(p.layers),
    formatSI(p.params),
    formatSI(p.madds),
    share(p.madds, total.madds),
    formatSI(p.flops),
    formatBytes(p.mac_bytes),
    ...(measured ? [ms(p.median_us ?? 0), share(p.median_us ?? 0, runUs)] : []),
  ]);
  if (split.timing) {
    const t = split.timing;
    const dash = ['—', '—', '—', '—', '—', '—'];
    rows.push(['inserted by onnxruntime', ...dash, ms(t.runtime_only_us), share(t.runtime_only_us, runUs)]);
    if (t.gaps_us !== undefined) rows.push([GAPS_LABEL, ...dash, ms(t.gaps_us), share(t.gaps_us, runUs)]);
    rows.push([otherLabel(t), ...dash, ms(t.other_us), share(t.other_us, runUs)]);
  }
  rows.push(['total', String(split.parts.reduce((a, p) => a + p.layers, 0)), formatSI(total.params), formatSI(total.madds), '100%', formatSI(total.flops), formatBytes(total.mac), ...(measured ? [ms(runUs), '100%'] : [])]);
  return { header, rows };
}

/** One line on what the time split covers, printed under it. */
export function timingNote(split: BackboneSplit): string | undefined {
  const t = split.timing;
  if (!t) return undefined;
  const unattributed = t.runtime_only_us + (t.gaps_us ?? 0) + t.other_us;
  const pct = (us: number) => (t.run_us > 0 ? ((100 * us) / t.run_us).toFixed(1) : '0.0');
  const basis = t.corrected
    ? `Part times are each kernel's median with the profiler's own cost taken out, against onnxruntime's run of ${ms(t.run_us)} ms with the profiler off`
    : `Part times are each kernel's median in profiled runs, against a profiled run of ${ms(t.run_us)} ms`;
  const rest = [
    `${ms(t.runtime_only_us)} ms in kernels onnxruntime inserted`,
    ...(t.gaps_us !== undefined ? [`${ms(t.gaps_us)} ms between kernels`] : []),
    t.gaps_us !== undefined
      ? `${ms(t.other_us)} ms that the kernels' medians do not add up to (kernel times that vary from run to run, as on a busy machine)`
      : `${ms(t.other_us)} ms between kernels or from kernel times varying run to run`,
  ];
  const spanning = t.spanning_kernels ? ` ${t.spanning_kernels} kernel${t.spanning_kernels === 1 ? '' : 's'} fused ops of two parts and count in the part of their main op.` : '';
  const binding = t.binding_us !== undefined ? ` Around that run, the run() call itself adds ${ms(t.binding_us)} ms to the median latency (the Node binding's work with the inputs and outputs, and onnxruntime's around the nodes).` : '';
  return `${basis}; each kernel counts in the part of its main op. ${ms(unattributed)} ms (${pct(unattributed)}%) is in no part: ${rest.join('; ')}.${spanning}${binding}`;
}

/**
 * The measured split of backbone `index` of a cell's last report, as markdown for a hover; undefined
 * when the report has no such backbone (the cell changed since it ran) or was not measured.
 */
export function measuredSplitMarkdown(report: Report | undefined, head: string, index: number, label: string): string | undefined {
  const split = report?.headed?.head.id === head ? report.headed.splits[index] : undefined;
  const profile = report?.models[index]?.profile;
  if (!split || split.label !== label || !split.timing || !profile) return undefined;
  const t = split.timing;
  const parts = split.parts.map((p) => `${p.part} ${ms(p.median_us ?? 0)} ms`).join(' · ');
  const s = profile.settings;
  return `**Measured** on this machine (last run: ${s.providerUsed}, ${s.threads} thread${s.threads === 1 ? '' : 's'}, ${s.warmup} warm-up + ${s.runs} runs): ${parts}; in no part ${ms(t.runtime_only_us + (t.gaps_us ?? 0) + t.other_us)} ms; median latency **${profile.latency.median_ms.toFixed(3)} ms**.`;
}
