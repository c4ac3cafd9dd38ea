/**
 * The one HTML page every lcnb webview starts from: a strict Content-Security-Policy (nothing
 * but the webview's own styles and images, and scripts only by a fresh 128-bit nonce), the
 * stylesheets, an optional inert JSON payload and one module script.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewPageSpec {
  readonly title: string;
  readonly stylesheets: readonly vscode.Uri[];
  readonly script: vscode.Uri;
  /** Markup of the page body before the scripts; lcnb's own markup only, never model strings. */
  readonly body: string;
  /** Data for the script, as `<script type="application/json" id=…>`: never executed. */
  readonly data?: { readonly id: string; readonly value: unknown };
  /** Allow images from the extension (the editor's diagram icons). */
  readonly images?: boolean;
}

/** `</script>` inside JSON would end the data block early; `\u003c` reads back as `<`. */
function jsonForScriptTag(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** Characters a title may carry into the page as they are; the rest are dropped. */
function safeTitle(title: string): string {
  return title.replace(/[^\w .:-]/g, '');
}

export function webviewPage(webview: vscode.Webview, spec: WebviewPageSpec): string {
  const nonce = randomBytes(16).toString('base64');
  const img = spec.images ? ` img-src ${webview.cspSource};` : '';
  const links = spec.stylesheets.map((s) => `<link rel="stylesheet" href="${webview.asWebviewUri(s)}">`).join('\n');
  const data = spec.data
    ? `<script type="application/json" id="${spec.data.id}">${jsonForScriptTag(spec.data.value)}</script>\n`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource};${img} script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${links}
<title>${safeTitle(spec.title)}</title>
</head>
<body>
${spec.body}
${data}<script type="module" nonce="${nonce}" src="${webview.asWebviewUri(spec.script)}"></script>
</body>
</html>`;
}
