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
import { exportOnnx } from '../src/onnx/writer';
import { KernelClient, ProfileJobOptions } from './client';
import { PeaksResult, ProfileResult } from './protocol';
import { ModelProfile, ProfiledLayer, ProfileOptions } from './profileTypes';

export type { ModelProfile, ProfiledLayer, ProfileOptions } from './profileTypes';

function mainNode(graph: Graph, layer: LayerTiming): string {
  const nodes = layer.nodes.map((n) => graph.nodes.find((g) => g.name === n)).filter((n) => n !== undefined);
  return (nodes.find((n) => n.op === 'Conv' || n.op === 'Gemm' || n.op === 'MatMul') ?? nodes[0])?.name ?? layer.runtimeNodes.join(' + ');
}

function layerRow(graph: Graph, layer: LayerTiming, totalUs: number, peaks: PeaksResult): ProfiledLayer {
  const compute = layer.cost.flops / peaks.gemmFlops;
  const memory = layer.cost.macBytes / peaks.bandwidthBytesPerSecond;
  const boundUs = Math.max(compute, memory) * 1e6;
  const ops = layer.nodes.map((n) => graph.nodes.find((g) => g.name === n)?.op ?? '?');
  return {
    name: mainNode(graph, layer),
    nodes: layer.nodes,
    ops,
    fused: layer.fused,
    runtime_nodes: layer.runtimeNodes,
    median_us: layer.medianUs,
    share: totalUs > 0 ? layer.medianUs / totalUs : 0,
    madds: layer.cost.madds,
    flops: layer.cost.flops,
    mac_bytes: layer.cost.macBytes,
    achieved_gflops: layer.achievedFlops / 1e9,
    bound: compute >= memory ? 'compute' : 'memory',
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
      form = `lcnb's inference export (${Object.keys(exported.folded).length} BatchNorm layers folded into their convs)`;
    }
    const result: ProfileResult = await kernel.profile({ modelPath, ...options, baselineRuns: options.runs }, job);
    const peaks = await kernel.peaks({ provider: result.settings.providerUsed, threads: options.threads }, { signal: job.signal });
    return assemble(graph, result, peaks, form);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function assemble(graph: Graph, result: ProfileResult, peaks: PeaksResult, form: string): ModelProfile {
  const attribution = attributeProfile(
    graph,
    result.nodes.map((n) => ({ name: n.name, opType: n.opType, medianUs: n.medianUs, inputs: n.graph?.inputs, outputs: n.graph?.outputs })),
  );
  const totals: Cost = costGraph(graph).totals;
  const unprofiled = result.baseline ?? result.latency;
  const medianMs = unprofiled.medianMs;
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
    },
    totals: { params: totals.params, madds: totals.madds, flops: totals.flops, mac_bytes: totals.macBytes },
    achieved_gflops: totals.flops / (medianMs * 1e-3) / 1e9,
    coverage: attribution.attributedUs / (result.latency.ortMedianMs * 1e3),
    peaks: { gemm_gflops: peaks.gemmFlops / 1e9, bandwidth_gbs: peaks.bandwidthBytesPerSecond / 1e9, method: peaks.method, cached: peaks.cached },
    layers: attribution.layers.map((l) => layerRow(graph, l, attribution.attributedUs, peaks)),
    uncovered: attribution.uncovered,
    notes: result.notes,
  };
}
