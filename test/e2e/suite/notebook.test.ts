import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'lcnb.lcnb';

/** The workspace folder: a temporary copy of the repository's notebooks/. */
function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the extension-host suite runs without a workspace folder');
  return folder.uri;
}

describe('lcnb notebooks', () => {
  let scratch: string | undefined;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  after(() => {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('opens getting-started.lcnb with its cells and languages', async () => {
    const uri = vscode.Uri.joinPath(workspaceFolder(), 'getting-started.lcnb');
    const file = JSON.parse(fs.readFileSync(uri.fsPath, 'utf8')) as { cells: { kind: string; language: string; source: string }[] };
    const notebook = await vscode.workspace.openNotebookDocument(uri);
    assert.equal(notebook.notebookType, 'lcnb');
    assert.equal(notebook.isDirty, false);
    assert.equal(notebook.cellCount, 10);
    assert.equal(notebook.cellCount, file.cells.length);
    const cells = notebook.getCells();
    cells.forEach((cell, i) => {
      const code = file.cells[i].kind === 'code';
      const where = `cell ${i + 1}`;
      assert.equal(cell.kind, code ? vscode.NotebookCellKind.Code : vscode.NotebookCellKind.Markup, `${where}: kind`);
      assert.equal(cell.document.languageId, code ? 'lcnb' : 'markdown', `${where}: language`);
      assert.equal(cell.document.getText(), file.cells[i].source, `${where}: text`);
      assert.equal(cell.outputs.length, 0, `${where}: outputs`);
    });
    const code = cells.filter((c) => c.kind === vscode.NotebookCellKind.Code);
    assert.deepEqual(
      code.map((c) => c.document.lineAt(0).text.split(':')[0]),
      ['model', 'model', 'network', 'compare', 'sweep'],
    );
    assert.match(code[0].document.getText(), /^model: mobilenet_v3_small_x1_0$/m);
  });

  it('Expand Model into Layers rewrites a model cell into a network cell, undoably', async () => {
    const uri = vscode.Uri.joinPath(workspaceFolder(), 'getting-started.lcnb');
    const notebook = await vscode.workspace.openNotebookDocument(uri);
    await vscode.window.showNotebookDocument(notebook);
    const cell = notebook.getCells().find((c) => c.document.getText().startsWith('model: fasternet_t0'));
    assert.ok(cell, 'the fasternet_t0 model cell');
    const before = cell.document.getText();
    const text = await vscode.commands.executeCommand<string | undefined>('lcnb.expandModel', cell);
    assert.ok(text, 'the command returns the new cell text');
    assert.equal(cell.document.getText(), text);
    assert.match(text, /^network: fasternet_t0$/m);
    assert.match(text, /fasternet_block: \{[^}]*ratio: 0\.5/, 'the knob is applied in the expanded layers');
    await vscode.commands.executeCommand('undo');
    if (cell.document.getText() !== before) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(cell.document.uri, new vscode.Range(cell.document.positionAt(0), cell.document.positionAt(cell.document.getText().length)), before);
      await vscode.workspace.applyEdit(edit);
    }
    assert.equal(cell.document.getText(), before);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('refuses a malformed .lcnb, naming line and column, and leaves the file as it was', async () => {
    scratch = fs.mkdtempSync(path.join(workspaceFolder().fsPath, '.lcnb-e2e-'));
    const file = path.join(scratch, 'broken.lcnb');
    // A comma missing after `"lcnb": 1`: the reader stops at `"cells"`, line 3, column 2.
    const bytes = Buffer.from('{\n "lcnb": 1\n "cells": [\n  { "kind": "code", "language": "lcnb", "source": "model: mobilenet_v2_x1_0" }\n ]\n}\n');
    fs.writeFileSync(file, bytes);
    const uri = vscode.Uri.file(file);

    let error: unknown;
    try {
      await vscode.workspace.openNotebookDocument(uri);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof Error, `openNotebookDocument did not fail (it gave ${String(error)})`);
    assert.match(error.message, /line 3, column 2\b/, `the error does not name line 3, column 2: ${error.message}`);
    assert.match(error.message, /expected ','/, `the error does not say what is wrong: ${error.message}`);
    assert.equal(
      vscode.workspace.notebookDocuments.some((d) => d.uri.toString() === uri.toString()),
      false,
      'the malformed file is open as a notebook document anyway',
    );

    // Nothing writes the file back, now or a moment later.
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(fs.readFileSync(file).equals(bytes), 'the malformed file changed on disk');
    assert.deepEqual(fs.readdirSync(scratch), ['broken.lcnb']);
  });
});
