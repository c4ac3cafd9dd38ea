/** Cells that name an .onnx file: what parses, what is refused and where, and what the palette writes. */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cellFilePath, profileCellText, yamlValue } from '../../../src/commands/cellText';
import { checkCell, compareModels, FileStateCache, isOnnxPath, onnxFileDiagnostics, onnxFileRefs, resolveCellPath } from '../../../src/lang';
import type { FileProbe, FileState } from '../../../src/lang';

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
    assert.deepEqual(compareModels(compare.cell).map((m) => [m.id, !!m.file]), [['squeezenet1_1', false], ['a.onnx', true], ['b.onnx', true]]);
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
  });

  it("'input:' gives a file's input shape: one shape, or a map from input name to shape; a zoo model's stays [N, 3, R, R]", () => {
    const one = checkCell('model: det.onnx\ninput: [1, 3, 640, 640]');
    assert.deepEqual(one.diagnostics, []);
    assert.ok(one.cell?.verb === 'model');
    assert.deepEqual(one.cell.model.inputShapes, { '': [1, 3, 640, 640] });
    const named = checkCell('profile: kws.onnx\ninput:\n  audio: [1, 1, 16000]\n  state: [1, 64]\nruns: 3');
    assert.deepEqual(named.diagnostics, []);
    assert.ok(named.cell?.verb === 'profile' && named.cell.target.kind === 'model');
    assert.deepEqual(named.cell.target.model.inputShapes, { audio: [1, 1, 16000], state: [1, 64] });
    const item = checkCell('compare:\n  models:\n    - { model: a.onnx, input: [1, 3, 64, 48] }\n    - b.onnx');
    assert.deepEqual(item.diagnostics, []);
    assert.ok(item.cell?.verb === 'compare');
    assert.deepEqual(compareModels(item.cell).map((m) => m.inputShapes), [{ '': [1, 3, 64, 48] }, undefined]);
    assert.match(errors('model: a.onnx\ninput: [1, 3, 0, 64]')[0].message, /≥ 1/);
    assert.match(errors('model: mobilenet_v2_x1_0\ninput: { x: [1, 3, 224, 224] }')[0].message, /a map from input name to shape applies to \.onnx files/);
    assert.match(errors('model: mobilenet_v2_x1_0\ninput: [1, 3, 224]')[0].message, /'input' of a zoo model must have 4 items \[N, 3, R, R\], got 3/);
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
    const shaped = checkCell(profileCellText('det.onnx', settings, { '': [1, 3, 640, 640] })).cell;
    assert.ok(shaped?.verb === 'profile' && shaped.target.kind === 'model');
    assert.deepEqual(shaped.target.model.inputShapes, { '': [1, 3, 640, 640] });
    const named = checkCell(profileCellText('kws.onnx', settings, { 'audio:0': [1, 16000], state: [1, 64] })).cell;
    assert.ok(named?.verb === 'profile' && named.target.kind === 'model');
    assert.deepEqual(named.target.model.inputShapes, { 'audio:0': [1, 16000], state: [1, 64] });
  });
});

describe('hovering an .onnx path', () => {
  it('says how the file is read, where model:, profile: and compare: take one', async () => {
    const { hoverTargetAt } = await import('../../../src/lang');
    for (const text of ['model: nets/a.onnx', 'profile: nets/a.onnx\nruns: 3', 'compare:\n  models:\n    - nets/a.onnx']) {
      const target = hoverTargetAt(text, text.indexOf('a.onnx'));
      assert.ok(target?.kind === 'key', text);
      assert.match(target.doc, /relative path resolves against the notebook's folder/);
    }
    assert.equal(hoverTargetAt('export: nets/a.onnx', 12), undefined, 'no file hover where files are refused');
  });
});

describe('checking .onnx paths while typing', () => {
  const base = join('/work', 'proj');
  /** A probe over a fixed listing of absolute paths; it records what it was asked. */
  function listing(states: Record<string, FileState>) {
    const asked: string[] = [];
    const probe: FileProbe = async (path) => {
      asked.push(path);
      return states[path] ?? { kind: 'missing' };
    };
    return { probe, asked };
  }
  async function fileErrors(text: string, probe: FileProbe) {
    const cell = checkCell(text).cell;
    assert.ok(cell, text);
    return onnxFileDiagnostics(cell, base, probe);
  }

  it('a missing file is an error at the path itself, with the path it resolved to', async () => {
    const { probe, asked } = listing({});
    const text = 'model: models/net.onnx';
    const [d, ...rest] = await fileErrors(text, probe);
    assert.deepEqual(rest, []);
    assert.equal(d.message, `file not found: ${join(base, 'models', 'net.onnx')}`);
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, { start: { line: 0, character: 7 }, end: { line: 0, character: text.length } });
    assert.deepEqual(asked, [join(base, 'models', 'net.onnx')]);
  });

  it('each path of a compare or profile cell at its own range; zoo ids and readable files say nothing', async () => {
    const { probe, asked } = listing({ [join(base, 'a.onnx')]: { kind: 'file' }, [join(base, 'dir.onnx')]: { kind: 'not-a-file' }, '/abs/locked.onnx': { kind: 'unreadable', reason: 'EACCES' } });
    const compare = 'compare:\n  models:\n    - squeezenet1_1\n    - a.onnx\n    - { model: dir.onnx }\n    - /abs/locked.onnx\n    - ../gone.onnx';
    const found = await fileErrors(compare, probe);
    assert.deepEqual(
      found.map((d) => [d.range.start.line, d.range.start.character, d.range.end.character, d.message]),
      [
        [4, 15, 23, `${join(base, 'dir.onnx')} is not a file`],
        [5, 6, 22, 'cannot read /abs/locked.onnx: EACCES'],
        [6, 6, 18, `file not found: ${join('/work', 'gone.onnx')}`],
      ],
    );
    assert.ok(!asked.some((p) => p.includes('squeezenet')), 'zoo ids are not looked up on disk');

    for (const text of ['profile: nets/x.onnx\nruns: 3', 'profile:\n  model: nets/x.onnx\n  threads: 1']) {
      const [d] = await fileErrors(text, probe);
      assert.equal(d.message, `file not found: ${join(base, 'nets', 'x.onnx')}`, text);
      assert.equal(text.split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character), 'nets/x.onnx');
    }
    assert.deepEqual(await fileErrors('model: mobilenet_v2_x1_0', probe), []);
    assert.deepEqual(onnxFileRefs(checkCell('network: n\ninput: [1, 3, 8, 8]\nlayers:\n  - conv: { out: 8 }').cell!), []);
  });

  it("a file that leaves dimensions open needs input:, flagged as it is typed; a shape that does not fit is flagged at input:", async () => {
    const inputs = [{ name: 'x', dims: ['batch', 3, 'height', 'width'], dtype: 'float32' }];
    const { probe } = listing({ [join(base, 'det.onnx')]: { kind: 'file', inputs } });
    const [missing] = await fileErrors('model: det.onnx', probe);
    assert.equal(missing.message, "det.onnx: input 'x' is declared [batch, 3, height, width]: dimensions 2, 3 are not fixed; give the input shape with input: [1, 3, H, W] (numbers for the names)");
    assert.deepEqual(missing.range.start, { line: 0, character: 7 });
    assert.deepEqual(await fileErrors('model: det.onnx\ninput: [1, 3, 640, 640]', probe), []);
    const [wrong] = await fileErrors('profile: det.onnx\ninput: [1, 4, 640, 640]', probe);
    assert.equal(wrong.message, "det.onnx: input 'x' is declared [batch, 3, height, width]; dimension 1 is fixed at 3, the shape given says 4");
    assert.deepEqual(wrong.range.start, { line: 1, character: 7 });
    const [named] = await fileErrors('compare:\n  models:\n    - { model: det.onnx, input: { image: [1, 3, 64, 64] } }', probe);
    assert.equal(named.message, "det.onnx: the model has no input 'image' (its inputs: x)");
    const { probe: batchOnly } = listing({ [join(base, 'b.onnx')]: { kind: 'file', inputs: [{ name: 'x', dims: ['N', 3, 224, 224], dtype: 'float32' }] } });
    assert.deepEqual(await fileErrors('model: b.onnx', batchOnly), [], 'a symbolic batch alone reads as 1');
  });

  it('the path checked is the one a run reads and names in its error', async () => {
    const { probe } = listing({});
    const [d] = await fileErrors('model: nowhere/net.onnx', probe);
    const { executeCell, CellFailure } = await import('../../../src/run/execute');
    await assert.rejects(executeCell('model: nowhere/net.onnx', { provider: 'cpu', baseDir: base }), (e: unknown) => {
      assert.ok(e instanceof CellFailure);
      assert.ok(e.message.includes(`cannot read ${resolveCellPath(base, 'nowhere/net.onnx')}: ENOENT`), e.message);
      return true;
    });
    assert.equal(d.message, `file not found: ${resolveCellPath(base, 'nowhere/net.onnx')}`);
    assert.equal(resolveCellPath(base, '/abs/net.onnx'), '/abs/net.onnx');
  });

  it('file states are remembered briefly; a file that appears stops being flagged once they expire or are cleared', async () => {
    const path = join(base, 'later.onnx');
    const states: Record<string, FileState> = {};
    const { probe, asked } = listing(states);
    let now = 0;
    const cache = new FileStateCache(probe, 1000, () => now);
    assert.equal((await fileErrors('model: later.onnx', cache.get)).length, 1);
    assert.equal((await fileErrors('compare:\n  models: [later.onnx, later.onnx]', cache.get)).length, 2);
    assert.equal(asked.length, 1, 'every cell checked within the second shares one look at the file');

    states[path] = { kind: 'file' };
    now = 999;
    assert.equal((await fileErrors('model: later.onnx', cache.get)).length, 1, 'still the remembered state');
    now = 1000;
    assert.deepEqual(await fileErrors('model: later.onnx', cache.get), [], 'looked at again after a second');

    delete states[path];
    cache.clear();
    assert.equal((await fileErrors('model: later.onnx', cache.get)).length, 1, 'cleared: looked at again at once');
    assert.equal(asked.length, 3);
  });
});
