// UI test of an lcnb notebook in code-server: open notebooks/getting-started.lcnb, pick the
// "ONNX Runtime · CPU" kernel, Run All, then check what the cells show: execution order and
// status bar in the workbench, the rendered reports inside the notebook's output webview, and
// a hover on a layer line of the network cell; the profiled layer table fits its output beside the
// explorer, at 1280 px too. Screenshots go to test-output/e2e/notebook-*.png.
import fs from 'node:fs';
import path from 'node:path';
import { expectCharts, NotebookList, openFile, pickKernel, runAll, waitFor, waitForCodeCellsRun } from '../actions.mjs';

export const title = 'notebook getting-started.lcnb: Run All on the CPU kernel';

const NOTEBOOK = 'getting-started.lcnb';
const KERNEL = 'ONNX Runtime · CPU';
// Params of mobilenet_v3_small_x1_0 as the totals table formats them.
const FIRST_MODEL = 'mobilenet_v3_small_x1_0';
const FIRST_PARAMS = '2,542,856';
const COMPARE_MODELS = ['mobilenet_v3_small_x1_0', 'shufflenet_v2_x1_0', 'pplcnet_x1_0', 'fasternet_t0'];
const SWEEP_POINTS = 5;
const HOVER_LINE = 'conv: { out: 80, k: 2, s: 2 }';
// A common laptop window: the profiled layer table fits its notebook output with the explorer open.
const NARROW_WINDOW = 1280;

const TIMEOUT = {
  step: 30_000,
  run: 4 * 60_000,
  render: 60_000,
  hover: 30_000,
};

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot, folder }) {
  const shots = [];
  const onDisk = () => fs.readFileSync(path.join(folder, NOTEBOOK));
  const saved = onDisk();

  await openFile(page, NOTEBOOK);
  const editor = page.locator('.notebook-editor', { has: page.locator('.notebook-toolbar-container') }).first();
  const kernelLabel = editor.locator('.notebook-toolbar-container .kernel-label');
  await kernelLabel.waitFor({ timeout: TIMEOUT.step });
  // Opened from the explorer, the notebook starts on the preferred kernel (lcnb.provider: cpu), not at "Select Kernel".
  if (!(await waitFor(async () => (await kernelLabel.innerText()).trim() === KERNEL, TIMEOUT.step))) {
    throw new Error(`the notebook opened from the explorer shows kernel "${(await kernelLabel.innerText()).trim()}", not the preferred "${KERNEL}"`);
  }
  log(`notebook: opened ${NOTEBOOK} from the explorer, kernel already "${(await kernelLabel.innerText()).trim()}"`);
  shots.push(await shot('notebook-opened.png'));

  await pickKernel(page, editor, KERNEL);
  const label = (await kernelLabel.innerText()).trim();
  if (label !== KERNEL) throw new Error(`the notebook toolbar shows kernel "${label}" after picking "${KERNEL}"`);

  const started = Date.now();
  await runAll(editor);
  log(`notebook: Run All finished in ${((Date.now() - started) / 1000).toFixed(1)}s`);

  const list = new NotebookList(page, editor);
  const code = await waitForCodeCellsRun(list, 5, TIMEOUT.run);
  const orders = code.map((c) => c.order);
  const sorted = [...orders].sort((a, b) => a - b);
  if (new Set(orders).size !== orders.length || orders.join() !== sorted.join()) {
    throw new Error(`execution order numbers are not increasing down the notebook: ${orders.join(', ')}`);
  }
  log(`notebook: code cells ran in order [${orders.join('] [')}], none failed or still running`);

  const outputs = editor.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  const report = (verb, title) =>
    outputs
      .locator(`.lcnb-report[data-verb="${verb}"]`)
      .filter({ has: outputs.locator('.lcnb-header .lcnb-title', { hasText: new RegExp(`^${title}$`) }) })
      .first();

  // First cell: totals, layers, diagram, charts; its status bar.
  await list.scrollToTop();
  const firstCell = list.row(code[0].index);
  const statusItem = firstCell.locator('.cell-status-right .cell-status-item', { hasText: 'ms median' });
  await statusItem.waitFor({ timeout: TIMEOUT.step });
  log(`notebook: first cell's status bar shows "${(await statusItem.innerText()).trim()}"`);

  const first = report('model', FIRST_MODEL);
  await first.waitFor({ timeout: TIMEOUT.render });
  const totals = first.locator('table.lcnb-totals');
  await totals.locator('td', { hasText: FIRST_PARAMS }).first().waitFor({ timeout: TIMEOUT.render });
  const layerRows = await first.locator('table.lcnb-layers tbody tr').count();
  if (layerRows < 10) throw new Error(`the per-layer table of ${FIRST_MODEL} has ${layerRows} rows`);
  const diagram = first.locator('.lcnb-architecture .lcnb-diagram');
  const diagramBoxes = diagram.locator('svg.lcnb-diagram-svg g.lcnb-box');
  await diagramBoxes.first().waitFor({ state: 'attached', timeout: TIMEOUT.render });
  const boxesBefore = await diagramBoxes.count();
  const charts = await expectCharts(first.locator('.lcnb-model-charts .lcnb-chart'), `${FIRST_MODEL}'s charts`, 1);
  log(
    `notebook: ${FIRST_MODEL}: totals show ${FIRST_PARAMS}, ${layerRows} layer rows, ` +
      `diagram with ${boxesBefore} boxes, ${charts} charts drawn`,
  );
  shots.push(await shot('notebook-top.png'));

  // The diagram: open a collapsed stage by clicking its box.
  const group = diagram.locator('svg.lcnb-diagram-svg g.lcnb-box.kind-group').first();
  await list.reveal(diagram.locator('svg.lcnb-diagram-svg'), { top: 140 });
  await list.reveal(group, { top: 220 });
  const groupText = (await group.locator('text').textContent())?.trim() ?? '';
  await group.click({ timeout: TIMEOUT.step });
  const expanded = await waitFor(async () => {
    const n = await diagramBoxes.count();
    return n > boxesBefore ? n : undefined;
  }, TIMEOUT.step);
  if (!expanded) throw new Error(`clicking the diagram box "${groupText}" did not open it (${boxesBefore} boxes before and after)`);
  log(`notebook: clicking diagram box "${groupText}" opened it: ${boxesBefore} → ${expanded} boxes`);
  await list.reveal(diagram.locator('svg.lcnb-diagram-svg'), { top: 140 });
  shots.push(await shot('notebook-diagram.png'));

  // Charts of the first model, in view.
  await list.reveal(first.locator('.lcnb-model-charts'), { top: 120 });
  shots.push(await shot('notebook-charts.png'));
  await expectLegendsInside(first.locator('.lcnb-model-charts .lcnb-chart'), `${FIRST_MODEL}'s charts`, log);
  await list.reveal(first.locator('.lcnb-model-charts .lcnb-chart[data-kind="roofline"]'), { top: 60 });
  shots.push(await shot('notebook-charts-roofline.png'));
  await expectSameOpColours(first.locator('.lcnb-model-charts'), log);

  // Layers of the first model: every column in view beside the explorer, at this window width and at 1280 px.
  await list.reveal(first.locator('.lcnb-layers-section'), { top: 80 });
  await expectLayerTableFits(page, first, 'notebook-layers.png', shots, shot, log);
  const hint = (await first.locator('.lcnb-layers-section .lcnb-scroll-hint').innerText()).trim();
  if (!hint.startsWith(`${layerRows} rows`)) throw new Error(`the layer table's scroll hint says "${hint}", for ${layerRows} rows`);
  log(`notebook: below the layer table: "${hint}"`);
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: NARROW_WINDOW, height: viewport.height });
  try {
    await list.reveal(first.locator('.lcnb-layers-section'), { top: 80 });
    await expectLayerTableFits(page, first, `notebook-layers-${NARROW_WINDOW}.png`, shots, shot, log);
  } finally {
    await page.setViewportSize(viewport);
  }

  // Hover a layer line of the network cell.
  const network = code.find((c) => c.text.startsWith('network:'));
  if (!network) throw new Error(`no network cell in the notebook: ${JSON.stringify(code)}`);
  // The layer's name ("conv") is the hover target.
  const hoverText = await list.hoverInCell(network.index, {
    line: HOVER_LINE,
    word: /^\s*conv\s*$/,
    accept: (t) => /MAdds/.test(t),
    expected: 'with "MAdds"',
    timeout: TIMEOUT.hover,
  });
  log(`notebook: hover on "${HOVER_LINE}" says: ${hoverText.replace(/\s+/g, ' ').slice(0, 160)}`);
  shots.push(await shot('notebook-hover.png'));
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');

  // Compare cell: the comparison table, measured.
  const compare = outputs.locator('.lcnb-report[data-verb="compare"]').first();
  await list.reveal(compare, { top: 120 });
  const compareTable = compare.locator('table.lcnb-compare-table');
  await compareTable.waitFor({ timeout: TIMEOUT.render });
  const compareIds = await compareTable.locator('tbody tr td:first-child').allTextContents();
  for (const id of COMPARE_MODELS) {
    if (!compareIds.includes(id)) throw new Error(`the comparison table lists ${compareIds.join(', ')}, not ${id}`);
  }
  const headers = await compareTable.locator('thead th').allTextContents();
  if (!headers.some((h) => h.startsWith('Median (ms, measured)'))) {
    throw new Error(`the comparison table has no measured median column: ${headers.join(' | ')}`);
  }
  const compareCharts = await expectCharts(compare.locator(':scope > .lcnb-charts .lcnb-chart'), 'the comparison charts', 1);
  log(`notebook: comparison table lists ${compareIds.join(', ')} with measured medians; ${compareCharts} charts`);
  shots.push(await shot('notebook-compare.png'));
  await list.reveal(compare.locator(':scope > .lcnb-charts'), { top: 60 });
  shots.push(await shot('notebook-compare-charts.png'));
  await expectLegendsInside(compare.locator(':scope > .lcnb-charts .lcnb-chart'), 'the comparison charts', log);

  // Sweep cell: its table and charts.
  const sweep = outputs.locator('.lcnb-report[data-verb="sweep"]').first();
  await list.reveal(sweep, { top: 120 });
  const sweepRows = await sweep.locator('table.lcnb-sweep tbody tr').count();
  if (sweepRows !== SWEEP_POINTS) throw new Error(`the sweep table has ${sweepRows} rows, expected ${SWEEP_POINTS}`);
  const sweepCharts = await expectCharts(sweep.locator(':scope > .lcnb-charts .lcnb-chart'), 'the sweep charts', 1);
  log(`notebook: sweep table has ${sweepRows} points; ${sweepCharts} charts`);
  shots.push(await shot('notebook-sweep.png'));
  await list.reveal(sweep.locator(':scope > .lcnb-charts'), { top: 60 });
  shots.push(await shot('notebook-sweep-charts.png'));
  await expectLegendsInside(sweep.locator(':scope > .lcnb-charts .lcnb-chart'), 'the sweep charts', log);

  const errors = await outputs.locator('.lcnb-error').allTextContents();
  if (errors.length) throw new Error(`outputs show errors: ${errors.join(' | ')}`);

  // A run never writes the file: nothing was saved, so the notebook on disk is as it was.
  await new Promise((r) => setTimeout(r, 3000));
  const after = onDisk();
  if (!after.equals(saved)) throw new Error(`Run All wrote ${NOTEBOOK} on disk without a Save: ${saved.length} bytes before, ${after.length} after`);
  log(`notebook: ${NOTEBOOK} on disk is byte-identical after Run All (${saved.length} bytes; nothing saved)`);
  log(`UI: notebook ${NOTEBOOK} ran and rendered; screenshots ${shots.join(', ')}`);
}

/**
 * With the explorer open, the profiled layer table of `report` shows its last column without
 * scrolling sideways (the scroller stays for narrower windows); takes screenshot `file`.
 */
async function expectLayerTableFits(page, report, file, shots, shot, log) {
  const explorer = page.locator('.part.sidebar');
  if (!(await explorer.isVisible())) throw new Error('the explorer is not open');
  const scroller = report.locator('.lcnb-layers-section .lcnb-scroll');
  // The output webview relayouts after a resize: wait for the table to settle within the scroller.
  const fit = await waitFor(async () => {
    const m = await scroller.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, last: el.querySelector('thead tr:last-child th:last-child')?.textContent }));
    return m.scroll <= m.client + 1 ? m : undefined;
  }, TIMEOUT.step, 500);
  const measured = fit ?? (await scroller.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth })));
  const windowWidth = page.viewportSize().width;
  const explorerWidth = Math.round((await explorer.boundingBox()).width);
  shots.push(await shot(file));
  if (!fit) throw new Error(`at a ${windowWidth} px window with a ${explorerWidth} px explorer the layer table needs ${measured.scroll} px, its output has ${measured.client} px`);
  log(`notebook: at a ${windowWidth} px window (explorer ${explorerWidth} px) the layer table fits its ${fit.client} px output, last column "${fit.last}" in view`);
}

/** Every legend label and title of the charts lies inside its chart's drawing: none is cut at the edge. */
async function expectLegendsInside(charts, what, log) {
  const found = await charts.evaluateAll((boxes) =>
    boxes.flatMap((box) => {
      const svg = box.querySelector('svg');
      if (!svg) return [];
      const edge = svg.getBoundingClientRect();
      return [...svg.querySelectorAll('.role-legend text')].map((t) => {
        const r = t.getBoundingClientRect();
        return { kind: box.dataset.kind, text: t.textContent, out: r.right > edge.right + 0.5 || r.left < edge.left - 0.5 || r.bottom > edge.bottom + 0.5 };
      });
    }),
  );
  const cut = found.filter((l) => l.out);
  if (cut.length) throw new Error(`${what}: legend text cut at the chart's edge: ${cut.map((l) => `${l.kind}: ${l.text}`).join(', ')}`);
  log(`notebook: ${what}: ${found.length} legend texts, all inside their charts`);
}

/** An op's legend symbol has one colour in every chart of the model. */
async function expectSameOpColours(charts, log) {
  // A vega legend draws its symbols and its labels as two marks, entry by entry in the same order.
  const colours = await charts.locator('.lcnb-chart').evaluateAll((boxes) =>
    boxes.flatMap((box) => {
      const symbols = [...box.querySelectorAll('.role-legend-symbol path')];
      const labels = [...box.querySelectorAll('.role-legend-label text')];
      return labels.map((label, k) => ({ kind: box.dataset.kind, label: label.textContent, fill: symbols[k]?.getAttribute('fill') ?? '' }));
    }),
  );
  const byOp = new Map();
  for (const c of colours) byOp.set(c.label, [...(byOp.get(c.label) ?? []), c]);
  const differing = [...byOp].filter(([, cs]) => new Set(cs.map((c) => c.fill)).size > 1);
  if (differing.length) throw new Error(`ops coloured differently between charts: ${differing.map(([op, cs]) => `${op}: ${cs.map((c) => `${c.kind} ${c.fill}`).join(', ')}`).join('; ')}`);
  if (colours.length < 4) throw new Error(`only ${colours.length} legend entries found in the model's charts`);
  log(`notebook: ${colours.length} legend entries for ${byOp.size} ops, each op one colour across the model's charts`);
}
