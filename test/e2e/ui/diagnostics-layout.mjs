// UI test of issue 14's items 9 and 7 where the editor shows them: a network cell with two
// independent errors in different layers has both squiggles at once; a compare line of five models
// has a hint after each id, none of them cut; Show Model Summary's tables fit their panel beside
// the explorer (1440 px, and a 1060 px window where the panel is about 700 px wide).
// Screenshots at 1440 px, dark and light theme: test-output/e2e/diagnostics-layout-*.png.
import { openScratchNotebook, pickFromQuickPick, runFromCommandPalette, waitFor } from '../actions.mjs';

export const title = 'two errors squiggled at once; every compare entry has its hint; the summary table fits';
// Dark first; the toggle command switches to the light one.
export const server = {
  name: 'diagnostics-layout',
  options: { settings: { 'workbench.colorTheme': 'Dark Modern', 'workbench.preferredDarkColorTheme': 'Dark Modern', 'workbench.preferredLightColorTheme': 'Light Modern' } },
};

const NOTEBOOK = 'two-errors.lcnb';
const NETWORK = ['network: two_errors', 'input: [1, 3, 32, 32]', 'layers:', '  - conv: { out: 32 }', '  - dwconv: { out: 32 }', '  - conv: { out: 32, groups: 5 }'].join('\n');
const MODELS = ['mobilenet_v3_small_x1_0', 'shufflenet_v2_x1_0', 'ghostnet_x1_0', 'pplcnet_x1_0', 'fasternet_t0'];
const COMPARE = `compare:\n  models: [${MODELS.join(', ')}]`;
const SUMMARY_MODEL = 'ghostnet_v2_x1_0';
const TIMEOUT = { step: 30_000, webview: 60_000 };

/** Toggles the theme until the workbench is `want` ('light' or 'dark'). */
async function setTheme(page, want) {
  const dark = async () => /\bvs-dark\b/.test((await page.locator('.monaco-workbench').first().getAttribute('class')) ?? '');
  for (let i = 0; i < 3 && (await dark()) !== (want === 'dark'); i++) {
    await runFromCommandPalette(page, 'Preferences: Toggle between Light/Dark Themes', { neutralFocus: true });
    await page.waitForTimeout(1000);
  }
  if ((await dark()) !== (want === 'dark')) throw new Error(`the workbench did not switch to the ${want} theme`);
}

/** The summary panel's tables: each one's width against its box's, and the page's. */
async function summaryFit(content) {
  return content.locator('body').evaluate((body) => ({
    page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
    boxes: [...body.querySelectorAll('.table-box')].map((b) => ({ caption: b.querySelector('caption')?.textContent ?? '', scroll: b.scrollWidth, client: b.clientWidth })),
  }));
}

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot, folder }) {
  const { list, squiggles } = await openScratchNotebook(
    page,
    folder,
    NOTEBOOK,
    [
      { kind: 'code', language: 'lcnb', source: NETWORK },
      { kind: 'code', language: 'lcnb', source: COMPARE },
    ],
    0,
  );

  // 1. Both errors at once: the dwconv option (line 5) and groups: 5 on 32 channels (line 6).
  const both = await waitFor(async () => (await squiggles.count()) >= 2, TIMEOUT.step);
  const tops = await squiggles.evaluateAll((els) => [...new Set(els.map((e) => Math.round(e.getBoundingClientRect().top)))]);
  if (!both || tops.length < 2) throw new Error(`the network cell shows ${await squiggles.count()} squiggle(s) on ${tops.length} line(s); expected one on each of its two wrong layers`);
  log(`diagnostics: ${await squiggles.count()} squiggles on ${tops.length} lines of the network cell`);

  // 2. The compare line: each id followed by its own hint, all shown in full (no "…").
  const line = list.row(1).locator('.view-line', { hasText: 'models:' }).first();
  let text = '';
  const hinted = await waitFor(async () => {
    text = (await line.innerText()).replace(/\u00a0/g, ' ');
    return MODELS.every((id) => new RegExp(`${id}\\s*[\\d.]+[KMG]?( MAdds)?\\s*[,\\]]`).test(text));
  }, TIMEOUT.step);
  if (!hinted || text.includes('…')) throw new Error(`the compare line reads "${text}"; expected a hint after each of ${MODELS.join(', ')}`);
  log(`inlay hints: "${text}"`);
  await list.row(1).scrollIntoViewIfNeeded();
  await setTheme(page, 'dark');
  const darkCell = await shot('diagnostics-layout-cells-dark.png');
  await setTheme(page, 'light');
  const lightCell = await shot('diagnostics-layout-cells-light.png');

  // 3. Show Model Summary beside the explorer: no table wider than its panel.
  await runFromCommandPalette(page, 'View: Close All Editors');
  await runFromCommandPalette(page, 'lcnb: Show Model Summary');
  await pickFromQuickPick(page, SUMMARY_MODEL);
  const content = page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  await content.locator('.layers-box table').waitFor({ timeout: TIMEOUT.webview });
  await page.waitForTimeout(500);
  const fits = [];
  for (const width of [1440, 1060]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(800);
    const fit = await summaryFit(content);
    log(`summary at ${width} px: page ${fit.page.join('/')}, tables ${fit.boxes.map((b) => `${b.scroll}/${b.client}`).join(', ')}`);
    const wide = fit.boxes.filter((b) => b.scroll > b.client + 1);
    if (fit.page[0] > fit.page[1] + 1 || wide.length) throw new Error(`at ${width} px the summary is wider than its panel: ${JSON.stringify(fit)}`);
    fits.push(width);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.waitForTimeout(800);
  await content.locator('.layers-box').scrollIntoViewIfNeeded();
  await setTheme(page, 'light');
  const lightSummary = await shot('diagnostics-layout-summary-light.png');
  await setTheme(page, 'dark');
  const darkSummary = await shot('diagnostics-layout-summary-dark.png');
  log(`UI: two squiggles, five hints, summary fits at ${fits.join(' and ')} px; screenshots ${darkCell}, ${lightCell}, ${lightSummary}, ${darkSummary}`);
}
