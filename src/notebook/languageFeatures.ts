/**
 * Editor features of lcnb cells (language 'lcnb'): diagnostics as you type, completions, hovers
 * with computed, published and measured costs, and inlay hints with a short cost per line.
 * The texts come from languageCosts.ts; this file only adapts them to VS Code.
 */
import * as vscode from 'vscode';
import { onDidChangeConfig, readConfig } from '../config';
import { completionsAt } from '../lang/index';
import type { CompletionKind, Diagnostic, Position, Range } from '../lang/index';
import { CellAnalysis, CellAnalysisCache } from './languageCosts';
import type { CellResults } from './results';

export const LCNB_LANGUAGE = 'lcnb';
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

function toRange(r: Range): vscode.Range {
  return new vscode.Range(toPosition(r.start), toPosition(r.end));
}

function toDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const out = new vscode.Diagnostic(toRange(d.range), d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  out.source = 'lcnb';
  return out;
}

export function registerLanguageFeatures(context: vscode.ExtensionContext, results: CellResults): void {
  const cache = new CellAnalysisCache();
  const analysis = (doc: vscode.TextDocument): CellAnalysis => cache.get(doc.uri.toString(), doc.version, () => doc.getText());

  // Read at each request, so a changed setting applies to the next hover and hint.
  const headline = (doc: vscode.TextDocument) => readConfig(undefined, doc.uri).headlineFlops;

  const diagnostics = vscode.languages.createDiagnosticCollection('lcnb');
  const pending = new Map<string, NodeJS.Timeout>();
  const update = (doc: vscode.TextDocument) => {
    pending.delete(doc.uri.toString());
    if (doc.isClosed || doc.languageId !== LCNB_LANGUAGE) return;
    diagnostics.set(doc.uri, analysis(doc).diagnostics.map(toDiagnostic));
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
  const forget = (doc: vscode.TextDocument) => {
    const key = doc.uri.toString();
    clearTimeout(pending.get(key));
    pending.delete(key);
    cache.delete(key);
    diagnostics.delete(doc.uri);
  };

  const hintsChanged = new vscode.EventEmitter<void>();

  context.subscriptions.push(
    diagnostics,
    hintsChanged,
    { dispose: () => pending.forEach((t) => clearTimeout(t)) },
    vscode.workspace.onDidOpenTextDocument(schedule),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument(forget),
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

    vscode.languages.registerHoverProvider(SELECTOR, {
      provideHover(doc, position) {
        const hover = analysis(doc).hover(doc.offsetAt(position), results.get(doc.uri), headline(doc));
        return hover && new vscode.Hover(new vscode.MarkdownString(hover.markdown), toRange(hover.range));
      },
    }),

    vscode.languages.registerInlayHintsProvider(SELECTOR, {
      onDidChangeInlayHints: hintsChanged.event,
      provideInlayHints(doc, range) {
        return analysis(doc)
          .inlayHints(results.get(doc.uri), headline(doc))
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
