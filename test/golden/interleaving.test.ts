/**
 * The interleaved measurement protocol on this machine: a compare of a model with itself must read
 * 1.00 with a 95% interval inside ±3% on a quiet machine, and while another process keeps one core
 * busy with 1 thread; with 2 threads and one core busy, inside ±5% (there the runs spread more: 9
 * jobs of 600 rounds read 0.977–1.007, their intervals up to 3.3% wide each side). The two copies are
 * loaded in one kernel job, their pools' workers pinned alike, their unprofiled sessions created
 * afresh every 50 rounds, and run in turn, every order of the sessions once per cycle
 * (kernels/process/profile.ts); the ratio and its paired-bootstrap interval are the compare table's
 * (src/run/comparison.ts). Under load the runs spread more, so those jobs take 600 rounds.
 */
import { strict as assert } from 'node:assert';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KernelClient } from '../../kernels/host/client';
import { executeCell } from '../../src/run/execute';

const ROOT = join(__dirname, '..', '..');
const cell = (threads: number, runs: number) => `compare:\n  models: [mobilenet_v3_small_x1_0, mobilenet_v3_small_x1_0]\n  resolution: 160\n  profile: { runs: ${runs}, warmup: 20, threads: ${threads} }\n`;
/** Attempts per condition: a single job can meet a burst of unrelated work on a shared machine. */
const ATTEMPTS = 2;

async function selfRatio(kernel: KernelClient, threads: number, runs: number): Promise<{ ratio: number; lo: number; hi: number }> {
  const { report } = await executeCell(cell(threads, runs), { kernel, provider: 'cpu', baseDir: ROOT });
  assert.ok(report.comparison, 'a measured compare reports its ratios');
  assert.match(report.comparison.method, /^Interleaved: 2 models/);
  return report.comparison.ratios[1];
}

/** Runs `attempts` jobs at most, until one reads 1.00 with its interval inside 1 ± `within`; returns every reading. */
async function check(kernel: KernelClient, threads: number, runs: number, within: number, what: string): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < ATTEMPTS; i++) {
    const r = await selfRatio(kernel, threads, runs);
    seen.push(`${r.ratio.toFixed(3)} (${r.lo.toFixed(3)}–${r.hi.toFixed(3)})`);
    if (r.lo >= 1 - within && r.hi <= 1 + within) return;
  }
  assert.fail(`${what}: a model against itself read ${seen.join(', ')}; expected 1.00 with its 95% interval inside ${(1 - within).toFixed(2)}–${(1 + within).toFixed(2)}`);
}

describe('interleaved measurement', { timeout: 600_000 }, () => {
  const kernel = new KernelClient(join(ROOT, 'kernels', 'process', 'main.ts'), { execArgv: ['--import', 'tsx'] });
  let busy: ChildProcess | undefined;
  after(async () => {
    busy?.kill('SIGKILL');
    await kernel.dispose();
  });

  it('a model against itself reads 1.00, interval inside ±3% (2 threads)', async () => {
    await check(kernel, 2, 300, 0.03, 'quiet, 2 threads');
  });

  for (const threads of [2, 1]) {
    it(`inside ±${threads > 1 ? 5 : 3}% with ${threads} thread${threads > 1 ? 's' : ''} while another process keeps one core busy`, async () => {
      busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
      try {
        await check(kernel, threads, 600, threads > 1 ? 0.05 : 0.03, `one core busy, ${threads} thread${threads > 1 ? 's' : ''}`);
      } finally {
        busy.kill('SIGKILL');
        busy = undefined;
      }
    });
  }
});
