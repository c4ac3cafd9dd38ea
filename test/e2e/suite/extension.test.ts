import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'lcnb.lcnb';
const COMMAND = 'lcnb.showModelSummary';

interface SummaryResult {
  id: string;
  totals: { params: number; madds: number };
}

/** Collects unhandled rejections and uncaught exceptions while `fn` runs and shortly after. */
async function withUnhandledErrors<T>(fn: () => Promise<T>): Promise<{ result: T; errors: unknown[] }> {
  const errors: unknown[] = [];
  const record = (e: unknown) => errors.push(e);
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
  try {
    const result = await fn();
    await new Promise((r) => setTimeout(r, 500));
    return { result, errors };
  } finally {
    process.off('unhandledRejection', record);
    process.off('uncaughtException', record);
  }
}

describe('lcnb extension', () => {
  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    if (ext && !ext.isActive) await ext.activate();
  });

  it('is installed and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it(`registers ${COMMAND}`, async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes(COMMAND), `${COMMAND} is not registered`);
  });

  it('returns the summary of mobilenet_v1_x1_0', async () => {
    const summary = await vscode.commands.executeCommand<SummaryResult | undefined>(COMMAND, 'mobilenet_v1_x1_0');
    assert.ok(summary, 'the command returned nothing');
    assert.equal(summary.id, 'mobilenet_v1_x1_0');
    assert.equal(summary.totals.params, 4_231_976);
    assert.ok(
      summary.totals.madds >= 568e6 && summary.totals.madds <= 569e6,
      `MAdds ${summary.totals.madds} outside [568e6, 569e6]`,
    );
  });

  it('opens a summary panel for the model', async () => {
    await vscode.commands.executeCommand(COMMAND, 'mobilenet_v1_x1_0');
    const title = 'Summary: mobilenet_v1_x1_0';
    const labels = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    // The tab model reaches the extension host asynchronously.
    for (let i = 0; i < 50 && !labels().includes(title); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(labels().includes(title), `no "${title}" tab among: ${labels().join(', ') || '(none)'}`);
  });

  it('answers an unknown model id without an unhandled error', async () => {
    const { result, errors } = await withUnhandledErrors(async () => {
      try {
        return await vscode.commands.executeCommand<SummaryResult | undefined>(COMMAND, 'nope');
      } catch {
        return undefined; // rejecting is an acceptable answer too
      }
    });
    assert.equal(result, undefined);
    assert.deepEqual(errors, []);
  });

  it('activates without loading onnxruntime-node', () => {
    const modules = Object.keys(require.cache);
    const main = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.main as string;
    const mainFile = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, main);
    assert.ok(
      modules.some((p) => p === mainFile || p === `${mainFile}.js`),
      `require.cache does not list the extension's ${main}, so it cannot tell what the extension loaded`,
    );
    const loaded = modules.filter((p) => p.includes('onnxruntime'));
    assert.deepEqual(loaded, [], 'onnxruntime modules were loaded in the extension host');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
