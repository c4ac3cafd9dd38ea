/**
 * Fault injection beyond test/unit/kernels/client.test.ts (which covers a kernel killed during the
 * timed runs, an unreadable model at load, cuda falling back to cpu, and a cancel during the timed
 * runs): onnxruntime throwing while running, a provider that does not exist, a cancel in each of
 * the other phases, a kernel killed under a notebook cell — each leaves the client usable, the job
 * failed with a clear message and the next job working — and the activation-memory guard refusing
 * a graph before anything is exported or loaded.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KernelClient, KernelError, KernelProgress } from '../../../kernels/host/client';
import { GraphBuilder } from '../../../src/core/ir';
import { onnx } from '../../../src/onnx/proto';
import { exportOnnx } from '../../../src/onnx/writer';
import { CellFailure, executeCell } from '../../../src/run/execute';
import { activationMemory, checkActivationMemory } from '../../../src/run/guard';
import { buildModel } from '../../../src/zoo';

const repo = join(__dirname, '..', '..', '..');
const entry = join(repo, 'kernels', 'process', 'main.ts');

let dir: string;
let small: string;
let slow: string;
let reshape: string;

/** y = Reshape(x, [3]) with x declared [N, 3]: it loads, and fails at run time for any N > 1. */
function reshapeModel(): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'reshape_at_run',
      node: [{ name: 'reshape', opType: 'Reshape', input: ['x', 'shape'], output: ['y'] }],
      initializer: [{ name: 'shape', dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [3] }],
      input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 3 }] } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 3 }] } } } }],
    },
  }).finish();
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lcnb-faults-'));
  small = join(dir, 'small.onnx');
  writeFileSync(small, exportOnnx(buildModel('mobilenet_v1_x0_25', { resolution: 64 }), { form: 'deploy' }).bytes);
  const b = new GraphBuilder('slow');
  const x = b.input('a', [3072, 3072]);
  const y = b.input('b', [3072, 3072]);
  slow = join(dir, 'slow.onnx');
  writeFileSync(slow, exportOnnx(b.build([b.add1('MatMul', 'matmul', [x, y])])).bytes);
  reshape = join(dir, 'reshape.onnx');
  writeFileSync(reshape, reshapeModel());
});

after(() => rmSync(dir, { recursive: true, force: true }));

const quick = () => ({ modelPath: small, provider: 'cpu', threads: 1, runs: 1, warmup: 0, optimization: 'basic' as const, baselineRuns: 0 });

function whenPhase(phase: KernelProgress['phase']): { onProgress: (p: KernelProgress) => void; reached: Promise<void> } {
  let reached!: () => void;
  const promise = new Promise<void>((r) => (reached = r));
  return { onProgress: (p) => p.phase === phase && reached(), reached: promise };
}

describe('faults in the profiling kernel', { timeout: 240_000 }, () => {
  const client = new KernelClient(entry, { execArgv: ['--import', 'tsx'] });
  after(() => client.dispose());

  it('onnxruntime throwing inside run(): the job fails with its reason, the kernel stays up and the next job works', async () => {
    const pid = (await client.hello()).pid;
    await assert.rejects(client.profile({ ...quick(), modelPath: reshape, inputs: { x: [2, 3] } }), (e: KernelError) => {
      assert.equal(e.reason, 'failed');
      assert.match(e.message, /^onnxruntime failed running '.*reshape\.onnx': .+/);
      assert.doesNotMatch(e.message, /onnxruntime_src|\n/);
      return true;
    });
    assert.equal((await client.hello()).pid, pid, 'the same kernel process');
    assert.equal((await client.profile(quick())).latency.runsMs.length, 1);
  });

  it('a truncated model: onnxruntime refuses it at load with a clear message, and the next job works', async () => {
    const truncated = join(dir, 'truncated.onnx');
    const bytes = exportOnnx(buildModel('mobilenet_v1_x0_25', { resolution: 64 }), { form: 'deploy' }).bytes;
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await assert.rejects(client.profile({ ...quick(), modelPath: truncated }), (e: KernelError) => e.reason === 'failed' && /^onnxruntime could not load '.*truncated\.onnx': ./.test(e.message));
    assert.equal((await client.profile(quick())).latency.runsMs.length, 1);
  });

  it('a provider that cannot start: the job runs on cpu and says why', async () => {
    const result = await client.profile({ ...quick(), provider: 'nosuchprovider' });
    assert.equal(result.settings.providerRequested, 'nosuchprovider');
    assert.equal(result.settings.providerUsed, 'cpu');
    assert.match(result.settings.fallbackReason ?? '', /^nosuchprovider could not start: .+; ran on cpu instead$/);
  });

  for (const [phase, request] of [
    ['load', { runs: 1000, warmup: 0, baselineRuns: 0 }],
    ['warmup', { runs: 1, warmup: 1000, baselineRuns: 0 }],
    ['runs', { runs: 1, warmup: 0, baselineRuns: 1000 }],
  ] as const) {
    it(`a job cancelled in its ${phase} phase fails as cancelled within 1 s, and the next job works`, async () => {
      const controller = new AbortController();
      const { onProgress, reached } = whenPhase(phase);
      const job = client.profile({ modelPath: slow, provider: 'cpu', threads: 1, optimization: 'basic', ...request }, { onProgress, signal: controller.signal });
      job.catch(() => undefined);
      await reached;
      const start = Date.now();
      controller.abort();
      await assert.rejects(job, (e: KernelError) => e.reason === 'cancelled' && e.message === 'cancelled profiling slow.onnx');
      assert.ok(Date.now() - start < 1000, `cancel took ${Date.now() - start} ms`);
      assert.equal((await client.profile(quick())).latency.runsMs.length, 1);
    });
  }
});

describe('faults under a notebook cell', { timeout: 240_000 }, () => {
  const kernel = new KernelClient(entry, { execArgv: ['--import', 'tsx'] });
  after(() => kernel.dispose());

  it('the kernel killed while a cell measures: the cell fails with a clear message, the next cell runs', async () => {
    const cell = 'model: mobilenet_v1_x0_25\nresolution: 64\nprofile: { runs: 100000, warmup: 0, threads: 1 }';
    let killed = false;
    const run = executeCell(cell, {
      kernel,
      provider: 'cpu',
      baseDir: dir,
      onProgress: (what) => {
        if (!killed && what.endsWith(': runs')) {
          killed = true;
          process.kill(kernel.pid!, 'SIGKILL');
        }
      },
    });
    await assert.rejects(run, (e: Error) => {
      assert.ok(e instanceof CellFailure, e.stack);
      assert.match(e.message, /^the profiling kernel stopped unexpectedly \(signal SIGKILL\) while profiling .*\(timed run \d+ of 100000\); it will be restarted for the next job\./);
      return true;
    });
    const next = await executeCell('model: mobilenet_v1_x0_25\nresolution: 64\nprofile: { runs: 2, warmup: 0, threads: 1 }', { kernel, provider: 'cpu', baseDir: dir });
    assert.equal(next.report.models[0].profile?.settings.runs, 2);
  });
});

describe('activation-memory guard', () => {
  it('peak activation bytes: the tensors held while each node runs, in graph order', () => {
    const b = new GraphBuilder('branches');
    const x = b.input('x', [1, 4, 8, 8]); // 1 KiB
    const [left] = b.add('Relu', 'left', [x]);
    const [right] = b.add('Sigmoid', 'right', [x]);
    const [sum] = b.add('Add', 'sum', [left, right]);
    // left: x + left; right: x + left + right (x freed after); sum: left + right + sum.
    assert.deepEqual(activationMemory(b.build([sum])), { peakBytes: 3 * 1024, peakNode: 'right' });
    const c = new GraphBuilder('chain');
    let t = c.input('x', [1, 4, 8, 8]);
    for (let i = 0; i < 5; i++) [t] = c.add('Relu', `r${i}`, [t]);
    assert.equal(activationMemory(c.build([t])).peakBytes, 2 * 1024, 'a chain holds two tensors at a time');
  });

  it('refuses with the graph, its bytes and the limit', () => {
    const graph = buildModel('mobilenet_v2_x1_0', { resolution: 224 });
    const { peakBytes } = activationMemory(graph);
    // Two float32 tensors of [1, 96, 112, 112] (the first expansion conv's output and its BatchNorm's).
    assert.equal(peakBytes, 2 * 96 * 112 * 112 * 4);
    checkActivationMemory(graph, peakBytes, 'cell 1');
    assert.throws(
      () => checkActivationMemory(graph, 2 ** 20, 'cell 1'),
      /^UserError: cell 1: mobilenet_v2_x1_0 needs \d+\.\d MiB of activation memory \(at its peak, while '.+' runs\), over the limit of 1\.0 MiB; nothing was loaded\./,
    );
  });

  it('a huge-resolution model is refused before anything is exported or handed to the kernel', async () => {
    const touched: string[] = [];
    // Any use of the kernel (profile, hello, …) would be recorded here; the guard runs before the model is even written out for it.
    const kernel = new Proxy({}, { get: (_t, key) => (touched.push(String(key)), () => Promise.reject(new Error('the kernel was reached'))) }) as KernelClient;
    await assert.rejects(
      executeCell('model: mobilenet_v2_x1_0\nresolution: 8192\nprofile: { runs: 1, warmup: 0 }', { kernel, provider: 'cpu', baseDir: dir }),
      (e: Error) => e instanceof CellFailure && /^not measured: mobilenet_v2_x1_0 needs \d+\.\d GiB of activation memory .*over the limit of 4\.0 GiB; nothing was loaded/.test(e.message),
    );
    await assert.rejects(
      executeCell('model: mobilenet_v2_x1_0\nprofile: { runs: 1, warmup: 0 }', { kernel, provider: 'cpu', baseDir: dir, activationMemoryLimitBytes: 2 ** 20 }),
      /over the limit of 1\.0 MiB/,
    );
    const target = join(dir, 'huge.onnx');
    await assert.rejects(executeCell(`export: mobilenet_v2_x1_0\nresolution: 8192\npath: ${target}`, { provider: 'cpu', baseDir: dir }), /^CellFailure: not exported: /);
    assert.deepEqual(touched, []);
    assert.ok(!readdirSync(dir).includes('huge.onnx'));
  });
});
