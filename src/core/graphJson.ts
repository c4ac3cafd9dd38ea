/**
 * Reads a graph written by hand as JSON (`lcnb summary my-net.json`):
 *
 *   { "name": "tiny", "inputs": [{ "name": "x", "shape": [1, 3, 32, 32] }],
 *     "nodes": [{ "name": "c1", "op": "Conv", "inputs": ["x"], "scope": ["stem"],
 *                 "attrs": { "out_channels": 8, "kernel_shape": [3, 3] } }],
 *     "outputs": ["c1"] }
 *
 * Nodes are checked in order with the same shape inference as the zoo, so a mistake is reported
 * at the node that makes it. Ops outside the registry need "output_shapes" and count as uncounted.
 */
import { UserError } from './errors';
import { AttrValue, Graph, GraphBuilder } from './ir';

type Json = unknown;

function describe(value: Json): string {
  if (value === undefined) return 'nothing (the key is missing)';
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value;
}

class Reader {
  constructor(private readonly source: string) {}

  fail(path: string, message: string): never {
    throw new UserError(`${this.source}: ${path}: ${message}`);
  }

  object(value: Json, path: string): Record<string, Json> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, `must be an object, got ${describe(value)}`);
    return value as Record<string, Json>;
  }

  string(value: Json, path: string): string {
    if (typeof value !== 'string' || value === '') this.fail(path, `must be a non-empty string, got ${describe(value)}`);
    return value;
  }

  list(value: Json, path: string): Json[] {
    if (!Array.isArray(value)) this.fail(path, `must be a list, got ${describe(value)}`);
    return value;
  }

  shape(value: Json, path: string): number[] {
    const dims = this.list(value, path);
    if (dims.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d <= 0)) this.fail(path, 'must list positive integers');
    return dims as number[];
  }

  attr(value: Json, path: string): AttrValue {
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
    if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return value as number[];
    this.fail(path, 'must be a number, string, boolean or list of numbers');
  }
}

/** Parses and checks a JSON graph; `source` names the file in error messages. */
export function readGraphJson(text: string, source: string): Graph {
  const r = new Reader(source);
  let doc: Json;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${source}: not valid JSON: ${(e as Error).message}`);
  }
  const root = r.object(doc, '(top level)');
  // Any other JSON file (package.json, a config) is told apart from a graph with a mistake in it.
  if (root.nodes === undefined) throw new UserError(`${source} is not an lcnb graph file: it has no 'nodes' list`);
  const b = new GraphBuilder(root.name === undefined ? source : r.string(root.name, 'name'));
  r.list(root.inputs, 'inputs').forEach((input, i) => {
    const o = r.object(input, `inputs[${i}]`);
    b.input(r.string(o.name, `inputs[${i}].name`), r.shape(o.shape, `inputs[${i}].shape`));
  });
  r.list(root.nodes, 'nodes').forEach((raw, i) => {
    const path = `nodes[${i}]`;
    const n = r.object(raw, path);
    const attrs: Record<string, AttrValue> = {};
    for (const [key, value] of Object.entries(r.object(n.attrs ?? {}, `${path}.attrs`))) {
      attrs[key] = r.attr(value, `${path}.attrs.${key}`);
    }
    b.addNode({
      name: r.string(n.name, `${path}.name`),
      op: r.string(n.op, `${path}.op`),
      inputs: r.list(n.inputs, `${path}.inputs`).map((v, j) => r.string(v, `${path}.inputs[${j}]`)),
      scope: n.scope === undefined ? [] : r.list(n.scope, `${path}.scope`).map((v, j) => r.string(v, `${path}.scope[${j}]`)),
      attrs,
      outputs: n.outputs === undefined ? undefined : r.list(n.outputs, `${path}.outputs`).map((v, j) => r.string(v, `${path}.outputs[${j}]`)),
      outputShapes:
        n.output_shapes === undefined
          ? undefined
          : r.list(n.output_shapes, `${path}.output_shapes`).map((v, j) => r.shape(v, `${path}.output_shapes[${j}]`)),
    });
  });
  const outputs = r.list(root.outputs, 'outputs').map((v, i) => {
    const name = r.string(v, `outputs[${i}]`);
    return b.tensor(name) ?? r.fail(`outputs[${i}]`, `tensor '${name}' is not produced by any node`);
  });
  return b.build(outputs);
}
