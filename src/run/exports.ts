/**
 * A report written for other tools: CSV (one row per layer, or per sweep point), JSON (the report
 * as it is), Markdown (the notebook's fallback text plus every layer) and a Netron attachment.
 * VS Code-free, so the commands, the .onnx editor and the CLI share them.
 */
import { UserError } from '../core/errors';
import { formatBytes, formatCount, formatShape } from '../shared/format';
import { reportMarkdown } from './markdown';
import { modelName } from '../shared/models';
import type { ModelReport, Report } from './reportTypes';
import type { ProfiledLayer } from '../../kernels/host/profileTypes';

type Cell = string | number | undefined;

/** How a layer's measured time relates to it: its own kernel, or fused into another layer's kernel. */
interface LayerTime {
  readonly layer: ProfiledLayer;
  readonly own: boolean;
}

function timesByNode(model: ModelReport): Map<string, LayerTime> {
  const byNode = new Map<string, LayerTime>();
  for (const layer of model.profile?.layers ?? []) {
    for (const node of layer.nodes) byNode.set(node, { layer, own: node === layer.name });
  }
  return byNode;
}

const LAYER_COLUMNS = [
  'model',
  'layer',
  'op',
  'scope',
  'output_shape',
  'counted',
  'params',
  'madds',
  'flops',
  'mac_elements',
  'mac_bytes',
  'intensity_flops_per_byte',
  'measured_median_us',
  'measured_share',
  'achieved_gflops',
  'fused_into',
] as const;

/**
 * One row per op of every model: computed costs, and when profiled the time of the kernel that
 * ran it (an op fused into another's kernel names that op and has no time of its own). Ops the
 * cost model does not know are listed with counted = no and empty costs.
 */
function layerTable(report: Report): { header: readonly string[]; rows: Cell[][] } {
  const rows: Cell[][] = [];
  for (const model of report.models) {
    const s = model.summary;
    // The label, not the id: two variants of one zoo id in a compare get rows that tell them apart.
    const name = modelName(model);
    const times = timesByNode(model);
    for (const l of s.layers) {
      const t = times.get(l.name);
      const own = t?.own ? t.layer : undefined;
      rows.push([
        name,
        l.name,
        l.op,
        l.scope,
        l.output.join('x'),
        'yes',
        l.params,
        l.madds,
        l.flops,
        l.mac_elements,
        l.mac_bytes,
        l.intensity,
        own?.median_us,
        own?.share,
        own?.achieved_gflops,
        t && !t.own ? t.layer.name : undefined,
      ]);
    }
    for (const u of s.uncounted) rows.push([name, u.name, u.op, '', '', 'no', undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  }
  return { header: LAYER_COLUMNS, rows };
}

function sweepTable(report: Report): { header: readonly string[]; rows: Cell[][] } {
  const sweep = report.sweep!;
  const settingText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  return {
    header: [...sweep.axes, 'params', 'madds', 'flops', 'mac_bytes', 'median_ms'],
    rows: sweep.points.map((p) => [...sweep.axes.map((a) => settingText(p.settings[a])), p.params, p.madds, p.flops, p.mac_bytes, p.median_ms]),
  };
}

/** RFC 4180: a field with a comma, a double quote or a line break is quoted, its quotes doubled. */
function csvField(value: Cell): string {
  if (value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The report as CSV (RFC 4180, CRLF line ends, a header row): one row per layer of every model,
 * or one per grid point for a sweep. Numbers are plain (no thousands separators, no units: the
 * header names the unit).
 */
export function reportToCsv(report: Report): string {
  const { header, rows } = report.sweep ? sweepTable(report) : layerTable(report);
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The report exactly as the notebook holds it (REPORT_MIME), indented; JSON.parse gives it back. */
export function reportToJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}

function markdownTable(header: readonly string[], rows: readonly string[][]): string[] {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  return [`| ${header.map(escape).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`)];
}

/** Every layer of one model as a Markdown table (the notebook's fallback shows only the costliest). */
function allLayersMarkdown(model: ModelReport): string[] {
  const times = timesByNode(model);
  const measured = !!model.profile;
  const header = ['layer', 'op', 'output', 'params', 'MAdds', 'FLOPs', 'MAC', ...(measured ? ['time (µs)', 'share'] : [])];
  const rows = model.summary.layers.map((l) => {
    const t = times.get(l.name);
    const time = !t ? ['—', '—'] : t.own ? [t.layer.median_us.toFixed(1), `${(100 * t.layer.share).toFixed(1)}%`] : [`fused into ${t.layer.name}`, ''];
    return [l.name, l.op, formatShape(l.output), formatCount(l.params), formatCount(l.madds), formatCount(l.flops), formatBytes(l.mac_bytes), ...(measured ? time : [])];
  });
  for (const u of model.summary.uncounted) rows.push([u.name, u.op, '', 'uncounted', '', '', '', ...(measured ? ['', ''] : [])]);
  return ['', `### All layers of ${modelName(model)}`, '', ...markdownTable(header, rows)];
}

/** The notebook's Markdown text of the report followed by the full layer table of each model. */
export function reportToMarkdown(report: Report): string {
  const lines = [reportMarkdown(report).trimEnd()];
  for (const model of report.models) lines.push(...allLayersMarkdown(model));
  return lines.join('\n') + '\n';
}

/** One entry of a Netron attachment: a named value on the model, a graph or a node (by name). */
export interface NetronAttachmentEntry {
  readonly kind: 'model' | 'graph' | 'node';
  /** The graph's or node's name as stored in the .onnx file; '' for the model. */
  readonly target: string;
  readonly name: string;
  readonly value: number | string;
}

export interface NetronAttachment {
  readonly signature: 'netron:attachment';
  /** Shown under "Metadata" in Netron's sidebar. */
  readonly metadata: NetronAttachmentEntry[];
  /** Shown under "Metrics" in Netron's sidebar. */
  readonly metrics: NetronAttachmentEntry[];
}

/**
 * A Netron attachment for one model of the report (`modelIndex`, 0 by default): after opening the
 * .onnx in Netron, opening this .json file adds lcnb's params, MAdds, FLOPs, MAC and (when
 * profiled) measured latency to the sidebar of the model and of each node.
 *
 * Shape as Netron reads it (source/view.js, `metadata.Attachment` and `metadata.Attachment.Container`
 * in github.com/lutzroeder/netron): a .json file whose `signature` is 'netron:attachment', with
 * arrays `metadata` and `metrics` of `{ kind, target, name, value }`; an entry applies to the
 * model, graph or node whose name (first line) equals `target` — the model's target is ''.
 * Node names of lcnb's exports are lcnb's layer names, so entries land on their nodes; ops
 * folded away in the file (BatchNorm in the deploy form) simply match nothing.
 */
export function reportToNetronAttachment(report: Report, modelIndex = 0): NetronAttachment {
  const model = report.models[modelIndex];
  if (!model) {
    throw new UserError(
      report.models.length ? `the report has ${report.models.length} models; there is no model ${modelIndex + 1}` : `the report "${report.title}" holds no model (a ${report.verb} report)`,
    );
  }
  const s = model.summary;
  const t = s.totals;
  const metadata: NetronAttachmentEntry[] = [];
  const metrics: NetronAttachmentEntry[] = [];
  const conventions =
    `lcnb ${modelName(model)}, input ${formatShape(s.input)}: MAdds = multiply-adds (what the papers call FLOPs); FLOPs = 2 × MAdds for conv/linear plus elementwise work; ` +
    `MAC = memory access cost (activations in + out + weights), ${s.bytes_rule ?? `bytes at ${s.bytes_per_element} per element`}; params counted on the training graph (BatchNorm included).`;
  metadata.push({ kind: 'model', target: '', name: 'lcnb', value: conventions });
  if (s.uncounted.length) {
    metadata.push({ kind: 'model', target: '', name: 'lcnb uncounted ops', value: s.uncounted.map((u) => `${u.name} (${u.op})`).join(', ') });
  }
  for (const kind of ['model', 'graph'] as const) {
    const target = kind === 'model' ? '' : s.id;
    metrics.push(
      { kind, target, name: 'params', value: t.params },
      { kind, target, name: 'MAdds', value: t.madds },
      { kind, target, name: 'FLOPs', value: t.flops },
      { kind, target, name: 'MAC (bytes)', value: t.mac_bytes },
    );
  }
  const profile = model.profile;
  if (profile) {
    const st = profile.settings;
    const settings = `${st.providerUsed}, ${st.threads} threads, optimization '${st.optimization}', ${st.warmup} warm-up + ${st.runs} runs, onnxruntime ${st.onnxruntimeVersion}`;
    metadata.push({ kind: 'model', target: '', name: 'lcnb measured with', value: settings });
    metrics.push(
      { kind: 'model', target: '', name: 'latency median (ms)', value: profile.latency.median_ms },
      { kind: 'model', target: '', name: 'latency p90 (ms)', value: profile.latency.p90_ms },
      { kind: 'model', target: '', name: 'achieved GFLOPS', value: profile.achieved_gflops },
    );
  }
  const times = timesByNode(model);
  for (const l of s.layers) {
    const node = (name: string, value: number | string) => ({ kind: 'node' as const, target: l.name, name, value });
    metrics.push(node('params', l.params), node('MAdds', l.madds), node('FLOPs', l.flops), node('MAC (bytes)', l.mac_bytes));
    const time = times.get(l.name);
    if (time?.own) {
      metrics.push(node('latency median (µs)', time.layer.median_us), node('share of time', time.layer.share), node('achieved GFLOPS', time.layer.achieved_gflops));
      if (time.layer.fused) metadata.push(node('lcnb fused kernel', `one kernel with ${time.layer.nodes.filter((n) => n !== l.name).join(', ')}`));
    } else if (time) {
      metadata.push(node('lcnb fused kernel', `fused into ${time.layer.name}; its time is counted there`));
    }
  }
  for (const u of s.uncounted) metadata.push({ kind: 'node', target: u.name, name: 'lcnb', value: `uncounted: lcnb's cost model does not know ${u.op}` });
  return { signature: 'netron:attachment', metadata, metrics };
}
