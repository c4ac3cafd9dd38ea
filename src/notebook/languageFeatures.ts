/**
 * Editor features of lcnb cells (language 'lcnb'): diagnostics as you type, completions, hovers
 * with computed, published and measured costs, and inlay hints with a short cost per line.
 * The texts come from src/run/cellCosts.ts (VS Code-free); this file only adapts them to VS Code.
 */
import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { DeclaredTensor, readOnnxHeader } from '../onnx/reader';
import * as vscode from 'vscode';
import { baseDirOf } from '../host/context';
import { onDidChangeConfig, readConfig } from '../config';
import { completionsAt, FileStateCache, networkRefDiagnostics, onnxFileDiagnostics, onnxFileRefs, quickFixes } from '../lang/index';
import type { CompletionKind, Diagnostic, FileState, Position, Range } from '../lang/index';
import { LCNB_LANGUAGE } from '../notebookFile';
import { CellAnalysis, CellAnalysisCache } from '../run/cellCosts';
import { notebookNetworks, notebookOfCell } from './notebookCells';
import type { CellResults } from '../host/results';

const SELECTOR: vscode.DocumentSelector = { language: LCNB_LANGUAGE };
const DIAGNOSTIC_DELAY_MS = 150;

const COMPLETION_KINDS: Record<CompletionKind, vscode.CompletionItemKind> = {
  verb: vscode.CompletionItemKind.Keyword,
  model: vscode.CompletionItemKind.Module,
  knob: vscode.CompletionItemKind.Variable,
  op: vscode.CompletionItemKind.Function,
  key: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.Value,
};

function toPosition(p: Position): vscode.Position {
  return new vscode.Position(p.line, p.character);
}

function fromRange(r: vscode.Range): Range {
  return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
}

function toRange(r: Range): vscode.Range {
  return new vscode.Range(toPosition(r.start), toPosition(r.end));
}

function toDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const out = new vscode.Diagnostic(toRange(d.range), d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  out.source = 'lcnb';
  return out;
}

/** Declared inputs of files read, by path, with the size and time they were read at. */
const headers = new Map<string, { size: number; mtimeMs: number; inputs?: readonly DeclaredTensor[] }>();

/**
 * What is at `path` for reading an .onnx file from it: stat and an access check, and the declared
 * inputs from the file's header (scanned without decoding its tensors; read again only when the
 * file changes), so a cell missing the shape the file needs is flagged as it is typed.
 */
async function statOnnxFile(path: string): Promise<FileState> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { kind: 'not-a-file' };
    await access(path, constants.R_OK);
    let known = headers.get(path);
    if (!known || known.size !== info.size || known.mtimeMs !== info.mtimeMs) {
      let inputs: readonly DeclaredTensor[] | undefined;
      try {
        inputs = readOnnxHeader(await readFile(path), path).inputs;
      } catch {
        inputs = undefined; // a broken file is the cell's error when it runs, with the reader's message
      }
      if (headers.size > 256) headers.clear();
      known = { size: info.size, mtimeMs: info.mtimeMs, inputs };
      headers.set(path, known);
    }
    return { kind: 'file', ...(known.inputs ? { inputs: known.inputs } : {}) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'unreadable', reason: code ?? (e as Error).message };
  }
}

/** The folder a cell document's paths resolve against: its notebook's, as when the cell runs. */
function baseDirOfCell(doc: vscode.TextDocument): string {
  return baseDirOf(notebookOfCell(doc)?.uri ?? doc.uri);
}

export function registerLanguageFeatures(context: vscode.ExtensionContext, results: CellResults): void {
  const cache = new CellAnalysisCache();
  const analysis = (doc: vscode.TextDocument): CellAnalysis => cache.get(doc.uri.toString(), doc.version, () => doc.getText());

  // Read at each request, so a changed setting applies to the next hover and hint.
  const headline = (doc: vscode.TextDocument) => readConfig(undefined, doc.uri).headlineFlops;

  const diagnostics = vscode.languages.createDiagnosticCollection('lcnb');
  const pending = new Map<string, NodeJS.Timeout>();
  // Files are looked at asynchronously, once per second at most; anything created or deleted in
  // the workspace, or a return to the window, forgets what was seen, so a file that appears stops
  // being flagged without an edit.
  const files = new FileStateCache(statOnnxFile);
  /** Per document, the latest update: an older one whose file check ends later publishes nothing. */
  const latest = new Map<string, number>();
  let updates = 0;
  const update = (doc: vscode.TextDocument) => {
    const key = doc.uri.toString();
    pending.delete(key);
    if (doc.isClosed || doc.languageId !== LCNB_LANGUAGE) return;
    const cellAnalysis = analysis(doc);
    const cell = cellAnalysis.cell;
    const found = [...cellAnalysis.diagnostics, ...networkRefDiagnostics(cell, notebookNetworks(notebookOfCell(doc)))];
    if (!cell || !onnxFileRefs(cell).length) {
      latest.delete(key);
      diagnostics.set(doc.uri, found.map(toDiagnostic));
      return;
    }
    // Published together with the file check (a stat, milliseconds), so a squiggle does not blink on each keystroke.
    const id = ++updates;
    latest.set(key, id);
    void onnxFileDiagnostics(cell, baseDirOfCell(doc), files.get).then((missing) => {
      if (latest.get(key) !== id || doc.isClosed) return;
      latest.delete(key);
      diagnostics.set(doc.uri, [...found, ...missing].map(toDiagnostic));
    });
  };
  const recheckFiles = () => {
    files.clear();
    for (const doc of vscode.workspace.textDocuments) if (doc.languageId === LCNB_LANGUAGE) schedule(doc);
  };
  const schedule = (doc: vscode.TextDocument) => {
    const key = doc.uri.toString();
    clearTimeout(pending.get(key));
    if (doc.languageId !== LCNB_LANGUAGE) {
      pending.delete(key);
      diagnostics.delete(doc.uri);
      return;
    }
    pending.set(key, setTimeout(() => update(doc), DIAGNOSTIC_DELAY_MS));
  };
  // A network cell's edit can make a compare entry that names it valid or not.
  const scheduleComparesReading = (doc: vscode.TextDocument) => {
    if (doc.languageId !== LCNB_LANGUAGE || !/^network:/m.test(doc.getText())) return;
    for (const c of notebookOfCell(doc)?.getCells() ?? []) {
      if (c.document !== doc && /^compare:/m.test(c.document.getText())) schedule(c.document);
    }
  };
  const forget = (doc: vscode.TextDocument) => {
    const key = doc.uri.toString();
    clearTimeout(pending.get(key));
    pending.delete(key);
    cache.delete(key);
    latest.delete(key);
    diagnostics.delete(doc.uri);
  };
  // Every path, not only *.onnx: a file written into a new folder may be reported only as the
  // folder's creation. Rechecks are debounced per document and cost a stat per path a cell names.
  const workspaceWatcher = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);

  const hintsChanged = new vscode.EventEmitter<void>();

  context.subscriptions.push(
    diagnostics,
    hintsChanged,
    { dispose: () => pending.forEach((t) => clearTimeout(t)) },
    vscode.workspace.onDidOpenTextDocument(schedule),
    vscode.workspace.onDidChangeTextDocument((e) => {
      schedule(e.document);
      scheduleComparesReading(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument(forget),
    workspaceWatcher,
    workspaceWatcher.onDidCreate(recheckFiles),
    workspaceWatcher.onDidDelete(recheckFiles),
    // Files outside the workspace are not watched: coming back to the window looks again.
    vscode.window.onDidChangeWindowState((state) => state.focused && recheckFiles()),
    results.onDidChange(() => hintsChanged.fire()),
    onDidChangeConfig(() => hintsChanged.fire()),

    vscode.languages.registerCompletionItemProvider(
      SELECTOR,
      {
        provideCompletionItems(doc, position) {
          return completionsAt(doc.getText(), doc.offsetAt(position)).map((c) => {
            const item = new vscode.CompletionItem(c.label, COMPLETION_KINDS[c.kind]);
            item.range = toRange(c.range);
            if (c.detail) item.detail = c.detail;
            if (c.documentation) item.documentation = new vscode.MarkdownString(c.documentation);
            if (c.insertText) item.insertText = c.insertText;
            return item;
          });
        },
      },
      ':',
      ' ',
      '-',
      '{',
      ',',
      '[',
    ),

    vscode.languages.registerCodeActionsProvider(
      SELECTOR,
      {
        provideCodeActions(doc, _range, context) {
          return context.diagnostics
            .filter((d) => d.source === 'lcnb')
            .flatMap((d) =>
              quickFixes(d.message, fromRange(d.range), doc.getText(d.range)).map((fix, i) => {
                const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
                action.edit = new vscode.WorkspaceEdit();
                action.edit.replace(doc.uri, toRange(fix.range), fix.newText);
                action.diagnostics = [d];
                action.isPreferred = i === 0;
                return action;
              }),
            );
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),

    vscode.languages.registerHoverProvider(SELECTOR, {
      provideHover(doc, position) {
        const hover = analysis(doc).hover(doc.offsetAt(position), results.get(doc.uri), headline(doc));
        return hover && new vscode.Hover(new vscode.MarkdownString(hover.markdown), toRange(hover.range));
      },
    }),

    vscode.languages.registerInlayHintsProvider(SELECTOR, {
      onDidChangeInlayHints: hintsChanged.event,
      provideInlayHints(doc, range) {
        // The hints of one line share VS Code's per-line length: a line with several fits them in it.
        const budget = vscode.workspace.getConfiguration('editor', doc).get<number>('inlayHints.maximumLength', 43);
        return analysis(doc)
          .inlayHints(results.get(doc.uri), headline(doc), budget)
          .filter((h) => h.position.line >= range.start.line && h.position.line <= range.end.line)
          .map((h) => {
            const hint = new vscode.InlayHint(toPosition(h.position), h.label);
            hint.paddingLeft = true;
            hint.tooltip = h.tooltip;
            return hint;
          });
      },
    }),
  );

  for (const doc of vscode.workspace.textDocuments) if (doc.languageId === LCNB_LANGUAGE) schedule(doc);
}
