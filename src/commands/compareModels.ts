/**
 * "lcnb: Compare Models…": several zoo models → measured or counted only → a new untitled
 * notebook with the executed compare cell (table, published top-1, Pareto chart).
 */
import * as vscode from 'vscode';
import { CellOutcome, executeCell } from '../run/execute';
import type { MeasureSettings } from '../shared/measureSettings';
import { compareCellText } from './cellText';
import { config, executionContext, Lcnb } from '../host/context';
import { failed } from '../host/failures';
import { executedCell, markdownCell, openUntitledNotebook } from './notebooks';
import { pickZooModels } from './pickers';
import { providerLabel } from '../host/providers';
import { requireTrust } from '../host/trust';

const TITLE = 'lcnb: Compare Models…';

export async function compareModelsCommand(lcnb: Lcnb): Promise<vscode.NotebookEditor | undefined> {
  const ids = await pickZooModels(TITLE, 2);
  if (!ids) return undefined;
  const c = config(lcnb);
  const measureItem = {
    label: `Count and measure on ${providerLabel(c.provider)}`,
    iconPath: new vscode.ThemeIcon('dashboard'),
    description: `${c.threads} threads, ${c.warmup} warm-up + ${c.runs} runs (settings lcnb.*)`,
    measure: true,
  };
  const countItem = { label: 'Count only', iconPath: new vscode.ThemeIcon('symbol-number'), description: 'params, MAdds, FLOPs, memory traffic; runs nothing', measure: false };
  const how = await vscode.window.showQuickPick([measureItem, countItem], { title: TITLE, placeHolder: `Compare ${ids.length} models: measure latency too?` });
  if (!how) return undefined;
  if (how.measure && !requireTrust('Measuring in Compare Models…')) return undefined;
  const settings: MeasureSettings | false = how.measure ? { provider: c.provider, threads: c.threads, runs: c.runs, warmup: c.warmup, optimization: c.optimization } : false;
  const text = compareCellText(ids, settings);
  const startTime = Date.now();
  let outcome: CellOutcome;
  let cancelled = false;
  try {
    outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `lcnb: comparing ${ids.length} models`, cancellable: true }, (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => {
        cancelled = true;
        abort.abort();
      });
      let done = 0;
      const onProgress = (what: string) => {
        lcnb.log.info(`Compare Models: ${what}`);
        // The kernel says "<model>: load" once per model: one step of the bar each.
        if (what.endsWith(': load')) progress.report({ message: `${what.split(':')[0]} (${++done} of ${ids.length})`, increment: 100 / ids.length });
      };
      progress.report({ message: how.measure ? 'building the models' : 'counting' });
      return executeCell(text, executionContext(lcnb, { provider: settings ? settings.provider : undefined, signal: abort.signal, onProgress }));
    });
  } catch (e) {
    if (cancelled) return undefined;
    return failed(lcnb, TITLE, e);
  }
  const intro = `# Comparison\n\n${ids.join(', ')} — ${
    settings ? `counted and measured on ${providerLabel(settings.provider)} (${settings.threads} threads, ${settings.warmup} warm-up + ${settings.runs} runs)` : 'counted only (static analysis)'
  }. Edit the list and run the cell again; save the notebook to keep it.`;
  return openUntitledNotebook(lcnb, 'compare', [markdownCell(intro), executedCell(text, outcome, { startTime, endTime: Date.now() })], settings ? `lcnb-ort-${settings.provider}` : 'lcnb-static');
}
