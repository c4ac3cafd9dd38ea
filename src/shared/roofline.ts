/**
 * The hierarchical roofline: which roof binds a layer on this machine. Pure; shared by the
 * profiler (which places each layer), the CLI report and the webviews (which name the roof).
 *
 * The rule: a layer's working set is the bytes it touches — its memory access cost (weights +
 * input and output activations), the MAC lcnb already counts. The memory roof it sits under is the
 * bandwidth of the smallest cache level whose capacity holds that working set (DRAM when none
 * does). The time the roofline allows is max(FLOPs / compute peak, bytes / that level's
 * bandwidth); the roof that gives the larger term binds the layer.
 */

export type MemoryLevel = 'L1' | 'L2' | 'L3' | 'DRAM';
export type RoofName = 'compute' | MemoryLevel;

export const MEMORY_LEVELS: readonly MemoryLevel[] = ['L1', 'L2', 'L3', 'DRAM'];
/** Every roof name, in the order the charts list them. */
export const ROOF_NAMES: readonly RoofName[] = ['compute', ...MEMORY_LEVELS];

export interface MemoryRoof {
  readonly level: MemoryLevel;
  /** Working sets up to this many bytes sit under this roof; absent for DRAM (no limit). */
  readonly capacityBytes?: number;
  readonly bytesPerSecond: number;
}

export interface Placement {
  /** The roof that binds: compute, or the memory level that holds the working set. */
  readonly roof: RoofName;
  /** The memory level that holds the working set (whichever roof binds). */
  readonly level: MemoryLevel;
  /** The time the roofline allows, seconds. */
  readonly boundSeconds: number;
}

/** The smallest level whose capacity holds `bytes` (roofs in any order); DRAM, or the largest roof given, when none does. */
export function memoryRoofFor(bytes: number, roofs: readonly MemoryRoof[]): MemoryRoof {
  const sorted = [...roofs].sort((a, b) => (a.capacityBytes ?? Infinity) - (b.capacityBytes ?? Infinity));
  const fits = sorted.find((r) => bytes <= (r.capacityBytes ?? Infinity));
  const roof = fits ?? sorted[sorted.length - 1];
  if (!roof) throw new Error('no memory roof measured');
  return roof;
}

/** Places a layer of `flops` FLOPs touching `bytes` bytes under this machine's roofs (rule above). */
export function placeOnRoofline(flops: number, bytes: number, computeFlopsPerSecond: number, roofs: readonly MemoryRoof[]): Placement {
  const memory = memoryRoofFor(bytes, roofs);
  const compute = computeFlopsPerSecond > 0 ? flops / computeFlopsPerSecond : 0;
  const moved = memory.bytesPerSecond > 0 ? bytes / memory.bytesPerSecond : 0;
  return { roof: compute >= moved ? 'compute' : memory.level, level: memory.level, boundSeconds: Math.max(compute, moved) };
}

/** The roof a reported layer's figure is against; a report from before cache roofs says only memory, which was DRAM. */
export function roofOfLayer(layer: { readonly roof?: RoofName; readonly bound: 'compute' | 'memory' }): RoofName {
  return layer.roof ?? (layer.bound === 'compute' ? 'compute' : 'DRAM');
}

export interface ReportedRoofs {
  readonly compute_gflops: number;
  /** Smallest level first, DRAM last. */
  readonly memory: readonly { readonly level: MemoryLevel; readonly gbs: number; readonly capacity_bytes?: number }[];
}

/** A report's roofs; one from before cache roofs has the GEMM peak and one DRAM roof. */
export function reportedRoofs(peaks: {
  readonly gemm_gflops: number;
  readonly bandwidth_gbs: number;
  readonly compute_gflops?: number;
  readonly roofs?: ReportedRoofs['memory'];
}): ReportedRoofs {
  return {
    compute_gflops: peaks.compute_gflops ?? peaks.gemm_gflops,
    memory: peaks.roofs?.length ? peaks.roofs : [{ level: 'DRAM', gbs: peaks.bandwidth_gbs }],
  };
}

/** One line on what a layer's roofline figure is against: "62% of the L2 roof: its 980.8 KiB fit L2 (≤ 4.0 MiB) at 74.9 GB/s; …". */
export function roofExplanation(
  layer: { readonly roof?: RoofName; readonly bound: 'compute' | 'memory'; readonly mac_bytes: number; readonly bound_us: number; readonly median_us: number; readonly roofline_efficiency: number },
  roofs: ReportedRoofs,
  formatBytes: (n: number) => string,
): string {
  const roof = roofOfLayer(layer);
  const pct = `${(100 * layer.roofline_efficiency).toFixed(0)}% of the ${roof} roof`;
  const times = `the roof allows ${layer.bound_us.toFixed(1)} µs, measured ${layer.median_us.toFixed(1)} µs`;
  if (roof === 'compute') return `${pct} (${roofs.compute_gflops.toFixed(0)} GFLOP/s): ${times}`;
  const level = roofs.memory.find((m) => m.level === roof);
  const holds = level?.capacity_bytes !== undefined ? `fit ${roof} (≤ ${formatBytes(level.capacity_bytes)})` : `fit no cache`;
  return `${pct}: its ${formatBytes(layer.mac_bytes)} of memory traffic ${holds}, ${level ? `${level.gbs.toFixed(1)} GB/s` : 'bandwidth'}; ${times}`;
}
