/** Opens and saves `.lcnb` notebooks: a thin adapter between VS Code's notebook types and src/notebookFile. */
import * as vscode from 'vscode';
import * as lcnb from '../notebookFile';

/** Outputs, metadata and execution summaries are all saved in the file. */
export const LCNB_SERIALIZER_OPTIONS: vscode.NotebookDocumentContentOptions = {
  transientOutputs: false,
  transientCellMetadata: {},
  transientDocumentMetadata: {},
};

export class LcnbSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    // A malformed file throws NotebookFormatError (problem, line, column) rather than opening as
    // an empty notebook: VS Code then shows the error and opens nothing, so no later save can
    // overwrite the user's text with an empty notebook.
    return toVscode(lcnb.decodeNotebook(content));
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    return lcnb.encodeNotebook(fromVscode(data));
  }
}

function toVscode(doc: lcnb.NotebookDocumentData): vscode.NotebookData {
  const cells = doc.cells.map((c) => {
    const kind = c.kind === lcnb.NotebookCellKind.Code ? vscode.NotebookCellKind.Code : vscode.NotebookCellKind.Markup;
    const cell = new vscode.NotebookCellData(kind, c.value, c.languageId);
    if (c.outputs) {
      cell.outputs = c.outputs.map(
        (o) => new vscode.NotebookCellOutput(o.items.map((i) => new vscode.NotebookCellOutputItem(i.data, i.mime)), o.metadata),
      );
    }
    if (c.executionSummary) cell.executionSummary = c.executionSummary;
    if (c.metadata) cell.metadata = c.metadata;
    return cell;
  });
  const data = new vscode.NotebookData(cells);
  if (doc.metadata) data.metadata = doc.metadata;
  return data;
}

function fromVscode(data: vscode.NotebookData): lcnb.NotebookDocumentData {
  return {
    metadata: data.metadata,
    cells: data.cells.map((c) => ({
      kind: c.kind === vscode.NotebookCellKind.Code ? lcnb.NotebookCellKind.Code : lcnb.NotebookCellKind.Markup,
      value: c.value,
      languageId: c.languageId,
      outputs: c.outputs?.map((o) => ({ items: o.items.map((i) => ({ mime: i.mime, data: i.data })), metadata: o.metadata })),
      metadata: c.metadata,
      executionSummary: c.executionSummary && {
        executionOrder: c.executionSummary.executionOrder,
        success: c.executionSummary.success,
        timing: c.executionSummary.timing && { startTime: c.executionSummary.timing.startTime, endTime: c.executionSummary.timing.endTime },
      },
    })),
  };
}
