/**
 * Entry point of the profiling kernel process (forked with an IPC channel by kernels/host/client.ts). It
 * alone loads onnxruntime-node, so a native crash takes down this process and never the editor.
 * Jobs run one at a time in arrival order; onnxruntime's run() blocks this process's thread, which
 * is why cancelling a job means killing the process (the client does that).
 *
 * Temporary files (traces, optimised graphs) go under $LCNB_KERNEL_TMP, a folder the client creates
 * per process and removes when the process ends, however it ends.
 */
process.env.ORT_DISABLE_TELEMETRY = '1';

import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { measurePeaks } from './peaks';
import { JobError, measureModels, runProfileJob } from './profile';
import type { KernelRequest, KernelResponse } from '../protocol';
import { listBackends, providerStatuses } from './providers';
import { discoverShapes } from './shapes';
import { ortVersion } from './runtime';

const workDir = process.env.LCNB_KERNEL_TMP || tmpdir();

function send(message: KernelResponse): void {
  process.send?.(message);
}

function userMessage(e: unknown): string {
  if (e instanceof JobError) return e.message;
  const message = e instanceof Error ? e.message : String(e);
  if (/Cannot find module 'onnxruntime-node'|onnxruntime_binding/.test(message)) {
    return `onnxruntime-node could not be loaded (${message.split('\n')[0]}); reinstall lcnb's dependencies`;
  }
  return `the profiling kernel failed: ${message}`;
}

async function handle(request: KernelRequest): Promise<void> {
  switch (request.type) {
    case 'hello':
      send({ type: 'hello', id: request.id, onnxruntimeVersion: ortVersion(), backends: listBackends(), pid: process.pid });
      return;
    case 'providers':
      send({ type: 'providersResult', id: request.id, providers: await providerStatuses() });
      return;
    case 'profile': {
      const result = await runProfileJob(request.request, (phase, done, total) => send({ type: 'progress', id: request.id, phase, done, total }), workDir);
      send({ type: 'profileResult', id: request.id, ...result });
      return;
    }
    case 'measure': {
      const result = await measureModels(request.request, (phase, done, total) => send({ type: 'progress', id: request.id, phase, done, total }), workDir);
      send({ type: 'measureResult', id: request.id, ...result });
      return;
    }
    case 'peaks':
      send({ type: 'peaksResult', id: request.id, ...(await measurePeaks(request.request, workDir)) });
      return;
    case 'shapes':
      send({ type: 'shapesResult', id: request.id, ...(await discoverShapes(request.request)) });
      return;
    default:
      throw new JobError(`unknown request type ${JSON.stringify((request as { type?: unknown }).type)}`);
  }
}

if (!process.send) {
  process.stderr.write('lcnb kernel: must be started by lcnb with an IPC channel\n');
  process.exit(2);
}

let queue: Promise<void> = Promise.resolve();

process.on('message', (raw: unknown) => {
  const request = raw as KernelRequest;
  if (request?.type === 'shutdown') {
    // Not queued: between two runs of a long job is soon enough.
    process.disconnect?.();
    process.exit(0);
  }
  queue = queue.then(async () => {
    try {
      await handle(request);
    } catch (e) {
      send({ type: 'error', id: typeof request?.id === 'number' ? request.id : -1, message: userMessage(e) });
    }
  });
});
process.on('exit', () => {
  // The client removes this folder when the process ends; this covers a client that exited first.
  if (process.env.LCNB_KERNEL_TMP) rmSync(process.env.LCNB_KERNEL_TMP, { recursive: true, force: true });
});
process.on('disconnect', () => process.exit(0));
