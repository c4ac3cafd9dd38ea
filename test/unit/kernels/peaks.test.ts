/** Machine peaks through the kernel: positive figures, a cache file keyed by machine and setting, refresh. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KernelClient } from '../../../kernels/host/client';

describe('machine peaks', { timeout: 120_000 }, () => {
  const cache = mkdtempSync(join(tmpdir(), 'lcnb-peaks-test-'));
  const client = new KernelClient(join(__dirname, '..', '..', '..', 'kernels', 'process', 'main.ts'), { execArgv: ['--import', 'tsx'], env: { LCNB_CACHE_DIR: cache } });
  after(async () => {
    await client.dispose();
    rmSync(cache, { recursive: true, force: true });
  });

  it('measures the compute roof and a memory roof per cache level, then answers from the cache', async () => {
    const first = await client.peaks({ provider: 'cpu', threads: 1 });
    assert.equal(first.cached, false);
    assert.ok(first.gemmFlops > 0 && Number.isFinite(first.gemmFlops));
    assert.deepEqual(first.gemm.map((g) => g.n), [1024, 1536]);
    for (const g of first.gemm) assert.ok(Math.abs(g.flops - (2 * g.n ** 3) / (g.bestMs / 1000)) < 1e-6 * g.flops);
    assert.equal(first.gemmFlops, Math.max(...first.gemm.map((g) => g.flops)));
    // The compute roof is the best of the GEMMs and the convs.
    assert.equal(first.conv.length, 3);
    assert.equal(first.computeFlops, Math.max(...first.gemm.map((g) => g.flops), ...first.conv.map((c) => c.flops)));
    assert.ok(first.bandwidthBytesPerSecond > 0 && Number.isFinite(first.bandwidthBytesPerSecond));
    // Memory roofs: smallest level first, DRAM last and holding everything; none below a larger one.
    const levels = first.memory.map((m) => m.level);
    assert.equal(levels[levels.length - 1], 'DRAM');
    assert.equal(first.memory[first.memory.length - 1].capacityBytes, undefined);
    assert.equal(first.memory[first.memory.length - 1].measuredBytesPerSecond, first.bandwidthBytesPerSecond);
    for (let i = 1; i < first.memory.length; i++) assert.ok(first.memory[i - 1].bytesPerSecond >= first.memory[i].bytesPerSecond);
    for (const m of first.memory) {
      for (const s of m.sizes) {
        assert.equal(s.bytes, 3 * s.elements * 4);
        if (m.capacityBytes !== undefined) assert.ok(s.bytes <= m.capacityBytes, `${m.level}: ${s.bytes} B fits ${m.capacityBytes}`);
      }
      assert.equal(m.measuredBytesPerSecond, Math.max(...m.sizes.map((s) => s.bytesPerSecond)));
    }
    assert.match(first.method, /convs .* optimization 'all'/);
    assert.equal(first.bandwidth.bytes, 3 * first.bandwidth.elements * 4);
    assert.equal(first.settings.providerUsed, 'cpu');
    assert.equal(first.settings.threads, 1);
    assert.equal(first.cacheFile, join(cache, 'peaks.json'));
    assert.match(first.cacheKey, / \| cpu \| 1 threads \| onnxruntime 1\.\d+\.\d+$/);

    const stored = JSON.parse(readFileSync(first.cacheFile, 'utf8'));
    assert.equal(stored.entries[first.cacheKey].gemmFlops, first.gemmFlops);

    const second = await client.peaks({ provider: 'cpu', threads: 1 });
    assert.equal(second.cached, true);
    assert.equal(second.gemmFlops, first.gemmFlops);
    assert.equal(second.measuredAt, first.measuredAt);
  });

  it('keys the cache by provider actually used, with the fallback reason', async () => {
    const viaCuda = await client.peaks({ provider: 'cuda', threads: 1 });
    assert.equal(viaCuda.cached, true);
    assert.equal(viaCuda.settings.providerRequested, 'cuda');
    assert.equal(viaCuda.settings.providerUsed, 'cpu');
    assert.match(viaCuda.settings.fallbackReason ?? '', /^cuda could not start: /);
  });
});
