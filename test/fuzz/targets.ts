/**
 * What one fuzz case exercises, and what counts as a clear error.
 *
 * - lcnb: decodeNotebook → the notebook written and read back gives the same text → every lcnb
 *   code cell through checkCell and executeCell without a kernel (static analysis).
 * - onnx: readOnnx → summarize (params, MAdds, FLOPs, memory access cost).
 *
 * A clear error is one of lcnb's own error classes (UserError, GraphError, NotebookFormatError,
 * CellFailure) — never a TypeError, RangeError or anything else escaping — whose message is
 * non-empty, at most MAX_MESSAGE characters, free of "undefined", "NaN" and "[object Object]"
 * (unless the input itself holds them), and says where:
 * - a notebook file error carries its line and column (≥ 1) and starts with the file's name;
 * - a cell error starts with "line L, column C:" inside that cell's text;
 * - an ONNX error starts with the model's name, or is a GraphError naming a node.
 * A result is valid when its totals are finite, non-negative numbers.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { GraphError, UserError } from '../../src/core/errors';
import { summarize, SummaryTotals } from '../../src/core/summary';
import { checkCell } from '../../src/lang';
import { decodeNotebook, LCNB_LANGUAGE, NotebookCellKind, NotebookFormatError, serializeNotebook } from '../../src/notebookFile';
import { InputShapeNeeded, readOnnx } from '../../src/onnx/reader';
import { CellFailure, executeCell } from '../../src/run/execute';

export type Format = 'lcnb' | 'onnx';
export const FORMATS: readonly Format[] = ['lcnb', 'onnx'];

export const NOTEBOOK_SOURCE = 'fuzz.lcnb';
export const ONNX_SOURCE = 'fuzz.onnx';
export const MAX_MESSAGE = 2000;

/** Inputs that make the worker misbehave on purpose, so the harness's own checks can be tested. */
export const SELF_TEST = { hang: 'lcnb-fuzz-self-test:hang', crash: 'lcnb-fuzz-self-test:crash', memory: 'lcnb-fuzz-self-test:memory' } as const;

export interface CaseResult {
  /** ok: a valid result; error: one clear error; unclear: anything else (a finding). */
  readonly status: 'ok' | 'error' | 'unclear';
  /** The error's message (error), or what is wrong (unclear). */
  readonly message?: string;
}

const CLEAR_ERRORS = [UserError, GraphError, NotebookFormatError, CellFailure];

function judge(e: unknown, input: string, where: (e: Error) => boolean): CaseResult {
  if (!(e instanceof Error) || !CLEAR_ERRORS.some((kind) => e instanceof kind)) {
    const err = e as Error;
    const at = err?.stack?.split('\n').slice(1, 4).map((l) => l.trim()).join(' ← ') ?? '';
    return { status: 'unclear', message: `${err?.name ?? typeof e}: ${String(err?.message ?? e).slice(0, 300)} ${at}` };
  }
  const message = e.message;
  if (!message.trim()) return { status: 'unclear', message: `${e.name} with an empty message` };
  if (message.length > MAX_MESSAGE) return { status: 'unclear', message: `${e.name} message of ${message.length} characters: ${message.slice(0, 200)}…` };
  for (const bad of ['undefined', 'NaN', '[object Object]']) {
    if (message.includes(bad) && !input.includes(bad)) return { status: 'unclear', message: `${e.name} message says '${bad}': ${message.slice(0, 300)}` };
  }
  if (!where(e)) return { status: 'unclear', message: `${e.name} does not say where: ${message.slice(0, 300)}` };
  return { status: 'error', message };
}

function validTotals(totals: SummaryTotals, what: string): CaseResult | undefined {
  for (const [key, value] of Object.entries(totals)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return { status: 'unclear', message: `${what}: total ${key} is ${value}` };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

/** A shape for each input of `inputs` with open dimensions, the same for the same bytes (sizes 1–64, some nasty). */
function guessedShapes(inputs: InputShapeNeeded['inputs'], bytes: Uint8Array): Record<string, number[]> {
  let h = bytes.length;
  const next = () => (h = (Math.imul(h ^ (h >>> 15), 2246822507) + 0x9e3779b9) >>> 0);
  const size = () => [1, 2, 3, 7, 32, 64, 2 ** 31][next() % 7];
  return Object.fromEntries(inputs.map((i) => [i.name, i.dims.map((d) => (typeof d === 'number' && next() % 4 ? d : size()))]));
}

/** Shapes "measured by a run" for the unresolved tensors: plausible, empty and nasty ones. */
function runShapes(tensors: readonly string[], bytes: Uint8Array): Record<string, number[]> {
  let h = bytes.length ^ tensors.length;
  const next = () => (h = (Math.imul(h ^ (h >>> 13), 3266489909) + 0x6d2b79f5) >>> 0);
  const dims = () => Array.from({ length: next() % 5 }, () => [0, 1, 4, 300, 2 ** 31, -1][next() % 6]);
  return Object.fromEntries(tensors.map((t) => [t, dims()]));
}

export function runOnnx(bytes: Uint8Array): CaseResult {
  try {
    let model;
    try {
      model = readOnnx(bytes, { source: ONNX_SOURCE });
    } catch (e) {
      // A file that needs input shapes is read again with shapes given, as the CLI, cells and editor do.
      if (!(e instanceof InputShapeNeeded)) throw e;
      model = readOnnx(bytes, { source: ONNX_SOURCE, inputShapes: guessedShapes(e.inputs, bytes) });
    }
    if (model.unresolvedTensors.length) {
      // And what static inference left open, with shapes as a run would measure them.
      const measured = readOnnx(bytes, { source: ONNX_SOURCE, inputShapes: Object.fromEntries(model.inputs.map((i) => [i.name, [...i.shape]])), knownShapes: runShapes(model.unresolvedTensors, bytes) });
      const invalid = validTotals(summarize(measured.graph).totals, 'summary with shapes from a run');
      if (invalid) return invalid;
    }
    const summary = summarize(model.graph);
    return validTotals(summary.totals, 'summary') ?? { status: 'ok' };
  } catch (e) {
    const input = new TextDecoder().decode(bytes);
    return judge(e, input, (err) => err.message.startsWith(`${ONNX_SOURCE}:`) || (err instanceof GraphError && err.node !== ''));
  }
}

// ---------------------------------------------------------------------------------------------

const CELL_WHERE = /^line (\d+), column (\d+): /;

/** Cell outcomes by text: the same cell text always gives the same outcome, and mutations leave most cells as they were. */
const cellMemo = new Map<string, CaseResult>();
let sandbox: string | undefined;

function insideSandbox(text: string): boolean {
  // Export cells write files: run them only when the file lands inside the sandbox folder.
  const m = /^\s*path:\s*(.+)$/m.exec(text);
  if (!m) return true;
  const path = m[1].trim().replace(/^["']|["']$/g, '');
  const rel = relative(sandbox!, resolve(sandbox!, path));
  return !isAbsolute(path) && !!rel && !rel.startsWith('..') && !isAbsolute(rel) && !path.includes('\0');
}

async function runCell(text: string): Promise<CaseResult> {
  const known = cellMemo.get(text);
  if (known) return known;
  sandbox ??= mkdtempSync(join(tmpdir(), 'lcnb-fuzz-'));
  const lines = text.split(/\r\n|\r|\n/);
  const where = (e: Error) => {
    const m = CELL_WHERE.exec(e.message);
    return !!m && Number(m[1]) >= 1 && Number(m[1]) <= lines.length + 1 && Number(m[2]) >= 1;
  };
  let result: CaseResult;
  try {
    const checked = checkCell(text);
    for (const d of checked.diagnostics) {
      const line = d.range.start.line;
      if (line < 0 || line > lines.length || d.range.start.character < 0 || !d.message.trim()) {
        throw new Error(`diagnostic outside the cell (line ${line + 1}, column ${d.range.start.character + 1}): ${d.message}`);
      }
    }
    if (/^\s*export\s*:/m.test(text) && !insideSandbox(text)) result = { status: 'ok' };
    else {
      const outcome = await executeCell(text, { provider: 'cpu', baseDir: sandbox });
      result = outcome.report.models.map((m) => validTotals(m.summary.totals, `model ${m.summary.id}`)).find(Boolean) ?? { status: 'ok' };
    }
  } catch (e) {
    result = judge(e, text, where);
  }
  if (cellMemo.size > 20_000) cellMemo.clear();
  cellMemo.set(text, result);
  return result;
}

export async function runNotebook(bytes: Uint8Array): Promise<CaseResult> {
  const input = new TextDecoder().decode(bytes);
  let data;
  try {
    data = decodeNotebook(bytes, NOTEBOOK_SOURCE);
  } catch (e) {
    return judge(e, input, (err) => err instanceof NotebookFormatError && err.line >= 1 && err.column >= 1 && err.message.startsWith(`${NOTEBOOK_SOURCE}:`));
  }
  // Nothing is lost or changed by saving: written, read back and written again, the text is the same.
  let written: string;
  try {
    written = serializeNotebook(data);
    const again = serializeNotebook(decodeNotebook(new TextEncoder().encode(written), NOTEBOOK_SOURCE));
    if (again !== written) return { status: 'unclear', message: 'saving the notebook a second time changes its text' };
  } catch (e) {
    return { status: 'unclear', message: `the notebook as lcnb writes it cannot be read back: ${(e as Error).message}` };
  }
  let firstError: CaseResult | undefined;
  for (const cell of data.cells) {
    if (cell.kind !== NotebookCellKind.Code || cell.languageId !== LCNB_LANGUAGE) continue;
    const result = await runCell(cell.value);
    if (result.status === 'unclear') return { status: 'unclear', message: `cell ${data.cells.indexOf(cell) + 1}: ${result.message}` };
    if (result.status === 'error') firstError ??= result;
  }
  return firstError ?? { status: 'ok' };
}

export function runCase(format: Format, bytes: Uint8Array): Promise<CaseResult> | CaseResult {
  return format === 'onnx' ? runOnnx(bytes) : runNotebook(bytes);
}
