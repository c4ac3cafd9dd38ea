// UI test of two things a new user meets first: the getting-started walkthrough (opened from the
// palette, every step listed, light and dark) and a compare cell that names two network cells of
// the notebook and checks a paper's claim: Run All on the CPU kernel, and the report says above its
// table whether this run agrees with the paper and whether the difference is beyond the spread.
// Screenshots: test-output/e2e/walkthrough-{light,dark}.png, compare-claim-{light,dark}.png.
import fs from 'node:fs';
import path from 'node:path';
import { pickFromQuickPick, runFromCommandPalette, runScratchNotebook, setTheme } from '../actions.mjs';

export const title = 'walkthrough; a compare of two network cells checks a claim';

const WIDTH = 1440;
const STEPS = ['Open a sample notebook', 'Pick a kernel', 'Run the cells', 'Hover as you type', 'Profile a model', 'Open an .onnx file'];
const NOTEBOOK = 'claims.lcnb';
const KERNEL = 'ONNX Runtime · CPU';
const TIMEOUT = { step: 30_000, run: 3 * 60_000, render: 60_000 };

const network = (name, c, out) => `network: ${name}\ninput: [1, ${c}, 28, 28]\nlayers:\n  - pwconv: { out: ${out}, bn: false }\n  - pwconv: { out: ${c}, bn: false }`;
const CELLS = [
  { kind: 'markdown', language: 'markdown', source: '# Two widths, one claim' },
  { kind: 'code', language: 'lcnb', source: network('narrow', 16, 16) },
  { kind: 'code', language: 'lcnb', source: network('wide', 64, 256) },
  {
    kind: 'code',
    language: 'lcnb',
    source: 'compare:\n  models:\n    - network: narrow\n    - network: wide\n  claim: { faster: narrow, than: wide, source: "a test: 1/64 of the MAdds" }\n  profile: { runs: 20, warmup: 3, threads: 1 }',
  },
];

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot, folder }) {
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: WIDTH, height: viewport.height });

  // 1. The walkthrough, as the palette opens it.
  await runFromCommandPalette(page, 'Welcome: Open Walkthrough...');
  await pickFromQuickPick(page, 'Get started with lcnb');
  const walkthrough = page.locator('.gettingStartedContainer');
  for (const step of STEPS) await walkthrough.locator('.getting-started-step', { hasText: step }).first().waitFor({ timeout: TIMEOUT.step });
  // The first step opens expanded, its media beside it.
  await walkthrough.locator('.getting-started-step.expanded', { hasText: STEPS[0] }).first().waitFor({ timeout: TIMEOUT.step });
  // The step's media is a webview, drawn again after a theme change.
  const media = walkthrough.locator('.getting-started-media iframe');
  await setTheme(page, 'Light Modern');
  await media.first().waitFor({ timeout: TIMEOUT.step });
  await page.waitForTimeout(2500);
  const shots = [await shot('walkthrough-light.png')];
  await setTheme(page, 'Dark Modern');
  await media.first().waitFor({ timeout: TIMEOUT.step });
  await page.waitForTimeout(2500);
  shots.push(await shot('walkthrough-dark.png'));
  log(`walkthrough: all ${STEPS.length} steps listed; screenshots ${shots.join(', ')}`);
  await runFromCommandPalette(page, 'View: Close All Editors', { neutralFocus: true });

  // 2. A compare of two network cells with a claim, measured.
  const { list, outputs, written } = await runScratchNotebook(page, folder, NOTEBOOK, CELLS, KERNEL, 3, TIMEOUT.run);
  const compare = outputs.locator('.lcnb-report[data-verb="compare"]').first();
  await compare.waitFor({ timeout: TIMEOUT.render });
  const claim = compare.locator('.lcnb-claims .lcnb-claim').first();
  await claim.waitFor({ timeout: TIMEOUT.render });
  await list.reveal(compare, { top: 60 });
  const text = (await claim.innerText()).replace(/\s+/g, ' ').trim();
  // 1/64 of the MAdds: the narrow network is faster on any machine, well beyond the spread.
  if (!/^✓\s*narrow faster than wide — a test: 1\/64 of the MAdds: agrees with the paper narrow [\d.]+ ms, wide [\d.]+ ms \(lower quartiles of the runs\): wide takes [\d.]+× \([\d.]+–[\d.]+\) the time of narrow, as the paper says; the difference is larger than the noise of these runs\.$/.test(text)) {
    throw new Error(`the claim reads "${text}"`);
  }
  const table = compare.locator('table.lcnb-compare-table');
  const names = (await table.locator('tbody tr td:first-child').allTextContents()).map((t) => t.trim());
  if (names.join('|') !== 'narrow|wide') throw new Error(`the comparison table names ${names.join(', ')}`);
  // Measured together, in turn: each model's time against the first, with its interval.
  const headers = (await table.locator('thead th').allTextContents()).map((t) => t.trim());
  const column = headers.findIndex((h) => h.startsWith('Time vs narrow (95%)'));
  if (column < 0) throw new Error(`no "Time vs narrow (95%)" column among ${headers.join(' | ')}`);
  const ratios = (await table.locator(`tbody tr td:nth-child(${column + 1})`).allTextContents()).map((t) => t.trim());
  if (ratios[0] !== 'reference' || !/^\d+\.\d\d× \(\d+\.\d\d–\d+\.\d\d\)$/.test(ratios[1])) throw new Error(`the ratio column reads ${ratios.join(' | ')}`);
  const foot = (await compare.locator('.lcnb-footnotes').innerText()).replace(/\s+/g, ' ');
  if (!/Interleaved: 2 models, each with a profiled and an unprofiled session, loaded together in one process/.test(foot)) throw new Error(`the footnotes do not state the protocol: ${foot}`);
  await page.waitForTimeout(500);
  shots.length = 0;
  shots.push(await shot('compare-claim-dark.png'));
  await setTheme(page, 'Light Modern');
  await page.waitForTimeout(800);
  shots.push(await shot('compare-claim-light.png'));
  if (!fs.readFileSync(path.join(folder, NOTEBOOK)).equals(written)) throw new Error(`running ${NOTEBOOK} wrote the file`);
  log(`compare claim: "${text.slice(0, 160)}…"; screenshots ${shots.join(', ')}`);
}
