/** `predict:` on model and compare cells: the schema (with the device presets), the typed cell, and the diagnostics of a wrong id. */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEVICES } from '../../../src/core/devices';
import { checkCell, parseCell, quickFixes } from '../../../src/lang/index';
import { schemaAt } from '../../../src/lang/schema';

const errors = (text: string) => parseCell(text).diagnostics;

describe('cell language: predict:', () => {
  it('the schema describes predict: on model and compare cells and lists every preset id', () => {
    for (const [verb, path] of [['model', ['predict']], ['compare', ['compare', 'predict']]] as const) {
      const schema = schemaAt(verb, path);
      assert.ok(schema?.description, `${verb}: ${path.join('.')}`);
      for (const d of DEVICES) assert.ok(schema.description.includes(d.id), `${verb} predict: description lacks ${d.id}`);
      assert.match(schema.description, /not a measurement/);
    }
  });

  it('one id or a list: the devices in the order written, each with its range', () => {
    const model = parseCell('model: mobilenet_v2_x1_0\npredict: pixel6-cpu\n');
    assert.deepEqual(model.diagnostics, []);
    assert.ok(model.cell?.verb === 'model');
    assert.deepEqual(model.cell.predict, [{ id: 'pixel6-cpu', range: { start: { line: 1, character: 9 }, end: { line: 1, character: 19 } } }]);

    const compare = parseCell('compare:\n  models: [mobilenet_v2_x1_0, shufflenet_v2_x1_0]\n  predict: [pixel6-cpu, pixel4-dsp]\n');
    assert.deepEqual(compare.diagnostics, []);
    assert.ok(compare.cell?.verb === 'compare');
    assert.deepEqual(compare.cell.predict?.map((d) => [d.id, d.range.start.line, d.range.start.character]), [
      ['pixel6-cpu', 2, 12],
      ['pixel4-dsp', 2, 24],
    ]);
    // Without it, the cell is as before.
    const plain = parseCell('model: mobilenet_v2_x1_0\n').cell;
    assert.ok(plain?.verb === 'model' && plain.predict === undefined);
  });

  it('an unknown id is an error at the id, with did-you-mean, the presets and a quick fix', () => {
    const text = 'model: mobilenet_v2_x1_0\npredict: pixel6cpu\n';
    const d = errors(text);
    assert.equal(d.length, 1, JSON.stringify(d));
    assert.equal(d[0].severity, 'error');
    assert.deepEqual([d[0].range.start, d[0].range.end], [{ line: 1, character: 9 }, { line: 1, character: 18 }]);
    assert.equal(d[0].message, `unknown device 'pixel6cpu' (did you mean pixel6-cpu?) (known: ${DEVICES.map((x) => x.id).join(', ')})`);
    assert.deepEqual(quickFixes(d[0].message, d[0].range, 'pixel6cpu').map((f) => f.newText), ['pixel6-cpu']);

    // In a list, at the item; a name like no preset gets the list alone.
    const list = errors('compare:\n  models: [mobilenet_v2_x1_0]\n  predict:\n    - pixel4-dsp\n    - toaster\n');
    assert.equal(list.length, 1, JSON.stringify(list));
    assert.equal(list[0].range.start.line, 4);
    assert.match(list[0].message, /^unknown device 'toaster' \(known: pixel6-cpu, /);
    // checkCell (the editor's pass) says the same.
    assert.equal(checkCell(text).diagnostics[0].message, d[0].message);
  });

  it('wrong shapes are schema errors at the value; an id listed twice is a warning', () => {
    const number = errors('model: mobilenet_v2_x1_0\npredict: 5\n');
    assert.equal(number.length, 1, JSON.stringify(number));
    assert.equal(number[0].range.start.line, 1);
    assert.equal(number[0].severity, 'error');
    const empty = errors('compare:\n  models: [mobilenet_v2_x1_0]\n  predict: []\n');
    assert.equal(empty.length, 1, JSON.stringify(empty));
    assert.equal(empty[0].severity, 'error');
    const twice = parseCell('model: mobilenet_v2_x1_0\npredict: [pixel6-cpu, pixel6-cpu]\n');
    assert.deepEqual(twice.diagnostics.map((x) => [x.severity, x.message, x.range.start.character]), [['warning', "device 'pixel6-cpu' is already in this list", 22]]);
    assert.ok(twice.cell?.verb === 'model');
    assert.deepEqual(twice.cell.predict?.map((x) => x.id), ['pixel6-cpu']);
    // Not an option of profile, sweep or a compare entry.
    assert.equal(errors('profile: mobilenet_v2_x1_0\npredict: pixel6-cpu\n').length, 1);
    assert.equal(errors('compare:\n  models: [{ model: mobilenet_v2_x1_0, predict: pixel6-cpu }]\n').length, 1);
  });

  it('docs/cell-language.md documents predict: with every preset id', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'cell-language.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Predicted latency (`predict:`)'), doc.indexOf('## `model`'));
    assert.ok(section.length > 500);
    for (const d of DEVICES) assert.ok(section.includes(`| \`${d.id}\` |`), d.id);
    assert.match(section, /FUSION_RULE/);
    assert.match(section, /not a measurement/);
  });
});
