import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { costGraph, Cost, ZERO_COST, addCosts } from '../../../src/core/cost';
import { buildNetwork, inLayerScope, parseCell } from '../../../src/lang/index';
import type { NetworkCell } from '../../../src/lang/index';
import { CellAnalysis, CellAnalysisCache, formatMicros } from '../../../src/run/cellCosts';
import type { Report } from '../../../src/run/reportTypes';
import { modelReport, report } from '../../../src/run/buildReport';
import { formatCount, formatSI } from '../../../src/shared/format';
import { buildModelWithFigures, findModel } from '../../../src/zoo/index';
import { fakeProfile } from '../support/renderer-fixtures';

/** Text with the cursor marked by '|', and the cursor's offset. */
function cursor(marked: string): [string, number] {
  const at = marked.indexOf('|');
  return [marked.slice(0, at) + marked.slice(at + 1), at];
}

function hover(marked: string, rep?: Report): string {
  const [text, offset] = cursor(marked);
  const h = new CellAnalysis(text).hover(offset, rep);
  assert.ok(h, `no hover at ${JSON.stringify(marked)}`);
  return h.markdown;
}

const NETWORK = `network: my_pconv_net
input: [1, 3, 224, 224]
layers:
  - conv: { out: 40, k: 4, s: 4 }          # patch embedding
  - fasternet_block: { ratio: 0.25, expand: 2, act: gelu }
    repeat: 2
  - conv: { out: 80, k: 2, s: 2 }
    scope: merge
  - classifier: { hidden: 1280, act: gelu, classes: 1000 }
`;

function layerCost(text: string, scope: string): Cost {
  const cell = parseCell(text).cell as NetworkCell;
  const { graph } = buildNetwork(cell);
  return costGraph(graph)
    .nodes.filter((n) => inLayerScope(n.node.scope.join('.'), scope))
    .reduce<Cost>((a, n) => addCosts(a, n), ZERO_COST);
}

function networkReport(text: string, profiled: boolean): Report {
  const { graph } = buildNetwork(parseCell(text).cell as NetworkCell);
  const m = modelReport(graph);
  return report('network', 'n', [profiled ? { ...m, profile: fakeProfile(m) } : m]);
}

describe('editor hovers: model ids', () => {
  it("a zoo id shows the model's exact totals and its published figures, each with its source", () => {
    const md = hover('model: faster|net_t0\n');
    const totals = costGraph(buildModelWithFigures('fasternet_t0').graph).totals;
    assert.ok(md.includes(`| params | ${formatCount(totals.params)} |`), md);
    assert.ok(md.includes(formatCount(totals.madds)), md);
    assert.ok(md.includes('multiply-adds'), md);
    assert.ok(md.includes('**Published**') && md.includes('not computed here'), md);
    const params = findModel('fasternet_t0')?.published.find((p) => p.metric === 'params');
    assert.ok(params);
    assert.ok(md.includes(`params 3.90M — ${params.source}`), md);
    assert.ok(!md.includes('options differ'), md);
  });

  it("the cell's options apply; published figures then say they are for the paper's configuration", () => {
    const md = hover('model: fasternet_t0|\nresolution: 160\nknobs: { act: relu }\n');
    const totals = costGraph(buildModelWithFigures('fasternet_t0', { resolution: 160, knobs: { act: 'relu' } }).graph).totals;
    assert.ok(md.includes(`| params | ${formatCount(totals.params)} |`), md);
    assert.ok(md.includes(formatCount(totals.madds)), md);
    assert.ok(md.includes('[1, 3, 160, 160]'), md);
    assert.ok(md.includes("this cell's options differ"), md);
  });

  it('each compare entry is built with its own options', () => {
    const text = 'compare:\n  models:\n    - fasternet_t0\n    - { model: fasternet_t0, knobs: { act: relu } }\n';
    const second = text.lastIndexOf('fasternet_t0') + 2;
    const md = new CellAnalysis(text).hover(second)?.markdown ?? '';
    const relu = costGraph(buildModelWithFigures('fasternet_t0', { knobs: { act: 'relu' } }).graph).totals;
    assert.ok(md.includes(formatCount(relu.flops)), md);
  });

  it("a profiled report adds the measured latency with its settings; a changed cell says it is stale", () => {
    const { graph, published } = buildModelWithFigures('mobilenet_v2_x1_0');
    const m = modelReport(graph, published);
    const profile = fakeProfile(m);
    const rep = report('model', 'mobilenet_v2_x1_0', [{ ...m, profile }]);
    const md = hover('model: mobilenet_v2|_x1_0\n', rep);
    assert.ok(md.includes(`median **${profile.latency.median_ms.toFixed(3)} ms**`), md);
    assert.ok(md.includes('cpu, 2 threads'), md);
    assert.ok(hover('model: mobilenet_v2|_x1_0\nresolution: 160\n', rep).includes('earlier version of this cell'));
  });

  it('a cell with errors still shows the default totals, and says so', () => {
    const md = hover('model: fasternet_t0|\nresolution: -1\n');
    assert.ok(md.includes('default options'), md);
  });
});

describe('editor hovers: layer lines of a network cell', () => {
  it("a layer line gives exactly its IR nodes' params, MAdds, FLOPs and MAC", () => {
    for (const [needle, scope] of [
      ['- co|nv: { out: 40', 'layer1'],
      ['fasternet_bl|ock', 'layer2'],
      ['scope: me|rge', 'merge'],
      ['classi|fier', 'layer4'],
    ] as const) {
      const md = hover(NETWORK.replace(needle.replace('|', ''), needle));
      const c = layerCost(NETWORK, scope);
      assert.ok(md.includes(`| params | ${formatCount(c.params)} |`), `${scope}: ${md}`);
      assert.ok(md.includes(`${formatCount(c.madds)} (`), `${scope}: ${md}`);
      assert.ok(md.includes(`${formatCount(c.flops)} (`), `${scope}: ${md}`);
      assert.ok(md.includes(`${formatCount(c.macElements)} elements`), `${scope}: ${md}`);
      assert.ok(md.includes(`scope \`${scope}\``), md);
    }
    // FasterNet's patch embedding: 4·4·3·40 weights + BN γ, β.
    assert.ok(hover(NETWORK.replace('- conv: { out: 40', '- co|nv: { out: 40')).includes('| params | 2,000 |'));
    assert.ok(hover(NETWORK.replace('fasternet_block', 'fasternet_bl|ock')).includes('×2'));
  });

  it('once profiled: the layer latency, its share and achieved GFLOPS', () => {
    const rep = networkReport(NETWORK, true);
    const profile = rep.models[0].profile!;
    const md = hover(NETWORK.replace('scope: merge', 'scope: me|rge'), rep);
    const runtime = profile.layers.filter((l) => l.nodes.some((n) => n.startsWith('merge.')));
    const us = runtime.reduce((a, l) => a + l.median_us, 0);
    const share = runtime.reduce((a, l) => a + l.share, 0);
    assert.ok(runtime.length > 0);
    assert.ok(md.includes(`**${formatMicros(us)}** median`), md);
    assert.ok(md.includes(`${(100 * share).toFixed(1)}% of the summed layer time`), md);
    assert.ok(/\d+\.\d GFLOPS achieved/.test(md), md);
    assert.ok(!md.includes('Fused by onnxruntime'), md);
  });

  it('a runtime kernel fused across two layers is said so', () => {
    const text = 'network: n\ninput: [1, 8, 16, 16]\nlayers:\n  - conv: { out: 8 }\n  - relu\n';
    const rep = networkReport(text, true);
    // fakeProfile fuses conv → BN → ReLU into one kernel: here layer2's ReLU joins layer1's conv.
    const md = hover(text.replace('- relu', '- re|lu'), rep);
    assert.ok(md.includes('Fused by onnxruntime with nodes of `layer1`'), md);
  });

  it('a static report says the layer was not measured; a layer after one that cannot build says why', () => {
    assert.ok(hover(NETWORK.replace('scope: merge', 'scope: me|rge'), networkReport(NETWORK, false)).includes('Not measured'));
    const broken = NETWORK.replace('conv: { out: 80, k: 2, s: 2 }', 'conv: { out: 80, k: 2, s: 2, groups: 3 }');
    assert.ok(hover(broken.replace('- conv: { out: 40', '- co|nv: { out: 40')).includes('| params | 2,000 |'));
    assert.ok(hover(broken.replace('classifier', 'classi|fier')).includes('Not built: the layer on line 7 has an error, so the layers from it on have no costs.'));
    // On the failing layer itself the hover does not repeat the error (VS Code shows the diagnostic above it).
    const own = hover(broken.replace('conv: { out: 80', 'co|nv: { out: 80'));
    assert.ok(own.includes("Not built: this layer's error is marked on its line."), own);
    assert.ok(!own.includes('divisible'), own);
  });

  it("the network's name shows the whole network's totals, and its latency once profiled", () => {
    const rep = networkReport(NETWORK, true);
    const md = hover(NETWORK.replace('my_pconv_net', 'my_pconv|_net'), rep);
    const totals = costGraph(buildNetwork(parseCell(NETWORK).cell as NetworkCell).graph).totals;
    assert.ok(md.includes(`| params | ${formatCount(totals.params)} |`), md);
    assert.ok(md.includes(`median **${rep.models[0].profile!.latency.median_ms.toFixed(3)} ms**`), md);
  });

  it('keys show their documentation', () => {
    assert.ok(hover('model: fasternet_t0\nresol|ution: 224\n').includes('**resolution**'));
  });
});

describe('editor inlay hints', () => {
  it('each layer line ends with its MAdds and params; the network line with the totals', () => {
    const hints = new CellAnalysis(NETWORK).inlayHints();
    const lines = NETWORK.split('\n');
    const byLine = new Map(hints.map((h) => [h.position.line, h]));
    assert.deepEqual([...byLine.keys()].sort((a, b) => a - b), [0, 3, 4, 6, 8]);
    for (const h of hints) assert.equal(h.position.character, lines[h.position.line].trimEnd().length);
    assert.equal(byLine.get(3)?.label, '6.02M MAdds · 2.00K params');
    assert.ok(byLine.get(3)?.tooltip.includes('2,000 params'));
  });

  it('once profiled, layer hints add the time and model lines the median latency', () => {
    const rep = networkReport(NETWORK, true);
    const hints = new CellAnalysis(NETWORK).inlayHints(rep);
    assert.ok(hints.every((h) => / · [\d.]+ (µs|ms)/.test(h.label)), JSON.stringify(hints));
    const { graph, published } = buildModelWithFigures('fasternet_t0');
    const m = modelReport(graph, published);
    const modelRep = report('model', 'fasternet_t0', [{ ...m, profile: fakeProfile(m) }]);
    const [hint] = new CellAnalysis('model: fasternet_t0   # comment\n').inlayHints(modelRep);
    assert.equal(hint.position.character, 'model: fasternet_t0   # comment'.length);
    assert.ok(hint.label.endsWith(` · ${modelRep.models[0].profile!.latency.median_ms.toFixed(2)} ms`), hint.label);
  });

  it('several models on one line each get their own hint, after the id', () => {
    const text = 'compare:\n  models: [fasternet_t0, mobilenet_v2_x1_0]\n';
    const hints = new CellAnalysis(text).inlayHints();
    assert.deepEqual(
      hints.map((h) => h.position.character),
      [text.split('\n')[1].indexOf(','), text.split('\n')[1].indexOf(']')],
    );
    assert.deepEqual(
      hints.map((h) => h.label),
      ['335.4M MAdds', '300.8M MAdds'],
      'a short label per id keeps a flow list readable',
    );
  });
});

describe('setting lcnb.headlineFlops in hovers and inlay hints', () => {
  const maddsRow = /^\| MAdds \(multiply-adds/;
  const flopsRow = /^\| FLOPs \(2 × MAdds/;
  const rows = (md: string) => md.split('\n').filter((l) => maddsRow.test(l) || flopsRow.test(l));

  it('madds: the MAdds row leads, in bold; FLOPs stays in the table', () => {
    const [text, offset] = cursor('model: faster|net_t0\n');
    const totals = costGraph(buildModelWithFigures('fasternet_t0').graph).totals;
    const [first, second] = rows(new CellAnalysis(text).hover(offset, undefined, 'madds')!.markdown);
    assert.match(first, maddsRow);
    assert.ok(first.includes(`**${formatCount(totals.madds)} (`), first);
    assert.match(second, flopsRow);
    assert.ok(second.includes(formatCount(totals.flops)) && !second.includes('**'), second);
  });

  it('flops: the FLOPs row leads, in bold, in model, network and layer hovers alike', () => {
    const totals = costGraph(buildModelWithFigures('fasternet_t0').graph).totals;
    const [text, offset] = cursor('model: faster|net_t0\n');
    const [first, second] = rows(new CellAnalysis(text).hover(offset, undefined, 'flops')!.markdown);
    assert.match(first, flopsRow);
    assert.ok(first.includes(`**${formatCount(totals.flops)} (`), first);
    assert.match(second, maddsRow);
    assert.ok(!second.includes('**'), second);
    const [net, at] = cursor(NETWORK.replace('my_pconv_net', 'my_pconv|_net'));
    assert.match(rows(new CellAnalysis(net).hover(at, undefined, 'flops')!.markdown)[0], flopsRow);
    const layer = new CellAnalysis(NETWORK).layerHover('merge', 3, 'conv', undefined, 'flops')!;
    const cost = layerCost(NETWORK, 'merge');
    assert.ok(rows(layer)[0].includes(`**${formatCount(cost.flops)} (`), layer);
  });

  it('inlay hints show MAdds or FLOPs as set; the tooltip keeps both', () => {
    const merge = layerCost(NETWORK, 'merge');
    const byLine = (h: 'madds' | 'flops') => new Map(new CellAnalysis(NETWORK).inlayHints(undefined, h).map((x) => [x.position.line, x]));
    const madds = byLine('madds').get(6)!;
    const flops = byLine('flops').get(6)!;
    assert.ok(madds.label.startsWith(`${formatSI(merge.madds)} MAdds · `), madds.label);
    assert.ok(flops.label.startsWith(`${formatSI(merge.flops)} FLOPs · `), flops.label);
    assert.equal(flops.tooltip, madds.tooltip);
    assert.ok(flops.tooltip.includes(formatCount(merge.madds)) && flops.tooltip.includes(formatCount(merge.flops)));
    const text = 'compare:\n  models: [fasternet_t0, mobilenet_v2_x1_0]\n';
    const short = new CellAnalysis(text).inlayHints(undefined, 'flops').map((h) => h.label);
    const flopsOf = (id: string) => formatSI(costGraph(buildModelWithFigures(id).graph).totals.flops);
    assert.deepEqual(short, [`${flopsOf('fasternet_t0')} FLOPs`, `${flopsOf('mobilenet_v2_x1_0')} FLOPs`]);
  });
});

describe('editor hovers: speed', () => {
  it('measures hover time with the cached build (target p95 < 30 ms, not asserted)', () => {
    const cache = new CellAnalysisCache();
    const offsets = [NETWORK.indexOf('conv'), NETWORK.indexOf('fasternet_block'), NETWORK.indexOf('merge'), NETWORK.indexOf('classifier')];
    const rep = networkReport(NETWORK, true);
    const times = (fresh: boolean) => {
      const out: number[] = [];
      for (let i = 0; i < 200; i++) {
        const start = performance.now();
        cache.get('cell', fresh ? i : 0, () => NETWORK).hover(offsets[i % offsets.length], rep);
        out.push(performance.now() - start);
      }
      return out.sort((a, b) => a - b);
    };
    const p95 = (t: number[]) => t[Math.floor(t.length * 0.95)].toFixed(2);
    const cold = times(true);
    const warm = times(false);
    const model = (id: string, fresh: boolean) => {
      const [text, offset] = cursor(`model: ${id}|\n`);
      const out: number[] = [];
      for (let i = 0; i < 40; i++) {
        const start = performance.now();
        cache.get(id, fresh ? i : 0, () => text).hover(offset);
        out.push(performance.now() - start);
      }
      return out.sort((a, b) => a - b);
    };
    const bigCold = model('fasternet_l', true);
    const bigWarm = model('fasternet_l', false);
    console.log(
      `hover p95 (ms): network layer line, new version each time ${p95(cold)}, same version ${p95(warm)}; ` +
        `fasternet_l id, new version each time ${p95(bigCold)}, same version ${p95(bigWarm)}`,
    );
  });
});

describe('hovers after a run with predict:', () => {
  it('a model id shows its predicted total per device; a layer line its fused layers\' predicted time and bound', async () => {
    const { executeCell } = await import('../../../src/run/execute');
    const modelCell = 'model: mobilenet_v2_x0_5\npredict: [pixel6-cpu, pixel8-edgetpu]\nprofile: false';
    const ran = await executeCell(modelCell, { provider: 'cpu', baseDir: __dirname });
    const p = ran.report.models[0].prediction!;
    const text = hover(`model: mobilenet_v2|_x0_5\npredict: [pixel6-cpu, pixel8-edgetpu]\nprofile: false`, ran.report);
    assert.match(text, /\*\*Predicted\*\* \(MobileNetV4's roofline, not measured\)/);
    for (const [i, d] of p.devices.entries()) assert.ok(text.includes(`- ${d.name}: **${p.total_ms[i].toFixed(2)} ms** (ridge point ${d.ridge.toFixed(1)} MAdds/byte)`), text);

    const net = 'network: n\ninput: [1, 3, 64, 64]\nlayers:\n  - conv: { out: 16, k: 3, s: 2 }\n  - dwconv: { k: 3 }\n  - classifier: { classes: 10 }\npredict: pixel6-cpu\nprofile: false';
    const netRun = await executeCell(net, { provider: 'cpu', baseDir: __dirname });
    const layerText = hover(net.replace('- dwconv', '- dw|conv'), netRun.report);
    const rows = netRun.report.models[0].prediction!.layers.filter((l) => l.ops[0] === 'Conv' && l.name.includes('2'));
    assert.match(layerText, /\*\*Predicted\*\*/);
    assert.match(layerText, /- .*Pixel 6.*: \*\*[\d.]+ µs\*\* \((compute|memory)-bound\)/);
    assert.ok(rows.length >= 0);
  });
});
