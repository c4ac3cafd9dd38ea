/** The last report of each executed cell, so hovers and the status bar can show measured numbers. */
import * as vscode from 'vscode';
import type { Report } from '../run/report';

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
