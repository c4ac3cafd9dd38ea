// Command palette → "lcnb: Show Model Summary" → mobilenet_v1_x1_0 → the webview panel shows
// the model's totals. Screenshot test-output/e2e/summary.png.
import { pickFromQuickPick, runFromCommandPalette } from '../actions.mjs';

export const title = 'Show Model Summary from the command palette';

const MODEL = 'mobilenet_v1_x1_0';
// Params and MAdds of MobileNetV1 1.0 at 224×224, as the panel formats them.
const EXPECTED_TEXT = ['4,231,976', '568,740,352'];
const WEBVIEW_TIMEOUT = 60_000;
const STEP_TIMEOUT = 30_000;

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { shot, log }) {
  await runFromCommandPalette(page, 'lcnb: Show Model Summary');
  await pickFromQuickPick(page, MODEL);

  const title = `Summary: ${MODEL}`;
  await page
    .locator('.tabs-container .tab', { has: page.locator('.tab-label', { hasText: title }) })
    .first()
    .waitFor({ timeout: STEP_TIMEOUT });

  // A webview lives in an iframe (class "webview") holding another iframe with its content.
  const content = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  for (const text of EXPECTED_TEXT) {
    await content.getByText(text, { exact: false }).first().waitFor({ timeout: WEBVIEW_TIMEOUT });
  }
  await page.waitForTimeout(500); // let the panel finish painting before the screenshot
  const file = await shot('summary.png');
  log(`UI: tab "${title}" shows ${EXPECTED_TEXT.join(' and ')}; screenshot ${file}`);
}
