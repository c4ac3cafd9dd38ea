// Packages lcnb as a platform-specific .vsix: the bundles, styles, samples and the CLI shim, plus
// onnxruntime-node's binaries for that one platform (each package carries only its own).
// Usage: node scripts/package.mjs [--target linux-x64] [--out file.vsix]
// (`npm run package -- --target darwin-arm64` builds first, then runs this.)
// The file list is .vscodeignore with its linux/x64 binary folder swapped for the target's.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BINARIES = 'node_modules/onnxruntime-node/bin/napi-v6';
const DEFAULT_TARGET = 'linux-x64';

/** The VS Code targets lcnb can be packaged for: those onnxruntime-node ships binaries for. */
export function availableTargets(root = repoRoot) {
  const dir = join(root, BINARIES);
  return readdirSync(dir).flatMap((os) => readdirSync(join(dir, os)).map((arch) => `${os}-${arch}`)).sort();
}

/** .vscodeignore's text for `target`: the same rules, onnxruntime's binaries for that platform only. */
export function ignoreFileFor(target, root = repoRoot) {
  const available = availableTargets(root);
  if (!available.includes(target)) {
    const { version } = JSON.parse(readFileSync(join(root, 'node_modules/onnxruntime-node/package.json'), 'utf8'));
    throw new Error(`cannot package for '${target}': onnxruntime-node ${version} ships no binary for it (it has ${available.join(', ')})`);
  }
  const text = readFileSync(join(root, '.vscodeignore'), 'utf8');
  const defaultLine = `!${BINARIES}/${DEFAULT_TARGET.replace('-', '/')}/**`;
  if (!text.split('\n').includes(defaultLine)) throw new Error(`.vscodeignore no longer has the line '${defaultLine}' this script swaps per target`);
  return text.replace(defaultLine, `!${BINARIES}/${target.replace('-', '/')}/**`);
}

/** Writes the .vsix for `target` (vsce's listing on stdout unless `quiet`); returns its path. */
export function packageVsix({ target = DEFAULT_TARGET, out, root = repoRoot, quiet = false } = {}) {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const file = resolve(out ?? join(root, `lcnb-${version}-${target}.vsix`));
  const dir = mkdtempSync(join(tmpdir(), 'lcnb-package-'));
  try {
    const ignoreFile = join(dir, '.vscodeignore');
    writeFileSync(ignoreFile, ignoreFileFor(target, root));
    const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
    execFileSync(process.execPath, [vsce, 'package', '--target', target, '--ignoreFile', ignoreFile, '--out', file], { cwd: root, stdio: quiet ? 'pipe' : 'inherit' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return file;
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--target') options.target = value();
    else if (flag === '--out' || flag === '-o') options.out = value();
    else throw new Error(`unknown option '${argv[i]}' (usage: node scripts/package.mjs [--target ${availableTargets().join('|')}] [--out file.vsix])`);
  }
  return options;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const file = packageVsix(parseArgs(process.argv.slice(2)));
    console.log(`packaged ${file}`);
  } catch (e) {
    console.error(`package: ${e.message}`);
    process.exit(1);
  }
}
