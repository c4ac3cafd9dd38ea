// UI test of setting lcnb.headlineFlops = "flops": after running a notebook, the report's model
// line (drawn by the notebook renderer, which gets the setting by renderer messaging) and the
// cell status bar headline FLOPs, not MAdds. Screenshot: test-output/e2e/headline-flops.png.
import { openNotebookWithKernel, runAll } from '../actions.mjs';

export const title = 'setting lcnb.headlineFlops = flops reaches the report renderer';
export const server = { name: 'headline-flops', options: { settings: { 'lcnb.headlineFlops': 'flops' } } };

const NOTEBOOK = 'getting-started.lcnb';
const KERNEL = 'ONNX Runtime · CPU';
const TIMEOUT = { step: 30_000, render: 4 * 60_000 };

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot }) {
  const editor = await openNotebookWithKernel(page, NOTEBOOK, KERNEL);
  await runAll(editor);
  const outputs = editor.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  const count = outputs.locator('.lcnb-report details.lcnb-model > summary .lcnb-headline-count').first();
  await count.waitFor({ timeout: TIMEOUT.render });
  // The renderer asks for the setting when it starts; wait for the answer to reach the line.
  let text = '';
  for (const deadline = Date.now() + TIMEOUT.step; Date.now() < deadline; await page.waitForTimeout(250)) {
    text = (await count.innerText()).trim();
    if (/ FLOPs$/.test(text)) break;
  }
  if (!/^[\d.]+[KMG]? FLOPs$/.test(text)) throw new Error(`the model line's headline count reads "${text}", expected FLOPs`);
  const line = (await outputs.locator('.lcnb-report details.lcnb-model > summary').first().innerText()).trim();
  log(`headline: the first report's model line reads "${line}"`);
  const file = await shot('headline-flops.png');
  log(`UI: lcnb.headlineFlops = flops shown in the report; screenshot ${file}`);
}
