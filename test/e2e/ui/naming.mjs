// UI test of how a compare cell names variants of one zoo id: a static Run All of
// notebooks/pplcnet-ablations.lcnb, whose first compare cell lists pplcnet_x0_5 three times with
// different SE knobs. The title and the comparison table name each by its label, the table shows
// the published ablation rows' top-1 (64.27% with SE everywhere), and the published block of a
// variant shows its note. Screenshots: test-output/e2e/naming-compare.png, naming-published.png.
import { NotebookList, openNotebookWithKernel, runAll, waitFor, waitForCodeCellsRun } from '../actions.mjs';

export const title = 'compare of knob variants: labels, published ablation rows and notes';

const NOTEBOOK = 'pplcnet-ablations.lcnb';
const KERNEL = 'Static analysis (no execution)';
const LABELS = ['pplcnet_x0_5', 'pplcnet_x0_5 (se_blocks: 1–13)', 'pplcnet_x0_5 (se_blocks: none)'];
const TOP1 = ['63.1', '64.3', '62.5'];
const TIMEOUT = { step: 30_000, run: 2 * 60_000, render: 60_000 };

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot }) {
  const editor = await openNotebookWithKernel(page, NOTEBOOK, KERNEL);
  await runAll(editor, TIMEOUT.run);

  const list = new NotebookList(page, editor);
  await waitForCodeCellsRun(list, 3, TIMEOUT.run);
  await list.scrollToTop();

  const outputs = editor.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  // The notebook has two compare cells; this one is found by its title.
  const compare = outputs
    .locator('.lcnb-report[data-verb="compare"]')
    .filter({ has: outputs.locator('.lcnb-header .lcnb-title', { hasText: LABELS[1] }) })
    .first();
  await compare.waitFor({ timeout: TIMEOUT.render });
  await list.reveal(compare, { top: 80 });
  const heading = (await compare.locator('.lcnb-header .lcnb-title').innerText()).trim();
  if (heading !== `compare: ${LABELS.join(', ')}`) throw new Error(`the compare title reads "${heading}"`);
  const table = compare.locator('table.lcnb-compare-table');
  await table.waitFor({ timeout: TIMEOUT.render });
  const names = (await table.locator('tbody tr td:first-child').allTextContents()).map((t) => t.trim());
  if (names.join('|') !== LABELS.join('|')) throw new Error(`the comparison table names ${names.join(', ')}`);
  const headers = await table.locator('thead th').allTextContents();
  const top1Column = headers.findIndex((h) => h.startsWith('Top-1'));
  const top1 = await table.locator(`tbody tr td:nth-child(${top1Column + 1})`).allTextContents();
  if (top1.map((t) => t.trim()).join('|') !== TOP1.join('|')) throw new Error(`the top-1 column reads ${top1.join(', ')}`);
  log(`naming: the compare cell names ${names.join(' / ')}, top-1 ${top1.join(' / ')}`);
  const shots = [await shot('naming-compare.png')];

  // The SE-everywhere variant's own section: its published block has a Note column.
  const section = compare.locator('details.lcnb-model').nth(1);
  await list.reveal(section, { top: 80 });
  await section.locator(':scope > summary').click();
  const published = section.locator('table.lcnb-published-table');
  await published.waitFor({ timeout: TIMEOUT.render });
  await list.reveal(published, { top: 80 });
  const note = await waitFor(async () => {
    const cells = await published.locator('tbody td').allTextContents();
    return cells.find((c) => c.startsWith('ablation row at width 0.5'));
  }, TIMEOUT.step);
  if (!note) throw new Error('the published block of the SE-everywhere variant shows no note');
  log(`naming: its published block notes "${note.slice(0, 60)}…"`);
  shots.push(await shot('naming-published.png'));
  log(`UI: labels, ablation rows and notes; screenshots ${shots.join(', ')}`);
}
