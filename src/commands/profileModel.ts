/**
 * "lcnb: Profile Model…": model (zoo id or .onnx file) → provider → threads → runs, then a
 * cancellable progress notification through the phases (build, load, warm-up, runs), and the
 * result as a new untitled notebook holding the executed cell, ready to save and re-run.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { CellOutcome, executeCell } from '../run/execute';
import { MEASURE_LIMITS, MeasureSettings } from '../shared/measureSettings';
import { cellFilePath, profileCellText } from './cellText';
import { baseDirOf, config, executionContext, Lcnb } from '../host/context';
import { failed } from '../host/failures';
import { executedCell, markdownCell, openUntitledNotebook } from './notebooks';
import { checkZooId, ModelChoice, pickInteger, pickModelOrOnnx, pickProvider, threadSuggestions } from './pickers';
import { providerLabel } from '../host/providers';
import { requireTrust } from '../host/trust';
import { askInputShapes } from './inputShape';

const TITLE = 'lcnb: Profile Model…';

/** What the user handed the command: a zoo id, an .onnx Uri (explorer menu, editor), or nothing. */
export function modelArgument(arg: unknown): ModelChoice | undefined | 'invalid' {
  if (arg === undefined || arg === null) return undefined;
  if (typeof arg === 'string') return { kind: 'zoo', id: arg };
  if (arg instanceof vscode.Uri) return /\.onnx$/i.test(arg.path) ? { kind: 'onnx', uri: arg } : 'invalid';
  return 'invalid';
}

/** The kernel's phases (kernels/process/profile.ts), in the order they start. */
const PHASES: Record<string, string> = {
  load: 'loading the model into onnxruntime',
  warmup: 'warm-up runs',
  runs: 'timed runs (profiler on and off, in turn)',
  alone: 'timed runs alone, for the latency',
};

export async function profileModelCommand(lcnb: Lcnb, arg?: unknown): Promise<vscode.NotebookEditor | undefined> {
  const given = modelArgument(arg);
  if (given === 'invalid') {
    void vscode.window.showErrorMessage(`${TITLE}: expected a zoo model id or an .onnx file, got ${arg instanceof vscode.Uri ? arg.fsPath : typeof arg}.`);
    return undefined;
  }
  if (given?.kind === 'zoo' && !checkZooId(given.id, TITLE)) return undefined;
  if (!requireTrust('Profile Model…')) return undefined;
  const choice = given ?? (await pickModelOrOnnx(TITLE));
  if (!choice) return undefined;
  if (choice.kind === 'onnx' && choice.uri.scheme !== 'file') {
    void vscode.window.showErrorMessage(`${TITLE}: ${choice.uri.toString()} is not a file on this machine; onnxruntime reads models from the local disk.`);
    return undefined;
  }
  const c = config(lcnb, choice.kind === 'onnx' ? choice.uri : undefined);
  // A file with symbolic dimensions needs its input shape before anything else is asked.
  let inputShapes: Record<string, number[]> | undefined | null;
  if (choice.kind === 'onnx') {
    try {
      inputShapes = await askInputShapes(choice.uri, TITLE);
    } catch (e) {
      return failed(lcnb, TITLE, e);
    }
    if (inputShapes === null) return undefined;
  }

  let provider;
  try {
    provider = await pickProvider(lcnb, TITLE, c.provider);
  } catch (e) {
    return failed(lcnb, TITLE, e);
  }
  if (!provider) return undefined;
  const threads = await pickInteger(TITLE, 'Intra-op threads', { value: c.threads, settingKey: 'lcnb.threads', suggestions: threadSuggestions(), min: MEASURE_LIMITS.threads[0], max: MEASURE_LIMITS.threads[1] });
  if (threads === undefined) return undefined;
  const runs = await pickInteger(TITLE, `Timed runs (after ${c.warmup} warm-up runs)`, { value: c.runs, settingKey: 'lcnb.runs', suggestions: [10, 50, 100, 200], min: MEASURE_LIMITS.runs[0], max: MEASURE_LIMITS.runs[1] });
  if (runs === undefined) return undefined;
  const settings: MeasureSettings = { provider: provider.name, threads, runs, warmup: c.warmup, optimization: c.optimization };
  const name = choice.kind === 'zoo' ? choice.id : basename(choice.uri.fsPath);
  lcnb.log.info(`Profile Model: ${name} on ${settings.provider}, ${threads} thread${threads === 1 ? '' : 's'}, ${c.warmup} warm-up + ${runs} runs, optimization '${settings.optimization}'`);

  // The cell names the file relative to the folder an untitled notebook's paths resolve against
  // (the first workspace folder), so the notebook re-runs as it is, and after Save As into that folder.
  const baseDir = baseDirOf(undefined);
  const cellText = profileCellText(choice.kind === 'zoo' ? choice.id : cellFilePath(choice.uri.fsPath, baseDir), settings, inputShapes ?? undefined);

  const startTime = Date.now();
  let outcome: CellOutcome;
  let cancelled = false;
  try {
    outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `lcnb: profiling ${name}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => {
          cancelled = true;
          abort.abort();
        });
        const phase = (what: string) => {
          lcnb.log.info(`Profile Model: ${name}: ${what}`);
          progress.report({ message: what });
        };
        phase(choice.kind === 'zoo' ? 'building the graph and its ONNX export' : 'reading the .onnx file');
        return executeCell(cellText, executionContext(lcnb, { provider: settings.provider, signal: abort.signal, onProgress: (p) => phase(PHASES[p.split(': ').pop() ?? ''] ?? p) }));
      },
    );
  } catch (e) {
    if (cancelled) {
      lcnb.log.info(`Profile Model: ${name}: cancelled`);
      return undefined;
    }
    // The cell was written here, not by the user: its line and column would point at nothing they saw.
    return failed(lcnb, TITLE, e instanceof Error ? new Error(e.message.replace(/^line \d+, column \d+: /, '')) : e);
  }
  const endTime = Date.now();
  const profile = outcome.report.models[0]?.profile;
  const used = profile?.settings.providerUsed ?? settings.provider;
  const how = `${providerLabel(used)}, ${threads} thread${threads === 1 ? '' : 's'}, ${settings.warmup} warm-up + ${runs} runs, optimization '${settings.optimization}'`;
  const intro =
    choice.kind === 'zoo'
      ? `# Profile of ${choice.id}\n\nMeasured with **lcnb: Profile Model…** on ${how}. Run the cell again to measure again; save the notebook to keep the result.`
      : `# Profile of ${name}\n\nMeasured with **lcnb: Profile Model…** from \`${choice.uri.fsPath}\` as stored (${how}). Run the cell again to measure again; save the notebook to keep the result ` +
        '(a relative path in the cell resolves against the notebook\'s folder once saved, against the first workspace folder before).';
  const cell = executedCell(cellText, outcome, { startTime, endTime });
  return openUntitledNotebook(lcnb, `profile-${name.replace(/\.onnx$/i, '')}`, [markdownCell(intro), cell], `lcnb-ort-${used}`);
}
