// End-to-end tests in a real VS Code (code-server in headless chromium). `npm run test:e2e`;
// expects `npm run build` to have run. Three parts:
//   1. UI, summary: command palette → "lcnb: Show Model Summary" → mobilenet_v1_x1_0 → the
//      webview panel shows the model's totals. Screenshot in test-output/e2e/summary.png.
//   2. UI, notebook (notebook-ui.mjs): getting-started.lcnb, kernel "ONNX Runtime · CPU", Run All,
//      the reports in the output webview, a hover. Screenshots test-output/e2e/notebook-*.png.
//   3. Extension host: the mocha suite in test/e2e/suite runs inside code-server's extension
//      host (smoke-test driver + extensionTestsPath), its result comes back through
//      window.codeAutomationExit(code) and its report through the file in LCNB_E2E_REPORT.
// Each server opens a temporary copy of notebooks/, so nothing in the clone is written.
// Logs of both servers are left in test-output/e2e/. Env: LCNB_CACHE (toolchain cache),
// LCNB_CHROMIUM (browser path), LCNB_E2E_VERBOSE=1 (echo server and page output).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import {
  CHROMIUM_ARGS,
  ToolchainError,
  ensureToolchain,
  log,
  onSignals,
  startCodeServer,
} from '../../scripts/code-server.mjs';
import { buildSuite, repoRoot } from './build-suite.mjs';
import { NOTEBOOK, notebookUiTest } from './notebook-ui.mjs';

const MODEL = 'mobilenet_v1_x1_0';
// Params and MAdds of MobileNetV1 1.0 at 224×224, as the panel formats them.
const EXPECTED_TEXT = ['4,231,976', '568,740,352'];
const outDir = path.join(repoRoot, 'test-output', 'e2e');
const notebooks = path.join(repoRoot, 'notebooks');
const verbose = process.env.LCNB_E2E_VERBOSE === '1';

const TIMEOUT = {
  total: 15 * 60_000, // everything after the toolchain is in place
  workbench: 90_000,
  step: 30_000,
  webview: 60_000,
  suite: 5 * 60_000,
};

/** Closers of everything started, run newest first by cleanup(). */
const closers = [];
let stopping = false;
let cleaning;
/** Runs the closers once; a second caller (signal handler vs. main) waits for the same run. */
function cleanup() {
  return (cleaning ??= (async () => {
    while (closers.length) {
      const close = closers.pop();
      try {
        await withTimeout(close(), 15_000, 'cleanup');
      } catch (e) {
        log(`cleanup: ${e.message}`);
      }
    }
  })());
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000}s: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Children of this process that lead their own process group (Linux /proc): the browser. */
function childGroupLeaders() {
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
      if (ppid === process.pid && pgrp === Number(entry)) pids.push(pgrp);
    } catch {}
  }
  return pids;
}

/** Waits until the process groups led by `pids` are gone (their last members reaped). */
async function processGroupsGone(pids, ms) {
  const deadline = Date.now() + ms;
  const alive = (pid) => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch (e) {
      return e.code === 'EPERM';
    }
  };
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids.filter(alive)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
}

const serverPids = new Set();

async function startServer(name, options) {
  if (stopping) throw new Error('interrupted');
  const server = await startCodeServer({ echo: verbose, ...options });
  if (stopping) {
    await server.stop();
    throw new Error('interrupted');
  }
  serverPids.add(server.pid);
  closers.push(async () => {
    await server.stop();
    fs.writeFileSync(path.join(outDir, `code-server-${name}.log`), server.output());
  });
  return server;
}

async function newPage(browser, name) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  closers.push(() => context.close());
  const page = await context.newPage();
  const messages = [];
  page.on('console', (m) => {
    const line = `[${m.type()}] ${m.text()}`;
    messages.push(line);
    if (verbose) process.stderr.write(`[${name} page] ${line}\n`);
  });
  page.on('pageerror', (e) => messages.push(`[pageerror] ${e.message}`));
  closers.push(async () => fs.writeFileSync(path.join(outDir, `console-${name}.log`), messages.join('\n') + '\n'));
  return page;
}

// ---------------------------------------------------------------------------------------------
// 1. UI

/**
 * A temporary copy of notebooks/ to open as the workspace, and a temporary directory for the
 * server's TMPDIR (a kernel stopped with its server leaves its temp dir behind), both removed at
 * cleanup after the server has stopped.
 */
function scratchFor(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lcnb-e2e-${name}-`));
  closers.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const folder = path.join(dir, 'notebooks');
  fs.cpSync(notebooks, folder, { recursive: true });
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  return { folder, tmp };
}

async function uiServer(toolchain) {
  const { folder, tmp } = scratchFor('ui');
  return startServer('ui', { toolchain, folder, extensionDevelopmentPath: repoRoot, env: { TMPDIR: tmp } });
}

async function uiTest(browser, server) {
  const page = await newPage(browser, 'ui');
  try {
    await page.goto(server.url, { timeout: TIMEOUT.workbench });
    await page.locator('.monaco-workbench').waitFor({ timeout: TIMEOUT.workbench });
    await page.locator('.explorer-folders-view').waitFor({ timeout: TIMEOUT.workbench });

    await runFromCommandPalette(page, 'lcnb: Show Model Summary');

    await pickFromQuickPick(page, MODEL);

    const title = `Summary: ${MODEL}`;
    await page
      .locator('.tabs-container .tab', { has: page.locator('.tab-label', { hasText: title }) })
      .first()
      .waitFor({ timeout: TIMEOUT.step });

    // A webview lives in an iframe (class "webview") holding another iframe with its content.
    const content = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    for (const text of EXPECTED_TEXT) {
      await content.getByText(text, { exact: false }).first().waitFor({ timeout: TIMEOUT.webview });
    }
    await page.waitForTimeout(500); // let the panel finish painting before the screenshot
    await page.screenshot({ path: path.join(outDir, 'summary.png') });
    log(`UI: tab "${title}" shows ${EXPECTED_TEXT.join(' and ')}; screenshot test-output/e2e/summary.png`);
  } catch (e) {
    await page.screenshot({ path: path.join(outDir, 'failure-ui.png') }).catch(() => {});
    throw new Error(`${e.message}\n(screenshot: test-output/e2e/failure-ui.png, logs: test-output/e2e/*-ui.log)`);
  } finally {
    await page.context().close(); // its window's extension host idles from here on
  }
}

async function notebookTest(browser, server) {
  const page = await newPage(browser, 'notebook');
  try {
    await page.goto(server.url, { timeout: TIMEOUT.workbench });
    await page.locator('.monaco-workbench').waitFor({ timeout: TIMEOUT.workbench });
    await page.locator('.explorer-folders-view').waitFor({ timeout: TIMEOUT.workbench });
    // Hovers come with the language features; a build without them gets no hover check.
    const hover = fs.readFileSync(path.join(repoRoot, 'dist', 'extension.js'), 'utf8').includes('registerHoverProvider');
    const shots = await notebookUiTest(page, { outDir, log, hover });
    log(`UI: notebook ${NOTEBOOK} ran and rendered; screenshots ${shots.join(', ')}`);
  } catch (e) {
    await page.screenshot({ path: path.join(outDir, 'failure-notebook.png') }).catch(() => {});
    throw new Error(
      `${e.message}\n(screenshot: test-output/e2e/failure-notebook.png, logs: test-output/e2e/code-server-ui.log, console-notebook.log)`,
    );
  } finally {
    await page.context().close();
  }
}

/** Opens the command palette with F1 and runs the command whose label is `label`. */
async function runFromCommandPalette(page, label) {
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
async function pickFromQuickPick(page, label) {
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

// ---------------------------------------------------------------------------------------------
// 2. Extension-host suite

async function extensionHostTest(browser, toolchain, extensionTestsPath) {
  const reportFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lcnb-e2e-report-')), 'report.json');
  closers.push(async () => fs.rmSync(path.dirname(reportFile), { recursive: true, force: true }));
  const { folder, tmp } = scratchFor('host');
  const server = await startServer('host', {
    toolchain,
    folder,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath,
    smokeTestDriver: true,
    env: { LCNB_E2E_REPORT: reportFile, TMPDIR: tmp },
  });
  const page = await newPage(browser, 'host');
  let exit;
  const exited = new Promise((resolve) => (exit = resolve));
  await page.exposeFunction('codeAutomationExit', (code) => exit(code));
  page.on('crash', () => exit('page crashed'));
  await page.goto(server.url, { timeout: TIMEOUT.workbench });
  const code = await withTimeout(exited, TIMEOUT.suite, 'the extension-host suite to finish');

  let report;
  try {
    report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  } catch {
    throw new Error(
      `the extension-host suite left no report (exit code ${code}); it probably failed to load.\n` +
        `Last code-server output:\n${server.output().slice(-3000)}\n(logs: test-output/e2e/*-host.log)`,
    );
  }
  process.stdout.write(report.output.replace(/^\n+/, '') + '\n');
  if (code !== 0 || report.failures > 0) {
    throw Object.assign(new Error(`${report.failures} failed, exit code ${code}`), { report });
  }
  return report;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  onSignals(() => {
    stopping = true;
    return cleanup();
  });
  const toolchain = await ensureToolchain();
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
    throw new ToolchainError('dist/extension.js is missing: run `npm run build` first.');
  }
  const watchdog = setTimeout(async () => {
    log(`e2e run exceeded ${TIMEOUT.total / 60_000} minutes; stopping`);
    await cleanup();
    process.exit(1);
  }, TIMEOUT.total);
  watchdog.unref();

  fs.mkdirSync(outDir, { recursive: true });
  for (const f of fs.readdirSync(outDir)) fs.rmSync(path.join(outDir, f), { recursive: true, force: true });
  const extensionTestsPath = await buildSuite();

  // Playwright gives the browser a fresh temporary profile; its crash reports and caches go to
  // a temporary home too instead of ~/.config/chromium.
  const browserHome = fs.mkdtempSync(path.join(os.tmpdir(), 'lcnb-e2e-browser-'));
  closers.push(async () => fs.rmSync(browserHome, { recursive: true, force: true }));
  const browser = await chromium.launch({
    executablePath: toolchain.chromium,
    args: CHROMIUM_ARGS,
    env: {
      ...process.env,
      XDG_CONFIG_HOME: path.join(browserHome, 'config'),
      XDG_CACHE_HOME: path.join(browserHome, 'cache'),
    },
    headless: true,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const browserGroups = childGroupLeaders().filter((pid) => !serverPids.has(pid));
  closers.push(async () => {
    await browser.close();
    await processGroupsGone(browserGroups, 10_000);
  });

  let passed = 0;
  let failed = 0;
  const failures = [];
  try {
    let server;
    try {
      server = await uiServer(toolchain);
    } catch (e) {
      failed += 2;
      failures.push(`UI tests: ${e.message}`);
    }
    if (server) {
      log('UI test: Show Model Summary from the command palette');
      try {
        await uiTest(browser, server);
        passed++;
      } catch (e) {
        failed++;
        failures.push(`UI test: ${e.message}`);
      }
      log(`UI test: notebook ${NOTEBOOK}`);
      try {
        if (stopping) throw new Error('interrupted');
        await notebookTest(browser, server);
        passed++;
      } catch (e) {
        failed++;
        failures.push(`UI notebook test: ${e.message}`);
      }
      await server.stop(); // frees the CPU for the next server; its log is written at cleanup
    }
    log('extension-host suite');
    try {
      if (stopping) throw new Error('interrupted');
      const report = await extensionHostTest(browser, toolchain, extensionTestsPath);
      passed += report.passes;
    } catch (e) {
      passed += e.report?.passes ?? 0;
      failed += e.report?.failures || 1;
      failures.push(`extension-host suite: ${e.message}`);
    }
  } finally {
    await cleanup();
  }

  for (const f of failures) log(`FAILED ${f}`);
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(stopping ? 130 : code),
  async (e) => {
    await cleanup();
    log(e instanceof ToolchainError ? e.message : e.stack || String(e));
    process.exit(1);
  },
);
