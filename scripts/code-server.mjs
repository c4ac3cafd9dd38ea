// Running code-server (VS Code in the browser) with lcnb: start and stop a server, its settings
// and ports, the workbench URL. scripts/toolchain.mjs installs what it runs on. Used by
// scripts/start.mjs and test/e2e/run.mjs.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, ensureToolchain, log, ToolchainError } from './toolchain.mjs';

// ---------------------------------------------------------------------------------------------
// Running code-server

const running = new Set();

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

// Last resort: whatever happens to this process, its servers do not outlive it.
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

/** cleanEnv() less the variables by which code-server would override its command line. */
function serverEnv(extra) {
  const env = cleanEnv(extra);
  for (const k of Object.keys(env)) {
    if (/^(PORT|PASSWORD|HASHED_PASSWORD|GITHUB_TOKEN|CODE_SERVER_.*|CS_.*)$/.test(k) && !(k in extra)) delete env[k];
  }
  return env;
}

async function assertPortFree(port) {
  await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (e) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new ToolchainError(`Port ${port} on 127.0.0.1 is already in use; choose another with PORT=<port>.`)
          : e,
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(resolve));
  });
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function httpStatus(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

const DEFAULT_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'npm.autoDetect': 'off',
  // VS Code for the Web (code-server) saves every edited file after a delay by default; a notebook
  // run changes outputs, so the sample notebooks would be written by running them. Save writes them.
  'files.autoSave': 'off',
};

/**
 * Starts code-server on 127.0.0.1 and waits until it answers HTTP.
 *
 * The extension in `extensionDevelopmentPath` is loaded in one of two ways, because code-server's
 * workbench honours the URL's `payload` (the browser's --extensionDevelopmentPath) only when the
 * smoke-test driver is on:
 *  - with `smokeTestDriver`: through the payload of `url`, as an extension under development;
 *    `extensionTestsPath` then runs that suite in the extension host, and the page reports its
 *    result through `window.codeAutomationExit(code)`. The driver also hides notifications.
 *  - without: the folder is linked into the fresh extensions dir as `<publisher>.<name>-<version>`,
 *    so it loads like an installed extension, straight from the working tree ("Developer: Reload
 *    Window" picks up a rebuild).
 *
 * @returns {Promise<{ url: string, origin: string, port: number, pid: number, extensionsDir: string, installLog: string,
 *   output: () => string, exited: Promise<{ code: number | null, signal: string | null }>,
 *   stop: () => Promise<void>, stopping: boolean }>}
 *
 * With `vsix`, that package is installed into the fresh extensions dir first, with code-server's own
 * `--install-extension`, as a user installs it; `installLog` then holds what the install printed.
 *
 * With `workspaceTrust`, workspace trust is on (it is off by default) and the folder opens untrusted
 * (Restricted Mode), for testing what an extension does there.
 */
export async function startCodeServer({
  toolchain,
  port,
  folder,
  extensionDevelopmentPath,
  extensionTestsPath,
  vsix,
  userDataDir,
  smokeTestDriver = false,
  workspaceTrust = false,
  settings = {},
  env = {},
  openFile,
  echo = false,
  startTimeoutMs = 90_000,
} = {}) {
  if (extensionTestsPath && !smokeTestDriver) throw new Error('extensionTestsPath needs smokeTestDriver');
  toolchain ??= await ensureToolchain({ browser: false });
  if (port) await assertPortFree(port);
  else port = await freePort();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lcnb-code-server-'));
  userDataDir ??= path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const xdg = path.join(tmp, 'xdg');
  const configFile = path.join(tmp, 'config.yaml');
  // code-server keeps its sockets, logs and default config under these.
  const xdgEnv = {
    XDG_DATA_HOME: path.join(xdg, 'data'),
    XDG_CONFIG_HOME: path.join(xdg, 'config'),
    XDG_RUNTIME_DIR: path.join(xdg, 'runtime'),
  };
  let installLog = '';
  try {
    for (const d of [extensionsDir, path.join(userDataDir, 'User'), xdg]) fs.mkdirSync(d, { recursive: true });
    const settingsFile = path.join(userDataDir, 'User', 'settings.json');
    if (!fs.existsSync(settingsFile)) {
      const trust = workspaceTrust ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {};
      fs.writeFileSync(settingsFile, JSON.stringify({ ...DEFAULT_SETTINGS, ...trust, ...settings }, null, 2));
    }
    if (extensionDevelopmentPath && !smokeTestDriver) linkExtension(extensionDevelopmentPath, extensionsDir);
    fs.writeFileSync(configFile, 'auth: none\n');
    if (vsix) {
      installLog = execFileSync(
        toolchain.node,
        [toolchain.codeServer, '--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix],
        { cwd: tmp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000, env: serverEnv({ ...xdgEnv, EXTENSIONS_GALLERY: '{}', ...env }) },
      );
    }
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }

  const args = [
    toolchain.codeServer,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--config', configFile,
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--disable-proxy',
    '--ignore-last-opened',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  if (folder) args.push(folder);

  const child = spawn(toolchain.node, args, {
    cwd: folder || tmp,
    detached: true, // own process group: stop() kills code-server with everything it started
    stdio: ['ignore', 'pipe', 'pipe'],
    env: serverEnv({
      ...xdgEnv,
      // No extension gallery: nothing is installed from it, and it would only try the network.
      EXTENSIONS_GALLERY: '{}',
      ORT_DISABLE_TELEMETRY: '1',
      ...env,
    }),
  });
  running.add(child);
  let output = '';
  const collect = (chunk) => {
    const text = chunk.toString();
    output += text;
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
    if (echo) process.stderr.write(text);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = null;
  const exitPromise = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );

  let stopping;
  /** Stops the whole process group (SIGTERM, SIGKILL after 5 s) and removes the temp dirs. */
  const stop = () =>
    (stopping ??= (async () => {
      killGroup(child, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (groupAlive(child.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (groupAlive(child.pid)) killGroup(child, 'SIGKILL');
      await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 2000))]);
      running.delete(child);
      fs.rmSync(tmp, { recursive: true, force: true });
    })());

  const origin = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      if (exited) {
        throw new Error(`code-server exited during startup (${exited.code ?? exited.signal}):\n${output.slice(-4000)}`);
      }
      if ((await httpStatus(`${origin}/healthz`)) === 200) break;
      if (Date.now() > deadline) {
        throw new Error(`code-server did not answer on ${origin} within ${startTimeoutMs / 1000}s:\n${output.slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    url: workbenchUrl(origin, smokeTestDriver ? { folder, extensionDevelopmentPath, extensionTestsPath } : { folder, openFile }),
    origin,
    port,
    pid: child.pid,
    extensionsDir,
    installLog,
    output: () => output,
    exited: exitPromise,
    stop,
    get stopping() {
      return stopping !== undefined;
    },
  };
}

function linkExtension(extensionPath, extensionsDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8'));
  const id = `${manifest.publisher}.${manifest.name}-${manifest.version}`.toLowerCase();
  fs.symlinkSync(path.resolve(extensionPath), path.join(extensionsDir, id), 'dir');
}

/** The workbench URL that opens `folder` (and the file `openFile` in it) with the extension from `extensionDevelopmentPath`. */
export function workbenchUrl(origin, { folder, extensionDevelopmentPath, extensionTestsPath, openFile } = {}) {
  const authority = new URL(origin).host;
  const remote = (p) => `vscode-remote://${authority}${path.resolve(p)}`;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  if (openFile) payload.push(['openFile', remote(openFile)]);
  const query = [];
  if (folder) query.push(`folder=${encodeURIComponent(path.resolve(folder)).replace(/%2F/g, '/')}`);
  if (payload.length) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${origin}/${query.length ? '?' + query.join('&') : ''}`;
}

/**
 * Runs `cleanup` once on SIGINT, SIGTERM or SIGHUP, then exits with 128 + signal number.
 * A second signal exits at once (the 'exit' hook above still kills the servers).
 */
export function onSignals(cleanup) {
  let busy = false;
  const numbers = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
  for (const signal of Object.keys(numbers)) {
    process.on(signal, async () => {
      if (busy) process.exit(128 + numbers[signal]);
      busy = true;
      log(`${signal}: stopping`);
      try {
        await cleanup();
      } finally {
        process.exit(128 + numbers[signal]);
      }
    });
  }
}
