/**
 * The host side of the profiling kernel, for the extension host and the CLI. It never loads
 * onnxruntime-node: it forks the kernel process on the first job, sends it one job at a time, and
 * survives whatever happens to that process. Cancelling a running job kills the process (onnxruntime's
 * run() cannot be interrupted), so cancellation lands at once; a process that dies fails its job with
 * a clear message, and the next job starts a fresh one.
 */
import { ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import type {
  BackendInfo,
  KernelRequest,
  KernelResponse,
  PeaksRequest,
  PeaksResult,
  MeasureRequest,
  MeasureResult,
  ProfilePhase,
  ProfileRequest,
  ProfileResult,
  ProviderStatus,
  ShapesRequest,
  ShapesResult,
} from '../protocol';

export type KernelErrorReason = 'cancelled' | 'crashed' | 'failed' | 'disposed' | 'unavailable';

/** A job that did not produce a result; `reason` says why, `message` says it to the user. */
export class KernelError extends Error {
  constructor(
    message: string,
    readonly reason: KernelErrorReason,
  ) {
    super(message);
    this.name = 'KernelError';
  }
}

export interface KernelProgress {
  readonly phase: ProfilePhase;
  readonly done: number;
  readonly total: number;
}

export interface JobOptions {
  readonly signal?: AbortSignal;
}

export interface ProfileJobOptions extends JobOptions {
  readonly onProgress?: (progress: KernelProgress) => void;
}

export interface HelloResult {
  readonly onnxruntimeVersion: string;
  readonly backends: BackendInfo[];
  readonly pid: number;
}

export interface KernelClientOptions {
  /** Node options for the kernel process, e.g. ['--import', 'tsx'] to run kernels/process/main.ts from source. */
  readonly execArgv?: string[];
  /** The Node executable; defaults to the caller's (in VS Code, its own Node runtime). */
  readonly execPath?: string;
  /** Extra environment for the kernel process. */
  readonly env?: NodeJS.ProcessEnv;
  /** Each line the kernel process writes to stdout or stderr (onnxruntime's native log). */
  readonly onLog?: (line: string) => void;
}

type Job = {
  readonly id: number;
  readonly request: KernelRequest;
  /** What the job is doing, for messages: "profiling model.onnx". */
  readonly what: string;
  readonly onProgress?: (progress: KernelProgress) => void;
  readonly resolve: (message: KernelResponse) => void;
  readonly reject: (error: KernelError) => void;
  progress?: KernelProgress;
  settled: boolean;
};

const STDERR_TAIL = 20;

function phaseText(p: KernelProgress): string {
  switch (p.phase) {
    case 'load':
      return 'loading the model';
    case 'warmup':
      return `warm-up run ${Math.min(p.done + 1, p.total)} of ${p.total}`;
    case 'runs':
      return `timed run ${Math.min(p.done + 1, p.total)} of ${p.total}`;
    case 'alone':
      return `run ${Math.min(p.done + 1, p.total)} of ${p.total} alone`;
  }
}

function crashMessage(job: Job, code: number | null, signal: NodeJS.Signals | null, stderrTail: readonly string[]): string {
  const how = signal ? `signal ${signal}` : `exit code ${code}`;
  const where = job.progress ? `${job.what} (${phaseText(job.progress)})` : job.what;
  const lines = stderrTail.map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trim()).filter((l) => l && !/^at /.test(l));
  // A JavaScript error names itself on one line ("TypeError [CODE]: …"); otherwise the last lines say most.
  const thrown = lines.find((l) => /^\w*Error\b.*:/.test(l));
  const last = thrown ?? lines.slice(-3).join(' | ');
  const output = last ? ` Its last output: ${last.length > 300 ? `${last.slice(0, 297)}…` : last}` : '';
  return `the profiling kernel stopped unexpectedly (${how}) while ${where}; it will be restarted for the next job.${output}`;
}

export class KernelClient {
  private child: ChildProcess | undefined;
  private current: Job | undefined;
  private queue: Promise<void> = Promise.resolve();
  private nextId = 1;
  private disposed = false;
  private readonly exits = new Set<Promise<void>>();
  /** The last stderr lines of each kernel process since its current job started. */
  private readonly stderrTails = new WeakMap<ChildProcess, string[]>();

  /** @param entry the kernel's entry file: dist/kernel.js when built, kernels/process/main.ts under tsx. */
  constructor(
    private readonly entry: string,
    private readonly options: KernelClientOptions = {},
  ) {}

  /** The kernel process's id while one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  hello(options: JobOptions = {}): Promise<HelloResult> {
    return this.submit({ type: 'hello', id: 0 }, 'starting', options, 'hello').then(({ onnxruntimeVersion, backends, pid }) => ({ onnxruntimeVersion, backends, pid }));
  }

  /** Every provider onnxruntime-node offers here, and whether each can start. */
  providers(options: JobOptions = {}): Promise<ProviderStatus[]> {
    return this.submit({ type: 'providers', id: 0 }, 'checking the execution providers', options, 'providersResult').then((m) => m.providers);
  }

  profile(request: ProfileRequest, options: ProfileJobOptions = {}): Promise<ProfileResult> {
    return this.submit({ type: 'profile', id: 0, request }, `profiling ${basename(request.modelPath)}`, options, 'profileResult').then(
      ({ type: _t, id: _i, ...result }) => result,
    );
  }

  /** Several models timed together, in turn round by round (see MeasureRequest). */
  measure(request: MeasureRequest, options: ProfileJobOptions = {}): Promise<MeasureResult> {
    const what = request.models.length === 1 ? `profiling ${basename(request.models[0].modelPath)}` : `measuring ${request.models.length} models in turn`;
    return this.submit({ type: 'measure', id: 0, request }, what, options, 'measureResult').then(({ type: _t, id: _i, ...result }) => result);
  }

  peaks(request: PeaksRequest, options: JobOptions = {}): Promise<PeaksResult> {
    return this.submit({ type: 'peaks', id: 0, request }, `measuring the machine's peak FLOPS and bandwidth on ${request.provider}`, options, 'peaksResult').then(
      ({ type: _t, id: _i, ...result }) => result,
    );
  }

  /** Runs a stored model once with intermediate tensors exposed, and returns their shapes. */
  shapes(request: ShapesRequest, options: JobOptions = {}): Promise<ShapesResult> {
    return this.submit({ type: 'shapes', id: 0, request }, `running ${basename(request.modelPath)} once for its shapes`, options, 'shapesResult').then(({ type: _t, id: _i, ...result }) => result);
  }

  /** Stops the kernel process; jobs still waiting fail with reason 'disposed'. */
  async dispose(): Promise<void> {
    if (this.disposed) return Promise.all(this.exits).then(() => undefined);
    this.disposed = true;
    this.current?.reject(new KernelError('the profiling kernel was shut down', 'disposed'));
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      // Wait for the exit (its handler removes the temporary folder); a busy kernel is killed after 1 s.
      child.ref();
      child.channel?.ref();
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 1000);
      child.once('exit', () => clearTimeout(killTimer));
      try {
        child.send({ type: 'shutdown', id: 0 } satisfies KernelRequest);
      } catch {
        child.kill('SIGKILL');
      }
    }
    await Promise.all(this.exits);
  }

  private submit<T extends KernelResponse['type']>(
    request: KernelRequest,
    what: string,
    options: ProfileJobOptions,
    expect: T,
  ): Promise<Extract<KernelResponse, { type: T }>> {
    const { signal, onProgress } = options;
    return new Promise<Extract<KernelResponse, { type: T }>>((resolve, reject) => {
      const id = this.nextId++;
      let finished: (() => void) | undefined;
      const settle = (body: () => void) => {
        if (job.settled) return;
        job.settled = true;
        signal?.removeEventListener('abort', cancel);
        body();
        finished?.();
      };
      const job: Job = {
        id,
        request: { ...request, id },
        what,
        onProgress,
        settled: false,
        resolve: (message) =>
          settle(() => {
            if (message.type === expect) resolve(message as Extract<KernelResponse, { type: T }>);
            else reject(new KernelError(`the profiling kernel answered ${message.type} to ${what}`, 'failed'));
          }),
        reject: (error) => settle(() => reject(error)),
      };
      const cancel = () => {
        if (job.settled) return;
        if (this.current === job) this.kill();
        job.reject(new KernelError(`cancelled ${what}`, 'cancelled'));
      };
      if (signal?.aborted) return cancel();
      signal?.addEventListener('abort', cancel, { once: true });
      const run = () =>
        new Promise<void>((done) => {
          if (job.settled) return done();
          if (this.disposed) {
            job.reject(new KernelError('the profiling kernel was shut down', 'disposed'));
            return done();
          }
          finished = () => {
            if (this.current === job) this.current = undefined;
            this.setIdle(true);
            done();
          };
          this.current = job;
          this.start(job);
        });
      this.queue = this.queue.then(run, run);
    });
  }

  private start(job: Job): void {
    let child: ChildProcess;
    try {
      child = this.ensureProcess();
    } catch (e) {
      job.reject(e instanceof KernelError ? e : new KernelError(`the profiling kernel could not be started: ${(e as Error).message}`, 'unavailable'));
      return;
    }
    this.setIdle(false);
    this.stderrTails.get(child)!.length = 0;
    child.send(job.request, (error) => {
      if (error && !job.settled && this.child === child) {
        // The channel closed under us: the exit handler reports the crash; make sure there is one.
        child.kill('SIGKILL');
      }
    });
  }

  private ensureProcess(): ChildProcess {
    if (this.child) return this.child;
    if (!existsSync(this.entry)) {
      throw new KernelError(`the profiling kernel is missing (${this.entry}); build lcnb with 'npm run build'`, 'unavailable');
    }
    const tmp = mkdtempSync(join(tmpdir(), 'lcnb-kernel-'));
    let child: ChildProcess;
    try {
      child = fork(this.entry, [], {
        execArgv: this.options.execArgv ?? [],
        ...(this.options.execPath ? { execPath: this.options.execPath } : {}),
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        env: { ...process.env, ...this.options.env, ORT_DISABLE_TELEMETRY: '1', LCNB_KERNEL_TMP: tmp },
        serialization: 'json',
      });
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    this.child = child;
    const tail: string[] = [];
    this.stderrTails.set(child, tail);
    this.pipeLines(child.stdout);
    this.pipeLines(child.stderr, tail);
    child.on('message', (message: KernelResponse) => this.onMessage(child, message));
    let exited!: () => void;
    const exit = new Promise<void>((resolve) => (exited = resolve));
    this.exits.add(exit);
    child.on('error', (error) => {
      if (child.pid === undefined) {
        // Never spawned: there will be no exit event.
        rmSync(tmp, { recursive: true, force: true });
        this.exits.delete(exit);
        exited();
      }
      if (this.child !== child) return;
      this.child = undefined;
      this.current?.reject(new KernelError(`the profiling kernel could not be started: ${error.message}`, 'unavailable'));
    });
    child.on('exit', (code, signal) => {
      rmSync(tmp, { recursive: true, force: true });
      if (this.child === child) {
        this.child = undefined;
        const job = this.current;
        if (job) job.reject(new KernelError(crashMessage(job, code, signal, tail), 'crashed'));
      }
      this.exits.delete(exit);
      exited();
    });
    return child;
  }

  private onMessage(child: ChildProcess, message: KernelResponse): void {
    const job = this.current;
    if (child !== this.child || !job || message.id !== job.id) return;
    switch (message.type) {
      case 'progress': {
        const progress = { phase: message.phase, done: message.done, total: message.total };
        job.progress = progress;
        try {
          job.onProgress?.(progress);
        } catch {
          // A failing progress callback must not break the job.
        }
        return;
      }
      case 'error':
        job.reject(new KernelError(message.message, 'failed'));
        return;
      default:
        job.resolve(message);
    }
  }

  private kill(): void {
    const child = this.child;
    this.child = undefined;
    child?.kill('SIGKILL');
  }

  /** An idle kernel does not keep the caller's process alive (a CLI may exit without dispose()). */
  private setIdle(idle: boolean): void {
    const child = this.child;
    if (!child) return;
    const handles = [child, child.channel, child.stdout, child.stderr] as ({ ref?(): void; unref?(): void } | null | undefined)[];
    for (const h of handles) {
      if (idle) h?.unref?.();
      else h?.ref?.();
    }
  }

  private pipeLines(stream: Readable | null, tail?: string[]): void {
    if (!stream) return;
    stream.setEncoding('utf8');
    let partial = '';
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.line(line, tail);
    });
    stream.on('end', () => {
      if (partial) this.line(partial, tail);
      partial = '';
    });
  }

  private line(line: string, tail?: string[]): void {
    if (tail) {
      tail.push(line);
      if (tail.length > STDERR_TAIL) tail.shift();
    }
    this.options.onLog?.(line);
  }
}
