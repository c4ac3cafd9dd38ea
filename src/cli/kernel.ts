/** The profiling kernel process as the CLI starts it, and Ctrl-C. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KernelClient } from '../../kernels/host/client';

/** The kernel process: the bundled dist/kernel.js beside dist/cli.js, or kernels/process/main.ts under tsx when run from source. */
export function kernelClient(): KernelClient {
  const bundled = join(__dirname, 'kernel.js');
  if (existsSync(bundled)) return new KernelClient(bundled);
  return new KernelClient(join(__dirname, '..', '..', 'kernels', 'process', 'main.ts'), { execArgv: ['--import', 'tsx'] });
}

/**
 * Runs `body` with a kernel process (when `wanted`) and an abort signal that Ctrl-C fires; the
 * kernel is disposed however `body` ends.
 */
export async function withKernel<T>(wanted: boolean, body: (kernel: KernelClient | undefined, signal: AbortSignal) => Promise<T>): Promise<T> {
  const kernel = wanted ? kernelClient() : undefined;
  const abort = new AbortController();
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  try {
    return await body(kernel, abort.signal);
  } finally {
    process.off('SIGINT', interrupt);
    await kernel?.dispose();
  }
}
