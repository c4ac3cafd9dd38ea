/**
 * The .vsix packages: `scripts/package.mjs --target <t>` writes one for every platform
 * onnxruntime-node ships binaries for, each with that platform's binaries only, and everything the
 * manifest points at. Only linux-x64 can run here; the e2e installs that one into code-server.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const BINARIES = 'extension/node_modules/onnxruntime-node/bin/napi-v6/';
const dir = mkdtempSync(join(tmpdir(), 'lcnb-vsix-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A zip file's entry names, and the text of the entry `read` names. */
async function unzip(zip: string, read: string): Promise<{ names: string[]; text: string }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yauzl = require('yauzl');
  return new Promise((resolve, reject) => {
    yauzl.open(zip, { lazyEntries: true }, (err: Error | null, file: any) => {
      if (err) return reject(err);
      const names: string[] = [];
      let text = '';
      file.on('entry', (e: { fileName: string }) => {
        names.push(e.fileName);
        if (e.fileName !== read) return file.readEntry();
        file.openReadStream(e, (err2: Error | null, stream: NodeJS.ReadableStream) => {
          if (err2) return reject(err2);
          stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          stream.on('end', () => file.readEntry());
        });
      });
      file.on('end', () => resolve({ names: names.sort(), text }));
      file.on('error', reject);
      file.readEntry();
    });
  });
}

/** Runs the packaging script as `npm run package -- --target <t>` does after its build. */
function packageFor(target: string): { file: string; output: string } {
  const file = join(dir, `lcnb-${target}.vsix`);
  const output = execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--target', target, '--out', file], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { file, output };
}

describe('vsix packages', async () => {
  const { availableTargets } = await import('../../scripts/package.mjs');
  const targets: string[] = availableTargets();
  const lists = new Map<string, string[]>();

  it('are offered for linux-x64, darwin-arm64 and win32-x64 (the platforms onnxruntime-node 1.30 ships)', () => {
    for (const t of ['linux-x64', 'darwin-arm64', 'win32-x64']) assert.ok(targets.includes(t), `${t} in ${targets}`);
  });

  for (const target of ['linux-x64', 'darwin-arm64', 'darwin-x64', 'win32-x64', 'linux-arm64', 'win32-arm64']) {
    it(`${target}: packaged with its own onnxruntime binaries, or refused with the reason`, async () => {
      if (!targets.includes(target)) {
        // onnxruntime-node stopped shipping Intel-mac binaries (microsoft/onnxruntime#27961).
        assert.throws(
          () => packageFor(target),
          (e: { stderr?: string }) => new RegExp(`cannot package for '${target}': onnxruntime-node \\S+ ships no binary for it \\(it has ${targets.join(', ')}\\)`).test(e.stderr ?? ''),
        );
        return;
      }
      const { file } = packageFor(target);
      const { names, text } = await unzip(file, 'extension.vsixmanifest');
      lists.set(target, names);
      const binaries = names.filter((n) => n.startsWith(BINARIES));
      const [os, arch] = target.split('-');
      assert.ok(binaries.length > 0, 'onnxruntime binaries are packaged');
      for (const b of binaries) assert.ok(b.startsWith(`${BINARIES}${os}/${arch}/`), `${b} belongs to ${target}`);
      assert.ok(binaries.includes(`${BINARIES}${os}/${arch}/onnxruntime_binding.node`));
      // the native library the binding loads: .so on Linux, .dylib on macOS, .dll on Windows
      const library = { linux: /libonnxruntime\.so/, darwin: /libonnxruntime\.[\d.]*dylib/, win32: /onnxruntime\.dll/ }[os];
      assert.ok(library && binaries.some((b) => library.test(b)), `${target} has onnxruntime's library`);
      assert.match(text, new RegExp(`TargetPlatform="${target}"`));
    });
  }

  it('every package holds the same files apart from the binaries, and everything the manifest names', () => {
    const withoutBinaries = (names: string[]) => names.filter((n) => !n.startsWith(BINARIES));
    const [first, ...rest] = [...lists.entries()];
    assert.ok(first, 'at least one package was written');
    for (const [target, names] of rest) assert.deepEqual(withoutBinaries(names), withoutBinaries(first[1]), target);
    const names = new Set(first[1]);
    const c = manifest.contributes;
    const needed = [
      manifest.main,
      manifest.icon,
      manifest.bin.lcnb,
      'CHANGELOG.md',
      'dist/kernel.js',
      'dist/onnxParseWorker.js',
      ...c.notebookRenderer.map((r: { entrypoint: string }) => r.entrypoint),
      ...c.grammars.map((g: { path: string }) => g.path),
      ...c.languages.filter((l: { configuration?: string }) => l.configuration).map((l: { configuration: string }) => l.configuration),
      ...c.walkthroughs.flatMap((w: { steps: { media: { markdown?: string } }[] }) => w.steps.map((s) => s.media.markdown).filter(Boolean)),
    ].map((p: string) => `extension/${p.replace(/^\.\//, '')}`);
    for (const p of needed) assert.ok(names.has(p) || (p.endsWith('CHANGELOG.md') && names.has('extension/changelog.md')), `${p} is packaged`);
    // nothing of lcnb's sources, tests or source maps (onnxruntime's package keeps its own)
    for (const n of first[1].filter((n) => !n.startsWith('extension/node_modules/'))) assert.doesNotMatch(n, /^extension\/(src|test|kernels|scripts|bench|docs)\/|\.map$|\.ts$/, n);
  });
});
