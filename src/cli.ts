/**
 * The headless `lcnb` command. User mistakes end as one line on stderr and exit code 1; a
 * malformed command line exits 2 and adds that command's usage (src/cliArgs.ts); only an internal
 * fault prints a stack trace.
 */
import { existsSync, Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Command, COMMANDS, commandUsage, OptionSpec, parseCommand, usageHint, USAGE, UsageError } from './cliArgs';
import { closest, didYouMean } from './lang/suggest';
import { GraphError, UserError } from './core/errors';
import { readGraphJson } from './core/graphJson';
import { summaryText, textTable } from './core/report';
import { Graph } from './core/ir';
import { PublishedFigure, summarize } from './core/summary';
import { decodeNotebook, encodeNotebook, NotebookDocumentData, NotebookFormatError } from './notebook/format';
import { parseInputShape } from './onnx/reader';
import { readStoredModel } from './run/onnxFile';
import { buildHeaded, HeadedBuild, splitOf } from './run/headed';
import { publishedText } from './run/markdown';
import { Report, REPORT_MIME } from './run/report';
import { runNotebook } from './run/notebook';
import { DEFAULT_ACTIVATION_MEMORY_LIMIT_MB } from './run/guard';
import { measureGraph } from './run/measure';
import { writeFileAtomic } from './run/atomicWrite';
import { splitRows, timingNote } from './run/split';
import { describeExport, exportOnnx } from './onnx/writer';
import { formatSI } from './shared/format';
import { buildModelWithFigures, KnobValue, modelLabel, summarizeModel, zooModels } from './zoo';
import { heads } from './zoo/heads/index';
import { version } from '../package.json';
import { KernelClient, KernelError } from '../kernels/client';
import { profileText } from '../kernels/profileReport';
import { Optimization, OPTIMIZATION_LEVELS } from '../kernels/protocol';

/** `ratio=0.5` → ['ratio', 0.5]; values may be numbers, true/false, JSON lists or words. */
function parseKnob(text: string): [string, KnobValue] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--knob expects name=value, got '${text}'`);
  const name = text.slice(0, eq);
  const raw = text.slice(eq + 1).trim();
  if (raw === 'true' || raw === 'false') return [name, raw === 'true'];
  if (raw !== '' && Number.isFinite(Number(raw))) return [name, Number(raw)];
  if (raw.startsWith('[')) {
    try {
      return [name, JSON.parse(raw) as number[]];
    } catch {
      throw new UsageError(`--knob ${name}: '${raw}' is not a valid list (write e.g. [11,12])`);
    }
  }
  return [name, raw];
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer, got '${value}'`);
  return n;
}

/** --memory-limit-mb: the activation-memory guard's limit (src/run/guard.ts), in bytes. */
function memoryLimitBytes(value: string | undefined): number {
  return (positiveInt('memory-limit-mb', value) ?? DEFAULT_ACTIVATION_MEMORY_LIMIT_MB) * 2 ** 20;
}

function positiveNumber(name: string, value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new UsageError(`--${name} must be a positive number, got '${value}'`);
  return n;
}

/** Options every command that loads a model accepts. */
const MODEL_OPTIONS = {
  resolution: { type: 'string' },
  classes: { type: 'string' },
  batch: { type: 'string' },
  width: { type: 'string' },
  knob: { type: 'string', multiple: true },
  'input-shape': { type: 'string', multiple: true },
  head: { type: 'string' },
  'head-knob': { type: 'string', multiple: true },
} as const;

/** Every command's options, so a mistyped one is matched against its own command and the others. */
const OPTIONS = {
  summary: { ...MODEL_OPTIONS, json: { type: 'boolean', default: false }, static: { type: 'boolean', default: false } },
  export: { ...MODEL_OPTIONS, output: { type: 'string', short: 'o' }, form: { type: 'string', default: 'inference' }, seed: { type: 'string' } },
  profile: {
    ...MODEL_OPTIONS,
    threads: { type: 'string' },
    runs: { type: 'string' },
    warmup: { type: 'string' },
    provider: { type: 'string', default: 'cpu' },
    opt: { type: 'string' },
    json: { type: 'boolean', default: false },
    'memory-limit-mb': { type: 'string' },
    isolated: { type: 'boolean', default: false },
  },
  run: { out: { type: 'string', short: 'o' }, kernel: { type: 'string', default: 'cpu' }, 'memory-limit-mb': { type: 'string' } },
  list: { json: { type: 'boolean', default: false }, heads: { type: 'boolean', default: false } },
} as const satisfies Record<Command, Record<string, OptionSpec>>;

type ModelOptionValues = {
  resolution?: string;
  classes?: string;
  batch?: string;
  width?: string;
  knob?: string[];
  'input-shape'?: string[];
  head?: string;
  'head-knob'?: string[];
};

interface LoadedModel {
  graph: Graph;
  /** How the output names it: a zoo id with the options that differ from its defaults (modelLabel), else the graph's name. */
  label: string;
  /** The paper's figures, for zoo models in their published configuration. */
  published: PublishedFigure[];
  /** With --head: the head on this backbone, built as a detect or segment cell builds it. */
  headed?: HeadedBuild;
  /** What the reader of a file noted (a symbolic batch set to 1, int8 tensors, unresolved nodes). */
  notes?: readonly string[];
}

/** --input-shape, repeatable: `1,3,640,640` for the one data input, `NAME=1,3,640,640` for a named one. */
function cliInputShapes(given: readonly string[] | undefined): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const text of given ?? []) {
    let parsed: { name: string; shape: number[] };
    try {
      parsed = parseInputShape(text);
    } catch (e) {
      throw new UsageError(`--input-shape: ${(e as Error).message}`);
    }
    if (parsed.name in shapes) throw new UsageError(`--input-shape names ${parsed.name ? `input '${parsed.name}'` : 'the data input'} twice`);
    shapes[parsed.name] = parsed.shape;
  }
  return shapes;
}

/** Why a file could not be read or written, in words ("file not found", "permission denied"). */
function fileProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return code ?? (e as Error).message;
}

/** "file not found: m.onnx (looked in /home/me)": a relative path says where it was looked for. */
function notFound(path: string): UserError {
  return new UserError(`file not found: ${path}${isAbsolute(path) ? '' : ` (looked in ${process.cwd()})`}`);
}

async function statOf(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/** A model argument that names a file (or folder) that is not there, or a folder: said before anything is read. */
async function checkModelPath(target: string): Promise<void> {
  if (zooModels().some((m) => m.id === target)) return; // an id wins over a folder of that name
  const found = await statOf(target);
  if (found?.isDirectory()) throw new UserError(`${target} is a folder, not a model id, .onnx or graph .json file`);
  const looksLikePath = /\.(onnx|json)$/i.test(target) || /[\\/]/.test(target);
  if (!found && looksLikePath) throw notFound(target);
}

/** An output path whose folder is missing (or is a file), said before the work that would be lost. */
async function checkWritable(path: string): Promise<void> {
  const folder = dirname(path);
  const found = await statOf(folder);
  if (!found) throw new UserError(`cannot write ${path}: folder ${folder} does not exist`);
  if (!found.isDirectory()) throw new UserError(`cannot write ${path}: ${folder} is a file, not a folder`);
  if ((await statOf(path))?.isDirectory()) throw new UserError(`cannot write ${path}: it is a folder`);
}

/** What writing `path` failed with, in words. */
async function writeProblem(path: string, e: unknown): Promise<UserError> {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !(await statOf(dirname(path)))) return new UserError(`cannot write ${path}: folder ${dirname(path)} does not exist`);
  return new UserError(`cannot write ${path}: ${fileProblem(e)}`);
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

/** A zoo id, an .onnx file or a .json graph, with the options that apply to it. */
async function loadModel(target: string, values: ModelOptionValues, kernel?: () => KernelClient): Promise<LoadedModel> {
  if (values.head !== undefined) return loadHeaded(target, values);
  if (values['head-knob']) throw new UsageError('--head-knob applies with --head');
  const zooOptions = values.resolution || values.classes || values.batch || values.width || values.knob;
  if (/\.onnx$/i.test(target)) {
    if (zooOptions) throw new UsageError('--resolution, --classes, --batch, --width and --knob apply to zoo models; use --input-shape for an .onnx file');
    await checkModelPath(target);
    const model = await readStoredModel(target, cliInputShapes(values['input-shape']), kernel);
    return { graph: model.graph, label: model.graph.name, published: [], notes: model.notes };
  }
  if (values['input-shape']) throw new UsageError('--input-shape applies to .onnx files');
  if (/\.json$/i.test(target)) {
    if (zooOptions) throw new UsageError('--resolution, --classes, --batch, --width and --knob apply to zoo models; a graph file states its own');
    await checkModelPath(target);
    let text: string;
    try {
      text = await readFile(target, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(target);
      throw new UserError(`cannot read ${target}: ${fileProblem(e)}`);
    }
    const graph = readGraphJson(text, target);
    return { graph, label: graph.name, published: [] };
  }
  await checkModelPath(target);
  if (!zooModels().some((m) => m.id === target)) {
    if (/\.[a-z0-9]+$/i.test(target) || existsSync(target)) {
      throw new UserError(`${target}: unsupported file type (expected a zoo model id, an .onnx file or a .json graph)`);
    }
    throw unknownModel(target);
  }
  const request = {
    resolution: positiveInt('resolution', values.resolution),
    numClasses: positiveInt('classes', values.classes),
    batch: positiveInt('batch', values.batch),
    width: values.width === undefined ? undefined : positiveNumber('width', values.width),
    knobs: Object.fromEntries((values.knob ?? []).map(parseKnob)),
  };
  const { graph, published } = buildModelWithFigures(target, request);
  return { graph, label: modelLabel(target, request), published: [...published] };
}

/** A zoo backbone under a head (--head), with the same build as a detect or segment cell. */
async function loadHeaded(target: string, values: ModelOptionValues): Promise<LoadedModel> {
  if (/\.(onnx|json)$/i.test(target) || values['input-shape']) throw new UsageError('--head takes a zoo backbone id (not a file, nor --input-shape)');
  await checkModelPath(target);
  const headed = buildHeaded({
    head: values.head!,
    backbone: target,
    resolution: positiveInt('resolution', values.resolution),
    numClasses: positiveInt('classes', values.classes),
    batch: positiveInt('batch', values.batch),
    width: values.width === undefined ? undefined : positiveNumber('width', values.width),
    knobs: Object.fromEntries((values.knob ?? []).map(parseKnob)),
    headKnobs: Object.fromEntries((values['head-knob'] ?? []).map(parseKnob)),
  });
  return { graph: headed.graph, label: headed.label, published: [...headed.published], headed };
}

/** The backbone / neck / head split as text, under the summary or profile of a --head model. */
function splitText(headed: HeadedBuild, summary: ReturnType<typeof summarize>, profile?: Parameters<typeof splitOf>[3]): string {
  const split = splitOf(headed, headed.backboneLabel, summary, profile);
  const { header, rows } = splitRows(split);
  const h = headed.head;
  const out = [
    '',
    `${h.title} (${h.task === 'detect' ? 'detection' : 'segmentation'} head '${h.id}', ${h.paper}; counts match ${h.reference}) on ${headed.backboneLabel}, ${headed.resolution}×${headed.resolution}, ${headed.classes} classes`,
    `Feature maps the head reads: ${split.taps.map((t) => `stride ${t.stride} ${t.node} (${t.channels} channels)`).join(', ') || 'none'}`,
    '',
    'Split by the graph\'s top-level scopes (computed by lcnb' + (profile ? '; times measured here' : '') + '):',
    ...textTable(header, rows, new Set(header.map((_, i) => i).filter((i) => i > 0))).map((l) => `  ${l}`),
  ];
  const note = timingNote(split);
  if (note) out.push('', note);
  return out.join('\n') + '\n';
}

function splitJson(headed: HeadedBuild, summary: ReturnType<typeof summarize>, profile?: Parameters<typeof splitOf>[3]) {
  const split = splitOf(headed, headed.backboneLabel, summary, profile);
  const h = headed.head;
  return { head: { id: h.id, task: h.task, title: h.title, paper: h.paper, reference: h.reference }, taps: split.taps, parts: split.parts, ...(split.timing ? { timing: split.timing } : {}) };
}

/** JSON output: `label` beside `id` (the id stays the zoo id or the graph's name). */
function labelled<T extends { id: string }>(output: T, label: string): T & { label: string } {
  const { id, ...rest } = output;
  return { id, label, ...rest } as T & { label: string };
}

async function summaryCommand(args: string[]): Promise<string> {
  const { values, positionals } = parseCommand('summary', OPTIONS.summary, OPTIONS, (options) => parseArgs({ args, allowPositionals: true, options }));
  if (positionals.length !== 1) throw new UsageError('summary takes exactly one model id or file');
  // Shapes only a run can tell (a detector's post-processing) come from one onnxruntime run unless --static.
  let kernel: KernelClient | undefined;
  const needsRun = /\.onnx$/i.test(positionals[0]) && !values.static;
  let loaded: LoadedModel;
  try {
    loaded = await loadModel(positionals[0], values, needsRun ? () => (kernel ??= kernelClient()) : undefined);
  } finally {
    await kernel?.dispose();
  }
  const { graph, label, published, headed, notes } = loaded;
  const summary = summarize(graph, {}, published);
  const noted = notes?.length ? { notes: [...notes] } : {};
  if (values.json) return JSON.stringify(headed ? { ...labelled(summary, label), ...splitJson(headed, summary) } : { ...labelled(summary, label), ...noted }, null, 2) + '\n';
  return summaryText(summary, label, notes) + (headed ? splitText(headed, summary) : '');
}

async function exportCommand(args: string[]): Promise<string> {
  const { values, positionals } = parseCommand('export', OPTIONS.export, OPTIONS, (options) => parseArgs({ args, allowPositionals: true, options }));
  if (positionals.length !== 1) throw new UsageError('export takes exactly one model id or graph file');
  if (!values.output) throw new UsageError('export needs -o <file.onnx>');
  if (values.form !== 'inference' && values.form !== 'training') throw new UsageError(`--form must be inference or training, got '${values.form}'`);
  await checkWritable(values.output);
  const { graph } = await loadModel(positionals[0], values);
  const seed = values.seed === undefined ? 0 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got '${values.seed}'`);
  const exported = exportOnnx(graph, { form: values.form, seed });
  try {
    await writeFileAtomic(values.output, exported.bytes);
  } catch (e) {
    throw await writeProblem(values.output, e);
  }
  return `wrote ${values.output} (${describeExport(exported)})\n`;
}

/** The kernel process: the bundled dist/kernel.js, or kernels/main.ts under tsx when run from source. */
function kernelClient(): KernelClient {
  const bundled = join(__dirname, 'kernel.js');
  if (existsSync(bundled)) return new KernelClient(bundled);
  return new KernelClient(join(__dirname, '..', 'kernels', 'main.ts'), { execArgv: ['--import', 'tsx'] });
}

async function profileCommand(args: string[], err: NodeJS.WritableStream): Promise<string> {
  const { values, positionals } = parseCommand('profile', OPTIONS.profile, OPTIONS, (options) => parseArgs({ args, allowPositionals: true, options }));
  if (positionals.length !== 1) throw new UsageError('profile takes exactly one model id or file');
  const optimization = values.opt as Optimization | undefined;
  if (optimization !== undefined && !OPTIMIZATION_LEVELS.includes(optimization)) throw new UsageError(`--opt must be one of ${OPTIMIZATION_LEVELS.join(', ')}, got '${values.opt}'`);
  const warmup = values.warmup === undefined ? undefined : Number(values.warmup);
  if (warmup !== undefined && (!Number.isInteger(warmup) || warmup < 0)) throw new UsageError(`--warmup must be a non-negative integer, got '${values.warmup}'`);
  const { graph, label, published, headed } = await loadModel(positionals[0], values);
  const memoryLimit = memoryLimitBytes(values['memory-limit-mb']);
  return withKernel(true, async (kernel, signal) => {
    try {
      const profile = await measureGraph(
        kernel as KernelClient,
        { graph, ...(/\.onnx$/i.test(positionals[0]) ? { onnxFile: resolve(positionals[0]) } : {}) },
        { provider: values.provider, threads: positiveInt('threads', values.threads), runs: positiveInt('runs', values.runs), warmup, optimization, isolated: values.isolated },
        { where: positionals[0], memoryLimitBytes: memoryLimit, signal, onProgress: values.json ? undefined : (p) => p.done === 0 && err.write(`lcnb: ${p.phase}…\n`) },
      );
      if (profile.settings.fallbackReason) err.write(`lcnb: ${profile.settings.fallbackReason}\n`);
      // The text's header names the model by its label; the JSON keeps the id and adds the label.
      const shown = { ...profile, id: label };
      if (!headed) return values.json ? JSON.stringify(labelled(profile, label), null, 2) + '\n' : profileText(shown);
      const summary = summarize(graph, {}, published);
      if (values.json) return JSON.stringify({ ...labelled(profile, label), ...splitJson(headed, summary, profile), published }, null, 2) + '\n';
      const paper = published.length ? `\nPublished for this pair (not measured here):\n${published.map((p) => `  ${publishedText(p)} — ${p.source}`).join('\n')}\n` : '';
      return profileText(shown) + splitText(headed, summary, profile) + paper;
    } catch (e) {
      if (e instanceof KernelError) throw new UserError(e.message);
      throw e;
    }
  });
}

/**
 * Runs `body` with a kernel process (when `wanted`) and an abort signal that Ctrl-C fires; the
 * kernel is disposed however `body` ends.
 */
async function withKernel<T>(wanted: boolean, body: (kernel: KernelClient | undefined, signal: AbortSignal) => Promise<T>): Promise<T> {
  const kernel = wanted ? kernelClient() : undefined;
  const abort = new AbortController();
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  try {
    return await body(kernel, abort.signal);
  } finally {
    process.off('SIGINT', interrupt);
    await kernel?.dispose();
  }
}

async function runCommand(args: string[], err: NodeJS.WritableStream): Promise<string> {
  const { values, positionals } = parseCommand('run', OPTIONS.run, OPTIONS, (options) => parseArgs({ args, allowPositionals: true, options }));
  if (positionals.length !== 1) throw new UsageError('run takes exactly one .lcnb notebook');
  const path = resolve(positionals[0]);
  if ((await statOf(path))?.isDirectory()) throw new UserError(`${positionals[0]} is a folder, not an .lcnb notebook`);
  if (values.out) await checkWritable(values.out);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(positionals[0]);
    throw new UserError(`cannot read ${positionals[0]}: ${fileProblem(e)}`);
  }
  let data;
  try {
    data = decodeNotebook(bytes, positionals[0]);
  } catch (e) {
    if (e instanceof NotebookFormatError) throw new UserError(e.message);
    throw e;
  }
  return withKernel(values.kernel !== 'static', async (kernel, signal) => {
    const result = await runNotebook(
      data,
      { kernel, provider: values.kernel === 'static' ? 'cpu' : values.kernel, baseDir: dirname(path), signal, activationMemoryLimitBytes: memoryLimitBytes(values['memory-limit-mb']) },
      (cell, ms) => err.write(`lcnb: cell ${cell} done in ${ms} ms\n`),
    );
    if (values.out) {
      try {
        await writeFileAtomic(values.out, encodeNotebook(result.data));
      } catch (e) {
        throw await writeProblem(values.out, e);
      }
    }
    for (const line of providerFallbackLines(result.data)) err.write(line);
    if (result.failure) throw new UserError(`${positionals[0]}: cell ${result.failure.cell} failed: ${result.failure.message}`);
    return `ran ${result.executed} code cell${result.executed === 1 ? '' : 's'} of ${positionals[0]}${values.out ? `, wrote ${values.out}` : ''}\n`;
  });
}

/**
 * Stderr lines for cells that asked for a provider that could not start and ran on cpu instead,
 * one line per reason: "lcnb: cells 2, 3: gpu could not start: …; ran on cpu instead".
 */
function providerFallbackLines(data: NotebookDocumentData): string[] {
  const cellsByReason = new Map<string, number[]>();
  data.cells.forEach((cell, i) => {
    for (const output of cell.outputs ?? []) {
      const item = output.items.find((it) => it.mime === REPORT_MIME);
      if (!item) continue;
      const report = JSON.parse(new TextDecoder().decode(item.data)) as Report;
      for (const model of report.models) {
        const reason = model.profile?.settings.fallbackReason;
        if (!reason) continue;
        const cells = cellsByReason.get(reason) ?? [];
        if (!cells.includes(i + 1)) cells.push(i + 1);
        cellsByReason.set(reason, cells);
      }
    }
  });
  return [...cellsByReason].map(([reason, cells]) => `lcnb: ${cells.length === 1 ? 'cell' : 'cells'} ${cells.join(', ')}: ${reason}\n`);
}

function listHeads(json: boolean): string {
  const all = heads();
  if (json) {
    return JSON.stringify(all.map((h) => ({ id: h.id, task: h.task, title: h.title, paper: h.paper, reference: h.reference, strides: h.strides, output_stride: h.outputStride ?? 32, resolution: h.defaultResolution, classes: h.defaultClasses, reference_backbone: h.referenceBackbone, knobs: h.knobs })), null, 2) + '\n';
  }
  const rows = all.map((h) => [h.id, h.task, h.title, h.strides.join(', '), `${h.defaultResolution}`, `${h.defaultClasses}`, h.referenceBackbone.id, h.reference]);
  return [
    "Heads for detect: and segment: cells and 'lcnb summary|profile <backbone> --head <id>'. Counts match the reference on its own backbone.",
    '',
    ...textTable(['id', 'task', 'title', 'strides read', 'input', 'classes', 'reference backbone', 'reference'], rows, new Set([4, 5])),
  ].join('\n') + '\n';
}

/**
 * Published top-1 figures as their sources state them, aligned on the decimal point. A figure is
 * stored as a number, so a source's trailing zero is lost (the ShuffleNet paper's 45.0 is 45);
 * a source states every figure at one precision, so each gets the most decimals of its source's.
 */
function alignedTop1(figures: readonly (PublishedFigure | undefined)[]): string[] {
  const decimalsOf = (value: number) => (String(value).split('.')[1] ?? '').length;
  const sourceDecimals = new Map<string, number>();
  for (const f of figures) if (f) sourceDecimals.set(f.source, Math.max(sourceDecimals.get(f.source) ?? 0, decimalsOf(f.value)));
  const texts = figures.map((f) => (f ? f.value.toFixed(sourceDecimals.get(f.source)) : undefined));
  const fraction = Math.max(0, ...texts.map((t) => (t?.includes('.') ? t.length - t.indexOf('.') : 0)));
  return texts.map((t) => {
    if (t === undefined) return '—'.padEnd(1 + fraction);
    return t.padEnd(t.length + fraction - (t.includes('.') ? t.length - t.indexOf('.') : 0));
  });
}

function listCommand(args: string[]): string {
  const { values } = parseCommand('list', OPTIONS.list, OPTIONS, (options) => parseArgs({ args, options }));
  if (values.heads) return listHeads(values.json);
  const models = zooModels();
  if (values.json) {
    const ablations = (m: (typeof models)[number]) => (m.publishedVariants ? { published_variants: m.publishedVariants } : {});
    return JSON.stringify(models.map((m) => ({ id: m.id, family: m.family, width: m.width, knobs: m.knobs, published: m.published, ...ablations(m) })), null, 2) + '\n';
  }
  const top1s = models.map((m) => m.published.find((p) => p.metric === 'top1'));
  const top1Texts = alignedTop1(top1s);
  const rows = models.map((m, i) => {
    const { totals } = summarizeModel(m.id);
    return [m.id, m.family, formatSI(totals.params), formatSI(totals.madds), top1Texts[i], m.knobs.map((k) => k.name).join(', ') || '—'];
  });
  return [
    'params and MAdds: computed by lcnb at 224×224, 1000 classes. top-1: published, with the decimals its source gives (sources in `lcnb summary <id>` and `lcnb list --json`).',
    '',
    ...textTable(['id', 'family', 'params', 'MAdds', 'top-1 % (published)', 'knobs'], rows, new Set([2, 3, 4])),
  ].join('\n') + '\n';
}

/** `lcnb <command> --help` (or -h) before any `--`: that command's usage instead of running it. */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

const isCommand = (word: string | undefined): word is Command => (COMMANDS as readonly (string | undefined)[]).includes(word);

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (isCommand(command) && asksForHelp(rest)) {
      out.write(commandUsage(command) + '\n');
      return 0;
    }
    switch (command) {
      case 'summary':
        out.write(await summaryCommand(rest));
        return 0;
      case 'export':
        out.write(await exportCommand(rest));
        return 0;
      case 'profile':
        out.write(await profileCommand(rest, err));
        return 0;
      case 'run':
        out.write(await runCommand(rest, err));
        return 0;
      case 'list':
        out.write(listCommand(rest));
        return 0;
      case '--version':
      case '-v':
        out.write(`lcnb ${version}\n`);
        return 0;
      case 'help':
        out.write((isCommand(rest[0]) ? commandUsage(rest[0]) : USAGE) + '\n');
        return 0;
      case undefined:
      case '--help':
      case '-h':
        out.write(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'${didYouMean(command, COMMANDS)}`);
    }
  } catch (e) {
    if (e instanceof UserError || e instanceof GraphError) {
      err.write(`lcnb: ${e.message}\n`);
      return 1;
    }
    if (e instanceof UsageError) {
      err.write(`lcnb: ${e.message}\n${usageHint(e.command ?? (isCommand(command) ? command : undefined))}\n`);
      return 2;
    }
    err.write(`lcnb: internal error (please report): ${(e as Error).stack ?? e}\n`);
    return 70;
  }
}
