/**
 * Shows where a row of a report came from: its cell selected and scrolled to, the cell's editor
 * focused with the cursor on the row's line (a network layer's list item, else the model's id or
 * the verb; src/lang/reveal.ts decides) and those lines marked for a moment. Asked for by the
 * notebook renderer (a click on a layer row) and by a report's editor tab.
 */
import * as vscode from 'vscode';
import { reportRowSource, type ReportRow } from '../lang/reveal';

/** How long the revealed lines stay marked. */
const MARK_MS = 2000;

export class RowRevealer implements vscode.Disposable {
  // The find-match colour: the range highlight of "Go to Line" is too faint in the dark themes to catch the eye.
  private readonly mark = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
  });
  private clear: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  async reveal(cell: vscode.NotebookCell, row: ReportRow): Promise<void> {
    if (cell.index < 0 || cell.notebook.isClosed) {
      void vscode.window.showWarningMessage('lcnb: the cell of this report is no longer in its notebook.');
      return;
    }
    const source = reportRowSource(cell.document.getText(), row);
    const { start, end } = source.range;
    const range = new vscode.Range(start.line, start.character, end.line, end.character);
    const cells = new vscode.NotebookRange(cell.index, cell.index + 1);
    const shown = vscode.window.visibleNotebookEditors.find((e) => e.notebook === cell.notebook);
    const notebookEditor = await vscode.window.showNotebookDocument(cell.notebook, { viewColumn: shown?.viewColumn, selections: [cells] });
    notebookEditor.revealRange(cells, vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
    // A cell's document shown as a text document is the cell's own editor in the notebook.
    const editor = await vscode.window.showTextDocument(cell.document, { viewColumn: notebookEditor.viewColumn, selection: new vscode.Range(range.start, range.start) });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    editor.setDecorations(this.mark, [range]);
    clearTimeout(this.clear);
    this.clear = setTimeout(() => editor.setDecorations(this.mark, []), MARK_MS);
    this.log.trace(`revealed ${source.what} (line ${start.line + 1}) of cell ${cell.index + 1} for a row in scope '${row.scope}'`);
  }

  dispose(): void {
    clearTimeout(this.clear);
    this.mark.dispose();
  }
}
