/**
 * Workspace trust: in an untrusted workspace lcnb counts, draws and hovers, but loads nothing into
 * onnxruntime (a model file is native code's input). One message for every place that refuses.
 */
import * as vscode from 'vscode';

export const MANAGE_TRUST = 'Manage Workspace Trust';

/** Why `action` is refused, and how to allow it. */
export function untrustedMessage(action: string): string {
  return (
    `lcnb: ${action} needs a trusted workspace: it loads a model into onnxruntime, and this workspace is not trusted. ` +
    `Trust it with "${MANAGE_TRUST}" (or the Restricted Mode badge in the status bar); counts, diagrams and hovers work without it.`
  );
}

/**
 * True when the workspace is trusted. Otherwise shows why `action` cannot run, with a button
 * that opens VS Code's trust editor, and returns false.
 */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showErrorMessage(untrustedMessage(action), MANAGE_TRUST).then((choice) => {
    if (choice === MANAGE_TRUST) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
