/**
 * The cell text the palette commands put in the notebooks they open: written out in full (every
 * measurement setting named) so that re-running the saved notebook measures the same way.
 * VS Code-free, so a unit test can check that each one parses.
 */
import { isAbsolute, relative, sep } from 'node:path';
import type { MeasureSettings } from '../shared/measureSettings';

/** A cell value as YAML: plain when it reads back as the same string, else double-quoted (JSON is valid YAML). */
export function yamlValue(value: string): string {
  return /^[\w.\/-]+$/.test(value) && !/^[-.]/.test(value) ? value : JSON.stringify(value);
}

/**
 * The .onnx path a cell written for `file` holds: relative to `baseDir` (the folder the cell's
 * paths resolve against) when the file is inside it, else absolute. Forward slashes either way.
 */
export function cellFilePath(file: string, baseDir: string | undefined): string {
  const inside = baseDir !== undefined ? relative(baseDir, file) : '';
  const written = inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file;
  return written.split(sep).join('/');
}

/** `input:` lines of a cell on an .onnx file: one shape (key '') or one per input name. */
export function inputLines(shapes: Readonly<Record<string, readonly number[]>> | undefined): string[] {
  const entries = Object.entries(shapes ?? {});
  if (entries.length === 0) return [];
  const list = (shape: readonly number[]) => `[${shape.join(', ')}]`;
  if (entries.length === 1 && entries[0][0] === '') return [`input: ${list(entries[0][1])}`];
  return ['input:', ...entries.map(([name, shape]) => `  ${yamlValue(name)}: ${list(shape)}`)];
}

/** A `profile:` cell for a zoo model id or an .onnx file's path (with the input shapes the file needs). */
export function profileCellText(id: string, s: MeasureSettings, inputShapes?: Readonly<Record<string, readonly number[]>>): string {
  return [`profile: ${yamlValue(id)}`, ...inputLines(inputShapes), `runs: ${s.runs}`, `warmup: ${s.warmup}`, `threads: ${s.threads}`, `provider: ${s.provider}`, `opt: ${s.optimization}`].join('\n');
}

/** A `compare:` cell; `measure` false counts only (profile: false). */
export function compareCellText(ids: readonly string[], measure: MeasureSettings | false): string {
  const profile = measure
    ? `{ runs: ${measure.runs}, warmup: ${measure.warmup}, threads: ${measure.threads}, provider: ${measure.provider}, opt: ${measure.optimization} }`
    : 'false';
  return ['compare:', '  models:', ...ids.map((id) => `    - ${id}`), `  profile: ${profile}`].join('\n');
}

/** The first cell of a new notebook: a model to look at, with what to try next in comments. */
export const STARTER_CELL = [
  '# One verb per cell: model, network, compare, profile, sweep, export.',
  '# Hover a model id for its totals; Ctrl+Space lists the zoo. Pick a kernel (top right) and run.',
  'model: mobilenet_v3_small_x1_0',
  'resolution: 224',
].join('\n');
