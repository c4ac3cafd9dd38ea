/**
 * A `network:` cell as an IR graph. Every layer's nodes sit in the layer's scope (layer<k>, or its
 * scope: name; a repeated layer's copies in <scope>.1 … <scope>.N), so a layer line maps to its
 * nodes: those whose scope path, joined with '.', is the layer's scope or starts with it and a dot.
 */
import { GraphError, UserError, isUserFacing } from '../core/errors';
import { Graph, GraphBuilder, Tensor } from '../core/ir';
import type { LayerSpec, NetworkCell, NetworkSpec, ProfileCell } from './cells';
import { LayerContext, OPS, withDefaults } from './networkLayers';
import { CellError, Range } from './types';

export interface LayerScope {
  readonly scope: string;
  /** The layer's list item in the cell. */
  readonly range: Range;
  /** 1-based position in `layers`. */
  readonly index: number;
  readonly op: string;
  readonly repeat: number;
}

export interface BuiltNetwork {
  readonly graph: Graph;
  readonly layerScopes: readonly LayerScope[];
}

/** Each layer's scope and source range (known without building). */
export function layerScopes(network: NetworkSpec): LayerScope[] {
  return network.layers.map((l) => ({ scope: l.scope, range: l.range, index: l.index, op: l.op, repeat: l.repeat }));
}

/** Whether IR node scope `nodeScope` (a scope path joined with '.') belongs to the layer scope `scope`. */
export function inLayerScope(nodeScope: string, scope: string): boolean {
  return nodeScope === scope || nodeScope.startsWith(`${scope}.`);
}

function specOf(source: NetworkSpec | NetworkCell | ProfileCell): NetworkSpec {
  if ('verb' in source) {
    if (source.verb === 'network') return source.network;
    if (source.target.kind === 'network') return source.target.network;
    throw new UserError('this profile cell profiles a zoo model, not a network');
  }
  return source;
}

/**
 * Builds the graph of a network cell. A layer that cannot be built (channels that do not divide,
 * a window larger than its input, …) throws a CellError at that layer's line.
 */
export function buildNetwork(source: NetworkSpec | NetworkCell | ProfileCell): BuiltNetwork {
  const network = specOf(source);
  const b = new GraphBuilder(network.name);
  let x: Tensor;
  try {
    x = b.input('input', network.input);
  } catch (e) {
    throw new CellError(`input ${JSON.stringify(network.input)}: ${(e as Error).message}`, network.inputRange);
  }
  const outputs = new Map<string, Tensor>([['input', x]]);
  for (const layer of network.layers) {
    const spec = OPS.get(layer.op);
    if (!spec) throw new CellError(`unknown op '${layer.op}'`, layer.opRange);
    const args = withDefaults(spec, layer.args);
    const lookup = (name: string, range: Range): Tensor => {
      const t = outputs.get(name);
      if (!t) throw new CellError(`layer ${layer.index} (${layer.op}): no earlier layer has scope '${name}'`, range);
      return t;
    };
    if (layer.from !== undefined) x = lookup(layer.from, layer.argRanges.from ?? layer.opRange);
    for (let r = 1; r <= layer.repeat; r++) x = buildLayerCopy(b, layer, args, x, r, lookup);
    outputs.set(layer.scope, x);
  }
  return { graph: b.build([x]), layerScopes: layerScopes(network) };
}

/** Words a shape rule uses for an option it does not name: "a 7×7 kernel with stride 2×2" is about k (or s). */
const RULE_WORDS: Readonly<Record<string, RegExp>> = { k: /\b(kernel|window)\b/, s: /\bstrides?\b/, d: /\bdilations?\b/, p: /\bpads?\b/, groups: /\bgroup\b/ };

/** The written option a build rule is about: one it names, else one it describes (kernel → k). */
export function blamedOption(layer: LayerSpec, rule: string): string | undefined {
  const written = Object.keys(layer.argRanges);
  return written.find((k) => new RegExp(`\\b${k}\\b`).test(rule)) ?? written.find((k) => RULE_WORDS[k]?.test(rule));
}

/**
 * Adds copy `r` of a layer to `b` on input `input` and returns its output; a layer that cannot be
 * built throws a CellError in the cell's words at the option it is about (else at the op).
 * `shown` is the input shape the message states (checking writes ? for a size it does not know).
 */
export function buildLayerCopy(
  b: GraphBuilder,
  layer: LayerSpec,
  args: Readonly<Record<string, unknown>>,
  input: Tensor,
  r: number,
  lookup: (name: string, range: Range) => Tensor,
  shown: string = input.shape.join(', '),
): Tensor {
  const spec = OPS.get(layer.op);
  if (!spec) throw new CellError(`unknown op '${layer.op}'`, layer.opRange);
  const where = `layer ${layer.index} (${layer.op})`;
  const path = layer.scope.split('.');
  const scope = layer.repeat > 1 ? [...path, String(r)] : path;
  const ctx: LayerContext = {
    b,
    x: input,
    args,
    scoped: (body) => open(b, scope, body),
    block: (body) => open(b, scope.slice(0, -1), () => body(scope[scope.length - 1])),
    ref: (key, name) => lookup(name, layer.argRanges[key] ?? layer.opRange),
    fail: (message, key) => {
      throw new CellError(`${where}: ${message}`, (key && layer.argRanges[key]) || layer.opRange);
    },
  };
  try {
    return spec.build(ctx);
  } catch (e) {
    if (e instanceof CellError) throw e;
    if (isUserFacing(e)) {
      const copy = layer.repeat > 1 ? `, copy ${r} of ${layer.repeat}` : '';
      // In the cell's words: the rule broken, at the option it is about, not the IR node's name and op.
      const rule = e instanceof GraphError ? e.rule.replace(/\bgroup (\d+)/g, 'groups: $1') : e.message;
      const key = blamedOption(layer, rule);
      throw new CellError(`${where}${copy}, input [${shown}]: ${rule}`, (key && layer.argRanges[key]) || layer.opRange);
    }
    throw e;
  }
}

function open(b: GraphBuilder, path: readonly string[], body: () => Tensor): Tensor {
  if (!path.length) return body();
  return b.scope(path[0], () => open(b, path.slice(1), body));
}
