/**
 * How a model is measured, in one vocabulary for the cells, the settings, the palette commands, the
 * CLI, the .onnx editor and the kernel: the settings' type, their defaults and the optimisation
 * levels, each spelled once. package.json's configuration defaults are checked against these
 * (test/unit/shared/settings.test.ts).
 */

/** onnxruntime's graph optimisation levels, as the Node binding spells them. */
export const OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
export type Optimization = (typeof OPTIMIZATION_LEVELS)[number];

/** The settings one measurement runs with. */
export interface MeasureSettings {
  /** Execution provider: cpu, cuda, … (onnxruntime may offer others, passed through by name). */
  readonly provider: string;
  /** onnxruntime intra-op threads; inter-op threads are always 1 (sequential execution). */
  readonly threads: number;
  /** Timed runs. */
  readonly runs: number;
  /** Runs before the timed ones, discarded. */
  readonly warmup: number;
  readonly optimization: Optimization;
  /** Also time each layer alone as its own small graph (the isolated-layer cross-check): off by default. */
  readonly isolated?: boolean;
}

/** The settings where neither a cell, a command line nor the user's settings name one. */
export const MEASURE_DEFAULTS = {
  provider: 'cpu',
  threads: 2,
  runs: 50,
  warmup: 10,
  optimization: 'all',
} as const satisfies MeasureSettings;

/** The whole numbers a setting may take, [min, max], wherever it is given. */
export const MEASURE_LIMITS = {
  threads: [1, 1024],
  runs: [1, 100_000],
  warmup: [0, 100_000],
} as const satisfies Record<'threads' | 'runs' | 'warmup', readonly [number, number]>;

/** Which count headlines a model where only one fits (setting lcnb.headlineFlops). */
export const HEADLINES = ['madds', 'flops'] as const;
/** MAdds (multiply-adds, the papers' "FLOPs") or FLOPs (2 × MAdds + elementwise work). */
export type Headline = (typeof HEADLINES)[number];
/** MAdds lead unless the user asks for FLOPs: the count the papers tabulate. */
export const DEFAULT_HEADLINE: Headline = 'madds';
