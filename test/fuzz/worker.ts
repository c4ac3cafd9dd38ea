/**
 * The fuzz worker process: runs one case at a time for its parent (test/fuzz/harness.ts), which
 * kills it when a case runs too long and starts a new one, so a hang is caught, not frozen.
 * Each reply carries the case's CPU time and the process's peak memory.
 */
import { resourceUsage } from 'node:process';
import { Format, runCase, SELF_TEST } from './targets';

export interface WorkerRequest {
  readonly id: number;
  readonly format: Format;
  readonly bytes: Uint8Array;
}

export interface WorkerReply {
  readonly id: number;
  readonly status: 'ok' | 'error' | 'unclear';
  readonly message?: string;
  readonly cpuMs: number;
  readonly wallMs: number;
  /** Peak resident memory of this process so far. */
  readonly maxRssMb: number;
}

if (!process.send) {
  process.stderr.write('test/fuzz/worker.ts is started by the fuzz harness\n');
  process.exit(2);
}

function selfTest(bytes: Uint8Array): void {
  const text = bytes.length < 64 ? new TextDecoder().decode(bytes) : '';
  if (text === SELF_TEST.hang) for (;;);
  if (text === SELF_TEST.crash) process.abort();
  if (text === SELF_TEST.memory) {
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array<number>(1_000_000).fill(1));
  }
}

process.on('message', async (request: WorkerRequest) => {
  selfTest(new Uint8Array(request.bytes));
  const cpu = process.cpuUsage();
  const start = performance.now();
  let result;
  try {
    result = await runCase(request.format, new Uint8Array(request.bytes));
  } catch (e) {
    result = { status: 'unclear' as const, message: `the harness itself failed: ${(e as Error).stack}` };
  }
  const used = process.cpuUsage(cpu);
  const reply: WorkerReply = {
    id: request.id,
    ...result,
    cpuMs: (used.user + used.system) / 1000,
    wallMs: performance.now() - start,
    maxRssMb: resourceUsage().maxRSS / 1024,
  };
  process.send!(reply);
});
process.on('disconnect', () => process.exit(0));
process.send({ id: -1, status: 'ok', cpuMs: 0, wallMs: 0, maxRssMb: 0 } satisfies WorkerReply);
