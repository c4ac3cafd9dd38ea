import * as vscode from 'vscode';

/** The lcnb status bar item: what is active, and one click to the log. */
export function createStatusBarItem(): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('lcnb.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'lcnb';
  item.text = '$(pulse) lcnb';
  item.tooltip = 'lcnb: static analysis ready (no model runtime loaded). Click to show the log.';
  item.command = 'lcnb.showLog';
  item.show();
  return item;
}
