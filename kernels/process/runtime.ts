/** The one place that loads onnxruntime-node, on first use, inside the kernel process. */
export type Ort = typeof import('onnxruntime-node');
export type Session = import('onnxruntime-node').InferenceSession;
export type SessionOptions = import('onnxruntime-node').InferenceSession.SessionOptions;

let runtime: Ort | undefined;

/** onnxruntime-node, loaded on first use so the process starts fast and a broken install is reported per job. */
export function ort(): Ort {
  process.env.ORT_DISABLE_TELEMETRY = '1';
  runtime ??= require('onnxruntime-node') as Ort;
  return runtime;
}

export function ortVersion(): string {
  return ort().env.versions.common ?? 'unknown';
}
