/**
 * The network cells of a notebook, by name: what a compare's `- network: <name>` entries read, so
 * that variants written as separate cells can be counted and measured side by side.
 */
import type { Cell, NetworkRef, NetworkSpec } from './cells';
import { parseCell } from './parse';
import { CellError, Diagnostic } from './types';

export interface NetworkCells {
  /** The network cells that parse, by name. */
  readonly specs: ReadonlyMap<string, NetworkSpec>;
  /** Names a compare cannot use, with why (the cell has errors, or two cells share the name). */
  readonly unusable: ReadonlyMap<string, string>;
}

/** The name a cell gives with `network: <name>` on its first level, read from the text when the cell does not parse. */
function writtenName(text: string): string | undefined {
  return /^network:[ \t]*["']?([^"'#\s]+)/m.exec(text)?.[1];
}

/** The network cells among a notebook's code cells (their texts, in order). */
export function networkCells(texts: readonly string[]): NetworkCells {
  const specs = new Map<string, NetworkSpec>();
  const unusable = new Map<string, string>();
  const seen = new Set<string>();
  texts.forEach((text, i) => {
    const name = writtenName(text);
    if (!name) return;
    const cell = parseCell(text).cell;
    if (seen.has(name)) {
      specs.delete(name);
      unusable.set(name, `two network cells are named '${name}'; rename one`);
      return;
    }
    seen.add(name);
    if (cell?.verb === 'network' && cell.network.name === name) specs.set(name, cell.network);
    else unusable.set(name, `the network cell '${name}' (cell ${i + 1}) has an error; fix it there first`);
  });
  return { specs, unusable };
}

/** The network a compare entry names, or an error at the name saying which cells there are. */
export function resolveNetworkRef(ref: NetworkRef, cells: NetworkCells | undefined): NetworkSpec {
  const spec = cells?.specs.get(ref.name);
  if (spec) return spec;
  const why = cells?.unusable.get(ref.name);
  if (why) throw new CellError(why, ref.range);
  const names = [...(cells?.specs.keys() ?? [])];
  const list = names.length ? `; its network cells: ${names.join(', ')}` : '; it has none (a network cell starts with network: <name>)';
  throw new CellError(`no network cell of this notebook is named '${ref.name}'${list}`, ref.range);
}

/** Errors of a compare's network entries that name no usable network cell. */
export function networkRefDiagnostics(cell: Cell | undefined, cells: NetworkCells): Diagnostic[] {
  if (cell?.verb !== 'compare') return [];
  const out: Diagnostic[] = [];
  for (const entry of cell.entries) {
    if (entry.kind !== 'network') continue;
    try {
      resolveNetworkRef(entry.network, cells);
    } catch (e) {
      if (e instanceof CellError) out.push(e.toDiagnostic());
      else throw e;
    }
  }
  return out;
}
