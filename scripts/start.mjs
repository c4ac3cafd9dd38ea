// `npm start` (after `npm run build`): VS Code in the browser with lcnb loaded from this working
// tree and notebooks/ opened. Serves code-server on 127.0.0.1:$PORT (default 8080) until Ctrl-C.
// Options: --verbose echoes code-server's log. Env: PORT, LCNB_CACHE (toolchain cache).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onSignals, startCodeServer } from './code-server.mjs';
import { ToolchainError, ensureToolchain, log } from './toolchain.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main() {
  const port = process.env.PORT ? Number(process.env.PORT) : 8080;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new ToolchainError(`PORT=${process.env.PORT} is not a port number.`);
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
    throw new ToolchainError('dist/extension.js is missing: run `npm run build` first (`npm start` does).');
  }
  let server;
  onSignals(async () => server?.stop());
  const toolchain = await ensureToolchain({ browser: false });
  server = await startCodeServer({
    toolchain,
    port,
    folder: path.join(repoRoot, 'notebooks'),
    openFile: path.join(repoRoot, 'notebooks', 'getting-started.lcnb'),
    // Opened at start-up, before lcnb's notebook type is known: the association makes it a notebook, not text.
    settings: { 'workbench.editorAssociations': { '*.lcnb': 'lcnb' } },
    extensionDevelopmentPath: repoRoot,
    echo: process.argv.includes('--verbose'),
  });
  process.stdout.write(
    `\nlcnb is running in VS Code (code-server) at:\n\n    ${server.url}\n\n` +
      `The extension is loaded from ${repoRoot}; after \`npm run build\`, run "Developer: Reload Window".\n` +
      `Press Ctrl-C to stop.\n`,
  );
  const { code, signal } = await server.exited;
  if (server.stopping) return new Promise(() => {}); // Ctrl-C: the signal handler exits
  await server.stop();
  throw new ToolchainError(`code-server stopped by itself (${code ?? signal}):\n${server.output().slice(-3000)}`);
}

main().catch((e) => {
  log(e instanceof ToolchainError ? e.message : e.stack || String(e));
  process.exit(1);
});
