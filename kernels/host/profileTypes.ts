/**
 * What a profile of a model reports (kernels/host/profileGraph.ts builds it). Types only, so the webview
 * side can read reports without reaching code that needs Node.
 */
import type { MemoryLevel, RoofName } from '../../src/shared/roofline';
import type { MeasureSettings } from '../../src/shared/measureSettings';
import type { AppliedSettings } from '../protocol';

export type { MeasureSettings } from '../../src/shared/measureSettings';

export interface ProfiledLayer {
  /** The layer's main IR node (its conv or linear layer when it has one). */
  readonly name: string;
  /** Every IR node this time covers (more than one when the runtime fused them). */
  readonly nodes: readonly string[];
  readonly ops: readonly string[];
  readonly fused: boolean;
  readonly runtime_nodes: readonly string[];
  readonly median_us: number;
  /**
   * median_us less the profiler's minimum cost inside each of the layer's kernel events (measured
   * on a calibration chain, see ModelProfile.profiler), never below 0. An upper bound of the
   * layer's time without the profiler: kernels on the thread pool carry more profiler cost than the
   * chain's. Absent when that cost was not measured.
   */
  readonly corrected_us?: number;
  /** Share of the summed per-layer time. */
  readonly share: number;
  readonly madds: number;
  readonly flops: number;
  /** Memory traffic crossing the layer's boundary, bytes. */
  readonly mac_bytes: number;
  readonly achieved_gflops: number;
  /**
   * Which roof limits the layer on this machine, and the time that roof allows: max(FLOPs / compute
   * roof, mac_bytes / bandwidth of the smallest memory level that holds mac_bytes); see
   * src/shared/roofline.ts. `bound` says compute or memory; `roof` names it.
   */
  readonly bound: 'compute' | 'memory';
  /** compute, or the memory level whose bandwidth binds (absent in reports from before cache roofs: there memory meant DRAM). */
  readonly roof?: RoofName;
  readonly bound_us: number;
  /** bound_us / median_us: 1 means the layer runs at the roof that binds it. */
  readonly roofline_efficiency: number;
  /**
   * The cross-check (ModelProfile.isolated): the layer's nodes timed alone as their own small graph
   * without the profiler, less the fixed cost of a run() call, µs. Absent when not asked for, or
   * for a layer too small (or runtime-only) to time alone.
   */
  readonly isolated_us?: number;
  /** The profiled time isolated_us is compared with: corrected_us, or median_us where there is none. */
  readonly isolated_vs?: 'corrected_us' | 'median_us';
  /** Where the two differ by more than 15%: which to trust and why. */
  readonly isolated_note?: string;
}

/** How the layers timed alone agree with their profiled rows (kernels/host/isolatedLayers.ts). */
export interface IsolatedAgreement {
  readonly layers_timed: number;
  /** Layers not timed alone, and why (too small, runtime-only, over the cap). */
  readonly layers_skipped?: string;
  /** Layers of at least min_us (profiled) compared. */
  readonly compared: number;
  readonly min_us: number;
  /** Median over those layers of |isolated − profiled| ÷ profiled. */
  readonly median_abs_difference: number;
  /** Of those, the layers within `tolerance` (a share, 0.15). */
  readonly within_tolerance: number;
  /**
   * The same figures over the layers onnxruntime ran in the plain layout (NCHW) inside the model. Alone, a
   * layer that ran in the blocked layout (NCHWc) among its neighbours pays layout reorders at its
   * graph's edges, which the model runs once per chain (in rows of their own).
   */
  readonly same_layout?: { readonly compared: number; readonly median_abs_difference: number; readonly within_tolerance: number };
  readonly tolerance: number;
  /** The fixed cost of a run() call taken out of each isolated run, µs (median over the empty graphs). */
  readonly overhead_us: number;
  readonly method: string;
}

export interface MemoryRoofReport {
  readonly level: MemoryLevel;
  /** Working sets up to this many bytes sit under this roof; absent for DRAM. */
  readonly capacity_bytes?: number;
  readonly gbs: number;
}

export interface ModelProfile {
  readonly id: string;
  readonly input: readonly number[];
  /** What was run: lcnb's export with BatchNorm folded, or the user's .onnx file as it is. */
  readonly graph_form: string;
  readonly settings: AppliedSettings;
  /** How the runs were timed (sessions loaded together and run in turn); absent in reports saved before it was stated. */
  readonly protocol?: string;
  readonly latency: {
    /**
     * The model's latency, timed runs with onnxruntime's profiler off: alone in a session of its own
     * with spinning on (onnxruntime's default) when `alone`, else in turn with the other sessions
     * of its job (spinning bounded, or off under other work). A single model is timed both ways and shows the faster.
     */
    readonly median_ms: number;
    readonly p10_ms: number;
    readonly p90_ms: number;
    /** Set when median_ms was timed alone with spinning on (a single model's measurement, when that was the faster). */
    readonly alone?: true;
    /** When timed both ways: the unprofiled median in turn with the profiled session, which the profiler figures compare with. */
    readonly in_turn_median_ms?: number;
    /** When timed both ways: the median alone with spinning on. */
    readonly alone_median_ms?: number;
    /** The runs with the profiler on, from which the per-layer times come (wall time). */
    readonly profiled_median_ms: number;
    /** onnxruntime's own duration of a profiled run (its model_run event), median. */
    readonly profiled_run_ms: number;
    /** profiled / unprofiled median, both in turn: what the profiler itself costs. */
    readonly profiled_vs_unprofiled: number;
    /**
     * The nodes' time with the profiler off: the unprofiled median (in turn) less empty_run_ms, the
     * fixed cost of a run() call (in reports saved before lcnb timed it: less binding_ms).
     * onnxruntime reports its own run time only while profiling.
     */
    readonly unprofiled_run_ms?: number;
    /** What the Node binding's run() adds around onnxruntime's run of a profiled session: median of wall − model_run over the profiled runs. */
    readonly binding_ms?: number;
    /**
     * A run() of a graph with the model's inputs that does nothing, unprofiled, median, timed after
     * each round (kernels/process/emptyRun.ts): the fixed cost of a call. Smaller than binding_ms,
     * which also holds the profiler's own work outside model_run.
     */
    readonly empty_run_ms?: number;
  };
  readonly totals: { readonly params: number; readonly madds: number; readonly flops: number; readonly mac_bytes: number };
  readonly achieved_gflops: number;
  /**
   * Summed per-layer (kernel) time / onnxruntime's own duration of the profiled runs (medians):
   * how much of a run the per-layer rows account for. The rest is spent between kernels, in the
   * executor and in the profiler itself.
   */
  readonly coverage: number;
  /**
   * How much of onnxruntime's run time without the profiler (latency.unprofiled_run_ms) the
   * per-layer times account for once the profiler's in-kernel cost is taken out: per profiled run,
   * Σ kernel events − (kernels off the thread pool × profiler.in_kernel_us + kernels on it ×
   * profiler.pool_in_kernel_us), median over the runs, ÷ the kernels' share of the unprofiled run
   * (the unprofiled run less kernels_per_run × profiler.executor_node_us, the executor's own work
   * between kernels, where measured). Equals Σ corrected_us ÷ that share when the runs are steady;
   * taken per run, like the unprofiled median, so a stalled run counts the same way on both sides.
   * Over 1: the rows still hold profiler cost the calibration chains do not capture. Absent when
   * the profiler's cost was not measured.
   */
  readonly corrected_coverage?: number;
  /** onnxruntime's profiler's own cost (absent when not measured). Times in µs. */
  readonly profiler?: {
    /** Kernel events in one profiled run of this model. */
    readonly kernels_per_run: number;
    /** Of those, the events that show a parallel loop on the intra-op thread pool (absent in reports saved before it was told). */
    readonly pooled_kernels_per_run?: number;
    /** In one profiled run of this model (medians): Σ kernel events, Σ gaps between them, before the first + after the last. */
    readonly kernel_us: number;
    readonly between_kernels_us: number;
    readonly edges_us: number;
    /** Calibration chain, per node: the profiler's work inside each kernel event, the gap between kernel events while profiling, and the node's time with the profiler off. */
    readonly in_kernel_us: number;
    readonly chain_between_kernels_us: number;
    readonly chain_unprofiled_node_us: number;
    /** The executor's own work per node with the profiler off (a chain of one-element Relu nodes; at most what a node costs outside its kernel). Absent in older reports. */
    readonly executor_node_us?: number;
    /**
     * Pool chain (convs that each ran on the intra-op thread pool), per node: the profiler's work inside
     * each kernel event, and the node's time with the profiler off. Absent with one thread.
     */
    readonly pool_in_kernel_us?: number;
    readonly pool_unprofiled_node_us?: number;
    /** The pool chain's mean kernel event with the profiler on. */
    readonly pool_kernel_us?: number;
    /**
     * The larger pool chain's figures, as pool_*: a pooled event pays a cost interpolated by its
     * duration between pool_kernel_us (pool_in_kernel_us) and pool_large_kernel_us (pool_large_in_kernel_us).
     */
    readonly pool_large_in_kernel_us?: number;
    readonly pool_large_unprofiled_node_us?: number;
    readonly pool_large_kernel_us?: number;
    /** Wall time of the calibration chains, ms. */
    readonly calibration_ms?: number;
    /**
     * 1 + (the in-kernel cost of this run's events, each at its kind's figure, + kernels_per_run ×
     * chain_between_kernels_us) / unprofiled run: the profiled ÷
     * unprofiled ratio the profiler's minimum per-node cost alone implies for this model (a lower bound).
     */
    readonly per_node_cost_ratio: number;
    readonly method: string;
  };
  readonly peaks: {
    readonly gemm_gflops: number;
    /** DRAM bandwidth. */
    readonly bandwidth_gbs: number;
    /** The compute roof: the best of GEMM and conv (absent in older reports: there gemm_gflops was the roof). */
    readonly compute_gflops?: number;
    /** Every memory roof, smallest level first, DRAM last (absent in older reports: bandwidth_gbs alone). */
    readonly roofs?: readonly MemoryRoofReport[];
    readonly method: string;
    readonly cached: boolean;
  };
  readonly layers: ProfiledLayer[];
  /** The isolated-layer cross-check's agreement with the profiled rows (absent when not asked for). */
  readonly isolated?: IsolatedAgreement;
  /** IR nodes no runtime node covered. */
  readonly uncovered: readonly string[];
  readonly notes: readonly string[];
}
