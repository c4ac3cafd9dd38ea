/** Wiring only: creates the log and status bar and registers commands. */
import * as vscode from 'vscode';
import { showModelSummary } from './commands/showModelSummary';
import { createStatusBarItem } from './commands/statusBar';
import { LCNB_SERIALIZER_OPTIONS, LcnbSerializer } from './notebook/serializer';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('lcnb', { log: true });
  log.info(`lcnb ${context.extension.packageJSON.version} activated`);
  context.subscriptions.push(
    log,
    createStatusBarItem(),
    vscode.commands.registerCommand('lcnb.showLog', () => log.show()),
    vscode.workspace.registerNotebookSerializer('lcnb', new LcnbSerializer(), LCNB_SERIALIZER_OPTIONS),
    vscode.commands.registerCommand('lcnb.showModelSummary', (id?: string) =>
      showModelSummary(context.extensionUri, log, typeof id === 'string' ? id : undefined),
    ),
  );
}

export function deactivate(): void {}
