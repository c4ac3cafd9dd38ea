// Bundles the three sides of lcnb: the extension host (CJS), the profiling kernel process (CJS)
// and the webview side (ESM, browser). Usage: node scripts/build.mjs [--watch] [--production]
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
};

const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // vscode is provided by the editor; onnxruntime-node ships native binaries and stays in node_modules.
  external: ['vscode', 'onnxruntime-node'],
};

const targets = [
  { ...node, entryPoints: { extension: 'src/extension.ts', cli: 'src/cli/index.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { kernel: 'kernels/process/main.ts' }, outdir: 'dist' },
  // The .onnx editor's reader runs on a worker thread, so a large file never blocks the extension host.
  { ...node, entryPoints: { onnxParseWorker: 'src/editor/parseWorker.ts' }, outdir: 'dist' },
  {
    ...common,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    entryPoints: { summaryView: 'media/summary/main.ts', onnxEditor: 'media/onnxEditor/main.ts' },
    outdir: 'dist/media',
  },
  {
    // The notebook renderer and a report's editor tab (the same view; the tab's page links
    // media/report/report.css), one file each (vega included) so no stale chunks pile up in dist/media.
    ...common,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    entryPoints: { renderer: 'media/renderer/index.ts', reportTab: 'media/reportTab/main.ts' },
    outdir: 'dist/media',
    loader: { '.css': 'text' },
  },
];

if (watch) {
  for (const options of targets) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(targets.map((options) => esbuild.build(options)));
}
