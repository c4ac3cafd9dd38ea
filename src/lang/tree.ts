/** A parsed cell's YAML tree, addressed by paths of keys and list indices. */
import { Document, isAlias, isMap, isPair, isScalar, isSeq, Node, Pair, parseDocument, YAMLMap } from 'yaml';
import { LineIndex, offsetsOf } from './text';
import { Range } from './types';

export type Path = readonly (string | number)[];

export interface Found {
  node?: Node;
  /** The pair whose value `node` is, when it sits in a mapping. */
  pair?: Pair;
}

export function keyOf(key: unknown): string | undefined {
  if (isScalar(key)) return key.value === null ? undefined : String(key.value);
  return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}

export class Tree {
  readonly doc: Document;
  readonly idx: LineIndex;

  constructor(readonly text: string) {
    this.idx = new LineIndex(text);
    this.doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  }

  get root(): Node | null {
    return this.doc.contents as Node | null;
  }

  deref(node: unknown): Node | undefined {
    if (isAlias(node)) return node.resolve(this.doc) as Node | undefined;
    return (node ?? undefined) as Node | undefined;
  }

  find(path: Path): Found | undefined {
    let found: Found = { node: this.root ?? undefined };
    for (const seg of path) {
      const node = this.deref(found.node);
      if (isMap(node)) {
        const pair = (node as YAMLMap).items.find((p) => keyOf(p.key) === String(seg));
        if (!pair) return undefined;
        found = { node: (pair.value ?? undefined) as Node | undefined, pair };
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined) return undefined;
        found = { node: (isPair(item) ? undefined : item) as Node | undefined };
      } else {
        return undefined;
      }
    }
    return found;
  }

  /** The range of the value at `path`; the key's when the value is empty. */
  range(path: Path): Range {
    const found = this.find(path);
    const value = offsetsOf(found?.node);
    if (value && value[1] > value[0]) return this.idx.range(value[0], this.idx.trimEnd(value[0], value[1]));
    if (found?.pair) return this.idx.nodeRange(found.pair.key as Node);
    if (path.length) return this.keyRange(path);
    return this.idx.range(0, 0);
  }

  /** The range of the key at the end of `path` (the list item for an index); the closest enclosing key when it is missing. */
  keyRange(path: Path): Range {
    for (let n = path.length; n > 0; n--) {
      const found = this.find(path.slice(0, n));
      if (found?.pair) return this.idx.nodeRange(found.pair.key as Node);
      if (found?.node && typeof path[n - 1] === 'number') return this.idx.nodeRange(found.node);
    }
    const root = offsetsOf(this.root);
    return root ? this.idx.range(root[0], root[0]) : this.idx.range(0, 0);
  }

  /** Keys of the mapping at `path`, in the order written. */
  keys(path: Path): string[] {
    const node = this.deref(this.find(path)?.node);
    if (!isMap(node)) return [];
    return (node as YAMLMap).items.map((p) => keyOf(p.key)).filter((k): k is string => k !== undefined);
  }
}
