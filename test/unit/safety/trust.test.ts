/**
 * Trust and paths: in an untrusted workspace the notebook controller never reaches the profiling
 * kernel (so never onnxruntime) — the cell fails saying why, the static kernel still runs; and an
 * ONNX model whose weights point outside its folder is refused before anything reads them, by the
 * reader, `lcnb summary` and `lcnb profile` (before a kernel starts).
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { onnx } from '../../../src/onnx/proto';
import { readOnnxFile } from '../../../src/onnx/file';
import { runCli } from '../support/helpers';
import { installVscodeStub, recorded, workspace } from '../support/safety-vscode';

installVscodeStub();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { NotebookKernels } = require('../../../src/notebook/controller') as typeof import('../../../src/notebook/controller');

const dir = mkdtempSync(join(tmpdir(), 'lcnb-safety-trust-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs one cell through a controller's execute handler; returns how it ended and its output text. */
async function runCell(controllerId: string, text: string): Promise<{ success: boolean | undefined; output: string }> {
  const controller = recorded.controllers.find((c) => c.id === controllerId)!;
  let success: boolean | undefined;
  let output = '';
  const execution = {
    executionOrder: 0,
    token: { onCancellationRequested: () => ({ dispose() {} }) },
    start() {},
    end(ok: boolean) {
      success = ok;
    },
    async replaceOutput(out: { items: { data: Uint8Array }[] }) {
      output = out.items.map((i) => new TextDecoder().decode(i.data)).join('\n');
    },
  };
  (controller as unknown as Record<string, unknown>).createNotebookCellExecution = () => execution;
  const cell = { document: { getText: () => text, uri: { toString: () => 'cell-1' } } };
  const notebook = { uri: { scheme: 'untitled', path: 'Untitled-1.lcnb', fsPath: 'Untitled-1.lcnb' }, getCells: () => [] };
  await controller.executeHandler!([cell], notebook, controller);
  return { success, output };
}

describe('trust and paths', () => {
  it('an untrusted workspace: the ONNX Runtime kernel refuses the cell and never touches the profiling kernel; static analysis runs', async () => {
    workspace.isTrusted = false;
    const reached: string[] = [];
    // Anything done with the kernel client would be recorded (creating it starts nothing).
    const kernel = new Proxy({}, { get: (_t, key) => (reached.push(String(key)), () => Promise.reject(new Error('the kernel was reached'))) });
    const log = new Proxy({}, { get: () => () => undefined });
    const lcnb = { extension: {}, log, kernel: () => kernel, results: { set() {} } };
    const kernels = new NotebookKernels(lcnb as never);
    try {
      const cell = 'model: mobilenet_v1_x0_25\nresolution: 64\nprofile: { runs: 1, warmup: 0 }';
      const refused = await runCell('lcnb-ort-cpu', cell);
      assert.equal(refused.success, false);
      assert.match(refused.output, /needs a trusted workspace: it loads a model into onnxruntime, and this workspace is not trusted/);
      assert.match(refused.output, /Or pick the \\"Static analysis\\" kernel\./);
      assert.ok(recorded.errors.some((m) => /needs a trusted workspace/.test(m)), 'a notification offers to trust');
      assert.deepEqual(reached, []);
      const counted = await runCell('lcnb-static', cell);
      assert.equal(counted.success, true);
      assert.match(counted.output, /mobilenet_v1_x0_25/);
      assert.deepEqual(reached, [], 'static analysis needs no kernel either');
    } finally {
      kernels.dispose();
      workspace.isTrusted = true;
    }
  });

  describe('a planted model whose weights live outside its folder', () => {
    const folder = join(dir, 'models');
    const model = join(folder, 'planted.onnx');
    mkdirSync(folder);
    writeFileSync(join(dir, 'secret.bin'), Buffer.alloc(64, 7));
    writeFileSync(
      model,
      onnx.ModelProto.encode({
        irVersion: 8,
        opsetImport: [{ domain: '', version: 17 }],
        graph: {
          name: 'planted',
          node: [{ name: 'add', opType: 'Add', input: ['x', 'w'], output: ['y'] }],
          initializer: [{ name: 'w', dims: [16], dataType: 1, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL, externalData: [{ key: 'location', value: '../secret.bin' }] }],
          input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 16 }] } } } }],
          output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 16 }] } } } }],
        },
      }).finish(),
    );
    const refusal = /planted\.onnx: tensor 'w' keeps its data at '\.\.\/secret\.bin', outside the model's folder; lcnb refuses to follow it/;

    it('is refused by the reader', async () => {
      await assert.rejects(readOnnxFile(model), refusal);
    });

    for (const command of ['summary', 'profile']) {
      it(`is refused by lcnb ${command}, exit code 1, before any kernel starts`, async () => {
        const { code, stderr } = await runCli(command, model);
        assert.equal(code, 1);
        assert.match(stderr, refusal);
        assert.doesNotMatch(stderr, /kernel|onnxruntime could not/);
      });
    }
  });
});
