// The palette commands in code-server: New Notebook, Open Sample Notebooks (in place, and the
// shipped copy as untitled), Select Execution Provider, Compare Models…, Profile Model… (Cancel,
// then a full run with its progress notification and the untitled notebook it opens, whose cell
// re-runs as [2]), Export Model to ONNX… through the save dialog (the file runs in onnxruntime),
// Export Report as CSV (the file parses) and Export Netron Attachment.
// Screenshots: test-output/e2e/commands-*.png.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { NotebookList, pickFromQuickPick, runAll, runFromCommandPalette, waitFor } from '../actions.mjs';

export const title = 'palette commands: notebooks, provider, compare, profile, exports';

const TIMEOUT = { step: 30_000, render: 60_000, profile: 3 * 60_000 };
const PROFILED = 'squeezenet1_1';
const COMPARED = ['squeezenet1_1', 'shufflenet_v2_x0_5'];
const REMOVED_SAMPLE = 'squeezenet.lcnb';

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot, folder, repoRoot }) {
  const shots = [];
  // The workspace is a copy of notebooks/; without this one, Open Sample Notebooks opens lcnb's own copy.
  fs.rmSync(path.join(folder, REMOVED_SAMPLE));

  // New Notebook: an untitled notebook with a starter cell.
  await palette(page, 'lcnb: New Notebook');
  const untitled = await activeTab(page, /^notebook(-\d+)?\.lcnb/);
  await visibleNotebook(page).locator('.view-line', { hasText: /model:\s*mobilenet_v3_small_x1_0/ }).first().waitFor({ timeout: TIMEOUT.step });
  log(`commands: New Notebook opened "${untitled}" with a model cell`);
  shots.push(await shot('commands-new-notebook.png'));

  // Open Sample Notebooks: one the workspace has (in place), one it lacks (lcnb's copy, untitled).
  await palette(page, 'lcnb: Open Sample Notebooks');
  await quickPickRows(page, 5);
  shots.push(await shot('commands-samples-pick.png'));
  await pickFromQuickPick(page, 'getting-started.lcnb');
  await activeTab(page, /^getting-started\.lcnb/);
  await palette(page, 'lcnb: Open Sample Notebooks');
  await pickFromQuickPick(page, REMOVED_SAMPLE);
  const sampleTab = await activeTab(page, /^squeezenet\.lcnb/);
  await output(page).getByText('SqueezeNet against the others').first().waitFor({ timeout: TIMEOUT.render });
  if (fs.existsSync(path.join(folder, REMOVED_SAMPLE))) throw new Error(`${REMOVED_SAMPLE} was written to the workspace`);
  log(`commands: Open Sample Notebooks opened getting-started.lcnb in place and ${REMOVED_SAMPLE} (not in the workspace) as "${sampleTab}"`);
  shots.push(await shot('commands-sample-untitled.png'));

  // Select Execution Provider: every provider with whether it can start here, written to the setting.
  await palette(page, 'lcnb: Select Execution Provider');
  const providerRows = await quickPickRows(page, 2, TIMEOUT.render);
  log(`commands: Select Execution Provider lists ${providerRows.map((r) => r.replace(/\s+/g, ' ')).join(' | ')}`);
  if (!providerRows.some((r) => /cpu/.test(r) && /can start here/.test(r))) throw new Error('cpu is not listed as able to start');
  shots.push(await shot('commands-select-provider.png'));
  await pickFromQuickPick(page, 'cpu');
  await notification(page, /execution provider set to CPU/);
  const statusText = await page.locator('.statusbar-item', { hasText: 'lcnb' }).first().innerText();
  if (!/lcnb · CPU/.test(statusText)) throw new Error(`the status bar item says "${statusText}"`);
  await closeNotifications(page);

  // Compare Models…: two models, counted only → an untitled notebook with the compare report.
  await palette(page, 'lcnb: Compare Models…');
  for (const id of COMPARED) await checkQuickPickRow(page, id);
  await page.locator('.quick-input-widget input.input').fill('');
  await page.keyboard.press('Enter');
  await pickFromQuickPick(page, 'Count only');
  await activeTab(page, /^compare(-\d+)?\.lcnb/);
  const compare = output(page).locator('.lcnb-report[data-verb="compare"]');
  await compare.locator('table.lcnb-compare-table').waitFor({ timeout: TIMEOUT.render });
  const compared = await compare.locator('table.lcnb-compare-table tbody tr td:first-child').allTextContents();
  if (COMPARED.some((id) => !compared.includes(id))) throw new Error(`the compare table lists ${compared.join(', ')}`);
  log(`commands: Compare Models… opened a notebook comparing ${compared.join(', ')}`);
  // Its cell has the status item a cell run in a notebook has: the models' counts.
  const compareStatus = visibleNotebook(page).locator('.cell-status-right .cell-status-item', { hasText: `${COMPARED.length} models` }).first();
  await compareStatus.waitFor({ timeout: TIMEOUT.step });
  log(`commands: the compare cell's status bar shows "${(await compareStatus.innerText()).trim()}"`);
  shots.push(await shot('commands-compare.png'));

  // Profile Model…, cancelled: a long run stopped from its notification opens nothing.
  const tabsBefore = await page.locator('.tabs-container .tab').count();
  await startProfile(page, 'mobilenet_v2_x1_0', '100000');
  const toast = await notification(page, /profiling mobilenet_v2_x1_0/);
  await toast.locator('.monaco-button', { hasText: 'Cancel' }).click({ timeout: TIMEOUT.step });
  const gone = await waitFor(async () => !(await toast.isVisible()), TIMEOUT.step);
  if (!gone) throw new Error('the profiling notification stays after Cancel');
  await page.waitForTimeout(2000);
  const tabsAfter = await page.locator('.tabs-container .tab').count();
  if (tabsAfter !== tabsBefore) throw new Error(`a cancelled profile opened ${tabsAfter - tabsBefore} tab(s)`);
  log('commands: Profile Model… cancelled from its notification; nothing opened');

  // Profile Model…: progress notification with its phases, then the executed profile cell.
  await startProfile(page, PROFILED, '20');
  const progress = await notification(page, new RegExp(`profiling ${PROFILED}`));
  const phases = new Set();
  await waitFor(async () => {
    const text = await progress.innerText().catch(() => '');
    const phase = text.split('\n').find((l) => /building|loading|warm-up|timed runs/.test(l));
    if (phase && !phases.has(phase.trim())) {
      phases.add(phase.trim());
      if (phases.size === 1) shots.push(await shot('commands-profile-progress.png'));
    }
    return !(await progress.isVisible());
  }, TIMEOUT.profile, 100);
  log(`commands: Profile Model… progress showed: ${[...phases].join(' → ')}`);
  if (!phases.size) throw new Error('the profiling notification showed no phase');
  await activeTab(page, new RegExp(`^profile-${PROFILED}(-\\d+)?\\.lcnb`));
  const profile = output(page).locator('.lcnb-report[data-verb="profile"]');
  await profile.waitFor({ timeout: TIMEOUT.render });
  await visibleNotebook(page).locator('.view-line', { hasText: new RegExp(`profile:\\s*${PROFILED}`) }).first().waitFor({ timeout: TIMEOUT.step });
  const measured = await profile.innerText();
  if (!/ms/.test(measured) || !/cpu/i.test(measured)) throw new Error(`the profile report shows no measured latency: ${measured.slice(0, 300)}`);
  // The executed cell has the status item a cell run in a notebook has: provider, threads, median.
  const profileStatus = visibleNotebook(page).locator('.cell-status-right .cell-status-item', { hasText: 'ms median' }).first();
  await profileStatus.waitFor({ timeout: TIMEOUT.step });
  log(`commands: the profile cell's status bar shows "${(await profileStatus.innerText()).trim()}"`);
  await page.waitForTimeout(1000);
  shots.push(await shot('commands-profile-notebook.png'));
  log('commands: Profile Model… opened an untitled notebook with the executed profile cell');

  // Run again from the notebook: the execution order continues after the [1] the command left.
  const profileNotebook = new NotebookList(page, visibleNotebook(page));
  const [executed] = (await profileNotebook.scanCells()).filter((c) => c.kind === 'code');
  if (executed?.order !== 1 || !executed.success) throw new Error(`the profile cell does not show [1] and success: ${JSON.stringify(executed)}`);
  await runAll(visibleNotebook(page), TIMEOUT.profile);
  const again = await codeCellWhen(profileNotebook, (c) => c.order === 2 && c.success && !c.running);
  if (!again) throw new Error(`re-running the profile cell shows ${JSON.stringify((await profileNotebook.scanCells()).filter((c) => c.kind === 'code'))}, not [2]`);
  await profileNotebook.scrollTo(0);
  await page.waitForTimeout(1000);
  shots.push(await shot('commands-profile-rerun.png'));
  log('commands: re-running the profile cell from the notebook shows [2] after the [1] the command left');

  // Export Report as CSV from that notebook: the file parses, one row per layer.
  const csvPath = path.join(folder, 'exports', 'profile.csv');
  fs.mkdirSync(path.dirname(csvPath), { recursive: true });
  await palette(page, 'lcnb: Export Report as CSV');
  await saveDialog(page, csvPath, shots, shot, 'commands-save-dialog.png');
  const csv = await waitForFile(csvPath);
  const rows = parseCsv(csv);
  if (rows[0].slice(0, 3).join() !== 'model,layer,op' || rows.length < 20) throw new Error(`profile.csv: header ${rows[0].join()} and ${rows.length} records`);
  const timed = rows.slice(1).filter((r) => r[rows[0].indexOf('measured_median_us')] !== '').length;
  if (!timed) throw new Error('profile.csv has no measured times');
  log(`commands: Export Report as CSV wrote ${rows.length - 1} rows (${timed} with measured times) and they parse`);
  await notification(page, /exported exports\/profile\.csv/);
  shots.push(await shot('commands-export-csv.png'));
  await closeNotifications(page);

  // Export Netron Attachment: Netron's shape, one node entry per layer.
  const netronPath = path.join(folder, 'exports', `${PROFILED}.netron.json`);
  await palette(page, 'lcnb: Export Netron Attachment');
  await saveDialog(page, netronPath);
  const attachment = JSON.parse(await waitForFile(netronPath));
  const nodeTargets = new Set(attachment.metrics.filter((e) => e.kind === 'node').map((e) => e.target));
  if (attachment.signature !== 'netron:attachment' || !nodeTargets.size || !attachment.metrics.some((e) => e.name === 'latency median (µs)')) {
    throw new Error(`the attachment is not what Netron reads: ${JSON.stringify(attachment).slice(0, 300)}`);
  }
  log(`commands: Export Netron Attachment wrote entries for ${nodeTargets.size} nodes, with measured latency`);
  await closeNotifications(page);

  // Export Model to ONNX…: zoo id → form → save dialog; the file runs in onnxruntime (lcnb's CLI).
  const onnxPath = path.join(folder, 'exports', `${PROFILED}.onnx`);
  await palette(page, 'lcnb: Export Model to ONNX…');
  await pickFromQuickPick(page, PROFILED);
  await pickFromQuickPick(page, 'Deploy');
  await saveDialog(page, onnxPath);
  await waitForFile(onnxPath, 'binary');
  await notification(page, /exported squeezenet1_1 → exports\/squeezenet1_1\.onnx/);
  shots.push(await shot('commands-export-onnx.png'));
  const cli = JSON.parse(
    execFileSync(process.execPath, [path.join(repoRoot, 'bin', 'lcnb.js'), 'profile', onnxPath, '--runs', '2', '--warmup', '0', '--threads', '1', '--json'], { encoding: 'utf8' }),
  );
  const median = cli.latency?.median_ms ?? cli.profile?.latency?.median_ms ?? cli.models?.[0]?.profile?.latency?.median_ms;
  if (!(median > 0)) throw new Error(`lcnb profile of the exported file gave no latency: ${JSON.stringify(cli).slice(0, 300)}`);
  log(`commands: Export Model to ONNX… wrote ${path.basename(onnxPath)}; onnxruntime runs it in ${median.toFixed(2)} ms`);
  await closeNotifications(page);

  // Profile Model… on that .onnx file, chosen in the open dialog: profiled as stored.
  await palette(page, 'lcnb: Profile Model…');
  await pickFromQuickPick(page, 'Choose an .onnx file…');
  await saveDialog(page, onnxPath);
  await pickFromQuickPick(page, 'cpu');
  await pickFromQuickPick(page, '1');
  await pickFromQuickPick(page, '10');
  await activeTab(page, new RegExp(`^profile-${PROFILED}-\\d+\\.lcnb`));
  const fileProfile = output(page).locator('.lcnb-report[data-verb="profile"]');
  await fileProfile.waitFor({ timeout: TIMEOUT.profile });
  const fileText = await fileProfile.innerText();
  if (!/ms/.test(fileText)) throw new Error(`the profile of ${path.basename(onnxPath)} shows no latency: ${fileText.slice(0, 300)}`);
  // The cell is a real profile cell naming the file relative to the workspace folder, executed successfully.
  const relativeOnnx = path.relative(folder, onnxPath).split(path.sep).join('/');
  const fileNotebook = new NotebookList(page, visibleNotebook(page));
  const [fileCell] = (await fileNotebook.scanCells()).filter((c) => c.kind === 'code');
  if (!fileCell || !fileCell.text.startsWith(`profile: ${relativeOnnx}`) || !fileCell.success) {
    throw new Error(`the notebook's code cell is not the executed 'profile: ${relativeOnnx}' cell: ${JSON.stringify(fileCell)}`);
  }
  await fileNotebook.scrollTo(0);
  await page.waitForTimeout(1000);
  shots.push(await shot('commands-profile-onnx-file.png'));
  log(`commands: Profile Model… on ${path.basename(onnxPath)} (open dialog) opened the executed cell 'profile: ${relativeOnnx}' with its measured profile`);
  // Re-runnable: with its output cleared, Run All measures the file again through the notebook's kernel.
  await visibleNotebook(page).locator('.notebook-toolbar-container .action-label[aria-label="Clear All Outputs"]').click({ timeout: TIMEOUT.step });
  if (!(await waitFor(async () => (await fileProfile.count()) === 0, TIMEOUT.step))) throw new Error("Clear All Outputs left the file's profile report");
  await runAll(visibleNotebook(page), TIMEOUT.profile);
  await fileProfile.waitFor({ timeout: TIMEOUT.profile });
  const rerun = await codeCellWhen(fileNotebook, (c) => c.success && !c.running);
  const rerunText = await fileProfile.innerText();
  if (!rerun || !/ms/.test(rerunText)) throw new Error(`re-running the file's profile cell did not succeed: ${JSON.stringify(rerun)}`);
  // The counter does not go back when Clear All Outputs removes the [1].
  if (rerun.order !== 2) throw new Error(`the re-run file profile cell shows [${rerun.order}], not [2]`);
  log("commands: the file's profile cell re-ran from the notebook as [2] (output cleared, then measured again)");
  log(`UI: palette commands done; screenshots ${shots.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------

/** The palette, focusing the side bar first: the editor area is often a notebook output webview. */
function palette(page, label) {
  return runFromCommandPalette(page, label, { neutralFocus: true });
}

/** Waits until the active editor tab's label matches `re`; returns the label. */
async function activeTab(page, re) {
  const label = await waitFor(async () => {
    // The label's name and extension are separate elements: innerText puts a line break between them.
    const text = (await page.locator('.tabs-container .tab.active .tab-label').first().innerText().catch(() => '')).replace(/\s+/g, '');
    return re.test(text) ? text : undefined;
  }, TIMEOUT.render);
  if (!label) throw new Error(`the active tab is "${await page.locator('.tabs-container .tab.active').first().innerText().catch(() => '?')}", not ${re}`);
  return label;
}

function visibleNotebook(page) {
  return page.locator('.notebookOverlay.notebook-editor').filter({ visible: true }).first();
}

/** The content of the visible notebook's output webview. */
function output(page) {
  return visibleNotebook(page).frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Waits for at least `min` rows in the open quick pick and returns their text. */
async function quickPickRows(page, min, ms = TIMEOUT.step) {
  const rows = page.locator('.quick-input-widget .monaco-list-row');
  const texts = await waitFor(async () => {
    const t = await rows.allInnerTexts();
    return t.length >= min && !(await page.locator('.quick-input-widget input.input').inputValue()).startsWith('>') ? t : undefined;
  }, ms);
  if (!texts) throw new Error(`the quick pick shows ${(await rows.allInnerTexts()).length} rows, expected ${min} or more`);
  return texts;
}

/** Ticks the row labelled `label` in a multi-select quick pick. */
async function checkQuickPickRow(page, label) {
  const input = page.locator('.quick-input-widget input.input');
  const row = page.locator('.quick-input-widget .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
  await waitFor(async () => {
    if ((await input.inputValue()).startsWith('>')) return undefined;
    await input.fill(label);
    return row.isVisible();
  }, TIMEOUT.step);
  const checkbox = row.locator('.quick-input-list-checkbox, input[type="checkbox"], .monaco-checkbox').first();
  await ((await checkbox.count()) ? checkbox : row).click({ timeout: TIMEOUT.step });
  const checked = await waitFor(async () => ((await row.getAttribute('aria-checked')) === 'true' ? true : undefined), 3000);
  if (!checked) throw new Error(`could not tick ${label} in the quick pick`);
}

/** Profile Model… through its picks: model, provider cpu, 1 thread, `runs` runs. */
async function startProfile(page, model, runs) {
  await palette(page, 'lcnb: Profile Model…');
  await pickFromQuickPick(page, model);
  await pickFromQuickPick(page, 'cpu');
  await pickFromQuickPick(page, '1');
  await pickFromQuickPick(page, runs);
}

/** The notebook's first code cell once `done(cell)` holds (scanned again until then), or undefined. */
async function codeCellWhen(notebook, done, ms = TIMEOUT.step) {
  return waitFor(async () => {
    const [cell] = (await notebook.scanCells()).filter((c) => c.kind === 'code');
    return cell && done(cell) ? cell : undefined;
  }, ms, 500);
}

/** The notification toast whose text matches `re`. */
async function notification(page, re, ms = TIMEOUT.render) {
  const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: re }).first();
  await toast.waitFor({ timeout: ms });
  return toast;
}

async function closeNotifications(page) {
  await palette(page, 'Notifications: Clear All Notifications');
}

/** code-server's save and open dialogs are a quick input holding a path: once it has settled, type ours and accept. */
async function saveDialog(page, target, shots, shot, screenshot) {
  const input = page.locator('.quick-input-widget input.input');
  let last = '';
  // The dialog fills in its default path (and lists its folder) after it opens: wait for a steady value.
  const ready = await waitFor(async () => {
    const value = (await input.isVisible()) ? await input.inputValue() : '';
    const steady = value.startsWith('/') && value === last;
    last = value;
    return steady || undefined;
  }, TIMEOUT.step, 400);
  if (!ready) throw new Error(`no save dialog for ${target}`);
  const typed = await waitFor(async () => {
    if ((await input.inputValue()) !== target) await input.fill(target);
    await page.waitForTimeout(400);
    return (await input.inputValue()) === target || undefined;
  }, TIMEOUT.step);
  if (!typed) throw new Error(`the save dialog does not keep the path ${target}: it shows ${await input.inputValue()}`);
  if (screenshot) shots.push(await shot(screenshot));
  await page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).click({ timeout: TIMEOUT.step });
  // Closed, or replaced by the command's next quick pick (the same widget).
  const closed = await waitFor(async () => !(await input.isVisible()) || (await input.inputValue()) !== target, TIMEOUT.step);
  if (!closed) throw new Error(`the save dialog for ${target} stays open`);
}

async function waitForFile(file, encoding = 'utf8') {
  const ok = await waitFor(() => fs.existsSync(file) && fs.statSync(file).size > 0, TIMEOUT.step);
  if (!ok) throw new Error(`${file} was not written`);
  await new Promise((r) => setTimeout(r, 300)); // let the write finish
  return encoding === 'binary' ? fs.readFileSync(file) : fs.readFileSync(file, 'utf8');
}

/** RFC 4180 records (quoted fields, doubled quotes, CRLF); throws on malformed input. */
function parseCsv(text) {
  const records = [];
  let record = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === '"') throw new Error(`a quote inside an unquoted field at ${i}`);
    else if (ch === ',') record.push(field), (field = '');
    else if (ch === '\r' && text[i + 1] === '\n') record.push(field), records.push(record), (record = []), (field = ''), i++;
    else field += ch;
  }
  if (quoted || field || record.length) throw new Error('the CSV does not end with a complete CRLF-terminated record');
  const width = records[0].length;
  const bad = records.findIndex((r) => r.length !== width);
  if (bad >= 0) throw new Error(`record ${bad + 1} has ${records[bad].length} fields, the header ${width}`);
  return records;
}
