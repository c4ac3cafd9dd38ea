/**
 * The architecture diagram's layout: which boxes are visible (ops, or whole stages and blocks when
 * collapsed), their costs under the chosen metric, and positions from dagre. Pure, so tests lay
 * out real zoo graphs without a DOM.
 */
import { Graph, layout as dagreLayout } from '@dagrejs/dagre';
import type { ModelReport } from './report-types';
import { formatBytes, formatSI } from '../../src/shared/format';
import { isModelPart } from '../../src/shared/models';
import { shapeText, timingByNode } from './rows';

export type DiagramMetric = 'madds' | 'mac' | 'params' | 'latency';

export const METRIC_LABELS: Record<DiagramMetric, string> = {
  madds: 'MAdds',
  mac: 'MAC (bytes)',
  params: 'Params',
  latency: 'Time (µs, measured)',
};

/** Groups deeper than this (stage = 1, block = 2) are never made. */
const GROUP_DEPTH = 2;
/** A detector or segmenter nests one level deeper: part (backbone, neck, head), stage, block. */
const PART_GROUP_DEPTH = 3;
/** Above this many ops, a diagram opens with every group collapsed. */
export const COLLAPSE_ABOVE = 60;
export const HEAT_LEVELS = 6;

const CHAR_W = 6.6;
const LINE_H = 15;
const PAD_X = 10;
const PAD_Y = 6;

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface DiagramBox {
  readonly id: string;
  readonly kind: 'op' | 'group' | 'input' | 'output';
  /** For groups: its scope path ('stage3' or 'stage3.block2'). */
  readonly group?: string;
  /** For a group that is a whole part of a detector or segmenter: backbone, neck or head. */
  readonly part?: string;
  readonly lines: readonly string[];
  /** Hover text, one item per line. */
  readonly details: readonly string[];
  /** The metric's value (undefined when it has none, e.g. latency of an unprofiled model). */
  readonly value?: number;
  /** 0 (no cost) … HEAT_LEVELS - 1 (the costliest visible box); -1 for inputs and outputs. */
  readonly heat: number;
  /** For an op the runtime fused into another op's kernel: that op (its box carries the time). */
  readonly fusedInto?: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface DiagramCluster {
  readonly group: string;
  /** Set when the cluster is a whole part of a detector or segmenter: backbone, neck or head. */
  readonly part?: string;
  readonly label: string;
  /** Centre of the label. */
  readonly labelAt: Point;
  readonly depth: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly tensor: string;
  readonly label: string;
  readonly points: readonly Point[];
  readonly labelAt?: Point;
}

export interface DiagramLayout {
  readonly width: number;
  readonly height: number;
  readonly boxes: readonly DiagramBox[];
  readonly clusters: readonly DiagramCluster[];
  readonly edges: readonly DiagramEdge[];
  /** Highest visible value of the metric, for the legend. */
  readonly maxValue: number;
}

interface OpInfo {
  readonly name: string;
  readonly op: string;
  /** Groups the op belongs to, outermost first. */
  readonly groups: readonly string[];
  readonly madds: number;
  readonly mac: number;
  readonly params: number;
  /** Kernel time when this op is a measured layer's main node (each kernel counted once). */
  readonly ownUs?: number;
  /** The time of the kernel that covers this op, fused or not (in the hover text). */
  readonly shownUs?: number;
  /** The op whose kernel covers this one, when the runtime fused it into another op's kernel. */
  readonly fusedInto?: string;
  readonly timingNote?: string;
  /** An op lcnb has no cost rule for: its box says "uncounted", never 0. */
  readonly uncounted?: boolean;
}

/** What the diagram draws from: ops with their costs and groups, tensors with producers. */
export interface DiagramModel {
  readonly id: string;
  readonly ops: readonly OpInfo[];
  readonly inputs: readonly { readonly name: string; readonly shape: readonly number[] }[];
  readonly shapes: Readonly<Record<string, readonly number[]>>;
  readonly opInputs: ReadonlyMap<string, readonly string[]>;
  readonly opOutputs: ReadonlyMap<string, readonly string[]>;
  /** Every group, in order of first appearance, with its op count. */
  readonly groups: ReadonlyMap<string, number>;
  readonly profiled: boolean;
  /** The graph's top-level scopes are backbone, neck and head: those are its outer groups. */
  readonly parts: boolean;
  /** Each group's enclosing group (absent at the top). */
  readonly parentOf: ReadonlyMap<string, string>;
  /** Groups that fold a run of identical sibling groups (drawn as one box, ×N), with their labels. */
  readonly folds: ReadonlyMap<string, string>;
}

/** Runs of at least this many identical sibling groups are folded into one box marked ×N. */
export const FOLD_AT_LEAST = 3;

export function groupsOf(scope: string, depth = GROUP_DEPTH): string[] {
  if (!scope) return [];
  const parts = scope.split('.');
  return parts.slice(0, depth).map((_, i) => parts.slice(0, i + 1).join('.'));
}

/** Whether every op of the graph sits in backbone, neck or head (a model built by detect: or segment:). */
export function hasParts(nodes: readonly { readonly scope: string }[]): boolean {
  return nodes.length > 0 && nodes.every((n) => isModelPart(n.scope.split('.')[0]));
}

export function diagramModel(model: ModelReport): DiagramModel {
  const costs = new Map(model.summary.layers.map((l) => [l.name, l]));
  const timing = timingByNode(model);
  const groups = new Map<string, number>();
  const parts = hasParts(model.graph.nodes);
  const ops = model.graph.nodes.map((node): OpInfo => {
    const cost = costs.get(node.name);
    const nodeGroups = groupsOf(node.scope, parts ? PART_GROUP_DEPTH : GROUP_DEPTH);
    for (const g of nodeGroups) groups.set(g, (groups.get(g) ?? 0) + 1);
    const t = timing.get(node.name);
    let ownUs: number | undefined;
    let shownUs: number | undefined;
    let timingNote: string | undefined;
    let fusedInto: string | undefined;
    if (t?.kind === 'measured') {
      ownUs = shownUs = t.layer.median_us;
      if (t.layer.fused) timingNote = `one kernel with ${t.layer.nodes.filter((n) => n !== node.name).join(', ')}`;
    } else if (t?.kind === 'fused') {
      shownUs = t.layer.median_us;
      fusedInto = t.layer.name;
      timingNote = `fused into ${t.layer.name}: the kernel's time is counted on its box`;
    } else if (t?.kind === 'uncovered') {
      timingNote = 'no runtime kernel covers it';
    }
    return {
      name: node.name,
      op: node.op,
      groups: nodeGroups,
      madds: cost?.madds ?? 0,
      mac: cost?.mac_bytes ?? 0,
      params: cost?.params ?? 0,
      ownUs,
      shownUs,
      fusedInto,
      timingNote,
      uncounted: cost === undefined,
    };
  });
  const opInputs = new Map(model.graph.nodes.map((n) => [n.name, n.inputs]));
  const opOutputs = new Map(model.graph.nodes.map((n) => [n.name, n.outputs]));
  const folded = foldRepeats(ops, (op) => (opOutputs.get(op.name) ?? []).map((t) => (model.graph.shapes[t] ?? []).join('×')).join(','));
  const foldedGroups = new Map<string, number>();
  for (const op of folded.ops) for (const g of op.groups) foldedGroups.set(g, (foldedGroups.get(g) ?? 0) + 1);
  return {
    id: model.summary.id,
    ops: folded.ops,
    inputs: model.graph.inputs,
    shapes: model.graph.shapes,
    opInputs,
    opOutputs,
    groups: folded.folds.size ? foldedGroups : groups,
    profiled: !!model.profile,
    parts,
    parentOf: folded.parentOf,
    folds: folded.folds,
  };
}

/**
 * Runs of identical sibling groups (the same ops with the same output shapes and costs, one after
 * another: ten written-out identical convs, a block repeated ten times) get an enclosing group of
 * their own, drawn folded as one box "layer3 … layer12 ×10" until it is clicked open.
 */
function foldRepeats(ops: readonly OpInfo[], outputsOf: (op: OpInfo) => string): { ops: OpInfo[]; folds: Map<string, string>; parentOf: Map<string, string> } {
  const parentOf = new Map<string, string>();
  const children = new Map<string, string[]>();
  const signature = new Map<string, string[]>();
  for (const op of ops) {
    op.groups.forEach((g, i) => {
      const parent = i > 0 ? op.groups[i - 1] : '';
      if (i > 0) parentOf.set(g, parent);
      const siblings = children.get(parent) ?? [];
      if (!siblings.includes(g)) siblings.push(g);
      children.set(parent, siblings);
      signature.set(g, [...(signature.get(g) ?? []), `${op.op}:${outputsOf(op)}:${op.madds}:${op.params}`]);
    });
  }
  const foldOf = new Map<string, string>();
  const folds = new Map<string, string>();
  for (const [parent, siblings] of children) {
    for (let i = 0; i < siblings.length; ) {
      const sig = signature.get(siblings[i])!.join(';');
      let j = i + 1;
      while (j < siblings.length && signature.get(siblings[j])!.join(';') === sig) j++;
      if (j - i >= FOLD_AT_LEAST) {
        const run = siblings.slice(i, j);
        const id = `${run[0]} … ${run[run.length - 1]}`;
        const [a, b] = [lastPart(run[0]), lastPart(run[run.length - 1])];
        // The copies of a layer with repeat: are numbered; other runs are named by their first and last.
        folds.set(id, /^\d+$/.test(a) && /^\d+$/.test(b) ? `copies ${a}–${b} ×${run.length}` : `${a} … ${b} ×${run.length}`);
        if (parent) parentOf.set(id, parent);
        for (const g of run) {
          foldOf.set(g, id);
          parentOf.set(g, id);
        }
      }
      i = j;
    }
  }
  if (!folds.size) return { ops: [...ops], folds, parentOf };
  return {
    ops: ops.map((op) => {
      const at = op.groups.findIndex((g) => foldOf.has(g));
      return at < 0 ? op : { ...op, groups: [...op.groups.slice(0, at), foldOf.get(op.groups[at])!, ...op.groups.slice(at)] };
    }),
    folds,
    parentOf,
  };
}

/** A group and the groups around it, outermost first. */
function chainOf(model: DiagramModel, group: string): string[] {
  const chain = [group];
  for (let g = model.parentOf.get(group); g !== undefined && chain.length < 16; g = model.parentOf.get(g)) chain.unshift(g);
  return chain;
}

/**
 * Big models open with every stage and block collapsed, small ones fully expanded. A detector or
 * segmenter so opens as three boxes — backbone, neck, head — each a click away from its stages.
 */
export function defaultCollapsed(model: DiagramModel): Set<string> {
  return model.ops.length > COLLAPSE_ABOVE ? new Set(model.groups.keys()) : new Set(model.folds.keys());
}

function partOfGroup(model: DiagramModel, group: string): string | undefined {
  return model.parts && isModelPart(group) ? group : undefined;
}

function metricText(metric: DiagramMetric, value: number | undefined): string {
  if (value === undefined) return '';
  switch (metric) {
    case 'madds':
      return `${formatSI(value)} MAdds`;
    case 'mac':
      return `MAC ${formatBytes(value)}`;
    case 'params':
      return `${formatSI(value)} params`;
    case 'latency':
      return `${value.toFixed(1)} µs`;
  }
}

/** An op's value for the metric; a fused op has no time of its own (its kernel's is on the op it was fused into). */
function opValue(op: OpInfo, metric: DiagramMetric): number | undefined {
  if (op.uncounted && metric !== 'latency') return undefined;
  switch (metric) {
    case 'madds':
      return op.madds;
    case 'mac':
      return op.mac;
    case 'params':
      return op.params;
    case 'latency':
      return op.ownUs;
  }
}

function boxSize(lines: readonly string[]): { width: number; height: number } {
  const chars = Math.max(...lines.map((l) => l.length));
  return { width: Math.ceil(chars * CHAR_W + 2 * PAD_X), height: lines.length * LINE_H + 2 * PAD_Y };
}

export function heatLevel(value: number | undefined, max: number): number {
  if (value === undefined || value <= 0 || max <= 0) return 0;
  // Square root keeps small-but-nonzero costs visible next to a dominant one.
  return Math.max(1, Math.min(HEAT_LEVELS - 1, Math.ceil(Math.sqrt(value / max) * (HEAT_LEVELS - 1))));
}

interface Unit {
  id: string;
  kind: DiagramBox['kind'];
  group?: string;
  lines: string[];
  details: string[];
  value?: number;
  parent?: string;
  fusedInto?: string;
}

/**
 * Lays out the diagram with the given groups collapsed. A collapsed group is one box with its op
 * count and summed cost; an expanded one is a cluster around its ops (or collapsed blocks).
 */
export function layoutDiagram(model: DiagramModel, collapsed: ReadonlySet<string>, metric: DiagramMetric): DiagramLayout {
  if (metric === 'latency' && !model.profiled) metric = 'madds';
  const units = new Map<string, Unit>();
  const unitOfOp = new Map<string, string>();
  const groupUnit = (group: string) => `group:${group}`;
  const clusterId = (group: string) => `cluster:${group}`;
  const usedClusters = new Set<string>();

  for (const op of model.ops) {
    const hidden = op.groups.find((g) => collapsed.has(g));
    const parentGroups = hidden ? op.groups.slice(0, op.groups.indexOf(hidden)) : op.groups;
    for (const g of parentGroups) usedClusters.add(g);
    const parent = parentGroups.length ? clusterId(parentGroups[parentGroups.length - 1]) : undefined;
    if (hidden) {
      const id = groupUnit(hidden);
      unitOfOp.set(op.name, id);
      let unit = units.get(id);
      if (!unit) {
        unit = { id, kind: 'group', group: hidden, lines: [], details: [], value: 0, parent };
        units.set(id, unit);
      }
      const v = opValue(op, metric);
      if (v !== undefined) unit.value = (unit.value ?? 0) + v;
    } else {
      const id = `op:${op.name}`;
      unitOfOp.set(op.name, id);
      const value = opValue(op, metric);
      const details = [
        `${op.name} (${op.op})`,
        op.uncounted ? 'uncounted: lcnb has no cost rule for this op, so it is not in the totals' : `${formatSI(op.params)} params · ${formatSI(op.madds)} MAdds · MAC ${formatBytes(op.mac)}`,
        ...(op.ownUs !== undefined ? [`${op.ownUs.toFixed(1)} µs measured`] : op.shownUs !== undefined ? [`${op.shownUs.toFixed(1)} µs measured for the fused kernel`] : []),
        ...(op.timingNote ? [op.timingNote] : []),
      ];
      const fused = metric === 'latency' && op.fusedInto !== undefined;
      const shown = fused ? `fused into ${shortName(op.fusedInto!, parentGroups)}` : op.uncounted && metric !== 'latency' ? 'uncounted' : metricText(metric, value);
      units.set(id, { id, kind: 'op', lines: [op.op, shortName(op.name, parentGroups), shown].filter(Boolean), details, value, parent, fusedInto: fused ? op.fusedInto : undefined });
    }
  }
  for (const unit of units.values()) {
    if (unit.kind !== 'group' || !unit.group) continue;
    const count = model.groups.get(unit.group) ?? 0;
    const members = model.ops.filter((o) => o.groups.includes(unit.group!));
    const madds = members.reduce((a, o) => a + o.madds, 0);
    const us = members.reduce((a, o) => a + (o.ownUs ?? 0), 0);
    unit.lines = [`▸ ${model.folds.get(unit.group) ?? lastPart(unit.group)}`, `${count} op${count === 1 ? '' : 's'}`, metricText(metric, unit.value)].filter(Boolean);
    unit.details = [
      `${unit.group}: ${count} ops (click to expand)`,
      `${formatSI(members.reduce((a, o) => a + o.params, 0))} params · ${formatSI(madds)} MAdds · MAC ${formatBytes(members.reduce((a, o) => a + o.mac, 0))}`,
      ...(model.profiled ? [`${us.toFixed(1)} µs measured (kernels whose main op is inside)`] : []),
    ];
  }

  const producer = new Map<string, string>();
  for (const input of model.inputs) {
    const id = `input:${input.name}`;
    units.set(id, { id, kind: 'input', lines: ['input', input.name, shapeText(input.shape)], details: [`graph input ${input.name}: ${shapeText(input.shape)}`] });
    producer.set(input.name, id);
  }
  const consumed = new Set<string>();
  for (const op of model.ops) {
    for (const t of model.opOutputs.get(op.name) ?? []) producer.set(t, unitOfOp.get(op.name)!);
    for (const t of model.opInputs.get(op.name) ?? []) consumed.add(t);
  }
  for (const op of model.ops) {
    for (const t of model.opOutputs.get(op.name) ?? []) {
      if (consumed.has(t)) continue;
      const id = `output:${t}`;
      const shape = model.shapes[t] ?? [];
      units.set(id, { id, kind: 'output', lines: ['output', shapeText(shape)], details: [`graph output ${t}: ${shapeText(shape)}`] });
      producer.set(`${t}\u0000out`, id);
    }
  }

  const edges = new Map<string, { from: string; to: string; tensor: string }>();
  const addEdge = (from: string, to: string, tensor: string) => {
    if (from === to) return;
    const key = `${from}\u0000${to}\u0000${tensor}`;
    if (!edges.has(key)) edges.set(key, { from, to, tensor });
  };
  for (const op of model.ops) {
    const to = unitOfOp.get(op.name)!;
    for (const t of model.opInputs.get(op.name) ?? []) {
      const from = producer.get(t);
      // Constants (weights fed as inputs) have no producer and draw no edge.
      if (from) addEdge(from, to, t);
    }
    for (const t of model.opOutputs.get(op.name) ?? []) {
      const out = producer.get(`${t}\u0000out`);
      if (out) addEdge(to, out, t);
    }
  }

  const values = [...units.values()].filter((u) => u.kind === 'op' || u.kind === 'group').map((u) => u.value ?? 0);
  const maxValue = values.length ? Math.max(...values) : 0;

  const g = new Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 30, edgesep: 12, marginx: 12, marginy: 24 });
  g.setDefaultEdgeLabel(() => ({}));
  // Each cluster's label is a node of its own, tied above everything in the cluster, so dagre
  // leaves room for it (dagre reserves none for cluster labels).
  const labelId = (group: string) => `label:${group}`;
  const clusterLabel = (group: string) => {
    const count = model.groups.get(group) ?? 0;
    return `▾ ${model.folds.has(group) ? `${group} ×${model.folds.get(group)!.split('×').pop()}` : group} · ${count} op${count === 1 ? '' : 's'}`;
  };
  for (const group of usedClusters) {
    g.setNode(clusterId(group), {});
    g.setNode(labelId(group), { width: Math.ceil(clusterLabel(group).length * CHAR_W) + 8, height: LINE_H + 2 });
    g.setParent(labelId(group), clusterId(group));
    const parents = chainOf(model, group).slice(0, -1);
    if (parents.length) g.setParent(clusterId(group), clusterId(parents[parents.length - 1]));
  }
  for (const unit of units.values()) {
    g.setNode(unit.id, boxSize(unit.lines));
    if (unit.parent) g.setParent(unit.id, unit.parent);
  }
  // A label points at its cluster's entries (units no edge from inside the cluster reaches), or at
  // the label of the sub-cluster holding them: one edge or two per cluster, not a fan to every op.
  const clustersOf = (unitId: string): string[] => {
    const parent = units.get(unitId)?.parent;
    return parent ? chainOf(model, parent.slice('cluster:'.length)) : [];
  };
  const fedFrom = new Map<string, string[]>();
  for (const e of edges.values()) fedFrom.set(e.to, [...(fedFrom.get(e.to) ?? []), e.from]);
  for (const unit of units.values()) {
    const chain = clustersOf(unit.id);
    chain.forEach((group, depth) => {
      const fromInside = (fedFrom.get(unit.id) ?? []).some((from) => clustersOf(from).includes(group));
      if (fromInside) return;
      const target = depth + 1 < chain.length ? labelId(chain[depth + 1]) : unit.id;
      g.setEdge(labelId(group), target, { minlen: 1 }, 'label');
    });
  }
  // What feeds a cluster ranks above its label, so clusters stack instead of overlapping.
  for (const e of edges.values()) {
    const outer = clustersOf(e.to).find((group) => !clustersOf(e.from).includes(group));
    if (outer) g.setEdge(e.from, labelId(outer), { minlen: 1 }, 'label');
  }
  for (const e of edges.values()) {
    const label = shapeText(model.shapes[e.tensor] ?? []);
    g.setEdge(e.from, e.to, { label, width: Math.ceil(label.length * CHAR_W * 0.9), height: LINE_H, labelpos: 'r', labeloffset: 6 }, e.tensor);
  }
  dagreLayout(g);

  const boxes: DiagramBox[] = [...units.values()].map((u) => {
    const n = g.node(u.id);
    return {
      id: u.id,
      kind: u.kind,
      group: u.group,
      part: u.group === undefined ? undefined : partOfGroup(model, u.group),
      lines: u.lines,
      details: u.details,
      value: u.value,
      heat: u.fusedInto !== undefined ? -1 : u.kind === 'op' || u.kind === 'group' ? heatLevel(u.value, maxValue) : -1,
      fusedInto: u.fusedInto,
      x: n.x! - n.width / 2,
      y: n.y! - n.height / 2,
      width: n.width,
      height: n.height,
    };
  });
  const clusters: DiagramCluster[] = [...usedClusters].map((group) => {
    const n = g.node(clusterId(group));
    const label = g.node(labelId(group));
    return {
      group,
      part: partOfGroup(model, group),
      label: clusterLabel(group),
      labelAt: { x: label.x!, y: label.y! },
      depth: chainOf(model, group).length,
      x: n.x! - n.width / 2,
      y: n.y! - n.height / 2,
      width: n.width,
      height: n.height,
    };
  });
  const edgeList: DiagramEdge[] = [...edges.values()].map((e) => {
    const label = g.edge(e.from, e.to, e.tensor);
    return {
      from: e.from,
      to: e.to,
      tensor: e.tensor,
      label: shapeText(model.shapes[e.tensor] ?? []),
      points: (label.points ?? []).map((p: Point) => ({ x: p.x, y: p.y })),
      labelAt: label.x !== undefined && label.y !== undefined ? { x: label.x as number, y: label.y as number } : undefined,
    };
  });
  const graphLabel = g.graph();
  return { width: Math.ceil(graphLabel.width ?? 0), height: Math.ceil(graphLabel.height ?? 0), boxes, clusters, edges: edgeList, maxValue };
}

function lastPart(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/** An op's name without the groups already drawn around it. */
function shortName(name: string, groups: readonly string[]): string {
  const prefix = groups.length ? `${groups[groups.length - 1]}.` : '';
  return prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
}
