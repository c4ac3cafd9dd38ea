// Roofline predictions against published latency tables (test/golden/predict/published-latency.json):
//   node --import tsx scripts/predictTables.ts [--json]
// Per table: n, Spearman ρ of predicted vs published latency, ρ of MAdds alone vs published, and the
// median |predicted − published| / published. Devices are datasheet presets, never fitted to a table.
// Beside them, labelled as fitted: the ridge point that would rank the table best, and its ρ (what
// an effective bandwidth, rather than the datasheet's, could reach).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { costGraph } from '../src/core/cost';
import { findDevice } from '../src/core/devices';
import { DTYPE_BYTES, maddsEquivalent, predict, ridgePoint, RooflineLayer, rooflineLayers } from '../src/core/predict';
import { spearman } from '../src/core/rankCorrelation';
import { buildModel } from '../src/zoo';

export const PUBLISHED_LATENCY = join(__dirname, '..', 'test', 'golden', 'predict', 'published-latency.json');

export interface PublishedRow {
  readonly id: string;
  /** One forward pass of `batch` images, milliseconds. */
  readonly ms: number;
  /** The figure as printed (ms, fps, images/s …). */
  readonly published: string;
}

export interface PublishedTable {
  readonly name: string;
  readonly source: string;
  readonly device: string;
  readonly batch: number;
  readonly rows: readonly PublishedRow[];
}

export interface RowResult {
  readonly id: string;
  readonly publishedMs: number;
  readonly predictedMs: number;
  readonly madds: number;
  /** Ops the cost model does not know in this model (their time is missing from the prediction). */
  readonly uncounted: number;
}

export interface TableResult {
  readonly name: string;
  readonly device: string;
  readonly n: number;
  readonly rhoRoofline: number;
  readonly rhoMadds: number;
  readonly medianRelError: number;
  /** Median predicted ÷ published: below 1, the datasheet roofline is optimistic. */
  readonly medianRatio: number;
  /** The device's ridge point, MAdds/byte. */
  readonly ridge: number;
  /** Fitted to the table, not a prediction: the ridge point (0.1–1000, log grid) whose roofline ranks it best, and that ρ. */
  readonly bestRidge: number;
  readonly rhoBestRidge: number;
  readonly rows: readonly RowResult[];
}

export function loadTables(path = PUBLISHED_LATENCY): PublishedTable[] {
  return JSON.parse(readFileSync(path, 'utf8')).tables;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function evaluateTable(table: PublishedTable): TableResult {
  const device = findDevice(table.device);
  if (!device) throw new Error(`${table.name}: no device preset '${table.device}'`);
  const layersOf: RooflineLayer[][] = [];
  const rows = table.rows.map((r): RowResult => {
    const graph = buildModel(r.id, { batch: table.batch });
    const cost = costGraph(graph);
    const layers = rooflineLayers(graph, cost, DTYPE_BYTES[device.dtype]);
    layersOf.push(layers);
    const predicted = predict(layers, device, cost.uncounted);
    return { id: r.id, publishedMs: r.ms, predictedMs: predicted.totalSeconds * 1000, madds: cost.totals.madds, uncounted: cost.uncounted.length };
  });
  const published = rows.map((r) => r.publishedMs);
  let best = { ridge: NaN, rho: -Infinity };
  for (let i = 0; i <= 120; i++) {
    const ridge = 0.1 * 10 ** (i / 30);
    const rho = spearman(layersOf.map((l) => maddsEquivalent(l, ridge)), published);
    if (rho > best.rho + 1e-12) best = { ridge, rho };
  }
  return {
    name: table.name,
    device: table.device,
    n: rows.length,
    rhoRoofline: spearman(rows.map((r) => r.predictedMs), published),
    rhoMadds: spearman(rows.map((r) => r.madds), published),
    medianRelError: median(rows.map((r) => Math.abs(r.predictedMs - r.publishedMs) / r.publishedMs)),
    medianRatio: median(rows.map((r) => r.predictedMs / r.publishedMs)),
    ridge: ridgePoint(device),
    bestRidge: best.ridge,
    rhoBestRidge: best.rho,
    rows,
  };
}

export function evaluateTables(tables: readonly PublishedTable[] = loadTables()): TableResult[] {
  return tables.map(evaluateTable);
}

export function textReport(results: readonly TableResult[]): string {
  const head = ['table', 'device', 'n', 'ridge', 'ρ roofline', 'ρ MAdds', 'median |err|', 'pred/pub', 'best ridge (fitted)', 'ρ there'];
  const body = results.map((r) => [r.name, r.device, String(r.n), r.ridge.toFixed(1), r.rhoRoofline.toFixed(3), r.rhoMadds.toFixed(3), `${(100 * r.medianRelError).toFixed(0)}%`, r.medianRatio.toFixed(2), r.bestRidge.toFixed(1), r.rhoBestRidge.toFixed(3)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

if (require.main === module) {
  const results = evaluateTables();
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(results, null, 2)}\n` : `${textReport(results)}\n`);
}
