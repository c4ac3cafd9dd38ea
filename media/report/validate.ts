/**
 * Checks the parts of a report the renderer reads, so an output written by another lcnb version
 * (or edited by hand) fails with the path of what is wrong instead of a blank cell.
 */
import type { Report } from './report-types';
import { MODEL_PARTS, isModelPart } from '../../src/shared/models';

const SUPPORTED_VERSION = 1;
const VERBS = ['model', 'network', 'compare', 'profile', 'sweep', 'export', 'detect', 'segment'];

export class ReportError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

function kind(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

class Checker {
  object(value: unknown, path: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ReportError(path, `expected an object, got ${kind(value)}`);
    return value as Record<string, unknown>;
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) throw new ReportError(path, `expected an array, got ${kind(value)}`);
    return value;
  }

  number(value: unknown, path: string): number {
    if (typeof value !== 'number' || Number.isNaN(value)) throw new ReportError(path, `expected a number, got ${kind(value)}`);
    return value;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string') throw new ReportError(path, `expected a string, got ${kind(value)}`);
    return value;
  }

  numbers(value: unknown, path: string): void {
    this.array(value, path).forEach((v, i) => this.number(v, `${path}[${i}]`));
  }

  strings(value: unknown, path: string): void {
    this.array(value, path).forEach((v, i) => this.string(v, `${path}[${i}]`));
  }

  costs(value: unknown, path: string, fields: readonly string[]): Record<string, unknown> {
    const o = this.object(value, path);
    for (const f of fields) this.number(o[f], `${path}.${f}`);
    return o;
  }
}

const COST_FIELDS = ['params', 'madds', 'flops', 'mac_bytes'];

function checkModel(c: Checker, value: unknown, path: string): void {
  const m = c.object(value, path);
  if (m.label !== undefined) c.string(m.label, `${path}.label`);
  const s = c.object(m.summary, `${path}.summary`);
  c.string(s.id, `${path}.summary.id`);
  c.numbers(s.input, `${path}.summary.input`);
  c.costs(s.totals, `${path}.summary.totals`, [...COST_FIELDS, 'mac_elements', 'intensity']);
  c.array(s.layers, `${path}.summary.layers`).forEach((l, i) => {
    const p = `${path}.summary.layers[${i}]`;
    const layer = c.costs(l, p, [...COST_FIELDS, 'intensity']);
    c.string(layer.name, `${p}.name`);
    c.string(layer.op, `${p}.op`);
    c.string(layer.scope, `${p}.scope`);
    c.numbers(layer.output, `${p}.output`);
    c.array(layer.inputs, `${p}.inputs`).forEach((shape, j) => c.numbers(shape, `${p}.inputs[${j}]`));
  });
  c.array(s.scopes, `${path}.summary.scopes`).forEach((sc, i) => {
    const scope = c.costs(sc, `${path}.summary.scopes[${i}]`, COST_FIELDS);
    c.string(scope.scope, `${path}.summary.scopes[${i}].scope`);
    c.number(scope.layers, `${path}.summary.scopes[${i}].layers`);
  });
  c.array(s.uncounted, `${path}.summary.uncounted`).forEach((u, i) => {
    const o = c.object(u, `${path}.summary.uncounted[${i}]`);
    c.string(o.name, `${path}.summary.uncounted[${i}].name`);
    c.string(o.op, `${path}.summary.uncounted[${i}].op`);
  });
  c.array(s.published, `${path}.summary.published`).forEach((f, i) => {
    const o = c.object(f, `${path}.summary.published[${i}]`);
    c.string(o.metric, `${path}.summary.published[${i}].metric`);
    c.number(o.value, `${path}.summary.published[${i}].value`);
    c.string(o.source, `${path}.summary.published[${i}].source`);
    if (o.note !== undefined) c.string(o.note, `${path}.summary.published[${i}].note`);
  });
  const g = c.object(m.graph, `${path}.graph`);
  c.array(g.inputs, `${path}.graph.inputs`).forEach((t, i) => {
    const o = c.object(t, `${path}.graph.inputs[${i}]`);
    c.string(o.name, `${path}.graph.inputs[${i}].name`);
    c.numbers(o.shape, `${path}.graph.inputs[${i}].shape`);
  });
  c.array(g.nodes, `${path}.graph.nodes`).forEach((n, i) => {
    const p = `${path}.graph.nodes[${i}]`;
    const o = c.object(n, p);
    c.string(o.name, `${p}.name`);
    c.string(o.op, `${p}.op`);
    c.string(o.scope, `${p}.scope`);
    c.strings(o.inputs, `${p}.inputs`);
    c.strings(o.outputs, `${p}.outputs`);
  });
  c.object(g.shapes, `${path}.graph.shapes`);
  if (m.profile !== undefined) {
    const p = `${path}.profile`;
    const pr = c.object(m.profile, p);
    const lat = c.object(pr.latency, `${p}.latency`);
    for (const f of ['median_ms', 'p10_ms', 'p90_ms']) c.number(lat[f], `${p}.latency.${f}`);
    const st = c.object(pr.settings, `${p}.settings`);
    c.string(st.providerUsed, `${p}.settings.providerUsed`);
    for (const f of ['threads', 'warmup', 'runs']) c.number(st[f], `${p}.settings.${f}`);
    c.number(pr.achieved_gflops, `${p}.achieved_gflops`);
    c.number(pr.coverage, `${p}.coverage`);
    const peaks = c.costs(pr.peaks, `${p}.peaks`, ['gemm_gflops', 'bandwidth_gbs']);
    // Cache roofs came later: a report without them reads as GEMM and DRAM roofs alone.
    if (peaks.compute_gflops !== undefined) c.number(peaks.compute_gflops, `${p}.peaks.compute_gflops`);
    if (peaks.roofs !== undefined) {
      c.array(peaks.roofs, `${p}.peaks.roofs`).forEach((r, i) => {
        const roof = c.costs(r, `${p}.peaks.roofs[${i}]`, ['gbs']);
        c.string(roof.level, `${p}.peaks.roofs[${i}].level`);
        if (roof.capacity_bytes !== undefined) c.number(roof.capacity_bytes, `${p}.peaks.roofs[${i}].capacity_bytes`);
      });
    }
    c.array(pr.layers, `${p}.layers`).forEach((l, i) => {
      const lp = `${p}.layers[${i}]`;
      const layer = c.costs(l, lp, ['median_us', 'share', 'madds', 'flops', 'mac_bytes', 'achieved_gflops', 'bound_us', 'roofline_efficiency']);
      c.string(layer.name, `${lp}.name`);
      c.strings(layer.nodes, `${lp}.nodes`);
      c.strings(layer.ops, `${lp}.ops`);
      if (layer.roof !== undefined) c.string(layer.roof, `${lp}.roof`);
      // The isolated-layer cross-check (optional): a time, what it is compared with, a note where they disagree.
      if (layer.isolated_us !== undefined) c.number(layer.isolated_us, `${lp}.isolated_us`);
      if (layer.isolated_vs !== undefined) c.string(layer.isolated_vs, `${lp}.isolated_vs`);
      if (layer.isolated_note !== undefined) c.string(layer.isolated_note, `${lp}.isolated_note`);
    });
    if (pr.isolated !== undefined) {
      const iso = c.object(pr.isolated, `${p}.isolated`);
      for (const f of ['layers_timed', 'compared', 'min_us', 'within_tolerance', 'tolerance']) c.number(iso[f], `${p}.isolated.${f}`);
      // A figure with nothing to take it over is NaN, which JSON writes as null.
      for (const f of ['median_abs_difference', 'overhead_us']) if (iso[f] !== null) c.number(iso[f], `${p}.isolated.${f}`);
      c.string(iso.method, `${p}.isolated.method`);
      if (iso.layers_skipped !== undefined) c.string(iso.layers_skipped, `${p}.isolated.layers_skipped`);
      if (iso.same_layout !== undefined) {
        const same = c.object(iso.same_layout, `${p}.isolated.same_layout`);
        for (const f of ['compared', 'within_tolerance']) c.number(same[f], `${p}.isolated.same_layout.${f}`);
      }
    }
    c.strings(pr.uncovered, `${p}.uncovered`);
  }
  if (m.prediction !== undefined) checkPrediction(c, m.prediction, `${path}.prediction`);
}

const BOUNDS = ['compute', 'memory'];

/** A model's predicted latency (`predict:`): every per-device list as long as `devices`. */
function checkPrediction(c: Checker, value: unknown, path: string): void {
  const pr = c.object(value, path);
  const devices = c.array(pr.devices, `${path}.devices`);
  devices.forEach((d, i) => {
    const o = c.object(d, `${path}.devices[${i}]`);
    for (const f of ['id', 'name', 'source', 'dtype']) c.string(o[f], `${path}.devices[${i}].${f}`);
    c.number(o.ridge, `${path}.devices[${i}].ridge`);
  });
  const perDevice = (v: unknown, p: string): unknown[] => {
    const a = c.array(v, p);
    if (a.length !== devices.length) throw new ReportError(p, `expected one entry per device (${devices.length}), got ${a.length}`);
    return a;
  };
  perDevice(pr.total_ms, `${path}.total_ms`).forEach((v, i) => c.number(v, `${path}.total_ms[${i}]`));
  c.array(pr.layers, `${path}.layers`).forEach((l, i) => {
    const lp = `${path}.layers[${i}]`;
    const layer = c.object(l, lp);
    c.string(layer.name, `${lp}.name`);
    c.strings(layer.nodes, `${lp}.nodes`);
    c.strings(layer.ops, `${lp}.ops`);
    c.number(layer.madds, `${lp}.madds`);
    perDevice(layer.us, `${lp}.us`).forEach((v, j) => c.number(v, `${lp}.us[${j}]`));
    perDevice(layer.bound, `${lp}.bound`).forEach((v, j) => {
      if (!BOUNDS.includes(v as string)) throw new ReportError(`${lp}.bound[${j}]`, `expected compute or memory, got ${kind(v)}`);
    });
  });
  c.array(pr.curves, `${path}.curves`).forEach((cv, i) => {
    const cp = `${path}.curves[${i}]`;
    const curve = c.object(cv, cp);
    c.string(curve.dtype, `${cp}.dtype`);
    c.array(curve.points, `${cp}.points`).forEach((pt, j) => c.costs(pt, `${cp}.points[${j}]`, ['ridge', 'gmadds']));
  });
  c.strings(pr.uncounted, `${path}.uncounted`);
}

/** The report in `value`, or a ReportError naming the first field that is missing or of the wrong type. */
export function checkReport(value: unknown): Report {
  const c = new Checker();
  const r = c.object(value, 'report');
  if (r.version !== SUPPORTED_VERSION) {
    throw new ReportError('report.version', `this renderer reads version ${SUPPORTED_VERSION}, the output has ${kind(r.version)}; re-run the cell`);
  }
  if (typeof r.verb !== 'string' || !VERBS.includes(r.verb)) throw new ReportError('report.verb', `expected one of ${VERBS.join(', ')}, got ${kind(r.verb)}`);
  c.string(r.title, 'report.title');
  c.array(r.models, 'report.models').forEach((m, i) => checkModel(c, m, `report.models[${i}]`));
  c.strings(r.notes, 'report.notes');
  if (r.comparison !== undefined) {
    const cmp = c.object(r.comparison, 'report.comparison');
    c.string(cmp.reference, 'report.comparison.reference');
    c.string(cmp.method, 'report.comparison.method');
    c.array(cmp.ratios, 'report.comparison.ratios').forEach((v, i) => {
      const ratio = c.object(v, `report.comparison.ratios[${i}]`);
      for (const key of ['ratio', 'lo', 'hi']) c.number(ratio[key], `report.comparison.ratios[${i}].${key}`);
    });
  }
  if (r.claims !== undefined) {
    c.array(r.claims, 'report.claims').forEach((v, i) => {
      const claim = c.object(v, `report.claims[${i}]`);
      for (const key of ['faster', 'than', 'source', 'verdict', 'detail']) c.string(claim[key], `report.claims[${i}].${key}`);
    });
  }
  if (r.sweep !== undefined) {
    const s = c.object(r.sweep, 'report.sweep');
    c.string(s.model, 'report.sweep.model');
    c.strings(s.axes, 'report.sweep.axes');
    c.array(s.points, 'report.sweep.points').forEach((pt, i) => {
      const o = c.costs(pt, `report.sweep.points[${i}]`, COST_FIELDS);
      c.object(o.settings, `report.sweep.points[${i}].settings`);
      if (o.median_ms !== undefined) c.number(o.median_ms, `report.sweep.points[${i}].median_ms`);
    });
  }
  if (r.headed !== undefined) checkHeaded(c, r.headed, (r.models as unknown[]).length);
  return value as Report;
}

function checkHeaded(c: Checker, value: unknown, models: number): void {
  const h = c.object(value, 'report.headed');
  c.string(h.task, 'report.headed.task');
  const head = c.object(h.head, 'report.headed.head');
  for (const f of ['id', 'title', 'paper', 'reference']) c.string(head[f], `report.headed.head.${f}`);
  c.number(h.resolution, 'report.headed.resolution');
  c.number(h.classes, 'report.headed.classes');
  const splits = c.array(h.splits, 'report.headed.splits');
  if (splits.length !== models) throw new ReportError('report.headed.splits', `expected one split per model (${models}), got ${splits.length}`);
  splits.forEach((sp, i) => {
    const p = `report.headed.splits[${i}]`;
    const s = c.object(sp, p);
    c.string(s.backbone, `${p}.backbone`);
    c.string(s.label, `${p}.label`);
    const parts = c.array(s.parts, `${p}.parts`);
    parts.forEach((pt, j) => {
      const part = c.costs(pt, `${p}.parts[${j}]`, [...COST_FIELDS, 'layers']);
      if (typeof part.part !== 'string' || !isModelPart(part.part)) throw new ReportError(`${p}.parts[${j}].part`, `expected one of ${MODEL_PARTS.join(', ')}, got ${kind(part.part)}`);
      if (part.median_us !== undefined) c.number(part.median_us, `${p}.parts[${j}].median_us`);
    });
    c.array(s.taps, `${p}.taps`).forEach((t, j) => {
      const tap = c.object(t, `${p}.taps[${j}]`);
      c.number(tap.stride, `${p}.taps[${j}].stride`);
      c.string(tap.node, `${p}.taps[${j}].node`);
      c.number(tap.channels, `${p}.taps[${j}].channels`);
    });
    if (s.timing !== undefined) c.costs(s.timing, `${p}.timing`, ['run_us', 'runtime_only_us', 'other_us', 'spanning_kernels']);
  });
}
