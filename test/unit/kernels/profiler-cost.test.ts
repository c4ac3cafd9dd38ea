/** Taking onnxruntime's profiler's own cost out of per-node kernel times, off and on the intra-op thread pool. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { correctedKernelUs, inKernelCosts, poolInKernelUs, profilerInKernelUs } from '../../../kernels/host/profileGraph';
import { calibrationChain, CHAIN_NODES, EXECUTOR_CHAIN_NODES, executorChain, measureProfilerCost, POOL_CHAIN_NODES, POOL_CHAINS, poolCalibrationChain, ProfilerCalibration } from '../../../kernels/process/profilerCost';
import { onnx } from '../../../src/onnx/proto';

describe('profiler cost', () => {
  it('subtracts the in-kernel cost once per call, never going below 0', () => {
    assert.equal(correctedKernelUs(50, 10, 10, 3), 47);
    assert.equal(correctedKernelUs(50, 20, 10, 3), 44, 'a node called twice per run pays twice');
    assert.equal(correctedKernelUs(2, 10, 10, 3), 0);
    assert.equal(correctedKernelUs(50, 10, 10, -1), 50, 'a negative (noisy) calibration takes nothing out');
  });

  it('charges events on the thread pool the pool figure and the others the chain figure', () => {
    assert.equal(correctedKernelUs(50, 10, 10, 3, 10, 7), 43, 'always on the pool');
    assert.equal(correctedKernelUs(50, 10, 10, 3, 0, 7), 47, 'never on the pool');
    assert.equal(correctedKernelUs(50, 20, 10, 3, 10, 7), 40, 'two calls per run, one of them on the pool');
    assert.equal(correctedKernelUs(50, 10, 10, 3, 5, 7), 45, 'on the pool in half the runs: the mean of the two');
    assert.equal(correctedKernelUs(50, 10, 10, 3, 99, 7), 43, 'pooled calls beyond the calls count as all');
    assert.equal(correctedKernelUs(50, 10, 10, 3, 10, -2), 50, 'a negative pool figure takes nothing out');
    assert.equal(correctedKernelUs(50, 10, 10, 3, 10), 47, 'without a pool figure, the chain figure');
  });

  it('takes the chain figure for pooled events where no pool figure was measured, and never a negative one', () => {
    const none = inKernelCosts({ inKernelUs: 3.5 });
    assert.deepEqual([none.offPoolUs, none.poolUs(5), none.poolUs(500)], [3.5, 3.5, 3.5]);
    const pool = { chainNodes: 41, unprofiledNodeUs: 5, profiledKernelUs: 12, inKernelUs: 7, method: 'fixture' };
    const small = inKernelCosts({ inKernelUs: 3.5, pool });
    assert.deepEqual([small.offPoolUs, small.poolUs(5), small.poolUs(500)], [3.5, 7, 7], 'one pool chain: its figure at every size');
    const negative = inKernelCosts({ inKernelUs: -1, pool: { ...pool, inKernelUs: -2 } });
    assert.deepEqual([negative.offPoolUs, negative.poolUs(12)], [0, 0]);
    const low = inKernelCosts({ inKernelUs: 3.5, pool: { ...pool, inKernelUs: 2.5 } });
    assert.equal(low.poolUs(12), 3.5, 'a pooled event pays at least what an event off the pool pays');
  });

  it("interpolates a pooled event's cost by its duration between the two pool chains, flat outside them", () => {
    const larger = { chainNodes: 21, shape: [1, 64, 28, 28], runs: 60, unprofiledNodeUs: 30, profiledKernelUs: 42, inKernelUs: 17 };
    const pool = { chainNodes: 41, unprofiledNodeUs: 5, profiledKernelUs: 12, inKernelUs: 7, larger, method: 'fixture' };
    assert.equal(poolInKernelUs(pool, 3), 7, 'smaller than the small chain: its figure');
    assert.equal(poolInKernelUs(pool, 12), 7);
    assert.equal(poolInKernelUs(pool, 27), 12, 'half way');
    assert.equal(poolInKernelUs(pool, 42), 17);
    assert.equal(poolInKernelUs(pool, 400), 17, 'larger than the larger chain: its figure');
    assert.equal(poolInKernelUs({ ...pool, larger: { ...larger, inKernelUs: -3 } }, 42), 7, "a larger chain reading less than the small one counts as the small one's");
    assert.equal(poolInKernelUs({ ...pool, inKernelUs: 2, larger: { ...larger, inKernelUs: 0.5 } }, 42, 3.5), 3.5, 'neither below the off-pool figure');
    assert.equal(poolInKernelUs({ ...pool, inKernelUs: -2 }, 5), 0, 'never below 0');
    assert.equal(poolInKernelUs(pool, 27, 3), 12, 'a floor below both figures changes nothing');
    assert.equal(poolInKernelUs({ ...pool, larger: { ...larger, profiledKernelUs: 10 } }, 42), 7, "a larger chain whose events are not longer is not used");
    assert.equal(inKernelCosts({ inKernelUs: 3, pool }).poolUs(27), 12);
  });

  it("a run's in-kernel cost adds each kind's figure over its events", () => {
    assert.equal(profilerInKernelUs(10, [{ perRun: 4, costUs: 7 }], 3), 6 * 3 + 4 * 7);
    assert.equal(profilerInKernelUs(10, [], 3), 30);
    assert.equal(profilerInKernelUs(10, [{ perRun: 2, costUs: 7 }, { perRun: 1, costUs: 12 }], 3), 7 * 3 + 2 * 7 + 12, "each pooled node at its own size's cost");
    assert.equal(profilerInKernelUs(10, [{ perRun: 12, costUs: 7 }], 3), 84, 'no off-pool events left when every event was pooled');
    assert.equal(profilerInKernelUs(10, [{ perRun: 2.5, costUs: 7 }], 3), 7.5 * 3 + 2.5 * 7, 'a per-run mean over the runs');
  });

  it('the pool chain alternates 1×1 and depthwise 3×3 convs of one width, as many as asked', () => {
    const nodes = onnx.ModelProto.decode(poolCalibrationChain(POOL_CHAIN_NODES)).graph?.node ?? [];
    assert.equal(nodes.length, POOL_CHAIN_NODES);
    assert.ok(nodes.every((n) => n.opType === 'Conv'));
    const attr = (n: (typeof nodes)[number], name: string) => n.attribute?.find((a) => a.name === name);
    assert.deepEqual(nodes.slice(0, 3).map((n) => Number(attr(n, 'kernel_shape')?.ints?.[0])), [1, 3, 1]);
    assert.deepEqual(nodes.slice(0, 2).map((n) => Number(attr(n, 'group')?.i ?? 1)), [1, 32]);
    const wide = onnx.ModelProto.decode(poolCalibrationChain(3, 64, 28)).graph;
    assert.deepEqual(wide?.node?.slice(0, 2).map((n) => Number(attr(n, 'group')?.i ?? 1)), [1, 64]);
    assert.deepEqual(wide?.input?.[0]?.type?.tensorType?.shape?.dim?.map((d) => Number(d.dimValue)), [1, 64, 28, 28]);
  });

  it('measures a pool figure with 2 threads (every pool-chain conv on the pool) and none with 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lcnb-profiler-cost-'));
    try {
      const two = await measureProfilerCost('cpu', 2, mkdtempSync(join(dir, 'two-')), 'all');
      assert.equal(two.chainPooledKernels, 0, "the chain's nodes run off the pool");
      assert.ok(two.pool, `a pool figure: ${two.noPool}`);
      assert.equal(two.pool.chainNodes, POOL_CHAIN_NODES);
      assert.ok(two.pool.profiledKernelUs > 0 && two.pool.unprofiledNodeUs > 0, JSON.stringify(two.pool));
      assert.ok(Math.abs(two.pool.inKernelUs - (two.pool.profiledKernelUs - two.pool.unprofiledNodeUs)) < 1e-9);
      const larger = two.pool.larger;
      assert.ok(larger, `the larger pool chain measured: ${two.pool.method}`);
      assert.deepEqual(larger.shape, [1, POOL_CHAINS[1].channels, POOL_CHAINS[1].side, POOL_CHAINS[1].side]);
      assert.ok(larger.profiledKernelUs > two.pool.profiledKernelUs, "its convs take longer than the small chain's");
      assert.ok(two.calibrationMs !== undefined && two.calibrationMs > 0);
      // The executor's own work per node: positive, and less than a node of the calibration chain, which also computes.
      assert.ok(two.executorNodeUs !== undefined && two.executorNodeUs > 0 && two.executorNodeUs < two.unprofiledNodeUs, JSON.stringify(two));
      const one = await measureProfilerCost('cpu', 1, mkdtempSync(join(dir, 'one-')), 'all');
      assert.equal(one.pool, undefined);
      assert.match(one.noPool ?? '', /one thread/);
      assert.ok(one.profiledKernelUs > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs a round at a time between a job's rounds, counting only the rounds after the warm-up", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lcnb-profiler-rounds-'));
    const calibration = await ProfilerCalibration.load('cpu', 2, dir, 'all');
    try {
      for (let round = 0; round < 4; round++) await calibration.round();
      const cost = await calibration.finish(1, "a round after each of the job's rounds");
      assert.equal(cost.runs, 3 * 3, 'three timed rounds of the chain, three runs each');
      assert.equal(cost.pool?.runs, 3 * POOL_CHAINS[0].repeats);
      assert.equal(cost.pool?.larger?.runs, 3 * POOL_CHAINS[1].repeats);
      assert.match(cost.method, /3 timed rounds after 1 warm-up, a round after each of the job's rounds/);
      assert.ok(cost.calibrationMs !== undefined && cost.calibrationMs > 0);
    } finally {
      await calibration.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('calibration chains alternate 1×1 Conv and Relu, as many nodes as asked', () => {
    const nodes = onnx.ModelProto.decode(calibrationChain(CHAIN_NODES)).graph?.node ?? [];
    assert.equal(nodes.length, CHAIN_NODES);
    assert.deepEqual(nodes.slice(0, 3).map((n) => n.opType), ['Conv', 'Relu', 'Conv']);
    assert.equal(onnx.ModelProto.decode(calibrationChain(1)).graph?.node?.length, 1);
  });

  it('the executor chain is Relu nodes on a one-element tensor, as many as asked', () => {
    const graph = onnx.ModelProto.decode(executorChain(EXECUTOR_CHAIN_NODES)).graph;
    assert.equal(graph?.node?.length, EXECUTOR_CHAIN_NODES);
    assert.ok(graph?.node?.every((n) => n.opType === 'Relu'));
    assert.deepEqual(graph?.input?.[0].type?.tensorType?.shape?.dim?.map((d) => Number(d.dimValue)), [1]);
    assert.equal(onnx.ModelProto.decode(executorChain(1)).graph?.node?.length, 1);
  });
});
