/**
 * An independent cross-check of the per-layer times: each runtime layer (a group of IR nodes
 * onnxruntime ran as one fused kernel, or a few) is exported as its own small graph and timed
 * without the profiler, all of a model's layers in one kernel job, loaded together and run in turn
 * (kernels/process/profile.ts, measureModels with profile: false), with the profile's provider, threads
 * and optimisation level. Host side: never loads onnxruntime.
 *
 * What a small graph's run() costs beyond its kernels is taken out twice over:
 * - Each small graph has a 1-element marker input copied to a marker output, and only the marker
 *   is fetched. onnxruntime still runs every node (it does not prune by the outputs asked for), but
 *   the layer's own outputs are not copied back through the Node binding, which costs more than the
 *   kernel that wrote them (an 800 KB output: ~110 µs in the binding against ~70 µs of onnxruntime run).
 * - For every distinct set of input shapes, an empty graph (the same inputs, only the marker copy)
 *   is timed in the same job: the fixed cost of a run() call with those feeds. A layer's isolated
 *   time is the median over rounds of its run less that empty graph's run in the same round.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Graph, GraphBuilder, Tensor } from '../../src/core/ir';
import { Shape } from '../../src/core/shape';
import { exportOnnx } from '../../src/onnx/writer';
import type { KernelClient, ProfileJobOptions } from './client';
import type { ModelProfile, ProfiledLayer, MeasureSettings } from './profileTypes';
import { MAX_TIMED_MODELS_PER_JOB } from '../protocol';

/** The marker every small graph carries: a 1-element input copied to the only output a run fetches. */
export const MARKER_INPUT = 'lcnb_isolation_marker';
export const MARKER_OUTPUT = 'lcnb_isolation_marker_out';

/** Layers faster than this (µs, the profiled row) are not timed alone: the run() call's own noise is larger. */
export const MIN_ISOLATED_US = 5;
/** At most this many layers per model are timed alone (the slowest first); leaves room for the empty graphs. */
export const MAX_ISOLATED_LAYERS = 384;
/** Layers of at least this many µs count in the agreement figures. */
export const AGREEMENT_MIN_US = 20;
/** Isolated and profiled agree when they differ by at most this share of the profiled time. */
export const AGREEMENT_TOLERANCE = 0.15;
/** A difference this small (µs) in a layer under AGREEMENT_MIN_US is put down to per-call noise. */
export const NOISE_US = 10;

/** The tensors a group of nodes reads from outside it and the ones it hands on (read outside it, or graph outputs). */
export function groupBoundary(graph: Graph, nodeNames: readonly string[]): { inputs: string[]; outputs: string[] } {
  const inside = new Set(nodeNames);
  const nodes = graph.nodes.filter((n) => inside.has(n.name));
  const produced = new Set(nodes.flatMap((n) => n.outputs));
  const inputs = [...new Set(nodes.flatMap((n) => n.inputs).filter((t) => !produced.has(t)))];
  const readOutside = new Set(graph.outputs);
  for (const node of graph.nodes) if (!inside.has(node.name)) for (const t of node.inputs) readOutside.add(t);
  const outputs = nodes.flatMap((n) => n.outputs).filter((t) => readOutside.has(t));
  return { inputs, outputs };
}

/**
 * The sub-graph of `graph` made of the nodes named (in graph order, with their names, attributes and
 * so their seeded weights): its inputs are the activations the nodes read from outside the group,
 * its outputs the tensors the group hands on. Exported in the deploy form it is the slice of the
 * model's own export: a Conv and the BatchNorm after it fold the same way (the Conv's output feeds
 * only the BatchNorm in both). With `marker`, a 1-element input copied to MARKER_OUTPUT is added.
 */
export function layerSubgraph(graph: Graph, nodeNames: readonly string[], options: { name?: string; marker?: boolean } = {}): Graph {
  const inside = new Set(nodeNames);
  const nodes = graph.nodes.filter((n) => inside.has(n.name));
  const missing = nodeNames.filter((n) => !nodes.some((g) => g.name === n));
  if (missing.length) throw new Error(`the graph has no node ${missing.map((m) => `'${m}'`).join(', ')}`);
  if (!nodes.length) throw new Error('a layer group needs at least one node');
  const { inputs, outputs } = groupBoundary(graph, nodeNames);
  const b = new GraphBuilder(options.name ?? `${graph.name}.${nodes[0].name}`);
  const shapeOf = (t: string): Shape => {
    const shape = graph.shapes.get(t);
    if (!shape) throw new Error(`tensor '${t}' has no known shape`);
    return shape;
  };
  for (const t of inputs) {
    const constant = graph.constants.get(t);
    if (constant) b.constant(t, shapeOf(t), constant);
    else b.input(t, shapeOf(t));
  }
  for (const node of nodes) {
    b.addNode({
      op: node.op,
      name: node.name,
      scope: node.scope,
      inputs: node.inputs,
      attrs: node.attrs,
      outputs: node.outputs,
      outputShapes: node.outputs.map(shapeOf),
      ...(node.weightBytes ? { weightBytes: node.weightBytes } : {}),
      ...(node.measured ? { measured: true } : {}),
    });
  }
  // A group whose results nothing reads (dead code the runtime would remove anyway) hands on its last node's outputs.
  const handed = outputs.length ? outputs : nodes[nodes.length - 1].outputs;
  const out: Tensor[] = handed.map((t) => ({ name: t, shape: shapeOf(t) }));
  if (options.marker) out.push(b.add1('Identity', MARKER_OUTPUT, [b.input(MARKER_INPUT, [1])]));
  return b.build(out);
}

/** A graph with the given inputs that does nothing but copy the marker: the fixed cost of a run() with those feeds. */
export function emptyGraph(inputShapes: readonly Shape[], name = 'lcnb_isolation_empty'): Graph {
  const b = new GraphBuilder(name);
  inputShapes.forEach((shape, i) => b.input(`input${i}`, shape));
  return b.build([b.add1('Identity', MARKER_OUTPUT, [b.input(MARKER_INPUT, [1])])]);
}

/** One layer to time alone: its index among the profile's layers, its IR nodes and its profiled time. */
export interface LayerToIsolate {
  readonly index: number;
  readonly nodes: readonly string[];
  readonly profiledUs: number;
}

/** The layers worth timing alone: with IR nodes, at least MIN_ISOLATED_US, the slowest `max` of them. */
export function chooseLayers(layers: readonly ProfiledLayer[], minUs = MIN_ISOLATED_US, max = MAX_ISOLATED_LAYERS): { chosen: LayerToIsolate[]; small: number; runtimeOnly: number; overCap: number } {
  const reference = (l: ProfiledLayer) => l.corrected_us ?? l.median_us;
  const withNodes = layers.map((l, index) => ({ index, nodes: l.nodes, profiledUs: reference(l) })).filter((l) => l.nodes.length > 0);
  const large = withNodes.filter((l) => l.profiledUs >= minUs);
  const chosen = [...large].sort((a, b) => b.profiledUs - a.profiledUs).slice(0, max).sort((a, b) => a.index - b.index);
  return { chosen, small: withNodes.length - large.length, runtimeOnly: layers.length - withNodes.length, overCap: large.length - chosen.length };
}

export interface IsolatedLayerTime {
  /** Index into the profile's layers. */
  readonly index: number;
  /** Median over rounds of (the small graph's run − the empty graph's run with the same inputs), µs; never below 0. */
  readonly us: number;
  /** The small graph's own median run, µs, before the empty graph is taken out. */
  readonly runUs: number;
}

export interface IsolatedLayers {
  readonly times: IsolatedLayerTime[];
  /** Median over the empty graphs of their median run: the fixed cost of a run() call taken out, µs. */
  readonly overheadUs: number;
  /** Empty graphs timed (one per distinct set of input shapes). */
  readonly emptyGraphs: number;
  /** Layers not timed alone, and why. */
  readonly skipped: { readonly small: number; readonly runtimeOnly: number; readonly overCap: number; readonly notExported: readonly string[] };
  readonly protocol: string;
}

const shapeKey = (shapes: readonly Shape[]) => shapes.map((s) => s.join('x')).join(';');

/**
 * Times each chosen layer of `graph` as its own small graph (see the module comment), all in one
 * kernel job with the profile's provider, threads, optimisation, warm-up and runs.
 */
export async function timeIsolatedLayers(
  kernel: KernelClient,
  graph: Graph,
  layers: readonly ProfiledLayer[],
  options: MeasureSettings,
  job: ProfileJobOptions = {},
): Promise<IsolatedLayers> {
  const { chosen, small, runtimeOnly, overCap } = chooseLayers(layers);
  const dir = await mkdtemp(join(tmpdir(), 'lcnb-isolated-'));
  try {
    const notExported: string[] = [];
    const timed: { layer: LayerToIsolate; path: string; empty: string }[] = [];
    const empties = new Map<string, string>();
    for (const layer of chosen) {
      let bytes: Uint8Array;
      let inputShapes: Shape[];
      try {
        const sub = layerSubgraph(graph, layer.nodes, { marker: true });
        inputShapes = sub.inputs.filter((t) => t.name !== MARKER_INPUT).map((t) => t.shape);
        bytes = exportOnnx(sub, { form: 'deploy' }).bytes;
      } catch {
        notExported.push(layers[layer.index].name);
        continue;
      }
      const path = join(dir, `layer${layer.index}.onnx`);
      await writeFile(path, bytes);
      const key = shapeKey(inputShapes);
      let empty = empties.get(key);
      if (!empty) {
        empty = join(dir, `empty${empties.size}.onnx`);
        await writeFile(empty, exportOnnx(emptyGraph(inputShapes)).bytes);
        empties.set(key, empty);
      }
      timed.push({ layer, path, empty });
    }
    const skipped = { small, runtimeOnly, overCap, notExported };
    if (!timed.length) return { times: [], overheadUs: NaN, emptyGraphs: 0, skipped, protocol: '' };
    const paths = [...timed.map((t) => t.path), ...empties.values()];
    if (paths.length > MAX_TIMED_MODELS_PER_JOB) throw new Error(`too many small graphs for one job (${paths.length})`);
    const index = new Map(paths.map((p, i) => [p, i]));
    const measured = await kernel.measure(
      {
        models: paths.map((modelPath) => ({ modelPath, fetches: [MARKER_OUTPUT] })),
        provider: options.provider,
        threads: options.threads,
        runs: options.runs,
        warmup: options.warmup,
        optimization: options.optimization,
        profile: false,
        warmTurn: true,
      },
      job,
    );
    const runsOf = (path: string) => measured.times[index.get(path) as number].runsMs;
    const times = timed.map(({ layer, path, empty }) => {
      const own = runsOf(path);
      const base = runsOf(empty);
      const paired = own.map((ms, r) => (ms - base[r]) * 1000);
      return { index: layer.index, us: Math.max(0, medianOf(paired)), runUs: medianOf(own) * 1000 };
    });
    const overheadUs = medianOf([...empties.values()].map((p) => medianOf(runsOf(p)) * 1000));
    return { times, overheadUs, emptyGraphs: empties.size, skipped, protocol: measured.protocol };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function medianOf(values: readonly number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The agreement figures over layers of at least `minUs` (profiled): median |isolated − profiled| ÷ profiled, and how many within `tolerance`. */
export function isolatedAgreement(
  pairs: readonly { readonly profiledUs: number; readonly isolatedUs: number }[],
  minUs = AGREEMENT_MIN_US,
  tolerance = AGREEMENT_TOLERANCE,
): { compared: number; medianAbsDifference: number; within: number } {
  const differences = pairs.filter((p) => p.profiledUs >= minUs).map((p) => Math.abs(p.isolatedUs - p.profiledUs) / p.profiledUs);
  return { compared: differences.length, medianAbsDifference: differences.length ? medianOf(differences) : NaN, within: differences.filter((d) => d <= tolerance).length };
}

/** A layer onnxruntime ran in its blocked layout (NCHWc): its nodes are named after the tensor with `_nchwc`. */
const blockedLayout = (layer: ProfiledLayer) => layer.runtime_nodes.some((n) => n.endsWith('_nchwc'));

/**
 * Which of the two times to trust for a layer where they differ by more than the tolerance, and
 * why; undefined where they agree.
 */
export function disagreementNote(layer: ProfiledLayer, isolatedUs: number, profiledUs: number, correctedCoverage: number | undefined, overheadUs: number): string | undefined {
  if (!(profiledUs > 0)) return undefined;
  const difference = (isolatedUs - profiledUs) / profiledUs;
  if (Math.abs(difference) <= AGREEMENT_TOLERANCE) return undefined;
  const by = `Alone ${isolatedUs.toFixed(1)} µs, in the model ${profiledUs.toFixed(1)} µs (${difference > 0 ? '+' : ''}${(100 * difference).toFixed(0)}%).`;
  if (difference > 0 && blockedLayout(layer)) {
    return `${by} In the model onnxruntime ran this layer in its blocked layout (NCHWc) with its neighbours, converting only at the ends of the chain; alone, its graph converts its input to that layout and its output back. Trust the profiled row for the time inside this model.`;
  }
  if (profiledUs < AGREEMENT_MIN_US && Math.abs(isolatedUs - profiledUs) < NOISE_US) {
    return `${by} A layer this small is within a few µs of per-call noise: the isolated time is the difference of two run() calls of about ${overheadUs.toFixed(0)} µs each. Trust the profiled row, to a few µs.`;
  }
  if (difference > 0) {
    return `${by} Alone the layer is a graph of its own, timed right after an untimed run of itself: each run allocates its output and starts and ends its work on the thread pool, which inside the model the layers around it share. Trust the profiled row for the time inside this model.`;
  }
  if (correctedCoverage !== undefined && correctedCoverage > 1.05) {
    return `${by} The profiled row likely still holds profiler cost: the model's corrected rows add up to ${(100 * correctedCoverage).toFixed(0)}% of its run without the profiler (kernels on the thread pool pay more than the calibration takes out). Trust the isolated time.`;
  }
  return `${by} The layer ran faster alone than inside the model: there its input or weights had been pushed out of cache by the layers around it, or onnxruntime fused it with a neighbour differently. Trust the profiled row for the time inside this model, the isolated one for the layer's own cost.`;
}

/** The profile with each timed layer's isolated time (and note) and the model's agreement figures. */
export function withIsolatedLayers(profile: ModelProfile, isolated: IsolatedLayers): ModelProfile {
  const byIndex = new Map(isolated.times.map((t) => [t.index, t]));
  const pairs: { profiledUs: number; isolatedUs: number; blocked: boolean }[] = [];
  const layers = profile.layers.map((layer, i) => {
    const t = byIndex.get(i);
    if (!t) return layer;
    const vs = layer.corrected_us !== undefined ? ('corrected_us' as const) : ('median_us' as const);
    const profiledUs = layer[vs] as number;
    pairs.push({ profiledUs, isolatedUs: t.us, blocked: blockedLayout(layer) });
    const note = disagreementNote(layer, t.us, profiledUs, profile.corrected_coverage, isolated.overheadUs);
    return { ...layer, isolated_us: t.us, isolated_vs: vs, ...(note ? { isolated_note: note } : {}) };
  });
  const agreement = isolatedAgreement(pairs);
  const sameLayout = isolatedAgreement(pairs.filter((p) => !p.blocked));
  const { skipped } = isolated;
  const left = [
    skipped.small ? `${skipped.small} under ${MIN_ISOLATED_US} µs` : '',
    skipped.runtimeOnly ? `${skipped.runtimeOnly} runtime-only (layout reorders, no IR node)` : '',
    skipped.overCap ? `${skipped.overCap} beyond the ${MAX_ISOLATED_LAYERS} slowest` : '',
    skipped.notExported.length ? `${skipped.notExported.length} that could not be exported alone` : '',
  ].filter(Boolean);
  return {
    ...profile,
    layers,
    isolated: {
      layers_timed: isolated.times.length,
      ...(left.length ? { layers_skipped: left.join(', ') } : {}),
      compared: agreement.compared,
      min_us: AGREEMENT_MIN_US,
      tolerance: AGREEMENT_TOLERANCE,
      median_abs_difference: agreement.medianAbsDifference,
      within_tolerance: agreement.within,
      same_layout: { compared: sameLayout.compared, median_abs_difference: sameLayout.medianAbsDifference, within_tolerance: sameLayout.within },
      overhead_us: isolated.overheadUs,
      method:
        `Each layer's nodes exported as a small graph of their own (the slice of the model's export, same weights) and timed without the profiler, ` +
        `all of them in one job with the profile's provider, threads and optimisation: ${isolated.protocol} ` +
        `Only a 1-element marker output is fetched, so the layer's outputs are computed but not copied back; each layer's time is, per round, its run less the run of a graph with the same inputs that does nothing ` +
        `(${isolated.emptyGraphs} such graph${isolated.emptyGraphs === 1 ? '' : 's'}, median ${isolated.overheadUs.toFixed(1)} µs: the fixed cost of a run() call), median over the rounds. ` +
        `Compared with each layer's profiled time less the profiler (corrected_us).`,
    },
  };
}

/** Times every profile's layers alone (lcnb's own exports only; .onnx files run as stored are left as they are). */
export async function crossCheckLayers(kernel: KernelClient, graph: Graph, profile: ModelProfile, options: MeasureSettings, job: ProfileJobOptions = {}): Promise<ModelProfile> {
  const provider = profile.settings.providerUsed;
  const isolated = await timeIsolatedLayers(kernel, graph, profile.layers, { ...options, provider }, job);
  return withIsolatedLayers(profile, isolated);
}
