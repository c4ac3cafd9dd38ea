/**
 * How a report is stored in a notebook file: what can be derived from the rest is not written.
 * A model's per-layer rows repeat what its diagram graph already holds (each layer's name, op,
 * scope and tensor shapes), its intensity is FLOPs ÷ bytes, and its FLOPs rule is the op's; in
 * the file a row is just the layer's node index and its numbers, and each op's rule is written
 * once. Reading the file gives back the same report, byte for byte: a report whose rows cannot be
 * rebuilt exactly is stored as it is. VS Code-free (the notebook file format's own module).
 */

/** Marks a packed layer list in the file (under summary.layers). */
const PACKED = 'lcnb.packed';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const NUMBERS = ['params', 'madds', 'flops', 'mac_elements', 'mac_bytes'] as const;

interface GraphIndex {
  readonly nodes: Obj[];
  readonly byName: Map<string, number>;
  readonly shapes: Obj;
}

function graphIndex(model: Obj): GraphIndex | undefined {
  const graph = model.graph;
  if (!isObj(graph) || !Array.isArray(graph.nodes) || !isObj(graph.shapes)) return undefined;
  const nodes = graph.nodes.filter(isObj);
  if (nodes.length !== graph.nodes.length) return undefined;
  return { nodes, byName: new Map(nodes.map((n, i) => [String(n.name), i])), shapes: graph.shapes };
}

const intensityOf = (flops: number, bytes: number) => (bytes > 0 ? flops / bytes : 0);

/** The row of layer `index` of the graph, with its numbers and rule: exactly as summarize() writes it. */
function layerRow(g: GraphIndex, index: number, numbers: readonly number[], rule: Json): Obj | undefined {
  const node = g.nodes[index];
  if (!node || !Array.isArray(node.inputs) || !Array.isArray(node.outputs)) return undefined;
  const shape = (t: Json) => g.shapes[String(t)];
  const [params, madds, flops, mac_elements, mac_bytes] = numbers;
  return {
    name: node.name,
    op: node.op,
    scope: node.scope,
    inputs: node.inputs.map(shape),
    output: shape(node.outputs[0]),
    params,
    madds,
    flops,
    mac_elements,
    mac_bytes,
    intensity: intensityOf(flops, mac_bytes),
    flops_rule: rule,
  };
}

/** The summary's layers as node indices and numbers, with one FLOPs rule per op; undefined when a row does not fit that form. */
function packLayers(layers: Json[], g: GraphIndex): Obj | undefined {
  const rules: Obj = {};
  const rows: Json[] = [];
  for (const layer of layers) {
    if (!isObj(layer)) return undefined;
    const index = g.byName.get(String(layer.name));
    const numbers = NUMBERS.map((k) => layer[k]);
    if (index === undefined || !numbers.every((n) => typeof n === 'number')) return undefined;
    const op = String(layer.op);
    if (!(op in rules)) rules[op] = layer.flops_rule;
    const rebuilt = layerRow(g, index, numbers as number[], rules[op]);
    if (!rebuilt || JSON.stringify(rebuilt) !== JSON.stringify(layer)) return undefined;
    rows.push([index, ...(numbers as number[])]);
  }
  return { [PACKED]: 1, rules, rows };
}

function unpackLayers(packed: Obj, g: GraphIndex): Json[] | undefined {
  if (!Array.isArray(packed.rows) || !isObj(packed.rules)) return undefined;
  const out: Json[] = [];
  for (const row of packed.rows) {
    if (!Array.isArray(row) || row.length !== 1 + NUMBERS.length || !row.every((v) => typeof v === 'number')) return undefined;
    const [index, ...numbers] = row as number[];
    const node = g.nodes[index];
    if (!node) return undefined;
    const layer = layerRow(g, index, numbers, packed.rules[String(node.op)] ?? null);
    if (!layer) return undefined;
    out.push(layer);
  }
  return out;
}

/** Applies `f` to each model's summary.layers, keeping every key where it was. */
function mapLayers(report: Obj, f: (layers: Json, g: GraphIndex) => Json | undefined): Obj | undefined {
  if (!Array.isArray(report.models)) return undefined;
  const models: Json[] = [];
  for (const model of report.models) {
    if (!isObj(model) || !isObj(model.summary)) return undefined;
    const g = graphIndex(model);
    if (!g) return undefined;
    const layers = f(model.summary.layers, g);
    if (layers === undefined) return undefined;
    models.push({ ...model, summary: { ...model.summary, layers } });
  }
  return { ...report, models };
}

/** `text` parsed as a JSON object, or undefined (not JSON, or not an object). */
function parseObject(text: string): Obj | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObj(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text a report item is stored as: the report with its layer rows packed, when that reads back
 * to exactly `text`; else `text` itself.
 */
export function packReportText(text: string): string {
  const report = parseObject(text);
  const packed = report && mapLayers(report, (layers, g) => (Array.isArray(layers) ? packLayers(layers, g) : undefined));
  if (!packed) return text;
  const stored = JSON.stringify(packed);
  return unpackReportText(stored) === text ? stored : text;
}

/** The report text as it was before packReportText (a text that is not packed is returned as it is). */
export function unpackReportText(text: string): string {
  const report = text.includes(PACKED) ? parseObject(text) : undefined;
  const unpacked = report && mapLayers(report, (layers, g) => (isObj(layers) && layers[PACKED] === 1 ? unpackLayers(layers, g) : layers));
  return unpacked ? JSON.stringify(unpacked) : text;
}
