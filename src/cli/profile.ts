/** `lcnb profile`: a model measured in the kernel process (src/run/measure.ts), as text or JSON. */
import { resolve } from 'node:path';
import { UserError } from '../core/errors';
import { summarize } from '../core/summary';
import { measureGraph } from '../run/measure';
import { KernelClient, KernelError } from '../../kernels/host/client';
import { profileText } from '../../kernels/host/profileReport';
import { Optimization, OPTIMIZATION_LEVELS } from '../shared/measureSettings';
import { memoryLimitBytes, parseCommandArgs, positiveInt, UsageError } from './args';
import { withKernel } from './kernel';
import { loadModelArg } from './model';
import { labelled, publishedPairText, splitJson, splitText } from './text';

export async function profileCommand(args: string[], err: NodeJS.WritableStream): Promise<string> {
  const { values, positionals } = parseCommandArgs('profile', args);
  if (positionals.length !== 1) throw new UsageError('profile takes exactly one model id or file');
  const optimization = values.opt as Optimization | undefined;
  if (optimization !== undefined && !OPTIMIZATION_LEVELS.includes(optimization)) throw new UsageError(`--opt must be one of ${OPTIMIZATION_LEVELS.join(', ')}, got '${values.opt}'`);
  const warmup = values.warmup === undefined ? undefined : Number(values.warmup);
  if (warmup !== undefined && (!Number.isInteger(warmup) || warmup < 0)) throw new UsageError(`--warmup must be a non-negative integer, got '${values.warmup}'`);
  const { graph, label, published, headed, file } = await loadModelArg(positionals[0], values);
  const memoryLimit = memoryLimitBytes(values['memory-limit-mb']);
  return withKernel(true, async (kernel, signal) => {
    try {
      const profile = await measureGraph(
        kernel as KernelClient,
        { graph, ...(file ? { onnxFile: resolve(file) } : {}) },
        { provider: values.provider, threads: positiveInt('threads', values.threads), runs: positiveInt('runs', values.runs), warmup, optimization, isolated: values.isolated },
        { where: positionals[0], memoryLimitBytes: memoryLimit, signal, onProgress: values.json ? undefined : (p) => p.done === 0 && err.write(`lcnb: ${p.phase}…\n`) },
      );
      if (profile.settings.fallbackReason) err.write(`lcnb: ${profile.settings.fallbackReason}\n`);
      // The text's header names the model by its label; the JSON keeps the id and adds the label.
      const shown = { ...profile, id: label };
      if (!headed) return values.json ? JSON.stringify(labelled(profile, label), null, 2) + '\n' : profileText(shown);
      const summary = summarize(graph, {}, published);
      if (values.json) return JSON.stringify({ ...labelled(profile, label), ...splitJson(headed, summary, profile), published }, null, 2) + '\n';
      return profileText(shown) + splitText(headed, summary, profile) + publishedPairText(published);
    } catch (e) {
      if (e instanceof KernelError) throw new UserError(e.message);
      throw e;
    }
  });
}
