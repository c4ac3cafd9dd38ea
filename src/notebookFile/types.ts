/**
 * The `.lcnb` notebook file format (docs/notebook-format.md): the plain `NotebookDocumentData`
 * shaped like VS Code's `NotebookData`, its constants and its error. No `vscode` import, so the
 * serializer, `lcnb run` and the unit tests share one reader (read.ts) and one writer (write.ts).
 */
/** The format version this reader reads and this writer writes. */
export const LCNB_VERSION = 1;
/** Language id of code cells. */
export const LCNB_LANGUAGE = 'lcnb';
export const MARKDOWN_LANGUAGE = 'markdown';
/**
 * Key, in the metadata of the notebook, of a cell and of an output, under which fields of the file
 * that this version does not know are kept (an `UnknownField[]`), to be written back in place.
 */
export const UNKNOWN_FIELDS_KEY = 'lcnb.unknownFields';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Same names and numbers as `vscode.NotebookCellKind`. */
export enum NotebookCellKind {
  Markup = 1,
  Code = 2,
}

export interface NotebookCellOutputItem {
  mime: string;
  data: Uint8Array;
}

export interface NotebookCellOutput {
  items: NotebookCellOutputItem[];
  metadata?: { [key: string]: any };
}

export interface NotebookCellExecutionSummary {
  executionOrder?: number;
  success?: boolean;
  /** Milliseconds since the epoch. */
  timing?: { startTime: number; endTime: number };
}

export interface NotebookCellData {
  kind: NotebookCellKind;
  value: string;
  languageId: string;
  outputs?: NotebookCellOutput[];
  metadata?: { [key: string]: any };
  executionSummary?: NotebookCellExecutionSummary;
}

export interface NotebookDocumentData {
  cells: NotebookCellData[];
  metadata?: { [key: string]: any };
}

/**
 * A field of the file that this version does not know. `at` is the path from the object that owns
 * the metadata (notebook, cell or output) to the object holding the field — absent for that object
 * itself, `["execution"]` in a cell, `["items", 2]` in an output. `after` is the known field it
 * followed in the file (null: before every known field), so that it is written back in place.
 */
export interface UnknownField {
  key: string;
  value: JsonValue;
  after: string | null;
  at?: (string | number)[];
}

/** A file that is not a readable `.lcnb` notebook, with the 1-based line and column of the problem. */
export class NotebookFormatError extends Error {
  constructor(
    /** The problem, without its location. */
    readonly reason: string,
    readonly line: number,
    /** 1-based, in UTF-16 code units as editors count them. */
    readonly column: number,
    readonly source?: string,
  ) {
    super(
      source === undefined
        ? `cannot open .lcnb notebook: line ${line}, column ${column}: ${reason}`
        : `${source}:${line}:${column}: ${reason}`,
    );
    this.name = 'NotebookFormatError';
  }
}

export function emptyNotebook(): NotebookDocumentData {
  return { cells: [], metadata: {} };
}

const TEXT_MIMES = new Set([
  'application/json',
  'application/javascript',
  'application/xml',
  'application/yaml',
  'application/x-yaml',
  'application/vnd.code.notebook.stdout',
  'application/vnd.code.notebook.stderr',
  'application/vnd.code.notebook.error',
]);

/** Whether output items of this mime are written as a UTF-8 string (when their bytes are valid UTF-8). */
export function isTextMime(mime: string): boolean {
  const base = mime.split(';')[0].trim().toLowerCase();
  return base.startsWith('text/') || base.endsWith('+json') || base.endsWith('+xml') || TEXT_MIMES.has(base);
}

