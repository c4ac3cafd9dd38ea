/** `lcnb predict`: the roofline prediction on the command line (JSON, text, devices, mistakes). */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { costGraph } from '../../../src/core/cost';
import { findDevice } from '../../../src/core/devices';
import { predict, rooflineLayers } from '../../../src/core/predict';
import { buildModel } from '../../../src/zoo';
import { runCli as run } from '../support/helpers';

describe('lcnb predict', () => {
  it('--peak-gmacs 12 --bandwidth-gbs 0.75 --json: total_ms, the device and every layer with its bound', async () => {
    const { code, stdout, stderr } = await run('predict', 'fasternet_t0', '--peak-gmacs', '12', '--bandwidth-gbs', '0.75', '--json');
    assert.equal(code, 0, stderr);
    const p = JSON.parse(stdout);
    assert.equal(p.id, 'fasternet_t0');
    assert.equal(p.device.ridge_point, 16);
    assert.equal(p.device.peak_gmacs, 12);
    const graph = buildModel('fasternet_t0');
    const cost = costGraph(graph);
    const expected = predict(rooflineLayers(graph, cost), { id: 'x', name: 'x', peakMaddsPerSecond: 12e9, bandwidthBytesPerSecond: 0.75e9, dtype: 'fp32', source: '' });
    assert.ok(Math.abs(p.total_ms - expected.totalSeconds * 1e3) < 1e-9);
    assert.equal(p.layers.length, expected.layers.length);
    for (const l of p.layers) {
      assert.ok(['compute', 'memory'].includes(l.bound));
      assert.ok(l.predicted_us > 0 && typeof l.name === 'string' && l.nodes.length > 0);
    }
    assert.ok(Math.abs(p.layers.reduce((s: number, l: { predicted_us: number }) => s + l.predicted_us, 0) / 1e3 - p.total_ms) < 1e-6);
    assert.match(p.fusion_rule, /BatchNormalization is folded/);
  });

  it('--device names a preset; its text says it is predicted, with the source, and --dtype int8 moves fewer bytes', async () => {
    const { code, stdout } = await run('predict', 'mobilenet_v2_x1_0', '--device', 'pixel6-cpu');
    assert.equal(code, 0);
    assert.match(stdout, /predicted on .*\(not measured\)/);
    assert.match(stdout, /ridge point 31\.2 MAdds\/byte/);
    assert.match(stdout, /source: /);
    const fp32 = JSON.parse((await run('predict', 'mobilenet_v2_x1_0', '--device', 'pixel6-cpu', '--json')).stdout);
    const int8 = JSON.parse((await run('predict', 'mobilenet_v2_x1_0', '--device', 'pixel6-cpu', '--dtype', 'int8', '--json')).stdout);
    assert.equal(int8.device.dtype, 'int8');
    assert.ok(int8.total_ms < fp32.total_ms);
    const device = findDevice('pixel6-cpu')!;
    assert.equal(fp32.device.name, device.name);
  });

  it('mistakes: an unknown device gets the nearest ids, no device says what to give, both at once is refused', async () => {
    const unknown = await run('predict', 'mobilenet_v2_x1_0', '--device', 'pixel');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown device 'pixel' \(did you mean pixel6-cpu/);
    const none = await run('predict', 'mobilenet_v2_x1_0');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /predict needs --device NAME, or --peak-gmacs X with --bandwidth-gbs Y/);
    const both = await run('predict', 'mobilenet_v2_x1_0', '--device', 'pixel6-cpu', '--peak-gmacs', '1', '--bandwidth-gbs', '1');
    assert.equal(both.code, 2);
    const dtype = await run('predict', 'mobilenet_v2_x1_0', '--device', 'pixel6-cpu', '--dtype', 'fp8');
    assert.match(dtype.stderr, /--dtype must be one of fp32, fp16, int8/);
  });

  describe('--device this-machine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lcnb-predict-cache-'));
    const before = process.env.LCNB_CACHE_DIR;
    after(() => {
      if (before === undefined) delete process.env.LCNB_CACHE_DIR;
      else process.env.LCNB_CACHE_DIR = before;
      rmSync(dir, { recursive: true, force: true });
    });
    it('uses the cached fit for these settings (its overhead per layer included)', async () => {
      process.env.LCNB_CACHE_DIR = dir;
      const device = { id: 'this-machine', name: 'this machine (test)', peakMaddsPerSecond: 50e9, bandwidthBytesPerSecond: 20e9, overheadSecondsPerLayer: 5e-6, dtype: 'fp32', source: 'fitted (test)' };
      writeFileSync(join(dir, 'roofline-fit.json'), JSON.stringify({ 'cpu/2 threads': device }));
      const { code, stdout, stderr } = await run('predict', 'shufflenet_v2_x1_0', '--device', 'this-machine', '--json');
      assert.equal(code, 0, stderr);
      const p = JSON.parse(stdout);
      assert.equal(p.device.source, 'fitted (test)');
      assert.equal(p.device.overhead_us_per_layer, 5);
      assert.ok(p.layers.every((l: { predicted_us: number }) => l.predicted_us >= 5));
    });
  });
});
