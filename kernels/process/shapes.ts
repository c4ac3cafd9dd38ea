/**
 * Shapes static inference cannot find (an op computed from data: NonZero, NonMaxSuppression; a
 * custom-domain op onnxruntime knows), taken from one run: the model is loaded with the asked-for
 * intermediate tensors added as graph outputs, run once on seeded inputs at the given shapes, and
 * each output's dimensions are read back. Graph optimisation is off so that every named tensor
 * survives as it is in the file.
 */
import { readFile } from 'node:fs/promises';
import { onnx } from '../../src/onnx/proto';
import { JobError, makeTensor, resolveInputShapes } from './profile';
import type { ShapesRequest, ShapesResult } from '../protocol';
import { baseSessionOptions, condenseOrtError } from './providers';
import { ort } from './runtime';

export async function discoverShapes(req: ShapesRequest): Promise<ShapesResult> {
  let model: onnx.ModelProto;
  try {
    const bytes = await readFile(req.modelPath);
    model = onnx.ModelProto.decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new JobError(`cannot read '${req.modelPath}': ${(e as Error).message}`);
  }
  const graph = model.graph ?? new onnx.GraphProto();
  graph.output ??= [];
  const outputs = new Set(graph.output.map((o) => o.name));
  for (const name of req.tensors) if (!outputs.has(name)) graph.output.push(new onnx.ValueInfoProto({ name }));
  const { InferenceSession } = ort();
  let session;
  try {
    session = await InferenceSession.create(onnx.ModelProto.encode(model).finish(), { ...baseSessionOptions('cpu', 1), graphOptimizationLevel: 'disabled' });
  } catch (e) {
    throw new JobError(`onnxruntime could not load '${req.modelPath}' to find its shapes: ${condenseOrtError((e as Error).message)}`);
  }
  try {
    const declared = session.inputNames.map((name, i) => {
      const meta = session.inputMetadata[i];
      return { name, shape: meta.isTensor ? meta.shape : [], type: meta.isTensor ? meta.type : 'non-tensor' };
    });
    const inputShapes = resolveInputShapes(declared, req.inputs);
    const feeds = Object.fromEntries(declared.map((d) => [d.name, makeTensor(d.name, d.type, inputShapes[d.name])]));
    const wanted = req.tensors.filter((t) => session.outputNames.includes(t));
    const start = process.hrtime.bigint();
    let results;
    try {
      results = await session.run(feeds, wanted);
    } catch (e) {
      throw new JobError(`onnxruntime failed running '${req.modelPath}' to find its shapes: ${condenseOrtError((e as Error).message)}`);
    }
    const runMs = Number(process.hrtime.bigint() - start) / 1e6;
    const shapes: Record<string, number[]> = {};
    for (const name of wanted) if (results[name]) shapes[name] = [...results[name].dims].map(Number);
    return { shapes, runMs };
  } finally {
    await session.release();
  }
}
