/**
 * Entry point of the profiling kernel process (forked with an IPC channel). It alone loads
 * onnxruntime-node, so a native crash takes down this process and never the editor.
 */
process.env.ORT_DISABLE_TELEMETRY = '1';

import type { KernelRequest, KernelResponse } from './protocol';

type OnnxRuntime = typeof import('onnxruntime-node');

let runtime: OnnxRuntime | undefined;

function loadRuntime(): OnnxRuntime {
  // Loaded on first use so the process starts fast and a broken install is reported per job.
  runtime ??= require('onnxruntime-node') as OnnxRuntime;
  return runtime;
}

function send(message: KernelResponse): void {
  process.send?.(message);
}

function handle(request: KernelRequest): void {
  switch (request.type) {
    case 'hello': {
      const ort = loadRuntime();
      const backends = ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
      send({ type: 'hello', id: request.id, onnxruntimeVersion: ort.env.versions.common ?? 'unknown', backends, pid: process.pid });
      return;
    }
    case 'shutdown':
      process.disconnect?.();
      process.exit(0);
  }
}

if (!process.send) {
  process.stderr.write('lcnb kernel: must be started by lcnb with an IPC channel\n');
  process.exit(2);
}

process.on('message', (raw: unknown) => {
  const request = raw as KernelRequest;
  try {
    handle(request);
  } catch (e) {
    send({ type: 'error', id: request?.id ?? -1, message: (e as Error).message });
  }
});
process.on('disconnect', () => process.exit(0));
