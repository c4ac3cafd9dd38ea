/** Files the CLI reads and writes: what is there, and why writing failed, said before the work or in words. */
import { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../core/errors';
import { fileProblem } from '../run/loader';

export async function statOf(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/** An output path whose folder is missing (or is a file), said before the work that would be lost. */
export async function checkWritable(path: string): Promise<void> {
  const folder = dirname(path);
  const found = await statOf(folder);
  if (!found) throw new UserError(`cannot write ${path}: folder ${folder} does not exist`);
  if (!found.isDirectory()) throw new UserError(`cannot write ${path}: ${folder} is a file, not a folder`);
  if ((await statOf(path))?.isDirectory()) throw new UserError(`cannot write ${path}: it is a folder`);
}

/** What writing `path` failed with, in words. */
export async function writeProblem(path: string, e: unknown): Promise<UserError> {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !(await statOf(dirname(path)))) return new UserError(`cannot write ${path}: folder ${dirname(path)} does not exist`);
  return new UserError(`cannot write ${path}: ${fileProblem(e)}`);
}
