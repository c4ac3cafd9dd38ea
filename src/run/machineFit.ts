/**
 * "This machine" as a roofline device: its peak MAdds/s, bandwidth and per-layer overhead fitted
 * to the per-layer times it measures (src/core/predict.ts fitRoofline), cached beside the peaks
 * ($LCNB_CACHE_DIR/roofline-fit.json) per provider and threads. The same measurements give the
 * leave-one-family-out check the bench reports: each family predicted from a fit to the others.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { costGraph } from '../core/cost';
import { Graph } from '../core/ir';
import { Device, fitRoofline, layerBytes, predict, RooflineFit, RooflineLayer, rooflineLayers, TimedLayer } from '../core/predict';
import { spearman } from '../core/rankCorrelation';
import { writeFileAtomic } from '../files/atomicWrite';
import { cacheDir } from '../files/cacheDir';
import { buildModel, findModel } from '../zoo';
import type { KernelClient } from '../../kernels/host/client';
import type { ModelProfile } from '../../kernels/host/profileTypes';
import { measureGraphs, MeasureOptions } from './measure';

/** The zoo models a fit measures by default: every family, its smallest and largest widths, so both small layers and large ones, compute- and memory-bound, are in it. */
export const FIT_MODELS = [
  'squeezenet1_0',
  'squeezenet1_1',
  'shufflenet_v1_g3_x0_5',
  'shufflenet_v1_g3_x2_0',
  'shufflenet_v2_x0_5',
  'shufflenet_v2_x2_0',
  'mobilenet_v1_x0_25',
  'mobilenet_v1_x1_0',
  'mobilenet_v2_x0_35',
  'mobilenet_v2_x1_4',
  'mobilenet_v3_small_x0_75',
  'mobilenet_v3_large_x1_0',
  'ghostnet_x0_5',
  'ghostnet_x1_3',
  'ghostnet_v2_x1_0',
  'fasternet_t0',
  'fasternet_t2',
  'pplcnet_x0_25',
  'pplcnet_x2_5',
] as const;

/** A model measured for a fit: its fused layers, each with the time the profile gives it, and its latency. */
export interface ModelTiming {
  readonly id: string;
  readonly family: string;
  readonly madds: number;
  readonly layers: readonly RooflineLayer[];
  readonly timed: readonly TimedLayer[];
  /** The model's measured median latency, seconds. */
  readonly seconds: number;
}

/**
 * Each fused layer's measured time: the profiled rows (onnxruntime's own fused groups, with the
 * profiler's cost taken off where known) whose main node is one of the layer's nodes, summed.
 */
export function timeLayers(graph: Graph, profile: ModelProfile): { layers: RooflineLayer[]; timed: TimedLayer[] } {
  const layers = rooflineLayers(graph, costGraph(graph));
  const layerOf = new Map<string, number>();
  layers.forEach((l, i) => l.nodes.forEach((n) => layerOf.set(n, i)));
  const seconds = new Array<number>(layers.length).fill(0);
  for (const row of profile.layers) {
    const i = row.nodes.map((n) => layerOf.get(n)).find((x) => x !== undefined);
    if (i !== undefined) seconds[i] += (row.corrected_us ?? row.median_us) * 1e-6;
  }
  const timed = layers.map((l, i) => ({ madds: l.madds, bytes: layerBytes(l), seconds: seconds[i] })).filter((t) => t.seconds > 0);
  return { layers, timed };
}

/** Measures `ids` (zoo models) with the per-layer profile, in turn in one job per `perJob` models. */
export async function measureForFit(kernel: KernelClient, ids: readonly string[], options: MeasureOptions, onModel?: (id: string) => void): Promise<ModelTiming[]> {
  const out: ModelTiming[] = [];
  for (const id of ids) {
    const model = findModel(id);
    if (!model) throw new Error(`unknown zoo id '${id}'`);
    onModel?.(id);
    const graph = buildModel(id);
    const { profiles } = await measureGraphs(kernel, [{ graph }], options, { where: id });
    const { layers, timed } = timeLayers(graph, profiles[0]);
    out.push({ id, family: model.family, madds: costGraph(graph).totals.madds, layers, timed, seconds: profiles[0].latency.median_ms * 1e-3 });
  }
  return out;
}

/**
 * This machine as a device, from measured models. First the roofline's shape: peak and bandwidth
 * fitted to the layer times (fitRoofline). Then its calibration to whole runs, which also pay for
 * what no layer's time holds (kernel launches, the gaps between kernels, layout reorders, the
 * runtime's work around a run): latency ≈ s·Σ layer roofline + c·layers + d, weighted least squares
 * relative to each model's latency, with c and d kept ≥ 0. The device is the roofline scaled by
 * 1/s, with c per layer and d per run. (Without d, small models come out far too fast: on the
 * build machine, leave one family out over the zoo gave ρ 0.95 and 34% median error with c alone,
 * 0.98 and 11% with s, c and d.)
 */
export function machineDevice(timings: readonly ModelTiming[], what: string): Device {
  const fit: RooflineFit = fitRoofline(timings.flatMap((t) => t.timed));
  const shape = { id: 'this-machine', name: '', source: '', dtype: 'fp32' as const, peakMaddsPerSecond: fit.peakMaddsPerSecond, bandwidthBytesPerSecond: fit.bandwidthBytesPerSecond };
  const rows = timings.map((t) => ({ x: [predict(t.layers, shape).totalSeconds, t.layers.length, 1], y: t.seconds, w: 1 / (t.seconds * t.seconds) }));
  // Drop c, then d, then both, until the fit has no negative term.
  let coef: number[] | undefined;
  for (const keep of [[0, 1, 2], [0, 2], [0, 1], [0]]) {
    const solved = weightedLeastSquares(rows.map((r) => ({ x: keep.map((k) => r.x[k]), y: r.y, w: r.w })));
    if (solved && solved.every((v) => v >= 0) && solved[0] > 0) {
      coef = [0, 0, 0];
      keep.forEach((k, i) => (coef![k] = solved[i]));
      break;
    }
  }
  const [s, c, d] = coef ?? [1, 0, 0];
  return {
    ...shape,
    peakMaddsPerSecond: fit.peakMaddsPerSecond / s,
    bandwidthBytesPerSecond: fit.bandwidthBytesPerSecond / s,
    overheadSecondsPerLayer: c,
    overheadSecondsPerRun: d,
    name: `this machine (${cpus()[0]?.model?.trim() ?? 'CPU'})`,
    source:
      `fitted here (${what}): the roofline's peak and bandwidth to ${fit.layers} layer times of ${timings.length} models (median |error| per layer ${(fit.medianAbsError * 100).toFixed(0)}%), ` +
      `scaled by ${(1 / s).toFixed(2)} to their latencies, with ${(c * 1e6).toFixed(1)} µs per layer and ${(d * 1e6).toFixed(0)} µs per run`,
  };
}

/** Weighted least squares of y on the columns of x (normal equations, Gauss-Jordan); undefined when singular. */
function weightedLeastSquares(rows: readonly { x: readonly number[]; y: number; w: number }[]): number[] | undefined {
  const k = rows[0]?.x.length ?? 0;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (const { x, y, w } of rows) {
    for (let p = 0; p < k; p++) {
      a[p][k] += w * x[p] * y;
      for (let q = 0; q < k; q++) a[p][q] += w * x[p] * x[q];
    }
  }
  for (let p = 0; p < k; p++) {
    const pivot = a[p][p];
    if (!(Math.abs(pivot) > 1e-300)) return undefined;
    for (let q = p; q <= k; q++) a[p][q] /= pivot;
    for (let r = 0; r < k; r++) {
      if (r === p) continue;
      const f = a[r][p];
      for (let q = p; q <= k; q++) a[r][q] -= f * a[p][q];
    }
  }
  return a.map((row) => row[k]);
}

export interface CrossCheck {
  readonly models: readonly { readonly id: string; readonly family: string; readonly measuredMs: number; readonly predictedMs: number; readonly maddsPredictedMs: number }[];
  /** Spearman ρ of the predicted latencies against the measured ones, and of MAdds alone. */
  readonly spearmanRoofline: number;
  readonly spearmanMadds: number;
  /** Median |predicted − measured| ÷ measured: the roofline's, and a line through MAdds' (also fitted without the family). */
  readonly medianErrorRoofline: number;
  readonly medianErrorMadds: number;
}

/**
 * Leave one family out: for each family, the roofline is fitted to the other families' layers and
 * predicts this family's models; MAdds alone gets the same chance (latency = a·MAdds + b, least
 * squares on the other families' models).
 */
export function leaveOneFamilyOut(timings: readonly ModelTiming[]): CrossCheck {
  const families = [...new Set(timings.map((t) => t.family))];
  const models: CrossCheck['models'][number][] = [];
  for (const family of families) {
    const others = timings.filter((t) => t.family !== family);
    const device = machineDevice(others, `without ${family}`);
    const [a, b] = line(others.map((t) => t.madds), others.map((t) => t.seconds));
    for (const t of timings.filter((x) => x.family === family)) {
      models.push({ id: t.id, family, measuredMs: t.seconds * 1e3, predictedMs: predict(t.layers, device).totalSeconds * 1e3, maddsPredictedMs: (a * t.madds + b) * 1e3 });
    }
  }
  const measured = models.map((m) => m.measuredMs);
  const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
  return {
    models,
    spearmanRoofline: spearman(models.map((m) => m.predictedMs), measured),
    spearmanMadds: spearman(timings.map((t) => t.madds), timings.map((t) => t.seconds)),
    medianErrorRoofline: median(models.map((m) => Math.abs(m.predictedMs - m.measuredMs) / m.measuredMs)),
    medianErrorMadds: median(models.map((m) => Math.abs(m.maddsPredictedMs - m.measuredMs) / m.measuredMs)),
  };
}

/** Least squares y = a·x + b. */
function line(xs: readonly number[], ys: readonly number[]): [number, number] {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const a = sxx > 0 ? xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / sxx : 0;
  return [a, my - a * mx];
}

const fitFile = () => join(cacheDir(), 'roofline-fit.json');
const fitKey = (o: MeasureOptions) => `${o.provider}/${o.threads ?? 'default'} threads`;

/** The cached fit for these settings, if any. */
export function cachedMachineDevice(options: MeasureOptions): Device | undefined {
  if (!existsSync(fitFile())) return undefined;
  try {
    const all = JSON.parse(readFileSync(fitFile(), 'utf8')) as Record<string, Device>;
    return all[fitKey(options)];
  } catch {
    return undefined;
  }
}

/** Measures FIT_MODELS (or `ids`), fits this machine's roofline and caches it for these settings. */
export async function fitMachine(kernel: KernelClient, options: MeasureOptions, ids: readonly string[] = FIT_MODELS, onModel?: (id: string) => void): Promise<Device> {
  const timings = await measureForFit(kernel, ids, options, onModel);
  const device = machineDevice(timings, `${timings.length} zoo models, provider ${options.provider}, ${options.threads ?? 'default'} threads, ${new Date().toISOString().slice(0, 10)}`);
  let all: Record<string, Device> = {};
  try {
    all = JSON.parse(readFileSync(fitFile(), 'utf8'));
  } catch {
    // none yet, or unreadable: start again
  }
  mkdirSync(cacheDir(), { recursive: true });
  await writeFileAtomic(fitFile(), JSON.stringify({ ...all, [fitKey(options)]: device }, null, 2) + '\n');
  return device;
}
