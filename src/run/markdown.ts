/**
 * The text/markdown fallback of every report, so a notebook reads without lcnb's renderer (on
 * GitHub, in another editor): totals, published figures with sources, stages, the costliest
 * layers and, when measured, latency with its settings.
 */
import { formatBytes, formatCount, formatSI } from '../shared/format';
import { ModelReport, Report } from './report';

const LAYERS_SHOWN = 12;

function table(header: string[], rows: string[][]): string[] {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`)];
}

function modelMarkdown(m: ModelReport): string[] {
  const s = m.summary;
  const t = s.totals;
  const out = [
    `### ${s.id}`,
    '',
    `Computed by lcnb for input [${s.input.join(', ')}]: **${formatCount(t.params)} params**, **${formatSI(t.madds)} MAdds** (multiply-adds, the papers' "FLOPs"), ${formatSI(t.flops)} FLOPs, MAC ${formatBytes(t.mac_bytes)}.`,
  ];
  if (s.published.length) {
    out.push('', 'Published (not computed here):');
    for (const p of s.published) {
      const value = p.metric === 'top1' ? `top-1 ${p.value}%` : p.metric === 'latency_ms' ? `${p.value} ms (${p.settings ?? 'settings not stated'})` : `${p.metric === 'madds' ? 'MAdds' : 'params'} ${formatSI(p.value)}`;
      out.push(`- ${value} — ${p.source}`);
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
    out.push('', `Slowest ${layers.length} layers:`, '', ...table(['layer', 'ops', 'time (µs)', 'share', 'GFLOPS'], layers.map((l) => [l.name, l.ops.join('+'), l.median_us.toFixed(1), `${(100 * l.share).toFixed(1)}%`, l.achieved_gflops.toFixed(1)])));
  } else {
    const layers = [...s.layers].sort((a, b) => b.madds - a.madds).slice(0, LAYERS_SHOWN);
    out.push('', `Costliest ${layers.length} layers by MAdds:`, '', ...table(['layer', 'op', 'output', 'MAdds'], layers.map((l) => [l.name, l.op, `[${l.output.join(', ')}]`, formatCount(l.madds)])));
  }
  if (s.uncounted.length) out.push('', `Uncounted (unknown to the cost model, not in the totals): ${s.uncounted.map((u) => `${u.name} (${u.op})`).join(', ')}`);
  return out;
}

export function reportMarkdown(r: Report): string {
  const out = [`## ${r.title}`];
  if (r.models.length > 1) {
    out.push(
      '',
      ...table(
        ['model', 'params', 'MAdds', 'top-1 (published)', 'median ms (measured)'],
        r.models.map((m) => {
          const top1 = m.summary.published.find((p) => p.metric === 'top1');
          return [m.summary.id, formatSI(m.summary.totals.params), formatSI(m.summary.totals.madds), top1 ? `${top1.value}%` : '—', m.profile ? m.profile.latency.median_ms.toFixed(3) : '—'];
        }),
      ),
    );
  }
  for (const m of r.models) out.push('', ...modelMarkdown(m));
  if (r.sweep) {
    const axes = r.sweep.axes;
    out.push(
      '',
      ...table(
        [...axes, 'params', 'MAdds', 'MAC (bytes)', 'median ms'],
        r.sweep.points.map((p) => [...axes.map((a) => JSON.stringify(p.settings[a])), formatSI(p.params), formatSI(p.madds), formatBytes(p.mac_bytes), p.median_ms?.toFixed(3) ?? '—']),
      ),
    );
  }
  for (const note of r.notes) out.push('', note);
  return out.join('\n') + '\n';
}
