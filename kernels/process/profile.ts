/**
 * The profile job: load a model into onnxruntime with profiling on, discard warm-up runs, time N
 * runs, and read per-node kernel times from onnxruntime's own trace (see trace.ts for how the timed
 * runs are told apart, optimizedGraph.ts for how onnxruntime names nodes at each optimisation level).
 *
 * The Node binding writes the trace only when the session is released (`endProfiling()` returns
 * nothing), as `<profileFilePrefix>_<date>.json`; the optimised graph is saved through
 * `optimizedModelFilePath` while the session is created. Both live in a per-job temporary folder
 * that is removed afterwards.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchProfiledNodes, OptimizedGraph, readOptimizedGraph } from './optimizedGraph';
import type { MeasureRequest, MeasureResult, NodeProfile, ProfilePhase, ProfileRequest, ProfileResult, ProfilerCost, WallTimes } from '../protocol';
import { OPTIMIZATION_LEVELS } from '../../src/shared/measureSettings';
import { IN_TURN_SPIN_US, MAX_MODELS_PER_JOB, MAX_TIMED_MODELS_PER_JOB, OTHER_WORK_CORES } from '../protocol';
import { EmptyRunInput, emptyRunModel } from './emptyRun';
import { ProfilerCalibration } from './profilerCost';
import { baseSessionOptions, chooseProvider, condenseOrtError, ProviderChoice, Spinning, workerAffinities } from './providers';
import { otherWorkCores } from './otherWork';
import { ort, ortVersion, Session, SessionOptions } from './runtime';
import { median, quantile, seededRandom } from '../stats';
import { readTraceFile, summarizeTrace } from './trace';

export type ProgressSink = (phase: ProfilePhase, done: number, total: number) => void;

/** Thrown for a request lcnb cannot carry out; its message is shown to the user as is. */
export class JobError extends Error {}

export const INPUT_FILL = 'deterministic pseudo-random values in [-1, 1) (LCG seeded per input), integers and booleans 0';

function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new JobError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function checkProfileRequest(req: ProfileRequest): void {
  if (typeof req.modelPath !== 'string' || !req.modelPath) throw new JobError('no model path given');
  checkInteger('threads', req.threads, 1, 1024);
  checkInteger('runs', req.runs, 1, 100_000);
  checkInteger('warmup', req.warmup, 0, 100_000);
  if (req.baselineRuns !== undefined) checkInteger('baselineRuns', req.baselineRuns, 0, 100_000);
  if (!OPTIMIZATION_LEVELS.includes(req.optimization)) {
    throw new JobError(`optimization must be one of ${OPTIMIZATION_LEVELS.join(', ')}, got ${JSON.stringify(req.optimization)}`);
  }
  if (typeof req.provider !== 'string') throw new JobError('provider must be a name such as cpu or cuda');
  let size: number;
  try {
    const stat = statSync(req.modelPath);
    if (!stat.isFile()) throw new JobError(`'${req.modelPath}' is not a file`);
    size = stat.size;
  } catch (e) {
    if (e instanceof JobError) throw e;
    throw new JobError(`cannot read the model file '${req.modelPath}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (e as Error).message}`);
  }
  if (size === 0) throw new JobError(`the model file '${req.modelPath}' is empty`);
}

/** A fixed pseudo-random sequence in [-1, 1): the same inputs on every run and every machine. */
export function seededFloats(count: number, seed: number): Float32Array {
  const values = new Float32Array(count);
  let state = (seed >>> 0) || 1;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }
  return values;
}

function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

type OrtTensor = import('onnxruntime-node').Tensor;

export function makeTensor(name: string, type: string, shape: number[]): OrtTensor {
  const { Tensor } = ort();
  const count = shape.reduce((a, b) => a * b, 1);
  switch (type) {
    case 'float32':
      return new Tensor('float32', seededFloats(count, hashName(name)), shape);
    case 'float64':
      return new Tensor('float64', Float64Array.from(seededFloats(count, hashName(name))), shape);
    case 'int64':
      return new Tensor('int64', new BigInt64Array(count), shape);
    case 'int32':
      return new Tensor('int32', new Int32Array(count), shape);
    case 'int8':
      return new Tensor('int8', new Int8Array(count), shape);
    case 'uint8':
      return new Tensor('uint8', new Uint8Array(count), shape);
    case 'bool':
      return new Tensor('bool', new Uint8Array(count), shape);
    default:
      throw new JobError(`input '${name}' has element type ${type}, which lcnb cannot fill yet (float32, float64, int8/32/64, uint8 and bool can be)`);
  }
}

/** Input shapes: as requested, else as declared (a symbolic leading dimension becomes 1). */
export function resolveInputShapes(
  declared: readonly { name: string; shape: readonly (number | string)[] }[],
  requested: Readonly<Record<string, readonly number[]>> = {},
): Record<string, number[]> {
  const names = declared.map((d) => d.name);
  for (const name of Object.keys(requested)) {
    if (!names.includes(name)) throw new JobError(`the model has no input '${name}' (its inputs: ${names.join(', ')})`);
  }
  const shapes: Record<string, number[]> = {};
  for (const { name, shape } of declared) {
    const given = requested[name];
    if (given) {
      if (!Array.isArray(given) || given.some((d) => !Number.isInteger(d) || d <= 0)) {
        throw new JobError(`the shape given for input '${name}' must be a list of positive integers, got ${JSON.stringify(given)}`);
      }
      if (shape.length && given.length !== shape.length) {
        throw new JobError(`input '${name}' has rank ${shape.length} ([${shape.join(', ')}]), but the shape given has rank ${given.length}`);
      }
      shape.forEach((d, i) => {
        if (typeof d === 'number' && d > 0 && d !== given[i]) {
          throw new JobError(`input '${name}' is declared [${shape.join(', ')}]; dimension ${i} is fixed at ${d}, the shape given says ${given[i]}`);
        }
      });
      shapes[name] = [...given];
      continue;
    }
    shapes[name] = shape.map((d, i) => {
      if (typeof d === 'number' && d > 0) return d;
      if (i === 0) return 1;
      throw new JobError(`input '${name}' is declared [${shape.join(', ')}]: dimension ${i} ('${d}') is not fixed, so its shape must be given`);
    });
  }
  return shapes;
}

function findTrace(dir: string): string | undefined {
  const file = readdirSync(dir).find((f) => f.startsWith('trace') && f.endsWith('.json'));
  return file && join(dir, file);
}

async function createSession(
  modelPath: string,
  options: SessionOptions,
  notes: string[],
): Promise<Session> {
  const { InferenceSession } = ort();
  try {
    return await InferenceSession.create(modelPath, options);
  } catch (e) {
    const message = (e as Error).message;
    if (options.optimizedModelFilePath && /serializ|compiled/i.test(message)) {
      notes.push(`onnxruntime could not save the optimised graph (${condenseOrtError(message)}); nodes carry no graph information`);
      const { optimizedModelFilePath: _, ...rest } = options;
      return InferenceSession.create(modelPath, rest);
    }
    throw e;
  }
}

function wallMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function wallStats(runsMs: number[]): WallTimes {
  return { runsMs, medianMs: quantile(runsMs, 0.5), p10Ms: quantile(runsMs, 0.1), p90Ms: quantile(runsMs, 0.9) };
}

/** One model of a job, loaded: its profiled session (unprofiled in a timing-only job), its unprofiled one, and what they read. */
interface LoadedModel {
  readonly path: string;
  readonly dir: string;
  readonly choice: ProviderChoice;
  /** Whether `profiled` has onnxruntime's profiler on (off when the request says profile: false). */
  readonly profiling: boolean;
  readonly profiled: Session;
  readonly plain?: Session;
  /** A graph with the model's inputs that does nothing, unprofiled, with the job's options (emptyRun.ts); with `plain` only. */
  readonly empty?: Session;
  /** The empty graph's timed runs, ms, one a round. */
  readonly emptyTimes: number[];
  /** A fresh unprofiled session of the model, with the job's options. */
  readonly createPlain: () => Promise<Session>;
  /** The inputs every run is fed; made afresh, same values, with the unprofiled sessions (recreatePlainSessions). */
  feeds: Record<string, OrtTensor>;
  readonly newFeeds: () => Record<string, OrtTensor>;
  /** The outputs each run fetches (all when absent). */
  readonly fetches?: readonly string[];
  readonly inputShapes: Record<string, number[]>;
  readonly notes: string[];
}

/** A session in the interleaving: which model, whether profiled, and how many timed runs it owes. */
interface Slot {
  readonly model: number;
  /** Replaced every block of rounds for an unprofiled session of a job of several models (recreatePlainSessions). */
  session: Session;
  readonly profiled: boolean;
  readonly runs: number;
  readonly times: number[];
}

export function checkMeasureRequest(req: MeasureRequest): void {
  if (!Array.isArray(req.models) || req.models.length === 0) throw new JobError('no model given to measure');
  const max = req.profile === false ? MAX_TIMED_MODELS_PER_JOB : MAX_MODELS_PER_JOB;
  if (req.models.length > max) throw new JobError(`at most ${max} models are measured together, got ${req.models.length}`);
  for (const m of req.models) {
    checkProfileRequest({ ...req, modelPath: m.modelPath, inputs: m.inputs });
    if (m.fetches !== undefined && (!Array.isArray(m.fetches) || m.fetches.length === 0 || m.fetches.some((f: unknown) => typeof f !== 'string'))) {
      throw new JobError(`fetches must be a non-empty list of output names, got ${JSON.stringify(m.fetches)}`);
    }
  }
}

async function loadModel(req: MeasureRequest, index: number, requested: ProviderChoice, dir: string, baselineRuns: number, spinning: Spinning): Promise<LoadedModel> {
  const { modelPath, inputs, fetches } = req.models[index];
  const notes: string[] = [];
  let choice = requested;
  const profiling = req.profile !== false;
  const options = (provider: string): SessionOptions => ({
    ...baseSessionOptions(provider, req.threads, { spinning, pinned: true }),
    graphOptimizationLevel: req.optimization,
    ...(profiling ? { enableProfiling: true, profileFilePrefix: join(dir, 'trace'), optimizedModelFilePath: join(dir, 'optimized.onnx') } : {}),
  });
  let profiled: Session;
  try {
    profiled = await createSession(modelPath, options(choice.used), notes);
  } catch (e) {
    const reason = condenseOrtError((e as Error).message);
    if (choice.used === 'cpu') throw new JobError(`onnxruntime could not load '${modelPath}': ${reason}`);
    choice = { ...choice, used: 'cpu', fallbackReason: `${choice.used} could not run this model: ${reason}; ran on cpu instead` };
    rmSync(join(dir, 'optimized.onnx'), { force: true });
    try {
      profiled = await createSession(modelPath, options('cpu'), notes);
    } catch (e2) {
      throw new JobError(`onnxruntime could not load '${modelPath}': ${condenseOrtError((e2 as Error).message)}`);
    }
  }
  let plain: Session | undefined;
  const createPlain = async (): Promise<Session> => {
    try {
      return await ort().InferenceSession.create(modelPath, withoutProfiling(options(choice.used)));
    } catch (e) {
      throw new JobError(`onnxruntime could not load '${modelPath}' a second time, without profiling: ${condenseOrtError((e as Error).message)}`);
    }
  };
  try {
    const declared = profiled.inputNames.map((name, i) => {
      const meta = profiled.inputMetadata[i];
      return { name, shape: meta.isTensor ? meta.shape : [], type: meta.isTensor ? meta.type : 'non-tensor' };
    });
    const inputShapes = resolveInputShapes(declared, inputs);
    const newFeeds = () => Object.fromEntries(declared.map((d) => [d.name, makeTensor(d.name, d.type, inputShapes[d.name])]));
    const feeds = newFeeds();
    if (profiling && baselineRuns > 0) plain = await createPlain();
    const missing = (fetches ?? []).filter((f) => !profiled.outputNames.includes(f));
    if (missing.length) throw new JobError(`'${modelPath}' has no output ${missing.map((m) => `'${m}'`).join(', ')} to fetch (its outputs: ${profiled.outputNames.join(', ')})`);
    const empty = plain ? await createEmpty(declared.map((d) => ({ ...d, shape: inputShapes[d.name] })), withoutProfiling(options(choice.used)), notes) : undefined;
    return { path: modelPath, dir, choice, profiling, profiled, ...(plain ? { plain } : {}), ...(empty ? { empty } : {}), emptyTimes: [], createPlain, feeds, newFeeds, ...(fetches ? { fetches } : {}), inputShapes, notes };
  } catch (e) {
    await profiled.release().catch(() => undefined);
    await plain?.release().catch(() => undefined);
    throw e;
  }
}

/** A job's session options for an unprofiled session: no profiler, no saved graph. */
function withoutProfiling(options: SessionOptions): SessionOptions {
  const { enableProfiling: _e, profileFilePrefix: _p, optimizedModelFilePath: _o, ...rest } = options;
  return rest;
}

/** The empty-run session for a model's inputs (emptyRun.ts), with unprofiled `options`; undefined, with a note, where there can be none. */
async function createEmpty(inputs: readonly EmptyRunInput[], options: SessionOptions, notes: string[]): Promise<Session | undefined> {
  const bytes = emptyRunModel(inputs);
  const without = (why: string) => {
    notes.push(`a run() that does nothing could not be timed (${why}); the unprofiled run is the median latency less the Node binding's share measured on the profiled runs, which also holds some of the profiler's own work`);
    return undefined;
  };
  if (typeof bytes === 'string') return without(bytes);
  try {
    return await ort().InferenceSession.create(bytes, options);
  } catch (e) {
    return without(condenseOrtError((e as Error).message));
  }
}

/** Fisher–Yates with a seeded generator: a uniformly drawn order, the same for the same seed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const next = seededRandom(seed);
  const order = [...items];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Every order of `items` (n! of them). */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** Up to this many sessions, rounds cycle through every order (4! = 24 rounds a cycle). */
const BALANCED_SLOTS = 4;

/**
 * The order of one round: every session once. Whatever a session leaves behind for the next
 * (caches, the thread pool, the clock), and the calibration round before each round's first run,
 * must fall on every session alike. A fixed order, even reversed every other round, gave one of two
 * identical models a lasting 3–5% edge from the session that ran before it; so did a shuffle drawn
 * from a generator with short low-bit periods, which over 600 rounds put one of four sessions first
 * 199 times and another 49. Up to BALANCED_SLOTS sessions, each cycle of n! rounds runs every order
 * once, the cycle's sequence drawn afresh: each session then runs first, last and after each other
 * session equally often. More sessions get a uniformly drawn order each round. Seeded by round, so a
 * job is repeatable.
 */
export function roundOrder<T>(slots: readonly T[], round: number): readonly T[] {
  if (slots.length > BALANCED_SLOTS) return shuffled(slots, (round + 1) * 2654435761);
  const orders = permutations(slots);
  const cycle = Math.floor(round / orders.length);
  return shuffled(orders, (cycle + 1) * 2654435761)[round % orders.length];
}

/** How roundOrder orders a round of `sessions`, for the protocol text. */
function orderText(sessions: number): string {
  if (sessions <= 1) return 'one run a round';
  if (sessions > BALANCED_SLOTS) return 'each round in a freshly drawn order';
  let cycle = 1;
  for (let n = 2; n <= sessions; n++) cycle *= n;
  return `every order of the ${sessions} sessions once in each cycle of ${cycle} rounds`;
}

/** How a job's sessions in turn spin, and the other work that decided it. */
export interface InTurnSpin {
  readonly spinning: Spinning;
  /** Cores' worth of other work sampled before loading (absent when not sampled: one thread, or spinning asked for). */
  readonly otherWorkCores?: number;
}

/**
 * The job's spinning in turn: onnxruntime's default when the request asks for it; else bounded,
 * unless other work already keeps OTHER_WORK_CORES busy (sampled for 100 ms before anything loads)
 * and the pool has workers to spin.
 */
async function inTurnSpin(req: Pick<MeasureRequest, 'spinning' | 'threads'>): Promise<InTurnSpin> {
  if (req.spinning) return { spinning: 'default' };
  if (req.threads < 2) return { spinning: 'bounded' };
  const otherWork = await otherWorkCores();
  return { spinning: otherWork >= OTHER_WORK_CORES ? 'off' : 'bounded', otherWorkCores: otherWork };
}

/** The protocol sentence's words for how the sessions spun. */
function spinText(spin: InTurnSpin): string {
  if (spin.spinning === 'default') return "thread-pool spinning on (onnxruntime's default)";
  if (spin.spinning === 'off') {
    return `thread-pool spinning off (other work kept ${(spin.otherWorkCores ?? 0).toFixed(1)} cores busy as the job started; a spinning worker would compete with it)`;
  }
  return `thread-pool spinning bounded (an idle worker spins at most ${IN_TURN_SPIN_US} µs, then sleeps)`;
}

/** How a job timed its sessions, in one sentence for the report. */
export function protocolText(
  req: Pick<MeasureRequest, 'warmup' | 'runs' | 'alone' | 'threads' | 'warmTurn'>,
  models: number,
  profiled: boolean,
  baselineRuns: number,
  spin: InTurnSpin = { spinning: 'bounded' },
): string {
  const { warmup, runs } = req;
  const rounds = Math.max(runs, baselineRuns);
  const sessions = profiled && baselineRuns > 0 ? 'a profiled and an unprofiled session' : 'one session';
  const both = profiled && baselineRuns > 0;
  const what = models > 1 ? `${models} models, each with ${sessions},` : both ? "the model's profiled and unprofiled sessions" : "the model's session";
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const alone = req.alone
    ? ` Then ${models > 1 ? 'each model' : 'the model'} alone, in a fresh unprofiled session with spinning on (onnxruntime's default): ${plural(warmup, 'warm-up run')} and ${plural(runs, 'timed run')} give ${models > 1 ? 'its' : 'the'} latency.`
    : '';
  const affinities = workerAffinities(req.threads);
  const pinned = affinities ? ` Every session's intra-op worker${req.threads > 2 ? 's' : ''} pinned to processor${affinities.includes(';') ? 's' : ''} ${affinities.split(';').map((p) => Number(p) - 1).join(', ')}.` : '';
  const blocks = renewalRounds(rounds).length + 1;
  const renewed = models > 1 && blocks > 1 ? ` Each model's unprofiled session and input tensors were created afresh for each of ${blocks} blocks of rounds, in reverse order and in order by turns, and warmed up.` : '';
  const warm = req.warmTurn ? ' In its turn each session ran once untimed right before its timed run, so that its pool worker was awake and its input in cache.' : '';
  const empty = both
    ? ` After each round, a run() of a graph with ${models > 1 ? "each model's" : "the model's"} inputs that does nothing: its median, the fixed cost of a call, is taken out of the unprofiled median to give the nodes' time without the profiler.`
    : '';
  return (
    `Interleaved: ${what} loaded together in one process with ${spinText(spin)}, then run in turn, ` +
    `${orderText(models * (both ? 2 : 1))}, ${plural(warmup, 'warm-up round')} and ${plural(rounds, 'timed round')}.${warm}${pinned}${renewed}${empty}${alone}`
  );
}

/**
 * Measures several models in one job: each is loaded twice (profiled, and unprofiled unless
 * baselineRuns is 0), and all sessions run in turn, round by round, so that what the machine does
 * meanwhile falls on each alike. Profiling each model's trace follows; per-node times come from it.
 */
export async function measureModels(req: MeasureRequest, progress: ProgressSink, workDir = tmpdir()): Promise<MeasureResult> {
  checkMeasureRequest(req);
  const loadAtStart = loadavg()[0];
  const spin = await inTurnSpin(req);
  const baselineRuns = req.baselineRuns ?? req.runs;
  progress('load', 0, req.models.length);
  const requested = await chooseProvider(req.provider);
  const dir = mkdtempSync(join(workDir, 'profile-'));
  const loaded: LoadedModel[] = [];
  let slots: Slot[] = [];
  let calibration: ProfilerCalibration | undefined;
  const released = new Set<Session>();
  const release = async (session: Session | undefined) => {
    if (!session || released.has(session)) return;
    released.add(session);
    await session.release();
  };
  try {
    for (let i = 0; i < req.models.length; i++) {
      const modelDir = join(dir, `model${i}`);
      mkdirSync(modelDir);
      loaded.push(await loadModel(req, i, requested, modelDir, baselineRuns, spin.spinning));
      progress('load', i + 1, req.models.length);
    }
    slots = loaded.flatMap((m, i) => [
      { model: i, session: m.profiled, profiled: m.profiling, runs: req.runs, times: [] },
      ...(m.plain ? [{ model: i, session: m.plain, profiled: false, runs: baselineRuns, times: [] }] : []),
    ]);

    const throttle = new Map<ProfilePhase, number>();
    const report = (phase: ProfilePhase, done: number, total: number) => {
      const now = Date.now();
      if (done === 0 || done === total || now - (throttle.get(phase) ?? 0) >= 100) {
        throttle.set(phase, now);
        progress(phase, done, total);
      }
    };
    const run = async (slot: Slot) => {
      const model = loaded[slot.model];
      try {
        await (model.fetches ? slot.session.run(model.feeds, [...model.fetches]) : slot.session.run(model.feeds));
      } catch (e) {
        throw new JobError(`onnxruntime failed running '${model.path}': ${condenseOrtError((e as Error).message)}`);
      }
    };
    // The profiler's calibration chains run a round after each of the job's rounds, so that they meet
    // the machine in the state the models' sessions meet it (the pool's cost follows it; profilerCost.ts).
    const costNotes: string[] = [];
    if (req.profile !== false && (req.profilerCost ?? baselineRuns > 0)) {
      try {
        calibration = await ProfilerCalibration.load(loaded[0].choice.used, req.threads, mkdtempSync(join(dir, 'calibration-')), req.optimization, spin.spinning);
      } catch (e) {
        costNotes.push(`the profiler's own cost per node could not be measured (${condenseOrtError((e as Error).message)})`);
      }
    }
    // Each model's empty run (emptyRun.ts) follows the round, as the calibration chains do.
    const runEmpties = async (timed: boolean) => {
      for (const model of loaded) {
        if (!model.empty) continue;
        const start = process.hrtime.bigint();
        await model.empty.run(model.feeds);
        if (timed) model.emptyTimes.push(wallMs(start));
      }
    };
    report('warmup', 0, req.warmup);
    for (let round = 0; round < req.warmup; round++) {
      for (const slot of roundOrder(slots, round)) await run(slot);
      await runEmpties(false);
      await calibration?.round();
      report('warmup', round + 1, req.warmup);
    }
    const rounds = Math.max(...slots.map((s) => s.runs));
    const renewals = renewalRounds(rounds);
    report('runs', 0, rounds);
    for (let round = 0; round < rounds; round++) {
      const block = loaded.length > 1 ? renewals.indexOf(round) : -1;
      if (block >= 0) await recreatePlainSessions(slots, loaded, release, req.warmup, run, block % 2 === 0);
      for (const slot of roundOrder(slots, round)) {
        if (slot.times.length >= slot.runs) continue;
        if (req.warmTurn) await run(slot);
        const start = process.hrtime.bigint();
        await run(slot);
        slot.times.push(wallMs(start));
      }
      await runEmpties(true);
      await calibration?.round();
      report('runs', round + 1, rounds);
    }
    // Releasing a profiled session writes its trace.
    for (const slot of slots) await release(slot.session);

    const alone = req.alone ? await timeAlone(req, loaded, report) : undefined;
    // Each model's unprofiled runs (its profiled ones when it has no unprofiled session).
    const times = loaded.map((_, i) => wallStats((slots.find((s) => s.model === i && !s.profiled) ?? slots.find((s) => s.model === i)!).times));
    if (req.profile === false) return { results: [], times, protocol: protocolText(req, loaded.length, false, 0, spin) };
    let profilerCost: ProfilerCost | undefined;
    if (calibration) {
      try {
        profilerCost = await calibration.finish(req.warmup, "a round after each of the job's rounds");
      } catch (e) {
        costNotes.push(`the profiler's own cost per node could not be measured (${condenseOrtError((e as Error).message)})`);
      }
    }
    const loadAtEnd = loadavg()[0];
    const results: ProfileResult[] = [];
    for (let i = 0; i < loaded.length; i++) {
      const mine = slots.filter((s) => s.model === i);
      const profiledTimes = mine.find((s) => s.profiled)!.times;
      const plainTimes = mine.find((s) => !s.profiled)?.times;
      results.push(
        await readResult(req, loaded[i], profiledTimes, plainTimes, profilerCost, [...loaded[i].notes, ...costNotes], { atStart: loadAtStart, atEnd: loadAtEnd, cores: availableParallelism() }, spin),
      );
      if (alone) results[i] = { ...results[i], alone: alone[i] };
    }
    return { results, times, protocol: protocolText(req, loaded.length, true, baselineRuns, spin) };
  } finally {
    await calibration?.dispose();
    for (const slot of slots) await release(slot.session).catch(() => undefined);
    for (const m of loaded) {
      await release(m.profiled).catch(() => undefined);
      await release(m.plain).catch(() => undefined);
      await release(m.empty).catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rounds per block between renewals of the unprofiled sessions, roughly (renewalRounds). */
export const RENEWAL_ROUNDS = 50;

/**
 * The rounds at which a job of several models creates its unprofiled sessions afresh: an even
 * number of blocks of about RENEWAL_ROUNDS rounds (two at least), so that creation in the job's order
 * and in reverse take equal shares of the runs.
 */
export function renewalRounds(rounds: number): number[] {
  if (rounds < 2) return [];
  const blocks = 2 * Math.max(1, Math.round(rounds / (2 * RENEWAL_ROUNDS)));
  return Array.from({ length: blocks - 1 }, (_, b) => Math.floor((rounds * (b + 1)) / blocks));
}

/**
 * What a session is like for its whole life varies from one creation to the next: the earlier of
 * two identical sessions ran 0.3–1.2% slower with 1 thread and another process keeping a core busy
 * (up to 2.5% at times), and with 2 threads one of two identical sessions read up to 7% faster than
 * the other over 100 rounds, so that a compare of a model with itself read "beyond noise". A job of
 * several models therefore creates each model's unprofiled session afresh every block of rounds
 * (renewalRounds), in reverse order and the job's order by turns, with its input tensors made anew,
 * and warms the new ones up: every model's timed runs come from many sessions, created early and
 * late alike (bench/README.md). The profiled sessions stay, as each keeps one trace.
 */
async function recreatePlainSessions(
  slots: Slot[],
  loaded: readonly LoadedModel[],
  release: (session: Session) => Promise<void>,
  warmup: number,
  run: (slot: Slot) => Promise<void>,
  reverse: boolean,
): Promise<void> {
  const plain = slots.filter((s) => !s.profiled);
  if (reverse) plain.reverse();
  for (const slot of plain) {
    await release(slot.session);
    slot.session = await loaded[slot.model].createPlain();
  }
  for (const model of loaded) model.feeds = model.newFeeds();
  for (let round = 0; round < warmup; round++) {
    for (const slot of roundOrder(plain, round)) await run(slot);
  }
}

/**
 * Each model alone: a fresh unprofiled session with spinning on (onnxruntime's default), its
 * warm-up and timed runs, then released before the next model's.
 */
async function timeAlone(req: MeasureRequest, loaded: readonly LoadedModel[], report: (phase: ProfilePhase, done: number, total: number) => void): Promise<WallTimes[]> {
  const out: WallTimes[] = [];
  for (const model of loaded) {
    let session: Session;
    try {
      session = await ort().InferenceSession.create(model.path, { ...baseSessionOptions(model.choice.used, req.threads, { spinning: 'default' }), graphOptimizationLevel: req.optimization });
    } catch (e) {
      throw new JobError(`onnxruntime could not load '${model.path}' to time it alone: ${condenseOrtError((e as Error).message)}`);
    }
    try {
      const times: number[] = [];
      report('alone', 0, req.warmup + req.runs);
      for (let i = 0; i < req.warmup + req.runs; i++) {
        const start = process.hrtime.bigint();
        try {
          await session.run(model.feeds);
        } catch (e) {
          throw new JobError(`onnxruntime failed running '${model.path}': ${condenseOrtError((e as Error).message)}`);
        }
        if (i >= req.warmup) times.push(wallMs(start));
        report('alone', i + 1, req.warmup + req.runs);
      }
      out.push(wallStats(times));
    } finally {
      await session.release();
    }
  }
  return out;
}

/** One model's result, from its timed runs and its trace. */
async function readResult(
  req: MeasureRequest,
  model: LoadedModel,
  runsMs: number[],
  baselineMs: number[] | undefined,
  profilerCost: ProfilerCost | undefined,
  notes: string[],
  loadAverage: NonNullable<ProfileResult['settings']['loadAverage']>,
  spin: InTurnSpin,
): Promise<ProfileResult> {
  const tracePath = findTrace(model.dir);
  if (!tracePath) throw new JobError(`onnxruntime wrote no profile trace for '${model.path}'`);
  const summary = summarizeTrace(await readTraceFile(tracePath), req.warmup, req.runs);
  notes.push(...summary.notes);
  let graph: OptimizedGraph | undefined;
  try {
    graph = readOptimizedGraph(join(model.dir, 'optimized.onnx'));
  } catch (e) {
    if (!notes.some((n) => n.includes('optimised graph'))) notes.push(`the optimised graph could not be read back (${(e as Error).message}); nodes carry no graph information`);
  }
  const matches = graph ? matchProfiledNodes(summary.nodes, graph) : new Map();
  const nodes: NodeProfile[] = summary.nodes.map(({ perRunUs: _, ...n }) => {
    const info = matches.get(n.name);
    return info ? { ...n, graph: info } : n;
  });
  if (graph) {
    const unmatched = nodes.filter((n) => !n.graph).length;
    if (unmatched) notes.push(`${unmatched} profiled node(s) could not be identified in the optimised graph`);
    if (graph.nodes.length !== nodes.length) notes.push(`the optimised graph has ${graph.nodes.length} nodes, the profile ${nodes.length}`);
  }
  const nodesByProvider: Record<string, number> = {};
  for (const n of nodes) nodesByProvider[n.provider] = (nodesByProvider[n.provider] ?? 0) + 1;
  const ortRunsMs = summary.timedRuns.map((r) => r.durUs / 1000);
  const parts = summary.runParts;
  const ortParts = parts.length
    ? {
        kernels: median(parts.map((p) => p.kernels)),
        kernelUs: median(parts.map((p) => p.kernelUs)),
        betweenKernelsUs: median(parts.map((p) => p.betweenKernelsUs)),
        edgesUs: median(parts.map((p) => p.edgesUs)),
      }
    : undefined;
  // The trace's timed runs are the wall-timed runs only when it holds all of them.
  const bindingMs = ortRunsMs.length === runsMs.length ? median(runsMs.map((ms, i) => ms - ortRunsMs[i])) : undefined;
  const { choice } = model;
  return {
    latency: {
      ...wallStats(runsMs),
      ortRunsMs,
      ortMedianMs: quantile(ortRunsMs, 0.5),
      ...(ortParts ? { ortParts } : {}),
      ...(bindingMs !== undefined ? { bindingMs } : {}),
    },
    ...(baselineMs ? { baseline: wallStats(baselineMs) } : {}),
    ...(model.emptyTimes.length ? { emptyRun: wallStats(model.emptyTimes) } : {}),
    ...(profilerCost ? { profilerCost } : {}),
    nodes,
    settings: {
      providerRequested: choice.requested,
      providerUsed: choice.used,
      ...(choice.fallbackReason ? { fallbackReason: choice.fallbackReason } : {}),
      threads: req.threads,
      interOpThreads: 1,
      executionMode: 'sequential',
      optimization: req.optimization,
      warmup: req.warmup,
      runs: req.runs,
      inputShapes: model.inputShapes,
      inputFill: INPUT_FILL,
      onnxruntimeVersion: ortVersion(),
      nodesByProvider,
      loadAverage,
      inTurnSpinning: spin.spinning,
      ...(spin.otherWorkCores !== undefined ? { otherWorkCores: spin.otherWorkCores } : {}),
    },
    ...(graph ? { optimizedNodeCount: graph.nodes.length } : {}),
    notes,
  };
}

/** One model: its profiled and unprofiled sessions interleaved (see measureModels). */
export async function runProfileJob(req: ProfileRequest, progress: ProgressSink, workDir = tmpdir()): Promise<ProfileResult> {
  const { modelPath, inputs, ...settings } = req;
  const { results } = await measureModels({ ...settings, models: [{ modelPath, ...(inputs ? { inputs } : {}) }] }, progress, workDir);
  return results[0];
}
