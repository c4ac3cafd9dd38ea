/**
 * The .onnx files a cell names, checked while it is typed: a path that does not resolve to a
 * readable file is reported at the path, before the cell runs. VS Code-free and without I/O of its
 * own: the caller passes how to look at a file (the editor stats it; tests pass their own).
 */
import { resolve } from 'node:path';
import { DeclaredTensor, InputShapeNeeded, inputShapesOf, shapeTemplate } from '../onnx/reader';
import { Cell, compareModels, ModelRef } from './cells';
import { Diagnostic } from './types';

/** What is at a path, as far as reading an .onnx file from it goes. */
export type FileState =
  /** `inputs`: the file's data inputs as declared, when the probe read its header. */
  | { readonly kind: 'file'; readonly inputs?: readonly DeclaredTensor[] }
  | { readonly kind: 'missing' }
  | { readonly kind: 'not-a-file' }
  /** `reason`: the system's code (EACCES, …). */
  | { readonly kind: 'unreadable'; readonly reason: string };

/** Looks at an absolute path; never rejects. */
export type FileProbe = (path: string) => Promise<FileState>;

/** A path a cell wrote, resolved against the folder its notebook's paths resolve against (an absolute path stays as it is). */
export function resolveCellPath(baseDir: string, written: string): string {
  return resolve(baseDir, written);
}

/** The models of a cell that name .onnx files (model:, profile: and compare: take them). */
export function onnxFileRefs(cell: Cell): readonly ModelRef[] {
  switch (cell.verb) {
    case 'model':
      return cell.model.file ? [cell.model] : [];
    case 'compare':
      return compareModels(cell).filter((m) => m.file);
    case 'profile':
      return cell.target.kind === 'model' && cell.target.model.file ? [cell.target.model] : [];
    default:
      return [];
  }
}

/** What a cell that reads `path` would fail with, or undefined when the file is there to read. */
export function fileProblem(path: string, state: FileState): string | undefined {
  switch (state.kind) {
    case 'file':
      return undefined;
    case 'missing':
      return `file not found: ${path}`;
    case 'not-a-file':
      return `${path} is not a file`;
    case 'unreadable':
      return `cannot read ${path}: ${state.reason}`;
  }
}

/**
 * Why the cell's `input:` does not fit the file's declared inputs (or is missing where the file
 * leaves a dimension open), at the input (or at the path when there is none); undefined when fine.
 */
export function inputShapeDiagnostic(ref: ModelRef, inputs: readonly DeclaredTensor[]): Diagnostic | undefined {
  try {
    inputShapesOf({ inputs }, ref.inputShapes ?? {}, ref.id, []);
    return undefined;
  } catch (e) {
    if (!(e instanceof InputShapeNeeded)) throw e;
    const message = ref.inputShapes || e.inputs.length !== 1 ? e.message : `${e.message} with input: [${shapeTemplate(e.inputs[0].dims).join(', ')}] (numbers for the names)`;
    return { message, severity: 'error', range: ref.inputShapes && ref.ranges.input ? ref.ranges.input : ref.range };
  }
}

/** An error at each .onnx path of `cell` that is not a readable file under `baseDir`, or whose input shape is missing or wrong. */
export async function onnxFileDiagnostics(cell: Cell, baseDir: string, probe: FileProbe): Promise<Diagnostic[]> {
  const refs = onnxFileRefs(cell);
  const states = await Promise.all(refs.map((m) => probe(resolveCellPath(baseDir, m.id))));
  return refs.flatMap((m, i) => {
    const state = states[i];
    const message = fileProblem(resolveCellPath(baseDir, m.id), state);
    if (message) return [{ message, severity: 'error' as const, range: m.range }];
    const shape = state.kind === 'file' && state.inputs ? inputShapeDiagnostic(m, state.inputs) : undefined;
    return shape ? [shape] : [];
  });
}

/** Paths remembered at most: typing a path leaves a state for each finished .onnx name. */
const MAX_REMEMBERED = 256;

/**
 * File states remembered for `ttlMs`, so that validating every cell of a notebook looks at each
 * file once; `clear` forgets them when files change.
 */
export class FileStateCache {
  private readonly entries = new Map<string, { at: number; state: Promise<FileState> }>();

  constructor(
    private readonly probe: FileProbe,
    private readonly ttlMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  readonly get: FileProbe = (path) => {
    const hit = this.entries.get(path);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.state;
    const state = this.probe(path);
    if (this.entries.size >= MAX_REMEMBERED) this.entries.clear();
    this.entries.set(path, { at: this.now(), state });
    return state;
  };

  clear(): void {
    this.entries.clear();
  }
}
