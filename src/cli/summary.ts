/** `lcnb summary`: a model's counts, as text or JSON, split backbone / neck / head with --head. */
import { summaryText } from '../core/summaryText';
import { summarize } from '../core/summary';
import { LoadedModel } from '../run/loader';
import { KernelClient } from '../../kernels/host/client';
import { parseCommandArgs, UsageError } from './args';
import { kernelClient } from './kernel';
import { loadModelArg } from './model';
import { labelled, splitJson, splitText } from './text';

export async function summaryCommand(args: string[]): Promise<string> {
  const { values, positionals } = parseCommandArgs('summary', args);
  if (positionals.length !== 1) throw new UsageError('summary takes exactly one model id or file');
  // Shapes only a run can tell (a detector's post-processing) come from one onnxruntime run unless --static.
  let kernel: KernelClient | undefined;
  const needsRun = /\.onnx$/i.test(positionals[0]) && !values.static;
  let loaded: LoadedModel;
  try {
    loaded = await loadModelArg(positionals[0], values, needsRun ? () => (kernel ??= kernelClient()) : undefined);
  } finally {
    await kernel?.dispose();
  }
  const { graph, label, published, headed, notes } = loaded;
  const summary = summarize(graph, {}, published);
  const noted = notes?.length ? { notes: [...notes] } : {};
  if (values.json) return JSON.stringify(headed ? { ...labelled(summary, label), ...splitJson(headed, summary) } : { ...labelled(summary, label), ...noted }, null, 2) + '\n';
  return summaryText(summary, label, notes) + (headed ? splitText(headed, summary) : '');
}
