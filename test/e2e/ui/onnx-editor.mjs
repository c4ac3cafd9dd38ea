// The .onnx custom editor in code-server: a model with ops outside lcnb's registry (com.microsoft QuickGelu,
// FastGelu: listed as uncounted), profiled with the Profile button; a zoo model exported by the
// CLI (totals, collapsed diagram); a 119 MiB model (time to totals and diagram); a truncated file
// (one clear error). The foreign model's report is exported as CSV and as a Netron attachment
// through the save dialog. Screenshots go to test-output/e2e/onnx-editor-*.png.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openFile, runFromCommandPalette, waitFor } from '../actions.mjs';

export const title = 'ONNX editor: a foreign model profiled, a zoo export, a broken file';

const FOREIGN = 'foreign_ops.onnx';
const ZOO = 'mobilenet_v2_x0_35.onnx';
const BROKEN = 'cut.onnx';
const BIG = 'fasternet_s_big.onnx';
// mobilenet_v2_x0_35 at 224×224 in training form: the zoo's params, as the totals table formats them.
const ZOO_PARAMS = '1,677,128';

const TIMEOUT = { step: 30_000, render: 60_000, profile: 3 * 60_000 };

/** The content frame of the webview opened last (the test closes all editors before opening the next). */
function activeWebview(page) {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot, folder, repoRoot }) {
  const fixtures = path.join(repoRoot, 'test', 'fixtures', 'onnx');
  fs.copyFileSync(path.join(fixtures, FOREIGN), path.join(folder, FOREIGN));
  execFileSync(process.execPath, [path.join(repoRoot, 'bin', 'lcnb.js'), 'export', 'mobilenet_v2_x0_35', '--form', 'training', '-o', path.join(folder, ZOO)], { stdio: 'pipe' });
  const whole = fs.readFileSync(path.join(fixtures, 'torch_tiny_se.onnx'));
  fs.writeFileSync(path.join(folder, BROKEN), whole.subarray(0, whole.length >> 1));
  const shots = [];
  await runFromCommandPalette(page, 'View: Close All Editors');

  // 1. A model written by another tool, with two ops lcnb has no cost rule for.
  await openFile(page, FOREIGN);
  let view = activeWebview(page);
  const editor = view.locator('.lcnb-onnx-editor');
  await editor.locator('.lcnb-editor-title h2', { hasText: FOREIGN }).waitFor({ timeout: TIMEOUT.render });
  await editor.locator('table.lcnb-totals').waitFor({ timeout: TIMEOUT.render });
  const uncounted = editor.locator('.lcnb-uncounted li');
  await uncounted.first().waitFor({ timeout: TIMEOUT.render });
  const uncountedText = await uncounted.allInnerTexts();
  for (const op of ['/stem/act/QuickGelu (QuickGelu)', '/body/act/FastGelu (FastGelu)']) {
    if (!uncountedText.includes(op)) throw new Error(`uncounted ops listed: ${JSON.stringify(uncountedText)}, missing ${op}`);
  }
  const layerRows = await editor.locator('table.lcnb-layers tbody tr').count();
  if (layerRows !== 6) throw new Error(`the layer table of ${FOREIGN} has ${layerRows} rows, expected the 6 counted ops`);
  const boxes = editor.locator('.lcnb-architecture svg.lcnb-diagram-svg g.lcnb-box');
  await boxes.first().waitFor({ state: 'attached', timeout: TIMEOUT.render });
  const diagramText = await editor.locator('.lcnb-architecture svg').textContent();
  if (!diagramText?.includes('QuickGelu')) throw new Error('the diagram does not draw the QuickGelu op');
  const foreignBox = editor.locator('.lcnb-architecture g.lcnb-box', { hasText: 'QuickGelu' }).first();
  const foreignText = (await foreignBox.textContent()) ?? '';
  if (!foreignText.includes('uncounted')) throw new Error(`the diagram's QuickGelu box reads "${foreignText}", not "uncounted"`);
  log(`onnx editor: ${FOREIGN}: ${layerRows} layer rows, ${await boxes.count()} diagram boxes, uncounted ${uncountedText.join(', ')}`);
  shots.push(await shot('onnx-editor-foreign.png'));
  await foreignBox.scrollIntoViewIfNeeded();
  shots.push(await shot('onnx-editor-diagram.png'));

  // Profile, then Cancel at once: the run stops and nothing is shown as measured.
  const profile = editor.locator('.lcnb-editor-toolbar button', { hasText: /^Profile$/ });
  const cancel = editor.locator('.lcnb-editor-toolbar button', { hasText: /^Cancel$/ });
  await profile.click({ timeout: TIMEOUT.step });
  await cancel.click({ timeout: TIMEOUT.step });
  await editor.locator('.lcnb-editor-status', { hasText: 'Profiling cancelled.' }).waitFor({ timeout: TIMEOUT.step });
  if (await editor.locator('.lcnb-measured').count()) throw new Error('a cancelled profile shows a measurement');
  log('onnx editor: Profile → Cancel stopped the run');

  // Profile it: latency and per-layer times inline.
  await profile.click({ timeout: TIMEOUT.step });
  const headline = editor.locator('.lcnb-measured .lcnb-headline');
  await headline.waitFor({ timeout: TIMEOUT.profile });
  const latency = (await headline.innerText()).trim();
  if (!/\d+\.\d{3} ms median latency/.test(latency)) throw new Error(`the measured headline reads "${latency}"`);
  const timed = await editor.locator('table.lcnb-layers thead th', { hasText: 'Time (µs)' }).count();
  if (timed !== 1) throw new Error('the layer table has no Time (µs) column after profiling');
  log(`onnx editor: Profile → "${latency.split('\n')[0]}"`);
  shots.push(await shot('onnx-editor-profiled.png'));
  await editor.locator('.lcnb-layers-section').scrollIntoViewIfNeeded();
  shots.push(await shot('onnx-editor-layers.png'));

  // Exports: the report with its measurement, through the lcnb.export* commands' save dialog.
  const status = editor.locator('.lcnb-editor-status');
  for (const [format, file, check] of [
    ['csv', 'foreign_ops.csv', (text) => text.includes('/stem/conv/Conv') && text.split(/\r?\n/)[0].includes(',')],
    ['netron', 'foreign_ops.netron.json', (text) => JSON.parse(text).signature === 'netron:attachment'],
  ]) {
    const target = path.join(folder, file);
    await editor.locator(`.lcnb-editor-toolbar button[data-format="${format}"]`).click({ timeout: TIMEOUT.step });
    await saveDialog(page, target);
    await status.filter({ hasText: `to ${target}` }).waitFor({ timeout: TIMEOUT.step });
    const text = fs.readFileSync(target, 'utf8');
    if (!check(text)) throw new Error(`${file} does not hold the expected ${format} export: ${text.slice(0, 200)}`);
    if (!text.includes('QuickGelu')) throw new Error(`${file} does not mention the uncounted QuickGelu op`);
    log(`onnx editor: Export ${format} wrote ${file} (${text.length} bytes): "${(await status.innerText()).trim()}"`);
  }

  await runFromCommandPalette(page, 'View: Close All Editors');

  // 2. A zoo model exported by the CLI: totals as the zoo counts them, the diagram opens collapsed by stage.
  await openFile(page, ZOO);
  view = activeWebview(page);
  const zoo = view.locator('.lcnb-onnx-editor');
  await zoo.locator('.lcnb-editor-title h2', { hasText: ZOO }).waitFor({ timeout: TIMEOUT.render });
  await zoo.locator('table.lcnb-totals td', { hasText: ZOO_PARAMS }).first().waitFor({ timeout: TIMEOUT.render });
  await zoo.locator('.lcnb-architecture svg.lcnb-diagram-svg g.lcnb-box.kind-group').first().waitFor({ state: 'attached', timeout: TIMEOUT.render });
  const none = await zoo.locator('p', { hasText: 'Uncounted ops: none' }).count();
  if (none !== 1) throw new Error(`${ZOO}: expected "Uncounted ops: none"`);
  log(`onnx editor: ${ZOO}: totals show ${ZOO_PARAMS} params, diagram collapsed by stage`);
  shots.push(await shot('onnx-editor-zoo.png'));

  await runFromCommandPalette(page, 'View: Close All Editors');

  // 3. A 119 MiB model (FasterNet-S with its 31.2M float32 weights): read on a worker thread, shown stage by stage.
  execFileSync(process.execPath, [path.join(repoRoot, 'bin', 'lcnb.js'), 'export', 'fasternet_s', '--form', 'training', '-o', path.join(folder, BIG)], { stdio: 'pipe' });
  const bigBytes = fs.statSync(path.join(folder, BIG)).size;
  await openFile(page, BIG);
  const opened = Date.now();
  view = activeWebview(page);
  const big = view.locator('.lcnb-onnx-editor');
  await big.locator('table.lcnb-totals').waitFor({ timeout: TIMEOUT.render });
  const totalsMs = Date.now() - opened;
  await big.locator('.lcnb-architecture svg.lcnb-diagram-svg').waitFor({ state: 'attached', timeout: TIMEOUT.render });
  const diagramMs = Date.now() - opened;
  shots.push(await shot('onnx-editor-large.png'));
  // The workbench answers while (and after) the editor fills in: the command palette opens at once.
  const paletteStart = Date.now();
  await runFromCommandPalette(page, 'View: Close All Editors');
  log(`onnx editor: ${BIG} (${(bigBytes / 2 ** 20).toFixed(1)} MiB): totals after ${totalsMs} ms, diagram after ${diagramMs} ms (from its tab opening); the palette then answered in ${Date.now() - paletteStart} ms`);

  // 4. A truncated file: one error saying where and why.
  await openFile(page, BROKEN);
  view = activeWebview(page);
  const error = view.locator('.lcnb-onnx-editor .lcnb-error');
  await error.waitFor({ timeout: TIMEOUT.render });
  const message = (await error.innerText()).trim();
  if (!/cut\.onnx: not a readable ONNX model \(truncated or corrupt protobuf/.test(message)) throw new Error(`the broken file shows "${message}"`);
  if (await view.locator('.lcnb-editor-toolbar').isVisible()) throw new Error('Profile and Export are offered for a file that could not be read');
  log(`onnx editor: ${BROKEN}: "${message}"`);
  shots.push(await shot('onnx-editor-broken.png'));

  log(`UI: the .onnx editor showed two models, profiled one, refused a broken file; screenshots ${shots.join(', ')}`);
}

/** code-server's save dialog is a quick input holding a path: type ours, then accept. */
async function saveDialog(page, target) {
  const input = page.locator('.quick-input-widget input.input');
  const ready = await waitFor(async () => ((await input.isVisible()) && (await input.inputValue()).startsWith('/') ? true : undefined), TIMEOUT.step);
  if (!ready) throw new Error(`no save dialog for ${target}`);
  await input.fill(target);
  await page.keyboard.press('Enter');
  // The dialog may ignore Enter while it is still listing the folder: then its OK button accepts.
  // (A second Enter could land in the editor once the dialog has gone.)
  const ok = page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ });
  const closed = await waitFor(async () => {
    await page.waitForTimeout(1000);
    if (!(await input.isVisible())) return true;
    await ok.first().click({ timeout: 1000 }).catch(() => {});
    return undefined;
  }, TIMEOUT.step);
  if (!closed) throw new Error(`the save dialog for ${target} did not close`);
}
