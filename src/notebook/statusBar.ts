/** A cell status bar item with what the cell's last run measured (or counted). */
import * as vscode from 'vscode';
import { formatSI } from '../shared/format';
import { CellResults } from './results';

export function cellStatusBar(results: CellResults): vscode.NotebookCellStatusBarItemProvider {
  const changed = new vscode.EventEmitter<void>();
  results.onDidChange(() => changed.fire());
  return {
    onDidChangeCellStatusBarItems: changed.event,
    provideCellStatusBarItems(cell) {
      const report = results.get(cell.document.uri);
      const model = report?.models[0];
      if (!model) return [];
      const profile = model.profile;
      if (profile) {
        const s = profile.settings;
        const item = new vscode.NotebookCellStatusBarItem(
          `$(dashboard) ${s.providerUsed} · ${s.threads} threads · ${profile.latency.median_ms.toFixed(3)} ms median`,
          vscode.NotebookCellStatusBarAlignment.Right,
        );
        item.tooltip = `onnxruntime ${s.onnxruntimeVersion}, optimization '${s.optimization}', ${s.warmup} warm-up + ${s.runs} runs; p10 ${profile.latency.p10_ms.toFixed(3)} ms, p90 ${profile.latency.p90_ms.toFixed(3)} ms`;
        return [item];
      }
      const t = model.summary.totals;
      return [new vscode.NotebookCellStatusBarItem(`$(symbol-number) ${formatSI(t.params)} params · ${formatSI(t.madds)} MAdds`, vscode.NotebookCellStatusBarAlignment.Right)];
    },
  };
}
