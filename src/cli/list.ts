/** `lcnb list`: the zoo's ids with their counts and published top-1, or (--heads) the heads. */
import { textTable } from '../core/summaryText';
import { PublishedFigure } from '../core/summary';
import { formatSI } from '../shared/format';
import { defaultResolution, MODEL_FORMS, summarizeModel, zooModels } from '../zoo';
import { heads } from '../zoo/heads/index';
import { parseCommandArgs } from './args';

function listHeads(json: boolean): string {
  const all = heads();
  if (json) {
    return JSON.stringify(all.map((h) => ({ id: h.id, task: h.task, title: h.title, paper: h.paper, reference: h.reference, strides: h.strides, output_stride: h.outputStride ?? 32, resolution: h.defaultResolution, classes: h.defaultClasses, reference_backbone: h.referenceBackbone, knobs: h.knobs })), null, 2) + '\n';
  }
  const rows = all.map((h) => [h.id, h.task, h.title, h.strides.join(', '), `${h.defaultResolution}`, `${h.defaultClasses}`, h.referenceBackbone.id, h.reference]);
  return [
    "Heads for detect: and segment: cells and 'lcnb summary|profile <backbone> --head <id>'. Counts match the reference on its own backbone.",
    '',
    ...textTable(['id', 'task', 'title', 'strides read', 'input', 'classes', 'reference backbone', 'reference'], rows, new Set([4, 5])),
  ].join('\n') + '\n';
}

/**
 * Published top-1 figures as their sources state them, aligned on the decimal point. A figure is
 * stored as a number, so a source's trailing zero is lost (the ShuffleNet paper's 45.0 is 45);
 * a source states every figure at one precision, so each gets the most decimals of its source's.
 */
function alignedTop1(figures: readonly (PublishedFigure | undefined)[]): string[] {
  const decimalsOf = (value: number) => (String(value).split('.')[1] ?? '').length;
  const sourceDecimals = new Map<string, number>();
  for (const f of figures) if (f) sourceDecimals.set(f.source, Math.max(sourceDecimals.get(f.source) ?? 0, decimalsOf(f.value)));
  const texts = figures.map((f) => (f ? f.value.toFixed(sourceDecimals.get(f.source)) : undefined));
  const fraction = Math.max(0, ...texts.map((t) => (t?.includes('.') ? t.length - t.indexOf('.') : 0)));
  return texts.map((t) => {
    if (t === undefined) return '—'.padEnd(1 + fraction);
    return t.padEnd(t.length + fraction - (t.includes('.') ? t.length - t.indexOf('.') : 0));
  });
}

export function listCommand(args: string[]): string {
  const { values } = parseCommandArgs('list', args);
  if (values.heads) return listHeads(values.json);
  const models = zooModels();
  if (values.json) {
    const ablations = (m: (typeof models)[number]) => (m.publishedVariants ? { published_variants: m.publishedVariants } : {});
    return JSON.stringify(models.map((m) => ({ id: m.id, family: m.family, width: m.width, resolution: defaultResolution(m), ...(m.forms ? { forms: MODEL_FORMS } : {}), knobs: m.knobs, published: m.published, ...ablations(m) })), null, 2) + '\n';
  }
  const top1s = models.map((m) => m.published.find((p) => p.metric === 'top1'));
  const top1Texts = alignedTop1(top1s);
  const rows = models.map((m, i) => {
    const { totals } = summarizeModel(m.id);
    return [m.id, m.family, `${defaultResolution(m)}`, m.forms ? 'deploy' : '—', formatSI(totals.params), formatSI(totals.madds), top1Texts[i], m.knobs.map((k) => k.name).join(', ') || '—'];
  });
  return [
    "params and MAdds: computed by lcnb at each model's own input size, 1000 classes; a re-parameterised model in its deploy form (--form training gives the other). top-1: published, with the decimals its source gives (sources in `lcnb summary <id>` and `lcnb list --json`).",
    '',
    ...textTable(['id', 'family', 'input', 'form', 'params', 'MAdds', 'top-1 % (published)', 'knobs'], rows, new Set([2, 4, 5, 6])),
  ].join('\n') + '\n';
}
