/** Types every zoo family shares, and the small helpers they use to name their variants. */
import { UserError } from '../core/errors';
import { Graph } from '../core/ir';
import { Shape } from '../core/shape';
import { PublishedFigure, PublishedMetric } from '../core/summary';

export type KnobValue = number | string | boolean | readonly number[];

/**
 * The two forms of a re-parameterised model (MobileOne, RepViT, GhostNetV3): 'training', as built
 * for training, with its parallel branches and BatchNorms; 'deploy', those branches and BatchNorms
 * fused into single convs as the reference's re-parameterisation produces. Papers count and time
 * the deploy form.
 */
export type ModelForm = 'training' | 'deploy';
export const MODEL_FORMS: readonly ModelForm[] = ['training', 'deploy'];
export const DEFAULT_FORM: ModelForm = 'deploy';

/** A form as written: 'training' or 'deploy', or 'inference', the earlier name of deploy; anything else undefined. */
export function readForm(value: unknown): ModelForm | undefined {
  if (value === 'inference') return 'deploy';
  return value === 'training' || value === 'deploy' ? value : undefined;
}

/** A paper's ablation knob (FasterNet's partial ratio, PP-LCNet's SE positions, …). */
export interface KnobSpec {
  readonly name: string;
  readonly description: string;
  readonly default: KnobValue;
  /** number: any real in [min, max]; integer: a whole number in [min, max]; choice: one of
   *  `choices`; boolean; indices: a list of integers in [min, max] (e.g. block positions). */
  readonly kind: 'number' | 'integer' | 'choice' | 'boolean' | 'indices';
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
}

export interface ZooBuildOptions {
  /** Square input resolution in pixels. */
  readonly resolution: number;
  readonly numClasses: number;
  readonly batch: number;
  /** Width multiplier; defaults to the variant's own (1.0 for mobilenet_v1_x1_0). */
  readonly width: number;
  /** Every knob of the model, defaults filled in and values checked against its KnobSpec. */
  readonly knobs: Readonly<Record<string, KnobValue>>;
  /** Set only for a model with two forms (ZooModel.forms): which one to build. */
  readonly form?: ModelForm;
}

/** What a caller may ask for: any subset, undefined meaning "the default". */
export interface BuildRequest {
  resolution?: number;
  numClasses?: number;
  batch?: number;
  width?: number;
  knobs?: Readonly<Record<string, KnobValue>>;
  /** Only for a model with two forms; DEFAULT_FORM when not given. */
  form?: ModelForm;
}

export const DEFAULT_RESOLUTION = 224;
export const DEFAULT_CLASSES = 1000;

/**
 * Figures a paper reports for one knob setting of a model (a row of its ablation table); they are
 * attached when the model is built at its published size with exactly these knobs (the others at
 * their defaults).
 */
export interface PublishedVariant {
  readonly knobs: Readonly<Record<string, KnobValue>>;
  readonly published: readonly PublishedFigure[];
}

export interface ZooModel {
  readonly id: string;
  readonly family: string;
  readonly width: number;
  readonly published: readonly PublishedFigure[];
  /** Ablation rows the paper publishes for knob settings of this model. */
  readonly publishedVariants?: readonly PublishedVariant[];
  readonly knobs: readonly KnobSpec[];
  /** The model's own input resolution where its paper defines one other than DEFAULT_RESOLUTION (MobileNetV4-Conv-M: 256). */
  readonly resolution?: number;
  /** True for a re-parameterised model: it builds in both MODEL_FORMS, and its published figures are the deploy form's. */
  readonly forms?: boolean;
  build(options: ZooBuildOptions): Graph;
}

export interface ZooFamily {
  readonly family: string;
  readonly paper: string;
  readonly models: readonly Omit<ZooModel, 'family'>[];
}

export function inputShape(options: ZooBuildOptions): Shape {
  return [options.batch, 3, options.resolution, options.resolution];
}

/** A knob value the family cannot build with, reported with the knob's name. */
export function knobError(modelId: string, knob: string, problem: string): UserError {
  return new UserError(`${modelId}: knob '${knob}' ${problem}`);
}

/** `1.0` → `x1_0`, `0.25` → `x0_25`: the width part of a zoo id. */
export function widthSuffix(width: number): string {
  const [whole, fraction = '0'] = String(width).split('.');
  return `x${whole}_${fraction}`;
}

/**
 * The width variants of one family, named `<prefix>_x<width>`, all with the same knobs and each
 * built by `build(id, options)`.
 */
export function widthVariants(
  prefix: string,
  variants: { width: number; published?: PublishedFigure[]; publishedVariants?: PublishedVariant[] }[],
  knobs: readonly KnobSpec[],
  build: (id: string, options: ZooBuildOptions) => Graph,
): Omit<ZooModel, 'family'>[] {
  return variants.map((v) => {
    const id = `${prefix}_${widthSuffix(v.width)}`;
    const ablations = v.publishedVariants ? { publishedVariants: v.publishedVariants } : {};
    return { id, width: v.width, published: v.published ?? [], ...ablations, knobs, build: (options: ZooBuildOptions) => build(id, options) };
  });
}

type TableMetric = Exclude<PublishedMetric, 'latency_ms'>;
const TABLE_METRICS: readonly TableMetric[] = ['params', 'madds', 'top1'];

/**
 * A table's params, MAdds and top-1 for one model, as published figures in that order; a metric
 * the table does not give is left out. `source` names the table, or names one per metric where a
 * figure needs its own note (FLOPs that are multiply-adds, a top-1 read off an error column).
 */
export function publishedFigures<M extends TableMetric>(
  values: Readonly<Record<M, number>>,
  source: string | Readonly<Record<NoInfer<M>, string>>,
): PublishedFigure[] {
  return TABLE_METRICS.filter((metric): metric is M => metric in values).map((metric) => ({
    metric,
    value: values[metric],
    source: typeof source === 'string' ? source : source[metric],
  }));
}

/** Sources named by their project rather than their full path. */
const SOURCE_NAMES: readonly [RegExp, string][] = [
  [/^torchvision\b/, 'torchvision'],
  [/^tensorflow\/models research\/slim\//, 'TF-slim'],
  [/^PaddleClas\b/, 'PaddleClas'],
  [/^megvii-model\//, 'Megvii retrain'],
  [/^timm\b/, 'timm'],
];

/**
 * A published figure's source, short enough for a one-line list: the project ('torchvision',
 * 'TF-slim', 'PaddleClas') or the paper and table ('arXiv:1905.02244 Table 3'), without the
 * parenthesised details.
 */
export function shortSource(source: string): string {
  const named = SOURCE_NAMES.find(([pattern]) => pattern.test(source));
  return named ? named[1] : source.split(/ \(|, /)[0];
}
