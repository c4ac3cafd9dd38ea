/**
 * The nesting guard of the cell language. YAML parsing takes time that grows with the nesting
 * depth (and the parser's stack runs out near a thousand block levels), so parsing, hovering and
 * completing all refuse a cell nested deeper than MAX_NESTING_DEPTH before they parse it.
 */
import { LineIndex } from './text';
import { Diagnostic } from './types';

/** Lists and mappings nested deeper than this (block and flow levels together) are refused. */
export const MAX_NESTING_DEPTH = 100;

/** `|` or `>` with its optional chomping and indentation indicators, ending the line's content. */
const BLOCK_SCALAR_HEADER = /^[|>][-+0-9]*[ \t]*(#.*)?$/;

/**
 * Where nesting passes MAX_NESTING_DEPTH, as an offset, if it does. Block levels are read from
 * indentation and '- ' indicators at line starts, flow levels from [ and { outside quotes and
 * comments; block scalars (| and >) are text, not levels. A guard, not a parser: it may count a
 * level too few, never too many on a cell that YAML reads as nested less deeply.
 */
export function nestingTooDeep(text: string): number | undefined {
  let flow = 0;
  let quote = '';
  /** Columns of the open block levels. */
  const block: number[] = [];
  /** Indentation of the line that opened a block scalar: deeper lines belong to it. */
  let scalarIndent: number | undefined;
  for (let i = 0; i < text.length; i++) {
    if ((i === 0 || text[i - 1] === '\n') && !quote && flow === 0) {
      let j = i;
      while (text[j] === ' ') j++;
      const indent = j - i;
      const blank = j >= text.length || text[j] === '\n' || text[j] === '\r' || text[j] === '#';
      if (scalarIndent !== undefined && (blank || indent > scalarIndent)) {
        while (i < text.length && text[i] !== '\n') i++;
        continue;
      }
      scalarIndent = undefined;
      if (!blank) {
        while (block.length && block[block.length - 1] >= indent) block.pop();
        block.push(indent);
        if (block.length > MAX_NESTING_DEPTH) return j;
        // "- - x": the line's indentation is the outer list; each further indicator opens a list inside it.
        for (let first = true; text[j] === '-' && (text[j + 1] === ' ' || text[j + 1] === '\n' || j + 1 === text.length); first = false) {
          if (!first) {
            block.push(j - i);
            if (block.length > MAX_NESTING_DEPTH) return j;
          }
          j++;
          while (text[j] === ' ') j++;
        }
        i = j;
        if (i >= text.length) break;
      }
    }
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1]))) quote = c;
    else if (c === '[' || c === '{') {
      if (++flow + block.length > MAX_NESTING_DEPTH) return i;
    } else if (c === ']' || c === '}') flow = Math.max(0, flow - 1);
    else if ((c === '|' || c === '>') && flow === 0 && (i === 0 || /\s/.test(text[i - 1]))) {
      const end = text.indexOf('\n', i);
      if (BLOCK_SCALAR_HEADER.test(text.slice(i, end < 0 ? undefined : end).replace(/\r$/, ''))) {
        scalarIndent = lineIndent(text, i);
      }
    }
  }
  return undefined;
}

/** Indentation of the line holding `offset`. */
function lineIndent(text: string, offset: number): number {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let j = start;
  while (text[j] === ' ') j++;
  return j - start;
}

/** The error of a cell nested deeper than MAX_NESTING_DEPTH, at the bracket or line that passes it. */
export function nestingProblem(text: string): Diagnostic | undefined {
  const at = nestingTooDeep(text);
  if (at === undefined) return undefined;
  return { message: `lists and mappings nested more than ${MAX_NESTING_DEPTH} levels deep`, severity: 'error', range: new LineIndex(text).range(at, at + 1) };
}
