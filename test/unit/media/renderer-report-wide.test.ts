/**
 * What holds across a whole report: legends below the plot with room for every label, one colour
 * per op, model and sweep series in every chart, Pareto labels only where they clear each other,
 * the compare caption and measurement notes, each published setting once under a split table,
 * the layer table's row count hint and no achieved rate for ops without FLOPs.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseHTML } from 'linkedom';
import { bottomLegend, ChartEntry } from '../../../media/report/chart-base';
import { modelCharts, reportCharts, reportPalette, sweepSpec } from '../../../media/report/charts';
import { paretoSpec } from '../../../media/report/pareto';
import type { SplitRow } from '../../../media/report/rows';
import type { PublishedFigure } from '../../../src/core/summary';
import type { ModelReport, Report } from '../../../src/run/reportTypes';
import { report } from '../../../src/run/buildReport';
import { compareReport, sweepReport, zooReport } from '../support/renderer-fixtures';

type Render = (element: unknown, value: unknown, options: { embedChart: (container: any, spec: Record<string, unknown>) => Promise<{ dispose(): void }> }) => { dispose(): void };
let view: { renderReport: Render; measurementNotes: (models: readonly ModelReport[], names?: readonly string[]) => string[]; publishedSettingsNotes: (rows: readonly SplitRow[]) => string[] };
before(async () => {
  // Loaded by path: view.ts is checked by media/tsconfig.json (DOM types), not by the Node test build.
  view = (await import(join(__dirname, '..', '..', '..', 'media', 'report', 'view.ts'))) as typeof view;
});

function render(value: unknown): { root: any; specs: Record<string, unknown>[] } {
  const { document } = parseHTML('<!doctype html><html><head></head><body><div id="out"></div></body></html>') as unknown as { document: any };
  const root = document.getElementById('out');
  const specs: Record<string, unknown>[] = [];
  view.renderReport(root, value, {
    embedChart: async (_container, spec) => {
      specs.push(spec);
      return { dispose: () => undefined };
    },
  });
  return { root, specs };
}

interface Channel {
  field?: string;
  scale?: { domain?: string[]; range?: string[] };
  legend?: { orient?: string; columns?: number; values?: string[] } | null;
}

/** Every colour (and size) channel of a spec, through its layers. */
function channels(spec: Record<string, unknown>, name: 'color' | 'size' | 'shape'): Channel[] {
  const own = (spec.encoding as Record<string, Channel> | undefined)?.[name];
  const layers = (spec.layer as Record<string, unknown>[] | undefined) ?? [];
  return [...(own ? [own] : []), ...layers.flatMap((l) => channels(l, name))];
}

/** value → colour of a channel's explicit scale. */
function colours(c: Channel): Map<string, string> {
  assert.ok(c.scale?.domain && c.scale.range, `the ${c.field} colour scale is fixed: ${JSON.stringify(c.scale)}`);
  assert.equal(c.scale.domain.length, c.scale.range.length);
  return new Map(c.scale.domain.map((v, i) => [v, c.scale!.range![i]]));
}

const profiledCompare = (): Report => compareReport(true);
const allCharts = (): ChartEntry[] => {
  const compare = profiledCompare();
  const palette = reportPalette(compare.models);
  return [...reportCharts(compare), ...compare.models.flatMap((m) => modelCharts(m, undefined, palette)), ...reportCharts(sweepReport(true))];
};

describe('renderer: legends never cut', () => {
  it('every categorical legend sits below its plot in columns its longest label fits', () => {
    let seen = 0;
    for (const chart of allCharts()) {
      for (const c of [...channels(chart.spec, 'color'), ...channels(chart.spec, 'shape')]) {
        if (c.legend === undefined && c.scale?.domain === undefined) continue;
        assert.ok(c.legend, `${chart.kind}: ${c.field} has a legend`);
        seen++;
        assert.equal(c.legend.orient, 'bottom', `${chart.kind}: ${c.field} legend below the plot`);
        const labels = c.legend.values ?? c.scale?.domain ?? [];
        const longest = Math.max(...labels.map((l) => l.length));
        // 7 px a character at the legend's 10 px font, 30 px for the symbol and gap, in 380 px.
        assert.ok(c.legend.columns === 1 || c.legend.columns! * (longest * 7 + 30) <= 380, `${chart.kind}: ${c.legend.columns} columns of "${longest}" characters`);
      }
    }
    assert.ok(seen >= 8, `legends checked: ${seen}`);
  });

  it('a legend of long labels gets one column; short labels share a row', () => {
    assert.equal(bottomLegend('op', ['GlobalAveragePool', 'BatchNormalization']).columns, 2);
    assert.equal(bottomLegend('model', ['mobilenet_v3_large_x1_0 (act: relu)', 'mobilenet_v3_large_x1_0 (se: false)']).columns, 1);
    assert.equal(bottomLegend('resolution', ['resolution=128', 'resolution=160', 'resolution=192', 'resolution=224']).columns, 2);
  });

  it("the roofline's dot size has no second legend (its subtitle says what size means)", () => {
    const roof = modelCharts(zooReport('mobilenet_v3_small_x1_0', { profiled: true })).find((c) => c.kind === 'roofline')!;
    for (const c of channels(roof.spec, 'size')) assert.equal(c.legend, null);
  });
});

describe('renderer: one colour per op, model and series in a report', () => {
  it('an op has the same colour in every chart of every model of a compare report', () => {
    const { specs } = render(profiledCompare());
    const opColour = new Map<string, Set<string>>();
    let charts = 0;
    for (const spec of specs) {
      for (const c of channels(spec, 'color').filter((c) => c.field === 'op')) {
        charts++;
        for (const [op, colour] of colours(c)) opColour.set(op, (opColour.get(op) ?? new Set()).add(colour));
      }
    }
    assert.ok(charts >= 10, `op-coloured charts: ${charts}`);
    assert.ok(opColour.has('Conv'));
    for (const [op, set] of opColour) assert.equal(set.size, 1, `${op} in ${[...set].join(', ')}`);
  });

  it("the legend lists only the ops the chart shows (the roofline leaves out ops without FLOPs)", () => {
    const [bars, , roof] = modelCharts(zooReport('shufflenet_v2_x1_0', { profiled: true }));
    const legendOf = (e: ChartEntry) => channels(e.spec, 'color').find((c) => c.field === 'op')!.legend!.values!;
    const shown = (e: ChartEntry) => new Set(((e.spec.data ?? (e.spec.layer as any[]).at(-1).data) as { values: { op: string }[] }).values.map((d) => d.op));
    assert.deepEqual(new Set(legendOf(bars)), shown(bars));
    assert.deepEqual(new Set(legendOf(roof)), shown(roof));
  });

  it('a model has one colour (and shape) in both Pareto charts', () => {
    const compare = profiledCompare();
    const [latency, madds] = [paretoSpec(compare, 'latency')!, paretoSpec(compare, 'madds')!];
    for (const name of ['color', 'shape'] as const) {
      const a = channels(latency, name).filter((c) => c.field === 'id');
      const b = channels(madds, name).filter((c) => c.field === 'id');
      assert.equal(a.length, 1);
      assert.deepEqual([...colours(a[0])], [...colours(b[0])]);
    }
  });

  it('a sweep series has one colour in the MAdds and latency charts, even with a point not measured', () => {
    const sweep = sweepReport(true);
    const points = sweep.sweep!.points.map((p, i) => (i === 0 ? { ...p, median_ms: undefined } : p));
    const partial = { ...sweep, sweep: { ...sweep.sweep!, points } };
    const [m, l] = [sweepSpec(partial, 'madds')!, sweepSpec(partial, 'latency')!];
    assert.deepEqual([...colours(channels(m, 'color')[0])], [...colours(channels(l, 'color')[0])]);
  });
});

describe('renderer: Pareto labels', () => {
  it('two models on the same spot: one label drawn, naming both', () => {
    const compare = compareReport(false);
    const [a, b] = compare.models;
    const twin = { ...b, summary: { ...b.summary, totals: a.summary.totals, published: a.summary.published } };
    const spec = paretoSpec({ ...compare, models: [a, twin, ...compare.models.slice(2)] }, 'madds')!;
    const values = (spec.data as { values: { id: string; labelled: boolean; label: string }[] }).values;
    const pair = values.filter((v) => v.id === a.summary.id || v.id === b.summary.id);
    assert.equal(pair.filter((v) => v.labelled).length, 1, JSON.stringify(pair));
    // The label drawn names both models: the other point's name is not dropped.
    const drawn = pair.find((v) => v.labelled)!;
    assert.equal(drawn.label, `${drawn.id} · ${pair.find((v) => !v.labelled)!.id}`);
    assert.ok(values.filter((v) => v.labelled).every((v) => v.label.startsWith(v.id)));
    const textLayers = (spec.layer as { mark: { type: string }; transform?: { filter: string }[] }[]).filter((l) => l.mark.type === 'text');
    assert.ok(textLayers.every((l) => l.transform?.[0].filter.startsWith('datum.labelled')));
  });
});

describe('renderer: what the compare report says', () => {
  it('the caption says latency was measured only when it was', () => {
    const caption = (r: Report) => render(r).root.querySelector('table.lcnb-compare-table caption').textContent as string;
    assert.match(caption(compareReport(true)), /latency measured here/);
    assert.doesNotMatch(caption(compareReport(false)), /measured here/);
    assert.match(caption(compareReport(false)), /not measured/);
  });

  it("each model's measurement notes, each note once with the models it applies to", () => {
    const compare = compareReport(true);
    const BUSY = 'Other work was running: the load average was 3.10 on 2 cores when this measurement started.';
    const SPREAD = 'The runs varied widely: p90 2.000 ms is 2.0× p10 1.000 ms; the median is less certain than usual.';
    const models = compare.models.map((m, i) => ({ ...m, profile: { ...m.profile!, notes: i < 2 ? [BUSY] : i === 2 ? [SPREAD] : [] } }));
    const names = compare.models.map((m) => m.summary.id);
    assert.deepEqual(view.measurementNotes(models), [`${names[0]}, ${names[1]}: ${BUSY}`, `${names[2]}: ${SPREAD}`]);
    const everyone = models.map((m) => ({ ...m, profile: { ...m.profile!, notes: [BUSY] } }));
    assert.deepEqual(view.measurementNotes(everyone), [`All models: ${BUSY}`]);
    const { root } = render({ ...compare, models });
    const shown = [...root.querySelectorAll('.lcnb-compare .lcnb-notes li')].map((li: any) => li.textContent);
    assert.deepEqual(shown, view.measurementNotes(models));
    assert.equal(view.measurementNotes(compareReport(false).models).length, 0);
  });

  it('notes that differ only in their numbers are one note with the ranges', () => {
    const compare = compareReport(true);
    const busy = (load: string) => `Other work was running: the load average was ${load} on 2 cores when this measurement started.`;
    const models = compare.models.slice(0, 3).map((m, i) => ({ ...m, profile: { ...m.profile!, notes: i < 2 ? [busy(['3.52', '3.48'][i])] : [] } }));
    assert.deepEqual(view.measurementNotes(models, ['a', 'b', 'c']), [`a, b: ${busy('3.48–3.52')}`]);
  });
});

describe('renderer: published settings under a split table', () => {
  const SHARED = 'hardware, input size and output stride not stated (other latencies: Xeon; 10 threads)';
  const BACKBONE = "the paper's MobileNetV3 is PaddleSeg's";
  const fig = (metric: string, value: number, settings?: string): PublishedFigure => ({ metric, value, source: 'PP-LCNet docs', ...(settings ? { settings } : {}) }) as PublishedFigure;
  const row = (label: string, mnv3: boolean): SplitRow =>
    ({
      label,
      accuracy: fig('miou', 60, mnv3 ? BACKBONE : undefined),
      published_latencies: [fig('latency_ms', 100, mnv3 ? `${SHARED}; ${BACKBONE}` : SHARED)],
    }) as unknown as SplitRow;

  it('a clause shared by several figures is said once; one about some backbones names them', () => {
    const notes = view.publishedSettingsNotes([row('mobilenet_v3_large_x1_0 (width 0.5)', true), row('pplcnet_x0_5', false), row('mobilenet_v3_large_x0_75', true), row('pplcnet_x1_0', false)]);
    assert.deepEqual(notes, [
      `Published Latency: ${SHARED}`,
      `Published mIoU and Latency for mobilenet_v3_large_x1_0 (width 0.5) and mobilenet_v3_large_x0_75: ${BACKBONE}`,
    ]);
    assert.equal(notes.filter((n) => n.includes('not stated')).length, 1);
  });
});

describe('renderer: the layer table', () => {
  it('says how many rows its scroll box holds', () => {
    const { root } = render(report('model', 'm', [zooReport('mobilenet_v3_small_x1_0', { profiled: true })]));
    const rows = root.querySelectorAll('table.lcnb-layers tbody tr').length;
    assert.ok(rows > 100);
    assert.equal(root.querySelector('.lcnb-scroll-hint').textContent, `${rows} rows — scroll the table for the rest`);
  });

  it('an op without FLOPs shows no achieved rate, and says why on hover', () => {
    const { root } = render(report('model', 'm', [zooReport('shufflenet_v2_x1_0', { profiled: true })]));
    const table = root.querySelector('table.lcnb-layers');
    const heads = [...table.querySelectorAll('thead th')].map((th: any) => th.textContent);
    const col = heads.indexOf('Achieved (GFLOP/s)');
    const flopsCol = heads.indexOf('FLOPs (count)');
    const timeCol = heads.indexOf('Time (µs)');
    const zero = [...table.querySelectorAll('tbody tr')].filter((tr: any) => tr.children[flopsCol].textContent === '0' && /^\d/.test(tr.children[timeCol].textContent));
    assert.ok(zero.length > 0, 'a measured op without FLOPs (a Concat, a Reshape)');
    for (const tr of zero as any[]) {
      assert.equal(tr.children[col].textContent, '—');
      assert.match(tr.children[col].title, /No FLOPs counted/);
    }
  });
});

describe('renderer: chart tooltips', () => {
  it('an op without FLOPs has no achieved rate in the tooltip, and says why', () => {
    const [bars] = modelCharts(zooReport('shufflenet_v2_x1_0', { profiled: true }));
    const values = (bars.spec.data as { values: { flops: number; gflops_text: string }[] }).values;
    const zero = values.filter((v) => v.flops === 0);
    assert.ok(zero.length > 0);
    for (const v of zero) assert.equal(v.gflops_text, '— (no FLOPs counted)');
    assert.ok(values.filter((v) => v.flops > 0).every((v) => /^\d+\.\d$/.test(v.gflops_text)));
  });
});
