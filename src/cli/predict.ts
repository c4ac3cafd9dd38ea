/** `lcnb predict`: a model's latency on a device it is not run on, by MobileNetV4's roofline (src/core/predict.ts). */
import { costGraph } from '../core/cost';
import { DEVICES, deviceFromFigures, findDevice } from '../core/devices';
import { Device, DeviceDtype, DTYPE_BYTES, FUSION_RULE, layerBytes, predict, Prediction, ridgePoint, rooflineLayers } from '../core/predict';
import { textTable } from '../core/summaryText';
import { closest } from '../lang/suggest';
import { LoadedModel } from '../run/loader';
import { cachedMachineDevice, fitMachine, FIT_MODELS } from '../run/machineFit';
import { formatBytes, formatCount, formatSI } from '../shared/format';
import { MEASURE_DEFAULTS } from '../shared/measureSettings';
import { parseCommandArgs, positiveNumber, UsageError } from './args';
import { kernelClient } from './kernel';
import { loadModelToCount } from './model';

const DTYPES = Object.keys(DTYPE_BYTES) as DeviceDtype[];
/** The --device that is fitted to this machine rather than a preset. */
const THIS_MACHINE = 'this-machine';

function withDtype(device: Device, dtype: string | undefined): Device {
  if (dtype !== undefined && !DTYPES.includes(dtype as DeviceDtype)) throw new UsageError(`--dtype must be one of ${DTYPES.join(', ')}, got '${dtype}'`, 'predict');
  return dtype ? { ...device, dtype: dtype as DeviceDtype } : device;
}

/** The device named by --device, or given by --peak-gmacs and --bandwidth-gbs. */
function deviceOf(values: { device?: string; 'peak-gmacs'?: string; 'bandwidth-gbs'?: string; dtype?: string }): Device {
  const figures = values['peak-gmacs'] !== undefined || values['bandwidth-gbs'] !== undefined;
  if (values.device !== undefined && figures) throw new UsageError('give either --device or --peak-gmacs with --bandwidth-gbs, not both', 'predict');
  if (values.device !== undefined) {
    const device = values.device === THIS_MACHINE ? undefined : findDevice(values.device);
    if (!device) {
      const near = closest(values.device, DEVICES.map((d) => d.id));
      throw new UsageError(`unknown device '${values.device}'${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; 'lcnb predict --help' lists the devices, and ${THIS_MACHINE} fits one to this machine`, 'predict');
    }
    return withDtype(device, values.dtype);
  }
  if (values['peak-gmacs'] === undefined || values['bandwidth-gbs'] === undefined) {
    throw new UsageError(`predict needs --device NAME, or --peak-gmacs X with --bandwidth-gbs Y (devices: ${DEVICES.map((d) => d.id).join(', ')})`, 'predict');
  }
  return withDtype(deviceFromFigures(positiveNumber('peak-gmacs', values['peak-gmacs']), positiveNumber('bandwidth-gbs', values['bandwidth-gbs'])), values.dtype);
}

/** The device fitted to this machine's measured layer times: cached, else measured now (about a minute). */
async function thisMachine(err: NodeJS.WritableStream, refit: boolean): Promise<Device> {
  const options = { provider: MEASURE_DEFAULTS.provider, threads: MEASURE_DEFAULTS.threads, runs: 20, warmup: 5 };
  const cached = refit ? undefined : cachedMachineDevice(options);
  if (cached) return cached;
  const kernel = kernelClient();
  try {
    err.write(`lcnb: fitting this machine's roofline to the layer times of ${FIT_MODELS.length} zoo models (cached afterwards)…\n`);
    return await fitMachine(kernel, options, FIT_MODELS, (id) => err.write(`lcnb:   ${id}\n`));
  } finally {
    await kernel.dispose();
  }
}

export async function predictCommand(args: string[], err: NodeJS.WritableStream = process.stderr): Promise<string> {
  const { values, positionals } = parseCommandArgs('predict', args);
  if (positionals.length !== 1) throw new UsageError('predict takes exactly one model id or file', 'predict');
  const device = values.device === THIS_MACHINE ? withDtype(await thisMachine(err, values.refit), values.dtype) : deviceOf(values);
  const loaded = await loadModelToCount(positionals[0], values, values.static);
  const cost = costGraph(loaded.graph);
  const prediction = predict(rooflineLayers(loaded.graph, cost, DTYPE_BYTES[device.dtype]), device, cost.uncounted);
  return values.json ? JSON.stringify(predictionJson(loaded, prediction), null, 2) + '\n' : predictionText(loaded, prediction);
}

function deviceJson(d: Device) {
  return {
    id: d.id,
    name: d.name,
    peak_gmacs: d.peakMaddsPerSecond / 1e9,
    bandwidth_gbs: d.bandwidthBytesPerSecond / 1e9,
    ridge_point: ridgePoint(d),
    dtype: d.dtype,
    source: d.source,
    ...(d.overheadSecondsPerLayer !== undefined ? { overhead_us_per_layer: d.overheadSecondsPerLayer * 1e6 } : {}),
    ...(d.overheadSecondsPerRun !== undefined ? { overhead_us_per_run: d.overheadSecondsPerRun * 1e6 } : {}),
  };
}

function predictionJson(loaded: LoadedModel, p: Prediction) {
  return {
    id: loaded.graph.name,
    label: loaded.label,
    device: deviceJson(p.device),
    total_ms: p.totalSeconds * 1e3,
    fusion_rule: FUSION_RULE,
    layers: p.layers.map((l) => ({
      name: l.name,
      nodes: l.nodes,
      ops: l.ops,
      madds: l.madds,
      bytes: layerBytes(l),
      bound: l.bound,
      predicted_us: l.predictedSeconds * 1e6,
    })),
    uncounted: p.uncounted,
  };
}

function predictionText(loaded: LoadedModel, p: Prediction): string {
  const d = p.device;
  const header = ['layer', 'ops', 'MAdds', 'bytes', 'bound', 'predicted µs'];
  const rows = p.layers.map((l) => [l.name, l.ops.join('+'), formatSI(l.madds), formatBytes(layerBytes(l)), l.bound, (l.predictedSeconds * 1e6).toFixed(1)]);
  const memory = p.layers.filter((l) => l.bound === 'memory').length;
  const out = [
    `${loaded.label}  predicted on ${d.name} (not measured)`,
    '',
    `Device: ${(d.peakMaddsPerSecond / 1e9).toFixed(1)} GMAdds/s peak, ${(d.bandwidthBytesPerSecond / 1e9).toFixed(2)} GB/s memory bandwidth, ridge point ${ridgePoint(d).toFixed(1)} MAdds/byte, ${d.dtype}`,
    `  source: ${d.source}`,
    `Roofline (MobileNetV4, arXiv 2404.10518 §3): each layer takes max(MAdds / peak, bytes / bandwidth)${d.overheadSecondsPerLayer ? ` + ${(d.overheadSecondsPerLayer * 1e6).toFixed(1)} µs` : ''}${d.overheadSecondsPerRun ? `; each run ${(d.overheadSecondsPerRun * 1e6).toFixed(0)} µs more` : ''}.`,
    `Layers after fusion: ${FUSION_RULE}`,
    '',
    `  total       ${(p.totalSeconds * 1e3).toFixed(3)} ms predicted  (${p.layers.length} layers: ${p.layers.length - memory} compute-bound, ${memory} memory-bound)`,
    '',
    ...textTable(header, rows, new Set([2, 3, 5])).map((l) => `  ${l}`),
  ];
  if (p.uncounted.length) out.push('', `Not predicted (no cost rule, so not in the total): ${p.uncounted.map((u) => `${u.name} (${u.op})`).join(', ')}`);
  out.push('', `${formatCount(p.layers.reduce((s, l) => s + l.madds, 0))} MAdds in the layers above.`);
  return out.join('\n') + '\n';
}
