/**
 * What a notebook cell (or `lcnb run`) produces: the report rendered by media/ under the mime type
 * below, with a markdown fallback beside it. Types only, so the webview side can import them.
 */
import type { ModelSummary } from '../core/summary';
import type { ModelProfile } from '../../kernels/profileTypes';

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
  /** Static costs, published figures (marked as such) and per-layer rows. */
  readonly summary: ModelSummary;
  /** Measured on this machine, when the cell ran with a device kernel. */
  readonly profile?: ModelProfile;
  readonly graph: DiagramGraph;
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

export interface Report {
  readonly version: typeof REPORT_VERSION;
  readonly verb: 'model' | 'network' | 'compare' | 'profile' | 'sweep' | 'export';
  readonly title: string;
  /** One per model; `compare` has several, `sweep` none (see `sweep`). */
  readonly models: readonly ModelReport[];
  readonly sweep?: { readonly model: string; readonly axes: readonly string[]; readonly points: readonly SweepPoint[] };
  /** Written files (export), and anything the reader should know. */
  readonly notes: readonly string[];
}
