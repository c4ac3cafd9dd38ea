/**
 * Messages between the extension host (or CLI) and the profiling kernel process, over Node's IPC
 * channel. The kernel is the only process that loads onnxruntime-node. Every request carries an id;
 * every response names the id it answers. Only types live here, so both sides may import it.
 */

import type { Optimization } from '../src/shared/measureSettings';
import type { MemoryLevel } from '../src/shared/roofline';

export type { Optimization } from '../src/shared/measureSettings';

/** Execution providers lcnb knows by name; onnxruntime may offer others, which are passed through. */
export type ProviderName = 'cpu' | 'cuda' | 'tensorrt' | 'webgpu' | 'dml' | 'coreml' | (string & {});

export interface ProfileRequest {
  /** Absolute path of the .onnx file to load. */
  readonly modelPath: string;
  readonly provider: ProviderName;
  /** Intra-op threads; inter-op threads are always 1 (sequential execution). */
  readonly threads: number;
  /** Timed runs. */
  readonly runs: number;
  /** Runs before the timed ones, discarded. */
  readonly warmup: number;
  readonly optimization: Optimization;
  /**
   * Shape of each graph input by name. Inputs not named here take the model's declared shape; a
   * symbolic leading (batch) dimension becomes 1, any other symbolic dimension must be given.
   */
  readonly inputs?: Readonly<Record<string, readonly number[]>>;
  /**
   * Timed runs of a second session with profiling off (same settings, same warm-up), run in turn
   * with the profiled one: onnxruntime's profiler adds several µs per node to every run. Default:
   * `runs`; 0 skips it.
   */
  readonly baselineRuns?: number;
  /**
   * Also measure what onnxruntime's profiler itself costs per node on this machine and setting
   * (a calibration chain timed with the profiler on and off; see kernels/process/profilerCost.ts), so the
   * host can take it out of the per-node times. Default: on when there are baseline runs.
   */
  readonly profilerCost?: boolean;
}

/**
 * How long, µs, an idle intra-op worker of a session timed in turn spins for more work before it
 * sleeps (onnxruntime's `session.intra_op.spin_duration_us`). onnxruntime's default spinning lets a
 * worker spin long enough to take the cores from the next session's run (two sessions alternated
 * swung 0.47–2.27×); with spinning off, every parallel node after a pause wakes a sleeping worker,
 * which costs a model of many small nodes up to 1.6× its latency and a different share for each
 * model (shufflenet_v2_x0_5 ÷ mobilenet_v3_small_x1_0 at 160 px: 1.39 alone with the default, 1.10
 * in turn with spinning off, 1.37–1.38 in turn with this bound), and it made the profiler's cost
 * per pooled node depend on the moment (bench/README.md). Bounded, a model keeps its worker awake
 * between its own nodes and a session's run still leaves the core to the next one: a model compared
 * with itself in turn read 0.983–1.015, quiet and with one of two cores busy.
 */
export const IN_TURN_SPIN_US = 100;

/**
 * Other work, in cores, at which sessions timed in turn stop spinning altogether: a worker that
 * spins then competes with that work and is preempted mid-node (kernels/process/providers.ts).
 */
export const OTHER_WORK_CORES = 0.5;

/** At most this many models are loaded and timed together in one job. */
export const MAX_MODELS_PER_JOB = 64;

/** At most this many in a timing-only job (profile: false), such as a model's layers timed one by one as small graphs. */
export const MAX_TIMED_MODELS_PER_JOB = 512;

/**
 * Several models timed together (a compare, a sweep, a backbone swap): all loaded in one process,
 * each profiled and unprofiled, and run in turn round by round (kernels/process/profile.ts, measureModels),
 * so that a ratio of two models' times compares like with like. Settings as ProfileRequest's.
 */
export interface MeasureRequest extends Omit<ProfileRequest, 'modelPath' | 'inputs'> {
  readonly models: readonly {
    readonly modelPath: string;
    readonly inputs?: Readonly<Record<string, readonly number[]>>;
    /**
     * Outputs each run returns (default: all). onnxruntime still runs every node; outputs not
     * fetched are not copied back through the binding, which for a large tensor costs more than the
     * kernel that wrote it (kernels/host/isolatedLayers.ts fetches a 1-element marker only).
     */
    readonly fetches?: readonly string[];
  }[];
  /** false: time each model's one unprofiled session only (no trace, no per-node times). Default true. */
  readonly profile?: boolean;
  /**
   * Each session runs once more, untimed, right before its timed run in its turn: its pool's worker
   * is then awake and its input in cache, as for a layer inside a model (a model's layers timed one
   * by one as small graphs). Default false.
   */
  readonly warmTurn?: boolean;
  /**
   * Let each session's intra-op pool spin while it waits for work as long as onnxruntime's default
   * does. Off by default: sessions timed in turn in one process spin at most IN_TURN_SPIN_US
   * (kernels/process/providers.ts). Only for one session timed alone.
   */
  readonly spinning?: boolean;
  /**
   * After the interleaved rounds, time each model once more alone: a fresh unprofiled session with
   * spinning on (onnxruntime's default), its own warm-up and `runs` runs (ProfileResult.alone). A
   * model's own latency is the faster of this and its runs in turn.
   */
  readonly alone?: boolean;
}

export interface MeasureResult {
  /** One per model, in the request's order (none when profile is false); the runs of every model's sessions are aligned by round. */
  readonly results: ProfileResult[];
  /** Each model's unprofiled run times (its profiled ones when it had no unprofiled session), aligned by round. */
  readonly times: WallTimes[];
  /** How the sessions were timed, in one sentence. */
  readonly protocol: string;
}

/** One run of a stored model with some intermediate tensors exposed as outputs, to learn their shapes. */
export interface ShapesRequest {
  readonly modelPath: string;
  /** Shape of each graph input by name (as ProfileRequest.inputs). */
  readonly inputs?: Readonly<Record<string, readonly number[]>>;
  /** Intermediate tensors whose shapes static inference could not find. */
  readonly tensors: readonly string[];
}

export interface ShapesResult {
  /** The shape each asked-for tensor had in the run (tensors the run did not produce are left out). */
  readonly shapes: Record<string, number[]>;
  /** Wall time of the one run, with the extra outputs. */
  readonly runMs: number;
}

export interface PeaksRequest {
  readonly provider: ProviderName;
  readonly threads: number;
  /** Measure again even when the cache has an entry for this machine and setting. */
  readonly refresh?: boolean;
}

export type KernelRequest =
  | { type: 'hello'; id: number }
  | { type: 'providers'; id: number }
  | { type: 'profile'; id: number; request: ProfileRequest }
  | { type: 'measure'; id: number; request: MeasureRequest }
  | { type: 'peaks'; id: number; request: PeaksRequest }
  | { type: 'shapes'; id: number; request: ShapesRequest }
  | { type: 'shutdown'; id: number };

export interface BackendInfo {
  /** onnxruntime's name for the execution provider: cpu, cuda, webgpu, … */
  readonly name: string;
  /** Whether its binaries ship inside the installed onnxruntime-node package. */
  readonly bundled: boolean;
}

export interface ProviderStatus extends BackendInfo {
  /** Whether a tiny session could be created with it on this machine. */
  readonly available: boolean;
  /** Why not, in onnxruntime's words (condensed), when it is not available. */
  readonly reason?: string;
}

/** In this order: load (each model's sessions), warmup and runs (rounds of every session in turn), alone (each model timed alone, when asked). */
export type ProfilePhase = 'load' | 'warmup' | 'runs' | 'alone';

export interface WallTimes {
  /** Wall time of each timed run (process.hrtime around session.run), in order. */
  readonly runsMs: number[];
  readonly medianMs: number;
  readonly p10Ms: number;
  readonly p90Ms: number;
}

/** Timing of the profiled session's timed runs. */
export interface LatencyStats extends WallTimes {
  /** onnxruntime's own duration of each timed run (its `model_run` profile event). */
  readonly ortRunsMs: number[];
  readonly ortMedianMs: number;
  /**
   * How a profiled run's `model_run` interval divides, medians over the timed runs (µs): inside
   * kernel events, between consecutive kernel events, before the first and after the last kernel.
   */
  readonly ortParts?: { readonly kernels: number; readonly kernelUs: number; readonly betweenKernelsUs: number; readonly edgesUs: number };
  /**
   * Median over the timed runs of wall time minus onnxruntime's `model_run` duration, ms: what the
   * Node binding's run() adds around onnxruntime's run (feeds, fetches, the hop to its worker thread).
   */
  readonly bindingMs?: number;
}

/**
 * onnxruntime's profiler's own cost per node, measured on a calibration chain (alternating 1×1 Conv
 * and Relu on a small tensor) in the kernel process with the job's provider and threads. Times in µs.
 */
export interface ProfilerCost {
  /** Nodes in the longer calibration chain; the shorter one has 1. */
  readonly chainNodes: number;
  /** Timed runs of each chain session (after warm-up runs). */
  readonly runs: number;
  /** Per node with the profiler off: median over runs of (long chain's run − 1-node chain's run) / (chainNodes − 1). */
  readonly unprofiledNodeUs: number;
  /** Per node with the profiler on: mean kernel event duration in the long chain (median over runs). */
  readonly profiledKernelUs: number;
  /**
   * profiledKernelUs − unprofiledNodeUs: the profiler's work inside each kernel event of the chain,
   * whose nodes run off the thread pool. What a model's nodes that ran off the pool pay.
   */
  readonly inKernelUs: number;
  /** Mean gap between consecutive kernel events with the profiler on (median over runs). */
  readonly betweenKernelsUs: number;
  /**
   * The executor's own work per node with the profiler off, µs: a chain of Relu nodes on a
   * one-element tensor, (long − short) / (nodes − 1). At most what a model's run spends outside its
   * kernels per node (it includes the one-element kernel itself). Absent in older results.
   */
  readonly executorNodeUs?: number;
  /** The chain's kernels per run that used the thread pool (0 where the chain measures what it should). */
  readonly chainPooledKernels?: number;
  /** The same measured on nodes that run on the intra-op thread pool; absent with 1 thread (see noPool). */
  readonly pool?: PoolProfilerCost;
  /** Why there is no pool figure (one thread; the pool chain's nodes did not use the pool). */
  readonly noPool?: string;
  /** Wall time of the whole calibration, ms (it runs in every profile job). */
  readonly calibrationMs?: number;
  /** How it was measured, in one sentence. */
  readonly method: string;
}

/** One pool chain's figures (convs that each ran on the intra-op thread pool). Times in µs. */
export interface PoolChainCost {
  /** Convs in the longer pool chain, every one of which ran on the pool; the shorter one has 1. */
  readonly chainNodes: number;
  /** The chain's tensor, [1, C, H, W]. */
  readonly shape: readonly number[];
  /** Timed rounds. */
  readonly runs: number;
  /** Per node with the profiler off: median over runs of (long − short) / (chainNodes − 1). */
  readonly unprofiledNodeUs: number;
  /** Per node with the profiler on: mean kernel event of the chain's pooled convs (median over runs). */
  readonly profiledKernelUs: number;
  /** profiledKernelUs − unprofiledNodeUs: what a pooled event of this size pays inside it. */
  readonly inKernelUs: number;
}

/**
 * The profiler's cost per kernel event for nodes that hand work to the intra-op thread pool: the
 * small pool chain's figures, and a larger chain's (the cost grows with a node's size; a pooled event
 * pays the cost interpolated by its duration between the two chains' mean events). Times in µs.
 */
export interface PoolProfilerCost extends Omit<PoolChainCost, 'shape' | 'runs'> {
  readonly shape?: readonly number[];
  readonly runs?: number;
  /** The larger pool chain; absent in results measured before it, or when its convs did not all use the pool. */
  readonly larger?: PoolChainCost;
  /** How it was measured, in one sentence. */
  readonly method: string;
}

/** Where an ORT node sits in the graph onnxruntime actually ran (after optimisation). */
export interface OptimizedNodeInfo {
  /** Position in the optimised model as onnxruntime saved it. */
  readonly index: number;
  /** Node name in the optimised model ('' for nodes onnxruntime created unnamed). */
  readonly name: string;
  /** Operator domain: '' for ONNX, 'com.microsoft', 'com.microsoft.nchwc', … */
  readonly domain: string;
  /** Activation tensors read (initializers and absent optional inputs left out). */
  readonly inputs: string[];
  /** Initializer tensors read (weights, biases, constants). */
  readonly weights: string[];
  readonly outputs: string[];
  /** The `activation` attribute of fused nodes (FusedConv, NCHWc Conv): Relu, Clip, HardSigmoid, … */
  readonly activation?: string;
  readonly activationParams?: number[];
}

export interface NodeProfile {
  /** Node name exactly as onnxruntime's profiler reports it (its `<name>_kernel_time` event). */
  readonly name: string;
  /** The op onnxruntime ran (`args.op_name`): Conv, FusedConv, ReorderInput, … */
  readonly opType: string;
  /** The execution provider that ran it (`args.provider`), e.g. CPUExecutionProvider. */
  readonly provider: string;
  /** Kernel events counted over the timed runs (normally one per run). */
  readonly calls: number;
  /** Median over the timed runs of this node's time within a run, in microseconds. */
  readonly medianUs: number;
  /** Sum over the timed runs, in microseconds. */
  readonly totalUs: number;
  /** Of `calls`, those whose kernel event shows a parallel loop on the intra-op thread pool (trace.ts, usedThreadPool). */
  readonly pooledCalls?: number;
  /** Input and output shapes as the profiler saw them (weights included, in input order). */
  readonly inputShapes: number[][];
  readonly outputShapes: number[][];
  /** The node in the optimised graph; absent when it could not be identified. */
  readonly graph?: OptimizedNodeInfo;
}

/** The settings a measurement ran with, as the kernel applied them (the provider it fell back to, the shapes it used). */
export interface AppliedSettings {
  readonly providerRequested: string;
  readonly providerUsed: string;
  /** Why the requested provider could not be used, when it fell back to cpu. */
  readonly fallbackReason?: string;
  readonly threads: number;
  readonly interOpThreads: 1;
  readonly executionMode: 'sequential';
  readonly optimization: Optimization;
  readonly warmup: number;
  readonly runs: number;
  readonly inputShapes: Record<string, number[]>;
  /** How input tensors were filled. */
  readonly inputFill: string;
  readonly onnxruntimeVersion: string;
  /** Nodes per execution provider, as the profile reports them. */
  readonly nodesByProvider: Record<string, number>;
  /** The machine's 1-minute load average when the job started and when it ended, and its cores (absent in reports saved before lcnb recorded it). */
  readonly loadAverage?: { readonly atStart: number; readonly atEnd: number; readonly cores: number };
  /**
   * How the sessions timed in turn spun (kernels/process/providers.ts, Spinning): bounded on a
   * machine otherwise idle, off when other work kept at least OTHER_WORK_CORES busy as the job
   * started (`otherWorkCores`, sampled before loading). Absent in reports saved before.
   */
  readonly inTurnSpinning?: 'bounded' | 'off' | 'default';
  readonly otherWorkCores?: number;
}

export interface ProfileResult {
  readonly latency: LatencyStats;
  /** The same model timed with profiling off; absent when `baselineRuns` was 0. */
  readonly baseline?: WallTimes;
  /** The model timed alone with spinning on, after the interleaved rounds (MeasureRequest.alone). */
  readonly alone?: WallTimes;
  /**
   * A graph with the model's inputs that does nothing, timed unprofiled after each round with the
   * baseline (kernels/process/emptyRun.ts): the fixed cost of a run() call with these feeds. Absent
   * without a baseline, or where the graph could not be made (a note says why).
   */
  readonly emptyRun?: WallTimes;
  /** The profiler's own cost per node; absent when not requested or when it could not be measured. */
  readonly profilerCost?: ProfilerCost;
  /** One entry per node onnxruntime ran, in execution order of the first timed run. */
  readonly nodes: NodeProfile[];
  readonly settings: AppliedSettings;
  /** Nodes in the optimised graph; undefined when onnxruntime could not save it. */
  readonly optimizedNodeCount?: number;
  /** Things the host should know about this measurement (events dropped, graph not saved, …). */
  readonly notes: string[];
}

/** A data cache level (kernels/process/caches.ts reads them). */
export interface CacheLevel {
  readonly level: 1 | 2 | 3;
  /** Bytes of one instance (one core's L1, one cluster's L2, …). */
  readonly bytes: number;
  /** How many logical CPUs share one instance. */
  readonly sharedBy: number;
}

export interface CacheInfo {
  readonly source: 'sysfs' | 'sysctl' | 'assumed';
  readonly levels: readonly CacheLevel[];
}

export interface GemmPeak {
  /** Square MatMul size: M = N = K. */
  readonly n: number;
  readonly bestMs: number;
  /** 2·n³ / best time. */
  readonly flops: number;
}

export interface ConvPeak {
  /** A float32 conv, channels in = out, k×k kernel, hw×hw input, stride 1, "same" padding. */
  readonly channels: number;
  readonly k: number;
  readonly hw: number;
  readonly bestMs: number;
  /** 2·Cout·H·W·Cin·k² / best time. */
  readonly flops: number;
}

/** One level of the memory hierarchy: the roof of every working set it holds (see src/shared/roofline.ts). */
export interface MemoryLevelPeak {
  readonly level: MemoryLevel;
  /** Working sets up to this many bytes sit under this roof (the cache's size × the instances the threads use); absent for DRAM. */
  readonly capacityBytes?: number;
  /** The roof, bytes/s: the best of this level's Adds, never below a larger level's roof. */
  readonly bytesPerSecond: number;
  /** The best of this level's own Adds. */
  readonly measuredBytesPerSecond: number;
  /** Each float32 Add measured: bytes = 3 × elements × 4. */
  readonly sizes: readonly { readonly elements: number; readonly bytes: number; readonly bestMs: number; readonly bytesPerSecond: number }[];
}

export interface PeaksResult {
  /** Peak GEMM throughput: the best of the sizes, FLOP/s (FLOPs = 2·M·N·K). */
  readonly gemmFlops: number;
  readonly gemm: GemmPeak[];
  /** The compute roof, FLOP/s: the best of the GEMMs and the convs. */
  readonly computeFlops: number;
  readonly conv: ConvPeak[];
  /** DRAM bandwidth, bytes/s: a float32 Add larger than the last cache level, bytes = 3 × elements × 4. */
  readonly bandwidthBytesPerSecond: number;
  readonly bandwidth: { readonly elements: number; readonly bytes: number; readonly bestMs: number };
  /** Every memory roof, smallest level first, DRAM last. */
  readonly memory: readonly MemoryLevelPeak[];
  /** The CPU's data caches the levels come from (absent for other providers). */
  readonly caches?: CacheInfo;
  readonly settings: {
    readonly providerRequested: string;
    readonly providerUsed: string;
    readonly fallbackReason?: string;
    readonly threads: number;
    readonly onnxruntimeVersion: string;
    readonly cpuModel: string;
    readonly cores: number;
  };
  /** How the figures were measured, in one sentence. */
  readonly method: string;
  readonly measuredAt: string;
  /** True when this answer came from the cache file instead of a fresh measurement. */
  readonly cached: boolean;
  readonly cacheFile: string;
  readonly cacheKey: string;
}

export type KernelResponse =
  | { type: 'hello'; id: number; onnxruntimeVersion: string; backends: BackendInfo[]; pid: number }
  | { type: 'providersResult'; id: number; providers: ProviderStatus[] }
  | { type: 'progress'; id: number; phase: ProfilePhase; done: number; total: number }
  | ({ type: 'profileResult'; id: number } & ProfileResult)
  | ({ type: 'measureResult'; id: number } & MeasureResult)
  | ({ type: 'peaksResult'; id: number } & PeaksResult)
  | ({ type: 'shapesResult'; id: number } & ShapesResult)
  | { type: 'error'; id: number; message: string };
