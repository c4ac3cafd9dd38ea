/**
 * The text/markdown fallback of every report, so a notebook reads without lcnb's renderer (on
 * GitHub, in another editor): totals, published figures with sources, stages, the costliest
 * layers and, when measured, latency with its settings.
 */
import type { PublishedFigure } from '../core/summary';
import { claimVerdict, formatBytes, formatCount, formatRatio, formatSI } from '../shared/format';
import { isolatedAgreementText } from '../shared/isolated';
import { shortSource } from '../zoo/familyTypes';
import { ClaimCheck, HeadedSection, ModelReport, Report } from './reportTypes';
import { modelName } from '../shared/models';
import { splitRows, timingNote } from './split';

const LAYERS_SHOWN = 12;

/** Names from models and notebooks as text: markdown renderers would otherwise turn `<img …>` into an element. */
function plain(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function table(header: string[], rows: string[][]): string[] {
  const escape = (cell: string) => plain(cell).replace(/\|/g, '\\|');
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`)];
}

function modelMarkdown(m: ModelReport): string[] {
  const s = m.summary;
  const t = s.totals;
  const out = [
    `### ${plain(modelName(m))}`,
    '',
    `Computed by lcnb for input [${s.input.join(', ')}]: **${formatCount(t.params)} params**, **${formatSI(t.madds)} MAdds** (multiply-adds, the papers' "FLOPs"), ${formatSI(t.flops)} FLOPs, MAC ${formatBytes(t.mac_bytes)}.`,
  ];
  if (s.published.length) {
    out.push('', 'Published (not computed here):');
    for (const p of s.published) {
      out.push(`- ${publishedText(p)} — ${p.source}${p.note ? ` (note: ${p.note})` : ''}`);
    }
  }
  if (m.profile) {
    const p = m.profile;
    const st = p.settings;
    out.push(
      '',
      `Measured here: median **${p.latency.median_ms.toFixed(3)} ms** (p10 ${p.latency.p10_ms.toFixed(3)}, p90 ${p.latency.p90_ms.toFixed(3)}), ${p.achieved_gflops.toFixed(1)} GFLOPS achieved — ${st.providerUsed}, ${st.threads} threads, optimization '${st.optimization}', ${st.warmup} warm-up + ${st.runs} runs, onnxruntime ${st.onnxruntimeVersion}.`,
    );
  }
  out.push('', ...table(['stage', 'params', 'MAdds', 'MAC (bytes)'], s.scopes.map((sc) => [sc.scope || '(top)', formatCount(sc.params), formatCount(sc.madds), formatBytes(sc.mac_bytes)])));
  if (m.profile) {
    const layers = [...m.profile.layers].sort((a, b) => b.median_us - a.median_us).slice(0, LAYERS_SHOWN);
    const alone = m.profile.isolated !== undefined;
    out.push(
      '',
      `Slowest ${layers.length} layers:`,
      '',
      ...table(
        ['layer', 'ops', 'time (µs)', 'share', 'GFLOPS', ...(alone ? ['isolated (µs)'] : [])],
        layers.map((l) => [l.name, l.ops.join('+'), l.median_us.toFixed(1), `${(100 * l.share).toFixed(1)}%`, l.achieved_gflops.toFixed(1), ...(alone ? [l.isolated_us !== undefined ? l.isolated_us.toFixed(1) : '—'] : [])]),
      ),
    );
    if (m.profile.isolated) out.push('', isolatedAgreementText(m.profile.isolated));
  } else {
    const layers = [...s.layers].sort((a, b) => b.madds - a.madds).slice(0, LAYERS_SHOWN);
    out.push('', `Costliest ${layers.length} layers by MAdds:`, '', ...table(['layer', 'op', 'output', 'MAdds'], layers.map((l) => [l.name, l.op, `[${l.output.join(', ')}]`, formatCount(l.madds)])));
  }
  if (s.uncounted.length) out.push('', `Uncounted (unknown to the cost model, not in the totals): ${plain(s.uncounted.map((u) => `${u.name} (${u.op})`).join(', '))}`);
  return out;
}

/** A published figure as one phrase: "top-1 75.2%", "COCO mAP 26.9", "41 ms (Intel …)". */
export function publishedText(p: PublishedFigure, o: { settings?: boolean } = {}): string {
  switch (p.metric as string) {
    case 'top1':
      return `top-1 ${p.value}%`;
    case 'map':
      return `COCO mAP ${p.value}`;
    case 'miou':
      return `mIoU ${p.value}%`;
    case 'latency_ms':
      return o.settings === false ? `${p.value} ms` : `${p.value} ms (${p.settings ?? 'settings not stated'})`;
    case 'madds':
      return `MAdds ${formatSI(p.value)}`;
    case 'params':
      return `params ${formatSI(p.value)}`;
    default:
      return `${p.metric} ${p.value}`;
  }
}

/**
 * Figures on one line, each beside its short source: "published — torchvision: params 1.25M,
 * MAdds 819.0M, top-1 58.092%; arXiv:1707.01083 Table 6: top-1 57.5%" (undefined for none).
 */
export function publishedBySource(published: readonly PublishedFigure[]): string | undefined {
  const bySource = new Map<string, string[]>();
  for (const p of published) {
    const text = publishedText(p, { settings: false });
    const source = shortSource(p.source);
    const texts = bySource.get(source) ?? [];
    if (!texts.includes(text)) bySource.set(source, [...texts, text]);
  }
  return bySource.size ? `published — ${[...bySource].map(([source, texts]) => `${source}: ${texts.join(', ')}`).join('; ')}` : undefined;
}

/** The accuracy figure of a detector or segmenter (mAP or mIoU), if published for this pair. */
function accuracy(m: ModelReport): PublishedFigure | undefined {
  return m.summary.published.find((p) => (p.metric as string) === 'map' || (p.metric as string) === 'miou');
}

function headedMarkdown(h: HeadedSection, models: readonly ModelReport[]): string[] {
  const task = h.task === 'detect' ? 'detector' : 'segmenter';
  const out = [
    '',
    `**${h.head.title}** ${task} (${h.head.paper}; counts match ${h.head.reference}) at ${h.resolution}×${h.resolution}, ${h.classes} classes. Costs computed by lcnb, split by the graph's top-level scopes.`,
    '',
  ];
  const anyMeasured = models.some((m) => m.profile);
  const header = ['backbone', 'params', 'MAdds', 'backbone / neck / head MAdds', ...(anyMeasured ? ['median ms (measured)', 'backbone / neck / head ms (measured)'] : []), 'published'];
  const rows = h.splits.map((s, i) => {
    const m = models[i];
    const madds = s.parts.reduce((a, p) => a + p.madds, 0);
    const params = s.parts.reduce((a, p) => a + p.params, 0);
    const shares = s.parts.map((p) => (madds > 0 ? `${((100 * p.madds) / madds).toFixed(0)}%` : '—')).join(' / ');
    const times = s.timing ? s.parts.map((p) => ((p.median_us ?? 0) / 1e3).toFixed(2)).join(' / ') : '—';
    const paper = m?.summary.published.filter((p) => p.metric !== 'params' && p.metric !== 'madds').map((p) => publishedText(p, { settings: false })).join('; ') || '—';
    return [s.label, formatSI(params), formatSI(madds), shares, ...(anyMeasured ? [m?.profile ? m.profile.latency.median_ms.toFixed(3) : '—', times] : []), paper];
  });
  out.push(...table(header, rows));
  const figures = models.flatMap((m) => m.summary.published.filter((p) => p.metric !== 'params' && p.metric !== 'madds'));
  const sources = [...new Set(figures.map((p) => p.source))];
  const settings = [...new Set(figures.flatMap((p) => (p.settings ? [p.settings] : [])))];
  if (sources.length) {
    out.push('', "Published figures (the papers', not measured here):", ...sources.map((s) => `- ${s}`));
    if (settings.length) out.push(...settings.map((s) => `- settings: ${s}`));
  }
  else out.push('', `No published ${h.task === 'detect' ? 'mAP' : 'mIoU'} for these pairs at these settings.`);
  h.splits.forEach((s) => {
    const split = splitRows(s);
    out.push('', `#### ${s.label} under ${h.head.title}`, '', `Taps read: ${s.taps.map((t) => `stride ${t.stride} (${t.node}, ${t.channels} channels)`).join(', ') || '—'}.`, '', ...table(split.header, split.rows));
    const note = timingNote(s);
    if (note) out.push('', note);
  });
  return out;
}

/** The predicted totals (`predict:`): one row per model, one column per device; none without a prediction. */
function predictionMarkdown(models: readonly ModelReport[]): string[] {
  const devices = models.find((m) => m.prediction)?.prediction?.devices;
  if (!devices?.length) return [];
  const rows = models.map((m) => {
    const p = m.prediction;
    return [modelName(m), ...devices.map((d) => {
      const i = p ? p.devices.findIndex((x) => x.id === d.id) : -1;
      return i >= 0 ? p!.total_ms[i].toFixed(3) : '—';
    })];
  });
  return [
    '',
    "Predicted latency (ms) — MobileNetV4's roofline from each device's peak rate and bandwidth, not measured:",
    '',
    ...table(['model', ...devices.map((d) => `${d.name} (${d.id}, ${d.dtype}, ridge ${d.ridge.toFixed(1)} MAdds/B)`)], rows),
    '',
    ...devices.map((d) => `- ${d.id}: ${plain(d.source)}`),
  ];
}

function claimMarkdown(c: ClaimCheck): string {
  const v = claimVerdict(c.verdict, c.beyond_spread);
  return `${v.mark} **${plain(c.faster)} faster than ${plain(c.than)}** (${plain(c.source)}): ${v.text}. ${plain(c.detail)}`;
}

export function reportMarkdown(r: Report): string {
  const out = [`## ${plain(r.title)}`];
  for (const c of r.claims ?? []) out.push('', claimMarkdown(c));
  if (r.headed) {
    out.push(...headedMarkdown(r.headed, r.models));
  } else if (r.models.length > 1) {
    out.push(
      '',
      ...table(
        ['model', 'params', 'MAdds', 'top-1 (published)', 'median ms (measured)', ...(r.comparison ? [`time vs ${r.comparison.reference} (95%)`] : [])],
        r.models.map((m, i) => {
          const top1 = m.summary.published.find((p) => p.metric === 'top1');
          const ratio = r.comparison?.ratios[i];
          return [modelName(m), formatSI(m.summary.totals.params), formatSI(m.summary.totals.madds), top1 ? `${top1.value}%` : '—', m.profile ? m.profile.latency.median_ms.toFixed(3) : '—', ...(ratio ? [formatRatio(ratio)] : [])];
        }),
      ),
    );
    if (r.comparison) out.push('', r.comparison.method);
  }
  out.push(...predictionMarkdown(r.models));
  for (const m of r.models) out.push('', ...modelMarkdown(m));
  if (r.sweep) {
    const axes = r.sweep.axes;
    out.push(
      '',
      ...table(
        [...axes, 'params', 'MAdds', 'MAC (bytes)', 'median ms'],
        r.sweep.points.map((p) => [...axes.map((a) => (typeof p.settings[a] === "string" ? String(p.settings[a]) : JSON.stringify(p.settings[a]))), formatSI(p.params), formatSI(p.madds), formatBytes(p.mac_bytes), p.median_ms?.toFixed(3) ?? '—']),
      ),
    );
  }
  for (const note of r.notes) out.push('', note);
  return out.join('\n') + '\n';
}
