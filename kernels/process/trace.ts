/**
 * Reading onnxruntime's profile trace (Chrome trace JSON) into per-run and per-node times.
 *
 * onnxruntime 1.30 writes, per session: `model_loading_*` and `session_initialization` (cat
 * "Session"), then for every `run()` one `<node>_kernel_time` event per executed node (cat "Node",
 * args.op_name, args.provider, args.input_type_shape, args.output_type_shape, args.node_index),
 * followed by `SequentialExecutor::Execute` and `model_run` (cat "Session") spanning that run. Events
 * are timestamped in µs from profiler start. A node event belongs to the run whose `model_run`
 * interval [ts, ts + dur] contains its ts; the `model_run` events in time order are the warm-up
 * runs first and the timed runs after them, so every node event outside the timed runs' intervals
 * (session initialisation, warm-up) is left out.
 *
 * Each kernel event's `args.thread_scheduling_stats` (written while the session has an intra-op thread
 * pool) says whether the node ran on that pool: `main_thread.block_size` lists one entry per
 * parallel loop the node handed to the pool, and is empty for a node that ran on the calling thread
 * alone. The profiler costs more inside the events of nodes that used the pool (kernels/process/profilerCost.ts).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { median } from '../stats';

export interface TraceEvent {
  readonly cat?: string;
  readonly name: string;
  readonly ph?: string;
  readonly ts: number;
  readonly dur?: number;
  readonly args?: Readonly<Record<string, unknown>>;
}

export interface RunWindow {
  readonly start: number;
  readonly end: number;
  readonly durUs: number;
}

export interface NodeAggregate {
  readonly name: string;
  readonly opType: string;
  readonly provider: string;
  readonly calls: number;
  /** This node's time within each timed run, µs (0 where it did not run). */
  readonly perRunUs: number[];
  readonly medianUs: number;
  readonly totalUs: number;
  readonly inputShapes: number[][];
  readonly outputShapes: number[][];
  /** Calls (over the timed runs) whose kernel event shows a parallel loop on the intra-op thread pool. */
  readonly pooledCalls: number;
}

/**
 * How one timed run's `model_run` interval divides: time inside kernel events, time between
 * consecutive kernel events (the executor's per-node work plus, while profiling, the profiler's own
 * bookkeeping), and time before the first and after the last kernel (run setup and teardown).
 */
export interface RunParts {
  readonly kernels: number;
  /** Of `kernels`, those whose event shows a parallel loop on the intra-op thread pool. */
  readonly pooledKernels: number;
  readonly kernelUs: number;
  /** Of `kernelUs`, the time inside the events of `pooledKernels`. */
  readonly pooledKernelUs: number;
  readonly betweenKernelsUs: number;
  readonly edgesUs: number;
}

export interface TraceSummary {
  readonly timedRuns: RunWindow[];
  /** One entry per timed run, in the order of `timedRuns`. */
  readonly runParts: RunParts[];
  readonly nodes: NodeAggregate[];
  readonly notes: string[];
}

const KERNEL_SUFFIX = '_kernel_time';

/**
 * Whether a kernel event's `thread_scheduling_stats` (an object, or its JSON text) shows the node
 * handing at least one parallel loop to the intra-op thread pool (a non-empty `main_thread.block_size`).
 * False when the event has no such statistics (one thread, or a provider that does not write them).
 */
export function usedThreadPool(stats: unknown): boolean {
  let value = stats;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return false;
    }
  }
  if (typeof value !== 'object' || value === null) return false;
  const main = (value as Record<string, unknown>).main_thread;
  if (typeof main !== 'object' || main === null) return false;
  const blocks = (main as Record<string, unknown>).block_size;
  return Array.isArray(blocks) && blocks.length > 0;
}

/** An event with only the fields lcnb reads (the trace's args also carry memory statistics). */
function slim(raw: unknown): TraceEvent | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const e = raw as Record<string, unknown>;
  if (typeof e.name !== 'string' || typeof e.ts !== 'number') return undefined;
  const args = (e.args ?? {}) as Record<string, unknown>;
  return {
    cat: typeof e.cat === 'string' ? e.cat : undefined,
    name: e.name,
    ts: e.ts,
    dur: typeof e.dur === 'number' ? e.dur : undefined,
    args:
      e.cat === 'Node'
        ? {
            op_name: args.op_name,
            provider: args.provider,
            input_type_shape: args.input_type_shape,
            output_type_shape: args.output_type_shape,
            used_thread_pool: usedThreadPool(args.thread_scheduling_stats),
          }
        : {},
  };
}

/**
 * Reads a trace file line by line: onnxruntime writes `[`, one event per line (each but the last
 * followed by a comma), then `]`, and a long profile can exceed what one JavaScript string holds.
 * Falls back to parsing the whole file when it is laid out otherwise.
 */
export async function readTraceFile(path: string): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineByLine = true;
  for await (const line of lines) {
    const text = line.trim().replace(/,$/, '');
    if (text === '' || text === '[' || text === ']') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      lineByLine = false;
      lines.close();
      break;
    }
    const event = slim(parsed);
    if (event) events.push(event);
  }
  return lineByLine ? events : parseTrace(await readFile(path, 'utf8'));
}

export function parseTrace(text: string): TraceEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`onnxruntime's profile trace is not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new Error("onnxruntime's profile trace is not a list of events");
  return parsed.map(slim).filter((e): e is TraceEvent => e !== undefined);
}

/**
 * The intervals of the timed runs' `model_run` events, in time order: those after the first `warmup`.
 * onnxruntime's profiler stops recording at its limit of events (1,000,000 in 1.30), so a long
 * profile holds only the first runs; then the timed runs it holds are counted and a note says so.
 */
export function timedRunWindows(events: readonly TraceEvent[], warmup: number, runs: number, notes: string[]): RunWindow[] {
  const all = events
    .filter((e) => e.cat === 'Session' && e.name === 'model_run')
    .map((e) => ({ start: e.ts, end: e.ts + (e.dur ?? 0), durUs: e.dur ?? 0 }))
    .sort((a, b) => a.start - b.start);
  const expected = warmup + runs;
  if (all.length < expected) {
    const timed = Math.max(0, all.length - warmup);
    notes.push(
      `onnxruntime's profiler stopped recording at its limit of events: per-node times cover the first ${timed} of the ${runs} timed runs (fewer runs, or a smaller model, keep all of them)`,
    );
    return all.slice(Math.min(warmup, all.length));
  }
  if (all.length > expected) {
    notes.push(`onnxruntime's profile holds ${all.length} model_run events for ${warmup} warm-up + ${runs} timed runs; the last ${runs} were counted as the timed runs`);
  }
  return all.slice(all.length - runs);
}

function shapesOf(value: unknown): number[][] {
  if (!Array.isArray(value)) return [];
  return value.map((entry) => {
    const dims = entry && typeof entry === 'object' ? Object.values(entry as Record<string, unknown>)[0] : undefined;
    return Array.isArray(dims) ? dims.map(Number) : [];
  });
}

/** Index of the window containing `ts`, or -1. Windows are sorted and do not overlap. */
function windowOf(windows: readonly RunWindow[], ts: number): number {
  let lo = 0;
  let hi = windows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ts < windows[mid].start) hi = mid - 1;
    else if (ts > windows[mid].end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Per-node times over the timed runs, nodes in the order they first ran. */
export function summarizeTrace(events: readonly TraceEvent[], warmup: number, runs: number): TraceSummary {
  const notes: string[] = [];
  const windows = timedRunWindows(events, warmup, runs, notes);
  interface Acc {
    name: string;
    opType: string;
    provider: string;
    calls: number;
    perRunUs: number[];
    inputShapes: number[][];
    outputShapes: number[][];
    pooledCalls: number;
  }
  const byName = new Map<string, Acc>();
  const parts = windows.map(() => ({ kernels: 0, pooledKernels: 0, kernelUs: 0, pooledKernelUs: 0, betweenKernelsUs: 0, lastEnd: 0, firstStart: 0 }));
  const kernelEvents = events
    .filter((e) => e.cat === 'Node' && e.name.endsWith(KERNEL_SUFFIX))
    .sort((a, b) => a.ts - b.ts);
  // Events are visited in time order, so the map's insertion order is the execution order.
  for (const e of kernelEvents) {
    const run = windowOf(windows, e.ts);
    if (run < 0) continue;
    const name = e.name.slice(0, -KERNEL_SUFFIX.length);
    let acc = byName.get(name);
    if (!acc) {
      const args = e.args ?? {};
      acc = {
        name,
        opType: String(args.op_name ?? ''),
        provider: String(args.provider ?? ''),
        calls: 0,
        perRunUs: new Array<number>(windows.length).fill(0),
        inputShapes: shapesOf(args.input_type_shape),
        outputShapes: shapesOf(args.output_type_shape),
        pooledCalls: 0,
      };
      byName.set(name, acc);
    }
    // Events read from a trace carry the flag (slim); events built otherwise may carry the statistics.
    const args = e.args ?? {};
    const pooled = typeof args.used_thread_pool === 'boolean' ? args.used_thread_pool : usedThreadPool(args.thread_scheduling_stats);
    acc.calls++;
    if (pooled) acc.pooledCalls++;
    acc.perRunUs[run] += e.dur ?? 0;
    // Kernels run one after another (sequential executor), so the gaps between them add up.
    const p = parts[run];
    const end = e.ts + (e.dur ?? 0);
    if (p.kernels === 0) {
      p.firstStart = e.ts;
      p.lastEnd = end;
    } else {
      p.betweenKernelsUs += Math.max(0, e.ts - p.lastEnd);
      p.lastEnd = Math.max(p.lastEnd, end);
    }
    p.kernels++;
    p.kernelUs += e.dur ?? 0;
    if (pooled) {
      p.pooledKernels++;
      p.pooledKernelUs += e.dur ?? 0;
    }
  }
  const runParts = parts.map((p, i) => ({
    kernels: p.kernels,
    pooledKernels: p.pooledKernels,
    kernelUs: p.kernelUs,
    pooledKernelUs: p.pooledKernelUs,
    betweenKernelsUs: p.betweenKernelsUs,
    edgesUs: p.kernels ? p.firstStart - windows[i].start + (windows[i].end - p.lastEnd) : windows[i].durUs,
  }));
  const nodes = [...byName.values()].map((acc) => ({
    ...acc,
    medianUs: median(acc.perRunUs),
    totalUs: acc.perRunUs.reduce((s, v) => s + v, 0),
  }));
  return { timedRuns: windows, runParts, nodes, notes };
}
