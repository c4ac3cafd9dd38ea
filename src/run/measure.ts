/**
 * Measuring graphs in the kernel process, the one way cells, `lcnb profile` and the .onnx editor's
 * Profile button do it: the activation-memory guard first (nothing is loaded when a graph needs too
 * much), then the settings left open take the defaults, then the kernel job.
 */
import { KernelClient, KernelProgress } from '../../kernels/host/client';
import { MeasuredModel, ModelProfile, MeasureSettings, profileModels } from '../../kernels/host/profileGraph';
import { MAX_MODELS_PER_JOB } from '../../kernels/protocol';
import { MEASURE_DEFAULTS } from '../shared/measureSettings';
import { checkActivationMemory, DEFAULT_ACTIVATION_MEMORY_LIMIT_BYTES } from './guard';

/** Settings as asked for: the provider always, the rest where given. */
export type MeasureOptions = Pick<MeasureSettings, 'provider'> & Partial<Omit<MeasureSettings, 'provider'>>;

export interface MeasureJob<M extends MeasuredModel = MeasuredModel> {
  /** What a refusal by the activation-memory guard says was asked ('not measured', a file name). */
  readonly where: string;
  /** The guard's limit, bytes; DEFAULT_ACTIVATION_MEMORY_LIMIT_BYTES when absent. */
  readonly memoryLimitBytes?: number;
  /** Models loaded together at most; more are measured in several jobs (and then have no protocol). */
  readonly perJob?: number;
  readonly signal?: AbortSignal;
  /** Called once the guard has passed, with the complete settings, before the kernel is asked. */
  readonly onStart?: (options: MeasureSettings) => void;
  /** The kernel's progress, with the models of the job it is about. */
  readonly onProgress?: (progress: KernelProgress, models: readonly M[]) => void;
}

export interface Measured {
  readonly profiles: ModelProfile[];
  /** Wall time of each unprofiled run, ms, per model; run r of every model is from the same round. */
  readonly runsMs: number[][];
  /** Set when every model was in one job, run in turn: their ratios compare like with like. */
  readonly protocol?: string;
}

/** The settings given, and the defaults for the rest. */
export function measureOptions(options: MeasureOptions): MeasureSettings {
  return {
    provider: options.provider,
    threads: options.threads ?? MEASURE_DEFAULTS.threads,
    runs: options.runs ?? MEASURE_DEFAULTS.runs,
    warmup: options.warmup ?? MEASURE_DEFAULTS.warmup,
    optimization: options.optimization ?? MEASURE_DEFAULTS.optimization,
    ...(options.isolated ? { isolated: true } : {}),
  };
}

/**
 * Measures several graphs together: each loaded in one job (`perJob` at most) and run in turn round
 * by round, so their ratios compare like with like. Every graph passes the guard before any is loaded.
 */
export async function measureGraphs<M extends MeasuredModel>(kernel: KernelClient, models: readonly M[], options: MeasureOptions, job: MeasureJob<M>): Promise<Measured> {
  for (const m of models) checkActivationMemory(m.graph, job.memoryLimitBytes ?? DEFAULT_ACTIVATION_MEMORY_LIMIT_BYTES, job.where);
  const settings = measureOptions(options);
  job.onStart?.(settings);
  const perJob = job.perJob ?? MAX_MODELS_PER_JOB;
  const profiles: ModelProfile[] = [];
  const runsMs: number[][] = [];
  let protocol: string | undefined;
  for (let start = 0; start < models.length; start += perJob) {
    const chunk = models.slice(start, start + perJob);
    const onProgress = job.onProgress && ((p: KernelProgress) => job.onProgress!(p, chunk));
    const measured = await profileModels(kernel, chunk.map((m) => ({ graph: m.graph, ...(m.onnxFile ? { onnxFile: m.onnxFile } : {}) })), settings, { signal: job.signal, onProgress });
    profiles.push(...measured.profiles);
    runsMs.push(...measured.runsMs);
    protocol = start === 0 ? measured.protocol : undefined;
  }
  return { profiles, runsMs, ...(protocol ? { protocol } : {}) };
}

/** One graph measured: its profiled and unprofiled sessions run in turn. */
export async function measureGraph(kernel: KernelClient, model: MeasuredModel, options: MeasureOptions, job: MeasureJob): Promise<ModelProfile> {
  return (await measureGraphs(kernel, [model], options, job)).profiles[0];
}
