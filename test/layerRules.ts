/**
 * The layer rules of DESIGN.md, checked on import statements:
 * - src/core, src/zoo, src/onnx, src/lang and src/shared never import `vscode`, `onnxruntime-node`
 *   or the editor-facing rooms; src/core imports only itself and src/shared; src/shared only itself.
 * - `onnxruntime-node` is imported only under kernels/process/; kernels/, src/run (cell execution,
 *   shared by the notebook and `lcnb run`) and src/cli/ (the `lcnb` command) never import `vscode`.
 * - kernels/ holds two programs around their protocol: kernels/host/ (the client and what builds a
 *   profile from its answers, for the extension host and the CLI) and kernels/process/ (the forked
 *   process that runs onnxruntime). kernels/protocol.ts and kernels/stats.ts (pure) are shared by
 *   both. src/ and media/ may import kernels/host and the shared files, never kernels/process; the
 *   two sides never import each other (the host talks to the process through the client), and the
 *   shared files import neither.
 * - media/ (webview side) imports runtime code only from media/ and src/shared/, and types only
 *   from elsewhere; never `vscode`. Inside media/ the arrows point down: media/shared imports only
 *   itself, media/report (the report view) media/shared and itself, and each view's folder
 *   (renderer, reportTab, onnxEditor, summary) those two and itself, never another view.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

export interface Violation {
  file: string;
  specifier: string;
  rule: string;
}

interface ImportRef {
  specifier: string;
  typeOnly: boolean;
}

function importsOf(file: string): ImportRef[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const refs: ImportRef[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly: !!node.importClause?.isTypeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expr = node.moduleReference.expression;
      if (ts.isStringLiteral(expr)) refs.push({ specifier: expr.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      refs.push({ specifier: node.argument.literal.text, typeOnly: true });
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments.length === 1 &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      refs.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The room of a repository-relative path: 'src/core', 'kernels/host', 'kernels' (the shared files), 'media/report', … */
function roomOf(path: string): string {
  const parts = path.split(sep);
  if (parts[0] === 'src') return parts.length > 2 ? `src/${parts[1]}` : `src/${parts[1].replace(/\.ts$/, '')}`;
  if (parts[0] === 'media') return parts.length > 2 ? `media/${parts[1]}` : 'media';
  if (parts[0] === 'kernels') return parts.length > 2 ? `kernels/${parts[1]}` : 'kernels';
  return parts[0];
}

const isMedia = (room: string) => room === 'media' || room.startsWith('media/');
const isKernels = (room: string) => room === 'kernels' || room.startsWith('kernels/');
/** Which rooms of kernels/ each room may import from: each side itself and the shared protocol, never the other side. */
function kernelsAllowed(room: string): Set<string> {
  if (room === 'kernels/host' || room === 'kernels/process') return new Set(['kernels', room]);
  if (isKernels(room)) return new Set(['kernels']);
  return new Set(['kernels', 'kernels/host']);
}
/** The webview side's shared rooms; every other folder of media/ is one view. */
const MEDIA_SHARED: Record<string, Set<string>> = {
  'media/shared': new Set(['media/shared']),
  'media/report': new Set(['media/shared', 'media/report']),
};
/** Which rooms of media/ a room of media/ may import from. */
function mediaAllowed(room: string): Set<string> {
  return MEDIA_SHARED[room] ?? new Set(['media/shared', 'media/report', room]);
}

const CORE_ROOMS = new Set(['src/core', 'src/zoo', 'src/onnx', 'src/lang', 'src/shared']);
/** Which rooms each VS Code-free room may import from. */
const ALLOWED: Record<string, Set<string>> = {
  'src/shared': new Set(['src/shared']),
  'src/core': new Set(['src/core', 'src/shared']),
  'src/zoo': new Set(['src/core', 'src/shared', 'src/zoo']),
  'src/onnx': new Set(['src/core', 'src/shared', 'src/zoo', 'src/onnx']),
  'src/lang': new Set(['src/core', 'src/shared', 'src/zoo', 'src/onnx', 'src/lang']),
};

export function checkLayers(root: string): Violation[] {
  const violations: Violation[] = [];
  const files = ['src', 'kernels', 'media'].flatMap((dir) => sourceFiles(join(root, dir)));
  for (const file of files) {
    const rel = relative(root, file);
    const room = roomOf(rel);
    for (const { specifier, typeOnly } of importsOf(file)) {
      const report = (rule: string) => violations.push({ file: rel.split(sep).join('/'), specifier, rule });
      const isRelative = specifier.startsWith('.');
      const target = isRelative ? roomOf(relative(root, resolve(dirname(file), specifier))) : undefined;
      // Type-only imports of the runtime are harmless outside the VS Code-free rooms.
      if (specifier === 'onnxruntime-node' && room !== 'kernels/process' && (!typeOnly || CORE_ROOMS.has(room))) {
        report('onnxruntime-node is loaded only inside kernels/process/');
      }
      if (specifier === 'vscode' && (CORE_ROOMS.has(room) || isMedia(room) || isKernels(room) || room === 'src/run' || room === 'src/cli')) {
        report(`${room} must not import vscode`);
      }
      if (target && CORE_ROOMS.has(room) && !ALLOWED[room].has(target)) {
        report(`${room} may import only ${[...ALLOWED[room]].join(', ')}, not ${target}`);
      }
      if (target && isMedia(room) && !typeOnly && !isMedia(target) && target !== 'src/shared') {
        report(`media/ may import runtime code only from media/ and src/shared/ (use 'import type' for ${target})`);
      }
      if (target && isMedia(room) && isMedia(target) && !mediaAllowed(room).has(target)) {
        report(`${room} may import only ${[...mediaAllowed(room)].join(', ')} of media/, not ${target}`);
      }
      if (target && isKernels(target) && !kernelsAllowed(room).has(target)) {
        report(
          isKernels(room)
            ? `${room} may import only ${[...kernelsAllowed(room)].join(', ')} of kernels/, not ${target}`
            : 'src/ and media/ may import kernels/host and the shared kernels/protocol.ts and stats.ts, never kernels/process',
        );
      }
      if (target && isMedia(target) && !isMedia(room)) {
        report('extension-side code must not import the webview side (media/)');
      }
    }
  }
  return violations;
}
