import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli as run } from '../support/helpers';

describe('lcnb CLI', () => {
  it('summary --json has the documented fields and MobileNetV1 1.0 numbers', async () => {
    const { code, stdout, stderr } = await run('summary', 'mobilenet_v1_x1_0', '--json');
    assert.equal(code, 0, stderr);
    const s = JSON.parse(stdout);
    assert.equal(s.id, 'mobilenet_v1_x1_0');
    assert.deepEqual(s.input, [1, 3, 224, 224]);
    assert.equal(s.totals.params, 4_231_976);
    assert.equal(s.totals.madds, 568_740_352);
    for (const key of ['flops', 'mac_elements', 'mac_bytes']) assert.equal(typeof s.totals[key], 'number', key);
    assert.equal(s.totals.mac_bytes, 4 * s.totals.mac_elements);
    const first = s.layers[0];
    for (const key of ['name', 'op', 'scope', 'inputs', 'output', 'params', 'madds', 'flops', 'mac_elements']) assert.ok(key in first, key);
    assert.deepEqual(s.uncounted, []);
    assert.ok(s.published.every((p: { source: string }) => p.source.length > 0));
  });

  it('summary text names the conventions and keeps published numbers apart', async () => {
    const { code, stdout } = await run('summary', 'mobilenet_v1_x1_0');
    assert.equal(code, 0);
    assert.match(stdout, /params\s+4,231,976/);
    assert.match(stdout, /MAdds\s+568,740,352/);
    assert.match(stdout, /MAdds = multiply-adds/);
    assert.match(stdout, /Published \(not computed here\):\n {2}params 4\.20M {2}— arXiv:1704\.04861 Table 6/);
  });

  it('--resolution changes the input and drops published figures that describe 224', async () => {
    const { stdout } = await run('summary', 'mobilenet_v1_x1_0', '--resolution', '160', '--json');
    const s = JSON.parse(stdout);
    assert.deepEqual(s.input, [1, 3, 160, 160]);
    assert.equal(s.totals.params, 4_231_976);
    assert.ok(s.totals.madds < 568_740_352 * 0.55);
    assert.deepEqual(s.published, []);
  });

  it('user mistakes: one line on stderr, non-zero exit, no stack trace', async () => {
    const cases: [string[], number, RegExp][] = [
      [['summary', 'mobilenet_v9'], 1, /^lcnb: unknown model id 'mobilenet_v9' \(did you mean mobilenet_v1_x1_0, mobilenet_v2_x1_0, mobilenet_v3_large_x1_0\?\)\n$/],
      [['summary', 'mobilenet_v1_x1_0', '--resolution', 'abc'], 2, /^lcnb: --resolution must be a positive integer, got 'abc'\n/],
      [['summary', 'mobilenet_v1_x1_0', '--resolution', '16000'], 1, /^lcnb: option resolution must be an integer from 1 to 8192, got 16000\n$/],
      [['summary', 'missing.json'], 1, /^lcnb: file not found: missing\.json \(looked in .+\)\n$/],
      [['summary', 'model.pt'], 1, /^lcnb: model\.pt: unsupported file type \(expected a zoo model id, an \.onnx file or a \.json graph\)\n$/],
      [['summary', 'missing.onnx'], 1, /^lcnb: file not found: missing\.onnx \(looked in .+\)\n$/],
      [['export', 'mobilenet_v1_x1_0'], 2, /^lcnb: export needs -o <file\.onnx>/],
      [['export', 'mobilenet_v1_x1_0', '-o', 'x.onnx', '--form', 'fast'], 2, /^lcnb: --form must be training or deploy, got 'fast'/],
      [['summary', 'mobilenet_v1_x1_0', '--form', 'training'], 1, /^lcnb: mobilenet_v1_x1_0 has one form; form applies to re-parameterised models \(GhostNetV3, MobileOne, RepViT\)\n$/],
      [['summary', 'mobileone_s0', '--form', 'fused'], 2, /^lcnb: --form must be training or deploy, got 'fused'/],
      [['frobnicate'], 2, /^lcnb: unknown command 'frobnicate'/],
      [['summary', 'mobilenet_v1_x1_0', '--bogus'], 2, /^lcnb: unknown option --bogus\n/],
    ];
    for (const [argv, expected, message] of cases) {
      const { code, stderr, stdout } = await run(...argv);
      assert.equal(code, expected, argv.join(' '));
      assert.match(stderr, message, argv.join(' '));
      assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
      assert.equal(stdout, '');
    }
  });

  it('an impossible graph file names the node, its inputs and the rule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lcnb-cli-'));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        inputs: [{ name: 'x', shape: [1, 30, 56, 56] }],
        nodes: [{ name: 'stage1.gconv', op: 'Conv', inputs: ['x'], attrs: { out_channels: 60, kernel_shape: [1, 1], group: 4 } }],
        outputs: ['stage1.gconv'],
      }),
    );
    const { code, stderr } = await run('summary', file);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 1);
    assert.equal(stderr, "lcnb: node 'stage1.gconv' (Conv) with inputs [1, 30, 56, 56]: input channels 30 are not divisible by group 4\n");
  });

  it('export writes an ONNX file that reads back with the same MAdds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lcnb-cli-'));
    const file = join(dir, 'v1.onnx');
    const exported = await run('export', 'mobilenet_v1_x0_25', '--resolution', '64', '-o', file);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /^wrote .*v1\.onnx \(.* ONNX opset 17, deploy form, 27 BatchNorm layers folded into their convs, weights seeded with 0\)\n$/);
    const read = await run('summary', file, '--json');
    rmSync(dir, { recursive: true, force: true });
    const direct = JSON.parse((await run('summary', 'mobilenet_v1_x0_25', '--resolution', '64', '--json')).stdout);
    assert.equal(JSON.parse(read.stdout).totals.madds, direct.totals.madds);
  });

  it('list shows ids with their published figures', async () => {
    const { code, stdout } = await run('list', '--json');
    assert.equal(code, 0);
    const models = JSON.parse(stdout);
    const v1 = models.find((m: { id: string }) => m.id === 'mobilenet_v1_x1_0');
    assert.equal(v1.family, 'MobileNetV1');
  });
});
