/**
 * Where a row of a cell's report comes from in the cell's text, so a click on the row can show
 * it: a `network:` layer's list item (the row's scope lies in the layer's scope, see
 * inLayerScope), the id of the model the row belongs to (`model:`, a `compare:` entry, a
 * detector's backbone), the head of a `detect:`/`segment:` cell for its neck and head rows, else
 * the verb's line. A cell that no longer parses (edited since it ran) gives its verb's line.
 */
import type { Cell, NetworkSpec } from './cells';
import { inLayerScope } from './network';
import { parseCell } from './parse';
import type { Range } from './types';

/** A row of a report: which of its models (0-based) and the layer's scope path ('' when none). */
export interface ReportRow {
  readonly model: number;
  readonly scope: string;
}

export interface RowSource {
  readonly range: Range;
  /** What the range is, for messages: 'layer 3 (conv)', 'model mobilenet_v2_x1_0', 'the model: line'. */
  readonly what: string;
}

/** The first line that starts with a key (the verb, unless comments come first), else line 0. */
function verbLine(text: string): Range {
  const lines = text.split(/\r?\n/);
  const line = Math.max(0, lines.findIndex((l) => /^[A-Za-z_][\w-]*\s*:/.test(l)));
  return { start: { line, character: 0 }, end: { line, character: lines[line]?.length ?? 0 } };
}

function layerSource(network: NetworkSpec, scope: string): RowSource | undefined {
  const layer = scope ? network.layers.find((l) => inLayerScope(scope, l.scope)) : undefined;
  return layer && { range: layer.range, what: `layer ${layer.index} (${layer.op})` };
}

function cellSource(cell: Cell, row: ReportRow): RowSource | undefined {
  switch (cell.verb) {
    case 'network':
      return layerSource(cell.network, row.scope);
    case 'profile':
      return cell.target.kind === 'network' ? layerSource(cell.target.network, row.scope) : { range: cell.target.model.range, what: `model ${cell.target.model.id}` };
    case 'compare': {
      const entry = cell.entries[row.model];
      if (!entry) return undefined;
      return entry.kind === 'model' ? { range: entry.model.range, what: `model ${entry.model.id}` } : { range: entry.network.range, what: `network ${entry.network.name}` };
    }
    case 'detect':
    case 'segment': {
      const part = row.scope.split('.')[0];
      if (part === 'neck' || part === 'head') return { range: cell.headRange, what: `head ${cell.head}` };
      const backbone = cell.backbones[row.model];
      return backbone && { range: backbone.range, what: `backbone ${backbone.id}` };
    }
    case 'model':
    case 'sweep':
    case 'export':
      return { range: cell.model.range, what: `model ${cell.model.id}` };
  }
}

/** The range in `text` (a cell's source) that made `row` of the cell's report. */
export function reportRowSource(text: string, row: ReportRow): RowSource {
  const { cell } = parseCell(text);
  const found = cell && cellSource(cell, row);
  if (found) return found;
  return cell ? { range: cell.range, what: `the ${cell.verb}: line` } : { range: verbLine(text), what: 'the verb line' };
}
