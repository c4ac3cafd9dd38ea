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
