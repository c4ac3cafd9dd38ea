/**
 * Notebook kernels in the picker: "Static analysis (no execution)" and one "ONNX Runtime · <EP>"
 * per execution provider this machine can start; the one of setting lcnb.provider is preferred.
 * Cells run one after another with Jupyter-style execution order (per notebook, after the highest
 * order its cells show) and timing; Run All stops at the first failed cell; interrupt cancels the
 * job. Unset measurement settings come from lcnb.*.
 */
import * as vscode from 'vscode';
import { onDidChangeConfig } from '../config';
import { config, executionContext, Lcnb } from '../host/context';
import { providerLabel } from '../host/providers';
import { requireTrust, untrustedMessage } from '../host/trust';
import { CellFailure, executeCell, ExecutionContext } from '../run/execute';
import { ExecutionCounters } from './executionOrder';
import { notebookNetworks } from './notebookCells';
import { errorItems, outcomeItems } from '../run/notebook';

const NOTEBOOK_TYPE = 'lcnb';
const ORT_ACTION = 'Running cells on an ONNX Runtime kernel';

export class NotebookKernels implements vscode.Disposable {
  private readonly controllers = new Map<string | undefined, vscode.NotebookController>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly orders = new ExecutionCounters<vscode.NotebookDocument>();
  private running: AbortController | undefined;
  private discovery: Promise<void> | undefined;
  /** The kernel each open notebook has selected. */
  private readonly selected = new WeakMap<vscode.NotebookDocument, string>();

  constructor(private readonly lcnb: Lcnb) {
    this.add('lcnb-static', 'Static analysis (no execution)', 'Counts params, MAdds, FLOPs and memory traffic; runs nothing.', undefined);
    this.add('lcnb-ort-cpu', 'ONNX Runtime · CPU', 'Counts, then measures latency with onnxruntime on this machine.', 'cpu');
    // Other providers need onnxruntime to say whether they can start: ask once a notebook opens.
    this.disposables.push(
      vscode.workspace.onDidOpenNotebookDocument((doc) => {
        if (doc.notebookType !== NOTEBOOK_TYPE) return;
        this.orders.observe(doc, ordersOf(doc));
        this.prefer(doc);
        void this.discoverProviders().then(() => this.prefer(doc));
      }),
      // An untitled notebook a command fills (Profile Model…) gets its executed cells after it opened:
      // seen here, its [1] is not forgotten when Clear All Outputs removes it.
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        if (e.notebook.notebookType !== NOTEBOOK_TYPE) return;
        if (e.contentChanges.some((c) => c.addedCells.length) || e.cellChanges.some((c) => c.executionSummary)) this.orders.observe(e.notebook, ordersOf(e.notebook));
      }),
      onDidChangeConfig(() => vscode.workspace.notebookDocuments.forEach((d) => d.notebookType === NOTEBOOK_TYPE && this.prefer(d))),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.discovery = undefined;
        void this.discoverProviders();
      }),
      vscode.window.onDidChangeVisibleNotebookEditors((editors) => editors.forEach((e) => this.selectPreferred(e))),
    );
    for (const editor of vscode.window.visibleNotebookEditors) this.selectPreferred(editor);
    for (const doc of vscode.workspace.notebookDocuments) {
      if (doc.notebookType !== NOTEBOOK_TYPE) continue;
      this.orders.observe(doc, ordersOf(doc));
      this.prefer(doc);
    }
  }

  private add(id: string, label: string, description: string, provider: string | undefined): void {
    const controller = vscode.notebooks.createNotebookController(id, NOTEBOOK_TYPE, label);
    controller.supportedLanguages = ['lcnb'];
    controller.supportsExecutionOrder = true;
    controller.description = description;
    controller.executeHandler = (cells, notebook, c) => this.execute(cells, notebook, c, provider);
    controller.interruptHandler = () => this.running?.abort();
    this.disposables.push(
      controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
        if (selected) this.selected.set(notebook, id);
        else if (this.selected.get(notebook) === id) this.selected.delete(notebook);
      }),
    );
    this.controllers.set(provider, controller);
  }

  /**
   * A notebook opened from the explorer (or restored) starts on the preferred kernel, as a new one
   * does, instead of at "Select Kernel"; a kernel VS Code restores or the user picks is kept.
   */
  private selectPreferred(editor: vscode.NotebookEditor): void {
    const doc = editor.notebook;
    if (doc.notebookType !== NOTEBOOK_TYPE || this.selected.has(doc)) return;
    // VS Code restores a notebook's last kernel just after the editor shows: wait for that first.
    setTimeout(() => {
      if (this.selected.has(doc) || doc.isClosed) return;
      const wanted = vscode.workspace.isTrusted ? config(this.lcnb, doc.uri).provider : undefined;
      // A provider not discovered yet (or gone) falls back to the CPU kernel, untrusted to the static one.
      const controller = this.controllers.get(wanted) ?? this.controllers.get(vscode.workspace.isTrusted ? 'cpu' : undefined)!;
      void vscode.commands.executeCommand('notebook.selectKernel', { notebookEditor: editor, id: controller.id, extension: this.lcnb.extension.extension.id }).then(undefined, (e: Error) =>
        this.lcnb.log.warn(`could not select the notebook kernel ${controller.id}: ${e.message}`),
      );
    }, 500);
  }

  /** Marks the kernel of setting lcnb.provider as preferred for `doc` (the static one when untrusted). */
  private prefer(doc: vscode.NotebookDocument): void {
    const wanted = vscode.workspace.isTrusted ? config(this.lcnb, doc.uri).provider : undefined;
    for (const [provider, controller] of this.controllers) {
      controller.updateNotebookAffinity(doc, provider === wanted ? vscode.NotebookControllerAffinity.Preferred : vscode.NotebookControllerAffinity.Default);
    }
  }

  private discoverProviders(): Promise<void> {
    this.discovery ??= (async () => {
      if (!vscode.workspace.isTrusted) return;
      try {
        for (const p of await this.lcnb.kernel().providers()) {
          if (p.name === 'cpu' || !p.available || this.controllers.has(p.name)) continue;
          this.add(`lcnb-ort-${p.name}`, `ONNX Runtime · ${providerLabel(p.name)}`, `Measures with onnxruntime's ${p.name} execution provider.`, p.name);
          this.lcnb.log.info(`execution provider ${p.name} is available`);
        }
      } catch (e) {
        this.lcnb.log.warn(`could not list execution providers: ${(e as Error).message}`);
      }
    })();
    return this.discovery;
  }

  private async execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument, controller: vscode.NotebookController, provider: string | undefined): Promise<void> {
    const abort = new AbortController();
    this.running = abort;
    // Refused once per run with a notification that offers to trust; each cell's output says why too.
    const untrusted = !!provider && !requireTrust(ORT_ACTION);
    const context: ExecutionContext = executionContext(this.lcnb, { provider, scope: notebook.uri, signal: abort.signal });
    try {
      for (const cell of cells) {
        const ok = await this.executeCell(cell, notebook, controller, context, untrusted);
        if (!ok || abort.signal.aborted) break;
      }
    } finally {
      if (this.running === abort) this.running = undefined;
    }
  }

  private async executeCell(cell: vscode.NotebookCell, notebook: vscode.NotebookDocument, controller: vscode.NotebookController, context: ExecutionContext, untrusted: boolean): Promise<boolean> {
    const execution = controller.createNotebookCellExecution(cell);
    execution.executionOrder = this.orders.next(notebook, ordersOf(notebook));
    execution.start(Date.now());
    const cancel = execution.token.onCancellationRequested(() => this.running?.abort());
    try {
      if (untrusted) throw new CellFailure(`${untrustedMessage(ORT_ACTION).replace(/^lcnb: /, '')} Or pick the "Static analysis" kernel.`);
      const outcome = await executeCell(cell.document.getText(), { ...context, networks: notebookNetworks(notebook) });
      this.lcnb.results.set(cell.document.uri, outcome.report);
      await execution.replaceOutput(new vscode.NotebookCellOutput(outcomeItems(outcome).map((i) => new vscode.NotebookCellOutputItem(i.data, i.mime))));
      execution.end(true, Date.now());
      return true;
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      if (!(error instanceof CellFailure)) this.lcnb.log.error(`cell failed: ${error.stack ?? error.message}`);
      this.lcnb.results.set(cell.document.uri, undefined);
      await execution.replaceOutput(new vscode.NotebookCellOutput(errorItems(error).map((i) => new vscode.NotebookCellOutputItem(i.data, i.mime))));
      execution.end(false, Date.now());
      return false;
    } finally {
      cancel.dispose();
    }
  }

  dispose(): void {
    this.running?.abort();
    for (const d of [...this.controllers.values(), ...this.disposables]) d.dispose();
  }
}

function ordersOf(notebook: vscode.NotebookDocument): (number | undefined)[] {
  return notebook.getCells().map((c) => c.executionSummary?.executionOrder);
}
