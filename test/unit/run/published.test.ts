/**
 * Published figures beyond a variant's own row: ablation rows attached to the knob setting they
 * describe (PP-LCNet's), and notes where a paper's count differs from the reference
 * implementation's (MobileNetV3), shown beside the number in the markdown and the CLI text.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { paretoSpec } from '../../../media/report/pareto';
import { compareRows } from '../../../media/report/rows';
import { summaryText } from '../../../src/core/summaryText';
import type { PublishedFigure } from '../../../src/core/summary';
import { CellAnalysis } from '../../../src/run/cellCosts';
import { runCli } from '../support/helpers';
import { executeCell } from '../../../src/run/execute';
import { publishedBySource } from '../../../src/run/markdown';
import { shortSource } from '../../../src/zoo/familyTypes';
import { buildModelWithFigures, lookup, resolveKnobs, summarizeModel, zooModels } from '../../../src/zoo';

const ctx = { provider: 'cpu', baseDir: '/tmp' };
const ALL_BLOCKS = Array.from({ length: 13 }, (_, i) => i + 1);
const figure = (published: readonly PublishedFigure[], metric: PublishedFigure['metric']) => published.find((p) => p.metric === metric);

describe('published ablation rows', () => {
  it("PP-LCNet x0.5 with SE in every block gets the doc's 64.27% and 3.80 ms, with the table as source and a note", () => {
    const { published } = buildModelWithFigures('pplcnet_x0_5', { knobs: { se_blocks: ALL_BLOCKS } });
    assert.equal(figure(published, 'top1')?.value, 64.27);
    assert.equal(figure(published, 'latency_ms')?.value, 3.8);
    assert.match(figure(published, 'top1')!.source, /PP-LCNet_en\.md §3\.2/);
    assert.match(figure(published, 'top1')!.note ?? '', /63\.14% and 2\.05 ms, is PPLCNet_x0_5/);
    assert.equal(figure(published, 'params'), undefined, 'the ablation tables give no params or MAdds');
  });

  it('no last conv: 59.91%; no SE: 62.51%; 5×5 everywhere: 63.22%', () => {
    const top1 = (knobs: Record<string, boolean | number[]>) => figure(buildModelWithFigures('pplcnet_x0_5', { knobs }).published, 'top1')?.value;
    assert.equal(top1({ last_conv: false }), 59.91);
    assert.equal(top1({ se_blocks: [] }), 62.51);
    assert.equal(top1({ k5_blocks: ALL_BLOCKS }), 63.22);
    assert.equal(top1({ se_blocks: [13, 12] }), 63.14, "the default set written in another order is the model's own row");
  });

  it('only at the setting a row describes: not at another width, size or knob combination', () => {
    assert.deepEqual(buildModelWithFigures('pplcnet_x1_0', { knobs: { se_blocks: ALL_BLOCKS } }).published, []);
    assert.deepEqual(buildModelWithFigures('pplcnet_x0_5', { resolution: 160, knobs: { se_blocks: ALL_BLOCKS } }).published, []);
    assert.deepEqual(buildModelWithFigures('pplcnet_x0_5', { knobs: { se_blocks: ALL_BLOCKS, last_conv: false } }).published, []);
    assert.deepEqual(buildModelWithFigures('pplcnet_x0_5', { width: 0.6, knobs: { last_conv: false } }).published, []);
  });

  it('every ablation row of the zoo names valid, non-default knobs, differs from the others, and gives sources', () => {
    let rows = 0;
    for (const model of zooModels()) {
      const seen = new Set<string>();
      for (const v of model.publishedVariants ?? []) {
        rows++;
        const knobs = resolveKnobs(model.id, model.knobs, v.knobs);
        const key = JSON.stringify(knobs);
        assert.notEqual(key, JSON.stringify(resolveKnobs(model.id, model.knobs)), `${model.id}: a row with the default knobs`);
        assert.ok(!seen.has(key), `${model.id}: two rows for ${key}`);
        seen.add(key);
        assert.ok(v.published.length && v.published.every((p) => p.source.length > 0), `${model.id}: ${key} has figures with sources`);
      }
    }
    assert.equal(rows, 9, "the doc's nine PP-LCNet ablation rows that are not the model as built");
  });

  it('a compare of the sample notebook shows the rows in its top-1 column', async () => {
    const cell = 'compare:\n  models:\n    - pplcnet_x0_5\n    - { model: pplcnet_x0_5, knobs: { se_blocks: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] } }\n    - { model: pplcnet_x0_5, knobs: { se_blocks: [] } }\n';
    const { report, markdown } = await executeCell(cell, ctx);
    assert.deepEqual(report.models.map((m) => figure(m.summary.published, 'top1')?.value), [63.14, 64.27, 62.51]);
    assert.match(markdown, /\| pplcnet_x0_5 \(se_blocks: 1–13\) \| [\d.]+M \| [\d.]+M \| 64\.27% \|/);
  });
});

describe('notes on published counts', () => {
  it("MobileNetV3 Small 1.0's 2.9M / 66M say that torchvision and timm count what lcnb counts", () => {
    const s = summarizeModel('mobilenet_v3_small_x1_0');
    const params = figure(s.published, 'params')!;
    assert.equal(params.value, 2.9e6);
    assert.match(params.note ?? '', /torchvision, timm and d-li14\/mobilenetv3\.pytorch all build Small 1\.0 with 2\.54M params/);
    assert.equal(Math.round(s.totals.params / 1e4) / 100, 2.54, 'the note states what lcnb counts');
    assert.match(figure(s.published, 'madds')!.note ?? '', /56\.5M MAdds/);
    assert.equal(Math.round(s.totals.madds / 1e5) / 10, 56.5);
  });

  it('the width-0.75 variants name the head FC that torchvision narrows and timm keeps', () => {
    for (const [id, fc] of [['mobilenet_v3_large_x0_75', '1280-wide FC after pooling to 960'], ['mobilenet_v3_small_x0_75', '1024-wide FC after pooling to 768']]) {
      const { published } = buildModelWithFigures(id);
      assert.ok(figure(published, 'params')?.note?.includes(fc), id);
      assert.ok(figure(published, 'madds')?.note?.includes(fc), id);
    }
  });

  it("ShuffleNet v1's Table 2 complexity, one per width for every group count, says so", () => {
    const madds = figure(buildModelWithFigures('shufflenet_v1_g2_x0_25').published, 'madds')!;
    assert.equal(madds.value, 13e6);
    assert.match(madds.note ?? '', /one complexity per width for every group count/);
  });

  it("MobileNetV3's notes are on figures that lcnb's count differs from; every ablation row has one", () => {
    for (const model of zooModels().filter((m) => m.family === 'MobileNetV3')) {
      const s = summarizeModel(model.id);
      for (const p of model.published.filter((f) => f.note)) {
        const computed = p.metric === 'params' ? s.totals.params : p.metric === 'madds' ? s.totals.madds : undefined;
        assert.ok(computed !== undefined && Math.abs(computed - p.value) / p.value > 0.05, `${model.id} ${p.metric}: a note where the count agrees`);
      }
    }
    assert.ok(lookup('pplcnet_x0_5').publishedVariants!.every((v) => v.published.every((p) => p.note)));
  });

  it('the markdown fallback and the CLI text show the note beside the figure', async () => {
    const { markdown } = await executeCell('model: mobilenet_v3_small_x1_0\n', ctx);
    assert.match(markdown, /- params 2\.90M — arXiv:1905\.02244 Table 3 \(note: Table 3's count\. torchvision, timm/);
    const text = summaryText(summarizeModel('mobilenet_v3_small_x1_0'));
    assert.match(text, /params 2\.90M {2}— arXiv:1905\.02244 Table 3\n {6}note: Table 3's count\./);
  });
});

describe('the renderer shows notes and says where published figures come from', () => {
  it("a compare row carries its top-1 note; the Pareto tooltip's source ends with it", async () => {
    const { report } = await executeCell('compare:\n  models:\n    - pplcnet_x0_5\n    - { model: pplcnet_x0_5, knobs: { last_conv: false } }\n', ctx);
    const rows = compareRows(report);
    assert.equal(rows[0].top1_note, undefined);
    assert.match(rows[1].top1_note ?? '', /ablation row/);
    const spec = JSON.stringify(paretoSpec(report, 'madds'));
    assert.ok(spec.includes('§3.4 (table of the four techniques) (note: ablation row at width 0.5'), 'note in the tooltip source');
  });

  it("the Pareto subtitle does not claim every top-1 is from a paper (torchvision's and TF-slim's are not)", async () => {
    const { report } = await executeCell('compare:\n  models: [squeezenet1_1, mobilenet_v2_x1_0]\n', ctx);
    const spec = JSON.stringify(paretoSpec(report, 'madds'));
    assert.ok(!spec.includes('from each paper'));
    assert.ok(spec.includes('"top-1: published (ImageNet; sources under the table)"'), 'one subtitle line');
  });
});

describe('short sources (the model quick pick)', () => {
  it('names the project or the paper and table', () => {
    assert.equal(shortSource('torchvision squeezenet.py weights meta (SqueezeNet1_0_Weights, ImageNet-1K acc@1)'), 'torchvision');
    assert.equal(shortSource('tensorflow/models research/slim/nets/mobilenet/README.md (MobileNetV2 checkpoints, 224×224)'), 'TF-slim');
    assert.equal(shortSource('PaddleClas docs/en/models/PP-LCNet_en.md §1.3.1'), 'PaddleClas');
    assert.equal(shortSource("megvii-model/ShuffleNet-Series ShuffleNetV1/README.md (retrained), its FLOPs are multiply-adds"), 'Megvii retrain');
    assert.equal(shortSource('arXiv:1707.01083 Table 6 (SqueezeNet, 42.5% top-1 error)'), 'arXiv:1707.01083 Table 6');
  });

  it("squeezenet1_0's two top-1 figures each say where they come from", () => {
    const line = publishedBySource(lookup('squeezenet1_0').published.filter((p) => p.metric !== 'latency_ms'));
    assert.equal(line, 'published — torchvision: params 1.25M, MAdds 819.0M, top-1 58.092%; arXiv:1707.01083 Table 6: top-1 57.5%');
    assert.equal(publishedBySource([]), undefined);
  });
});

describe('editor hovers on a model id', () => {
  const hoverAt = (text: string, word: string) => new CellAnalysis(text).hover(text.indexOf(word) + 2)!.markdown;

  it("show the ablation row's figures when the cell's knobs are one", () => {
    const md = hoverAt('model: pplcnet_x0_5\nknobs: { last_conv: false }\n', 'pplcnet');
    assert.match(md, /- top-1 59\.91% — PaddleClas docs\/en\/models\/PP-LCNet_en\.md §3\.4 \(table of the four techniques\) \(note: ablation row at width 0\.5/);
    assert.ok(!md.includes('options differ'), md);
  });

  it("show a figure's note beside it", () => {
    const md = hoverAt('model: mobilenet_v3_small_x1_0\n', 'mobilenet');
    assert.match(md, /- params 2\.90M — arXiv:1905\.02244 Table 3 \(note: Table 3's count\./);
  });
});

describe('lcnb list --json', () => {
  it("lists a model's published ablation rows with their knobs", async () => {
    const { code, stdout } = await runCli('list', '--json');
    assert.equal(code, 0);
    const models = JSON.parse(stdout) as { id: string; published_variants?: { knobs: Record<string, unknown>; published: PublishedFigure[] }[] }[];
    const rows = models.find((m) => m.id === 'pplcnet_x0_5')!.published_variants!;
    const noLastConv = rows.find((r) => r.knobs.last_conv === false)!;
    assert.equal(figure(noLastConv.published, 'top1')?.value, 59.91);
    assert.equal(models.find((m) => m.id === 'pplcnet_x1_0')!.published_variants, undefined);
  });
});
