/**
 * Messages between the .onnx editor's host side and its webview (media/onnxEditor). Types, plus the
 * check of what the webview sends: the host acts only on messages of the shapes below. VS Code-free.
 */
import type { Graph } from '../core/ir';
import type { ModelSummary } from '../core/summary';
import type { DiagramGraph } from '../run/reportTypes';
import type { ModelProfile } from '../../kernels/host/profileTypes';
import type { DeclaredTensor, OnnxHeader } from '../onnx/header';

export type { DeclaredTensor };

/* Parse worker → host (parseStages.ts, parseWorker.ts, parseClient.ts). */

/** Shapes for data inputs, by input name. */
export type InputShapes = Readonly<Record<string, readonly number[]>>;

/** What the file declares (the reader's header), with the file's name: read before (and even without) its graph. */
export interface FileHeader extends OnnxHeader {
  readonly fileName: string;
}

/** What reading the graph found, beside its costs. */
export interface OnnxReadFacts {
  /** Ops in lcnb's graph (shape computations evaluated while reading are not among them). */
  readonly nodes: number;
  /** Nodes that only computed shapes and were evaluated while reading. */
  readonly evaluatedNodes: number;
  /** Data inputs as declared, with the shapes they were read with. */
  readonly inputs: readonly (DeclaredTensor & { readonly shape: readonly number[] })[];
  /** Graph outputs with the shapes lcnb inferred (an unresolved one has none). */
  readonly outputs: readonly { readonly name: string; readonly shape?: readonly number[] }[];
  /** The reader's notes: a symbolic batch read as 1, int8 tensors, nodes left unresolved … */
  readonly notes: readonly string[];
  /** lcnb.* metadata of files lcnb exported. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Tensors whose shapes only a run can tell (the outputs of unresolved nodes). */
  readonly unresolvedTensors: readonly string[];
}

/**
 * What the parser posts, in this order: header, then read, summary, diagram and done; `error`
 * (the file cannot be read) or `shapeNeeded` (it can, given input shapes) end it early.
 */
export type ParseMessage =
  | { readonly type: 'header'; readonly header: FileHeader; readonly ms: number }
  | { readonly type: 'read'; readonly read: OnnxReadFacts; readonly ms: number }
  | { readonly type: 'summary'; readonly summary: ModelSummary; readonly ms: number }
  /** `graph` is lcnb's IR, kept by the host to attribute a profile's times to the nodes. */
  | { readonly type: 'diagram'; readonly diagram: DiagramGraph; readonly graph: Graph; readonly ms: number }
  /**
   * A data input has a dimension the file leaves open: the reader's message (without the file's
   * path in front) and every data input as declared.
   */
  | { readonly type: 'shapeNeeded'; readonly message: string; readonly inputs: readonly DeclaredTensor[] }
  | { readonly type: 'error'; readonly message: string }
  | { readonly type: 'done'; readonly ms: number };

export interface ParseRequest {
  /** Absolute path of the .onnx file. */
  readonly path: string;
  /** Shapes for data inputs the file leaves symbolic, by input name. */
  readonly inputShapes?: InputShapes;
  /** Shapes of intermediate tensors measured by one onnxruntime run. */
  readonly knownShapes?: Readonly<Record<string, readonly number[]>>;
}

/* Host ↔ webview. */

export const EXPORT_FORMATS = ['csv', 'json', 'markdown', 'netron'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Webview → host. */
export type EditorRequest =
  /** The webview's script is running: send everything known so far. */
  | { readonly type: 'ready' }
  | { readonly type: 'profile' }
  | { readonly type: 'cancelProfile' }
  | { readonly type: 'export'; readonly format: ExportFormat }
  /** Read the file again with these input shapes (and remember them for this file). */
  | { readonly type: 'inputShapes'; readonly shapes: InputShapes };

/**
 * Host → webview. Parse stages arrive in order: file, reading, header, then read, summary and
 * diagram — or shapeNeeded or parseError. A new input shape starts again from `reading`.
 */
export type EditorUpdate =
  | { readonly type: 'file'; readonly name: string; readonly sizeBytes: number; readonly trusted: boolean; readonly profileSettings: string }
  /**
   * A read starts: what the page showed of an earlier read (totals, tables, diagram, profile) is
   * gone. `inputShapes` are the shapes it reads with (none: as declared); `remembered`: they are
   * the ones last applied to this file, from the workspace's state.
   */
  | { readonly type: 'reading'; readonly inputShapes: InputShapes; readonly remembered: boolean }
  | { readonly type: 'header'; readonly header: FileHeader; readonly ms: number }
  | { readonly type: 'read'; readonly read: OnnxReadFacts; readonly ms: number }
  | { readonly type: 'summary'; readonly summary: ModelSummary; readonly ms: number }
  | { readonly type: 'diagram'; readonly diagram: DiagramGraph; readonly ms: number }
  /** The file needs an input shape, or the one given does not fit it (see ParseMessage). */
  | { readonly type: 'shapeNeeded'; readonly message: string; readonly inputs: readonly DeclaredTensor[] }
  | { readonly type: 'parseError'; readonly message: string }
  | { readonly type: 'trust'; readonly trusted: boolean }
  /** The lcnb.* settings changed: what Profile will use now. */
  | { readonly type: 'profileSettings'; readonly text: string }
  | { readonly type: 'profileProgress'; readonly text: string }
  | { readonly type: 'profileResult'; readonly profile: ModelProfile }
  | { readonly type: 'profileError'; readonly message: string; readonly cancelled: boolean }
  /** The outcome of an export, or why it could not run. */
  | { readonly type: 'notice'; readonly text: string; readonly level: 'info' | 'error' };

const SIMPLE_REQUESTS = new Set(['ready', 'profile', 'cancelProfile']);

/** Limits on input shapes from the webview or the workspace state: more is not a real model. */
export const SHAPE_LIMITS = { inputs: 64, rank: 16, dim: 2 ** 31 - 1, name: 4096 } as const;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/**
 * `value` as input shapes, or undefined when it is not: a plain object of at most 64 inputs, each
 * name a string, each shape 1 to 16 positive whole numbers below 2^31.
 */
export function checkInputShapes(value: unknown): InputShapes | undefined {
  if (!isPlainObject(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length > SHAPE_LIMITS.inputs) return undefined;
  const shapes: [string, number[]][] = [];
  for (const [name, shape] of entries) {
    if (name.length > SHAPE_LIMITS.name || !Array.isArray(shape) || shape.length === 0 || shape.length > SHAPE_LIMITS.rank) return undefined;
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 1 && d <= SHAPE_LIMITS.dim)) return undefined;
    shapes.push([name, [...(shape as number[])]]);
  }
  // fromEntries defines each name as an own property, '__proto__' included.
  return Object.fromEntries(shapes);
}

/**
 * The request `value` is, or undefined when it is not one: anything but a plain object of a known
 * type with exactly the fields that type has.
 */
export function checkEditorRequest(value: unknown): EditorRequest | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields = value as Record<string, unknown>;
  const keys = Object.keys(fields);
  const type = fields.type;
  if (typeof type !== 'string') return undefined;
  if (SIMPLE_REQUESTS.has(type)) return keys.length === 1 ? ({ type } as EditorRequest) : undefined;
  if (type === 'export') {
    const format = fields.format;
    if (keys.length !== 2 || typeof format !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(format)) return undefined;
    return { type, format: format as ExportFormat };
  }
  if (type === 'inputShapes') {
    if (keys.length !== 2 || !('shapes' in fields)) return undefined;
    const shapes = checkInputShapes(fields.shapes);
    return shapes && Object.keys(shapes).length ? { type, shapes } : undefined;
  }
  return undefined;
}
