/**
 * Notebook kernels in the picker: "Static analysis (no execution)" and one "ONNX Runtime · <EP>"
 * per execution provider this machine can start. Cells run one after another with Jupyter-style
 * execution order and timing; Run All stops at the first failed cell; interrupt cancels the job.
 */
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { KernelClient } from '../../kernels/client';
import { CellFailure, executeCell, ExecutionContext } from '../run/execute';
import { errorItems, outcomeItems } from '../run/notebook';
import { CellResults } from './results';

const NOTEBOOK_TYPE = 'lcnb';
const PROVIDER_LABELS: Record<string, string> = { cpu: 'CPU', cuda: 'CUDA', tensorrt: 'TensorRT', webgpu: 'WebGPU', dml: 'DirectML', coreml: 'CoreML' };

export class NotebookKernels implements vscode.Disposable {
  private readonly controllers: vscode.NotebookController[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private order = 0;
  private running: AbortController | undefined;
  private discovery: Promise<void> | undefined;

  constructor(
    private readonly kernel: () => KernelClient,
    private readonly results: CellResults,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.add('lcnb-static', 'Static analysis (no execution)', 'Counts params, MAdds, FLOPs and memory traffic; runs nothing.', undefined);
    this.add('lcnb-ort-cpu', 'ONNX Runtime · CPU', 'Counts, then measures latency with onnxruntime on this machine.', 'cpu');
    // Other providers need onnxruntime to say whether they can start: ask once a notebook opens.
    this.disposables.push(vscode.workspace.onDidOpenNotebookDocument((doc) => doc.notebookType === NOTEBOOK_TYPE && void this.discoverProviders()));
  }

  private add(id: string, label: string, description: string, provider: string | undefined): void {
    const controller = vscode.notebooks.createNotebookController(id, NOTEBOOK_TYPE, label);
    controller.supportedLanguages = ['lcnb'];
    controller.supportsExecutionOrder = true;
    controller.description = description;
    controller.executeHandler = (cells, notebook, c) => this.execute(cells, notebook, c, provider);
    controller.interruptHandler = () => this.running?.abort();
    this.controllers.push(controller);
  }

  private discoverProviders(): Promise<void> {
    this.discovery ??= (async () => {
      if (!vscode.workspace.isTrusted) return;
      try {
        for (const p of await this.kernel().providers()) {
          if (p.name === 'cpu' || !p.available) continue;
          this.add(`lcnb-ort-${p.name}`, `ONNX Runtime · ${PROVIDER_LABELS[p.name] ?? p.name}`, `Measures with onnxruntime's ${p.name} execution provider.`, p.name);
          this.log.info(`execution provider ${p.name} is available`);
        }
      } catch (e) {
        this.log.warn(`could not list execution providers: ${(e as Error).message}`);
      }
    })();
    return this.discovery;
  }

  private async execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument, controller: vscode.NotebookController, provider: string | undefined): Promise<void> {
    const abort = new AbortController();
    this.running = abort;
    const context: ExecutionContext = {
      kernel: provider ? this.kernel() : undefined,
      provider: provider ?? 'cpu',
      baseDir: notebook.uri.scheme === 'file' ? dirname(notebook.uri.fsPath) : (vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd()),
      signal: abort.signal,
      onProgress: (what) => this.log.info(what),
    };
    try {
      for (const cell of cells) {
        const ok = await this.executeCell(cell, controller, context, provider);
        if (!ok || abort.signal.aborted) break;
      }
    } finally {
      if (this.running === abort) this.running = undefined;
    }
  }

  private async executeCell(cell: vscode.NotebookCell, controller: vscode.NotebookController, context: ExecutionContext, provider: string | undefined): Promise<boolean> {
    const execution = controller.createNotebookCellExecution(cell);
    execution.executionOrder = ++this.order;
    execution.start(Date.now());
    const cancel = execution.token.onCancellationRequested(() => this.running?.abort());
    try {
      if (provider && !vscode.workspace.isTrusted) {
        throw new CellFailure('this workspace is not trusted, so lcnb does not load models into onnxruntime. Trust the workspace (Manage Workspace Trust) or pick the "Static analysis" kernel.');
      }
      const outcome = await executeCell(cell.document.getText(), context);
      this.results.set(cell.document.uri, outcome.report);
      await execution.replaceOutput(new vscode.NotebookCellOutput(outcomeItems(outcome).map((i) => new vscode.NotebookCellOutputItem(i.data, i.mime))));
      execution.end(true, Date.now());
      return true;
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      if (!(error instanceof CellFailure)) this.log.error(`cell failed: ${error.stack ?? error.message}`);
      this.results.set(cell.document.uri, undefined);
      await execution.replaceOutput(new vscode.NotebookCellOutput(errorItems(error).map((i) => new vscode.NotebookCellOutputItem(i.data, i.mime))));
      execution.end(false, Date.now());
      return false;
    } finally {
      cancel.dispose();
    }
  }

  dispose(): void {
    this.running?.abort();
    for (const d of [...this.controllers, ...this.disposables]) d.dispose();
  }
}
