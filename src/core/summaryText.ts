/** Plain-text rendering of a model summary (the CLI's default output). */
import { formatBytes, formatCount, formatShape, formatSI } from '../shared/format';
import { ModelSummary, PublishedFigure } from './summary';

const METRIC_LABEL: Record<PublishedFigure['metric'], (v: number) => string> = {
  params: (v) => `params ${formatSI(v)}`,
  madds: (v) => `MAdds ${formatSI(v)}`,
  top1: (v) => `ImageNet top-1 ${v}%`,
  map: (v) => `COCO mAP ${v}`,
  miou: (v) => `mIoU ${v}%`,
  latency_ms: (v) => `latency ${v} ms`,
};

/** Rows of a plain-text table, columns padded; `rightAligned` holds the indices of numeric columns. */
export function textTable(header: string[], rows: string[][], rightAligned: Set<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** `label` names the model in the header: the id with the options it was built with (see modelLabel). */
export function summaryText(s: ModelSummary, label = s.id, notes: readonly string[] = []): string {
  const t = s.totals;
  const out = [
    `${label}  input ${formatShape(s.input)} → output ${formatShape(s.output)}`,
    '',
    'Computed by lcnb (MAdds = multiply-adds, what the papers call FLOPs; FLOPs = 2 × MAdds + elementwise work;',
    `MAC = memory access cost, activations in + out + weights, ${s.bytes_rule ?? `${s.bytes_per_element} bytes per element`}):`,
    `  params      ${formatCount(t.params)}`,
    `  MAdds       ${formatCount(t.madds)}  (${formatSI(t.madds)})`,
    `  FLOPs       ${formatCount(t.flops)}  (${formatSI(t.flops)})`,
    `  MAC         ${formatCount(t.mac_elements)} elements, ${formatBytes(t.mac_bytes)}`,
    `  intensity   ${t.intensity.toFixed(2)} FLOPs/byte`,
  ];
  if (s.published.length) {
    out.push('', 'Published (not computed here):');
    for (const p of s.published) {
      out.push(`  ${METRIC_LABEL[p.metric](p.value)}${p.settings ? ` (${p.settings})` : ''}  — ${p.source}`);
      if (p.note) out.push(`      note: ${p.note}`);
    }
  }
  out.push('', 'Per stage:');
  out.push(
    ...textTable(
      ['scope', 'layers', 'params', 'MAdds', 'FLOPs', 'MAC (elements)'],
      s.scopes.map((sc) => [sc.scope || '(top level)', String(sc.layers), formatCount(sc.params), formatCount(sc.madds), formatCount(sc.flops), formatCount(sc.mac_elements)]),
      new Set([1, 2, 3, 4, 5]),
    ).map((l) => `  ${l}`),
  );
  out.push('', 'Per layer:');
  out.push(
    ...textTable(
      ['layer', 'op', 'output', 'params', 'MAdds', 'FLOPs', 'MAC (elements)'],
      s.layers.map((l) => [l.name, l.op, formatShape(l.output), formatCount(l.params), formatCount(l.madds), formatCount(l.flops), formatCount(l.mac_elements)]),
      new Set([3, 4, 5, 6]),
    ).map((l) => `  ${l}`),
  );
  out.push('');
  const unknown = s.uncounted.filter((u) => !u.why);
  const unresolved = s.uncounted.filter((u) => u.why);
  out.push(unknown.length ? `Uncounted (op unknown to lcnb's cost model, not in the totals): ${unknown.map((u) => `${u.name} (${u.op})`).join(', ')}` : 'Uncounted ops: none');
  if (unresolved.length) {
    out.push(`Not counted, each with why (not in the totals): ${unresolved.length} node${unresolved.length === 1 ? '' : 's'}`);
    for (const u of unresolved) out.push(`  ${u.name} (${u.op}): ${u.why}`);
  }
  if (notes.length) out.push('', ...notes.map((n) => `Note: ${n}`));
  return out.join('\n') + '\n';
}
