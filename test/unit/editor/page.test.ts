/**
 * The .onnx editor's page (media/onnxEditor/editor.ts) in linkedom: stages fill in as they arrive,
 * names from the file stay text, buttons post only well-formed requests, a read error hides Profile
 * and Export, a huge graph's diagram waits for a click, and a profile shows inline.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseHTML } from 'linkedom';
import type { Graph } from '../../../src/core/ir';
import { summarize } from '../../../src/core/summary';
import { checkEditorRequest, EditorRequest, EditorUpdate } from '../../../src/editor/messages';
import { readOnnxFile } from '../../../src/onnx/file';
import { diagramOf } from '../../../src/run/buildReport';

type Mount = (root: unknown, post: (request: EditorRequest) => void, diagramAutoLimit?: number) => (update: EditorUpdate) => void;

let mountOnnxEditor: Mount;
let foreign: Graph;
before(async () => {
  // Loaded by path: editor.ts is checked by media/tsconfig.json (DOM types), not by the Node test build.
  mountOnnxEditor = ((await import(join(__dirname, '..', '..', '..', 'media', 'onnxEditor', 'editor.ts'))) as { mountOnnxEditor: Mount }).mountOnnxEditor;
  foreign = (await readOnnxFile(join(__dirname, '..', '..', 'fixtures', 'onnx', 'foreign_ops.onnx'))).graph;
});

const HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script>';
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

function page(diagramAutoLimit?: number) {
  const { document } = parseHTML('<!doctype html><html><body><main id="root"></main></body></html>') as unknown as { document: any };
  const root = document.getElementById('root');
  const posted: EditorRequest[] = [];
  const update = mountOnnxEditor(root, (r) => posted.push(r), diagramAutoLimit);
  return { root, posted, update, document };
}

/** The stages the host posts for `graph`, with a hostile file name and graph name. */
function stages(graph: Graph): EditorUpdate[] {
  const named = { ...graph, name: HOSTILE };
  return [
    { type: 'file', name: `${HOSTILE}.onnx`, sizeBytes: 3083, trusted: true, profileSettings: 'cpu, 2 threads, 10 warm-up + 50 runs, optimization all' },
    { type: 'reading', inputShapes: {}, remembered: false },
    {
      type: 'header',
      ms: 1,
      header: { fileName: `${HOSTILE}.onnx`, graphName: HOSTILE, opset: 17, producer: HOSTILE, inputs: [{ name: HOSTILE, dims: [1, 3, 32, 32], dtype: 'float32' }], outputs: [{ name: 'logits', dims: [1, 10], dtype: 'float32' }], nodeCount: graph.nodes.length + 2 },
    },
    {
      type: 'read',
      ms: 1,
      read: { nodes: graph.nodes.length, evaluatedNodes: 0, inputs: [{ name: HOSTILE, dims: [1, 3, 32, 32], dtype: 'float32', shape: [1, 3, 32, 32] }], outputs: [{ name: 'logits', shape: [1, 10] }], notes: [], metadata: {}, unresolvedTensors: [] },
    },
    { type: 'summary', ms: 2, summary: summarize(named) },
    { type: 'diagram', ms: 3, diagram: diagramOf(named) },
  ];
}

describe('ONNX editor page', () => {
  it('fills in stage by stage; names from the file stay text', async () => {
    const { root, update } = page();
    const [file, reading, header, read, summary, diagram] = stages(foreign);
    update(file);
    assert.equal(root.querySelector('.lcnb-editor-title h2').textContent, `${HOSTILE}.onnx`);
    assert.match(root.querySelector('.lcnb-editor-status').textContent, /Reading/);
    update(reading);
    update(header);
    assert.match(root.querySelector('.lcnb-editor-title p').textContent, /ONNX opset 17 .* 10 nodes in the file/);
    update(read);
    assert.match(root.querySelector('.lcnb-editor-title p').textContent, /ONNX opset 17 .* 8 ops$/);
    update(summary);
    assert.ok(root.querySelector('table.lcnb-totals'), 'totals at once');
    assert.deepEqual(
      [...root.querySelectorAll('.lcnb-uncounted li')].map((li: any) => li.textContent),
      ['/stem/act/QuickGelu (QuickGelu)', '/body/act/FastGelu (FastGelu)'],
    );
    update(diagram);
    await settle();
    assert.equal(root.querySelectorAll('table.lcnb-layers tbody tr').length, 6);
    assert.ok(root.querySelector('.lcnb-architecture svg'), 'the diagram is drawn');
    assert.equal(root.querySelectorAll('img, script').length, 0, 'nothing from the file became markup');
    assert.ok(root.textContent.includes(HOSTILE));
    assert.match(root.querySelector('.lcnb-editor-status').textContent, /^Ready/);
  });

  it('a replayed stage replaces what it showed instead of adding to it', async () => {
    const { root, update } = page();
    for (const s of [...stages(foreign), ...stages(foreign)]) update(s);
    await settle();
    assert.equal(root.querySelectorAll('table.lcnb-totals').length, 1);
    assert.equal(root.querySelectorAll('.lcnb-architecture').length, 1);
    assert.equal(root.querySelectorAll('table.lcnb-layers').length, 1);
  });

  it('buttons post requests the host accepts', async () => {
    const { root, update, posted } = page();
    for (const s of stages(foreign)) update(s);
    await settle();
    const buttons = [...root.querySelectorAll('.lcnb-editor-toolbar button')] as any[];
    for (const b of buttons) if (!b.hidden && !b.disabled) b.click();
    assert.deepEqual(
      posted.map((p) => (p.type === 'export' ? `export ${p.format}` : p.type)),
      ['profile', 'export csv', 'export json', 'export markdown', 'export netron'],
    );
    for (const p of posted) assert.deepEqual(checkEditorRequest(JSON.parse(JSON.stringify(p))), p);
  });

  it('Profile waits for the diagram; Cancel shows while profiling', async () => {
    const { root, update } = page();
    const [file, reading, header, read, summary, diagram] = stages(foreign);
    const profile = () => root.querySelector('.lcnb-editor-toolbar button.lcnb-primary');
    const cancel = () => [...root.querySelectorAll('.lcnb-editor-toolbar button')].find((b: any) => b.textContent === 'Cancel');
    for (const s of [file, reading, header, read, summary]) update(s);
    assert.equal(profile().disabled, true);
    update(diagram);
    assert.equal(profile().disabled, false);
    assert.equal(cancel().hidden, true);
    update({ type: 'profileProgress', text: 'Profiled run 3 of 50…' });
    assert.equal(profile().disabled, true);
    assert.equal(cancel().hidden, false);
    assert.equal(root.querySelector('.lcnb-editor-status').textContent, 'Profiled run 3 of 50…');
    update({ type: 'profileError', message: 'Profiling cancelled.', cancelled: true });
    assert.equal(cancel().hidden, true);
    assert.equal(profile().disabled, false);
  });

  it('a file that cannot be read: one error, no Profile or Export', () => {
    const { root, update } = page();
    update({ type: 'file', name: 'cut.onnx', sizeBytes: 100, trusted: true, profileSettings: '' });
    update({ type: 'parseError', message: '/x/cut.onnx: not a readable ONNX model (truncated or corrupt protobuf: index out of range)' });
    assert.equal(root.querySelectorAll('.lcnb-error').length, 1);
    assert.match(root.querySelector('.lcnb-error').textContent, /cut\.onnx: not a readable ONNX model/);
    assert.equal(root.querySelector('.lcnb-editor-toolbar').hidden, true);
    assert.doesNotMatch(root.querySelector('.lcnb-editor-title').textContent, /reading/);
  });

  it('a graph over the limit draws its diagram only when asked', async () => {
    const { root, update } = page(4);
    for (const s of stages(foreign)) update(s);
    await settle();
    assert.equal(root.querySelector('.lcnb-architecture svg'), null);
    const draw = [...root.querySelectorAll('.lcnb-architecture button')].find((b: any) => /Draw the diagram \(8 ops\)/.test(b.textContent));
    assert.ok(draw, 'a button offers the diagram');
    draw.click();
    await settle();
    assert.ok(root.querySelector('.lcnb-architecture svg'));
  });

  it('a click on a layer row shows its node in the diagram, drawing a waiting diagram first', async () => {
    const { root, update, document } = page(4);
    for (const s of stages(foreign)) update(s);
    await settle();
    assert.equal(root.querySelector('.lcnb-architecture svg'), null);
    const row = root.querySelector('table.lcnb-layers tbody tr');
    assert.equal(row.getAttribute('title'), 'Show in the diagram');
    const cell = row.querySelector('td:nth-child(2)');
    const name = cell.textContent.slice(0, -cell.querySelector('.lcnb-detail').textContent.length);
    row.dispatchEvent(new document.defaultView.Event('click'));
    const box = [...root.querySelectorAll('.lcnb-architecture g.lcnb-box')].find((b: any) => b.dataset.id === `op:${name}`) as any;
    assert.ok(box, `the diagram is drawn with a box for ${name}`);
    assert.ok(box.classList.contains('lcnb-box-revealed'));
  });

  it('a profile shows inline: headline, per-layer times, uncounted ops timed', async () => {
    const { root, update } = page();
    for (const s of stages(foreign)) update(s);
    await settle();
    const layer = (name: string, us: number) => ({ name, nodes: [name], ops: [], fused: false, runtime_nodes: [name], median_us: us, share: 0.1, madds: 0, flops: 0, mac_bytes: 0, achieved_gflops: 0, bound: 'memory', bound_us: 1, roofline_efficiency: 0.5 });
    const settings = { providerRequested: 'cpu', providerUsed: 'cpu', threads: 2, interOpThreads: 1, executionMode: 'sequential', optimization: 'all', warmup: 10, runs: 50, inputShapes: {}, inputFill: 'pseudo-random', onnxruntimeVersion: '1.30.0', nodesByProvider: {} };
    const profile = {
      input: [1, 3, 32, 32],
      graph_form: 'as stored in the .onnx file',
      settings,
      latency: { median_ms: 0.4, p10_ms: 0.38, p90_ms: 0.5, profiled_median_ms: 0.45, profiled_vs_unprofiled: 1.1 },
      achieved_gflops: 1.8,
      coverage: 0.9,
      peaks: { gemm_gflops: 400, bandwidth_gbs: 36, cached: true, method: 'test' },
      layers: [layer('/stem/conv/Conv', 11), layer('/stem/act/QuickGelu', 171)],
      uncovered: [],
      notes: [],
    };
    update({ type: 'profileResult', profile: profile as any });
    await settle();
    assert.match(root.querySelector('.lcnb-measured .lcnb-headline').textContent, /0\.400 ms median latency/);
    assert.ok([...root.querySelectorAll('table.lcnb-layers th')].some((th: any) => th.textContent === 'Time (µs)'));
    assert.match(root.querySelector('.lcnb-uncounted').textContent, /\/stem\/act\/QuickGelu \(QuickGelu\) — 171\.0 µs measured/);
    assert.match(root.querySelector('.lcnb-editor-status').textContent, /^Measured: median 0\.400 ms/);
  });
});
