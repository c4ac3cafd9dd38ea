import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { buildNetwork, checkCell, CellError, parseCell, type Diagnostic } from '../../../src/lang/index';

const HEAD = 'network: n\ninput: [1, 3, 32, 32]\nlayers:\n';

/** Each error as [line, column, end column, message], 0-based like the editor's ranges. */
function errors(text: string): [number, number, number, string][] {
  return checkCell(text)
    .diagnostics.filter((d: Diagnostic) => d.severity === 'error')
    .map((d) => [d.range.start.line, d.range.start.character, d.range.end.character, d.message]);
}

/** Where `needle` starts on line `line` of `text`, as [line, column, end column]. */
function at(text: string, line: number, needle: string): [number, number, number] {
  const column = text.split('\n')[line].indexOf(needle);
  assert.ok(column >= 0, `${needle} on line ${line}`);
  return [line, column, column + needle.length];
}

describe('checkCell: every independent error of a network at once', () => {
  it("a dwconv option it does not have and groups: 5 on 32 channels later: both, each at its option", () => {
    const text = `${HEAD}  - conv: { out: 32 }\n  - dwconv: { out: 32 }\n  - conv: { out: 32, groups: 5 }\n`;
    assert.deepEqual(errors(text), [
      [...at(text, 4, 'out'), "dwconv has no option 'out'; its options: k, s, p, d, bias, bn, act"],
      [...at(text, 5, '5'), 'layer 3 (conv), input [1, 32, 32, 32]: input channels 32 are not divisible by groups: 5'],
    ]);
  });

  it('a dwconv whose kernel is too large (a build error) does not hide the groups error after it', () => {
    const text = `${HEAD}  - conv: { out: 32 }\n  - dwconv: { k: 64 }\n  - conv: { out: 32, groups: 5 }\n`;
    const found = errors(text);
    assert.equal(found.length, 2);
    // At k, the option the rule is about ("a 64×64 kernel"), not at the op.
    assert.deepEqual(found[0].slice(0, 3), at(text, 4, '64'));
    assert.match(found[0][3], /^layer 2 \(dwconv\), input \[1, 32, 32, 32\]: a 64×64 kernel with stride 1×1 on 32×32/);
    // The dwconv keeps the channels whatever its kernel, so the groups error stands; the sizes it cannot know read ?.
    assert.deepEqual(found[1], [...at(text, 5, '5'), 'layer 3 (conv), input [1, 32, ?, ?]: input channels 32 are not divisible by groups: 5']);
  });

  it('a schema error and two build errors in three layers', () => {
    const text = `${HEAD}  - conv: { out: 16, k: 0 }\n  - conv: { out: 30, groups: 4 }\n  - pconv: { ratio: 0.25 }\n`;
    const found = errors(text);
    assert.deepEqual(
      found.map((d) => d.slice(0, 3)),
      [at(text, 3, '0'), at(text, 4, '4'), at(text, 5, '0.25')],
    );
    assert.match(found[0][3], /'k' of conv \(layer 1\) must be ≥ 1, got 0/);
    assert.match(found[1][3], /output channels 30 are not divisible by groups: 4$/);
    // layer 2 makes 30 channels whatever its groups: 30 · 0.25 is not whole, an error of layer 3's own.
    assert.match(found[2][3], /ratio 0.25 of 30 channels is 7.5/);
  });

  it('another option of a layer with a schema error is still checked', () => {
    const text = `${HEAD}  - conv: { out: 16, k: 0, groups: 5 }\n`;
    assert.deepEqual(
      errors(text).map((d) => d.slice(0, 3)),
      [at(text, 3, '0'), at(text, 3, '5')],
    );
  });

  it('an error that follows from an earlier one is not reported', () => {
    // out: 0 leaves the channels unknown: whether 5 groups divide them depends on the fix.
    const channels = `${HEAD}  - conv: { out: 0 }\n  - conv: { out: 30, groups: 5 }\n`;
    assert.deepEqual(errors(channels), [[...at(channels, 3, '0'), "'out' of conv (layer 1) must be ≥ 1, got 0"]]);
    // s: 0 leaves the size unknown: a 40×40 window may or may not fit; the channels are known, so the groups error stands.
    const size = `${HEAD}  - conv: { out: 16, s: 0 }\n  - maxpool: { k: 40 }\n  - conv: { out: 30, groups: 4 }\n`;
    assert.deepEqual(
      errors(size).map((d) => d.slice(0, 3)),
      [at(size, 3, '0'), at(size, 5, '4')],
    );
    // An op the parser does not know: nothing after it is checked against a guess of its output.
    const op = `${HEAD}  - convv: { out: 16 }\n  - fc: { out: 10 }\n`;
    assert.deepEqual(errors(op).map((d) => d[3]), ["unknown op 'convv' (did you mean conv?)"]);
    // A build error whose fix may change the shape: the layer after it is not checked on a guess.
    const flat = `${HEAD}  - conv: { out: 16 }\n  - fc: { out: 10 }\n  - conv: { out: 8, groups: 3 }\n`;
    assert.equal(errors(flat).length, 1);
  });

  it('a layer that cannot be read keeps its scope: a reference to it is not a second error', () => {
    const text = `${HEAD}  - conv: { out: 16 }\n  - convv: { out: 16 }\n    scope: mid\n  - add: { with: mid }\n`;
    assert.deepEqual(errors(text).map((d) => d[3]), ["unknown op 'convv' (did you mean conv?)"]);
  });

  it('a repeated layer that cannot build is reported once', () => {
    const text = `${HEAD}  - conv: { out: 16 }\n  - conv: { out: 30, groups: 4 }\n    repeat: 3\n`;
    assert.deepEqual(errors(text).map((d) => d.slice(0, 3)), [at(text, 4, '4')]);
  });

  it('a run still stops at the first error, the same one the editor lists first', () => {
    const text = `${HEAD}  - conv: { out: 16 }\n  - conv: { out: 30, groups: 4 }\n  - pconv: { ratio: 0.25 }\n`;
    const parsed = parseCell(text);
    assert.ok(parsed.cell && parsed.cell.verb === 'network');
    assert.throws(
      () => buildNetwork(parsed.cell as Parameters<typeof buildNetwork>[0]),
      (e: unknown) => e instanceof CellError && e.range.start.line === 4 && /groups: 4/.test(e.message),
    );
    assert.equal(errors(text)[0][0], 4);
  });

  it('a profile: cell with a network is checked the same way', () => {
    const text = 'profile:\n  network: n\n  input: [1, 3, 32, 32]\n  layers:\n    - dwconv: { out: 3 }\n    - conv: { out: 8, groups: 3 }\n';
    assert.deepEqual(errors(text).map((d) => d[0]), [4, 5]);
  });
});
