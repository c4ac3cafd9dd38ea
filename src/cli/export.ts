/** `lcnb export`: a zoo model or graph file written as ONNX, deploy or training form. */
import { describeExport, exportOnnx } from '../onnx/writer';
import { writeFileAtomic } from '../files/atomicWrite';
import { formArg, parseCommandArgs, UsageError, zooForm } from './args';
import { checkWritable, writeProblem } from './files';
import { loadModelArg } from './model';

export async function exportCommand(args: string[]): Promise<string> {
  const { values, positionals } = parseCommandArgs('export', args);
  if (positionals.length !== 1) throw new UsageError('export takes exactly one model id or graph file');
  if (!values.output) throw new UsageError('export needs -o <file.onnx>');
  const form = formArg(values.form);
  await checkWritable(values.output);
  const { graph } = await loadModelArg(positionals[0], { ...values, form: zooForm(positionals[0], form) });
  const seed = values.seed === undefined ? 0 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got '${values.seed}'`);
  const exported = exportOnnx(graph, { form, seed });
  try {
    await writeFileAtomic(values.output, exported.bytes);
  } catch (e) {
    throw await writeProblem(values.output, e);
  }
  return `wrote ${values.output} (${describeExport(exported)})\n`;
}
