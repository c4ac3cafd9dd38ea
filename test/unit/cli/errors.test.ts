/** `lcnb` mistakes as a new user makes them: each says where and why, with the exit code documented in README. */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli as run } from '../support/helpers';

const dir = mkdtempSync(join(tmpdir(), 'lcnb-cli-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs argv, checks the exit code, an empty stdout and no stack trace; returns stderr. */
async function failing(code: number, ...argv: string[]): Promise<string> {
  const result = await run(...argv);
  assert.equal(result.code, code, `${argv.join(' ')}: ${result.stderr}`);
  assert.equal(result.stdout, '', argv.join(' '));
  assert.doesNotMatch(result.stderr, /\n\s+at |undefined/, argv.join(' '));
  return result.stderr;
}

describe('lcnb command-line mistakes', () => {
  it('a misspelt option: the nearest option and the usage of that command only, exit 2', async () => {
    const stderr = await failing(2, 'summary', 'mobilenet_v2_x1_0', '--resolutoin', '160');
    const [first, ...rest] = stderr.split('\n');
    assert.equal(first, 'lcnb: unknown option --resolutoin (did you mean --resolution?)');
    assert.match(rest.join('\n'), /^usage:\n {2}lcnb summary <model-id/);
    assert.match(stderr, /'lcnb summary --help' explains the options, 'lcnb --help' lists every command/);
    assert.doesNotMatch(stderr, /lcnb export|lcnb profile|lcnb run|Unknown option|"/, 'no other command, nor Node’s own message');
    assert.ok(stderr.split('\n').length <= 6, stderr);
  });

  it("an option of another command says which command takes it", async () => {
    assert.match(await failing(2, 'summary', 'mobilenet_v2_x1_0', '--threads', '2'), /^lcnb: --threads is not an option of summary \(it is an option of profile\)\n/);
    assert.match(await failing(2, 'profile', 'mobilenet_v2_x1_0', '--thread', '2'), /^lcnb: unknown option --thread \(did you mean --threads\?\)\nusage:\n {2}lcnb profile /);
  });

  it('a missing value, a value where none is taken, a stray argument, a misspelt command', async () => {
    assert.match(await failing(2, 'export', 'mobilenet_v1_x0_25', '-o'), /^lcnb: --output needs a value\n/);
    assert.match(await failing(2, 'summary', 'mobilenet_v1_x0_25', '--resolution', '--json'), /^lcnb: --resolution needs a value\n/);
    assert.match(await failing(2, 'list', '--json=yes'), /^lcnb: --json takes no value\nusage:\n {2}lcnb list/);
    assert.match(await failing(2, 'list', 'all'), /^lcnb: list takes no argument 'all'\n/);
    assert.equal(await failing(2, 'sumary', 'x'), "lcnb: unknown command 'sumary' (did you mean summary?)\ncommands: summary, export, profile, predict, run, list; 'lcnb --help' shows their options\n");
  });

  it('<command> --help prints that command’s usage and exits 0', async () => {
    const { code, stdout, stderr } = await run('export', '--help');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^usage:\n {2}lcnb export <model-id \| graph\.json> -o <model\.onnx>/);
    assert.match(stdout, /model options \(zoo ids\): --resolution N/);
    assert.doesNotMatch(stdout, /lcnb summary/);
  });

  it('a missing input file: "file not found" with the path (and, for a relative one, where it was looked for)', async () => {
    assert.equal(await failing(1, 'summary', '/nonexistent.onnx'), 'lcnb: file not found: /nonexistent.onnx\n');
    assert.equal(await failing(1, 'profile', join(dir, 'gone.json')), `lcnb: file not found: ${join(dir, 'gone.json')}\n`);
    assert.equal(await failing(1, 'summary', 'no/such/model'), `lcnb: file not found: no/such/model (looked in ${process.cwd()})\n`);
    assert.equal(await failing(1, 'run', join(dir, 'gone.lcnb')), `lcnb: file not found: ${join(dir, 'gone.lcnb')}\n`);
  });

  it('an output folder that does not exist is said before the model is built, and nothing is written', async () => {
    const out = join(dir, 'no', 'such', 'm.onnx');
    assert.equal(await failing(1, 'export', 'mobilenet_v1_x0_25', '-o', out), `lcnb: cannot write ${out}: folder ${join(dir, 'no', 'such')} does not exist\n`);
    assert.ok(!existsSync(join(dir, 'no')));
    assert.equal(await failing(1, 'export', 'mobilenet_v1_x0_25', '-o', dir), `lcnb: cannot write ${dir}: it is a folder\n`);
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    assert.equal(await failing(1, 'export', 'mobilenet_v1_x0_25', '-o', join(file, 'm.onnx')), `lcnb: cannot write ${join(file, 'm.onnx')}: ${file} is a file, not a folder\n`);
  });

  it('a folder given as the model is called a folder, not an unknown id', async () => {
    assert.equal(await failing(1, 'summary', dir), `lcnb: ${dir} is a folder, not a model id, .onnx or graph .json file\n`);
    assert.equal(await failing(1, 'summary', dir, '--head', 'picodet_legacy'), `lcnb: ${dir} is a folder, not a model id, .onnx or graph .json file\n`);
    assert.equal(await failing(1, 'run', dir), `lcnb: ${dir} is a folder, not an .lcnb notebook\n`);
  });

  it('a JSON file that is not a graph is named as such; a graph missing a key says which, never "undefined"', async () => {
    const pkg = join(dir, 'package.json');
    writeFileSync(pkg, JSON.stringify({ name: 'x', version: '1.0.0' }));
    assert.equal(await failing(1, 'summary', pkg), `lcnb: ${pkg} is not an lcnb graph file: it has no 'nodes' list\n`);
    const noInputs = join(dir, 'no-inputs.json');
    writeFileSync(noInputs, JSON.stringify({ nodes: [], outputs: [] }));
    assert.equal(await failing(1, 'summary', noInputs), `lcnb: ${noInputs}: inputs: must be a list, got nothing (the key is missing)\n`);
  });

  it('a near-miss model id gets the nearest ids, the published width first', async () => {
    assert.match(await failing(1, 'summary', 'mobilenetv2'), /^lcnb: unknown model id 'mobilenetv2' \(did you mean mobilenet_v2_x1_0, [^)]*\?\)\n$/);
    assert.match(await failing(1, 'summary', 'mobilenet_v2'), /^lcnb: unknown model id 'mobilenet_v2' \(did you mean mobilenet_v2_x1_0, mobilenet_v2_x0_75, mobilenet_v2_x1_4\?\)\n$/);
    assert.match(await failing(1, 'summary', 'mobilenetv3'), /^lcnb: unknown model id 'mobilenetv3' \(did you mean mobilenet_v3_large_x1_0, mobilenet_v3_small_x1_0, /);
    assert.equal(await failing(1, 'summary', 'resnet50'), "lcnb: unknown model id 'resnet50' (run 'lcnb list' for the ids)\n");
  });

  it('run --kernel <a provider that cannot start>: the cells run on cpu, exit 0, and stderr says what was asked, why and what ran', async () => {
    const notebook = join(dir, 'nb');
    mkdirSync(notebook);
    const file = join(notebook, 'one.lcnb');
    writeFileSync(
      file,
      JSON.stringify({
        lcnb: 1,
        metadata: {},
        cells: [
          { kind: 'code', language: 'lcnb', source: 'model: mobilenet_v1_x0_25\nresolution: 32\nprofile: { runs: 2, warmup: 1, threads: 1 }' },
          { kind: 'markdown', language: 'markdown', source: 'between' },
          { kind: 'code', language: 'lcnb', source: 'model: mobilenet_v1_x0_25\nresolution: 32\nprofile: false' },
        ],
      }),
    );
    const { code, stdout, stderr } = await run('run', file, '--kernel', 'gpu');
    assert.equal(code, 0, stderr);
    assert.equal(stdout, `ran 2 code cells of ${file}\n`);
    const fallback = stderr.split('\n').filter((l) => l.includes('could not start'));
    assert.equal(fallback.length, 1, stderr);
    assert.match(fallback[0], /^lcnb: cell 1: gpu could not start: .*does not offer the 'gpu' execution provider.*; ran on cpu instead$/);
  });
});

describe('lcnb list', () => {
  it("top-1 as the source states it (its decimals), aligned on the decimal point", async () => {
    const { code, stdout } = await run('list');
    assert.equal(code, 0);
    const lines = stdout.split('\n');
    const header = lines.findIndex((l) => l.startsWith('id '));
    // The column's span, from the dashes under its header.
    const start = lines[header].indexOf('top-1 % (published)');
    const end = lines[header + 1].indexOf(' ', start);
    const rows = new Map(lines.slice(header + 2).filter((l) => l).map((l) => [l.split(' ')[0], l]));
    const top1 = (id: string) => rows.get(id)!.slice(start, end).trim();
    assert.equal(top1('squeezenet1_0'), '58.092', 'torchvision states three decimals');
    assert.equal(top1('shufflenet_v1_g3_x0_25'), '45.0', 'the ShuffleNet paper: error 55.0');
    assert.equal(top1('pplcnet_x2_5'), '76.60', 'PaddleClas states two decimals');
    assert.equal(top1('fasternet_m'), '83.0');
    const points = ['squeezenet1_0', 'shufflenet_v1_g3_x0_25', 'pplcnet_x2_5', 'fasternet_m'].map((id) => rows.get(id)!.indexOf('.', start));
    assert.equal(new Set(points).size, 1, `decimal points at ${points}`);
    assert.doesNotMatch(stdout, /\d%/);
  });
});

describe('flops_rule', () => {
  it('a bias-free conv: FLOPs exactly 2 × MAdds, and the rule says the bias term needs a bias', async () => {
    const s = JSON.parse((await run('summary', 'mobilenet_v1_x1_0', '--json')).stdout);
    const stem = s.layers[0];
    assert.equal(stem.name, 'stem.conv');
    assert.equal(stem.flops, 2 * stem.madds);
    assert.equal(stem.flops_rule, '2 × MAdds, + 1 per output when the layer has a bias');
  });
});
