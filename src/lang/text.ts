/** Offsets ↔ positions, and the source range of a YAML node. */
import { isNode, Node, Pair } from 'yaml';
import { Position, Range } from './types';

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.starts.push(i + 1);
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: clamped - this.starts[lo] };
  }

  offset(position: Position): number {
    const start = this.starts[Math.min(position.line, this.starts.length - 1)] ?? 0;
    return Math.min(start + position.character, this.text.length);
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** The range of a node's value (without trailing comments or line breaks). */
  nodeRange(node: Node | Pair | null | undefined, fallback = 0): Range {
    const r = offsetsOf(node);
    return r ? this.range(r[0], this.trimEnd(r[0], r[1])) : this.range(fallback, fallback);
  }

  /** `end` moved back over trailing spaces and line breaks (a block mapping's range ends on the next line). */
  trimEnd(start: number, end: number): number {
    let e = end;
    while (e > start && /\s/.test(this.text[e - 1])) e--;
    return e;
  }

  /** Line `line` of the text, without its line break. */
  lineText(line: number): string {
    const start = this.starts[line] ?? this.text.length;
    const next = this.starts[line + 1];
    return this.text.slice(start, next === undefined ? undefined : next - 1).replace(/\r$/, '');
  }

  get lineCount(): number {
    return this.starts.length;
  }
}

/** [start, end) offsets of a node or pair, or undefined when it has none (an empty value). */
export function offsetsOf(node: Node | Pair | null | undefined): [number, number] | undefined {
  if (!node) return undefined;
  if (isNode(node)) return node.range ? [node.range[0], node.range[1]] : undefined;
  const key = offsetsOf(node.key as Node | null);
  const value = offsetsOf(node.value as Node | null);
  if (key && value) return [key[0], Math.max(key[1], value[1])];
  return key ?? value;
}

/** Whether `offset` lies inside [start, end] (the end included, so a cursor after a word is in it). */
export function contains(r: [number, number] | undefined, offset: number): boolean {
  return !!r && offset >= r[0] && offset <= r[1];
}
