/**
 * Reading a stored .onnx file for a report: lcnb's static reading, and where that leaves shapes it
 * cannot know without data (NonZero, NonMaxSuppression, a custom-domain op), one run in the kernel
 * process to measure them. Without a kernel (static analysis, an untrusted workspace, --static)
 * the static reading stands, its unresolved nodes listed with why. `kernel` may be a getter, so a
 * kernel process is started only for a file that needs a run.
 */
import { KernelClient } from '../../kernels/host/client';
import { readOnnxFile } from '../onnx/file';
import { OnnxModel } from '../onnx/reader';
import { Shape } from '../core/shape';

export async function readStoredModel(
  path: string,
  inputShapes: Readonly<Record<string, Shape>> | undefined,
  kernel: KernelClient | (() => KernelClient) | undefined,
  signal?: AbortSignal,
): Promise<OnnxModel> {
  const read = await readOnnxFile(path, { inputShapes });
  if (!kernel || read.unresolvedTensors.length === 0) return read;
  const client = typeof kernel === 'function' ? kernel() : kernel;
  const inputs = Object.fromEntries(read.inputs.map((i) => [i.name, [...i.shape]]));
  let shapes: Record<string, number[]>;
  try {
    ({ shapes } = await client.shapes({ modelPath: path, inputs, tensors: read.unresolvedTensors }, { signal }));
  } catch (e) {
    if (signal?.aborted) throw e;
    return { ...read, notes: [...read.notes, `One onnxruntime run to find the remaining shapes failed (${(e as Error).message}); they stay unresolved.`] };
  }
  return readOnnxFile(path, { inputShapes, knownShapes: shapes });
}
