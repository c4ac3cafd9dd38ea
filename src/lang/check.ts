/**
 * checkCell: parseCell, then build what the cell names (zoo models with their options, networks)
 * so that a width, knob or layer that cannot build is reported at its line too.
 */
import { isUserFacing } from '../core/errors';
import { buildModel } from '../zoo/index';
import { buildWithHead, headAliasNote } from '../zoo/heads/index';
import { buildRequest, Cell, compareModels, HeadedCell, headedRequest, ModelRef, NetworkSpec, sweepPoints } from './cells';
import { checkNetwork } from './networkCheck';
import { parseCell, ParseResult } from './parse';
import { Diagnostic, Range } from './types';

/** Sweep points built while checking; a larger sweep reports the rest when it runs. */
export const CHECKED_SWEEP_POINTS = 64;

/** The range a zoo build error is about: the knob or option it names, else the model id. */
function blame(model: ModelRef, message: string, extra: Readonly<Record<string, Range>> = {}): Range {
  const knob = /knob '([^']+)'/.exec(message)?.[1];
  if (knob) return extra[`knobs.${knob}`] ?? model.ranges[`knobs.${knob}`] ?? model.range;
  for (const key of ['width', 'resolution', 'batch', 'classes']) {
    if (new RegExp(`\\b${key}\\b`).test(message)) return extra[key] ?? model.ranges[key] ?? model.range;
  }
  return model.range;
}

function tryModel(model: ModelRef, request = buildRequest(model), extra?: Readonly<Record<string, Range>>): Diagnostic | undefined {
  // A file is read when the cell runs, against the notebook's folder, which checking does not know.
  if (model.file) return undefined;
  try {
    buildModel(model.id, request);
    return undefined;
  } catch (e) {
    if (!isUserFacing(e)) throw e;
    return { message: e.message, severity: 'error', range: blame(model, e.message, extra) };
  }
}

/** Builds one backbone under the cell's head; a stride the head needs and the backbone lacks is reported at the backbone. */
function tryHeaded(cell: HeadedCell, model: ModelRef): Diagnostic | undefined {
  try {
    buildWithHead(headedRequest(cell, model));
    return undefined;
  } catch (e) {
    if (!isUserFacing(e)) throw e;
    // A head knob is named with the head ("picodet: knob 'x' …"); anything else is about the backbone or the size.
    const headKnob = /knob '([^']+)'/.exec(e.message)?.[1];
    const range = headKnob && e.message.startsWith(`${cell.head}`) && cell.headKnobRanges[headKnob] ? cell.headKnobRanges[headKnob] : blame(model, e.message);
    return { message: e.message, severity: 'error', range };
  }
}

/** The network a network: or profile: cell writes out, if it writes one. */
function networkOf(cell: Cell): NetworkSpec | undefined {
  if (cell.verb === 'network') return cell.network;
  if (cell.verb === 'profile' && cell.target.kind === 'network') return cell.target.network;
  return undefined;
}

function buildDiagnostics(cell: Cell): Diagnostic[] {
  switch (cell.verb) {
    case 'model':
    case 'export':
      return [tryModel(cell.model)].filter((d): d is Diagnostic => !!d);
    case 'compare':
      return compareModels(cell).map((m) => tryModel(m)).filter((d): d is Diagnostic => !!d);
    case 'network':
      return checkNetwork(cell.network);
    case 'profile':
      return cell.target.kind === 'model' ? [tryModel(cell.target.model)].filter((d): d is Diagnostic => !!d) : checkNetwork(cell.target.network);
    case 'detect':
    case 'segment':
      return cell.backbones.map((m) => tryHeaded(cell, m)).filter((d): d is Diagnostic => !!d);
    case 'sweep': {
      const out = new Map<string, Diagnostic>();
      for (const point of sweepPoints(cell).slice(0, CHECKED_SWEEP_POINTS)) {
        const ranges: Record<string, Range> = {};
        cell.axes.forEach((axis, a) => (ranges[axis.kind === 'knob' ? `knobs.${axis.name}` : axis.name] = axis.ranges[point.indices[a]]));
        const d = tryModel(cell.model, point.request, ranges);
        if (d) out.set(`${d.range.start.line}:${d.range.start.character}`, d);
      }
      return [...out.values()];
    }
  }
}

/** A warning when a detect/segment cell names its head by a former id ('picodet', now picodet_legacy). */
function formerHeadId(cell: Cell, text: string): Diagnostic[] {
  if (cell.verb !== 'detect' && cell.verb !== 'segment') return [];
  const { start, end } = cell.headRange;
  const written = start.line === end.line ? (text.split(/\r?\n/)[start.line] ?? '').slice(start.character, end.character).replace(/^['"]|['"]$/g, '') : '';
  const note = headAliasNote(written);
  return note ? [{ message: note, severity: 'warning', range: cell.headRange }] : [];
}

/** parseCell plus a build of every model and network the cell names. */
export function checkCell(text: string): ParseResult {
  const parsed = parseCell(text);
  // A network with errors still has its other layers checked: every independent error at once.
  const partial = parsed.partial && networkOf(parsed.partial);
  const built = parsed.cell ? [...formerHeadId(parsed.cell, text), ...buildDiagnostics(parsed.cell)] : partial ? checkNetwork(partial, parsed.diagnostics) : [];
  if (!built.length) return parsed;
  return { ...parsed, diagnostics: [...parsed.diagnostics, ...built].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character) };
}
