/**
 * Reports for the renderer tests: real zoo models, with a profile shaped like the kernel's (each
 * Conv fused with its BatchNorm and activation, times from a hierarchical roofline) so the tests run
 * without onnxruntime.
 */
import type { ModelProfile, ProfiledLayer } from '../../../kernels/host/profileGraph';
import type { ModelReport, Report, SweepPoint } from '../../../src/run/reportTypes';
import { report, modelReport } from '../../../src/run/buildReport';
import { MemoryRoof, placeOnRoofline } from '../../../src/shared/roofline';
import { buildModelWithFigures } from '../../../src/zoo';

const PEAK_GFLOPS = 400;
const GEMM_GFLOPS = 350;
const BANDWIDTH_GBS = 40;
/** Cache roofs as the kernel measures them: L1 and L2 share a bandwidth, as an L1-sized Add's fixed cost leaves them here. */
const ROOFS: MemoryRoof[] = [
  { level: 'L1', capacityBytes: 96 * 1024, bytesPerSecond: 75e9 },
  { level: 'L2', capacityBytes: 4 * 1024 ** 2, bytesPerSecond: 75e9 },
  { level: 'L3', capacityBytes: 32 * 1024 ** 2, bytesPerSecond: 55e9 },
  { level: 'DRAM', bytesPerSecond: BANDWIDTH_GBS * 1e9 },
];
const FUSABLE = new Set(['BatchNormalization', 'Relu', 'HardSwish', 'Relu6', 'Sigmoid', 'HardSigmoid']);

export function zooReport(id: string, options: { profiled?: boolean; name?: string } = {}): ModelReport {
  const { graph, published } = buildModelWithFigures(id);
  const plain = modelReport(graph, published);
  if (!options.profiled && !options.name) return plain;
  const withName = options.name ? { ...plain, summary: { ...plain.summary, id: options.name } } : plain;
  return options.profiled ? { ...withName, profile: fakeProfile(withName) } : withName;
}

export function fakeProfile(model: ModelReport): ModelProfile {
  const layers = model.summary.layers;
  const groups: (typeof layers)[] = [];
  for (const l of layers) {
    const last = groups[groups.length - 1];
    if (last && FUSABLE.has(l.op) && last[0].op === 'Conv' && last.length < 3) last.push(l);
    else groups.push([l]);
  }
  const raw = groups.map((g) => {
    const flops = g.reduce((a, l) => a + l.flops, 0);
    const mac = g[0].mac_bytes + g[g.length - 1].mac_bytes;
    const placed = placeOnRoofline(flops, mac, PEAK_GFLOPS * 1e9, ROOFS);
    const bound = placed.boundSeconds * 1e6;
    return { g, flops, mac, bound, roof: placed.roof, us: bound * 2.5 + 0.5 };
  });
  // onnxruntime's layout reorders at optimisation 'all': kernels with no IR op.
  const REORDERS = [
    { name: 'ReorderInput', us: 6 },
    { name: 'ReorderOutput', us: 4 },
  ];
  const total = raw.reduce((a, r) => a + r.us, 0) + REORDERS.reduce((a, r) => a + r.us, 0);
  const reorders: ProfiledLayer[] = REORDERS.map((r) => ({
    name: r.name,
    nodes: [],
    ops: [],
    fused: false,
    runtime_nodes: [r.name],
    median_us: r.us,
    share: r.us / total,
    madds: 0,
    flops: 0,
    mac_bytes: 0,
    achieved_gflops: 0,
    bound: 'memory',
    roof: 'L1',
    bound_us: 0,
    roofline_efficiency: 0,
  }));
  const profiled: ProfiledLayer[] = raw.map((r) => ({
    name: r.g[0].name,
    nodes: r.g.map((l) => l.name),
    ops: r.g.map((l) => l.op),
    fused: r.g.length > 1,
    runtime_nodes: [`${r.g[0].name}_fused`],
    median_us: r.us,
    share: r.us / total,
    madds: r.g.reduce((a, l) => a + l.madds, 0),
    flops: r.flops,
    mac_bytes: r.mac,
    achieved_gflops: r.flops / (r.us * 1e-6) / 1e9,
    bound: r.roof === 'compute' ? 'compute' : 'memory',
    roof: r.roof,
    bound_us: r.bound,
    roofline_efficiency: r.bound / r.us,
  }));
  const medianMs = (total * 1.2) / 1000;
  const t = model.summary.totals;
  return {
    id: model.summary.id,
    input: model.summary.input,
    graph_form: "lcnb's export with BatchNorm folded",
    settings: {
      providerRequested: 'cpu',
      providerUsed: 'cpu',
      threads: 2,
      interOpThreads: 1,
      executionMode: 'sequential',
      optimization: 'all',
      warmup: 5,
      runs: 20,
      inputShapes: { input: [...model.summary.input] },
      inputFill: 'deterministic pseudo-random values',
      onnxruntimeVersion: '1.30.0',
      nodesByProvider: { CPUExecutionProvider: profiled.length },
    },
    latency: { median_ms: medianMs, p10_ms: medianMs * 0.95, p90_ms: medianMs * 1.1, profiled_median_ms: medianMs * 2, profiled_run_ms: medianMs * 1.8, profiled_vs_unprofiled: 2 },
    totals: { params: t.params, madds: t.madds, flops: t.flops, mac_bytes: t.mac_bytes },
    achieved_gflops: t.flops / (medianMs * 1e-3) / 1e9,
    coverage: 0.8,
    peaks: {
      gemm_gflops: GEMM_GFLOPS,
      bandwidth_gbs: BANDWIDTH_GBS,
      compute_gflops: PEAK_GFLOPS,
      roofs: ROOFS.map((r) => ({ level: r.level, ...(r.capacityBytes !== undefined ? { capacity_bytes: r.capacityBytes } : {}), gbs: r.bytesPerSecond / 1e9 })),
      method: 'fixture',
      cached: false,
    },
    layers: [reorders[0], ...profiled, reorders[1]],
    uncovered: [],
    notes: [],
  };
}

/** A profile as reports saved before cache roofs had it: GEMM peak and DRAM bandwidth, layers bound by compute or memory. */
export function legacyProfile(profile: ModelProfile): ModelProfile {
  const { compute_gflops: _c, roofs: _r, ...peaks } = profile.peaks;
  return { ...profile, peaks, layers: profile.layers.map(({ roof: _roof, ...l }) => l) };
}

export const COMPARE_IDS = ['mobilenet_v3_small_x1_0', 'shufflenet_v2_x1_0', 'ghostnet_x1_0', 'pplcnet_x1_0', 'fasternet_t0'];

export function compareReport(profiled: boolean): Report {
  return report('compare', 'compare', COMPARE_IDS.map((id) => zooReport(id, { profiled })));
}

export function sweepReport(profiled: boolean): Report {
  const points: SweepPoint[] = [];
  for (const width of [0.5, 0.75, 1.0]) {
    for (const resolution of [160, 224]) {
      const madds = 56e6 * width * width * (resolution / 224) ** 2;
      points.push({
        settings: { width, resolution: [resolution, resolution] },
        params: 2.5e6 * width * width,
        madds,
        flops: 2 * madds,
        mac_bytes: 40e6 * width * (resolution / 224) ** 2,
        median_ms: profiled ? madds / 1e8 : undefined,
      });
    }
  }
  return report('sweep', 'sweep', [], { sweep: { model: 'mobilenet_v3_small_x1_0', axes: ['width', 'resolution'], points } });
}
