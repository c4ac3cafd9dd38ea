/** "lcnb: Show Model Summary": quick pick of zoo models → summary panel. */
import * as vscode from 'vscode';
import { isUserFacing } from '../core/errors';
import { ModelSummary } from '../core/summary';
import { summarizeModel } from '../zoo';
import { pickZooModel } from './pickers';
import { showSummaryPanel } from './summaryPanel';

/**
 * Shows the summary of `id` (asked for when omitted) and returns it, or undefined when the user
 * cancels or the id is unknown (after saying so).
 */
export async function showModelSummary(
  extensionUri: vscode.Uri,
  log: vscode.LogOutputChannel,
  id?: string,
): Promise<ModelSummary | undefined> {
  const modelId = id ?? (await pickZooModel('lcnb: Show Model Summary'));
  if (!modelId) return undefined;
  let summary: ModelSummary;
  try {
    summary = summarizeModel(modelId);
  } catch (e) {
    if (!isUserFacing(e)) throw e;
    log.warn(`Show Model Summary: ${e.message}`);
    void vscode.window.showErrorMessage(`lcnb: ${e.message}`);
    return undefined;
  }
  log.info(`summary of ${modelId}: ${summary.totals.params} params, ${summary.totals.madds} MAdds`);
  showSummaryPanel(extensionUri, summary);
  return summary;
}
