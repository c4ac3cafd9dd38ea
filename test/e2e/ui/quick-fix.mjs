// UI test of quick fixes: a cell with a misspelt model id is squiggled; its hover offers Quick
// Fix, whose list has one "Change … to …" per suggestion; picking the first rewrites the id and the
// squiggle goes. Screenshots: test-output/e2e/quick-fix-*.png.
import { openScratchNotebook, waitFor } from '../actions.mjs';

export const title = 'a misspelt model id gets a quick fix with the suggested ids';

const NOTEBOOK = 'quick-fix.lcnb';
const WRITTEN = 'mobilenet_v2_x1_O';
const FIXED = 'mobilenet_v2_x1_0';
const TIMEOUT = { step: 30_000, hover: 30_000 };

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot, folder }) {
  const { list, squiggles } = await openScratchNotebook(page, folder, NOTEBOOK, [{ kind: 'markdown', language: 'markdown', source: '# A typo' }, { kind: 'code', language: 'lcnb', source: `model: ${WRITTEN}` }], 1);

  const hover = await list.hoverInCell(1, { line: 'model:', word: 'x1_O', accept: (t) => t.includes('unknown model id') && /Quick Fix/.test(t), expected: 'with the error and Quick Fix', timeout: TIMEOUT.hover });
  log(`quick fix: hover says: ${hover.replace(/\s+/g, ' ').slice(0, 200)}`);
  // From the keyboard, as a user would after reading the hover: cursor on the name, Ctrl+. , Enter.
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
  await list.row(1).locator('.view-line span span', { hasText: 'x1_O' }).first().click();
  await page.keyboard.press('Control+Period');
  const item = page.locator('.action-widget .monaco-list-row', { hasText: `to '${FIXED}'` }).first();
  await item.waitFor({ timeout: TIMEOUT.step });
  const offered = (await page.locator('.action-widget .monaco-list-row').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  log(`quick fix: offered ${offered.join(' | ')}`);
  const listShot = await shot('quick-fix-list.png');
  await page.keyboard.press('Enter');

  const gone = await waitFor(async () => (await squiggles.count()) === 0, TIMEOUT.step);
  if (!gone) throw new Error('the squiggle stays after the quick fix');
  const line = (await list.row(1).locator('.monaco-editor .view-line').first().innerText()).replace(/\u00a0/g, ' ');
  if (!line.includes(`model: ${FIXED}`)) throw new Error(`after the quick fix the cell reads "${line}"`);
  const fixedShot = await shot('quick-fix-applied.png');
  log(`UI: quick fix rewrote ${WRITTEN} to ${FIXED}; screenshots ${listShot}, ${fixedShot}`);
}
