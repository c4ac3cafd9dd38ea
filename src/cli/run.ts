/** `lcnb run`: every code cell of a notebook run as the notebook kernels run them (src/run/notebook.ts). */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UserError } from '../core/errors';
import { decodeNotebook, encodeNotebook, NotebookDocumentData, NotebookFormatError } from '../notebookFile';
import { writeFileAtomic } from '../files/atomicWrite';
import { fileProblem, notFound } from '../run/loader';
import { runNotebook } from '../run/notebook';
import { Report, REPORT_MIME } from '../run/reportTypes';
import { memoryLimitBytes, parseCommandArgs, UsageError } from './args';
import { checkWritable, statOf, writeProblem } from './files';
import { withKernel } from './kernel';

export async function runCommand(args: string[], err: NodeJS.WritableStream): Promise<string> {
  const { values, positionals } = parseCommandArgs('run', args);
  if (positionals.length !== 1) throw new UsageError('run takes exactly one .lcnb notebook');
  const path = resolve(positionals[0]);
  if ((await statOf(path))?.isDirectory()) throw new UserError(`${positionals[0]} is a folder, not an .lcnb notebook`);
  if (values.out) await checkWritable(values.out);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(positionals[0]);
    throw new UserError(`cannot read ${positionals[0]}: ${fileProblem(e)}`);
  }
  let data;
  try {
    data = decodeNotebook(bytes, positionals[0]);
  } catch (e) {
    if (e instanceof NotebookFormatError) throw new UserError(e.message);
    throw e;
  }
  return withKernel(values.kernel !== 'static', async (kernel, signal) => {
    const result = await runNotebook(
      data,
      { kernel, provider: values.kernel === 'static' ? 'cpu' : values.kernel, baseDir: dirname(path), signal, activationMemoryLimitBytes: memoryLimitBytes(values['memory-limit-mb']) },
      (cell, ms) => err.write(`lcnb: cell ${cell} done in ${ms} ms\n`),
    );
    if (values.out) {
      try {
        await writeFileAtomic(values.out, encodeNotebook(result.data));
      } catch (e) {
        throw await writeProblem(values.out, e);
      }
    }
    for (const line of providerFallbackLines(result.data)) err.write(line);
    if (result.failure) throw new UserError(`${positionals[0]}: cell ${result.failure.cell} failed: ${result.failure.message}`);
    return `ran ${result.executed} code cell${result.executed === 1 ? '' : 's'} of ${positionals[0]}${values.out ? `, wrote ${values.out}` : ''}\n`;
  });
}

/**
 * Stderr lines for cells that asked for a provider that could not start and ran on cpu instead,
 * one line per reason: "lcnb: cells 2, 3: gpu could not start: …; ran on cpu instead".
 */
function providerFallbackLines(data: NotebookDocumentData): string[] {
  const cellsByReason = new Map<string, number[]>();
  data.cells.forEach((cell, i) => {
    for (const output of cell.outputs ?? []) {
      const item = output.items.find((it) => it.mime === REPORT_MIME);
      if (!item) continue;
      const report = JSON.parse(new TextDecoder().decode(item.data)) as Report;
      for (const model of report.models) {
        const reason = model.profile?.settings.fallbackReason;
        if (!reason) continue;
        const cells = cellsByReason.get(reason) ?? [];
        if (!cells.includes(i + 1)) cells.push(i + 1);
        cellsByReason.set(reason, cells);
      }
    }
  });
  return [...cellsByReason].map(([reason, cells]) => `lcnb: ${cells.length === 1 ? 'cell' : 'cells'} ${cells.join(', ')}: ${reason}\n`);
}
