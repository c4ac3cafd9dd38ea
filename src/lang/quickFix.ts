/**
 * Quick fixes for misspelt names: a diagnostic whose message offers "(did you mean a, b?)" — an
 * unknown model id, op, knob, key, head or provider — gets one fix per suggestion, replacing the
 * name the diagnostic points at. VS Code-free; the notebook's code action provider shows them.
 */
import { Range } from './types';

export interface QuickFix {
  readonly title: string;
  readonly range: Range;
  readonly newText: string;
}

const SUGGESTIONS = /\(did you mean ([^?()]+)\?\)/;

/** The fixes for a diagnostic `message` at `range`, whose text in the cell is `written`. */
export function quickFixes(message: string, range: Range, written: string): QuickFix[] {
  const m = SUGGESTIONS.exec(message);
  // Only a single name is replaced: a range over a key and its value, or a whole line, is not one.
  if (!m || !/^[\w.\-/]+$/.test(written)) return [];
  return m[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && s !== written)
    .map((s) => ({ title: `Change '${written}' to '${s}'`, range, newText: s }));
}
