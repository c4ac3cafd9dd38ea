// `npm run test:desktop`: the extension-host suite (test/e2e/suite) in desktop VS Code, downloaded
// by @vscode/test-electron into .vscode-test/. Needs network access to VS Code's download servers
// and, on Linux without a display, a virtual one (e.g. `xvfb-run -a npm run test:desktop`).
// Where VS Code cannot be downloaded, `npm run test:e2e` runs the same suite in code-server.
// Env: LCNB_VSCODE_VERSION (default: the newest release matching engines.vscode).
import path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { buildSuite, repoRoot } from './build-suite.mjs';

async function main() {
  const extensionTestsPath = await buildSuite();

  let vscodeExecutablePath;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({
      version: process.env.LCNB_VSCODE_VERSION || undefined,
      extensionDevelopmentPath: repoRoot,
      timeout: 60_000,
    });
  } catch (e) {
    console.error(
      `test:desktop: could not download VS Code: ${e?.message ?? e}\n` +
        'This runner needs network access to VS Code\'s download servers. Without it, run the same\n' +
        'suite in code-server instead: npm run test:e2e',
    );
    return 2;
  }

  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath,
      launchArgs: [
        path.join(repoRoot, 'notebooks'),
        '--disable-extensions', // other installed extensions; the one under test still loads
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
      ],
    });
    return 0;
  } catch (e) {
    console.error(`test:desktop: the extension-host suite failed: ${e?.message ?? e}`);
    if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
      console.error('No display is set: on a headless machine run it under xvfb-run -a.');
    }
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e?.stack ?? String(e));
    process.exit(1);
  },
);
