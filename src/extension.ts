/** Wiring only: creates the log, the kernel client, the status bar, and registers providers and commands. */
import * as vscode from 'vscode';
import { compareModelsCommand } from './commands/compareModels';
import { config, Lcnb } from './host/context';
import { expandModelIntoLayers } from './commands/expandModel';
import { exportModelOnnx } from './commands/exportModel';
import { exportReport } from './commands/exportReport';
import { ReportTabs } from './commands/reportTab';
import { newNotebook, openSampleNotebooks } from './commands/notebooks';
import { profileModelCommand } from './commands/profileModel';
import { selectExecutionProvider } from './commands/selectProvider';
import { showModelSummary } from './commands/showModelSummary';
import { LcnbStatusBar } from './commands/providerStatusItem';
import { applyUserDevices, onDidChangeConfig } from './config';
import { NotebookKernels } from './notebook/controller';
import { CellResults, restoreResults } from './host/results';
import { LCNB_SERIALIZER_OPTIONS, LcnbSerializer } from './notebook/serializer';
import { registerLanguageFeatures } from './notebook/languageFeatures';
import { cellStatusBar } from './notebook/cellStatusBar';
import { rendererSettings } from './notebook/rendererSettings';
import { rendererRequests } from './notebook/rendererRequests';
import { RowRevealer } from './notebook/revealRow';
import { registerOnnxEditor } from './editor/onnxEditorProvider';
import { KernelClient } from '../kernels/host/client';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('lcnb', { log: true });
  log.info(`lcnb ${context.extension.packageJSON.version} activated`);
  // One kernel process for the window, started on first use; onnxruntime never loads in this host.
  let kernel: KernelClient | undefined;
  const kernelClient = () =>
    (kernel ??= new KernelClient(vscode.Uri.joinPath(context.extensionUri, 'dist', 'kernel.js').fsPath, { onLog: (line) => log.trace(`kernel: ${line}`) }));
  const results = new CellResults();
  const lcnb: Lcnb = { extension: context, log, kernel: kernelClient, results };
  const statusBar = new LcnbStatusBar(() => config(lcnb));
  const cellItems = cellStatusBar(results, () => config(lcnb).headlineFlops);
  const rendererDisplay = rendererSettings(() => config(lcnb).headlineFlops);
  const revealer = new RowRevealer(log);
  const reportTabs = new ReportTabs(lcnb, revealer);
  const command = (id: string, run: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, run);
  applyUserDevices(log);
  context.subscriptions.push(
    log,
    results,
    restoreResults(results),
    new NotebookKernels(lcnb),
    cellItems,
    rendererDisplay,
    revealer,
    reportTabs,
    rendererRequests(revealer, (cell) => reportTabs.open(cell), log),
    vscode.notebooks.registerNotebookCellStatusBarItemProvider('lcnb', cellItems),
    { dispose: () => void kernel?.dispose() },
    statusBar,
    registerOnnxEditor(context, kernelClient, log),
    onDidChangeConfig(() => {
      applyUserDevices(log);
      statusBar.update();
      cellItems.refresh();
      rendererDisplay.refresh();
      reportTabs.refreshSettings();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => statusBar.update()),
    vscode.workspace.registerNotebookSerializer('lcnb', new LcnbSerializer(), LCNB_SERIALIZER_OPTIONS),
    command('lcnb.showLog', () => log.show()),
    command('lcnb.expandModel', (cell?: unknown) => expandModelIntoLayers(log, cell)),
    command('lcnb.showModelSummary', (id?: unknown) => showModelSummary(context.extensionUri, log, typeof id === 'string' ? id : undefined)),
    command('lcnb.profileModel', (arg?: unknown) => profileModelCommand(lcnb, arg)),
    command('lcnb.compareModels', () => compareModelsCommand(lcnb)),
    command('lcnb.newNotebook', () => newNotebook(lcnb)),
    command('lcnb.openSampleNotebooks', () => openSampleNotebooks(lcnb)),
    command('lcnb.selectExecutionProvider', () => selectExecutionProvider(lcnb)),
    command('lcnb.exportModelOnnx', (arg?: unknown) => exportModelOnnx(lcnb, arg)),
    command('lcnb.exportReportCsv', (arg?: unknown) => exportReport(lcnb, 'csv', arg)),
    command('lcnb.exportReportJson', (arg?: unknown) => exportReport(lcnb, 'json', arg)),
    command('lcnb.exportReportMarkdown', (arg?: unknown) => exportReport(lcnb, 'markdown', arg)),
    command('lcnb.exportNetronAttachment', (arg?: unknown) => exportReport(lcnb, 'netron', arg)),
    command('lcnb.openReportInTab', (arg?: unknown) => reportTabs.open(arg)),
  );
  registerLanguageFeatures(context, results);
}

export function deactivate(): void {}
