/**
 * Vega-lite specs of the report's charts. Pure: data in, spec out (tests compile them with
 * vega-lite); the webview embeds them with theme colours read from VS Code's CSS variables.
 * Field names in the data are fixed identifiers, never user text (a '.' in a field name is a path).
 */
import type { ModelProfile, ModelReport, ProfiledLayer, Report, SweepPoint } from './report-types';
import { base, bottomLegend, ChartEntry, ChartTheme, cycled, DEFAULT_THEME, settingsLine, VegaLiteSpec } from './chart-base';
import { paretoSpec } from './pareto';
import { splitRows } from './rows';
import { formatBytes } from '../../src/shared/format';
import { MODEL_PARTS, ModelPart, modelName } from '../../src/shared/models';
import { ReportedRoofs, reportedRoofs, ROOF_NAMES, roofOfLayer } from '../../src/shared/roofline';

/**
 * Colours of categories (ops, models, sweep series) fixed once per report, so one op or one model
 * has the same colour in every chart of the report; charts that show only some of them still use
 * the whole domain.
 */
export interface Palette {
  readonly ops: { readonly domain: readonly string[]; readonly range: readonly string[] };
}

/** The ops of every profiled model of the report, the most time first (they get the distinct colours). */
export function reportPalette(models: readonly ModelReport[], theme: ChartTheme = DEFAULT_THEME): Palette {
  const time = new Map<string, number>();
  for (const m of models) for (const l of m.profile?.layers ?? []) time.set(mainOp(l), (time.get(mainOp(l)) ?? 0) + l.median_us);
  const domain = [...time.keys()].sort((a, b) => time.get(b)! - time.get(a)! || a.localeCompare(b));
  return { ops: { domain, range: cycled(domain, theme.category) } };
}

/** Colour by op on the report's palette; the legend lists only the ops this chart shows. */
function opColour(palette: Palette, shown: readonly { op: string }[]): Record<string, unknown> {
  const present = new Set(shown.map((d) => d.op));
  const values = palette.ops.domain.filter((op) => present.has(op));
  return { field: 'op', type: 'nominal', title: 'op', scale: { domain: [...palette.ops.domain], range: [...palette.ops.range] }, legend: { ...bottomLegend('op', values), values } };
}

export const RUNTIME_OP = 'runtime only';

/** The op of the layer's main node (its conv or linear layer when it has one). */
export function mainOp(layer: ProfiledLayer): string {
  const i = layer.nodes.indexOf(layer.name);
  return layer.ops[i >= 0 ? i : 0] ?? RUNTIME_OP;
}

function layerDatum(layer: ProfiledLayer, order: number) {
  return {
    order,
    name: layer.name,
    op: mainOp(layer),
    ops: layer.ops.length ? layer.ops.join(' + ') : `${RUNTIME_OP} (${layer.runtime_nodes.join(', ')})`,
    fused: layer.fused ? 'yes' : 'no',
    median_us: layer.median_us,
    share_pct: 100 * layer.share,
    madds: layer.madds,
    flops: layer.flops,
    mac_bytes: layer.mac_bytes,
    gflops: layer.achieved_gflops,
    // A rate of work means nothing for an op that only moves data (Concat, Split, Reshape).
    gflops_text: layer.flops > 0 ? layer.achieved_gflops.toFixed(1) : '— (no FLOPs counted)',
    bound: layer.bound,
    roof: roofOfLayer(layer),
    bound_us: layer.bound_us,
    roofline_pct: 100 * layer.roofline_efficiency,
  };
}

const LAYER_TOOLTIP = [
  { field: 'name', title: 'layer' },
  { field: 'ops', title: 'ops' },
  { field: 'median_us', title: 'time (µs)', format: ',.1f' },
  { field: 'share_pct', title: 'share (%)', format: '.1f' },
  { field: 'madds', title: 'MAdds', format: ',d' },
  { field: 'gflops_text', title: 'achieved (GFLOP/s)' },
  { field: 'roof', title: 'roof that binds' },
  { field: 'roofline_pct', title: 'roofline (% of that roof)', format: '.0f' },
];

/** About a dozen evenly spaced layer numbers (1, 1 + k, …) for an axis of `count` layers. */
function orderTicks(count: number): number[] {
  const step = Math.max(1, Math.ceil(count / 12));
  return Array.from({ length: count }, (_, i) => i + 1).filter((n) => (n - 1) % step === 0);
}

/** Per-layer kernel time in execution order. */
export function latencyBarsSpec(model: ModelReport, theme: ChartTheme = DEFAULT_THEME, palette = reportPalette([model], theme)): VegaLiteSpec | undefined {
  const p = model.profile;
  if (!p || p.layers.length === 0) return undefined;
  const values = p.layers.map((l, i) => layerDatum(l, i + 1));
  return {
    ...base(theme, `${modelName(model)}: time per layer`, [
      settingsLine(model),
      "onnxruntime's kernels in execution order; a fused kernel's time covers every op in it",
    ]),
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      // Every layer's name would not fit under its bar: the axis numbers the layers, about a dozen labels.
      x: { field: 'order', type: 'ordinal', title: 'layer, in execution order (hover a bar for its name)', axis: { values: orderTicks(values.length), labelAngle: 0 } },
      y: { field: 'median_us', type: 'quantitative', title: 'median time (µs)' },
      color: opColour(palette, values),
      tooltip: LAYER_TOOLTIP,
    },
  };
}

/** A log axis with ticks and grid lines at powers of ten only, not at every 2…9 in between. */
export function logAxis(values: readonly number[], format?: string): Record<string, unknown> {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return {};
  const from = Math.floor(Math.log10(Math.min(...positive)));
  const to = Math.ceil(Math.log10(Math.max(...positive)));
  const ticks: number[] = [];
  for (let e = from; e <= to; e++) ticks.push(Number(`1e${e}`));
  return { values: ticks, ...(format ? { format } : {}) };
}

function logDomain(values: readonly number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return [lo / 2, hi * 2];
}

/** Colour of each roof: the compute roof in the roof colour, memory levels from the category colours; a fixed order in every chart. */
function roofColour(theme: ChartTheme, shown: readonly string[]): Record<string, unknown> {
  const range = ROOF_NAMES.map((r, i) => (i === 0 ? theme.roof : theme.category[(i - 1) % theme.category.length]));
  const present = ROOF_NAMES.filter((r) => shown.includes(r));
  return { field: 'roof', type: 'nominal', title: 'roof that binds', scale: { domain: [...ROOF_NAMES], range }, legend: { ...bottomLegend('roof that binds', present), values: present } };
}

/** "L1 ≤ 96.0 KiB, L2 ≤ 4.0 MiB, L3 ≤ 480.0 MiB, DRAM": which working sets each memory roof holds. */
function levelsText(roofs: ReportedRoofs): string {
  return roofs.memory.map((m) => (m.capacity_bytes !== undefined ? `${m.level} ≤ ${formatBytes(m.capacity_bytes)}` : m.level)).join(', ');
}

/**
 * MAdds against measured time per layer, with the compute roof (the fastest a layer of that many
 * MAdds can run at the compute roof) and each layer's own roofline bound, coloured by the roof
 * that binds it (memory roofs depend on bytes, not MAdds, so they are not lines here).
 */
export function maddsLatencySpec(model: ModelReport, theme: ChartTheme = DEFAULT_THEME): VegaLiteSpec | undefined {
  const p = model.profile;
  if (!p) return undefined;
  const points = p.layers.map((l, i) => layerDatum(l, i + 1)).filter((d) => d.madds > 0 && d.median_us > 0 && d.bound_us > 0);
  if (points.length === 0) return undefined;
  const roofs = reportedRoofs(p.peaks);
  const [lo, hi] = logDomain(points.map((d) => d.madds));
  const roofUs = (madds: number) => (2 * madds) / (roofs.compute_gflops * 1e3);
  const roof = [lo, hi].map((madds) => ({ madds, us: roofUs(madds) }));
  const left = p.layers.length - points.length;
  const x = { field: 'madds', type: 'quantitative', title: 'MAdds per layer (log)', scale: { type: 'log' }, axis: logAxis([lo, hi], '~s') };
  const yAxis = logAxis([...roof.map((r) => r.us), ...points.flatMap((d) => [d.bound_us, d.median_us])]);
  const bound = roofColour(theme, points.map((d) => d.roof));
  return {
    ...base(theme, `${modelName(model)}: MAdds vs time, on this machine's roofline`, [
      settingsLine(model),
      `dashed: compute roof, 2·MAdds at ${roofs.compute_gflops.toFixed(0)} GFLOP/s`,
      "hollow: each layer's bound under the roof that binds it (colour): compute, or the memory level that holds its bytes",
      ...(left > 0 ? [`${left} layer${left === 1 ? '' : 's'} without multiply-adds not shown`] : []),
    ]),
    layer: [
      {
        data: { values: roof },
        mark: { type: 'line', color: theme.roof, strokeDash: [6, 3], clip: true },
        encoding: { x: { ...x, field: 'madds' }, y: { field: 'us', type: 'quantitative', scale: { type: 'log' }, axis: yAxis, title: 'time (µs, log)' } },
      },
      {
        data: { values: points },
        layer: [
          { mark: { type: 'rule', opacity: 0.35 }, encoding: { x, y: { field: 'bound_us', type: 'quantitative' }, y2: { field: 'median_us' }, color: bound } },
          { mark: { type: 'point', filled: false, opacity: 0.6 }, encoding: { x, y: { field: 'bound_us', type: 'quantitative' }, color: bound, tooltip: LAYER_TOOLTIP } },
          { mark: { type: 'circle', size: 40, opacity: 0.9 }, encoding: { x, y: { field: 'median_us', type: 'quantitative' }, color: bound, tooltip: LAYER_TOOLTIP } },
        ],
      },
    ],
  };
}

/** Roofs whose bandwidths are this close share one label (their lines nearly coincide on a log axis). */
const SAME_ROOF = 1.3;

/**
 * The hierarchical roofline: arithmetic intensity against achieved GFLOP/s, under the compute roof
 * and one dashed roof per memory level (each labelled; a layer sits under the level that holds its bytes).
 */
export function rooflineSpec(model: ModelReport, theme: ChartTheme = DEFAULT_THEME, palette = reportPalette([model], theme)): VegaLiteSpec | undefined {
  const p: ModelProfile | undefined = model.profile;
  if (!p) return undefined;
  const points = p.layers
    .map((l, i) => ({ ...layerDatum(l, i + 1), intensity: l.mac_bytes > 0 ? l.flops / l.mac_bytes : 0 }))
    .filter((d) => d.intensity > 0 && d.gflops > 0);
  if (points.length === 0) return undefined;
  const roofs = reportedRoofs(p.peaks);
  const peak = roofs.compute_gflops;
  const memory = [...roofs.memory].sort((a, b) => b.gbs - a.gbs);
  const ridges = memory.map((m) => peak / m.gbs);
  // A decade left of the lowest point holds the memory roofs' labels, clear of the points.
  const [lo, hi] = logDomain([Math.min(...points.map((d) => d.intensity)) / 8, ...points.map((d) => d.intensity), ...ridges]);
  // Each memory roof rises from the left edge to its ridge, where the compute roof takes over.
  const lines = [
    { roof: 'compute', intensity: Math.min(...ridges), gflops: peak },
    { roof: 'compute', intensity: hi, gflops: peak },
    ...memory.flatMap((m, i) => [
      { roof: m.level, intensity: lo, gflops: m.gbs * lo },
      { roof: m.level, intensity: ridges[i], gflops: peak },
    ]),
  ];
  // Labels: the compute roof above its right end; memory roofs at the left edge, one label for roofs that nearly coincide.
  const groups: (typeof memory)[] = [];
  for (const m of memory) {
    const last = groups[groups.length - 1];
    if (last && last[0].gbs / m.gbs < SAME_ROOF) last.push(m);
    else groups.push([m]);
  }
  const gbsText = (v: number) => (v >= 10 ? v.toFixed(0) : v.toFixed(1));
  // "L1, L2 75 · L3 59 GB/s": levels of the same figure share it.
  const groupText = (g: typeof memory) => {
    const runs: { levels: string[]; text: string }[] = [];
    for (const m of g) {
      const last = runs[runs.length - 1];
      if (last && last.text === gbsText(m.gbs)) last.levels.push(m.level);
      else runs.push({ levels: [m.level], text: gbsText(m.gbs) });
    }
    return `${runs.map((r) => `${r.levels.join(', ')} ${r.text}`).join(' · ')} GB/s`;
  };
  const labels = [
    { intensity: hi, gflops: peak, text: `compute ${peak.toFixed(0)} GFLOP/s`, align: 'right' },
    // Under the lowest line of the group: the lines rise away from the text instead of through it.
    ...groups.map((g) => ({ intensity: lo, gflops: g[g.length - 1].gbs * lo, text: groupText(g), align: 'left' })),
  ];
  const labelLayer = (align: string) => ({
    data: { values: labels.filter((l) => l.align === align) },
    mark: { type: 'text', color: theme.muted, fontSize: 10, ...(align === 'left' ? { baseline: 'top', dy: 3 } : { baseline: 'bottom', dy: -3 }), align },
    encoding: { x, y: { field: 'gflops', type: 'quantitative' }, text: { field: 'text', type: 'nominal' } },
  });
  const x = { field: 'intensity', type: 'quantitative', title: 'arithmetic intensity (FLOPs / byte, log)', scale: { type: 'log' }, axis: logAxis([lo, hi]) };
  const yAxis = logAxis([...lines.map((r) => r.gflops), ...points.map((d) => d.gflops)]);
  return {
    ...base(theme, `${modelName(model)}: roofline`, [
      settingsLine(model),
      `roofs measured here: compute; memory ${levelsText(roofs)}`,
      'a layer is judged against the smallest level that holds its bytes (or compute); dot size: share of the time',
    ]),
    layer: [
      {
        data: { values: lines },
        mark: { type: 'line', color: theme.roof, strokeDash: [6, 3], strokeWidth: 1.2 },
        encoding: { x, y: { field: 'gflops', type: 'quantitative', scale: { type: 'log' }, axis: yAxis, title: 'achieved GFLOP/s (log)' }, detail: { field: 'roof', type: 'nominal' } },
      },
      labelLayer('right'),
      labelLayer('left'),
      {
        data: { values: points },
        mark: { type: 'circle', opacity: 0.85 },
        encoding: {
          x,
          y: { field: 'gflops', type: 'quantitative' },
          color: opColour(palette, points),
          // The subtitle says what the size means; a second legend would crowd the first.
          size: { field: 'share_pct', type: 'quantitative', title: 'share (%)', scale: { range: [15, 400] }, legend: null },
          tooltip: [...LAYER_TOOLTIP, { field: 'intensity', title: 'intensity (FLOPs/byte)', format: '.2f' }],
        },
      },
    ],
  };
}

type SettingValue = SweepPoint['settings'][string];

function settingText(v: SettingValue | undefined): string {
  if (v === undefined) return '—';
  return Array.isArray(v) ? v.join('×') : String(v);
}

/** The varied setting (the sweep's first axis) against MAdds or measured latency; other axes are series. */
export function sweepSpec(report: Report, y: 'madds' | 'latency', theme: ChartTheme = DEFAULT_THEME): VegaLiteSpec | undefined {
  const sweep = report.sweep;
  if (!sweep || sweep.points.length === 0 || sweep.axes.length === 0) return undefined;
  const [axis, ...rest] = sweep.axes;
  if (y === 'latency' && !sweep.points.some((p) => p.median_ms !== undefined)) return undefined;
  const numeric = sweep.points.every((p) => typeof p.settings[axis] === 'number');
  const seriesOf = (p: SweepPoint) => rest.map((a) => `${a}=${settingText(p.settings[a])}`).join(', ') || sweep.model;
  // Every series of the sweep in the domain, so a series has one colour in both sweep charts.
  const series = [...new Set(sweep.points.map(seriesOf))];
  const values = sweep.points
    .filter((p) => y === 'madds' || p.median_ms !== undefined)
    .map((p) => ({
      x: numeric ? p.settings[axis] : settingText(p.settings[axis]),
      series: seriesOf(p),
      madds_m: p.madds / 1e6,
      params_m: p.params / 1e6,
      mac_mib: p.mac_bytes / 2 ** 20,
      median_ms: p.median_ms,
    }));
  const x = numeric
    ? { field: 'x', type: 'quantitative', title: axis, scale: { zero: false } }
    : { field: 'x', type: 'ordinal', title: axis, sort: null };
  const yEnc =
    y === 'madds'
      ? { field: 'madds_m', type: 'quantitative', title: 'MAdds (millions, computed by lcnb)' }
      : { field: 'median_ms', type: 'quantitative', title: 'median latency (ms, measured here)' };
  const encoding: Record<string, unknown> = {
    x,
    y: yEnc,
    tooltip: [
      { field: 'x', title: axis },
      ...(rest.length ? [{ field: 'series', title: rest.join(', ') }] : []),
      { field: 'madds_m', title: 'MAdds (M)', format: ',.2f' },
      { field: 'params_m', title: 'params (M)', format: ',.3f' },
      { field: 'mac_mib', title: 'MAC (MiB)', format: ',.1f' },
      ...(y === 'latency' ? [{ field: 'median_ms', title: 'median (ms)', format: ',.3f' }] : []),
    ],
  };
  if (rest.length) encoding.color = { field: 'series', type: 'nominal', title: rest.join(', '), scale: { domain: series, range: cycled(series, theme.category) }, legend: bottomLegend(rest.join(', '), series) };
  return {
    ...base(theme, `${sweep.model}: ${axis} vs ${y === 'madds' ? 'MAdds' : 'latency'}`, y === 'madds' ? 'computed by lcnb' : 'median of timed runs on this machine'),
    data: { values },
    mark: { type: 'line', point: true, tooltip: true },
    encoding,
  };
}

const UNATTRIBUTED = 'in no part';
/** Backbone labels carry width and knobs ("mobilenet_v3_large_x1_0 (width 0.35)"): room for them. */
const SPLIT_LABEL_LIMIT = 260;

/**
 * One stacked bar per backbone: MAdds (computed) or measured time, split backbone / neck / head
 * (time also shows what falls in no part: inserted kernels and the gaps between kernels).
 */
export function splitSpec(report: Report, y: 'madds' | 'latency', theme: ChartTheme = DEFAULT_THEME): VegaLiteSpec | undefined {
  const h = report.headed;
  if (!h) return undefined;
  const rows = splitRows(report);
  if (y === 'latency' && !rows.some((r) => r.ms)) return undefined;
  const stack = y === 'madds' ? [...MODEL_PARTS] : [...MODEL_PARTS, UNATTRIBUTED];
  const values = rows.flatMap((r, row) => {
    if (y === 'latency' && !r.ms) return [];
    const total = y === 'madds' ? r.total.madds / 1e6 : stack.reduce((a, part) => a + (part === UNATTRIBUTED ? r.ms!.unattributed : r.ms![part as ModelPart]), 0);
    return stack.map((part, order) => {
      const v = y === 'madds' ? r.madds[part as ModelPart] / 1e6 : part === UNATTRIBUTED ? r.ms!.unattributed : r.ms![part as ModelPart];
      return { backbone: r.label, row, part, order, value: v, share_pct: total > 0 ? (100 * v) / total : 0, total };
    });
  });
  const unit = y === 'madds' ? 'MAdds (millions, computed by lcnb)' : 'time (ms, measured here)';
  const measured = report.models.find((m) => m.profile);
  const subtitle =
    y === 'madds'
      ? [`${h.head.title} at ${h.resolution}×${h.resolution}, ${h.classes} classes`, "split by the graph's top-level scopes"]
      : [
          rows.some((r) => r.corrected) ? "kernel medians less the profiler's own cost" : 'kernel medians in profiled runs',
          `${UNATTRIBUTED}: inserted kernels, gaps, run-to-run spread`,
          ...(measured ? [settingsLine(measured)] : []),
        ];
  return {
    ...base(theme, `${h.head.title}: ${y === 'madds' ? 'MAdds' : 'time'} per part, by backbone`, subtitle),
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      // Room reserved for the longest label: vega measures text in a canvas font the webview may not have.
      y: { field: 'backbone', type: 'nominal', title: null, sort: { field: 'row' }, axis: { labelLimit: SPLIT_LABEL_LIMIT, minExtent: Math.min(SPLIT_LABEL_LIMIT, Math.ceil(6.6 * Math.max(...rows.map((r) => r.label.length))) + 8) } },
      x: { field: 'value', type: 'quantitative', title: unit, stack: 'zero' },
      // The diagram's part colours; the time in no part in a neutral grey.
      color: { field: 'part', type: 'nominal', title: 'part', scale: { domain: stack, range: [theme.category[0], theme.category[4], theme.category[2], theme.muted].slice(0, stack.length) }, sort: stack, legend: bottomLegend('part', stack) },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [
        { field: 'backbone', title: 'backbone' },
        { field: 'part', title: 'part' },
        { field: 'value', title: y === 'madds' ? 'MAdds (M)' : 'time (ms)', format: y === 'madds' ? ',.1f' : ',.3f' },
        { field: 'share_pct', title: 'share (%)', format: '.1f' },
        { field: 'total', title: y === 'madds' ? 'total MAdds (M)' : 'profiled run (ms)', format: y === 'madds' ? ',.1f' : ',.3f' },
      ],
    },
  };
}

/** The ridge-point axis of the prediction chart, MAdds/byte: the grid the curves are computed on. */
const RIDGE_DOMAIN: [number, number] = [0.1, 500];

/**
 * MobileNetV4's figure: each model's predicted time across ridge points (peak MAdds/s ÷ bandwidth),
 * in multiply-adds at peak rate, one line per model; a dashed rule and label at the ridge point of
 * each device of `predict:`. A device's time is the curve's value there ÷ its peak rate.
 */
export function predictionSpec(report: Report, theme: ChartTheme = DEFAULT_THEME): VegaLiteSpec | undefined {
  const predicted = report.models.filter((m) => m.prediction && m.prediction.curves.length);
  if (predicted.length === 0) return undefined;
  const dtypes = new Set(predicted.flatMap((m) => m.prediction!.curves.map((c) => c.dtype)));
  // A model has one line per element width among the devices; the width is named only when there are several.
  const seriesOf = (m: ModelReport, dtype: string) => (dtypes.size > 1 ? `${modelName(m)} (${dtype})` : modelName(m));
  const values = predicted.flatMap((m) => m.prediction!.curves.flatMap((c) => c.points.map((p) => ({ series: seriesOf(m, c.dtype), ridge: p.ridge, gmadds: p.gmadds, dtype: c.dtype }))));
  const series = [...new Set(values.map((v) => v.series))];
  const devices = predicted[0].prediction!.devices.map((d, i) => ({ ridge: d.ridge, id: d.id, name: d.name, dtype: d.dtype, source: d.source, row: i % 3 }));
  const x = { field: 'ridge', type: 'quantitative', title: 'ridge point (MAdds/byte, log)', scale: { type: 'log', domain: RIDGE_DOMAIN }, axis: logAxis(RIDGE_DOMAIN) };
  const yAxis = logAxis(values.map((v) => v.gmadds));
  const shown = devices.filter((d) => d.ridge >= RIDGE_DOMAIN[0] && d.ridge <= RIDGE_DOMAIN[1]);
  return {
    ...base(theme, 'Predicted time across ridge points', [
      "MobileNetV4's roofline: Σ max(MAdds, bytes × ridge) per fused layer, in multiply-adds at peak rate; predicted, not measured",
      `dashed: the ridge points of ${devices.map((d) => d.id).join(', ')}; a device's time is the curve there ÷ its peak rate`,
      ...(shown.length < devices.length ? [`off the axis (${RIDGE_DOMAIN[0]}–${RIDGE_DOMAIN[1]} MAdds/byte): ${devices.filter((d) => !shown.includes(d)).map((d) => `${d.id} at ${d.ridge.toFixed(1)}`).join(', ')}`] : []),
    ]),
    layer: [
      {
        data: { values: shown },
        layer: [
          { mark: { type: 'rule', color: theme.muted, strokeDash: [4, 3] }, encoding: { x, tooltip: [{ field: 'name', title: 'device' }, { field: 'ridge', title: 'ridge point (MAdds/byte)', format: '.1f' }, { field: 'dtype', title: 'dtype' }, { field: 'source', title: 'source' }] } },
          // Labels in up to three rows at the top, so devices with close ridge points do not overprint.
          { mark: { type: 'text', color: theme.muted, fontSize: 10, align: 'left', baseline: 'top', dx: 3 }, encoding: { x, y: { field: 'row', type: 'quantitative', scale: { type: 'linear', domain: [0, 12], reverse: true }, axis: null, title: null }, text: { field: 'id', type: 'nominal' } } },
        ],
      },
      {
        data: { values },
        mark: { type: 'line', point: { size: 12 }, tooltip: true, clip: true },
        encoding: {
          x,
          y: { field: 'gmadds', type: 'quantitative', title: 'MAdds-equivalent at peak (G, log)', scale: { type: 'log' }, axis: yAxis },
          color: { field: 'series', type: 'nominal', title: 'model', scale: { domain: series, range: cycled(series, theme.category) }, legend: bottomLegend('model', series) },
          tooltip: [
            { field: 'series', title: 'model' },
            { field: 'ridge', title: 'ridge point (MAdds/byte)', format: '.1f' },
            { field: 'gmadds', title: 'MAdds-equivalent (G)', format: ',.3f' },
          ],
        },
      },
    ],
    resolve: { scale: { y: 'independent' } },
  };
}

/** Charts for one model: per-layer latency, MAdds vs latency and the roofline, when it was profiled. */
export function modelCharts(model: ModelReport, theme: ChartTheme = DEFAULT_THEME, palette = reportPalette([model], theme)): ChartEntry[] {
  const out: ChartEntry[] = [];
  const bars = latencyBarsSpec(model, theme, palette);
  if (bars) out.push({ kind: 'latency-bars', title: 'Time per layer', spec: bars });
  const scatter = maddsLatencySpec(model, theme);
  if (scatter) out.push({ kind: 'madds-latency', title: 'MAdds vs time', spec: scatter });
  const roof = rooflineSpec(model, theme, palette);
  if (roof) out.push({ kind: 'roofline', title: 'Roofline', spec: roof });
  return out;
}

/** Charts about the whole report: accuracy/cost for `compare`, the varied setting for `sweep`. */
export function reportCharts(report: Report, theme: ChartTheme = DEFAULT_THEME): ChartEntry[] {
  const out: ChartEntry[] = [];
  if (report.headed) {
    const madds = splitSpec(report, 'madds', theme);
    if (madds) out.push({ kind: 'split-madds', title: 'MAdds per part', spec: madds });
    const latency = splitSpec(report, 'latency', theme);
    if (latency) out.push({ kind: 'split-latency', title: 'Time per part', spec: latency });
  } else if (report.models.length > 1) {
    const latency = paretoSpec(report, 'latency', theme);
    if (latency) out.push({ kind: 'pareto-latency', title: 'Top-1 vs latency', spec: latency });
    const madds = paretoSpec(report, 'madds', theme);
    if (madds) out.push({ kind: 'pareto-madds', title: 'Top-1 vs MAdds', spec: madds });
  }
  const prediction = predictionSpec(report, theme);
  if (prediction) out.push({ kind: 'predicted-ridge', title: 'Predicted time across ridge points', spec: prediction });
  if (report.sweep) {
    const madds = sweepSpec(report, 'madds', theme);
    if (madds) out.push({ kind: 'sweep-madds', title: 'Sweep: MAdds', spec: madds });
    const latency = sweepSpec(report, 'latency', theme);
    if (latency) out.push({ kind: 'sweep-latency', title: 'Sweep: latency', spec: latency });
  }
  return out;
}
