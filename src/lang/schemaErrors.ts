/**
 * The JSON Schema pass of parseCell: ajv checks a cell against its verb's schema, and each ajv
 * error becomes one diagnostic in the user's words, at the range of the value it names.
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { JsonSchema, LAYER_KEYS, OPS } from './networkLayers';
import { CELL_SCHEMA, SCHEMA_ID, Verb } from './schema';
import { didYouMean } from './suggest';
import { Path, Tree } from './tree';
import { Diagnostic, Range } from './types';

let ajv: Ajv | undefined;
const validators = new Map<Verb, ValidateFunction>();

function validator(verb: Verb): ValidateFunction {
  let v = validators.get(verb);
  if (!v) {
    if (!ajv) {
      ajv = new Ajv({ allErrors: true, verbose: true, strictTypes: false, allowUnionTypes: true });
      ajv.addSchema(CELL_SCHEMA as object);
    }
    v = ajv.getSchema(`${SCHEMA_ID}#/definitions/${verb}Cell`);
    if (!v) throw new Error(`no schema for verb ${verb}`);
    validators.set(verb, v);
  }
  return v;
}

/** A number as YAML writes it: .nan and .inf are what the user typed. */
function yamlNumber(v: number): string {
  if (Number.isNaN(v)) return '.nan';
  if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
  return String(v);
}

/** A value quoted in a message: long strings and lists are cut, so one message stays one readable line. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return value.length > 60 ? `'${value.slice(0, 57)}…' (${value.length} characters)` : `'${value}'`;
  if (Array.isArray(value)) {
    const shown = value.slice(0, 8).map((v) => (typeof v === 'object' && v !== null ? '…' : typeof v === 'number' ? yamlNumber(v) : String(v).slice(0, 30)));
    return `a list [${shown.join(', ')}${value.length > 8 ? `, … (${value.length} items)` : ''}]`;
  }
  if (typeof value === 'object') return 'a mapping';
  return typeof value === 'number' ? yamlNumber(value) : String(value);
}

const TYPE_TEXT: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'empty',
};

function typeText(types: string | string[]): string {
  const list = (Array.isArray(types) ? types : [types]).map((t) => TYPE_TEXT[t] ?? t);
  return list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}` : list[0];
}

/** Where in a network a path points: its layer (1-based), op and option. */
function layerPart(path: Path): { layer: number; op?: string; option?: string } | undefined {
  const i = path.lastIndexOf('layers');
  if (i < 0 || typeof path[i + 1] !== 'number') return undefined;
  return { layer: (path[i + 1] as number) + 1, op: path[i + 2] as string | undefined, option: path[i + 3] as string | undefined };
}

/** How a message names the value at `path`. */
function label(path: Path): string {
  if (!path.length) return 'the cell';
  const layer = layerPart(path);
  if (layer) {
    if (path.length === path.lastIndexOf('layers') + 2) return `layer ${layer.layer}`;
    if (layer.option !== undefined) {
      const rest = path.slice(path.lastIndexOf('layers') + 4);
      return `'${[layer.option, ...rest].join('.')}' of ${layer.op} (layer ${layer.layer})`;
    }
    return `${layer.op} (layer ${layer.layer})`;
  }
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (typeof last === 'number') return parent === 'models' ? `model ${last + 1} of compare` : `item ${last + 1} of '${String(parent)}'`;
  if (parent === 'knobs') return `knob '${last}'`;
  return `'${last}'`;
}

/** The schema's errors for a cell, as diagnostics: none when it is valid, one per distinct message and place. */
export function schemaDiagnostics(tree: Tree, js: unknown, verb: Verb): Diagnostic[] {
  const validate = validator(verb);
  if (validate(js)) return [];
  const translator = new Translator(tree, js, verb);
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const d = translator.fromAjv(e);
    if (!d) continue;
    const key = `${d.message}@${d.range.start.line}:${d.range.start.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(d);
  }
  return diagnostics;
}

class Translator {
  constructor(
    readonly tree: Tree,
    readonly js: unknown,
    readonly verb: Verb,
  ) {}

  private pathOf(pointer: string): (string | number)[] {
    const path: (string | number)[] = [];
    let v = this.js;
    for (const raw of pointer.split('/').slice(1)) {
      const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      const step = Array.isArray(v) ? Number(seg) : seg;
      path.push(step);
      v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
    }
    return path;
  }

  fromAjv(e: ErrorObject): Diagnostic | undefined {
    const path = this.pathOf(e.instancePath);
    const parent = (e.parentSchema ?? {}) as JsonSchema;
    const at = (message: string, range: Range): Diagnostic => ({ message, severity: 'error', range });
    const what = label(path);
    const layer = layerPart(path);
    switch (e.keyword) {
      case 'if':
        return undefined;
      case 'additionalProperties': {
        const key = (e.params as { additionalProperty: string }).additionalProperty;
        const range = this.tree.keyRange([...path, key]);
        const allowed = Object.keys(parent.properties ?? {});
        if (path.length === 0) return at(this.unknownTopKey(key, allowed), range);
        if (layer && path.length === path.lastIndexOf('layers') + 2) {
          const ops = [...OPS.keys()];
          const hint = didYouMean(key, ops);
          return at(`unknown op '${key}'${hint || `; ops: ${ops.join(', ')}`}`, range);
        }
        if (layer && path.length === path.lastIndexOf('layers') + 3) {
          const options = allowed.filter((k) => !(k in LAYER_KEYS));
          const list = options.length ? `its options: ${options.join(', ')}` : 'it takes no options';
          return at(`${layer.op} has no option '${key}'${didYouMean(key, allowed)}; ${list}`, range);
        }
        if (path[path.length - 1] === 'profile') {
          return at(`unknown profile setting '${key}'${didYouMean(key, allowed)}; settings: ${allowed.join(', ')}`, range);
        }
        return at(`${what} has no key '${key}'${didYouMean(key, allowed)}; its keys: ${allowed.join(', ')}`, range);
      }
      case 'required': {
        const missing = (e.params as { missingProperty: string }).missingProperty;
        const hint = missing === 'input' ? ': [N, C, H, W]' : missing === 'layers' ? ' (a list of ops and blocks)' : '';
        if (path.length === 0) return at(`a ${this.verb} cell needs '${missing}${hint}'`, this.tree.keyRange([this.verb]));
        if (layer && layer.op && path.length === path.lastIndexOf('layers') + 3) return at(`${layer.op} needs '${missing}'`, this.tree.keyRange(path));
        return at(`${what} needs '${missing}${hint}'`, this.tree.keyRange(path));
      }
      case 'type': {
        const range = this.tree.range(path);
        if (layer && path.length === path.lastIndexOf('layers') + 2) {
          return at(`layer ${layer.layer} must be an op name (- relu) or an op with options (- conv: { out: 16 }), got ${describeValue(e.data)}`, range);
        }
        if ((path[path.length - 2] === 'models' || path[path.length - 2] === 'backbones') && typeof path[path.length - 1] === 'number') {
          return at(`${what} must be a zoo id or { model: <id>, … }, got ${describeValue(e.data)}`, range);
        }
        if (path.length === 2 && path[1] === 'backbone') {
          return at(`'backbone' must be a zoo id or { model: <id>, … }, got ${describeValue(e.data)}`, range);
        }
        if (layer && path.length === path.lastIndexOf('layers') + 3 && e.data === null) {
          const req = OPS.get(layer.op!)?.required ?? [];
          return at(`${layer.op} needs options: ${layer.op}: { ${req.map((r) => `${r}: …`).join(', ')} }`, range);
        }
        const axis = path[0] === 'sweep' && (path[1] === 'width' || path[1] === 'resolution' || path[1] === 'knobs') && path.length === (path[1] === 'knobs' ? 3 : 2);
        const hint = axis ? '; a sweep axis lists the values to try, e.g. [0.5, 1.0]' : '';
        return at(`${what} must be ${typeText((e.params as { type: string | string[] }).type)}, got ${describeValue(e.data)}${hint}`, range);
      }
      case 'enum': {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
        const range = this.tree.range(path);
        if (layer && path.length === path.lastIndexOf('layers') + 2) {
          const hint = didYouMean(String(e.data), allowed);
          return at(`unknown op ${describeValue(e.data)}${hint || `; ops: ${allowed.join(', ')}`}`, range);
        }
        const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed) : '';
        return at(`${what} must be one of ${allowed.join(', ')}, got ${describeValue(e.data)}${hint}`, range);
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const sign = { minimum: '≥', maximum: '≤', exclusiveMinimum: '>', exclusiveMaximum: '<' }[e.keyword];
        return at(`${what} must be ${sign} ${(e.params as { limit: number }).limit}, got ${describeValue(e.data)}`, this.tree.range(path));
      }
      case 'minItems':
      case 'maxItems': {
        const n = Array.isArray(e.data) ? e.data.length : 0;
        if (parent.minItems !== undefined && parent.minItems === parent.maxItems) {
          const shape = parent.minItems === 4 ? ' [N, C, H, W]' : '';
          return at(`${what} must have ${parent.minItems} items${shape}, got ${n}`, this.tree.range(path));
        }
        const limit = (e.params as { limit: number }).limit;
        const bound = e.keyword === 'minItems' ? 'at least' : 'at most';
        return at(`${what} must have ${bound} ${limit} item${limit === 1 ? '' : 's'}, got ${n}`, this.tree.range(path));
      }
      case 'minLength':
        return at(`${what} must not be empty`, this.tree.range(path));
      case 'pattern':
        return at(`${describeValue(e.data)} is not a scope name: letters, digits and _, with dots between parts (stage1.block2)`, this.tree.range(path));
      default:
        return at(`${what} ${e.message ?? 'is not valid'}`, this.tree.range(path));
    }
  }

  private unknownTopKey(key: string, allowed: string[]): string {
    const inside = this.verb === 'compare' || this.verb === 'sweep' || this.verb === 'detect' || this.verb === 'segment';
    if (inside && ['profile', 'resolution', 'classes', 'batch', 'width', 'knobs', 'input', 'models', 'model', 'head', 'backbone', 'backbones', 'head_knobs'].includes(key)) {
      return `'${key}' of a ${this.verb} cell goes inside it: ${this.verb}: { …, ${key}: … }`;
    }
    if (this.verb === 'export' && key === 'profile') return 'an export cell does not measure; write a profile cell to measure this model';
    if (this.verb === 'network' && ['resolution', 'classes', 'batch', 'width', 'knobs'].includes(key)) {
      return `'${key}' applies to zoo models; a network's input is 'input: [N, C, H, W]' and its classes are its last layer's`;
    }
    return `unknown key '${key}' in a ${this.verb} cell${didYouMean(key, allowed)}; its keys: ${allowed.join(', ')}`;
  }
}
