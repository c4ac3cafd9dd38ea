/** Cells that name an .onnx file: what parses, what is refused and where, and what the palette writes. */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cellFilePath, profileCellText, yamlValue } from '../../src/commands/cellText';
import { checkCell, isOnnxPath } from '../../src/lang';

function errors(text: string) {
  return checkCell(text).diagnostics.filter((d) => d.severity === 'error');
}

describe('.onnx files in cells', () => {
  it('model:, profile: (both forms) and compare: take a path ending in .onnx', () => {
    const model = checkCell('model: models/net.onnx');
    assert.deepEqual(model.diagnostics, []);
    assert.ok(model.cell?.verb === 'model' && model.cell.model.file && model.cell.model.id === 'models/net.onnx');

    const profile = checkCell('profile: /abs/net.ONNX\nruns: 5');
    assert.deepEqual(profile.diagnostics, []);
    assert.ok(profile.cell?.verb === 'profile' && profile.cell.target.kind === 'model' && profile.cell.target.model.file);
    assert.deepEqual(profile.cell.settings, { runs: 5 });

    const nested = checkCell('profile:\n  model: net.onnx\n  threads: 1');
    assert.deepEqual(nested.diagnostics, []);
    assert.ok(nested.cell?.verb === 'profile' && nested.cell.target.kind === 'model' && nested.cell.target.model.id === 'net.onnx');

    const compare = checkCell('compare:\n  models:\n    - squeezenet1_1\n    - a.onnx\n    - { model: b.onnx }');
    assert.deepEqual(compare.diagnostics, []);
    assert.ok(compare.cell?.verb === 'compare');
    assert.deepEqual(compare.cell.models.map((m) => [m.id, !!m.file]), [['squeezenet1_1', false], ['a.onnx', true], ['b.onnx', true]]);
  });

  it('size, width and knob options beside a file are errors at their keys', () => {
    const d = errors('model: net.onnx\nresolution: 160\nwidth: 0.5');
    assert.deepEqual(d.map((x) => [x.range.start.line, x.range.start.character]), [[1, 0], [2, 0]]);
    assert.match(d[0].message, /'resolution' applies to zoo models; an \.onnx file runs as stored/);
    assert.match(d[1].message, /'width' applies to zoo models/);
    const nested = errors('profile:\n  model: net.onnx\n  knobs: { se: false }');
    assert.equal(nested.length, 1);
    assert.equal(nested[0].range.start.line, 2);
    assert.match(nested[0].message, /'knobs' applies to zoo models/);
    const item = errors('compare:\n  models:\n    - { model: a.onnx, input: [1, 3, 64, 64] }');
    assert.equal(item.length, 1);
    assert.match(item[0].message, /'input' applies to zoo models/);
  });

  it('export and sweep cells refuse a file, saying which cells read one', () => {
    const exp = errors('export: net.onnx\npath: out.onnx');
    assert.equal(exp.length, 1);
    assert.match(exp[0].message, /^an export cell takes zoo ids, not \.onnx files; model:, profile: and compare: cells read 'net\.onnx'/);
    assert.deepEqual(exp[0].range.start, { line: 0, character: 8 });
    const sweep = errors('sweep:\n  model: net.onnx\n  resolution: [128, 160]');
    assert.match(sweep[0]?.message ?? '', /a sweep cell takes zoo ids, not \.onnx files/);
  });

  it('a zoo id stays a zoo id; a mistyped id that is not a path still gets its hint', () => {
    assert.equal(isOnnxPath('mobilenet_v2_x1_0'), false);
    assert.equal(isOnnxPath('x/y.Onnx'), true);
    assert.match(errors('model: mobilenet_v2_x1_O')[0].message, /unknown model id/);
  });

  it('the palette writes a file as a relative path inside the folder, else absolute, quoted when YAML needs it', () => {
    const base = join('/work', 'proj');
    assert.equal(cellFilePath(join(base, 'models', 'a.onnx'), base), 'models/a.onnx');
    assert.equal(cellFilePath('/elsewhere/a.onnx', base), '/elsewhere/a.onnx');
    assert.equal(cellFilePath('/elsewhere/a.onnx', undefined), '/elsewhere/a.onnx');
    assert.equal(yamlValue('models/a.onnx'), 'models/a.onnx');
    assert.equal(yamlValue('my model: v2.onnx'), '"my model: v2.onnx"');
    const settings = { provider: 'cpu', threads: 1, runs: 3, warmup: 1, optimization: 'all' } as const;
    for (const path of ['models/a.onnx', 'dir with space/#1: a.onnx', 'C:\\models\\a.onnx']) {
      const cell = checkCell(profileCellText(path, settings)).cell;
      assert.ok(cell?.verb === 'profile' && cell.target.kind === 'model', path);
      assert.equal(cell.target.model.id, path);
      assert.equal(cell.target.model.file, true);
    }
  });
});

describe('hovering an .onnx path', () => {
  it('says how the file is read, where model:, profile: and compare: take one', async () => {
    const { hoverTargetAt } = await import('../../src/lang');
    for (const text of ['model: nets/a.onnx', 'profile: nets/a.onnx\nruns: 3', 'compare:\n  models:\n    - nets/a.onnx']) {
      const target = hoverTargetAt(text, text.indexOf('a.onnx'));
      assert.ok(target?.kind === 'key', text);
      assert.match(target.doc, /relative path resolves against the notebook's folder/);
    }
    assert.equal(hoverTargetAt('export: nets/a.onnx', 12), undefined, 'no file hover where files are refused');
  });
});
