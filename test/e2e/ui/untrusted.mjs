// An untrusted workspace (Restricted Mode) in code-server. Static analysis works: inlay hints and
// hovers in the notebook, Show Model Summary. Running cells is VS Code's to refuse (its own trust
// dialog, before any kernel sees the cell); lcnb's commands that load a model into onnxruntime
// (Profile Model…, Select Execution Provider) refuse with the trust message and a "Manage Workspace
// Trust" button that opens VS Code's trust editor. Screenshots: test-output/e2e/untrusted-*.png.
import { openFile, pickFromQuickPick, runFromCommandPalette, waitFor } from '../actions.mjs';

export const title = 'untrusted workspace: static analysis works, onnxruntime is refused';
export const server = { name: 'untrusted', options: { workspaceTrust: true } };

const NOTEBOOK = 'getting-started.lcnb';
const TIMEOUT = { step: 30_000, render: 60_000 };

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot }) {
  const shots = [];
  await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: TIMEOUT.step });
  const status = page.locator('.statusbar-item', { hasText: 'lcnb' }).first();
  await waitFor(async () => /static only/.test(await status.innerText().catch(() => '')), TIMEOUT.step);
  const statusText = (await status.innerText()).trim();
  if (!/static only/.test(statusText)) throw new Error(`the lcnb status bar item says "${statusText}" in an untrusted workspace`);

  // Static analysis in the notebook: hovering a model id shows its costs (the inlay hints beside
  // each id are CSS-injected text, so the hover is what the page can read).
  await openFile(page, NOTEBOOK);
  const editor = page.locator('.notebookOverlay.notebook-editor').filter({ visible: true }).first();
  const id = editor.locator('.view-line span span', { hasText: /^mobilenet_v3_small_x1_0$/ }).first();
  await id.waitFor({ timeout: TIMEOUT.render });
  const hover = page.locator('.monaco-hover:not(.hidden)').filter({ visible: true }).filter({ hasText: /MAdds/ }).first();
  const hovered = await waitFor(async () => {
    const box = await id.boundingBox();
    if (!box) return undefined;
    await page.mouse.move(box.x + box.width / 2, box.y - 40);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
    return (await hover.waitFor({ timeout: 4000 }).then(() => true, () => undefined)) && (await hover.innerText());
  }, TIMEOUT.render, 0);
  if (!hovered) throw new Error('hovering mobilenet_v3_small_x1_0 shows no costs in an untrusted workspace');
  log(`untrusted: Restricted Mode; status bar "${statusText}"; hover on the model id: ${hovered.replace(/\s+/g, ' ').slice(0, 160)}`);
  shots.push(await shot('untrusted-static.png'));
  await page.mouse.move(5, 5);

  // Running a cell: VS Code asks for trust first; cancelled, nothing runs.
  await editor.locator('.notebook-toolbar-container .action-label[aria-label="Run All"]').click({ timeout: TIMEOUT.step });
  const dialog = page.locator('.monaco-dialog-box').filter({ hasText: /trust/i }).first();
  await dialog.waitFor({ timeout: TIMEOUT.step });
  shots.push(await shot('untrusted-run-asks-trust.png'));
  await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click({ timeout: TIMEOUT.step });
  await page.waitForTimeout(1000);
  const ran = await editor.locator('.cell-execution-order', { hasText: /\[\d+\]/ }).count();
  if (ran) throw new Error(`${ran} cells ran after the trust dialog was cancelled`);
  log("untrusted: Run All asks VS Code's trust question; cancelled, no cell ran");

  // Show Model Summary: counting needs no trust.
  await runFromCommandPalette(page, 'lcnb: Show Model Summary');
  await pickFromQuickPick(page, 'mobilenet_v1_x1_0');
  const summary = page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  await summary.getByText('4,231,976').first().waitFor({ timeout: TIMEOUT.render });
  log('untrusted: Show Model Summary shows mobilenet_v1_x1_0 (4,231,976 params)');

  // Select Execution Provider and Profile Model…: refused before any pick, with the trust button.
  await runFromCommandPalette(page, 'lcnb: Select Execution Provider');
  await refusal(page, /Select Execution Provider needs a trusted workspace/);
  await runFromCommandPalette(page, 'Notifications: Clear All Notifications');
  await runFromCommandPalette(page, 'lcnb: Profile Model…');
  const refused = await refusal(page, /Profile Model… needs a trusted workspace/);
  shots.push(await shot('untrusted-profile-refused.png'));
  log(`untrusted: Profile Model… refused: ${(await refused.innerText()).replace(/\s+/g, ' ').slice(0, 240)}`);
  await refused.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).click({ timeout: TIMEOUT.step });
  await page.getByText('You are in Restricted Mode').first().waitFor({ timeout: TIMEOUT.step });
  log('untrusted: the button opened the Workspace Trust editor');
  shots.push(await shot('untrusted-manage-trust.png'));
  log(`UI: untrusted workspace done; screenshots ${shots.join(', ')}`);
}

/** The error notification matching `re`, with no quick pick opened by the command. */
async function refusal(page, re) {
  const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: re }).first();
  await toast.waitFor({ timeout: TIMEOUT.step });
  // The command's own quick picks are titled "lcnb: …"; none may open.
  await page.waitForTimeout(1000);
  if (await page.locator('.quick-input-widget .quick-input-title', { hasText: /^lcnb: / }).filter({ visible: true }).count()) {
    throw new Error(`a quick pick opened although the command was refused (${re})`);
  }
  return toast;
}
