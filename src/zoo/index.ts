/** The zoo: every model id lcnb can build, and building one by id with options and knobs. */
import { GraphError, UserError } from '../core/errors';
import { Graph } from '../core/ir';
import { ModelSummary, PublishedFigure, summarize } from '../core/summary';
import { fasternet } from './fasternet';
import { ghostnet } from './ghostnet';
import { ghostnetV2 } from './ghostnet_v2';
import { ghostnetV3 } from './ghostnet_v3';
import { mobilenetV1 } from './mobilenet_v1';
import { mobilenetV2 } from './mobilenet_v2';
import { mobilenetV3 } from './mobilenet_v3';
import { mobileone } from './mobileone';
import { mobilenetV4 } from './mobilenet_v4';
import { pplcnet } from './pplcnet';
import { repvit } from './repvit';
import { shufflenetV1 } from './shufflenet_v1';
import { shufflenetV2 } from './shufflenet_v2';
import { squeezenet } from './squeezenet';
import { starnet } from './starnet';
import { BuildRequest, DEFAULT_CLASSES, DEFAULT_FORM, DEFAULT_RESOLUTION, KnobSpec, MODEL_FORMS, KnobValue, ZooBuildOptions, ZooFamily, ZooModel } from './familyTypes';

export type { BuildRequest, KnobSpec, KnobValue, ModelForm, PublishedVariant, ZooBuildOptions, ZooModel } from './familyTypes';
export { DEFAULT_FORM, MODEL_FORMS, readForm } from './familyTypes';

const FAMILIES: readonly ZooFamily[] = [squeezenet, shufflenetV1, shufflenetV2, mobilenetV1, mobilenetV2, mobilenetV3, ghostnet, ghostnetV2, ghostnetV3, fasternet, pplcnet, starnet, mobileone, mobilenetV4, repvit];

export function zooModels(): ZooModel[] {
  return FAMILIES.flatMap((f) => f.models.map((m) => ({ ...m, family: f.family })));
}

export function findModel(id: string): ZooModel | undefined {
  return zooModels().find((m) => m.id === id);
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UserError(`option ${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

function checkKnob(owner: string, spec: KnobSpec, value: KnobValue): void {
  const fail = (expected: string) =>
    new UserError(`${owner}: knob '${spec.name}' must be ${expected}, got ${JSON.stringify(value)}`);
  const range = (v: number) => (spec.min === undefined || v >= spec.min) && (spec.max === undefined || v <= spec.max);
  const rangeText = spec.min !== undefined || spec.max !== undefined ? ` from ${spec.min ?? '−∞'} to ${spec.max ?? '∞'}` : '';
  switch (spec.kind) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || !range(value)) throw fail(`a number${rangeText}`);
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || !range(value)) throw fail(`an integer${rangeText}`);
      return;
    case 'choice':
      if (typeof value !== 'string' || !spec.choices?.includes(value)) throw fail(`one of ${spec.choices?.join(', ')}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw fail('true or false');
      return;
    case 'indices':
      if (!Array.isArray(value) || value.some((v) => !Number.isInteger(v) || !range(v))) throw fail(`a list of integers${rangeText}`);
      return;
  }
}

/** The input resolution `model` is built at when none is given: its paper's (MobileNetV4-Conv-M: 256), else 224. */
export function defaultResolution(model: Pick<ZooModel, 'resolution'> | undefined): number {
  return model?.resolution ?? DEFAULT_RESOLUTION;
}

/** The families whose models have two forms (training and deploy). */
export function formFamilies(): string[] {
  return [...new Set(zooModels().filter((m) => m.forms).map((m) => m.family))];
}

/** What to say when a form is asked of `id`, a model with one form. */
export function oneFormProblem(id: string): string {
  return `${id} has one form; form applies to re-parameterised models (${formFamilies().join(', ')})`;
}

/** The full options for `model`: defaults overlaid with what is set, every value checked. */
export function resolveOptions(model: ZooModel, request: BuildRequest): ZooBuildOptions {
  if (request.form !== undefined && !model.forms) {
    throw new UserError(oneFormProblem(model.id));
  }
  if (request.form !== undefined && !MODEL_FORMS.includes(request.form)) {
    throw new UserError(`option form must be ${MODEL_FORMS.join(' or ')}, got ${JSON.stringify(request.form)}`);
  }
  const options: ZooBuildOptions = {
    resolution: request.resolution ?? defaultResolution(model),
    numClasses: request.numClasses ?? DEFAULT_CLASSES,
    batch: request.batch ?? 1,
    width: request.width ?? model.width,
    knobs: resolveKnobs(model.id, model.knobs, request.knobs),
    ...(model.forms ? { form: request.form ?? DEFAULT_FORM } : {}),
  };
  checkInteger('resolution', options.resolution, 1, 8192);
  checkInteger('numClasses', options.numClasses, 1, 1_000_000);
  checkInteger('batch', options.batch, 1, 4096);
  if (!(options.width > 0 && options.width <= 16)) throw new UserError(`option width must be a number in (0, 16], got ${options.width}`);
  return options;
}

/** Every knob of `specs`, defaults overlaid with `given`; an unknown knob or bad value is a UserError naming `owner`. */
export function resolveKnobs(
  owner: string,
  specs: readonly KnobSpec[],
  given: Readonly<Record<string, KnobValue>> = {},
): Readonly<Record<string, KnobValue>> {
  for (const name of Object.keys(given)) {
    if (!specs.some((k) => k.name === name)) {
      const known = specs.map((k) => k.name);
      throw new UserError(`${owner} has no knob '${name}' (${known.length ? `knobs: ${known.join(', ')}` : 'it has no knobs'})`);
    }
  }
  const knobs = Object.fromEntries(specs.map((k) => [k.name, given[k.name] ?? k.default]));
  for (const spec of specs) checkKnob(owner, spec, knobs[spec.name]);
  return knobs;
}

/** Whether two values of one knob build the same network (a block list is a set: order and repeats do not matter). */
function sameKnobValue(spec: KnobSpec, a: KnobValue, b: KnobValue): boolean {
  if (spec.kind === 'indices' && Array.isArray(a) && Array.isArray(b)) {
    const set = (v: readonly number[]) => JSON.stringify([...new Set(v)].sort((x, y) => x - y));
    return set(a) === set(b);
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A knob value as a reader writes it: `relu`, `false`, `0.5`, a block list as `1–13` or `7, 8`, an empty one as `none`. */
function knobText(value: KnobValue): string {
  if (!Array.isArray(value)) return String(value);
  const sorted = [...new Set(value)].sort((x, y) => x - y);
  if (!sorted.length) return 'none';
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    // Three or more consecutive blocks read better as a range.
    runs.push(j - i >= 2 ? `${sorted[i]}–${sorted[j]}` : sorted.slice(i, j + 1).join(', '));
    i = j + 1;
  }
  return runs.join(', ');
}

/**
 * What `request` sets that differs from `model`'s defaults, as short phrases in a fixed order:
 * 'width 1.3', '160 px', '10 classes', 'batch 8', then knobs as 'name: value' in the model's
 * order. Without `model` (an id the zoo does not hold) every setting given is listed.
 */
function settingPhrases(model: ZooModel | undefined, request: BuildRequest, withForm = true): string[] {
  const phrases: string[] = [];
  if (request.width !== undefined && request.width !== model?.width) phrases.push(`width ${request.width}`);
  // A two-form model's form always; left out where it varies (a sweep's axis).
  if (withForm && model?.forms) phrases.push(`${request.form ?? DEFAULT_FORM} form`);
  else if (withForm && request.form !== undefined) phrases.push(`${request.form} form`);
  if (request.resolution !== undefined && request.resolution !== defaultResolution(model)) phrases.push(`${request.resolution} px`);
  if (request.numClasses !== undefined && request.numClasses !== DEFAULT_CLASSES) phrases.push(`${request.numClasses} classes`);
  if (request.batch !== undefined && request.batch !== 1) phrases.push(`batch ${request.batch}`);
  const given = request.knobs ?? {};
  const specs = model?.knobs ?? [];
  for (const spec of specs) {
    const value = given[spec.name];
    if (value !== undefined && !sameKnobValue(spec, value, spec.default)) phrases.push(`${spec.name}: ${knobText(value)}`);
  }
  for (const [name, value] of Object.entries(given)) {
    if (!specs.some((k) => k.name === name)) phrases.push(`${name}: ${knobText(value)}`);
  }
  return phrases;
}

/**
 * How reports, tables, charts and the CLI name a zoo model built with `request`: its id, then only
 * what differs from the defaults — "pplcnet_x0_5 (se_blocks: 1–13)", "mobilenet_v2_x1_0 (width
 * 1.3, 160 px)". Two variants of one id get two names; an unknown id keeps every setting given.
 * `name` replaces the id in front (a head's graph named after its backbone: 'ssdlite/<id>'); `withForm: false`
 * leaves a two-form model's form out where it varies (a sweep over forms).
 */
export function modelLabel(id: string, request: BuildRequest = {}, name = id, { withForm = true }: { withForm?: boolean } = {}): string {
  const phrases = settingPhrases(findModel(id), request, withForm);
  return phrases.length ? `${name} (${phrases.join(', ')})` : name;
}

/** The width and knobs of `options` that differ from the model as published, as modelLabel writes them. */
export function changedSettings(model: ZooModel, options: ZooBuildOptions): string[] {
  return settingPhrases(model, { width: options.width, knobs: options.knobs }, false);
}

/** The zoo model `id`; an unknown id is a UserError with the closest ids. */
export function lookup(id: string): ZooModel {
  const model = findModel(id);
  if (model) return model;
  const close = zooModels()
    .map((m) => m.id)
    .filter((m) => m.startsWith(id.split('_')[0]));
  const hint = close.length ? ` (did you mean ${close.slice(0, 3).join(', ')}?)` : " (run 'lcnb list' for the ids)";
  throw new UserError(`unknown model id '${id}'${hint}`);
}

/** Builds `model`; a GraphError caused by a changed width or knob becomes a UserError naming it. */
export function buildResolved(model: ZooModel, options: ZooBuildOptions): Graph {
  try {
    return model.build(options);
  } catch (e) {
    // A width or knob that makes the network impossible is the user's setting, not a bug: name it.
    const changed = changedSettings(model, options);
    if (e instanceof GraphError && changed.length) {
      throw new UserError(`${model.id} cannot be built with ${changed.join(', ')}: ${e.message}`);
    }
    throw e;
  }
}

/** Builds a zoo model; unknown ids, options and knobs are user errors that name what is wrong. */
export function buildModel(id: string, request: BuildRequest = {}): Graph {
  const model = lookup(id);
  return buildResolved(model, resolveOptions(model, request));
}

/**
 * The paper's figures for `model` built with `options`: only at the size they describe (the model's own resolution, 224×224 unless it defines another; the deploy form of a re-parameterised model;
 * 1000 classes, batch 1, the variant's width), for its default knobs or for the knobs of one of
 * its published ablation rows; otherwise none.
 */
export function publishedFor(model: ZooModel, options: ZooBuildOptions): readonly PublishedFigure[] {
  const published = options.resolution === defaultResolution(model) && (options.form ?? DEFAULT_FORM) === DEFAULT_FORM && options.numClasses === DEFAULT_CLASSES && options.batch === 1 && options.width === model.width;
  if (!published) return [];
  const knobsAre = (knobs: Readonly<Record<string, KnobValue>>) => model.knobs.every((spec) => sameKnobValue(spec, options.knobs[spec.name], knobs[spec.name] ?? spec.default));
  if (knobsAre({})) return model.published;
  return model.publishedVariants?.find((v) => knobsAre(v.knobs))?.published ?? [];
}

/**
 * Builds a zoo model with the paper's published figures, attached only for the configuration
 * they describe (see publishedFor).
 */
export function buildModelWithFigures(id: string, request: BuildRequest = {}): { graph: Graph; published: readonly PublishedFigure[] } {
  const model = lookup(id);
  const options = resolveOptions(model, request);
  const graph = buildResolved(model, options);
  return { graph, published: publishedFor(model, options) };
}

/** Builds a zoo model and summarizes it, published figures attached as buildModelWithFigures says. */
export function summarizeModel(id: string, request: BuildRequest = {}): ModelSummary {
  const { graph, published } = buildModelWithFigures(id, request);
  return summarize(graph, {}, published);
}
