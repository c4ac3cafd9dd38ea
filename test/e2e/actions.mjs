// Page actions shared by the UI tests in test/e2e/ui/: the command palette, quick picks, Quick
// Open, and polling. Each waits for the workbench rather than sleeping a fixed time.
import fs from 'node:fs';
import path from 'node:path';

const TIMEOUT = { step: 30_000 };

/** Polls `fn` until it returns something other than undefined/false, or `ms` pass. */
export async function waitFor(fn, ms, interval = 250) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Opens `name` with Quick Open (Ctrl+P) and waits for its tab. */
export async function openFile(page, name) {
  const input = page.locator('.quick-input-widget input.input');
  const row = page
    .locator('.quick-input-widget .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }) });
  const deadline = Date.now() + TIMEOUT.step;
  // File search answers once the workspace is indexed; until then the list stays empty.
  for (;;) {
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 }, timeout: TIMEOUT.step });
    await page.keyboard.press('Control+P');
    await input.waitFor({ timeout: TIMEOUT.step });
    await input.fill(name);
    try {
      await row.first().waitFor({ timeout: 3000 });
      break;
    } catch {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`Quick Open does not find ${name}`);
    }
  }
  await row.first().click({ timeout: TIMEOUT.step });
  await page
    .locator('.tabs-container .tab.active', { has: page.locator('.tab-label', { hasText: name }) })
    .waitFor({ timeout: TIMEOUT.step });
}

/**
 * Opens the command palette with F1 and runs the command whose label is `label`. The workbench is
 * clicked first (at 700, 400) to take focus; with `{ neutralFocus: true }` the side bar's title is
 * clicked instead, for pages where that spot is a notebook output webview, whose late focus would
 * close the palette.
 */
export async function runFromCommandPalette(page, label, { neutralFocus = false } = {}) {
  const deadline = Date.now() + TIMEOUT.step;
  const input = page.locator('.quick-input-widget input.input');
  const row = page
    .locator('.quick-input-widget .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: label }) });
  // Commands of the extension under development appear once its host has registered them.
  for (;;) {
    if (neutralFocus) await page.locator('.part.sidebar .composite.title').first().click({ timeout: TIMEOUT.step });
    else await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 }, timeout: TIMEOUT.step });
    await page.keyboard.press('F1');
    await input.waitFor({ timeout: TIMEOUT.step });
    await input.fill(`>${label}`);
    try {
      await row.first().waitFor({ timeout: 3000 });
      break;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`"${label}" not found in the command palette`);
    }
  }
  await row.first().click({ timeout: TIMEOUT.step });
}

/** Types `label` into the quick pick that the command opened and picks the row labelled so. */
export async function pickFromQuickPick(page, label) {
  const input = page.locator('.quick-input-widget input.input');
  const row = page
    .locator('.quick-input-widget .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) });
  // The extension's quick pick replaces the command palette once its items are ready; text typed
  // before that lands in the palette, so type again until the row shows up.
  const deadline = Date.now() + TIMEOUT.step;
  for (;;) {
    const value = await input.inputValue({ timeout: TIMEOUT.step });
    if (!value.startsWith('>')) {
      if (value !== label) await input.fill(label);
      try {
        await row.first().waitFor({ timeout: 2000 });
        break;
      } catch {}
    }
    if (Date.now() > deadline) throw new Error(`no "${label}" in the quick pick`);
    await page.waitForTimeout(250);
  }
  // The typed label makes its row the active one, and Enter picks it: a click can land on the
  // active row's description tooltip instead (as pickKernel notes).
  const focused = await row.first().evaluate((el) => el.classList.contains('focused'));
  if (focused) await input.press('Enter');
  else await row.first().click({ timeout: TIMEOUT.step });
}

// Notebook editor actions shared by the notebook UI tests.

const NOTEBOOK_TIMEOUT = { step: 30_000, run: 4 * 60_000, render: 60_000 };
/** The kernel source the picker lists lcnb's kernels under. */
export const KERNEL_SOURCE = 'lcnb — lightweight CNN lab';

/**
 * Picks `kernel` with the toolbar's kernel picker. The picker first offers the selected kernel and
 * "Select Another Kernel…" when one is selected, asks for a kernel source (the extension) when more
 * than one kernel is available, then for the kernel.
 */
export async function pickKernel(page, editor, kernel) {
  const rows = page.locator('.quick-input-widget .monaco-list-row');
  const exact = new RegExp(`^${kernel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`); // "Static analysis (no execution)" has parentheses
  const kernelRow = rows.filter({ has: page.locator('.label-name', { hasText: exact }) });
  const sourceRow = rows.filter({ has: page.locator('.label-name', { hasText: KERNEL_SOURCE }) });
  // With a kernel already selected (a notebook starts on the preferred one) the picker first offers it and "Select Another Kernel…".
  const anotherRow = rows.filter({ has: page.locator('.label-name', { hasText: /^Select Another Kernel/ }) });
  const input = page.locator('.quick-input-widget input.input');
  // Typing the label filters the list down to that row and makes it the active one; Enter picks
  // it. A click can miss: the active row's description tooltip may lie over the row below it.
  const choose = async (label, row) => {
    await input.fill(label);
    await row.first().waitFor({ timeout: NOTEBOOK_TIMEOUT.step });
    await page.keyboard.press('Enter');
  };
  await editor.locator('.notebook-toolbar-container .kernel-action-view-item').click({ timeout: NOTEBOOK_TIMEOUT.step });
  const deadline = Date.now() + NOTEBOOK_TIMEOUT.step;
  for (;;) {
    if (await kernelRow.first().isVisible()) {
      await choose(kernel, kernelRow);
      break;
    }
    if (await sourceRow.first().isVisible()) {
      await choose(KERNEL_SOURCE, sourceRow);
    } else if (await anotherRow.first().isVisible()) {
      await choose('Select Another Kernel', anotherRow);
    }
    if (Date.now() > deadline) {
      const seen = await rows.allInnerTexts();
      throw new Error(`no "${kernel}" in the kernel picker (rows: ${seen.join(' | ') || 'none'})`);
    }
    await page.waitForTimeout(200);
  }
  const label = editor.locator('.notebook-toolbar-container .kernel-label');
  const shown = await waitFor(async () => ((await label.innerText()).trim() === kernel ? true : undefined), NOTEBOOK_TIMEOUT.step);
  if (!shown) throw new Error(`the kernel label shows "${(await label.innerText()).trim()}" after picking "${kernel}"`);
}

/** Picks `theme` ('Light Modern', 'Dark Modern', …) in Preferences: Color Theme. */
export async function setTheme(page, theme) {
  await runFromCommandPalette(page, 'Preferences: Color Theme', { neutralFocus: true });
  await pickFromQuickPick(page, theme);
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: TIMEOUT.step });
}

/** Opens notebook `name` from the explorer, picks `kernel` and returns its editor. */
export async function openNotebookWithKernel(page, name, kernel) {
  await openFile(page, name);
  const editor = page.locator('.notebook-editor', { has: page.locator('.notebook-toolbar-container') }).first();
  await editor.locator('.notebook-toolbar-container .kernel-label').waitFor({ timeout: NOTEBOOK_TIMEOUT.step });
  await pickKernel(page, editor, kernel);
  // The preferred kernel may still be applied just after the notebook opens: pick again if it was.
  const label = editor.locator('.notebook-toolbar-container .kernel-label');
  await page.waitForTimeout(2000);
  if ((await label.innerText()).trim() !== kernel) await pickKernel(page, editor, kernel);
  return editor;
}

/**
 * Scans the notebook (a NotebookList) until it holds `count` code cells that all ran and
 * succeeded; returns them. Throws at once when a cell failed, and with what it saw when `timeout`
 * passes first.
 */
export async function waitForCodeCellsRun(list, count, timeout = NOTEBOOK_TIMEOUT.run) {
  let code = [];
  for (const deadline = Date.now() + timeout; ; await list.page.waitForTimeout(1000)) {
    code = (await list.scanCells()).filter((c) => c.kind === 'code');
    const failed = code.filter((c) => c.failed);
    if (failed.length) throw new Error(`code cells failed: ${JSON.stringify(failed)}`);
    if (code.length === count && code.every((c) => c.order && c.success && !c.running)) return code;
    if (Date.now() > deadline) throw new Error(`expected ${count} code cells run and succeeded, saw ${JSON.stringify(code)}`);
  }
}

/** Clicks Run All and waits until the toolbar's Interrupt turns back into Run All. */
export async function runAll(editor, timeout = NOTEBOOK_TIMEOUT.run) {
  const toolbar = editor.locator('.notebook-toolbar-container');
  const runAllButton = toolbar.locator('.action-label[aria-label="Run All"]');
  const interrupt = toolbar.locator('.action-label[aria-label="Interrupt"]');
  await runAllButton.click({ timeout: NOTEBOOK_TIMEOUT.step });
  // A run too quick to see Interrupt is fine: the cells are checked one by one afterwards.
  await interrupt.waitFor({ timeout: 10_000 }).catch(() => {});
  await runAllButton.waitFor({ timeout });
}

/**
 * Checks that every chart box in `charts` holds a drawn chart (an svg or canvas from vega-embed)
 * and no error, waiting for them to be drawn. Returns how many there are.
 */
export async function expectCharts(charts, what, min, timeout = NOTEBOOK_TIMEOUT.render) {
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
  }, timeout);
  const s = done ?? (await state());
  const bad = s.filter((c) => !c.drawn || c.error);
  if (s.length < min || bad.length) {
    throw new Error(`${what}: ${s.length} chart boxes, not drawn or failed: ${JSON.stringify(bad)}`);
  }
  return s.length;
}

/**
 * The notebook's cell list: a virtualised list whose rows (and their outputs in the webview)
 * exist only while near the viewport, so finding something means scrolling to it. A click on its
 * scrollbar's track jumps there (the slider centres on the click); the mouse wheel then moves it
 * 50 px per event, whatever the event's delta.
 */
export class NotebookList {
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
   * close as the list's ends allow), looking further down while it does not exist yet, and waiting
   * for it at the end of the list (up to 15 s).
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
      } else if (s.top >= s.max) {
        // At the end of the list and not there yet: a cell's editor can render its lines a moment
        // after the row appears, so wait for it before giving up.
        await this.page.waitForTimeout(250);
      } else {
        await this.scrollTo(s.top + view.height * 0.8);
      }
    }
    throw new Error(`could not scroll ${locator} into view in the notebook`);
  }

  /**
   * Hovers a word in the editor of the cell at `index` (the first span matching `word` on the first
   * line containing `line`; the whole line when no span matches) until a hover whose text passes
   * `accept` shows, and returns that text. Throws after `timeout`, saying what was `expected` and
   * which hover, if any, showed instead. The line is first scrolled to `top` px below the list's top.
   */
  async hoverInCell(index, { line, word = line, accept, expected, timeout = 30_000, top = 200 }) {
    const viewLine = this.row(index).locator('.monaco-editor .view-line', { hasText: line }).first();
    await this.reveal(viewLine, { top });
    const hover = this.page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover:not(.hidden) .hover-contents').filter({ visible: true });
    const text = await waitFor(async () => {
      // Looked up on every try: until the line is tokenized, one span holds the whole line. The
      // word's place inside its span comes from the span's text (the editor font is monospace).
      const span = viewLine.locator('span span').filter({ hasText: word }).first();
      const target = (await span.count()) ? span : viewLine;
      const box = await target.boundingBox();
      if (!box) return undefined;
      const spanText = (await target.textContent()) ?? '';
      // `word` is a string or a RegExp (matched against a whole span's text).
      const found = typeof word === 'string' ? { index: spanText.indexOf(word), length: word.length } : { index: spanText.search(word), length: 3 };
      const at = Math.max(0, found.index);
      const charWidth = spanText.length ? box.width / spanText.length : 0;
      const x = box.x + Math.max(0, Math.min((at + Math.min(found.length / 2, 1.5)) * charWidth, box.width - 1));
      // Move off and back on: the hover opens after the mouse rests on the word.
      await this.page.mouse.move(box.x + box.width / 2, box.y - 30);
      await this.page.mouse.move(x, box.y + box.height / 2, { steps: 3 });
      try {
        await hover.first().waitFor({ timeout: 4000 });
      } catch {
        return undefined;
      }
      const t = (await hover.allInnerTexts()).join('\n');
      return accept(t) ? t : undefined;
    }, timeout, 0);
    if (!text) {
      const seen = (await hover.allInnerTexts().catch(() => [])).join(' | ');
      throw new Error(`hovering ${word} on "${line}" in cell ${index} shows no hover ${expected}${seen ? ` (hover: ${seen.slice(0, 300)})` : ''}`);
    }
    return text;
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

/**
 * Writes a notebook of `cells` ({ kind, language, source }) as `name` into the workspace `folder`,
 * opens it alone (other editors closed) and returns its list and the squiggles of its cell `cell`,
 * once they are drawn.
 */
export async function openScratchNotebook(page, folder, name, cells, cell) {
  fs.writeFileSync(path.join(folder, name), JSON.stringify({ lcnb: 1, metadata: {}, cells }, null, 1) + '\n');
  await runFromCommandPalette(page, 'View: Close All Editors');
  await openFile(page, name);
  const editor = page.locator('.notebook-editor', { has: page.locator('.notebook-toolbar-container') }).first();
  const list = new NotebookList(page, editor);
  const squiggles = list.row(cell).locator('.squiggly-error');
  await squiggles.first().waitFor({ state: 'attached', timeout: 30_000 });
  return { editor, list, squiggles };
}


/**
 * Writes a notebook of `cells` ({ kind, language, source }) as `name` into the workspace `folder`,
 * opens it on `kernel` (picked again when the preferred kernel takes over just after opening), runs
 * it all and waits until its `codeCells` code cells succeeded. Returns its editor, its list, the
 * frame of its outputs and the bytes written (a run must leave the file as it was).
 */
export async function runScratchNotebook(page, folder, name, cells, kernel, codeCells, timeout = NOTEBOOK_TIMEOUT.run) {
  const file = path.join(folder, name);
  fs.writeFileSync(file, JSON.stringify({ lcnb: 1, metadata: {}, cells }, null, 1) + '\n');
  const written = fs.readFileSync(file);
  const editor = await openNotebookWithKernel(page, name, kernel);
  await runAll(editor, timeout);
  const list = new NotebookList(page, editor);
  await waitForCodeCellsRun(list, codeCells, timeout);
  const outputs = editor.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  return { editor, list, outputs, written };
}
