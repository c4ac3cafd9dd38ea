/**
 * What onnxruntime's profiler itself costs per node. With profiling on, onnxruntime's executor does
 * bookkeeping around every kernel: it formats the input and output shapes into strings and collects
 * thread-pool statistics inside the timed kernel event, and records the event between kernels. On a
 * small model those few µs per node are a large part of each layer's measured time.
 *
 * Measured here on a calibration chain (alternating 1×1 Conv and Relu on a [1, 16, 14, 14] tensor,
 * graph optimisation off so every node runs as built) with the job's provider and threads: the
 * chain's per-node time with the profiler off is the difference between a long and a one-node chain
 * (fixed per-run costs cancel), and its per-node kernel event with the profiler on comes from the
 * trace. Their difference is the profiler's work inside each kernel event.
 *
 * Nodes that hand work to onnxruntime's intra-op thread pool pay more inside their events than the
 * chain's nodes, which run on the calling thread alone (measured with 2 threads: about 3 µs per event
 * off the pool, 5–12 µs on it; with 1 thread every node runs off the pool and a model's events exceed
 * its unprofiled run by about the chain's 3 µs each). So with more than one thread a second chain,
 * whose nodes all use the pool (1×1 and depthwise 3×3 convs in turn on [1, 32, 14, 14], at the job's
 * optimisation level so that they run the kernels a model's convs run), is measured the same way; the
 * trace says which of a model's nodes used the pool (trace.ts, usedThreadPool) and each pays its kind's cost.
 *
 * The sessions of a chain (long, short, long profiled) are loaded together with thread-pool spinning
 * off and run in turn, run by run, so that a drift in the machine's speed meets them alike.
 */
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { GraphBuilder, Tensor } from '../src/core/ir';
import { exportOnnx } from '../src/onnx/writer';
import type { Optimization, PoolChainCost, PoolProfilerCost, ProfilerCost } from './protocol';
import { baseSessionOptions } from './providers';
import { ort, Session, SessionOptions } from './runtime';
import { median } from './stats';
import { readTraceFile, summarizeTrace, TraceSummary } from './trace';

export const CHAIN_NODES = 101;
const CHANNELS = 16;
const SIDE = 14;
const WARMUP = 10;
const RUNS = 100;
/** The pool chains: small convs, and larger ones (the cost on the pool grows with a node's size). */
export const POOL_CHAINS = [
  { nodes: 41, channels: 32, side: 14, runs: RUNS },
  { nodes: 21, channels: 64, side: 28, runs: 60 },
] as const;
export const POOL_CHAIN_NODES = POOL_CHAINS[0].nodes;

/** A chain of `length` nodes: 1×1 Conv (with bias) and Relu in turn. */
export function calibrationChain(length: number): Uint8Array {
  const b = new GraphBuilder(`lcnb_profiler_chain_${length}`);
  let x: Tensor = b.input('x', [1, CHANNELS, SIDE, SIDE]);
  for (let i = 0; i < length; i++) {
    x =
      i % 2 === 0
        ? b.add1('Conv', `conv${i}`, [x], { out_channels: CHANNELS, kernel_shape: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1, bias: true })
        : b.add1('Relu', `relu${i}`, [x]);
  }
  return exportOnnx(b.build([x]), { form: 'inference' }).bytes;
}

/**
 * A chain of `length` convs on [1, channels, side, side] whose every node runs on the intra-op thread
 * pool (with more than one thread): 1×1 Conv and depthwise 3×3 Conv (both with bias) in turn.
 */
export function poolCalibrationChain(length: number, channels: number = POOL_CHAINS[0].channels, side: number = POOL_CHAINS[0].side): Uint8Array {
  const b = new GraphBuilder(`lcnb_profiler_pool_chain_${length}`);
  let x: Tensor = b.input('x', [1, channels, side, side]);
  for (let i = 0; i < length; i++) {
    const k = i % 2 === 0 ? 1 : 3;
    x = b.add1('Conv', `conv${i}`, [x], {
      out_channels: channels,
      kernel_shape: [k, k],
      strides: [1, 1],
      pads: [k >> 1, k >> 1, k >> 1, k >> 1],
      dilations: [1, 1],
      group: k === 1 ? 1 : channels,
      bias: true,
    });
  }
  return exportOnnx(b.build([x]), { form: 'inference' }).bytes;
}

/** Session options with thread-pool spinning off, whatever the base options say: these sessions run in turn. */
function withoutSpinning(options: SessionOptions): SessionOptions {
  const extra = (options.extra ?? {}) as Record<string, unknown>;
  const session = (extra.session ?? {}) as Record<string, unknown>;
  const intraOp = (session.intra_op ?? {}) as Record<string, unknown>;
  return { ...options, extra: { ...extra, session: { ...session, intra_op: { ...intraOp, allow_spinning: '0' } } } };
}

interface ChainTimes {
  /** Per timed run: long chain's wall time − short chain's, µs (the two ran one after the other). */
  readonly differencesUs: number[];
  /** The profiled long chain's trace, over its timed runs. */
  readonly profiled: TraceSummary;
}

/**
 * The long and short chain without the profiler and the long chain with it, loaded together and run in
 * turn (the order reversed every run), `WARMUP` + `runs` rounds; the profiled session's trace goes to `dir`.
 */
async function timeChains(long: Uint8Array, short: Uint8Array, shape: number[], options: SessionOptions, dir: string, prefix: string, runs = RUNS): Promise<ChainTimes> {
  const { InferenceSession, Tensor } = ort();
  const plain = withoutSpinning(options);
  const sessions: Session[] = [];
  try {
    sessions.push(await InferenceSession.create(long, plain));
    sessions.push(await InferenceSession.create(short, plain));
    sessions.push(await InferenceSession.create(long, { ...plain, enableProfiling: true, profileFilePrefix: join(dir, prefix) }));
    const count = shape.reduce((a, b) => a * b, 1);
    const feeds = { x: new Tensor('float32', new Float32Array(count).fill(0.5), shape) };
    const times: number[][] = sessions.map(() => []);
    for (let i = 0; i < WARMUP + runs; i++) {
      const order = i % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
      for (const s of order) {
        const start = process.hrtime.bigint();
        await sessions[s].run(feeds);
        if (i >= WARMUP) times[s].push(Number(process.hrtime.bigint() - start) / 1e3);
      }
    }
    // Releasing the profiled session writes its trace.
    while (sessions.length) await sessions.pop()!.release();
    const file = readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('.json'));
    if (!file) throw new Error('onnxruntime wrote no profile trace for a calibration chain');
    const summary = summarizeTrace(await readTraceFile(join(dir, file)), WARMUP, runs);
    return { differencesUs: times[0].map((t, i) => t - times[1][i]), profiled: summary };
  } finally {
    for (const s of sessions) await s.release().catch(() => undefined);
  }
}

/** One pool chain's figure, or why it has none (its convs did not all use the pool). */
async function measurePoolChain(chain: (typeof POOL_CHAINS)[number], options: SessionOptions, dir: string, prefix: string): Promise<PoolChainCost | string> {
  const { nodes, channels, side, runs } = chain;
  const times = await timeChains(poolCalibrationChain(nodes, channels, side), poolCalibrationChain(1, channels, side), [1, channels, side, side], options, dir, prefix, runs);
  // Optimisation may add nodes (NCHWc reorders at both ends of both chains; they cancel in long −
  // short): the profiled figure is the mean event of the chain's own convs (named conv<i>, kept with
  // a suffix such as _nchwc), every one of which must have run on the pool in every timed run.
  const convs = times.profiled.nodes.filter((n) => /^conv\d+(_|$)/.test(n.name));
  const onPool = convs.filter((n) => n.calls > 0 && n.pooledCalls === n.calls);
  if (convs.length !== nodes || onPool.length !== convs.length) {
    return `the ${nodes} convs of the pool chain on [1, ${channels}, ${side}, ${side}] did not all run on the thread pool (${onPool.length} of the ${convs.length} found did)`;
  }
  const timed = times.profiled.timedRuns.length;
  const perRun = Array.from({ length: timed }, (_, r) => convs.reduce((sum, n) => sum + n.perRunUs[r], 0) / convs.length);
  const unprofiledNodeUs = median(times.differencesUs) / (nodes - 1);
  const profiledKernelUs = median(perRun);
  return { chainNodes: nodes, shape: [1, channels, side, side], runs, unprofiledNodeUs, profiledKernelUs, inKernelUs: profiledKernelUs - unprofiledNodeUs };
}

/**
 * The pool chains' costs, or a reason why there are none: with 1 thread there is no pool; on a
 * provider or machine where the small chain's convs do not all use the pool, its nodes would not
 * measure pool nodes. The larger chain is left out alone when its convs do not all use the pool.
 */
async function measurePoolCost(provider: string, threads: number, optimization: Optimization, dir: string): Promise<PoolProfilerCost | string> {
  if (threads <= 1) return 'one thread: no node runs on an intra-op thread pool';
  const options: SessionOptions = { ...baseSessionOptions(provider, threads), graphOptimizationLevel: optimization };
  const small = await measurePoolChain(POOL_CHAINS[0], options, dir, 'pool0');
  if (typeof small === 'string') return small;
  const large = await measurePoolChain(POOL_CHAINS[1], options, dir, 'pool1');
  const shape = (c: PoolChainCost) => `[${c.shape.join(', ')}]`;
  return {
    ...small,
    ...(typeof large === 'string' ? {} : { larger: large }),
    method:
      `pool chains of 1×1 and depthwise 3×3 convs in turn, every conv run on the intra-op thread pool (optimisation ${optimization}): ${small.chainNodes} on ${shape(small)}` +
      (typeof large === 'string' ? ` (${large})` : ` and ${large.chainNodes} on ${shape(large)} (${large.runs} rounds)`) +
      `, each with a 1-node chain, measured as the first chain; per node: unprofiled median over runs of (long − short) / (nodes − 1), profiled mean kernel event of the chain's convs. ` +
      `A pooled event pays the cost interpolated between the chains' figures by its duration against their mean events (below the small chain's: its figure; above the larger one's: its figure)`,
  };
}

/**
 * Measures the profiler's per-node cost in `dir` (a scratch folder the caller removes): off the thread
 * pool always, and on it when `threads` > 1 (pool chain at `optimization`, the job's level).
 */
export async function measureProfilerCost(provider: string, threads: number, dir: string, optimization: Optimization = 'all'): Promise<ProfilerCost> {
  const plain: SessionOptions = { ...baseSessionOptions(provider, threads), graphOptimizationLevel: 'disabled' };
  const started = process.hrtime.bigint();
  const times = await timeChains(calibrationChain(CHAIN_NODES), calibrationChain(1), [1, CHANNELS, SIDE, SIDE], plain, dir, 'chain');
  const full = times.profiled.runParts.filter((p) => p.kernels === CHAIN_NODES);
  if (full.length === 0) throw new Error(`the calibration chain's trace holds no run with all ${CHAIN_NODES} kernels`);
  const unprofiledNodeUs = median(times.differencesUs) / (CHAIN_NODES - 1);
  const profiledKernelUs = median(full.map((p) => p.kernelUs / p.kernels));
  const pool = await measurePoolCost(provider, threads, optimization, dir);
  return {
    chainNodes: CHAIN_NODES,
    runs: RUNS,
    unprofiledNodeUs,
    profiledKernelUs,
    inKernelUs: profiledKernelUs - unprofiledNodeUs,
    betweenKernelsUs: median(full.map((p) => p.betweenKernelsUs / (p.kernels - 1))),
    chainPooledKernels: median(full.map((p) => p.pooledKernels)),
    ...(typeof pool === 'string' ? { noPool: pool } : { pool }),
    calibrationMs: Number(process.hrtime.bigint() - started) / 1e6,
    method: `a chain of ${CHAIN_NODES} nodes (1×1 Conv and Relu in turn on [1, ${CHANNELS}, ${SIDE}, ${SIDE}], optimisation off) and a 1-node chain, loaded together with the long chain profiled, thread-pool spinning off, run in turn ${WARMUP} warm-up + ${RUNS} timed rounds; per node: unprofiled median over runs of (long − short) / ${CHAIN_NODES - 1}, profiled mean kernel event and mean gap between kernel events`,
  };
}
