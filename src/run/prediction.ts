/**
 * The `predict:` part of a report: each model's latency predicted on devices the user does not
 * have, with MobileNetV4's roofline (src/core/predict.ts), and its time across ridge points for
 * the chart. A prediction from each device's peak rate and bandwidth, not a measurement.
 */
import { costGraph } from '../core/cost';
import { Graph } from '../core/ir';
import { Device, DeviceDtype, DTYPE_BYTES, FUSION_RULE, maddsEquivalent, predict, ridgePoint, RooflineLayer, rooflineLayers } from '../core/predict';
import { ModelPrediction, PredictedLayerRow, RidgeCurve } from './reportTypes';

/** Ridge points of the chart's curve: 50 steps, evenly spaced on a log scale from 0.1 to 500 MAdds/byte (a single CPU core's datasheet ridge point is below 1). */
export const RIDGE_GRID: readonly number[] = Array.from({ length: 50 }, (_, i) => 0.1 * Math.pow(5000, i / 49));

/** The report's note on what a predicted time is. */
export const PREDICTION_NOTE =
  "Predicted latency: MobileNetV4's roofline (arXiv 2404.10518, §3), a prediction from each device's peak multiply-add rate and memory bandwidth, not a measurement. " +
  `Per fused layer, time = max(MAdds / peak, (weight + activation bytes) / bandwidth), float tensors at the device's element width; a model's time is the sum over its layers. Layers: ${FUSION_RULE}`;

/** `graph` predicted on each of `devices` (in that order), with its ridge-point curve for each element width among them. */
export function predictionOf(graph: Graph, devices: readonly Device[]): ModelPrediction {
  const cost = costGraph(graph);
  const byDtype = new Map<DeviceDtype, RooflineLayer[]>();
  const layersAt = (dtype: DeviceDtype): RooflineLayer[] => {
    let layers = byDtype.get(dtype);
    if (!layers) byDtype.set(dtype, (layers = rooflineLayers(graph, cost, DTYPE_BYTES[dtype])));
    return layers;
  };
  const predictions = devices.map((d) => predict(layersAt(d.dtype), d, cost.uncounted));
  // The fusions do not depend on the element width: every device has the same layers, in the same order.
  const layers: PredictedLayerRow[] = (predictions[0]?.layers ?? []).map((l, i) => ({
    name: l.name,
    nodes: [...l.nodes],
    ops: [...l.ops],
    madds: l.madds,
    us: predictions.map((p) => p.layers[i].predictedSeconds * 1e6),
    bound: predictions.map((p) => p.layers[i].bound),
  }));
  const curves: RidgeCurve[] = [...byDtype].map(([dtype, ls]) => ({ dtype, points: RIDGE_GRID.map((ridge) => ({ ridge, gmadds: maddsEquivalent(ls, ridge) / 1e9 })) }));
  return {
    devices: devices.map((d) => ({ id: d.id, name: d.name, ridge: ridgePoint(d), source: d.source, dtype: d.dtype })),
    total_ms: predictions.map((p) => p.totalSeconds * 1e3),
    layers,
    curves,
    uncounted: cost.uncounted.map((u) => u.name),
  };
}
