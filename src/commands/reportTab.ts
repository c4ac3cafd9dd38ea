/**
 * "lcnb: Open Report in Editor Tab": the report of the selected cell (or of the cell whose menu or
 * output button ran the command; the same lookup as the Export Report commands) in an editor tab
 * of its own, drawn by the notebook renderer's code (media/reportTab/main.ts). One tab per cell: the
 * command shows it again; a re-run of the cell refreshes it; a click on a layer row shows the
 * row's line in the cell.
 */
import * as vscode from 'vscode';
import type { ReportTabRequest, ReportTabUpdate } from '../notebook/rendererMessages';
import type { RowRevealer } from '../notebook/revealRow';
import { webviewPage } from '../webviewPage';
import { config, Lcnb } from '../host/context';
import { cellReport, isCell } from './exportReport';

const TITLE = 'lcnb: Open Report in Editor Tab';
export const REPORT_TAB_VIEW_TYPE = 'lcnb.reportTab';

function isRequest(m: unknown): m is ReportTabRequest {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as { type?: unknown; model?: unknown; scope?: unknown };
  return r.type === 'ready' || (r.type === 'revealRow' && Number.isInteger(r.model) && (r.model as number) >= 0 && typeof r.scope === 'string');
}

class ReportTab {
  readonly panel: vscode.WebviewPanel;
  private note: string | undefined;

  constructor(
    private readonly lcnb: Lcnb,
    private cell: vscode.NotebookCell,
    private report: unknown,
    title: string,
    revealer: RowRevealer,
    onDispose: () => void,
  ) {
    const scripts = vscode.Uri.joinPath(lcnb.extension.extensionUri, 'dist', 'media');
    const styles = vscode.Uri.joinPath(lcnb.extension.extensionUri, 'media');
    this.panel = vscode.window.createWebviewPanel(REPORT_TAB_VIEW_TYPE, title, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [scripts, styles] });
    this.panel.iconPath = new vscode.ThemeIcon('table');
    this.panel.webview.html = webviewPage(this.panel.webview, {
      title,
      stylesheets: [vscode.Uri.joinPath(styles, 'report', 'report.css'), vscode.Uri.joinPath(styles, 'reportTab', 'reportTab.css')],
      script: vscode.Uri.joinPath(scripts, 'reportTab.js'),
      body: '<main id="root" class="lcnb-report-tab"><p class="lcnb-muted">Drawing the report…</p></main>',
    });
    this.panel.webview.onDidReceiveMessage((m: unknown) => {
      if (!isRequest(m)) return;
      // The page asks on every load (a hidden tab's page is dropped and loads again when shown).
      if (m.type === 'ready') this.post();
      else revealer.reveal(this.cell, { model: m.model, scope: m.scope }).catch((e: unknown) => lcnb.log.error(`${TITLE}: ${e instanceof Error ? e.message : String(e)}`));
    });
    this.panel.onDidDispose(onDispose);
  }

  post(): void {
    const update: ReportTabUpdate = { type: 'report', report: this.report, headlineFlops: config(this.lcnb).headlineFlops, note: this.note };
    void this.panel.webview.postMessage(update);
  }

  /** The cell's outputs changed: show its new report, or say the shown one is its last. */
  refresh(cell: vscode.NotebookCell): void {
    this.cell = cell;
    const found = cellReport(cell);
    if (typeof found === 'string') {
      // Outputs cleared (a run starting, Clear All Outputs) or a run that failed.
      this.note = `Cell ${cell.index + 1} has no report now; this is its last one.`;
      this.post();
      return;
    }
    this.report = found.report;
    this.note = undefined;
    this.panel.title = tabTitle(found.report.title);
    this.post();
  }

  orphan(): void {
    this.note = 'The cell of this report was deleted or its notebook closed; this is its last report.';
    this.post();
  }
}

function tabTitle(reportTitle: string): string {
  return `Report: ${reportTitle}`;
}

export class ReportTabs implements vscode.Disposable {
  /** By the cell's document URI. */
  private readonly tabs = new Map<string, ReportTab>();
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly lcnb: Lcnb,
    private readonly revealer: RowRevealer,
  ) {
    this.disposables = [
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        for (const change of e.cellChanges) if (change.outputs) this.tabs.get(change.cell.document.uri.toString())?.refresh(change.cell);
        for (const removed of e.contentChanges.flatMap((c) => c.removedCells)) this.tabs.get(removed.document.uri.toString())?.orphan();
      }),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => {
        for (const cell of notebook.getCells()) this.tabs.get(cell.document.uri.toString())?.orphan();
      }),
    ];
  }

  /** The command: `arg` is the cell whose menu or output ran it, else the selected cell is used. */
  open(arg?: unknown): vscode.WebviewPanel | undefined {
    const found = cellReport(isCell(arg) ? arg : undefined);
    if (typeof found === 'string') {
      void vscode.window.showErrorMessage(`${TITLE}: ${found}.`);
      return undefined;
    }
    const cell = found.cell!;
    const key = cell.document.uri.toString();
    const existing = this.tabs.get(key);
    if (existing) {
      existing.refresh(cell);
      existing.panel.reveal();
      return existing.panel;
    }
    const tab = new ReportTab(this.lcnb, cell, found.report, tabTitle(found.report.title), this.revealer, () => this.tabs.delete(key));
    this.tabs.set(key, tab);
    this.lcnb.log.info(`${TITLE}: cell ${cell.index + 1} of ${vscode.workspace.asRelativePath(cell.notebook.uri)} (${found.report.title})`);
    return tab.panel;
  }

  /** A display setting changed: every tab draws its report again. */
  refreshSettings(): void {
    for (const tab of this.tabs.values()) tab.post();
  }

  dispose(): void {
    for (const tab of [...this.tabs.values()]) tab.panel.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}
