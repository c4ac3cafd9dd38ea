/**
 * Webview safety: a strict Content-Security-Policy with a fresh nonce on every webview lcnb makes,
 * names from a model or a notebook rendered as text (a planted ONNX whose graph, node names and op
 * types hold HTML and <script>, a notebook whose network name does), in the notebook renderer, the
 * markdown fallback and the summary panel; and every report the renderer is handed is checked
 * before anything is drawn.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseHTML } from 'linkedom';
import { summarize } from '../../../src/core/summary';
import { onnx } from '../../../src/onnx/proto';
import { readOnnx } from '../../../src/onnx/reader';
import { executeCell } from '../../../src/run/execute';
import { reportMarkdown } from '../../../src/run/markdown';
import { modelReport, report } from '../../../src/run/buildReport';
import { zooReport } from '../support/renderer-fixtures';
import { installVscodeStub, recorded } from '../support/safety-vscode';

const vscode = installVscodeStub();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { showSummaryPanel } = require('../../../src/commands/summaryPanel') as typeof import('../../../src/commands/summaryPanel');

const repo = join(__dirname, '..', '..', '..');
const SCRIPT = '<script>alert("node")</script>';
const IMG = '<img src=x onerror=alert(2)>';
const IFRAME = '<iframe src="javascript:alert(3)"></iframe>';
const BOLD = '<b onmouseover=alert(4)>Op</b>';
const HOSTILE = [SCRIPT, IMG, IFRAME, BOLD];

/** x → Conv named SCRIPT (weights named IMG) → Relu named IFRAME → an op of type BOLD; the graph is named IFRAME too. */
function plantedOnnx(): Uint8Array {
  const tensor = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: SCRIPT,
    graph: {
      name: IFRAME,
      node: [
        { name: SCRIPT, opType: 'Conv', input: ['x', IMG], output: ['conv_out'], attribute: [{ name: 'kernel_shape', type: onnx.AttributeProto.AttributeType.INTS, ints: [3, 3] }] },
        { name: IFRAME, opType: 'Relu', input: ['conv_out'], output: [`${IMG}_relu`] },
        { name: `${BOLD}_node`, opType: BOLD, input: [`${IMG}_relu`], output: ['y'] },
      ],
      initializer: [{ name: IMG, dims: [4, 3, 3, 3], dataType: 1 }],
      input: [tensor('x', [1, 3, 8, 8])],
      output: [tensor('y', [1, 4, 6, 6])],
      valueInfo: [tensor('y', [1, 4, 6, 6])],
    },
  }).finish();
}

type Render = (element: unknown, value: unknown, options: { embedChart: (container: unknown, spec: unknown) => Promise<{ dispose(): void }> }) => { dispose(): void };
let renderReport: Render;
let checkReport: (value: unknown) => unknown;
before(async () => {
  // Loaded by path: media/ is checked by its own tsconfig (DOM types), not by the Node test build.
  renderReport = ((await import(join(repo, 'media', 'report', 'view.ts'))) as { renderReport: Render }).renderReport;
  checkReport = ((await import(join(repo, 'media', 'report', 'validate.ts'))) as { checkReport: typeof checkReport }).checkReport;
});

// linkedom documents are untyped here: the Node test build has no DOM types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

function renderInDom(value: unknown): { root: Doc; charts: unknown[] } {
  const { document } = parseHTML('<!doctype html><html><head></head><body><div id="out"></div></body></html>') as unknown as { document: Doc };
  const root = document.getElementById('out');
  const charts: unknown[] = [];
  renderReport(root, value, { embedChart: async (_c, spec) => (charts.push(spec), { dispose: () => undefined }) });
  return { root, charts };
}

/** Elements and attributes that markup in a name would have made. */
function injected(root: Doc): string[] {
  const found: string[] = [];
  for (const tag of ['script', 'img', 'iframe', 'b', 'object', 'embed']) if (root.querySelectorAll(tag).length) found.push(`<${tag}>`);
  for (const node of root.querySelectorAll('*')) {
    // Names may sit in data-* and title attributes (inert text); never in a handler or a URL.
    for (const attr of node.attributes ?? []) {
      if (/^on/i.test(attr.name) || (/^(href|src|xlink:href|action|formaction)$/i.test(attr.name) && /javascript:/i.test(attr.value))) found.push(`${node.tagName} ${attr.name}="${attr.value}"`);
    }
  }
  return found;
}

describe('webview safety', () => {
  const model = readOnnx(plantedOnnx(), { source: 'planted.onnx' });

  it('a planted ONNX keeps its hostile names as data: graph, nodes, weights and the unknown op', () => {
    assert.equal(model.graph.name, IFRAME);
    assert.deepEqual(model.graph.nodes.map((n) => n.name), [SCRIPT, IFRAME, `${BOLD}_node`]);
    assert.equal(model.graph.nodes[2].op, BOLD);
    assert.deepEqual(summarize(model.graph).uncounted.map((u) => u.op), [BOLD]);
  });

  it('the notebook renderer shows the planted names as text and creates no element from them', () => {
    const r = report('model', model.graph.name, [modelReport(model.graph)], { notes: [`Read ${SCRIPT}`] });
    const { root } = renderInDom(JSON.parse(JSON.stringify(r)));
    assert.deepEqual(injected(root), []);
    assert.equal(root.querySelectorAll('.lcnb-error').length, 0, 'the report rendered');
    const text = root.textContent as string;
    for (const name of HOSTILE) assert.ok(text.includes(name), `${name} shown as text`);
    // The diagram draws node names into SVG text, never as markup.
    assert.ok([...root.querySelectorAll('svg text')].some((t: Doc) => t.textContent.includes('<script>')));
  });

  it('a notebook whose network is named with markup: rendered as text, escaped in the markdown fallback', async () => {
    const cell = `network: "${SCRIPT.replace(/"/g, '\\"')}"\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: 8, k: 3 }\n  - classifier: { classes: 10 }`;
    const outcome = await executeCell(cell, { provider: 'cpu', baseDir: repo });
    assert.equal(outcome.report.title, SCRIPT);
    const { root } = renderInDom(JSON.parse(JSON.stringify(outcome.report)));
    assert.deepEqual(injected(root), []);
    assert.equal(root.querySelector('.lcnb-title').textContent, SCRIPT);
    const markdown = reportMarkdown(report('model', model.graph.name, [modelReport(model.graph)])) + outcome.markdown;
    assert.doesNotMatch(markdown, /<(script|img|iframe|b)\b/i, 'no raw tag in the markdown');
    assert.match(markdown, /&lt;script&gt;alert\("node"\)&lt;\/script&gt;/);
  });

  it('the summary panel: strict CSP with a fresh nonce, the data inert JSON, the planted names text in its view', async () => {
    const summary = summarize(model.graph);
    const extension = vscode.Uri.file('/ext');
    showSummaryPanel(extension as never, summary);
    showSummaryPanel(extension as never, summary);
    const [first, second] = recorded.webviews.slice(-2);
    const nonces = [first, second].map((w) => /'nonce-([^']+)'/.exec(w.html)?.[1]);
    assert.ok(nonces[0] && nonces[1] && nonces[0] !== nonces[1], 'a new nonce per panel');
    assert.ok(Buffer.from(nonces[0]!, 'base64').length >= 16, 'at least 128 bits');
    const { document } = parseHTML(first.html) as unknown as { document: Doc };
    const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]').getAttribute('content') as string;
    assert.match(csp, /^default-src 'none';/);
    // Only the webview's own resource origin for styles; scripts by nonce alone.
    assert.equal(csp, `default-src 'none'; style-src ${first.cspSource}; script-src 'nonce-${nonces[0]}';`);
    const scripts = [...document.querySelectorAll('script')];
    assert.equal(scripts.length, 2);
    const [data, code] = scripts;
    assert.equal(data.getAttribute('type'), 'application/json', 'the summary is data, never run');
    assert.equal(code.getAttribute('nonce'), nonces[0]);
    assert.ok(code.getAttribute('src').endsWith('/dist/media/summaryView.js'));
    assert.deepEqual(JSON.parse(data.textContent), JSON.parse(JSON.stringify(summary)), 'the JSON survives the page intact');
    assert.doesNotMatch(document.querySelector('title').textContent, /[<>]/);
    // The panel's own script on that page: every name ends up as text.
    const globals = globalThis as Record<string, unknown>;
    globals.document = document;
    try {
      await import(join(repo, 'media', 'summary', 'main.ts'));
    } finally {
      delete globals.document;
    }
    const root = document.getElementById('root');
    assert.ok(root.children.length > 0, 'the view rendered');
    assert.deepEqual(injected(root), []);
    for (const name of [SCRIPT, IFRAME, BOLD]) assert.ok(root.textContent.includes(name), name);
  });

  it('every webview lcnb builds gets its page from webviewPage: default-src \'none\' and a nonce on each script', () => {
    // The extension side's webviews (summary panel, ONNX editor, any added later) all assign
    // their HTML from src/webviewPage.ts, whose template is checked here.
    const files = readdirSync(join(repo, 'src'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => join(e.parentPath, e.name))
      .filter((f) => /\.html\s*=/.test(readFileSync(f, 'utf8')));
    assert.ok(files.length >= 2, 'found the webviews');
    for (const file of files) {
      const rel = file.slice(repo.length + 1);
      for (const assignment of readFileSync(file, 'utf8').match(/\.html\s*=[^\n]*/g) ?? []) {
        assert.match(assignment, /\.html\s*=\s*webviewPage\(/, `${rel}: ${assignment}`);
      }
    }
    const source = readFileSync(join(repo, 'src', 'webviewPage.ts'), 'utf8');
    assert.match(source, /Content-Security-Policy" content="default-src 'none';[^"]*script-src 'nonce-\$\{nonce\}'/);
    assert.match(source, /randomBytes\(16\)/, 'a 128-bit random nonce');
    for (const tag of source.match(/<script\b[^>]*>/g) ?? []) {
      assert.ok(/nonce="\$\{nonce\}"/.test(tag) || /type="application\/json"/.test(tag), tag);
    }
    assert.doesNotMatch(source, /unsafe-inline|unsafe-eval/);
  });

  it('webview code never turns strings into markup or code', () => {
    const offenders: string[] = [];
    const files = readdirSync(join(repo, 'media'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.ts'));
    for (const e of files) {
      const source = readFileSync(join(e.parentPath, e.name), 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '');
      for (const m of source.matchAll(/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(|setAttribute\(\s*['"]on/g)) offenders.push(`${e.name}: ${m[0]}`);
    }
    assert.deepEqual(offenders, []);
  });

  it('the renderer checks each report and shows the bad field, for every kind of bad message', () => {
    const good = JSON.parse(JSON.stringify(report('model', 'squeezenet1_1', [zooReport('squeezenet1_1')])));
    const bad: [string, unknown, RegExp][] = [
      ['not an object', 'hello', /report: expected an object, got string "hello"/],
      ['null', null, /report: expected an object, got null/],
      ['an array', [good], /report: expected an object, got an array/],
      ['a newer version', { ...good, version: 99 }, /report\.version: this renderer reads version 1/],
      ['an unknown verb', { ...good, verb: '<script>' }, /report\.verb: expected one of/],
      ['models not a list', { ...good, models: { 0: good.models[0] } }, /report\.models: expected an array/],
      ['a layer name as an object', { ...good, models: [{ ...good.models[0], summary: { ...good.models[0].summary, layers: [{ ...good.models[0].summary.layers[0], name: { toString: null } }] } }] }, /report\.models\[0\]\.summary\.layers\[0\]\.name: expected a string/],
      ['a total as NaN', { ...good, models: [{ ...good.models[0], summary: { ...good.models[0].summary, totals: { ...good.models[0].summary.totals, params: NaN } } }] }, /totals\.params: expected a number/],
      ['a node without outputs', { ...good, models: [{ ...good.models[0], graph: { ...good.models[0].graph, nodes: [{ ...good.models[0].graph.nodes[0], outputs: 'y' }] } }] }, /graph\.nodes\[0\]\.outputs: expected an array/],
    ];
    for (const [what, value, message] of bad) {
      assert.throws(() => checkReport(value), message, what);
      const { root } = renderInDom(value);
      const error = root.querySelector('.lcnb-error');
      assert.ok(error, `${what}: an error shown`);
      assert.match(error.textContent, /report/, what);
      assert.deepEqual(injected(root), [], what);
    }
    assert.doesNotThrow(() => checkReport(good));
  });

  it('200 randomly broken reports: the renderer never throws and shows either the report or the bad field', () => {
    const good = JSON.parse(JSON.stringify(report('model', 'mobilenet_v3_small_x1_0', [zooReport('mobilenet_v3_small_x1_0', { profiled: true })])));
    let state = 12345;
    const rand = (n: number) => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) % n);
    const junk = [null, 0, -1, NaN, '', '<script>x</script>', [], {}, true, 1e308];
    let errors = 0;
    for (let i = 0; i < 200; i++) {
      const value = structuredClone(good);
      // Walk to a random field and replace it with junk.
      let holder: Doc = value;
      let key: string | number = 'models';
      for (let depth = 0; depth < 6; depth++) {
        const next: Doc = holder[key];
        if (next === null || typeof next !== 'object') break;
        const keys: string[] = Object.keys(next);
        if (!keys.length || rand(4) === 0) break;
        holder = next;
        key = keys[rand(keys.length)];
      }
      holder[key] = junk[rand(junk.length)];
      const { root } = renderInDom(value);
      assert.deepEqual(injected(root), []);
      if (root.querySelector('.lcnb-error')) errors++;
    }
    assert.ok(errors > 0, 'some broke the report');
  });
});
