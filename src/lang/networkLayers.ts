/**
 * The ops and zoo blocks a `network:` cell's layers may use: their options (as JSON Schema, with
 * the descriptions completions and hovers show) and how each adds its nodes to the graph. The
 * schema, the completions and buildNetwork all read this one table.
 */
import { GraphBuilder, Tensor } from '../core/ir';
import { Activation, activation, classifier, conv, depthwiseSeparable, makeDivisible, squeezeExcite } from '../zoo/blocks';
import { fasternetBlock, pconv } from '../zoo/fasternet';
import { ghostBottleneck, ghostModule } from '../zoo/ghostnet';
import { ghostBottleneckV2 } from '../zoo/ghostnet_v2';
import { ghostV3Bottleneck } from '../zoo/ghostnet_v3';
import { DEFAULT_FORM, MODEL_FORMS, ModelForm } from '../zoo/familyTypes';
import { invertedResidual } from '../zoo/mobilenet_v2';
import { fusedIbBlock, mqaBlock, uibBlock } from '../zoo/mobilenet_v4';
import { mobileOneBlock } from '../zoo/mobileone';
import { depthSepConv } from '../zoo/pplcnet';
import { shuffleV1Unit } from '../zoo/shufflenet_v1';
import { shuffleV2Unit } from '../zoo/shufflenet_v2';
import { repvitBlock } from '../zoo/repvit';
import { fire } from '../zoo/squeezenet';
import { starBlock } from '../zoo/starnet';

/** The subset of JSON Schema (draft-07) the language uses. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  minLength?: number;
  maxItems?: number;
  pattern?: string;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  required?: string[];
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  $ref?: string;
  $id?: string;
  $schema?: string;
  $comment?: string;
  title?: string;
  definitions?: Record<string, JsonSchema>;
}

export const ACTIVATIONS: readonly Activation[] = ['relu', 'relu6', 'hardswish', 'hardsigmoid', 'sigmoid', 'silu', 'gelu', 'none'];
export const GATES = ['hardsigmoid', 'sigmoid'] as const;

/** What an op's build function gets: the builder, its input, its options with defaults filled in. */
export interface LayerContext {
  readonly b: GraphBuilder;
  readonly x: Tensor;
  readonly args: Readonly<Record<string, unknown>>;
  /** Runs `body` inside the layer's scope (plain ops). */
  scoped(body: () => Tensor): Tensor;
  /** Calls a zoo block with the layer's scope as its own (blocks open their scope themselves). */
  block(body: (scope: string) => Tensor): Tensor;
  /** The output of an earlier layer named by option `key` (a scope name, or `input`). */
  ref(key: string, name: string): Tensor;
  /** Stops the build with an error at option `key` (or at the op when it is not written). */
  fail(message: string, key?: string): never;
}

export interface OpSpec {
  readonly name: string;
  /** One line, shown in completions and hovers. */
  readonly doc: string;
  /** Where the op comes from, for blocks: the zoo function and paper. */
  readonly origin?: string;
  readonly options: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  /** Pairs of options that say the same thing two ways; at most one of each pair may be given. */
  readonly exclusive?: readonly (readonly [string, string])[];
  build(ctx: LayerContext): Tensor;
}

const int = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'integer', minimum: 1, description, ...extra });
const num = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'number', description, ...extra });
const bool = (description: string, value: boolean): JsonSchema => ({ type: 'boolean', description, default: value });
const act = (description: string, value: Activation): JsonSchema => ({ type: 'string', enum: ACTIVATIONS, description, default: value });

const OUT = int('Output channels');
const STRIDE = int('Stride', { default: 1 });
const STRIDE12: JsonSchema = { type: 'integer', enum: [1, 2], description: 'Stride: 1, or 2 to halve the resolution', default: 1 };
const KERNEL = int('Kernel size k (a k×k window)', { default: 3 });
const PAD: JsonSchema = {
  type: 'integer',
  minimum: 0,
  description: 'Padding on every side; default d·(k − 1) / 2 for an odd kernel ("same"), 0 for an even one',
};
const DILATION = int('Dilation', { default: 1 });
const BIAS = bool('Conv bias', false);
const BN = bool('BatchNorm after the conv', true);
const FORM: JsonSchema = {
  type: 'string',
  enum: [...MODEL_FORMS],
  description: 'deploy: the parallel branches and BatchNorms fused into one conv with bias (as the paper counts and times it); training: the block as trained, every branch with its BN',
  default: DEFAULT_FORM,
};

function opt<T>(ctx: LayerContext, key: string): T {
  return ctx.args[key] as T;
}

function samePad(k: number, d: number, p: number | undefined): number {
  if (p !== undefined) return p;
  return k % 2 === 1 ? (d * (k - 1)) / 2 : 0;
}

/** Conv → optional BN → activation, in the layer's scope. */
function convLayer(ctx: LayerContext, o: { out: number; k: number; s: number; p?: number; d: number; groups: number }): Tensor {
  return ctx.scoped(() => {
    let y = conv(ctx.b, ctx.x, { out: o.out, k: o.k, s: o.s, pad: samePad(o.k, o.d, o.p), dilation: o.d, groups: o.groups, bias: opt(ctx, 'bias') });
    if (opt<boolean>(ctx, 'bn')) y = ctx.b.add1('BatchNormalization', 'bn', [y]);
    return activation(ctx.b, y, opt<Activation>(ctx, 'act'));
  });
}

function pool(kind: 'MaxPool' | 'AveragePool'): OpSpec['build'] {
  return (ctx) => {
    const k = opt<number>(ctx, 'k');
    const s = opt<number | undefined>(ctx, 's') ?? k;
    const p = opt<number>(ctx, 'p');
    const attrs: Record<string, number | boolean | number[]> = { kernel_shape: [k, k], strides: [s, s], pads: [p, p, p, p], ceil_mode: opt(ctx, 'ceil') };
    // PyTorch's AvgPool2d divides by the full window at the border (count_include_pad=True).
    if (kind === 'AveragePool') attrs.count_include_pad = true;
    return ctx.scoped(() => ctx.b.add1(kind, kind === 'MaxPool' ? 'maxpool' : 'avgpool', [ctx.x], attrs));
  };
}

function activationOp(kind: Activation, doc: string): OpSpec {
  return { name: kind, doc, options: {}, build: (ctx) => ctx.scoped(() => activation(ctx.b, ctx.x, kind)) };
}

/** A whole number of channels c · ratio, or a failure naming the numbers. */
function partialOf(ctx: LayerContext, channels: number): number {
  const partial = opt<number | undefined>(ctx, 'partial');
  if (partial !== undefined) {
    if (partial > channels) ctx.fail(`partial ${partial} is more than the ${channels} input channels`, 'partial');
    return partial;
  }
  const ratio = opt<number>(ctx, 'ratio');
  const exact = channels * ratio;
  const rounded = Math.round(exact);
  if (rounded < 1 || Math.abs(exact - rounded) > 1e-9 * channels) {
    ctx.fail(`ratio ${ratio} of ${channels} channels is ${+exact.toFixed(6)}; c · ratio must be a positive whole number`, 'ratio');
  }
  return rounded;
}

const linear: OpSpec['build'] = (ctx) => {
  if (ctx.x.shape.length !== 2) {
    ctx.fail(`needs a flat input [N, C], got [${ctx.x.shape.join(', ')}]; add '- gap' and '- flatten' (or '- flatten') before it`);
  }
  return ctx.scoped(() => ctx.b.add1('Gemm', 'fc', [ctx.x], { out_features: opt(ctx, 'out'), bias: opt(ctx, 'bias') }));
};

const SE_OPTION: JsonSchema = {
  type: ['boolean', 'object'],
  description:
    "Squeeze-and-excitation after the depthwise conv: true for MobileNetV3's (squeeze make_divisible(hidden / 4, 8), hard-sigmoid gate), or { squeeze, gate }",
  default: false,
  properties: {
    squeeze: int('Squeeze channels of the SE module'),
    gate: { type: 'string', enum: GATES, description: 'Gate of the SE module', default: 'hardsigmoid' },
  },
  additionalProperties: false,
};

function poolOp(name: string, doc: string, op: 'MaxPool' | 'AveragePool'): OpSpec {
  return {
    name,
    doc,
    options: {
      k: int('Window size'),
      s: int('Stride; default k'),
      p: { type: 'integer', minimum: 0, description: 'Padding on every side', default: 0 },
      ceil: bool('Round the output size up (ceil_mode)', false),
    },
    required: ['k'],
    build: pool(op),
  };
}

/** Options both Ghost bottlenecks (v1 and v2) take. */
const GHOST_BOTTLENECK_OPTIONS = {
  mid: int('Expanded (hidden) channels'),
  out: OUT,
  k: KERNEL,
  s: STRIDE,
  se: bool('Squeeze-and-excitation (squeeze make_divisible(mid / 4, 4), hard-sigmoid gate)', false),
};

const SPECS: OpSpec[] = [
  {
    name: 'conv',
    doc: 'Convolution → BatchNorm (bn, default on) → activation (act, default none)',
    options: {
      out: OUT,
      k: KERNEL,
      s: STRIDE,
      p: PAD,
      d: DILATION,
      groups: int('Groups (input and output channels must both divide by it)', { default: 1 }),
      bias: BIAS,
      bn: BN,
      act: act('Activation after the conv (and BN)', 'none'),
    },
    required: ['out'],
    build: (ctx) =>
      convLayer(ctx, { out: opt(ctx, 'out'), k: opt(ctx, 'k'), s: opt(ctx, 's'), p: opt(ctx, 'p'), d: opt(ctx, 'd'), groups: opt(ctx, 'groups') }),
  },
  {
    name: 'dwconv',
    doc: 'Depthwise convolution (groups = channels, output channels = input channels) → BN → activation',
    options: { k: KERNEL, s: STRIDE, p: PAD, d: DILATION, bias: BIAS, bn: BN, act: act('Activation after the conv (and BN)', 'none') },
    build: (ctx) => {
      const c = ctx.x.shape[1];
      return convLayer(ctx, { out: c, k: opt(ctx, 'k'), s: opt(ctx, 's'), p: opt(ctx, 'p'), d: opt(ctx, 'd'), groups: c });
    },
  },
  {
    name: 'pwconv',
    doc: 'Pointwise (1×1) convolution → BN → activation',
    options: { out: OUT, groups: int('Groups', { default: 1 }), bias: BIAS, bn: BN, act: act('Activation after the conv (and BN)', 'none') },
    required: ['out'],
    build: (ctx) => convLayer(ctx, { out: opt(ctx, 'out'), k: 1, s: 1, p: 0, d: 1, groups: opt(ctx, 'groups') }),
  },
  { name: 'bn', doc: 'BatchNorm (γ and β are parameters; running mean and variance are not)', options: {}, build: (ctx) => ctx.scoped(() => ctx.b.add1('BatchNormalization', 'bn', [ctx.x])) },
  activationOp('relu', 'ReLU'),
  activationOp('relu6', 'ReLU6: min(max(x, 0), 6)'),
  activationOp('hardswish', 'Hard swish: x · relu6(x + 3) / 6'),
  activationOp('hardsigmoid', 'Hard sigmoid: relu6(x + 3) / 6'),
  activationOp('sigmoid', 'Sigmoid'),
  activationOp('silu', 'SiLU (swish): x · sigmoid(x)'),
  activationOp('gelu', 'GELU'),
  poolOp('maxpool', 'Max pooling over k×k windows', 'MaxPool'),
  poolOp('avgpool', 'Average pooling over k×k windows (the border divides by the whole window, as PyTorch does)', 'AveragePool'),
  { name: 'gap', doc: 'Global average pooling: [N, C, H, W] → [N, C, 1, 1]', options: {}, build: (ctx) => ctx.scoped(() => ctx.b.add1('GlobalAveragePool', 'pool', [ctx.x])) },
  { name: 'flatten', doc: 'Flatten to [N, C·H·W]', options: {}, build: (ctx) => ctx.scoped(() => ctx.b.add1('Flatten', 'flatten', [ctx.x], { axis: 1 })) },
  {
    name: 'dropout',
    doc: 'Dropout (no parameters, no work at inference)',
    options: { p: num('Drop probability', { minimum: 0, exclusiveMaximum: 1, default: 0.5 }) },
    build: (ctx) => ctx.scoped(() => ctx.b.add1('Dropout', 'dropout', [ctx.x], { ratio: opt(ctx, 'p') })),
  },
  {
    name: 'fc',
    doc: 'Fully connected layer on a flat input [N, C]',
    options: { out: int('Output features'), bias: bool('Bias', true) },
    required: ['out'],
    build: linear,
  },
  {
    name: 'linear',
    doc: 'Fully connected layer on a flat input [N, C] (the same as fc)',
    options: { out: int('Output features'), bias: bool('Bias', true) },
    required: ['out'],
    build: linear,
  },
  {
    name: 'classifier',
    doc: 'Global average pool → [1×1 conv to hidden → [BN] → act] → flatten → [dropout] → fully connected to the classes',
    options: {
      classes: int('Classes (output features of the last layer)'),
      hidden: int("Width of a 1×1 conv between the pool and the last layer (FasterNet's and PP-LCNet's 1280)"),
      act: act('Activation after the hidden conv', 'relu'),
      hidden_bias: bool('Bias of the hidden conv', false),
      hidden_bn: bool("BatchNorm after the hidden conv, before its activation (MobileNetV4's head)", false),
      dropout: num('Dropout before the last layer; 0 for none', { minimum: 0, exclusiveMaximum: 1, default: 0 }),
      bias: bool('Bias of the last layer', true),
    },
    required: ['classes'],
    build: (ctx) => {
      const hidden = opt<number | undefined>(ctx, 'hidden');
      const dropout = opt<number>(ctx, 'dropout');
      if (hidden === undefined) return ctx.block((scope) => classifier(ctx.b, ctx.x, { classes: opt(ctx, 'classes'), dropout, bias: opt(ctx, 'bias') }, scope));
      return ctx.scoped(() => {
        const b = ctx.b;
        let y = b.add1('GlobalAveragePool', 'pool', [ctx.x]);
        y = conv(b, y, { out: hidden, k: 1, bias: opt(ctx, 'hidden_bias') }, 'hidden');
        if (opt<boolean>(ctx, 'hidden_bn')) y = b.add1('BatchNormalization', 'hidden_bn', [y]);
        y = activation(b, y, opt<Activation>(ctx, 'act'));
        y = b.add1('Flatten', 'flatten', [y], { axis: 1 });
        if (dropout) y = b.add1('Dropout', 'dropout', [y], { ratio: dropout });
        return b.add1('Gemm', 'fc', [y], { out_features: opt(ctx, 'classes'), bias: opt(ctx, 'bias') });
      });
    },
  },
  {
    name: 'se',
    doc: 'Squeeze-and-excitation: global pool → 1×1 conv (bias) → act → 1×1 conv (bias) → gate → scale the input',
    options: {
      reduction: num('Squeeze channels = ⌊channels / reduction⌋ (rounded with divisor when it is above 1)', { exclusiveMinimum: 0, default: 4 }),
      squeeze: int('Squeeze channels, instead of reduction'),
      divisor: int('Round the squeeze channels with make_divisible(·, divisor), as MobileNetV3 (8) and GhostNet (4) do', { default: 1 }),
      gate: { type: 'string', enum: GATES, description: 'Gate', default: 'hardsigmoid' },
      act: act('Activation between the two 1×1 convs', 'relu'),
    },
    exclusive: [['reduction', 'squeeze']],
    build: (ctx) => {
      const channels = ctx.x.shape[1];
      const divisor = opt<number>(ctx, 'divisor');
      const reduced = Math.floor(channels / opt<number>(ctx, 'reduction'));
      const squeeze = opt<number | undefined>(ctx, 'squeeze') ?? (divisor > 1 ? makeDivisible(reduced, divisor) : reduced);
      if (squeeze < 1) ctx.fail(`reduction ${opt(ctx, 'reduction')} of ${channels} channels leaves no squeeze channels`, 'reduction');
      return ctx.block((scope) =>
        squeezeExcite(ctx.b, ctx.x, { squeeze, gate: opt<'hardsigmoid' | 'sigmoid'>(ctx, 'gate'), act: opt<Activation>(ctx, 'act') }, scope),
      );
    },
  },
  {
    name: 'channel_shuffle',
    doc: "ShuffleNet's channel shuffle",
    options: { groups: int('Groups (channels must divide by it)') },
    required: ['groups'],
    build: (ctx) => ctx.scoped(() => ctx.b.add1('ChannelShuffle', 'shuffle', [ctx.x], { group: opt(ctx, 'groups') })),
  },
  {
    name: 'add',
    doc: 'Adds the output of an earlier layer (a residual connection)',
    options: { with: { type: 'string', description: "Scope of the earlier layer (layer<k>, its scope: name, or 'input')" } },
    required: ['with'],
    build: (ctx) => {
      const other = ctx.ref('with', opt(ctx, 'with'));
      return ctx.scoped(() => ctx.b.add1('Add', 'add', [ctx.x, other]));
    },
  },
  {
    name: 'concat',
    doc: 'Concatenates channels: the previous output, then each named earlier layer in order',
    options: {
      with: {
        type: ['string', 'array'],
        items: { type: 'string' },
        minItems: 1,
        description: "Scope (or list of scopes) of earlier layers (layer<k>, a scope: name, or 'input')",
      },
    },
    required: ['with'],
    build: (ctx) => {
      const names = opt<string | string[]>(ctx, 'with');
      const others = (Array.isArray(names) ? names : [names]).map((name) => ctx.ref('with', name));
      return ctx.scoped(() => ctx.b.add1('Concat', 'concat', [ctx.x, ...others], { axis: 1 }));
    },
  },
  {
    name: 'depthwise_separable',
    origin: 'MobileNetV1 (zoo/blocks.ts depthwiseSeparable)',
    doc: 'k×k depthwise → BN → act, then 1×1 pointwise → BN → act',
    options: { out: OUT, s: STRIDE, k: KERNEL, act: act('Activation after each conv', 'relu') },
    required: ['out'],
    build: (ctx) => ctx.block((scope) => depthwiseSeparable(ctx.b, ctx.x, { out: opt(ctx, 'out'), s: opt(ctx, 's'), k: opt(ctx, 'k'), act: opt(ctx, 'act') }, scope)),
  },
  {
    name: 'inverted_residual',
    origin: 'MobileNetV2 / V3 bneck (zoo/mobilenet_v2.ts invertedResidual)',
    doc: '1×1 expansion (skipped when it keeps the width) → k×k depthwise → [SE] → linear 1×1 projection; identity shortcut at stride 1 and equal width',
    options: {
      out: OUT,
      s: STRIDE,
      expand: num('Expansion ratio t: hidden = round(input channels · t)', { exclusiveMinimum: 0, default: 6 }),
      hidden: int('Expanded channels, instead of expand'),
      k: KERNEL,
      act: act('Activation after the expansion and the depthwise conv', 'relu6'),
      se: SE_OPTION,
    },
    required: ['out'],
    exclusive: [['expand', 'hidden']],
    build: (ctx) => {
      const se = opt<boolean | { squeeze?: number; gate?: 'hardsigmoid' | 'sigmoid' }>(ctx, 'se');
      const hidden = opt<number | undefined>(ctx, 'hidden');
      return ctx.block((scope) =>
        invertedResidual(
          ctx.b,
          ctx.x,
          {
            out: opt(ctx, 'out'),
            s: opt(ctx, 's'),
            expand: opt(ctx, 'expand'),
            hidden,
            k: opt(ctx, 'k'),
            act: opt(ctx, 'act'),
            se: seOf(se, () => {
              const h = hidden ?? roundHalfEven(ctx.x.shape[1] * opt<number>(ctx, 'expand'));
              return makeDivisible(Math.floor(h / 4));
            }),
          },
          scope,
        ),
      );
    },
  },
  {
    name: 'fire',
    origin: 'SqueezeNet (zoo/squeezenet.ts fire)',
    doc: '1×1 squeeze → ReLU, then 1×1 and 3×3 expand convs (each → ReLU) concatenated; every conv has a bias, no BN',
    options: { squeeze: int('Squeeze channels'), expand1x1: int('Channels of the 1×1 expand conv'), expand3x3: int('Channels of the 3×3 expand conv') },
    required: ['squeeze', 'expand1x1', 'expand3x3'],
    build: (ctx) =>
      ctx.block((scope) => fire(ctx.b, ctx.x, { squeeze: opt(ctx, 'squeeze'), expand1x1: opt(ctx, 'expand1x1'), expand3x3: opt(ctx, 'expand3x3') }, scope)),
  },
  {
    name: 'shufflenet_v1_unit',
    origin: 'ShuffleNet v1 (zoo/shufflenet_v1.ts shuffleV1Unit)',
    doc: '1×1 group conv → 3×3 depthwise → channel shuffle → 1×1 group conv; stride 1 adds the input, stride 2 concatenates a 3×3 average pool of it',
    options: {
      out: OUT,
      groups: int('Groups g of the 1×1 convs', { default: 3 }),
      s: STRIDE12,
      group_first: bool('Group the first 1×1 conv (false in the first unit after the stem)', true),
    },
    required: ['out'],
    build: (ctx) =>
      ctx.block((scope) =>
        shuffleV1Unit(ctx.b, ctx.x, { out: opt(ctx, 'out'), groups: opt(ctx, 'groups'), stride: opt(ctx, 's'), groupFirst: opt(ctx, 'group_first') }, scope),
      ),
  },
  {
    name: 'shufflenet_v2_unit',
    origin: 'ShuffleNetV2 (zoo/shufflenet_v2.ts shuffleV2Unit)',
    doc: 'Stride 1: channel split, 1×1 → 3×3 depthwise → 1×1 on one half, concat, shuffle. Stride 2: two branches, each half of out',
    options: { out: OUT, s: STRIDE12 },
    required: ['out'],
    build: (ctx) => {
      if (opt(ctx, 's') === 1 && ctx.x.shape[1] !== opt(ctx, 'out')) {
        ctx.fail(`a stride-1 unit keeps the width: out must be the ${ctx.x.shape[1]} input channels, got ${opt(ctx, 'out')}`, 'out');
      }
      return ctx.block((scope) => shuffleV2Unit(ctx.b, ctx.x, { out: opt(ctx, 'out'), stride: opt(ctx, 's') }, scope));
    },
  },
  {
    name: 'ghost_module',
    origin: 'GhostNet (zoo/ghostnet.ts ghostModule)',
    doc: '1×1 primary conv to ⌈out / ratio⌉ maps, a d×d depthwise cheap op for the rest, concatenated',
    options: {
      out: OUT,
      ratio: int('s: 1/s of the maps come from the primary conv', { minimum: 2, default: 2 }),
      dw_kernel: int('Kernel d of the cheap depthwise op (odd)', { default: 3 }),
      relu: bool('ReLU after both convs', true),
    },
    required: ['out'],
    build: (ctx) =>
      ctx.block((scope) => ghostModule(ctx.b, ctx.x, { out: opt(ctx, 'out'), ratio: opt(ctx, 'ratio'), dwKernel: opt(ctx, 'dw_kernel'), relu: opt(ctx, 'relu') }, scope)),
  },
  {
    name: 'ghost_bottleneck',
    origin: 'GhostNet (zoo/ghostnet.ts ghostBottleneck)',
    doc: 'Ghost module → [k×k depthwise at stride 2] → [SE] → Ghost module, plus a shortcut (identity, or depthwise + 1×1 when the shape changes)',
    options: {
      ...GHOST_BOTTLENECK_OPTIONS,
      ratio: int('Ghost ratio s of both Ghost modules', { minimum: 2, default: 2 }),
      dw_kernel: int('Kernel d of the cheap depthwise ops (odd)', { default: 3 }),
    },
    required: ['mid', 'out'],
    build: (ctx) => ctx.block((scope) => ghostBottleneck(ctx.b, ctx.x, ghostOptions(ctx), scope)),
  },
  {
    name: 'ghost_bottleneck_v2',
    origin: 'GhostNetV2 (zoo/ghostnet_v2.ts ghostBottleneckV2)',
    doc: 'Ghost bottleneck whose first Ghost module is scaled by DFC attention',
    options: {
      ...GHOST_BOTTLENECK_OPTIONS,
      dfc: bool('DFC attention on the first Ghost module', true),
    },
    required: ['mid', 'out'],
    build: (ctx) => ctx.block((scope) => ghostBottleneckV2(ctx.b, ctx.x, { ...ghostOptions(ctx), dfc: opt(ctx, 'dfc') }, scope)),
  },
  {
    name: 'pconv',
    origin: 'FasterNet (zoo/fasternet.ts pconv)',
    doc: 'Partial convolution: a 3×3 conv on the first c · ratio channels, the rest passed through',
    options: {
      ratio: num('Partial ratio r: the conv sees c · r channels (a whole number)', { exclusiveMinimum: 0, maximum: 1, default: 0.25 }),
      partial: int('Channels the conv sees, instead of ratio'),
    },
    exclusive: [['ratio', 'partial']],
    build: (ctx) => {
      const partial = partialOf(ctx, ctx.x.shape[1]);
      return ctx.block((scope) => pconv(ctx.b, ctx.x, { partial }, scope));
    },
  },
  {
    name: 'fasternet_block',
    origin: 'FasterNet (zoo/fasternet.ts fasternetBlock)',
    doc: 'PConv → 1×1 expand → BN → act → 1×1 project, plus the input',
    options: {
      ratio: num('Partial ratio r of the PConv (c · r must be a whole number)', { exclusiveMinimum: 0, maximum: 1, default: 0.25 }),
      partial: int('Channels the PConv sees, instead of ratio'),
      expand: num('MLP ratio: hidden = ⌊c · expand⌋', { exclusiveMinimum: 0, default: 2 }),
      hidden: int('Hidden channels of the MLP, instead of expand'),
      act: act('Activation in the MLP', 'relu'),
    },
    exclusive: [['ratio', 'partial'], ['expand', 'hidden']],
    build: (ctx) => {
      const channels = ctx.x.shape[1];
      const partial = partialOf(ctx, channels);
      const hidden = opt<number | undefined>(ctx, 'hidden') ?? Math.floor(channels * opt<number>(ctx, 'expand'));
      if (hidden < 1) ctx.fail(`expand ${opt(ctx, 'expand')} of ${channels} channels leaves the MLP no hidden channels`, 'expand');
      return ctx.block((scope) => fasternetBlock(ctx.b, ctx.x, { partial, hidden, act: opt(ctx, 'act') }, scope));
    },
  },
  {
    name: 'star_block',
    origin: 'StarNet (zoo/starnet.ts starBlock)',
    doc: '7×7 depthwise → BN, 1×1 f1 and f2 to c · expand, ReLU6(f1) * f2, 1×1 g → BN, 7×7 depthwise, plus the input (every conv with a bias)',
    options: {
      expand: int('MLP ratio: f1 and f2 give c · expand channels', { default: 4 }),
      hidden: int('Channels of the star operation, instead of expand'),
    },
    exclusive: [['expand', 'hidden']],
    build: (ctx) => {
      const hidden = opt<number | undefined>(ctx, 'hidden') ?? ctx.x.shape[1] * opt<number>(ctx, 'expand');
      return ctx.block((scope) => starBlock(ctx.b, ctx.x, { hidden }, scope));
    },
  },
  {
    name: 'mobileone_block',
    origin: 'MobileOne, Vasu et al., CVPR 2023 (zoo/mobileone.ts mobileOneBlock)',
    doc:
      'MobileOne block. Training form: the sum of `branches` k×k conv → BN branches, a 1×1 conv → BN scale branch (when k > 1) and a BN identity branch (when the width is kept at stride 1); deploy form: the one k×k conv with bias they fuse into. Then [SE] → ReLU',
    options: {
      out: OUT,
      k: KERNEL,
      s: STRIDE,
      groups: int('Groups: 1 for a full conv, the input channels for a depthwise one', { default: 1 }),
      branches: int('Over-parameterisation factor k of the paper: parallel k×k conv → BN branches in the training form', { default: 1 }),
      se: bool('Squeeze-and-excitation before the ReLU (squeeze ⌊out / 16⌋, ReLU, sigmoid gate)', false),
      form: FORM,
    },
    required: ['out'],
    build: (ctx) => {
      const out = opt<number>(ctx, 'out');
      if (opt<boolean>(ctx, 'se') && out < 16) ctx.fail(`SE squeezes to ⌊out / 16⌋ channels: out ${out} leaves none`, 'se');
      return ctx.block((scope) =>
        mobileOneBlock(
          ctx.b,
          ctx.x,
          { out, k: opt(ctx, 'k'), s: opt(ctx, 's'), groups: opt(ctx, 'groups'), branches: opt(ctx, 'branches'), se: opt(ctx, 'se'), form: opt<ModelForm>(ctx, 'form') },
          scope,
        ),
      );
    },
  },
  {
    name: 'ghostv3_bottleneck',
    origin: 'GhostNetV3, Liu et al., arXiv:2404.11202 (zoo/ghostnet_v3.ts ghostV3Bottleneck)',
    doc:
      'GhostNetV3 bottleneck: Ghost module [× DFC attention] → [k×k depthwise at stride 2] → [SE] → Ghost module, plus a shortcut. Training form: each 1×1 primary conv, 3×3 cheap op and stride-2 depthwise conv is `branches` conv → BN branches summed (with a 1×1 scale branch beside the k×k ones and a BN identity beside the cheap op); deploy form: each one conv with bias',
    options: {
      ...GHOST_BOTTLENECK_OPTIONS,
      dfc: bool('DFC attention on the first Ghost module', true),
      branches: int('Parallel conv → BN branches of every re-parameterisable conv in the training form', { default: 3 }),
      form: FORM,
    },
    required: ['mid', 'out'],
    build: (ctx) =>
      ctx.block((scope) =>
        ghostV3Bottleneck(
          ctx.b,
          ctx.x,
          { mid: opt(ctx, 'mid'), out: opt(ctx, 'out'), k: opt(ctx, 'k'), s: opt(ctx, 's'), se: opt(ctx, 'se'), dfc: opt(ctx, 'dfc') },
          { form: opt<ModelForm>(ctx, 'form'), branches: opt(ctx, 'branches') },
          scope,
        ),
      ),
  },
  {
    name: 'repvit_block',
    origin: 'RepViT, Wang et al., CVPR 2024 (zoo/repvit.ts repvitBlock)',
    doc:
      'RepViT block (width kept, stride 1): 3×3 depthwise token mixer → [SE] → residual channel mixer (1×1 → GELU → 1×1, plus its input). Training form: the token mixer is BN(3×3 depthwise conv → BN + 1×1 depthwise conv + input) and every conv is followed by its BN; deploy form: one 3×3 depthwise conv, every conv with bias and no BN',
    options: {
      se: bool('Squeeze-and-excitation after the token mixer (ReLU, sigmoid gate, C / 4 channels rounded to a multiple of 8)', false),
      expand: int('MLP ratio of the channel mixer: c · expand hidden channels', { default: 2 }),
      form: FORM,
    },
    build: (ctx) => ctx.block((scope) => repvitBlock(ctx.b, ctx.x, { form: opt<ModelForm>(ctx, 'form'), se: opt(ctx, 'se'), mlpRatio: opt(ctx, 'expand') }, scope)),
  },
  {
    name: 'repvit_classifier',
    origin: 'RepViT, Wang et al., CVPR 2024',
    doc:
      "RepViT's classifier: global average pool → flatten, then in the training form two BN → Linear heads (classification and distillation) whose logits are averaged, in the deploy form the one Linear they fuse into",
    options: { classes: int('Classes (output features of the Linear)'), form: FORM },
    required: ['classes'],
    build: (ctx) =>
      ctx.scoped(() => {
        const b = ctx.b;
        const classes = opt<number>(ctx, 'classes');
        const flat = b.add1('Flatten', 'flatten', [b.add1('GlobalAveragePool', 'pool', [ctx.x])], { axis: 1 });
        if (opt<ModelForm>(ctx, 'form') === 'deploy') return b.add1('Gemm', 'fc', [flat], { out_features: classes, bias: true });
        const head = (name: string) =>
          b.scope(name, () => b.add1('Gemm', 'fc', [b.add1('BatchNormalization', 'bn', [flat])], { out_features: classes, bias: true }));
        const sum = b.add1('Add', 'add', [head('head'), head('head_dist')]);
        return b.add1('Mul', 'average', [sum, b.constant(`${sum.name}.half`, [1], { parameter: false })]);
      }),
  },
  {
    name: 'uib',
    origin: 'MobileNetV4, Qin et al., arXiv:2404.10518 (zoo/mobilenet_v4.ts uibBlock)',
    doc:
      'Universal Inverted Bottleneck (MobileNetV4): [start_k×start_k depthwise → BN] → 1×1 expansion → BN → act → [mid_k×mid_k depthwise → BN → act] → 1×1 projection → BN → [layer scale], plus the input when the shape is kept. ExtraDW: both kernels; IB: mid_k only; ConvNext: start_k only; FFN: neither',
    options: {
      out: OUT,
      start_k: { type: 'integer', minimum: 0, description: 'Kernel of the depthwise conv before the expansion; 0 for none', default: 0 },
      mid_k: { type: 'integer', minimum: 0, description: 'Kernel of the depthwise conv after the expansion; 0 for none', default: 3 },
      s: STRIDE,
      expand: num('Expansion ratio: the 1×1 expansion widens to make_divisible(c · expand, 8)', { exclusiveMinimum: 0, default: 4 }),
      act: act('Activation after the expansion and the middle depthwise conv', 'relu'),
      layer_scale: bool('A learned per-channel scale on the output (the hybrid models)', false),
    },
    required: ['out'],
    build: (ctx) => {
      const startK = opt<number>(ctx, 'start_k');
      const midK = opt<number>(ctx, 'mid_k');
      const s = opt<number>(ctx, 's');
      if (s > 1 && !startK && !midK) ctx.fail(`a UIB without depthwise convs (start_k and mid_k both 0: an FFN) cannot have stride ${s}`, 's');
      return ctx.block((scope) =>
        uibBlock(ctx.b, ctx.x, { out: opt(ctx, 'out'), startK, midK, s, expand: opt(ctx, 'expand'), act: opt(ctx, 'act'), layerScale: opt(ctx, 'layer_scale') }, scope),
      );
    },
  },
  {
    name: 'fused_ib',
    origin: 'MobileNetV4, Qin et al., arXiv:2404.10518 (zoo/mobilenet_v4.ts fusedIbBlock)',
    doc: 'Fused inverted bottleneck (MobileNetV4): k×k conv to make_divisible(c · expand, 8) → BN → act → 1×1 projection → BN, plus the input when the shape is kept',
    options: {
      out: OUT,
      k: KERNEL,
      s: STRIDE,
      expand: num('Expansion ratio: the k×k conv widens to make_divisible(c · expand, 8)', { exclusiveMinimum: 0, default: 4 }),
      act: act('Activation after the k×k conv', 'relu'),
    },
    required: ['out'],
    build: (ctx) =>
      ctx.block((scope) => fusedIbBlock(ctx.b, ctx.x, { out: opt(ctx, 'out'), k: opt(ctx, 'k'), s: opt(ctx, 's'), expand: opt(ctx, 'expand'), act: opt(ctx, 'act') }, scope)),
  },
  {
    name: 'mqa',
    origin: 'MobileNetV4, Qin et al., arXiv:2404.10518 (zoo/mobilenet_v4.ts mqaBlock)',
    doc:
      'Mobile MQA (MobileNetV4 hybrids): BN → multi-query attention (heads query heads from a 1×1 conv, one key and one value head shared by all, each after a kv_stride depthwise conv → BN when kv_stride > 1; softmax(Q·Kᵀ / √key_dim)·V) → 1×1 output conv → [layer scale], plus the input when the shape is kept',
    options: {
      out: OUT,
      heads: int('Query heads', { default: 4 }),
      key_dim: int('Channels of each query head and of the shared key', { default: 64 }),
      value_dim: int('Channels of the shared value head; default key_dim'),
      kv_stride: int('Spatial stride of the keys and values (a depthwise conv → BN before their projections when above 1)', { default: 1 }),
      dw_k: int('Kernel of the keys\' and values\' downsampling depthwise convs', { default: 3 }),
      layer_scale: bool('A learned per-channel scale on the output', false),
    },
    required: ['out'],
    build: (ctx) => {
      const keyDim = opt<number>(ctx, 'key_dim');
      return ctx.block((scope) =>
        mqaBlock(
          ctx.b,
          ctx.x,
          {
            out: opt(ctx, 'out'),
            heads: opt(ctx, 'heads'),
            keyDim,
            valueDim: opt<number | undefined>(ctx, 'value_dim') ?? keyDim,
            kvStride: opt(ctx, 'kv_stride'),
            dwK: opt(ctx, 'dw_k'),
            layerScale: opt(ctx, 'layer_scale'),
          },
          scope,
        ),
      );
    },
  },
  {
    name: 'depthsep_conv',
    origin: 'PP-LCNet (zoo/pplcnet.ts depthSepConv)',
    doc: 'k×k depthwise → BN → act → [SE: squeeze c / 4, ReLU, hard-sigmoid] → 1×1 → BN → act; no residual',
    options: { out: OUT, s: STRIDE, k: KERNEL, se: bool('Squeeze-and-excitation after the depthwise conv', false), act: act('Activation after each conv', 'hardswish') },
    required: ['out'],
    build: (ctx) =>
      ctx.block((scope) =>
        depthSepConv(ctx.b, ctx.x, { out: opt(ctx, 'out'), s: opt(ctx, 's'), k: opt(ctx, 'k'), se: opt(ctx, 'se'), act: opt<'hardswish' | 'relu'>(ctx, 'act') }, scope),
      ),
  },
];

/** Python's round(), as invertedResidual computes the expanded width. */
function roundHalfEven(v: number): number {
  const floor = Math.floor(v);
  const fraction = v - floor;
  return fraction > 0.5 || (fraction === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
}

function seOf(
  se: boolean | { squeeze?: number; gate?: 'hardsigmoid' | 'sigmoid' } | undefined,
  defaultSqueeze: () => number,
): { squeeze: number; gate: 'hardsigmoid' | 'sigmoid' } | undefined {
  if (!se) return undefined;
  if (se === true) return { squeeze: defaultSqueeze(), gate: 'hardsigmoid' };
  return { squeeze: se.squeeze ?? defaultSqueeze(), gate: se.gate ?? 'hardsigmoid' };
}

function ghostOptions(ctx: LayerContext) {
  const dwKernel = opt<number | undefined>(ctx, 'dw_kernel') ?? 3;
  if (dwKernel % 2 === 0) ctx.fail(`dw_kernel must be odd (an even kernel cannot keep the maps' size), got ${dwKernel}`, 'dw_kernel');
  return {
    mid: opt<number>(ctx, 'mid'),
    out: opt<number>(ctx, 'out'),
    k: opt<number>(ctx, 'k'),
    s: opt<number>(ctx, 's'),
    se: opt<boolean>(ctx, 'se'),
    ratio: opt<number | undefined>(ctx, 'ratio') ?? 2,
    dwKernel,
  };
}

export const OPS: ReadonlyMap<string, OpSpec> = new Map(SPECS.map((s) => [s.name, s]));

/** Keys a layer item may carry beside its op (or inside the op's options, as a shorthand). */
export const LAYER_KEYS: Readonly<Record<string, JsonSchema>> = {
  repeat: { type: 'integer', minimum: 1, maximum: 1000, description: 'Repeat the layer N times in a row (scopes <scope>.1 … <scope>.N)', default: 1 },
  scope: {
    type: 'string',
    pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*$',
    description: "The layer's scope name, instead of layer<k> (letters, digits and _, dots for nesting)",
  },
  from: { type: 'string', description: "Take the input from an earlier layer (its scope, or 'input') instead of the previous layer" },
};

/** An op's options with their defaults filled in (options without a default stay unset). */
export function withDefaults(spec: OpSpec, args: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(spec.options)) {
    if (args[key] !== undefined) out[key] = args[key];
    else if (schema.default !== undefined) out[key] = schema.default;
  }
  return out;
}
