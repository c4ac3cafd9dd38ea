/**
 * Reading an .onnx file for the custom editor, in stages the editor can show as they come: the
 * header (what the file declares: opset, producer, inputs and outputs), then what reading the
 * graph found, the cost summary and the diagram graph. A file whose inputs leave dimensions open
 * stops after the header with `shapeNeeded`, until it is read again with input shapes.
 * VS Code-free; parseWorker.ts runs it on a worker thread so a large file never blocks the host.
 */
import { basename } from 'node:path';
import { isUserFacing } from '../core/errors';
import { summarize } from '../core/summary';
import { readModelBytes } from '../onnx/file';
import { InputShapeNeeded, readOnnx, readOnnxHeader } from '../onnx/reader';
import { diagramOf } from '../run/buildReport';
import type { ParseMessage, ParseRequest } from './messages';

/** Reads `request.path` and posts each stage; never throws (a failure is an `error` message). */
export async function parseOnnxStages(request: ParseRequest, post: (message: ParseMessage) => void): Promise<void> {
  const start = performance.now();
  const since = () => Math.round(performance.now() - start);
  const path = request.path;
  try {
    const bytes = await readModelBytes(path);
    const declared = readOnnxHeader(bytes, path);
    post({
      type: 'header',
      ms: since(),
      header: {
        fileName: basename(path),
        graphName: declared.graphName,
        opset: declared.opset,
        producer: declared.producer,
        inputs: declared.inputs,
        outputs: declared.outputs,
        nodeCount: declared.nodeCount,
      },
    });
    const model = readOnnx(bytes, { source: path, inputShapes: request.inputShapes, knownShapes: request.knownShapes as Record<string, number[]> | undefined });
    const graph = model.graph;
    post({
      type: 'read',
      ms: since(),
      read: {
        nodes: graph.nodes.length,
        evaluatedNodes: model.evaluatedNodes,
        inputs: model.inputs.map((i) => ({ name: i.name, dims: i.dims, dtype: i.dtype, shape: [...i.shape] })),
        outputs: declared.outputs.map(({ name }) => {
          const shape = graph.shapes.get(name);
          return shape ? { name, shape: [...shape] } : { name };
        }),
        notes: model.notes,
        metadata: model.metadata,
        unresolvedTensors: model.unresolvedTensors,
      },
    });
    post({ type: 'summary', summary: summarize(graph), ms: since() });
    post({ type: 'diagram', diagram: diagramOf(graph), graph, ms: since() });
    post({ type: 'done', ms: since() });
  } catch (e) {
    if (e instanceof InputShapeNeeded) {
      // Shown beside the form's fields, in the file's own editor: its path would only be noise there.
      const message = e.message.startsWith(`${path}: `) ? e.message.slice(path.length + 2) : e.message;
      post({ type: 'shapeNeeded', message, inputs: e.inputs });
      return;
    }
    const known = isUserFacing(e);
    post({ type: 'error', message: known ? (e as Error).message : `${path}: lcnb could not read this file (${e instanceof Error ? e.message : String(e)})` });
  }
}


