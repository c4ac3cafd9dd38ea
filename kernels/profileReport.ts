/** Plain-text rendering of a measured profile (the CLI's default `lcnb profile` output). */
import { textTable } from '../src/core/report';
import { formatBytes, formatCount, formatShape, formatSI } from '../src/shared/format';
import { ModelProfile } from './profileModel';

const ms = (v: number) => `${v.toFixed(3)} ms`;

export function profileText(p: ModelProfile): string {
  const s = p.settings;
  const provider = s.providerUsed === s.providerRequested ? s.providerUsed : `${s.providerUsed} (asked for ${s.providerRequested}: ${s.fallbackReason ?? 'unavailable'})`;
  const out = [
    `${p.id}  input ${formatShape(p.input)}`,
    '',
    `Measured here: provider ${provider}, ${s.threads} intra-op thread(s), inter-op 1, sequential, optimization '${s.optimization}',`,
    `  ${s.warmup} warm-up runs discarded, ${s.runs} timed runs, onnxruntime ${s.onnxruntimeVersion}; model: ${p.graph_form}`,
    `  latency     median ${ms(p.latency.median_ms)}  p10 ${ms(p.latency.p10_ms)}  p90 ${ms(p.latency.p90_ms)}  (profiler off)`,
    `  profiled    median ${ms(p.latency.profiled_median_ms)} (${p.latency.profiled_vs_unprofiled.toFixed(2)}× — per-layer times come from these runs)`,
    `  achieved    ${p.achieved_gflops.toFixed(2)} GFLOPS (${formatSI(p.totals.flops)} FLOPs / median latency)`,
    `  coverage    per-layer times add up to ${(100 * p.coverage).toFixed(1)}% of a profiled run (${ms(p.latency.profiled_run_ms)} in onnxruntime); the rest is between kernels`,
    `  machine     peak ${p.peaks.gemm_gflops.toFixed(1)} GFLOPS (GEMM), ${p.peaks.bandwidth_gbs.toFixed(1)} GB/s${p.peaks.cached ? ' (cached measurement)' : ''}`,
    '',
    "Per layer (a fused layer lists every op it covers; roofline = time the machine's roof allows ÷ time measured;",
    '  above 100% means the data stayed in cache, faster than the DRAM bandwidth roof):',
  ];
  const rows = p.layers.map((l) => [
    l.name,
    l.fused ? l.ops.join('+') : l.ops[0] ?? '(runtime)',
    l.median_us.toFixed(1),
    `${(100 * l.share).toFixed(1)}%`,
    formatCount(l.madds),
    formatBytes(l.mac_bytes),
    l.achieved_gflops.toFixed(2),
    l.bound,
    `${(100 * l.roofline_efficiency).toFixed(0)}%`,
  ]);
  out.push(
    ...textTable(['layer', 'ops', 'time (µs)', 'share', 'MAdds', 'MAC', 'GFLOPS', 'bound', 'roofline'], rows, new Set([2, 3, 4, 5, 6, 8])).map((l) => `  ${l}`),
  );
  if (p.uncovered.length) out.push('', `Not covered by any measured node: ${p.uncovered.join(', ')}`);
  for (const note of p.notes) out.push(`Note: ${note}`);
  return out.join('\n') + '\n';
}
