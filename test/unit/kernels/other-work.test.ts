import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { otherWorkCores } from '../../../kernels/process/otherWork';

describe('other work on the machine (otherWork.ts)', () => {
  it("is a finite number of cores, at least 0, and not this process's own work", async () => {
    // Busy in this process during the window: it must not count as other work.
    const sample = otherWorkCores(150);
    const end = Date.now() + 100;
    while (Date.now() < end);
    const cores = await sample;
    assert.ok(Number.isFinite(cores) && cores >= 0, String(cores));
  });

  it('sees another process keeping a core busy', async () => {
    const busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 150));
      const cores = await otherWorkCores(300);
      assert.ok(cores >= 0.5, `${cores.toFixed(2)} cores of other work with one core kept busy`);
    } finally {
      busy.kill();
    }
  });
});
