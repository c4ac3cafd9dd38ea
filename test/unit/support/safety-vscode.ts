/**
 * A small stand-in for the `vscode` module, so the safety tests can run extension-side code (the
 * serializer, the notebook controller, webview panels) in plain Node: it implements what those
 * files use and records what they do (messages shown, controllers, panels).
 */
import Module from 'node:module';

class Disposable {
  dispose(): void {}
}

class EventEmitter<T> {
  private listeners: ((e: T) => void)[] = [];
  event = (listener: (e: T) => void) => (this.listeners.push(listener), new Disposable());
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
  dispose(): void {}
}

class Uri {
  constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(path: string): Uri {
    return new Uri('file', path);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, [base.path, ...parts].join('/'));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

enum NotebookCellKind {
  Markup = 1,
  Code = 2,
}

class NotebookCellOutputItem {
  constructor(
    readonly data: Uint8Array,
    readonly mime: string,
  ) {}
}

class NotebookCellOutput {
  constructor(
    readonly items: NotebookCellOutputItem[],
    readonly metadata?: Record<string, unknown>,
  ) {}
}

class NotebookCellData {
  outputs?: NotebookCellOutput[];
  metadata?: Record<string, unknown>;
  executionSummary?: unknown;
  constructor(
    public kind: NotebookCellKind,
    public value: string,
    public languageId: string,
  ) {}
}

class NotebookData {
  metadata?: Record<string, unknown>;
  constructor(public cells: NotebookCellData[]) {}
}

export interface StubWebview {
  html: string;
  readonly cspSource: string;
  readonly options: unknown;
}

/** What the code under test did through the stub. */
export const recorded = {
  errors: [] as string[],
  commands: [] as string[],
  controllers: [] as { id: string; label: string; executeHandler?: (cells: unknown[], notebook: unknown, controller: unknown) => Promise<void> }[],
  webviews: [] as StubWebview[],
};

export const workspace = {
  isTrusted: true,
  notebookDocuments: [] as unknown[],
  workspaceFolders: undefined,
  getConfiguration: () => ({ get: <T>(_key: string, fallback: T) => fallback }),
  onDidOpenNotebookDocument: () => new Disposable(),
  onDidChangeNotebookDocument: () => new Disposable(),
  onDidGrantWorkspaceTrust: () => new Disposable(),
  onDidChangeConfiguration: () => new Disposable(),
};

const stub = {
  Disposable,
  EventEmitter,
  Uri,
  NotebookCellKind,
  NotebookCellOutputItem,
  NotebookCellOutput,
  NotebookCellData,
  NotebookData,
  NotebookControllerAffinity: { Default: 1, Preferred: 2 },
  ViewColumn: { Active: -1, Beside: -2, One: 1 },
  ProgressLocation: { Notification: 15 },
  workspace,
  window: {
    visibleNotebookEditors: [] as unknown[],
    onDidChangeVisibleNotebookEditors: () => new Disposable(),
    showErrorMessage: (message: string) => (recorded.errors.push(message), Promise.resolve(undefined)),
    showWarningMessage: () => Promise.resolve(undefined),
    showInformationMessage: () => Promise.resolve(undefined),
    createWebviewPanel: (_type: string, _title: string, _column: unknown, options: unknown) => {
      const webview: StubWebview & { asWebviewUri(u: Uri): Uri; onDidReceiveMessage(): Disposable; postMessage(): Promise<boolean> } = {
        html: '',
        cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
        options,
        asWebviewUri: (u: Uri) => new Uri('https', `file+.vscode-resource.vscode-cdn.net${u.path}`),
        onDidReceiveMessage: () => new Disposable(),
        postMessage: () => Promise.resolve(true),
      };
      recorded.webviews.push(webview);
      return { webview, onDidDispose: () => new Disposable(), reveal() {}, dispose() {} };
    },
  },
  commands: {
    executeCommand: (id: string) => (recorded.commands.push(id), Promise.resolve(undefined)),
    registerCommand: () => new Disposable(),
  },
  notebooks: {
    createNotebookController: (id: string, _type: string, label: string) => {
      const controller = { id, label, dispose() {}, updateNotebookAffinity() {}, onDidChangeSelectedNotebooks: () => new Disposable(), createNotebookCellExecution: undefined as unknown } as (typeof recorded.controllers)[number] & Record<string, unknown>;
      recorded.controllers.push(controller);
      return controller;
    },
  },
};

let installed = false;

/** Makes `require('vscode')` return the stand-in; call before loading extension-side modules. */
export function installVscodeStub(): typeof stub {
  if (!installed) {
    installed = true;
    const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const original = loader._load;
    loader._load = function (request: string, ...rest: unknown[]) {
      return request === 'vscode' ? stub : original.call(this, request, ...rest);
    };
  }
  return stub;
}
