/**
 * Machine peaks through onnxruntime, for the roofline: peak GEMM throughput (square float32 MatMuls,
 * FLOPs = 2·M·N·K) and peak memory bandwidth (a float32 Add of two 32 Mi-element vectors,
 * bytes = 3 × elements × 4: two read, one written). Each figure is the best kernel time over several
 * runs as onnxruntime's profiler reports it, the same clock the per-layer times use, so binding
 * overhead (copying outputs into JavaScript, moving inputs to a device) is left out.
 *
 * Results are cached in `<cache dir>/peaks.json` (cache dir: $LCNB_CACHE_DIR, else ~/.cache/lcnb)
 * keyed by CPU model, core count, provider, threads and onnxruntime version.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '../src/core/ir';
import { exportOnnx } from '../src/onnx/writer';
import { writeFileAtomicSync } from '../src/run/atomicWrite';
import { JobError, seededFloats } from './profile';
import type { PeaksRequest, PeaksResult } from './protocol';
import { baseSessionOptions, chooseProvider, condenseOrtError } from './providers';
import { ort, ortVersion } from './runtime';
import { readTraceFile, summarizeTrace } from './trace';

export const GEMM_SIZES = [1024, 1536, 2048] as const;
export const GEMM_RUNS = 4;
export const BANDWIDTH_ELEMENTS = 32 * 1024 * 1024;
export const BANDWIDTH_RUNS = 5;

const METHOD =
  `best onnxruntime kernel time of ${GEMM_RUNS} runs (after 1 warm-up) of float32 MatMuls ${GEMM_SIZES.map((n) => `${n}³`).join(', ')} (FLOPs = 2·M·N·K) ` +
  `and of ${BANDWIDTH_RUNS} runs of a float32 Add of two ${BANDWIDTH_ELEMENTS / 2 ** 20} Mi-element tensors (bytes = 3 × elements × 4)`;

export function cacheDir(): string {
  return process.env.LCNB_CACHE_DIR || join(homedir(), '.cache', 'lcnb');
}

export function cacheFile(): string {
  return join(cacheDir(), 'peaks.json');
}

interface CacheFile {
  version: 1;
  entries: Record<string, Omit<PeaksResult, 'cached' | 'cacheFile'>>;
}

function readCache(file: string): CacheFile {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    if (parsed && parsed.version === 1 && typeof parsed.entries === 'object' && parsed.entries) return parsed;
  } catch {
    // Missing or unreadable: measured again and rewritten.
  }
  return { version: 1, entries: {} };
}

function writeCache(file: string, cache: CacheFile): void {
  mkdirSync(cacheDir(), { recursive: true });
  writeFileAtomicSync(file, `${JSON.stringify(cache, null, 2)}\n`);
}

export function machine(): { cpuModel: string; cores: number } {
  const list = cpus();
  return { cpuModel: (list[0]?.model ?? 'unknown CPU').trim(), cores: list.length };
}

export function peaksKey(cpuModel: string, cores: number, provider: string, threads: number, version: string): string {
  return `${cpuModel} | ${cores} cores | ${provider} | ${threads} threads | onnxruntime ${version}`;
}

/** Best kernel time (ms) of `node` over `runs` timed runs of a one-node model. */
async function bestKernelMs(
  bytes: Uint8Array,
  feeds: Record<string, import('onnxruntime-node').Tensor>,
  node: string,
  provider: string,
  threads: number,
  runs: number,
  workDir: string,
): Promise<number> {
  const { InferenceSession } = ort();
  const dir = mkdtempSync(join(workDir, 'peaks-'));
  try {
    let session;
    try {
      session = await InferenceSession.create(bytes, {
        ...baseSessionOptions(provider, threads),
        graphOptimizationLevel: 'basic',
        enableProfiling: true,
        profileFilePrefix: join(dir, 'trace'),
      });
    } catch (e) {
      throw new JobError(`onnxruntime could not create the ${node} session for the peaks: ${condenseOrtError((e as Error).message)}`);
    }
    try {
      for (let i = 0; i < 1 + runs; i++) await session.run(feeds);
    } finally {
      await session.release();
    }
    const file = readdirSync(dir).find((f) => f.startsWith('trace') && f.endsWith('.json'));
    if (!file) throw new JobError('onnxruntime wrote no profile trace');
    const summary = summarizeTrace(await readTraceFile(join(dir, file)), 1, runs);
    const times = summary.nodes.find((n) => n.name === node)?.perRunUs.filter((t) => t > 0) ?? [];
    if (!times.length) throw new JobError(`onnxruntime's profile has no time for the ${node} node`);
    return Math.min(...times) / 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function gemmModel(n: number): Uint8Array {
  const b = new GraphBuilder(`lcnb_peak_gemm_${n}`);
  const a = b.input('a', [n, n]);
  const w = b.input('b', [n, n]);
  return exportOnnx(b.build([b.add1('MatMul', 'matmul', [a, w])])).bytes;
}

function addModel(elements: number): Uint8Array {
  const b = new GraphBuilder('lcnb_peak_bandwidth');
  const x = b.input('x', [elements]);
  const y = b.input('y', [elements]);
  return exportOnnx(b.build([b.add1('Add', 'add', [x, y])])).bytes;
}

export async function measurePeaks(req: PeaksRequest, workDir = tmpdir()): Promise<PeaksResult> {
  if (typeof req.threads !== 'number' || !Number.isInteger(req.threads) || req.threads < 1 || req.threads > 1024) {
    throw new JobError(`threads must be an integer from 1 to 1024, got ${JSON.stringify(req.threads)}`);
  }
  if (typeof req.provider !== 'string') throw new JobError('provider must be a name such as cpu or cuda');
  const choice = await chooseProvider(req.provider);
  const { cpuModel, cores } = machine();
  const version = ortVersion();
  const key = peaksKey(cpuModel, cores, choice.used, req.threads, version);
  const file = cacheFile();
  const cache = readCache(file);
  const settings = {
    providerRequested: choice.requested,
    providerUsed: choice.used,
    ...(choice.fallbackReason ? { fallbackReason: choice.fallbackReason } : {}),
    threads: req.threads,
    onnxruntimeVersion: version,
    cpuModel,
    cores,
  };
  const hit = cache.entries[key];
  if (hit && !req.refresh) return { ...hit, settings, cached: true, cacheFile: file };

  const { Tensor } = ort();
  const gemm = [];
  for (const n of GEMM_SIZES) {
    const feeds = { a: new Tensor('float32', seededFloats(n * n, 1), [n, n]), b: new Tensor('float32', seededFloats(n * n, 2), [n, n]) };
    const bestMs = await bestKernelMs(gemmModel(n), feeds, 'matmul', choice.used, req.threads, GEMM_RUNS, workDir);
    gemm.push({ n, bestMs, flops: (2 * n ** 3) / (bestMs / 1000) });
  }
  const elements = BANDWIDTH_ELEMENTS;
  const bytes = 3 * elements * 4;
  const addFeeds = { x: new Tensor('float32', seededFloats(elements, 3), [elements]), y: new Tensor('float32', seededFloats(elements, 4), [elements]) };
  const addMs = await bestKernelMs(addModel(elements), addFeeds, 'add', choice.used, req.threads, BANDWIDTH_RUNS, workDir);

  const entry = {
    gemmFlops: Math.max(...gemm.map((g) => g.flops)),
    gemm,
    bandwidthBytesPerSecond: bytes / (addMs / 1000),
    bandwidth: { elements, bytes, bestMs: addMs },
    settings: { ...settings, providerRequested: choice.used, fallbackReason: undefined },
    method: METHOD,
    measuredAt: new Date().toISOString(),
    cacheKey: key,
  };
  const stored = JSON.parse(JSON.stringify(entry)) as CacheFile['entries'][string];
  const fresh = readCache(file);
  fresh.entries[key] = stored;
  writeCache(file, fresh);
  return { ...stored, settings, cached: false, cacheFile: file };
}
