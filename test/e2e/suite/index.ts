/**
 * Entry point of the extension-host test suite, in the shape `@vscode/test-electron` expects:
 * VS Code loads this file inside the extension host and awaits `run()`.
 *
 * Bundled by test/e2e/build-suite.mjs into out/test/e2e/suite/, one file per `*.test.ts`.
 * When LCNB_E2E_REPORT names a file, the reporter's output and the counts are also written there
 * as JSON, because a browser-hosted extension host (code-server) has no terminal of its own.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export interface SuiteReport {
  passes: number;
  failures: number;
  pending: number;
  output: string;
}

export function run(): Promise<void> {
  process.setSourceMapsEnabled(true); // stack traces point into test/e2e/suite/*.ts
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec' });
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  const lines: string[] = [];
  const Base = Mocha.reporters.Base;
  const consoleLog = Base.consoleLog;
  Base.consoleLog = (...data: unknown[]) => {
    lines.push(format(...data));
    consoleLog(...data);
  };

  return new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        Base.consoleLog = consoleLog;
        const report: SuiteReport = {
          passes: runner.stats?.passes ?? 0,
          failures,
          pending: runner.stats?.pending ?? 0,
          output: lines.join('\n'),
        };
        const reportFile = process.env.LCNB_E2E_REPORT;
        if (reportFile) fs.writeFileSync(reportFile, JSON.stringify(report, null, 2));
        if (files.length === 0) reject(new Error(`no *.test.js files next to ${__filename}`));
        else if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
        else resolve();
      });
    } catch (e) {
      Base.consoleLog = consoleLog;
      reject(e);
    }
  });
}
