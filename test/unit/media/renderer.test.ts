/**
 * The notebook renderer's pure parts: vega-lite specs of every chart kind compile without warnings
 * and draw in vega; the diagram of real zoo graphs is laid out with every box placed and stages
 * that collapse and expand; table rows join layers with their measured times; bad reports fail
 * with the path of the bad field.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DEFAULT_THEME, wrapLine } from '../../../media/report/chart-base';
import { logAxis, modelCharts, reportCharts } from '../../../media/report/charts';
import { paretoFront, paretoSpec, placeLabels } from '../../../media/report/pareto';
import { COLLAPSE_ABOVE, DiagramLayout, defaultCollapsed, diagramModel, groupsOf, heatLevel, HEAT_LEVELS, layoutDiagram } from '../../../media/report/layout';
import { layerRows, RUNTIME_ONLY, stageRows } from '../../../media/report/rows';
import { sortRows } from '../../../media/shared/columns';
import { checkReport, ReportError } from '../../../media/report/validate';
import { report } from '../../../src/run/buildReport';
import { compileAndDraw } from '../support/charts';
import { compareReport, legacyProfile, sweepReport, zooReport } from '../support/renderer-fixtures';

describe('renderer charts (vega-lite)', () => {
  const profiled = zooReport('mobilenet_v3_small_x1_0', { profiled: true });

  it('a profiled model has per-layer latency bars, MAdds vs latency on the roofline, and the roofline; all compile and draw', async () => {
    const charts = modelCharts(profiled);
    assert.deepEqual(
      charts.map((c) => c.kind),
      ['latency-bars', 'madds-latency', 'roofline'],
    );
    for (const chart of charts) {
      const svgText = await compileAndDraw(chart);
      assert.match(svgText, /^<svg/);
      assert.ok(svgText.includes('<path') || svgText.includes('<rect'), `${chart.kind} draws marks`);
    }
  });

  it('the bars carry one datum per profiled layer, and the roof lines come from profile.peaks', () => {
    const [bars, scatter, roof] = modelCharts(profiled);
    const p = profiled.profile!;
    const barData = (bars.spec.data as { values: { op: string; ops: string }[] }).values;
    assert.equal(barData.length, p.layers.length);
    assert.deepEqual(barData[0], { ...barData[0], op: 'runtime only', ops: 'runtime only (ReorderInput)' });
    const scatterRoof = (scatter.spec.layer as { data: { values: { madds: number; us: number }[] } }[])[0].data.values;
    for (const point of scatterRoof) assert.ok(Math.abs(point.us - (2 * point.madds) / (p.peaks.compute_gflops! * 1e3)) < 1e-9);
    const roofline = (roof.spec.layer as { data: { values: { roof: string; intensity: number; gflops: number }[] } }[])[0].data.values;
    assert.equal(Math.max(...roofline.map((r) => r.gflops)), p.peaks.compute_gflops);
    // One dashed line per memory level, each meeting the compute roof at its ridge point.
    assert.deepEqual([...new Set(roofline.map((r) => r.roof))].sort(), ['DRAM', 'L1', 'L2', 'L3', 'compute']);
    for (const m of p.peaks.roofs!) {
      const ridge = roofline.filter((r) => r.roof === m.level)[1];
      assert.ok(Math.abs(ridge.intensity - p.peaks.compute_gflops! / m.gbs) < 1e-9);
      assert.equal(ridge.gflops, p.peaks.compute_gflops);
    }
    // Labelled: compute, and each memory roof (L1 and L2 share a bandwidth here, so one label).
    const labels = (roof.spec.layer as { data: { values: { text: string }[] } }[]).slice(1, 3).flatMap((l) => l.data.values.map((v) => v.text));
    assert.deepEqual(labels, ['compute 400 GFLOP/s', 'L1, L2 75 GB/s', 'L3 55 GB/s', 'DRAM 40 GB/s']);
    // The MAdds chart colours each layer by the roof that binds it.
    const scatterPoints = (scatter.spec.layer as { data: { values: { roof: string }[] } }[])[1].data.values;
    assert.ok(new Set(scatterPoints.map((d) => d.roof)).size > 1);
  });

  it('a report saved before cache roofs still draws: GEMM peak as the compute roof, one DRAM roof', async () => {
    const old = { ...profiled, profile: legacyProfile(profiled.profile!) };
    const charts = modelCharts(old);
    for (const chart of charts) assert.match(await compileAndDraw(chart), /^<svg/);
    const roof = charts.find((c) => c.kind === 'roofline')!;
    const lines = (roof.spec.layer as { data: { values: { roof: string; gflops: number }[] } }[])[0].data.values;
    assert.deepEqual([...new Set(lines.map((r) => r.roof))], ['compute', 'DRAM']);
    assert.equal(Math.max(...lines.map((r) => r.gflops)), old.profile.peaks.gemm_gflops);
    assert.doesNotThrow(() => checkReport(report('model', 'm', [old])));
  });

  it('legend labels are not cut: a long op name such as GlobalAveragePool fits', () => {
    const [bars] = modelCharts(profiled);
    const legend = (bars.spec.config as { legend: { labelLimit: number } }).legend;
    assert.ok(legend.labelLimit >= 'BatchNormalization'.length * 9);
  });

  it('an unprofiled model has no latency charts', () => {
    assert.deepEqual(modelCharts(zooReport('squeezenet1_1')), []);
  });

  it('compare: top-1 vs measured latency and top-1 vs MAdds when measured, only top-1 vs MAdds without', async () => {
    const measured = reportCharts(compareReport(true));
    assert.deepEqual(
      measured.map((c) => c.kind),
      ['pareto-latency', 'pareto-madds'],
    );
    const unmeasured = reportCharts(compareReport(false));
    assert.deepEqual(
      unmeasured.map((c) => c.kind),
      ['pareto-madds'],
    );
    for (const chart of [...measured, ...unmeasured]) {
      const svgText = await compileAndDraw(chart);
      assert.ok(svgText.includes('mobilenet_v3_small_x1_0'), `${chart.kind} labels the points with model ids`);
    }
  });

  it('log axes tick at powers of ten only', () => {
    assert.deepEqual(logAxis([0.03, 420]), { values: [0.01, 0.1, 1, 10, 100, 1000] });
    assert.deepEqual(logAxis([5, 8e6], '~s'), { values: [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7], format: '~s' });
  });

  it('the Pareto front keeps the models nothing beats on both axes', () => {
    const front = paretoFront([
      { x: 1, top1: 60 },
      { x: 2, top1: 70 },
      { x: 3, top1: 65 },
      { x: 4, top1: 75 },
    ]);
    assert.deepEqual(
      front.map((p) => p.x),
      [1, 2, 4],
    );
  });

  it('top-1 vs latency: the axis spans the medians, a long p90 is cut at its edge and kept in the tooltip', () => {
    const base = compareReport(true);
    const first = base.models[0];
    const slow = { ...first.profile!.latency, p90_ms: first.profile!.latency.median_ms * 50 };
    const r = { ...base, models: [{ ...first, profile: { ...first.profile!, latency: slow } }, ...base.models.slice(1)] };
    const spec = paretoSpec(r, 'latency')!;
    const values = (spec.data as { values: { id: string; x: number; hi: number; hiClip: number; pos: string }[] }).values;
    const layers = spec.layer as { mark: { type: string }; encoding: { x: { scale: { domain: [number, number] } } } }[];
    const [, hiDomain] = layers[0].encoding.x.scale.domain;
    assert.ok(hiDomain < 2 * Math.max(...values.map((v) => v.x)), 'the domain follows the medians');
    const cut = values.find((v) => v.id === r.models[0].summary.id)!;
    assert.equal(cut.hi, slow.p90_ms);
    assert.equal(cut.hiClip, hiDomain);
    assert.ok(values.every((v) => v.pos), 'every point has a label position');
    const subtitle = (spec.title as { subtitle: string[] }).subtitle;
    assert.ok(subtitle.every((line) => line.length <= 52), subtitle.join(' | '));
  });

  it('point labels go where they overlap neither each other nor the Pareto line', () => {
    const points = [
      { id: 'alpha_model', x: 1, top1: 70 },
      { id: 'beta_model', x: 1.05, top1: 70.2 },
      { id: 'gamma_model', x: 3, top1: 76 },
    ];
    const pos = placeLabels(points, [points[0], points[1], points[2]], [0.5, 3.5], [68, 78]);
    assert.notEqual(pos[0], pos[1], 'two close points get different sides');
    assert.ok(['nw', 'sw', 'w', 's'].includes(pos[2]), `the rightmost label stays inside the plot (${pos[2]})`);
    assert.deepEqual(wrapLine('one two three four', 9), ['one two', 'three', 'four']);
  });

  it('sweep: the varied setting vs MAdds, and vs latency when the sweep was profiled', async () => {
    assert.deepEqual(
      reportCharts(sweepReport(false)).map((c) => c.kind),
      ['sweep-madds'],
    );
    const charts = reportCharts(sweepReport(true));
    assert.deepEqual(
      charts.map((c) => c.kind),
      ['sweep-madds', 'sweep-latency'],
    );
    for (const chart of charts) await compileAndDraw(chart);
    const values = (charts[0].spec.data as { values: { x: unknown; series: string }[] }).values;
    assert.deepEqual(values[0], { ...values[0], x: 0.5, series: 'resolution=160×160' });
  });

  it('charts take the theme colours they are given', () => {
    const theme = { ...DEFAULT_THEME, foreground: '#123456', roof: '#abcdef' };
    const [, scatter] = modelCharts(profiled, theme);
    const config = scatter.spec.config as { title: { color: string } };
    assert.equal(config.title.color, '#123456');
    assert.match(JSON.stringify(scatter.spec.layer), /#abcdef/);
  });
});

function assertPlaced(layout: DiagramLayout): void {
  assert.ok(layout.width > 0 && layout.height > 0);
  for (const b of layout.boxes) {
    for (const v of [b.x, b.y, b.width, b.height]) assert.ok(Number.isFinite(v), `${b.id} has a position`);
    assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= layout.width + 1 && b.y + b.height <= layout.height + 1, `${b.id} lies inside the drawing`);
  }
  for (const e of layout.edges) {
    assert.ok(e.points.length >= 2, `edge ${e.from} → ${e.to} is routed`);
    for (const p of e.points) assert.ok(Number.isFinite(p.x) && Number.isFinite(p.y));
  }
  for (const c of layout.clusters) assert.ok(Number.isFinite(c.x) && c.width > 0 && c.height > 0, `cluster ${c.group} is placed`);
}

describe('renderer diagram layout (dagre)', () => {
  const model = zooReport('mobilenet_v3_small_x1_0');
  const data = diagramModel(model);
  const ops = model.graph.nodes.length;

  it(`a ${ops}-op model opens with every stage collapsed into one box with its op count and cost`, () => {
    assert.ok(ops > COLLAPSE_ABOVE);
    const collapsed = defaultCollapsed(data);
    const layout = layoutDiagram(data, collapsed, 'madds');
    assertPlaced(layout);
    const groups = layout.boxes.filter((b) => b.kind === 'group');
    assert.deepEqual(
      groups.map((b) => b.group),
      model.summary.scopes.map((s) => s.scope),
    );
    for (const box of groups) {
      const scope = model.summary.scopes.find((s) => s.scope === box.group)!;
      assert.ok(box.lines.includes(`${scope.layers} ops`), `${box.group} shows its op count`);
      assert.equal(box.value, scope.madds, `${box.group} carries its MAdds`);
    }
    assert.equal(layout.boxes.filter((b) => b.kind === 'op').length, 0);
    assert.deepEqual(layout.clusters, []);
    assert.equal(layout.boxes.filter((b) => b.kind === 'input').length, 1);
    assert.equal(layout.boxes.filter((b) => b.kind === 'output').length, 1);
    assert.ok(layout.height < 1500, 'the collapsed diagram stays readable');
  });

  it('fully expanded, every op is a positioned box and every stage and block a cluster, with shapes on the edges', () => {
    const layout = layoutDiagram(data, new Set(), 'madds');
    assertPlaced(layout);
    const opBoxes = layout.boxes.filter((b) => b.kind === 'op');
    assert.equal(opBoxes.length, ops);
    assert.deepEqual(new Set(opBoxes.map((b) => b.id)), new Set(model.graph.nodes.map((n) => `op:${n.name}`)));
    assert.deepEqual(new Set(layout.clusters.map((c) => c.group)), new Set(data.groups.keys()));
    const shapes = model.graph.shapes;
    for (const e of layout.edges) assert.equal(e.label, shapes[e.tensor].join('×'));
    const stem = layout.edges.find((e) => e.from === 'input:input');
    assert.equal(stem?.label, '1×3×224×224');
    // Clusters enclose their ops and their label, which sits above everything in them.
    for (const c of layout.clusters) {
      assert.ok(c.labelAt.x > c.x && c.labelAt.x < c.x + c.width && c.labelAt.y > c.y && c.labelAt.y < c.y + c.height, `${c.group} label inside`);
      const top = Math.min(...opBoxes.filter((b) => groupsOf(model.graph.nodes.find((n) => `op:${n.name}` === b.id)!.scope).includes(c.group)).map((b) => b.y));
      assert.ok(c.labelAt.y < top, `${c.group} label above its ops`);
      for (const node of model.graph.nodes.filter((n) => groupsOf(n.scope).includes(c.group))) {
        const b = opBoxes.find((o) => o.id === `op:${node.name}`)!;
        assert.ok(b.x >= c.x - 1 && b.x + b.width <= c.x + c.width + 1 && b.y >= c.y - 1 && b.y + b.height <= c.y + c.height + 1, `${node.name} inside ${c.group}`);
      }
    }
  });

  it('expanding one stage shows its blocks collapsed inside a cluster, the rest stay collapsed', () => {
    const collapsed = defaultCollapsed(data);
    collapsed.delete('stage3');
    const layout = layoutDiagram(data, collapsed, 'madds');
    assertPlaced(layout);
    assert.deepEqual(
      layout.clusters.map((c) => c.group),
      ['stage3'],
    );
    const blocks = layout.boxes.filter((b) => b.group?.startsWith('stage3.'));
    assert.ok(blocks.length >= 2);
    const total = blocks.reduce((a, b) => a + (b.value ?? 0), 0);
    assert.equal(total, model.summary.scopes.find((s) => s.scope === 'stage3')!.madds);
    assert.ok(layout.boxes.some((b) => b.group === 'stage4'));
  });

  it('edges between collapsed stages are kept once per tensor and never loop', () => {
    const layout = layoutDiagram(data, defaultCollapsed(data), 'mac');
    const keys = layout.edges.map((e) => `${e.from}>${e.to}>${e.tensor}`);
    assert.equal(new Set(keys).size, keys.length);
    assert.ok(layout.edges.every((e) => e.from !== e.to));
    assert.equal(layout.edges.length, layout.boxes.length - 1, 'a chain of stages');
  });

  it('colours by latency when profiled (each fused kernel counted once per stage), and falls back to MAdds when not', () => {
    const profiled = zooReport('mobilenet_v3_small_x1_0', { profiled: true });
    const pdata = diagramModel(profiled);
    const layout = layoutDiagram(pdata, defaultCollapsed(pdata), 'latency');
    const sum = layout.boxes.reduce((a, b) => a + (b.value ?? 0), 0);
    const total = profiled.profile!.layers.filter((l) => l.nodes.length > 0).reduce((a, l) => a + l.median_us, 0);
    assert.ok(Math.abs(sum - total) < 1e-6 * total);
    assert.ok(layout.boxes.some((b) => b.heat === HEAT_LEVELS - 1));
    const unprofiled = layoutDiagram(data, defaultCollapsed(data), 'latency');
    assert.ok(unprofiled.boxes.some((b) => b.lines.some((l) => l.endsWith('MAdds'))));
  });

  it('a fused op names the op it was fused into, without its time or heat; the time is counted once', () => {
    const profiled = zooReport('mobilenet_v3_small_x1_0', { profiled: true });
    const pdata = diagramModel(profiled);
    const layout = layoutDiagram(pdata, new Set(), 'latency');
    const fused = layout.boxes.filter((b) => b.fusedInto !== undefined);
    assert.ok(fused.length > 0);
    for (const b of fused) {
      assert.match(b.lines[b.lines.length - 1], /^fused into \S+$/);
      assert.equal(b.value, undefined);
      assert.equal(b.heat, -1);
      assert.ok(layout.boxes.some((o) => o.id === `op:${b.fusedInto}` && (o.value ?? 0) > 0), `${b.id} points at a timed box`);
    }
    assert.ok(!layout.boxes.some((b) => b.lines.some((l) => /^fused, /.test(l))));
    const sum = layout.boxes.reduce((a, b) => a + (b.value ?? 0), 0);
    const total = profiled.profile!.layers.filter((l) => l.nodes.length > 0).reduce((a, l) => a + l.median_us, 0);
    assert.ok(Math.abs(sum - total) < 1e-6 * total, 'expanded, each kernel is still counted once');
    assert.ok(layoutDiagram(pdata, new Set(), 'madds').boxes.every((b) => b.fusedInto === undefined), 'only the latency view marks fused ops');
  });

  it('heat levels: zero stays blank, the costliest box is hottest, small costs stay visible', () => {
    assert.equal(heatLevel(0, 10), 0);
    assert.equal(heatLevel(undefined, 10), 0);
    assert.equal(heatLevel(10, 10), HEAT_LEVELS - 1);
    assert.equal(heatLevel(0.001, 10), 1);
  });

  for (const id of ['ghostnet_x1_0', 'shufflenet_v2_x1_0', 'squeezenet1_0', 'fasternet_t0']) {
    it(`${id}: collapsed and expanded layouts place every box`, () => {
      const m = diagramModel(zooReport(id));
      assertPlaced(layoutDiagram(m, defaultCollapsed(m), 'madds'));
      const expanded = layoutDiagram(m, new Set(), 'params');
      assertPlaced(expanded);
      assert.equal(expanded.boxes.filter((b) => b.kind === 'op').length, m.ops.length);
    });
  }
});

describe('renderer rows', () => {
  it('layer rows carry the measured time of their own kernel, fused ops point at the kernel covering them', () => {
    const model = zooReport('mobilenet_v3_small_x1_0', { profiled: true });
    const rows = layerRows(model);
    assert.equal(rows.length, model.summary.layers.length);
    const conv = rows.find((r) => r.name === 'stem.conv')!;
    const bn = rows.find((r) => r.name === 'stem.bn')!;
    assert.equal(conv.timing?.kind, 'measured');
    assert.equal(bn.timing?.kind, 'fused');
    assert.equal(bn.timing?.kind === 'fused' && bn.timing.layer.name, 'stem.conv');
  });

  it('stage rows sum the kernel time of their layers to the whole, kernels the runtime added in a row of their own', () => {
    const model = zooReport('mobilenet_v3_small_x1_0', { profiled: true });
    const stages = stageRows(model);
    assert.deepEqual(stages[stages.length - 1], { ...stages[stages.length - 1], scope: RUNTIME_ONLY, layers: 0, median_us: 10 });
    const total = model.profile!.layers.reduce((a, l) => a + l.median_us, 0);
    assert.ok(Math.abs(stages.reduce((a, s) => a + (s.median_us ?? 0), 0) - total) < 1e-6 * total);
    assert.ok(Math.abs(stages.reduce((a, s) => a + (s.time_share ?? 0), 0) - 1) < 1e-9);
    assert.ok(Math.abs(stages.reduce((a, s) => a + s.madds_share, 0) - 1) < 1e-9);
    assert.ok(stageRows(zooReport('squeezenet1_1')).every((s) => s.median_us === undefined));
  });

  it('sorting: numbers as numbers, missing values last either way', () => {
    const rows = [{ v: 10 }, { v: undefined }, { v: 9 }, { v: 100 }];
    assert.deepEqual(
      sortRows(rows, (r) => r.v, true).map((r) => r.v),
      [100, 10, 9, undefined],
    );
    assert.deepEqual(
      sortRows(rows, (r) => r.v, false).map((r) => r.v),
      [9, 10, 100, undefined],
    );
  });
});

describe('renderer report check', () => {
  it('accepts the reports cells produce', () => {
    for (const r of [compareReport(true), sweepReport(true), report('model', 'm', [zooReport('pplcnet_x1_0')])]) {
      const json = JSON.parse(JSON.stringify(r));
      assert.equal(checkReport(json), json);
    }
  });

  it('names the missing or mistyped field', () => {
    const good = JSON.parse(JSON.stringify(report('model', 'm', [zooReport('squeezenet1_1')])));
    const cases: [(r: any) => void, string][] = [
      [(r) => (r.version = 2), 'report.version'],
      [(r) => (r.verb = 'train'), 'report.verb: expected one of model, network, compare, profile, sweep, export, detect, segment, got string "train"'],
      [(r) => delete r.models[0].summary.totals.madds, 'report.models[0].summary.totals.madds: expected a number, got nothing'],
      [(r) => (r.models[0].summary.layers[3].name = 7), 'report.models[0].summary.layers[3].name: expected a string, got number 7'],
      [(r) => (r.models[0].graph.nodes = {}), 'report.models[0].graph.nodes: expected an array, got an object'],
    ];
    for (const [spoil, message] of cases) {
      const r = JSON.parse(JSON.stringify(good));
      spoil(r);
      assert.throws(
        () => checkReport(r),
        (e: unknown) => e instanceof ReportError && e.message.startsWith(message),
        message,
      );
    }
    assert.throws(() => checkReport(null), /report: expected an object, got null/);
  });
});

describe('diagram: repeated layers folded', () => {
  it('ten identical convs of a network cell are one box ×10 that opens into the ten', async () => {
    const { executeCell } = await import('../../../src/run/execute');
    const lines = Array.from({ length: 10 }, () => '  - conv: { out: 16, k: 3 }').join('\n');
    const { report: rep } = await executeCell(`network: ten\ninput: [1, 16, 32, 32]\nlayers:\n  - conv: { out: 16, k: 1 }\n${lines}\n  - classifier: { classes: 10 }`, { provider: 'cpu', baseDir: __dirname });
    const data = diagramModel(rep.models[0]);
    assert.deepEqual([...data.folds.values()], ['layer2 … layer11 ×10']);
    const closed = layoutDiagram(data, defaultCollapsed(data), 'madds');
    const fold = closed.boxes.find((b) => b.kind === 'group' && data.folds.has(b.group ?? ''));
    assert.ok(fold, 'the run is one group box');
    assert.equal(fold.lines[0], '▸ layer2 … layer11 ×10');
    const perLayer = rep.models[0].summary.layers.filter((l) => /^layer([2-9]|1[01])\b/.test(l.scope)).reduce((a, l) => a + l.madds, 0);
    assert.equal(fold.value, perLayer, 'the box carries the ten layers’ MAdds');
    const open = layoutDiagram(data, new Set(), 'madds');
    assert.ok(open.height > 3 * closed.height, `open ${open.height} px, folded ${closed.height} px`);
    assert.ok(open.clusters.some((c) => c.label.startsWith('▾ layer2 … layer11 ×10')), 'opened, the run is a cluster around its layers');
    // Two identical layers are not a run worth folding; different layers never fold.
    const two = await executeCell('network: two\ninput: [1, 16, 32, 32]\nlayers:\n  - conv: { out: 16, k: 3 }\n  - conv: { out: 16, k: 3 }\n  - conv: { out: 32, k: 3 }', { provider: 'cpu', baseDir: __dirname });
    assert.equal(diagramModel(two.report.models[0]).folds.size, 0);
  });
});
