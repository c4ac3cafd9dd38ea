/**
 * "lcnb: Export Report as CSV / JSON / Markdown" and "lcnb: Export Netron Attachment": the report
 * of the selected notebook cell (or one handed over as `{ report, suggestedName }`, or for the
 * attachment an .onnx file's summary) → save dialog → file. The text comes from src/run/exports.ts.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { readOnnxFile } from '../onnx/file';
import { reportToCsv, reportToJson, reportToMarkdown, reportToNetronAttachment } from '../run/exports';
import { Report, REPORT_MIME } from '../run/reportTypes';
import { modelReport, report as makeReport } from '../run/buildReport';
import { modelName } from '../shared/models';
import { Lcnb } from '../host/context';
import { failed } from '../host/failures';

export type ReportFormat = 'csv' | 'json' | 'markdown' | 'netron';

const FORMATS: Record<ReportFormat, { title: string; extension: string; filter: string }> = {
  csv: { title: 'lcnb: Export Report as CSV', extension: 'csv', filter: 'CSV' },
  json: { title: 'lcnb: Export Report as JSON', extension: 'json', filter: 'JSON' },
  markdown: { title: 'lcnb: Export Report as Markdown', extension: 'md', filter: 'Markdown' },
  netron: { title: 'lcnb: Export Netron Attachment', extension: 'json', filter: 'Netron attachment (JSON)' },
};

export interface Source {
  readonly report: Report;
  /** The notebook cell whose output holds the report, when it came from one. */
  readonly cell?: vscode.NotebookCell;
  /** File name without extension. */
  readonly name: string;
  /** Where the save dialog starts. */
  readonly folder?: vscode.Uri;
}

function isReport(value: unknown): value is Report {
  const r = value as Report;
  return !!r && typeof r === 'object' && typeof r.title === 'string' && Array.isArray(r.models) && Array.isArray(r.notes) && typeof r.verb === 'string';
}

function safeName(text: string): string {
  return text.replace(/^compare: /, 'compare ').replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'report';
}

function workspaceFolder(): vscode.Uri | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

export function isCell(value: unknown): value is vscode.NotebookCell {
  return !!value && typeof value === 'object' && 'document' in value && 'notebook' in value && 'outputs' in value;
}

/**
 * The report in the output of `given` (a cell whose menu ran the command) or of the notebook's
 * selected cell, or why there is none. Also what "Open Report in Editor Tab" shows.
 */
export function cellReport(given?: vscode.NotebookCell): Source | string {
  const editor = vscode.window.activeNotebookEditor;
  const notebook = given?.notebook ?? editor?.notebook;
  if (!notebook || notebook.notebookType !== 'lcnb') return 'open an lcnb notebook and select a cell that has run (its output holds the report)';
  const reportItem = (cell: vscode.NotebookCell) => cell.outputs.flatMap((o) => o.items).find((i) => i.mime === REPORT_MIME);
  let cell = given ?? notebook.cellAt(editor!.selection.start);
  if (!reportItem(cell) && !given) {
    // A notebook with one report (such as the one Profile Model… opens) needs no selection.
    const withReports = notebook.getCells().filter((c) => reportItem(c));
    if (withReports.length !== 1) {
      return withReports.length
        ? `cell ${cell.index + 1} has no lcnb report in its output; select one of the cells that has run (${withReports.map((c) => c.index + 1).join(', ')})`
        : 'no cell of this notebook has an lcnb report in its output: run a cell first';
    }
    cell = withReports[0];
  }
  const item = reportItem(cell);
  if (!item) return `cell ${cell.index + 1} has no lcnb report in its output: run it first`;
  let report: unknown;
  try {
    report = JSON.parse(new TextDecoder().decode(item.data));
  } catch (e) {
    return `the report in cell ${cell.index + 1} is not valid JSON (${(e as Error).message}); run the cell again`;
  }
  if (!isReport(report)) return `the output of cell ${cell.index + 1} is not an lcnb report; run the cell again`;
  const uri = notebook.uri;
  const folder = uri.scheme === 'file' ? vscode.Uri.joinPath(uri, '..') : workspaceFolder();
  return { report, name: safeName(report.title), folder, cell };
}

async function onnxSummaryReport(uri: vscode.Uri): Promise<Source> {
  const model = await readOnnxFile(uri.fsPath);
  const graph = model.graph;
  const r = makeReport('model', graph.name, [modelReport(graph)]);
  return { report: r, name: basename(uri.fsPath).replace(/\.onnx$/i, ''), folder: vscode.Uri.joinPath(uri, '..') };
}

/** The report to export: the argument when given (checked), else the active cell's. */
async function source(arg: unknown, format: ReportFormat): Promise<Source | string> {
  if (arg === undefined || arg === null) return cellReport();
  if (isCell(arg)) return cellReport(arg);
  if (arg instanceof vscode.Uri) {
    if (format !== 'netron' || !/\.onnx$/i.test(arg.path)) return `expected a report${format === 'netron' ? ' or an .onnx file' : ''}, got ${arg.fsPath}`;
    if (arg.scheme !== 'file') return `${arg.toString()} is not a file on this machine`;
    return onnxSummaryReport(arg);
  }
  const given = arg as { report?: unknown; suggestedName?: unknown };
  if (typeof arg !== 'object' || !isReport(given.report)) return 'expected { report, suggestedName? } with an lcnb report';
  const name = typeof given.suggestedName === 'string' && given.suggestedName.trim() ? given.suggestedName.trim().replace(/\.[^.]+$/, '') : safeName(given.report.title);
  return { report: given.report, name, folder: workspaceFolder() };
}

/** For an attachment of a report with several models: which one (one .onnx file each). */
async function pickModelIndex(report: Report, title: string): Promise<number | undefined> {
  if (report.models.length <= 1) return 0;
  const picked = await vscode.window.showQuickPick(
    report.models.map((m, index) => ({ label: modelName(m), description: m.profile ? 'measured' : 'counted', index })),
    { title, placeHolder: 'A Netron attachment describes one model: which one?' },
  );
  return picked?.index;
}

export async function exportReport(lcnb: Lcnb, format: ReportFormat, arg?: unknown): Promise<vscode.Uri | undefined> {
  const { title, extension, filter } = FORMATS[format];
  let src: Source | string;
  try {
    src = await source(arg, format);
  } catch (e) {
    return failed(lcnb, title, e);
  }
  if (typeof src === 'string') {
    void vscode.window.showErrorMessage(`${title}: ${src}.`);
    return undefined;
  }
  let text: string;
  let name = src.name;
  try {
    if (format === 'netron') {
      const index = await pickModelIndex(src.report, title);
      if (index === undefined) return undefined;
      if (src.report.models.length > 1) name = safeName(modelName(src.report.models[index]));
      text = JSON.stringify(reportToNetronAttachment(src.report, index), null, 1) + '\n';
    } else {
      text = format === 'csv' ? reportToCsv(src.report) : format === 'json' ? reportToJson(src.report) : reportToMarkdown(src.report);
    }
  } catch (e) {
    return failed(lcnb, title, e);
  }
  // Netron recognises an attachment by a .json file; the suffix keeps it apart from the report's JSON.
  const fileName = `${name}${format === 'netron' ? '.netron' : ''}.${extension}`;
  const target = await vscode.window.showSaveDialog({
    title,
    defaultUri: src.folder ? vscode.Uri.joinPath(src.folder, fileName) : undefined,
    filters: { [filter]: [extension] },
    saveLabel: 'Export',
  });
  if (!target) return undefined;
  try {
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  } catch (e) {
    return failed(lcnb, title, new Error(`cannot write ${target.fsPath}: ${(e as Error).message}`));
  }
  lcnb.log.info(`${title}: wrote ${target.fsPath}`);
  const hint = format === 'netron' ? ' In Netron, open the model, then open this file: its numbers appear in the sidebar of the model and of each node.' : '';
  void vscode.window.showInformationMessage(`lcnb: exported ${vscode.workspace.asRelativePath(target)}.${hint}`, 'Open').then((b) => b && vscode.commands.executeCommand('vscode.open', target));
  return target;
}
