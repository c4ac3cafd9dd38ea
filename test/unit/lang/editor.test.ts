import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { completionsAt, hoverTargetAt } from '../../../src/lang/index';

/** Text with the cursor marked by '|', and the cursor's offset. */
function cursor(marked: string): [string, number] {
  const at = marked.indexOf('|');
  return [marked.slice(0, at) + marked.slice(at + 1), at];
}

function labels(marked: string, kind?: string): string[] {
  const [text, offset] = cursor(marked);
  return completionsAt(text, offset)
    .filter((i) => !kind || i.kind === kind)
    .map((i) => i.label);
}

function hover(marked: string) {
  const [text, offset] = cursor(marked);
  return hoverTargetAt(text, offset);
}

describe('cell language: completions', () => {
  it('verbs at the top of an empty cell, replacing the word typed', () => {
    assert.deepEqual(labels('|'), ['model', 'network', 'compare', 'profile', 'sweep', 'export', 'detect', 'segment']);
    const [text, offset] = cursor('net|');
    const net = completionsAt(text, offset).find((i) => i.label === 'network');
    assert.equal(net?.kind, 'verb');
    assert.equal(net?.insertText, 'network: ');
    assert.deepEqual(net?.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } });
  });

  it("the verb's other keys once it has a verb, without those already written", () => {
    assert.deepEqual(labels('model: fasternet_t0\nwidth: 1\n|'), ['resolution', 'classes', 'batch', 'knobs', 'input', 'profile', 'predict']);
    assert.deepEqual(labels('compare:\n  |'), ['models', 'resolution', 'classes', 'batch', 'input', 'profile', 'predict', 'claim']);
    // form: beside a model with two forms only
    assert.deepEqual(labels('model: mobileone_s0\n|'), ['resolution', 'classes', 'batch', 'width', 'knobs', 'form', 'input', 'profile', 'predict']);
  });

  it('zoo ids after model:, in models: lists and after profile: / export:', () => {
    for (const marked of ['model: |', 'model: fas|', 'compare:\n  models: [fasternet_t0, |', 'compare:\n  models:\n    - |', 'profile: |', 'export: |', 'sweep:\n  model: |']) {
      const ids = labels(marked, 'model');
      assert.equal(ids.length, 90, marked);
      assert.ok(ids.includes('mobilenet_v3_small_x1_0'), marked);
    }
  });

  it("knob names under knobs: for the cell's model, and a knob's values", () => {
    assert.deepEqual(labels('model: fasternet_t0\nknobs:\n  |'), ['ratio', 'act', 'mlp_ratio']);
    assert.deepEqual(labels('model: pplcnet_x1_0\nknobs: { se_blocks: [12], |'), ['se_blocks', 'k5_blocks', 'last_conv', 'act']);
    assert.deepEqual(labels('compare:\n  models:\n    - model: ghostnet_x1_0\n      knobs: { |'), ['ratio', 'dw_kernel']);
    assert.deepEqual(labels('model: mobilenet_v3_large_x1_0\nknobs: { act: |'), ['hardswish', 'relu']);
    assert.deepEqual(labels('model: mobilenet_v3_large_x1_0\nknobs:\n  se: |'), ['true', 'false']);
    assert.deepEqual(labels('model: mobilenet_v2_x1_0\nknobs:\n  |'), []);
  });

  it('ops in layers: items, option keys of an op or block, and option values', () => {
    const ops = labels('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - |');
    for (const op of ['conv', 'dwconv', 'classifier', 'inverted_residual', 'fasternet_block', 'depthsep_conv', 'shufflenet_v2_unit', 'fire']) assert.ok(ops.includes(op), op);
    assert.deepEqual(labels('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - fasternet_block: { |'), ['ratio', 'partial', 'expand', 'hidden', 'act', 'repeat', 'scope', 'from']);
    assert.deepEqual(labels('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - fire:\n      squeeze: 16\n      |').slice(0, 3), ['squeeze', 'expand1x1', 'expand3x3']);
    assert.deepEqual(labels('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: 8 }\n    |'), ['repeat', 'scope', 'from']);
    assert.ok(labels('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: 8, act: |').includes('hardswish'));
    assert.deepEqual(labels('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: 8, bn: |'), ['true', 'false']);
    assert.deepEqual(labels('network: n\ninput: [1, 3, 8, 8]\nlayers:\n  - conv: { out: 3 }\n    scope: a\n  - relu\n  - add: { with: |'), ['input', 'a', 'layer2']);
  });

  it('profile settings and fixed values', () => {
    assert.deepEqual(labels('model: fasternet_t0\nprofile: { |'), ['runs', 'warmup', 'threads', 'provider', 'opt', 'isolated']);
    assert.deepEqual(labels('profile: fasternet_t0\nopt: |'), ['disabled', 'basic', 'extended', 'all']);
    assert.deepEqual(labels('export: fasternet_t0\npath: t0.onnx\nform: |'), ['deploy', 'training', 'inference']);
  });
});

describe('cell language: hover targets', () => {
  it('a zoo id, wherever one is written', () => {
    assert.deepEqual(hover('model: faster|net_t0\n'), { kind: 'model', id: 'fasternet_t0', range: { start: { line: 0, character: 7 }, end: { line: 0, character: 19 } } });
    assert.deepEqual(hover('compare:\n  models: [ghostnet_x1_0, pplcnet_x|1_0]\n'), {
      kind: 'model',
      id: 'pplcnet_x1_0',
      range: { start: { line: 1, character: 26 }, end: { line: 1, character: 38 } },
    });
    assert.equal(hover('model: nosuch|model\n'), undefined);
  });

  it("a layer line, by its scope, covering the layer's whole item", () => {
    const text = 'network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: 8 }\n  - re|lu\n  - fasternet_block: { ratio: 0.5 }\n    scope: tail\n    repeat: 2\n';
    assert.deepEqual(hover(text), { kind: 'layer', scope: 'layer2', index: 2, op: 'relu', range: { start: { line: 4, character: 4 }, end: { line: 4, character: 8 } } });
    const block = hover(text.replace('re|lu', 'relu').replace('fasternet_block', 'faster|net_block'));
    assert.deepEqual(block, { kind: 'layer', scope: 'tail', index: 3, op: 'fasternet_block', range: { start: { line: 5, character: 4 }, end: { line: 7, character: 13 } } });
    assert.equal(hover(text.replace('re|lu', 'relu').replace('repeat: 2', 'repeat: |2'))?.kind, 'layer');
    assert.equal(hover('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: |8 }\n')?.kind, 'layer');
  });

  it('a key: its documentation', () => {
    const res = hover('model: fasternet_t0\nreso|lution: 160\n');
    assert.equal(res?.kind, 'key');
    assert.match(res?.kind === 'key' ? res.doc : '', /^\*\*resolution\*\* — Square input resolution in pixels\. Default: `224`\.$/);
    const knob = hover('model: fasternet_t0\nknobs: { ra|tio: 0.5 }\n');
    assert.match(knob?.kind === 'key' ? knob.doc : '', /^\*\*ratio\*\* \(knob\) — Partial ratio r of PConv.*default `0\.25`/);
    const option = hover('network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: 8 }\n  - fasternet_block: { exp|and: 3 }\n');
    assert.match(option?.kind === 'key' ? option.doc : '', /^\*\*expand\*\* — MLP ratio/);
    const verb = hover('com|pare:\n  models: [fasternet_t0]\n');
    assert.match(verb?.kind === 'key' ? verb.doc : '', /^\*\*compare\*\* — Several models side by side/);
    const setting = hover('model: fasternet_t0\nprofile: { thr|eads: 4 }\n');
    assert.match(setting?.kind === 'key' ? setting.doc : '', /^\*\*threads\*\* — Intra-op threads/);
  });
});
