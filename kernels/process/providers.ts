/**
 * Execution providers: what onnxruntime-node offers here (`listSupportedBackends()`), whether each
 * can actually start (a tiny session is created and run once with it; the answer is kept for the
 * life of the process), and the choice for a job with a fallback to cpu that says why.
 */
import { readFileSync } from 'node:fs';
import { GraphBuilder } from '../../src/core/ir';
import { exportOnnx } from '../../src/onnx/writer';
import { IN_TURN_SPIN_US } from '../protocol';
import type { BackendInfo, ProviderStatus } from '../protocol';
import { ort, ortVersion, SessionOptions } from './runtime';

export interface ProviderChoice {
  readonly requested: string;
  readonly used: string;
  readonly fallbackReason?: string;
}

/** Providers whose libraries onnxruntime-node's install script downloads (and which a skipped install lacks). */
const DOWNLOADED = new Set(['cuda', 'tensorrt']);

export function listBackends(): BackendInfo[] {
  return ort()
    .listSupportedBackends()
    .map((b) => ({ name: b.name, bundled: b.bundled }));
}

/**
 * onnxruntime's error text without ANSI colours, source locations, C++ signatures and status
 * prefixes, on one line.
 */
export function condenseOrtError(message: string): string {
  let text = message.replace(/\x1b\[[0-9;]*m/g, '');
  const afterAssert = text.match(/ was false\.\s*([\s\S]+)$/);
  if (afterAssert) text = afterAssert[1];
  text = text
    .replace(/\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*/g, '')
    .replace(/(^|\s)\/\S+\.(cc|cpp|h):\d+\s+/g, '$1')
    .replace(/^[\w:~<>]+\([^)]*\)(::<lambda\(\)>)?\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 400 ? `${text.slice(0, 397)}…` : text;
}

function probeModel(): Uint8Array {
  const b = new GraphBuilder('lcnb_probe');
  const x = b.input('x', [1, 8]);
  return exportOnnx(b.build([b.add1('Relu', 'relu', [x])])).bytes;
}

const probes = new Map<string, Promise<ProviderStatus>>();

/** What to do about a provider this install lacks: said first, since a picker shows one line of it. */
function notBundledHint(name: string): string {
  return DOWNLOADED.has(name)
    ? `on a machine with ${name === 'tensorrt' ? 'TensorRT' : 'CUDA'}, run npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12 (its libraries come from that install script, which lcnb's install skips)`
    : `${name} is not bundled with this onnxruntime-node install`;
}

/** Whether `name` can start here; probed once per process. */
export function probeProvider(name: string): Promise<ProviderStatus> {
  let probe = probes.get(name);
  if (!probe) {
    probe = (async (): Promise<ProviderStatus> => {
      const backends = listBackends();
      const info = backends.find((b) => b.name === name);
      if (!info) {
        return {
          name,
          bundled: false,
          available: false,
          reason: `onnxruntime-node ${ortVersion()} on ${process.platform}/${process.arch} does not offer the '${name}' execution provider (it offers ${backends.map((b) => b.name).join(', ')})`,
        };
      }
      if (name === 'cpu') return { ...info, available: true };
      const { InferenceSession, Tensor } = ort();
      try {
        const session = await InferenceSession.create(probeModel(), { executionProviders: [name], logSeverityLevel: 3 });
        try {
          await session.run({ x: new Tensor('float32', new Float32Array(8).fill(0.5), [1, 8]) });
        } finally {
          await session.release();
        }
        return { ...info, available: true };
      } catch (e) {
        const said = condenseOrtError((e as Error).message);
        return { ...info, available: false, reason: info.bundled ? said : `${notBundledHint(name)}; onnxruntime: ${said}` };
      }
    })();
    probes.set(name, probe);
  }
  return probe;
}

export async function providerStatuses(): Promise<ProviderStatus[]> {
  return Promise.all(listBackends().map((b) => probeProvider(b.name)));
}

/** The provider a job runs on: the requested one when it can start, else cpu with the reason. */
export async function chooseProvider(requested: string): Promise<ProviderChoice> {
  const name = requested.trim().toLowerCase() || 'cpu';
  const status = await probeProvider(name);
  if (status.available) return { requested: name, used: name };
  return { requested: name, used: 'cpu', fallbackReason: `${name} could not start: ${status.reason}; ran on cpu instead` };
}

/** The processors this process may run on, in order (Linux: /proc/self/status); undefined where the system does not say. */
export function allowedProcessors(status?: string): number[] | undefined {
  let text = status;
  if (text === undefined) {
    if (process.platform !== 'linux') return undefined;
    try {
      text = readFileSync('/proc/self/status', 'utf8');
    } catch {
      return undefined;
    }
  }
  const list = text.match(/^Cpus_allowed_list:\s*(\S+)\s*$/m)?.[1];
  if (!list) return undefined;
  const out: number[] = [];
  for (const part of list.split(',')) {
    const [from, to = from] = part.split('-').map(Number);
    if (!Number.isInteger(from) || !Number.isInteger(to) || to < from) return undefined;
    for (let p = from; p <= to; p++) out.push(p);
  }
  return out.length ? out : undefined;
}

let processorsRead: { readonly list: number[] | undefined } | undefined;

/** allowedProcessors for this process, read once: every session of a job asks for it. */
function thisProcessProcessors(): number[] | undefined {
  processorsRead ??= { list: allowedProcessors() };
  return processorsRead.list;
}

/**
 * onnxruntime's `session.intra_op_thread_affinities` for a session timed in turn with others: worker
 * k of the `threads` − 1 pool threads on the (k + 1)-th allowed processor (wrapping), the calling
 * thread left free, so that every session of a job has its workers in the same place. Unpinned,
 * each session's worker settles wherever the scheduler first put it: with another process keeping
 * one of two cores busy, one of two identical sessions read 1.03–1.09× the other, job after job;
 * pinned, 0.987–1.009 (bench/README.md). Undefined with one thread or where processors are unknown.
 */
export function workerAffinities(threads: number, processors = thisProcessProcessors()): string | undefined {
  if (threads < 2 || !processors?.length) return undefined;
  // onnxruntime numbers logical processors from 1.
  return Array.from({ length: threads - 1 }, (_, k) => String(processors[(k + 1) % processors.length] + 1)).join(';');
}

/**
 * How an idle intra-op worker waits for more work: `default`, onnxruntime's own spinning, for a
 * session timed alone; `bounded`, at most IN_TURN_SPIN_US before it sleeps, for sessions timed in
 * turn on a machine otherwise idle; `off`, asleep at once, for sessions timed in turn while other
 * work runs (a worker that spins then competes with it, and the scheduler preempts it mid-node:
 * with one of two cores kept busy, corrected coverage read 0.89–1.45 with a 20–100 µs bound against
 * 0.96–1.03 with spinning off).
 */
export type Spinning = 'default' | 'bounded' | 'off';

/** The session options every lcnb session shares. `pinned`: the pool's workers on fixed processors (workerAffinities), for sessions timed in turn. */
export function baseSessionOptions(provider: string, threads: number, { spinning = 'bounded', pinned = false }: { spinning?: Spinning; pinned?: boolean } = {}): SessionOptions {
  const affinities = pinned ? workerAffinities(threads) : undefined;
  return {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 3,
    extra: {
      session: {
        intra_op:
          spinning === 'default' ? { allow_spinning: '1' } : spinning === 'off' ? { allow_spinning: '0' } : { allow_spinning: '1', spin_duration_us: String(IN_TURN_SPIN_US) },
        ...(affinities ? { intra_op_thread_affinities: affinities } : {}),
      },
    },
  };
}
