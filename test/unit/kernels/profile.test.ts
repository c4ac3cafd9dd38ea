/**
 * Per-layer attribution on real onnxruntime profiles: at every optimisation level each IR node is
 * covered exactly once, fused groups hold at most one weighted layer, and the numbers add up.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readOnnxFile } from '../../../src/onnx/file';
import { buildModel } from '../../../src/zoo';
import type { Graph } from '../../../src/core/ir';
import { KernelClient } from '../../../kernels/host/client';
import { ModelProfile, profileGraph } from '../../../kernels/host/profileGraph';
import { OPTIMIZATION_LEVELS } from '../../../src/shared/measureSettings';

const cache = mkdtempSync(join(tmpdir(), 'lcnb-profile-test-'));
const kernel = new KernelClient(join(__dirname, '..', '..', '..', 'kernels', 'process', 'main.ts'), { execArgv: ['--import', 'tsx'], env: { LCNB_CACHE_DIR: cache } });
after(async () => {
  await kernel.dispose();
  rmSync(cache, { recursive: true, force: true });
});

const WEIGHTED = new Set(['Conv', 'Gemm', 'MatMul']);

const ACTIVATIONS = new Set(['Relu', 'Clip', 'HardSwish', 'HardSigmoid', 'Sigmoid']);

function checkProfile(p: ModelProfile, graph: Graph): void {
  const irNodes = graph.nodes.map((n) => n.name);
  assert.deepEqual(p.uncovered, [], 'every IR node is covered by a measured node');
  const seen = p.layers.flatMap((l) => l.nodes);
  assert.equal(new Set(seen).size, seen.length, 'no IR node is counted in two layers');
  assert.deepEqual(new Set(seen), new Set(irNodes));
  for (const l of p.layers) {
    assert.ok(l.ops.filter((op) => WEIGHTED.has(op)).length <= 1, `one weighted layer per row: ${l.nodes.join(', ')}`);
    assert.ok(l.median_us >= 0);
    assert.equal(l.fused, l.nodes.length > 1);
    // A fused activation runs in the kernel of the op that produces its input, never in the next one's.
    for (const name of l.nodes) {
      const node = graph.nodes.find((n) => n.name === name);
      if (!node || !ACTIVATIONS.has(node.op) || l.nodes.length === 1) continue;
      const producer = graph.nodes.find((n) => n.outputs.includes(node.inputs[0]));
      assert.ok(producer && l.nodes.includes(producer.name), `${name} belongs with its producer ${producer?.name}, found in [${l.nodes.join(', ')}]`);
    }
  }
  const shares = p.layers.reduce((sum, l) => sum + l.share, 0);
  assert.ok(Math.abs(shares - 1) < 1e-9, `shares add up to 1, got ${shares}`);
  assert.ok(p.coverage > 0.3 && p.coverage <= 1.02, `coverage ${p.coverage}`);
  assert.ok(p.latency.median_ms > 0 && p.latency.p10_ms <= p.latency.p90_ms);
  // The nodes' time without the profiler: the unprofiled median in turn less a run() that does nothing.
  const inTurn = p.latency.in_turn_median_ms ?? p.latency.median_ms;
  const empty = p.latency.empty_run_ms!;
  assert.ok(empty > 0 && empty < inTurn, `empty run ${empty} ms`);
  if (p.latency.unprofiled_run_ms !== undefined) assert.ok(Math.abs(p.latency.unprofiled_run_ms - (inTurn - empty)) < 1e-12);
  // The executor's own work per node, measured with the profiler's calibration, is what the kernels' share leaves out.
  if (p.profiler) assert.ok(p.profiler.executor_node_us !== undefined && p.profiler.executor_node_us > 0 && p.profiler.executor_node_us < p.profiler.chain_unprofiled_node_us);
  assert.ok(p.achieved_gflops > 0 && p.peaks.gemm_gflops > 0 && p.peaks.bandwidth_gbs > 0);
}

describe('profile attribution', () => {
  for (const optimization of OPTIMIZATION_LEVELS) {
    it(`mobilenet_v3_small (HardSwish, SE, residual adds) at '${optimization}'`, async () => {
      const graph = buildModel('mobilenet_v3_small_x1_0', { resolution: 64 });
      const p = await profileGraph(kernel, graph, { provider: 'cpu', threads: 1, runs: 3, warmup: 1, optimization });
      checkProfile(p, graph);
      const stem = p.layers.find((l) => l.nodes.includes('stem.conv'));
      assert.ok(stem?.nodes.includes('stem.bn'), 'the folded BatchNorm is attributed with its conv');
    });
  }

  it("fasternet_t0 (split/concat, GELU, residuals) and shufflenet_v2 (channel shuffle) at 'all'", async () => {
    for (const id of ['fasternet_t0', 'shufflenet_v2_x0_5']) {
      const graph = buildModel(id, { resolution: 64 });
      const p = await profileGraph(kernel, graph, { provider: 'cpu', threads: 1, runs: 3, warmup: 1, optimization: 'all' });
      checkProfile(p, graph);
    }
  });

  it('a PyTorch-exported .onnx is profiled as it is and mapped to its own nodes', async () => {
    const file = join(__dirname, '..', '..', 'fixtures', 'onnx', 'torch_tiny_se.onnx');
    const { graph } = await readOnnxFile(file);
    const p = await profileGraph(kernel, graph, { provider: 'cpu', threads: 1, runs: 3, warmup: 1, optimization: 'extended' }, {}, file);
    assert.match(p.graph_form, /as stored in the \.onnx file/);
    checkProfile(p, graph);
  });
});
