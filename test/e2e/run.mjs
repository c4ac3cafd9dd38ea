// End-to-end tests in a real VS Code (code-server in headless chromium). `npm run test:e2e`;
// expects `npm run build` to have run. Two parts:
//   1. UI: every module in test/e2e/ui/ (see UiTest below), each in a fresh browser context on a
//      workbench whose folder is a temporary copy of notebooks/; screenshots and a failure
//      screenshot per test in test-output/e2e/. Each module gets a code-server of its own, so
//      editors one test leaves open never reach another; modules that name the same `server`
//      (another setting, an untrusted workspace) share one, in file-name order.
//   2. Extension host: the mocha suite in test/e2e/suite runs inside code-server's extension
//      host (smoke-test driver + extensionTestsPath), its result comes back through
//      window.codeAutomationExit(code) and its report through the file in LCNB_E2E_REPORT.
//   A UI module whose server options say `installed: true` runs on the extension as a user gets it:
//   a production build packaged as the linux-x64 .vsix (scripts/package.mjs) and installed into
//   that server's fresh extensions folder with code-server's --install-extension. Those modules
//   run after the others; the development build is put back after them.
// Each server opens a temporary copy of notebooks/, so nothing in the clone is written.
// Logs of the servers are left in test-output/e2e/. Env: LCNB_CACHE (toolchain cache),
// LCNB_CHROMIUM (browser path), LCNB_E2E_VERBOSE=1 (echo server and page output),
// LCNB_E2E_ONLY=<substring>[,<substring>…] (run only the UI tests whose file name contains one of them, and no suite).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { onSignals, startCodeServer } from '../../scripts/code-server.mjs';
import { CHROMIUM_ARGS, ToolchainError, ensureToolchain, log } from '../../scripts/toolchain.mjs';
import { buildSuite, repoRoot } from './build-suite.mjs';
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

/**
 * @typedef {object} UiContext
 * @property {(message: string) => void} log
 * @property {(file: string) => Promise<string>} shot screenshot into test-output/e2e/<file>;
 *   returns the path to print
 * @property {string} outDir test-output/e2e
 * @property {string} folder the workspace folder the server opened (a copy of notebooks/)
 * @property {string} repoRoot
 * @property {string} extensionsDir the server's extensions folder (the installed .vsix for modules
 *   on an `installed` server; a link to the working tree for the others)
 *
 * @typedef {object} UiTest a module in test/e2e/ui/
 * @property {string} title
 * @property {(page: import('playwright-core').Page, ctx: UiContext) => Promise<void>} run
 *   runs on a loaded workbench (explorer shown)
 * @property {{ name: string, options?: object }} [server] a server shared by the modules that
 *   name it; without it a module gets a server of its own, so editors one test left open (VS Code
 *   restores them per workspace) never reach another
 *   one; `options` go to startCodeServer (settings, …)
 */

/** The server a UI test module runs on: the one it names, else its own. */
const serverNameOf = (file, test) => test.server?.name ?? path.basename(file, '.mjs');

/** The UI test modules, in file-name order, as [file, module]. */
async function uiTests() {
  const dir = path.join(repoRoot, 'test', 'e2e', 'ui');
  // Several substrings may be given, separated by commas.
  const only = process.env.LCNB_E2E_ONLY?.split(',').filter(Boolean);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.mjs') && (!only?.length || only.some((part) => f.includes(part))))
    .sort();
  return Promise.all(files.map(async (f) => [f, await import(pathToFileURL(path.join(dir, f)).href)]));
}

async function uiServer(toolchain, name, { installed, ...options } = {}) {
  const { folder, tmp } = scratchFor(name);
  const extension = installed ? { vsix: await packagedVsix() } : { extensionDevelopmentPath: repoRoot };
  const server = await startServer(name, {
    toolchain,
    folder,
    ...extension,
    ...options,
    env: { TMPDIR: tmp, ...options.env },
  });
  if (installed) log(`installed the .vsix: ${server.installLog.trim().split('\n').pop()}`);
  return { server, folder };
}

/**
 * The linux-x64 .vsix of a production build, as `npm run package` makes it, in a temporary
 * folder. dist/ holds the production build from here until restoreDevelopmentBuild().
 */
async function packagedVsix() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lcnb-e2e-vsix-'));
  closers.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  closers.push(async () => restoreDevelopmentBuild()); // also when the run stops early
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs'), '--production'], { cwd: repoRoot, stdio: 'pipe' });
  const { packageVsix } = await import('../../scripts/package.mjs');
  const file = packageVsix({ out: path.join(dir, 'lcnb.vsix'), quiet: true });
  log(`packaged ${path.basename(file)} (${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MiB)`);
  return file;
}

const restoreDevelopmentBuild = () => execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'pipe' });

/** Runs one UI test module on `server` in a fresh browser context. */
async function runUiTest(browser, { server, folder }, file, test) {
  const name = path.basename(file, '.mjs');
  const page = await newPage(browser, name);
  try {
    await page.goto(server.url, { timeout: TIMEOUT.workbench });
    await page.locator('.monaco-workbench').waitFor({ timeout: TIMEOUT.workbench });
    await page.locator('.explorer-folders-view').waitFor({ timeout: TIMEOUT.workbench });
    const shot = async (f) => {
      await page.screenshot({ path: path.join(outDir, f) });
      return `test-output/e2e/${f}`;
    };
    await test.run(page, { log, shot, outDir, folder, repoRoot, extensionsDir: server.extensionsDir });
  } catch (e) {
    await page.screenshot({ path: path.join(outDir, `failure-${name}.png`) }).catch(() => {});
    throw new Error(`${e.message}\n(screenshot: test-output/e2e/failure-${name}.png, logs: test-output/e2e/code-server-${serverNameOf(file, test)}.log, console-${name}.log)`);
  } finally {
    await page.context().close(); // its window's extension host idles from here on
  }
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
    const tests = await uiTests();
    const isInstalled = (name) => tests.some(([f, t]) => serverNameOf(f, t) === name && t.server?.options?.installed);
    // Servers on the installed .vsix last: packaging replaces dist/ with the production build.
    const names = [...new Set(tests.map(([f, t]) => serverNameOf(f, t)))];
    const servers = [...names.filter((n) => !isInstalled(n)), ...names.filter(isInstalled)];
    for (const serverName of servers) {
      const group = tests.filter(([f, t]) => serverNameOf(f, t) === serverName);
      let server;
      try {
        server = await uiServer(toolchain, serverName, group[0][1].server?.options);
      } catch (e) {
        failed += group.length;
        failures.push(`UI server '${serverName}': ${e.message}`);
        continue;
      }
      for (const [file, test] of group) {
        log(`UI test ${file}: ${test.title}`);
        try {
          if (stopping) throw new Error('interrupted');
          await runUiTest(browser, server, file, test);
          passed++;
        } catch (e) {
          failed++;
          failures.push(`UI test ${file}: ${e.message}`);
        }
      }
      await server.server.stop(); // frees the CPU for the next server; its log is written at cleanup
    }
    if (servers.some(isInstalled)) restoreDevelopmentBuild();
    if (process.env.LCNB_E2E_ONLY) {
      log('LCNB_E2E_ONLY is set: the extension-host suite is skipped');
    } else {
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
