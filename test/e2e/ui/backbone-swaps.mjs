// UI test of the backbone-swap sample in code-server: open notebooks/backbone-swaps.lcnb, pick
// "ONNX Runtime · CPU", Run All, then check each detect / segment output: the split table (a row
// per backbone, measured time per part, the paper's figures), the stacked-bar charts drawn, a
// diagram framed by part, a hover on a backbone id, and no error anywhere. Screenshots go to
// test-output/e2e/backbone-swaps-*.png.
import { expectCharts, NotebookList, openNotebookWithKernel, runAll, waitFor, waitForCodeCellsRun } from '../actions.mjs';

export const title = 'notebook backbone-swaps.lcnb: detect and segment cells on the CPU kernel';

const NOTEBOOK = 'backbone-swaps.lcnb';
const KERNEL = 'ONNX Runtime · CPU';
/** Each headed cell: verb, title and the split table's first column, in order. */
const CELLS = [
  {
    verb: 'detect',
    title: 'PicoDet (legacy): mobilenet_v3_large_x1_0 (width 0.35), pplcnet_x0_5, mobilenet_v3_large_x0_75, pplcnet_x1_0',
    rows: ['mobilenet_v3_large_x1_0 (width 0.35)', 'pplcnet_x0_5', 'mobilenet_v3_large_x0_75', 'pplcnet_x1_0'],
    // The paper's COCO mAP for PP-LCNet 1.0 under PicoDet, in the published column.
    published: { row: 'pplcnet_x1_0', value: '26.9' },
  },
  {
    verb: 'segment',
    title: 'DeepLabV3+: mobilenet_v3_large_x1_0 (width 0.5), pplcnet_x0_5, mobilenet_v3_large_x0_75, pplcnet_x1_0',
    rows: ['mobilenet_v3_large_x1_0 (width 0.5)', 'pplcnet_x0_5', 'mobilenet_v3_large_x0_75', 'pplcnet_x1_0'],
    published: { row: 'pplcnet_x0_5', value: '58.36' },
  },
  { verb: 'detect', title: 'YOLOv8n: yolov8n_backbone, fasternet_t0, ghostnet_x1_0', rows: ['yolov8n_backbone', 'fasternet_t0', 'ghostnet_x1_0'] },
];
const PARTS = ['backbone', 'neck', 'head'];

const TIMEOUT = { step: 30_000, run: 9 * 60_000, render: 90_000, hover: 30_000 };

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot }) {
  const shots = [];
  const editor = await openNotebookWithKernel(page, NOTEBOOK, KERNEL);
  const started = Date.now();
  await runAll(editor, TIMEOUT.run);
  log(`backbone-swaps: Run All finished in ${((Date.now() - started) / 1000).toFixed(1)}s`);

  const list = new NotebookList(page, editor);
  const code = await waitForCodeCellsRun(list, CELLS.length, TIMEOUT.run);
  log(`backbone-swaps: ${code.length} code cells ran, none failed`);

  const outputs = editor.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  for (const [i, cell] of CELLS.entries()) {
    const report = outputs
      .locator(`.lcnb-report[data-verb="${cell.verb}"]`)
      .filter({ has: outputs.locator('.lcnb-header .lcnb-title', { hasText: cell.title }) })
      .first();
    await list.reveal(report, { top: 80 });
    await report.waitFor({ timeout: TIMEOUT.render });
    const table = report.locator('table.lcnb-split-table');
    await table.waitFor({ timeout: TIMEOUT.render });
    const rows = await table.locator('tbody tr td:first-child').allTextContents();
    if (rows.join('|') !== cell.rows.join('|')) throw new Error(`${cell.title}: the split table lists ${rows.join(', ')}, expected ${cell.rows.join(', ')}`);
    const groups = (await table.locator('thead tr.lcnb-group-row th').allTextContents()).filter(Boolean);
    for (const group of ['MAdds (M), params (M) below', 'Time (ms, measured)', 'Published (paper)']) {
      if (!groups.includes(group)) throw new Error(`${cell.title}: no "${group}" columns in the split table (groups: ${groups.join(' | ')})`);
    }
    // Every part's measured time is a number in every row.
    const times = await table.evaluate((t) => {
      const heads = [...t.querySelectorAll('thead tr:not(.lcnb-group-row) th')].map((th) => th.textContent);
      const groupOf = [];
      for (const th of t.querySelectorAll('thead tr.lcnb-group-row th')) for (let k = 0; k < th.colSpan; k++) groupOf.push(th.textContent);
      const cols = heads.map((h, k) => ({ h, g: groupOf[k], k })).filter((c) => c.g === 'Time (ms, measured)');
      return [...t.querySelectorAll('tbody tr')].map((tr) => cols.map((c) => `${c.h}=${tr.children[c.k].textContent}`));
    });
    const bad = times.flat().filter((t) => !/=\d+\.\d+$/.test(t));
    if (bad.length) throw new Error(`${cell.title}: measured times that are not numbers: ${bad.join(', ')}`);
    if (cell.published) {
      const row = table.locator('tbody tr', { has: outputs.locator('td:first-child', { hasText: new RegExp(`^${cell.published.row.replace(/[()]/g, '\\$&')}$`) }) });
      const text = (await row.first().allTextContents()).join(' ');
      if (!text.includes(cell.published.value)) throw new Error(`${cell.title}: the row of ${cell.published.row} does not show the published ${cell.published.value}: ${text}`);
    }
    const charts = await expectCharts(report.locator(':scope > .lcnb-charts .lcnb-chart'), `${cell.title}: charts`, 2, TIMEOUT.render);
    const kinds = await report.locator(':scope > .lcnb-charts .lcnb-chart').evaluateAll((boxes) => boxes.map((b) => b.dataset.kind));
    if (kinds.join() !== 'split-madds,split-latency') throw new Error(`${cell.title}: charts ${kinds.join(', ')}, expected split-madds, split-latency`);
    log(`backbone-swaps: ${cell.verb} "${cell.title.split(':')[0]}": split table of ${rows.length} backbones with measured times per part, ${charts} charts drawn (${kinds.join(', ')})`);
    await list.reveal(table, { top: 60 });
    shots.push(await shot(`backbone-swaps-${i + 1}-split.png`));
    // The whole table, the paper's columns last, fits its output beside the explorer (1400 px window).
    const fit = await waitFor(async () => {
      const m = await report.locator('.lcnb-split .lcnb-scroll-x').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      return m.scroll <= m.client + 1 ? m : undefined;
    }, TIMEOUT.step, 500);
    if (!fit) throw new Error(`${cell.title}: the split table does not fit its output: ${JSON.stringify(await report.locator('.lcnb-split .lcnb-scroll-x').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth })))}`);
    // Each footnote once.
    const foot = await report.locator('.lcnb-split .lcnb-footnotes li').allTextContents();
    const repeated = foot.filter((f, k) => foot.indexOf(f) !== k);
    if (repeated.length) throw new Error(`${cell.title}: footnotes repeated: ${repeated.join(' | ')}`);
    log(`backbone-swaps: the split table fits its ${fit.client} px output; ${foot.length} footnotes, none repeated`);
    await list.reveal(report.locator(':scope > .lcnb-charts'), { top: 60 });
    shots.push(await shot(`backbone-swaps-${i + 1}-charts.png`));
    // Every legend text inside its chart: none cut at the right edge.
    const legends = await report.locator(':scope > .lcnb-charts .lcnb-chart').evaluateAll((boxes) =>
      boxes.flatMap((box) => {
        const edge = box.querySelector('svg')?.getBoundingClientRect();
        return edge ? [...box.querySelectorAll('svg .role-legend text')].map((t) => ({ text: t.textContent, out: t.getBoundingClientRect().right > edge.right + 0.5 })) : [];
      }),
    );
    const cut = legends.filter((l) => l.out).map((l) => l.text);
    if (legends.length === 0 || cut.length) throw new Error(`${cell.title}: chart legends cut at the edge: ${cut.join(', ') || 'no legend found'}`);
  }

  // The first detector's second model: open its section; its diagram opens as the three parts,
  // and a part opens into a cluster framed in that part's colour around its stages.
  const picodet = outputs.locator('.lcnb-report[data-verb="detect"]').first();
  const model = picodet.locator('details.lcnb-model').nth(1);
  await list.reveal(model, { top: 80 });
  await model.locator(':scope > summary').click({ timeout: TIMEOUT.step });
  const diagram = model.locator('.lcnb-architecture svg.lcnb-diagram-svg');
  await diagram.waitFor({ timeout: TIMEOUT.render });
  const partBoxes = await diagram.locator('g.lcnb-box.kind-group.lcnb-part').evaluateAll((gs) => gs.map((g) => [...g.classList].find((c) => c.startsWith('part-'))));
  if (partBoxes.join() !== PARTS.map((p) => `part-${p}`).join()) throw new Error(`the diagram opens with part boxes ${partBoxes.join(', ') || 'none'}, expected backbone, neck, head`);
  await list.reveal(diagram, { top: 60 });
  shots.push(await shot('backbone-swaps-diagram-parts.png'));
  await diagram.locator('g.lcnb-box.part-backbone').click({ timeout: TIMEOUT.step });
  const cluster = diagram.locator('g.lcnb-cluster.lcnb-part.part-backbone');
  await cluster.waitFor({ timeout: TIMEOUT.step });
  const stages = await diagram.locator('g.lcnb-box.kind-group:not(.lcnb-part)').count();
  if (stages < 3) throw new Error(`the opened backbone shows ${stages} stage boxes`);
  log(`backbone-swaps: diagram of ${await model.getAttribute('data-model')} opens as ${partBoxes.join(', ')}; the backbone opens into ${stages} stage boxes`);
  await list.reveal(diagram, { top: 60 });
  shots.push(await shot('backbone-swaps-diagram-backbone.png'));

  // Hover a backbone id in the first cell: its totals under the head.
  await list.scrollToTop();
  const hoverText = await list.hoverInCell(code[0].index, {
    line: 'pplcnet_x0_5',
    accept: (t) => /under/.test(t) && /Measured/.test(t),
    expected: 'with its cost under the head',
    timeout: TIMEOUT.hover,
  });
  if (!/under PicoDet/.test(hoverText) || !/neck/.test(hoverText)) throw new Error(`the hover on pplcnet_x0_5 does not show its cost under PicoDet: ${hoverText.slice(0, 300)}`);
  if (!/Measured on this machine/.test(hoverText)) throw new Error(`the hover on pplcnet_x0_5 does not show the last run's time per part: ${hoverText.slice(0, 400)}`);
  log(`backbone-swaps: hover on pplcnet_x0_5 says: ${hoverText.replace(/\s+/g, ' ').slice(0, 160)}`);
  shots.push(await shot('backbone-swaps-hover.png'));
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');

  const errors = await outputs.locator('.lcnb-error').allTextContents();
  if (errors.length) throw new Error(`outputs show errors: ${errors.join(' | ')}`);
  log(`UI: notebook ${NOTEBOOK} ran and rendered; screenshots ${shots.join(', ')}`);
}
