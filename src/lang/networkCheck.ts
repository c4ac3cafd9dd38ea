/**
 * Checking a `network:` cell reports every error its layers have, not only the first: a layer that
 * cannot be read or built gets an output standing in for the one it would have, and the layers
 * after it are checked on that. Where the stand-in's size is not known (a conv whose `out` is
 * broken has channels nobody knows yet), the rest of the network is checked three times, on a
 * guess and on two other sizes; an error is reported only when all three runs meet it at the same
 * place with the same words, so an error that follows from an earlier one is never reported.
 * buildNetwork still stops at the first error (a run reports that one).
 */
import { GraphBuilder, Tensor } from '../core/ir';
import type { LayerSpec, NetworkSpec } from './cells';
import { buildLayerCopy } from './network';
import { JsonSchema, OPS, OpSpec, withDefaults } from './networkLayers';
import { CellError, Diagnostic, Range } from './types';

type Shape = readonly number[];

/** A layer reads the output of one the parser could not read. */
class MissingInput extends Error {}

/** The sizes an unknown size takes in each run: the guess, then two others. */
const RUNS: readonly ((d: number) => number)[] = [(d) => d, (d) => 2 * d + 1, (d) => d + 1];

/** Scratch builds one check may do (a long network with many broken layers stops early, quietly). */
const BUILD_BUDGET = 4000;

/** Alternative values tried for a broken or blamed option. */
const MAX_VARIANTS = 40;

interface Run {
  x: Shape;
  readonly outputs: Map<string, Shape>;
}

/** What one layer copy gives in one run: its output (a guess where `unknown`) and the errors met. */
interface Step {
  readonly shape: Shape;
  readonly unknown: readonly boolean[];
  readonly errors: readonly CellError[];
}

function contains(outer: Range, inner: Range): boolean {
  const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

function overlaps(a: Range, b: Range): boolean {
  const lt = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return lt(a.start, b.end) && lt(b.start, a.end);
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** An error's place and words, without the input shape it states (a guess that differs run by run). */
function errorKey(e: CellError): string {
  return `${e.range.start.line}:${e.range.start.character}:${e.reason.replace(/, input \[[^\]]*\]:/, ':')}`;
}

/** Values an option may take instead of the one written, from its schema; undefined for names and lists. */
function alternatives(schema: JsonSchema | undefined): unknown[] | undefined {
  if (!schema) return undefined;
  if (schema.enum) return [...schema.enum];
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('boolean')) return [schema.default ?? false, true, false];
  const whole = types.includes('integer');
  if (!whole && !types.includes('number')) return undefined;
  const inBounds = (v: number) =>
    (schema.minimum === undefined || v >= schema.minimum) &&
    (schema.maximum === undefined || v <= schema.maximum) &&
    (schema.exclusiveMinimum === undefined || v > schema.exclusiveMinimum) &&
    (schema.exclusiveMaximum === undefined || v < schema.exclusiveMaximum);
  const values = [schema.default, ...(whole ? [1, 2, 3, 4, 5, 7, 8, 16] : [0.25, 0.5, 0.75, 1, 2, 4])];
  return [...new Set(values.filter((v): v is number => typeof v === 'number' && inBounds(v)))];
}

class Checker {
  private builds = 0;

  constructor(private readonly network: NetworkSpec) {}

  get exhausted(): boolean {
    return this.builds >= BUILD_BUDGET;
  }

  /** One copy of a layer built alone, on inputs of the given shapes. */
  private buildOnce(layer: LayerSpec, args: Readonly<Record<string, unknown>>, input: Shape, outputs: ReadonlyMap<string, Shape>, r: number, shown?: string): { shape?: Shape; error?: CellError } {
    this.builds++;
    const b = new GraphBuilder(this.network.name);
    const x = b.input('check.x', input);
    const refs = new Map<string, Tensor>();
    const lookup = (name: string, range: Range): Tensor => {
      let t = refs.get(name);
      if (!t) {
        const shape = outputs.get(name);
        // A layer the parser could not read (its error is reported): what reads it is not checked.
        if (!shape) throw new MissingInput();
        t = b.input(`check.ref.${name}`, shape);
        refs.set(name, t);
      }
      return t;
    };
    try {
      return { shape: buildLayerCopy(b, layer, args, x, r, lookup, shown).shape };
    } catch (e) {
      if (e instanceof CellError) return { error: e };
      if (e instanceof MissingInput) return {};
      throw e;
    }
  }

  /**
   * The layer's output when the options in `vary` could be anything their schema allows: the first
   * variant that builds is the guess, and a size the variants disagree on is unknown. When no variant
   * builds, errors every variant meets are the layer's own (another option of it is wrong too).
   */
  private varied(layer: LayerSpec, spec: OpSpec, args: Readonly<Record<string, unknown>>, vary: readonly string[], input: Shape, outputs: ReadonlyMap<string, Shape>, r: number, shown?: string): Step {
    const keys = [...vary];
    const errors: CellError[] = [];
    for (let round = 0; round < 2; round++) {
      const choices = keys.map((k) => alternatives(spec.options[k]));
      if (choices.some((c) => !c?.length)) break;
      const base: Record<string, unknown> = { ...args };
      keys.forEach((k, i) => (base[k] = choices[i]![0]));
      const sets: Record<string, unknown>[] = [withDefaults(spec, base)];
      keys.forEach((k, i) => choices[i]!.slice(1).forEach((v) => sets.length < MAX_VARIANTS && sets.push(withDefaults(spec, { ...base, [k]: v }))));
      const built = sets.map((set) => this.buildOnce(layer, set, input, outputs, r, shown));
      const shapes = built.flatMap((o) => (o.shape ? [o.shape] : []));
      if (shapes.length) {
        const guess = shapes[0];
        const unknown = guess.map((d, i) => i > 0 && shapes.some((s) => s.length !== guess.length || s[i] !== d));
        return { shape: guess, unknown, errors };
      }
      // Every variant failed: an error they all meet, at another option, is that option's own.
      const first = built[0].error;
      if (!first || !built.every((o) => o.error && errorKey(o.error) === errorKey(first))) break;
      const blamed = Object.keys(layer.argRanges).find((k) => sameRange(layer.argRanges[k], first.range));
      if (vary.some((k) => layer.argRanges[k] && overlaps(layer.argRanges[k], first.range))) break;
      errors.push(first);
      if (!blamed || !(blamed in spec.options) || keys.includes(blamed)) break;
      keys.push(blamed);
    }
    return { ...unknownAll(input), errors };
  }

  /** One copy of one layer in one run. */
  step(layer: LayerSpec, broken: Broken, input: Shape, outputs: ReadonlyMap<string, Shape>, r: number, shown?: string): Step {
    const spec = OPS.get(layer.op);
    if (!spec || broken.whole) return unknownAll(input);
    const args = withDefaults(spec, layer.args);
    if (broken.keys.length) return this.varied(layer, spec, args, broken.keys, input, outputs, r, shown);
    const once = this.buildOnce(layer, args, input, outputs, r, shown);
    if (once.shape) return { shape: once.shape, unknown: once.shape.map(() => false), errors: [] };
    const error = once.error;
    if (!error) return unknownAll(input);
    const blamed = Object.keys(layer.argRanges).find((k) => sameRange(layer.argRanges[k], error.range));
    const after = blamed && blamed in spec.options ? this.varied(layer, spec, args, [blamed], input, outputs, r) : unknownAll(input);
    return { shape: after.shape, unknown: after.unknown, errors: [error] };
  }
}

/** What the parser found wrong in a layer: the whole item, or the values of some of its options. */
interface Broken {
  readonly whole: boolean;
  readonly keys: readonly string[];
}

function brokenOf(layer: LayerSpec, diagnostics: readonly Diagnostic[]): Broken {
  const spec = OPS.get(layer.op);
  if (!spec) return { whole: true, keys: [] };
  const keys = new Set<string>();
  let whole = false;
  for (const d of diagnostics) {
    if (d.severity !== 'error' || !contains(layer.range, d.range)) continue;
    const key = Object.keys(layer.argRanges).find((k) => overlaps(layer.argRanges[k], d.range) || contains(layer.argRanges[k], d.range));
    if (key && key in spec.options) keys.add(key);
    // An option the op does not have is not read when it builds; a missing one is varied below.
    else if (!key && /has no option '/.test(d.message)) continue;
    else if (!key && (spec.required ?? []).some((k) => layer.args[k] === undefined)) continue;
    else whole = true;
  }
  for (const k of spec.required ?? []) if (layer.args[k] === undefined) keys.add(k);
  return { whole, keys: [...keys] };
}

/** A stand-in for an output nobody knows: the input passed on, every size but the batch unknown. */
function unknownAll(input: Shape): Step {
  return { shape: input, unknown: input.map((_, i) => i > 0), errors: [] };
}

function shownShape(runs: readonly Run[]): string {
  const x = runs[0].x;
  return x.map((d, i) => (runs.some((run) => run.x.length !== x.length || run.x[i] !== d) ? '?' : String(d))).join(', ');
}

/**
 * Every error of a network's layers that does not follow from another, at the option it is about.
 * `diagnostics` are what the parser reported: the layers and options they mark are not built as
 * written; an error at the input, or outside the layers, leaves nothing to check.
 */
export function checkNetwork(network: NetworkSpec, diagnostics: readonly Diagnostic[] = []): Diagnostic[] {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const input = network.input;
  if (input.length < 1 || input.some((d) => !Number.isInteger(d) || d <= 0)) return [];
  if (errors.some((d) => contains(network.inputRange, d.range) || overlaps(network.inputRange, d.range))) return [];
  const checker = new Checker(network);
  let runs: Run[] = [{ x: input, outputs: new Map([['input', input]]) }];
  const found = new Map<string, Diagnostic>();
  const layers = [...network.layers].sort((a, b) => a.index - b.index);
  let next = 1;
  /** Applies one step per run; the first unknown size forks the one run into three. */
  const advance = (steps: Step[]): void => {
    if (runs.length === 1 && steps[0].unknown.some(Boolean)) {
      runs = RUNS.map(() => ({ x: runs[0].x, outputs: new Map(runs[0].outputs) }));
      steps = RUNS.map(() => steps[0]);
    }
    runs.forEach((run, i) => (run.x = steps[i].shape.map((d, k) => (steps[i].unknown[k] ? RUNS[i](d) : d))));
    const seen = steps.map((s) => new Set(s.errors.map(errorKey)));
    for (const e of steps[0].errors) {
      const key = `${e.range.start.line}:${e.range.start.character}`;
      if (found.has(key) || !seen.every((s) => s.has(errorKey(e)))) continue;
      found.set(key, e.toDiagnostic());
    }
  };
  for (const layer of layers) {
    if (checker.exhausted) break;
    // A layer the parser could not read at all: its output is unknown.
    for (; next < layer.index; next++) {
      advance(runs.map((run) => unknownAll(run.x)));
      for (const run of runs) run.outputs.set(`layer${next}`, run.x);
    }
    next = layer.index + 1;
    let broken = brokenOf(layer, errors);
    if (layer.from !== undefined) {
      if (runs.every((run) => run.outputs.has(layer.from!))) for (const run of runs) run.x = run.outputs.get(layer.from!)!;
      else broken = { whole: true, keys: [] };
    }
    for (let r = 1; r <= layer.repeat && !checker.exhausted; r++) {
      const shown = shownShape(runs);
      advance(runs.map((run, i) => checker.step(layer, broken, run.x, run.outputs, r, i === 0 ? shown : undefined)));
    }
    for (const run of runs) run.outputs.set(layer.scope, run.x);
  }
  const written = new Set(errors.map((d) => `${d.range.start.line}:${d.range.start.character}:${d.message}`));
  return [...found.values()].filter((d) => !written.has(`${d.range.start.line}:${d.range.start.character}:${d.message}`));
}
