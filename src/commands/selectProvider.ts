/**
 * "lcnb: Select Execution Provider": what onnxruntime can start on this machine (and, for the
 * others, why not), written to the lcnb.provider setting.
 */
import * as vscode from 'vscode';
import { config, Lcnb } from '../host/context';
import { failed } from '../host/failures';
import { pickProvider } from './pickers';
import { providerLabel } from '../host/providers';
import { requireTrust } from '../host/trust';

const TITLE = 'lcnb: Select Execution Provider';

export async function selectExecutionProvider(lcnb: Lcnb): Promise<string | undefined> {
  if (!requireTrust('Select Execution Provider')) return undefined;
  let picked;
  try {
    picked = await pickProvider(lcnb, TITLE, config(lcnb).provider);
  } catch (e) {
    return failed(lcnb, TITLE, e);
  }
  if (!picked) return undefined;
  const settings = vscode.workspace.getConfiguration('lcnb');
  // A provider belongs to the machine: user settings, unless the workspace already sets one.
  const target = settings.inspect('provider')?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await settings.update('provider', picked.name, target);
  void vscode.window.showInformationMessage(
    `lcnb: execution provider set to ${providerLabel(picked.name)} (lcnb.provider, ${target === vscode.ConfigurationTarget.Workspace ? 'workspace' : 'user'} settings).`,
  );
  return picked.name;
}
