/** Writing `.lcnb` files (docs/notebook-format.md): a `NotebookDocumentData` to JSON text, with a stable key order. */
import { REPORT_MIME } from '../run/reportTypes';
import { packReportText } from './reportPacking';
import {
  isTextMime, LCNB_LANGUAGE, LCNB_VERSION, MARKDOWN_LANGUAGE, NotebookCellData, NotebookCellExecutionSummary,
  NotebookCellKind, NotebookCellOutput, NotebookCellOutputItem, NotebookDocumentData, UNKNOWN_FIELDS_KEY,
  UnknownField,
} from './types';

/** One space per level, as .ipynb files are indented. */
const INDENT = ' ';

/** An object whose keys are written in exactly this order (plain objects put integer-like keys first). */
class Ordered {
  constructor(readonly entries: [string, unknown][]) {}
}

function print(value: unknown, indent: string): string {
  const inner = indent + INDENT;
  if (value instanceof Ordered) {
    if (value.entries.length === 0) return '{}';
    const lines = value.entries.map(([key, v]) => `${inner}${JSON.stringify(key)}: ${print(v, inner)}`);
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  if (Array.isArray(value) && value.some((v) => v instanceof Ordered)) {
    return `[\n${value.map((v) => inner + print(v, inner)).join(',\n')}\n${indent}]`;
  }
  const json = JSON.stringify(value, null, INDENT) ?? 'null';
  return json.replace(/\n/g, `\n${indent}`);
}

/** The unknown fields of `metadata` for the object at `at`, well-formed ones only. */
function unknownAt(metadata: { [key: string]: any } | undefined, at: (string | number)[]): UnknownField[] {
  const all = metadata?.[UNKNOWN_FIELDS_KEY];
  if (!Array.isArray(all)) return [];
  const where = JSON.stringify(at);
  return all.filter(
    (f): f is UnknownField =>
      typeof f === 'object' &&
      f !== null &&
      typeof f.key === 'string' &&
      f.value !== undefined &&
      (f.after === null || f.after === undefined || typeof f.after === 'string') &&
      JSON.stringify(Array.isArray(f.at) ? f.at : []) === where,
  );
}

function withoutUnknown(metadata: { [key: string]: any } | undefined): { [key: string]: any } {
  const { [UNKNOWN_FIELDS_KEY]: _, ...rest } = metadata ?? {};
  return rest;
}

/**
 * Known fields in their canonical order (undefined: absent), with the unknown fields placed after
 * the known field they followed in the file; a field whose predecessor is absent goes where it would be.
 */
function ordered(known: [string, unknown][], unknown: UnknownField[]): Ordered {
  const present = new Set(known.filter(([, v]) => v !== undefined).map(([k]) => k));
  const placed = new Set<string>();
  const entries: [string, unknown][] = [];
  const place = (anchor: string | null) => {
    for (const field of unknown) {
      if ((field.after ?? null) !== anchor || present.has(field.key) || placed.has(field.key)) continue;
      placed.add(field.key);
      entries.push([field.key, field.value]);
    }
  };
  place(null);
  for (const [key, value] of known) {
    if (value !== undefined) entries.push([key, value]);
    place(key);
  }
  for (const field of unknown) {
    if (!present.has(field.key) && !placed.has(field.key)) {
      placed.add(field.key);
      entries.push([field.key, field.value]);
    }
  }
  return new Ordered(entries);
}

function nonEmpty(metadata: { [key: string]: any }): { [key: string]: any } | undefined {
  return Object.keys(metadata).length > 0 ? metadata : undefined;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function itemEntries(item: NotebookCellOutputItem, unknown: UnknownField[]): Ordered {
  let text: string | undefined;
  if (isTextMime(item.mime)) {
    try {
      text = strictUtf8.decode(item.data);
    } catch {
      text = undefined;
    }
  }
  const bytes = item.data;
  if (text !== undefined && item.mime === REPORT_MIME) text = packReportText(text);
  return ordered(
    [
      ['mime', item.mime],
      ['encoding', text === undefined ? 'base64' : undefined],
      ['data', text ?? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')],
    ],
    unknown,
  );
}

function outputEntries(output: NotebookCellOutput): Ordered {
  const items = output.items.map((item, i) => itemEntries(item, unknownAt(output.metadata, ['items', i])));
  return ordered(
    [
      ['metadata', nonEmpty(withoutUnknown(output.metadata))],
      ['items', items],
    ],
    unknownAt(output.metadata, []),
  );
}

function executionEntries(summary: NotebookCellExecutionSummary | undefined, unknown: UnknownField[]): Ordered | undefined {
  const known: [string, unknown][] = [
    ['order', summary?.executionOrder],
    ['success', summary?.success],
    ['startTime', summary?.timing?.startTime],
    ['endTime', summary?.timing?.endTime],
  ];
  if (known.every(([, v]) => v === undefined)) return unknown.length > 0 && summary ? ordered(known, unknown) : undefined;
  return ordered(known, unknown);
}

function cellEntries(cell: NotebookCellData): Ordered {
  const code = cell.kind === NotebookCellKind.Code;
  return ordered(
    [
      ['kind', code ? 'code' : 'markdown'],
      ['language', cell.languageId || (code ? LCNB_LANGUAGE : MARKDOWN_LANGUAGE)],
      ['metadata', nonEmpty(withoutUnknown(cell.metadata))],
      ['source', cell.value],
      ['execution', code ? executionEntries(cell.executionSummary, unknownAt(cell.metadata, ['execution'])) : undefined],
      ['outputs', code ? (cell.outputs ?? []).map(outputEntries) : undefined],
    ],
    unknownAt(cell.metadata, []),
  );
}

/**
 * Writes the canonical text of a notebook: fixed key order, one-space indentation, `\n` line
 * ends and a final newline, so that reading and writing it again gives the same text.
 */
export function serializeNotebook(data: NotebookDocumentData): string {
  const top = ordered(
    [
      ['lcnb', LCNB_VERSION],
      ['metadata', withoutUnknown(data.metadata)],
      ['cells', data.cells.map(cellEntries)],
    ],
    unknownAt(data.metadata, []),
  );
  return `${print(top, '')}\n`;
}

export function encodeNotebook(data: NotebookDocumentData): Uint8Array {
  return new TextEncoder().encode(serializeNotebook(data));
}
