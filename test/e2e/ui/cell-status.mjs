// UI test of the cell status bar after a static Run All of notebooks/getting-started.lcnb: a model
// cell shows its params and MAdds; the compare cell shows how many models and the range of each
// count, with every model's figures in its tooltip. Screenshot: test-output/e2e/cell-status-compare.png.
import { NotebookList, openNotebookWithKernel, runAll, waitFor, waitForCodeCellsRun } from '../actions.mjs';

export const title = 'cell status bar: one model, and the ranges of a compare cell';

const NOTEBOOK = 'getting-started.lcnb';
const KERNEL = 'Static analysis (no execution)';
const COMPARE_MODELS = 4;
const TIMEOUT = { step: 30_000, run: 2 * 60_000 };

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot }) {
  const editor = await openNotebookWithKernel(page, NOTEBOOK, KERNEL);
  await runAll(editor, TIMEOUT.run);

  const list = new NotebookList(page, editor);
  const code = await waitForCodeCellsRun(list, 5, TIMEOUT.run);
  log(`cell status: ${code.length} code cells ran on the static kernel`);
  await list.scrollToTop();
  const item = (index, text) => list.row(index).locator('.cell-status-right .cell-status-item', { hasText: text });

  const first = item(code[0].index, 'params');
  await first.waitFor({ timeout: TIMEOUT.step });
  const firstText = (await first.innerText()).trim();
  if (!/^2\.54M params · 56\.51M MAdds$/.test(firstText)) throw new Error(`the first cell's status bar reads "${firstText}"`);
  log(`cell status: the first model cell reads "${firstText}"`);

  const compareIndex = code.find((c) => c.text.startsWith('compare:'))?.index;
  if (compareIndex === undefined) throw new Error(`no compare cell among ${JSON.stringify(code.map((c) => c.text.split('\n')[0]))}`);
  const compare = item(compareIndex, 'models');
  await list.reveal(list.row(compareIndex), { top: 40 });
  await compare.waitFor({ timeout: TIMEOUT.step });
  const text = (await compare.innerText()).trim();
  if (!new RegExp(`^${COMPARE_MODELS} models · [\\d.]+[KMG]–[\\d.]+[KMG] params · [\\d.]+[KMG]–[\\d.]+[KMG] MAdds$`).test(text)) {
    throw new Error(`the compare cell's status bar reads "${text}"`);
  }
  log(`cell status: the compare cell reads "${text}"`);

  await compare.hover();
  const hover = page.locator('.monaco-hover, .workbench-hover, .custom-hover').filter({ hasText: 'fasternet_t0:' }).first();
  const tooltip = await waitFor(async () => ((await hover.count()) && (await hover.isVisible()) ? (await hover.innerText()).trim() : undefined), 10_000);
  if (!tooltip || !/mobilenet_v3_small_x1_0: 2\.54M params, 56\.51M MAdds/.test(tooltip)) throw new Error(`the compare cell's tooltip reads "${tooltip}"`);
  log(`cell status: its tooltip lists ${tooltip.split('\n').filter((l) => l.includes(': ')).length} models`);
  await page.waitForTimeout(600); // the hover fades in
  const file = await shot('cell-status-compare.png');
  log(`UI: the compare cell's status bar and tooltip; screenshot ${file}`);
}
