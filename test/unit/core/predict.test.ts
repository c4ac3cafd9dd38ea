/** The roofline predictor (src/core/predict.ts): fused layers counted by hand, the bound per layer, the fit. */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { costGraph } from '../../../src/core/cost';
import { Device, fitRoofline, layerBytes, maddsEquivalent, predict, ridgePoint, rooflineLayers } from '../../../src/core/predict';
import { readFileSync } from 'node:fs';
import { readOnnx } from '../../../src/onnx/reader';
import { buildModel } from '../../../src/zoo';

const device = (peak: number, bandwidth: number, overhead?: number): Device => ({
  id: 'test',
  name: 'test device',
  peakMaddsPerSecond: peak,
  bandwidthBytesPerSecond: bandwidth,
  dtype: 'fp32',
  source: 'test',
  ...(overhead !== undefined ? { overheadSecondsPerLayer: overhead } : {}),
});

const layersOf = (id: string, floatBytes = 4) => {
  const graph = buildModel(id);
  return rooflineLayers(graph, costGraph(graph), floatBytes);
};

describe('roofline predictor', () => {
  it("MobileNetV2's stem is one layer: conv 3→32 k3 s2 with BN folded (bias gained) and ReLU6 applied", () => {
    const [stem] = layersOf('mobilenet_v2_x1_0');
    assert.deepEqual(stem.ops, ['Conv', 'BatchNormalization', 'Clip']);
    assert.equal(stem.madds, 32 * 3 * 3 * 3 * 112 * 112);
    // weights 32·3·3·3 + a bias of 32 the folded BN gives; float32
    assert.equal(stem.weightBytes, (32 * 3 * 3 * 3 + 32) * 4);
    assert.equal(stem.activationBytes, (3 * 224 * 224 + 32 * 112 * 112) * 4);
  });

  it('no BatchNorm or activation stays a layer of its own after a conv, and the MAdds are all kept', () => {
    for (const id of ['mobilenet_v2_x1_0', 'mobilenet_v3_small_x1_0', 'shufflenet_v2_x1_0', 'ghostnet_x1_0', 'fasternet_t0', 'pplcnet_x1_0']) {
      const graph = buildModel(id);
      const cost = costGraph(graph);
      const layers = rooflineLayers(graph, cost);
      const bnAlone = layers.filter((l) => l.ops[0] === 'BatchNormalization' || (l.ops.length === 1 && ['Relu', 'Clip', 'HardSwish'].includes(l.ops[0])));
      assert.equal(bnAlone.filter((l) => l.ops[0] === 'BatchNormalization').length, 0, `${id}: ${bnAlone.map((l) => l.name).join(', ')}`);
      assert.equal(layers.reduce((s, l) => s + l.madds, 0), cost.totals.madds, id);
    }
  });

  it('counts bytes at the deployed width: fp16 halves every float tensor', () => {
    const fp32 = layersOf('fasternet_t0');
    const fp16 = layersOf('fasternet_t0', 2);
    assert.equal(fp16.reduce((s, l) => s + layerBytes(l), 0) * 2, fp32.reduce((s, l) => s + layerBytes(l), 0));
  });

  it("an int8 QDQ file's int8 tensors stay one byte while its float tensors take the given width", () => {
    const file = join(__dirname, '..', '..', 'fixtures', 'onnx', 'qdq_tiny.onnx');
    const { graph } = readOnnx(readFileSync(file), { source: file, inputShapes: { '': [1, 3, 32, 32] } });
    const cost = costGraph(graph);
    const at4 = rooflineLayers(graph, cost, 4).reduce((s, l) => s + layerBytes(l), 0);
    const at1 = rooflineLayers(graph, cost, 1).reduce((s, l) => s + layerBytes(l), 0);
    assert.ok(at1 < at4 && at1 > 0, `${at1} < ${at4}`);
  });

  it('each layer takes the larger of its compute and memory time; the total is their sum', () => {
    const layers = layersOf('mobilenet_v2_x1_0');
    const d = device(12e9, 0.75e9);
    assert.equal(ridgePoint(d), 16);
    const p = predict(layers, d);
    for (const l of p.layers) {
      const compute = l.madds / 12e9;
      const memory = layerBytes(l) / 0.75e9;
      assert.equal(l.predictedSeconds, Math.max(compute, memory));
      assert.equal(l.bound, compute >= memory ? 'compute' : 'memory');
    }
    assert.ok(Math.abs(p.totalSeconds - p.layers.reduce((s, l) => s + l.predictedSeconds, 0)) < 1e-12);
    // at a ridge point past every layer's intensity, all are memory-bound; at 0.01 all with MAdds are compute-bound
    assert.ok(predict(layers, device(1e12, 1e9)).layers.every((l) => l.bound === 'memory'));
    assert.ok(predict(layers, device(1e9, 1e11)).layers.filter((l) => l.madds > 0).every((l) => l.bound === 'compute'));
  });

  it("maddsEquivalent is a device's time × its peak, and grows with the ridge point", () => {
    const layers = layersOf('shufflenet_v2_x1_0');
    const d = device(20e9, 4e9);
    assert.ok(Math.abs(maddsEquivalent(layers, ridgePoint(d)) / d.peakMaddsPerSecond - predict(layers, d).totalSeconds) < 1e-9);
    const curve = [1, 4, 16, 64, 256].map((r) => maddsEquivalent(layers, r));
    for (let i = 1; i < curve.length; i++) assert.ok(curve[i] >= curve[i - 1]);
  });

  it('fitRoofline recovers a device from layer times it would give, overhead included', () => {
    const truth = device(24e9, 3e9, 4e-6);
    const samples = ['mobilenet_v2_x1_0', 'fasternet_t0', 'shufflenet_v2_x1_0'].flatMap((id) =>
      predict(layersOf(id), truth).layers.map((l) => ({ madds: l.madds, bytes: layerBytes(l), seconds: l.predictedSeconds })),
    );
    const fit = fitRoofline(samples);
    assert.ok(Math.abs(fit.peakMaddsPerSecond / 24e9 - 1) < 0.03, `peak ${fit.peakMaddsPerSecond}`);
    assert.ok(Math.abs(fit.bandwidthBytesPerSecond / 3e9 - 1) < 0.03, `bandwidth ${fit.bandwidthBytesPerSecond}`);
    assert.ok(Math.abs(fit.overheadSecondsPerLayer - 4e-6) < 0.3e-6, `overhead ${fit.overheadSecondsPerLayer}`);
    assert.ok(fit.medianAbsError < 0.02);
    assert.throws(() => fitRoofline(samples.slice(0, 2)), /at least 3 timed layers/);
  });
});
