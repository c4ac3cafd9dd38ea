/**
 * Runs fuzz cases in a worker process with limits: CPU_LIMIT_MS of CPU time per case (a slower
 * case is a finding), a worker that has not answered after HANG_MS is killed (a hang), a worker
 * that dies is a crash, and one whose peak memory passes MEMORY_LIMIT_MB (or whose heap passes
 * HEAP_LIMIT_MB, which kills it) is a memory finding. After a hang, crash or memory finding the
 * worker is replaced, so the run goes on.
 */
import { ChildProcess, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mutateNotebook, mutateOnnx } from './mutate';
import { caseSeed, Random } from './random';
import { notebookSeeds, onnxSeeds, Seed } from './seeds';
import { Format } from './targets';
import type { WorkerReply, WorkerRequest } from './worker';

export const CPU_LIMIT_MS = 1000;
export const HANG_MS = 10_000;
export const HEAP_LIMIT_MB = 512;
export const MEMORY_LIMIT_MB = 1024;
export const CORPUS_DIR = join(__dirname, 'corpus');
export const EXTENSIONS: Record<Format, string> = { lcnb: '.lcnb', onnx: '.onnx' };

export type FindingKind = 'unclear' | 'slow' | 'hang' | 'crash' | 'memory';

export interface CaseReport {
  readonly status: 'ok' | 'error' | FindingKind;
  readonly message?: string;
  readonly cpuMs: number;
}

export class FuzzWorker {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private stderr: string[] = [];
  restarts = 0;

  constructor(
    private readonly warmup: readonly { format: Format; bytes: Uint8Array }[] = [],
    private readonly hangMs = HANG_MS,
  ) {}

  private start(): Promise<void> {
    this.stderr = [];
    const child = fork(join(__dirname, 'worker.ts'), [], {
      execArgv: ['--import', 'tsx', `--max-old-space-size=${HEAP_LIMIT_MB}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      this.stderr.push(chunk);
      if (this.stderr.length > 50) this.stderr.shift();
    });
    this.child = child;
    return new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`the fuzz worker exited while starting (${code}): ${this.stderr.join('')}`)));
    }).then(async () => {
      // Lazy set-up (schemas, zoo tables) is paid here, not by the first case.
      for (const w of this.warmup) await this.send(w.format, w.bytes, 60_000);
    });
  }

  private kill(): void {
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    child?.removeAllListeners();
    child?.kill('SIGKILL');
    this.restarts++;
  }

  private send(format: Format, bytes: Uint8Array, timeoutMs: number): Promise<WorkerReply | { kind: 'hang' | 'crash'; message: string }> {
    const child = this.child!;
    const id = this.nextId++;
    return new Promise((resolve) => {
      const done = (value: WorkerReply | { kind: 'hang' | 'crash'; message: string }) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(value);
      };
      const onMessage = (reply: WorkerReply) => reply.id === id && done(reply);
      const onExit = (code: number | null, signal: string | null) => {
        const output = this.stderr.join('');
        const oom = /heap out of memory|Allocation failed/i.exec(output);
        const tail = oom ? `JavaScript ${oom[0]}` : output.split('\n').filter((l) => l.trim()).slice(-4).join(' | ');
        done({ kind: 'crash', message: `the worker died (${signal ?? `exit code ${code}`}): ${tail}` });
      };
      const timer = setTimeout(() => done({ kind: 'hang', message: `no answer after ${timeoutMs} ms` }), timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ id, format, bytes } satisfies WorkerRequest);
    });
  }

  async run(format: Format, bytes: Uint8Array): Promise<CaseReport> {
    this.ready ??= this.start();
    await this.ready;
    const reply = await this.send(format, bytes, this.hangMs);
    if ('kind' in reply) {
      this.kill();
      const oom = /heap out of memory|Allocation failed/i.test(reply.message);
      return { status: oom ? 'memory' : reply.kind, message: reply.message, cpuMs: this.hangMs };
    }
    if (reply.maxRssMb > MEMORY_LIMIT_MB) {
      this.kill();
      return { status: 'memory', message: `peak memory ${Math.round(reply.maxRssMb)} MB (limit ${MEMORY_LIMIT_MB} MB)`, cpuMs: reply.cpuMs };
    }
    if (reply.status === 'unclear') return { status: 'unclear', message: reply.message, cpuMs: reply.cpuMs };
    if (reply.cpuMs > CPU_LIMIT_MS) return { status: 'slow', message: `${Math.round(reply.cpuMs)} ms of CPU (limit ${CPU_LIMIT_MS} ms)`, cpuMs: reply.cpuMs };
    return { status: reply.status, message: reply.message, cpuMs: reply.cpuMs };
  }

  async dispose(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.disconnect();
    await exited;
  }
}

export interface Finding {
  readonly format: Format;
  readonly index: number;
  readonly kind: FindingKind;
  readonly message: string;
  readonly what: string;
  readonly bytes: Uint8Array;
}

export interface FuzzStats {
  readonly format: Format;
  readonly seed: number;
  cases: number;
  ok: number;
  errors: number;
  findings: Finding[];
  maxCpuMs: number;
  cpuMs: number[];
  seconds: number;
  restarts: number;
}

export function seedsFor(format: Format): Seed[] {
  return format === 'onnx' ? onnxSeeds() : notebookSeeds();
}

/** The input of case `index` of a run seeded with `seed`: the same on every machine. */
export function fuzzCase(format: Format, seeds: readonly Seed[], seed: number, index: number): { bytes: Uint8Array; what: string } {
  const r = new Random(caseSeed(seed, index));
  const base = r.pick(seeds);
  const other = r.pick(seeds);
  const m = format === 'onnx' ? mutateOnnx(r, base.bytes, other.bytes) : mutateNotebook(r, base.bytes, other.bytes);
  return { bytes: m.bytes, what: `${base.name}: ${m.what}` };
}

export async function fuzz(options: {
  format: Format;
  cases: number;
  seed: number;
  /** Stop starting new cases after this many seconds. */
  seconds?: number;
  onFinding?: (finding: Finding) => void;
  onProgress?: (stats: FuzzStats) => void;
}): Promise<FuzzStats> {
  const { format, seed } = options;
  const seeds = seedsFor(format);
  const worker = new FuzzWorker(seeds.map((s) => ({ format, bytes: s.bytes })));
  const stats: FuzzStats = { format, seed, cases: 0, ok: 0, errors: 0, findings: [], maxCpuMs: 0, cpuMs: [], seconds: 0, restarts: 0 };
  const start = Date.now();
  try {
    for (let index = 0; index < options.cases; index++) {
      if (options.seconds !== undefined && (Date.now() - start) / 1000 > options.seconds) break;
      const { bytes, what } = fuzzCase(format, seeds, seed, index);
      const report = await worker.run(format, bytes);
      stats.cases++;
      stats.cpuMs.push(report.cpuMs);
      stats.maxCpuMs = Math.max(stats.maxCpuMs, report.cpuMs);
      if (report.status === 'ok') stats.ok++;
      else if (report.status === 'error') stats.errors++;
      else {
        const finding: Finding = { format, index, kind: report.status, message: report.message ?? '', what, bytes };
        stats.findings.push(finding);
        options.onFinding?.(finding);
      }
      if (stats.cases % 250 === 0) options.onProgress?.({ ...stats, seconds: (Date.now() - start) / 1000 });
    }
  } finally {
    stats.seconds = (Date.now() - start) / 1000;
    stats.restarts = worker.restarts;
    await worker.dispose();
  }
  return stats;
}

/** Keeps a failing input in the regression corpus (once per content); returns its file name. */
export function saveToCorpus(finding: Finding): string {
  mkdirSync(CORPUS_DIR, { recursive: true });
  const hash = createHash('sha256').update(finding.bytes).digest('hex').slice(0, 12);
  const file = `${finding.format}-${finding.kind}-${hash}${EXTENSIONS[finding.format]}`;
  const path = join(CORPUS_DIR, file);
  if (!existsSync(path)) {
    writeFileSync(path, finding.bytes);
    const indexPath = join(CORPUS_DIR, 'index.json');
    const index = existsSync(indexPath) ? (JSON.parse(readFileSync(indexPath, 'utf8')) as Record<string, unknown>) : {};
    index[file] = { found: finding.kind, mutation: finding.what, message: finding.message.slice(0, 500) };
    writeFileSync(indexPath, `${JSON.stringify(index, null, 1)}\n`);
  }
  return file;
}

export function corpusFiles(): { file: string; format: Format; bytes: Uint8Array }[] {
  if (!existsSync(CORPUS_DIR)) return [];
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.lcnb') || f.endsWith('.onnx'))
    .sort()
    .map((file) => ({ file, format: file.endsWith('.onnx') ? 'onnx' : 'lcnb', bytes: new Uint8Array(readFileSync(join(CORPUS_DIR, file))) }));
}
