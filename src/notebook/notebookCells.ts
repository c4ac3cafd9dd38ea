/** A cell document's notebook, and what a cell reads from the other cells of its notebook. */
import * as vscode from 'vscode';
import { networkCells, NetworkCells } from '../lang/index';
import { LCNB_LANGUAGE } from '../notebookFile';

/** The open notebook that holds `doc` (a cell's text document), if any. */
export function notebookOfCell(doc: vscode.TextDocument): vscode.NotebookDocument | undefined {
  return vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document === doc));
}

/** The network cells of `notebook` by name, as its text is now (compare entries name them). */
export function notebookNetworks(notebook: vscode.NotebookDocument | undefined): NetworkCells {
  const texts = (notebook?.getCells() ?? []).filter((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === LCNB_LANGUAGE).map((c) => c.document.getText());
  return networkCells(texts);
}
