import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildRequest, checkCell, compareModels, parseCell, sweepPoints, type Cell, type Diagnostic } from '../../../src/lang/index';

function cellOf(text: string): Cell {
  const { cell, diagnostics } = parseCell(text);
  assert.deepEqual(diagnostics, [], `unexpected diagnostics for:\n${text}`);
  assert.ok(cell);
  return cell;
}

/** The only diagnostic of `text`, checked to start at 0-based line:character and end on `end`. */
function only(text: string, at: [number, number], end?: [number, number], check: (r: ReturnType<typeof parseCell>) => Diagnostic[] = (r) => r.diagnostics): Diagnostic {
  const result = parseCell(text);
  const diagnostics = check(result);
  assert.equal(diagnostics.length, 1, `expected one diagnostic, got ${JSON.stringify(diagnostics, null, 1)}`);
  const [d] = diagnostics;
  assert.deepEqual([d.range.start.line, d.range.start.character], at, d.message);
  if (end) assert.deepEqual([d.range.end.line, d.range.end.character], end, d.message);
  return d;
}

describe('cell language: every verb parses', () => {
  it('model, with options, knobs and profile settings', () => {
    const cell = cellOf('model: fasternet_t0\nresolution: 160\nclasses: 10\nbatch: 2\nwidth: 1.0\nknobs: { ratio: 0.5, act: relu }\nprofile: { runs: 20, threads: 1 }\n');
    assert.equal(cell.verb, 'model');
    if (cell.verb !== 'model') return;
    assert.equal(cell.model.id, 'fasternet_t0');
    assert.deepEqual(buildRequest(cell.model), { resolution: 160, numClasses: 10, batch: 2, width: 1, knobs: { ratio: 0.5, act: 'relu' } });
    assert.deepEqual(cell.profile, { runs: 20, threads: 1 });
    assert.deepEqual(cell.model.range, { start: { line: 0, character: 7 }, end: { line: 0, character: 19 } });
    assert.deepEqual(cell.model.ranges['knobs.act'].start, { line: 5, character: 26 });
  });

  it('model with input: [N, 3, R, R] (the DESIGN sketch) and profile: false', () => {
    const cell = cellOf('model: mobilenet_v3_small_x1_0\ninput: [4, 3, 192, 192]\nprofile: false\n');
    assert.ok(cell.verb === 'model');
    if (cell.verb !== 'model') return;
    assert.equal(cell.model.batch, 4);
    assert.equal(cell.model.resolution, 192);
    assert.equal(cell.profile, false);
  });

  it('network', () => {
    const cell = cellOf('network: tiny\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: 8, act: relu }\n  - gap\n  - flatten\n  - fc: { out: 10 }\n');
    assert.ok(cell.verb === 'network');
    if (cell.verb !== 'network') return;
    assert.deepEqual(cell.network.layers.map((l) => [l.op, l.scope]), [['conv', 'layer1'], ['gap', 'layer2'], ['flatten', 'layer3'], ['fc', 'layer4']]);
  });

  it('compare, with ids and variants; compare-wide options fill in', () => {
    const cell = cellOf(
      'compare:\n  models: [mobilenet_v3_small_x1_0, { model: fasternet_t0, knobs: { ratio: 0.5 } }, { model: ghostnet_x1_0, resolution: 160 }]\n  resolution: 192\n  profile: { runs: 50, warmup: 10, threads: 2 }\n',
    );
    assert.ok(cell.verb === 'compare');
    if (cell.verb !== 'compare') return;
    assert.deepEqual(compareModels(cell).map((m) => [m.id, m.resolution]), [['mobilenet_v3_small_x1_0', 192], ['fasternet_t0', 192], ['ghostnet_x1_0', 160]]);
    assert.deepEqual(compareModels(cell)[1].knobs, { ratio: 0.5 });
    assert.deepEqual(cell.profile, { runs: 50, warmup: 10, threads: 2 });
  });

  it('profile: a zoo id with its settings beside it, or a mapping naming a model or a network', () => {
    const a = cellOf('profile: mobilenet_v2_x1_0\nruns: 20\nwarmup: 5\nthreads: 1\nprovider: cpu\nopt: basic\nresolution: 160\n');
    assert.ok(a.verb === 'profile' && a.target.kind === 'model');
    if (a.verb !== 'profile' || a.target.kind !== 'model') return;
    assert.deepEqual(a.settings, { runs: 20, warmup: 5, threads: 1, provider: 'cpu', opt: 'basic' });
    assert.equal(a.target.model.resolution, 160);
    const b = cellOf('profile:\n  model: pplcnet_x1_0\n  knobs: { last_conv: false }\n  runs: 10\n');
    assert.ok(b.verb === 'profile' && b.target.kind === 'model' && b.target.model.knobs.last_conv === false);
    const c = cellOf('profile:\n  network: tiny\n  input: [1, 3, 32, 32]\n  layers: [relu, gap]\n  threads: 4\n');
    assert.ok(c.verb === 'profile' && c.target.kind === 'network' && c.settings.threads === 4);
  });

  it('sweep: grid points in the order written, the first axis slowest', () => {
    const cell = cellOf('sweep:\n  model: fasternet_t0\n  width: [0.5, 1.0]\n  knobs: { ratio: [0.25, 0.5], act: [relu] }\n  profile: true\n');
    assert.ok(cell.verb === 'sweep');
    if (cell.verb !== 'sweep') return;
    assert.deepEqual(cell.axes.map((a) => a.name), ['width', 'ratio', 'act']);
    assert.deepEqual(cell.profile, {});
    const points = sweepPoints(cell);
    assert.deepEqual(points.map((p) => p.settings), [
      { width: 0.5, ratio: 0.25, act: 'relu' },
      { width: 0.5, ratio: 0.5, act: 'relu' },
      { width: 1, ratio: 0.25, act: 'relu' },
      { width: 1, ratio: 0.5, act: 'relu' },
    ]);
    assert.deepEqual(points[1].request, { resolution: undefined, numClasses: undefined, batch: undefined, width: 0.5, knobs: { ratio: 0.5, act: 'relu' } });
    const plain = cellOf('sweep:\n  model: mobilenet_v2_x1_0\n  resolution: [128, 160, 224]\n');
    assert.ok(plain.verb === 'sweep' && plain.profile === undefined && sweepPoints(plain).length === 3);
  });

  it('sweep: form is an axis of a re-parameterised model, and an error beside a model with one form', () => {
    const cell = cellOf('sweep:\n  model: mobileone_s0\n  form: [training, deploy]\n  knobs: { k: [1, 4] }\n');
    assert.ok(cell.verb === 'sweep');
    if (cell.verb !== 'sweep') return;
    assert.deepEqual(cell.axes.map((a) => [a.kind, a.name, a.values]), [['form', 'form', ['training', 'deploy']], ['knob', 'k', [1, 4]]]);
    assert.deepEqual(sweepPoints(cell).map((p) => [p.request.form, p.request.knobs?.k]), [['training', 1], ['training', 4], ['deploy', 1], ['deploy', 4]]);
    const { diagnostics } = checkCell('sweep:\n  model: mobilenet_v2_x1_0\n  form: [training, deploy]\n');
    assert.match(diagnostics.find((d) => d.severity === 'error')?.message ?? '', /^mobilenet_v2_x1_0 has one form; form applies to re-parameterised models \(GhostNetV3, MobileOne, RepViT\)$/);
  });

  it('export', () => {
    const cell = cellOf('export: fasternet_t0\npath: out/t0.onnx\nform: training\nseed: 7\nresolution: 256\n');
    assert.ok(cell.verb === 'export');
    if (cell.verb !== 'export') return;
    assert.deepEqual([cell.model.id, cell.path, cell.form, cell.seed, cell.model.resolution], ['fasternet_t0', 'out/t0.onnx', 'training', 7, 256]);
    const plain = cellOf('export: squeezenet1_1\npath: s.onnx\n');
    assert.ok(plain.verb === 'export' && plain.form === 'deploy' && plain.seed === 0);
  });

});

describe('cell language: diagnostics at the exact line and column', () => {
  it('YAML syntax error', () => {
    const d = only('model: fasternet_t0\nknobs: { ratio: 0.5\nwidth: 1\n', [2, 0]);
    assert.match(d.message, /^YAML: /);
    assert.equal(d.severity, 'error');
    const dup = only('model: fasternet_t0\nwidth: 1\nwidth: 2\n', [2, 0], [2, 5]);
    assert.match(dup.message, /key 'width' appears twice/);
  });

  it('empty cell, and a cell that is not a mapping', () => {
    assert.match(only('', [0, 0]).message, /empty cell/);
    assert.match(only('- model\n', [0, 0]).message, /a cell is a mapping with one verb/);
  });

  it('unknown verb, at the key, with a suggestion', () => {
    const d = only('\nmodle: fasternet_t0\n', [1, 0], [1, 5]);
    assert.match(d.message, /unknown verb 'modle' \(did you mean model\?\)/);
  });

  it('two verbs, at the second', () => {
    const d = only('model: fasternet_t0\ncompare:\n  models: [fasternet_t1]\n', [1, 0], [1, 7]);
    assert.match(d.message, /exactly one verb; this one has 'model' and 'compare'/);
  });

  it('unknown key, at the key (top level, op option, profile setting)', () => {
    const a = only('model: fasternet_t0\nresolutoin: 160\n', [1, 0], [1, 10]);
    assert.match(a.message, /unknown key 'resolutoin' in a model cell \(did you mean resolution\?\)/);
    const b = only('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: 8, kernel: 3 }\n', [3, 20], [3, 26]);
    assert.match(b.message, /conv has no option 'kernel'.*its options: out, k, s/);
    const c = only('compare:\n  models: [fasternet_t0]\n  profile: { runs: 5, thread: 2 }\n', [2, 22], [2, 28]);
    assert.match(c.message, /unknown profile setting 'thread' \(did you mean threads\?\)/);
    const e = only('compare:\n  models: [fasternet_t0]\nprofile: { runs: 5 }\n', [2, 0], [2, 7]);
    assert.match(e.message, /'profile' of a compare cell goes inside it/);
  });

  it('unknown op, at the op', () => {
    const d = only('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: 8 }\n  - relu7\n', [4, 4], [4, 9]);
    assert.match(d.message, /unknown op 'relu7' \(did you mean relu, relu6\?\)/);
    const e = only('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - convolution: { out: 8 }\n', [3, 4], [3, 15]);
    assert.match(e.message, /unknown op 'convolution'/);
  });

  it('wrong type, at the value', () => {
    const a = only('model: fasternet_t0\nresolution: big\n', [1, 12], [1, 15]);
    assert.equal(a.message, "'resolution' must be a whole number, got 'big'");
    const b = only('network: n\ninput: [1, 3, 32]\nlayers: [relu]\n', [1, 7], [1, 17]);
    assert.equal(b.message, "'input' must have 4 items [N, C, H, W], got 3");
    const c = only('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: 8.5 }\n', [3, 17], [3, 20]);
    assert.equal(c.message, "'out' of conv (layer 1) must be a whole number, got 8.5");
    const d = only('model: fasternet_t0\nwidth: 0\n', [1, 7]);
    assert.equal(d.message, "'width' must be > 0, got 0");
    const f = only('sweep:\n  model: fasternet_t0\n  width: 0.5\n', [2, 9], [2, 12]);
    assert.equal(f.message, "'width' must be a list, got 0.5; a sweep axis lists the values to try, e.g. [0.5, 1.0]");
    const e = only('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: 8, act: relu7 }\n', [3, 25], [3, 30]);
    assert.match(e.message, /'act' of conv \(layer 1\) must be one of relu, relu6, .*got 'relu7' \(did you mean relu, relu6\?\)/);
  });

  it('missing option, at the op or the verb', () => {
    const a = only('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { k: 3 }\n', [3, 4], [3, 8]);
    assert.equal(a.message, "conv needs 'out'");
    const b = only('network: n\nlayers: [relu]\n', [0, 0], [0, 7]);
    assert.equal(b.message, "a network cell needs 'input: [N, C, H, W]'");
    const c = only('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - fc\n', [3, 4], [3, 6]);
    assert.match(c.message, /fc needs options: - fc: \{ out: … \}/);
  });

  it('unknown model id, at the id, with a suggestion', () => {
    const d = only('model: mobilenet_v2_1_0\n', [0, 7], [0, 23]);
    assert.match(d.message, /unknown model id 'mobilenet_v2_1_0' \(did you mean mobilenet_v2_x1_0\?\)/);
    const e = only('compare:\n  models:\n    - shufflenet_v2_x1_0\n    - fasternet_t7\n', [3, 6], [3, 18]);
    assert.match(e.message, /unknown model id 'fasternet_t7' \(did you mean fasternet_t0, fasternet_t1, fasternet_t2\?\)/);
  });

  it("unknown knob, at the knob's name, listing the model's knobs", () => {
    const d = only('model: fasternet_t0\nknobs:\n  ratio: 0.5\n  mlp: 3\n', [3, 2], [3, 5]);
    assert.equal(d.message, "fasternet_t0 has no knob 'mlp' (did you mean mlp_ratio?); its knobs: ratio, act, mlp_ratio");
    const none = only('model: mobilenet_v2_x1_0\nknobs: { se: true }\n', [1, 9], [1, 11]);
    assert.match(none.message, /mobilenet_v2_x1_0 has no knob 'se'; it has no knobs/);
  });

  it("knob value out of range, at the value, with the knob's range", () => {
    const a = only('model: fasternet_t0\nknobs: { ratio: 1.5 }\n', [1, 16], [1, 19]);
    assert.equal(a.message, "knob 'ratio' of fasternet_t0 must be a number from 0 to 1, got 1.5");
    const b = only('model: pplcnet_x1_0\nknobs:\n  se_blocks: [12, 14]\n', [2, 13], [2, 21]);
    assert.match(b.message, /knob 'se_blocks' of pplcnet_x1_0 must be a list of block numbers from 1 to 13/);
    const c = only('sweep:\n  model: ghostnet_x1_0\n  knobs: { dw_kernel: [3, 5, 99] }\n', [2, 29], [2, 31]);
    assert.match(c.message, /knob 'dw_kernel' of ghostnet_x1_0 must be a whole number from 1 to 15, got 99/);
    const d = only('model: mobilenet_v3_large_x1_0\nknobs: { act: swish }\n', [1, 14]);
    assert.match(d.message, /must be one of hardswish, relu, got 'swish'/);
  });

  it('layer scopes: duplicates and references to unknown scopes', () => {
    const a = only('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - relu: { scope: a }\n  - relu:\n    scope: a\n', [5, 11], [5, 12]);
    assert.match(a.message, /scope 'a' is already layer 1's/);
    const b = only('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - relu\n  - add: { with: layer7 }\n', [4, 17], [4, 23]);
    assert.match(b.message, /no earlier layer has scope 'layer7' \(did you mean layer1\?\)/);
    const c = only('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - relu\n  - relu: { repeat: 2 }\n    repeat: 3\n', [4, 12], [4, 18]);
    assert.match(c.message, /'repeat' is given twice/);
    const e = only('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - relu:\n    scope: 1stage\n', [4, 11]);
    assert.match(e.message, /'1stage' is not a scope name/);
  });

  it('warnings leave the cell usable', () => {
    const r = parseCell('export: fasternet_t0\npath: t0.bin\n');
    assert.ok(r.cell);
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0].severity, 'warning');
    assert.deepEqual(r.diagnostics[0].range.start, { line: 1, character: 6 });
  });

  it('comments and blank lines do not move positions', () => {
    const d = only('# FasterNet with ReLU\n\nmodel: fasternet_t0   # the smallest\nknobs:\n  # the partial ratio\n  ratio: 2\n', [5, 9], [5, 10]);
    assert.match(d.message, /knob 'ratio'/);
  });

  it('checkCell also builds: a knob the zoo cannot build with is reported at the knob', () => {
    const text = 'model: fasternet_t0\nknobs: { ratio: 0.3 }\nwidth: 0.55\n';
    assert.ok(parseCell(text).cell);
    const d = only(text, [1, 16], [1, 19], () => checkCell(text).diagnostics);
    assert.match(d.message, /knob 'ratio' 0.3 gives c·r = 22 × 0.3/);
    const w = only('model: shufflenet_v2_x1_0\nwidth: 0.75\n', [1, 7], [1, 11], (r) => checkCell('model: shufflenet_v2_x1_0\nwidth: 0.75\n').diagnostics.concat(r.diagnostics));
    assert.match(w.message, /width 0.75 is not available/);
  });
});

describe('cell language: docs/cell-language.md', () => {
  it('every complete cell in the reference parses, builds and has no diagnostics', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'cell-language.md'), 'utf8');
    const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    const cells = blocks.filter((b) => /^(model|network|compare|profile|sweep|export):/m.test(b.split('\n')[0]));
    assert.ok(cells.length >= 8, `${cells.length} cells`);
    for (const text of cells) assert.deepEqual(checkCell(text).diagnostics, [], text);
  });
});

describe('cell language: robustness', () => {
  it('every prefix of the reference cells, and odd YAML, gives diagnostics, never an exception', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'cell-language.md'), 'utf8');
    const cells = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    cells.push(
      'compare:\n  models: [123, {model: 5}, [a]]\n',
      'model: &a fasternet_t0\nknobs: *a\n',
      '? [a, b]\n: c\n',
      'network: n\ninput: [1,3,32,32]\nlayers:\n  - conv: 5\n  - {}\n  - []\n  - null\n  - repeat: 2\n  - conv: {out: 3}\n    relu:\n',
    );
    for (const cell of cells) {
      for (let cut = 0; cut <= cell.length; cut += 3) {
        const text = cell.slice(0, cut);
        const result = checkCell(text);
        assert.ok(result.cell || result.diagnostics.some((d) => d.severity === 'error'), text);
      }
    }
  });

  it('odd values get messages that say what is expected', () => {
    const r = parseCell('compare:\n  models: [123, {model: 5}]\n');
    assert.deepEqual(r.diagnostics.map((d) => d.message), [
      "model 1 of compare must be a zoo id or { model: <id>, … }, got 123",
      "'model' must be a string, got 5",
    ]);
    assert.deepEqual(parseCell('? [a, b]\n: c\n').diagnostics.map((d) => d.message), ['keys are plain names, not lists or mappings']);
    const layers = parseCell('network: n\ninput: [1, 3, 8, 8]\nlayers:\n  - {}\n  - conv: {out: 3}\n    relu:\n').diagnostics;
    assert.deepEqual(layers.map((d) => [d.range.start.line, d.message]), [
      [3, 'layer 1 has no op (e.g. - conv: { out: 16 })'],
      [5, "layer 2 has two ops, conv and relu; give each its own '- ' item"],
    ]);
  });
});
