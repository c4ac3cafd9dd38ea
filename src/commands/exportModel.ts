/** "lcnb: Export Model to ONNX…": zoo model → form → save dialog → an .onnx file (opset 17, seeded weights). */
import * as vscode from 'vscode';
import { UserError, isUserFacing } from '../core/errors';
import { describeExport, exportOnnx, ExportForm } from '../onnx/writer';
import { buildModel, findModel } from '../zoo';
import { Lcnb } from '../host/context';
import { failed } from '../host/failures';
import { checkZooId, pickZooModel } from './pickers';

const TITLE = 'lcnb: Export Model to ONNX…';

export async function exportModelOnnx(lcnb: Lcnb, arg?: unknown): Promise<vscode.Uri | undefined> {
  if (arg !== undefined && typeof arg !== 'string') {
    void vscode.window.showErrorMessage(`${TITLE}: expected a zoo model id, got ${typeof arg}.`);
    return undefined;
  }
  if (arg !== undefined && !checkZooId(arg, TITLE)) return undefined;
  const id = arg ?? (await pickZooModel(TITLE));
  if (!id) return undefined;
  const forms: (vscode.QuickPickItem & { form: ExportForm })[] = [
    { form: 'deploy', label: 'Deploy', description: 'BatchNorm folded into the convs (re-parameterised models: branches fused), as the papers measure latency' },
    { form: 'training', label: 'Training', description: 'the graph as built for training, BatchNorm and branches kept (parameters as the reference implementations count them)' },
  ];
  const form = (await vscode.window.showQuickPick(forms, { title: TITLE, placeHolder: `Which form of ${id}?` }))?.form;
  if (!form) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const fileName = `${id}${form === 'training' ? '.training' : ''}.onnx`;
  const target = await vscode.window.showSaveDialog({
    title: `${TITLE} ${id} (${form})`,
    defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
    filters: { 'ONNX models': ['onnx'] },
    saveLabel: 'Export',
  });
  if (!target) return undefined;
  try {
    const exported = exportOnnx(buildModel(id, findModel(id)?.forms ? { form } : {}), { form });
    await vscode.workspace.fs.writeFile(target, exported.bytes);
    const what = `${id} → ${vscode.workspace.asRelativePath(target)} (${describeExport(exported)}, 224×224 input)`;
    lcnb.log.info(`exported ${what}`);
    void vscode.window.showInformationMessage(`lcnb: exported ${what}.`, 'Open').then((b) => b && vscode.commands.executeCommand('vscode.open', target));
    return target;
  } catch (e) {
    const error = e as Error;
    const why = isUserFacing(e) ? e : new UserError(`cannot write ${target.fsPath}: ${(e as NodeJS.ErrnoException).code ?? error.message}`);
    return failed(lcnb, TITLE, why);
  }
}
