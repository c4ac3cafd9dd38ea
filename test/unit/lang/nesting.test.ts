/**
 * The nesting guard: parsing, hovering and completing refuse a cell nested deeper than
 * MAX_NESTING_DEPTH through the same check, so absurd input gets one clear diagnostic and no
 * editor feature parses it.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { checkCell, completionsAt, hoverTargetAt, MAX_NESTING_DEPTH, nestingTooDeep, parseCell } from '../../../src/lang';
import { CellAnalysis } from '../../../src/run/cellCosts';

const MODEL_LINE = 'model: mobilenet_v2_x1_0\n';
const MESSAGE = `lists and mappings nested more than ${MAX_NESTING_DEPTH} levels deep`;

/** A model cell whose `note:` key holds lists `levels` deep in all (the key's own mapping is the first level). */
function flowNested(levels: number): string {
  return `${MODEL_LINE}note: ${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}\n`;
}

/** The same, nested by indentation: note: / a1: / a2: … each one space deeper. */
function blockNested(levels: number): string {
  return MODEL_LINE + 'note:\n' + Array.from({ length: levels - 1 }, (_, i) => `${' '.repeat(i + 1)}a${i + 1}:`).join('\n') + '\n';
}

/** The same with '- ' indicators on one line. */
function dashNested(levels: number): string {
  return `${MODEL_LINE}note:\n  ${'- '.repeat(levels - 1)}x\n`;
}

const nestingErrors = (text: string) => parseCell(text).diagnostics.filter((d) => d.message === MESSAGE);

describe('nesting guard', () => {
  for (const [name, nested] of [
    ['flow lists', flowNested],
    ['indented mappings', blockNested],
    ["'- ' indicators", dashNested],
  ] as const) {
    it(`${name}: ${MAX_NESTING_DEPTH} levels parse, one more is one diagnostic at the level that passes the limit`, () => {
      assert.equal(nestingTooDeep(nested(MAX_NESTING_DEPTH)), undefined);
      assert.deepEqual(nestingErrors(nested(MAX_NESTING_DEPTH)), []);
      const text = nested(MAX_NESTING_DEPTH + 1);
      const at = nestingTooDeep(text);
      assert.ok(at !== undefined && at > MODEL_LINE.length, name);
      assert.deepEqual(parseCell(text).diagnostics.map((d) => d.message), [MESSAGE]);
      assert.deepEqual(checkCell(text).diagnostics.map((d) => d.message), [MESSAGE]);
    });
  }

  it('the diagnostic points at the bracket or line that passes the limit', () => {
    const flow = parseCell(flowNested(MAX_NESTING_DEPTH + 1)).diagnostics[0];
    assert.deepEqual(flow.range, { start: { line: 1, character: 6 + MAX_NESTING_DEPTH - 1 }, end: { line: 1, character: 6 + MAX_NESTING_DEPTH } });
    const block = parseCell(blockNested(MAX_NESTING_DEPTH + 1)).diagnostics[0];
    assert.equal(block.range.start.line, 1 + MAX_NESTING_DEPTH);
    assert.equal(block.range.start.character, MAX_NESTING_DEPTH);
  });

  it('brackets and dashes in quotes, comments and block scalars are text, not levels', () => {
    const deep = '['.repeat(3 * MAX_NESTING_DEPTH);
    const dashes = '- '.repeat(3 * MAX_NESTING_DEPTH);
    for (const text of [
      `${MODEL_LINE}note: "${deep}"\n`,
      `${MODEL_LINE}note: '${deep}'\n`,
      `${MODEL_LINE}# ${deep}\n`,
      `${MODEL_LINE}note: |\n  ${dashes}\n  ${deep}\n`,
      `${MODEL_LINE}note: >-\n${Array.from({ length: 2 * MAX_NESTING_DEPTH }, (_, i) => `${' '.repeat(i + 1)}x`).join('\n')}\n`,
      // A flow list over several lines: its lines' indentation is not block nesting.
      `network: n\ninput: [1, 3, 8, 8]\nlayers: [\n${Array.from({ length: 2 * MAX_NESTING_DEPTH }, (_, i) => `${' '.repeat(i + 1)}conv,`).join('\n')}\n]\n`,
    ]) {
      assert.equal(nestingTooDeep(text), undefined, text.slice(0, 60));
    }
  });

  it('ordinary cells are far from the limit', () => {
    const text = 'compare:\n  models:\n    - model: ghostnet_x1_0\n      knobs: { ratio: 2, dw_kernel: 3 }\n    - { model: mobilenet_v3_small_x1_0, knobs: { se: false } }\n  profile: { runs: 3 }\n';
    assert.equal(nestingTooDeep(text), undefined);
    assert.deepEqual(checkCell(text).diagnostics, []);
  });
});

describe('hover and completion on a cell nested too deep', () => {
  const idOffset = MODEL_LINE.indexOf('mobilenet');

  it('hover: the model id is found up to the limit; past it the guard answers nothing without parsing', () => {
    for (const nested of [flowNested, blockNested, dashNested]) {
      const target = hoverTargetAt(nested(MAX_NESTING_DEPTH), idOffset);
      assert.equal(target?.kind, 'model');
      assert.equal(hoverTargetAt(nested(MAX_NESTING_DEPTH + 1), idOffset), undefined);
    }
  });

  it('completion: model ids are offered up to the limit; past it, none', () => {
    // The cursor right after "model: " on the first line.
    const at = 'model: '.length;
    for (const nested of [flowNested, blockNested, dashNested]) {
      const ok = completionsAt(nested(MAX_NESTING_DEPTH), at).map((c) => c.label);
      assert.ok(ok.includes('mobilenet_v2_x1_0'), nested.name);
      assert.deepEqual(completionsAt(nested(MAX_NESTING_DEPTH + 1), at), []);
    }
  });

  it('20,000 levels: one diagnostic, no hover anywhere, no completions', () => {
    const levels = 20_000;
    for (const text of [flowNested(levels), dashNested(levels), `${MODEL_LINE}note: ${'{a: '.repeat(levels)}`]) {
      assert.deepEqual(checkCell(text).diagnostics.map((d) => d.message), [MESSAGE]);
      for (const offset of [idOffset, text.length >> 1, text.length - 2]) {
        assert.equal(hoverTargetAt(text, offset), undefined);
        assert.deepEqual(completionsAt(text, offset), []);
      }
      // What the editor's hover asks: the cost texts too say nothing rather than build the cell.
      const analysis = new CellAnalysis(text);
      assert.equal(analysis.hover(idOffset), undefined);
      assert.deepEqual(analysis.inlayHints(), []);
    }
  });
});
