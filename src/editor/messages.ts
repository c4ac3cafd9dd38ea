/**
 * Messages between the .onnx editor's host side and its webview (media/onnxEditor). Types, plus the
 * check of what the webview sends: the host acts only on messages of the shapes below. VS Code-free.
 */
import type { Graph } from '../core/ir';
import type { ModelSummary } from '../core/summary';
import type { DiagramGraph } from '../run/report';
import type { ModelProfile } from '../../kernels/profileTypes';

/* Parse worker → host (parseStages.ts, parseWorker.ts, parseClient.ts). */

export interface OnnxHeader {
  readonly fileName: string;
  readonly graphName: string;
  readonly opset: number;
  readonly producer: string;
  readonly inputs: readonly { readonly name: string; readonly shape: readonly number[] }[];
  readonly outputs: readonly { readonly name: string; readonly shape: readonly number[] }[];
  /** Ops in lcnb's graph (shape computations evaluated while reading are not among them). */
  readonly nodes: number;
  /** Nodes that only computed shapes and were evaluated while reading. */
  readonly evaluatedNodes: number;
  /** lcnb.* metadata of files lcnb exported. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** What the parser posts, in this order; `error` ends it early, `done` ends it. */
export type ParseMessage =
  | { readonly type: 'header'; readonly header: OnnxHeader; readonly ms: number }
  | { readonly type: 'summary'; readonly summary: ModelSummary; readonly ms: number }
  /** `graph` is lcnb's IR, kept by the host to attribute a profile's times to the nodes. */
  | { readonly type: 'diagram'; readonly diagram: DiagramGraph; readonly graph: Graph; readonly ms: number }
  | { readonly type: 'error'; readonly message: string }
  | { readonly type: 'done'; readonly ms: number };

export interface ParseRequest {
  /** Absolute path of the .onnx file. */
  readonly path: string;
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
  | { readonly type: 'export'; readonly format: ExportFormat };

/** Host → webview. Parse stages arrive in order: file, header, summary, diagram (or parseError). */
export type EditorUpdate =
  | { readonly type: 'file'; readonly name: string; readonly sizeBytes: number; readonly trusted: boolean; readonly profileSettings: string }
  | { readonly type: 'header'; readonly header: OnnxHeader; readonly ms: number }
  | { readonly type: 'summary'; readonly summary: ModelSummary; readonly ms: number }
  | { readonly type: 'diagram'; readonly diagram: DiagramGraph; readonly ms: number }
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
  return undefined;
}
