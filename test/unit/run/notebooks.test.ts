/** Every sample notebook runs headless with a device kernel, as `lcnb run` does, and re-saves unchanged. */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeNotebook, encodeNotebook, NotebookCellKind } from '../../../src/notebookFile';
import { runNotebook } from '../../../src/run/notebook';
import { REPORT_MIME } from '../../../src/run/reportTypes';
import { KernelClient } from '../../../kernels/host/client';

const dir = join(__dirname, '..', '..', '..', 'notebooks');
const cache = mkdtempSync(join(tmpdir(), 'lcnb-nb-test-'));
const kernel = new KernelClient(join(__dirname, '..', '..', '..', 'kernels', 'process', 'main.ts'), { execArgv: ['--import', 'tsx'], env: { LCNB_CACHE_DIR: cache } });
after(async () => {
  await kernel.dispose();
  rmSync(cache, { recursive: true, force: true });
});

describe('running a notebook', () => {
  it('stops at the first failed cell, with the failure as an error output naming line and column', async () => {
    const cell = (value: string) => ({ kind: NotebookCellKind.Code, languageId: 'lcnb', value });
    const data = { cells: [cell('model: mobilenet_v1_x0_25'), cell('model: mobilenet_v9'), cell('model: mobilenet_v1_x0_5')] };
    const run = await runNotebook(data, { provider: 'cpu', baseDir: cache });
    assert.equal(run.failure?.cell, 2);
    assert.match(run.failure?.message ?? '', /^line 1, column 8: .*mobilenet_v9/);
    assert.equal(run.executed, 2);
    assert.equal(run.data.cells[1].executionSummary?.success, false);
    assert.equal(run.data.cells[1].outputs?.[0].items[0].mime, 'application/vnd.code.notebook.error');
    assert.equal(run.data.cells[2].outputs, undefined, 'the cell after the failure did not run');
  });
});

describe('sample notebooks', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.lcnb'))) {
    it(`${file} runs every cell and re-saves byte-identical`, async () => {
      const bytes = readFileSync(join(dir, file));
      const data = decodeNotebook(bytes, file);
      assert.deepEqual(encodeNotebook(data), new Uint8Array(bytes), 'opened and saved unchanged');
      const run = await runNotebook(data, { kernel, provider: 'cpu', baseDir: cache });
      assert.equal(run.failure, undefined, run.failure?.message);
      const code = run.data.cells.filter((c) => c.kind === NotebookCellKind.Code);
      assert.ok(code.length > 0);
      assert.equal(run.executed, code.length);
      for (const cell of code) {
        const mimes = cell.outputs?.[0]?.items.map((i) => i.mime);
        assert.deepEqual(mimes, [REPORT_MIME, 'text/markdown']);
        assert.equal(cell.executionSummary?.success, true);
      }
    });
  }
});
