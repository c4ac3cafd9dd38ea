/**
 * What a profile of a model reports (kernels/profileModel.ts builds it). Types only, so the webview
 * side can read reports without reaching code that needs Node.
 */
import type { Optimization, ProfileSettings } from './protocol';

export interface ProfileOptions {
  readonly provider: string;
  readonly threads: number;
  readonly runs: number;
  readonly warmup: number;
  readonly optimization: Optimization;
}

export interface ProfiledLayer {
  /** The layer's main IR node (its conv or linear layer when it has one). */
  readonly name: string;
  /** Every IR node this time covers (more than one when the runtime fused them). */
  readonly nodes: readonly string[];
  readonly ops: readonly string[];
  readonly fused: boolean;
  readonly runtime_nodes: readonly string[];
  readonly median_us: number;
  /** Share of the summed per-layer time. */
  readonly share: number;
  readonly madds: number;
  readonly flops: number;
  /** Memory traffic crossing the layer's boundary, bytes. */
  readonly mac_bytes: number;
  readonly achieved_gflops: number;
  /** Which roof limits the layer on this machine, and the time that roof allows. */
  readonly bound: 'compute' | 'memory';
  readonly bound_us: number;
  /** bound_us / median_us: 1 means the layer runs at the machine's roof. */
  readonly roofline_efficiency: number;
}

export interface ModelProfile {
  readonly id: string;
  readonly input: readonly number[];
  /** What was run: lcnb's inference export, or the user's .onnx file as it is. */
  readonly graph_form: string;
  readonly settings: ProfileSettings;
  readonly latency: {
    /** The model's latency: timed runs with onnxruntime's profiler off. */
    readonly median_ms: number;
    readonly p10_ms: number;
    readonly p90_ms: number;
    /** The runs with the profiler on, from which the per-layer times come (wall time). */
    readonly profiled_median_ms: number;
    /** onnxruntime's own duration of a profiled run (its model_run event), median. */
    readonly profiled_run_ms: number;
    /** profiled / unprofiled median: what the profiler itself costs. */
    readonly profiled_vs_unprofiled: number;
  };
  readonly totals: { readonly params: number; readonly madds: number; readonly flops: number; readonly mac_bytes: number };
  readonly achieved_gflops: number;
  /**
   * Summed per-layer (kernel) time / onnxruntime's own duration of the profiled runs (medians):
   * how much of a run the per-layer rows account for. The rest is spent between kernels, in the
   * executor and in the profiler itself.
   */
  readonly coverage: number;
  readonly peaks: { readonly gemm_gflops: number; readonly bandwidth_gbs: number; readonly method: string; readonly cached: boolean };
  readonly layers: ProfiledLayer[];
  /** IR nodes no runtime node covered. */
  readonly uncovered: readonly string[];
  readonly notes: readonly string[];
}
