/**
 * Completions for the editor: verbs at the top, zoo ids after model: and in models:, knob names
 * under knobs: for the cell's model, ops in layers:, each op's options, and the values of keys
 * with a fixed set of them. Pure: the extension wraps the result in its own types.
 */
import { isMap, isScalar, isSeq, Node, YAMLMap } from 'yaml';
import { findModel, KnobSpec, zooModels } from '../zoo/index';
import { findHead, HEAD_ONLY_BACKBONES, heads } from '../zoo/heads/index';
import { headDoc } from './headed';
import { layerScopeName } from './cells';
import { cursorContext, CursorContext } from './cursorContext';
import { nestingTooDeep } from './nesting';
import { JsonSchema, LAYER_KEYS, OPS } from './networkLayers';
import { KNOWN_PROVIDERS, schemaAt, Verb, VERB_DOCS, VERBS } from './schema';
import { contains, offsetsOf } from './text';
import { keyOf, Tree } from './tree';
import { Range } from './types';

export type CompletionKind = 'verb' | 'model' | 'knob' | 'op' | 'key' | 'value';

export interface CompletionItem {
  readonly label: string;
  readonly kind: CompletionKind;
  /** A short line beside the label (family, type, default). */
  readonly detail?: string;
  /** Markdown shown with the selected item. */
  readonly documentation?: string;
  /** Text to insert instead of the label (e.g. "runs: "). */
  readonly insertText?: string;
  /** The text the item replaces: the word under the cursor. */
  readonly range: Range;
}

const isVerb = (k: string): k is Verb => (VERBS as readonly string[]).includes(k);

/** The cell's verb from its top-level keys (profile beside another verb is that verb's settings). */
export function verbIn(keys: readonly string[]): Verb | undefined {
  const verbs = keys.filter(isVerb);
  return verbs.find((v) => v !== 'profile') ?? verbs[0];
}

function topKeys(tree: Tree, text: string): string[] {
  const keys = tree.keys([]);
  if (keys.length) return keys;
  // Text that does not parse yet: keys written at column 0.
  return [...text.matchAll(/^([A-Za-z_][\w]*)\s*:/gm)].map((m) => m[1]);
}

function schemaDoc(schema: JsonSchema | undefined): string | undefined {
  if (!schema?.description) return undefined;
  const def = schema.default !== undefined ? ` (default ${JSON.stringify(schema.default)})` : '';
  return `${schema.description}${def}`;
}

function typeDetail(schema: JsonSchema | undefined): string | undefined {
  if (!schema) return undefined;
  if (schema.enum) return schema.enum.join(' | ');
  const t = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type;
  return t && schema.default !== undefined ? `${t} = ${JSON.stringify(schema.default)}` : t;
}

function knobDetail(k: KnobSpec): string {
  const range = k.min !== undefined || k.max !== undefined ? ` ${k.min ?? ''}–${k.max ?? ''}` : '';
  const kind = k.kind === 'choice' ? (k.choices ?? []).join(' | ') : `${k.kind}${range}`;
  return `${kind} = ${JSON.stringify(k.default)}`;
}

/** The zoo id that a knobs: at `offset` belongs to: the nearest enclosing mapping with model:, else the cell's. */
export function modelAt(tree: Tree, text: string, offset: number): string | undefined {
  let found: string | undefined;
  const visit = (node: unknown) => {
    const n = tree.deref(node);
    if (isMap(n)) {
      const model = (n as YAMLMap).items.find((p) => keyOf(p.key) === 'model');
      if (model && isScalar(model.value) && typeof model.value.value === 'string') found = model.value.value;
      for (const p of (n as YAMLMap).items) if (contains(offsetsOf(p.value as Node), offset)) visit(p.value);
    } else if (isSeq(n)) {
      for (const item of n.items) if (contains(offsetsOf(item as Node), offset)) visit(item);
    }
  };
  visit(tree.root);
  if (found) return found;
  for (const key of ['model', 'profile', 'export']) {
    const v = tree.find([key])?.node;
    if (isScalar(v) && typeof v.value === 'string') return v.value;
  }
  const sweep = tree.find(['sweep', 'model'])?.node;
  if (isScalar(sweep) && typeof sweep.value === 'string') return sweep.value;
  // Not parsed yet: the nearest "model: <id>" before the cursor.
  const before = [...text.slice(0, offset).matchAll(/\b(?:model|profile|export)\s*:\s*([A-Za-z0-9_]+)/g)];
  return before.length ? before[before.length - 1][1] : undefined;
}

/** Scopes of the layers written before `offset`, for from: and with:. */
function scopesBefore(tree: Tree, offset: number): string[] {
  for (const base of [['layers'], ['profile', 'layers']]) {
    const seq = tree.find(base)?.node;
    if (!isSeq(seq)) continue;
    const scopes = ['input'];
    seq.items.forEach((item, i) => {
      const r = offsetsOf(item as Node);
      if (!r || r[1] >= offset) return;
      let scope: string | undefined;
      if (isMap(item)) {
        for (const p of (item as YAMLMap).items) {
          if (keyOf(p.key) === 'scope' && isScalar(p.value)) scope = String(p.value.value);
          if (isMap(p.value)) {
            const inner = (p.value as YAMLMap).items.find((q) => keyOf(q.key) === 'scope');
            if (inner && isScalar(inner.value)) scope = String(inner.value.value);
          }
        }
      }
      scopes.push(layerScopeName(i + 1, scope));
    });
    return scopes;
  }
  return ['input'];
}

/** The schema at a context path ('-' read as any list item). */
function schemaOf(verb: Verb, path: readonly string[]): JsonSchema | undefined {
  return schemaAt(verb, path.map((p) => (p === '-' ? 0 : p)));
}

function modelItems(range: Range): CompletionItem[] {
  return zooModels().map((m) => ({
    label: m.id,
    kind: 'model' as const,
    detail: `${m.family} · width ${m.width}`,
    documentation: m.knobs.length ? `Knobs: ${m.knobs.map((k) => k.name).join(', ')}` : undefined,
    range,
  }));
}

/** The heads a detect or segment cell can use. */
function headItems(verb: Verb, range: Range): CompletionItem[] {
  return heads()
    .filter((h) => h.task === verb)
    .map((h) => ({ label: h.id, kind: 'model' as const, detail: `${h.title} · ${h.defaultResolution}×${h.defaultResolution}, strides ${h.strides.join('/')}`, documentation: headDoc(h), range }));
}

/** Backbones that exist only under heads (YOLOv8's CSPDarknet). */
function headOnlyItems(range: Range): CompletionItem[] {
  return HEAD_ONLY_BACKBONES.map((id) => ({ label: id, kind: 'model' as const, detail: "YOLOv8's own backbone (for yolov8 heads)", range }));
}

/** The head named in a detect or segment cell (possibly still being typed). */
function headIn(tree: Tree, text: string, verb: Verb | undefined): ReturnType<typeof findHead> {
  if (verb !== 'detect' && verb !== 'segment') return undefined;
  const node = tree.find([verb, 'head'])?.node;
  if (isScalar(node) && typeof node.value === 'string') return findHead(node.value);
  const written = /^\s+head\s*:\s*([A-Za-z0-9_]+)/m.exec(text)?.[1];
  return written ? findHead(written) : undefined;
}

function knobItems(knobs: readonly KnobSpec[], range: Range, insert: (k: string) => string): CompletionItem[] {
  return knobs.map((k) => ({ label: k.name, kind: 'knob' as const, detail: knobDetail(k), documentation: k.description, insertText: insert(k.name), range }));
}

function opItems(range: Range): CompletionItem[] {
  return [...OPS.values()].map((op) => ({
    label: op.name,
    kind: 'op' as const,
    detail: op.origin ?? 'op',
    documentation: `${op.doc}${Object.keys(op.options).length ? `\n\nOptions: ${Object.keys(op.options).join(', ')}` : ''}`,
    range,
  }));
}

function keyItems(schema: JsonSchema | undefined, range: Range, insert: (k: string) => string, skip: ReadonlySet<string> = new Set()): CompletionItem[] {
  return Object.entries(schema?.properties ?? {})
    .filter(([k]) => !skip.has(k))
    .map(([k, s]) => ({ label: k, kind: 'key' as const, detail: typeDetail(s), documentation: schemaDoc(s), insertText: insert(k), range }));
}

function valueItems(values: readonly unknown[], range: Range, detail?: string): CompletionItem[] {
  return values.map((v) => ({ label: String(v), kind: 'value' as const, detail, range }));
}

/** `form:` is offered beside a model with two forms, and in export cells (where it also decides BatchNorm folding). */
function formOffered(verb: Verb, tree: Tree, text: string, offset: number): boolean {
  return verb === 'export' || findModel(modelAt(tree, text, offset) ?? '')?.forms === true;
}

function keyPosition(ctx: CursorContext, verb: Verb | undefined, present: readonly string[], range: Range, insert: (k: string) => string, tree: Tree, text: string, offset: number): CompletionItem[] {
  const items = keyPositionItems(ctx, verb, present, range, insert, tree, text, offset);
  return verb && !formOffered(verb, tree, text, offset) ? items.filter((i) => !(i.kind === 'key' && i.label === 'form')) : items;
}

function keyPositionItems(ctx: CursorContext, verb: Verb | undefined, present: readonly string[], range: Range, insert: (k: string) => string, tree: Tree, text: string, offset: number): CompletionItem[] {
  const path = ctx.path;
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (!path.length) {
    if (!verb) return VERBS.map((v) => ({ label: v, kind: 'verb' as const, documentation: VERB_DOCS[v], insertText: insert(v), range }));
    return keyItems(schemaOf(verb, []), range, insert, new Set(present));
  }
  if (!verb) return [];
  if (last === 'knobs') return knobItems(findModel(modelAt(tree, text, offset) ?? '')?.knobs ?? [], range, insert);
  if (last === 'head_knobs') return knobItems(headIn(tree, text, verb)?.knobs ?? [], range, insert);
  if (last === '-' && parent === 'layers') {
    // "- |" starts a layer: its op. A later line of the item: repeat, scope, from.
    return ctx.dash ? opItems(range) : keyItems({ properties: { ...LAYER_KEYS } }, range, insert);
  }
  if (parent === '-' && path[path.length - 3] === 'layers') {
    const op = OPS.get(last);
    if (!op) return [];
    return keyItems({ properties: { ...op.options, ...LAYER_KEYS } }, range, insert);
  }
  if (last === '-' && parent === 'models') {
    return [...modelItems(range), ...keyItems(schemaOf(verb, path), range, insert)];
  }
  if (last === '-' && parent === 'backbones') {
    return [...modelItems(range), ...headOnlyItems(range), ...keyItems(schemaOf(verb, path), range, insert)];
  }
  return keyItems(schemaOf(verb, path), range, insert);
}

function valuePosition(ctx: CursorContext, verb: Verb | undefined, range: Range, tree: Tree, text: string, offset: number): CompletionItem[] {
  const path = ctx.path;
  const key = ctx.key;
  const atTop = path.length === 0;
  const headed = verb === 'detect' || verb === 'segment';
  if (headed && key === 'head' && path.length === 1) return headItems(verb, range);
  const backbonePlace = headed && ((ctx.listItem && key === 'backbones') || key === 'backbone' || (key === 'model' && path.includes('backbones')));
  if (backbonePlace) return [...modelItems(range), ...headOnlyItems(range)];
  if (key === 'model' || (atTop && (key === 'export' || (key === 'profile' && verb === 'profile'))) || (ctx.listItem && key === 'models')) {
    return modelItems(range);
  }
  if (!verb || key === undefined) return [];
  if (path[path.length - (ctx.listItem ? 2 : 1)] === 'head_knobs') {
    const spec = headIn(tree, text, verb)?.knobs.find((k) => k.name === key);
    if (spec?.kind === 'choice') return valueItems(spec.choices ?? [], range, spec.description);
    if (spec?.kind === 'boolean') return valueItems([true, false], range, spec.description);
    return [];
  }
  if (ctx.listItem && key === 'layers') return opItems(range);
  const knobsAt = ctx.listItem ? path[path.length - 2] === 'knobs' : path[path.length - 1] === 'knobs';
  if (knobsAt) {
    const spec = findModel(modelAt(tree, text, offset) ?? '')?.knobs.find((k) => k.name === key);
    if (spec?.kind === 'choice') return valueItems(spec.choices ?? [], range, spec.description);
    if (spec?.kind === 'boolean') return valueItems([true, false], range, spec.description);
    return [];
  }
  if ((key === 'with' || key === 'from') && path.includes('layers')) return valueItems(scopesBefore(tree, offset), range, 'scope of an earlier layer');
  if (key === 'provider') return valueItems(KNOWN_PROVIDERS, range, 'execution provider');
  const owner = ctx.listItem ? path.slice(0, -1) : path;
  let schema: JsonSchema | undefined;
  const i = owner.lastIndexOf('layers');
  if (i >= 0 && owner[i + 1] === '-' && owner.length === i + 3) {
    const op = OPS.get(owner[i + 2]);
    schema = op?.options[key] ?? LAYER_KEYS[key];
  } else {
    schema = schemaOf(verb, [...owner, key]);
  }
  if (!schema) return [];
  if (schema.enum) return valueItems(schema.enum, range, schema.description);
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('boolean')) return valueItems([true, false], range, schema.description);
  return [];
}

/** Completion items at `offset` in a cell's text. */
export function completionsAt(text: string, offset: number): CompletionItem[] {
  // Nothing fits in a cell nested too deep to parse; its diagnostic says so.
  if (nestingTooDeep(text) !== undefined) return [];
  const tree = new Tree(text);
  const ctx = cursorContext(text, offset);
  const range = tree.idx.range(ctx.word.start, ctx.word.end);
  const followedByColon = /^\s*:/.test(text.slice(ctx.word.end));
  const insert = (k: string) => (followedByColon ? k : `${k}: `);
  const cursorLine = tree.idx.position(offset).line;
  const present = topKeys(tree, text).filter((k) => {
    // The key being typed is not yet "present".
    const r = tree.find([k])?.pair;
    return !(r && tree.idx.nodeRange(r.key as Node).start.line === cursorLine);
  });
  if (ctx.position === 'key') return keyPosition(ctx, verbIn(present), present, range, insert, tree, text, offset);
  return valuePosition(ctx, verbIn(topKeys(tree, text)), range, tree, text, offset);
}
