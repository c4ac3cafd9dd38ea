/**
 * The CLI as an npm package, tested as installed: `npm pack` (which builds first), then
 * `npm install -g` of the tarball into a temporary prefix, as README tells a user, and the
 * installed `lcnb` on that prefix's PATH runs list, summary and profile. The npm cache makes the
 * install offline-capable where `npm ci` has run.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'lcnb-cli-package-'));
const prefix = join(dir, 'prefix');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** A user's environment: the prefix's bin first on PATH, no development settings of this clone. */
const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH}` };
for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];

after(() => {
  rmSync(dir, { recursive: true, force: true });
  // `npm pack` built dist/ for production; put back the development build the other tests use.
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'ignore' });
});

const lcnb = (...args: string[]) => execFileSync('lcnb', args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });

describe('the lcnb npm package', () => {
  let tarball = '';
  before(() => {
    execFileSync(npm, ['pack', '--pack-destination', dir], { cwd: ROOT, env, stdio: 'ignore', timeout: 120_000 });
    tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
    execFileSync(npm, ['install', '-g', '--prefix', prefix, tarball, '--onnxruntime-node-install=skip', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: dir,
      env,
      stdio: 'ignore',
      timeout: 300_000,
    });
  });

  it('is a small tarball of the CLI alone', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
    assert.deepEqual(files, ['package/CHANGELOG.md', 'package/LICENSE', 'package/README.md', 'package/bin/lcnb.js', 'package/dist/cli.js', 'package/dist/kernel.js', 'package/package.json']);
  });

  it('puts lcnb on PATH, and --version prints the version', () => {
    assert.equal(lcnb('--version').trim(), `lcnb ${version}`);
  });

  it('lcnb list shows the zoo', () => {
    const out = lcnb('list');
    for (const id of ['mobilenet_v2_x1_0', 'shufflenet_v2_x1_0', 'ghostnet_x1_0']) assert.match(out, new RegExp(`\\b${id}\\b`));
  });

  it('lcnb summary counts a model (MobileNetV2 1.0: 3,504,872 params, as torchvision)', () => {
    const summary = JSON.parse(lcnb('summary', 'mobilenet_v2_x1_0', '--json'));
    assert.equal(summary.totals.params, 3504872);
  });

  it('lcnb profile measures with the onnxruntime it installed', () => {
    const report = JSON.parse(lcnb('profile', 'squeezenet1_1', '--runs', '3', '--warmup', '1', '--json'));
    assert.ok(report.latency.median_ms > 0, JSON.stringify(report.latency));
    assert.ok(report.layers.length > 10);
    assert.ok(report.layers.every((l: { median_us?: number }) => typeof l.median_us === 'number'));
  });
});
