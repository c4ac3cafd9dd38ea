import * as vscode from 'vscode';
import { LcnbConfig } from '../config';
import { providerLabel } from '../host/providers';

/** The lcnb status bar item: the execution provider in use (setting lcnb.provider), and one click to the log. */
export class LcnbStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lcnb.status', vscode.StatusBarAlignment.Right, 100);

  constructor(private readonly config: () => LcnbConfig) {
    this.item.name = 'lcnb';
    this.item.command = 'lcnb.showLog';
    this.update();
    this.item.show();
  }

  update(): void {
    const c = this.config();
    const trusted = vscode.workspace.isTrusted;
    this.item.text = trusted ? `$(pulse) lcnb · ${providerLabel(c.provider)}` : '$(shield) lcnb · static only';
    const tooltip = new vscode.MarkdownString(
      trusted
        ? `**lcnb** measures with onnxruntime's **${c.provider}** execution provider (\`lcnb.provider\`), ${c.threads} threads, ${c.warmup} warm-up + ${c.runs} runs, optimization '${c.optimization}'.\n\n` +
            'Change it with *lcnb: Select Execution Provider*. Click to show the log.'
        : '**lcnb**: this workspace is not trusted, so nothing is loaded into onnxruntime; counts, diagrams and hovers work. Click to show the log.',
    );
    this.item.tooltip = tooltip;
  }

  dispose(): void {
    this.item.dispose();
  }
}
