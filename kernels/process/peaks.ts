/**
 * Machine peaks through onnxruntime, for the hierarchical roofline. Every figure is the best kernel
 * time over several runs as onnxruntime's profiler reports it, the same clock the per-layer times
 * use, so binding overhead (copying outputs into JavaScript, moving inputs to a device) is left out.
 *
 * - Compute roof: the best of square float32 MatMuls (FLOPs = 2·M·N·K) and of a few large float32
 *   convolutions run as the profiled models run them (optimization 'all', onnxruntime's NCHWc
 *   kernels; FLOPs = 2·Cout·H·W·Cin·k²). Those convs outrun MLAS's GEMM on AVX-512 CPUs, so a
 *   GEMM-only peak sat below what a model's convs reach.
 * - Memory roofs: a float32 Add (bytes = 3 × elements × 4: two read, one written) at working sets
 *   that fit each data cache level (sizes from kernels/process/caches.ts) and one larger than the last
 *   level (DRAM). A level's bandwidth is the best of its sizes, and never below a larger level's:
 *   data that fits a small level moves at least as fast as from a larger one (an L1-sized Add lasts
 *   a few µs, most of it onnxruntime's fixed per-kernel cost).
 *
 * Results are cached in `<cache dir>/peaks.json` (cache dir: $LCNB_CACHE_DIR, else ~/.cache/lcnb)
 * keyed by CPU model, core count, provider, threads and onnxruntime version.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '../../src/core/ir';
import { exportOnnx } from '../../src/onnx/writer';
import { writeFileAtomicSync } from '../../src/files/atomicWrite';
import { cacheDir } from '../../src/files/cacheDir';
import { formatBytes } from '../../src/shared/format';
import type { MemoryLevel } from '../../src/shared/roofline';
import { CacheInfo, capacityFor, readCaches } from './caches';
import { JobError, seededFloats } from './profile';
import type { ConvPeak, MemoryLevelPeak, PeaksRequest, PeaksResult } from '../protocol';
import { baseSessionOptions, chooseProvider, condenseOrtError } from './providers';
import { ort, ortVersion } from './runtime';
import { readTraceFile, summarizeTrace } from './trace';

export const GEMM_SIZES = [1024, 1536] as const;
export const GEMM_RUNS = 4;
/** Square-input convolutions: channels in = out, kernel k, spatial size hw. */
export const CONV_SHAPES = [
  { channels: 128, k: 3, hw: 28 },
  { channels: 256, k: 3, hw: 14 },
  { channels: 512, k: 1, hw: 14 },
] as const;
export const CONV_RUNS = 5;
/**
 * The DRAM Add's working set: a quarter larger than the last cache level (a streaming Add larger
 * than an LRU cache misses it), within these bounds.
 */
export const DRAM_MIN_BYTES = 384 * 1024 * 1024;
export const DRAM_MAX_BYTES = 768 * 1024 * 1024;
/** Timed runs of an Add: many for the short cache-sized ones, few for the DRAM one. */
export const CACHE_RUNS = 15;
export const BANDWIDTH_RUNS = 3;
/** Kept for the cache file's sake: the DRAM Add of version 1 (bytes 3 × 32 Mi × 4). */
export const BANDWIDTH_ELEMENTS = 32 * 1024 * 1024;
/** Bump when the measurement changes: older entries are measured again. */
export const CACHE_VERSION = 2;

/** Where a level's Adds are taken: fractions of its capacity for caches, above the last cache for DRAM. */
export interface LevelPlan {
  readonly level: MemoryLevel;
  readonly capacityBytes?: number;
  /** Total bytes (read + written) of each Add measured for this level. */
  readonly sizes: readonly number[];
}

/**
 * The Adds that measure each memory level, given the caches and the job's threads. Each cache level
 * holds working sets up to its capacity (kernels/process/caches.ts capacityFor); its Adds fill from just
 * above the level below to 90% of it, a few sizes apart. A level no larger than the one below is left out.
 */
export function memoryPlan(caches: CacheInfo | undefined, threads: number, cores: number): LevelPlan[] {
  const plans: LevelPlan[] = [];
  let below = 0;
  for (const c of caches?.levels ?? []) {
    const capacity = capacityFor(c, threads, cores);
    if (capacity <= below) continue;
    const top = 0.9 * capacity;
    // A large last level is measured just above the level below: its best working sets sit there,
    // and an Add of hundreds of MiB would only repeat the DRAM measure.
    const candidates = c.level === 1 ? [0.5 * capacity, top] : c.level === 2 ? [Math.max(2 * below, 0.25 * capacity), 0.5 * capacity, top] : [2 * below, 8 * below];
    const inside = (list: number[]) => [...new Set(list.filter((s) => s > below && s <= top).map((s) => Math.floor(s)))].sort((a, b) => a - b);
    const sizes = inside(candidates).length ? inside(candidates) : inside([top]);
    if (sizes.length) plans.push({ level: `L${c.level}` as MemoryLevel, capacityBytes: capacity, sizes });
    below = capacity;
  }
  const dram = Math.max(DRAM_MIN_BYTES, Math.min(DRAM_MAX_BYTES, Math.floor(1.25 * below)));
  plans.push({ level: 'DRAM', sizes: [dram] });
  return plans;
}

/** Elements of each float32 Add input for `bytes` in all (3 × elements × 4), a multiple of 64. */
export function addElements(bytes: number): number {
  return Math.max(64, Math.floor(bytes / 12 / 64) * 64);
}

/**
 * Each level's roof from its measured sizes: the best of them, never below a larger level's roof
 * (plans ordered smallest first, DRAM last).
 */
export function levelRoofs(measured: readonly { level: MemoryLevel; capacityBytes?: number; sizes: MemoryLevelPeak['sizes'] }[]): MemoryLevelPeak[] {
  const out: MemoryLevelPeak[] = [];
  let larger = 0;
  for (let i = measured.length - 1; i >= 0; i--) {
    const m = measured[i];
    const best = Math.max(...m.sizes.map((s) => s.bytesPerSecond));
    const roof = Math.max(best, larger);
    out.unshift({ level: m.level, ...(m.capacityBytes !== undefined ? { capacityBytes: m.capacityBytes } : {}), bytesPerSecond: roof, measuredBytesPerSecond: best, sizes: m.sizes });
    larger = roof;
  }
  return out;
}

function methodText(caches: CacheInfo | undefined, plans: readonly LevelPlan[]): string {
  const levels = plans
    .map((p) => `${p.level} ${p.capacityBytes !== undefined ? `(≤ ${formatBytes(p.capacityBytes)}) ` : ''}at ${p.sizes.map(formatBytes).join(', ')}`)
    .join('; ');
  const dram = plans[plans.length - 1];
  const last = plans.length > 1 ? plans[plans.length - 2].capacityBytes ?? 0 : 0;
  const partly = dram.sizes[0] <= last ? ' (no larger than the last cache: partly served by it)' : '';
  const where = !caches ? 'no cache levels (not a CPU provider)' : caches.source === 'assumed' ? 'cache sizes assumed (the system does not say)' : `cache sizes from ${caches.source}`;
  return (
    `compute: best onnxruntime kernel time of ${GEMM_RUNS} runs (after 1 warm-up) of float32 MatMuls ${GEMM_SIZES.map((n) => `${n}³`).join(', ')} (FLOPs = 2·M·N·K) ` +
    `and of ${CONV_RUNS} runs of float32 convs ${CONV_SHAPES.map((c) => `${c.channels}→${c.channels} ${c.k}×${c.k} at ${c.hw}²`).join(', ')} with optimization 'all' (FLOPs = 2·Cout·H·W·Cin·k²), the best of all; ` +
    `memory: best kernel time of a float32 Add (bytes = 3 × elements × 4) per working set, ${CACHE_RUNS} runs (${BANDWIDTH_RUNS} for DRAM): ${levels}${partly}; ${where}; ` +
    `a level's roof is its best size and never below a larger level's`
  );
}

export function cacheFile(): string {
  return join(cacheDir(), 'peaks.json');
}

interface CacheFile {
  version: typeof CACHE_VERSION;
  entries: Record<string, Omit<PeaksResult, 'cached' | 'cacheFile'>>;
}

function readCache(file: string): CacheFile {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    if (parsed && parsed.version === CACHE_VERSION && typeof parsed.entries === 'object' && parsed.entries) return parsed;
  } catch {
    // Missing or unreadable: measured again and rewritten.
  }
  return { version: CACHE_VERSION, entries: {} };
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

/** Best kernel time (ms) of the `opType` node over `runs` timed runs of a one-op model. */
async function bestKernelMs(
  bytes: Uint8Array,
  feeds: Record<string, import('onnxruntime-node').Tensor>,
  opType: string,
  provider: string,
  threads: number,
  runs: number,
  workDir: string,
  optimization: 'basic' | 'all' = 'basic',
  /** Preallocated outputs: a large output is then not allocated and copied into JavaScript on every run. */
  fetches?: Record<string, import('onnxruntime-node').Tensor>,
): Promise<number> {
  const { InferenceSession } = ort();
  const dir = mkdtempSync(join(workDir, 'peaks-'));
  try {
    let session;
    try {
      session = await InferenceSession.create(bytes, {
        ...baseSessionOptions(provider, threads),
        graphOptimizationLevel: optimization,
        enableProfiling: true,
        profileFilePrefix: join(dir, 'trace'),
      });
    } catch (e) {
      throw new JobError(`onnxruntime could not create the ${opType} session for the peaks: ${condenseOrtError((e as Error).message)}`);
    }
    try {
      for (let i = 0; i < 1 + runs; i++) await (fetches ? session.run(feeds, fetches) : session.run(feeds));
    } finally {
      await session.release();
    }
    const file = readdirSync(dir).find((f) => f.startsWith('trace') && f.endsWith('.json'));
    if (!file) throw new JobError('onnxruntime wrote no profile trace');
    const summary = summarizeTrace(await readTraceFile(join(dir, file)), 1, runs);
    // At 'all' a conv runs as onnxruntime's NCHWc Conv (renamed, between layout reorders): the op type finds it.
    const times = summary.nodes.find((n) => n.opType === opType)?.perRunUs.filter((t) => t > 0) ?? [];
    if (!times.length) throw new JobError(`onnxruntime's profile has no time for the ${opType} node`);
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

function convModel(channels: number, k: number, hw: number): Uint8Array {
  const b = new GraphBuilder(`lcnb_peak_conv_${channels}_${k}_${hw}`);
  const x = b.input('x', [1, channels, hw, hw]);
  const pad = Math.floor((k - 1) / 2);
  const y = b.add1('Conv', 'conv', [x], {
    out_channels: channels,
    kernel_shape: [k, k],
    strides: [1, 1],
    pads: [pad, pad, pad, pad],
    dilations: [1, 1],
    group: 1,
    bias: false,
  });
  return exportOnnx(b.build([y])).bytes;
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
    const bestMs = await bestKernelMs(gemmModel(n), feeds, 'MatMul', choice.used, req.threads, GEMM_RUNS, workDir);
    gemm.push({ n, bestMs, flops: (2 * n ** 3) / (bestMs / 1000) });
  }
  const conv: ConvPeak[] = [];
  for (const c of CONV_SHAPES) {
    const feeds = { x: new Tensor('float32', seededFloats(c.channels * c.hw * c.hw, 5), [1, c.channels, c.hw, c.hw]) };
    const bestMs = await bestKernelMs(convModel(c.channels, c.k, c.hw), feeds, 'Conv', choice.used, req.threads, CONV_RUNS, workDir, 'all');
    const flops = 2 * c.channels * c.hw * c.hw * c.channels * c.k * c.k;
    conv.push({ ...c, bestMs, flops: flops / (bestMs / 1000) });
  }

  // Cache levels are the CPU's: other providers get the device memory roof only.
  const caches = choice.used === 'cpu' ? readCaches() : undefined;
  const plans = memoryPlan(caches, req.threads, cores);
  const measured = [];
  for (const plan of plans) {
    const sizes = [];
    for (const total of plan.sizes) {
      const elements = addElements(total);
      const bytes = 3 * elements * 4;
      const feeds = { x: new Tensor('float32', new Float32Array(elements).fill(1), [elements]), y: new Tensor('float32', new Float32Array(elements).fill(0.5), [elements]) };
      const runs = plan.level === 'DRAM' ? BANDWIDTH_RUNS : CACHE_RUNS;
      const out = { add: new Tensor('float32', new Float32Array(elements), [elements]) };
      const bestMs = await bestKernelMs(addModel(elements), feeds, 'Add', choice.used, req.threads, runs, workDir, 'basic', out);
      sizes.push({ elements, bytes, bestMs, bytesPerSecond: bytes / (bestMs / 1000) });
    }
    measured.push({ level: plan.level, capacityBytes: plan.capacityBytes, sizes });
  }
  const memory = levelRoofs(measured);
  const dram = memory[memory.length - 1];
  const dramSize = dram.sizes[dram.sizes.length - 1];

  const entry = {
    gemmFlops: Math.max(...gemm.map((g) => g.flops)),
    gemm,
    computeFlops: Math.max(...gemm.map((g) => g.flops), ...conv.map((c) => c.flops)),
    conv,
    bandwidthBytesPerSecond: dram.measuredBytesPerSecond,
    bandwidth: { elements: dramSize.elements, bytes: dramSize.bytes, bestMs: dramSize.bestMs },
    memory,
    ...(caches ? { caches } : {}),
    settings: { ...settings, providerRequested: choice.used, fallbackReason: undefined },
    method: methodText(caches, plans),
    measuredAt: new Date().toISOString(),
    cacheKey: key,
  };
  const stored = JSON.parse(JSON.stringify(entry)) as CacheFile['entries'][string];
  const fresh = readCache(file);
  fresh.entries[key] = stored;
  writeCache(file, fresh);
  return { ...stored, settings, cached: false, cacheFile: file };
}
