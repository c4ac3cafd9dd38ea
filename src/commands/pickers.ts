/** Quick picks shared by the palette commands: zoo models, .onnx files, providers, whole numbers. */
import { cpus } from 'node:os';
import * as vscode from 'vscode';
import type { ProviderStatus } from '../../kernels/protocol';
import { publishedBySource } from '../run/markdown';
import { findModel, zooModels } from '../zoo';
import { Lcnb } from '../host/context';
import { providerLabel } from '../host/providers';

type ZooItem = vscode.QuickPickItem & { id: string };

function zooItems(): ZooItem[] {
  return zooModels().map((m) => ({ id: m.id, label: m.id, description: m.family, detail: publishedBySource(m.published.filter((p) => p.metric !== 'latency_ms')) }));
}

/** One zoo model, or undefined when the user cancels. */
export async function pickZooModel(title: string): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(zooItems(), { title, placeHolder: 'Pick a model from the zoo', matchOnDescription: true });
  return picked?.id;
}

/** Several zoo models (at least `min`), or undefined when the user cancels or picks too few (after saying so). */
export async function pickZooModels(title: string, min: number): Promise<string[] | undefined> {
  const picked = await vscode.window.showQuickPick(zooItems(), { title, placeHolder: `Pick ${min} or more models from the zoo`, matchOnDescription: true, canPickMany: true });
  if (!picked) return undefined;
  if (picked.length < min) {
    void vscode.window.showErrorMessage(`lcnb: ${title}: pick at least ${min} models (${picked.length} picked).`);
    return undefined;
  }
  return picked.map((p) => p.id);
}

/** A zoo id the user gave (an argument), checked. */
export function checkZooId(id: string, title: string): boolean {
  if (findModel(id)) return true;
  void vscode.window.showErrorMessage(`lcnb: ${title}: '${id}' is not a zoo model id ('lcnb: Show Model Summary' lists them).`);
  return false;
}

export type ModelChoice = { kind: 'zoo'; id: string } | { kind: 'onnx'; uri: vscode.Uri };

/** .onnx files open in editor tabs (text or custom editor) or selected in the explorer. */
function openOnnxFiles(): vscode.Uri[] {
  const seen = new Map<string, vscode.Uri>();
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      const input = tab.input;
      const uri = input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : undefined;
      if (uri && /\.onnx$/i.test(uri.path)) seen.set(uri.toString(), uri);
    }
  }
  return [...seen.values()];
}

/** A zoo model or an .onnx file (open ones first, or one chosen in a file dialog). */
export async function pickModelOrOnnx(title: string): Promise<ModelChoice | undefined> {
  type Item = vscode.QuickPickItem & { choice?: ModelChoice; browse?: boolean };
  const files: Item[] = openOnnxFiles().map((uri) => ({ label: uri.path.split('/').pop() ?? uri.path, iconPath: vscode.ThemeIcon.File, resourceUri: uri, description: vscode.workspace.asRelativePath(uri), choice: { kind: 'onnx', uri } }));
  const items: Item[] = [
    ...(files.length ? [{ label: 'Open .onnx files', kind: vscode.QuickPickItemKind.Separator }, ...files] : []),
    { label: 'Choose an .onnx file…', iconPath: new vscode.ThemeIcon('folder-opened'), browse: true, alwaysShow: true },
    { label: 'Zoo models', kind: vscode.QuickPickItemKind.Separator },
    ...zooItems().map((z) => ({ ...z, choice: { kind: 'zoo' as const, id: z.id } })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Pick a zoo model or an .onnx file', matchOnDescription: true });
  if (!picked) return undefined;
  if (!picked.browse) return picked.choice;
  const chosen = await vscode.window.showOpenDialog({ title, canSelectMany: false, filters: { 'ONNX models': ['onnx'] }, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri });
  return chosen?.[0] && { kind: 'onnx', uri: chosen[0] };
}

type ProviderItem = vscode.QuickPickItem & { status: ProviderStatus };

export function providerItems(statuses: readonly ProviderStatus[], current: string): ProviderItem[] {
  const sorted = [...statuses].sort((a, b) => Number(b.available) - Number(a.available));
  return sorted.map((s) => ({
    status: s,
    label: s.name,
    iconPath: new vscode.ThemeIcon(s.available ? 'check' : 'circle-slash'),
    description: `${providerLabel(s.name)} · ${s.available ? 'can start here' : 'cannot start here'}${s.name === current ? ' · current setting' : ''}`,
    detail: s.available ? (s.bundled ? 'bundled with onnxruntime-node' : undefined) : s.reason,
    picked: s.name === current,
  }));
}

/**
 * A provider onnxruntime can start here, the current setting first. The pick opens at once and
 * stays busy while the kernel checks the providers (so keystrokes never land in the editor
 * meanwhile). Undefined when cancelled or when the user picked one that cannot start (after
 * saying why); a failed check throws.
 */
export async function pickProvider(lcnb: Lcnb, title: string, current: string): Promise<ProviderStatus | undefined> {
  const qp = vscode.window.createQuickPick<ProviderItem>();
  qp.title = title;
  qp.placeholder = 'Checking which execution providers onnxruntime can start here…';
  qp.busy = true;
  qp.matchOnDetail = true;
  let failure: unknown;
  const listed = lcnb
    .kernel()
    .providers()
    .then(
      (statuses) => {
        for (const s of statuses) lcnb.log.info(`execution provider ${s.name}: ${s.available ? 'can start' : `cannot start: ${s.reason}`}`);
        const items = providerItems(statuses, current);
        const first = items.find((i) => i.status.name === current && i.status.available);
        qp.items = first ? [first, ...items.filter((i) => i !== first)] : items;
        qp.placeholder = 'Execution provider (✓ can start on this machine)';
        qp.busy = false;
      },
      (e) => {
        failure = e;
        qp.hide();
      },
    );
  const picked = await new Promise<ProviderItem | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0];
      if (!item) return; // Enter while still checking: keep waiting
      resolve(item);
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  await listed;
  if (failure) throw failure;
  if (!picked) return undefined;
  if (!picked.status.available) {
    void vscode.window.showErrorMessage(`lcnb: ${picked.status.name} cannot start on this machine: ${picked.status.reason ?? 'onnxruntime gave no reason'}.`);
    return undefined;
  }
  return picked.status;
}

/**
 * A whole number from min to max: a quick pick of common values (the setting's first) that also
 * takes a typed number. Undefined when cancelled, or after an error message for a bad value.
 */
export async function pickInteger(
  title: string,
  what: string,
  options: { value: number; settingKey: string; suggestions: readonly number[]; min: number; max: number },
): Promise<number | undefined> {
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { value?: number }>();
  qp.title = title;
  qp.placeholder = `${what}: pick or type a whole number from ${options.min} to ${options.max}`;
  const suggestions = [options.value, ...options.suggestions.filter((v) => v !== options.value && v >= options.min && v <= options.max)];
  const fixed = suggestions.map((v) => ({ label: String(v), value: v, description: v === options.value ? `setting ${options.settingKey}` : undefined }));
  qp.items = fixed;
  qp.onDidChangeValue((text) => {
    const typed = text.trim();
    qp.items = typed && !fixed.some((f) => f.label === typed) ? [{ label: typed, description: `type Enter to use ${typed}`, alwaysShow: true }, ...fixed] : fixed;
  });
  const result = await new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const chosen = qp.selectedItems[0]?.label ?? qp.value;
      resolve(chosen);
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (result === undefined) return undefined;
  const n = Number(result.trim());
  if (!/^\d+$/.test(result.trim()) || n < options.min || n > options.max) {
    void vscode.window.showErrorMessage(`lcnb: ${what} must be a whole number from ${options.min} to ${options.max}; '${result}' is not.`);
    return undefined;
  }
  return n;
}

export function threadSuggestions(): number[] {
  const cores = cpus().length;
  return [...new Set([1, 2, 4, 8, cores])].filter((n) => n <= Math.max(cores, 2)).sort((a, b) => a - b);
}
