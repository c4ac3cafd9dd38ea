/**
 * The .onnx editor's host side (onnxEditorProvider.ts) in plain Node, with a stand-in for the
 * `vscode` module: a file with symbolic dims is read again with the shape the webview sends, the
 * shape is remembered per file in the workspace state and used at once when the file is opened
 * again, a malformed shape is ignored, and Profile runs the file at the shape it was read with.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EditorUpdate } from '../../../src/editor/messages';
import { bundleParseWorker, convModel } from '../support/editor-helpers';
import { installVscodeStub } from '../support/safety-vscode';

// The shared stand-in for `vscode`, with what the custom editor's registration needs.
const vscodeStub = installVscodeStub();
type Uri = InstanceType<typeof vscodeStub.Uri>;
const Uri = vscodeStub.Uri;
let provider: { resolveCustomEditor(document: { uri: Uri }, panel: unknown): void } | undefined;
Object.assign(vscodeStub.window, { registerCustomEditorProvider: (_type: string, p: typeof provider) => ((provider = p), new vscodeStub.Disposable()) });
Object.assign(vscodeStub.commands, { getCommands: () => Promise.resolve([]) });

/** The workspace state: a Memento over a Map. */
class Memento {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.parse(JSON.stringify(value)));
    return Promise.resolve();
  }
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
}

/** A panel whose webview records what the host posts and lets the test send messages. */
function panel() {
  const posted: EditorUpdate[] = [];
  let receive: (m: unknown) => void = () => undefined;
  let disposed: () => void = () => undefined;
  const webview = {
    html: '',
    options: {},
    cspSource: 'https://test',
    asWebviewUri: (u: Uri) => u,
    postMessage: (m: EditorUpdate) => (posted.push(JSON.parse(JSON.stringify(m))), Promise.resolve(true)),
    onDidReceiveMessage: (listener: (m: unknown) => void) => ((receive = listener), new vscodeStub.Disposable()),
  };
  return {
    panel: { webview, onDidDispose: (listener: () => void) => ((disposed = listener), new vscodeStub.Disposable()) },
    posted,
    send: (m: unknown) => receive(m),
    close: () => disposed(),
    /** Resolves once an update of `type` has come (after `from` updates). */
    async until(type: EditorUpdate['type'], from = 0): Promise<EditorUpdate> {
      for (let i = 0; i < 400; i++) {
        const found = posted.slice(from).find((u) => u.type === type);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.fail(`no '${type}' update; got ${posted.map((u) => u.type).join(', ')}`);
    },
  };
}

const scratch = mkdtempSync(join(tmpdir(), 'lcnb-editor-host-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const MODEL = join(scratch, 'dynamic.onnx');
const state = new Memento();
const warnings: string[] = [];
const profiled: { inputs?: Record<string, number[]> }[] = [];
const shapeJobs: { tensors: string[] }[] = [];

before(async () => {
  // The provider finds its worker at <extension>/dist/onnxParseWorker.js.
  mkdirSync(join(scratch, 'dist'));
  bundleParseWorker(join(scratch, 'dist'));
  writeFileSync(MODEL, convModel([1, 3, 'H', 'W']));
  const { registerOnnxEditor } = await import('../../../src/editor/onnxEditorProvider');
  const log = { info() {}, warn: (m: string) => warnings.push(m), error() {} };
  // A kernel that records the request and stops there: what matters is the shape it is asked to run.
  const kernel = {
    // Profile measures one model as stored: the inputs of its one entry are the shapes it runs at.
    measure: (request: { models: { inputs?: Record<string, number[]> }[] }) => {
      profiled.push(request.models[0]);
      return Promise.reject(new Error('no onnxruntime in this test'));
    },
    // The one run for shapes only data can tell: NonZero of nonzero_tiny.onnx found 13 elements.
    shapes: (request: { tensors: string[] }) => {
      shapeJobs.push(request);
      const measured: Record<string, number[]> = { idx: [4, 13], idx_t: [13, 4], picked: [13], n: [1], ones: [13], out: [13] };
      return Promise.resolve({ shapes: Object.fromEntries(request.tensors.map((t) => [t, measured[t]])), runMs: 1 });
    },
  };
  registerOnnxEditor({ extensionUri: Uri.file(scratch), workspaceState: state } as never, (() => kernel) as never, log as never);
  assert.ok(provider, 'the provider is registered');
});

function open(file = MODEL) {
  const p = panel();
  provider!.resolveCustomEditor({ uri: Uri.file(file) }, p.panel);
  return p;
}

describe('ONNX editor host: shapes only data can tell', () => {
  it('come from one run in the kernel, and the file is read again with them', async () => {
    const p = open(join(__dirname, '..', '..', 'fixtures', 'onnx', 'nonzero_tiny.onnx'));
    const first = await p.until('summary');
    assert.ok(first.type === 'summary' && first.summary.uncounted.length === 6, 'the static reading lists 6 nodes with why');
    await p.until('notice');
    const from = p.posted.indexOf(first) + 1;
    const second = await p.until('summary', from);
    assert.ok(second.type === 'summary');
    assert.deepEqual(second.summary.uncounted, [], 'every node counted once the run measured its shapes');
    assert.deepEqual(shapeJobs.at(-1)?.tensors, ['idx', 'idx_t', 'picked', 'n', 'ones', 'out']);
    p.close();
  });
});

describe('ONNX editor host: input shapes', () => {
  it('asks for a shape, reads with the one sent, remembers it, and profiles at it', async () => {
    const p = open();
    const needed = await p.until('shapeNeeded');
    assert.deepEqual(p.posted.map((u) => u.type), ['file', 'reading', 'header', 'shapeNeeded']);
    assert.deepEqual(p.posted[1], { type: 'reading', inputShapes: {}, remembered: false });
    assert.ok(needed.type === 'shapeNeeded' && needed.inputs[0].dims.join() === '1,3,H,W');

    // Malformed shapes are ignored, and nothing is remembered.
    const before = p.posted.length;
    p.send({ type: 'inputShapes', shapes: { x: [1, 3, 'H', 32] } });
    p.send({ type: 'inputShapes', shapes: { x: [1, 3, 32, 32] }, path: '/etc/passwd' });
    assert.equal(p.posted.length, before);
    assert.equal(warnings.filter((w) => /malformed/.test(w)).length, 2);

    // A shape that does not fit: the reader's message; still nothing remembered.
    const sent = p.posted.length;
    p.send({ type: 'inputShapes', shapes: { x: [1, 3, 32] } });
    const misfit = await p.until('shapeNeeded', sent);
    assert.ok(misfit.type === 'shapeNeeded' && /has rank 3/.test(misfit.message));
    assert.equal(state.get('lcnb.onnxEditor.inputShapes'), undefined);

    const start = p.posted.length;
    p.send({ type: 'inputShapes', shapes: { x: [1, 3, 32, 32] } });
    await p.until('diagram', start);
    assert.deepEqual(p.posted.slice(start).map((u) => u.type), ['reading', 'header', 'read', 'summary', 'diagram']);
    assert.deepEqual(p.posted[start], { type: 'reading', inputShapes: { x: [1, 3, 32, 32] }, remembered: false });
    const summary = p.posted.slice(start).find((u) => u.type === 'summary');
    assert.ok(summary?.type === 'summary');
    assert.equal(summary.summary.totals.madds, 8 * 32 * 32 * 27);
    assert.deepEqual(state.get('lcnb.onnxEditor.inputShapes'), { [Uri.file(MODEL).toString()]: { x: [1, 3, 32, 32] } });

    // Profile runs the file at the shape it was read with.
    const beforeProfile = p.posted.length;
    p.send({ type: 'profile' });
    const failed = await p.until('profileError', beforeProfile);
    assert.ok(failed.type === 'profileError' && /no onnxruntime in this test/.test(failed.message));
    assert.deepEqual(profiled.at(-1)?.inputs, { x: [1, 3, 32, 32] });

    // A webview that reloads gets the last read only.
    const reload = p.posted.length;
    p.send({ type: 'ready' });
    await p.until('diagram', reload);
    assert.deepEqual(p.posted.slice(reload).map((u) => u.type), ['file', 'reading', 'header', 'read', 'summary', 'diagram']);
    p.close();
  });

  it('a file opened again is read at once with the shape remembered for it', async () => {
    const p = open();
    await p.until('diagram');
    assert.deepEqual(p.posted.map((u) => u.type), ['file', 'reading', 'header', 'read', 'summary', 'diagram']);
    assert.deepEqual(p.posted[1], { type: 'reading', inputShapes: { x: [1, 3, 32, 32] }, remembered: true });
    p.close();
  });

  it('a remembered entry that is not a shape is not used', async () => {
    await state.update('lcnb.onnxEditor.inputShapes', { [Uri.file(MODEL).toString()]: { x: [1, -3, 'H'] } });
    const p = open();
    await p.until('shapeNeeded');
    assert.deepEqual(p.posted[1], { type: 'reading', inputShapes: {}, remembered: false });
    p.close();
  });
});

describe('ONNX editor host: the activation-memory guard', () => {
  it('refuses a profile whose activations would not fit, before the kernel is asked', async () => {
    const huge = join(scratch, 'huge.onnx');
    writeFileSync(huge, convModel([1, 3, 'H', 'W']));
    const p = open(huge);
    await p.until('shapeNeeded');
    const start = p.posted.length;
    p.send({ type: 'inputShapes', shapes: { x: [1, 3, 12000, 12000] } });
    await p.until('diagram', start);
    const jobs = profiled.length;
    const beforeProfile = p.posted.length;
    p.send({ type: 'profile' });
    const refused = await p.until('profileError', beforeProfile);
    assert.ok(refused.type === 'profileError' && /^Profiling refused: huge\.onnx: .* needs .* of activation memory/.test(refused.message), JSON.stringify(refused));
    assert.equal(refused.cancelled, false);
    assert.deepEqual(p.posted.slice(beforeProfile).map((u) => u.type), ['profileError'], 'no progress: the kernel was never started');
    assert.equal(profiled.length, jobs);
    p.close();
  });
});
