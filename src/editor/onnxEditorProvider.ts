/**
 * The read-only custom editor for `*.onnx`: the file is parsed on a worker thread (parseWorker.ts)
 * and shown stage by stage in a webview (media/onnxEditor); a file whose inputs leave dimensions
 * open is read again with the shapes the page's form gives, remembered per file in the workspace
 * state; Profile runs the file as it is in the profiling kernel, with the shapes it was read with;
 * Export hands the report to the lcnb.export* commands.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { Graph } from '../core/ir';
import { ModelSummary } from '../core/summary';
import { activationMemoryLimitBytes, onDidChangeConfig, readConfig } from '../config';
import { UserError } from '../core/errors';
import { measureGraph } from '../run/measure';
import { untrustedMessage } from '../host/trust';
import { DiagramGraph, Report } from '../run/reportTypes';
import { report } from '../run/buildReport';
import { KernelClient, KernelError, KernelProgress } from '../../kernels/host/client';
import { ModelProfile, MeasureSettings } from '../../kernels/host/profileGraph';
import { checkEditorRequest, checkInputShapes, EditorUpdate, ExportFormat, InputShapes, OnnxReadFacts } from './messages';
import { parseInWorker } from './parseClient';
import { webviewPage } from '../webviewPage';

export const ONNX_EDITOR_VIEW_TYPE = 'lcnb.onnxEditor';

const EXPORT_COMMANDS: Record<ExportFormat, { command: string; label: string }> = {
  csv: { command: 'lcnb.exportReportCsv', label: 'Report as CSV' },
  json: { command: 'lcnb.exportReportJson', label: 'Report as JSON' },
  markdown: { command: 'lcnb.exportReportMarkdown', label: 'Report as Markdown' },
  netron: { command: 'lcnb.exportNetronAttachment', label: 'Netron attachment' },
};

/** Provider, threads, warm-up, runs and optimisation from the lcnb.* settings (checked by src/config.ts). */
function profileOptions(log: vscode.LogOutputChannel, uri: vscode.Uri): MeasureSettings {
  const { provider, threads, runs, warmup, optimization } = readConfig(log, uri);
  return { provider, threads, runs, warmup, optimization };
}

function optionsText(o: MeasureSettings): string {
  return `${o.provider}, ${o.threads} thread${o.threads === 1 ? '' : 's'}, ${o.warmup} warm-up + ${o.runs} runs, optimization ${o.optimization}`;
}

function progressText(p: KernelProgress): string {
  const step = `${Math.min(p.done + 1, p.total)} of ${p.total}`;
  switch (p.phase) {
    case 'load':
      return 'Loading the model into onnxruntime…';
    case 'warmup':
      return `Warm-up run ${step}…`;
    case 'runs':
      return `Timed round ${step} (profiled and unprofiled in turn)…`;
    case 'alone':
      return `Run ${step} alone, for the latency…`;
  }
}

/** Workspace-state key of the input shapes last applied to each file, by file URI. */
export const INPUT_SHAPES_KEY = 'lcnb.onnxEditor.inputShapes';
/** Files whose shapes are remembered at most; the least recently applied are forgotten first. */
const REMEMBERED_FILES = 200;

function rememberedShapes(state: vscode.Memento, uri: vscode.Uri): InputShapes | undefined {
  const all = state.get<unknown>(INPUT_SHAPES_KEY);
  if (typeof all !== 'object' || all === null || !Object.hasOwn(all, uri.toString())) return undefined;
  const shapes = checkInputShapes((all as Record<string, unknown>)[uri.toString()]);
  return shapes && Object.keys(shapes).length ? shapes : undefined;
}

function rememberShapes(state: vscode.Memento, uri: vscode.Uri, shapes: InputShapes): Thenable<void> {
  const stored = state.get<unknown>(INPUT_SHAPES_KEY);
  const key = uri.toString();
  const others = typeof stored === 'object' && stored !== null ? Object.entries(stored as Record<string, unknown>).filter(([k]) => k !== key) : [];
  return state.update(INPUT_SHAPES_KEY, Object.fromEntries([...others.slice(-(REMEMBERED_FILES - 1)), [key, shapes]]));
}

function shapesText(shapes: InputShapes): string {
  return Object.entries(shapes)
    .map(([name, shape]) => `${name} [${shape.join(', ')}]`)
    .join(', ');
}

interface OnnxDocument extends vscode.CustomDocument {
  readonly uri: vscode.Uri;
}

/** One open editor: what has been read so far (replayed whenever the webview (re)loads) and the running profile. */
class EditorSession implements vscode.Disposable {
  private parsed: EditorUpdate[] = [];
  private summary: ModelSummary | undefined;
  private diagram: DiagramGraph | undefined;
  private graph: Graph | undefined;
  private profile: ModelProfile | undefined;
  private profiling: AbortController | undefined;
  /** The read in progress (aborted when a new input shape starts another, or the editor closes). */
  private parsing: AbortController | undefined;
  private closed = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly path: string;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly uri: vscode.Uri,
    private readonly deps: EditorDeps,
  ) {
    this.path = uri.fsPath;
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m) => this.onMessage(m)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.post({ type: 'trust', trusted: true })),
      onDidChangeConfig(() => this.post({ type: 'profileSettings', text: optionsText(profileOptions(deps.log, uri)) })),
      panel.onDidDispose(() => this.dispose()),
    );
    void this.open();
  }

  private post(update: EditorUpdate): void {
    void this.panel.webview.postMessage(update);
  }

  /** Posts a parse stage and keeps it for a webview that loads later. */
  private stage(update: EditorUpdate): void {
    this.parsed.push(update);
    this.post(update);
  }

  /** Shows the file's name and size, then reads it with the shapes remembered for it, if any. */
  private async open(): Promise<void> {
    const name = basename(this.path);
    const log = this.deps.log;
    if (this.uri.scheme !== 'file') {
      this.stage({ type: 'parseError', message: `${this.uri.toString()}: lcnb reads .onnx files from disk; this one is on '${this.uri.scheme}:'. Open it with "Reopen Editor With…" → Text Editor instead.` });
      return;
    }
    let sizeBytes: number;
    try {
      sizeBytes = (await stat(this.path)).size;
    } catch (e) {
      this.stage({ type: 'parseError', message: `cannot read ${this.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return;
    }
    this.stage({ type: 'file', name, sizeBytes, trusted: vscode.workspace.isTrusted, profileSettings: optionsText(profileOptions(log, this.uri)) });
    const remembered = rememberedShapes(this.deps.state, this.uri);
    await this.read(remembered ?? {}, remembered !== undefined, sizeBytes);
  }

  /**
   * Reads the file on the worker with `inputShapes` (for inputs the file leaves symbolic), replacing
   * whatever an earlier read showed. Shapes that read are remembered for the file.
   */
  private async read(inputShapes: InputShapes, remembered: boolean, sizeBytes?: number, knownShapes?: Record<string, number[]>): Promise<void> {
    if (this.closed) return;
    const start = performance.now();
    const name = basename(this.path);
    const log = this.deps.log;
    this.parsing?.abort();
    const parsing = new AbortController();
    this.parsing = parsing;
    this.parsed = this.parsed.filter((u) => u.type === 'file');
    this.summary = this.diagram = this.graph = this.profile = undefined;
    const given = Object.keys(inputShapes).length > 0;
    this.stage({ type: 'reading', inputShapes, remembered });
    const times: string[] = [];
    // The host's longest event-loop stall while the file is read, for the log: the worker should keep it short.
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    let outcome = 'failed';
    let unresolved: readonly string[] = [];
    let readInputs: OnnxReadFacts['inputs'] = [];
    await parseInWorker(
      this.deps.workerFile,
      { path: this.path, ...(given ? { inputShapes } : {}), ...(knownShapes ? { knownShapes } : {}) },
      (message) => {
        if (parsing.signal.aborted) return;
        switch (message.type) {
          case 'header':
            times.push(`header ${message.ms} ms`);
            this.stage(message);
            return;
          case 'read':
            times.push(`graph ${message.ms} ms`);
            unresolved = message.read.unresolvedTensors;
            readInputs = message.read.inputs;
            this.stage(message);
            if (given) void rememberShapes(this.deps.state, this.uri, inputShapes);
            return;
          case 'shapeNeeded':
            outcome = given ? `the input shape ${shapesText(inputShapes)} does not fit: ${message.message}` : 'it needs an input shape';
            this.stage(message);
            return;
          case 'summary':
            times.push(`summary ${message.ms} ms`);
            this.summary = message.summary;
            this.stage(message);
            return;
          case 'diagram':
            times.push(`diagram ${message.ms} ms`);
            this.diagram = message.diagram;
            this.graph = message.graph;
            outcome = 'read';
            this.stage({ type: 'diagram', diagram: message.diagram, ms: message.ms });
            return;
          case 'error':
            log.warn(`onnx editor: ${message.message}`);
            this.stage({ type: 'parseError', message: message.message });
            return;
          case 'done':
            return;
        }
      },
      parsing.signal,
    );
    stalls.disable();
    if (parsing.signal.aborted) return;
    const stallMs = Math.max(0, stalls.max / 1e6 - 10);
    const what = sizeBytes === undefined ? `read ${name} again` : `opened ${name} (${sizeBytes} bytes)`;
    const shapes = given ? ` with input shape ${shapesText(inputShapes)}${remembered ? ' (remembered for this file)' : ''}` : '';
    log.info(
      `onnx editor: ${what}${shapes} in ${Math.round(performance.now() - start)} ms: ${outcome} (in the reader: ${times.join(', ') || 'nothing'}); ` +
        `longest extension-host event-loop stall meanwhile ${stallMs.toFixed(1)} ms`,
    );
    if (outcome === 'read' && unresolved.length && !knownShapes && vscode.workspace.isTrusted) await this.measureShapes(inputShapes, remembered, unresolved, readInputs);
  }

  /**
   * Shapes only data can tell (NonZero, NonMaxSuppression …), from one run in the profiling kernel
   * (a trusted workspace only, as profiling); the file is then read again with them.
   */
  private async measureShapes(inputShapes: InputShapes, remembered: boolean, tensors: readonly string[], inputs: OnnxReadFacts['inputs']): Promise<void> {
    const log = this.deps.log;
    this.post({ type: 'notice', level: 'info', text: `Running the model once in onnxruntime for ${tensors.length} shape${tensors.length === 1 ? '' : 's'} only data can tell…` });
    try {
      const { shapes, runMs } = await this.deps.kernel().shapes({ modelPath: this.path, inputs: Object.fromEntries(inputs.map((i) => [i.name, [...i.shape]])), tensors: [...tensors] });
      log.info(`onnx editor: ${basename(this.path)}: ${Object.keys(shapes).length} of ${tensors.length} shapes measured by one run (${runMs.toFixed(1)} ms)`);
      if (this.closed || this.profiling) return;
      await this.read(inputShapes, remembered, undefined, shapes);
    } catch (e) {
      log.warn(`onnx editor: one run to find the remaining shapes failed: ${(e as Error).message}`);
      this.post({ type: 'notice', level: 'error', text: `One onnxruntime run to find the remaining shapes failed (${(e as Error).message}); those nodes stay listed as not counted.` });
    }
  }

  private applyInputShapes(shapes: InputShapes): void {
    if (this.profiling) {
      this.post({ type: 'notice', level: 'error', text: 'A profile is running: cancel it (or let it finish) before reading the file with another input shape.' });
      return;
    }
    void this.read(shapes, false);
  }

  private onMessage(value: unknown): void {
    const request = checkEditorRequest(value);
    if (!request) {
      this.deps.log.warn(`onnx editor: ignored a malformed message from the webview: ${JSON.stringify(value)?.slice(0, 200)}`);
      return;
    }
    switch (request.type) {
      case 'ready':
        for (const update of this.parsed) this.post(update);
        if (this.profile) this.post({ type: 'profileResult', profile: this.profile });
        return;
      case 'profile':
        void this.runProfile();
        return;
      case 'cancelProfile':
        this.profiling?.abort();
        return;
      case 'export':
        void this.export(request.format);
        return;
      case 'inputShapes':
        this.applyInputShapes(request.shapes);
        return;
    }
  }

  private async runProfile(): Promise<void> {
    if (this.profiling) return;
    if (!vscode.workspace.isTrusted) {
      this.post({ type: 'profileError', message: untrustedMessage('Profile'), cancelled: false });
      return;
    }
    const graph = this.graph;
    if (!graph) {
      this.post({ type: 'profileError', message: 'The model has not been read (see above), so there is nothing to profile.', cancelled: false });
      return;
    }
    const abort = new AbortController();
    this.profiling = abort;
    // Until onStart, nothing has reached the kernel: an error then is the guard's refusal (or a failure before the run).
    let started = false;
    const onStart = (options: MeasureSettings) => {
      started = true;
      this.deps.log.info(`onnx editor: profiling ${this.path} with ${optionsText(options)}`);
      this.post({ type: 'profileProgress', text: `Starting the profiling kernel (${optionsText(options)})…` });
    };
    try {
      // Refused before onnxruntime allocates anything, like every other way lcnb runs a model.
      const memoryLimitBytes = activationMemoryLimitBytes(readConfig(this.deps.log, this.uri));
      const options = profileOptions(this.deps.log, this.uri);
      const profile = await measureGraph(this.deps.kernel(), { graph, onnxFile: this.path }, options, {
        where: basename(this.path),
        memoryLimitBytes,
        signal: abort.signal,
        onStart,
        onProgress: (p) => this.post({ type: 'profileProgress', text: progressText(p) }),
      });
      this.profile = profile;
      this.post({ type: 'profileResult', profile });
      this.deps.log.info(`onnx editor: ${basename(this.path)} median ${profile.latency.median_ms.toFixed(3)} ms`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (!started) {
        this.post({ type: 'profileError', message: e instanceof UserError ? `Profiling refused: ${message}` : `Profiling failed: ${message}`, cancelled: false });
        return;
      }
      const cancelled = e instanceof KernelError && e.reason === 'cancelled';
      if (!cancelled) this.deps.log.error(`onnx editor: profiling ${this.path} failed: ${message}`);
      this.post({ type: 'profileError', message: cancelled ? 'Profiling cancelled.' : `Profiling failed: ${message}`, cancelled });
    } finally {
      this.profiling = undefined;
    }
  }

  /** The report the exports write: this file's summary, diagram and (once measured) profile. */
  private report(): Report | undefined {
    if (!this.summary || !this.diagram) return undefined;
    const title = basename(this.path);
    return report(this.profile ? 'profile' : 'model', title, [{ summary: this.summary, graph: this.diagram, profile: this.profile }]);
  }

  private async export(format: ExportFormat): Promise<void> {
    const { command, label } = EXPORT_COMMANDS[format];
    const r = this.report();
    if (!r) {
      this.post({ type: 'notice', level: 'error', text: `Export ${label}: the model has not been read, so there is no report to export.` });
      return;
    }
    const commands = await vscode.commands.getCommands(true);
    if (!commands.includes(command)) {
      this.post({ type: 'notice', level: 'error', text: `Export ${label} is not available: this build of lcnb does not register the command ${command}.` });
      return;
    }
    try {
      const written = await vscode.commands.executeCommand<unknown>(command, { report: r, suggestedName: basename(this.path).replace(/\.onnx$/i, '') });
      if (written instanceof vscode.Uri) this.post({ type: 'notice', level: 'info', text: `Exported ${label} to ${written.scheme === 'file' ? written.fsPath : written.toString()}.` });
    } catch (e) {
      this.post({ type: 'notice', level: 'error', text: `Export ${label} failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  dispose(): void {
    this.closed = true;
    this.parsing?.abort();
    this.profiling?.abort();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}

interface EditorDeps {
  readonly extensionUri: vscode.Uri;
  readonly workerFile: string;
  readonly kernel: () => KernelClient;
  readonly log: vscode.LogOutputChannel;
  /** The workspace's state: input shapes applied to each file. */
  readonly state: vscode.Memento;
}

class OnnxEditorProvider implements vscode.CustomReadonlyEditorProvider<OnnxDocument> {
  constructor(private readonly deps: EditorDeps) {}

  openCustomDocument(uri: vscode.Uri): OnnxDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: OnnxDocument, panel: vscode.WebviewPanel): void {
    const scripts = vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'media');
    const styles = vscode.Uri.joinPath(this.deps.extensionUri, 'media');
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [scripts, styles] };
    webview.html = webviewPage(webview, {
      title: 'ONNX model',
      stylesheets: [vscode.Uri.joinPath(styles, 'report', 'report.css'), vscode.Uri.joinPath(styles, 'onnxEditor', 'onnxEditor.css')],
      script: vscode.Uri.joinPath(scripts, 'onnxEditor.js'),
      body: '<main id="root" class="lcnb-report lcnb-onnx-editor"><p class="lcnb-muted">Reading the file…</p></main>',
      images: true,
    });
    // The session lives as long as the panel: it disposes itself on the panel's onDidDispose.
    new EditorSession(panel, document.uri, this.deps);
  }
}

/** Registers the `.onnx` editor; `kernel` is the window's profiling kernel, shared with the notebooks. */
export function registerOnnxEditor(context: vscode.ExtensionContext, kernel: () => KernelClient, log: vscode.LogOutputChannel): vscode.Disposable {
  const deps: EditorDeps = {
    extensionUri: context.extensionUri,
    workerFile: vscode.Uri.joinPath(context.extensionUri, 'dist', 'onnxParseWorker.js').fsPath,
    kernel,
    log,
    state: context.workspaceState,
  };
  return vscode.window.registerCustomEditorProvider(ONNX_EDITOR_VIEW_TYPE, new OnnxEditorProvider(deps), {
    supportsMultipleEditorsPerDocument: true,
    webviewOptions: { retainContextWhenHidden: false },
  });
}
