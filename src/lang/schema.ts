/**
 * The cell language as a JSON Schema (draft-07). parseCell validates each verb's part of it;
 * the extension may register the whole of it for YAML tooling. Zoo ids and knobs are checked
 * by parse.ts (they depend on the model), so the schema only says they are strings and values.
 */
import { DEVICES, knownDevices } from '../core/devices';
import { MEASURE_DEFAULTS, MEASURE_LIMITS, OPTIMIZATION_LEVELS } from '../shared/measureSettings';
import { JsonSchema, LAYER_KEYS, OPS } from './networkLayers';
import { DEFAULT_FORM, MODEL_FORMS } from '../zoo/familyTypes';

export const SCHEMA_ID = 'https://lcnb.invalid/schemas/cell.json';

export const VERBS = ['model', 'network', 'compare', 'profile', 'sweep', 'export', 'detect', 'segment'] as const;
export type Verb = (typeof VERBS)[number];

export const VERB_DOCS: Readonly<Record<Verb, string>> = {
  model: 'Instantiate a zoo model: summary table, diagram and per-layer costs (measured too when a device kernel runs the cell)',
  network: 'A network written layer by layer; zoo blocks are usable as ops',
  compare: 'Several models side by side, with their published top-1 and a Pareto chart',
  profile: "Measure a model's latency and every layer's time on this machine",
  sweep: 'Costs (and, with profile, latency) over a grid of widths, resolutions and knob values',
  export: 'Write a zoo model as an ONNX file (opset 17, deterministic weights)',
  detect: 'Backbone swap in a detector: a detection head on one or many zoo backbones, with cost (and latency) split backbone / neck / head',
  segment: 'Backbone swap in a segmenter: a segmentation head on one or many zoo backbones, with cost (and latency) split backbone / neck / head',
};

export const KNOWN_PROVIDERS = ['cpu', 'cuda', 'tensorrt', 'webgpu', 'dml', 'coreml'] as const;

const zooId: JsonSchema = { type: 'string', description: "A zoo model id, e.g. mobilenet_v2_x1_0 ('lcnb list' shows them all)" };
const zooIdOrFile: JsonSchema = {
  type: 'string',
  description: "A zoo model id, e.g. mobilenet_v2_x1_0 ('lcnb list' shows them all), or an .onnx file's path (relative to the notebook's folder, or absolute), run as stored",
};
const resolution: JsonSchema = { type: 'integer', minimum: 1, maximum: 8192, description: 'Square input resolution in pixels', default: 224 };
const classes: JsonSchema = { type: 'integer', minimum: 1, maximum: 1_000_000, description: 'Number of classes', default: 1000 };
const batch: JsonSchema = { type: 'integer', minimum: 1, maximum: 4096, description: 'Batch size', default: 1 };
const width: JsonSchema = {
  type: 'number',
  exclusiveMinimum: 0,
  maximum: 16,
  description: "Width multiplier (default: the variant's own, e.g. 0.5 for mobilenet_v2_x0_5)",
};
const knobValue: JsonSchema = { type: ['number', 'string', 'boolean', 'array'], items: { type: 'integer' } };
const knobs: JsonSchema = {
  type: 'object',
  description: "The paper's ablation knobs of this model, as name: value ('lcnb list --json' shows each model's)",
  additionalProperties: knobValue,
};
const input: JsonSchema = {
  type: 'array',
  items: { type: 'integer', minimum: 1 },
  minItems: 4,
  maxItems: 4,
  description: 'Input shape [N, C, H, W]',
};
const dims: JsonSchema = { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, maxItems: 8 };
const modelInput: JsonSchema = {
  type: ['array', 'object'],
  items: { type: 'integer', minimum: 1 },
  minItems: 1,
  maxItems: 8,
  additionalProperties: dims,
  description: "Input shape [N, 3, R, R] of a zoo model (the same as batch N and resolution R); for an .onnx file, the shape of its data input ([1, 3, 640, 640]) or a map from input name to shape",
};

const settings: Record<string, JsonSchema> = {
  runs: { type: 'integer', minimum: MEASURE_LIMITS.runs[0], maximum: MEASURE_LIMITS.runs[1], description: 'Timed runs (median and p90 are taken over them)', default: MEASURE_DEFAULTS.runs },
  warmup: { type: 'integer', minimum: MEASURE_LIMITS.warmup[0], maximum: MEASURE_LIMITS.warmup[1], description: 'Warm-up runs, discarded', default: MEASURE_DEFAULTS.warmup },
  threads: { type: 'integer', minimum: MEASURE_LIMITS.threads[0], maximum: MEASURE_LIMITS.threads[1], description: 'Intra-op threads', default: MEASURE_DEFAULTS.threads },
  provider: {
    type: 'string',
    description: "Execution provider: cpu, cuda, tensorrt, webgpu, dml, coreml (default: the notebook kernel's); lcnb falls back to cpu and says why when it cannot start",
  },
  opt: { type: 'string', enum: OPTIMIZATION_LEVELS, description: "onnxruntime's graph optimisation level", default: MEASURE_DEFAULTS.optimization },
  isolated: {
    type: 'boolean',
    description: "Cross-check the per-layer times: also time each layer alone as its own small graph (no profiler) and show how it agrees with the profiled row; a second measurement",
    default: false,
  },
};

const profileSettings: JsonSchema = {
  type: ['object', 'boolean'],
  description: 'Measurement settings; true for the defaults, false to never measure this cell',
  properties: settings,
  additionalProperties: false,
};

/** The device presets `predict:` takes, in the order src/core/devices.ts lists them. */
export const deviceIds = (): string[] => DEVICES.map((d) => d.id);
/** The ids a cell may name now: the user's devices (setting lcnb.devices), then the presets. */
export const knownDeviceIds = (): string[] => knownDevices().map((d) => d.id);

const deviceId: JsonSchema = { type: 'string', description: `A device preset: ${deviceIds().join(', ')}` };
const PREDICT_DOC =
  `Predict latency on hardware you do not have, with MobileNetV4's roofline (per fused layer, max(MAdds / peak, bytes / bandwidth)); ` +
  `a prediction, not a measurement. One device id or a list of them: ${deviceIds().join(', ')}, or a device of your setting lcnb.devices`;
const predict: JsonSchema = {
  description: PREDICT_DOC,
  if: { type: 'array' },
  then: { type: 'array', minItems: 1, items: deviceId, description: PREDICT_DOC },
  else: { ...deviceId, description: PREDICT_DOC },
};

/** A re-parameterised model's form (MobileOne, RepViT, GhostNetV3). */
const form: JsonSchema = {
  type: 'string',
  enum: [...MODEL_FORMS],
  description: "A re-parameterised model's form: deploy (branches and BatchNorms fused, as the papers count and time it) or training (as built for training)",
  default: DEFAULT_FORM,
};

const modelOptions: Record<string, JsonSchema> = { resolution, classes, batch, width, knobs, form, input: modelInput };

function layerItem(): JsonSchema {
  const names = [...OPS.keys()];
  const opSchemas: Record<string, JsonSchema> = {};
  for (const spec of OPS.values()) {
    const needsOptions = (spec.required ?? []).length > 0;
    opSchemas[spec.name] = {
      type: needsOptions ? 'object' : ['object', 'null'],
      description: spec.origin ? `${spec.doc} — ${spec.origin}` : spec.doc,
      properties: { ...spec.options, ...LAYER_KEYS },
      additionalProperties: false,
      ...(needsOptions ? { required: [...spec.required!] } : {}),
    };
  }
  return {
    description: 'A layer: one op or zoo block with its options, plus repeat, scope and from',
    if: { type: 'string' },
    then: { type: 'string', enum: names },
    else: { type: 'object', properties: { ...opSchemas, ...LAYER_KEYS }, additionalProperties: false },
  };
}

function withoutDefault(schema: JsonSchema): JsonSchema {
  const { default: _, ...rest } = schema;
  return rest;
}

/** `detect:` and `segment:`: a head and its backbones, everything inside the verb's mapping like compare. */
function headedCell(verb: 'detect' | 'segment'): JsonSchema {
  const backbone: JsonSchema = { if: { type: 'string' }, then: zooId, else: { $ref: '#/definitions/backboneItem' } };
  const task = verb === 'detect' ? 'detection' : 'segmentation';
  return {
    type: 'object',
    required: [verb],
    properties: {
      [verb]: {
        type: 'object',
        description: VERB_DOCS[verb],
        required: ['head'],
        properties: {
          head: { type: 'string', description: `The ${task} head ('lcnb list --heads' shows them)` },
          backbones: {
            type: 'array',
            minItems: 1,
            description: 'Zoo ids, or { model, width, knobs } for a variant; each is built under the head',
            items: backbone,
          },
          backbone: { ...backbone, description: 'One zoo id (or { model, width, knobs }); backbones: [...] for several' },
          resolution: { ...withoutDefault(resolution), description: "Square input size in pixels (default: the head's reference size)" },
          classes: { ...withoutDefault(classes), description: "Number of classes (default: the head's reference dataset)" },
          batch,
          input: modelInput,
          head_knobs: { type: 'object', description: "The head's own knobs, as name: value", additionalProperties: knobValue },
          profile: profileSettings,
        },
        additionalProperties: false,
      },
    },
    additionalProperties: false,
  };
}

const layers: JsonSchema = { type: 'array', minItems: 1, items: { $ref: '#/definitions/layer' }, description: 'The layers, in order' };

const definitions: Record<string, JsonSchema> = {
  layer: layerItem(),
  modelItem: {
    type: 'object',
    required: ['model'],
    properties: { model: zooIdOrFile, ...modelOptions },
    additionalProperties: false,
  },
  networkRef: {
    type: 'object',
    required: ['network'],
    properties: { network: { type: 'string', minLength: 1, description: 'The name of a network cell of this notebook (its network: value)' } },
    additionalProperties: false,
  },
  claim: {
    type: 'object',
    description: "A paper's claim, checked against the measured times: { faster: <entry>, than: <entry>, source: <where the paper says so> } (or a list of them)",
    required: ['faster', 'than', 'source'],
    properties: {
      faster: { type: 'string', minLength: 1, description: 'The entry the paper says is faster: a zoo id or .onnx path as written in models, or a network name' },
      than: { type: 'string', minLength: 1, description: 'The entry it is faster than' },
      source: { type: 'string', minLength: 1, description: 'Where the paper says so, e.g. "ShuffleNetV2 (arXiv:1807.11164), Table 1"' },
    },
    additionalProperties: false,
  },
  modelCell: {
    type: 'object',
    required: ['model'],
    properties: { model: { ...zooIdOrFile, description: `${VERB_DOCS.model}: a zoo id or an .onnx file's path` }, ...modelOptions, profile: profileSettings, predict },
    additionalProperties: false,
  },
  networkCell: {
    type: 'object',
    required: ['network', 'input', 'layers'],
    properties: {
      network: { type: 'string', description: `${VERB_DOCS.network}. Its value names the network` },
      input,
      layers,
      profile: profileSettings,
      predict,
    },
    additionalProperties: false,
  },
  compareCell: {
    type: 'object',
    required: ['compare'],
    properties: {
      compare: {
        type: 'object',
        description: VERB_DOCS.compare,
        required: ['models'],
        properties: {
          models: {
            type: 'array',
            minItems: 1,
            description: 'Zoo ids or .onnx files, { model, width, knobs, … } for a variant, or { network: name } for a network cell of this notebook',
            items: { if: { type: 'string' }, then: zooIdOrFile, else: { if: { required: ['network'] }, then: { $ref: '#/definitions/networkRef' }, else: { $ref: '#/definitions/modelItem' } } },
          },
          resolution,
          classes,
          batch,
          input: modelInput,
          profile: profileSettings,
          predict,
          claim: {
            description: "A paper's claim to check against the measured times: { faster: <entry>, than: <entry>, source: <where the paper says so> }, or a list of them",
            if: { type: 'array' },
            then: { type: 'array', minItems: 1, items: { $ref: '#/definitions/claim' } },
            else: { $ref: '#/definitions/claim' },
          },
        },
        additionalProperties: false,
      },
    },
    additionalProperties: false,
  },
  profileCell: {
    type: 'object',
    required: ['profile'],
    properties: {
      profile: {
        description: `${VERB_DOCS.profile}: a zoo id or an .onnx file, or { model | network, … }`,
        if: { type: 'string' },
        then: zooIdOrFile,
        else: {
          type: 'object',
          properties: {
            model: zooIdOrFile,
            network: { type: 'string', description: 'Name of a network written in this cell (with input and layers)' },
            input,
            layers,
            resolution,
            classes,
            batch,
            width,
            knobs,
            ...settings,
          },
          additionalProperties: false,
        },
      },
      ...modelOptions,
      ...settings,
    },
    additionalProperties: false,
  },
  sweepCell: {
    type: 'object',
    required: ['sweep'],
    properties: {
      sweep: {
        type: 'object',
        description: VERB_DOCS.sweep,
        required: ['model'],
        properties: {
          model: zooId,
          width: { type: 'array', minItems: 1, items: width, description: 'Width multipliers to try' },
          resolution: { type: 'array', minItems: 1, items: resolution, description: 'Resolutions to try' },
          form: { type: 'array', minItems: 1, items: form, description: "A re-parameterised model's forms to try: [training, deploy]" },
          knobs: {
            type: 'object',
            description: 'Knob values to try, as name: [value, …] (a list of lists for a block-list knob)',
            additionalProperties: { type: 'array', minItems: 1, items: knobValue },
          },
          classes,
          batch,
          profile: { ...profileSettings, description: 'Measure every point (true, or settings); without it the sweep is static' },
        },
        additionalProperties: false,
      },
    },
    additionalProperties: false,
  },
  exportCell: {
    type: 'object',
    required: ['export', 'path'],
    properties: {
      export: { ...zooId, description: VERB_DOCS.export },
      path: { type: 'string', minLength: 1, description: "Where to write the .onnx file, relative to the notebook's folder" },
      seed: { type: 'integer', minimum: 0, maximum: 4294967295, description: 'Seed of the deterministic weights', default: 0 },
      ...modelOptions,
      form: {
        type: 'string',
        enum: ['deploy', 'training', 'inference'],
        description:
          'deploy folds every BatchNorm into its conv (and builds a re-parameterised model with its branches fused); training keeps the graph as built. inference is the earlier name of deploy',
        default: 'deploy',
      },
    },
    additionalProperties: false,
  },
  backboneItem: {
    type: 'object',
    required: ['model'],
    properties: { model: zooId, width, knobs },
    additionalProperties: false,
  },
  detectCell: headedCell('detect'),
  segmentCell: headedCell('segment'),
};

/** The whole language: a cell is exactly one of the verb schemas. */
export const CELL_SCHEMA: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: SCHEMA_ID,
  title: 'lcnb notebook cell',
  description: 'A code cell of an .lcnb notebook: a YAML mapping with exactly one verb',
  oneOf: VERBS.map((verb) => ({ $ref: `#/definitions/${verb}Cell` })),
  definitions,
};

/** The schema of `<verb>Cell` followed along `path` (object keys and list indices), if it describes it. */
export function schemaAt(verb: Verb, path: readonly (string | number)[], value?: unknown): JsonSchema | undefined {
  let schema: JsonSchema | undefined = definitions[`${verb}Cell`];
  for (let i = 0; i < path.length && schema; i++) {
    schema = resolve(schema, valueAt(value, path.slice(0, i)));
    const seg = path[i];
    if (typeof seg === 'number') {
      schema = schema.items;
    } else {
      const props: Record<string, JsonSchema> | undefined = schema.properties;
      schema = props && Object.prototype.hasOwnProperty.call(props, seg) ? props[seg] : typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    }
  }
  return schema && resolve(schema, valueAt(value, path));
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let v = value;
  for (const seg of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[seg as string] : undefined;
  return v;
}

/** The `if` conditions the cell schema uses: a type, or required keys of a mapping. */
function matchesIf(condition: JsonSchema, value: unknown): boolean {
  if (condition.required) return value !== null && typeof value === 'object' && !Array.isArray(value) && (condition.required as string[]).every((k) => k in (value as object));
  if (condition.type === 'array') return Array.isArray(value);
  return typeof value === condition.type;
}

/** Follows $ref and picks the if/then/else branch that applies to `value`. */
function resolve(schema: JsonSchema, value: unknown): JsonSchema {
  let s = schema;
  for (let guard = 0; guard < 8; guard++) {
    if (s.$ref) s = definitions[s.$ref.replace('#/definitions/', '')];
    else if (s.if && s.then && s.else) s = matchesIf(s.if, value) ? s.then : s.else;
    else break;
  }
  return s;
}
