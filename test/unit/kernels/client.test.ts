/**
 * KernelClient against the real kernel process (kernels/process/main.ts under tsx): profiling, progress,
 * provider fallback, cancellation, a kernel killed from outside, and clear job errors.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KernelClient, KernelError, KernelProgress } from '../../../kernels/host/client';
import { GraphBuilder } from '../../../src/core/ir';
import { onnx } from '../../../src/onnx/proto';
import { exportOnnx } from '../../../src/onnx/writer';
import { buildModel } from '../../../src/zoo';

const repo = join(__dirname, '..', '..', '..');
const entry = join(repo, 'kernels', 'process', 'main.ts');
const newClient = () => new KernelClient(entry, { execArgv: ['--import', 'tsx'] });

let dir: string;
let small: string;
let slow: string;
let exportedNames: string[];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lcnb-kernel-test-'));
  small = join(dir, 'mobilenet_v1_x0_25.onnx');
  const bytes = exportOnnx(buildModel('mobilenet_v1_x0_25', { resolution: 64 }), { form: 'deploy' }).bytes;
  writeFileSync(small, bytes);
  exportedNames = onnx.ModelProto.decode(bytes).graph!.node!.map((n) => n.name!);
  // One MatMul of 2·3072³ ≈ 58 GFLOP: each run() keeps onnxruntime busy for a good fraction of a second.
  const b = new GraphBuilder('slow');
  const x = b.input('a', [3072, 3072]);
  const y = b.input('b', [3072, 3072]);
  slow = join(dir, 'slow.onnx');
  writeFileSync(slow, exportOnnx(b.build([b.add1('MatMul', 'matmul', [x, y])])).bytes);
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** Resolves on the first progress of `phase`; the returned promise of the job itself is `job`. */
function whenPhase(phase: KernelProgress['phase']): { onProgress: (p: KernelProgress) => void; reached: Promise<void> } {
  let reached!: () => void;
  const promise = new Promise<void>((r) => (reached = r));
  return { onProgress: (p) => p.phase === phase && reached(), reached: promise };
}

describe('KernelClient', { timeout: 120_000 }, () => {
  const client = newClient();
  after(() => client.dispose());

  it('profiles a model: latency, per-node times named as the exported nodes, settings', async () => {
    const result = await client.profile({ modelPath: small, provider: 'cpu', threads: 1, runs: 3, warmup: 1, optimization: 'disabled', baselineRuns: 2 });
    assert.equal(result.latency.runsMs.length, 3);
    assert.equal(result.latency.ortRunsMs.length, 3);
    assert.ok(result.latency.medianMs > 0 && result.latency.p10Ms <= result.latency.medianMs && result.latency.medianMs <= result.latency.p90Ms);
    assert.equal(result.baseline?.runsMs.length, 2);
    assert.deepEqual(result.nodes.map((n) => n.name).sort(), [...exportedNames].sort());
    for (const n of result.nodes) {
      assert.equal(n.calls, 3, n.name);
      assert.ok(n.totalUs >= n.medianUs && n.medianUs >= 0, n.name);
      assert.equal(n.provider, 'CPUExecutionProvider');
      assert.equal(n.graph?.name, n.name);
    }
    const conv = result.nodes.find((n) => n.opType === 'Conv')!;
    assert.deepEqual(conv.inputShapes[0], [1, 3, 64, 64]);
    assert.deepEqual(result.settings.inputShapes, { input: [1, 3, 64, 64] });
    assert.equal(result.settings.providerUsed, 'cpu');
    assert.equal(result.settings.fallbackReason, undefined);
    assert.equal(result.settings.threads, 1);
    assert.equal(result.settings.optimization, 'disabled');
    assert.match(result.settings.onnxruntimeVersion, /^1\.\d+\.\d+$/);
    assert.equal(result.optimizedNodeCount, exportedNames.length);
    assert.deepEqual(result.notes, []);
    const parts = result.latency.ortParts!;
    assert.equal(parts.kernels, exportedNames.length);
    assert.ok(parts.kernelUs > 0 && parts.betweenKernelsUs >= 0 && parts.edgesUs >= 0);
    assert.ok(Math.abs(parts.kernelUs + parts.betweenKernelsUs + parts.edgesUs - result.latency.ortMedianMs * 1e3) <= 0.5 * result.latency.ortMedianMs * 1e3, 'the parts make up a run');
    assert.ok(result.latency.bindingMs !== undefined && Number.isFinite(result.latency.bindingMs));
    // A run() that does nothing, with the model's inputs, is timed once in each timed round.
    assert.equal(result.emptyRun?.runsMs.length, 3);
    assert.ok(result.emptyRun!.medianMs > 0 && result.emptyRun!.medianMs < result.baseline!.medianMs);
    // With baseline runs, the profiler's own cost is measured by default.
    const cost = result.profilerCost!;
    assert.equal(cost.chainNodes, 101);
    assert.ok(cost.profiledKernelUs > 0 && cost.betweenKernelsUs > 0, JSON.stringify(cost));
    assert.ok(Math.abs(cost.inKernelUs - (cost.profiledKernelUs - cost.unprofiledNodeUs)) < 1e-9);
  });

  it('at optimisation level all, reports nodes as onnxruntime names them, each found in the optimised graph', async () => {
    const result = await client.profile({ modelPath: small, provider: 'cpu', threads: 2, runs: 2, warmup: 1, optimization: 'all', baselineRuns: 0 });
    assert.equal(result.baseline, undefined);
    assert.equal(result.emptyRun, undefined, 'no empty run without a baseline');
    assert.equal(result.profilerCost, undefined, 'no calibration without baseline runs unless asked');
    assert.ok(result.nodes.every((n) => n.graph), 'every node identified');
    assert.ok(result.nodes.some((n) => n.name.endsWith('_nchwc') && n.graph?.domain === 'com.microsoft.nchwc'));
    assert.ok(result.nodes.some((n) => /^Reorder(Input|Output)/.test(n.name)));
    const fused = result.nodes.find((n) => n.graph?.activation === 'Relu')!;
    assert.ok(fused, 'a conv with its Relu fused');
    assert.ok(exportedNames.includes(fused.name.replace(/_nchwc$/, '')), `${fused.name} is named after an exported tensor`);
  });

  it('reports progress phases in order: load, warmup, runs (rounds of the profiled and unprofiled sessions in turn)', async () => {
    const seen: KernelProgress[] = [];
    await client.profile({ modelPath: small, provider: 'cpu', threads: 1, runs: 4, warmup: 2, optimization: 'basic', baselineRuns: 1 }, { onProgress: (p) => seen.push(p) });
    const phases = seen.map((p) => p.phase).filter((p, i, all) => p !== all[i - 1]);
    assert.deepEqual(phases, ['load', 'warmup', 'runs']);
    assert.deepEqual(seen.at(-1), { phase: 'runs', done: 4, total: 4 });
    assert.deepEqual(seen.filter((p) => p.phase === 'runs').at(-1), { phase: 'runs', done: 4, total: 4 });
  });

  it('measures several models in one job, each profiled and unprofiled, runs aligned by round', async () => {
    const seen: KernelProgress[] = [];
    const m = await client.measure({ models: [{ modelPath: small }, { modelPath: small }], provider: 'cpu', threads: 1, runs: 5, warmup: 1, optimization: 'all', profilerCost: false }, { onProgress: (p) => seen.push(p) });
    assert.equal(m.results.length, 2);
    assert.deepEqual(m.times.map((t) => t.runsMs.length), [5, 5]);
    assert.deepEqual(m.results.map((r) => [r.latency.runsMs.length, r.baseline?.runsMs.length, r.nodes.length > 0]), [[5, 5, true], [5, 5, true]]);
    assert.deepEqual(m.times[1].runsMs, m.results[1].baseline!.runsMs);
    assert.deepEqual(seen.filter((p) => p.phase === 'load').at(-1), { phase: 'load', done: 2, total: 2 });
    assert.match(m.protocol, /^Interleaved: 2 models, each with a profiled and an unprofiled session, loaded together in one process with thread-pool spinning bounded \(an idle worker spins at most 100 µs, then sleeps\), then run in turn, every order of the 4 sessions once in each cycle of 24 rounds, 1 warm-up round and 5 timed rounds\. Each model's unprofiled session and input tensors were created afresh for each of 2 blocks of rounds, in reverse order and in order by turns, and warmed up\. After each round, a run\(\) of a graph with each model's inputs that does nothing: its median, the fixed cost of a call, is taken out of the unprofiled median to give the nodes' time without the profiler\.$/);
  });

  it('with warmTurn, runs each session once untimed before its timed run in its turn, and says so', async () => {
    const m = await client.measure({ models: [{ modelPath: small }, { modelPath: small }], provider: 'cpu', threads: 1, runs: 3, warmup: 0, optimization: 'all', profile: false, warmTurn: true });
    assert.deepEqual(m.times.map((t) => t.runsMs.length), [3, 3]);
    assert.match(m.protocol, / In its turn each session ran once untimed right before its timed run, so that its pool worker was awake and its input in cache\./);
    const plain = await client.measure({ models: [{ modelPath: small }, { modelPath: small }], provider: 'cpu', threads: 1, runs: 3, warmup: 0, optimization: 'all', profile: false });
    assert.doesNotMatch(plain.protocol, /untimed/);
  });

  it('times models without the profiler when asked: no per-node results, one session each', async () => {
    const m = await client.measure({ models: [{ modelPath: small }, { modelPath: small }], provider: 'cpu', threads: 1, runs: 3, warmup: 0, optimization: 'all', profile: false });
    assert.deepEqual(m.results, []);
    assert.deepEqual(m.times.map((t) => t.runsMs.length), [3, 3]);
    assert.match(m.protocol, /^Interleaved: 2 models, each with one session,/);
  });

  it('falls back to cpu with the reason when cuda cannot start', async () => {
    const result = await client.profile({ modelPath: small, provider: 'cuda', threads: 1, runs: 1, warmup: 0, optimization: 'basic', baselineRuns: 0 });
    assert.equal(result.settings.providerRequested, 'cuda');
    assert.equal(result.settings.providerUsed, 'cpu');
    assert.match(result.settings.fallbackReason ?? '', /^cuda could not start: .+; ran on cpu instead$/);
    assert.ok(result.nodes.every((n) => n.provider === 'CPUExecutionProvider'));
    const providers = await client.providers();
    const cpu = providers.find((p) => p.name === 'cpu');
    assert.deepEqual(cpu, { name: 'cpu', bundled: true, available: true });
  });

  it('fails a bad job with a clear message and keeps the kernel', async () => {
    const pid = (await client.hello()).pid;
    await assert.rejects(
      client.profile({ modelPath: join(dir, 'missing.onnx'), provider: 'cpu', threads: 1, runs: 1, warmup: 0, optimization: 'all' }),
      (e: KernelError) => e.reason === 'failed' && /cannot read the model file '.*missing\.onnx': it does not exist/.test(e.message),
    );
    const garbage = join(dir, 'garbage.onnx');
    writeFileSync(garbage, 'not a model');
    await assert.rejects(
      client.profile({ modelPath: garbage, provider: 'cpu', threads: 1, runs: 1, warmup: 0, optimization: 'all' }),
      (e: KernelError) => e.reason === 'failed' && /^onnxruntime could not load '.*garbage\.onnx': /.test(e.message) && !e.message.includes('onnxruntime_src'),
    );
    await assert.rejects(client.profile({ modelPath: small, provider: 'cpu', threads: 0, runs: 1, warmup: 0, optimization: 'all' }), /threads must be an integer from 1/);
    assert.equal((await client.hello()).pid, pid);
  });

  it('cancels within 1 s while onnxruntime is busy in run(), and the next job works', async () => {
    const controller = new AbortController();
    const { onProgress, reached } = whenPhase('runs');
    const job = client.profile({ modelPath: slow, provider: 'cpu', threads: 1, runs: 1000, warmup: 0, optimization: 'basic' }, { onProgress, signal: controller.signal });
    job.catch(() => undefined);
    await reached;
    const pid = client.pid;
    const start = Date.now();
    controller.abort();
    await assert.rejects(job, (e: KernelError) => e.reason === 'cancelled' && /^cancelled profiling slow\.onnx$/.test(e.message));
    const elapsed = Date.now() - start;
    assert.ok(elapsed < 1000, `cancel took ${elapsed} ms`);
    const hello = await client.hello();
    assert.notEqual(hello.pid, pid);
    const again = await client.profile({ modelPath: small, provider: 'cpu', threads: 1, runs: 1, warmup: 0, optimization: 'basic', baselineRuns: 0 });
    assert.equal(again.latency.runsMs.length, 1);
  });

  it('fails the running job clearly when the kernel is killed from outside, and restarts for the next job', async () => {
    const { onProgress, reached } = whenPhase('runs');
    const job = client.profile({ modelPath: slow, provider: 'cpu', threads: 1, runs: 1000, warmup: 0, optimization: 'basic' }, { onProgress });
    job.catch(() => undefined);
    await reached;
    const pid = client.pid!;
    process.kill(pid, 'SIGKILL');
    await assert.rejects(job, (e: KernelError) => {
      assert.equal(e.reason, 'crashed');
      assert.match(e.message, /^the profiling kernel stopped unexpectedly \(signal SIGKILL\) while profiling slow\.onnx \(timed run \d+ of 1000\); it will be restarted for the next job\./);
      return true;
    });
    const result = await client.profile({ modelPath: small, provider: 'cpu', threads: 1, runs: 1, warmup: 0, optimization: 'basic', baselineRuns: 0 });
    assert.ok(result.nodes.length > 0);
    assert.notEqual(client.pid, pid);
  });

  it('rejects a job whose signal is already aborted without starting it, and queued jobs run in order', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(client.hello({ signal: controller.signal }), (e: KernelError) => e.reason === 'cancelled');
    const order: string[] = [];
    await Promise.all([
      client.profile({ modelPath: small, provider: 'cpu', threads: 1, runs: 1, warmup: 0, optimization: 'basic', baselineRuns: 0 }).then(() => order.push('profile')),
      client.hello().then(() => order.push('hello')),
    ]);
    assert.deepEqual(order, ['profile', 'hello']);
  });
});

describe('KernelClient without a kernel', () => {
  it('says the kernel is missing and how to build it', async () => {
    const client = new KernelClient(join(tmpdir(), 'lcnb-no-such-kernel.js'));
    await assert.rejects(client.hello(), (e: KernelError) => e.reason === 'unavailable' && /profiling kernel is missing .*npm run build/.test(e.message));
    await client.dispose();
    await assert.rejects(client.hello(), (e: KernelError) => e.reason === 'disposed');
  });

  it('reports a kernel that dies while starting with the error it printed', async () => {
    const client = new KernelClient(entry);
    await assert.rejects(client.hello(), (e: KernelError) => {
      assert.equal(e.reason, 'crashed');
      assert.match(e.message, /^the profiling kernel stopped unexpectedly \(exit code 1\) while starting; it will be restarted for the next job\. Its last output: TypeError \[ERR_UNKNOWN_FILE_EXTENSION\]/);
      return true;
    });
    await client.dispose();
  });

  it('client.ts never loads onnxruntime-node, not even through its imports', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm)) {
        const [, , typeOnly, spec] = m;
        if (typeOnly) continue;
        assert.notEqual(spec, 'onnxruntime-node', `${file} imports onnxruntime-node`);
        if (spec.startsWith('.')) visit(`${resolve(dirname(file), spec)}.ts`);
      }
      assert.doesNotMatch(source, /require\('onnxruntime-node'\)/, file);
    };
    visit(join(repo, 'kernels', 'host', 'client.ts'));
    assert.ok(!seen.has(join(repo, 'kernels', 'process', 'runtime.ts')));
  });
});
