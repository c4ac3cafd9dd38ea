/** This machine's fitted roofline (src/run/machineFit.ts): the leave-one-family-out check on times a known device gives. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { costGraph } from '../../../src/core/cost';
import { Device, layerBytes, predict, rooflineLayers } from '../../../src/core/predict';
import { leaveOneFamilyOut, ModelTiming } from '../../../src/run/machineFit';
import { buildModel, findModel } from '../../../src/zoo';

const truth: Device = { id: 't', name: 't', peakMaddsPerSecond: 40e9, bandwidthBytesPerSecond: 8e9, overheadSecondsPerLayer: 3e-6, dtype: 'fp32', source: 'test' };

function timing(id: string): ModelTiming {
  const graph = buildModel(id);
  const cost = costGraph(graph);
  const layers = rooflineLayers(graph, cost);
  const p = predict(layers, truth);
  return {
    id,
    family: findModel(id)!.family,
    madds: cost.totals.madds,
    layers,
    timed: p.layers.map((l) => ({ madds: l.madds, bytes: layerBytes(l), seconds: l.predictedSeconds })),
    seconds: p.totalSeconds,
  };
}

describe('this machine as a roofline device', () => {
  it('leave one family out: a family predicted from the others is exact when the machine is a roofline', () => {
    const timings = ['mobilenet_v2_x1_0', 'mobilenet_v2_x0_5', 'shufflenet_v2_x1_0', 'shufflenet_v2_x0_5', 'fasternet_t0', 'ghostnet_x1_0', 'squeezenet1_1'].map(timing);
    const check = leaveOneFamilyOut(timings);
    assert.equal(check.models.length, timings.length);
    assert.ok(check.medianErrorRoofline < 0.03, `median error ${check.medianErrorRoofline}`);
    assert.ok(check.spearmanRoofline > 0.99, `ρ ${check.spearmanRoofline}`);
    assert.ok(check.spearmanMadds <= 1 && check.spearmanMadds >= -1);
  });
});
