/**
 * Texts for detect and segment cells in the editor: what a head is (hover and completion), and
 * what a backbone costs under the cell's head, split backbone / neck / head (hover).
 */
import { isUserFacing } from '../core/errors';
import { summarize } from '../core/summary';
import { formatBytes, formatSI } from '../shared/format';
import { buildWithHead, findHead, HeadedRequest } from '../zoo/heads/index';
import type { HeadSpec } from '../zoo/heads/headTypes';
import { tapsRead } from '../zoo/heads/tapsRead';

const TASK = { detect: 'detection', segment: 'segmentation' } as const;

/** Markdown about a head: where it comes from, what it reads, its reference settings and knobs. */
export function headDoc(head: HeadSpec): string {
  const ref = head.referenceBackbone;
  const refExtra = [ref.width !== undefined ? `width ${ref.width}` : '', ...Object.entries(ref.knobs ?? {}).map(([k, v]) => `${k} ${JSON.stringify(v)}`)].filter(Boolean);
  const lines = [
    `**${head.title}** — ${TASK[head.task]} head \`${head.id}\` (a \`${head.task}:\` cell)`,
    '',
    `From ${head.paper}; its counts match ${head.reference}.`,
    '',
    `Reads the backbone's feature maps at stride${head.strides.length === 1 ? '' : 's'} ${head.strides.join(', ')}${head.outputStride && head.outputStride !== 32 ? `, with the backbone dilated to output stride ${head.outputStride}` : ''}.`,
    `Reference: ${head.defaultResolution}×${head.defaultResolution} input, ${head.defaultClasses} classes, backbone \`${ref.id}\`${refExtra.length ? ` (${refExtra.join(', ')})` : ''}.`,
  ];
  if (head.knobs.length) {
    lines.push('', `Knobs (\`head_knobs:\`): ${head.knobs.map((k) => `\`${k.name}\` (${k.description}; default \`${JSON.stringify(k.default)}\`)`).join(', ')}.`);
  }
  return lines.join('\n');
}

const PARTS = ['backbone', 'neck', 'head'] as const;

/**
 * Markdown for a backbone under a head: totals split by part, and the feature maps the head reads.
 * A pair that cannot be built says why (the head's own error message).
 */
export function backboneUnderHeadDoc(request: HeadedRequest, note?: string): string {
  const head = findHead(request.head);
  const variant = [...(request.width !== undefined ? [`width ${request.width}`] : []), ...Object.entries(request.knobs ?? {}).map(([k, v]) => `${k} ${JSON.stringify(v)}`)];
  const title = `**${request.backbone}**${variant.length ? ` (${variant.join(', ')})` : ''} under **${head?.title ?? request.head}**`;
  const out = [title, ''];
  if (note) out.push(`_${note}_`, '');
  let graph;
  try {
    graph = buildWithHead(request);
  } catch (e) {
    if (!isUserFacing(e)) throw e;
    out.push(`Cannot be built: ${e.message}`);
    return out.join('\n');
  }
  const s = summarize(graph);
  const total = s.totals;
  out.push(
    `Computed by lcnb for input [${s.input.join(', ')}]: ${formatSI(total.params)} params, ${formatSI(total.madds)} MAdds (multiply-adds), ${formatSI(total.flops)} FLOPs.`,
    '',
    '| part | params | MAdds | MAdds share | MAC |',
    '|---|---:|---:|---:|---:|',
  );
  for (const part of PARTS) {
    const sc = s.scopes.find((x) => x.scope === part);
    const madds = sc?.madds ?? 0;
    out.push(`| ${part} | ${formatSI(sc?.params ?? 0)} | ${formatSI(madds)} | ${total.madds > 0 ? ((100 * madds) / total.madds).toFixed(1) : '0.0'}% | ${formatBytes(sc?.mac_bytes ?? 0)} |`);
  }
  if (head) {
    const read = tapsRead(head, request);
    if (read.length) out.push('', `The head reads ${read.map((t) => `stride ${t.stride}: \`${t.node}\`${t.name ? ` (${t.name})` : ''} (${t.channels} channels)`).join(', ')}.`);
  }
  if (s.uncounted.length) out.push('', `Uncounted (no cost rule, not in the totals): ${s.uncounted.map((u) => `${u.name} (${u.op})`).join(', ')}`);
  return out.join('\n');
}
