/**
 * The .onnx editor and files whose inputs leave dimensions open: the staged parse stops with
 * `shapeNeeded` (the header still shown) and reads with the shapes given; the page (in linkedom)
 * shows a form for a symbolic-dims file and none for a static one, posts the shape the host
 * accepts, fills in once read, shows the reader's message beside the field when the shape does
 * not fit, offers Change afterwards, and shows the header of a file whose graph cannot be read.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseHTML } from 'linkedom';
import { checkEditorRequest, EditorRequest, EditorUpdate, InputShapes, ParseMessage, SHAPE_LIMITS } from '../../../src/editor/messages';
import { parseOnnxStages } from '../../../src/editor/parseStages';
import { convModel } from '../support/editor-helpers';

type Mount = (root: unknown, post: (request: EditorRequest) => void) => (update: EditorUpdate) => void;
type ShapeForm = {
  parseShapeText: (text: string, declared?: readonly (number | string)[]) => { shape: number[] } | { error: string };
  FIELD_LIMITS: { rank: number; dim: number };
};

let mountOnnxEditor: Mount;
let parseShapeText: ShapeForm['parseShapeText'];
let fieldLimits: ShapeForm['FIELD_LIMITS'];
before(async () => {
  // Loaded by path: media/ is checked by media/tsconfig.json (DOM types), not by the Node test build.
  mountOnnxEditor = ((await import(join(__dirname, '..', '..', '..', 'media', 'onnxEditor', 'editor.ts'))) as { mountOnnxEditor: Mount }).mountOnnxEditor;
  ({ parseShapeText, FIELD_LIMITS: fieldLimits } = (await import(join(__dirname, '..', '..', '..', 'media', 'onnxEditor', 'shapeForm.ts'))) as ShapeForm);
});

const scratch = mkdtempSync(join(tmpdir(), 'lcnb-editor-shape-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const path = join(scratch, name);
  writeFileSync(path, bytes);
  return path;
}

/** A Conv model with input x [1, 3, H, W]; one with a symbolic batch only; one fully static; one whose weight does not fit. */
const SYMBOLIC = write('dynamic.onnx', convModel([1, 3, 'H', 'W']));
const BATCH = write('batch.onnx', convModel(['N', 3, 16, 16]));
const STATIC = write('static.onnx', convModel([1, 3, 16, 16]));
const UNREADABLE = write('mismatch.onnx', convModel([1, 3, 16, 16], { weightChannels: 4 }));
/** 3×3 conv, 3 → 8 channels, on 32×32: 8·32·32·3·3·3. */
const MADDS_32 = 8 * 32 * 32 * 27;

async function stages(path: string, inputShapes?: InputShapes): Promise<ParseMessage[]> {
  const messages: ParseMessage[] = [];
  await parseOnnxStages({ path, ...(inputShapes ? { inputShapes } : {}) }, (m) => messages.push(m));
  return messages;
}

/** What the host posts for a read of `path` with `inputShapes`: the parse stages as editor updates. */
async function hostUpdates(path: string, inputShapes: InputShapes = {}, remembered = false): Promise<EditorUpdate[]> {
  const updates: EditorUpdate[] = [{ type: 'reading', inputShapes, remembered }];
  for (const m of await stages(path, Object.keys(inputShapes).length ? inputShapes : undefined)) {
    if (m.type === 'diagram') updates.push({ type: 'diagram', diagram: m.diagram, ms: m.ms });
    else if (m.type === 'error') updates.push({ type: 'parseError', message: m.message });
    else if (m.type !== 'done') updates.push(m);
  }
  return updates;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

async function open(path: string) {
  const { document } = parseHTML('<!doctype html><html><body><main id="root"></main></body></html>') as unknown as { document: any };
  const root = document.getElementById('root');
  const posted: EditorRequest[] = [];
  const update = mountOnnxEditor(root, (r) => posted.push(r));
  update({ type: 'file', name: path.split('/').pop()!, sizeBytes: 1234, trusted: true, profileSettings: 'cpu, 2 threads' });
  for (const u of await hostUpdates(path)) update(u);
  await settle();
  const form = () => root.querySelector('.lcnb-shape-form');
  const field = () => root.querySelector('.lcnb-shape-form input[data-input="x"]');
  const apply = () => root.querySelector('.lcnb-shape-form button.lcnb-primary');
  const fieldError = () => field().parentElement.querySelector('.lcnb-shape-error').textContent as string;
  const status = () => root.querySelector('.lcnb-editor-status').textContent as string;
  return { root, posted, update, form, field, apply, fieldError, status };
}

describe('ONNX editor: reading a file with symbolic dimensions', () => {
  it('stops after the header with shapeNeeded: the declared inputs and outputs, the reader message without the path', async () => {
    const messages = await stages(SYMBOLIC);
    assert.deepEqual(messages.map((m) => m.type), ['header', 'shapeNeeded']);
    const header = messages[0].type === 'header' ? messages[0].header : assert.fail();
    assert.deepEqual(header.inputs, [{ name: 'x', dims: [1, 3, 'H', 'W'], dtype: 'float32' }]);
    assert.deepEqual(header.outputs, [{ name: 'y', dims: [1, 8, 'H', 'W'], dtype: 'float32' }]);
    assert.equal(header.producer, 'editor-test 1.0');
    assert.equal(header.nodeCount, 1);
    const needed = messages[1].type === 'shapeNeeded' ? messages[1] : assert.fail();
    assert.equal(needed.message, "input 'x' is declared [1, 3, H, W]: dimensions 2, 3 are not fixed; give the input shape");
    assert.deepEqual(needed.inputs, header.inputs);
  });

  it('reads with the shapes given: inputs as read, outputs inferred, costs at that size', async () => {
    const messages = await stages(SYMBOLIC, { x: [1, 3, 32, 32] });
    assert.deepEqual(messages.map((m) => m.type), ['header', 'read', 'summary', 'diagram', 'done']);
    const read = messages[1].type === 'read' ? messages[1].read : assert.fail();
    assert.deepEqual(read.inputs, [{ name: 'x', dims: [1, 3, 'H', 'W'], dtype: 'float32', shape: [1, 3, 32, 32] }]);
    assert.deepEqual(read.outputs, [{ name: 'y', shape: [1, 8, 32, 32] }]);
    const summary = messages[2].type === 'summary' ? messages[2].summary : assert.fail();
    assert.equal(summary.totals.madds, MADDS_32);
    const diagram = messages[3].type === 'diagram' ? messages[3] : assert.fail();
    assert.deepEqual(diagram.graph.inputs[0].shape, [1, 3, 32, 32], 'the graph Profile runs is the one read with the shape');
  });

  it('a shape that does not fit: the reader says why (rank, a fixed dimension)', async () => {
    const rank = await stages(SYMBOLIC, { x: [1, 3, 32] });
    assert.deepEqual(rank.map((m) => m.type), ['header', 'shapeNeeded']);
    assert.equal(rank[1].type === 'shapeNeeded' && rank[1].message, "input 'x' is declared [1, 3, H, W] (rank 4); the shape given, [1, 3, 32], has rank 3");
    const fixed = await stages(SYMBOLIC, { x: [1, 4, 32, 32] });
    assert.equal(fixed[1].type === 'shapeNeeded' && fixed[1].message, "input 'x' is declared [1, 3, H, W]; dimension 1 is fixed at 3, the shape given says 4");
  });

  it('a symbolic batch alone is read as 1, with a note', async () => {
    const messages = await stages(BATCH);
    const read = messages.find((m) => m.type === 'read');
    assert.ok(read?.type === 'read');
    assert.deepEqual(read.read.inputs[0].shape, [1, 3, 16, 16]);
    assert.deepEqual(read.read.notes, ["Input 'x' has a symbolic batch dimension 'N': read with batch 1."]);
  });

  it('a graph that cannot be read still has its header', async () => {
    const messages = await stages(UNREADABLE);
    assert.deepEqual(messages.map((m) => m.type), ['header', 'error']);
    assert.match(messages[1].type === 'error' ? messages[1].message : '', /weight 'w' \[8, 4, 3, 3\] has 4 input channels/);
  });
});

describe('ONNX editor page: the input-shape form', () => {
  it('is shown for a file with symbolic dims, prefilled with the declared dims', async () => {
    const { root, form, field, apply, status } = await open(SYMBOLIC);
    assert.ok(form(), 'the form is shown');
    assert.equal(field().value, '1, 3, H, W');
    assert.equal(apply().disabled, false);
    assert.match(root.querySelector('.lcnb-shape-intro').textContent, /^Input 'x' leaves dimensions 2 and 3 open: give the shape/);
    assert.equal(root.querySelector('.lcnb-shape-form label').textContent, 'x');
    assert.equal(root.querySelector('.lcnb-shape-form label').htmlFor, field().id);
    assert.match(status(), /^Give the input shape/);
    assert.equal(root.querySelector('table.lcnb-totals'), null, 'no totals before a shape');
    assert.equal(root.querySelectorAll('.lcnb-error').length, 0, 'a missing shape is not an error');
    // The header is there meanwhile: inputs and outputs as declared, opset and producer.
    const io = [...root.querySelectorAll('table.lcnb-kv tr')].map((tr: any) => tr.textContent);
    assert.deepEqual(io, ['Input xfloat32 [1, 3, H, W]', 'Output yfloat32 [1, 8, H, W]']);
    assert.match(root.querySelector('.lcnb-editor-title p').textContent, /ONNX opset 17 · produced by editor-test 1\.0 · graph "conv" · 1 nodes in the file/);
  });

  it('is not shown for a static file, nor for a symbolic batch (a note says it was read as 1)', async () => {
    for (const path of [STATIC, BATCH]) {
      const { root, form } = await open(path);
      assert.equal(form(), null, path);
      assert.equal(root.querySelector('.lcnb-shape-current'), null, path);
      assert.ok(root.querySelector('table.lcnb-totals'), `${path} is read at once`);
    }
    const { root } = await open(BATCH);
    assert.deepEqual([...root.querySelectorAll('.lcnb-editor-notes li')].map((li: any) => li.textContent), ["Input 'x' has a symbolic batch dimension 'N': read with batch 1."]);
    assert.match(root.querySelector('table.lcnb-kv').textContent, /Input xfloat32 \[N, 3, 16, 16\] · read as 1×3×16×16/);
  });

  it('Apply posts the shape the host accepts; once read, totals fill in and Change offers the form again', async () => {
    const { root, posted, update, form, field, apply, status } = await open(SYMBOLIC);
    field().value = '1,3,32,32';
    apply().click();
    assert.deepEqual(posted, [{ type: 'inputShapes', shapes: { x: [1, 3, 32, 32] } }]);
    assert.deepEqual(checkEditorRequest(JSON.parse(JSON.stringify(posted[0]))), posted[0]);
    assert.equal(apply().disabled, true, 'Apply waits for the read');
    assert.match(status(), /^Reading the model with input shape x 1×3×32×32/);

    for (const u of await hostUpdates(SYMBOLIC, { x: [1, 3, 32, 32] })) update(u);
    await settle();
    assert.equal(form(), null, 'the form gives way to the shape read');
    assert.match(root.querySelector('table.lcnb-totals').textContent, new RegExp(MADDS_32.toLocaleString('en-US')));
    assert.ok(root.querySelector('.lcnb-architecture svg'), 'the diagram is drawn');
    assert.match(status(), /^Ready/);
    const current = root.querySelector('.lcnb-shape-current');
    assert.equal(current.textContent, 'Input shapex 1×3×32×32Change');
    assert.match(root.querySelector('table.lcnb-kv').textContent, /Output yfloat32 \[1, 8, H, W\] · inferred 1×8×32×32/);
    assert.equal(root.querySelector('.lcnb-editor-toolbar button.lcnb-primary').disabled, false, 'Profile is offered');

    // Change: the form again, with the shape read; Cancel goes back.
    const change = [...current.querySelectorAll('button')].find((b: any) => b.textContent === 'Change');
    change.click();
    assert.equal(field().value, '1, 3, 32, 32');
    const cancel = [...form().querySelectorAll('button')].find((b: any) => b.textContent === 'Cancel');
    cancel.click();
    assert.equal(form(), null);
    assert.ok(root.querySelector('.lcnb-shape-current'));
  });

  it('Enter in the field applies', async () => {
    const { posted, field } = await open(SYMBOLIC);
    field().value = '[2, 3, 64, 48]';
    const { Event: DomEvent } = parseHTML('') as unknown as { Event: typeof Event };
    field().dispatchEvent(Object.assign(new DomEvent('keydown'), { key: 'Enter' }));
    assert.deepEqual(posted, [{ type: 'inputShapes', shapes: { x: [2, 3, 64, 48] } }]);
  });

  it('a dimension left symbolic or not a number is refused beside the field, nothing posted', async () => {
    const { posted, field, apply, fieldError } = await open(SYMBOLIC);
    apply().click();
    assert.equal(fieldError(), "Dimension 2 is still 'H': replace it with a number (e.g. 1, 3, 640, 640).");
    assert.equal(field().getAttribute('aria-invalid'), 'true');
    field().value = '1, 3, 64, 6.4';
    apply().click();
    assert.match(fieldError(), /^'6\.4' is not a whole number/);
    field().value = '1, 3, 0, 64';
    apply().click();
    assert.match(fieldError(), /^Dimension 2 is 0: every dimension must be at least 1/);
    assert.deepEqual(posted, []);
    field().value = '1, 3, 64, 64';
    apply().click();
    assert.equal(fieldError(), '');
    assert.equal(posted.length, 1);
  });

  it("a shape the model does not take: the reader's message beside the field, the typed shape kept", async () => {
    const { root, update, field, apply, fieldError, status, posted } = await open(SYMBOLIC);
    field().value = '1, 3, 32';
    apply().click();
    assert.deepEqual(posted, [{ type: 'inputShapes', shapes: { x: [1, 3, 32] } }]);
    for (const u of await hostUpdates(SYMBOLIC, { x: [1, 3, 32] })) update(u);
    assert.equal(fieldError(), "input 'x' is declared [1, 3, H, W] (rank 4); the shape given, [1, 3, 32], has rank 3");
    assert.equal(field().value, '1, 3, 32');
    assert.equal(apply().disabled, false, 'another shape can be tried');
    assert.match(status(), /does not fit/);
    // A fixed dimension contradicted, the same way.
    field().value = '1, 4, 32, 32';
    apply().click();
    for (const u of await hostUpdates(SYMBOLIC, { x: [1, 4, 32, 32] })) update(u);
    assert.equal(fieldError(), "input 'x' is declared [1, 3, H, W]; dimension 1 is fixed at 3, the shape given says 4");
    assert.equal(root.querySelector('table.lcnb-totals'), null);
  });

  it('a shape remembered for the file: read at once, and said so', async () => {
    const { document } = parseHTML('<!doctype html><html><body><main id="root"></main></body></html>') as unknown as { document: any };
    const root = document.getElementById('root');
    const update = mountOnnxEditor(root, () => undefined);
    update({ type: 'file', name: 'dynamic.onnx', sizeBytes: 1, trusted: true, profileSettings: '' });
    for (const u of await hostUpdates(SYMBOLIC, { x: [1, 3, 32, 32] }, true)) update(u);
    await settle();
    assert.equal(root.querySelector('.lcnb-shape-form'), null);
    assert.match(root.querySelector('.lcnb-shape-current').textContent, /x 1×3×32×32.*remembered for this file/);
    assert.ok(root.querySelector('table.lcnb-totals'));
  });

  it('a graph that cannot be read: opset, producer, inputs and outputs shown with the error', async () => {
    const { root, form, status } = await open(UNREADABLE);
    assert.equal(form(), null);
    assert.match(root.querySelector('.lcnb-editor-title p').textContent, /ONNX opset 17 · produced by editor-test 1\.0/);
    const io = [...root.querySelectorAll('table.lcnb-kv tr')].map((tr: any) => tr.textContent);
    assert.deepEqual(io, ['Input xfloat32 [1, 3, 16, 16]', 'Output yfloat32 [1, 8, 16, 16]']);
    assert.match(root.querySelector('.lcnb-error').textContent, /weight 'w' \[8, 4, 3, 3\]/);
    assert.equal(status(), 'This file could not be read.');
  });

  it('a read with a shape the graph cannot take keeps the form, with the error in it', async () => {
    const { root, update, form } = await open(SYMBOLIC);
    update({ type: 'reading', inputShapes: { x: [1, 3, 1, 1] }, remembered: false });
    update({ type: 'parseError', message: "node 'pool' (MaxPool): the window is larger than the input" });
    assert.ok(form());
    assert.match(root.querySelector('.lcnb-shape-form-error').textContent, /window is larger/);
    assert.equal(root.querySelector('.lcnb-shape-form input[data-input="x"]').value, '1, 3, 1, 1');
  });

  it('uncounted ops say why they were left unresolved', async () => {
    const { root, update } = await open(STATIC);
    const read = (await hostUpdates(STATIC)).find((u) => u.type === 'summary');
    assert.ok(read?.type === 'summary');
    const uncounted = [{ name: 'nms', op: 'NonMaxSuppression', why: 'its output shape depends on the data' }, { name: 'g', op: 'QuickGelu' }];
    update({ ...read, summary: { ...read.summary, uncounted } });
    const items = [...root.querySelectorAll('.lcnb-uncounted li')].map((li: any) => li.textContent);
    assert.deepEqual(items, ['nms (NonMaxSuppression): its output shape depends on the data', 'g (QuickGelu): no cost rule']);
  });
});

describe('ONNX editor: shapes from the webview', () => {
  it('the field text: commas or spaces, brackets allowed', () => {
    assert.deepEqual(parseShapeText('1,3,640,640'), { shape: [1, 3, 640, 640] });
    assert.deepEqual(parseShapeText(' [1, 3, 640, 640] '), { shape: [1, 3, 640, 640] });
    assert.deepEqual(parseShapeText('1 3 640 640'), { shape: [1, 3, 640, 640] });
    assert.match((parseShapeText('') as { error: string }).error, /Give the shape/);
    assert.match((parseShapeText('1,3,-2,4') as { error: string }).error, /'-2' is not a whole number/);
    assert.match((parseShapeText('1,3,99999999999,4') as { error: string }).error, /more than lcnb reads/);
    // The webview refuses what the host would (it cannot import the host's limits at run time).
    assert.deepEqual(fieldLimits, { rank: SHAPE_LIMITS.rank, dim: SHAPE_LIMITS.dim });
  });

  it('the host accepts only plain shapes of positive whole numbers', () => {
    assert.deepEqual(checkEditorRequest({ type: 'inputShapes', shapes: { x: [1, 3, 640, 640] } }), { type: 'inputShapes', shapes: { x: [1, 3, 640, 640] } });
    const bad: unknown[] = [
      { type: 'inputShapes' },
      { type: 'inputShapes', shapes: {} },
      { type: 'inputShapes', shapes: [[1, 3]] },
      { type: 'inputShapes', shapes: { x: [] } },
      { type: 'inputShapes', shapes: { x: [1, 0, 4] } },
      { type: 'inputShapes', shapes: { x: [1, 3.5] } },
      { type: 'inputShapes', shapes: { x: ['1', 3] } },
      { type: 'inputShapes', shapes: { x: [1, 2 ** 31] } },
      { type: 'inputShapes', shapes: { x: new Array(17).fill(1) } },
      { type: 'inputShapes', shapes: { x: [1, 3] }, path: '/etc/passwd' },
      { type: 'inputShapes', shapes: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`i${i}`, [1]])) },
    ];
    for (const value of bad) assert.equal(checkEditorRequest(value), undefined, JSON.stringify(value));
    const proto = checkEditorRequest(JSON.parse('{"type":"inputShapes","shapes":{"__proto__":[1,2]}}'));
    assert.ok(proto?.type === 'inputShapes');
    assert.deepEqual(Object.keys(proto.shapes), ['__proto__']);
    assert.equal(Object.getPrototypeOf(proto.shapes), Object.prototype);
  });
});
