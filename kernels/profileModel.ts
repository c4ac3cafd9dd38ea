/**
 * Host side of a profile: writes the model's inference form (BatchNorm folded, as the papers
 * measure) to a temporary .onnx, profiles it in the kernel process, maps the runtime's per-node
 * times back to the IR and places each layer on this machine's roofline. Never loads onnxruntime.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attributeProfile, LayerTiming } from '../src/core/attribution';
import { costGraph, Cost } from '../src/core/cost';
import { Graph } from '../src/core/ir';
import { exportOnnx, foldingText } from '../src/onnx/writer';
import { MemoryRoof, placeOnRoofline } from '../src/shared/roofline';
import { KernelClient, ProfileJobOptions } from './client';
import { PeaksResult, ProfileResult } from './protocol';
import { ModelProfile, ProfiledLayer, ProfileOptions } from './profileTypes';

export type { ModelProfile, ProfiledLayer, ProfileOptions } from './profileTypes';

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

/**
 * Profiles `graph` in the kernel: lcnb's inference export of it, or — with `onnxFile`, the file
 * `graph` was read from — that file as it is. `job` carries progress reporting and cancellation.
 */
export async function profileModel(
  kernel: KernelClient,
  graph: Graph,
  options: ProfileOptions,
  job: ProfileJobOptions = {},
  onnxFile?: string,
): Promise<ModelProfile> {
  const dir = await mkdtemp(join(tmpdir(), 'lcnb-profile-'));
  try {
    let modelPath = onnxFile;
    let form = 'as stored in the .onnx file';
    if (!modelPath) {
      modelPath = join(dir, 'model.onnx');
      const exported = exportOnnx(graph, { form: 'inference' });
      await writeFile(modelPath, exported.bytes);
      form = `lcnb's inference export (${foldingText(exported)})`;
    }
    // A stored file runs with the shapes it was read with (symbolic dimensions as the user gave them).
    const inputs = onnxFile ? Object.fromEntries(graph.inputs.map((t) => [t.name, [...t.shape]])) : undefined;
    const result: ProfileResult = await kernel.profile({ modelPath, ...options, ...(inputs ? { inputs } : {}), baselineRuns: options.runs }, job);
    const peaks = await kernel.peaks({ provider: result.settings.providerUsed, threads: options.threads }, { signal: job.signal });
    return assemble(graph, result, peaks, form);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A node's kernel time less the profiler's own work inside its kernel events (one event per call;
 * `calls` over `runs` timed runs), never below 0.
 */
export function correctedKernelUs(medianUs: number, calls: number, runs: number, inKernelUs: number): number {
  const callsPerRun = runs > 0 ? calls / runs : 1;
  return Math.max(0, medianUs - Math.max(0, inKernelUs) * callsPerRun);
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

/** Runs that varied widely within the measurement: p90 at least 1.5 × p10. */
export function spreadNote(p10Ms: number, p90Ms: number): string | undefined {
  if (!(p10Ms > 0) || p90Ms < 1.5 * p10Ms) return undefined;
  return `The runs varied widely: p90 ${p90Ms.toFixed(3)} ms is ${(p90Ms / p10Ms).toFixed(1)}× p10 ${p10Ms.toFixed(3)} ms; the median is less certain than usual.`;
}

function assemble(graph: Graph, result: ProfileResult, peaks: PeaksResult, form: string): ModelProfile {
  const cost = result.profilerCost;
  const timedRuns = result.latency.ortRunsMs.length;
  const attribution = attributeProfile(
    graph,
    result.nodes.map((n) => ({
      name: n.name,
      opType: n.opType,
      medianUs: n.medianUs,
      ...(cost ? { correctedUs: correctedKernelUs(n.medianUs, n.calls, timedRuns, cost.inKernelUs) } : {}),
      inputs: n.graph?.inputs,
      activation: n.graph?.activation,
      outputs: n.graph?.outputs,
    })),
  );
  const totals: Cost = costGraph(graph).totals;
  const unprofiled = result.baseline ?? result.latency;
  const medianMs = unprofiled.medianMs;
  const bindingMs = result.latency.bindingMs;
  // onnxruntime's own run time without the profiler: the unprofiled wall time less what the Node
  // binding adds per run. On a loaded machine the binding's share (measured on the profiled runs)
  // can reach the whole unprofiled median; there is then no run time left to compare against.
  const unprofiledRunMs =
    result.baseline && bindingMs !== undefined && bindingMs < result.baseline.medianMs ? result.baseline.medianMs - bindingMs : undefined;
  const parts = result.latency.ortParts;
  // Per run (kernel events of one run, less the in-kernel cost per event), median over the runs:
  // a run's own sum includes the stalls the run met, as the unprofiled median does; the per-node
  // medians of the rows skip them.
  const correctedRunUs = cost && parts ? parts.kernelUs - parts.kernels * Math.max(0, cost.inKernelUs) : undefined;
  return {
    id: graph.name,
    input: graph.inputs[0]?.shape ?? [],
    graph_form: form,
    settings: result.settings,
    latency: {
      median_ms: medianMs,
      p10_ms: unprofiled.p10Ms,
      p90_ms: unprofiled.p90Ms,
      profiled_median_ms: result.latency.medianMs,
      profiled_run_ms: result.latency.ortMedianMs,
      profiled_vs_unprofiled: result.latency.medianMs / medianMs,
      ...(unprofiledRunMs !== undefined ? { unprofiled_run_ms: unprofiledRunMs } : {}),
      ...(bindingMs !== undefined ? { binding_ms: bindingMs } : {}),
    },
    totals: { params: totals.params, madds: totals.madds, flops: totals.flops, mac_bytes: totals.macBytes },
    achieved_gflops: totals.flops / (medianMs * 1e-3) / 1e9,
    coverage: attribution.attributedUs / (result.latency.ortMedianMs * 1e3),
    ...(correctedRunUs !== undefined && unprofiledRunMs !== undefined ? { corrected_coverage: correctedRunUs / (unprofiledRunMs * 1e3) } : {}),
    ...(cost && parts && unprofiledRunMs !== undefined
      ? {
          profiler: {
            kernels_per_run: parts.kernels,
            kernel_us: parts.kernelUs,
            between_kernels_us: parts.betweenKernelsUs,
            edges_us: parts.edgesUs,
            in_kernel_us: cost.inKernelUs,
            chain_between_kernels_us: cost.betweenKernelsUs,
            chain_unprofiled_node_us: cost.unprofiledNodeUs,
            per_node_cost_ratio: 1 + (parts.kernels * (cost.inKernelUs + cost.betweenKernelsUs)) / (unprofiledRunMs * 1e3),
            method: cost.method,
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
    notes: [...result.notes, busyMachineNote(result.settings.loadAverage), spreadNote(unprofiled.p10Ms, unprofiled.p90Ms)].filter((n) => n !== undefined),
  };
}
