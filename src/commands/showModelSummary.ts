/** "lcnb: Show Model Summary": quick pick of zoo models → summary panel. */
import * as vscode from 'vscode';
import { GraphError, UserError } from '../core/errors';
import { ModelSummary } from '../core/summary';
import { formatSI } from '../shared/format';
import { summarizeModel, zooModels } from '../zoo';
import { showSummaryPanel } from './summaryPanel';

async function pickModel(): Promise<string | undefined> {
  const items = zooModels().map((m) => {
    const published = m.published
      .filter((p) => p.metric !== 'latency_ms')
      .map((p) => (p.metric === 'top1' ? `top-1 ${p.value}%` : `${p.metric === 'madds' ? 'MAdds' : p.metric} ${formatSI(p.value)}`));
    return { label: m.id, description: m.family, detail: published.length ? `published: ${[...new Set(published)].join(' · ')}` : undefined };
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'lcnb: Show Model Summary',
    placeHolder: 'Pick a model from the zoo',
    matchOnDescription: true,
  });
  return picked?.label;
}

/**
 * Shows the summary of `id` (asked for when omitted) and returns it, or undefined when the user
 * cancels or the id is unknown (after saying so).
 */
export async function showModelSummary(
  extensionUri: vscode.Uri,
  log: vscode.LogOutputChannel,
  id?: string,
): Promise<ModelSummary | undefined> {
  const modelId = id ?? (await pickModel());
  if (!modelId) return undefined;
  let summary: ModelSummary;
  try {
    summary = summarizeModel(modelId);
  } catch (e) {
    if (!(e instanceof UserError || e instanceof GraphError)) throw e;
    log.warn(`Show Model Summary: ${e.message}`);
    void vscode.window.showErrorMessage(`lcnb: ${e.message}`);
    return undefined;
  }
  log.info(`summary of ${modelId}: ${summary.totals.params} params, ${summary.totals.madds} MAdds`);
  showSummaryPanel(extensionUri, summary);
  return summary;
}
