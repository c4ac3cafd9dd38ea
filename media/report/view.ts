/**
 * A report as DOM: comparison or sweep first, then each model with totals, published figures,
 * measurements, charts, the architecture diagram, stages and layers. Text only through
 * textContent: model and layer names come from user files.
 */
import type { ModelPart, ModelReport, PredictedLayerRow, Report } from './report-types';
import { DEFAULT_HEADLINE, Headline } from '../../src/shared/measureSettings';
import { formatBytes, formatCount, formatSI } from '../../src/shared/format';
import { reportedRoofs, roofExplanation, roofOfLayer } from '../../src/shared/roofline';
import { isolatedAgreementText, isolatedDifference } from '../../src/shared/isolated';
import { MODEL_PARTS, modelName } from '../../src/shared/models';
import { ChartEmbedder, ChartSet } from './chart-view';
import { claimsList } from './claims';
import { ChartTheme, DEFAULT_THEME } from './chart-base';
import { Palette, modelCharts, reportCharts, reportPalette } from './charts';
import { diagramView } from './diagram-view';
import { Disposable, el, section } from '../shared/dom';
import { CompareRow, LayerRow, RUNTIME_ONLY, SplitRow, StageRow, TOP_LEVEL, compareRows, layerRows, measuredWith, percent, publishedLabel, relativeText, runtimeOnly, shapeText, splitRows, stageRows } from './rows';
import { Column } from '../shared/columns';
import { RowAction, keyValueTable, sortableTable } from '../shared/table';
import { ReportError, checkReport } from './validate';

export interface RenderOptions {
  readonly embedChart: ChartEmbedder;
  readonly theme?: ChartTheme;
  /** Which count a one-number headline shows (setting lcnb.headlineFlops); MAdds unless told. */
  readonly headline?: Headline;
  /** A click on a layer row (of the report's `model`-th model) shows where it came from; rows are plain without it. */
  readonly revealLayer?: { readonly title: string; run(model: number, row: LayerRow): void };
  /** Offers a button in the report's header that opens the report in an editor tab. */
  readonly openInTab?: () => void;
}

const HEADLINE_CLASS = 'lcnb-headline-count';

/**
 * A one-number headline count that can switch between MAdds and FLOPs after rendering: both
 * counts ride on the element, so a changed setting needs no re-render (open sections and sort
 * orders stay as the reader left them).
 */
function headlineCount(doc: Document, totals: { madds: number; flops: number }, headline: Headline): HTMLSpanElement {
  const span = el(doc, 'span', undefined, HEADLINE_CLASS);
  span.dataset.madds = String(totals.madds);
  span.dataset.flops = String(totals.flops);
  showHeadline(span, headline);
  return span;
}

function showHeadline(span: HTMLElement, headline: Headline): void {
  const flops = headline === 'flops';
  span.textContent = `${formatSI(Number(flops ? span.dataset.flops : span.dataset.madds))} ${flops ? 'FLOPs' : 'MAdds'}`;
  span.title = flops ? 'FLOPs: 2 × MAdds for conv and linear layers plus elementwise work (setting lcnb.headlineFlops)' : 'MAdds: multiply-adds, what the papers call "FLOPs" (setting lcnb.headlineFlops)';
}

/** Switches every headline count under `root` to `headline`. */
export function setHeadline(root: ParentNode, headline: Headline): void {
  root.querySelectorAll<HTMLElement>(`.${HEADLINE_CLASS}`).forEach((span) => showHeadline(span, headline));
}

const fixed = (digits: number) => (v: number | undefined) => (v === undefined ? '—' : v.toFixed(digits));

/** A horizontal scroller around a wide table, so its right-hand columns stay reachable in the output area. */
export function scrollX(doc: Document, table: HTMLTableElement): HTMLElement {
  const box = el(doc, 'div', undefined, 'lcnb-scroll-x');
  box.append(table);
  return box;
}

export function totalsTable(doc: Document, model: ModelReport): HTMLTableElement {
  const t = model.summary.totals;
  const bytes = model.summary.bytes_per_element;
  const rows = [{ ...t }];
  const columns: Column<typeof t>[] = [
    { header: 'Params (count)', title: 'Trainable parameters of the training graph (BatchNorm γ/β counted)', value: (r) => r.params },
    { header: 'MAdds (multiply-adds)', title: 'Multiply-adds: what the papers call "FLOPs"', value: (r) => r.madds, text: (r) => `${formatCount(r.madds)} (${formatSI(r.madds)})` },
    { header: 'FLOPs (2×MAdds + elementwise)', title: '2 × MAdds for conv and linear layers, plus the elementwise work of each op', value: (r) => r.flops, text: (r) => `${formatCount(r.flops)} (${formatSI(r.flops)})` },
    { header: 'MAC (elements)', title: 'Memory access cost: input + output activations + weights of each op (ShuffleNetV2)', value: (r) => r.mac_elements },
    { header: model.summary.bytes_rule ? 'MAC (bytes, each tensor at its type)' : `MAC (bytes, ${bytes} B/element)`, value: (r) => r.mac_bytes, text: (r) => formatBytes(r.mac_bytes) },
    { header: 'Intensity (FLOPs/byte)', value: (r) => r.intensity, text: (r) => r.intensity.toFixed(2) },
  ];
  return sortableTable(doc, rows, columns, `Totals, computed by lcnb for input ${shapeText(model.summary.input)}`, 'lcnb-table lcnb-totals');
}

function publishedBlock(doc: Document, model: ModelReport): HTMLElement | undefined {
  const figures = model.summary.published;
  if (figures.length === 0) return undefined;
  const box = el(doc, 'div', undefined, 'lcnb-published');
  box.append(el(doc, 'h4', 'Published figures — reported by the papers, not computed by lcnb'));
  const computed = (metric: string) =>
    metric === 'params' ? formatSI(model.summary.totals.params) : metric === 'madds' ? formatSI(model.summary.totals.madds) : '';
  const columns: Column<(typeof figures)[number]>[] = [
    { header: 'Metric', value: (p) => publishedLabel(p).metric },
    { header: 'Published value', value: (p) => p.value, text: (p) => publishedLabel(p).value },
    { header: 'lcnb computes', title: 'The same quantity computed here, for comparison', value: (p) => computed(p.metric) || undefined, text: (p) => computed(p.metric) || '—' },
    { header: 'Source', value: (p) => p.source },
    { header: 'Measured on', value: (p) => p.settings, text: (p) => p.settings ?? '—' },
    ...(figures.some((p) => p.note) ? [{ header: 'Note', title: "Why the figure differs from the reference implementation's count, or which variant an ablation row measured", value: (p: (typeof figures)[number]) => p.note, text: (p: (typeof figures)[number]) => p.note ?? '—' }] : []),
  ];
  box.append(scrollX(doc, sortableTable(doc, figures, columns, `${figures.length} figure${figures.length === 1 ? '' : 's'} from the literature`, 'lcnb-table lcnb-published-table')));
  return box;
}

/** "389 GFLOP/s compute · L1 75 GB/s (≤ 96.0 KiB) · … · DRAM 27.9 GB/s"; older reports: GEMM peak and DRAM. */
function roofsText(peaks: NonNullable<ModelReport['profile']>['peaks']): string {
  const roofs = reportedRoofs(peaks);
  const memory = roofs.memory.map((m) => `${m.level} ${m.gbs.toFixed(1)} GB/s${m.capacity_bytes !== undefined ? ` (≤ ${formatBytes(m.capacity_bytes)})` : ''}`);
  const compute = peaks.compute_gflops !== undefined ? `${roofs.compute_gflops.toFixed(1)} GFLOP/s compute` : `${peaks.gemm_gflops.toFixed(1)} GFLOP/s (GEMM)`;
  return `${[compute, ...memory].join(' · ')}${peaks.cached ? ' (cached)' : ''}`;
}

export function measuredBlock(doc: Document, model: ModelReport): HTMLElement | undefined {
  const p = model.profile;
  if (!p) return undefined;
  const s = p.settings;
  const box = el(doc, 'div', undefined, 'lcnb-measured');
  box.append(el(doc, 'h4', 'Measured on this machine'));
  const headline = el(doc, 'p', undefined, 'lcnb-headline');
  headline.append(
    el(doc, 'strong', `${p.latency.median_ms.toFixed(3)} ms`),
    doc.createTextNode(` median latency (p10 ${p.latency.p10_ms.toFixed(3)} ms, p90 ${p.latency.p90_ms.toFixed(3)} ms) — `),
    el(doc, 'span', measuredWith(model), 'lcnb-settings'),
  );
  box.append(headline);
  const rows: [string, string, string?][] = [
    ['Provider', s.providerUsed === s.providerRequested ? s.providerUsed : `${s.providerUsed} (asked for ${s.providerRequested}${s.fallbackReason ? `: ${s.fallbackReason}` : ''})`],
    ['Threads', `${s.threads} intra-op, ${s.interOpThreads} inter-op, ${s.executionMode}`],
    ['Graph optimisation', s.optimization],
    ['Warm-up + timed runs', `${s.warmup} + ${s.runs}`, 'Warm-up runs are discarded; latency is the median of the timed runs with the profiler off'],
    ['Input', `${shapeText(p.input)} — ${s.inputFill}`],
    ['Achieved (GFLOP/s)', p.achieved_gflops.toFixed(1), 'FLOPs / median latency'],
    ['Coverage', `${percent(p.coverage)} of onnxruntime's run time is in the per-layer rows`, 'The rest is spent between kernels, in the executor and in the profiler itself'],
    [
      'Profiler cost',
      `profiled median ${p.latency.profiled_median_ms.toFixed(3)} ms = ${p.latency.profiled_vs_unprofiled.toFixed(2)}× the unprofiled median${p.latency.in_turn_median_ms !== undefined ? ` in turn (${p.latency.in_turn_median_ms.toFixed(3)} ms)` : ''}`,
      'The profiled and unprofiled sessions ran in turn, round by round, so the two compare like with like',
    ],
    ...(p.protocol ? ([['How it was timed', p.protocol]] as [string, string][]) : []),
    ['Machine roofs', roofsText(p.peaks), p.peaks.method],
    ['What ran', p.graph_form],
    ['onnxruntime', s.onnxruntimeVersion],
  ];
  box.append(keyValueTable(doc, rows, 'Measurement settings'));
  const notes = [...p.notes, ...(p.uncovered.length ? [`Not covered by any runtime kernel: ${p.uncovered.join(', ')}`] : [])];
  if (notes.length) box.append(list(doc, notes, 'lcnb-notes'));
  return box;
}

function list(doc: Document, items: readonly string[], className?: string): HTMLUListElement {
  const ul = el(doc, 'ul', undefined, className);
  for (const item of items) ul.append(el(doc, 'li', item));
  return ul;
}

export function stageTable(doc: Document, model: ModelReport): HTMLTableElement {
  const rows = stageRows(model);
  const columns: Column<StageRow>[] = [
    { header: 'Stage', value: (r) => r.scope || TOP_LEVEL, cellTitle: (r) => (r.scope === RUNTIME_ONLY ? 'Kernels onnxruntime added (layout reorders) that cover no op of the graph' : r.scope) },
    { header: 'Ops (count)', value: (r) => r.layers },
    { header: 'Params (count)', value: (r) => r.params },
    { header: 'MAdds (count)', value: (r) => r.madds },
    { header: 'MAdds share (%)', value: (r) => r.madds_share, text: (r) => percent(r.madds_share) },
    { header: 'FLOPs (count)', value: (r) => r.flops },
    { header: 'MAC (bytes)', value: (r) => r.mac_bytes, text: (r) => formatBytes(r.mac_bytes) },
  ];
  if (model.profile) {
    columns.push(
      { header: 'Time (µs)', title: 'Summed kernel time of the layers whose main op is in the stage', value: (r) => r.median_us, text: (r) => fixed(1)(r.median_us) },
      { header: 'Time share (%)', value: (r) => r.time_share, text: (r) => (r.time_share === undefined ? '—' : percent(r.time_share)) },
    );
  }
  return sortableTable(doc, rows, columns, 'Per stage (first scope level)', 'lcnb-table lcnb-stages');
}

export function layerTable(doc: Document, model: ModelReport, rowAction?: RowAction<LayerRow>): HTMLTableElement {
  const rows = layerRows(model);
  const measured = (r: LayerRow) => (r.timing?.kind === 'measured' ? r.timing.layer : undefined);
  const timeText = (r: LayerRow) => {
    const t = r.timing;
    if (!t) return '—';
    if (t.kind === 'uncovered') return 'not run';
    if (t.kind === 'fused') {
      const at = rowOf.get(t.layer.name);
      return at === undefined ? `in ${t.layer.name}` : `in #${at}`;
    }
    return t.layer.median_us.toFixed(1);
  };
  // A fused op points at the row that has its kernel's time by number, which keeps the column narrow.
  const rowOf = new Map(rows.map((r) => [r.name, r.index + 1]));
  const timeTitle = (r: LayerRow) => (r.timing?.kind === 'fused' ? `Fused into ${r.timing.layer.name}: that kernel's time covers this op` : r.timing?.kind === 'uncovered' ? 'No runtime kernel ran this op (onnxruntime removed or folded it)' : '');
  // No break before the arrow: a wrapped shape reads "in →" over "out".
  const shapes = (r: LayerRow) => `${r.inputs.map(shapeText).join(', ')}\u00a0→ ${shapeText(r.output)}`;
  // Counts in SI form ("5.42M") keep four columns narrow; the exact count is the cell's hover (and in the CSV export).
  const count = (header: string, title: string, unit: string, of: (r: LayerRow) => number, more?: (r: LayerRow) => string): Column<LayerRow> => ({
    header,
    title: `${title}; hover a cell for the exact ${unit === 'bytes' ? 'number' : 'count'}`,
    value: of,
    text: (r) => formatSI(of(r)),
    cellTitle: (r) => `${formatCount(of(r))} ${unit}${more ? `\n${more(r)}` : ''}`,
  });
  const counted: Column<LayerRow>[] = [
    { header: 'Shape (in → out)', title: 'Input shape(s) → output shape', value: shapes, wrapAfter: '→,' },
    count('Params (count)', 'Trainable parameters (BatchNorm γ/β counted)', 'params', (r) => r.params),
    count('MAdds (count)', 'Multiply-adds, what the papers call "FLOPs"', 'MAdds', (r) => r.madds),
    count('FLOPs (count)', "2 × MAdds for conv and linear layers plus elementwise work, by the op's counting rule", 'FLOPs', (r) => r.flops, (r) => r.flops_rule),
    count('MAC (bytes)', 'Memory access cost: input + output activations + weights (ShuffleNetV2)', 'bytes', (r) => r.mac_bytes),
    { header: 'Intensity (FLOP/B)', title: 'Arithmetic intensity: FLOPs per byte of memory access cost', value: (r) => r.intensity, text: (r) => r.intensity.toFixed(2) },
  ];
  // Measured: the time beside the name, where the eye starts; what it is compared with at the end.
  // A share sorts as its time does, and the bound follows from the roofline: each rides below its column's value.
  const timed: Column<LayerRow>[] = model.profile
    ? [
        {
          header: 'Time (µs)',
          title: "Median kernel time, its share of the summed per-layer time below; a fused op names the row whose kernel covers it",
          value: (r) => measured(r)?.median_us,
          text: timeText,
          detail: (r) => (measured(r) ? percent(measured(r)!.share) : undefined),
          cellTitle: timeTitle,
        },
        // The cross-check, when it was run: each layer timed alone as its own small graph.
        ...(model.profile.layers.some((l) => l.isolated_us !== undefined)
          ? [
              {
                header: 'Isolated (µs)',
                title: "The layer timed alone as its own small graph, without the profiler (less a run() call's fixed cost); below it, its difference from the profiled time less the profiler. Hover a cell where they disagree for which to trust",
                value: (r: LayerRow) => measured(r)?.isolated_us,
                text: (r: LayerRow) => fixed(1)(measured(r)?.isolated_us),
                detail: (r: LayerRow) => (measured(r) ? isolatedDifference(measured(r)!) : undefined),
                cellTitle: (r: LayerRow) => measured(r)?.isolated_note ?? '',
              },
            ]
          : []),
      ]
    : [];
  const judged: Column<LayerRow>[] = model.profile
    ? [
        {
          header: 'Achieved (GFLOP/s)',
          title: "FLOPs / measured time (FasterNet's measure); — where the op has no FLOPs counted",
          value: (r) => (r.flops > 0 ? measured(r)?.achieved_gflops : undefined),
          text: (r) => (measured(r) && r.flops === 0 ? '—' : fixed(1)(measured(r)?.achieved_gflops)),
          cellTitle: (r) => (measured(r) && r.flops === 0 ? `No FLOPs counted for ${r.op}: it moves data, so a rate of work does not apply` : ''),
        },
        {
          header: 'Roofline (%)',
          title:
            "Time the roofline allows / measured time, against the roof named below it: compute (peak FLOP/s), or the bandwidth of the smallest memory level that holds the op's MAC bytes (L1, L2, L3 or DRAM); hover a cell for the numbers",
          value: (r) => measured(r)?.roofline_efficiency,
          text: (r) => (measured(r) ? percent(measured(r)!.roofline_efficiency, 0) : '—'),
          detail: (r) => (measured(r) ? `${roofOfLayer(measured(r)!)} roof` : undefined),
          cellTitle: (r) => (measured(r) && model.profile ? roofExplanation(measured(r)!, reportedRoofs(model.profile.peaks), formatBytes) : ''),
        },
      ]
    : [];
  const columns: Column<LayerRow>[] = [
    { header: '#', value: (r) => r.index + 1 },
    { header: 'Layer (op)', title: "The layer's name, its ONNX op below", value: (r) => r.name, wrapAfter: '/.', detail: (r) => r.op },
    ...timed,
    ...predictedColumn(model, rowOf),
    ...counted,
    ...judged,
  ];
  const caption = `Per layer: ${rows.length} ops (click a header to sort${rowAction ? `, a row: ${rowAction.title.toLowerCase()}` : ''})`;
  return sortableTable(doc, rows, columns, caption, 'lcnb-table lcnb-layers', rowAction);
}

/**
 * The layer table's predicted time on the first device of `predict:` (none without one): at each
 * fused layer's first node, with what binds it on hover; a node fused into another points at that row.
 */
function predictedColumn(model: ModelReport, rowOf: ReadonlyMap<string, number>): Column<LayerRow>[] {
  const p = model.prediction;
  const device = p?.devices[0];
  if (!p || !device) return [];
  const byNode = new Map<string, { layer: PredictedLayerRow; own: boolean }>();
  for (const layer of p.layers) for (const node of layer.nodes) byNode.set(node, { layer, own: node === layer.name });
  const at = (r: LayerRow) => byNode.get(r.name);
  const us = (r: LayerRow) => (at(r)?.own ? at(r)!.layer.us[0] : undefined);
  return [
    {
      header: `Predicted (µs, ${device.id})`,
      title: `Predicted on ${device.name} with MobileNetV4's roofline (ridge point ${device.ridge.toFixed(1)} MAdds/byte, ${device.dtype}), not measured: max(MAdds / peak, bytes / bandwidth) per fused layer; a fused op names the row whose layer covers it. ${device.source}`,
      value: us,
      text: (r) => {
        const a = at(r);
        if (!a) return '—';
        if (a.own) return a.layer.us[0].toFixed(1);
        const row = rowOf.get(a.layer.name);
        return row === undefined ? `in ${a.layer.name}` : `in #${row}`;
      },
      cellTitle: (r) => {
        const a = at(r);
        if (!a) return 'Not predicted: a view that moves no data, or an op without a cost rule';
        if (!a.own) return `Fused into ${a.layer.name}: its predicted time covers this op`;
        return `${a.layer.bound[0]}-bound on ${device.name}${a.layer.nodes.length > 1 ? ` (with ${a.layer.ops.slice(1).join(' + ')} fused in)` : ''}`;
      },
    },
  ];
}

/** Rows = models, columns = the devices of `predict:` (ms); none when no model has a prediction. */
function predictionTable(doc: Document, report: Report): HTMLElement | undefined {
  const devices = report.models.find((m) => m.prediction)?.prediction?.devices;
  if (!devices?.length) return undefined;
  const rows = report.models.map((m, i) => ({ model: m, i }));
  const total = (r: (typeof rows)[number], id: string) => {
    const p = r.model.prediction;
    const k = p ? p.devices.findIndex((d) => d.id === id) : -1;
    return k >= 0 ? p!.total_ms[k] : undefined;
  };
  const columns: Column<(typeof rows)[number]>[] = [
    { header: 'Model', value: (r) => modelName(r.model) },
    ...devices.map(
      (d): Column<(typeof rows)[number]> => ({
        group: 'Predicted latency (ms)',
        header: d.id,
        title: `${d.name}: ridge point ${d.ridge.toFixed(1)} MAdds/byte, ${d.dtype} (float tensors counted at its width). Source: ${d.source}`,
        value: (r) => total(r, d.id),
        text: (r) => fixed(3)(total(r, d.id)),
      }),
    ),
  ];
  const box = el(doc, 'div', undefined, 'lcnb-predicted');
  box.append(scrollX(doc, sortableTable(doc, rows, columns, "Predicted latency: MobileNetV4's roofline on each device, predicted from its peak rate and bandwidth, not measured", 'lcnb-table lcnb-predicted-table')));
  const foot = devices.map((d) => `${d.id}: ${d.name}, ${d.dtype}, ridge point ${d.ridge.toFixed(1)} MAdds/byte — ${d.source}`);
  for (const m of report.models) if (m.prediction?.uncounted.length) foot.push(`${modelName(m)}: not predicted (no cost rule, not in the totals): ${m.prediction.uncounted.join(', ')}`);
  box.append(list(doc, foot, 'lcnb-footnotes'));
  return box;
}

function modelSection(doc: Document, model: ModelReport, charts: ChartSet, theme: ChartTheme, palette: Palette, headline: Headline, open: boolean, title = modelName(model), rowAction?: RowAction<LayerRow>): HTMLElement {
  const { details, body } = section(doc, title, open, 'lcnb-model');
  details.dataset.model = model.summary.id;
  const summaryLine = details.querySelector('summary')!;
  const line = el(doc, 'span', ` — ${formatSI(model.summary.totals.params)} params · `, 'lcnb-muted');
  line.append(headlineCount(doc, model.summary.totals, headline));
  if (model.profile) line.append(doc.createTextNode(` · ${model.profile.latency.median_ms.toFixed(3)} ms measured`));
  summaryLine.append(line);
  body.append(scrollX(doc, totalsTable(doc, model)));
  const pub = publishedBlock(doc, model);
  if (pub) body.append(pub);
  const measured = measuredBlock(doc, model);
  if (measured) body.append(measured);
  if (model.summary.uncounted.length) {
    const box = el(doc, 'div', undefined, 'lcnb-uncounted');
    box.append(el(doc, 'h4', `Uncounted ops (${model.summary.uncounted.length}): no cost rule, not in the totals`));
    box.append(list(doc, model.summary.uncounted.map((u) => `${u.name} (${u.op})`)));
    body.append(box);
  }
  const chartEntries = modelCharts(model, theme, palette);
  if (chartEntries.length) {
    const { details: chartDetails, body: chartBody } = section(doc, 'Charts', true, 'lcnb-model-charts');
    charts.add(chartBody, chartEntries);
    body.append(chartDetails);
  }
  const { details: diagram, body: diagramBody } = section(doc, 'Architecture', true, 'lcnb-architecture');
  diagramBody.append(diagramView(doc, model));
  body.append(diagram);
  const { details: stages, body: stagesBody } = section(doc, 'Stages', true, 'lcnb-stages-section');
  stagesBody.append(scrollX(doc, stageTable(doc, model)));
  body.append(stages);
  const { details: layers, body: layersBody } = section(doc, 'Layers', true, 'lcnb-layers-section');
  const scroller = el(doc, 'div', undefined, 'lcnb-scroll');
  const table = layerTable(doc, model, rowAction);
  scroller.append(table);
  layersBody.append(scroller);
  // The box shows a screenful of rows; say there are more, or a reader takes the first few for all.
  const count = layerRows(model).length;
  if (count > LAYER_ROWS_IN_VIEW) layersBody.append(el(doc, 'p', `${count} rows — scroll the table for the rest`, 'lcnb-muted lcnb-scroll-hint'));
  const extra = runtimeOnly(model);
  if (extra.length) {
    const line = el(doc, 'p', runtimeOnlyText(extra), 'lcnb-muted lcnb-runtime-only');
    line.title = extra.map((l) => `${l.runtime_nodes.join(' + ')}: ${l.median_us.toFixed(1)} µs`).join('\n');
    layersBody.append(line);
  }
  if (model.profile?.isolated) layersBody.append(el(doc, 'p', isolatedAgreementText(model.profile.isolated), 'lcnb-muted lcnb-isolated'));
  body.append(layers);
  return details;
}

/** About how many layer rows the 420 px scroll box shows at once. */
const LAYER_ROWS_IN_VIEW = 10;

/** A runtime kernel's kind: its node name without onnxruntime's `_token_<n>` suffix. */
function runtimeKind(name: string): string {
  return name.replace(/_token_\d+$/, '');
}

/**
 * One line for the kernels onnxruntime added that cover no op of the graph: counted and summed
 * by kind (layout reorders together), not listed one by one; the list is the line's tooltip.
 */
export function runtimeOnlyText(extra: readonly { runtime_nodes: readonly string[]; median_us: number; share: number }[]): string {
  const groups = new Map<string, { count: number; us: number }>();
  for (const l of extra) {
    const kinds = [...new Set(l.runtime_nodes.map(runtimeKind))];
    const key = kinds.every((k) => /^Reorder(Input|Output)$/.test(k)) ? 'reorder' : kinds.join(' + ');
    const g = groups.get(key) ?? { count: 0, us: 0 };
    g.count++;
    g.us += l.median_us;
    groups.set(key, g);
  }
  const us = extra.reduce((a, l) => a + l.median_us, 0);
  const share = extra.reduce((a, l) => a + l.share, 0);
  const name = (key: string, n: number) => {
    const plural = n === 1 ? '' : 's';
    return key === 'reorder' ? `layout reorder${plural}` : key ? `${key} kernel${plural}` : `kernel${plural}`;
  };
  const parts = [...groups].map(([key, g]) => `${g.count} ${name(key, g.count)}`);
  const detail = groups.size > 1 ? ` (${[...groups].map(([key, g]) => `${name(key, 2)} ${g.us.toFixed(1)} µs`).join(', ')})` : '';
  return `Also measured: ${parts.join(', ')} onnxruntime inserted: ${us.toFixed(1)} µs in total${detail}, ${percent(share)} of the per-layer time. They cover no op of lcnb's graph; hover for the list.`;
}

const NUMBER = /\d+(?:\.\d+)?/g;

/**
 * One text for notes that differ only in their numbers (a load average, a spread measured per
 * model): each number that differs becomes the range of the notes' values.
 */
function mergeNumbers(texts: readonly string[]): string {
  const numbers = texts.map((t) => t.match(NUMBER) ?? []);
  let k = 0;
  return texts[0].replace(NUMBER, (first) => {
    const values = numbers.map((n) => n[k]);
    k++;
    const sorted = [...new Set(values)].sort((a, b) => Number(a) - Number(b));
    return sorted.length > 1 ? `${sorted[0]}–${sorted[sorted.length - 1]}` : first;
  });
}

/**
 * The measurement notes of several models (a busy machine, a wide spread of run times), each
 * note once with the models it applies to ("all models" when it applies to every measured one);
 * notes that differ only in their numbers are one note with the numbers' ranges.
 */
export function measurementNotes(models: readonly ModelReport[], names: readonly string[] = models.map(modelName)): string[] {
  const measured = models.filter((m) => m.profile).length;
  const byKind = new Map<string, { texts: string[]; names: string[] }>();
  models.forEach((m, i) => {
    for (const note of new Set(m.profile?.notes ?? [])) {
      const kind = note.replace(NUMBER, '#');
      const g = byKind.get(kind) ?? { texts: [], names: [] };
      g.texts.push(note);
      if (!g.names.includes(names[i])) g.names.push(names[i]);
      byKind.set(kind, g);
    }
  });
  return [...byKind.values()].map((g) => {
    const which = g.names.length === measured && measured > 1 ? 'All models' : g.names.join(', ');
    return `${which}: ${mergeNumbers(g.texts)}`;
  });
}

function compareTable(doc: Document, report: Report): HTMLElement {
  const rows = compareRows(report);
  const anyMeasured = rows.some((r) => r.median_ms !== undefined);
  const columns: Column<CompareRow>[] = [
    { header: 'Model', value: (r) => r.id },
    { header: 'Input', value: (r) => r.input },
    { header: 'Params (M)', value: (r) => r.params, text: (r) => (r.params / 1e6).toFixed(3) },
    { header: 'MAdds (M)', value: (r) => r.madds, text: (r) => (r.madds / 1e6).toFixed(1) },
    { header: 'FLOPs (M)', value: (r) => r.flops, text: (r) => (r.flops / 1e6).toFixed(1) },
    { header: 'MAC (MiB)', value: (r) => r.mac_bytes, text: (r) => (r.mac_bytes / 2 ** 20).toFixed(1) },
    { header: 'Top-1 (%, published)', title: 'ImageNet top-1 reported by the paper; hover a model for the source', value: (r) => r.top1, text: (r) => fixed(1)(r.top1) },
  ];
  if (anyMeasured) {
    columns.push(
      { header: 'Median (ms, measured)', value: (r) => r.median_ms, text: (r) => fixed(3)(r.median_ms) },
      ...(report.comparison
        ? [
            {
              header: `Time vs ${report.comparison.reference} (95%)`,
              title: `Run time ÷ ${report.comparison.reference}'s (lower quartiles of the unprofiled runs), with its 95% interval; the models were measured together, in turn. ${report.comparison.method}`,
              value: (r: CompareRow) => r.relative?.ratio,
              text: (r: CompareRow) => (r.id === report.comparison!.reference && r.relative?.ratio === 1 ? 'reference' : r.relative ? relativeText(r.relative) : '—'),
            },
          ]
        : []),
      { header: 'p10–p90 (ms)', value: (r) => r.p90_ms, text: (r) => (r.p10_ms === undefined ? '—' : `${r.p10_ms.toFixed(3)}–${r.p90_ms!.toFixed(3)}`) },
      { header: 'Achieved (GFLOP/s)', value: (r) => r.achieved_gflops, text: (r) => fixed(1)(r.achieved_gflops) },
    );
  }
  const box = el(doc, 'div', undefined, 'lcnb-compare');
  if (report.claims?.length) box.append(claimsList(doc, report.claims));
  // The caption says what was done: a compare with `profile: false` measured nothing.
  const latency = anyMeasured ? ', latency measured here' : '; not measured (profile: false)';
  box.append(scrollX(doc, sortableTable(doc, rows, columns, `${rows.length} models side by side: costs computed by lcnb, top-1 published${latency}`, 'lcnb-table lcnb-compare-table')));
  const sources = rows.filter((r) => r.top1_source).map((r) => `${r.id}: top-1 from ${r.top1_source}${r.top1_note ? ` (note: ${r.top1_note})` : ''}`);
  const settings = [...new Set(report.models.filter((m) => m.profile).map((m) => measuredWith(m)))];
  const foot = [...settings.map((s) => `Latency measured with ${s}.`), ...(report.comparison ? [report.comparison.method] : []), ...sources];
  if (foot.length) box.append(list(doc, foot, 'lcnb-footnotes'));
  const notes = measurementNotes(report.models);
  if (notes.length) box.append(list(doc, notes, 'lcnb-notes'));
  return box;
}

const PART_TITLES = { backbone: 'Backbone', neck: 'Neck', head: 'Head' } as const;

/** Rows = backbones; columns per part for params, MAdds, FLOPs, MAC and (measured) time; published figures beside. */
function splitTable(doc: Document, report: Report): HTMLElement | undefined {
  const h = report.headed;
  if (!h) return undefined;
  const rows = splitRows(report);
  const millions = (v: number) => (v / 1e6).toFixed(2);
  const mib = (v: number) => `${(v / 2 ** 20).toFixed(1)} MiB`;
  // MAdds per part with its params below; FLOPs and memory traffic on hover: one group of columns, not four.
  const costs = (r: SplitRow, part: ModelPart | 'total') => {
    const pick = (per: Readonly<Record<ModelPart, number>>, total: number) => (part === 'total' ? total : per[part]);
    return { madds: pick(r.madds, r.total.madds), params: pick(r.params, r.total.params), flops: pick(r.flops, r.total.flops), mac: pick(r.mac_bytes, r.total.mac_bytes) };
  };
  const costColumn = (part: ModelPart | 'total'): Column<SplitRow> => ({
    group: 'MAdds (M), params (M) below',
    header: part === 'total' ? 'Total' : PART_TITLES[part],
    title: `${part === 'total' ? 'Whole model' : `The ${part}`}: multiply-adds, computed by lcnb, and trainable parameters below; hover a cell for FLOPs and memory access cost`,
    value: (r) => costs(r, part).madds,
    text: (r) => millions(costs(r, part).madds),
    detail: (r) => millions(costs(r, part).params),
    cellTitle: (r) => {
      const c = costs(r, part);
      return `${formatCount(c.madds)} MAdds\n${formatCount(c.params)} params\n${millions(c.flops)}M FLOPs (2 × MAdds + elementwise)\nMAC ${mib(c.mac)} (memory access cost, float32)`;
    },
  });
  const ms = (r: SplitRow) => r.ms as Record<string, number> | undefined;
  const metric = h.task === 'detect' ? 'COCO mAP' : 'mIoU (%)';
  const latencies = (r: SplitRow) => r.published_latencies.map((p) => String(p.value)).join(' / ');
  // What the swap is about first (MAdds, time, the paper's figures), the other costs after.
  const columns: Column<SplitRow>[] = [
    { header: 'Backbone id', title: 'The zoo backbone under the head; hover a row for the feature maps the head reads', value: (r) => r.label, wrapAfter: ' ', cellTitle: (r) => `Feature maps the head reads:\n${r.taps}` },
    ...MODEL_PARTS.map(costColumn),
    costColumn('total'),
    ...(rows.some((r) => r.ms)
      ? ([
          ...MODEL_PARTS.map((part): Column<SplitRow> => ({ group: 'Time (ms, measured)', header: PART_TITLES[part], title: `Summed median time of the kernels whose main op is in the ${part}`, value: (r) => ms(r)?.[part], text: (r) => (ms(r) ? ms(r)![part].toFixed(2) : '—') })),
          { group: 'Time (ms, measured)', header: 'In no part', title: "The rest of onnxruntime's run: kernels it inserted (layout reorders), gaps between kernels, and what the kernels' medians do not add up to; hover a cell for the breakdown", value: (r) => r.ms?.unattributed, text: (r) => (r.ms ? r.ms.unattributed.toFixed(2) : '—'), cellTitle: (r) => r.unattributed_parts ?? '' },
          { group: 'Time (ms, measured)', header: 'Median latency', title: "Median of the timed runs with the profiler off, as the caller sees it: the nodes' run plus what the run() call adds (hover a cell)", value: (r) => r.median_ms, text: (r) => fixed(3)(r.median_ms), cellTitle: (r) => r.binding_text ?? '' },
        ] as Column<SplitRow>[])
      : []),
    { group: 'Published (paper)', header: metric, title: `${metric} reported by the paper for this pair; hover for the source`, value: (r) => r.accuracy?.value, text: (r) => (r.accuracy ? String(r.accuracy.value) : '—'), cellTitle: (r) => r.accuracy?.source ?? 'not published for this pair at these settings' },
    { group: 'Published (paper)', header: 'Latency (ms)', title: "The paper's latency for this pair, on the paper's hardware; hover for the source and settings", value: (r) => r.published_latencies[0]?.value, text: (r) => latencies(r) || '—', cellTitle: (r) => r.published_latencies.map((p) => `${p.value} ms: ${p.settings ?? 'settings not stated'} — ${p.source}`).join('\n') || 'not published for this pair at these settings' },
  ];
  const box = el(doc, 'div', undefined, 'lcnb-split');
  const task = h.task === 'detect' ? 'detector' : 'segmenter';
  box.append(
    el(doc, 'p', `${h.head.title} ${task} at ${h.resolution}×${h.resolution}, ${h.classes} classes — ${h.head.paper}; counts match ${h.head.reference}.`, 'lcnb-head-line'),
    scrollX(doc, sortableTable(doc, rows, columns, `${rows.length} backbone${rows.length === 1 ? '' : 's'} under ${h.head.title}: costs computed by lcnb per part, time measured here, mAP/mIoU and latency as published`, 'lcnb-table lcnb-split-table')),
  );
  const foot: string[] = [];
  const settings = [...new Set(report.models.filter((m) => m.profile).map((m) => measuredWith(m)))];
  const basis = rows.some((r) => r.corrected)
    ? "Part times are each kernel's median in profiled runs with the profiler's own cost taken out; \"in no part\" is the rest of onnxruntime's run with the profiler off: inserted layout reorders, gaps between kernels, and what the kernels' medians do not add up to when kernel times vary from run to run (hover a cell)."
    : 'Part times are kernel medians in profiled runs; "in no part" is the rest of a profiled run: inserted layout reorders, gaps between kernels, and kernel times varying from run to run (hover a cell).';
  foot.push(...settings.map((s) => `Measured with ${s}. ${basis}`));
  // Each source and each set of settings once, not once per figure.
  const figures = rows.flatMap((r) => [...(r.accuracy ? [r.accuracy] : []), ...r.published_latencies]);
  for (const source of new Set(figures.map((p) => p.source))) {
    const which = [...new Set(figures.filter((p) => p.source === source).map((p) => publishedLabel(p).metric))];
    foot.push(`Published ${which.join(' and ')}: ${source}`);
  }
  foot.push(...publishedSettingsNotes(rows));
  if (!figures.length) foot.push(`No published figures for these pairs at these settings: the papers report other backbones, sizes or class counts.`);
  box.append(list(doc, foot, 'lcnb-footnotes'));
  const notes = measurementNotes(report.models, rows.map((r) => r.label));
  if (notes.length) box.append(list(doc, notes, 'lcnb-notes'));
  return box;
}

/** A settings text's clauses: split at '; ' outside parentheses. */
function clauses(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && text.startsWith('; ', i)) {
      out.push(text.slice(start, i));
      start = i + 2;
    }
  }
  out.push(text.slice(start));
  return out.map((c) => c.trim()).filter(Boolean);
}

/**
 * The published figures' settings, each fact once: a figure's settings are often a shared
 * clause ("hardware … not stated") joined to one about its backbone, so the clauses are listed
 * one by one, each with the metrics it qualifies and, when not all of them, the backbones.
 */
export function publishedSettingsNotes(rows: readonly SplitRow[]): string[] {
  const facts = new Map<string, { metrics: Set<string>; backbones: Set<string> }>();
  const withFigures = rows.filter((r) => r.accuracy || r.published_latencies.length);
  for (const r of withFigures) {
    for (const p of [...(r.accuracy ? [r.accuracy] : []), ...r.published_latencies]) {
      for (const fact of clauses(p.settings ?? '')) {
        const f = facts.get(fact) ?? { metrics: new Set<string>(), backbones: new Set<string>() };
        f.metrics.add(publishedLabel(p).metric);
        f.backbones.add(r.label);
        facts.set(fact, f);
      }
    }
  }
  // What holds for every pair first, then what holds for some.
  return [...facts].sort(([, a], [, b]) => b.backbones.size - a.backbones.size).map(([fact, f]) => {
    const which = f.backbones.size < withFigures.length ? ` for ${[...f.backbones].join(' and ')}` : '';
    return `Published ${[...f.metrics].join(' and ')}${which}: ${fact}`;
  });
}

function sweepTable(doc: Document, report: Report): HTMLElement | undefined {
  const sweep = report.sweep;
  if (!sweep) return undefined;
  type Point = (typeof sweep.points)[number];
  const settingText = (v: Point['settings'][string] | undefined) => (v === undefined ? '—' : Array.isArray(v) ? v.join('×') : String(v));
  const columns: Column<Point>[] = [
    ...sweep.axes.map((axis): Column<Point> => ({ header: axis, value: (p) => (typeof p.settings[axis] === 'number' ? (p.settings[axis] as number) : settingText(p.settings[axis])), text: (p) => settingText(p.settings[axis]) })),
    { header: 'Params (count)', value: (p) => p.params },
    { header: 'MAdds (count)', value: (p) => p.madds },
    { header: 'FLOPs (count)', value: (p) => p.flops },
    { header: 'MAC (bytes)', value: (p) => p.mac_bytes, text: (p) => formatBytes(p.mac_bytes) },
  ];
  if (sweep.points.some((p) => p.median_ms !== undefined)) columns.push({ header: 'Median (ms, measured)', value: (p) => p.median_ms, text: (p) => fixed(3)(p.median_ms) });
  return scrollX(doc, sortableTable(doc, sweep.points, columns, `Sweep of ${sweep.model} over ${sweep.axes.join(', ')}: ${sweep.points.length} points`, 'lcnb-table lcnb-sweep'));
}

/** Renders `value` (an output item's JSON) into `element`; an invalid report renders as an error naming the field. */
export function renderReport(element: HTMLElement, value: unknown, options: RenderOptions): Disposable {
  const doc = element.ownerDocument;
  const theme = options.theme ?? DEFAULT_THEME;
  const root = el(doc, 'div', undefined, 'lcnb-report');
  element.replaceChildren(root);
  let report: Report;
  try {
    report = checkReport(value);
  } catch (e) {
    const message = e instanceof ReportError ? `This lcnb output cannot be shown: ${e.message}` : `This lcnb output cannot be shown: ${String(e)}`;
    root.append(el(doc, 'p', message, 'lcnb-error'));
    return { dispose: () => undefined };
  }
  const charts = new ChartSet(doc, options.embedChart);
  root.dataset.verb = report.verb;
  const header = el(doc, 'div', undefined, 'lcnb-header');
  header.append(el(doc, 'span', report.verb, 'lcnb-verb'), el(doc, 'h3', report.title, 'lcnb-title'));
  if (options.openInTab) {
    const open = el(doc, 'button', 'Open in tab', 'lcnb-open-tab');
    open.type = 'button';
    open.title = 'Open this report in an editor tab of its own (lcnb: Open Report in Editor Tab)';
    open.addEventListener('click', options.openInTab);
    header.append(open);
  }
  root.append(header);

  const split = splitTable(doc, report);
  if (split) root.append(split);
  else if (report.models.length > 1) root.append(compareTable(doc, report));
  const predictions = predictionTable(doc, report);
  if (predictions) root.append(predictions);
  const sweep = sweepTable(doc, report);
  if (sweep) root.append(sweep);
  charts.add(root, reportCharts(report, theme));
  const several = report.models.length > 1;
  // A backbone under a head is named by its label, which tells two variants of one zoo id apart.
  const titleOf = (i: number) => (report.headed?.splits[i] ? `${report.headed.splits[i].label} under ${report.headed.head.title}` : modelName(report.models[i]));
  // One colour per op across every model's charts in this report.
  const palette = reportPalette(report.models, theme);
  const reveal = options.revealLayer;
  const rowAction = (i: number): RowAction<LayerRow> | undefined => reveal && { title: reveal.title, run: (row) => reveal.run(i, row) };
  report.models.forEach((model, i) => root.append(modelSection(doc, model, charts, theme, palette, options.headline ?? DEFAULT_HEADLINE, !several, titleOf(i), rowAction(i))));
  if (report.notes.length) root.append(list(doc, report.notes, 'lcnb-notes'));
  return charts;
}
