/** Built-in device presets: unique ids, positive figures, a source each, MobileNetV4's ridge points. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DEVICES, deviceFromFigures, findDevice } from '../../../src/core/devices';
import { ridgePoint } from '../../../src/core/predict';

describe('device presets', () => {
  it('ids are unique short kebab-case', () => {
    const ids = DEVICES.map((d) => d.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('every preset has positive finite figures, a name and a non-empty source', () => {
    for (const d of DEVICES) {
      assert.ok(Number.isFinite(d.peakMaddsPerSecond) && d.peakMaddsPerSecond > 0, d.id);
      assert.ok(Number.isFinite(d.bandwidthBytesPerSecond) && d.bandwidthBytesPerSecond > 0, d.id);
      assert.ok(d.name.trim().length > 0, d.id);
      assert.ok(d.source.trim().length > 20, d.id);
      assert.equal(d.overheadSecondsPerLayer, undefined, `${d.id}: a datasheet preset has no fitted overhead`);
    }
  });

  it("the four MobileNetV4 devices reproduce the paper's ridge points to 0.1 MAdds/byte", () => {
    const paper: Record<string, number> = { 'pixel6-cpu': 31.2, 'galaxy-s23-cpu': 39.7, 'pixel4-dsp': 347.3, 'pixel8-edgetpu': 433.8 };
    for (const [id, rp] of Object.entries(paper)) {
      const d = findDevice(id);
      assert.ok(d, id);
      assert.ok(Math.abs(ridgePoint(d) - rp) < 0.1, `${id}: ${ridgePoint(d)} vs ${rp}`);
      assert.match(d.source, /2404\.10518/);
    }
    assert.equal(findDevice('pixel4-dsp')!.dtype, 'int8');
    assert.equal(findDevice('pixel8-edgetpu')!.dtype, 'int8');
    assert.equal(findDevice('pixel6-cpu')!.dtype, 'fp32');
  });

  it('findDevice misses unknown ids; deviceFromFigures converts G units and rejects non-positive figures', () => {
    assert.equal(findDevice('no-such-device'), undefined);
    const d = deviceFromFigures(12, 6);
    assert.equal(d.id, 'custom');
    assert.equal(d.source, 'given on the command line');
    assert.equal(d.peakMaddsPerSecond, 12e9);
    assert.equal(d.bandwidthBytesPerSecond, 6e9);
    assert.equal(ridgePoint(d), 2);
    assert.throws(() => deviceFromFigures(0, 1));
    assert.throws(() => deviceFromFigures(1, -1));
    assert.throws(() => deviceFromFigures(Number.NaN, 1));
  });
});

describe('your own devices (setting lcnb.devices)', () => {
  it('an entry becomes a device cells can name; a bad one says why; a preset id is not taken over', async () => {
    const { findDevice, setUserDevices, userDevice, knownDevices } = await import('../../../src/core/devices');
    const { parseCell } = await import('../../../src/lang/index');
    const board = userDevice({ id: 'my-board', peakGmacs: 12, bandwidthGbs: 4, dtype: 'int8', source: 'vendor sheet' });
    assert.ok(typeof board !== 'string');
    assert.equal(board.peakMaddsPerSecond, 12e9);
    assert.equal(board.bandwidthBytesPerSecond, 4e9);
    assert.equal(board.dtype, 'int8');
    assert.match(userDevice({ id: 'x', peakGmacs: 0, bandwidthGbs: 1 }) as string, /'x' needs peakGmacs, a positive number, got 0/);
    assert.match(userDevice({ id: 'x', peakGmacs: 1, bandwidthGbs: 1, dtype: 'fp64' }) as string, /one of fp32, fp16, int8/);
    assert.match(userDevice('pixel') as string, /is not an object/);
    const taken = userDevice({ id: 'pixel6-cpu', peakGmacs: 1, bandwidthGbs: 1 });
    try {
      assert.deepEqual(setUserDevices([board, taken as never, board]), ["'pixel6-cpu' is a preset's id; give your device another", "'my-board' is given twice; the first is used"]);
      assert.equal(findDevice('my-board'), board);
      assert.notEqual(findDevice('pixel6-cpu')?.source, 'your setting lcnb.devices');
      assert.equal(knownDevices()[0].id, 'my-board');
      const parsed = parseCell('model: mobilenet_v2_x1_0\npredict: [my-board, pixel6-cpu]');
      assert.deepEqual(parsed.diagnostics.filter((d) => d.severity === 'error'), []);
    } finally {
      setUserDevices([]);
    }
    assert.ok(parseCell('model: mobilenet_v2_x1_0\npredict: my-board').diagnostics.some((d) => /unknown device 'my-board'/.test(d.message)));
  });
});
