// UI test of predicted latency (predict:): the sample roofline-devices.lcnb on the static kernel
// (nothing is measured), its Predicted latency table (7 models × 4 devices), the chart of predicted
// time across ridge points with a rule per device, and a layer table's Predicted column.
// Screenshots at 1440 px, light and dark theme: test-output/e2e/predict-*.png.
import { expectCharts, NotebookList, openNotebookWithKernel, runAll, runFromCommandPalette, waitForCodeCellsRun } from '../actions.mjs';

export const title = 'predict: latency on other devices, table and ridge-point chart';
// Starts in the light theme; the test toggles to dark for the second set of screenshots.
export const server = {
  name: 'predict',
  options: { settings: { 'workbench.colorTheme': 'Light Modern', 'workbench.preferredDarkColorTheme': 'Dark Modern', 'workbench.preferredLightColorTheme': 'Light Modern' } },
};

const NOTEBOOK = 'roofline-devices.lcnb';
const KERNEL = 'Static analysis (no execution)';
const DEVICES = ['cortex-a72', 'pixel6-cpu', 'pixel4-dsp', 'pixel8-edgetpu'];
const WIDTH = 1440;
const TIMEOUT = { step: 30_000, run: 2 * 60_000, render: 60_000 };

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot }) {
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: WIDTH, height: viewport.height });
  const shots = [];
  try {
    const editor = await openNotebookWithKernel(page, NOTEBOOK, KERNEL);
    await runAll(editor);
    const list = new NotebookList(page, editor);
    await waitForCodeCellsRun(list, 3, TIMEOUT.run);
    const outputs = editor.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const compare = outputs.locator('.lcnb-report[data-verb="compare"]').first();
    await compare.waitFor({ timeout: TIMEOUT.render });

    // The table: one row per model, one column per device, in ms.
    const table = compare.locator('table.lcnb-predicted-table');
    await table.waitFor({ timeout: TIMEOUT.render });
    const headers = (await table.locator('thead th').allTextContents()).map((t) => t.trim());
    for (const d of DEVICES) if (!headers.some((h) => h.startsWith(d))) throw new Error(`the predicted table's headers ${JSON.stringify(headers)} lack ${d}`);
    const rows = await table.locator('tbody tr').count();
    if (rows !== 7) throw new Error(`the predicted table has ${rows} rows, not the 7 models`);
    log(`predict: table ${rows} models × ${headers.length - 1} devices: ${headers.join(' | ')}`);
    await list.reveal(table, { top: 80 });
    shots.push(await shot('predict-table-light.png'));

    // The chart: drawn, with the devices' ridge points labelled.
    const chart = compare.locator('.lcnb-chart[data-kind="predicted-ridge"]');
    await list.reveal(chart, { top: 60 });
    await expectCharts(chart, 'the ridge-point chart', 1);
    const labels = (await chart.locator('svg text').allTextContents()).map((t) => t.trim());
    for (const d of DEVICES) if (!labels.includes(d)) throw new Error(`the ridge-point chart does not label ${d}: ${JSON.stringify(labels.slice(0, 40))}`);
    await list.reveal(chart, { top: 60 });
    shots.push(await shot('predict-chart-light.png'));

    // A model cell's layer table: the Predicted column for its device.
    const model = outputs.locator('.lcnb-report[data-verb="model"]').first();
    await model.waitFor({ timeout: TIMEOUT.render });
    const layerHeaders = (await model.locator('table.lcnb-layers thead th').allTextContents()).map((t) => t.trim());
    // The notebook's two model cells predict on cortex-a72 and on pixel8-edgetpu; whichever output the list holds now.
    if (!layerHeaders.some((h) => /^Predicted \(µs, (cortex-a72|pixel8-edgetpu)\)$/.test(h))) throw new Error(`layer table headers: ${JSON.stringify(layerHeaders)}`);
    await list.reveal(model.locator('table.lcnb-layers'), { top: 80 });
    shots.push(await shot('predict-layers-light.png'));

    await runFromCommandPalette(page, 'Preferences: Toggle between Light/Dark Themes', { neutralFocus: true });
    await page.waitForTimeout(1500);
    await list.reveal(table, { top: 80 });
    shots.push(await shot('predict-table-dark.png'));
    await list.reveal(chart, { top: 60 });
    shots.push(await shot('predict-chart-dark.png'));
    log(`predict: screenshots ${shots.join(', ')}`);
  } finally {
    await page.setViewportSize(viewport);
  }
}
