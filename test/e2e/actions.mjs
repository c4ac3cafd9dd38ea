// Page actions shared by the UI tests in test/e2e/ui/: the command palette, quick picks, Quick
// Open, and polling. Each waits for the workbench rather than sleeping a fixed time.

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

/** Opens the command palette with F1 and runs the command whose label is `label`. */
export async function runFromCommandPalette(page, label) {
  const deadline = Date.now() + TIMEOUT.step;
  const input = page.locator('.quick-input-widget input.input');
  const row = page
    .locator('.quick-input-widget .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: label }) });
  // Commands of the extension under development appear once its host has registered them.
  for (;;) {
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 }, timeout: TIMEOUT.step });
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
  await row.first().click({ timeout: TIMEOUT.step });
}
