/**
 * "Expand Model into Layers": a `model:` cell rewritten as a `network:` cell of the zoo's blocks,
 * one layer per block of the paper's stage table (identical consecutive blocks folded into one
 * layer with `repeat`), with the model's width, knobs, resolution and classes already applied, so
 * the network has exactly the model's params, MAdds, FLOPs and memory access cost. The expansion is
 * built and compared with the zoo model before it is returned.
 */
import { UserError } from '../core/errors';
import { summarize, SummaryTotals } from '../core/summary';
import { makeDivisible } from '../zoo/blocks';
import { FASTERNET_VARIANTS } from '../zoo/fasternet';
import { GHOSTNET_STAGES } from '../zoo/ghostnet';
import { DEFAULT_FORM, ModelForm } from '../zoo/familyTypes';
import { BuildRequest, buildModel, findModel, modelLabel, resolveOptions, ZooBuildOptions, ZooModel } from '../zoo/index';
import { MOBILENET_V1_STAGES } from '../zoo/mobilenet_v1';
import { MOBILENET_V2_ROWS } from '../zoo/mobilenet_v2';
import { MOBILENET_V3_VARIANTS, reducedTail } from '../zoo/mobilenet_v3';
import { MOBILENET_V4_VARIANTS } from '../zoo/mobilenet_v4';
import { BASE_CHANNELS as MOBILEONE_CHANNELS, DEPTHS as MOBILEONE_DEPTHS, MOBILEONE_VARIANTS } from '../zoo/mobileone';
import { PPLCNET_STAGES } from '../zoo/pplcnet';
import { REPVIT_VARIANTS } from '../zoo/repvit';
import { SHUFFLENET_V1_REPEATS, shuffleV1Channels } from '../zoo/shufflenet_v1';
import { SHUFFLENET_V2_CHANNELS, SHUFFLENET_V2_REPEATS } from '../zoo/shufflenet_v2';
import { SQUEEZENET_VARIANTS } from '../zoo/squeezenet';
import { STARNET_VARIANTS } from '../zoo/starnet';
import { buildRequest, ProfileSettings } from './cells';
import { checkCell } from './check';
import { buildNetwork } from './network';
import { OPS } from './networkLayers';
import { parseCell } from './parse';
import { CellError } from './types';

export interface Expansion {
  /** The `network:` cell's text. */
  readonly text: string;
  /** The zoo id that was expanded (also the network's name). */
  readonly id: string;
}

type Args = Record<string, unknown>;

const ZERO = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

interface Layer {
  readonly op: string;
  readonly args: Args;
  readonly scope: string;
  readonly repeat: number;
}

/** A block of a stage table, before identical neighbours are folded together. */
interface Block {
  readonly op: string;
  readonly args: Args;
}

/** Options written even when they equal the op's default, because the papers' tables show them. */
const ALWAYS: Readonly<Record<string, readonly string[]>> = {
  conv: ['k'],
  classifier: ['act'],
  dropout: ['p'],
  shufflenet_v1_unit: ['groups'],
  fasternet_block: ['ratio', 'expand', 'act'],
  star_block: ['expand'],
  mobileone_block: ['k'],
  repvit_block: ['se'],
  uib: ['start_k', 'mid_k', 'expand'],
  fused_ib: ['k', 'expand'],
  mqa: ['heads', 'key_dim', 'kv_stride'],
};

/** The options that differ from the op's defaults (and those ALWAYS shows), in the order given. */
function compact(op: string, args: Args): Args {
  const spec = OPS.get(op);
  if (!spec) throw new Error(`expand: no op '${op}'`);
  const keep = ALWAYS[op] ?? [];
  const out: Args = {};
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined) continue;
    if (!(key in spec.options)) throw new Error(`expand: op '${op}' has no option '${key}'`);
    if (!keep.includes(key) && !spec.required?.includes(key) && JSON.stringify(spec.options[key].default) === JSON.stringify(value)) continue;
    out[key] = value;
  }
  return out;
}

function layer(op: string, args: Args, scope: string): Layer {
  return { op, args: compact(op, args), scope, repeat: 1 };
}

/**
 * A stage's blocks as layers: blocks numbered from `first` through the network (as the zoo scopes
 * them, stage2.block3), runs of identical blocks folded into one repeated layer (stage2.blocks4_6).
 */
function stage(name: string, first: number, blocks: readonly Block[]): Layer[] {
  const layers: Layer[] = [];
  let i = 0;
  while (i < blocks.length) {
    const args = compact(blocks[i].op, blocks[i].args);
    const key = JSON.stringify([blocks[i].op, args]);
    let j = i + 1;
    while (j < blocks.length && JSON.stringify([blocks[j].op, compact(blocks[j].op, blocks[j].args)]) === key) j++;
    const from = first + i;
    const to = first + j - 1;
    layers.push({ op: blocks[i].op, args, scope: from === to ? `${name}.block${from}` : `${name}.blocks${from}_${to}`, repeat: j - i });
    i = j;
  }
  return layers;
}

/** Stages of blocks numbered 1… through the network, scoped stage<offset + i>. */
function stages(tables: readonly (readonly Block[])[], offset = 1, before?: (i: number) => Layer[]): Layer[] {
  let first = 1;
  return tables.flatMap((blocks, i) => {
    const name = `stage${i + offset}`;
    const layers = [...(before?.(i) ?? []), ...stage(name, first, blocks)];
    first += blocks.length;
    return layers;
  });
}

/** A family's layers for one model at resolved options. */
type Expander = (model: ZooModel, o: ZooBuildOptions) => Layer[];

const EXPANDERS: Readonly<Record<string, Expander>> = {
  SqueezeNet: (model, o) => {
    const v = SQUEEZENET_VARIANTS[model.id as keyof typeof SQUEEZENET_VARIANTS];
    const ch = (c: number) => Math.max(1, Math.round(c * o.width));
    return [
      layer('conv', { out: ch(v.stem.out), k: v.stem.k, s: 2, p: 0, bias: true, bn: false, act: 'relu' }, 'stem.conv1'),
      layer('maxpool', { k: 3, s: 2, ceil: true }, 'stem.maxpool'),
      ...stages(
        v.stages.map((fires) => fires.map(([s, e1, e3]) => ({ op: 'fire', args: { squeeze: ch(s), expand1x1: ch(e1), expand3x3: ch(e3) } }))),
        1,
        (i) => (i > 0 ? [layer('maxpool', { k: 3, s: 2, ceil: true }, `stage${i + 1}.maxpool`)] : []),
      ),
      layer('dropout', { p: 0.5 }, 'classifier.dropout'),
      layer('conv', { out: o.numClasses, k: 1, bias: true, bn: false, act: 'relu' }, 'classifier.conv10'),
      layer('gap', {}, 'classifier.pool'),
      layer('flatten', {}, 'classifier.flatten'),
    ];
  },
  ShuffleNetV1: (model, o) => {
    const groups = Number(/_g(\d+)_/.exec(model.id)?.[1]);
    const { stem, stages: widths } = shuffleV1Channels(groups, o.width);
    const units = SHUFFLENET_V1_REPEATS.map((n, i) =>
      Array.from({ length: n }, (_, r): Block => ({
        op: 'shufflenet_v1_unit',
        args: { out: widths[i], groups, s: r === 0 ? 2 : 1, group_first: !(i === 0 && r === 0) },
      })),
    );
    return [
      ...shuffleStem(stem),
      ...stages(units, 2),
      layer('classifier', { classes: o.numClasses, bias: false }, 'classifier'),
    ];
  },
  ShuffleNetV2: (_model, o) => {
    const c = SHUFFLENET_V2_CHANNELS.get(o.width)!;
    const units = SHUFFLENET_V2_REPEATS.map((n, i) =>
      Array.from({ length: n }, (_, r): Block => ({ op: 'shufflenet_v2_unit', args: { out: c[i + 1], s: r === 0 ? 2 : 1 } })),
    );
    return [
      ...shuffleStem(c[0]),
      ...stages(units, 2),
      layer('conv', { out: c[4], k: 1, act: 'relu' }, 'head.conv5'),
      layer('classifier', { classes: o.numClasses }, 'classifier'),
    ];
  },
  MobileNetV1: (_model, o) => {
    const ch = (c: number) => Math.floor(c * o.width);
    return [
      layer('conv', { out: ch(32), k: 3, s: 2, act: 'relu' }, 'stem'),
      ...stages(MOBILENET_V1_STAGES.map((rows) => rows.map(([out, s]) => ({ op: 'depthwise_separable', args: { out: ch(out), s } })))),
      layer('classifier', { classes: o.numClasses }, 'classifier'),
    ];
  },
  MobileNetV2: (_model, o) => {
    const ch = (c: number) => makeDivisible(c * o.width);
    return [
      layer('conv', { out: ch(32), k: 3, s: 2, act: 'relu6' }, 'stem'),
      ...stages(
        MOBILENET_V2_ROWS.map(([t, c, n, s]) =>
          Array.from({ length: n }, (_, r): Block => ({ op: 'inverted_residual', args: { out: ch(c), s: r === 0 ? s : 1, expand: t } })),
        ),
      ),
      layer('conv', { out: makeDivisible(1280 * Math.max(1, o.width)), k: 1, act: 'relu6' }, 'head'),
      layer('classifier', { classes: o.numClasses, dropout: 0.2 }, 'classifier'),
    ];
  },
  MobileNetV3: (model, o) => {
    const table = MOBILENET_V3_VARIANTS[model.id.includes('_large_') ? 'large' : 'small'];
    const v = o.knobs.reduced_tail ? reducedTail(table) : table;
    const ch = (c: number) => makeDivisible(c * o.width);
    const act = o.knobs.act as string;
    const useSe = o.knobs.se as boolean;
    const stageBlocks = v.stages.map((rows) =>
      rows.map(([k, expanded, out, se, hs, s]): Block => ({
        op: 'inverted_residual',
        args: { out: ch(out), s, k, hidden: ch(expanded), act: hs ? act : 'relu', se: se && useSe },
      })),
    );
    const last = v.stages[v.stages.length - 1];
    return [
      layer('conv', { out: ch(16), k: 3, s: 2, act }, 'stem'),
      ...stages(stageBlocks),
      layer('conv', { out: 6 * ch(last[last.length - 1][2]), k: 1, act }, 'head'),
      layer('gap', {}, 'classifier.pool'),
      layer('flatten', {}, 'classifier.flatten'),
      layer('fc', { out: ch(v.lastChannel) }, 'classifier.fc1'),
      layer(act, {}, 'classifier.act'),
      layer('dropout', { p: 0.2 }, 'classifier.dropout'),
      layer('fc', { out: o.numClasses }, 'classifier.fc2'),
    ];
  },
  GhostNet: (_model, o) =>
    ghostnet(o, (_index, args) => ({ op: 'ghost_bottleneck', args: { ...args, ratio: o.knobs.ratio, dw_kernel: o.knobs.dw_kernel } })),
  // GhostNetV2 gives DFC attention to bottlenecks 3–16 only (the reference's layer_id > 1).
  GhostNetV2: (_model, o) => ghostnet(o, (index, args) => ({ op: 'ghost_bottleneck_v2', args: { ...args, dfc: (o.knobs.dfc as boolean) && index > 1 } })),
  FasterNet: (model, o) => {
    const v = FASTERNET_VARIANTS.find((f) => `fasternet_${f.name}` === model.id)!;
    const embed = Math.floor(v.embed * o.width);
    const act = o.knobs.act;
    const blocks = v.depths.map((n) =>
      Array.from({ length: n }, (): Block => ({ op: 'fasternet_block', args: { ratio: o.knobs.ratio, expand: o.knobs.mlp_ratio, act } })),
    );
    return [
      layer('conv', { out: embed, k: 4, s: 4 }, 'stem'),
      ...stages(blocks, 1, (i) => (i > 0 ? [layer('conv', { out: embed * 2 ** i, k: 2, s: 2 }, `stage${i + 1}.merge`)] : [])),
      layer('classifier', { hidden: 1280, act, classes: o.numClasses }, 'classifier'),
    ];
  },
  'PP-LCNet': (_model, o) => {
    const ch = (c: number) => makeDivisible(c * o.width);
    const act = o.knobs.act;
    const se = new Set(o.knobs.se_blocks as number[]);
    const k5 = new Set(o.knobs.k5_blocks as number[]);
    let block = 0;
    const blocks = PPLCNET_STAGES.map((rows) =>
      rows.map(([s, out]): Block => {
        block++;
        return { op: 'depthsep_conv', args: { out: ch(out), s, k: k5.has(block) ? 5 : 3, se: se.has(block), act } };
      }),
    );
    return [
      layer('conv', { out: ch(16), k: 3, s: 2, act }, 'stem'),
      ...stages(blocks),
      layer('classifier', o.knobs.last_conv ? { hidden: 1280, act, dropout: 0.2, classes: o.numClasses } : { classes: o.numClasses }, 'classifier'),
    ];
  },
  StarNet: (model, o) => {
    const v = STARNET_VARIANTS.find((s) => `starnet_${s.name}` === model.id)!;
    const base = Math.floor(v.baseDim * o.width);
    const blocks = v.depths.map((n) => Array.from({ length: n }, (): Block => ({ op: 'star_block', args: { expand: o.knobs.mlp_ratio } })));
    return [
      layer('conv', { out: 32, k: 3, s: 2, bias: true, act: 'relu6' }, 'stem'),
      ...stages(blocks, 1, (i) => [layer('conv', { out: base * 2 ** i, k: 3, s: 2, bias: true }, `stage${i + 1}.down`)]),
      layer('bn', {}, 'head.norm'),
      layer('classifier', { classes: o.numClasses }, 'classifier'),
    ];
  },
  MobileOne: (model, o) => {
    const v = MOBILEONE_VARIANTS.find((m) => `mobileone_${m.name}` === model.id)!;
    const form = formOf(o);
    const branches = o.knobs.k as number;
    const dims = MOBILEONE_DEPTHS.map((_, i) => Math.floor(MOBILEONE_CHANNELS[i] * v.widths[i] * o.width));
    let c = Math.min(64, Math.floor(64 * v.widths[0] * o.width));
    // The stem block has a single conv branch whatever k.
    const layers = [layer('mobileone_block', { out: c, k: 3, s: 2, branches: 1, form }, 'stem')];
    MOBILEONE_DEPTHS.forEach((depth, i) => {
      for (let j = 0; j < depth; j++) {
        const se = j >= depth - v.seBlocks[i];
        const block = `stage${i + 1}.block${j + 1}`;
        layers.push(layer('mobileone_block', { out: c, k: 3, s: j === 0 ? 2 : 1, groups: c, branches, se, form }, `${block}.dw`));
        layers.push(layer('mobileone_block', { out: dims[i], k: 1, branches, se, form }, `${block}.pw`));
        c = dims[i];
      }
    });
    return [...layers, layer('classifier', { classes: o.numClasses }, 'classifier')];
  },
  GhostNetV3: (_model, o) => {
    const form = formOf(o);
    const dfc = o.knobs.dfc as boolean;
    return ghostnet(o, (index, args) => ({ op: 'ghostv3_bottleneck', args: { ...args, dfc: dfc && index > 1, branches: o.knobs.branches, form } }));
  },
  RepViT: (model, o) => {
    const v = REPVIT_VARIANTS.find((m) => `repvit_${m.name}` === model.id)!;
    const form = formOf(o);
    const expand = o.knobs.mlp_ratio as number;
    const dims = v.dims.map((d) => Math.floor(d * o.width));
    // A conv and its BN when training; the one conv with bias they fuse into when deployed.
    const fused = form === 'deploy' ? { bias: true, bn: false } : {};
    let n = 0;
    const blocks = v.depths.map((depth) =>
      Array.from({ length: depth }, (_, j): Block => ({ op: 'repvit_block', args: { se: j % 2 === 0, expand, form } })),
    );
    const layers: Layer[] = [
      layer('conv', { out: Math.floor(dims[0] / 2), k: 3, s: 2, ...fused, act: 'gelu' }, 'stem.conv1'),
      layer('conv', { out: dims[0], k: 3, s: 2, ...fused }, 'stem.conv2'),
    ];
    blocks.forEach((stageBlocks, i) => {
      const name = `stage${i + 1}`;
      if (i > 0) {
        // The downsampling layer: a RepViT block without SE, a 3×3/2 depthwise conv, a 1×1 conv to the new width, a residual channel mixer.
        layers.push(
          layer('repvit_block', { se: false, expand, form }, `${name}.down.pre_block`),
          layer('dwconv', { k: 3, s: 2, ...fused }, `${name}.down.spatial`),
          layer('pwconv', { out: dims[i], ...fused }, `${name}.down.channel`),
          layer('pwconv', { out: expand * dims[i], ...fused, act: 'gelu' }, `${name}.down.ffn.conv1`),
          layer('pwconv', { out: dims[i], ...fused }, `${name}.down.ffn.conv2`),
          layer('add', { with: `${name}.down.channel` }, `${name}.down.ffn.add`),
        );
      }
      layers.push(...stage(name, n + 1, stageBlocks));
      n += stageBlocks.length;
    });
    return [...layers, layer('repvit_classifier', { classes: o.numClasses, form }, 'classifier')];
  },
  MobileNetV4: (model, o) => {
    const v = MOBILENET_V4_VARIANTS.find((m) => m.id === model.id)!;
    const ch = (c: number) => makeDivisible(c * o.width);
    const act = v.act;
    const layerScale = v.layerScale;
    const blocks = v.stages.map((specs) =>
      specs.flatMap((spec): Block[] => {
        const out = ch(spec.out);
        switch (spec.kind) {
          case 'conv':
            return [{ op: 'conv', args: { out, k: spec.k, s: spec.s, act } }];
          case 'fused_ib':
            return [{ op: 'fused_ib', args: { out, k: spec.k, s: spec.s, expand: spec.expand, act } }];
          case 'uib':
            return Array.from({ length: spec.repeat ?? 1 }, (_, r): Block => ({
              op: 'uib',
              args: { out, start_k: spec.startK, mid_k: spec.midK, s: r ? 1 : spec.s, expand: spec.expand, act, layer_scale: layerScale },
            }));
          case 'mqa':
            return [{ op: 'mqa', args: { out, heads: spec.heads, key_dim: spec.dim, kv_stride: spec.kvStride, layer_scale: layerScale } }];
        }
      }),
    );
    return [
      layer('conv', { out: o.width < 1 ? v.stem : ch(v.stem), k: 3, s: 2, act }, 'stem'),
      // The zoo numbers blocks within each stage.
      ...blocks.flatMap((b, i) => stage(`stage${i + 1}`, 1, b)),
      layer('classifier', { hidden: 1280, hidden_bn: true, act, classes: o.numClasses }, 'classifier'),
    ];
  },
};

/** The form a re-parameterised model is expanded in (undefined for a one-form model). */
function formOf(o: ZooBuildOptions): ModelForm {
  return o.form ?? DEFAULT_FORM;
}

/** ShuffleNet's Conv1 3×3/2 → BN → ReLU and MaxPool 3×3/2. */
function shuffleStem(out: number): Layer[] {
  return [layer('conv', { out, k: 3, s: 2, act: 'relu' }, 'stem.conv1'), layer('maxpool', { k: 3, s: 2, p: 1 }, 'stem.maxpool')];
}

/** GhostNet's skeleton (shared with GhostNetV2): stem, Table 1's bottlenecks, the 960·width conv and the 1280-wide head. */
function ghostnet(o: ZooBuildOptions, bottleneck: (index: number, args: Args) => Block): Layer[] {
  const ch = (c: number) => makeDivisible(c * o.width, 4);
  let index = 0;
  const blocks = GHOSTNET_STAGES.map((rows) => rows.map(([k, exp, out, se, s]) => bottleneck(index++, { mid: ch(exp), out: ch(out), k, s, se })));
  const last = GHOSTNET_STAGES[GHOSTNET_STAGES.length - 1];
  return [
    layer('conv', { out: ch(16), k: 3, s: 2, act: 'relu' }, 'stem'),
    ...stages(blocks),
    layer('conv', { out: ch(last[last.length - 1][1]), k: 1, act: 'relu' }, 'head.conv'),
    layer('classifier', { hidden: 1280, hidden_bias: true, act: 'relu', dropout: 0.2, classes: o.numClasses }, 'classifier'),
  ];
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const YAML_WORDS = /^(true|false|yes|no|on|off|null|y|n|~)$/i;

function yamlValue(value: unknown): string {
  if (typeof value === 'string') return PLAIN.test(value) && !YAML_WORDS.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length ? `{ ${entries.map(([k, v]) => `${k}: ${yamlValue(v)}`).join(', ')} }` : '{}';
  }
  throw new Error(`expand: cannot write ${String(value)} as YAML`);
}

function profileLine(profile: ProfileSettings | false | undefined): string | undefined {
  if (profile === undefined) return undefined;
  if (profile === false) return 'profile: false';
  const { runs, warmup, threads, provider, opt, isolated } = profile;
  const settings = { runs, warmup, threads, provider, opt, isolated };
  return Object.values(settings).some((v) => v !== undefined) ? `profile: ${yamlValue(settings)}` : 'profile: true';
}

function render(model: ZooModel, o: ZooBuildOptions, layers: readonly Layer[], profile: ProfileSettings | false | undefined): string {
  const lines = [
    `# model: ${modelLabel(model.id, { width: o.width, knobs: o.knobs, form: o.form })}, expanded into layers with the same params, MAdds, FLOPs and memory access cost`,
    `network: ${model.id}`,
    `input: [${o.batch}, 3, ${o.resolution}, ${o.resolution}]`,
    'layers:',
  ];
  for (const l of layers) {
    lines.push(`  - ${l.op}: ${yamlValue(l.args)}`);
    if (l.repeat > 1) lines.push(`    repeat: ${l.repeat}`);
    lines.push(`    scope: ${l.scope}`);
  }
  const p = profileLine(profile);
  if (p) lines.push(p);
  return `${lines.join('\n')}\n`;
}

function costs(t: SummaryTotals) {
  return { params: t.params, madds: t.madds, flops: t.flops, mac_elements: t.mac_elements };
}

/**
 * A zoo model as the text of a `network:` cell. Unknown ids, options or knobs, and widths or knobs
 * the family cannot build with, throw the zoo's UserError.
 */
export function expandZooModel(id: string, request: BuildRequest = {}, profile?: ProfileSettings | false): Expansion {
  const zoo = buildModel(id, request);
  const model = findModel(id)!;
  const expander = EXPANDERS[model.family];
  if (!expander) throw new UserError(`${id}: the ${model.family} family cannot be expanded into layers yet`);
  const o = resolveOptions(model, request);
  const text = render(model, o, expander(model, o), profile);

  // A wrong expansion would be worse than none: it must parse, build and cost what the model does.
  const parsed = parseCell(text);
  const problem = parsed.diagnostics.find((d) => d.severity === 'error');
  if (problem || !parsed.cell) {
    throw new Error(`expand: the expansion of ${id} does not parse: line ${(problem?.range.start.line ?? 0) + 1}: ${problem?.message}\n${text}`);
  }
  if (parsed.cell.verb !== 'network') throw new Error(`expand: the expansion of ${id} is a ${parsed.cell.verb} cell`);
  const mine = costs(summarize(buildNetwork(parsed.cell).graph).totals);
  const theirs = costs(summarize(zoo).totals);
  if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
    throw new Error(`expand: the expansion of ${id} costs ${JSON.stringify(mine)}, the model ${JSON.stringify(theirs)}`);
  }
  return { text, id };
}

/**
 * The command's core: a `model:` cell's text as a `network:` cell with identical costs. A cell
 * that is not a model cell, has errors, or names a model that cannot build throws a CellError at
 * the line and column concerned.
 */
export function expandModel(cellText: string): Expansion {
  const { cell, diagnostics } = checkCell(cellText);
  const error = diagnostics.find((d) => d.severity === 'error');
  if (error || !cell) throw new CellError(error?.message ?? 'this cell does not parse', error?.range ?? ZERO);
  if (cell.verb !== 'model') {
    throw new CellError(`only a model: cell expands into layers; this is a ${cell.verb} cell`, cell.range);
  }
  if (cell.model.file) throw new CellError(`only a zoo model expands into layers; ${cell.model.id} is an .onnx file`, cell.model.range);
  try {
    return expandZooModel(cell.model.id, buildRequest(cell.model), cell.profile);
  } catch (e) {
    if (e instanceof UserError) throw new CellError(e.message, cell.model.range);
    throw e;
  }
}
