/** A cell status bar item with what the cell's last run measured (or counted). */
import * as vscode from 'vscode';
import { DEFAULT_HEADLINE, Headline } from '../shared/measureSettings';
import type { ModelReport, Report } from '../run/reportTypes';
import { modelName } from '../shared/models';
import { formatSI } from '../shared/format';
import { CellResults } from '../host/results';

export type CellStatusBar = vscode.NotebookCellStatusBarItemProvider & vscode.Disposable & { refresh(): void };

/** What a cell's status bar item says, and its tooltip. */
export interface StatusBarContent {
  readonly text: string;
  readonly tooltip: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "3.91M" or, across several models, "3.91M–7.60M". */
function span(values: readonly number[]): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? formatSI(low) : `${formatSI(low)}–${formatSI(high)}`;
}

const ms = (value: number) => value.toFixed(3);

/**
 * The status bar of a cell whose last run gave `report`: the measured latency when every model was
 * measured, else the counts; a cell with several models (compare, a head on several backbones)
 * gives the range over them, and the tooltip each one's numbers.
 * @param headline which count leads: MAdds (the papers' "FLOPs") or FLOPs (setting lcnb.headlineFlops).
 */
export function statusBarContent(report: Report | undefined, headline: Headline): StatusBarContent | undefined {
  const models = report?.models ?? [];
  if (!models.length) return undefined;
  const several = models.length > 1;
  const name = modelName;
  const profiles = models.map((m) => m.profile);
  if (profiles.every((p) => p !== undefined)) {
    const s = profiles[0]!.settings;
    const medians = profiles.map((p) => p!.latency.median_ms);
    const latency = several ? `${plural(models.length, 'model')} · ${ms(Math.min(...medians))}–${ms(Math.max(...medians))} ms median` : `${ms(medians[0])} ms median`;
    const settings = `${s.providerUsed}, ${plural(s.threads, 'thread')}, onnxruntime ${s.onnxruntimeVersion}, optimization '${s.optimization}', ${s.warmup} warm-up + ${s.runs} runs`;
    const perModel = models.map((m) => `${several ? `${name(m)}: ` : ''}median ${ms(m.profile!.latency.median_ms)} ms, p10 ${ms(m.profile!.latency.p10_ms)} ms, p90 ${ms(m.profile!.latency.p90_ms)} ms`);
    return { text: `$(dashboard) ${s.providerUsed} · ${plural(s.threads, 'thread')} · ${latency}`, tooltip: [settings, ...perModel].join('\n') };
  }
  const flops = headline === 'flops';
  const count = (m: ModelReport) => (flops ? m.summary.totals.flops : m.summary.totals.madds);
  const unit = flops ? 'FLOPs' : 'MAdds';
  const counts = `${span(models.map((m) => m.summary.totals.params))} params · ${span(models.map(count))} ${unit}`;
  const meaning = flops ? 'FLOPs = 2 × MAdds for conv/linear plus elementwise work (setting lcnb.headlineFlops)' : 'MAdds = multiply-adds, what the papers call FLOPs (setting lcnb.headlineFlops)';
  const perModel = several ? models.map((m) => `${name(m)}: ${formatSI(m.summary.totals.params)} params, ${formatSI(count(m))} ${unit}`) : [];
  return { text: `$(symbol-number) ${several ? `${plural(models.length, 'model')} · ` : ''}${counts}`, tooltip: [...perModel, meaning].join('\n') };
}

export function cellStatusBar(results: CellResults, headline: () => Headline = () => DEFAULT_HEADLINE): CellStatusBar {
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
      const content = statusBarContent(results.get(cell.document.uri), headline());
      if (!content) return [];
      const item = new vscode.NotebookCellStatusBarItem(content.text, vscode.NotebookCellStatusBarAlignment.Right);
      item.tooltip = content.tooltip;
      return [item];
    },
  };
}
