// UI test of a report's layer rows and its editor tab: after a static run of a network cell, a
// click on a layer row of its output puts the cursor on that layer's line in the cell (status bar
// "Ln …"); lcnb: Open Report in Editor Tab opens the report in a tab of its own, whose layer rows
// reveal their line too; the report header's "Open in tab" button shows that tab again.
// Screenshots at 1440 px, dark and light theme: test-output/e2e/reveal-row-*.png.
import { runFromCommandPalette, runScratchNotebook, waitFor } from '../actions.mjs';

export const title = 'report rows reveal their cell line; a report opens in an editor tab';
// Dark first; the toggle command switches to the light one.
export const server = {
  name: 'reveal-row',
  options: { settings: { 'workbench.colorTheme': 'Dark Modern', 'workbench.preferredDarkColorTheme': 'Dark Modern', 'workbench.preferredLightColorTheme': 'Light Modern' } },
};

const NOTEBOOK = 'reveal-rows.lcnb';
const KERNEL = 'Static analysis (no execution)';
const CELL = [
  'network: reveal_net',
  'input: [1, 3, 64, 64]',
  'layers:',
  '  - conv: { out: 16, k: 3, s: 2, act: relu }',
  '  - dwconv: { k: 3 }',
  '  - conv: { out: 32, k: 1 }',
  '    scope: expand',
  '  - classifier: { classes: 10 }',
].join('\n');
/** 1-based lines of the layers the test clicks. */
const EXPAND_LINE = 6;
const FIRST_LINE = 4;
const TAB = 'Report: reveal_net';
const WIDTH = 1440;
const TIMEOUT = { step: 30_000, run: 2 * 60_000, render: 60_000 };

/** Switches between the two themes the server names (dark first). */
async function toggleTheme(page) {
  await runFromCommandPalette(page, 'Preferences: Toggle between Light/Dark Themes', { neutralFocus: true });
}

/**
 * The 1-based line of the cursor in the focused editor of the notebook's cell `index` (a notebook's
 * status bar says "Cell 1 of 1", not the line): the view line at the cursor's height.
 */
async function cursorLine(list, index) {
  return list.row(index).evaluate((row) => {
    const editor = row.querySelector('.monaco-editor.focused');
    const cursor = editor?.querySelector('.cursors-layer .cursor');
    if (!editor || !cursor) return undefined;
    const tops = [...editor.querySelectorAll('.view-lines .view-line')].map((l) => parseFloat(l.style.top)).sort((a, b) => a - b);
    const at = tops.indexOf(parseFloat(cursor.style.top));
    return at < 0 ? undefined : at + 1;
  });
}

async function expectCursorOn(list, line, what) {
  const at = await waitFor(async () => ((await cursorLine(list, 0)) === line ? line : undefined), TIMEOUT.step);
  if (!at) throw new Error(`${what}: the cell's cursor is on line ${await cursorLine(list, 0)}, not ${line}`);
}

/** The frame of the report tab's page (found by its root; several webviews are open). */
async function reportTabFrame(page) {
  const frame = await waitFor(async () => {
    for (const f of page.frames()) if (await f.locator('main.lcnb-report-tab .lcnb-report').count().catch(() => 0)) return f;
    return undefined;
  }, TIMEOUT.render);
  if (!frame) throw new Error('no report tab page with a report in it');
  return frame;
}

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot, folder }) {
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: WIDTH, height: viewport.height });
  const shots = [];
  try {
    const { editor, list, outputs } = await runScratchNotebook(page, folder, NOTEBOOK, [{ kind: 'code', language: 'lcnb', source: CELL }], KERNEL, 1, TIMEOUT.run);

    // 1. A click on a layer row of the output: the cursor goes to that layer's line.
    const rows = outputs.locator('table.lcnb-layers tbody tr.lcnb-row-action');
    const expandRow = rows.filter({ hasText: 'expand' }).first();
    await expandRow.waitFor({ timeout: TIMEOUT.render });
    const tip = await expandRow.getAttribute('title');
    if (tip !== 'Reveal in cell') throw new Error(`a layer row's tooltip reads "${tip}"`);
    const cursor = await expandRow.evaluate((tr) => getComputedStyle(tr).cursor);
    if (cursor !== 'pointer') throw new Error(`a layer row's cursor is "${cursor}", not a pointer`);
    // The diagram folded away, so the cell and its layer rows fit on one screen.
    const architecture = outputs.locator('.lcnb-architecture > summary');
    await list.reveal(architecture, { top: 300 });
    await architecture.click({ timeout: TIMEOUT.step });
    await list.reveal(outputs.locator('.lcnb-layers-section'), { top: 300 });
    await expandRow.click({ timeout: TIMEOUT.step });
    await expectCursorOn(list, EXPAND_LINE, 'after a click on the "expand" row');
    log(`reveal row: a click on the "expand" row put the cursor on line ${EXPAND_LINE} of the cell`);
    shots.push(await shot('reveal-row-cell-dark.png')); // the line and the row still marked

    // From the keyboard: Enter on a focused row.
    const firstRow = rows.first();
    await list.reveal(outputs.locator('.lcnb-layers-section'), { top: 40 });
    await firstRow.focus();
    await firstRow.press('Enter');
    await expectCursorOn(list, FIRST_LINE, 'after Enter on the first row');
    log(`reveal row: Enter on the first row put the cursor on line ${FIRST_LINE}`);

    // 2. The command (the cell is selected): the report in a tab of its own.
    await runFromCommandPalette(page, 'lcnb: Open Report in Editor Tab', { neutralFocus: true });
    const tab = page.locator('.tabs-container .tab.active', { has: page.locator('.tab-label', { hasText: TAB }) });
    await tab.waitFor({ timeout: TIMEOUT.step });
    const frame = await reportTabFrame(page);
    const report = frame.locator('.lcnb-report[data-verb="network"]');
    await report.locator('.lcnb-header .lcnb-title', { hasText: 'reveal_net' }).waitFor({ timeout: TIMEOUT.render });
    const tabRows = await report.locator('table.lcnb-layers tbody tr').count();
    if (tabRows < 4) throw new Error(`the report tab's layer table has ${tabRows} rows`);
    if (await report.locator('.lcnb-open-tab').count()) throw new Error('the report tab offers to open itself in a tab');
    await report.locator('.lcnb-architecture svg.lcnb-diagram-svg g.lcnb-box').first().waitFor({ state: 'attached', timeout: TIMEOUT.render });
    log(`reveal row: "${TAB}" shows the report: ${tabRows} layer rows and the diagram`);
    shots.push(await shot('reveal-row-tab-dark.png'));
    await report.locator('.lcnb-layers-section').scrollIntoViewIfNeeded();
    shots.push(await shot('reveal-row-tab-layers-dark.png'));

    // A row of the tab reveals its line in the notebook.
    await report.locator('table.lcnb-layers tbody tr', { hasText: 'expand' }).first().click({ timeout: TIMEOUT.step });
    await expectCursorOn(list, EXPAND_LINE, 'after a click on the "expand" row in the report tab');
    log('reveal row: a row of the report tab put the cursor on its line in the notebook');

    // 3. The output's "Open in tab" button brings the tab back (one tab per cell).
    const button = outputs.locator('.lcnb-header button.lcnb-open-tab');
    await list.scrollToTop();
    await button.waitFor({ timeout: TIMEOUT.render });
    await button.click({ timeout: TIMEOUT.step });
    await tab.waitFor({ timeout: TIMEOUT.step });
    const tabs = await page.locator('.tabs-container .tab', { has: page.locator('.tab-label', { hasText: TAB }) }).count();
    if (tabs !== 1) throw new Error(`${tabs} tabs named "${TAB}" after the output's button`);
    log('reveal row: the output\'s "Open in tab" button showed the same tab');

    // 4. Light theme: the tab and the notebook.
    await toggleTheme(page);
    const lightReport = (await reportTabFrame(page)).locator('.lcnb-report');
    await lightReport.locator('.lcnb-title').waitFor({ timeout: TIMEOUT.render });
    await lightReport.locator('.lcnb-layers-section').scrollIntoViewIfNeeded();
    shots.push(await shot('reveal-row-tab-light.png'));
    await lightReport.locator('table.lcnb-layers tbody tr', { hasText: 'layer2.conv' }).first().click({ timeout: TIMEOUT.step });
    await expectCursorOn(list, FIRST_LINE + 1, 'after a click on the "layer2.conv" row in the report tab');
    shots.push(await shot('reveal-row-cell-light.png')); // the line still marked
    log(`UI: report rows and the report tab; screenshots ${shots.join(', ')}`);
  } finally {
    await page.setViewportSize(viewport);
  }
}
