/** Wiring only: creates the log and status bar and registers commands. */
import * as vscode from 'vscode';
import { expandModelIntoLayers } from './commands/expandModel';
import { showModelSummary } from './commands/showModelSummary';
import { createStatusBarItem } from './commands/statusBar';
import { NotebookKernels } from './notebook/controller';
import { CellResults } from './notebook/results';
import { LCNB_SERIALIZER_OPTIONS, LcnbSerializer } from './notebook/serializer';
import { registerLanguageFeatures } from './notebook/languageFeatures';
import { cellStatusBar } from './notebook/statusBar';
import { registerOnnxEditor } from './editor/onnxEditorProvider';
import { KernelClient } from '../kernels/client';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('lcnb', { log: true });
  log.info(`lcnb ${context.extension.packageJSON.version} activated`);
  // One kernel process for the window, started on first use; onnxruntime never loads in this host.
  let kernel: KernelClient | undefined;
  const kernelClient = () =>
    (kernel ??= new KernelClient(vscode.Uri.joinPath(context.extensionUri, 'dist', 'kernel.js').fsPath, { onLog: (line) => log.trace(`kernel: ${line}`) }));
  const results = new CellResults();
  context.subscriptions.push(
    log,
    results,
    new NotebookKernels(kernelClient, results, log),
    vscode.notebooks.registerNotebookCellStatusBarItemProvider('lcnb', cellStatusBar(results)),
    { dispose: () => void kernel?.dispose() },
    createStatusBarItem(),
    registerOnnxEditor(context, kernelClient, log),
    vscode.commands.registerCommand('lcnb.showLog', () => log.show()),
    vscode.commands.registerCommand('lcnb.expandModel', (cell?: unknown) => expandModelIntoLayers(log, cell)),
    vscode.workspace.registerNotebookSerializer('lcnb', new LcnbSerializer(), LCNB_SERIALIZER_OPTIONS),
    vscode.commands.registerCommand('lcnb.showModelSummary', (id?: string) =>
      showModelSummary(context.extensionUri, log, typeof id === 'string' ? id : undefined),
    ),
  );
  registerLanguageFeatures(context, results);
}

export function deactivate(): void {}
