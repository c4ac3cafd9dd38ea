import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  decodeNotebook,
  encodeNotebook,
  LCNB_VERSION,
  NotebookCellKind,
  NotebookDocumentData,
  NotebookFormatError,
  parseNotebook,
  serializeNotebook,
  UNKNOWN_FIELDS_KEY,
} from '../../../src/notebookFile';

const utf8 = (s: string) => new TextEncoder().encode(s);
const PNG = Uint8Array.from(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'),
);

/** Canonical text with unknown fields at every level: top, cell, execution, output, output item. */
const RICH = `{
 "generator": "lcnb 9.9",
 "lcnb": 1,
 "metadata": {
  "title": "Rich",
  "tags": [
   "a",
   "b"
  ]
 },
 "cells": [
  {
   "kind": "markdown",
   "language": "markdown",
   "source": "# Title\\n\\nSome *text*, ünïcödé and \\"quotes\\".",
   "x-collapsed": true
  },
  {
   "id": "c2",
   "kind": "code",
   "language": "lcnb",
   "metadata": {
    "pinned": 1
   },
   "source": "model: fasternet_t0\\ninput: [1, 3, 224, 224]\\n",
   "execution": {
    "order": 7,
    "success": true,
    "startTime": 1764000000000,
    "endTime": 1764000000412,
    "provider": {
     "name": "cpu",
     "threads": 2
    }
   },
   "outputs": [
    {
     "id": "o1",
     "metadata": {
      "provider": "cpu"
     },
     "items": [
      {
       "mime": "application/vnd.lcnb.report+json",
       "data": "{\\"version\\":1,\\"verb\\":\\"model\\"}"
      },
      {
       "mime": "text/markdown",
       "data": "| op | MAdds |\\n|---|---|\\n| conv | 1 |\\n",
       "lang": "en"
      },
      {
       "mime": "image/png",
       "encoding": "base64",
       "data": "${Buffer.from(PNG).toString('base64')}"
      }
     ],
     "3": "integer-like key"
    },
    {
     "items": [
      {
       "mime": "application/vnd.code.notebook.stderr",
       "data": "warning\\n"
      }
     ]
    }
   ],
   "trailer": null
  },
  {
   "kind": "code",
   "language": "lcnb",
   "source": "compare:\\n  models: [a, b]",
   "execution": {
    "order": 8,
    "success": false
   },
   "outputs": []
  },
  {
   "kind": "code",
   "language": "lcnb",
   "source": "",
   "outputs": []
  }
 ]
}
`;

describe('.lcnb format: round trip', () => {
  it('a rich notebook opened and saved unchanged is byte-identical', () => {
    const data = parseNotebook(RICH);
    assert.equal(serializeNotebook(data), RICH);
    assert.deepEqual(encodeNotebook(decodeNotebook(utf8(RICH))), utf8(RICH));
  });

  it('reads cells, outputs, execution summaries and metadata', () => {
    const data = parseNotebook(RICH);
    assert.equal(data.cells.length, 4);
    const [md, code, failed, empty] = data.cells;
    assert.equal(md.kind, NotebookCellKind.Markup);
    assert.equal(md.languageId, 'markdown');
    assert.equal(md.value, '# Title\n\nSome *text*, ünïcödé and "quotes".');
    assert.equal(md.outputs, undefined);
    assert.equal(code.kind, NotebookCellKind.Code);
    assert.equal(code.languageId, 'lcnb');
    assert.equal(code.value, 'model: fasternet_t0\ninput: [1, 3, 224, 224]\n');
    assert.deepEqual(code.executionSummary, {
      executionOrder: 7,
      success: true,
      timing: { startTime: 1764000000000, endTime: 1764000000412 },
    });
    assert.equal(code.metadata?.pinned, 1);
    const [report, markdown, png] = code.outputs![0].items;
    assert.equal(report.mime, 'application/vnd.lcnb.report+json');
    assert.deepEqual(JSON.parse(new TextDecoder().decode(report.data)), { version: 1, verb: 'model' });
    assert.equal(new TextDecoder().decode(markdown.data), '| op | MAdds |\n|---|---|\n| conv | 1 |\n');
    assert.deepEqual(png.data, PNG);
    assert.equal(code.outputs![0].metadata?.provider, 'cpu');
    assert.deepEqual(failed.executionSummary, { executionOrder: 8, success: false });
    assert.deepEqual(empty.outputs, []);
    assert.equal(empty.executionSummary, undefined);
    assert.deepEqual(data.metadata?.tags, ['a', 'b']);
  });

  it('keeps unknown fields under one metadata key, with where they were', () => {
    const data = parseNotebook(RICH);
    assert.deepEqual(data.metadata?.[UNKNOWN_FIELDS_KEY], [{ key: 'generator', value: 'lcnb 9.9', after: null }]);
    assert.deepEqual(data.cells[0].metadata, { [UNKNOWN_FIELDS_KEY]: [{ key: 'x-collapsed', value: true, after: 'source' }] });
    assert.deepEqual(data.cells[1].metadata?.[UNKNOWN_FIELDS_KEY], [
      { key: 'id', value: 'c2', after: null },
      { key: 'trailer', value: null, after: 'outputs' },
      { key: 'provider', value: { name: 'cpu', threads: 2 }, after: 'endTime', at: ['execution'] },
    ]);
    assert.deepEqual(data.cells[1].outputs![0].metadata?.[UNKNOWN_FIELDS_KEY], [
      { key: 'id', value: 'o1', after: null },
      { key: '3', value: 'integer-like key', after: 'items' },
      { key: 'lang', value: 'en', after: 'data', at: ['items', 1] },
    ]);
    assert.equal(data.cells[1].outputs![1].metadata, undefined);
  });

  it('unknown fields stay in place when the notebook is edited and cells re-run', () => {
    const data = parseNotebook(RICH);
    data.cells[1].value = 'model: ghostnet_x1_0\n';
    data.cells[1].executionSummary = { executionOrder: 9, success: true, timing: { startTime: 1, endTime: 2 } };
    data.cells.push({ kind: NotebookCellKind.Code, value: 'model: x', languageId: 'lcnb' });
    const text = serializeNotebook(data);
    const expected = RICH.replace('fasternet_t0\\ninput: [1, 3, 224, 224]\\n', 'ghostnet_x1_0\\n')
      .replace('"order": 7', '"order": 9')
      .replace('"startTime": 1764000000000', '"startTime": 1')
      .replace('"endTime": 1764000000412', '"endTime": 2')
      .replace(
        '"outputs": []\n  }\n ]\n}\n',
        '"outputs": []\n  },\n  {\n   "kind": "code",\n   "language": "lcnb",\n   "source": "model: x",\n   "outputs": []\n  }\n ]\n}\n',
      );
    assert.equal(text, expected);
  });

  it('a notebook built in memory is written canonically, and that text is a fixed point', () => {
    const data: NotebookDocumentData = {
      cells: [
        { kind: NotebookCellKind.Markup, value: 'text', languageId: 'markdown', metadata: {} },
        {
          kind: NotebookCellKind.Code,
          value: 'model: squeezenet1_1',
          languageId: 'lcnb',
          executionSummary: { executionOrder: 1 },
          outputs: [
            {
              items: [
                { mime: 'text/plain', data: utf8('\ufeffBOM kept') },
                { mime: 'text/plain', data: new Uint8Array([0xff, 0xfe, 0x41]) },
                { mime: 'application/octet-stream', data: utf8('looks like text') },
              ],
              metadata: {},
            },
          ],
        },
      ],
    };
    const text = serializeNotebook(data);
    assert.match(text, /^\{\n "lcnb": 1,\n "metadata": \{\},\n "cells": \[\n/);
    assert.ok(text.endsWith('}\n'));
    assert.ok(text.includes('"data": "\\ufeffBOM kept"') || text.includes('"data": "\ufeffBOM kept"'));
    assert.ok(text.includes('"encoding": "base64",\n       "data": "//5B"'), 'invalid UTF-8 text falls back to base64');
    assert.ok(text.includes(`"data": "${Buffer.from('looks like text').toString('base64')}"`), 'binary mimes are base64');
    const again = parseNotebook(text);
    assert.deepEqual(again.cells[1].outputs![0].items.map((i) => Array.from(i.data)), data.cells[1].outputs![0].items.map((i) => Array.from(i.data)));
    assert.equal(serializeNotebook(again), text);
  });

  it('keys that JavaScript objects treat specially stay data, in their place', () => {
    const text = serializeNotebook(parseNotebook('{"lcnb": 1, "metadata": {"__proto__": {"x": 1}, "b": 2}, "cells": [], "__proto__": 3}'));
    assert.equal(text, '{\n "lcnb": 1,\n "metadata": {\n  "__proto__": {\n   "x": 1\n  },\n  "b": 2\n },\n "cells": [],\n "__proto__": 3\n}\n');
    assert.equal(serializeNotebook(parseNotebook(text)), text);
  });

  it('the complete example in docs/notebook-format.md reads and re-saves byte-identical', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'notebook-format.md'), 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(doc)![1];
    const data = parseNotebook(example, 'docs/notebook-format.md');
    assert.equal(data.cells.length, 2);
    assert.deepEqual(data.cells[1].outputs![0].items.map((i) => i.mime), ['application/vnd.lcnb.report+json', 'text/markdown', 'image/png']);
    assert.equal(serializeNotebook(data), example);
  });
});

describe('.lcnb format: lenient reading', () => {
  it('accepts sources and data as arrays of lines, as Jupyter writes them', () => {
    const text = JSON.stringify({
      lcnb: 1,
      cells: [
        { kind: 'markdown', source: ['# A\n', '\n', 'b'] },
        { kind: 'code', source: ['model: a\n', 'input: [1, 3, 8, 8]'], outputs: [{ items: [{ mime: 'text/plain', data: ['x\n', 'y'] }] }] },
        { kind: 'code', source: [] },
      ],
    });
    const data = parseNotebook(text);
    assert.equal(data.cells[0].value, '# A\n\nb');
    assert.equal(data.cells[0].languageId, 'markdown');
    assert.equal(data.cells[1].value, 'model: a\ninput: [1, 3, 8, 8]');
    assert.equal(data.cells[1].languageId, 'lcnb');
    assert.equal(new TextDecoder().decode(data.cells[1].outputs![0].items[0].data), 'x\ny');
    assert.equal(data.cells[2].value, '');
    const saved = serializeNotebook(data);
    assert.ok(saved.includes('"source": "# A\\n\\nb"'), 'written back as one string');
    assert.equal(serializeNotebook(parseNotebook(saved)), saved);
  });

  it('reads other layouts (CRLF, a BOM, two-space indentation, base64 with line breaks) and writes the canonical one', () => {
    const canonical = serializeNotebook(parseNotebook(RICH));
    const other = '\ufeff' + RICH.replace(/^ +/gm, (indent) => indent + indent).replace(/\n/g, '\r\n');
    assert.equal(serializeNotebook(parseNotebook(other)), canonical);
    const wrapped = RICH.replace(/"data": "(iVBOR[^"]*)"/, (_, b64: string) => `"data": "${b64.slice(0, 20)}\\n${b64.slice(20)}\\n"`);
    assert.notEqual(wrapped, RICH);
    assert.equal(serializeNotebook(parseNotebook(wrapped)), RICH);
  });

  it('an empty file is a new, empty notebook', () => {
    for (const data of [decodeNotebook(new Uint8Array()), parseNotebook(''), parseNotebook(' \n')]) {
      assert.deepEqual(data, { cells: [], metadata: {} });
    }
    assert.equal(serializeNotebook(decodeNotebook(new Uint8Array())), '{\n "lcnb": 1,\n "metadata": {},\n "cells": []\n}\n');
  });
});

function error(text: string, source?: string): NotebookFormatError {
  try {
    parseNotebook(text, source);
  } catch (e) {
    assert.ok(e instanceof NotebookFormatError, `expected a NotebookFormatError, got ${e}`);
    return e;
  }
  assert.fail('expected the text to be refused');
}

function assertError(text: string, line: number, column: number, reason: RegExp): void {
  const e = error(text);
  assert.deepEqual({ line: e.line, column: e.column }, { line, column }, e.message);
  assert.match(e.reason, reason);
  assert.match(e.message, new RegExp(`line ${line}, column ${column}: `));
}

const lines = (...l: string[]) => l.join('\n');

describe('.lcnb format: malformed files', () => {
  it('JSON syntax errors give the parser position as line and column', () => {
    assertError(lines('{', ' "lcnb": 1', ' "cells": []', '}'), 3, 2, /invalid JSON: expected ','/);
    assertError(lines('{', ' "lcnb": 1,', ' "cells": [],', '}'), 4, 1, /trailing commas are not allowed/);
    assertError(lines('{', ' "lcnb": 1,', " 'cells': []", '}'), 3, 2, /double quotes/);
    assertError(lines('{', ' "lcnb": 1,', ' "cells": [', '  {"kind": "code", "source": "a'), 4, 30, /unterminated string/);
    assertError(lines('{', ' "lcnb": 1,', ' "cells": ['), 3, 12, /unexpected end of file: expected '\]' to close the array/);
    assertError(lines('// notebook', '{}'), 1, 1, /comments are not allowed/);
    assertError(lines('{"lcnb": 1, "cells": []}', 'x'), 2, 1, /after the end of the JSON value/);
  });

  it('columns count UTF-16 code units and lines end at \\n, \\r\\n or \\r', () => {
    assertError('{"lcnb": 1,\r\n "cells": [\r\n  {"source": "é😀", "kind": 3}]}', 3, 29, /cells\[0\]\.kind must be "markdown" or "code", found the number 3/);
    assertError('{"lcnb": 1,\r "cells": [\r  {"kind": "py", "source": ""}]}', 3, 12, /found the string "py"/);
  });

  it('the top level must be an object with a version and cells', () => {
    assertError(lines('', '  ["not", "a", "notebook"]'), 2, 3, /must hold a JSON object .* found an array/);
    assertError('"text"', 1, 1, /found the string "text"/);
    assertError(lines('{', ' "cells": []', '}'), 1, 1, /"lcnb" \(the format version\) is missing/);
    assertError(lines('{', ' "lcnb": 1', '}'), 1, 1, /cells is missing/);
    assertError(lines('{', ' "lcnb": 1,', ' "cells": {}', '}'), 3, 11, /cells must be an array, found an object/);
    assertError(lines('{', ' "lcnb": "1",', ' "cells": []', '}'), 2, 10, /lcnb must be a positive integer .* found the string "1"/);
    assertError(lines('{', ' "lcnb": 1,', ' "metadata": [],', ' "cells": []', '}'), 3, 14, /metadata must be an object, found an array/);
  });

  it('a newer format version says which version the file has and which this lcnb reads', () => {
    const e = error(lines('{', ' "lcnb": 2,', ' "cells": []', '}'), 'future.lcnb');
    assert.deepEqual([e.line, e.column], [2, 10]);
    assert.match(e.reason, new RegExp(`\\.lcnb format version 2, and this lcnb reads format version ${LCNB_VERSION}; update lcnb`));
    assert.ok(e.message.startsWith('future.lcnb:2:10: '), e.message);
  });

  it('cells: kind, source, language, markdown without outputs', () => {
    const cell = (...body: string[]) => lines('{', ' "lcnb": 1,', ' "cells": [', '  {"kind": "markdown", "source": ""},', ...body, ' ]', '}');
    assertError(cell('  {"kind": "python", "source": ""}'), 5, 12, /^cells\[1\]\.kind must be "markdown" or "code", found the string "python"$/);
    assertError(cell('  {"source": ""}'), 5, 3, /^cells\[1\]\.kind is missing/);
    assertError(cell('  {"kind": "code"}'), 5, 3, /^cells\[1\]\.source is missing/);
    assertError(cell('  {"kind": "code", "source": 5}'), 5, 30, /^cells\[1\]\.source must be a string or an array of strings, found the number 5/);
    assertError(cell('  {"kind": "code", "source": ["a", null]}'), 5, 36, /^cells\[1\]\.source\[1\] must be a string, found null/);
    assertError(cell('  {"kind": "code", "language": "", "source": ""}'), 5, 32, /^cells\[1\]\.language must not be empty/);
    assertError(cell('  "cell"'), 5, 3, /^cells\[1\] must be an object, found the string "cell"/);
    assertError(cell('  {"kind": "markdown", "source": "", "outputs": []}'), 5, 38, /^cells\[1\]\.outputs: a markdown cell has no outputs/);
  });

  it('outputs and their items', () => {
    const out = (output: string) =>
      lines('{', ' "lcnb": 1,', ' "cells": [', '  {"kind": "code", "source": "", "outputs": [', `   ${output}`, '  ]}', ' ]', '}');
    assertError(out('{"items": [{"data": "x"}]}'), 5, 15, /^cells\[0\]\.outputs\[0\]\.items\[0\]\.mime is missing/);
    assertError(out('{"items": [{"mime": 7, "data": "x"}]}'), 5, 24, /^cells\[0\]\.outputs\[0\]\.items\[0\]\.mime must be a mime type/);
    assertError(out('{"items": [{"mime": "png", "data": "x"}]}'), 5, 24, /must be a mime type such as "text\/plain", found the string "png"/);
    assertError(out('{"items": [{"mime": "text/plain"}]}'), 5, 15, /^cells\[0\]\.outputs\[0\]\.items\[0\]\.data is missing/);
    assertError(out('{"items": [{"mime": "text/plain", "data": {}}]}'), 5, 46, /data must be a string or an array of strings, found an object/);
    assertError(out('{"items": [{"mime": "image/png", "encoding": "base64", "data": "not base64!"}]}'), 5, 67, /data is not valid base64/);
    assertError(out('{"items": [{"mime": "image/png", "encoding": "hex", "data": "00"}]}'), 5, 49, /encoding must be "base64" .* found the string "hex"/);
    assertError(out('{"items": {}}'), 5, 14, /^cells\[0\]\.outputs\[0\]\.items must be an array/);
    assertError(out('{}'), 5, 4, /^cells\[0\]\.outputs\[0\]\.items is missing/);
    assertError(out('[]'), 5, 4, /^cells\[0\]\.outputs\[0\] must be an object, found an array/);
  });

  it('execution summaries', () => {
    const exec = (e: string) => lines('{', ' "lcnb": 1,', ' "cells": [', `  {"kind": "code", "source": "", "execution": ${e}}`, ' ]', '}');
    assertError(exec('{"order": -1}'), 4, 57, /execution\.order must be a non-negative integer, found the number -1/);
    assertError(exec('{"order": 1.5}'), 4, 57, /execution\.order must be a non-negative integer/);
    assertError(exec('{"success": "yes"}'), 4, 59, /execution\.success must be true or false/);
    assertError(exec('{"startTime": 5}'), 4, 47, /execution has startTime but no endTime/);
    assertError(exec('{"startTime": 5, "endTime": "6"}'), 4, 75, /endTime must be milliseconds since the epoch/);
    assertError(exec('3'), 4, 47, /^cells\[0\]\.execution must be an object, found the number 3/);
  });

  it('duplicate keys and the reserved metadata key are refused', () => {
    assertError(lines('{', ' "lcnb": 1,', ' "cells": [{"kind": "code", "kind": "markdown", "source": ""}]', '}'), 3, 29, /duplicate key "kind" in cells\[0\]/);
    assertError(lines('{', ' "lcnb": 1,', ' "metadata": {"a": {"x": 1, "x": 2}},', ' "cells": []', '}'), 3, 29, /duplicate key "x" in metadata\.a/);
    assertError(
      lines('{', ' "lcnb": 1,', ' "cells": [{"kind": "code", "source": "", "metadata": {"lcnb.unknownFields": []}}]', '}'),
      3,
      56,
      /cells\[0\]\.metadata\["lcnb\.unknownFields"\] is reserved/,
    );
  });

  it('bytes that are not UTF-8 are refused with their position', () => {
    const bytes = new Uint8Array([...utf8('{\n "lcnb": 1,\n "cells": ["é'), 0xc3, 0x28, ...utf8('"]}')]);
    assert.throws(
      () => decodeNotebook(bytes),
      (e: unknown) =>
        e instanceof NotebookFormatError && e.line === 3 && e.column === 14 && /not valid UTF-8: invalid byte sequence 0xC3 0x28 at byte offset 28/.test(e.reason),
    );
  });

  it('the serializer never opens a malformed file as an empty notebook: decoding throws', () => {
    for (const text of ['{', 'null', '{"lcnb": 1, "cells": [{"kind": "bad", "source": ""}]}', '{"lcnb": 99, "cells": []}']) {
      assert.throws(() => decodeNotebook(utf8(text), 'x.lcnb'), NotebookFormatError);
    }
  });
});
