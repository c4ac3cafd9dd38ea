/** "lcnb: Expand Model into Layers": turns a `model:` cell into an editable `network:` cell with identical costs. */
import * as vscode from 'vscode';
import { UserError } from '../core/errors';
import { CellError } from '../lang';
import { expandModel } from '../lang/expand';

function targetCell(cell: unknown): vscode.NotebookCell | undefined {
  if (cell && typeof cell === 'object' && 'document' in cell && 'notebook' in cell) return cell as vscode.NotebookCell;
  const editor = vscode.window.activeNotebookEditor;
  if (!editor || editor.notebook.notebookType !== 'lcnb') return undefined;
  return editor.notebook.cellAt(editor.selection.start);
}

/** Rewrites the cell in place (undoable) and returns the new text, or undefined after saying why not. */
export async function expandModelIntoLayers(log: vscode.LogOutputChannel, cell?: unknown): Promise<string | undefined> {
  const target = targetCell(cell);
  if (!target || target.document.languageId !== 'lcnb') {
    void vscode.window.showErrorMessage('lcnb: select a `model:` cell in an lcnb notebook to expand it into layers.');
    return undefined;
  }
  let text: string;
  try {
    text = expandModel(target.document.getText()).text;
  } catch (e) {
    if (!(e instanceof CellError || e instanceof UserError)) throw e;
    log.warn(`Expand Model into Layers: ${e.message}`);
    void vscode.window.showErrorMessage(`lcnb: cannot expand this cell: ${e.message}`);
    return undefined;
  }
  const document = target.document;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
  await vscode.workspace.applyEdit(edit);
  return text;
}
