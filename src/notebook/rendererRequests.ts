/**
 * What the notebook renderer asks of the extension besides its settings: a click on a layer row
 * (show the row's line in its cell) and the header's "Open in tab" button. Each names the output
 * it was drawn for; the cell is the one of the renderer's notebook holding that output.
 */
import * as vscode from 'vscode';
import type { RendererOpenInTab, RendererRevealRow } from './rendererMessages';
import { REPORT_RENDERER_ID } from './rendererSettings';
import type { RowRevealer } from './revealRow';

function cellOfOutput(notebook: vscode.NotebookDocument, outputId: string): vscode.NotebookCell | undefined {
  // The extension host's outputs carry the id the renderer sees as the output item's id.
  return notebook.getCells().find((c) => c.outputs.some((o) => (o as { id?: unknown }).id === outputId));
}

type Request = RendererRevealRow | RendererOpenInTab;

function request(message: unknown): Request | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as { type?: unknown; outputId?: unknown; model?: unknown; scope?: unknown };
  if (typeof m.outputId !== 'string') return undefined;
  if (m.type === 'lcnb.openInTab') return { type: m.type, outputId: m.outputId };
  if (m.type === 'lcnb.revealRow' && Number.isInteger(m.model) && (m.model as number) >= 0 && typeof m.scope === 'string') return { type: m.type, outputId: m.outputId, model: m.model as number, scope: m.scope };
  return undefined;
}

export function rendererRequests(revealer: RowRevealer, openInTab: (cell: vscode.NotebookCell) => unknown, log: vscode.LogOutputChannel): vscode.Disposable {
  const messaging = vscode.notebooks.createRendererMessaging(REPORT_RENDERER_ID);
  return messaging.onDidReceiveMessage((e) => {
    const message = request(e.message);
    if (!message) return;
    const cell = cellOfOutput(e.editor.notebook, message.outputId);
    if (!cell) {
      log.warn(`renderer: no cell of ${e.editor.notebook.uri.toString()} holds output ${message.outputId} (${message.type})`);
      return;
    }
    const done = message.type === 'lcnb.revealRow' ? revealer.reveal(cell, { model: message.model, scope: message.scope }) : Promise.resolve(openInTab(cell));
    done.catch((err: unknown) => log.error(`renderer request ${message.type}: ${err instanceof Error ? err.message : String(err)}`));
  });
}
