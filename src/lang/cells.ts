/**
 * Typed cells: what parseCell returns once a cell has no errors. Every value a user wrote keeps
 * its source range, so whatever fails later (a build, a run) can still point at it.
 */
import { modelLabel } from '../zoo/index';
import type { BuildRequest, KnobValue, ModelForm } from '../zoo/index';
import type { HeadedRequest } from '../zoo/heads/index';
import type { Optimization } from '../shared/measureSettings';
import type { Range } from './types';

/** A zoo model and the options written for it, or an .onnx file (`file`), run as stored. */
export interface ModelRef {
  /** The zoo id, or the .onnx file's path as written (relative to the notebook's folder, or absolute). */
  readonly id: string;
  /** Set when `id` names an .onnx file: it takes none of the size, width or knob options. */
  readonly file?: true;
  /** Range of the id. */
  readonly range: Range;
  readonly resolution?: number;
  readonly classes?: number;
  readonly batch?: number;
  readonly width?: number;
  readonly knobs: Readonly<Record<string, KnobValue>>;
  /** The form of a re-parameterised model, as written (unset: the zoo's default, deploy). */
  readonly form?: ModelForm;
  /** An .onnx file's input shapes from `input:`, by input name ('' for the one data input). */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** Ranges of the values as written: 'resolution', 'classes', 'batch', 'width', 'form', 'input', 'knobs.<name>'. */
  readonly ranges: Readonly<Record<string, Range>>;
}

/** A cell's `profile:` settings as written; unset fields take the kernel's (the user's settings, else MEASURE_DEFAULTS). */
export interface ProfileSettings {
  readonly runs?: number;
  readonly warmup?: number;
  readonly threads?: number;
  readonly provider?: string;
  readonly opt?: Optimization;
  /** Also time each layer alone as its own small graph (the isolated-layer cross-check). */
  readonly isolated?: boolean;
}

export interface LayerSpec {
  /** 1-based position in `layers`. */
  readonly index: number;
  readonly op: string;
  /** Options as written (no defaults), without repeat, scope and from. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly repeat: number;
  /** The layer's scope: its `scope:` or layer<index>. Repetitions are <scope>.1 … <scope>.N. */
  readonly scope: string;
  /** Scope of the earlier layer whose output this layer reads, when not the previous one. */
  readonly from?: string;
  /** The whole list item. */
  readonly range: Range;
  /** The op's name. */
  readonly opRange: Range;
  /** Ranges of the option values, and of repeat, scope and from when written. */
  readonly argRanges: Readonly<Record<string, Range>>;
}

export interface NetworkSpec {
  readonly name: string;
  readonly range: Range;
  readonly input: readonly number[];
  readonly inputRange: Range;
  readonly layers: readonly LayerSpec[];
}

interface CellBase {
  /** Range of the verb's key. */
  readonly range: Range;
}

/** A device the cell predicts latency on (`predict:`): a preset id of src/core/devices.ts, as written. */
export interface DeviceChoice {
  readonly id: string;
  /** Range of the id. */
  readonly range: Range;
}

export interface ModelCell extends CellBase {
  readonly verb: 'model';
  readonly model: ModelRef;
  /** Settings for when a device kernel runs the cell; false: never measure. */
  readonly profile?: ProfileSettings | false;
  /** Devices to predict latency on (MobileNetV4's roofline), in the order written; absent: none. */
  readonly predict?: readonly DeviceChoice[];
}

export interface NetworkCell extends CellBase {
  readonly verb: 'network';
  readonly network: NetworkSpec;
  readonly profile?: ProfileSettings | false;
  /** Devices to predict latency on (MobileNetV4's roofline), in the order written; absent: none. */
  readonly predict?: readonly DeviceChoice[];
}

/** A network cell of the same notebook, named by a compare entry (`- network: name`). */
export interface NetworkRef {
  readonly name: string;
  /** Range of the name. */
  readonly range: Range;
}

/** One entry of a compare: a zoo model or .onnx file, or a network cell of the notebook. */
export type CompareEntry = { readonly kind: 'model'; readonly model: ModelRef } | { readonly kind: 'network'; readonly network: NetworkRef };

/** A paper's claim a compare checks: `faster` runs in less time than `than` (names of its entries). */
export interface Claim {
  readonly faster: string;
  readonly than: string;
  /** Where the paper says so, as written (e.g. "ShuffleNetV2, arXiv:1807.11164, Table 1"). */
  readonly source: string;
  /** Range of the whole claim. */
  readonly range: Range;
}

export interface CompareCell extends CellBase {
  readonly verb: 'compare';
  /** In the order written; a model has the compare-wide resolution, classes and batch filled in where it sets none. */
  readonly entries: readonly CompareEntry[];
  readonly claims: readonly Claim[];
  readonly profile?: ProfileSettings | false;
  /** Devices to predict every model's latency on (MobileNetV4's roofline), in the order written; absent: none. */
  readonly predict?: readonly DeviceChoice[];
}

/** How a claim names a compare entry: a zoo id or .onnx path as written, or the network's name. */
export function entryName(entry: CompareEntry): string {
  return entry.kind === 'model' ? entry.model.id : entry.network.name;
}

/** The zoo models and .onnx files of a compare, in order. */
export function compareModels(cell: CompareCell): ModelRef[] {
  return cell.entries.flatMap((e) => (e.kind === 'model' ? [e.model] : []));
}

export interface ProfileCell extends CellBase {
  readonly verb: 'profile';
  readonly target: { readonly kind: 'model'; readonly model: ModelRef } | { readonly kind: 'network'; readonly network: NetworkSpec };
  readonly settings: ProfileSettings;
}

export interface SweepAxis {
  readonly kind: 'width' | 'resolution' | 'form' | 'knob';
  /** 'width', 'resolution', 'form', or the knob's name. */
  readonly name: string;
  readonly values: readonly KnobValue[];
  readonly ranges: readonly Range[];
}

export interface SweepCell extends CellBase {
  readonly verb: 'sweep';
  /** The model with the fixed options (classes, batch); the axes vary the rest. */
  readonly model: ModelRef;
  readonly axes: readonly SweepAxis[];
  /** Measure every point with these settings; undefined: a static sweep. */
  readonly profile?: ProfileSettings;
}

export interface ExportCell extends CellBase {
  readonly verb: 'export';
  readonly model: ModelRef;
  readonly path: string;
  readonly pathRange: Range;
  readonly form: 'deploy' | 'training';
  readonly seed: number;
}

/** A head with one or many backbones: `detect:` (a detection head) or `segment:` (a segmentation head). */
export interface HeadedCell extends CellBase {
  readonly verb: 'detect' | 'segment';
  /** The head's id. */
  readonly head: string;
  readonly headRange: Range;
  /**
   * The backbones (zoo ids with their width and knobs), each with the cell-wide resolution,
   * classes and batch filled in (unset: the head's reference size and class count).
   */
  readonly backbones: readonly ModelRef[];
  readonly headKnobs: Readonly<Record<string, KnobValue>>;
  /** Ranges of the head knob values, by knob name. */
  readonly headKnobRanges: Readonly<Record<string, Range>>;
  readonly profile?: ProfileSettings | false;
}

export type Cell = ModelCell | NetworkCell | CompareCell | ProfileCell | SweepCell | ExportCell | HeadedCell;

/** The zoo's request for one backbone of a detect or segment cell under the cell's head. */
export function headedRequest(cell: HeadedCell, backbone: ModelRef): HeadedRequest {
  return {
    head: cell.head,
    backbone: backbone.id,
    resolution: backbone.resolution,
    batch: backbone.batch,
    numClasses: backbone.classes,
    width: backbone.width,
    knobs: backbone.knobs,
    headKnobs: cell.headKnobs,
  };
}

/**
 * How a backbone is named in reports: the zoo's modelLabel of its width and knobs (resolution and
 * classes are the head's, stated once for the whole cell).
 */
export function backboneLabel(backbone: ModelRef): string {
  return modelLabel(backbone.id, { width: backbone.width, knobs: backbone.knobs });
}

/** Whether a model value names an .onnx file rather than a zoo id. */
export function isOnnxPath(value: string): boolean {
  return /\.onnx$/i.test(value.trim());
}

/** The zoo's build request for a model reference. */
export function buildRequest(model: ModelRef): BuildRequest {
  return { resolution: model.resolution, numClasses: model.classes, batch: model.batch, width: model.width, knobs: model.knobs, ...(model.form ? { form: model.form } : {}) };
}

export interface SweepGridPoint {
  /** The value of every axis at this point, by axis name. */
  readonly settings: Readonly<Record<string, KnobValue>>;
  readonly request: BuildRequest;
  /** For each axis, the index of its value at this point. */
  readonly indices: readonly number[];
}

/** Every point of a sweep's grid (the first axis varies slowest), in the order they are written. */
export function sweepPoints(cell: SweepCell): SweepGridPoint[] {
  const points: SweepGridPoint[] = [];
  const total = cell.axes.reduce((n, a) => n * a.values.length, 1);
  for (let p = 0; p < total; p++) {
    let rest = p;
    const indices = new Array<number>(cell.axes.length);
    for (let a = cell.axes.length - 1; a >= 0; a--) {
      indices[a] = rest % cell.axes[a].values.length;
      rest = Math.floor(rest / cell.axes[a].values.length);
    }
    const settings: Record<string, KnobValue> = {};
    const knobs: Record<string, KnobValue> = { ...cell.model.knobs };
    const request: { -readonly [K in keyof BuildRequest]: BuildRequest[K] } = buildRequest(cell.model);
    cell.axes.forEach((axis, a) => {
      const value = axis.values[indices[a]];
      settings[axis.name] = value;
      if (axis.kind === 'knob') knobs[axis.name] = value;
      else if (axis.kind === 'form') request.form = value as ModelForm;
      else request[axis.kind] = value as number;
    });
    points.push({ settings, request: { ...request, knobs }, indices });
  }
  return points;
}

/** The scope of a layer: its own `scope:` name, or layer<index>. */
export function layerScopeName(index: number, scope?: string): string {
  return scope ?? `layer${index}`;
}
