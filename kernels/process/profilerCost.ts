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
 * chain's nodes, which run on the calling thread alone (measured with 2 threads: about 3.5 µs per
 * event off the pool, 4–6 µs on it with the in-turn spin bound; with spinning off it was 4–19 µs and
 * followed the moment, since the profiler's bookkeeping let the pool's worker fall asleep between
 * nodes; with 1 thread every node runs off the pool and a model's events exceed its unprofiled run
 * by about the chain's 3 µs each). So with more than one thread two pool chains, whose nodes all
 * use the pool (1×1 and depthwise 3×3 convs in turn on [1, 32, 14, 14] and on [1, 64, 28, 28], at
 * the job's optimisation level so that they run the kernels a model's convs run), are measured the
 * same way; the trace says which of a model's nodes used the pool (trace.ts, usedThreadPool) and
 * each pays its kind's cost, a pooled one by its size (kernels/host/profileGraph.ts, poolInKernelUs).
 *
 * The sessions of a chain (long, short, long profiled) are loaded together with the job's spinning
 * in turn (bounded, or off under other work: providers.ts, Spinning) and run in turn, run by run, so
 * that a drift in the machine's speed meets them alike. They run a round at a time
 * (ProfilerCalibration): a job runs a round after each of its own rounds, since the pool's cost
 * follows the machine's state from one moment to the next; measureProfilerCost runs the rounds on
 * their own.
 */
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { GraphBuilder, Tensor } from '../../src/core/ir';
import { exportOnnx } from '../../src/onnx/writer';
import type { Optimization, PoolChainCost, PoolProfilerCost, ProfilerCost } from '../protocol';
import { baseSessionOptions, Spinning } from './providers';
import { ort, Session, SessionOptions } from './runtime';
import { median } from '../stats';
import { readTraceFile, summarizeTrace, TraceSummary } from './trace';

export const CHAIN_NODES = 101;
const CHANNELS = 16;
const SIDE = 14;
/** Rounds of a calibration measured on its own (measureProfilerCost): warm-up, then timed. */
const WARMUP_ROUNDS = 8;
const TIMED_ROUNDS = 34;
/** Runs of the off-pool chain's sessions per round. */
const CHAIN_REPEATS = 3;
/** The pool chains: small convs, and larger ones (the cost on the pool grows with a node's size); runs of their sessions per round. */
export const POOL_CHAINS = [
  { nodes: 41, channels: 32, side: 14, repeats: 3 },
  { nodes: 21, channels: 64, side: 28, repeats: 2 },
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
  return exportOnnx(b.build([x]), { form: 'deploy' }).bytes;
}

/** Nodes in the executor chain (executorChain). */
export const EXECUTOR_CHAIN_NODES = 101;
/** Runs of the executor chain's sessions per round. */
const EXECUTOR_REPEATS = 3;

/**
 * A chain of `length` Relu nodes on a one-element tensor: each node's kernel does next to nothing, so
 * the chain's unprofiled time per node is the executor's own work around a node (at most: it includes
 * the kernel's call and one-element output).
 */
export function executorChain(length: number): Uint8Array {
  const b = new GraphBuilder(`lcnb_executor_chain_${length}`);
  let x: Tensor = b.input('x', [1]);
  for (let i = 0; i < length; i++) x = b.add1('Relu', `relu${i}`, [x]);
  return exportOnnx(b.build([x]), { form: 'deploy' }).bytes;
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
  return exportOnnx(b.build([x]), { form: 'deploy' }).bytes;
}

interface ChainTimes {
  /** Per timed run: long chain's wall time − short chain's, µs (the two ran one after the other). */
  readonly differencesUs: number[];
  /** The profiled long chain's trace, over its timed runs (absent for a chain loaded without it). */
  readonly profiled?: TraceSummary;
}

/**
 * One chain's three sessions — the long and the 1-node chain without the profiler, the long chain with
 * it (its trace goes to `dir`) — loaded together and run in turn, `repeats` times a round, the order
 * reversed every other run.
 */
class ChainSessions {
  private readonly differencesUs: number[] = [];
  private runs = 0;
  private released = false;

  private constructor(
    private readonly sessions: Session[],
    private readonly feeds: Record<string, import('onnxruntime-node').Tensor>,
    private readonly repeats: number,
    private readonly dir: string,
    private readonly prefix: string,
  ) {}

  static async load(long: Uint8Array, short: Uint8Array, shape: number[], options: SessionOptions, repeats: number, dir: string, prefix: string, profiled = true): Promise<ChainSessions> {
    const { InferenceSession, Tensor } = ort();
    const sessions: Session[] = [];
    try {
      sessions.push(await InferenceSession.create(long, options));
      sessions.push(await InferenceSession.create(short, options));
      if (profiled) sessions.push(await InferenceSession.create(long, { ...options, enableProfiling: true, profileFilePrefix: join(dir, prefix) }));
    } catch (e) {
      for (const s of sessions) await s.release().catch(() => undefined);
      throw e;
    }
    const count = shape.reduce((a, b) => a * b, 1);
    return new ChainSessions(sessions, { x: new Tensor('float32', new Float32Array(count).fill(0.5), shape) }, repeats, dir, prefix);
  }

  async round(): Promise<void> {
    for (let r = 0; r < this.repeats; r++) {
      const times: number[] = [];
      const order = this.sessions.map((_, i) => i);
      for (const s of this.runs % 2 === 0 ? order : order.reverse()) {
        const start = process.hrtime.bigint();
        await this.sessions[s].run(this.feeds);
        times[s] = Number(process.hrtime.bigint() - start) / 1e3;
      }
      this.differencesUs.push(times[0] - times[1]);
      this.runs++;
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    // Releasing the profiled session writes its trace.
    for (const s of this.sessions) await s.release().catch(() => undefined);
  }

  /** After `warmupRounds` rounds, the timed runs: released first. */
  async read(warmupRounds: number): Promise<ChainTimes> {
    await this.release();
    const warmup = Math.min(warmupRounds * this.repeats, Math.max(0, this.runs - this.repeats));
    if (this.sessions.length < 3) return { differencesUs: this.differencesUs.slice(warmup) };
    const file = readdirSync(this.dir).find((f) => f.startsWith(this.prefix) && f.endsWith('.json'));
    if (!file) throw new Error('onnxruntime wrote no profile trace for a calibration chain');
    const profiled = summarizeTrace(await readTraceFile(join(this.dir, file)), warmup, this.runs - warmup);
    return { differencesUs: this.differencesUs.slice(warmup), profiled };
  }
}

/** The profiled chain's trace (every chain but the executor chain is loaded with one). */
function traceOf(times: ChainTimes): TraceSummary {
  if (!times.profiled) throw new Error('a calibration chain was read without its profiled session');
  return times.profiled;
}

/** One pool chain's figure, or why it has none (its convs did not all use the pool). */
function poolChainCost(chain: (typeof POOL_CHAINS)[number], times: ChainTimes): PoolChainCost | string {
  const { nodes, channels, side } = chain;
  // Optimisation may add nodes (NCHWc reorders at both ends of both chains; they cancel in long −
  // short): the profiled figure is the mean event of the chain's own convs (named conv<i>, kept with
  // a suffix such as _nchwc), every one of which must have run on the pool in every timed run.
  const profiled = traceOf(times);
  const convs = profiled.nodes.filter((n) => /^conv\d+(_|$)/.test(n.name));
  const onPool = convs.filter((n) => n.calls > 0 && n.pooledCalls === n.calls);
  if (convs.length !== nodes || onPool.length !== convs.length) {
    return `the ${nodes} convs of the pool chain on [1, ${channels}, ${side}, ${side}] did not all run on the thread pool (${onPool.length} of the ${convs.length} found did)`;
  }
  const timed = profiled.timedRuns.length;
  const perRun = Array.from({ length: timed }, (_, r) => convs.reduce((sum, n) => sum + n.perRunUs[r], 0) / convs.length);
  const unprofiledNodeUs = median(times.differencesUs) / (nodes - 1);
  const profiledKernelUs = median(perRun);
  return { chainNodes: nodes, shape: [1, channels, side, side], runs: times.differencesUs.length, unprofiledNodeUs, profiledKernelUs, inKernelUs: profiledKernelUs - unprofiledNodeUs };
}

/**
 * The profiler's calibration as sessions that run a round at a time, so that a job can run a round
 * between its own rounds and the chains meet the machine as the model's sessions do (the pool's cost
 * changes with the machine's state within seconds: a calibration run after the model's runs read
 * 19 µs per pooled event where the model's own runs implied about 6). `finish` releases the sessions
 * and reads the costs; `dispose` releases them when the job ends otherwise.
 */
export class ProfilerCalibration {
  private rounds = 0;
  private readonly started = process.hrtime.bigint();
  private busyNs = 0n;

  private constructor(
    private readonly chain: ChainSessions,
    private readonly executor: ChainSessions,
    private readonly pools: ChainSessions[],
    private readonly noPool: string | undefined,
    private readonly optimization: Optimization,
  ) {}

  /** Loads the chains in `dir` (a scratch folder the caller removes): the pool chains only with more than one thread. */
  static async load(provider: string, threads: number, dir: string, optimization: Optimization = 'all', spinning: Spinning = 'bounded'): Promise<ProfilerCalibration> {
    const base = baseSessionOptions(provider, threads, { pinned: true, spinning });
    const chain = await ChainSessions.load(calibrationChain(CHAIN_NODES), calibrationChain(1), [1, CHANNELS, SIDE, SIDE], { ...base, graphOptimizationLevel: 'disabled' }, CHAIN_REPEATS, dir, 'chain');
    const pools: ChainSessions[] = [];
    let executor: ChainSessions;
    try {
      executor = await ChainSessions.load(executorChain(EXECUTOR_CHAIN_NODES), executorChain(1), [1], { ...base, graphOptimizationLevel: 'disabled' }, EXECUTOR_REPEATS, dir, 'executor', false);
    } catch (e) {
      await chain.release();
      throw e;
    }
    try {
      if (threads > 1) {
        for (const [i, c] of POOL_CHAINS.entries()) {
          const shape = [1, c.channels, c.side, c.side];
          pools.push(await ChainSessions.load(poolCalibrationChain(c.nodes, c.channels, c.side), poolCalibrationChain(1, c.channels, c.side), shape, { ...base, graphOptimizationLevel: optimization }, c.repeats, dir, `pool${i}`));
        }
      }
    } catch (e) {
      for (const s of [chain, executor, ...pools]) await s.release();
      throw e;
    }
    return new ProfilerCalibration(chain, executor, pools, threads > 1 ? undefined : 'one thread: no node runs on an intra-op thread pool', optimization);
  }

  /** One round: each chain's sessions in turn, their repeats each. */
  async round(): Promise<void> {
    const start = process.hrtime.bigint();
    await this.chain.round();
    await this.executor.round();
    for (const p of this.pools) await p.round();
    this.rounds++;
    this.busyNs += process.hrtime.bigint() - start;
  }

  async dispose(): Promise<void> {
    for (const s of [this.chain, this.executor, ...this.pools]) await s.release();
  }

  /** The costs over the rounds after the first `warmupRounds`; `timing` says how the rounds were run, for the method text. */
  async finish(warmupRounds: number, timing = 'run on their own'): Promise<ProfilerCost> {
    const times = await this.chain.read(warmupRounds);
    const full = traceOf(times).runParts.filter((p) => p.kernels === CHAIN_NODES);
    const executorNodeUs = median((await this.executor.read(warmupRounds)).differencesUs) / (EXECUTOR_CHAIN_NODES - 1);
    if (full.length === 0) throw new Error(`the calibration chain's trace holds no run with all ${CHAIN_NODES} kernels`);
    const unprofiledNodeUs = median(times.differencesUs) / (CHAIN_NODES - 1);
    const profiledKernelUs = median(full.map((p) => p.kernelUs / p.kernels));
    let pool: PoolProfilerCost | string = this.noPool ?? 'no pool chain was measured';
    if (this.pools.length) {
      const [small, large] = [poolChainCost(POOL_CHAINS[0], await this.pools[0].read(warmupRounds)), poolChainCost(POOL_CHAINS[1], await this.pools[1].read(warmupRounds))];
      if (typeof small === 'string') pool = small;
      else {
        const shape = (c: PoolChainCost) => `[${c.shape.join(', ')}]`;
        pool = {
          ...small,
          ...(typeof large === 'string' ? {} : { larger: large }),
          method:
            `pool chains of 1×1 and depthwise 3×3 convs in turn, every conv run on the intra-op thread pool (optimisation ${this.optimization}): ${small.chainNodes} on ${shape(small)}` +
            (typeof large === 'string' ? ` (${large})` : ` and ${large.chainNodes} on ${shape(large)}`) +
            `, each with a 1-node chain, measured as the first chain; per node: unprofiled median over runs of (long − short) / (nodes − 1), profiled mean kernel event of the chain's convs. ` +
            `A pooled event pays the cost interpolated between the chains' figures by its duration against their mean events (below the small chain's: its figure; above the larger one's: its figure)`,
        };
      }
    }
    const timed = this.rounds - Math.min(warmupRounds, Math.max(0, this.rounds - 1));
    return {
      chainNodes: CHAIN_NODES,
      runs: times.differencesUs.length,
      unprofiledNodeUs,
      profiledKernelUs,
      inKernelUs: profiledKernelUs - unprofiledNodeUs,
      betweenKernelsUs: median(full.map((p) => p.betweenKernelsUs / (p.kernels - 1))),
      executorNodeUs,
      chainPooledKernels: median(full.map((p) => p.pooledKernels)),
      ...(typeof pool === 'string' ? { noPool: pool } : { pool }),
      calibrationMs: Number(this.busyNs) / 1e6,
      method: `a chain of ${CHAIN_NODES} nodes (1×1 Conv and Relu in turn on [1, ${CHANNELS}, ${SIDE}, ${SIDE}], optimisation off) and a 1-node chain, loaded together with the long chain profiled, thread-pool spinning as the job's sessions, run in turn (${CHAIN_REPEATS} times a round, ${timed} timed rounds after ${this.rounds - timed} warm-up, ${timing}); per node: unprofiled median over runs of (long − short) / ${CHAIN_NODES - 1}, profiled mean kernel event and mean gap between kernel events; the executor's own work per node, unprofiled, from a chain of ${EXECUTOR_CHAIN_NODES} Relu nodes on a one-element tensor and a 1-node chain run the same way`,
    };
  }
}

/**
 * Measures the profiler's per-node cost in `dir` (a scratch folder the caller removes), on its own:
 * off the thread pool always, and on it when `threads` > 1 (pool chains at `optimization`, the job's level).
 */
export async function measureProfilerCost(provider: string, threads: number, dir: string, optimization: Optimization = 'all'): Promise<ProfilerCost> {
  const started = process.hrtime.bigint();
  const calibration = await ProfilerCalibration.load(provider, threads, dir, optimization);
  try {
    for (let i = 0; i < WARMUP_ROUNDS + TIMED_ROUNDS; i++) await calibration.round();
    const cost = await calibration.finish(WARMUP_ROUNDS);
    return { ...cost, calibrationMs: Number(process.hrtime.bigint() - started) / 1e6 };
  } finally {
    await calibration.dispose();
  }
}
