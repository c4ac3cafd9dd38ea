// UI test of an lcnb notebook in code-server: open notebooks/getting-started.lcnb, pick the
// "ONNX Runtime · CPU" kernel, Run All, then check what the cells show: execution order and
// status bar in the workbench, the rendered reports inside the notebook's output webview, and
// a hover on a layer line of the network cell. Screenshots go to test-output/e2e/notebook-*.png.
import { openFile, waitFor } from '../actions.mjs';

export const title = 'notebook getting-started.lcnb: Run All on the CPU kernel';

const NOTEBOOK = 'getting-started.lcnb';
const KERNEL = 'ONNX Runtime · CPU';
const KERNEL_SOURCE = 'lcnb — lightweight CNN lab';
// Params of mobilenet_v3_small_x1_0 as the totals table formats them.
const FIRST_MODEL = 'mobilenet_v3_small_x1_0';
const FIRST_PARAMS = '2,542,856';
const COMPARE_MODELS = ['mobilenet_v3_small_x1_0', 'shufflenet_v2_x1_0', 'pplcnet_x1_0', 'fasternet_t0'];
const SWEEP_POINTS = 5;
const HOVER_LINE = 'conv: { out: 80, k: 2, s: 2 }';

const TIMEOUT = {
  step: 30_000,
  run: 4 * 60_000,
  render: 60_000,
  hover: 30_000,
};

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot }) {
  const shots = [];

  await openFile(page, NOTEBOOK);
  const editor = page.locator('.notebook-editor', { has: page.locator('.notebook-toolbar-container') }).first();
  const kernelLabel = editor.locator('.notebook-toolbar-container .kernel-label');
  await kernelLabel.waitFor({ timeout: TIMEOUT.step });
  log(`notebook: opened ${NOTEBOOK}, kernel shown as "${(await kernelLabel.innerText()).trim()}"`);

  await pickKernel(page, editor, KERNEL);
  const label = (await kernelLabel.innerText()).trim();
  if (label !== KERNEL) throw new Error(`the notebook toolbar shows kernel "${label}" after picking "${KERNEL}"`);

  const started = Date.now();
  await runAll(editor);
  log(`notebook: Run All finished in ${((Date.now() - started) / 1000).toFixed(1)}s`);

  const list = new NotebookList(page, editor);
  let code;
  for (const deadline = Date.now() + TIMEOUT.run; ; ) {
    const cells = await list.scanCells();
    code = cells.filter((c) => c.kind === 'code');
    if (code.length !== 5) throw new Error(`expected 5 code cells, saw ${code.length}: ${JSON.stringify(cells)}`);
    const failed = code.filter((c) => c.failed);
    if (failed.length) throw new Error(`code cells failed: ${JSON.stringify(failed)}`);
    const unfinished = code.filter((c) => !c.order || !c.success || c.running);
    if (unfinished.length === 0) break;
    // Run All may have shown Interrupt too late to be seen: wait for the toolbar again, then look again.
    if (Date.now() > deadline) throw new Error(`code cells not finished: ${JSON.stringify(unfinished)}`);
    await editor.locator('.notebook-toolbar-container .action-label[aria-label="Run All"]').waitFor({ timeout: TIMEOUT.run });
    await page.waitForTimeout(2000);
  }
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

  // Layers of the first model.
  await list.reveal(first.locator('.lcnb-layers-section'), { top: 80 });
  shots.push(await shot('notebook-layers.png'));

  // Hover a layer line of the network cell.
  const network = code.find((c) => c.text.startsWith('network:'));
  if (!network) throw new Error(`no network cell in the notebook: ${JSON.stringify(code)}`);
  const hoverText = await hoverLayerLine(page, list, network.index, HOVER_LINE);
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

  // Sweep cell: its table and charts.
  const sweep = outputs.locator('.lcnb-report[data-verb="sweep"]').first();
  await list.reveal(sweep, { top: 120 });
  const sweepRows = await sweep.locator('table.lcnb-sweep tbody tr').count();
  if (sweepRows !== SWEEP_POINTS) throw new Error(`the sweep table has ${sweepRows} rows, expected ${SWEEP_POINTS}`);
  const sweepCharts = await expectCharts(sweep.locator(':scope > .lcnb-charts .lcnb-chart'), 'the sweep charts', 1);
  log(`notebook: sweep table has ${sweepRows} points; ${sweepCharts} charts`);
  shots.push(await shot('notebook-sweep.png'));

  const errors = await outputs.locator('.lcnb-error').allTextContents();
  if (errors.length) throw new Error(`outputs show errors: ${errors.join(' | ')}`);
  log(`UI: notebook ${NOTEBOOK} ran and rendered; screenshots ${shots.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------

/**
 * Picks `kernel` with the toolbar's kernel picker. The picker first asks for a kernel source
 * (the extension) when more than one kernel is available, then for the kernel.
 */
async function pickKernel(page, editor, kernel) {
  const rows = page.locator('.quick-input-widget .monaco-list-row');
  const kernelRow = rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${kernel}$`) }) });
  const sourceRow = rows.filter({ has: page.locator('.label-name', { hasText: KERNEL_SOURCE }) });
  await editor.locator('.notebook-toolbar-container .kernel-action-view-item').click({ timeout: TIMEOUT.step });
  const deadline = Date.now() + TIMEOUT.step;
  for (;;) {
    if (await kernelRow.first().isVisible()) {
      await kernelRow.first().click({ timeout: TIMEOUT.step });
      break;
    }
    if (await sourceRow.first().isVisible()) {
      await sourceRow.first().click({ timeout: TIMEOUT.step });
    }
    if (Date.now() > deadline) {
      const seen = await rows.allInnerTexts();
      throw new Error(`no "${kernel}" in the kernel picker (rows: ${seen.join(' | ') || 'none'})`);
    }
    await page.waitForTimeout(200);
  }
  const label = editor.locator('.notebook-toolbar-container .kernel-label');
  const shown = await waitFor(async () => ((await label.innerText()).trim() === kernel ? true : undefined), TIMEOUT.step);
  if (!shown) throw new Error(`the kernel label shows "${(await label.innerText()).trim()}" after picking "${kernel}"`);
}

/** Clicks Run All and waits until the toolbar's Interrupt turns back into Run All. */
async function runAll(editor) {
  const toolbar = editor.locator('.notebook-toolbar-container');
  const runAllButton = toolbar.locator('.action-label[aria-label="Run All"]');
  const interrupt = toolbar.locator('.action-label[aria-label="Interrupt"]');
  await runAllButton.click({ timeout: TIMEOUT.step });
  // A run too quick to see Interrupt is fine: the cells are checked one by one afterwards.
  await interrupt.waitFor({ timeout: 10_000 }).catch(() => {});
  await runAllButton.waitFor({ timeout: TIMEOUT.run });
}

/**
 * Checks that every chart box in `charts` holds a drawn chart (an svg or canvas from vega-embed)
 * and no error, waiting for them to be drawn. Returns how many there are.
 */
async function expectCharts(charts, what, min) {
  const state = async () =>
    charts.evaluateAll((boxes) =>
      boxes.map((b) => ({
        kind: b.dataset.kind,
        drawn: !!b.querySelector('svg.marks, canvas.marks, .vega-embed svg, .vega-embed canvas, svg, canvas'),
        error: b.querySelector('.lcnb-error')?.textContent ?? '',
      })),
    );
  const done = await waitFor(async () => {
    const s = await state();
    return s.length >= min && s.every((c) => c.drawn || c.error) ? s : undefined;
  }, TIMEOUT.render);
  const s = done ?? (await state());
  const bad = s.filter((c) => !c.drawn || c.error);
  if (s.length < min || bad.length) {
    throw new Error(`${what}: ${s.length} chart boxes, not drawn or failed: ${JSON.stringify(bad)}`);
  }
  return s.length;
}

/** Hovers the line `line` in the editor of the cell at `index` and returns the hover's text. */
async function hoverLayerLine(page, list, index, line) {
  const row = list.row(index);
  const viewLine = row.locator('.monaco-editor .view-line', { hasText: line }).first();
  await list.reveal(viewLine, { top: 200 });
  // The layer's name (e.g. "conv") is the hover target: point at the line's first word.
  const word = viewLine.locator('span span').filter({ hasText: /^\s*conv\s*$/ }).first();
  const target = (await word.count()) ? word : viewLine;
  const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover:not(.hidden) .hover-contents').filter({ visible: true });
  const text = await waitFor(async () => {
    const box = await target.boundingBox();
    if (!box) return undefined;
    // Move off and back on: the hover opens after the mouse rests on the word.
    await page.mouse.move(box.x + box.width / 2, box.y - 30);
    await page.mouse.move(box.x + Math.min(box.width / 2, 12), box.y + box.height / 2, { steps: 3 });
    try {
      await hover.first().waitFor({ timeout: 4000 });
    } catch {
      return undefined;
    }
    const t = (await hover.allInnerTexts()).join('\n');
    return /MAdds/.test(t) ? t : undefined;
  }, TIMEOUT.hover, 0);
  if (!text) {
    const seen = (await hover.allInnerTexts().catch(() => [])).join(' | ');
    throw new Error(`hovering "${line}" shows no hover with "MAdds"${seen ? ` (hover: ${seen.slice(0, 300)})` : ''}`);
  }
  return text;
}

/**
 * The notebook's cell list: a virtualised list whose rows (and their outputs in the webview)
 * exist only while near the viewport, so finding something means scrolling to it. A click on its
 * scrollbar's track jumps there (the slider centres on the click); the mouse wheel then moves it
 * 50 px per event, whatever the event's delta.
 */
class NotebookList {
  static WHEEL_STEP = 50;

  constructor(page, editor) {
    this.page = page;
    this.container = editor.locator('.cell-list-container').first();
  }

  row(index) {
    return this.container.locator(`.monaco-list-row[data-index="${index}"]`).first();
  }

  async viewport() {
    const box = await this.container.boundingBox();
    if (!box) throw new Error('the notebook cell list is not visible');
    return box;
  }

  /** Scroll position, the largest it can be, and the scrollbar's track and slider on the page. */
  async state() {
    return this.container.evaluate((e) => {
      const rows = e.querySelector('.monaco-list-rows');
      const track = rows?.parentElement?.querySelector(':scope > .scrollbar.vertical');
      const slider = track?.querySelector('.slider');
      const t = track?.getBoundingClientRect();
      return {
        top: -parseFloat(rows?.style.top || '0'),
        max: Math.max(0, parseFloat(rows?.style.height || '0') - e.getBoundingClientRect().height),
        track: t && { x: t.x, y: t.y, width: t.width, height: t.height },
        slider: slider?.getBoundingClientRect().height ?? 0,
      };
    });
  }

  /** Scrolls to `target` px from the top (clamped), to within a wheel step; returns where it is. */
  async scrollTo(target) {
    let s = await this.state();
    target = Math.max(0, Math.min(s.max, target));
    if (s.track && s.max > 0 && Math.abs(target - s.top) > 300) {
      const travel = s.track.height - s.slider;
      const y = s.track.y + s.slider / 2 + (travel * target) / s.max;
      await this.page.mouse.click(s.track.x + s.track.width / 2, Math.max(s.track.y + 1, Math.min(s.track.y + s.track.height - 1, y)));
      await waitFor(async () => (await this.state()).top !== s.top, 1000, 50);
      s = await this.state();
    }
    const box = await this.viewport();
    await this.page.mouse.move(box.x + box.width - 4, box.y + box.height / 2);
    for (let i = 0; i < 3 && Math.abs(target - s.top) >= NotebookList.WHEEL_STEP; i++) {
      const dy = target - s.top;
      const steps = Math.min(80, Math.round(Math.abs(dy) / NotebookList.WHEEL_STEP));
      for (let j = 0; j < steps; j++) await this.page.mouse.wheel(0, Math.sign(dy) * 100);
      await waitFor(async () => (await this.state()).top !== s.top, 1000, 50);
      s = await this.state();
    }
    await this.page.waitForTimeout(200); // let rows and outputs render
    return s.top;
  }

  async scrollToTop() {
    await this.scrollTo(0);
  }

  /**
   * Scrolls until `locator` exists and its top edge is `top` px below the list's top edge (or as
   * close as the list's ends allow), looking further down while it does not exist yet.
   */
  async reveal(locator, { top = 100 } = {}) {
    for (let i = 0; i < 60; i++) {
      const view = await this.viewport();
      const s = await this.state();
      const box = (await locator.count()) ? await locator.first().boundingBox() : null;
      if (box) {
        const target = Math.max(0, Math.min(s.max, s.top + box.y - (view.y + top)));
        if (Math.abs(target - s.top) < NotebookList.WHEEL_STEP) return;
        await this.scrollTo(target);
        const after = await locator.first().boundingBox();
        if (after && Math.abs(after.y - (view.y + top)) < NotebookList.WHEEL_STEP) return;
        if ((await this.state()).top === s.top) return; // as close as it gets
      } else {
        if (s.top >= s.max) break;
        await this.scrollTo(s.top + view.height * 0.8);
      }
    }
    throw new Error(`could not scroll ${locator} into view in the notebook`);
  }

  /** Every cell from top to bottom: kind, text, execution order, success or failure, still running. */
  async scanCells() {
    const cells = new Map();
    const view = await this.viewport();
    for (let target = 0, i = 0; i < 200; i++, target += view.height * 0.8) {
      const at = await this.scrollTo(target);
      const seen = await this.container.evaluate((container) =>
        [...(container.querySelector('.monaco-list-rows')?.children ?? [])]
          .filter((r) => r.classList.contains('monaco-list-row'))
          .map((r) => {
            const order = r.querySelector('.cell-execution-order')?.textContent?.match(/\[(\d+)\]/)?.[1];
            const lines = [...r.querySelectorAll('.monaco-editor .view-line')]
              .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
              .map((l) => l.textContent.replace(/\u00a0/g, ' '));
            const left = r.querySelector('.cell-status-left');
            return {
              index: Number(r.dataset.index),
              kind: r.classList.contains('code-cell-row') ? 'code' : 'markup',
              text: lines.join('\n').trim(),
              order: order ? Number(order) : undefined,
              success: !!left?.querySelector('.codicon-notebook-state-success'),
              failed: !!left?.querySelector('.codicon-notebook-state-error'),
              running: !!left?.querySelector('.codicon-modifier-spin, .codicon-notebook-state-executing, .codicon-notebook-state-pending'),
            };
          }),
      );
      for (const c of seen) {
        const old = cells.get(c.index);
        // A cell's editor renders only its lines on screen: keep the fullest text seen.
        cells.set(c.index, old && old.text.length > c.text.length ? { ...c, text: old.text } : c);
      }
      if (at >= (await this.state()).max) break;
    }
    return [...cells.values()].sort((a, b) => a.index - b.index);
  }
}
