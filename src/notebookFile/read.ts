/** Reading `.lcnb` files (docs/notebook-format.md): JSON text to a `NotebookDocumentData`, or a `NotebookFormatError`. */
// The ESM build: esbuild cannot follow the requires inside jsonc-parser's UMD build (its `main`).
import { Node, ParseError, ParseErrorCode, parseTree } from 'jsonc-parser/lib/esm/main';
import { REPORT_MIME } from '../run/reportTypes';
import { unpackReportText } from './reportPacking';
import {
  emptyNotebook, JsonValue, LCNB_LANGUAGE, LCNB_VERSION, MARKDOWN_LANGUAGE, NotebookCellData,
  NotebookCellExecutionSummary, NotebookCellKind, NotebookCellOutput, NotebookDocumentData,
  NotebookFormatError, UNKNOWN_FIELDS_KEY, UnknownField,
} from './types';

/** Reads a `.lcnb` file's bytes (UTF-8, a BOM allowed). Zero bytes is a new, empty notebook. */
export function decodeNotebook(bytes: Uint8Array, source?: string): NotebookDocumentData {
  if (bytes.length === 0) return emptyNotebook();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, bad.start));
    const { line, column } = new Locator(before).at(before.length);
    const shown = Array.from(bytes.subarray(bad.start, bad.end + 1), (b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`);
    throw new NotebookFormatError(
      `the file is not valid UTF-8: invalid byte sequence ${shown.join(' ')} at byte offset ${bad.start}`,
      line,
      column,
      source,
    );
  }
  return parseNotebook(text, source);
}

/** The first invalid UTF-8 sequence: from its first byte to the byte that makes it invalid. */
function firstInvalidUtf8(bytes: Uint8Array): { start: number; end: number } {
  // A streaming decode of a prefix fails exactly when the prefix holds an invalid sequence.
  let valid = 0;
  let hi = bytes.length;
  while (valid < hi) {
    const mid = (valid + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      valid = mid;
    } catch {
      hi = mid - 1;
    }
  }
  const end = Math.min(valid, bytes.length - 1);
  // The bad byte may end a sequence that an earlier lead byte began.
  for (let k = end - 1; k >= Math.max(0, end - 3); k--) {
    const b = bytes[k];
    if (b < 0x80) break;
    if (b >= 0xc0) {
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return { start: k + length > end ? k : end, end };
    }
  }
  return { start: end, end };
}

/**
 * Parses the text of a `.lcnb` file. Empty (or whitespace-only) text is a new, empty notebook.
 * Throws `NotebookFormatError` naming the first problem and where it is; `source` (a file name)
 * prefixes the message.
 */
export function parseNotebook(text: string, source?: string): NotebookDocumentData {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (/^[ \t\r\n]*$/.test(text)) return emptyNotebook();
  return new Reader(text, source).notebook();
}

class Locator {
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.lineStarts.push(i + 1);
    }
  }

  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] + 1 };
  }
}

const SYNTAX_MESSAGES: Partial<Record<ParseErrorCode, string>> = {
  [ParseErrorCode.InvalidSymbol]: 'unexpected character',
  [ParseErrorCode.InvalidNumberFormat]: 'invalid number',
  [ParseErrorCode.PropertyNameExpected]: 'expected a property name in double quotes',
  [ParseErrorCode.ValueExpected]: 'expected a value',
  [ParseErrorCode.ColonExpected]: "expected ':' after the property name",
  [ParseErrorCode.CommaExpected]: "expected ',' or a closing bracket",
  [ParseErrorCode.CloseBraceExpected]: "expected '}' to close the object",
  [ParseErrorCode.CloseBracketExpected]: "expected ']' to close the array",
  [ParseErrorCode.EndOfFileExpected]: 'unexpected text after the end of the JSON value',
  [ParseErrorCode.InvalidCommentToken]: 'comments are not allowed in JSON',
  [ParseErrorCode.UnexpectedEndOfComment]: 'comments are not allowed in JSON',
  [ParseErrorCode.UnexpectedEndOfString]: 'unterminated string',
  [ParseErrorCode.UnexpectedEndOfNumber]: 'incomplete number',
  [ParseErrorCode.InvalidUnicode]: 'invalid \\u escape in a string',
  [ParseErrorCode.InvalidEscapeCharacter]: 'invalid escape in a string',
  [ParseErrorCode.InvalidCharacter]: 'control characters in a string must be escaped (\\n, \\t, \\u0000)',
};

/** Deepest nesting of objects and arrays read (notebook metadata is the only place that nests freely). */
const MAX_DEPTH = 512;

const NOTEBOOK_KEYS = ['lcnb', 'metadata', 'cells'] as const;
const CELL_KEYS = ['kind', 'language', 'metadata', 'source', 'execution', 'outputs'] as const;
const EXECUTION_KEYS = ['order', 'success', 'startTime', 'endTime'] as const;
const OUTPUT_KEYS = ['metadata', 'items'] as const;
const ITEM_KEYS = ['mime', 'encoding', 'data'] as const;

type Path = string;

function child(path: Path, key: string | number): Path {
  if (typeof key === 'number') return `${path}[${key}]`;
  const name = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
  if (name !== key) return `${path}[${name}]`;
  return path ? `${path}.${key}` : key;
}

function describe(node: Node): string {
  switch (node.type) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string': {
      const s = JSON.stringify(node.value);
      return s.length > 40 ? `the string ${s.slice(0, 37)}..."` : `the string ${s}`;
    }
    case 'number':
      return `the number ${node.value}`;
    case 'boolean':
      return String(node.value);
    default:
      return 'null';
  }
}

/** The properties of an object node, in file order. */
interface Fields {
  node: Node;
  path: Path;
  map: Map<string, { key: Node; value: Node }>;
  order: string[];
}

/** The value of a node, with plain objects (jsonc-parser's own `getNodeValue` makes null-prototype ones). */
function jsonValue(node: Node): JsonValue {
  switch (node.type) {
    case 'object':
      // fromEntries makes own properties, so a "__proto__" key stays data.
      return Object.fromEntries(
        (node.children ?? []).flatMap((prop) => {
          const [key, value] = prop.children ?? [];
          return value ? [[key.value as string, jsonValue(value)]] : [];
        }),
      );
    case 'array':
      return (node.children ?? []).map(jsonValue);
    default:
      return node.value as JsonValue;
  }
}

class Reader {
  private readonly locator: Locator;

  constructor(
    private readonly text: string,
    private readonly source: string | undefined,
  ) {
    this.locator = new Locator(text);
  }

  private fail(offset: number, reason: string): never {
    const { line, column } = this.locator.at(offset);
    throw new NotebookFormatError(reason, line, column, this.source);
  }

  notebook(): NotebookDocumentData {
    this.checkDepth();
    const errors: ParseError[] = [];
    const root = parseTree(this.text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    if (errors.length > 0) this.syntaxError(errors[0], root);
    if (!root) return this.fail(0, 'expected a value');
    this.checkDuplicates(root, '');

    if (root.type !== 'object') {
      this.fail(root.offset, `the file must hold a JSON object ({ "lcnb": ${LCNB_VERSION}, "cells": [...] }), found ${describe(root)}`);
    }
    const top = this.fields(root, '');
    const version = top.map.get('lcnb')?.value;
    if (!version) this.fail(root.offset, `"lcnb" (the format version) is missing: an .lcnb notebook starts with { "lcnb": ${LCNB_VERSION}, ... }`);
    if (version.type !== 'number' || !Number.isInteger(version.value) || version.value < 1) {
      this.fail(version.offset, `lcnb must be a positive integer (the format version), found ${describe(version)}`);
    }
    if (version.value > LCNB_VERSION) {
      this.fail(
        version.offset,
        `this file is .lcnb format version ${version.value}, and this lcnb reads format version ${LCNB_VERSION}; update lcnb to open it`,
      );
    }
    const metadata = this.metadata(top, 'metadata');
    const cellsNode = top.map.get('cells')?.value;
    if (!cellsNode) this.fail(root.offset, 'cells is missing: an .lcnb notebook has a "cells" array (it may be empty)');
    if (cellsNode.type !== 'array') this.fail(cellsNode.offset, `cells must be an array, found ${describe(cellsNode)}`);
    const cells = (cellsNode.children ?? []).map((node, i) => this.cell(node, child('cells', i)));
    return { cells, metadata: withUnknown(metadata, this.unknown(top, NOTEBOOK_KEYS)) };
  }

  /** Nesting deeper than MAX_DEPTH is refused before parsing: the parser and the readers recurse. */
  private checkDepth(): void {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < this.text.length; i++) {
      const c = this.text.charCodeAt(i);
      if (inString) {
        if (c === 0x5c) i++;
        else if (c === 0x22) inString = false;
      } else if (c === 0x22) inString = true;
      else if (c === 0x5b || c === 0x7b) {
        if (++depth > MAX_DEPTH) this.fail(i, `objects and arrays nested more than ${MAX_DEPTH} levels deep`);
      } else if (c === 0x5d || c === 0x7d) depth--;
    }
  }

  private syntaxError(error: ParseError, root: Node | undefined): never {
    let reason = SYNTAX_MESSAGES[error.error] ?? 'invalid JSON';
    if (root && error.offset < this.text.length && error.offset >= root.offset + root.length) reason = SYNTAX_MESSAGES[ParseErrorCode.EndOfFileExpected]!;
    const at = this.text[error.offset];
    if (error.error === ParseErrorCode.PropertyNameExpected || error.error === ParseErrorCode.ValueExpected) {
      const before = this.text.slice(0, error.offset).trimEnd();
      if (before.endsWith(',') && (at === '}' || at === ']')) reason = 'trailing commas are not allowed in JSON';
    }
    if (error.error === ParseErrorCode.InvalidSymbol && at === "'") reason = 'JSON strings and property names use double quotes';
    if (error.offset >= this.text.length && error.error !== ParseErrorCode.EndOfFileExpected) reason = `unexpected end of file: ${reason}`;
    return this.fail(error.offset, `invalid JSON: ${reason}`);
  }

  /** Duplicate keys would silently lose all but one value, so they are an error wherever they are. */
  private checkDuplicates(node: Node, path: Path): void {
    if (node.type === 'object') {
      const seen = new Set<string>();
      for (const prop of node.children ?? []) {
        const [key, value] = prop.children ?? [];
        const name = key.value as string;
        if (seen.has(name)) this.fail(key.offset, `duplicate key ${JSON.stringify(name)} in ${path || 'the top-level object'}`);
        seen.add(name);
        if (value) this.checkDuplicates(value, child(path, name));
      }
    } else if (node.type === 'array') {
      (node.children ?? []).forEach((item, i) => this.checkDuplicates(item, child(path, i)));
    }
  }

  private fields(node: Node, path: Path): Fields {
    const map = new Map<string, { key: Node; value: Node }>();
    const order: string[] = [];
    for (const prop of node.children ?? []) {
      const [key, value] = prop.children ?? [];
      map.set(key.value as string, { key, value });
      order.push(key.value as string);
    }
    return { node, path, map, order };
  }

  private object(node: Node, path: Path): Fields {
    if (node.type !== 'object') this.fail(node.offset, `${path} must be an object, found ${describe(node)}`);
    return this.fields(node, path);
  }

  private unknown(fields: Fields, known: readonly string[], at?: (string | number)[]): UnknownField[] {
    const result: UnknownField[] = [];
    let after: string | null = null;
    for (const key of fields.order) {
      if (known.includes(key)) {
        after = key;
        continue;
      }
      const field: UnknownField = { key, value: jsonValue(fields.map.get(key)!.value), after };
      if (at) field.at = at;
      result.push(field);
    }
    return result;
  }

  private metadata(owner: Fields, key: string): { [key: string]: any } {
    const entry = owner.map.get(key);
    if (!entry) return {};
    const path = child(owner.path, key);
    const fields = this.object(entry.value, path);
    const reserved = fields.map.get(UNKNOWN_FIELDS_KEY);
    if (reserved) this.fail(reserved.key.offset, `${child(path, UNKNOWN_FIELDS_KEY)} is reserved: lcnb keeps the fields it does not know there`);
    return jsonValue(entry.value) as { [key: string]: JsonValue };
  }

  private string(node: Node, path: Path, what = 'a string'): string {
    if (node.type !== 'string') this.fail(node.offset, `${path} must be ${what}, found ${describe(node)}`);
    return node.value as string;
  }

  /** A string, or an array of strings joined without separators (as Jupyter writes sources). */
  private joined(node: Node, path: Path): string {
    if (node.type === 'array') {
      return (node.children ?? []).map((line, i) => this.string(line, child(path, i))).join('');
    }
    return this.string(node, path, 'a string or an array of strings');
  }

  private required(fields: Fields, key: string, hint: string): Node {
    const entry = fields.map.get(key);
    if (!entry) this.fail(fields.node.offset, `${child(fields.path, key)} is missing (${hint})`);
    return entry.value;
  }

  private cell(node: Node, path: Path): NotebookCellData {
    const fields = this.object(node, path);
    const kindNode = this.required(fields, 'kind', 'it must be "markdown" or "code"');
    if (kindNode.type !== 'string' || (kindNode.value !== 'markdown' && kindNode.value !== 'code')) {
      this.fail(kindNode.offset, `${child(path, 'kind')} must be "markdown" or "code", found ${describe(kindNode)}`);
    }
    const code = kindNode.value === 'code';
    const languageNode = fields.map.get('language')?.value;
    const languageId = languageNode ? this.string(languageNode, child(path, 'language')) : code ? LCNB_LANGUAGE : MARKDOWN_LANGUAGE;
    if (languageId === '') this.fail(languageNode!.offset, `${child(path, 'language')} must not be empty`);
    const value = this.joined(this.required(fields, 'source', 'the text of the cell, a string'), child(path, 'source'));
    const metadata = this.metadata(fields, 'metadata');
    const unknown = this.unknown(fields, CELL_KEYS);

    const cell: NotebookCellData = { kind: code ? NotebookCellKind.Code : NotebookCellKind.Markup, value, languageId };
    const outputsNode = fields.map.get('outputs')?.value;
    const executionNode = fields.map.get('execution')?.value;
    if (!code) {
      for (const [key, node] of [['outputs', outputsNode], ['execution', executionNode]] as const) {
        if (node) this.fail(fields.map.get(key)!.key.offset, `${child(path, key)}: a markdown cell has no ${key}`);
      }
    }
    if (outputsNode) {
      if (outputsNode.type !== 'array') this.fail(outputsNode.offset, `${child(path, 'outputs')} must be an array, found ${describe(outputsNode)}`);
      cell.outputs = (outputsNode.children ?? []).map((output, i) => this.output(output, child(child(path, 'outputs'), i)));
    } else if (code) {
      cell.outputs = [];
    }
    if (executionNode) {
      const execution = this.execution(executionNode, child(path, 'execution'));
      cell.executionSummary = execution.summary;
      unknown.push(...execution.unknown);
    }
    cell.metadata = withUnknown(metadata, unknown);
    return cell;
  }

  private execution(node: Node, path: Path): { summary: NotebookCellExecutionSummary; unknown: UnknownField[] } {
    const fields = this.object(node, path);
    const summary: NotebookCellExecutionSummary = {};
    const order = fields.map.get('order')?.value;
    if (order) {
      if (order.type !== 'number' || !Number.isInteger(order.value) || order.value < 0) {
        this.fail(order.offset, `${child(path, 'order')} must be a non-negative integer, found ${describe(order)}`);
      }
      summary.executionOrder = order.value;
    }
    const success = fields.map.get('success')?.value;
    if (success) {
      if (success.type !== 'boolean') this.fail(success.offset, `${child(path, 'success')} must be true or false, found ${describe(success)}`);
      summary.success = success.value;
    }
    const times = (['startTime', 'endTime'] as const).map((key) => {
      const value = fields.map.get(key)?.value;
      if (value && (value.type !== 'number' || value.value < 0)) {
        this.fail(value.offset, `${child(path, key)} must be milliseconds since the epoch (a non-negative number), found ${describe(value)}`);
      }
      return value?.value as number | undefined;
    });
    if ((times[0] === undefined) !== (times[1] === undefined)) {
      const [has, lacks] = times[0] === undefined ? ['endTime', 'startTime'] : ['startTime', 'endTime'];
      this.fail(node.offset, `${path} has ${has} but no ${lacks}: the two come together`);
    }
    if (times[0] !== undefined) summary.timing = { startTime: times[0], endTime: times[1]! };
    return { summary, unknown: this.unknown(fields, EXECUTION_KEYS, ['execution']) };
  }

  private output(node: Node, path: Path): NotebookCellOutput {
    const fields = this.object(node, path);
    const metadata = this.metadata(fields, 'metadata');
    const itemsNode = this.required(fields, 'items', 'an array of { "mime", "data" }');
    const itemsPath = child(path, 'items');
    if (itemsNode.type !== 'array') this.fail(itemsNode.offset, `${itemsPath} must be an array, found ${describe(itemsNode)}`);
    const unknown = this.unknown(fields, OUTPUT_KEYS);
    const items = (itemsNode.children ?? []).map((itemNode, i) => {
      const itemPath = child(itemsPath, i);
      const item = this.object(itemNode, itemPath);
      const mimeNode = this.required(item, 'mime', 'a mime type such as "text/markdown"');
      const mime = this.string(mimeNode, child(itemPath, 'mime'), 'a mime type (a non-empty string)');
      if (!/^[^\s/]+\/[^\s]+$/.test(mime)) this.fail(mimeNode.offset, `${child(itemPath, 'mime')} must be a mime type such as "text/plain", found ${describe(mimeNode)}`);
      const dataNode = this.required(item, 'data', 'a string: UTF-8 text, or base64 with "encoding": "base64"');
      const text = this.joined(dataNode, child(itemPath, 'data'));
      const encodingNode = item.map.get('encoding')?.value;
      let data: Uint8Array;
      if (encodingNode) {
        if (encodingNode.type !== 'string' || encodingNode.value !== 'base64') {
          this.fail(encodingNode.offset, `${child(itemPath, 'encoding')} must be "base64" (leave it out for UTF-8 text), found ${describe(encodingNode)}`);
        }
        const compact = text.replace(/[ \t\r\n]/g, '');
        if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
          this.fail(dataNode.offset, `${child(itemPath, 'data')} is not valid base64 (the item says "encoding": "base64")`);
        }
        data = Uint8Array.from(Buffer.from(compact, 'base64'));
      } else {
        // A report is stored without what its graph already says (reportPacking.ts): read back whole.
        data = new TextEncoder().encode(mime === REPORT_MIME ? unpackReportText(text) : text);
      }
      unknown.push(...this.unknown(item, ITEM_KEYS, ['items', i]));
      return { mime, data };
    });
    const output: NotebookCellOutput = { items };
    const meta = withUnknown(metadata, unknown);
    if (Object.keys(meta).length > 0) output.metadata = meta;
    return output;
  }
}

function withUnknown(metadata: { [key: string]: any }, unknown: UnknownField[]): { [key: string]: any } {
  return unknown.length > 0 ? { ...metadata, [UNKNOWN_FIELDS_KEY]: unknown } : metadata;
}
