/**
 * What a notebook cell (or `lcnb run`) produces: the report rendered by media/ under the mime type
 * below, with a markdown fallback beside it. Types only, so the webview side can import them.
 */
import type { ModelSummary } from '../core/summary';
import type { ModelProfile } from '../../kernels/host/profileTypes';
import type { ModelPart } from '../shared/models';

export type { ModelPart };

export const REPORT_MIME = 'application/vnd.lcnb.report+json';
export const REPORT_VERSION = 1;

/** One node of the architecture diagram: an IR node with the tensors it reads and writes. */
export interface DiagramNode {
  readonly name: string;
  readonly op: string;
  /** Scope path joined with '.', e.g. 'stage2.block3'. */
  readonly scope: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface DiagramGraph {
  readonly inputs: readonly { readonly name: string; readonly shape: readonly number[] }[];
  readonly nodes: readonly DiagramNode[];
  /** Shape of every tensor, for labels on edges. */
  readonly shapes: Readonly<Record<string, readonly number[]>>;
}

export interface ModelReport {
  /**
   * How the report names the model: the zoo id with the options that differ from its defaults
   * ("pplcnet_x0_5 (se_blocks: 1–13)", see modelLabel), a network's name, or an .onnx path as the
   * cell writes it. Absent in reports written before labels; readers fall back to summary.id.
   */
  readonly label?: string;
  /** Static costs, published figures (marked as such) and per-layer rows. */
  readonly summary: ModelSummary;
  /** Measured on this machine, when the cell ran with a device kernel. */
  readonly profile?: ModelProfile;
  readonly graph: DiagramGraph;
  /** Latency predicted for the devices of the cell's `predict:` (MobileNetV4's roofline), when it has one. */
  readonly prediction?: ModelPrediction;
}

/** A device latency is predicted for: a preset of src/core/devices.ts. */
export interface PredictedDevice {
  readonly id: string;
  readonly name: string;
  /** Peak MAdds/s ÷ bandwidth (bytes/s): the MAdds per byte at which a layer turns compute-bound. */
  readonly ridge: number;
  /** Where the device's figures come from (datasheet, paper and table, or a fit). */
  readonly source: string;
  /** The element type it computes in; float tensors are counted at its width. */
  readonly dtype: string;
}

/** One layer as a runtime runs it (fused, see FUSION_RULE), predicted on each device. */
export interface PredictedLayerRow {
  /** Its first node: the summary layer the time is shown at. */
  readonly name: string;
  /** Every node fused into it (the first included). */
  readonly nodes: readonly string[];
  readonly ops: readonly string[];
  readonly madds: number;
  /** Predicted time per device, µs, in the order of `ModelPrediction.devices`. */
  readonly us: readonly number[];
  /** What binds it on each device, in the same order. */
  readonly bound: readonly ('compute' | 'memory')[];
}

/** A model's time across ridge points, in multiply-adds at peak rate (MobileNetV4's figure), for one element width. */
export interface RidgeCurve {
  /** The element type float tensors are counted at (the chosen devices' dtype). */
  readonly dtype: string;
  /** Ridge point (MAdds/byte) and Σ max(MAdds, bytes × ridge) in G, on a log grid from 0.1 to 500. */
  readonly points: readonly { readonly ridge: number; readonly gmadds: number }[];
}

/** Latency predicted, not measured: MobileNetV4's roofline on each device of `predict:`. */
export interface ModelPrediction {
  readonly devices: readonly PredictedDevice[];
  /** Predicted total per device, ms, in the order of `devices`. */
  readonly total_ms: readonly number[];
  readonly layers: readonly PredictedLayerRow[];
  /** One per element type among the devices, in the order the devices first use it. */
  readonly curves: readonly RidgeCurve[];
  /** Nodes the cost model does not count: not predicted, their time is not in the totals. */
  readonly uncounted: readonly string[];
}

/** A grid point of a `sweep` cell: the settings it varied and what they gave. */
export interface SweepPoint {
  readonly settings: Readonly<Record<string, number | string | boolean | readonly number[]>>;
  readonly params: number;
  readonly madds: number;
  readonly flops: number;
  readonly mac_bytes: number;
  /** Unprofiled median latency, when the sweep was profiled. */
  readonly median_ms?: number;
}


/** One part's costs (computed) and, when measured, the summed time of its kernels. */
export interface PartSplit {
  readonly part: ModelPart;
  /** IR ops in the part (0 for a head without a neck). */
  readonly layers: number;
  readonly params: number;
  readonly madds: number;
  readonly flops: number;
  readonly mac_bytes: number;
  /** Summed median time of the measured kernels whose main op is in this part, µs. */
  readonly median_us?: number;
}

/** Where a run's time went besides the three parts. */
export interface SplitTiming {
  /**
   * true: kernel times have the profiler's own cost taken out and `run_us` is onnxruntime's run
   * with the profiler off; false: raw kernel times of profiled runs against a profiled run.
   */
  readonly corrected: boolean;
  /** onnxruntime's own duration of a run (median), µs: what the parts and the rest add up to. */
  readonly run_us: number;
  /** Kernels onnxruntime inserted that cover no op of the graph (layout reorders), µs. */
  readonly runtime_only_us: number;
  /** Measured gaps between kernels and before the first / after the last, in a profiled run (median), µs; absent when not measured. */
  readonly gaps_us?: number;
  /**
   * The rest of the run, µs: what the kernels' medians do not add up to. Kernel times that vary
   * from run to run (a busy machine) make a run's total exceed the sum of each kernel's median;
   * without `gaps_us` this also holds the time between kernels.
   */
  readonly other_us: number;
  /** Measured kernels that cover ops of two parts (fused across a boundary), counted in the part of their main op. */
  readonly spanning_kernels: number;
  /** What the run() call adds around the nodes' run (the Node binding's work, onnxruntime's around the nodes), µs, when measured: the median latency less `run_us`. */
  readonly binding_us?: number;
}

/** A feature map the head reads from the backbone. */
export interface SplitTap {
  readonly stride: number;
  readonly node: string;
  readonly channels: number;
  /** Set when the head reads an extra map at this stride instead of the stage end (SSDLite's 'c4_expand'). */
  readonly name?: string;
}

/** One backbone under the head: its cost split (and time split, when measured). */
export interface BackboneSplit {
  /** The backbone's zoo id. */
  readonly backbone: string;
  /** How the row is labelled: the id, with width and knobs when they differ from the variant's. */
  readonly label: string;
  readonly parts: readonly PartSplit[];
  readonly taps: readonly SplitTap[];
  readonly timing?: SplitTiming;
}

/** What a `detect` or `segment` cell adds to its report: the head and one split per backbone (same order as `models`). */
export interface HeadedSection {
  readonly task: 'detect' | 'segment';
  readonly head: { readonly id: string; readonly title: string; readonly paper: string; readonly reference: string };
  readonly resolution: number;
  readonly classes: number;
  readonly splits: readonly BackboneSplit[];
}

/** A paper's claim that one entry of a compare runs faster than another, checked against this run. */
export interface ClaimCheck {
  /** Entry names as the cell writes them. */
  readonly faster: string;
  readonly than: string;
  /** Where the paper says so, as the cell writes it. */
  readonly source: string;
  /** agrees / disagrees with the paper; not measured under the static kernel. */
  readonly verdict: 'agrees' | 'disagrees' | 'not measured';
  /** Median latency of `than` / of `faster` (above 1: `faster` is faster here). */
  readonly ratio?: number;
  /** The ratio's 95% interval (paired bootstrap over the timed rounds; see TimeComparison.method). */
  readonly lo?: number;
  readonly hi?: number;
  /**
   * Whether the interval leaves 1 out: the difference is larger than the runs' noise. When it does
   * not, these runs cannot tell the two apart, whatever the verdict.
   */
  readonly beyond_spread?: boolean;
  /** One sentence with the figures it rests on. */
  readonly detail: string;
}

/** Several models measured together: each one's latency against the first's, with an interval. */
export interface TimeComparison {
  /** The model every ratio is against: the report's first. */
  readonly reference: string;
  /** One per model, in the report's order (the first is 1): its median latency ÷ the reference's. */
  readonly ratios: readonly { readonly ratio: number; readonly lo: number; readonly hi: number }[];
  /** How the runs were taken (interleaved) and how the intervals were computed. */
  readonly method: string;
}

export interface Report {
  readonly version: typeof REPORT_VERSION;
  readonly verb: 'model' | 'network' | 'compare' | 'profile' | 'sweep' | 'export' | 'detect' | 'segment';
  readonly title: string;
  /** One per model; `compare`, `detect` and `segment` may have several (one per backbone), `sweep` none (see `sweep`). */
  readonly models: readonly ModelReport[];
  readonly sweep?: { readonly model: string; readonly axes: readonly string[]; readonly points: readonly SweepPoint[] };
  /** `detect` and `segment` cells: the head and the backbone / neck / head split of every model. */
  readonly headed?: HeadedSection;
  /** Written files (export), and anything the reader should know. */
  readonly notes: readonly string[];
  /** `compare` cells with `claim:`: each claim checked against the measured latencies. */
  readonly claims?: readonly ClaimCheck[];
  /** Cells that measured several models together (compare, detect, segment): their latency ratios. */
  readonly comparison?: TimeComparison;
}
