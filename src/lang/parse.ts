/**
 * parseCell: YAML → a typed cell, or diagnostics at the exact line and column. Three passes:
 * YAML syntax, the JSON Schema of the cell's verb (ajv, its errors worded in schemaErrors.ts),
 * then the checks the schema cannot make (zoo ids, each model's knobs and their ranges, layer
 * scopes and references).
 */
import { isMap, isScalar, Node, visit } from 'yaml';
import { findModel, KnobSpec, KnobValue, ModelForm, oneFormProblem, readForm, ZooModel, zooModels } from '../zoo/index';
import { findHead, HEAD_ONLY_BACKBONES, heads } from '../zoo/heads/index';
import { findDevice } from '../core/devices';
import type { Cell, Claim, CompareEntry, DeviceChoice, LayerSpec, ModelRef, NetworkSpec, ProfileSettings, SweepAxis } from './cells';
import { entryName, isOnnxPath, layerScopeName } from './cells';
import { LAYER_KEYS, OPS } from './networkLayers';
import { knownDeviceIds, KNOWN_PROVIDERS, schemaAt, Verb, VERBS } from './schema';
import { closest, didYouMean } from './suggest';
import { describeValue, schemaDiagnostics } from './schemaErrors';
import { nestingProblem } from './nesting';
import { Path, Tree } from './tree';
import { Diagnostic, Range, Severity } from './types';

export interface ParseResult {
  /** Set when the cell has no errors (warnings allowed). */
  readonly cell?: Cell;
  /** The cell as far as it could be read, when it has errors: checkCell builds what the errors leave checkable. */
  readonly partial?: Cell;
  readonly diagnostics: Diagnostic[];
}

/** At most this many layers in one network, each repeat counted. */
export const MAX_NETWORK_LAYERS = 500;

/** At most this many points in one sweep. */
export const MAX_SWEEP_POINTS = 1000;

/** Options that size or shape a zoo model; an .onnx file states its own. */
const FILE_FIXED_OPTIONS = ['resolution', 'classes', 'batch', 'width', 'knobs', 'form'] as const;

const VERB_LIST = VERBS.join(', ');
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

class Reader {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly tree: Tree,
    readonly js: unknown,
    readonly verb: Verb,
  ) {}

  report(message: string, range: Range, severity: Severity = 'error'): void {
    this.diagnostics.push({ message, severity, range });
  }

  get(path: Path): unknown {
    let v = this.js;
    for (const seg of path) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string, unknown>)[seg as string];
    }
    return v;
  }

  has(path: Path): boolean {
    return this.get(path) !== undefined;
  }

  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }

  // --- models --------------------------------------------------------------------------------

  /** Resolution and batch from `input: [N, 3, R, R]` or from resolution and batch. */
  private size(base: Path, ranges: Record<string, Range>): { resolution?: number; batch?: number; classes?: number; width?: number } {
    const out: { resolution?: number; batch?: number; classes?: number; width?: number } = {};
    for (const key of ['resolution', 'classes', 'batch', 'width'] as const) {
      const v = this.get([...base, key]);
      if (typeof v === 'number') {
        out[key] = v;
        ranges[key] = this.tree.range([...base, key]);
      }
    }
    const input = this.get([...base, 'input']);
    if (isRecord(input)) {
      this.report("a zoo model's input is one shape [N, 3, R, R]; a map from input name to shape applies to .onnx files", this.tree.range([...base, 'input']));
    } else if (Array.isArray(input) && input.length !== 4) {
      this.report(`'input' of a zoo model must have 4 items [N, 3, R, R], got ${input.length}`, this.tree.range([...base, 'input']));
    }
    if (Array.isArray(input) && input.length === 4 && input.every((d) => Number.isInteger(d) && d > 0)) {
      const range = this.tree.range([...base, 'input']);
      const [n, c, h, w] = input as number[];
      if (out.resolution !== undefined || out.batch !== undefined) {
        this.report(`give either input or resolution and batch, not both`, this.tree.keyRange([...base, 'input']));
      } else if (c !== 3) {
        this.report(`a zoo model takes 3 input channels, got ${c}`, this.tree.range([...base, 'input', 1]));
      } else if (h !== w) {
        this.report(`zoo models take square inputs [N, 3, R, R], got ${h}×${w}`, range);
      } else {
        out.batch = n;
        out.resolution = h;
        ranges.batch = range;
        ranges.resolution = range;
        ranges.input = range;
      }
    }
    return out;
  }

  /**
   * A zoo model at `idPath` with the options of the mapping at `base` (none when undefined), the
   * compare-wide `shared` options filling in what it does not set.
   */
  model(
    idPath: Path,
    base: Path | undefined,
    o: { shared?: Partial<ModelRef>; grid?: boolean; files?: boolean } = {},
  ): ModelRef | undefined {
    const id = this.get(idPath);
    if (typeof id !== 'string') return undefined;
    const range = this.tree.range(idPath);
    const model = findModel(id);
    if (!model && isOnnxPath(id)) {
      if (!o.files) {
        this.report(`${this.verb === 'export' ? 'an' : 'a'} ${this.verb} cell takes zoo ids, not .onnx files; model:, profile: and compare: cells read '${id}'`, range);
        return undefined;
      }
      return this.file(id, range, base);
    }
    if (!model) {
      const hint = didYouMean(id, zooModels().map((m) => m.id));
      this.report(`unknown model id '${id}'${hint || " (run 'lcnb list' for the ids)"}`, range);
    }
    const ranges: Record<string, Range> = { ...(o.shared?.ranges ?? {}) };
    let size: ReturnType<Reader['size']> = {};
    const knobs: Record<string, KnobValue> = {};
    if (base && !o.grid) {
      size = this.size(base, ranges);
      const written = this.get([...base, 'knobs']);
      if (isRecord(written) && model) {
        for (const [name, value] of Object.entries(written)) {
          const spec = this.knob(id, model.knobs, name, [...base, 'knobs', name]);
          if (!spec) continue;
          const path = [...base, 'knobs', name];
          ranges[`knobs.${name}`] = this.tree.range(path);
          if (this.knobValue(id, spec, value as KnobValue, path)) knobs[name] = value as KnobValue;
        }
      }
    } else if (base) {
      for (const key of ['classes', 'batch'] as const) {
        const v = this.get([...base, key]);
        if (typeof v === 'number') {
          size[key] = v;
          ranges[key] = this.tree.range([...base, key]);
        }
      }
    }
    const form = base && !o.grid ? this.form(model, base, ranges) : undefined;
    if (!model) return undefined;
    const shared = o.shared ?? {};
    const written = (key: 'resolution' | 'classes' | 'batch') => size[key] ?? shared[key];
    return {
      id,
      range,
      resolution: written('resolution'),
      classes: written('classes'),
      batch: written('batch'),
      width: size.width,
      knobs,
      ...(form ? { form } : {}),
      ranges,
    };
  }

  /**
   * `form:` of a zoo model: the form a re-parameterised model is built in. An export cell's form
   * applies to every model (it also decides BatchNorm folding), so there it is passed on only to a
   * model that has two forms; elsewhere it is an error beside a model that has one.
   */
  private form(model: ZooModel | undefined, base: Path, ranges: Record<string, Range>): ModelForm | undefined {
    const value = this.get([...base, 'form']);
    if (value === undefined || !model) return undefined;
    const written = readForm(value);
    if (!written) return undefined; // the schema reports the value
    if (!model.forms) {
      if (this.verb !== 'export') this.report(oneFormProblem(model.id), this.tree.keyRange([...base, 'form']));
      return undefined;
    }
    ranges.form = this.tree.range([...base, 'form']);
    return written;
  }

  /**
   * An .onnx file: run as stored, so the zoo's size, width and knob options are errors beside it;
   * `input:` gives the shape of inputs the file leaves symbolic (one shape, or a map by input name).
   */
  private file(id: string, range: Range, base: Path | undefined): ModelRef | undefined {
    let clean = true;
    for (const key of base ? FILE_FIXED_OPTIONS : []) {
      if (this.get([...base!, key]) === undefined) continue;
      this.report(`'${key}' applies to zoo models; an .onnx file runs as stored, at the input shape it states or 'input:' gives`, this.tree.keyRange([...base!, key]));
      clean = false;
    }
    const input = base ? this.get([...base, 'input']) : undefined;
    const valid = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((d) => Number.isInteger(d) && d > 0);
    let inputShapes: Record<string, number[]> | undefined;
    if (valid(input)) inputShapes = { '': input };
    else if (isRecord(input) && Object.values(input).every(valid)) inputShapes = input as Record<string, number[]>;
    else if (input !== undefined) clean = false;
    const ranges: Record<string, Range> = inputShapes ? { input: this.tree.range([...base!, 'input']) } : {};
    return clean ? { id, range, file: true, knobs: {}, ranges, ...(inputShapes ? { inputShapes } : {}) } : undefined;
  }

  /** The spec of knob `name` of model `id`, or an error at the knob's key. */
  private knob(id: string, specs: readonly KnobSpec[], name: string, path: Path): KnobSpec | undefined {
    const spec = specs.find((k) => k.name === name);
    if (spec) return spec;
    const names = specs.map((k) => k.name);
    const list = names.length ? `its knobs: ${names.join(', ')}` : 'it has no knobs';
    this.report(`${id} has no knob '${name}'${didYouMean(name, names)}; ${list}`, this.tree.keyRange(path));
    return undefined;
  }

  private knobValue(id: string, spec: KnobSpec, value: KnobValue, path: Path, hint = ''): boolean {
    const expected = knobProblem(spec, value);
    if (!expected) return true;
    this.report(`knob '${spec.name}' of ${id} must be ${expected}, got ${describeValue(value)}${hint}`, this.tree.range(path));
    return false;
  }

  settings(path: Path, o: { fields?: Path } = {}): ProfileSettings | false | undefined {
    const v = this.get(path);
    if (v === undefined) return undefined;
    if (v === false) return false;
    const base = o.fields ?? path;
    const s: { -readonly [K in keyof ProfileSettings]: ProfileSettings[K] } = {};
    for (const key of ['runs', 'warmup', 'threads'] as const) {
      const n = this.get([...base, key]);
      if (typeof n === 'number') s[key] = n;
    }
    const provider = this.get([...base, 'provider']);
    if (typeof provider === 'string') {
      s.provider = provider;
      if (!(KNOWN_PROVIDERS as readonly string[]).includes(provider)) {
        this.report(
          `provider '${provider}' is not one lcnb knows (${KNOWN_PROVIDERS.join(', ')})${didYouMean(provider, KNOWN_PROVIDERS)}; if onnxruntime cannot start it, the cell runs on cpu and says why`,
          this.tree.range([...base, 'provider']),
          'warning',
        );
      }
    }
    const opt = this.get([...base, 'opt']);
    if (typeof opt === 'string') s.opt = opt as ProfileSettings['opt'];
    if (this.get([...base, 'isolated']) === true) s.isolated = true;
    return s;
  }

  /**
   * The devices of `predict:` at `path` (one id or a list), in the order written; an unknown id is
   * an error at the id (with did-you-mean and the presets), an id listed twice a warning.
   */
  predict(path: Path): DeviceChoice[] | undefined {
    const v = this.get(path);
    if (v === undefined) return undefined;
    const items: { item: unknown; path: Path }[] = Array.isArray(v) ? v.map((item, i) => ({ item, path: [...path, i] })) : [{ item: v, path }];
    const known = knownDeviceIds();
    const devices: DeviceChoice[] = [];
    for (const { item, path: at } of items) {
      // Not a string: the schema says so.
      if (typeof item !== 'string') continue;
      const range = this.tree.range(at);
      if (!findDevice(item)) {
        this.report(`unknown device '${item}'${didYouMean(item, known)} (known: ${known.join(', ')})`, range);
      } else if (devices.some((d) => d.id === item)) {
        this.report(`device '${item}' is already in this list`, range, 'warning');
      } else {
        devices.push({ id: item, range });
      }
    }
    return devices;
  }

  // --- networks ------------------------------------------------------------------------------

  network(base: Path, namePath: Path): NetworkSpec | undefined {
    const name = this.get(namePath);
    const input = this.get([...base, 'input']);
    const items = this.get([...base, 'layers']);
    const layers: LayerSpec[] = [];
    const scopes = new Map<string, number>();
    if (Array.isArray(items)) {
      items.forEach((item, i) => {
        const layer = this.layer([...base, 'layers', i], i + 1, item, scopes);
        if (layer) layers.push(layer);
        else {
          // A layer that cannot be read keeps its scope: a later reference to it is not a second error.
          const scope = layerScopeName(i + 1, isRecord(item) && typeof item.scope === 'string' ? item.scope : undefined);
          if (![...scopes.keys()].some((s) => s === scope || s.startsWith(`${scope}.`) || scope.startsWith(`${s}.`))) scopes.set(scope, i + 1);
        }
      });
      // Each layer is built, checked and counted on every edit: a bound keeps that interactive.
      const total = layers.reduce((n, l) => n + l.repeat, 0);
      if (total > MAX_NETWORK_LAYERS) {
        this.report(`a network holds at most ${MAX_NETWORK_LAYERS} layers (repeats counted); this one has ${total}`, this.tree.keyRange([...base, 'layers']));
        return undefined;
      }
    }
    if (typeof name !== 'string' || !Array.isArray(input) || !Array.isArray(items)) return undefined;
    return { name, range: this.tree.range(namePath), input: input as number[], inputRange: this.tree.range([...base, 'input']), layers };
  }

  private layer(path: Path, index: number, item: unknown, scopes: Map<string, number>): LayerSpec | undefined {
    const range = this.tree.range(path);
    let op: string;
    let args: Record<string, unknown> = {};
    let opRange = range;
    const argRanges: Record<string, Range> = {};
    const extra: Record<string, unknown> = {};
    if (typeof item === 'string') {
      op = item;
      const spec = OPS.get(op);
      if (!spec) return undefined;
      if (spec.required?.length) {
        this.report(`${op} needs options: - ${op}: { ${spec.required.map((r) => `${r}: …`).join(', ')} }`, range);
        return undefined;
      }
    } else if (isRecord(item)) {
      const keys = Object.keys(item);
      const ops = keys.filter((k) => OPS.has(k));
      if (!ops.length) {
        if (keys.every((k) => k in LAYER_KEYS)) this.report(`layer ${index} has no op (e.g. - conv: { out: 16 })`, range);
        return undefined;
      }
      if (ops.length > 1) {
        this.report(`layer ${index} has two ops, ${ops[0]} and ${ops[1]}; give each its own '- ' item`, this.tree.keyRange([...path, ops[1]]));
        return undefined;
      }
      op = ops[0];
      opRange = this.tree.keyRange([...path, op]);
      const value = item[op];
      if (value !== null && !isRecord(value)) return undefined;
      for (const key of Object.keys(LAYER_KEYS)) {
        if (item[key] !== undefined) {
          extra[key] = item[key];
          argRanges[key] = this.tree.range([...path, key]);
        }
      }
      for (const [key, v] of Object.entries(value ?? {})) {
        const argPath = [...path, op, key];
        if (key in LAYER_KEYS) {
          if (extra[key] !== undefined) {
            this.report(`'${key}' is given twice, beside ${op} and inside its options`, this.tree.keyRange(argPath));
            return undefined;
          }
          extra[key] = v;
        } else {
          args[key] = v;
        }
        argRanges[key] = this.tree.range(argPath);
      }
      for (const [a, b] of OPS.get(op)!.exclusive ?? []) {
        if (args[a] !== undefined && args[b] !== undefined) {
          this.report(`give ${a} or ${b}, not both`, this.tree.keyRange([...path, op, b]));
          return undefined;
        }
      }
    } else {
      return undefined;
    }
    const repeat = typeof extra.repeat === 'number' ? extra.repeat : 1;
    const userScope = typeof extra.scope === 'string' ? extra.scope : undefined;
    const scope = layerScopeName(index, userScope);
    const scopeRange = argRanges.scope ?? opRange;
    for (const [other, at] of scopes) {
      const clash =
        other === scope
          ? `scope '${scope}' is already layer ${at}'s`
          : scope.startsWith(`${other}.`)
            ? `scope '${scope}' would sit inside layer ${at}'s scope '${other}'`
            : other.startsWith(`${scope}.`)
              ? `scope '${scope}' would contain layer ${at}'s scope '${other}'`
              : undefined;
      if (clash) {
        this.report(`${clash}; give one of them another scope: name`, scopeRange);
        return undefined;
      }
    }
    const from = typeof extra.from === 'string' ? extra.from : undefined;
    if (from !== undefined && !this.reference(from, scopes, argRanges.from)) return undefined;
    for (const ref of refsOf(op, args)) {
      const refRange = ref.item === undefined ? argRanges.with : this.tree.range([...path, op, 'with', ref.item]);
      if (!this.reference(ref.name, scopes, refRange)) return undefined;
    }
    scopes.set(scope, index);
    return { index, op, args, repeat, scope, from, range, opRange, argRanges };
  }

  private reference(name: string, scopes: ReadonlyMap<string, number>, range: Range): boolean {
    if (name === 'input' || scopes.has(name)) return true;
    const known = ['input', ...scopes.keys()];
    this.report(`no earlier layer has scope '${name}'${didYouMean(name, known)}; earlier scopes: ${known.join(', ')}`, range);
    return false;
  }

  // --- cells ---------------------------------------------------------------------------------

  cell(): Cell | undefined {
    const range = this.tree.keyRange([this.verb]);
    switch (this.verb) {
      case 'model': {
        const model = this.model(['model'], [], { files: true });
        const profile = this.settings(['profile']);
        const predict = this.predict(['predict']);
        return model && { verb: 'model', range, model, profile, ...(predict ? { predict } : {}) };
      }
      case 'network': {
        const network = this.network([], ['network']);
        const profile = this.settings(['profile']);
        const predict = this.predict(['predict']);
        return network && { verb: 'network', range, network, profile, ...(predict ? { predict } : {}) };
      }
      case 'compare':
        return this.compare(range);
      case 'profile':
        return this.profile(range);
      case 'sweep':
        return this.sweep(range);
      case 'detect':
      case 'segment':
        return this.headed(this.verb, range);
      case 'export': {
        const model = this.model(['export'], []);
        const path = this.get(['path']);
        if (typeof path === 'string' && path && !path.toLowerCase().endsWith('.onnx')) {
          this.report(`path '${path}' does not end in .onnx`, this.tree.range(['path']), 'warning');
        }
        const form = this.get(['form']);
        const seed = this.get(['seed']);
        if (!model || typeof path !== 'string') return undefined;
        return {
          verb: 'export',
          range,
          model,
          path,
          pathRange: this.tree.range(['path']),
          form: form === 'training' ? 'training' : 'deploy',
          seed: typeof seed === 'number' ? seed : 0,
        };
      }
      default:
        return undefined;
    }
  }

  private compare(range: Range): Cell | undefined {
    const sharedRanges: Record<string, Range> = {};
    const shared = this.size(['compare'], sharedRanges);
    const items = this.get(['compare', 'models']);
    const entries: CompareEntry[] = [];
    let complete = Array.isArray(items);
    if (Array.isArray(items)) {
      items.forEach((item, i) => {
        const path = ['compare', 'models', i];
        if (isRecord(item) && typeof item.network === 'string') {
          entries.push({ kind: 'network', network: { name: item.network, range: this.tree.range([...path, 'network']) } });
          return;
        }
        const model =
          typeof item === 'string'
            ? this.model(path, undefined, { shared: { ...shared, ranges: sharedRanges }, files: true })
            : isRecord(item)
              ? this.model([...path, 'model'], path, { shared: { ...shared, ranges: sharedRanges }, files: true })
              : undefined;
        if (model) entries.push({ kind: 'model', model });
        else complete = false;
      });
    }
    const claims = complete ? this.claims(entries) : [];
    const profile = this.settings(['compare', 'profile']);
    const predict = this.predict(['compare', 'predict']);
    return complete && claims ? { verb: 'compare', range, entries, claims, profile, ...(predict ? { predict } : {}) } : undefined;
  }

  /** The compare's claims, each naming two of its entries; undefined when one names no entry. */
  private claims(entries: readonly CompareEntry[]): Claim[] | undefined {
    const written = this.get(['compare', 'claim']);
    if (written === undefined) return [];
    const list: { item: unknown; path: Path }[] = Array.isArray(written)
      ? written.map((item, i) => ({ item, path: ['compare', 'claim', i] }))
      : [{ item: written, path: ['compare', 'claim'] }];
    const names = entries.map(entryName);
    const claims: Claim[] = [];
    let ok = true;
    for (const { item, path } of list) {
      if (!isRecord(item) || typeof item.faster !== 'string' || typeof item.than !== 'string' || typeof item.source !== 'string') {
        ok = false;
        continue;
      }
      let named = true;
      for (const key of ['faster', 'than'] as const) {
        const name = item[key] as string;
        const count = names.filter((n) => n === name).length;
        if (count === 1) continue;
        named = false;
        const range = this.tree.range([...path, key]);
        if (count === 0) this.report(`no entry of this compare is '${name}'${didYouMean(name, names)}; its entries: ${names.join(', ')}`, range);
        else this.report(`'${name}' is ${count} entries of this compare; a claim compares entries with different names`, range);
      }
      if (named && item.faster === item.than) {
        named = false;
        this.report('a claim compares two different entries', this.tree.range([...path, 'than']));
      }
      ok &&= named;
      claims.push({ faster: item.faster, than: item.than, source: item.source, range: this.tree.range(path) });
    }
    return ok ? claims : undefined;
  }

  private profile(range: Range): Cell | undefined {
    const target = this.get(['profile']);
    if (typeof target === 'string') {
      const model = this.model(['profile'], [], { files: true });
      const settings = this.settings([], { fields: [] }) || {};
      return model && { verb: 'profile', range, target: { kind: 'model', model }, settings };
    }
    if (!isRecord(target)) return undefined;
    const known = Object.keys(schemaAt('profile', [])?.properties ?? {});
    for (const key of this.tree.keys([])) {
      if (key !== 'profile' && known.includes(key)) this.report(`with profile: { … }, put '${key}' inside it`, this.tree.keyRange([key]));
    }
    const settings = this.settings(['profile']) || {};
    const hasModel = target.model !== undefined;
    const hasNetwork = target.network !== undefined;
    if (hasModel && hasNetwork) {
      this.report('profile one thing: a zoo model (model:) or a network (network:, input:, layers:)', this.tree.keyRange(['profile', 'network']));
      return undefined;
    }
    if (hasModel) {
      if (target.layers !== undefined) this.report("'layers' belong to a network; this profiles the zoo model named by model:", this.tree.keyRange(['profile', 'layers']));
      const model = this.model(['profile', 'model'], ['profile'], { files: true });
      return model && { verb: 'profile', range, target: { kind: 'model', model }, settings };
    }
    if (hasNetwork) {
      for (const key of ['resolution', 'classes', 'batch', 'width', 'knobs']) {
        if (target[key] !== undefined) {
          this.report(`'${key}' applies to zoo models; a network's size is its input: [N, C, H, W]`, this.tree.keyRange(['profile', key]));
        }
      }
      for (const key of ['input', 'layers']) {
        if (target[key] === undefined) this.report(`a network needs '${key}'${key === 'input' ? ': [N, C, H, W]' : ''}`, this.tree.keyRange(['profile', 'network']));
      }
      const network = this.network(['profile'], ['profile', 'network']);
      return network && { verb: 'profile', range, target: { kind: 'network', network }, settings };
    }
    this.report('profile needs a zoo id (profile: mobilenet_v2_x1_0), or model: or network: inside it', range);
    return undefined;
  }

  /** A detect or segment cell: its head (of the verb's task), head knobs and backbones. */
  private headed(verb: 'detect' | 'segment', range: Range): Cell | undefined {
    const headId = this.get([verb, 'head']);
    const headRange = this.tree.range([verb, 'head']);
    let head = typeof headId === 'string' ? findHead(headId) : undefined;
    const task = verb === 'detect' ? 'detection' : 'segmentation';
    const sameTask = heads().filter((h) => h.task === verb).map((h) => h.id);
    if (typeof headId === 'string' && !head) {
      this.report(`unknown ${task} head '${headId}'${didYouMean(headId, heads().map((h) => h.id))}; ${verb} heads: ${sameTask.join(', ')}`, headRange);
    } else if (head && head.task !== verb) {
      const other = head.task === 'detect' ? 'detection' : 'segmentation';
      this.report(`${head.id} (${head.title}) is a ${other} head: write it in a ${head.task}: cell; ${verb} heads: ${sameTask.join(', ')}`, headRange);
      head = undefined;
    }
    const headKnobs: Record<string, KnobValue> = {};
    const headKnobRanges: Record<string, Range> = {};
    const written = this.get([verb, 'head_knobs']);
    if (head && isRecord(written)) {
      for (const [name, value] of Object.entries(written)) {
        const path = [verb, 'head_knobs', name];
        const spec = this.knob(head.id, head.knobs, name, path);
        if (!spec) continue;
        headKnobRanges[name] = this.tree.range(path);
        if (this.knobValue(head.id, spec, value as KnobValue, path)) headKnobs[name] = value as KnobValue;
      }
    }

    const sharedRanges: Record<string, Range> = {};
    const shared = this.size([verb], sharedRanges);
    const one = this.get([verb, 'backbone']);
    const many = this.get([verb, 'backbones']);
    if (one !== undefined && many !== undefined) {
      this.report("give backbone: <id> or backbones: [<id>, …], not both", this.tree.keyRange([verb, 'backbone']));
      return undefined;
    }
    if (one === undefined && many === undefined) {
      this.report(`a ${verb} cell needs 'backbones: [<zoo id>, …]' (or backbone: <zoo id>)`, this.tree.keyRange([verb]));
      return undefined;
    }
    const items: { path: Path; item: unknown }[] =
      one !== undefined ? [{ path: [verb, 'backbone'], item: one }] : Array.isArray(many) ? many.map((item, i) => ({ path: [verb, 'backbones', i], item })) : [];
    const backbones: ModelRef[] = [];
    let complete = one !== undefined || Array.isArray(many);
    for (const { path, item } of items) {
      const options = { shared: { ...shared, ranges: sharedRanges } };
      const idPath = typeof item === 'string' ? path : [...path, 'model'];
      const id = this.get(idPath);
      let model: ModelRef | undefined;
      if (typeof id === 'string' && HEAD_ONLY_BACKBONES.includes(id)) {
        model = this.headOnlyBackbone(id, idPath, path, item, options.shared);
      } else if (typeof id === 'string' && !findModel(id)) {
        const hint = didYouMean(id, [...zooModels().map((m) => m.id), ...HEAD_ONLY_BACKBONES]);
        this.report(`unknown backbone '${id}'${hint || " (a zoo id: 'lcnb list' shows them)"}`, this.tree.range(idPath));
      } else {
        model = typeof item === 'string' ? this.model(path, undefined, options) : isRecord(item) ? this.model(idPath, path, options) : undefined;
      }
      if (model) backbones.push(model);
      else complete = false;
    }
    const profile = this.settings([verb, 'profile']);
    if (!head || typeof headId !== 'string' || !complete) return undefined;
    return { verb, range, head: head.id, headRange, backbones, headKnobs, headKnobRanges, profile };
  }

  /** A backbone that exists only under heads (YOLOv8's own CSPDarknet): no width, no knobs. */
  private headOnlyBackbone(id: string, idPath: Path, itemPath: Path, item: unknown, shared: Partial<ModelRef> & { ranges: Record<string, Range> }): ModelRef | undefined {
    if (isRecord(item)) {
      const extra = ['width', 'knobs'].find((k) => item[k] !== undefined);
      if (extra) {
        this.report(`${id} is YOLOv8's own backbone, sized by its head's scale: it takes no ${extra}`, this.tree.keyRange([...itemPath, extra]));
        return undefined;
      }
    }
    return { id, range: this.tree.range(idPath), resolution: shared.resolution, classes: shared.classes, batch: shared.batch, knobs: {}, ranges: { ...shared.ranges } };
  }

  private sweep(range: Range): Cell | undefined {
    const model = this.model(['sweep', 'model'], ['sweep'], { grid: true });
    const spec = model && findModel(model.id);
    const axes: SweepAxis[] = [];
    for (const key of this.tree.keys(['sweep'])) {
      if (key === 'width' || key === 'resolution') {
        const values = this.get(['sweep', key]);
        if (Array.isArray(values)) axes.push(this.axis(key, key, ['sweep', key], values as KnobValue[]));
      } else if (key === 'form') {
        const values = this.get(['sweep', 'form']);
        if (spec && !spec.forms) {
          this.report(oneFormProblem(spec.id), this.tree.keyRange(['sweep', 'form']));
        } else if (Array.isArray(values)) {
          axes.push(this.axis('form', 'form', ['sweep', 'form'], values as KnobValue[]));
        }
      } else if (key === 'knobs' && spec) {
        const grid = this.get(['sweep', 'knobs']);
        if (!isRecord(grid)) continue;
        for (const [name, values] of Object.entries(grid)) {
          const knob = this.knob(spec.id, spec.knobs, name, ['sweep', 'knobs', name]);
          if (!knob || !Array.isArray(values)) continue;
          values.forEach((v, i) => this.knobValue(spec.id, knob, v as KnobValue, ['sweep', 'knobs', name, i], knob.kind === 'indices' ? ' (a sweep lists the values to try: [[12, 13], []])' : ''));
          axes.push(this.axis('knob', name, ['sweep', 'knobs', name], values as KnobValue[]));
        }
      }
    }
    const points = axes.reduce((n, a) => n * a.values.length, 1);
    if (points > MAX_SWEEP_POINTS) {
      this.report(`this sweep has ${points} points (${axes.map((a) => a.values.length).join(' × ')}); at most ${MAX_SWEEP_POINTS}`, range);
    } else if (!axes.length && model && !['width', 'resolution', 'form', 'knobs'].some((k) => this.has(['sweep', k]))) {
      this.report('this sweep varies nothing: give width: […], resolution: […], form: […] or knobs: { name: […] }', range, 'warning');
    }
    const profile = this.settings(['sweep', 'profile']);
    return model && { verb: 'sweep', range, model, axes, profile: profile || undefined };
  }

  private axis(kind: SweepAxis['kind'], name: string, path: Path, values: KnobValue[]): SweepAxis {
    const ranges = values.map((_, i) => this.tree.range([...path, i]));
    const seen = new Set<string>();
    values.forEach((v, i) => {
      const key = JSON.stringify(v);
      if (seen.has(key)) this.report(`${describeValue(v)} is already in this list`, ranges[i], 'warning');
      seen.add(key);
    });
    return { kind, name, values, ranges };
  }
}

/** The names an add/concat layer refers to with `with`, and their list positions. */
function refsOf(op: string, args: Readonly<Record<string, unknown>>): { name: string; item?: number }[] {
  if (op !== 'add' && op !== 'concat') return [];
  const w = args.with;
  if (typeof w === 'string') return [{ name: w }];
  if (Array.isArray(w)) return w.flatMap((name, item) => (typeof name === 'string' ? [{ name, item }] : []));
  return [];
}

/** What a knob value should be when it is not (e.g. "a number from 0 to 1"), or undefined when it is fine. */
export function knobProblem(spec: KnobSpec, value: KnobValue): string | undefined {
  const inRange = (v: number) => (spec.min === undefined || v >= spec.min) && (spec.max === undefined || v <= spec.max);
  const rangeText = spec.min !== undefined || spec.max !== undefined ? ` from ${spec.min ?? '−∞'} to ${spec.max ?? '∞'}` : '';
  switch (spec.kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && inRange(value) ? undefined : `a number${rangeText}`;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && inRange(value) ? undefined : `a whole number${rangeText}`;
    case 'choice':
      return typeof value === 'string' && spec.choices?.includes(value) ? undefined : `one of ${spec.choices?.join(', ')}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'true or false';
    case 'indices':
      return Array.isArray(value) && value.every((v) => Number.isInteger(v) && inRange(v)) ? undefined : `a list of block numbers${rangeText}`;
  }
}

const SYNTAX_MESSAGES: Record<string, string> = {
  MULTIPLE_DOCS: "a cell holds one YAML document; remove the '---'",
  TAB_AS_INDENT: 'YAML indents with spaces, not tabs',
};

function syntaxDiagnostics(tree: Tree): Diagnostic[] {
  const out: Diagnostic[] = [];
  const add = (severity: Severity) => (e: { code: string; message: string; pos: [number, number] }) => {
    let [start, end] = e.pos;
    if (end <= start) end = Math.min(start + 1, tree.text.length);
    let message = SYNTAX_MESSAGES[e.code] ?? e.message.replace(/ at line \d+, column \d+[\s\S]*$/, '');
    if (e.code === 'DUPLICATE_KEY') {
      const key = /^[^:\s,{}[\]]+/.exec(tree.text.slice(start))?.[0] ?? '?';
      end = start + key.length;
      message = `key '${key}' appears twice in this mapping`;
    }
    out.push({ message: `YAML: ${message}`, severity, range: tree.idx.range(start, end) });
  };
  tree.doc.errors.forEach(add('error'));
  tree.doc.warnings.forEach(add('warning'));
  visit(tree.doc, {
    Pair(_, pair) {
      if (pair.key !== null && !isScalar(pair.key)) {
        out.push({ message: 'keys are plain names, not lists or mappings', severity: 'error', range: tree.idx.nodeRange(pair.key as Node) });
      }
    },
  });
  return out;
}

/** The cell's verb, or a diagnostic saying why there is not exactly one. */
function verbOf(tree: Tree): { verb?: Verb; diagnostic?: Diagnostic } {
  const root = tree.root;
  const empty = !root || (isScalar(root) && (root.value === null || root.value === ''));
  if (empty) {
    return { diagnostic: { message: `empty cell: write one verb, e.g. model: mobilenet_v2_x1_0 (verbs: ${VERB_LIST})`, severity: 'error', range: tree.idx.range(0, 0) } };
  }
  if (!isMap(root)) {
    return { diagnostic: { message: `a cell is a mapping with one verb (${VERB_LIST}), e.g. model: mobilenet_v2_x1_0`, severity: 'error', range: tree.idx.nodeRange(root as Node) } };
  }
  const keys = tree.keys([]);
  const verbs = keys.filter((k): k is Verb => (VERBS as readonly string[]).includes(k));
  if (!verbs.length) {
    const first = keys[0] ?? '';
    const hint = closest(first, VERBS);
    return {
      diagnostic: {
        message: `unknown verb '${first}'${hint.length ? ` (did you mean ${hint.join(', ')}?)` : ''}; a cell starts with one of ${VERB_LIST}`,
        severity: 'error',
        range: tree.keyRange([first]),
      },
    };
  }
  // Beside another verb, profile: holds that cell's measurement settings.
  const main = verbs.length > 1 ? verbs.filter((v) => v !== 'profile') : verbs;
  if (main.length > 1) {
    return {
      diagnostic: {
        message: `a cell has exactly one verb; this one has ${main.map((v) => `'${v}'`).join(' and ')}: split it into ${main.length} cells`,
        severity: 'error',
        range: tree.keyRange([main[1]]),
      },
    };
  }
  return { verb: main[0] };
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

/** Parses one cell's text: the typed cell when it has no errors, and every diagnostic with its range. */
export function parseCell(text: string): ParseResult {
  const deep = nestingProblem(text);
  if (deep) return { diagnostics: [deep] };
  const tree = new Tree(text);
  const syntax = syntaxDiagnostics(tree);
  if (syntax.some((d) => d.severity === 'error')) return { diagnostics: syntax.sort(byPosition) };
  const { verb, diagnostic } = verbOf(tree);
  if (!verb) return { diagnostics: [...syntax, diagnostic!].sort(byPosition) };
  let js: unknown;
  try {
    js = tree.doc.toJS({ maxAliasCount: 100 });
  } catch {
    // yaml refuses a document whose aliases expand too often (a "billion laughs" bomb).
    const message = 'this cell expands YAML aliases (*name) too many times; write the values out';
    return { diagnostics: [...syntax, { message, severity: 'error' as const, range: tree.keyRange([verb]) }].sort(byPosition) };
  }
  const reader = new Reader(tree, js, verb);
  reader.diagnostics.push(...schemaDiagnostics(tree, js, verb));
  const cell = reader.cell();
  if (!cell && !reader.hasErrors) reader.report(`this ${verb} cell is incomplete`, tree.keyRange([verb]));
  const diagnostics = [...syntax, ...reader.diagnostics].sort(byPosition);
  if (reader.hasErrors && cell) return { diagnostics, partial: cell };
  return reader.hasErrors || !cell ? { diagnostics } : { cell, diagnostics };
}
