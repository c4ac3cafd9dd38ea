/**
 * Data safety: nothing the user wrote is lost by opening, saving, running or an interrupted write.
 * The serializer is the real one (src/notebook/serializer.ts) over a stand-in `vscode` module.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeNotebook, encodeNotebook, NotebookCellKind, NotebookDocumentData } from '../../../src/notebookFile';
import { runNotebook } from '../../../src/run/notebook';
import { writeFileAtomic, writeFileAtomicSync } from '../../../src/files/atomicWrite';
import { installVscodeStub } from '../support/safety-vscode';

installVscodeStub();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { LcnbSerializer } = require('../../../src/notebook/serializer') as typeof import('../../../src/notebook/serializer');

const repo = join(__dirname, '..', '..', '..');
const samples = readdirSync(join(repo, 'notebooks')).filter((f) => f.endsWith('.lcnb')).sort();
const dir = mkdtempSync(join(tmpdir(), 'lcnb-safety-data-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const serializer = new LcnbSerializer();
const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Every kind of field this version does not know, at every level of the file. */
const WITH_UNKNOWN = `{
 "lcnb": 1,
 "x-top": {
  "nested": [
   1,
   "two",
   null
  ]
 },
 "metadata": {
  "author": "someone"
 },
 "cells": [
  {
   "kind": "code",
   "x-before-language": true,
   "language": "lcnb",
   "source": "model: squeezenet1_1\\nprofile: false",
   "execution": {
    "order": 3,
    "x-host": "build-7",
    "success": true,
    "startTime": 1700000000000,
    "endTime": 1700000000250
   },
   "outputs": [
    {
     "x-output-id": "abc",
     "items": [
      {
       "mime": "text/plain",
       "x-item-note": 42,
       "data": "hello"
      }
     ]
    }
   ],
   "x-after-outputs": [
    {
     "deep": {
      "er": []
     }
    }
   ]
  },
  {
   "kind": "markdown",
   "language": "markdown",
   "source": "# Notes",
   "x-markdown-extra": "kept"
  }
 ],
 "x-last": 1e-7
}
`;

describe('data safety', () => {
  for (const file of samples) {
    it(`notebooks/${file} opens and saves byte-identical, through the serializer`, () => {
      const bytes = new Uint8Array(readFileSync(join(repo, 'notebooks', file)));
      const saved = serializer.serializeNotebook(serializer.deserializeNotebook(bytes));
      assert.equal(text(saved), text(bytes));
      assert.deepEqual(Buffer.from(saved), Buffer.from(bytes));
    });
  }

  it('unknown fields at every level survive a save, and an edit of the cells around them', () => {
    const data = serializer.deserializeNotebook(utf8(WITH_UNKNOWN));
    // Re-serialised untouched: the same text, with each unknown field where it was.
    assert.equal(text(serializer.serializeNotebook(data)), WITH_UNKNOWN);
    // Edit the code cell's text and add a cell: the unknown fields stay.
    data.cells[0].value = 'model: squeezenet1_0\nprofile: false';
    data.cells.push(new (installVscodeStub().NotebookCellData)(2, 'model: mobilenet_v2_x1_0', 'lcnb') as never);
    const edited = text(serializer.serializeNotebook(data));
    for (const key of ['x-top', 'x-before-language', 'x-host', 'x-output-id', 'x-item-note', 'x-after-outputs', 'x-markdown-extra', 'x-last']) {
      assert.ok(edited.includes(`"${key}"`), key);
    }
    assert.ok(edited.includes('squeezenet1_0') && edited.includes('mobilenet_v2_x1_0'));
    assert.equal(text(serializer.serializeNotebook(serializer.deserializeNotebook(utf8(edited)))), edited, 'and the edited file is stable');
  });

  it('editing a notebook while it runs loses nothing: the run works on a copy, the edits and the outputs are both kept', async () => {
    const original = decodeNotebook(readFileSync(join(repo, 'notebooks', 'getting-started.lcnb')));
    const before = encodeNotebook(original);
    const data: NotebookDocumentData = decodeNotebook(before);
    const codeCells = data.cells.filter((c) => c.kind === NotebookCellKind.Code);
    let edited = false;
    const run = await runNotebook(data, { provider: 'cpu', baseDir: dir }, () => {
      if (edited) return;
      edited = true;
      // The user, between two cells of the run: edits a cell that has not run yet, adds one, edits markdown.
      codeCells[codeCells.length - 1].value = 'model: squeezenet1_1\nprofile: false';
      data.cells.push({ kind: NotebookCellKind.Code, value: 'model: ghostnet_x1_0', languageId: 'lcnb', outputs: [] });
      data.cells[0].value += '\n\nA line added during the run.';
    });
    assert.equal(run.failure, undefined);
    // The document the user holds keeps every edit and was not written to by the run.
    const mine = decodeNotebook(encodeNotebook(data));
    assert.equal(mine.cells.length, original.cells.length + 1);
    assert.ok(mine.cells[0].value.endsWith('A line added during the run.'));
    assert.equal(mine.cells.filter((c) => c.kind === NotebookCellKind.Code).at(-2)?.value, 'model: squeezenet1_1\nprofile: false');
    assert.ok(mine.cells.every((c) => !c.outputs?.length), 'the run wrote no output into the user\'s document');
    // The run's result has an output for every code cell it started with, each from that cell's text then.
    const ran = run.data.cells.filter((c) => c.kind === NotebookCellKind.Code);
    assert.equal(ran.length, codeCells.length);
    for (const cell of ran) assert.equal(cell.outputs?.length, 1, cell.value);
    assert.equal(ran.at(-1)?.value, decodeNotebook(before).cells.filter((c) => c.kind === NotebookCellKind.Code).at(-1)?.value);
  });

  it('an atomic write that fails leaves the old file and no temporary file', async () => {
    const target = join(dir, 'report.json');
    writeFileSync(target, 'old');
    await assert.rejects(writeFileAtomic(join(dir, 'missing-folder', 'report.json'), 'new'), /ENOENT/);
    mkdirSync(join(dir, 'a-folder'));
    assert.throws(() => writeFileAtomicSync(join(dir, 'a-folder'), 'new'), /EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    await writeFileAtomic(target, 'new');
    assert.equal(readFileSync(target, 'utf8'), 'new');
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  });

  it('a save killed part-way never leaves a truncated file: the old text or the whole new one', async () => {
    const target = join(dir, 'big.lcnb');
    const old = 'old contents\n';
    const size = 64 * 2 ** 20;
    const writer = `
      const { writeFileAtomicSync } = require(${JSON.stringify(join(repo, 'src', 'files', 'atomicWrite.ts'))});
      process.send('go');
      writeFileAtomicSync(${JSON.stringify(target)}, Buffer.alloc(${size}, 120));
      process.send('done');`;
    const outcomes = new Set<string>();
    for (const delayMs of [0, 5, 20, 60, 150]) {
      writeFileSync(target, old);
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', writer], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], cwd: repo });
      // Listened for from the start: a fast write may finish, and the child exit, before the kill.
      const exited = new Promise((r) => child.once('exit', r));
      let finished = false;
      const started = new Promise<void>((resolve) => child.on('message', (m) => (m === 'go' ? resolve() : (finished = true))));
      await Promise.race([started, exited]);
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGKILL');
      await exited;
      const content = readFileSync(target);
      const whole = content.length === size && content.every((b) => b === 120);
      assert.ok(content.toString() === old || whole, `after ${delayMs} ms: ${content.length} bytes`);
      outcomes.add(whole ? 'new' : finished ? 'done?' : 'old');
      for (const f of readdirSync(dir).filter((f) => f.endsWith('.tmp'))) rmSync(join(dir, f));
    }
    assert.ok(outcomes.has('old'), `some kill landed mid-write: ${[...outcomes]}`);
  });

  it('lcnb writes files only through the atomic helper (src/, kernels/)', () => {
    // kernels/host/profileGraph.ts and isolatedLayers.ts write the graphs they time into their own fresh temporary folders.
    const allowed = new Set(['src/files/atomicWrite.ts', 'kernels/host/profileGraph.ts', 'kernels/host/isolatedLayers.ts']);
    const offenders: string[] = [];
    const visit = (rel: string) => {
      for (const entry of readdirSync(join(repo, rel), { withFileTypes: true })) {
        const path = `${rel}/${entry.name}`;
        if (entry.isDirectory()) visit(path);
        else if (/\.ts$/.test(entry.name) && !allowed.has(path)) {
          const source = readFileSync(join(repo, path), 'utf8');
          for (const m of source.matchAll(/\b(writeFileSync|writeFile|appendFileSync|appendFile)\(/g)) {
            if (!/workspace\.fs\.writeFile\($/.test(source.slice(0, m.index! + m[0].length))) offenders.push(`${path}: ${m[1]}`);
          }
        }
      }
    };
    visit('src');
    visit('kernels');
    assert.deepEqual(offenders, []);
  });
});

