/**
 * Runs one cell: parses it, builds what it names, measures it when a device kernel is given, and
 * returns its report with the markdown fallback. The notebook controllers and `lcnb run` share it.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GraphError, UserError, isUserFacing } from '../core/errors';
import { Graph } from '../core/ir';
import { PublishedFigure, summarize } from '../core/summary';
import { backboneLabel, buildNetwork, buildRequest, Cell, CellError, checkCell, DeviceChoice, entryName, HeadedCell, headedRequest, ModelRef, NetworkCells, NetworkRef, ProfileSettings, resolveCellPath, resolveNetworkRef, sweepPoints } from '../lang';
import { checkClaim, SPREAD_RULE } from './claims';
import { InputShapeNeeded, shapeTemplate } from '../onnx/reader';
import { formatShape } from '../shared/format';
import { describeExport, exportOnnx } from '../onnx/writer';
import { writeFileAtomic } from '../files/atomicWrite';
import { HeadedSource, loadModel, LoadedModel, ModelSource } from './loader';
import { BuildRequest, modelLabel } from '../zoo';
import { KernelClient, KernelError } from '../../kernels/host/client';
import { busyCompareNote, ModelProfile, MeasureSettings } from '../../kernels/host/profileGraph';
import { compareTimes } from './comparison';
import { HeadedBuild, headedSection, splitOf } from './headed';
import { reportMarkdown } from './markdown';
import { checkActivationMemory, DEFAULT_ACTIVATION_MEMORY_LIMIT_BYTES } from './guard';
import { Measured, measureGraphs, MeasureOptions } from './measure';
import { modelReport, report } from './buildReport';
import { findDevice } from '../core/devices';
import { Device } from '../core/predict';
import { PREDICTION_NOTE, predictionOf } from './prediction';
import { BackboneSplit, ModelReport, Report, SweepPoint, TimeComparison } from './reportTypes';

export interface ExecutionContext {
  /** The device kernel; absent when the notebook runs static analysis only. */
  readonly kernel?: KernelClient;
  /** Provider a cell measures with when it names none. */
  readonly provider: string;
  /** Measurement settings a cell that names none takes (the extension's settings); else MEASURE_DEFAULTS. */
  readonly defaults?: Partial<Pick<MeasureSettings, 'threads' | 'runs' | 'warmup' | 'optimization'>>;
  /** Folder that relative paths (.onnx files, export paths) resolve against: the notebook's. */
  readonly baseDir: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (what: string) => void;
  /** A graph whose activations need more is refused before it is exported or loaded (default 4096 MiB). */
  readonly activationMemoryLimitBytes?: number;
  /** The notebook's network cells, which compare entries name (`- network: <name>`); none outside a notebook. */
  readonly networks?: NetworkCells;
}

export interface CellOutcome {
  readonly report: Report;
  readonly markdown: string;
}

/** A cell that could not run: the message says where (line, column) when it is about the cell's text. */
export class CellFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CellFailure';
  }
}

/** The cell's settings, else the context's defaults; measureGraphs fills in the rest. */
function profileOptions(settings: ProfileSettings | undefined, ctx: ExecutionContext): MeasureOptions {
  return {
    provider: settings?.provider ?? ctx.provider,
    threads: settings?.threads ?? ctx.defaults?.threads,
    runs: settings?.runs ?? ctx.defaults?.runs,
    warmup: settings?.warmup ?? ctx.defaults?.warmup,
    optimization: settings?.opt ?? ctx.defaults?.optimization,
    isolated: settings?.isolated,
  };
}

/** A path a cell wrote, resolved against the notebook's folder (an absolute path stays as it is). */
function cellPath(ctx: ExecutionContext, written: string): string {
  return resolveCellPath(ctx.baseDir, written);
}

interface BuiltModel {
  readonly graph: Graph;
  /** How the report names it: modelLabel for a zoo model, the path as written for a file. */
  readonly label: string;
  readonly published: readonly PublishedFigure[];
  /** The .onnx file the graph was read from: profiled as stored, not re-exported. */
  readonly file?: string;
  /** Where the graph came from, for the report's notes. */
  readonly note?: string;
}

/** A loaded model; the loader's errors become the cell's, at `range`. */
async function loadAt(source: HeadedSource, range: ModelRef['range']): Promise<LoadedModel & { readonly headed: HeadedBuild }>;
async function loadAt(source: ModelSource, range: ModelRef['range']): Promise<LoadedModel>;
async function loadAt(source: ModelSource, range: ModelRef['range']): Promise<LoadedModel> {
  try {
    return await loadModel(source);
  } catch (e) {
    if (isUserFacing(e)) throw new CellError(e.message, range);
    throw e;
  }
}

/** A zoo model built with its options, or an .onnx file read from disk. */
async function buildModelRef(model: ModelRef, ctx: ExecutionContext): Promise<BuiltModel> {
  if (!model.file) return buildZoo(model);
  const path = cellPath(ctx, model.id);
  try {
    // Named as the cell names it: a compare of two PyTorch exports would otherwise show 'torch_jit' twice.
    const { graph, stored: read } = await loadModel({ onnx: path, inputShapes: model.inputShapes, kernel: ctx.kernel, signal: ctx.signal, name: model.id });
    const shapes = read.inputs.map((i) => `${i.name} ${formatShape(i.shape)}`).join(', ');
    const note = [`Read ${path} as stored (producer: ${read.producer || 'not stated'}, opset ${read.opset}; input ${shapes}).`, ...read.notes].join(' ');
    return { graph, label: model.id, published: [], file: path, note };
  } catch (e) {
    const known = isUserFacing(e);
    const hint = e instanceof InputShapeNeeded && !model.inputShapes && e.inputs.length === 1 ? ` (write it as input: [${shapeTemplate(e.inputs[0].dims).join(', ')}] with numbers for the names in this cell)` : '';
    const range = e instanceof InputShapeNeeded && model.ranges.input ? model.ranges.input : model.range;
    throw new CellError(known ? `${(e as Error).message}${hint}` : `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, range);
  }
}

/** A network written layer by layer: named by the cell, no published figures. */
function networkModel(graph: Graph): BuiltModel {
  return { graph, label: graph.name, published: [] };
}

/** A compare entry naming a network cell of the notebook; that cell's build error is reported at the entry, saying where. */
function networkEntry(ref: NetworkRef, ctx: ExecutionContext): BuiltModel {
  const spec = resolveNetworkRef(ref, ctx.networks);
  try {
    return networkModel(buildNetwork(spec).graph);
  } catch (e) {
    if (e instanceof CellError) throw new CellError(`network cell '${ref.name}', ${e.message}`, ref.range);
    throw e;
  }
}

function buildZoo(model: ModelRef, request: BuildRequest = buildRequest(model)): Promise<BuiltModel> {
  return loadAt({ zoo: model.id, request }, model.range);
}

/** Sweep points loaded together at most: each point holds two sessions while the job runs. */
const SWEEP_POINTS_PER_JOB = 16;

/**
 * Measures several models together in the kernel (see measureGraphs), each job's progress named
 * by its model or its number of models; none without a kernel.
 */
async function measureTogether(models: readonly BuiltModel[], settings: ProfileSettings | undefined, ctx: ExecutionContext, perJob?: number): Promise<Measured | undefined> {
  if (!ctx.kernel) return undefined;
  return measureGraphs(ctx.kernel, models.map((m) => ({ graph: m.graph, label: m.label, ...(m.file ? { onnxFile: m.file } : {}) })), profileOptions(settings, ctx), {
    where: 'not measured',
    memoryLimitBytes: ctx.activationMemoryLimitBytes,
    perJob,
    signal: ctx.signal,
    onProgress: (p, chunk) => p.done === 0 && ctx.onProgress?.(`${chunk.length === 1 ? chunk[0].label : `${chunk.length} models in turn`}: ${p.phase}`),
  });
}

/** One model measured: its profiled and unprofiled sessions run in turn. */
async function measureOne(model: BuiltModel, settings: ProfileSettings | undefined, ctx: ExecutionContext): Promise<ModelProfile | undefined> {
  return (await measureTogether([model], settings, ctx))?.profiles[0];
}

/** The latency ratios of models measured together, against the first; none for one model or separate jobs. */
function comparisonOf(built: readonly BuiltModel[], measured: Measured | undefined): TimeComparison | undefined {
  if (!measured?.protocol || built.length < 2) return undefined;
  const busy = measured.profiles[0] && busyCompareNote(measured.profiles[0].settings);
  return compareTimes(built.map((b) => b.label), measured.runsMs, busy ? `${measured.protocol} ${busy}` : measured.protocol);
}

/** Notes of the models read from files, after the cell's own. */
function withFileNotes(notes: readonly string[], built: readonly BuiltModel[]): string[] {
  return [...notes, ...built.flatMap((b) => (b.note ? [b.note] : []))];
}

async function buildBackbone(cell: HeadedCell, backbone: ModelRef): Promise<HeadedBuild> {
  return (await loadAt({ headed: headedRequest(cell, backbone) }, backbone.range)).headed;
}

/** A detect or segment cell: every backbone under the head, each split backbone / neck / head. */
async function runHeaded(cell: HeadedCell, ctx: ExecutionContext, measuring: boolean, notes: string[]): Promise<Report> {
  const builds: HeadedBuild[] = [];
  for (const backbone of cell.backbones) builds.push(await buildBackbone(cell, backbone));
  const first = builds[0];
  const asModels = builds.map((b) => ({ graph: b.graph, label: b.label, published: b.published }));
  const measured = measuring ? await measureTogether(asModels, cell.profile || undefined, ctx) : undefined;
  const models: ModelReport[] = [];
  const splits: BackboneSplit[] = [];
  builds.forEach((built, i) => {
    // The model is the whole detector ('ssdlite/<backbone> (…)'); its split row names the backbone alone.
    const profile = measured?.profiles[i];
    const model = modelReport(built.graph, built.published, profile, built.label);
    models.push(model);
    splits.push(splitOf(built, built.backboneLabel, model.summary, profile));
  });
  const head = first.head;
  const title = `${head.title}: ${cell.backbones.map(backboneLabel).join(', ')}`;
  const comparison = comparisonOf(asModels, measured);
  return report(cell.verb, title, models, { headed: headedSection(head, first.resolution, first.classes, splits), notes, ...(comparison ? { comparison } : {}) });
}

/** The devices of a cell's `predict:` (parseCell has checked the ids); none without one. */
function devicesOf(choices: readonly DeviceChoice[] | undefined): Device[] {
  return (choices ?? []).map((c) => {
    const device = findDevice(c.id);
    if (!device) throw new CellError(`unknown device '${c.id}'`, c.range);
    return device;
  });
}

/** `model` with its latency predicted on `devices` (unchanged for none). */
function predicted(model: ModelReport, graph: Graph, devices: readonly Device[]): ModelReport {
  return devices.length ? { ...model, prediction: predictionOf(graph, devices) } : model;
}

const STATIC_NOTE = 'Static analysis: counted, not measured. Pick an "ONNX Runtime" kernel to measure latency on this machine.';

async function run(cell: Cell, ctx: ExecutionContext): Promise<Report> {
  const measuring = (settings: ProfileSettings | false | undefined) => settings !== false && !!ctx.kernel;
  const notes = ctx.kernel ? [] : [STATIC_NOTE];
  switch (cell.verb) {
    case 'model': {
      const built = await buildModelRef(cell.model, ctx);
      const profile = measuring(cell.profile) ? await measureOne(built, cell.profile || undefined, ctx) : undefined;
      const devices = devicesOf(cell.predict);
      const model = predicted(modelReport(built.graph, built.published, profile, built.label), built.graph, devices);
      return report('model', built.label, [model], { notes: withFileNotes([...notes, ...(devices.length ? [PREDICTION_NOTE] : [])], [built]) });
    }
    case 'network': {
      const { graph } = buildNetwork(cell);
      const profile = measuring(cell.profile) ? await measureOne(networkModel(graph), cell.profile || undefined, ctx) : undefined;
      const devices = devicesOf(cell.predict);
      return report('network', cell.network.name, [predicted(modelReport(graph, [], profile), graph, devices)], { notes: [...notes, ...(devices.length ? [PREDICTION_NOTE] : [])] });
    }
    case 'compare': {
      const built: BuiltModel[] = [];
      for (const entry of cell.entries) built.push(entry.kind === 'model' ? await buildModelRef(entry.model, ctx) : networkEntry(entry.network, ctx));
      const measured = measuring(cell.profile) ? await measureTogether(built, cell.profile || undefined, ctx) : undefined;
      const devices = devicesOf(cell.predict);
      const models = built.map((one, i) => predicted(modelReport(one.graph, one.published, measured?.profiles[i], one.label), one.graph, devices));
      const runs = new Map(cell.entries.flatMap((entry, i) => (measured ? [[entryName(entry), measured.runsMs[i]] as const] : [])));
      const claims = cell.claims.map((c) => checkClaim(c, runs));
      const claimNotes = [...(claims.length ? [`Claims: ${SPREAD_RULE}.`] : []), ...(devices.length ? [PREDICTION_NOTE] : [])];
      const comparison = comparisonOf(built, measured);
      return report('compare', `compare: ${built.map((b) => b.label).join(', ')}`, models, { notes: withFileNotes([...notes, ...claimNotes], built), claims, ...(comparison ? { comparison } : {}) });
    }
    case 'profile': {
      const target: BuiltModel = cell.target.kind === 'model' ? await buildModelRef(cell.target.model, ctx) : networkModel(buildNetwork(cell).graph);
      const profile = await measureOne(target, cell.settings, ctx);
      return report('profile', target.label, [modelReport(target.graph, target.published, profile, target.label)], { notes: withFileNotes(notes, [target]) });
    }
    case 'detect':
    case 'segment':
      return runHeaded(cell, ctx, measuring(cell.profile), notes);
    case 'sweep': {
      const grid: { point: ReturnType<typeof sweepPoints>[number]; built: BuiltModel }[] = [];
      for (const point of sweepPoints(cell)) grid.push({ point, built: await buildZoo(cell.model, point.request) });
      const measured = cell.profile && ctx.kernel ? await measureTogether(grid.map((g) => g.built), cell.profile, ctx, SWEEP_POINTS_PER_JOB) : undefined;
      const points: SweepPoint[] = grid.map(({ point, built }, i) => {
        const totals = summarize(built.graph).totals;
        return { settings: point.settings, params: totals.params, madds: totals.madds, flops: totals.flops, mac_bytes: totals.mac_bytes, median_ms: measured?.profiles[i].latency.median_ms };
      });
      const sweepNotes = cell.profile && !ctx.kernel ? [STATIC_NOTE] : [];
      return report('sweep', `sweep: ${modelLabel(cell.model.id, buildRequest(cell.model), cell.model.id, { withForm: !cell.axes.some((a) => a.kind === 'form') })}`, [], { sweep: { model: cell.model.id, axes: cell.axes.map((a) => a.name), points }, notes: sweepNotes });
    }
    case 'export': {
      const { graph, published, label } = await buildZoo(cell.model);
      const path = cellPath(ctx, cell.path);
      checkActivationMemory(graph, ctx.activationMemoryLimitBytes ?? DEFAULT_ACTIVATION_MEMORY_LIMIT_BYTES, 'not exported');
      const exported = exportOnnx(graph, { form: cell.form, seed: cell.seed });
      try {
        await mkdir(dirname(path), { recursive: true });
        await writeFileAtomic(path, exported.bytes);
      } catch (e) {
        throw new CellError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, cell.pathRange);
      }
      const note = `Wrote ${path} (${describeExport(exported)}).`;
      return report('export', label, [modelReport(graph, published, undefined, label)], { notes: [note] });
    }
  }
}

export async function executeCell(text: string, ctx: ExecutionContext): Promise<CellOutcome> {
  const parsed = checkCell(text);
  const error = parsed.diagnostics.find((d) => d.severity === 'error');
  if (error || !parsed.cell) {
    const d = error ?? parsed.diagnostics[0];
    throw new CellFailure(d ? `line ${d.range.start.line + 1}, column ${d.range.start.character + 1}: ${d.message}` : 'empty cell');
  }
  try {
    const r = await run(parsed.cell, ctx);
    return { report: r, markdown: reportMarkdown(r) };
  } catch (e) {
    if (e instanceof CellError || e instanceof UserError || e instanceof GraphError || e instanceof KernelError) throw new CellFailure(e.message);
    throw e;
  }
}
