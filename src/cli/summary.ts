/** `lcnb summary`: a model's counts, as text or JSON, split backbone / neck / head with --head. */
import { summaryText } from '../core/summaryText';
import { summarize } from '../core/summary';
import { parseCommandArgs, UsageError } from './args';
import { loadModelToCount } from './model';
import { labelled, splitJson, splitText } from './text';

export async function summaryCommand(args: string[]): Promise<string> {
  const { values, positionals } = parseCommandArgs('summary', args);
  if (positionals.length !== 1) throw new UsageError('summary takes exactly one model id or file');
  // Shapes only a run can tell (a detector's post-processing) come from one onnxruntime run unless --static.
  const { graph, label, published, headed, notes } = await loadModelToCount(positionals[0], values, values.static);
  const summary = summarize(graph, {}, published);
  const noted = notes?.length ? { notes: [...notes] } : {};
  if (values.json) return JSON.stringify(headed ? { ...labelled(summary, label), ...splitJson(headed, summary) } : { ...labelled(summary, label), ...noted }, null, 2) + '\n';
  return summaryText(summary, label, notes) + (headed ? splitText(headed, summary) : '');
}
