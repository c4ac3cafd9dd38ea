// The extension as a user installs it: run.mjs packages the linux-x64 .vsix from a production
// build and installs it into this server's fresh extensions folder with --install-extension (no
// link to the working tree). A first session on that copy: a sample notebook on the CPU kernel,
// Run All, a hover; an .onnx file written by the packaged CLI, opened in the .onnx editor;
// Profile Model…. Screenshots in light and dark go to test-output/e2e/installed-*.png, and the
// README's pictures to test-output/e2e/readme-*.png; `npm run readme-images` copies those into
// docs/images/ (a plain test run writes nothing in the clone).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { NotebookList, openFile, openNotebookWithKernel, pickFromQuickPick, runAll, runFromCommandPalette, setTheme, waitFor, waitForCodeCellsRun } from '../actions.mjs';

export const title = 'installed .vsix: a sample run with a hover, an .onnx file, Profile Model…';
export const server = { name: 'installed', options: { installed: true } };

const NOTEBOOK = 'getting-started.lcnb';
const KERNEL = 'ONNX Runtime · CPU';
const MODEL = 'mobilenet_v3_small_x1_0';
const MODEL_PARAMS = '2,542,856';
const ONNX = 'mobilenet_v2_x1_0.onnx';
const ONNX_PARAMS = '3,487,816'; // the file's own weights: the export folds MobileNetV2's 52 BatchNorms into its convs (3,504,872 in training form)
const PROFILED = 'squeezenet1_1';
const WIDTH = 1440;
const TIMEOUT = { step: 30_000, run: 5 * 60_000, render: 60_000, hover: 30_000, profile: 3 * 60_000 };
const README_IMAGES = path.join('docs', 'images');

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot, folder, repoRoot, outDir, extensionsDir }) {
  // 1. Installed, not linked: a folder of its own holding the package's files only.
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const id = `${manifest.publisher}.${manifest.name}-${manifest.version}`.toLowerCase();
  const installed = fs.readdirSync(extensionsDir).find((d) => d.toLowerCase().startsWith(id));
  if (!installed) throw new Error(`no ${id}* in the extensions folder: ${fs.readdirSync(extensionsDir).join(', ')}`);
  const home = path.join(extensionsDir, installed);
  if (fs.lstatSync(home).isSymbolicLink()) throw new Error(`${home} is a link, not an installed copy`);
  for (const f of ['dist/extension.js', 'dist/kernel.js', 'bin/lcnb.js', 'media/icon.png']) {
    if (!fs.existsSync(path.join(home, f))) throw new Error(`the installed copy has no ${f}`);
  }
  if (fs.existsSync(path.join(home, 'src'))) throw new Error('the installed copy holds the sources');
  log(`installed: ${installed}, without a link to the working tree`);

  const viewport = page.viewportSize();
  await page.setViewportSize({ width: WIDTH, height: viewport.height });
  const shots = [];
  const readme = [];
  /** A README picture: the region of `locator`'s box grown by `pad`, within the page. */
  const picture = async (file, box, pad = 0) => {
    const size = page.viewportSize();
    const x = Math.max(0, box.x - pad);
    const y = Math.max(0, box.y - pad);
    const clip = { x, y, width: Math.min(size.width - x, box.width + 2 * pad), height: Math.min(size.height - y, box.height + 2 * pad) };
    await page.screenshot({ path: path.join(outDir, file), clip });
    readme.push(file);
  };

  // 2. A sample notebook on the CPU kernel: Run All, every code cell succeeds.
  await setTheme(page, 'Light Modern');
  const editor = await openNotebookWithKernel(page, NOTEBOOK, KERNEL);
  const started = Date.now();
  await runAll(editor);
  const list = new NotebookList(page, editor);
  const code = await waitForCodeCellsRun(list, 5, TIMEOUT.run);
  log(`installed: ${NOTEBOOK}: Run All on "${KERNEL}", ${code.length} code cells succeeded in ${((Date.now() - started) / 1000).toFixed(0)} s`);

  const outputs = editor.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  const report = outputs.locator('.lcnb-report[data-verb="model"]').first();
  await report.locator('table.lcnb-totals td', { hasText: MODEL_PARAMS }).first().waitFor({ timeout: TIMEOUT.render });
  await report.locator('.lcnb-architecture svg.lcnb-diagram-svg g.lcnb-box').first().waitFor({ state: 'attached', timeout: TIMEOUT.render });
  const measured = (await report.innerText()).match(/(\d+\.\d+) ms/);
  if (!measured) throw new Error(`${MODEL}'s report shows no measured time`);
  await list.scrollToTop();
  await list.reveal(list.row(code[0].index), { top: 0 });
  await page.waitForTimeout(800);
  const editorArea = await page.locator('.part.editor').boundingBox();
  await picture('readme-report.png', { ...editorArea, height: Math.min(editorArea.height, 760) });
  shots.push(await shot('installed-report-light.png'));
  log(`installed: ${MODEL}'s report shows ${MODEL_PARAMS} params and ${measured[0]}`);

  // A hover on the model id: its cost, published figures and the last run's time.
  // The line low in the view, so the hover opens above it at its full height.
  const hoverOn = () =>
    list.hoverInCell(code[0].index, {
      line: `model: ${MODEL}`,
      word: MODEL,
      accept: (t) => /MAdds/.test(t) && /Measured on this machine/.test(t),
      expected: 'with MAdds and the measured time',
      timeout: TIMEOUT.hover,
      top: 560,
    });
  const hoverText = await hoverOn();
  log(`installed: hover on ${MODEL} says: ${hoverText.replace(/\s+/g, ' ').slice(0, 160)}`);
  await page.waitForTimeout(600); // the hover fades in
  // The editor as it looks with the hover open: from the hover's top to the cell's status bar.
  const hoverBox = await page.locator('.monaco-hover:not(.hidden)').filter({ visible: true }).first().boundingBox();
  const status = await list.row(code[0].index).locator('.cell-statusbar-container').first().boundingBox();
  const area = await page.locator('.part.editor').boundingBox();
  const left = Math.max(area.x, hoverBox.x - 140);
  await picture('readme-hover.png', { x: left, y: hoverBox.y - 8, width: hoverBox.x + hoverBox.width + 16 - left, height: status.y + status.height + 8 - (hoverBox.y - 8) });
  shots.push(await shot('installed-hover-light.png'));
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');

  await setTheme(page, 'Dark Modern');
  await list.reveal(list.row(code[0].index), { top: 0 });
  await page.waitForTimeout(800);
  shots.push(await shot('installed-report-dark.png'));
  await hoverOn();
  await page.waitForTimeout(600);
  shots.push(await shot('installed-hover-dark.png'));
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');

  // 3. An .onnx file, written by the CLI inside the package, in the .onnx editor.
  execFileSync(process.execPath, [path.join(home, 'bin', 'lcnb.js'), 'export', 'mobilenet_v2_x1_0', '-o', path.join(folder, ONNX)], { stdio: 'pipe' });
  await runFromCommandPalette(page, 'View: Close All Editors', { neutralFocus: true });
  // The run's outputs are unsaved changes: close without writing the notebook.
  await page.locator('.monaco-dialog-box .monaco-button', { hasText: "Don't Save" }).click({ timeout: TIMEOUT.step });
  await setTheme(page, 'Light Modern');
  await openFile(page, ONNX);
  const onnx = page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame').locator('.lcnb-onnx-editor');
  await onnx.locator('.lcnb-editor-title h2', { hasText: ONNX }).waitFor({ timeout: TIMEOUT.render });
  await onnx.locator('table.lcnb-totals td', { hasText: ONNX_PARAMS }).first().waitFor({ timeout: TIMEOUT.render });
  await onnx.locator('.lcnb-architecture svg.lcnb-diagram-svg g.lcnb-box').first().waitFor({ state: 'attached', timeout: TIMEOUT.render });
  await page.waitForTimeout(800);
  await picture('readme-onnx-editor.png', { ...(await page.locator('.part.editor').boundingBox()), height: Math.min(editorArea.height, 760) });
  shots.push(await shot('installed-onnx-light.png'));
  await setTheme(page, 'Dark Modern');
  await page.waitForTimeout(800);
  shots.push(await shot('installed-onnx-dark.png'));
  log(`installed: ${ONNX} (exported by the packaged CLI) opens in the .onnx editor: ${ONNX_PARAMS} params and its diagram`);

  // 4. Profile Model…: the executed profile cell in a new notebook.
  await runFromCommandPalette(page, 'lcnb: Profile Model…', { neutralFocus: true });
  await pickFromQuickPick(page, PROFILED);
  await pickFromQuickPick(page, 'cpu');
  await pickFromQuickPick(page, '1');
  await pickFromQuickPick(page, '20');
  const tab = await waitFor(async () => {
    const text = (await page.locator('.tabs-container .tab.active .tab-label').first().innerText().catch(() => '')).replace(/\s+/g, '');
    return new RegExp(`^profile-${PROFILED}(-\\d+)?\\.lcnb`).test(text) ? text : undefined;
  }, TIMEOUT.profile);
  if (!tab) throw new Error(`Profile Model… opened no profile-${PROFILED}.lcnb`);
  const notebook = page.locator('.notebookOverlay.notebook-editor').filter({ visible: true }).first();
  const profile = notebook.frameLocator('iframe.webview.ready').frameLocator('#active-frame').locator('.lcnb-report[data-verb="profile"]');
  await profile.waitFor({ timeout: TIMEOUT.render });
  const profileText = await profile.innerText();
  if (!/\d+\.\d+ ms/.test(profileText) || !/cpu/i.test(profileText)) throw new Error(`the profile report shows no measured latency: ${profileText.slice(0, 300)}`);
  await page.waitForTimeout(800);
  shots.push(await shot('installed-profile-dark.png'));
  log(`installed: Profile Model… opened ${tab} with the measured profile of ${PROFILED}`);

  if (process.env.LCNB_UPDATE_README_IMAGES === '1') {
    fs.mkdirSync(path.join(repoRoot, README_IMAGES), { recursive: true });
    for (const f of readme) fs.copyFileSync(path.join(outDir, f), path.join(repoRoot, README_IMAGES, f.replace(/^readme-/, '')));
    log(`installed: README pictures copied to ${README_IMAGES}/`);
  }
  await page.setViewportSize(viewport);
  log(`installed: screenshots ${[...shots, ...readme.map((f) => `test-output/e2e/${f}`)].join(', ')}`);
}
