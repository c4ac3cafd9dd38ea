/** Plain-text rendering of a measured profile (the CLI's default `lcnb profile` output). */
import { textTable } from '../../src/core/summaryText';
import { formatBytes, formatCount, formatShape, formatSI, latencyTiming } from '../../src/shared/format';
import { roofOfLayer } from '../../src/shared/roofline';
import { ModelProfile } from './profileGraph';
import { isolatedAgreementText } from '../../src/shared/isolated';

const ms = (v: number) => `${v.toFixed(3)} ms`;

/** The executor's own work between kernels taken out of the unprofiled run, as a clause of the corrected line. */
function executorText(p: ModelProfile): string {
  const c = p.profiler;
  if (!c || c.executor_node_us === undefined) return '';
  return `; the kernels' share is that less ${c.kernels_per_run} kernels × ${c.executor_node_us.toFixed(2)} µs, the executor's own work per node`;
}

/** The profiler's own cost and the per-layer times with it taken out, when it was measured. */
function profilerLines(p: ModelProfile): string[] {
  const c = p.profiler;
  if (!c || p.corrected_coverage === undefined || p.latency.unprofiled_run_ms === undefined) return [];
  const us = (v: number) => `${v.toFixed(1)} µs`;
  return [
    `  profiler    onnxruntime's profiler costs ${us(c.in_kernel_us)} inside each kernel event off the thread pool${c.pool_in_kernel_us !== undefined ? `, ${us(c.pool_in_kernel_us)} inside each on it` : ''}, and ${us(c.chain_between_kernels_us)} between kernels`,
    `              (calibration chains, where a node takes ${us(c.chain_unprofiled_node_us)} unprofiled); ${c.kernels_per_run} kernels per run here${c.pooled_kernels_per_run !== undefined ? ` (${c.pooled_kernels_per_run.toFixed(0)} on the pool)` : ''}: ≥ ${c.per_node_cost_ratio.toFixed(2)}× from that alone`,
    c.executor_node_us !== undefined
      ? `  corrected   per-layer times less that in-kernel cost add up to ${(100 * p.corrected_coverage).toFixed(1)}% of the kernels' share of onnxruntime's run without the profiler`
      : `  corrected   per-layer times less that in-kernel cost add up to ${(100 * p.corrected_coverage).toFixed(1)}% of onnxruntime's run time without the profiler`,
    p.latency.empty_run_ms !== undefined
      ? `              (${ms(p.latency.unprofiled_run_ms)} = median latency − ${ms(p.latency.empty_run_ms)} for a run() of a graph that does nothing${executorText(p)}; over 100%: profiler cost remains in the rows)`
      : `              (${ms(p.latency.unprofiled_run_ms)} = median latency − ${ms(p.latency.binding_ms ?? 0)} Node binding per run; over 100%: profiler cost remains in the rows)`,
  ];
}

/** The machine's roofs: compute, then each memory level with the working sets it holds. */
function machineLines(p: ModelProfile): string[] {
  const k = p.peaks;
  const cached = k.cached ? ' (cached measurement)' : '';
  const compute = k.compute_gflops ?? k.gemm_gflops;
  const head = `  roofs       compute ${compute.toFixed(1)} GFLOPS (best of conv and GEMM; GEMM alone ${k.gemm_gflops.toFixed(1)})${cached}`;
  if (!k.roofs) return [`  machine     peak ${k.gemm_gflops.toFixed(1)} GFLOPS (GEMM), ${k.bandwidth_gbs.toFixed(1)} GB/s${cached}`];
  const memory = k.roofs.map((r) => `${r.level} ${r.gbs.toFixed(1)} GB/s${r.capacity_bytes !== undefined ? ` (≤ ${formatBytes(r.capacity_bytes)})` : ''}`);
  return [head, `              memory ${memory.join(', ')}`];
}

export function profileText(p: ModelProfile): string {
  const s = p.settings;
  const provider = s.providerUsed === s.providerRequested ? s.providerUsed : `${s.providerUsed} (asked for ${s.providerRequested}: ${s.fallbackReason ?? 'unavailable'})`;
  const out = [
    `${p.id}  input ${formatShape(p.input)}`,
    '',
    `Measured here: provider ${provider}, ${s.threads} intra-op thread(s), inter-op 1, sequential, optimization '${s.optimization}',`,
    `  ${s.warmup} warm-up runs discarded, ${s.runs} timed runs, onnxruntime ${s.onnxruntimeVersion}; model: ${p.graph_form}`,
    `  latency     median ${ms(p.latency.median_ms)}  p10 ${ms(p.latency.p10_ms)}  p90 ${ms(p.latency.p90_ms)}  (profiler off, ${latencyTiming(p.latency.alone)})`,
    `  profiled    median ${ms(p.latency.profiled_median_ms)} (${p.latency.profiled_vs_unprofiled.toFixed(2)}× the unprofiled runs in turn${p.latency.in_turn_median_ms !== undefined ? `, ${ms(p.latency.in_turn_median_ms)}` : ''} — per-layer times come from these runs)`,
    ...(p.protocol ? [`  protocol    ${p.protocol}`] : []),
    `  achieved    ${p.achieved_gflops.toFixed(2)} GFLOPS (${formatSI(p.totals.flops)} FLOPs / median latency)`,
    `  coverage    per-layer kernel times add up to ${(100 * p.coverage).toFixed(1)}% of a profiled run (${ms(p.latency.profiled_run_ms)} in onnxruntime); the rest is between kernels`,
    ...profilerLines(p),
    ...machineLines(p),
    '',
    "Per layer (a fused layer lists every op it covers; roofline = time the roof allows ÷ time measured, against the roof",
    "  named: compute, or the bandwidth of the smallest memory level that holds the layer's MAC bytes):",
  ];
  const corrected = p.layers.every((l) => l.corrected_us !== undefined);
  const alone = p.isolated !== undefined;
  const rows = p.layers.map((l) => [
    l.name,
    l.fused ? l.ops.join('+') : l.ops[0] ?? '(runtime)',
    l.median_us.toFixed(1),
    ...(corrected ? [(l.corrected_us as number).toFixed(1)] : []),
    `${(100 * l.share).toFixed(1)}%`,
    formatCount(l.madds),
    formatBytes(l.mac_bytes),
    l.achieved_gflops.toFixed(2),
    roofOfLayer(l),
    `${(100 * l.roofline_efficiency).toFixed(0)}%`,
    ...(alone ? [l.isolated_us !== undefined ? `${l.isolated_us.toFixed(1)}${l.isolated_note ? ' *' : ''}` : '—'] : []),
  ]);
  out.push(
    ...textTable(
      ['layer', 'ops', 'time (µs)', ...(corrected ? ['less profiler (µs)'] : []), 'share', 'MAdds', 'MAC', 'GFLOPS', 'roof', 'roofline', ...(alone ? ['isolated (µs)'] : [])],
      rows,
      new Set([...(corrected ? [2, 3, 4, 5, 6, 7, 9] : [2, 3, 4, 5, 6, 8]), ...(alone ? [corrected ? 10 : 9] : [])]),
    ).map((l) => `  ${l}`),
  );
  if (p.isolated) {
    out.push('', isolatedAgreementText(p.isolated), `  ${p.isolated.method}`);
    const noted = p.layers.filter((l) => l.isolated_note);
    if (noted.length) out.push('  * where the two differ by more than 15%, which to trust:', ...noted.map((l) => `    ${l.name}: ${l.isolated_note}`));
  }
  if (p.uncovered.length) out.push('', `Not covered by any measured node: ${p.uncovered.join(', ')}`);
  for (const note of p.notes) out.push(`Note: ${note}`);
  return out.join('\n') + '\n';
}
