/**
 * How models are named in reports: modelLabel gives a zoo id plus only the settings that differ
 * from its defaults, and every report of a cell (title, markdown, CSV) names each model by it, so
 * variants of one id can be told apart.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { latencyBarsSpec } from '../../../media/report/charts';
import { paretoSpec } from '../../../media/report/pareto';
import { compareRows } from '../../../media/report/rows';
import { CellAnalysis } from '../../../src/run/cellCosts';
import { executeCell } from '../../../src/run/execute';
import { reportToCsv } from '../../../src/run/exports';
import { modelName } from '../../../src/shared/models';
import { modelLabel } from '../../../src/zoo';
import { runCli } from '../support/helpers';
import { fakeProfile } from '../support/renderer-fixtures';

const ctx = { provider: 'cpu', baseDir: '/tmp' };

describe('modelLabel', () => {
  it('is the bare id when nothing differs from the defaults, even when the defaults are written out', () => {
    assert.equal(modelLabel('mobilenet_v2_x1_0'), 'mobilenet_v2_x1_0');
    assert.equal(modelLabel('mobilenet_v2_x0_5', { width: 0.5, resolution: 224, numClasses: 1000, batch: 1 }), 'mobilenet_v2_x0_5');
    assert.equal(modelLabel('pplcnet_x1_0', { knobs: { se_blocks: [13, 12], last_conv: true, act: 'hardswish' } }), 'pplcnet_x1_0', 'a block list is a set');
  });

  it('names width, resolution, classes and batch in that order', () => {
    assert.equal(modelLabel('mobilenet_v2_x1_0', { resolution: 160, width: 1.3 }), 'mobilenet_v2_x1_0 (width 1.3, 160 px)');
    assert.equal(modelLabel('squeezenet1_0', { batch: 8, numClasses: 10 }), 'squeezenet1_0 (10 classes, batch 8)');
  });

  it('names knobs as name: value, block lists as ranges, an empty list as none', () => {
    const all = Array.from({ length: 13 }, (_, i) => i + 1);
    assert.equal(modelLabel('pplcnet_x0_5', { knobs: { se_blocks: all } }), 'pplcnet_x0_5 (se_blocks: 1–13)');
    assert.equal(modelLabel('pplcnet_x0_5', { knobs: { se_blocks: [] } }), 'pplcnet_x0_5 (se_blocks: none)');
    assert.equal(modelLabel('pplcnet_x0_5', { knobs: { se_blocks: [8, 7], k5_blocks: [1, 2, 3, 9] } }), 'pplcnet_x0_5 (se_blocks: 7, 8, k5_blocks: 1–3, 9)');
    assert.equal(modelLabel('mobilenet_v3_large_x1_0', { knobs: { act: 'relu', se: false } }), 'mobilenet_v3_large_x1_0 (se: false, act: relu)', "in the model's knob order");
    assert.equal(modelLabel('fasternet_t0', { width: 2, knobs: { ratio: 0.5 } }), 'fasternet_t0 (width 2, ratio: 0.5)');
  });

  it('an id the zoo does not hold keeps every setting given; a name may replace the id in front', () => {
    assert.equal(modelLabel('yolov8n_backbone', { width: 1, knobs: { depth: 2 } }), 'yolov8n_backbone (width 1, depth: 2)');
    assert.equal(modelLabel('mobilenet_v3_large_x1_0', { width: 0.35 }, 'picodet_legacy/mobilenet_v3_large_x1_0'), 'picodet_legacy/mobilenet_v3_large_x1_0 (width 0.35)');
  });
});

describe('reports name each model by its label', () => {
  const COMPARE = [
    'compare:',
    '  models:',
    '    - mobilenet_v3_large_x1_0',
    '    - { model: mobilenet_v3_large_x1_0, knobs: { se: false } }',
    '    - { model: mobilenet_v3_large_x1_0, knobs: { act: relu } }',
  ].join('\n');
  const LABELS = ['mobilenet_v3_large_x1_0', 'mobilenet_v3_large_x1_0 (se: false)', 'mobilenet_v3_large_x1_0 (act: relu)'];

  it('a compare of three variants of one id: distinct labels in the report, its title, markdown and CSV; ids unchanged', async () => {
    const { report, markdown } = await executeCell(COMPARE, ctx);
    assert.deepEqual(report.models.map(modelName), LABELS);
    assert.deepEqual(report.models.map((m) => m.summary.id), Array(3).fill('mobilenet_v3_large_x1_0'));
    assert.equal(report.title, `compare: ${LABELS.join(', ')}`);
    for (const label of LABELS.slice(1)) {
      assert.ok(markdown.includes(`| ${label} |`), `compare row for ${label}`);
      assert.ok(markdown.includes(`### ${label}\n`), `section for ${label}`);
    }
    const csvModels = new Set(reportToCsv(report).split('\r\n').slice(1, -1).map((row) => row.split(',')[0].replace(/"/g, '')));
    assert.deepEqual([...csvModels].sort(), [...LABELS].sort());
  });

  it('model, profile and sweep cells are titled by the label', async () => {
    const model = await executeCell('model: mobilenet_v2_x1_0\nwidth: 1.3\nresolution: 160\n', ctx);
    assert.equal(model.report.title, 'mobilenet_v2_x1_0 (width 1.3, 160 px)');
    assert.equal(model.report.models[0].label, model.report.title);
    const profile = await executeCell('profile: { model: pplcnet_x0_5, knobs: { last_conv: false } }\n', ctx);
    assert.equal(profile.report.title, 'pplcnet_x0_5 (last_conv: false)');
    const sweep = await executeCell('sweep:\n  model: pplcnet_x1_0\n  classes: 10\n  width: [0.5, 1.0]\n', ctx);
    assert.equal(sweep.report.title, 'sweep: pplcnet_x1_0 (10 classes)');
    // A sweep over forms is not named after one of them.
    const forms = await executeCell('sweep:\n  model: mobileone_s0\n  form: [training, deploy]\n', ctx);
    assert.equal(forms.report.title, 'sweep: mobileone_s0');
    assert.deepEqual(forms.report.sweep!.points.map((p) => [p.settings.form, p.params]), [['training', 5_293_272], ['deploy', 2_078_504]]);
  });

  it('a network keeps its own name', async () => {
    const { report } = await executeCell('network: tiny\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: 8, k: 3 }\n', ctx);
    assert.equal(report.models[0].label, 'tiny');
  });

  it('a backbone under a head: the split row names the backbone, the model the whole detector', async () => {
    const { report } = await executeCell('detect:\n  head: picodet_legacy\n  backbones:\n    - { model: mobilenet_v3_large_x1_0, width: 0.35 }\n    - pplcnet_x0_5\n', ctx);
    assert.deepEqual(report.headed!.splits.map((s) => s.label), ['mobilenet_v3_large_x1_0 (width 0.35)', 'pplcnet_x0_5']);
    assert.deepEqual(report.models.map(modelName), ['picodet_legacy/mobilenet_v3_large_x1_0 (width 0.35)', 'picodet_legacy/pplcnet_x0_5']);
    assert.deepEqual(report.models.map((m) => m.summary.id), ['picodet_legacy/mobilenet_v3_large_x1_0', 'picodet_legacy/pplcnet_x0_5']);
  });
});

describe('the renderer names models by their label', () => {
  it("compare rows, the Pareto chart's points and a model's chart titles tell variants of one id apart", async () => {
    const cell = 'compare:\n  models:\n    - pplcnet_x0_5\n    - { model: pplcnet_x0_5, knobs: { last_conv: false } }\n';
    const { report } = await executeCell(cell, ctx);
    const names = ['pplcnet_x0_5', 'pplcnet_x0_5 (last_conv: false)'];
    assert.deepEqual(compareRows(report).map((r) => r.id), names);
    const pareto = JSON.stringify(paretoSpec(report, 'madds'));
    for (const name of names) assert.ok(pareto.includes(`"id":"${name}"`), name);
    const measured = { ...report.models[1], profile: fakeProfile(report.models[1]) };
    const title = (latencyBarsSpec(measured)!.title as { text: string[] }).text.join(' ');
    assert.equal(title, 'pplcnet_x0_5 (last_conv: false): time per layer');
    // The layer axis is labelled: about a dozen layer numbers, from 1.
    const x = (latencyBarsSpec(measured)!.encoding as { x: { title: string; axis: { values: number[] } } }).x;
    const layers = measured.profile.layers.length;
    assert.match(x.title, /^layer, in execution order/);
    assert.equal(x.axis.values[0], 1);
    assert.ok(x.axis.values.length >= Math.min(layers, 7) && x.axis.values.length <= 13, `${x.axis.values.length} labels for ${layers} layers`);
  });

  it('a report written before labels falls back to the id', async () => {
    const { report } = await executeCell('compare:\n  models: [squeezenet1_0, squeezenet1_1]\n', ctx);
    const old = { ...report, models: report.models.map(({ label: _, ...m }) => m) };
    assert.deepEqual(compareRows(old).map((r) => r.id), ['squeezenet1_0', 'squeezenet1_1']);
  });
});

describe('lcnb summary names the model by its label', () => {
  it('the text header and the JSON name the width and knobs; the JSON keeps the id', async () => {
    const text = await runCli('summary', 'mobilenet_v2_x1_0', '--width', '1.3', '--resolution', '160');
    assert.equal(text.code, 0, text.stderr);
    assert.ok(text.stdout.startsWith('mobilenet_v2_x1_0 (width 1.3, 160 px)  input [1, 3, 160, 160]'), text.stdout.split('\n')[0]);
    const json = await runCli('summary', 'pplcnet_x0_5', '--knob', 'last_conv=false', '--json');
    const parsed = JSON.parse(json.stdout) as { id: string; label: string };
    assert.deepEqual([parsed.id, parsed.label], ['pplcnet_x0_5', 'pplcnet_x0_5 (last_conv: false)']);
    assert.deepEqual(Object.keys(parsed).slice(0, 2), ['id', 'label']);
  });

  it('under a head: the whole model in the header, the backbone in the split line', async () => {
    const { code, stdout, stderr } = await runCli('summary', 'mobilenet_v3_large_x1_0', '--head', 'picodet_legacy', '--width', '0.35');
    assert.equal(code, 0, stderr);
    assert.ok(stdout.startsWith('picodet_legacy/mobilenet_v3_large_x1_0 (width 0.35)  input'));
    assert.match(stdout, /\) on mobilenet_v3_large_x1_0 \(width 0\.35\), 416×416, 80 classes/);
  });
});

describe('a model hover is headed by the label', () => {
  const header = (text: string) => new CellAnalysis(text).hover(text.indexOf('pplcnet') + 2)!.markdown.split('\n')[0];

  it("a variant: its settings, not the variant's own width", () => {
    assert.equal(header('compare:\n  models:\n    - { model: pplcnet_x0_5, width: 0.6, knobs: { last_conv: false } }\n'), '**pplcnet_x0_5 (width 0.6, last_conv: false)** — PP-LCNet');
  });

  it('the model as published: the family and its width', () => {
    assert.equal(header('model: pplcnet_x0_5\n'), '**pplcnet_x0_5** — PP-LCNet, width 0.5');
  });
});
