/**
 * Where a cursor is in a cell that is being typed (and so is often not valid YAML yet): the keys
 * leading to it, read from indentation and from the flow brackets on its line, and whether it is
 * at a key or at a value.
 */
import { LineIndex } from './text';

export interface CursorContext {
  /** Keys from the top to the mapping or list holding the cursor; '-' stands for a list item. */
  readonly path: readonly string[];
  readonly position: 'key' | 'value';
  /** At a value: the key it belongs to (the list's key for a list item). */
  readonly key?: string;
  /** At a value that is a list item (after '- ' or inside '[ ]'). */
  readonly listItem: boolean;
  /** The current line starts a list item ('- '). */
  readonly dash: boolean;
  /** The word under the cursor, as offsets. */
  readonly word: { readonly start: number; readonly end: number; readonly text: string };
}

const WORD = /[A-Za-z0-9_.\-]/;

interface LineShape {
  /** Column of the first dash, when the line starts list items. */
  dashCol?: number;
  dashes: number;
  /** Column where the content after the dashes starts. */
  keyCol: number;
  /** The key, when the content is `key:` … */
  key?: string;
  /** What follows `key:`, without a comment. */
  value?: string;
  blank: boolean;
}

/**
 * Index of the first character outside quotes that `found` accepts, or -1 when there is none or
 * a character `stop` accepts comes first.
 */
function scanUnquoted(s: string, found: (c: string, i: number) => boolean, stop: (c: string) => boolean = () => false): number {
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (stop(c)) {
      return -1;
    } else if (found(c, i)) {
      return i;
    }
  }
  return -1;
}

function stripComment(s: string): string {
  const hash = scanUnquoted(s, (c, i) => c === '#' && (i === 0 || /\s/.test(s[i - 1])));
  return hash < 0 ? s : s.slice(0, hash);
}

/** Index of the `:` that ends a key on this text (outside quotes and brackets), or -1. */
function keyColon(s: string): number {
  return scanUnquoted(
    s,
    (c, i) => c === ':' && (i + 1 === s.length || /\s/.test(s[i + 1])),
    (c) => c === '{' || c === '[',
  );
}

function shapeOf(line: string): LineShape {
  const text = stripComment(line);
  if (!text.trim()) return { dashes: 0, keyCol: 0, blank: true };
  let i = text.length - text.trimStart().length;
  let dashCol: number | undefined;
  let dashes = 0;
  while (text[i] === '-' && (i + 1 === text.length || text[i + 1] === ' ')) {
    dashCol ??= i;
    dashes++;
    i++;
    while (text[i] === ' ') i++;
  }
  const rest = text.slice(i);
  const colon = keyColon(rest);
  if (colon < 0) return { dashCol, dashes, keyCol: i, blank: false };
  return { dashCol, dashes, keyCol: i, key: rest.slice(0, colon).trim(), value: rest.slice(colon + 1).trim(), blank: false };
}

/** Keys of the block mappings enclosing a line whose content starts at `col` (or whose first dash is at `col`). */
function ancestors(idx: LineIndex, line: number, col: number, fromDash: boolean): string[] {
  const path: string[] = [];
  let c = col;
  let dash = fromDash;
  for (let i = line - 1; i >= 0 && (c > 0 || dash); i--) {
    const s = shapeOf(idx.lineText(i));
    if (s.blank) continue;
    const open = s.key !== undefined && (s.value === '' || s.value === '|' || s.value === '>');
    if (s.key !== undefined && (s.keyCol < c || (dash && s.keyCol === c && s.dashCol === undefined && open))) {
      if (!open) continue;
      path.unshift(s.key);
      for (let d = 0; d < s.dashes; d++) path.unshift('-');
      c = s.dashCol ?? s.keyCol;
      dash = s.dashCol !== undefined;
    } else if (s.dashCol !== undefined && s.dashCol < c && c <= s.keyCol) {
      for (let d = 0; d < s.dashes; d++) path.unshift('-');
      c = s.dashCol;
      dash = true;
    } else if (s.key === undefined && s.dashCol === undefined && s.keyCol < c) {
      // A plain scalar line shallower than the cursor ends the search (the text is not a mapping there).
      break;
    }
  }
  return path;
}

export function cursorContext(text: string, offset: number): CursorContext {
  const idx = new LineIndex(text);
  const { line, character } = idx.position(offset);
  const full = idx.lineText(line);
  let start = character;
  while (start > 0 && WORD.test(full[start - 1])) start--;
  let end = character;
  while (end < full.length && WORD.test(full[end])) end++;
  const lineStart = offset - character;
  const word = { start: lineStart + start, end: lineStart + end, text: full.slice(start, end) };

  const before = stripComment(full.slice(0, character));
  const shape = shapeOf(before);
  const contentCol = shape.blank ? character : shape.keyCol;
  const path = ancestors(idx, line, shape.dashCol ?? contentCol, shape.dashCol !== undefined);
  for (let d = 0; d < shape.dashes; d++) path.push('-');
  const dash = shape.dashes > 0;

  // Flow brackets on this line: { … } and [ … ].
  const rest = shape.blank ? '' : before.slice(shape.keyCol);
  const frames: { kind: '{' | '['; key?: string; valueMode: boolean; entryStart: number; pushed: boolean }[] = [];
  let baseKey: string | undefined;
  let baseValue = false;
  let quote: string | undefined;
  let entryStart = 0;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    const top = frames[frames.length - 1];
    if (c === '"' || c === "'") quote = c;
    else if (c === '{' || c === '[') {
      const segment = !top ? baseKey : top.kind === '[' ? '-' : top.key;
      if (segment !== undefined) path.push(segment);
      frames.push({ kind: c, valueMode: false, entryStart: i + 1, pushed: segment !== undefined });
    } else if (c === '}' || c === ']') {
      if (frames.pop()?.pushed) path.pop();
    } else if (c === ',' && top) {
      top.valueMode = false;
      top.key = undefined;
      top.entryStart = i + 1;
    } else if (c === ':' && (i + 1 === rest.length || /\s/.test(rest[i + 1]))) {
      if (top && top.kind === '{' && !top.valueMode) {
        top.key = rest.slice(top.entryStart, i).trim();
        top.valueMode = true;
      } else if (!top && !baseValue) {
        baseKey = rest.slice(entryStart, i).trim();
        baseValue = true;
      }
    }
  }
  const top = frames[frames.length - 1];
  if (top) {
    if (top.kind === '[') return { path, position: 'value', key: path[path.length - 1], listItem: true, dash, word };
    return top.valueMode
      ? { path, position: 'value', key: top.key, listItem: false, dash, word }
      : { path, position: 'key', listItem: false, dash, word };
  }
  if (baseValue) return { path, position: 'value', key: baseKey, listItem: false, dash, word };
  if (dash) {
    // "- word": an item of the list above; a key or a scalar depending on the list.
    return { path, position: 'key', key: path[path.length - 2], listItem: true, dash, word };
  }
  return { path, position: 'key', listItem: false, dash, word };
}
