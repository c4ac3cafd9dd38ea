/** Host side of the parse worker: one worker per file, terminated when done or cancelled. VS Code-free. */
import { Worker } from 'node:worker_threads';
import type { ParseMessage, ParseRequest } from './messages';

/**
 * Parses `request.path` on a worker thread running `workerFile`, calling `onMessage` for each stage.
 * Resolves after `done`, `error` or `shapeNeeded`; a worker that dies or cannot start becomes an `error` message.
 */
export function parseInWorker(workerFile: string, request: ParseRequest, onMessage: (message: ParseMessage) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let finished = false;
    let worker: Worker;
    const finish = (last?: ParseMessage) => {
      if (finished) return;
      finished = true;
      signal?.removeEventListener('abort', abort);
      if (last) onMessage(last);
      void worker?.terminate();
      resolve();
    };
    const abort = () => finish();
    if (signal?.aborted) return resolve();
    try {
      worker = new Worker(workerFile, { workerData: request });
    } catch (e) {
      return finish({ type: 'error', message: `lcnb could not start its ONNX reader (${workerFile}): ${(e as Error).message}` });
    }
    signal?.addEventListener('abort', abort, { once: true });
    worker.on('message', (message: ParseMessage) => {
      if (finished) return;
      if (message.type === 'done' || message.type === 'error' || message.type === 'shapeNeeded') finish(message);
      else onMessage(message);
    });
    worker.on('error', (e) => finish({ type: 'error', message: `${request.path}: the ONNX reader failed: ${e.message}` }));
    worker.on('exit', (code) => finish({ type: 'error', message: `${request.path}: the ONNX reader stopped (exit code ${code}) before it finished` }));
  });
}
