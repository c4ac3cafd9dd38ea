// The .onnx editor in an untrusted workspace (Restricted Mode): totals, uncounted ops and the
// diagram show as usual; Profile is refused with the trust message and nothing is measured.
// Screenshot: test-output/e2e/onnx-editor-untrusted.png.
import fs from 'node:fs';
import path from 'node:path';
import { openFile, runFromCommandPalette } from '../actions.mjs';

export const title = 'ONNX editor in an untrusted workspace: static view, Profile refused';
export const server = { name: 'onnx-editor-untrusted', options: { workspaceTrust: true } };

const FILE = 'foreign_ops.onnx';
const TIMEOUT = { step: 30_000, render: 60_000 };

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot, folder, repoRoot }) {
  fs.copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'onnx', FILE), path.join(folder, FILE));
  await runFromCommandPalette(page, 'View: Close All Editors');
  await openFile(page, FILE);
  const editor = page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame').locator('.lcnb-onnx-editor');
  await editor.locator('table.lcnb-totals').waitFor({ timeout: TIMEOUT.render });
  await editor.locator('.lcnb-uncounted li', { hasText: 'QuickGelu' }).waitFor({ timeout: TIMEOUT.render });
  await editor.locator('.lcnb-architecture svg.lcnb-diagram-svg g.lcnb-box').first().waitFor({ state: 'attached', timeout: TIMEOUT.render });
  const status = editor.locator('.lcnb-editor-status');
  await status.filter({ hasText: /not trusted/ }).waitFor({ timeout: TIMEOUT.step });

  await editor.locator('.lcnb-editor-toolbar button', { hasText: /^Profile$/ }).click({ timeout: TIMEOUT.step });
  await status.filter({ hasText: /needs a trusted workspace/ }).waitFor({ timeout: TIMEOUT.step });
  const message = (await status.innerText()).trim();
  if (!/Manage Workspace Trust/.test(message)) throw new Error(`the refusal does not say how to trust the folder: "${message}"`);
  await page.waitForTimeout(1000);
  if (await editor.locator('.lcnb-measured').count()) throw new Error('something was measured in an untrusted workspace');
  const file = await shot('onnx-editor-untrusted.png');
  log(`onnx editor (untrusted): costs and diagram shown; Profile refused: "${message}"; screenshot ${file}`);
}
