/** Shared by the .onnx editor's tests. */
import { buildSync } from 'esbuild';
import { join } from 'node:path';

/** Bundles src/editor/parseWorker.ts into `dir` as scripts/build.mjs does; returns the file. */
export function bundleParseWorker(dir: string): string {
  const outfile = join(dir, 'onnxParseWorker.js');
  buildSync({ entryPoints: [join(__dirname, '..', '..', 'src', 'editor', 'parseWorker.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'silent' });
  return outfile;
}
