// Packages lcnb as a linux-x64 .vsix (other platforms' onnxruntime binaries are left out by .vscodeignore).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
const out = `lcnb-${version}-linux-x64.vsix`;
execFileSync(process.execPath, [vsce, 'package', '--target', 'linux-x64', '--out', out], { stdio: 'inherit' });
console.log(`packaged ${out}`);
