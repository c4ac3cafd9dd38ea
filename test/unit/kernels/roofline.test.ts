/**
 * The hierarchical roofline: the placement rule (smallest cache level that holds a layer's working
 * set gives its memory roof; the larger of the compute and memory times binds), reading cache sizes
 * from sysfs, and which Adds measure each level.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ASSUMED_CACHES, cacheLevelsFromSysfs, capacityFor, parseCacheSize, parseCpuList, readCaches } from '../../../kernels/process/caches';
import { addElements, DRAM_MAX_BYTES, DRAM_MIN_BYTES, levelRoofs, memoryPlan } from '../../../kernels/process/peaks';
import { MemoryRoof, memoryRoofFor, placeOnRoofline } from '../../../src/shared/roofline';

const KiB = 1024;
const MiB = 1024 * KiB;
const GB = 1e9;

const ROOFS: MemoryRoof[] = [
  { level: 'L1', capacityBytes: 96 * KiB, bytesPerSecond: 200 * GB },
  { level: 'L2', capacityBytes: 4 * MiB, bytesPerSecond: 75 * GB },
  { level: 'L3', capacityBytes: 32 * MiB, bytesPerSecond: 50 * GB },
  { level: 'DRAM', bytesPerSecond: 15 * GB },
];

describe('roofline placement', () => {
  it('the smallest level whose capacity holds the working set gives the memory roof; DRAM past the last cache', () => {
    assert.equal(memoryRoofFor(640, ROOFS).level, 'L1');
    assert.equal(memoryRoofFor(96 * KiB, ROOFS).level, 'L1');
    assert.equal(memoryRoofFor(96 * KiB + 1, ROOFS).level, 'L2');
    assert.equal(memoryRoofFor(980 * KiB, ROOFS).level, 'L2');
    assert.equal(memoryRoofFor(5 * MiB, ROOFS).level, 'L3');
    assert.equal(memoryRoofFor(33 * MiB, ROOFS).level, 'DRAM');
    // Order of the list does not matter.
    assert.equal(memoryRoofFor(5 * MiB, [...ROOFS].reverse()).level, 'L3');
  });

  it('without DRAM in the list, a working set past every cache sits under the largest one', () => {
    assert.equal(memoryRoofFor(1e12, ROOFS.slice(0, 2)).level, 'L2');
    assert.throws(() => memoryRoofFor(1, []));
  });

  it('binds by the larger of FLOPs / compute and bytes / that level', () => {
    // 1 MiB in L2 at 75 GB/s: 14 µs; 1 MFLOP at 400 GFLOP/s: 2.5 µs — L2 binds.
    const l2 = placeOnRoofline(1e6, MiB, 400 * GB, ROOFS);
    assert.equal(l2.roof, 'L2');
    assert.equal(l2.level, 'L2');
    assert.ok(Math.abs(l2.boundSeconds - MiB / (75 * GB)) < 1e-15);
    // 100 MFLOP over 1 MiB: 250 µs of compute — compute binds, and the level is still L2.
    const c = placeOnRoofline(1e8, MiB, 400 * GB, ROOFS);
    assert.deepEqual({ roof: c.roof, level: c.level }, { roof: 'compute', level: 'L2' });
    assert.ok(Math.abs(c.boundSeconds - 1e8 / (400 * GB)) < 1e-15);
    // An op without FLOPs (Concat) is bound by its memory level.
    assert.equal(placeOnRoofline(0, 40 * MiB, 400 * GB, ROOFS).roof, 'DRAM');
    // Nothing to do: compute, 0 s (as before cache roofs).
    assert.deepEqual(placeOnRoofline(0, 0, 400 * GB, ROOFS), { roof: 'compute', level: 'L1', boundSeconds: 0 });
  });

  it('the same layer is allowed less time under a cache roof than under DRAM alone', () => {
    const dramOnly = placeOnRoofline(2e6, 2 * MiB, 400 * GB, [{ level: 'DRAM', bytesPerSecond: 15 * GB }]);
    const hierarchical = placeOnRoofline(2e6, 2 * MiB, 400 * GB, ROOFS);
    assert.ok(hierarchical.boundSeconds < dramOnly.boundSeconds);
  });
});

describe('cache sizes', () => {
  it('parses sysfs size text', () => {
    assert.equal(parseCacheSize('48K\n'), 48 * KiB);
    assert.equal(parseCacheSize('2048K'), 2 * MiB);
    assert.equal(parseCacheSize('491520K'), 480 * MiB);
    assert.equal(parseCacheSize('32M'), 32 * MiB);
    assert.equal(parseCacheSize('1G'), 1024 * MiB);
    assert.equal(parseCacheSize('512'), 512);
    assert.equal(parseCacheSize('32 KiB'), 32 * KiB);
    assert.equal(parseCacheSize(''), undefined);
    assert.equal(parseCacheSize('0K'), undefined);
    assert.equal(parseCacheSize('big'), undefined);
  });

  it('counts cpu lists', () => {
    assert.equal(parseCpuList('0\n'), 1);
    assert.equal(parseCpuList('0-1'), 2);
    assert.equal(parseCpuList('0,2,4-7'), 6);
    assert.equal(parseCpuList(''), undefined);
    assert.equal(parseCpuList('3-1'), undefined);
  });

  it('reads the data levels of a sysfs listing, leaving out the instruction cache', () => {
    const levels = cacheLevelsFromSysfs([
      { level: '1\n', type: 'Data\n', size: '48K\n', shared_cpu_list: '0\n' },
      { level: '1', type: 'Instruction', size: '64K', shared_cpu_list: '0' },
      { level: '2', type: 'Unified', size: '2048K', shared_cpu_list: '0' },
      { level: '3', type: 'Unified', size: '491520K', shared_cpu_list: '0-1' },
    ]);
    assert.deepEqual(levels, [
      { level: 1, bytes: 48 * KiB, sharedBy: 1 },
      { level: 2, bytes: 2 * MiB, sharedBy: 1 },
      { level: 3, bytes: 480 * MiB, sharedBy: 2 },
    ]);
    assert.equal(cacheLevelsFromSysfs([{ level: '1', type: 'Instruction', size: '32K' }]), undefined);
    assert.equal(cacheLevelsFromSysfs([{ level: '1', type: 'Data' }]), undefined);
  });

  it('a level holds one instance per thread while the threads fit the instances', () => {
    const l1 = { level: 1 as const, bytes: 48 * KiB, sharedBy: 1 };
    const l3 = { level: 3 as const, bytes: 32 * MiB, sharedBy: 8 };
    assert.equal(capacityFor(l1, 1, 2), 48 * KiB);
    assert.equal(capacityFor(l1, 2, 2), 96 * KiB);
    assert.equal(capacityFor(l1, 4, 2), 96 * KiB);
    assert.equal(capacityFor(l3, 4, 8), 32 * MiB);
  });

  it('falls back to typical sizes, said to be assumed, where the system does not say', () => {
    const info = readCaches('win32');
    assert.equal(info.source, 'assumed');
    assert.equal(info.levels, ASSUMED_CACHES);
  });
});

describe('memory roof measurement plan', () => {
  const caches = { source: 'sysfs' as const, levels: cacheLevelsFromSysfs([
    { level: '1', type: 'Data', size: '48K', shared_cpu_list: '0' },
    { level: '2', type: 'Unified', size: '2048K', shared_cpu_list: '0' },
    { level: '3', type: 'Unified', size: '491520K', shared_cpu_list: '0-1' },
  ])! };

  it('measures every level inside its capacity and above the level below, and DRAM past the last cache', () => {
    const plan = memoryPlan(caches, 2, 2);
    assert.deepEqual(plan.map((p) => p.level), ['L1', 'L2', 'L3', 'DRAM']);
    let below = 0;
    for (const p of plan) {
      assert.ok(p.sizes.length > 0);
      for (const s of p.sizes) {
        assert.ok(s > below, `${p.level} ${s} above ${below}`);
        if (p.capacityBytes !== undefined) assert.ok(s <= p.capacityBytes);
      }
      below = p.capacityBytes ?? below;
    }
    // A 480 MiB L3 is measured just above L2, not with an Add of hundreds of MiB.
    assert.ok(Math.max(...plan[2].sizes) <= 64 * MiB);
    const dram = plan[3].sizes[0];
    assert.ok(dram > 480 * MiB && dram <= DRAM_MAX_BYTES);
  });

  it('other providers get the DRAM roof alone', () => {
    assert.deepEqual(memoryPlan(undefined, 2, 2), [{ level: 'DRAM', sizes: [DRAM_MIN_BYTES] }]);
  });

  it('an Add of a total size splits into three float32 tensors', () => {
    assert.equal(addElements(96 * KiB), 8192);
    assert.ok(3 * 4 * addElements(1000003) <= 1000003);
  });

  it("a level's roof is its best Add, never below a larger level's", () => {
    const s = (bytesPerSecond: number) => ({ elements: 1, bytes: 12, bestMs: 1, bytesPerSecond });
    const roofs = levelRoofs([
      { level: 'L1', capacityBytes: 96 * KiB, sizes: [s(12e9), s(22e9)] },
      { level: 'L2', capacityBytes: 4 * MiB, sizes: [s(60e9), s(75e9)] },
      { level: 'DRAM', sizes: [s(15e9)] },
    ]);
    assert.deepEqual(
      roofs.map((r) => [r.level, r.bytesPerSecond, r.measuredBytesPerSecond]),
      [
        ['L1', 75e9, 22e9],
        ['L2', 75e9, 75e9],
        ['DRAM', 15e9, 15e9],
      ],
    );
  });
});
