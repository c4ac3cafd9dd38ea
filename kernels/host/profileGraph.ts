/**
 * Host side of a profile: writes the model's deploy form (BatchNorm folded, as the papers
 * measure) to a temporary .onnx, profiles it in the kernel process, maps the runtime's per-node
 * times back to the IR and places each layer on this machine's roofline. Never loads onnxruntime.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attributeProfile, LayerTiming } from '../../src/core/attribution';
import { costGraph, Cost } from '../../src/core/cost';
import { Graph } from '../../src/core/ir';
import { exportOnnx, foldingText } from '../../src/onnx/writer';
import { MemoryRoof, placeOnRoofline } from '../../src/shared/roofline';
import { KernelClient, ProfileJobOptions } from './client';
import { crossCheckLayers } from './isolatedLayers';
import { MeasureRequest, PeaksResult, PoolProfilerCost, ProfileResult, ProfilerCost, WallTimes } from '../protocol';
import { ModelProfile, ProfiledLayer, MeasureSettings } from './profileTypes';

export type { ModelProfile, ProfiledLayer, MeasureSettings } from './profileTypes';

function mainNode(graph: Graph, layer: LayerTiming): string {
  const nodes = layer.nodes.map((n) => graph.nodes.find((g) => g.name === n)).filter((n) => n !== undefined);
  return (nodes.find((n) => n.op === 'Conv' || n.op === 'Gemm' || n.op === 'MatMul') ?? nodes[0])?.name ?? layer.runtimeNodes.join(' + ');
}

/** The memory roofs of a peaks measurement, in the roofline module's terms. */
export function memoryRoofs(peaks: PeaksResult): MemoryRoof[] {
  return peaks.memory.map((m) => ({ level: m.level, ...(m.capacityBytes !== undefined ? { capacityBytes: m.capacityBytes } : {}), bytesPerSecond: m.bytesPerSecond }));
}

function layerRow(graph: Graph, layer: LayerTiming, totalUs: number, peaks: PeaksResult): ProfiledLayer {
  const placed = placeOnRoofline(layer.cost.flops, layer.cost.macBytes, peaks.computeFlops, memoryRoofs(peaks));
  const boundUs = placed.boundSeconds * 1e6;
  const ops = layer.nodes.map((n) => graph.nodes.find((g) => g.name === n)?.op ?? '?');
  return {
    name: mainNode(graph, layer),
    nodes: layer.nodes,
    ops,
    fused: layer.fused,
    runtime_nodes: layer.runtimeNodes,
    median_us: layer.medianUs,
    ...(layer.correctedUs !== undefined ? { corrected_us: layer.correctedUs } : {}),
    share: totalUs > 0 ? layer.medianUs / totalUs : 0,
    madds: layer.cost.madds,
    flops: layer.cost.flops,
    mac_bytes: layer.cost.macBytes,
    achieved_gflops: layer.achievedFlops / 1e9,
    bound: placed.roof === 'compute' ? 'compute' : 'memory',
    roof: placed.roof,
    bound_us: boundUs,
    roofline_efficiency: layer.medianUs > 0 ? boundUs / layer.medianUs : 0,
  };
}

/** A model to measure: its graph, and the .onnx file it was read from when it was (run as stored). */
export interface MeasuredModel {
  readonly graph: Graph;
  readonly onnxFile?: string;
}

/** Several models measured together: their profiles, and each one's unprofiled run times, aligned by round. */
export interface MeasuredModels {
  readonly profiles: ModelProfile[];
  /** Wall time of each unprofiled run, ms, per model; run r of every model is from the same round. */
  readonly runsMs: number[][];
  /** How the runs were interleaved, in one sentence. */
  readonly protocol: string;
}

/**
 * Profiles several models in one kernel job, all loaded together and run in turn round by round,
 * each as lcnb's export of its graph (BatchNorm folded) or — with `onnxFile` — that file as it is. `job`
 * carries progress reporting and cancellation.
 */
export async function profileModels(kernel: KernelClient, models: readonly MeasuredModel[], options: MeasureSettings, job: ProfileJobOptions = {}): Promise<MeasuredModels> {
  const dir = await mkdtemp(join(tmpdir(), 'lcnb-profile-'));
  try {
    const forms: string[] = [];
    const requested: MeasureRequest['models'][number][] = [];
    for (const [i, { graph, onnxFile }] of models.entries()) {
      let modelPath = onnxFile;
      let form = 'as stored in the .onnx file';
      if (!modelPath) {
        modelPath = join(dir, `model${i}.onnx`);
        const exported = exportOnnx(graph, { form: 'deploy' });
        await writeFile(modelPath, exported.bytes);
        form = `lcnb's export with BatchNorm folded (${foldingText(exported)})`;
      }
      forms.push(form);
      // A stored file runs with the shapes it was read with (symbolic dimensions as the user gave them).
      const inputs = onnxFile ? Object.fromEntries(graph.inputs.map((t) => [t.name, [...t.shape]])) : undefined;
      requested.push({ modelPath, ...(inputs ? { inputs } : {}) });
    }
    // One model is also timed alone, with the default spinning, for its latency; several are compared in turn only.
    const { isolated, ...settings } = options;
    const measured = await kernel.measure({ models: requested, ...settings, baselineRuns: options.runs, alone: models.length === 1 }, job);
    const peaks = await kernel.peaks({ provider: measured.results[0].settings.providerUsed, threads: options.threads }, { signal: job.signal });
    const profiles = measured.results.map((result, i) => assemble(models[i].graph, result, peaks, forms[i], measured.protocol));
    // The cross-check, when asked for: each layer of lcnb's own exports timed alone, a job per model.
    if (isolated) for (const [i, m] of models.entries()) if (!m.onnxFile) profiles[i] = await crossCheckLayers(kernel, m.graph, profiles[i], settings, job);
    return {
      profiles,
      runsMs: measured.times.map((t) => t.runsMs),
      protocol: measured.protocol,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One model, its profiled and unprofiled sessions run in turn (see profileModels). */
export async function profileGraph(kernel: KernelClient, graph: Graph, options: MeasureSettings, job: ProfileJobOptions = {}, onnxFile?: string): Promise<ModelProfile> {
  return (await profileModels(kernel, [{ graph, ...(onnxFile ? { onnxFile } : {}) }], options, job)).profiles[0];
}

/**
 * The profiler's work inside one kernel event, µs: for a node that ran off the intra-op thread pool
 * (the calibration chain's figure) and for one that used it, as a function of the event's profiled
 * duration (poolInKernelUs; the chain's figure where there is no pool figure: one thread, or an
 * older result). A negative (noisy) figure counts as 0.
 */
export function inKernelCosts(cost: Pick<ProfilerCost, 'inKernelUs' | 'pool'>): { offPoolUs: number; poolUs: (eventUs: number) => number } {
  const offPoolUs = Math.max(0, cost.inKernelUs);
  const pool = cost.pool;
  return { offPoolUs, poolUs: pool ? (eventUs) => poolInKernelUs(pool, eventUs, offPoolUs) : () => offPoolUs };
}

/**
 * The profiler's work inside one pooled kernel event that lasted `eventUs` with the profiler on: the
 * small pool chain's figure for events up to its mean event, the larger chain's from its mean event
 * on, and linear between them (the cost grows with a node's size). A pooled event does all the
 * bookkeeping an event off the pool does, and more, so the figures are taken as at least `floorUs`
 * (the off-pool figure) and the larger chain's as at least the small one's: a chain that reads less
 * met a stall in its unprofiled runs (measured once: 2.5 and 0.2 µs against 3.7 off the pool).
 */
export function poolInKernelUs(pool: Pick<PoolProfilerCost, 'inKernelUs' | 'profiledKernelUs' | 'larger'>, eventUs: number, floorUs = 0): number {
  const small = Math.max(0, floorUs, pool.inKernelUs);
  const larger = pool.larger;
  if (!larger || !(larger.profiledKernelUs > pool.profiledKernelUs)) return small;
  const large = Math.max(small, larger.inKernelUs);
  const t = (eventUs - pool.profiledKernelUs) / (larger.profiledKernelUs - pool.profiledKernelUs);
  return small + (large - small) * Math.min(1, Math.max(0, t));
}

/**
 * A model's latency: the faster of its unprofiled runs in turn (spinning bounded, or off under other
 * work) and, when it was timed alone, its runs alone with onnxruntime's default spinning. The two
 * are close on a quiet machine; under other work a spinning pool fights it for the cores (alone read
 * 3× slower than in turn with spinning off here), which the note says.
 */
export function chooseLatency(inTurn: WallTimes, alone: WallTimes | undefined): { headline: WallTimes; useAlone: boolean; note?: string } {
  if (!alone) return { headline: inTurn, useAlone: false };
  if (alone.medianMs <= inTurn.medianMs) return { headline: alone, useAlone: true };
  return {
    headline: inTurn,
    useAlone: false,
    note: `Timed alone with thread-pool spinning on (onnxruntime's default), the model read ${alone.medianMs.toFixed(3)} ms, slower than in turn (${inTurn.medianMs.toFixed(3)} ms): other work on the machine competes with a spinning pool, so the latency shown is the one in turn.`,
  };
}

/**
 * A node's kernel time less the profiler's own work inside its kernel events (one event per call;
 * `calls` over `runs` timed runs): `pooledCalls` of the events used the thread pool and pay
 * `poolInKernelUs` each, the others `inKernelUs`. Never below 0.
 */
export function correctedKernelUs(medianUs: number, calls: number, runs: number, inKernelUs: number, pooledCalls = 0, poolInKernelUs = inKernelUs): number {
  const callsPerRun = runs > 0 ? calls / runs : 1;
  const pooledShare = calls > 0 ? Math.min(1, Math.max(0, pooledCalls) / calls) : 0;
  const perCall = (1 - pooledShare) * Math.max(0, inKernelUs) + pooledShare * Math.max(0, poolInKernelUs);
  return Math.max(0, medianUs - perCall * callsPerRun);
}

/**
 * The profiler's in-kernel work in one run of `kernels` events, µs: `pooled` lists, per node that used
 * the thread pool, its pooled events per run and the cost of each; the other events pay `offPoolUs`.
 */
export function profilerInKernelUs(kernels: number, pooled: readonly { readonly perRun: number; readonly costUs: number }[], offPoolUs: number): number {
  const pooledEvents = Math.min(kernels, pooled.reduce((sum, p) => sum + Math.max(0, p.perRun), 0));
  const pooledUs = pooled.reduce((sum, p) => sum + Math.max(0, p.perRun) * p.costUs, 0);
  return (kernels - pooledEvents) * offPoolUs + pooledUs;
}

/** A node's profiled time per call, µs: its median per run over its calls per run. */
function perCallUs(medianUs: number, calls: number, runs: number): number {
  const callsPerRun = runs > 0 ? calls / runs : 1;
  return callsPerRun > 0 ? medianUs / callsPerRun : medianUs;
}

/**
 * Other work on the machine when a measurement began: a 1-minute load average of at least a quarter
 * of the cores (and at least 0.5) before the job itself added any. On this project's 2-core machine
 * identical graphs measured minutes apart under such load differed by more than 2×.
 */
export function busyMachineNote(load: ProfileResult['settings']['loadAverage']): string | undefined {
  if (!load || load.atStart < Math.max(0.5, load.cores / 4)) return undefined;
  return `Other work was running: the load average was ${load.atStart.toFixed(2)} on ${load.cores} cores when this measurement started. Times under load can be far from the model's own; compare models with figures measured on a quiet machine.`;
}

/**
 * For models compared in turn with more than one intra-op thread while other work was running (as
 * busyMachineNote): such ratios spread more than with one thread, which needs no second core (a
 * model compared with itself with one of two cores busy, 600 rounds: 0.977–1.007 with 2 threads,
 * intervals up to ±3.3%; 0.995–1.008 with 1, inside ±3%; bench/README.md).
 */
export function busyCompareNote(settings: Pick<ProfileResult['settings'], 'loadAverage' | 'threads'>): string | undefined {
  if (settings.threads < 2 || !busyMachineNote(settings.loadAverage)) return undefined;
  return `Other work was running while these models were compared with ${settings.threads} threads, so their ratios may be off by a few percent; on a busy machine, 'profile: { threads: 1 }' compares more tightly.`;
}

/** Runs that varied widely within the measurement: p90 at least 1.5 × p10. */
export function spreadNote(p10Ms: number, p90Ms: number): string | undefined {
  if (!(p10Ms > 0) || p90Ms < 1.5 * p10Ms) return undefined;
  return `The runs varied widely: p90 ${p90Ms.toFixed(3)} ms is ${(p90Ms / p10Ms).toFixed(1)}× p10 ${p10Ms.toFixed(3)} ms; the median is less certain than usual.`;
}

function assemble(graph: Graph, result: ProfileResult, peaks: PeaksResult, form: string, protocol: string): ModelProfile {
  const cost = result.profilerCost;
  const costs = cost ? inKernelCosts(cost) : undefined;
  const timedRuns = result.latency.ortRunsMs.length;
  const attribution = attributeProfile(
    graph,
    result.nodes.map((n) => ({
      name: n.name,
      opType: n.opType,
      medianUs: n.medianUs,
      ...(costs
        ? { correctedUs: correctedKernelUs(n.medianUs, n.calls, timedRuns, costs.offPoolUs, n.pooledCalls ?? 0, costs.poolUs(perCallUs(n.medianUs, n.calls, timedRuns))) }
        : {}),
      inputs: n.graph?.inputs,
      activation: n.graph?.activation,
      outputs: n.graph?.outputs,
    })),
  );
  const totals: Cost = costGraph(graph).totals;
  const unprofiled = result.baseline ?? result.latency;
  const alone = result.alone;
  const { headline, useAlone, note: aloneNote } = chooseLatency(unprofiled, alone);
  const medianMs = unprofiled.medianMs;
  const bindingMs = result.latency.bindingMs;
  const emptyRunMs = result.emptyRun?.medianMs;
  // The nodes' time without the profiler: the unprofiled wall time less the fixed cost of a run() call,
  // timed on a graph with the model's inputs that does nothing (kernels/process/emptyRun.ts), or in
  // results without one, the Node binding's share measured on the profiled runs (too large by the
  // profiler's own work outside model_run). On a loaded machine that cost can reach the whole
  // unprofiled median; there is then no run time left to compare against.
  const callMs = emptyRunMs ?? bindingMs;
  const unprofiledRunMs = result.baseline && callMs !== undefined && callMs < result.baseline.medianMs ? result.baseline.medianMs - callMs : undefined;
  const parts = result.latency.ortParts;
  // Per run (kernel events of one run, less the in-kernel cost per event), median over the runs:
  // a run's own sum includes the stalls the run met, as the unprofiled median does; the per-node
  // medians of the rows skip them.
  // Each kernel event pays its kind's in-kernel cost: off the thread pool or on it (from the trace),
  // and on it by the node's size.
  const pooledNodes = timedRuns > 0 ? result.nodes.filter((n) => (n.pooledCalls ?? 0) > 0) : [];
  const pooledPerRun = pooledNodes.reduce((sum, n) => sum + (n.pooledCalls ?? 0), 0) / Math.max(1, timedRuns);
  const inKernelPerRunUs =
    costs && parts
      ? profilerInKernelUs(
          parts.kernels,
          pooledNodes.map((n) => ({ perRun: (n.pooledCalls ?? 0) / timedRuns, costUs: costs.poolUs(perCallUs(n.medianUs, n.calls, timedRuns)) })),
          costs.offPoolUs,
        )
      : undefined;
  const correctedRunUs = parts && inKernelPerRunUs !== undefined ? parts.kernelUs - inKernelPerRunUs : undefined;
  // What of the unprofiled run the kernels can hold: the executor's own work between them is no layer's.
  const kernelsShareUs = unprofiledRunMs !== undefined && parts ? unprofiledRunMs * 1e3 - parts.kernels * (cost?.executorNodeUs ?? 0) : undefined;
  return {
    id: graph.name,
    input: graph.inputs[0]?.shape ?? [],
    graph_form: form,
    settings: result.settings,
    protocol,
    latency: {
      median_ms: headline.medianMs,
      p10_ms: headline.p10Ms,
      p90_ms: headline.p90Ms,
      ...(useAlone ? { alone: true } : {}),
      ...(alone ? { in_turn_median_ms: medianMs, alone_median_ms: alone.medianMs } : {}),
      profiled_median_ms: result.latency.medianMs,
      profiled_run_ms: result.latency.ortMedianMs,
      profiled_vs_unprofiled: result.latency.medianMs / medianMs,
      ...(unprofiledRunMs !== undefined ? { unprofiled_run_ms: unprofiledRunMs } : {}),
      ...(bindingMs !== undefined ? { binding_ms: bindingMs } : {}),
      ...(emptyRunMs !== undefined ? { empty_run_ms: emptyRunMs } : {}),
    },
    totals: { params: totals.params, madds: totals.madds, flops: totals.flops, mac_bytes: totals.macBytes },
    achieved_gflops: totals.flops / (headline.medianMs * 1e-3) / 1e9,
    coverage: attribution.attributedUs / (result.latency.ortMedianMs * 1e3),
    ...(correctedRunUs !== undefined && kernelsShareUs !== undefined && kernelsShareUs > 0 ? { corrected_coverage: correctedRunUs / kernelsShareUs } : {}),
    ...(cost && parts && unprofiledRunMs !== undefined
      ? {
          profiler: {
            kernels_per_run: parts.kernels,
            kernel_us: parts.kernelUs,
            between_kernels_us: parts.betweenKernelsUs,
            edges_us: parts.edgesUs,
            pooled_kernels_per_run: pooledPerRun,
            in_kernel_us: cost.inKernelUs,
            ...(cost.pool ? { pool_in_kernel_us: cost.pool.inKernelUs, pool_unprofiled_node_us: cost.pool.unprofiledNodeUs, pool_kernel_us: cost.pool.profiledKernelUs } : {}),
            ...(cost.pool?.larger
              ? { pool_large_in_kernel_us: cost.pool.larger.inKernelUs, pool_large_unprofiled_node_us: cost.pool.larger.unprofiledNodeUs, pool_large_kernel_us: cost.pool.larger.profiledKernelUs }
              : {}),
            chain_between_kernels_us: cost.betweenKernelsUs,
            chain_unprofiled_node_us: cost.unprofiledNodeUs,
            ...(cost.executorNodeUs !== undefined ? { executor_node_us: cost.executorNodeUs } : {}),
            per_node_cost_ratio: 1 + ((inKernelPerRunUs ?? 0) + parts.kernels * cost.betweenKernelsUs) / (unprofiledRunMs * 1e3),
            ...(cost.calibrationMs !== undefined ? { calibration_ms: cost.calibrationMs } : {}),
            method: cost.pool ? `${cost.method}; on the thread pool: ${cost.pool.method}` : cost.noPool ? `${cost.method}; no pool figure: ${cost.noPool}` : cost.method,
          },
        }
      : {}),
    peaks: {
      gemm_gflops: peaks.gemmFlops / 1e9,
      bandwidth_gbs: peaks.bandwidthBytesPerSecond / 1e9,
      compute_gflops: peaks.computeFlops / 1e9,
      roofs: peaks.memory.map((m) => ({ level: m.level, ...(m.capacityBytes !== undefined ? { capacity_bytes: m.capacityBytes } : {}), gbs: m.bytesPerSecond / 1e9 })),
      method: peaks.method,
      cached: peaks.cached,
    },
    layers: attribution.layers.map((l) => layerRow(graph, l, attribution.attributedUs, peaks)),
    uncovered: attribution.uncovered,
    notes: [...result.notes, busyMachineNote(result.settings.loadAverage), spreadNote(headline.p10Ms, headline.p90Ms), aloneNote].filter((n) => n !== undefined),
  };
}
