// An untrusted workspace (Restricted Mode) in code-server: the Static analysis kernel counts and
// renders; the ONNX Runtime kernel and Profile Model… are refused with the trust message and a
// "Manage Workspace Trust" button that opens VS Code's trust editor. Screenshots:
// test-output/e2e/untrusted-*.png.
import { openFile, runFromCommandPalette, waitFor } from '../actions.mjs';

export const title = 'untrusted workspace: static analysis works, onnxruntime is refused';
export const server = { name: 'untrusted', options: { workspaceTrust: true } };

const NOTEBOOK = 'getting-started.lcnb';
const STATIC = 'Static analysis (no execution)';
const ORT = 'ONNX Runtime · CPU';
const TRUST_TEXT = /needs a trusted workspace/;
const TIMEOUT = { step: 30_000, run: 2 * 60_000, render: 60_000 };

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot }) {
  const shots = [];
  const status = page.locator('.statusbar-item', { hasText: 'lcnb' }).first();
  await waitFor(async () => /static only/.test(await status.innerText().catch(() => '')), TIMEOUT.step);
  const statusText = (await status.innerText()).trim();
  if (!/static only/.test(statusText)) throw new Error(`the lcnb status bar item says "${statusText}" in an untrusted workspace`);

  // Static analysis: Run All counts every cell and the reports render.
  await openFile(page, NOTEBOOK);
  const editor = page.locator('.notebookOverlay.notebook-editor').filter({ visible: true }).first();
  await pickKernel(page, editor, STATIC);
  await runAll(editor);
  const outputs = editor.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  const totals = outputs.locator('.lcnb-report[data-verb="model"]').first();
  await totals.waitFor({ timeout: TIMEOUT.render });
  const text = await totals.innerText();
  if (!/2,542,856/.test(text)) throw new Error(`the static report of the first cell does not show mobilenet_v3_small_x1_0's params: ${text.slice(0, 300)}`);
  log(`untrusted: status bar "${statusText}"; Static analysis ran ${NOTEBOOK} and rendered its reports`);
  shots.push(await shot('untrusted-static.png'));

  // The ONNX Runtime kernel: refused in the cell output and in a notification with the trust button.
  await pickKernel(page, editor, ORT);
  await runAll(editor);
  const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: TRUST_TEXT }).first();
  await toast.waitFor({ timeout: TIMEOUT.step });
  const error = outputs.locator('.lcnb-error, .error, pre').filter({ hasText: TRUST_TEXT }).first();
  const inCell = await waitFor(async () => ((await error.count()) ? true : undefined), TIMEOUT.render);
  if (!inCell) throw new Error('the cell output does not say that the workspace is not trusted');
  log(`untrusted: ${ORT} refused: ${(await toast.innerText()).replace(/\s+/g, ' ').slice(0, 200)}`);
  shots.push(await shot('untrusted-kernel-refused.png'));
  await runFromCommandPalette(page, 'Notifications: Clear All Notifications');

  // Profile Model…: refused before any pick, with the button that opens the trust editor.
  await runFromCommandPalette(page, 'lcnb: Profile Model…');
  const refused = page.locator('.notifications-toasts .notification-toast').filter({ hasText: /Profile Model… needs a trusted workspace/ }).first();
  await refused.waitFor({ timeout: TIMEOUT.step });
  if (await page.locator('.quick-input-widget .monaco-list-row').filter({ visible: true }).count()) {
    throw new Error('Profile Model… opened a quick pick in an untrusted workspace');
  }
  shots.push(await shot('untrusted-profile-refused.png'));
  await refused.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).click({ timeout: TIMEOUT.step });
  await page.locator('.tabs-container .tab.active', { hasText: /Workspace Trust/ }).waitFor({ timeout: TIMEOUT.step });
  log('untrusted: Profile Model… refused with the trust message; its button opened the Workspace Trust editor');
  shots.push(await shot('untrusted-manage-trust.png'));
  log(`UI: untrusted workspace done; screenshots ${shots.join(', ')}`);
}

/** Picks `kernel` in the notebook toolbar's kernel picker (after the kernel source when asked). */
async function pickKernel(page, editor, kernel) {
  await editor.locator('.notebook-toolbar-container .kernel-action-view-item').click({ timeout: TIMEOUT.step });
  const rows = page.locator('.quick-input-widget .monaco-list-row');
  const deadline = Date.now() + TIMEOUT.step;
  for (;;) {
    const kernelRow = rows.filter({ has: page.locator('.label-name', { hasText: kernel }) }).first();
    if (await kernelRow.isVisible()) {
      await kernelRow.click();
      break;
    }
    const source = rows.filter({ has: page.locator('.label-name', { hasText: 'lcnb — lightweight CNN lab' }) }).first();
    if (await source.isVisible()) await source.click();
    if (Date.now() > deadline) throw new Error(`no "${kernel}" in the kernel picker: ${(await rows.allInnerTexts()).join(' | ')}`);
    await page.waitForTimeout(200);
  }
  const label = editor.locator('.notebook-toolbar-container .kernel-label');
  if (!(await waitFor(async () => ((await label.innerText()).trim() === kernel ? true : undefined), TIMEOUT.step))) {
    throw new Error(`the kernel label shows "${(await label.innerText()).trim()}" after picking "${kernel}"`);
  }
}

/** Clicks Run All and waits for the run to end (Interrupt turns back into Run All). */
async function runAll(editor) {
  const toolbar = editor.locator('.notebook-toolbar-container');
  await toolbar.locator('.action-label[aria-label="Run All"]').click({ timeout: TIMEOUT.step });
  await toolbar.locator('.action-label[aria-label="Interrupt"]').waitFor({ timeout: 5000 }).catch(() => {});
  await toolbar.locator('.action-label[aria-label="Run All"]').waitFor({ timeout: TIMEOUT.run });
}
