/** New Notebook, Open Sample Notebooks, and the untitled notebooks the other commands open. */
import * as vscode from 'vscode';
import { LCNB_LANGUAGE, MARKDOWN_LANGUAGE } from '../notebookFile';
import { LcnbSerializer } from '../notebook/serializer';
import { CellOutcome } from '../run/execute';
import { outcomeItems } from '../run/notebook';
import { STARTER_CELL } from './cellText';
import { config, Lcnb } from '../host/context';

export function markdownCell(text: string): vscode.NotebookCellData {
  return new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, text, MARKDOWN_LANGUAGE);
}

export function codeCell(text: string): vscode.NotebookCellData {
  return new vscode.NotebookCellData(vscode.NotebookCellKind.Code, text, LCNB_LANGUAGE);
}

/** A code cell holding what it produced when it ran (its report and markdown), as a kernel would leave it. */
export function executedCell(text: string, outcome: CellOutcome, timing: { startTime: number; endTime: number }): vscode.NotebookCellData {
  const cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, text, LCNB_LANGUAGE);
  cell.outputs = [new vscode.NotebookCellOutput(outcomeItems(outcome).map((i) => new vscode.NotebookCellOutputItem(i.data, i.mime)))];
  cell.executionSummary = { executionOrder: 1, success: true, timing };
  return cell;
}

/** An untitled notebook URI named `name` (e.g. profile-squeezenet1_1.lcnb), -2, -3 … when that one is open. */
function untitledUri(name: string): vscode.Uri {
  const open = new Set(vscode.workspace.notebookDocuments.map((d) => d.uri.toString()));
  const stem = name.replace(/\.lcnb$/, '');
  for (let n = 1; ; n++) {
    const uri = vscode.Uri.from({ scheme: 'untitled', path: `${stem}${n > 1 ? `-${n}` : ''}.lcnb` });
    if (!open.has(uri.toString())) return uri;
  }
}

/**
 * Opens `cells` as a new untitled .lcnb notebook named `name` (saving asks where, proposing that
 * name) and, with `kernelId`, selects that notebook kernel so that re-running measures the same way.
 */
export async function openUntitledNotebook(lcnb: Lcnb, name: string, data: vscode.NotebookData | vscode.NotebookCellData[], kernelId?: string): Promise<vscode.NotebookEditor> {
  const notebook = Array.isArray(data) ? new vscode.NotebookData(data) : data;
  const document = await vscode.workspace.openNotebookDocument(untitledUri(name));
  const edit = new vscode.WorkspaceEdit();
  edit.set(document.uri, [vscode.NotebookEdit.insertCells(0, notebook.cells), ...(notebook.metadata ? [vscode.NotebookEdit.updateNotebookMetadata(notebook.metadata)] : [])]);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`could not fill the new notebook ${name}`);
  const editor = await vscode.window.showNotebookDocument(document);
  if (kernelId) {
    try {
      await vscode.commands.executeCommand('notebook.selectKernel', { notebookEditor: editor, id: kernelId, extension: lcnb.extension.extension.id });
    } catch (e) {
      lcnb.log.warn(`could not select the notebook kernel ${kernelId}: ${(e as Error).message}`);
    }
  }
  return editor;
}

/** The kernel a new notebook starts on: the one of setting lcnb.provider, or static analysis when untrusted. */
function defaultKernel(lcnb: Lcnb): string {
  return vscode.workspace.isTrusted ? `lcnb-ort-${config(lcnb).provider}` : 'lcnb-static';
}

export async function newNotebook(lcnb: Lcnb): Promise<vscode.NotebookEditor> {
  return openUntitledNotebook(lcnb, 'notebook.lcnb', [codeCell(STARTER_CELL)], defaultKernel(lcnb));
}

interface Sample {
  readonly name: string;
  readonly uri: vscode.Uri;
  readonly title: string;
}

async function samples(lcnb: Lcnb): Promise<Sample[]> {
  const folder = vscode.Uri.joinPath(lcnb.extension.extensionUri, 'notebooks');
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(folder);
  } catch {
    return [];
  }
  const names = entries.filter(([n, type]) => type === vscode.FileType.File && n.endsWith('.lcnb')).map(([n]) => n).sort();
  return Promise.all(
    names.map(async (name) => {
      const uri = vscode.Uri.joinPath(folder, name);
      let title = '';
      try {
        const data = new LcnbSerializer().deserializeNotebook(await vscode.workspace.fs.readFile(uri));
        const first = data.cells.find((c) => c.kind === vscode.NotebookCellKind.Markup)?.value ?? '';
        title = first.match(/^#\s+(.+)$/m)?.[1] ?? '';
      } catch (e) {
        lcnb.log.warn(`sample notebook ${name}: ${(e as Error).message}`);
      }
      return { name, uri, title };
    }),
  );
}

/**
 * A sample notebook: the workspace's own copy when it has one (opened in place), else the copy
 * shipped with lcnb opened as an untitled notebook, so it runs at once and saving asks where
 * (the extension's folder is no place for the user's results).
 */
export async function openSampleNotebooks(lcnb: Lcnb): Promise<vscode.NotebookEditor | undefined> {
  const list = await samples(lcnb);
  if (!list.length) {
    void vscode.window.showErrorMessage(`lcnb: no sample notebooks found in ${vscode.Uri.joinPath(lcnb.extension.extensionUri, 'notebooks').fsPath}; the installation looks incomplete.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    list.map((s) => ({ label: s.name, description: s.title, sample: s })),
    { title: 'lcnb: Open Sample Notebooks', placeHolder: 'Pick a sample notebook (the papers’ experiments)', matchOnDescription: true },
  );
  if (!picked) return undefined;
  const sample = picked.sample;
  const inWorkspace = vscode.workspace.workspaceFolders ? await vscode.workspace.findFiles(`**/${sample.name}`, '**/node_modules/**', 1) : [];
  if (inWorkspace.length) {
    lcnb.log.info(`opening the workspace's ${vscode.workspace.asRelativePath(inWorkspace[0])}`);
    return vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(inWorkspace[0]));
  }
  let data: vscode.NotebookData;
  try {
    data = new LcnbSerializer().deserializeNotebook(await vscode.workspace.fs.readFile(sample.uri));
  } catch (e) {
    void vscode.window.showErrorMessage(`lcnb: cannot read the sample ${sample.name}: ${(e as Error).message}`);
    return undefined;
  }
  lcnb.log.info(`opening lcnb's sample ${sample.name} as an untitled notebook`);
  return openUntitledNotebook(lcnb, sample.name, data, defaultKernel(lcnb));
}
