/**
 * Real ONNX files nobody here wrote (PaddleOCR's Paddle2ONNX exports, torchvision exports with
 * dynamic axes, an old opset, int8 QDQ, a detector with its pre- and post-processing, a
 * segmenter), read by lcnb and compared with an independent count: test/golden/foreign/foreign.json,
 * made by test/golden/reference/onnx_counts.py (python3-onnx shape inference), which this test
 * also re-runs so the golden figures stay what the reference prints. scripts/foreign-corpus.mjs
 * fetches and makes the files into the cache outside the clone.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { summarize } from '../../src/core/summary';
import { readOnnxFile } from '../../src/onnx/file';
import { executeCell } from '../../src/run/execute';
import { readStoredModel } from '../../src/run/onnxFile';
import { KernelClient } from '../../kernels/host/client';
import { runCli } from '../unit/support/helpers';

const ROOT = join(__dirname, '..', '..');
interface GoldenFile {
  source: string;
  input: number[] | null;
  params: number;
  madds: number;
  torch_madds?: number;
  params_evaluated?: number;
  params_evaluated_note?: string;
}
const golden = JSON.parse(readFileSync(join(__dirname, 'foreign', 'foreign.json'), 'utf8')) as { files: Record<string, GoldenFile> };
let files: Record<string, string> = {};

before(() => {
  const listing = execFileSync(process.execPath, [join(ROOT, 'scripts', 'foreign-corpus.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  files = Object.fromEntries(listing.trim().split('\n').map((line) => line.split('\t') as [string, string]));
});

const shapesOf = (g: GoldenFile) => (g.input ? { '': g.input } : undefined);

describe('real ONNX files from other tools', () => {
  for (const [name, g] of Object.entries(golden.files)) {
    it(`${name}: MAdds and params as the independent count, every standard op counted`, async () => {
      const read = await readOnnxFile(files[name], { inputShapes: shapesOf(g) });
      const s = summarize(read.graph);
      assert.equal(s.totals.madds, g.madds, `${name}: MAdds (${g.source})`);
      assert.deepEqual(s.uncounted.filter((u) => !u.why), [], 'no op is unknown to the cost model');
      if (name === 'ssdlite_full.onnx') {
        // NonZero and the NMS inside an If decide the post-processing's shapes: counted only after a run.
        const roots = new Set(s.uncounted.map((u) => (u.why?.startsWith('depends on ') ? u.why.slice('depends on '.length).split(' ')[0] : u.name)));
        for (const root of roots) assert.match(root, /NonZero|^\/If/, `unresolved because of ${root}`);
        assert.ok(s.uncounted.length > 0);
        assert.equal(s.totals.params, g.params - (g.params_evaluated ?? 0), g.params_evaluated_note);
      } else {
        assert.equal(s.totals.params, g.params, `${name}: params are the weight elements the file holds`);
        assert.deepEqual(s.uncounted, [], 'nothing unresolved');
      }
    });
  }

  it('SSDLite with its post-processing: the shapes only data can tell come from one onnxruntime run', async () => {
    const kernel = new KernelClient(join(ROOT, 'kernels', 'process', 'main.ts'), { execArgv: ['--import', 'tsx'] });
    try {
      const read = await readStoredModel(files['ssdlite_full.onnx'], undefined, kernel);
      const s = summarize(read.graph);
      const g = golden.files['ssdlite_full.onnx'];
      assert.equal(s.totals.madds, g.madds);
      assert.equal(s.totals.params, g.params - (g.params_evaluated ?? 0));
      assert.deepEqual(s.uncounted.map((u) => [u.op, u.why]), [['If', 'control flow: the ops of the branch it runs are not counted']]);
      assert.ok(s.layers.some((l) => l.op === 'NonZero' && l.flops > 0), 'NonZero is counted once its shape is known');
      assert.ok(read.notes.some((n) => /taken from one onnxruntime run/.test(n)), read.notes.join('\n'));
    } finally {
      await kernel.dispose();
    }
  });

  it('the int8 QDQ MobileNetV2 counts torchvision’s MAdds, with its int8 tensors at 1 byte', async () => {
    const qdq = summarize((await readOnnxFile(files['mobilenet_v2_qdq.onnx'])).graph);
    const fp32 = summarize((await readOnnxFile(files['mobilenet_v2_opset9.onnx'])).graph);
    assert.equal(qdq.totals.madds, 300_774_272);
    assert.equal(qdq.totals.madds, golden.files['mobilenet_v2_qdq.onnx'].torch_madds);
    const convBytes = (s: typeof qdq) => s.layers.filter((l) => l.op === 'Conv').reduce((sum, l) => sum + l.mac_bytes, 0);
    const convElements = (s: typeof qdq) => s.layers.filter((l) => l.op === 'Conv').reduce((sum, l) => sum + l.mac_elements, 0);
    assert.equal(convElements(qdq), convElements(fp32), 'the same elements move');
    // Every conv reads int8 activations and weights and writes int8 (its output feeds a QuantizeLinear); biases stay float.
    assert.ok(convBytes(qdq) < 0.3 * convBytes(fp32), `${convBytes(qdq)} bytes against ${convBytes(fp32)} in float32`);
    const read = await readOnnxFile(files['mobilenet_v2_qdq.onnx']);
    assert.ok(read.notes.some((n) => /counted at 1 byte per element/.test(n)), read.notes.join('\n'));
  });

  it('lcnb summary prints the full per-layer table of the PP-OCRv4 detector given its input shape', async () => {
    const det = files['ch_PP-OCRv4_det_infer.onnx'];
    const refused = await runCli('summary', det);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /input 'x' is declared \[p2o\.DynamicDimension\.0, 3, p2o\.DynamicDimension\.1, p2o\.DynamicDimension\.2\]: dimensions 2, 3 are not fixed; give the input shape/);
    const { code, stdout, stderr } = await runCli('summary', det, '--input-shape', '1,3,640,640');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /MAdds\s+2,301,935,744/);
    assert.match(stdout, /ConvTranspose/);
    assert.match(stdout, /Uncounted ops: none/);
    const named = await runCli('summary', det, '--input-shape', 'x=1,3,320,320', '--json');
    assert.equal(named.code, 0, named.stderr);
    assert.deepEqual(JSON.parse(named.stdout).input, [1, 3, 320, 320]);
    const wrong = await runCli('summary', det, '--input-shape', 'y=1,3,320,320');
    assert.match(wrong.stderr, /the model has no input 'y' \(its inputs: x\)/);
  });

  it('a model: cell on the recogniser takes input:, and says how when it is missing', async () => {
    const rec = files['ch_PP-OCRv4_rec_infer.onnx'];
    const { report } = await executeCell(`model: ${rec}\ninput: [1, 3, 48, 320]`, { provider: 'cpu', baseDir: ROOT });
    assert.equal(report.models[0].summary.totals.madds, golden.files['ch_PP-OCRv4_rec_infer.onnx'].madds);
    await assert.rejects(executeCell(`model: ${rec}`, { provider: 'cpu', baseDir: ROOT }), /dimension 3 is not fixed; give the input shape \(write it as input: \[1, 3, 48, W\] with numbers for the names in this cell\)/);
  });

  it('the golden figures are what the reference counter prints', () => {
    const args = Object.entries(golden.files).map(([name, g]) => (g.input ? `${files[name]}:${g.input.join(',')}` : files[name]));
    const printed = JSON.parse(execFileSync('/usr/bin/python3', [join(__dirname, 'reference', 'onnx_counts.py'), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 })) as Record<string, { params: number; madds: number }>;
    for (const [name, g] of Object.entries(golden.files)) {
      assert.equal(printed[files[name]].madds, g.madds, name);
      assert.equal(printed[files[name]].params, g.params, name);
    }
  });
});
