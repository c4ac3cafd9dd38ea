/**
 * Mutators for the fuzzer: raw bytes (both formats), the JSON and the YAML cells of a .lcnb
 * notebook, and the protobuf structure of an .onnx model. Each returns new bytes and a short name
 * of what it did, so a failure can be read without replaying it.
 */
import { onnx } from '../../src/onnx/proto';
import { NASTY_NUMBERS, Random } from './random';

export interface Mutation {
  readonly bytes: Uint8Array;
  /** What was done, e.g. "onnx:cycle + bytes:flip". */
  readonly what: string;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

// ---------------------------------------------------------------------------------------------
// Raw bytes

const BYTE_MUTATORS: Record<string, (r: Random, b: Uint8Array, other: Uint8Array) => Uint8Array> = {
  flip(r, b) {
    const out = Uint8Array.from(b);
    const flips = 1 + r.int(8);
    for (let i = 0; i < flips && out.length; i++) out[r.int(out.length)] ^= 1 << r.int(8);
    return out;
  },
  setByte(r, b) {
    const out = Uint8Array.from(b);
    if (out.length) out[r.int(out.length)] = r.pick([0x00, 0xff, 0x7f, 0x80, 0x0a, 0x22, 0x5b, 0x7b, 0xc0]);
    return out;
  },
  truncate(r, b) {
    return b.slice(0, r.int(b.length + 1));
  },
  insert(r, b) {
    const at = r.int(b.length + 1);
    const junk = Uint8Array.from({ length: 1 + r.int(16) }, () => r.int(256));
    return concat(b.subarray(0, at), junk, b.subarray(at));
  },
  erase(r, b) {
    const at = r.int(b.length + 1);
    return concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + r.int(64))));
  },
  duplicateChunk(r, b) {
    const at = r.int(b.length + 1);
    const end = Math.min(b.length, at + 1 + r.int(256));
    return concat(b.subarray(0, end), b.subarray(at, end), b.subarray(end));
  },
  splice(r, b, other) {
    return concat(b.subarray(0, r.int(b.length + 1)), other.subarray(r.int(other.length + 1)));
  },
};

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function mutateBytes(r: Random, bytes: Uint8Array, other: Uint8Array): Mutation {
  const name = r.pick(Object.keys(BYTE_MUTATORS));
  return { bytes: BYTE_MUTATORS[name](r, bytes, other), what: `bytes:${name}` };
}

// ---------------------------------------------------------------------------------------------
// .lcnb: JSON level

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every (container, key) pair in a JSON value, for picking one at random. */
function slots(value: Json, out: [Json[] | { [key: string]: Json }, string | number][] = []) {
  if (Array.isArray(value)) value.forEach((v, i) => (out.push([value, i]), slots(v, out)));
  else if (value && typeof value === 'object') for (const k of Object.keys(value)) out.push([value, k]), slots(value[k], out);
  return out;
}

function nested(depth: number, open: string, close: string, inner = '0'): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

function weirdJson(r: Random): Json {
  return r.pick<() => Json>([
    () => null,
    () => r.pick([true, false]),
    () => r.pick(NASTY_NUMBERS),
    () => '',
    () => 'x'.repeat(r.pick([1, 1000, 100_000])),
    () => '<script>alert(1)</script>',
    () => [],
    () => ({}),
    () => ({ kind: 'code', source: '' }),
    () => '\u0000\ud800',
  ])();
}

/** Mutations of the notebook's JSON; some work on the text to make what JSON.stringify cannot (duplicates, deep nesting). */
const JSON_MUTATORS: Record<string, (r: Random, doc: Json, src: string) => string | undefined> = {
  deleteField(r, doc) {
    const all = slots(doc).filter(([c]) => !Array.isArray(c));
    if (!all.length) return undefined;
    const [c, k] = r.pick(all);
    delete (c as Record<string, Json>)[k];
    return JSON.stringify(doc, null, 1);
  },
  replaceValue(r, doc) {
    const all = slots(doc);
    if (!all.length) return undefined;
    const [c, k] = r.pick(all);
    (c as Record<string | number, Json>)[k] = weirdJson(r);
    return JSON.stringify(doc, null, 1);
  },
  unknownField(r, doc) {
    const objects = [doc, ...slots(doc).map(([c, k]) => (c as Record<string | number, Json>)[k])].filter((v) => v && typeof v === 'object' && !Array.isArray(v));
    const o = r.pick(objects) as Record<string, Json>;
    o[r.pick(['x-extra', '__proto__', 'constructor', 'lcnb.unknownFields', 'toString'])] = weirdJson(r);
    return JSON.stringify(doc, null, 1);
  },
  duplicateKey(r, _doc, src) {
    const keys = [...src.matchAll(/"(\w+)": /g)];
    if (!keys.length) return undefined;
    const m = r.pick(keys);
    return `${src.slice(0, m.index)}"${m[1]}": 1, ${src.slice(m.index)}`;
  },
  duplicateCell(r, doc) {
    const cells = (doc as { cells?: Json[] }).cells;
    if (!Array.isArray(cells) || !cells.length) return undefined;
    const times = r.pick([2, 50, 2000]);
    const cell = r.pick(cells);
    for (let i = 0; i < times; i++) cells.push(cell);
    return JSON.stringify(doc);
  },
  deepNesting(r, doc) {
    const all = slots(doc);
    if (!all.length) return undefined;
    const [c, k] = r.pick(all);
    const marker = '"__deep__"';
    (c as Record<string | number, Json>)[k] = '__deep__';
    const depth = r.pick([100, 10_000, 200_000]);
    const [open, close] = r.pick([['[', ']'], ['{"a":', '}']]);
    return JSON.stringify(doc).replace(marker, nested(depth, open, close));
  },
  numberText(r, _doc, src) {
    const numbers = [...src.matchAll(/-?\d+(\.\d+)?/g)];
    if (!numbers.length) return undefined;
    const m = r.pick(numbers);
    const replacement = r.pick(['1e309', '-1e309', '9007199254740993', '-0', '0.0000001', '1e-400', '18446744073709551616', '2147483648']);
    return src.slice(0, m.index) + replacement + src.slice(m.index! + m[0].length);
  },
  version(r, doc) {
    (doc as Record<string, Json>).lcnb = r.pick([0, 2, -1, 1.5, '1', null, 2 ** 53]);
    return JSON.stringify(doc, null, 1);
  },
  outputItem(r, doc) {
    const cells = (doc as { cells?: Json[] }).cells;
    const code = Array.isArray(cells) ? cells.filter((c) => (c as Record<string, Json>)?.kind === 'code') : [];
    if (!code.length) return undefined;
    const cell = r.pick(code) as Record<string, Json>;
    cell.outputs = [
      {
        items: [
          r.pick<Json>([
            { mime: 'application/vnd.lcnb.report+json', data: '{"version":1,"models":[{"name":"<img src=x onerror=alert(1)>"}]}' },
            { mime: 'image/png', encoding: 'base64', data: r.pick(['AAAA', 'not base64!', '====', 'A'.repeat(4 * 25_000)]) },
            { mime: r.pick(['', 'text', 'a/b c', 'text/plain']), data: r.pick(['', ['a', 'b'], 7, null]) },
            { mime: 'text/plain', encoding: r.pick(['utf8', 'BASE64', '']), data: 'x' },
          ]),
        ],
      },
    ];
    if (r.chance(0.5)) cell.execution = r.pick<Json>([{ order: -1 }, { startTime: 1 }, { order: 1.5, success: 'yes' }, { order: 3, success: true, startTime: 5, endTime: 2 }]);
    return JSON.stringify(doc, null, 1);
  },
};

// ---------------------------------------------------------------------------------------------
// .lcnb: the YAML of a code cell

const ZOO_WORDS = ['mobilenet_v2_x1_0', 'squeezenet1_1', 'ghostnet_x1_0', 'mobilenet_v1_x0_25', 'fasternet_t0', 'nonexistent_model', 'mobilenet_v3_small_x1_0', 'shufflenet_v2_x0_5'];
const VERB_WORDS = ['model', 'network', 'compare', 'profile', 'sweep', 'export', 'detect', 'layers', 'knobs', 'resolution', 'width', 'input', 'repeat', 'models'];

const YAML_MUTATORS: Record<string, (r: Random, src: string) => string> = {
  number(r, src) {
    const numbers = [...src.matchAll(/-?\d+(\.\d+)?/g)];
    if (!numbers.length) return `${src}\nresolution: ${r.pick(NASTY_NUMBERS)}`;
    const m = r.pick(numbers);
    const value = r.pick<string | number>([...NASTY_NUMBERS, '.inf', '-.inf', '.nan', '1e309', '0x7fffffff', '0o777', '"3"', '~', '[]', '{}']);
    return src.slice(0, m.index) + String(value) + src.slice(m.index! + m[0].length);
  },
  hugeInput(r) {
    const dims = [r.pick([1, 2 ** 31, -1, 0]), r.pick([3, 2 ** 31, 0, -3]), r.pick([224, 2 ** 20, 2 ** 31, 100_000, -224]), r.pick([224, 2 ** 20, 2 ** 31, 1])];
    return `network: big\ninput: [${dims.join(', ')}]\nlayers:\n  - conv: { out: ${r.pick([8, 2 ** 31, -8, 0])}, k: ${r.pick([3, 0, -1, 2 ** 31])}, s: ${r.pick([1, 2, 0, -1])} }\n  - classifier: { classes: ${r.pick([10, 0, 2 ** 31])} }`;
  },
  resolution(r, src) {
    const model = /^\s*model:\s*(\S+)/m.exec(src)?.[1] ?? r.pick(ZOO_WORDS);
    return `model: ${model}\nresolution: ${r.pick([2 ** 31, 2 ** 20, 100_000, 16_384, -224, 0, 1, 31])}\n${r.chance(0.5) ? `batch: ${r.pick([2 ** 31, 1000, -1, 0])}\n` : ''}profile: false`;
  },
  deleteLine(r, src) {
    const lines = src.split('\n');
    lines.splice(r.int(lines.length), 1);
    return lines.join('\n');
  },
  duplicateLine(r, src) {
    const lines = src.split('\n');
    const i = r.int(lines.length);
    lines.splice(i, 0, lines[i]);
    return lines.join('\n');
  },
  indent(r, src) {
    const lines = src.split('\n');
    const i = r.int(lines.length);
    lines[i] = r.pick(['\t', '    ', '', ' ']) + lines[i].trimStart();
    return lines.join('\n');
  },
  word(r, src) {
    const words = [...src.matchAll(/[A-Za-z_][\w.]*/g)];
    if (!words.length) return src;
    const m = r.pick(words);
    return src.slice(0, m.index) + r.pick([...ZOO_WORDS, ...VERB_WORDS, '', '<script>alert(1)</script>', '"\u202e"', 'null']) + src.slice(m.index! + m[0].length);
  },
  deepNesting(r, src) {
    const depth = r.pick([50, 1000, 20_000]);
    return `${src}\n${r.pick(['knobs', 'layers', 'models', 'junk'])}: ${r.chance(0.5) ? nested(depth, '[', ']') : nested(depth, '{a: ', '}')}`;
  },
  aliasBomb(r, src) {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    const levels = r.pick([3, 9]);
    for (let i = 1; i <= levels; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    return `${src}\n${lines.join('\n')}`;
  },
  yamlTags(r, src) {
    return `${src}\n${r.pick(['x: !!js/function "function(){}"', 'x: !!binary AAAA', 'x: !!set {a, b}', 'x: !!timestamp 2001-12-14', '<<: {model: squeezenet1_0}', '? [a, b]\n: c', '--- \nmodel: squeezenet1_0', 'x: "\\uD800"'])}`;
  },
  manyLayers(r) {
    const n = r.pick([200, 2000]);
    return `network: many\ninput: [1, 3, 32, 32]\nlayers:\n${'  - conv: { out: 8, k: 3 }\n'.repeat(n)}profile: false`;
  },
  bigRepeat(r) {
    const block = r.pick(['fasternet_block: { ratio: 0.25, expand: 2, act: relu }', 'conv: { out: 16, k: 3 }', 'ghost_bottleneck: { out: 32, mid: 64 }', 'inverted_residual: { out: 32, expand: 6 }']);
    const layers = Array.from({ length: r.pick([1, 3, 10]) }, () => `  - ${block}\n    repeat: ${r.pick([50, 166, 499, 1000])}\n`).join('');
    return `network: repeated\ninput: [1, 3, 64, 64]\nlayers:\n  - conv: { out: 32, k: 3 }\n${layers}  - classifier: { classes: 10 }\nprofile: false`;
  },
  bigSweep(r) {
    const n = r.pick([30, 1001, 5000]);
    return `sweep:\n  model: mobilenet_v2_x1_0\n  width: [${Array.from({ length: n }, (_, i) => 0.25 + (i % 8) * 0.125).join(', ')}]`;
  },
  exportPath(r) {
    return `export: squeezenet1_1\npath: ${r.pick(['../../../escape.onnx', '/dev/full', 'out/\u0000.onnx', 'dir/', '""', 'a'.repeat(300) + '.onnx'])}`;
  },
};

function mutateCellSource(r: Random, doc: Json): { out: string; what: string } | undefined {
  const cells = (doc as { cells?: Json[] }).cells;
  const code = Array.isArray(cells) ? cells.filter((c) => (c as Record<string, Json>)?.kind === 'code' && typeof (c as Record<string, Json>).source === 'string') : [];
  if (!code.length) return undefined;
  const cell = r.pick(code) as Record<string, Json>;
  const names = [r.pick(Object.keys(YAML_MUTATORS))];
  if (r.chance(0.3)) names.push(r.pick(Object.keys(YAML_MUTATORS)));
  for (const name of names) cell.source = YAML_MUTATORS[name](r, cell.source as string);
  return { out: JSON.stringify(doc, null, 1), what: names.map((n) => `yaml:${n}`).join(' + ') };
}

export function mutateNotebook(r: Random, seed: Uint8Array, other: Uint8Array): Mutation {
  const level = r.next();
  if (level < 0.25) return mutateBytes(r, seed, other);
  const src = text(seed);
  const doc = JSON.parse(src) as Json;
  if (level < 0.6) {
    const cell = mutateCellSource(r, doc);
    if (cell) return { bytes: utf8(cell.out), what: cell.what };
  }
  const name = r.pick(Object.keys(JSON_MUTATORS));
  const out = JSON_MUTATORS[name](r, doc, src);
  const bytes = out === undefined ? seed : utf8(out);
  // Sometimes a second, byte-level step on top of the structural one.
  if (r.chance(0.15)) {
    const second = mutateBytes(r, bytes, other);
    return { bytes: second.bytes, what: `json:${name} + ${second.what}` };
  }
  return { bytes, what: `json:${name}` };
}

// ---------------------------------------------------------------------------------------------
// .onnx: protobuf structure

/**
 * A model as a plain object (protobufjs toObject with every repeated field an array, int64 as
 * numbers): the mutators put wrong types and values into it on purpose, so it is loosely typed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Model = any;
const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;

const OP_TYPES = [
  'Conv', 'Relu', 'Add', 'Mul', 'MatMul', 'Gemm', 'Reshape', 'Transpose', 'Concat', 'Split', 'Slice', 'Gather', 'Shape', 'Constant', 'ConstantOfShape',
  'Squeeze', 'Unsqueeze', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Flatten', 'Softmax', 'Clip', 'Pad', 'Resize', 'ReduceMean', 'BatchNormalization',
  'HardSwish', 'HardSigmoid', 'Sigmoid', 'Identity', 'Cast', 'Div', 'Sub', 'Pow', 'PRelu', 'Dropout', 'If', 'Loop', 'NoSuchOp', '',
  // The rest of the standard set the reader has rules for
  'ConvTranspose', 'QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'QLinearConv', 'ConvInteger', 'MatMulInteger', 'QLinearMatMul', 'Einsum',
  'LSTM', 'GRU', 'RNN', 'TopK', 'Expand', 'Tile', 'Where', 'NonZero', 'NonMaxSuppression', 'ReduceSum', 'ReduceMax', 'ArgMax', 'Range', 'DepthToSpace',
  'SpaceToDepth', 'LayerNormalization', 'InstanceNormalization', 'GroupNormalization', 'GatherElements', 'GatherND', 'ScatterND', 'Upsample', 'DFT', 'STFT',
  'HannWindow', 'RoiAlign', 'GridSample', 'DeformConv', 'Col2Im', 'CenterCropPad', 'CumSum', 'OneHot', 'Trilu', 'LpPool', 'MaxUnpool', 'Equal', 'Max',
  'SequenceConstruct', 'RandomNormal', 'Compress', 'Size',
];
const ATTR_NAMES = [
  'kernel_shape', 'strides', 'pads', 'dilations', 'group', 'axis', 'perm', 'auto_pad', 'split', 'axes', 'starts', 'ends', 'value', 'transB', 'keepdims', 'mode', 'ceil_mode', 'alpha',
  'output_padding', 'output_shape', 'equation', 'hidden_size', 'layout', 'blocksize', 'k', 'num_outputs', 'batch_dims', 'noop_with_empty_axes', 'to', 'onesided', 'transA', 'shape', 'allowzero',
];

function nastyInts(r: Random): number[] {
  return Array.from({ length: r.pick([0, 1, 2, 4, 8]) }, () => r.pick(NASTY_NUMBERS.filter(Number.isInteger)));
}

function randomTensor(r: Random, name: string): onnx.ITensorProto {
  const dims = nastyInts(r).map((d) => (r.chance(0.5) ? Math.abs(d) % 9 : d));
  const t: onnx.ITensorProto = { name, dims, dataType: r.pick([T.FLOAT, T.INT64, T.INT32, T.DOUBLE, T.STRING, T.UINT8, 0, 99]) };
  const choice = r.int(4);
  if (choice === 0) t.int64Data = nastyInts(r);
  else if (choice === 1) t.floatData = [1.5, -2, NaN, Infinity];
  else if (choice === 2) t.rawData = Uint8Array.from({ length: r.pick([0, 3, 8, 64]) }, () => r.int(256));
  return t;
}

/** Protobuf wire format, to write nesting deeper than protobufjs's recursive encoder goes. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

function field(number: number, body: Uint8Array): Uint8Array {
  return concat(Uint8Array.from([...varint((number << 3) | 2), ...varint(body.length)]), body);
}

/** A node `If` whose then_branch holds a graph holding such a node … `depth` levels deep. */
function deepNode(depth: number): Uint8Array {
  let graph = field(2, utf8('leaf'));
  let node: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < depth; i++) {
    const attribute = concat(field(1, utf8('then_branch')), Uint8Array.from([0xa0, 0x01, A.GRAPH]), field(6, graph));
    node = concat(field(4, utf8('If')), field(2, utf8(`deep${i}`)), field(5, attribute));
    graph = field(1, node);
  }
  return node;
}

const g = (m: Model) => m.graph;
/** r.pick for the loosely typed parts of a model. */
const one = (r: Random, items: Model[]): Model => r.pick(items);

const ONNX_MUTATORS: Record<string, (r: Random, m: Model) => void> = {
  initializerDims(r, m) {
    const t = one(r, g(m).initializer);
    if (!t) return;
    const dims = t.dims as number[];
    if (dims.length && r.chance(0.7)) dims[r.int(dims.length)] = r.pick(NASTY_NUMBERS.filter(Number.isInteger));
    else t.dims = nastyInts(r);
  },
  inputDims(r, m) {
    const input = one(r, g(m).input);
    const shape = input?.type?.tensorType?.shape;
    if (!shape) return;
    const dim = one(r, shape.dim);
    const choice = r.int(4);
    if (choice === 0 && dim) dim.dimValue = r.pick(NASTY_NUMBERS.filter(Number.isInteger));
    else if (choice === 1 && dim) (dim.dimValue = 0), (dim.dimParam = r.pick(['N', '', 'height', '<b>h</b>']));
    else if (choice === 2) shape.dim.pop();
    else shape.dim.push({ dimValue: r.pick([1, 7, 2 ** 31]) });
  },
  cycle(r, m) {
    const nodes = g(m).node;
    if (nodes.length < 2) return;
    const i = r.int(nodes.length);
    const j = i + r.int(nodes.length - i);
    if (nodes[i].input.length && nodes[j].output.length) nodes[i].input[0] = nodes[j].output[0];
  },
  dangling(r, m) {
    const node = one(r, g(m).node);
    if (!node) return;
    if (node.input.length) node.input[r.int(node.input.length)] = r.pick(['nowhere', '', 'input_that_does_not_exist']);
    else node.input.push('nowhere');
  },
  removeNode(r, m) {
    g(m).node.splice(r.int(g(m).node.length), 1 + r.int(3));
  },
  duplicateNode(r, m) {
    const nodes = g(m).node;
    const node = one(r, nodes);
    if (!node) return;
    const times = r.pick([1, 2, 100]);
    for (let k = 0; k < times; k++) nodes.splice(r.int(nodes.length + 1), 0, structuredClone(node));
  },
  swapNodes(r, m) {
    const nodes = g(m).node;
    if (nodes.length < 2) return;
    const i = r.int(nodes.length);
    const j = r.int(nodes.length);
    [nodes[i], nodes[j]] = [nodes[j], nodes[i]];
  },
  removeInitializer(r, m) {
    g(m).initializer.splice(r.int(g(m).initializer.length), 1);
  },
  duplicateInitializer(r, m) {
    const t = one(r, g(m).initializer);
    if (t) g(m).initializer.push({ ...structuredClone(t), dims: nastyInts(r) });
  },
  dtype(r, m) {
    const t = one(r, g(m).initializer);
    if (t && r.chance(0.6)) t.dataType = r.pick([0, T.FLOAT, T.INT64, T.INT32, T.STRING, T.BOOL, T.FLOAT16, T.COMPLEX128, 99, -1]);
    else {
      const tt = one(r, g(m).input)?.type?.tensorType;
      if (tt) tt.elemType = r.pick([0, T.INT64, T.STRING, 99]);
    }
  },
  rawData(r, m) {
    const withData = g(m).initializer.filter((t: Model) => t.rawData?.length || t.int64Data?.length);
    const t = one(r, withData);
    if (!t) return;
    if (t.rawData?.length) t.rawData = t.rawData.slice(0, r.int(t.rawData.length));
    else t.int64Data = nastyInts(r);
  },
  smallValues(r, m) {
    // The integer tensors that compute shapes (Reshape targets, Slice bounds, Split sizes).
    const ints = g(m).initializer.filter((t: Model) => t.dataType === T.INT64);
    const t = one(r, ints);
    if (!t) return;
    const count = Math.max(1, (t.dims as number[]).reduce((a, d) => a * Number(d), 1));
    t.rawData = new Uint8Array(0);
    t.int64Data = Array.from({ length: r.chance(0.8) ? count : r.int(5) }, () => r.pick(NASTY_NUMBERS.filter(Number.isInteger)));
  },
  attribute(r, m) {
    const node = one(r, g(m).node.filter((n: Model) => n.attribute.length)) ?? one(r, g(m).node);
    if (!node) return;
    const a = one(r, node.attribute);
    const choice = r.int(5);
    if (a && choice === 0) (a.ints = nastyInts(r)), (a.type = A.INTS);
    else if (a && choice === 1) (a.i = r.pick(NASTY_NUMBERS.filter(Number.isInteger))), (a.type = A.INT);
    else if (a && choice === 2) a.type = r.pick([A.FLOAT, A.STRING, A.TENSOR, A.GRAPH, A.INTS, A.INT, 0, 99]);
    else if (a && choice === 3) node.attribute.push(structuredClone(a));
    else {
      const name = r.pick(ATTR_NAMES);
      node.attribute.push(
        r.pick([
          { name, type: A.INTS, ints: nastyInts(r) },
          { name, type: A.INT, i: r.pick(NASTY_NUMBERS.filter(Number.isInteger)) },
          { name, type: A.STRING, s: new TextEncoder().encode(r.pick(['SAME_UPPER', 'VALID', 'bogus', ''])) },
          { name, type: A.TENSOR, t: randomTensor(r, 'attr') },
          { name, type: A.FLOAT, f: r.pick([NaN, Infinity, -1]) },
        ]),
      );
    }
  },
  opType(r, m) {
    const node = one(r, g(m).node);
    if (node) node.opType = r.pick(OP_TYPES);
  },
  opset(r, m) {
    const o = m.opsetImport[0];
    if (o) o.version = r.pick([0, 1, 7, 9, 10, 11, 12, 13, 17, 18, 21, 1000, -1]);
    if (r.chance(0.2)) m.opsetImport = [];
  },
  outputs(r, m) {
    const g = m.graph!;
    const choice = r.int(3);
    if (choice === 0 && g.output.length) g.output[0].name = r.pick(['nowhere', '', g.input[0]?.name ?? 'x']);
    else if (choice === 1) g.output = [];
    else if (g.output.length) g.output.push(g.output[0]);
  },
  constantNode(r, m) {
    const nodes = g(m).node;
    const name = r.pick([...nodes.flatMap((n: Model) => n.input), 'c']);
    nodes.splice(r.int(nodes.length + 1), 0, ({ opType: 'Constant', name: 'c', output: [name], attribute: [{ name: 'value', type: A.TENSOR, t: randomTensor(r, name) }] }));
  },
  constantOfShape(r, m) {
    const nodes = g(m).node;
    const dims = Array.from({ length: 4 }, () => r.pick([1, 2 ** 31, 65536, 0, -1]));
    nodes.unshift(
      ({ opType: 'Constant', name: 'shape', output: ['shape_c'], attribute: [{ name: 'value', type: A.TENSOR, t: { dims: [4], dataType: T.INT64, int64Data: dims } }] }),
      ({ opType: 'ConstantOfShape', name: 'fill', input: ['shape_c'], output: [one(r, nodes)?.input[0] ?? 'filled'] }),
    );
  },
  externalData(r, m) {
    const t = one(r, g(m).initializer);
    if (!t) return;
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.rawData = new Uint8Array(0);
    t.externalData = [{ key: 'location', value: r.pick(['../secret.bin', '/etc/passwd', 'a/../../b.bin', 'C:\\x.bin', '..', 'weights.bin', '']) }];
  },
  names(r, m) {
    const node = one(r, g(m).node);
    if (!node) return;
    const choice = r.int(3);
    if (choice === 0) node.name = r.pick(['', '<script>alert(1)</script>', 'a/b/../c', '\u0000']);
    else if (choice === 1 && node.output.length) node.output[0] = one(r, g(m).node)?.output[0] ?? '';
    else node.output = [];
  },
  inputs(r, m) {
    const node = one(r, g(m).node);
    if (!node) return;
    if (r.chance(0.5)) node.input.splice(r.int(node.input.length + 1), 1);
    else node.input.push(...Array(r.pick([1, 3])).fill(node.input[0] ?? ''));
  },
};

export function mutateOnnx(r: Random, seed: Uint8Array, other: Uint8Array): Mutation {
  if (r.chance(0.3)) return mutateBytes(r, seed, other);
  const model: Model = onnx.ModelProto.toObject(onnx.ModelProto.decode(seed), { arrays: true, longs: Number });
  const steps = 1 + (r.chance(0.3) ? 1 : 0) + (r.chance(0.1) ? 2 : 0);
  const names: string[] = [];
  for (let s = 0; s < steps; s++) {
    const name = r.pick(Object.keys(ONNX_MUTATORS));
    try {
      ONNX_MUTATORS[name](r, model);
      names.push(`onnx:${name}`);
    } catch {
      // An earlier step left a shape this mutator does not expect (a node without inputs …): skip it.
    }
  }
  let bytes: Uint8Array;
  try {
    bytes = onnx.ModelProto.encode(model).finish();
  } catch {
    return mutateBytes(r, seed, other);
  }
  if (r.chance(0.05)) {
    // Appended, a second graph field merges into the first: one more node, nested deep.
    const depth = r.pick([10, 200, 2000]);
    return { bytes: concat(bytes, field(7, field(1, deepNode(depth)))), what: [...names, `onnx:deepNesting(${depth})`].join(' + ') };
  }
  if (r.chance(0.1)) {
    const extra = mutateBytes(r, bytes, other);
    return { bytes: extra.bytes, what: [...names, extra.what].join(' + ') };
  }
  return { bytes, what: names.join(' + ') };
}
