/**
 * Webview entry of a report opened in an editor tab (src/commands/reportTab.ts): the notebook
 * renderer's own view of the report the host sends, drawn again whenever it sends one (a re-run
 * of the cell, a changed setting); a click on a layer row asks the host to show its cell line.
 */
import type { ReportTabRequest, ReportTabUpdate } from '../../src/notebook/rendererMessages';
import { VSCODE_THEME, vegaEmbedder, withOutputFont } from '../report/chart-view';
import { Disposable, el } from '../shared/dom';
import { renderReport } from '../report/view';

declare function acquireVsCodeApi(): { postMessage(message: ReportTabRequest): void };

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;
let view: Disposable | undefined;

window.addEventListener('message', (event: MessageEvent<ReportTabUpdate>) => {
  const update = event.data;
  if (update?.type !== 'report') return;
  view?.dispose();
  const body = el(document, 'div');
  root.replaceChildren(...(update.note ? [el(document, 'p', update.note, 'lcnb-tab-note')] : []), body);
  view = renderReport(body, update.report, {
    embedChart: vegaEmbedder,
    theme: withOutputFont(VSCODE_THEME, root),
    headline: update.headlineFlops,
    revealLayer: { title: 'Reveal in cell', run: (model, row) => vscode.postMessage({ type: 'revealRow', model, scope: row.scope }) },
  });
});
vscode.postMessage({ type: 'ready' });
