// UI test of the hierarchical roofline in a profiled notebook cell: the roofline chart draws the
// compute roof and a labelled roof per memory level, the layer table's Roofline column names the roof
// below each figure ("L2 roof") and hardly any figure passes 100% of its roof.
// Screenshots at 1440 px, dark and light theme: test-output/e2e/roofline-*.png.
import { expectCharts, runFromCommandPalette, runScratchNotebook } from '../actions.mjs';

export const title = 'roofline: every roof drawn and named, in a profiled cell';
export const server = {
  name: 'roofline',
  options: { settings: { 'workbench.colorTheme': 'Dark Modern', 'workbench.preferredDarkColorTheme': 'Dark Modern', 'workbench.preferredLightColorTheme': 'Light Modern' } },
};

const NOTEBOOK = 'roofline.lcnb';
const KERNEL = 'ONNX Runtime · CPU';
const CELL = 'model: mobilenet_v3_small_x1_0\nprofile: { runs: 20, warmup: 5, threads: 2 }';
const WIDTH = 1440;
const TIMEOUT = { step: 30_000, run: 3 * 60_000, render: 60_000 };

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot, folder }) {
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: WIDTH, height: viewport.height });
  const shots = [];
  try {
    const { list, outputs } = await runScratchNotebook(page, folder, NOTEBOOK, [{ kind: 'code', language: 'lcnb', source: CELL }], KERNEL, 1, TIMEOUT.run);
    const report = outputs.locator('.lcnb-report[data-verb="model"]').first();
    await report.waitFor({ timeout: TIMEOUT.render });

    // The Roofline column: a percentage with the roof it is against below it, the numbers on hover.
    const cells = await report.locator('table.lcnb-layers tbody tr').evaluateAll((rows) =>
      rows.map((tr) => tr.children[tr.children.length - 1]).map((td) => ({ text: td.textContent ?? '', title: td.getAttribute('title') ?? '' })),
    );
    const measured = cells.filter((c) => /^\d+%/.test(c.text));
    const roofs = measured.map((c) => /(compute|L1|L2|L3|DRAM) roof$/.exec(c.text)?.[1]);
    if (!measured.length || roofs.some((r) => !r)) throw new Error(`Roofline cells without their roof: ${JSON.stringify(measured.filter((_, i) => !roofs[i]).slice(0, 3))}`);
    const over = measured.filter((c) => Number(/^(\d+)%/.exec(c.text)[1]) > 100);
    const count = {};
    for (const r of roofs) count[r] = (count[r] ?? 0) + 1;
    log(`roofline: ${measured.length} measured rows by roof ${JSON.stringify(count)}, ${over.length} above 100%; e.g. "${measured.find((c) => /L2/.test(c.text))?.title}"`);
    if (over.length > measured.length / 10) throw new Error(`${over.length} of ${measured.length} layers above 100% of their roof`);

    // The chart: compute and memory roofs labelled.
    const chart = report.locator('.lcnb-model-charts .lcnb-chart[data-kind="roofline"]');
    await expectCharts(report.locator('.lcnb-model-charts .lcnb-chart'), 'mobilenet charts', 3);
    const texts = await chart.locator('svg text').allTextContents();
    const roofLabels = texts.filter((t) => /GB\/s$|^compute \d+ GFLOP\/s$/.test(t.trim()));
    if (!roofLabels.some((t) => t.startsWith('compute')) || !roofLabels.some((t) => t.includes('DRAM')) || !roofLabels.some((t) => /L1|L2/.test(t))) {
      throw new Error(`the roofline chart's roof labels: ${JSON.stringify(roofLabels)}`);
    }
    log(`roofline: chart labels ${JSON.stringify(roofLabels)}`);
    for (const theme of ['dark', 'light']) {
      if (theme === 'light') {
        await runFromCommandPalette(page, 'Preferences: Toggle between Light/Dark Themes', { neutralFocus: true });
        await page.waitForTimeout(1500);
      }
      await list.reveal(chart, { top: 60 });
      shots.push(await shot(`roofline-chart-${theme}.png`));
      await list.reveal(report.locator('.lcnb-model-charts .lcnb-chart[data-kind="madds-latency"]'), { top: 60 });
      shots.push(await shot(`roofline-madds-${theme}.png`));
    }
    log(`UI: roofline; screenshots ${shots.join(', ')}`);
  } finally {
    await page.setViewportSize(viewport);
  }
}
