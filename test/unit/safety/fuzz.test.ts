/**
 * A short fixed-seed fuzz run (the long one is `npm run fuzz`) and a replay of every input that
 * once failed (test/fuzz/corpus/). Each case runs in a worker process: it must end in a valid
 * result or one clear error (see test/fuzz/targets.ts) within 1 s of CPU, with no hang, crash or
 * runaway memory (test/fuzz/harness.ts).
 */
import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { corpusFiles, CPU_LIMIT_MS, fuzz, FuzzStats, FuzzWorker, seedsFor } from '../../fuzz/harness';
import { SELF_TEST } from '../../fuzz/targets';

const CASES = 300;
const SEED = 8;

function findingsText(stats: FuzzStats): string {
  return stats.findings.map((f) => `case ${f.index} ${f.kind}: ${f.message} (${f.what})`).join('\n');
}

describe('fuzz', { timeout: 180_000 }, () => {
  it(`${CASES} mutated .lcnb notebooks (seed ${SEED}): each a valid result or one clear error within ${CPU_LIMIT_MS} ms`, async () => {
    const stats = await fuzz({ format: 'lcnb', cases: CASES, seed: SEED });
    assert.equal(stats.cases, CASES);
    assert.equal(stats.findings.length, 0, findingsText(stats));
    // Both outcomes occur: the mutations reach past the first check.
    assert.ok(stats.ok > CASES / 10 && stats.errors > CASES / 10, `${stats.ok} valid, ${stats.errors} clear errors`);
  });

  it(`${CASES} mutated .onnx models (seed ${SEED}): each a valid result or one clear error within ${CPU_LIMIT_MS} ms`, async () => {
    const stats = await fuzz({ format: 'onnx', cases: CASES, seed: SEED });
    assert.equal(stats.cases, CASES);
    assert.equal(stats.findings.length, 0, findingsText(stats));
    assert.ok(stats.ok > CASES / 10 && stats.errors > CASES / 10, `${stats.ok} valid, ${stats.errors} clear errors`);
  });

  it('the harness catches a hang, a crash and runaway memory, and replaces the worker each time', async () => {
    const worker = new FuzzWorker([], 2000);
    try {
      const utf8 = (s: string) => new TextEncoder().encode(s);
      const ok = () => worker.run('onnx', seedsFor('onnx')[0].bytes);
      assert.equal((await ok()).status, 'ok');
      const hang = await worker.run('onnx', utf8(SELF_TEST.hang));
      assert.equal(hang.status, 'hang', hang.message);
      assert.equal((await ok()).status, 'ok', 'a new worker after the hang');
      const crash = await worker.run('onnx', utf8(SELF_TEST.crash));
      assert.equal(crash.status, 'crash', crash.message);
      assert.match(crash.message ?? '', /SIGABRT/);
      const memory = await worker.run('onnx', utf8(SELF_TEST.memory));
      assert.equal(memory.status, 'memory', memory.message);
      assert.equal((await ok()).status, 'ok');
      assert.equal(worker.restarts, 3);
    } finally {
      await worker.dispose();
    }
  });

  const corpus = corpusFiles();
  // Warmed up on the seeds, as in a fuzz run: lazy set-up (schemas, zoo tables) is not the input's cost.
  const worker = new FuzzWorker((['lcnb', 'onnx'] as const).flatMap((format) => seedsFor(format).map((s) => ({ format, bytes: s.bytes }))));
  after(() => worker.dispose());

  it(`replays the ${corpus.length} inputs of the regression corpus: each now a valid result or one clear error`, async () => {
    assert.ok(corpus.length > 0);
    const failures: string[] = [];
    for (const { file, format, bytes } of corpus) {
      const report = await worker.run(format, bytes);
      if (report.status !== 'ok' && report.status !== 'error') failures.push(`${file}: ${report.status}: ${report.message}`);
    }
    assert.deepEqual(failures, []);
  });
});
