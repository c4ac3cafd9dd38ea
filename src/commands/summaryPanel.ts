/** Shows a model summary in a webview panel rendered by media/summary/main.ts. */
import * as vscode from 'vscode';
import { ModelSummary } from '../core/summary';
import { webviewPage } from '../webviewPage';

export function showSummaryPanel(extensionUri: vscode.Uri, summary: ModelSummary): vscode.WebviewPanel {
  const mediaRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'media');
  const styleRoot = vscode.Uri.joinPath(extensionUri, 'media');
  const panel = vscode.window.createWebviewPanel('lcnb.summary', `Summary: ${summary.id}`, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [mediaRoot, styleRoot],
  });
  panel.webview.html = webviewPage(panel.webview, {
    title: `Summary: ${summary.id}`,
    stylesheets: [vscode.Uri.joinPath(styleRoot, 'summary', 'summary.css')],
    script: vscode.Uri.joinPath(mediaRoot, 'summaryView.js'),
    body: '<main id="root"></main>',
    data: { id: 'lcnb-summary', value: summary },
  });
  return panel;
}
