/** Worker-thread entry (dist/onnxParseWorker.js): parses one .onnx file off the host's event loop. */
import { parentPort, workerData } from 'node:worker_threads';
import type { ParseRequest } from './messages';
import { parseOnnxStages } from './parseStages';

const port = parentPort;
if (port) void parseOnnxStages(workerData as ParseRequest, (message) => port.postMessage(message));
