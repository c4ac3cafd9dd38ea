/**
 * What is under the cursor, for hovers: a zoo id (the extension shows its totals), a layer (its
 * costs, found through its scope), or a key (its documentation, given here).
 */
import { isMap, isScalar, isSeq, Node, YAMLMap } from 'yaml';
import { findModel } from '../zoo/index';
import { findHead, HEAD_ONLY_BACKBONES } from '../zoo/heads/index';
import { backboneLabel, headedRequest, isOnnxPath, layerScopeName } from './cells';
import { backboneUnderHeadDoc, headDoc } from './headed';
import { nestingTooDeep } from './nesting';
import { parseCell } from './parse';
import { modelAt, verbIn } from './complete';
import { JsonSchema, LAYER_KEYS, OPS } from './networkLayers';
import { schemaAt, Verb, VERB_DOCS } from './schema';
import { contains, offsetsOf } from './text';
import { keyOf, Path, Tree } from './tree';
import { Range } from './types';

export type HoverTarget =
  | { readonly kind: 'model'; readonly id: string; readonly range: Range }
  | { readonly kind: 'layer'; readonly scope: string; readonly index: number; readonly op: string; readonly range: Range }
  | { readonly kind: 'key'; readonly doc: string; readonly range: Range }
  /** A head id in a detect or segment cell; `doc` says what it is and what it matches. */
  | { readonly kind: 'head'; readonly id: string; readonly doc: string; readonly range: Range }
  /** A backbone of a detect or segment cell; `doc` has its totals under the cell's head, split by part. */
  | { readonly kind: 'backbone'; readonly id: string; readonly head: string; readonly doc: string; readonly range: Range; readonly index?: number; readonly label?: string };

const ONNX_FILE_DOC =
  "**An .onnx file**, read when the cell runs: a relative path resolves against the notebook's folder (an untitled notebook's, against the first workspace folder). " +
  'It is counted as stored and, under a device kernel, profiled as stored; zoo options (resolution, width, knobs …) do not apply. ' +
  "`input:` gives the shape of inputs the file leaves open (a dynamic height and width): `input: [1, 3, 640, 640]`, or by name `input: { x: [1, 3, 640, 640] }`; a symbolic batch alone reads as 1.";

interface Hit {
  readonly at: 'key' | 'value';
  readonly path: Path;
  readonly node?: Node;
  readonly offsets: [number, number];
}

function descend(tree: Tree, node: unknown, path: Path, offset: number): Hit | undefined {
  const n = tree.deref(node);
  if (isMap(n)) {
    for (const pair of (n as YAMLMap).items) {
      const key = keyOf(pair.key);
      if (key === undefined) continue;
      const kr = offsetsOf(pair.key as Node);
      if (kr && contains(kr, offset)) return { at: 'key', path: [...path, key], offsets: kr };
      const vr = offsetsOf(pair.value as Node);
      if (vr && contains(vr, offset)) return descend(tree, pair.value, [...path, key], offset) ?? { at: 'value', path: [...path, key], node: pair.value as Node, offsets: vr };
    }
    return undefined;
  }
  if (isSeq(n)) {
    for (let i = 0; i < n.items.length; i++) {
      const r = offsetsOf(n.items[i] as Node);
      if (r && contains(r, offset)) return descend(tree, n.items[i], [...path, i], offset) ?? { at: 'value', path: [...path, i], node: n.items[i] as Node, offsets: r };
    }
    return undefined;
  }
  const r = offsetsOf(n);
  return r && contains(r, offset) ? { at: 'value', path, node: n, offsets: r } : undefined;
}

function valueAt(js: unknown, path: Path): unknown {
  let v = js;
  for (const seg of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[seg as string] : undefined;
  return v;
}

function keyDoc(name: string, schema: JsonSchema | undefined): string | undefined {
  if (!schema?.description) return undefined;
  const def = schema.default !== undefined ? ` Default: \`${JSON.stringify(schema.default)}\`.` : '';
  const choices = schema.enum ? ` One of ${schema.enum.map((e) => `\`${String(e)}\``).join(', ')}.` : '';
  return `**${name}** — ${schema.description}.${choices}${def}`;
}

/** The layer a path inside `layers:` belongs to. */
function layerOf(js: unknown, path: Path): { itemPath: Path; index: number; op?: string; scope: string } | undefined {
  const i = path.lastIndexOf('layers');
  if (i < 0 || typeof path[i + 1] !== 'number') return undefined;
  const itemPath = path.slice(0, i + 2);
  const index = (path[i + 1] as number) + 1;
  const item = valueAt(js, itemPath);
  let op: string | undefined;
  let scope: string | undefined;
  if (typeof item === 'string') op = item;
  else if (item && typeof item === 'object' && !Array.isArray(item)) {
    const rec = item as Record<string, unknown>;
    op = Object.keys(rec).find((k) => OPS.has(k));
    const inner = op ? rec[op] : undefined;
    const s = rec.scope ?? (inner && typeof inner === 'object' ? (inner as Record<string, unknown>).scope : undefined);
    if (typeof s === 'string') scope = s;
  }
  return { itemPath, index, op, scope: layerScopeName(index, scope) };
}

/** A backbone's hover: its totals under the cell's head with the cell's options, or the head's reference options while the cell has errors. */
function backboneHover(text: string, verb: 'detect' | 'segment', js: unknown, id: string, range: Range): HoverTarget | undefined {
  const cell = parseCell(text).cell;
  if (cell && cell.verb === verb) {
    const index = cell.backbones.findIndex((b) => b.range.start.line === range.start.line && b.range.start.character === range.start.character);
    const backbone = cell.backbones[index];
    if (backbone) return { kind: 'backbone', id, head: cell.head, doc: backboneUnderHeadDoc(headedRequest(cell, backbone)), range, index, label: backboneLabel(backbone) };
  }
  const headId = valueAt(js, [verb, 'head']);
  const head = typeof headId === 'string' ? findHead(headId) : undefined;
  if (!head || head.task !== verb) return { kind: 'backbone', id, head: String(headId ?? ''), doc: `**${id}** — name a ${verb === 'detect' ? 'detection' : 'segmentation'} head (head: …) to see its cost under it.`, range };
  return { kind: 'backbone', id, head: head.id, doc: backboneUnderHeadDoc({ head: head.id, backbone: id }, "The cell has errors: totals at the head's reference size and classes."), range };
}

/** The hover target at `offset` in a cell's text, if any. */
export function hoverTargetAt(text: string, offset: number): HoverTarget | undefined {
  // The diagnostic at the nesting says what is wrong; parsing it would only keep the editor waiting.
  if (nestingTooDeep(text) !== undefined) return undefined;
  const tree = new Tree(text);
  let js: unknown;
  try {
    js = tree.doc.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
  const hit = descend(tree, tree.root, [], offset);
  if (!hit) return undefined;
  const verb: Verb | undefined = verbIn(tree.keys([]));
  const range = tree.idx.range(hit.offsets[0], hit.offsets[1]);
  const last = hit.path[hit.path.length - 1];
  const parent = hit.path[hit.path.length - 2];

  const layer = layerOf(js, hit.path);
  if (layer) {
    const depth = hit.path.length - layer.itemPath.length;
    if (hit.at === 'key' && depth === 1 && typeof last === 'string' && last in LAYER_KEYS) {
      const doc = keyDoc(last, LAYER_KEYS[last]);
      if (doc) return { kind: 'key', doc, range };
    }
    if (hit.at === 'key' && depth === 2 && typeof last === 'string' && typeof parent === 'string') {
      const doc = keyDoc(last, OPS.get(parent)?.options[last] ?? LAYER_KEYS[last]);
      if (doc) return { kind: 'key', doc, range };
    }
    if (!layer.op) return undefined;
    return { kind: 'layer', scope: layer.scope, index: layer.index, op: layer.op, range: tree.range(layer.itemPath) };
  }

  if (hit.at === 'value' && (verb === 'detect' || verb === 'segment') && hit.path[0] === verb) {
    const value = isScalar(hit.node) ? hit.node.value : undefined;
    if (typeof value !== 'string') return undefined;
    if (hit.path.length === 2 && last === 'head') {
      const head = findHead(value);
      return head ? { kind: 'head', id: head.id, doc: headDoc(head), range } : undefined;
    }
    const [, key, third] = hit.path;
    const depth = hit.path.length;
    const backbonePlace =
      (key === 'backbone' && (depth === 2 || (depth === 3 && last === 'model'))) ||
      (key === 'backbones' && typeof third === 'number' && (depth === 3 || (depth === 4 && last === 'model')));
    if (backbonePlace && (findModel(value) || HEAD_ONLY_BACKBONES.includes(value))) return backboneHover(text, verb, js, value, range);
    return undefined;
  }

  if (hit.at === 'value') {
    const value = isScalar(hit.node) ? hit.node.value : undefined;
    const idPlace =
      last === 'model' ||
      (hit.path.length === 1 && (last === 'export' || (last === 'profile' && verb === 'profile'))) ||
      (parent === 'models' && typeof last === 'number');
    if (idPlace && typeof value === 'string' && findModel(value)) return { kind: 'model', id: value, range };
    if (idPlace && typeof value === 'string' && isOnnxPath(value) && (verb === 'model' || verb === 'profile' || verb === 'compare')) {
      return { kind: 'key', doc: ONNX_FILE_DOC, range };
    }
    return undefined;
  }

  if (typeof last !== 'string' || !verb) return undefined;
  if (hit.path.length === 1 && last === verb) return { kind: 'key', doc: `**${verb}** — ${VERB_DOCS[verb]}.`, range };
  if (parent === 'knobs' || parent === 'head_knobs') {
    const headId = valueAt(js, [verb, 'head']);
    const owner = parent === 'head_knobs' ? (typeof headId === 'string' ? findHead(headId) : undefined) : findModel(modelAt(tree, text, offset) ?? '');
    const knob = owner?.knobs.find((k) => k.name === last);
    if (!knob) return undefined;
    const bounds = knob.min !== undefined || knob.max !== undefined ? ` from ${knob.min ?? '−∞'} to ${knob.max ?? '∞'}` : '';
    const kind = knob.kind === 'choice' ? `one of ${(knob.choices ?? []).map((c) => `\`${c}\``).join(', ')}` : `${knob.kind}${bounds}`;
    return { kind: 'key', doc: `**${knob.name}** (knob) — ${knob.description}. ${kind}; default \`${JSON.stringify(knob.default)}\`.`, range };
  }
  const doc = keyDoc(last, schemaAt(verb, hit.path, js));
  return doc ? { kind: 'key', doc, range } : undefined;
}
