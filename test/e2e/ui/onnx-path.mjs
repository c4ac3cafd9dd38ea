// UI test of checking a cell's .onnx path while it is typed: a notebook whose profile cell names
// a file that does not exist gets a squiggle at the path, and its hover says the file was not
// found with the path it resolved to (against the notebook's folder). When the file then appears,
// the squiggle goes without an edit. Screenshots: test-output/e2e/onnx-path-*.png.
import fs from 'node:fs';
import path from 'node:path';
import { openScratchNotebook, waitFor } from '../actions.mjs';

export const title = "a cell's missing .onnx path is squiggled until the file appears";

const NOTEBOOK = 'onnx-path.lcnb';
const WRITTEN = 'nets/late.onnx';
const TIMEOUT = { step: 30_000, hover: 30_000 };

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot, folder, repoRoot }) {
  const target = path.join(folder, WRITTEN);
  fs.rmSync(path.dirname(target), { recursive: true, force: true });
  const cells = [
    { kind: 'markdown', language: 'markdown', source: `# A model from a file\n\nThe cell below reads \`${WRITTEN}\`, next to this notebook.` },
    { kind: 'code', language: 'lcnb', source: `profile: ${WRITTEN}\nruns: 3` },
  ];
  const { list, squiggles } = await openScratchNotebook(page, folder, NOTEBOOK, cells, 1);

  const hover = await list.hoverInCell(1, {
    line: 'profile:',
    word: 'late',
    accept: (t) => t.includes('file not found'),
    expected: 'saying the file was not found',
    timeout: TIMEOUT.hover,
  });
  if (!hover.includes(`file not found: ${target}`)) throw new Error(`the hover on the missing path says "${hover}", not the path it resolved to (${target})`);
  log(`onnx path: hover on the missing path says: ${hover.replace(/\s+/g, ' ').slice(0, 200)}`);
  const missingShot = await shot('onnx-path-missing.png');
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');

  // The file appears (as an export or a download would write it): the squiggle goes, no edit needed.
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'onnx', 'torch_tiny_se.onnx'), target);
  const gone = await waitFor(async () => (await squiggles.count()) === 0, TIMEOUT.step);
  if (!gone) throw new Error(`the squiggle stays after ${target} was written`);
  const foundShot = await shot('onnx-path-found.png');
  log(`UI: missing .onnx path squiggled, gone once the file exists; screenshots ${missingShot}, ${foundShot}`);
}
