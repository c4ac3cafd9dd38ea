/**
 * Messages between the extension host (or CLI) and the profiling kernel process, over Node's IPC
 * channel. The kernel is the only process that loads onnxruntime-node.
 */
export type KernelRequest = { type: 'hello'; id: number } | { type: 'shutdown'; id: number };

export interface BackendInfo {
  /** onnxruntime's name for the execution provider: cpu, cuda, webgpu, … */
  readonly name: string;
  /** Whether its binaries ship inside the installed onnxruntime-node package. */
  readonly bundled: boolean;
}

export type KernelResponse =
  | { type: 'hello'; id: number; onnxruntimeVersion: string; backends: BackendInfo[]; pid: number }
  | { type: 'error'; id: number; message: string };
