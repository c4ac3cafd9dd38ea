/**
 * Executing cells that name .onnx files: read against the notebook's folder, counted like the file
 * itself, profiled as stored in the kernel, refused with the path and the reason when unreadable,
 * and `lcnb run` on a notebook that holds one.
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { KernelClient } from '../../../kernels/host/client';
import { decodeNotebook, encodeNotebook, NotebookCellKind } from '../../../src/notebookFile';
import { exportOnnx } from '../../../src/onnx/writer';
import { CellFailure, executeCell } from '../../../src/run/execute';
import { REPORT_MIME, Report } from '../../../src/run/reportTypes';
import { buildModel } from '../../../src/zoo';
import { runCli } from '../support/helpers';

const fixtures = resolve(__dirname, '..', '..', 'fixtures', 'onnx');
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'lcnb-onnx-cells-'));
const kernel = new KernelClient(join(__dirname, '..', '..', '..', 'kernels', 'process', 'main.ts'), { execArgv: ['--import', 'tsx'], env: { LCNB_CACHE_DIR: work } });
after(async () => {
  await kernel.dispose();
  rmSync(work, { recursive: true, force: true });
});

const staticCtx = { provider: 'cpu', baseDir: fixtures };

async function failure(text: string, ctx: Parameters<typeof executeCell>[1] = staticCtx): Promise<string> {
  try {
    await executeCell(text, ctx);
  } catch (e) {
    assert.ok(e instanceof CellFailure, String(e));
    return e.message;
  }
  assert.fail(`${text} ran`);
}

describe('cells naming .onnx files', () => {
  it('model: a PyTorch export, relative to the notebook folder, counts like the file', async () => {
    const { report } = await executeCell('model: torch_tiny_se.onnx', staticCtx);
    assert.equal(report.models.length, 1);
    assert.equal(report.models[0].summary.totals.madds, expected.torch_tiny_se.madds);
    assert.equal(report.models[0].summary.totals.params, expected.torch_tiny_se.file_params);
    assert.ok(report.notes.some((n) => n.startsWith(`Read ${join(fixtures, 'torch_tiny_se.onnx')} as stored (producer: pytorch`)), report.notes.join('\n'));
  });

  it('compare: a zoo id beside its own export (absolute path) and a foreign model with uncounted ops', async () => {
    const exported = join(work, 'zoo', 'squeezenet1_1.onnx');
    mkdirSync(join(work, 'zoo'), { recursive: true });
    writeFileSync(exported, exportOnnx(buildModel('squeezenet1_1', {}), { form: 'deploy' }).bytes);
    const { report } = await executeCell(`compare:\n  models:\n    - squeezenet1_1\n    - ${exported}\n    - foreign_ops.onnx`, staticCtx);
    assert.deepEqual(report.models.map((m) => m.summary.id), ['squeezenet1_1', exported, 'foreign_ops.onnx'], 'files named as the cell names them');
    const [zoo, file, foreign] = report.models.map((m) => m.summary);
    assert.equal(file.totals.madds, zoo.totals.madds, 'the export counts as the zoo model it came from');
    assert.deepEqual(foreign.uncounted.map((u: { op: string }) => u.op).sort(), ['FastGelu', 'QuickGelu']);
  });

  it('a missing, broken or unreadable file is a cell error naming the path and why', async () => {
    assert.match(await failure('model: nowhere/net.onnx'), new RegExp(`^line 1, column 8: cannot read ${join(fixtures, 'nowhere', 'net.onnx').replace(/[/\\\\.]/g, '\\$&')}: ENOENT`));
    const broken = join(work, 'broken.onnx');
    writeFileSync(broken, 'not a model');
    assert.match(await failure(`profile: ${broken}`), /broken\.onnx: not a readable ONNX model/);
    const folder = join(work, 'folder.onnx');
    mkdirSync(folder);
    assert.match(await failure('model: folder.onnx', { provider: 'cpu', baseDir: work }), /cannot read .*folder\.onnx: EISDIR/);
  });

  it('profile: runs the file as stored in the kernel, through the activation-memory guard', async () => {
    const ctx = { kernel, provider: 'cpu', baseDir: fixtures, defaults: { runs: 3, warmup: 1, threads: 1 } };
    const { report } = await executeCell('profile: torch_tiny_se.onnx\nruns: 3\nwarmup: 1', ctx);
    assert.equal(report.title, 'torch_tiny_se.onnx');
    const profile = report.models[0].profile;
    assert.ok(profile, 'measured');
    assert.equal(profile.graph_form, 'as stored in the .onnx file');
    assert.ok(profile.latency.median_ms > 0);
    assert.match(await failure('profile: torch_tiny_se.onnx', { ...ctx, activationMemoryLimitBytes: 1024 }), /not measured/);
  });
});

describe('lcnb run with a cell naming an .onnx file', () => {
  it('resolves the path against the notebook folder and writes the executed notebook', async () => {
    const dir = join(work, 'nb');
    mkdirSync(join(dir, 'models'), { recursive: true });
    copyFileSync(join(fixtures, 'foreign_ops.onnx'), join(dir, 'models', 'foreign_ops.onnx'));
    const cell = (value: string) => ({ kind: NotebookCellKind.Code, languageId: 'lcnb', value });
    writeFileSync(join(dir, 'file.lcnb'), encodeNotebook({ cells: [cell('profile: models/foreign_ops.onnx\nruns: 3\nwarmup: 1\nthreads: 1')] }));
    const out = join(work, 'out.lcnb');
    const { code, stderr } = await runCli('run', join(dir, 'file.lcnb'), '--kernel', 'cpu', '-o', out);
    assert.equal(code, 0, stderr);
    const ran = decodeNotebook(readFileSync(out), out).cells[0];
    assert.equal(ran.executionSummary?.success, true);
    const item = ran.outputs?.[0].items.find((i) => i.mime === REPORT_MIME);
    assert.ok(item);
    const report = JSON.parse(Buffer.from(item.data).toString('utf8')) as Report;
    assert.ok(report.models[0].profile, 'measured');
    assert.deepEqual(report.models[0].summary.uncounted.map((u) => u.op).sort(), ['FastGelu', 'QuickGelu']);
  });
});
