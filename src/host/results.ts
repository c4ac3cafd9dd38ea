/** The last report of each executed cell, so hovers and the status bar can show measured numbers. */
import * as vscode from 'vscode';
import { Report, REPORT_MIME } from '../run/reportTypes';

export class CellResults {
  private readonly reports = new Map<string, Report>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires with the cell's URI when its report changes. */
  readonly onDidChange = this.changed.event;

  set(cell: vscode.Uri, report: Report | undefined): void {
    if (report) this.reports.set(cell.toString(), report);
    else this.reports.delete(cell.toString());
    this.changed.fire(cell);
  }

  get(cell: vscode.Uri): Report | undefined {
    return this.reports.get(cell.toString());
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** A report read back from a cell's output, when it has the shape the status bar and hovers read. */
function reportOf(cell: vscode.NotebookCell): Report | undefined {
  const item = cell.outputs.flatMap((o) => o.items).find((i) => i.mime === REPORT_MIME);
  if (!item) return undefined;
  try {
    const report = JSON.parse(new TextDecoder().decode(item.data)) as Report;
    const ok = Array.isArray(report?.models) && report.models.every((m) => typeof m?.summary?.totals?.madds === 'number' && typeof m.summary.totals.params === 'number');
    return ok ? report : undefined;
  } catch {
    return undefined; // a damaged output shows as the renderer's error; the cell just has no status item
  }
}

/**
 * Cells that arrive with outputs — a saved notebook opened, or the executed cells Profile Model…
 * and Compare Models… put in a new notebook — get their report as if they had just run here, so
 * their status bar item and inlay hints show the numbers their outputs hold.
 */
export function restoreResults(results: CellResults): vscode.Disposable {
  const restore = (notebook: vscode.NotebookDocument, cells: readonly vscode.NotebookCell[] = notebook.getCells()) => {
    if (notebook.notebookType !== 'lcnb') return;
    for (const cell of cells) {
      if (cell.kind !== vscode.NotebookCellKind.Code) continue;
      const report = reportOf(cell);
      // Clear All Outputs takes the numbers away with the outputs.
      if (!report && cell.outputs.length === 0 && results.get(cell.document.uri)) results.set(cell.document.uri, undefined);
      else if (report && !results.get(cell.document.uri)) results.set(cell.document.uri, report);
    }
  };
  vscode.workspace.notebookDocuments.forEach((d) => restore(d));
  return vscode.Disposable.from(
    vscode.workspace.onDidOpenNotebookDocument((d) => restore(d)),
    vscode.workspace.onDidChangeNotebookDocument((e) => {
      const added = e.contentChanges.flatMap((c) => c.addedCells);
      const withOutputs = e.cellChanges.filter((c) => c.outputs).map((c) => c.cell);
      if (added.length || withOutputs.length) restore(e.notebook, [...added, ...withOutputs]);
    }),
  );
}

