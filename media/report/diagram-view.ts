/** The architecture diagram as SVG: collapsible stages and blocks, boxes coloured by a chosen metric. */
import type { ModelReport } from './report-types';
import { formatBytes, formatSI } from '../../src/shared/format';
import { el, svg } from '../shared/dom';
import { runtimeOnly } from './rows';
import { REVEAL_MARK_MS } from '../shared/table';
import { DiagramLayout, DiagramMetric, HEAT_LEVELS, METRIC_LABELS, defaultCollapsed, diagramModel, layoutDiagram } from './layout';

let nextId = 0;

/** How each drawn diagram (its wrapper element) shows one of its ops. */
const revealers = new WeakMap<Element, (node: string) => boolean>();

/**
 * Opens the stages, blocks and folded repeats around op `node` in `view` (made by diagramView),
 * scrolls its box into view and outlines it for a moment. False when the diagram has no such op.
 */
export function revealInDiagram(view: Element, node: string): boolean {
  return revealers.get(view)?.(node) ?? false;
}

function legendValue(metric: DiagramMetric, v: number): string {
  if (metric === 'mac') return formatBytes(v);
  if (metric === 'latency') return `${v.toFixed(1)} µs`;
  return formatSI(v);
}

function drawSvg(doc: Document, layout: DiagramLayout, markerId: string, onToggle: (group: string) => void): SVGSVGElement {
  const root = svg(doc, 'svg', { width: layout.width, height: layout.height, viewBox: `0 0 ${layout.width} ${layout.height}`, class: 'lcnb-diagram-svg', role: 'img' });
  const defs = svg(doc, 'defs');
  const marker = svg(doc, 'marker', { id: markerId, viewBox: '0 0 8 8', refX: 8, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svg(doc, 'path', { d: 'M0,0 L8,4 L0,8 z', class: 'lcnb-arrowhead' }));
  defs.append(marker);
  root.append(defs);

  const activate = (target: SVGElement, group: string) => {
    target.setAttribute('tabindex', '0');
    target.setAttribute('role', 'button');
    target.addEventListener('click', () => onToggle(group));
    target.addEventListener('keydown', (e) => {
      const key = (e as KeyboardEvent).key;
      if (key === 'Enter' || key === ' ') {
        e.preventDefault();
        onToggle(group);
      }
    });
  };

  const clusters = svg(doc, 'g', { class: 'lcnb-clusters' });
  for (const c of [...layout.clusters].sort((a, b) => a.depth - b.depth)) {
    const g = svg(doc, 'g', { class: `lcnb-cluster depth-${c.depth}${c.part ? ` lcnb-part part-${c.part}` : ''}` });
    g.dataset.group = c.group;
    g.append(svg(doc, 'rect', { x: c.x, y: c.y, width: c.width, height: c.height, rx: 6 }));
    const label = svg(doc, 'text', { x: c.labelAt.x, y: c.labelAt.y + 4, 'text-anchor': 'middle', class: 'lcnb-cluster-label' }, c.label);
    label.append(svg(doc, 'title', {}, `${c.group}: click to collapse`));
    activate(label, c.group);
    g.append(label);
    clusters.append(g);
  }
  root.append(clusters);

  const edges = svg(doc, 'g', { class: 'lcnb-edges' });
  for (const e of layout.edges) {
    if (e.points.length < 2) continue;
    const d = e.points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    const path = svg(doc, 'path', { d, class: 'lcnb-edge', 'marker-end': `url(#${markerId})` });
    path.append(svg(doc, 'title', {}, `${e.tensor}: ${e.label}`));
    edges.append(path);
    if (e.labelAt) edges.append(svg(doc, 'text', { x: e.labelAt.x, y: e.labelAt.y + 4, 'text-anchor': 'middle', class: 'lcnb-edge-label' }, e.label));
  }
  root.append(edges);

  const boxes = svg(doc, 'g', { class: 'lcnb-boxes' });
  for (const b of layout.boxes) {
    const g = svg(doc, 'g', { class: `lcnb-box kind-${b.kind}${b.heat >= 0 ? ` heat-${b.heat}` : ''}${b.fusedInto !== undefined ? ' fused' : ''}${b.part ? ` lcnb-part part-${b.part}` : ''}`, transform: `translate(${b.x.toFixed(1)},${b.y.toFixed(1)})` });
    g.dataset.id = b.id;
    g.append(svg(doc, 'title', {}, b.details.join('\n')));
    g.append(svg(doc, 'rect', { width: b.width, height: b.height, rx: b.kind === 'group' ? 6 : 3 }));
    const text = svg(doc, 'text', { x: b.width / 2, y: 6, 'text-anchor': 'middle' });
    b.lines.forEach((line, i) => text.append(svg(doc, 'tspan', { x: b.width / 2, dy: 15, class: i === 0 ? 'lcnb-box-head' : 'lcnb-box-line' }, line)));
    g.append(text);
    if (b.kind === 'group' && b.group) activate(g, b.group);
    boxes.append(g);
  }
  root.append(boxes);
  return root;
}

/** Controls (metric, expand/collapse all, legend) above the diagram; redraws on every change. */
export function diagramView(doc: Document, model: ModelReport): HTMLElement {
  const data = diagramModel(model);
  const collapsed = defaultCollapsed(data);
  let metric: DiagramMetric = data.profiled ? 'latency' : 'madds';
  const markerId = `lcnb-arrow-${++nextId}`;

  const wrap = el(doc, 'div', undefined, 'lcnb-diagram');
  const controls = el(doc, 'div', undefined, 'lcnb-diagram-controls');
  const label = el(doc, 'label', 'Colour by ');
  const select = el(doc, 'select');
  for (const m of Object.keys(METRIC_LABELS) as DiagramMetric[]) {
    if (m === 'latency' && !data.profiled) continue;
    const option = el(doc, 'option', METRIC_LABELS[m]);
    option.value = m;
    option.selected = m === metric;
    select.append(option);
  }
  label.append(select);
  const expandAll = el(doc, 'button', 'Expand all');
  const collapseAll = el(doc, 'button', 'Collapse all');
  expandAll.type = collapseAll.type = 'button';
  const legend = el(doc, 'span', undefined, 'lcnb-legend');
  const hint = el(doc, 'span', 'Click a ▸ box to open a stage or block, a ▾ label to close it.', 'lcnb-muted');
  controls.append(label, expandAll, collapseAll, legend, hint);
  const canvas = el(doc, 'div', undefined, 'lcnb-diagram-canvas');
  wrap.append(controls);
  const extra = runtimeOnly(model);
  if (extra.length) {
    const us = extra.reduce((a, l) => a + l.median_us, 0);
    wrap.append(el(doc, 'p', `Not drawn: ${extra.length} kernel${extra.length === 1 ? '' : 's'} onnxruntime added (${us.toFixed(1)} µs), which cover no op of the graph — see the Stages table.`, 'lcnb-muted'));
  }
  wrap.append(canvas);

  const redraw = () => {
    const layout = layoutDiagram(data, collapsed, metric);
    canvas.replaceChildren(
      drawSvg(doc, layout, markerId, (group) => {
        if (collapsed.has(group)) {
          collapsed.delete(group);
        } else {
          collapsed.add(group);
        }
        redraw();
      }),
    );
    legend.replaceChildren(el(doc, 'span', `${METRIC_LABELS[metric]}: 0`, 'lcnb-muted'));
    for (let i = 0; i < HEAT_LEVELS; i++) {
      const swatch = el(doc, 'span', undefined, `lcnb-swatch heat-${i}`);
      legend.append(swatch);
    }
    legend.append(el(doc, 'span', legendValue(metric, layout.maxValue), 'lcnb-muted'));
    wrap.dataset.boxes = String(layout.boxes.length);
  };
  select.addEventListener('change', () => {
    metric = select.value as DiagramMetric;
    redraw();
  });
  expandAll.addEventListener('click', () => {
    collapsed.clear();
    redraw();
  });
  collapseAll.addEventListener('click', () => {
    for (const g of data.groups.keys()) collapsed.add(g);
    redraw();
  });
  redraw();
  revealers.set(wrap, (node) => {
    const op = data.ops.find((o) => o.name === node);
    if (!op) return false;
    if (op.groups.some((g) => collapsed.has(g))) {
      for (const g of op.groups) collapsed.delete(g);
      redraw();
    }
    const box = [...canvas.querySelectorAll<SVGGElement>('g.lcnb-box')].find((b) => b.dataset.id === `op:${node}`);
    if (!box) return false;
    box.classList.add('lcnb-box-revealed');
    if (typeof box.scrollIntoView === 'function') box.scrollIntoView({ block: 'center', inline: 'center', behavior: 'smooth' });
    setTimeout(() => box.classList.remove('lcnb-box-revealed'), REVEAL_MARK_MS);
    return true;
  });
  return wrap;
}
