/**
 * The accuracy/cost chart of a compare: published top-1 against measured latency or MAdds, the
 * Pareto front, and labels placed where they clear the points, lines and each other.
 */
import type { Report } from './report-types';
import { base, bottomLegend, ChartTheme, cycled, DEFAULT_THEME, HEIGHT, settingsLine, VegaLiteSpec } from './chart-base';
import { published } from './rows';
import { modelName } from '../../src/shared/models';

interface ParetoDatum {
  id: string;
  x: number;
  top1: number;
  /** p10 and p90 as measured (the tooltip shows these). */
  lo?: number;
  hi?: number;
  /** p10 and p90 cut to the plot's latency domain (the whisker draws these). */
  loClip?: number;
  hiClip?: number;
  source: string;
  /** Where the label sits around the point, from {@link placeLabels}. */
  pos?: LabelPos;
  /** Whether the label is drawn: only where it clears the other labels, points and lines (the legend names every point). */
  labelled?: boolean;
  /** The drawn label: the model's name, followed by the names of nearby points that found no clear place of their own. */
  label?: string;
}

/** The models no other model beats on both axes (higher top-1 at lower cost), by increasing cost. */
export function paretoFront<T extends { x: number; top1: number }>(points: readonly T[]): T[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || b.top1 - a.top1);
  const front: T[] = [];
  for (const p of sorted) if (front.length === 0 || p.top1 > front[front.length - 1].top1) front.push(p);
  return front;
}

export type LabelPos = 'ne' | 'nw' | 'se' | 'sw' | 'n' | 's' | 'e' | 'w';

/** Label offsets: text anchor relative to the point, in pixels (y down). */
const LABEL_POSITIONS: Record<LabelPos, { dx: number; dy: number; align: 'left' | 'right' | 'center'; baseline: 'top' | 'bottom' | 'middle' }> = {
  ne: { dx: 5, dy: -5, align: 'left', baseline: 'bottom' },
  se: { dx: 5, dy: 5, align: 'left', baseline: 'top' },
  nw: { dx: -5, dy: -5, align: 'right', baseline: 'bottom' },
  sw: { dx: -5, dy: 5, align: 'right', baseline: 'top' },
  n: { dx: 0, dy: -7, align: 'center', baseline: 'bottom' },
  s: { dx: 0, dy: 7, align: 'center', baseline: 'top' },
  e: { dx: 8, dy: 0, align: 'left', baseline: 'middle' },
  w: { dx: -8, dy: 0, align: 'right', baseline: 'middle' },
};
/** Placement is planned for a plot this size; the real one is wider (two charts share ~950 px). */
const PLAN_W = 360;
const LABEL_FONT = 11;
const LABEL_CHAR_W = 6.3;

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Length of the segment a→b inside rect r, sampled (enough for a score). */
function segmentInside(r: Rect, ax: number, ay: number, bx: number, by: number): number {
  const steps = 24;
  let inside = 0;
  for (let i = 0; i <= steps; i++) {
    const x = ax + ((bx - ax) * i) / steps;
    const y = ay + ((by - ay) * i) / steps;
    if (x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1) inside++;
  }
  return (inside / (steps + 1)) * Math.hypot(bx - ax, by - ay);
}

/**
 * Picks, point by point, the label position that least overlaps the plot edges, the other points,
 * the Pareto line, the whiskers and the labels already placed. Positions are planned in pixels of
 * a plot of PLAN_W × HEIGHT over the given domains.
 */
export function placeLabels(
  points: readonly { id: string; x: number; top1: number; loClip?: number; hiClip?: number }[],
  front: readonly { x: number; top1: number }[],
  xDomain: readonly [number, number],
  yDomain: readonly [number, number],
): LabelPos[] {
  return scoredLabels(points, front, xDomain, yDomain).map((l) => l.pos);
}

/**
 * {@link placeLabels}, and whether each label's best place is clear: inside the plot, off the
 * other points, labels and lines. The plan is for a plot narrower than any real one, so a label
 * clear in the plan is clear when drawn.
 */
export function scoredLabels(
  points: readonly { id: string; x: number; top1: number; loClip?: number; hiClip?: number }[],
  front: readonly { x: number; top1: number }[],
  xDomain: readonly [number, number],
  yDomain: readonly [number, number],
): { pos: LabelPos; clear: boolean }[] {
  const px = (x: number) => ((x - xDomain[0]) / (xDomain[1] - xDomain[0] || 1)) * PLAN_W;
  const py = (y: number) => HEIGHT - ((y - yDomain[0]) / (yDomain[1] - yDomain[0] || 1)) * HEIGHT;
  const dots: Rect[] = points.map((p) => ({ x0: px(p.x) - 5, y0: py(p.top1) - 5, x1: px(p.x) + 5, y1: py(p.top1) + 5 }));
  const segments: [number, number, number, number][] = [];
  for (let i = 1; i < front.length; i++) segments.push([px(front[i - 1].x), py(front[i - 1].top1), px(front[i].x), py(front[i].top1)]);
  for (const p of points) if (p.loClip !== undefined && p.hiClip !== undefined) segments.push([px(p.loClip), py(p.top1), px(p.hiClip), py(p.top1)]);
  const placed: Rect[] = [];
  const out: { pos: LabelPos; clear: boolean }[] = new Array(points.length);
  const order = points.map((_, i) => i).sort((a, b) => points[a].x - points[b].x);
  const preference = Object.keys(LABEL_POSITIONS) as LabelPos[];
  for (const i of order) {
    const p = points[i];
    const w = p.id.length * LABEL_CHAR_W;
    const h = LABEL_FONT + 2;
    let best: LabelPos = 'ne';
    let bestScore = Infinity;
    let bestRank = 0;
    preference.forEach((pos, rank) => {
      const o = LABEL_POSITIONS[pos];
      const ax = px(p.x) + o.dx;
      const ay = py(p.top1) + o.dy;
      const x0 = o.align === 'left' ? ax : o.align === 'right' ? ax - w : ax - w / 2;
      const y0 = o.baseline === 'top' ? ay : o.baseline === 'bottom' ? ay - h : ay - h / 2;
      const r = { x0, y0, x1: x0 + w, y1: y0 + h };
      const outside = w * h - overlap(r, { x0: 0, y0: 0, x1: PLAN_W, y1: HEIGHT });
      let score = 4 * outside + rank;
      for (const q of placed) score += 3 * overlap(r, q);
      dots.forEach((d, j) => {
        if (j !== i) score += 2 * overlap(r, d);
      });
      for (const [ax0, ay0, ax1, ay1] of segments) score += 30 * segmentInside(r, ax0, ay0, ax1, ay1);
      if (score < bestScore) {
        bestScore = score;
        best = pos;
        bestRank = rank;
      }
    });
    const o = LABEL_POSITIONS[best];
    const ax = px(p.x) + o.dx;
    const ay = py(p.top1) + o.dy;
    const x0 = o.align === 'left' ? ax : o.align === 'right' ? ax - w : ax - w / 2;
    const y0 = o.baseline === 'top' ? ay : o.baseline === 'bottom' ? ay - h : ay - h / 2;
    placed.push({ x0, y0, x1: x0 + w, y1: y0 + h });
    // The rank is only a preference among clear places; anything above it is a clash.
    out[i] = { pos: best, clear: bestScore - bestRank < 0.5 };
  }
  return out;
}

/** [min, max] of the values with a margin on both sides, so points and labels stay off the edges. */
function paddedDomain(values: readonly number[], margin: number, floor?: number): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo || Math.abs(hi) || 1) * margin;
  return [floor === undefined ? lo - pad : Math.max(floor, lo - pad), hi + pad];
}

// The sources are papers, official READMEs and libraries' weight tables (torchvision, TF-slim, PaddleClas), named per model.
const TOP1_SOURCES = 'top-1: published (ImageNet; sources under the table)';

/** Marker shapes of the models, past the palette's length (each model keeps one colour and shape). */
const MODEL_SHAPES = ['circle', 'square', 'diamond', 'triangle-up', 'cross', 'triangle-down'];

/**
 * Published top-1 against measured median latency (`latency`) or lcnb's MAdds (`madds`):
 * the papers' accuracy/cost figure, redrawn with this machine's numbers. The latency axis spans
 * the medians; p10–p90 whiskers are cut at its edges and given in full in the tooltip.
 */
export function paretoSpec(report: Report, axis: 'latency' | 'madds', theme: ChartTheme = DEFAULT_THEME): VegaLiteSpec | undefined {
  const data: ParetoDatum[] = [];
  const missing: string[] = [];
  for (const m of report.models) {
    const top1 = published(m, 'top1');
    if (!top1 || (axis === 'latency' && !m.profile)) {
      missing.push(modelName(m));
      continue;
    }
    const p = m.profile;
    const source = top1.note ? `${top1.source} (note: ${top1.note})` : top1.source;
    data.push(
      axis === 'latency' && p
        ? { id: modelName(m), x: p.latency.median_ms, lo: p.latency.p10_ms, hi: p.latency.p90_ms, top1: top1.value, source }
        : { id: modelName(m), x: m.summary.totals.madds / 1e6, top1: top1.value, source },
    );
  }
  if (data.length === 0) return undefined;
  const xDomain = paddedDomain(
    data.map((d) => d.x),
    0.1,
    0,
  );
  const yDomain = paddedDomain(
    data.map((d) => d.top1),
    0.12,
  );
  let clipped = 0;
  for (const d of data) {
    if (d.lo === undefined || d.hi === undefined) continue;
    d.loClip = Math.max(d.lo, xDomain[0]);
    d.hiClip = Math.min(d.hi, xDomain[1]);
    if (d.loClip > d.lo || d.hiClip < d.hi) clipped++;
  }
  const front = paretoFront(data);
  const labels = scoredLabels(data, front, xDomain, yDomain);
  data.forEach((d, i) => {
    d.pos = labels[i].pos;
    d.labelled = labels[i].clear;
    d.label = d.id;
  });
  // A point whose label has no clear place is named in the label of the nearest labelled point
  // ("a · b"), so no model goes unnamed beside its point.
  const spanX = xDomain[1] - xDomain[0] || 1;
  const spanY = yDomain[1] - yDomain[0] || 1;
  for (const d of data) {
    if (d.labelled) continue;
    const near = data
      .filter((o) => o.labelled)
      .map((o) => ({ o, dist: Math.hypot((o.x - d.x) / spanX, (o.top1 - d.top1) / spanY) }))
      .sort((a, b) => a.dist - b.dist)[0];
    if (near) near.o.label = `${near.o.label} · ${d.id}`;
  }
  const positions = new Set(labels.filter((l) => l.clear).map((l) => l.pos));

  const measured = report.models.find((m) => m.profile);
  const subtitle =
    axis === 'latency'
      ? [
          TOP1_SOURCES,
          `latency: median of timed runs here; bars p10–p90${clipped ? ' (cut at the plot edge; hover for the full range)' : ''}`,
          ...(measured ? [settingsLine(measured)] : []),
        ]
      : [TOP1_SOURCES, 'MAdds: computed by lcnb'];
  const left = missing.length ? [`not shown (${axis === 'latency' ? 'no published top-1 or not measured' : 'no published top-1'}): ${missing.join(', ')}`] : [];
  const x = {
    field: 'x',
    type: 'quantitative',
    title: axis === 'latency' ? 'median latency (ms, measured here)' : 'MAdds (millions, computed by lcnb)',
    scale: { domain: xDomain, nice: false, zero: false },
    axis: { tickCount: 5, labelOverlap: 'greedy', labelFlush: true, format: ',~f' },
  };
  const y = {
    field: 'top1',
    type: 'quantitative',
    title: 'top-1 accuracy (%, published)',
    scale: { domain: yDomain, nice: false, zero: false },
    axis: { tickCount: 5, labelOverlap: 'greedy' },
  };
  const tooltip = [
    { field: 'id', title: 'model' },
    { field: 'top1', title: 'top-1 (%, published)' },
    { field: 'x', title: axis === 'latency' ? 'median (ms)' : 'MAdds (M)', format: ',.3f' },
    ...(axis === 'latency' ? [{ field: 'lo', title: 'p10 (ms)', format: ',.3f' }, { field: 'hi', title: 'p90 (ms)', format: ',.3f' }] : []),
    { field: 'source', title: 'top-1 source' },
  ];
  const layers: Record<string, unknown>[] = [
    { data: { values: front }, mark: { type: 'line', color: theme.muted, strokeDash: [4, 3], clip: true }, encoding: { x, y } },
  ];
  if (axis === 'latency') {
    layers.push({ transform: [{ filter: 'isValid(datum.loClip)' }], mark: { type: 'rule', color: theme.muted, clip: true }, encoding: { x: { ...x, field: 'loClip' }, x2: { field: 'hiClip' }, y, tooltip } });
  }
  // Each model in the colour (and, past the palette's length, the shape) it has in the other chart.
  const ids = [...new Set(report.models.map(modelName))];
  // The scale spans every model of the report; the legend names the ones plotted.
  const plotted = ids.filter((id) => data.some((d) => d.id === id));
  const legend = { ...bottomLegend('model', plotted), values: plotted };
  const color = { field: 'id', type: 'nominal', title: 'model', scale: { domain: ids, range: cycled(ids, theme.category) }, legend };
  const shape = { field: 'id', type: 'nominal', title: 'model', scale: { domain: ids, range: ids.map((_, i) => MODEL_SHAPES[Math.floor(i / theme.category.length) % MODEL_SHAPES.length]) }, legend };
  layers.push({ mark: { type: 'point', filled: true, size: 70 }, encoding: { x, y, color, shape, tooltip } });
  for (const pos of positions) {
    const o = LABEL_POSITIONS[pos];
    layers.push({
      transform: [{ filter: `datum.labelled && datum.pos === '${pos}'` }],
      mark: { type: 'text', align: o.align, baseline: o.baseline, dx: o.dx, dy: o.dy, fontSize: LABEL_FONT },
      encoding: { x, y, text: { field: 'label' }, tooltip },
    });
  }
  return {
    ...base(theme, axis === 'latency' ? 'Top-1 vs latency on this machine' : 'Top-1 vs MAdds', [...subtitle, ...left]),
    data: { values: data },
    layer: layers,
  };
}
