/** compare entries that name network cells of the notebook, and claims checked against measured times. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { checkCell, networkCells, networkRefDiagnostics, parseCell } from '../../../src/lang';
import { checkClaim } from '../../../src/run/claims';
import { executeCell } from '../../../src/run/execute';
import { reportMarkdown } from '../../../src/run/markdown';
import { runNotebook } from '../../../src/run/notebook';
import { NotebookCellKind, NotebookDocumentData } from '../../../src/notebookFile';

const WIDE = 'network: wide\ninput: [1, 32, 16, 16]\nlayers:\n  - pwconv: { out: 32, bn: false }\n';
const NARROW = 'network: narrow\ninput: [1, 16, 16, 16]\nlayers:\n  - pwconv: { out: 64, bn: false }\n';
const COMPARE = 'compare:\n  models:\n    - network: wide\n    - network: narrow\n    - squeezenet1_1\n  claim: { faster: wide, than: narrow, source: "ShuffleNetV2, Table 1" }\n';

/** `n` run times around `center`, varying by ±`jitter` (a fixed pattern). */
function runs(center: number, jitter: number, n = 40): number[] {
  return Array.from({ length: n }, (_, i) => center + jitter * Math.sin(i * 2.399));
}

describe('compare over network cells', () => {
  it('parses network entries and claims in the order written', () => {
    const { cell, diagnostics } = parseCell(COMPARE);
    assert.deepEqual(diagnostics, []);
    assert.ok(cell?.verb === 'compare');
    assert.deepEqual(cell.entries.map((e) => e.kind), ['network', 'network', 'model']);
    assert.deepEqual(cell.claims.map((c) => [c.faster, c.than, c.source]), [['wide', 'narrow', 'ShuffleNetV2, Table 1']]);
  });

  it('a claim naming no entry is an error at the name, with the entries listed', () => {
    const text = 'compare:\n  models: [{ network: wide }, squeezenet1_1]\n  claim:\n    - { faster: wdie, than: squeezenet1_1, source: x }\n';
    const d = checkCell(text).diagnostics;
    assert.equal(d.length, 1);
    assert.match(d[0].message, /no entry of this compare is 'wdie' \(did you mean wide\?\); its entries: wide, squeezenet1_1/);
    assert.equal(d[0].range.start.line, 3);
    const same = checkCell('compare:\n  models: [{ network: a }, { network: b }]\n  claim: { faster: a, than: a, source: x }\n').diagnostics;
    assert.match(same[0].message, /two different entries/);
    const missing = checkCell('compare:\n  models: [{ network: a }, { network: b }]\n  claim: { faster: a, than: b }\n').diagnostics;
    assert.match(missing[0].message, /source/);
    const inline = checkCell('compare:\n  models:\n    - { network: a, layers: [] }\n').diagnostics;
    assert.equal(inline.length, 1, JSON.stringify(inline));
  });

  it('names of the notebook network cells: unknown, broken and duplicated ones are errors at the entry', () => {
    const cells = networkCells([WIDE, NARROW, 'network: broken\ninput: [1, 3]\nlayers: []\n', 'network: twice\ninput: [1, 3, 8, 8]\nlayers: []\n', 'network: twice\ninput: [1, 3, 8, 8]\nlayers: []\n', 'model: squeezenet1_1\n']);
    assert.deepEqual([...cells.specs.keys()], ['wide', 'narrow']);
    const cell = parseCell('compare:\n  models:\n    - network: wide\n    - network: wdie\n    - network: broken\n    - network: twice\n').cell;
    const d = networkRefDiagnostics(cell, cells);
    assert.deepEqual(d.map((x) => x.range.start.line), [3, 4, 5]);
    assert.match(d[0].message, /no network cell of this notebook is named 'wdie'; its network cells: wide, narrow/);
    assert.match(d[1].message, /'broken' \(cell 3\) has an error/);
    assert.match(d[2].message, /two network cells are named 'twice'/);
  });

  it('runs in a notebook: networks are counted as their own cells count them', async () => {
    const code = (value: string) => ({ kind: NotebookCellKind.Code, languageId: 'lcnb', value, outputs: [] });
    const data = { cells: [code(WIDE), code(NARROW), code(COMPARE)], metadata: {} } as unknown as NotebookDocumentData;
    const run = await runNotebook(data, { provider: 'cpu', baseDir: process.cwd() });
    assert.equal(run.failure, undefined);
    const own = await executeCell(WIDE, { provider: 'cpu', baseDir: process.cwd() });
    const compare = await executeCell(COMPARE, { provider: 'cpu', baseDir: process.cwd(), networks: networkCells([WIDE, NARROW]) });
    assert.deepEqual(compare.report.models.map((m) => m.label), ['wide', 'narrow', 'squeezenet1_1']);
    assert.deepEqual(compare.report.models[0].summary.totals, own.report.models[0].summary.totals);
    // Static: the claim is listed as not measured, in the report and in the markdown.
    assert.equal(compare.report.claims?.[0].verdict, 'not measured');
    assert.match(compare.markdown, /– \*\*wide faster than narrow\*\* \(ShuffleNetV2, Table 1\): not measured/);
    await assert.rejects(executeCell(COMPARE, { provider: 'cpu', baseDir: process.cwd() }), /line 3, column 16: no network cell of this notebook is named 'wide'/);
  });

  it('a referenced network that cannot build is reported at the entry, naming the cell line', async () => {
    const bad = 'network: bad\ninput: [1, 32, 8, 8]\nlayers:\n  - conv: { out: 16, groups: 5 }\n';
    await assert.rejects(
      executeCell('compare:\n  models: [{ network: bad }]\n', { provider: 'cpu', baseDir: process.cwd(), networks: networkCells([bad]) }),
      /line 2, column 23: network cell 'bad', line 4, column \d+: /,
    );
  });

  it('checks a claim: agreement, and whether the ratio\'s interval leaves out 1', () => {
    const claim = { faster: 'a', than: 'b', source: 's', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } };
    const clear = checkClaim(claim, new Map([['a', runs(1, 0.05)], ['b', runs(2, 0.1)]]));
    assert.equal(clear.verdict, 'agrees');
    assert.equal(clear.beyond_spread, true);
    assert.ok(Math.abs(clear.ratio! - 2) < 0.01 && clear.lo! > 1.9 && clear.hi! < 2.1, JSON.stringify(clear));
    const opposite = checkClaim(claim, new Map([['a', runs(2, 0.1)], ['b', runs(1, 0.05)]]));
    assert.equal(opposite.verdict, 'disagrees');
    assert.equal(opposite.beyond_spread, true);
    assert.match(opposite.detail, /^a [\d.]+ ms, b [\d.]+ ms \(lower quartiles of the runs\): b takes 0\.50× \(0\.\d\d–0\.\d\d\) the time of a, the opposite of the paper; the difference is larger than the noise of these runs\.$/);
    // Runs that move together (one machine, one round) but differ by less than their noise.
    const noisy = checkClaim(claim, new Map([['a', runs(1.98, 0.4)], ['b', runs(2, 0.4).reverse()]]));
    assert.equal(noisy.verdict, 'agrees');
    assert.equal(noisy.beyond_spread, false);
    assert.match(noisy.detail, /cannot tell the two apart/);
    const md = reportMarkdown({ version: 1, verb: 'compare', title: 't', models: [], notes: [], claims: [noisy] });
    assert.match(md, /✓ \*\*a faster than b\*\* \(s\): agrees with the paper, within the spread\./);
  });
});
