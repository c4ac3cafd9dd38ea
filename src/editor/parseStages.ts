/**
 * Reading an .onnx file for the custom editor, in stages the editor can show as they come: the
 * header (opset, producer, inputs and outputs), then the cost summary, then the diagram graph.
 * VS Code-free; parseWorker.ts runs it on a worker thread so a large file never blocks the host.
 */
import { basename } from 'node:path';
import { GraphError, UserError } from '../core/errors';
import { summarize } from '../core/summary';
import { readOnnxFile } from '../onnx/file';
import { diagramOf } from '../run/reports';
import type { ParseMessage, ParseRequest } from './messages';

/** Reads `request.path` and posts each stage; never throws (a failure is an `error` message). */
export async function parseOnnxStages(request: ParseRequest, post: (message: ParseMessage) => void): Promise<void> {
  const start = performance.now();
  const since = () => Math.round(performance.now() - start);
  try {
    const model = await readOnnxFile(request.path);
    const graph = model.graph;
    post({
      type: 'header',
      ms: since(),
      header: {
        fileName: basename(request.path),
        graphName: graph.name,
        opset: model.opset,
        producer: model.producer,
        inputs: graph.inputs.map((t) => ({ name: t.name, shape: [...t.shape] })),
        outputs: graph.outputs.map((name) => ({ name, shape: [...(graph.shapes.get(name) ?? [])] })),
        nodes: graph.nodes.length,
        evaluatedNodes: model.evaluatedNodes,
        metadata: model.metadata,
      },
    });
    post({ type: 'summary', summary: summarize(graph), ms: since() });
    post({ type: 'diagram', diagram: diagramOf(graph), graph, ms: since() });
    post({ type: 'done', ms: since() });
  } catch (e) {
    const known = e instanceof UserError || e instanceof GraphError;
    post({ type: 'error', message: known ? (e as Error).message : `${request.path}: lcnb could not read this file (${e instanceof Error ? e.message : String(e)})` });
  }
}
