/** Text and JSON output shared by the commands: a model's label beside its id, and a --head model's split. */
import { textTable } from '../core/summaryText';
import { PublishedFigure, summarize } from '../core/summary';
import { HeadedBuild, splitOf } from '../run/headed';
import { publishedText } from '../run/markdown';
import { splitRows, timingNote } from '../run/split';

type Summary = ReturnType<typeof summarize>;
type Profile = Parameters<typeof splitOf>[3];

/** The backbone / neck / head split as text, under the summary or profile of a --head model. */
export function splitText(headed: HeadedBuild, summary: Summary, profile?: Profile): string {
  const split = splitOf(headed, headed.backboneLabel, summary, profile);
  const { header, rows } = splitRows(split);
  const h = headed.head;
  const out = [
    '',
    `${h.title} (${h.task === 'detect' ? 'detection' : 'segmentation'} head '${h.id}', ${h.paper}; counts match ${h.reference}) on ${headed.backboneLabel}, ${headed.resolution}×${headed.resolution}, ${headed.classes} classes`,
    `Feature maps the head reads: ${split.taps.map((t) => `stride ${t.stride} ${t.node} (${t.channels} channels)`).join(', ') || 'none'}`,
    '',
    'Split by the graph\'s top-level scopes (computed by lcnb' + (profile ? '; times measured here' : '') + '):',
    ...textTable(header, rows, new Set(header.map((_, i) => i).filter((i) => i > 0))).map((l) => `  ${l}`),
  ];
  const note = timingNote(split);
  if (note) out.push('', note);
  return out.join('\n') + '\n';
}

export function splitJson(headed: HeadedBuild, summary: Summary, profile?: Profile) {
  const split = splitOf(headed, headed.backboneLabel, summary, profile);
  const h = headed.head;
  return { head: { id: h.id, task: h.task, title: h.title, paper: h.paper, reference: h.reference }, taps: split.taps, parts: split.parts, ...(split.timing ? { timing: split.timing } : {}) };
}

/** The paper's figures for a --head pair, under its profile; nothing when there are none. */
export function publishedPairText(published: readonly PublishedFigure[]): string {
  return published.length ? `\nPublished for this pair (not measured here):\n${published.map((p) => `  ${publishedText(p)} — ${p.source}`).join('\n')}\n` : '';
}

/** JSON output: `label` beside `id` (the id stays the zoo id or the graph's name). */
export function labelled<T extends { id: string }>(output: T, label: string): T & { label: string } {
  const { id, ...rest } = output;
  return { id, label, ...rest } as T & { label: string };
}
