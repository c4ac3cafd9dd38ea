/** A cell status bar item with what the cell's last run measured (or counted). */
import * as vscode from 'vscode';
import type { HeadlineFlops } from '../config';
import { formatSI } from '../shared/format';
import { CellResults } from './results';

export type CellStatusBar = vscode.NotebookCellStatusBarItemProvider & vscode.Disposable & { refresh(): void };

/** @param headline which count leads: MAdds (the papers' "FLOPs") or FLOPs (setting lcnb.headlineFlops). */
export function cellStatusBar(results: CellResults, headline: () => HeadlineFlops = () => 'madds'): CellStatusBar {
  const changed = new vscode.EventEmitter<void>();
  const listener = results.onDidChange(() => changed.fire());
  return {
    onDidChangeCellStatusBarItems: changed.event,
    /** Redraws every cell's item (after a setting changed). */
    refresh: () => changed.fire(),
    dispose: () => {
      listener.dispose();
      changed.dispose();
    },
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
      const count = headline() === 'flops' ? `${formatSI(t.flops)} FLOPs` : `${formatSI(t.madds)} MAdds`;
      const item = new vscode.NotebookCellStatusBarItem(`$(symbol-number) ${formatSI(t.params)} params · ${count}`, vscode.NotebookCellStatusBarAlignment.Right);
      item.tooltip = headline() === 'flops' ? 'FLOPs = 2 × MAdds for conv/linear plus elementwise work (setting lcnb.headlineFlops)' : "MAdds = multiply-adds, what the papers call FLOPs (setting lcnb.headlineFlops)";
      return [item];
    },
  };
}
