/** The kernel process starts, loads onnxruntime-node (it alone does) and reports its backends. */
import { strict as assert } from 'node:assert';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KernelResponse } from '../../../kernels/protocol';

describe('kernel process', () => {
  it('answers hello with onnxruntime version and the cpu backend, and shuts down', async () => {
    const child = fork(join(__dirname, '..', '..', '..', 'kernels', 'process', 'main.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'pipe' });
    try {
      const reply = await new Promise<KernelResponse>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('kernel did not answer within 20 s')), 20_000);
        child.once('message', (m) => {
          clearTimeout(timer);
          resolve(m as KernelResponse);
        });
        child.once('exit', (code) => reject(new Error(`kernel exited with ${code}`)));
        child.send({ type: 'hello', id: 1 });
      });
      assert.equal(reply.type, 'hello');
      if (reply.type !== 'hello') return;
      assert.equal(reply.id, 1);
      assert.match(reply.onnxruntimeVersion, /^1\.\d+\.\d+/);
      assert.ok(reply.backends.some((b) => b.name === 'cpu' && b.bundled));
      assert.notEqual(reply.pid, process.pid);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.send({ type: 'shutdown', id: 2 });
      assert.equal(await exited, 0);
    } finally {
      child.kill();
    }
  });
});
