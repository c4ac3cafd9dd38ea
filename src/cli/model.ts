/**
 * The model argument of summary, export and profile: a zoo id, an .onnx file or a graph .json
 * file, with the options that apply to it, checked here and loaded by src/run/loader.ts.
 */
import { existsSync } from 'node:fs';
import { UserError } from '../core/errors';
import { closest } from '../lang/suggest';
import { LoadedModel, loadModel, notFound } from '../run/loader';
import { zooModels } from '../zoo';
import { KernelClient } from '../../kernels/host/client';
import { cliInputShapes, formArg, ModelOptionValues, parseKnob, positiveInt, positiveNumber, UsageError } from './args';
import { statOf } from './files';
import { kernelClient } from './kernel';

/** A model argument that names a file (or folder) that is not there, or a folder: said before anything is read. */
async function checkModelPath(target: string): Promise<void> {
  if (zooModels().some((m) => m.id === target)) return; // an id wins over a folder of that name
  const found = await statOf(target);
  if (found?.isDirectory()) throw new UserError(`${target} is a folder, not a model id, .onnx or graph .json file`);
  const looksLikePath = /\.(onnx|json)$/i.test(target) || /[\\/]/.test(target);
  if (!found && looksLikePath) throw notFound(target);
}

/** "unknown model id 'mobilenetv2' (did you mean mobilenet_v2_x1_0, …?)": the nearest ids, the published width first. */
function unknownModel(id: string): UserError {
  const models = zooModels();
  const widthOf = new Map(models.map((m) => [m.id, m.width]));
  const near = closest(id, widthOf.keys(), Infinity)
    .map((m, order) => ({ m, order, off: Math.abs((widthOf.get(m) ?? 1) - 1) }))
    .sort((a, b) => a.off - b.off || a.order - b.order)
    .slice(0, 3)
    .map((n) => n.m);
  return new UserError(`unknown model id '${id}'${near.length ? ` (did you mean ${near.join(', ')}?)` : " (run 'lcnb list' for the ids)"}`);
}

/** --resolution, --classes, --batch, --width and --knob as a zoo build request. */
function zooRequest(values: ModelOptionValues) {
  return {
    resolution: positiveInt('resolution', values.resolution),
    numClasses: positiveInt('classes', values.classes),
    batch: positiveInt('batch', values.batch),
    width: values.width === undefined ? undefined : positiveNumber('width', values.width),
    knobs: Object.fromEntries((values.knob ?? []).map(parseKnob)),
    form: values.form === undefined ? undefined : formArg(values.form),
  };
}

/** A zoo id, an .onnx file or a .json graph, with the options that apply to it. */
export async function loadModelArg(target: string, values: ModelOptionValues, kernel?: () => KernelClient): Promise<LoadedModel> {
  if (values.head !== undefined) return loadHeaded(target, values);
  if (values['head-knob']) throw new UsageError('--head-knob applies with --head');
  const zooOptions = values.resolution || values.classes || values.batch || values.width || values.knob || values.form;
  if (/\.onnx$/i.test(target)) {
    if (zooOptions) throw new UsageError('--resolution, --classes, --batch, --width, --knob and --form apply to zoo models; use --input-shape for an .onnx file');
    await checkModelPath(target);
    return loadModel({ onnx: target, inputShapes: cliInputShapes(values['input-shape']), kernel });
  }
  if (values['input-shape']) throw new UsageError('--input-shape applies to .onnx files');
  if (/\.json$/i.test(target)) {
    if (zooOptions) throw new UsageError('--resolution, --classes, --batch, --width, --knob and --form apply to zoo models; a graph file states its own');
    await checkModelPath(target);
    return loadModel({ graphJson: target });
  }
  await checkModelPath(target);
  if (!zooModels().some((m) => m.id === target)) {
    if (/\.[a-z0-9]+$/i.test(target) || existsSync(target)) {
      throw new UserError(`${target}: unsupported file type (expected a zoo model id, an .onnx file or a .json graph)`);
    }
    throw unknownModel(target);
  }
  return loadModel({ zoo: target, request: zooRequest(values) });
}

/**
 * A model argument to count (summary, predict): an .onnx file's shapes that only data can tell
 * come from one onnxruntime run, in a kernel started for it and stopped after, unless `static`.
 */
export async function loadModelToCount(target: string, values: ModelOptionValues, static_: boolean): Promise<LoadedModel> {
  let kernel: KernelClient | undefined;
  const needsRun = /\.onnx$/i.test(target) && !static_;
  try {
    return await loadModelArg(target, values, needsRun ? () => (kernel ??= kernelClient()) : undefined);
  } finally {
    await kernel?.dispose();
  }
}

/** A zoo backbone under a head (--head), with the same build as a detect or segment cell. */
async function loadHeaded(target: string, values: ModelOptionValues): Promise<LoadedModel> {
  if (/\.(onnx|json)$/i.test(target) || values['input-shape']) throw new UsageError('--head takes a zoo backbone id (not a file, nor --input-shape)');
  await checkModelPath(target);
  return loadModel({ headed: { head: values.head!, backbone: target, ...zooRequest(values), headKnobs: Object.fromEntries((values['head-knob'] ?? []).map(parseKnob)) } });
}
