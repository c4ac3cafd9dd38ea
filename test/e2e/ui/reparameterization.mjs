// UI test of the two forms of re-parameterised models: the sample reparameterization.lcnb on the
// static kernel (nothing is measured), its first compare naming each model's form (training or
// deploy) with the training forms' larger counts, and a sweep over both forms and MobileOne's k.
// Screenshots at 1440 px, light and dark theme: test-output/e2e/reparameterization-*.png.
import { NotebookList, openNotebookWithKernel, runAll, runFromCommandPalette, waitForCodeCellsRun } from '../actions.mjs';

export const title = 'form: training and deploy forms of MobileOne, RepViT and GhostNetV3';
// Starts in the light theme; the test toggles to dark for the second set of screenshots.
export const server = {
  name: 'reparameterization',
  options: { settings: { 'workbench.colorTheme': 'Light Modern', 'workbench.preferredDarkColorTheme': 'Dark Modern', 'workbench.preferredLightColorTheme': 'Light Modern' } },
};

const NOTEBOOK = 'reparameterization.lcnb';
const KERNEL = 'Static analysis (no execution)';
const WIDTH = 1440;
const TIMEOUT = { run: 2 * 60_000, render: 60_000 };

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot }) {
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: WIDTH, height: viewport.height });
  const shots = [];
  try {
    const editor = await openNotebookWithKernel(page, NOTEBOOK, KERNEL);
    await runAll(editor);
    const list = new NotebookList(page, editor);
    await waitForCodeCellsRun(list, 4, TIMEOUT.run);
    const outputs = editor.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    // The first compare (costs of six models): the one that holds GhostNetV3.
    const compare = outputs.locator('.lcnb-report[data-verb="compare"]', { hasText: 'ghostnet_v3_x1_0' }).first();
    await compare.waitFor({ timeout: TIMEOUT.render });
    const text = await compare.innerText();
    for (const name of ['mobileone_s0 (training form)', 'mobileone_s0 (deploy form)', 'repvit_m0_9 (training form)', 'ghostnet_v3_x1_0 (deploy form)']) {
      if (!text.includes(name)) throw new Error(`the compare report does not name ${name}: ${text.slice(0, 600)}`);
    }
    log('reparameterization: the compare names each model with its form');
    await list.reveal(compare, { top: 80 });
    shots.push(await shot('reparameterization-compare-light.png'));

    // The sweep over forms and MobileOne's k: named after the model alone, a row per (form, k).
    const sweep = outputs.locator('.lcnb-report[data-verb="sweep"]').first();
    await sweep.waitFor({ timeout: TIMEOUT.render });
    const sweepText = await sweep.innerText();
    if (!/sweep: mobileone_s0(?! \()/.test(sweepText)) throw new Error(`the sweep's title names a form: ${sweepText.slice(0, 200)}`);
    for (const form of ['training', 'deploy']) if (!sweepText.includes(form)) throw new Error(`the sweep has no ${form} rows: ${sweepText.slice(0, 600)}`);
    await list.reveal(sweep, { top: 80 });
    shots.push(await shot('reparameterization-sweep-light.png'));

    await runFromCommandPalette(page, 'Preferences: Toggle between Light/Dark Themes', { neutralFocus: true });
    await page.waitForTimeout(1500);
    await list.reveal(compare, { top: 80 });
    shots.push(await shot('reparameterization-compare-dark.png'));
    log(`reparameterization: screenshots ${shots.join(', ')}`);
  } finally {
    await page.setViewportSize(viewport);
  }
}
