/** Reading .onnx files from disk, with the size limit checked before any byte is read. */
import { readFile, stat } from 'node:fs/promises';
import { UserError } from '../core/errors';
import { MAX_MODEL_BYTES, OnnxModel, readOnnx, ReadOptions } from './reader';

/** A model file's bytes, its size checked before any byte is read; a failure says which file and why. */
export async function readModelBytes(path: string): Promise<Uint8Array> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > MAX_MODEL_BYTES) throw new UserError(`${path}: ${size} bytes is over the 2 GiB a protobuf model can hold`);
  try {
    return await readFile(path);
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function readOnnxFile(path: string, options: Partial<ReadOptions> = {}): Promise<OnnxModel> {
  return readOnnx(await readModelBytes(path), { source: path, ...options });
}
