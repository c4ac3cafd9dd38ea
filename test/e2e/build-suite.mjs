// Bundles the extension-host test suite (test/e2e/suite/*.ts) into out/test/e2e/suite/, one
// CommonJS file per entry; `vscode` comes from the extension host and mocha from node_modules.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const suiteOutDir = path.join(repoRoot, 'out', 'test', 'e2e', 'suite');

/** Builds the suite and returns the path of its entry (the `extensionTestsPath`). */
export async function buildSuite() {
  const srcDir = path.join(repoRoot, 'test', 'e2e', 'suite');
  const entryPoints = fs
    .readdirSync(srcDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(srcDir, f));
  fs.rmSync(suiteOutDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir: suiteOutDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return path.join(suiteOutDir, 'index.js');
}
