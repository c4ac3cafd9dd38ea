/** The zoo: every model id lcnb can build, and building one by id with options. */
import { UserError } from '../core/errors';
import { Graph } from '../core/ir';
import { ModelSummary, summarize } from '../core/summary';
import { mobilenetV1 } from './mobilenet_v1';
import { DEFAULT_BUILD_OPTIONS, ZooBuildOptions, ZooFamily, ZooModel } from './registry';

export type { ZooBuildOptions, ZooModel } from './registry';

const FAMILIES: readonly ZooFamily[] = [mobilenetV1];

export function zooModels(): ZooModel[] {
  return FAMILIES.flatMap((f) => f.models.map((m) => ({ ...m, family: f.family })));
}

export function findModel(id: string): ZooModel | undefined {
  return zooModels().find((m) => m.id === id);
}

function checkOption(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UserError(`option ${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/** Defaults overlaid with the options that are set (undefined means "use the default"). */
function withDefaults(options: Partial<ZooBuildOptions>): ZooBuildOptions {
  const set = Object.entries(options).filter(([, v]) => v !== undefined);
  return { ...DEFAULT_BUILD_OPTIONS, ...Object.fromEntries(set) };
}

/** Builds a zoo model; unknown ids and out-of-range options are user errors. */
export function buildModel(id: string, options: Partial<ZooBuildOptions> = {}): Graph {
  const model = findModel(id);
  if (!model) {
    const close = zooModels()
      .map((m) => m.id)
      .filter((m) => m.startsWith(id.split('_')[0]));
    const hint = close.length ? ` (did you mean ${close.slice(0, 3).join(', ')}?)` : " (run 'lcnb list' for the ids)";
    throw new UserError(`unknown model id '${id}'${hint}`);
  }
  const full = withDefaults(options);
  checkOption('resolution', full.resolution, 1, 8192);
  checkOption('numClasses', full.numClasses, 1, 1_000_000);
  checkOption('batch', full.batch, 1, 4096);
  return model.build(full);
}

/**
 * Builds a zoo model and summarizes it. The paper's published figures are attached only for the
 * configuration they describe (224×224, 1000 classes, batch 1).
 */
export function summarizeModel(id: string, options: Partial<ZooBuildOptions> = {}): ModelSummary {
  const graph = buildModel(id, options);
  const full = withDefaults(options);
  const asPublished = (Object.keys(DEFAULT_BUILD_OPTIONS) as (keyof ZooBuildOptions)[]).every((k) => full[k] === DEFAULT_BUILD_OPTIONS[k]);
  return summarize(graph, {}, asPublished ? (findModel(id)?.published ?? []) : []);
}
