/**
 * The CPU's data cache sizes, for the hierarchical roofline: Linux's
 * /sys/devices/system/cpu/cpu0/cache/index<N>/{level,type,size,shared_cpu_list}, macOS's
 * `sysctl hw.l1dcachesize hw.l2cachesize hw.l3cachesize`, else typical sizes, labelled as assumed.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CacheInfo, CacheLevel } from '../protocol';

export type { CacheInfo, CacheLevel } from '../protocol';

/** Typical desktop sizes, used when the system does not say: 32 KiB L1d and 1 MiB L2 per core, 16 MiB L3 shared. */
export const ASSUMED_CACHES: readonly CacheLevel[] = [
  { level: 1, bytes: 32 * 1024, sharedBy: 1 },
  { level: 2, bytes: 1024 * 1024, sharedBy: 1 },
  { level: 3, bytes: 16 * 1024 * 1024, sharedBy: Number.MAX_SAFE_INTEGER },
];

/** sysfs' size text ("48K", "2048K", "491520K", "32M", "1G", "512") in bytes; undefined when unreadable. */
export function parseCacheSize(text: string): number | undefined {
  const m = /^\s*(\d+)\s*([KMG]?)i?B?\s*$/i.exec(text);
  if (!m) return undefined;
  const scale = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  const bytes = Number(m[1]) * scale;
  return bytes > 0 ? bytes : undefined;
}

/** How many CPUs a cpu list ("0", "0-1", "0,2,4-7") names; undefined when unreadable. */
export function parseCpuList(text: string): number | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  let count = 0;
  for (const part of trimmed.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) return undefined;
    count += to - from + 1;
  }
  return count;
}

export interface SysfsCacheEntry {
  readonly level?: string;
  readonly type?: string;
  readonly size?: string;
  readonly shared_cpu_list?: string;
}

/**
 * The data levels 1–3 of a CPU's sysfs cache entries (instruction caches and levels above 3 left
 * out; where a level appears twice, the first). Undefined when no level could be read.
 */
export function cacheLevelsFromSysfs(entries: readonly SysfsCacheEntry[]): CacheLevel[] | undefined {
  const out = new Map<number, CacheLevel>();
  for (const e of entries) {
    const level = Number(e.level?.trim());
    if (level !== 1 && level !== 2 && level !== 3) continue;
    if (!/^(data|unified)$/i.test(e.type?.trim() ?? '')) continue;
    const bytes = e.size === undefined ? undefined : parseCacheSize(e.size);
    if (bytes === undefined || out.has(level)) continue;
    out.set(level, { level, bytes, sharedBy: (e.shared_cpu_list && parseCpuList(e.shared_cpu_list)) || 1 });
  }
  const levels = [...out.values()].sort((a, b) => a.level - b.level);
  return levels.length ? levels : undefined;
}

function readSysfs(root = '/sys/devices/system/cpu/cpu0/cache'): CacheLevel[] | undefined {
  try {
    const read = (dir: string, f: string) => {
      try {
        return readFileSync(join(root, dir, f), 'utf8');
      } catch {
        return undefined;
      }
    };
    const entries = readdirSync(root)
      .filter((d) => /^index\d+$/.test(d))
      .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
      .map((d) => ({ level: read(d, 'level'), type: read(d, 'type'), size: read(d, 'size'), shared_cpu_list: read(d, 'shared_cpu_list') }));
    return cacheLevelsFromSysfs(entries);
  } catch {
    return undefined;
  }
}

function readSysctl(): CacheLevel[] | undefined {
  const levels: CacheLevel[] = [];
  for (const [level, key] of [
    [1, 'hw.l1dcachesize'],
    [2, 'hw.l2cachesize'],
    [3, 'hw.l3cachesize'],
  ] as const) {
    try {
      const bytes = Number(execFileSync('sysctl', ['-n', key], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      // sysctl does not say how many cores share a level: L1 per core, the others taken as shared.
      if (bytes > 0) levels.push({ level, bytes, sharedBy: level === 1 ? 1 : Number.MAX_SAFE_INTEGER });
    } catch {
      // Not this level.
    }
  }
  return levels.length ? levels : undefined;
}

/** This machine's data caches, with where the sizes came from. */
export function readCaches(platform: NodeJS.Platform = process.platform): CacheInfo {
  if (platform === 'linux') {
    const levels = readSysfs();
    if (levels) return { source: 'sysfs', levels };
  }
  if (platform === 'darwin') {
    const levels = readSysctl();
    if (levels) return { source: 'sysctl', levels };
  }
  return { source: 'assumed', levels: ASSUMED_CACHES };
}

/**
 * Bytes a job on `threads` threads keeps in a level: one instance per thread while the threads
 * fit the instances (each thread works on its own part of the data), else all of them.
 */
export function capacityFor(level: CacheLevel, threads: number, cores: number): number {
  const instances = Math.max(1, Math.floor(cores / Math.max(1, level.sharedBy)));
  return level.bytes * Math.max(1, Math.min(threads, instances));
}
