/**
 * Quick fixes: a misspelt model id, op, knob or key gets one fix per name its diagnostic suggests,
 * and applying the first leaves a cell without that error.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { checkCell, quickFixes, Range } from '../../../src/lang';

function textAt(text: string, r: Range): string {
  const lines = text.split('\n');
  return r.start.line === r.end.line ? lines[r.start.line].slice(r.start.character, r.end.character) : '';
}

function apply(text: string, r: Range, newText: string): string {
  const lines = text.split('\n');
  const line = lines[r.start.line];
  lines[r.start.line] = line.slice(0, r.start.character) + newText + line.slice(r.end.character);
  return lines.join('\n');
}

/** The fixes of the cell's first diagnostic that offers any, and the cell with the first applied. */
function fixesOf(text: string) {
  const found = checkCell(text).diagnostics;
  for (const d of found) {
    const fixes = quickFixes(d.message, d.range, textAt(text, d.range));
    if (fixes.length) return { diagnostic: d, fixes, fixed: apply(text, fixes[0].range, fixes[0].newText) };
  }
  assert.fail(`no quick fix for ${text}: ${found.map((d) => d.message).join(' | ')}`);
}

describe('quick fixes for misspelt names', () => {
  for (const [what, text, first] of [
    ['a model id', 'model: mobilenet_v2_x1_O', 'mobilenet_v2_x1_0'],
    ['an op of a network', 'network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - cnov: { out: 8 }', 'conv'],
    ['a knob', 'model: fasternet_t0\nknobs: { ratoi: 0.5 }', 'ratio'],
    ['a key of the cell', 'model: squeezenet1_1\nresolutoin: 160', 'resolution'],
  ] as const) {
    it(`${what}: one fix per suggestion; the first applied clears the error`, () => {
      const { diagnostic, fixes, fixed } = fixesOf(text);
      assert.equal(fixes[0].newText, first, diagnostic.message);
      assert.match(fixes[0].title, new RegExp(`^Change '.+' to '${first}'$`));
      assert.ok(!checkCell(fixed).diagnostics.some((d) => d.message === diagnostic.message), `${fixed}\n${checkCell(fixed).diagnostics.map((d) => d.message).join('\n')}`);
    });
  }

  it('no fix where nothing is suggested, or the range is not one name', () => {
    assert.deepEqual(quickFixes("unknown model id 'zzz' (run 'lcnb list' for the ids)", { start: { line: 0, character: 7 }, end: { line: 0, character: 10 } }, 'zzz'), []);
    assert.deepEqual(quickFixes('x (did you mean a, b?)', { start: { line: 0, character: 0 }, end: { line: 0, character: 9 } }, 'key: value'), []);
  });
});
