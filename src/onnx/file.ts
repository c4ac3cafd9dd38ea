/** Reading .onnx files from disk, with the size limit checked before any byte is read. */
import { readFile, stat } from 'node:fs/promises';
import { UserError } from '../core/errors';
import { MAX_MODEL_BYTES, OnnxModel, readOnnx, ReadOptions } from './reader';

export async function readOnnxFile(path: string, options: Partial<ReadOptions> = {}): Promise<OnnxModel> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > MAX_MODEL_BYTES) throw new UserError(`${path}: ${size} bytes is over the 2 GiB a protobuf model can hold`);
  return readOnnx(await readFile(path), { source: path, ...options });
}
