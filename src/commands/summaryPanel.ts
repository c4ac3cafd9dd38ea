/** Shows a model summary in a webview panel rendered by media/summaryView.ts. */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { ModelSummary } from '../core/summary';

function escapeForScriptTag(json: string): string {
  return json.replace(/</g, '\\u003c');
}

export function showSummaryPanel(extensionUri: vscode.Uri, summary: ModelSummary): vscode.WebviewPanel {
  const mediaRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'media');
  const styleRoot = vscode.Uri.joinPath(extensionUri, 'media');
  const panel = vscode.window.createWebviewPanel('lcnb.summary', `Summary: ${summary.id}`, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [mediaRoot, styleRoot],
  });
  const webview = panel.webview;
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'summaryView.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(styleRoot, 'summaryView.css'));
  webview.html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Summary: ${summary.id.replace(/[^\w.-]/g, '')}</title>
</head>
<body>
<main id="root"></main>
<script type="application/json" id="lcnb-summary">${escapeForScriptTag(JSON.stringify(summary))}</script>
<script type="module" nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  return panel;
}
