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
 * - src/files (file-writing helpers, for src/ and kernels/) imports only itself; kernels/ never
 *   imports src/run.
 * - src/notebookFile (the .lcnb file format) never imports `vscode` either. src/host (the services
 *   the commands, the notebook kernels and the editor share) is imported only by src/notebook,
 *   src/commands, src/editor and src/extension.ts; src/run never imports src/notebook or src/host,
 *   and src/notebook never imports src/commands.
 * - What src/cli/, src/run and src/notebookFile load at run time, followed import by import through
 *   any room, never reaches `vscode`: a chain that does is reported with its files.
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

const CORE_ROOMS = new Set(['src/core', 'src/zoo', 'src/onnx', 'src/lang', 'src/shared', 'src/files']);
/** Which rooms each VS Code-free room may import from. */
const ALLOWED: Record<string, Set<string>> = {
  'src/shared': new Set(['src/shared']),
  'src/files': new Set(['src/files']),
  'src/core': new Set(['src/core', 'src/shared']),
  'src/zoo': new Set(['src/core', 'src/shared', 'src/zoo']),
  'src/onnx': new Set(['src/core', 'src/shared', 'src/zoo', 'src/onnx']),
  'src/lang': new Set(['src/core', 'src/shared', 'src/zoo', 'src/onnx', 'src/lang']),
};

/** Rooms that `lcnb run` loads: they never import `vscode`, directly or through another file. */
const VSCODE_FREE_ENTRIES = new Set(['src/cli', 'src/run', 'src/notebookFile']);
/** The rooms that may import src/host, the VS Code services shared by the editor-facing rooms. */
const HOST_USERS = new Set(['src/host', 'src/notebook', 'src/commands', 'src/editor', 'src/extension']);
/** Imports that would run back up between the rooms: room -> rooms it must not import. */
const NEVER: Record<string, Set<string>> = {
  'src/run': new Set(['src/notebook', 'src/host']),
  'src/notebook': new Set(['src/commands']),
};

/** The file a relative specifier names: `x.ts`, `x/index.ts` or `x` itself; undefined if none exists. */
function resolveFile(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  for (const path of [`${base}.ts`, join(base, 'index.ts'), base]) {
    try {
      if (statSync(path).isFile()) return path;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/**
 * For each file of a VS Code-free entry room, follows its run-time imports (not `import type`)
 * through every room; a file outside those rooms that imports `vscode` is reported once, from the
 * first entry file that reaches it, with the chain of files in between.
 */
function indirectVscode(root: string, files: string[]): Violation[] {
  const name = (file: string) => relative(root, file).split(sep).join('/');
  const runtimeImports = new Map<string, ImportRef[]>();
  const importsAt = (file: string) => {
    let refs = runtimeImports.get(file);
    if (!refs) runtimeImports.set(file, (refs = importsOf(file).filter((r) => !r.typeOnly)));
    return refs;
  };
  const reported = new Set<string>();
  const violations: Violation[] = [];
  for (const entry of files.filter((f) => VSCODE_FREE_ENTRIES.has(roomOf(relative(root, f))))) {
    const previous = new Map<string, string | undefined>([[entry, undefined]]);
    const queue = [entry];
    while (queue.length > 0) {
      const file = queue.shift()!;
      for (const { specifier } of importsAt(file)) {
        if (specifier === 'vscode' && file !== entry && !VSCODE_FREE_ENTRIES.has(roomOf(relative(root, file))) && !reported.has(file)) {
          reported.add(file);
          const chain: string[] = [];
          for (let at: string | undefined = file; at; at = previous.get(at)) chain.unshift(name(at));
          const first = importsAt(entry).find((r) => r.specifier.startsWith('.') && resolveFile(entry, r.specifier) === (chain.length > 1 ? resolve(root, chain[1]) : file));
          violations.push({
            file: name(entry),
            specifier: first?.specifier ?? specifier,
            rule: `${roomOf(relative(root, entry))} reaches vscode through ${[...chain, 'vscode'].join(' -> ')}`,
          });
        }
        if (!specifier.startsWith('.')) continue;
        const next = resolveFile(file, specifier);
        if (next && !previous.has(next)) {
          previous.set(next, file);
          queue.push(next);
        }
      }
    }
  }
  return violations;
}

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
      if (specifier === 'vscode' && (CORE_ROOMS.has(room) || isMedia(room) || isKernels(room) || VSCODE_FREE_ENTRIES.has(room))) {
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
      if (target === 'src/host' && !HOST_USERS.has(room)) {
        report(`src/host is imported only by ${[...HOST_USERS].filter((r) => r !== 'src/host').join(', ')}, not ${room}`);
      }
      if (target === 'src/run' && isKernels(room)) {
        report(`${room} must not import src/run`);
      }
      if (target && NEVER[room]?.has(target)) {
        report(`${room} must not import ${target}`);
      }
      if (target && isMedia(target) && !isMedia(room)) {
        report('extension-side code must not import the webview side (media/)');
      }
    }
  }
  violations.push(...indirectVscode(root, files));
  return violations;
}

/**
 * Import circles among the files of src/, kernels/ and media/, through imports that are not
 * `import type` (a circle of types only is erased at build time). Each circle is listed once, as
 * the files along it, starting from its first file in path order.
 */
export function importCycles(root: string): string[][] {
  const files = ['src', 'kernels', 'media'].flatMap((dir) => sourceFiles(join(root, dir)));
  const name = (file: string) => relative(root, file).split(sep).join('/');
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const targets = importsOf(file)
      .filter((r) => !r.typeOnly && r.specifier.startsWith('.'))
      .map((r) => resolveFile(file, r.specifier))
      .filter((t): t is string => t !== undefined && t.endsWith('.ts'));
    edges.set(file, [...new Set(targets)]);
  }
  // Tarjan's strongly connected components; a component of two or more files holds a circle.
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, order.get(w)!));
      }
    }
    if (low.get(v) === order.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(name(w));
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const file of files.sort()) if (!order.has(file)) visit(file);
  return cycles.sort((a, b) => a[0].localeCompare(b[0]));
}
