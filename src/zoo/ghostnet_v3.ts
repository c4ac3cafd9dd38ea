/**
 * GhostNetV3 (Liu et al., "GhostNetV3: Exploring the Training Strategies for Compact Models",
 * arXiv:2404.11202), as built by timm's timm/models/ghostnet.py (ghostnetv3_050/100/130/160) and,
 * count for count, by the official huawei-noah/Efficient-AI-Backbones ghostnetv3_pytorch/ghostnetv3.py:
 * GhostNetV2's skeleton, widths and DFC attention (here a 1×1 conv + BN → 1×5 + BN → 5×1 + BN
 * on the 2×2-pooled input, gating the first Ghost module of every bottleneck but the first two),
 * with every Ghost module and every stride-2 depthwise conv re-parameterisable.
 *
 * Two forms. 'training': `branches` parallel conv + BN branches (3 in the references) summed, plus
 * a 1×1 conv + BN scale branch beside each k×k depthwise conv (the cheap operation and the stride-2
 * depthwise conv) and a BN identity branch beside the cheap operation. 'deploy': each sum fused
 * into one conv with a bias and no BN, as the references' re-parameterisation leaves it. In both
 * forms the stem, the DFC branch, the projection shortcut and the 960·width head conv keep their
 * BNs: neither reference fuses them.
 */
import { GraphBuilder, Tensor } from '../core/ir';
import { Activation, activation, conv, ConvOptions, makeDivisible, squeezeExcite } from './blocks';
import { buildGhostNet, GhostBottleneckOptions } from './ghostnet';
import { dfcAttention } from './ghostnet_v2';
import { KnobSpec, ModelForm, ZooBuildOptions, ZooFamily, knobError, publishedFigures, widthVariants } from './familyTypes';

export interface RepOptions {
  form: ModelForm;
  /** Parallel conv + BN branches of each re-parameterisable conv in the training form. */
  branches?: number;
}

const BRANCHES = 3;

/** Conv → BN in a scope of its own. */
function convBn(b: GraphBuilder, x: Tensor, o: ConvOptions, scope: string): Tensor {
  return b.scope(scope, () => b.add1('BatchNormalization', 'bn', [conv(b, x, o)]));
}

/**
 * A re-parameterisable conv (no activation). Training form: `branches` conv + BN branches, a
 * 1×1 conv + BN with the same stride and groups when `scale` (a k×k conv with k > 1), a BN on the
 * input when `identity`, all summed. Deploy form: the one conv they fuse into, with a bias.
 */
export function repConv(
  b: GraphBuilder,
  x: Tensor,
  o: ConvOptions & { scale: boolean; identity: boolean },
  rep: RepOptions,
  scope: string,
): Tensor {
  const { scale, identity, ...c } = o;
  return b.scope(scope, () => {
    if (rep.form === 'deploy') return conv(b, x, { ...c, bias: true });
    // The order timm's forward sums them in: scale, identity, then the conv branches.
    const terms: Tensor[] = [];
    if (scale) terms.push(convBn(b, x, { ...c, k: 1, pad: 0 }, 'scale'));
    if (identity) terms.push(b.add1('BatchNormalization', 'identity', [x]));
    const branches = rep.branches ?? BRANCHES;
    for (let i = 0; i < branches; i++) terms.push(convBn(b, x, c, `branch${i + 1}`));
    return terms.length === 1 ? terms[0] : b.add1('Sum', 'sum', terms);
  });
}

export interface GhostModuleV3Options {
  out: number;
  relu: boolean;
  /** DFC attention gating the module's output (timm's mode 'shortcut'). */
  dfc: boolean;
}

/**
 * GhostNetV3 Ghost module: a re-parameterisable 1×1 primary conv to ⌈out/2⌉ intrinsic maps
 * (ReLU), a re-parameterisable 3×3 depthwise cheap operation making one ghost of each (scale and
 * BN identity branches; ReLU), their concatenation cut to `out`, gated by DFC attention when `dfc`.
 */
export function ghostModuleV3(b: GraphBuilder, x: Tensor, o: GhostModuleV3Options, rep: RepOptions, scope: string): Tensor {
  return b.scope(scope, () => {
    const act: Activation = o.relu ? 'relu' : 'none';
    const init = Math.ceil(o.out / 2);
    // A 1×1 primary conv has no scale branch; its identity branch would need in = init (never so here).
    const primary = activation(b, repConv(b, x, { out: init, k: 1, scale: false, identity: false }, rep, 'primary'), act, 'primary_act');
    const cheap = activation(b, repConv(b, primary, { out: init, k: 3, groups: init, scale: true, identity: true }, rep, 'cheap'), act, 'cheap_act');
    let y = b.add1('Concat', 'concat', [primary, cheap], { axis: 1 });
    if (2 * init !== o.out) y = b.add1('Slice', 'slice', [y], { axis: 1, start: 0, end: o.out });
    return o.dfc ? b.add1('Mul', 'attend', [y, dfcAttention(b, x, { out: o.out })]) : y;
  });
}

/**
 * GhostNetV3 bottleneck: Ghost module (ReLU; DFC when `dfc`) → re-parameterisable depthwise k×k
 * stride s (scale branch, no BN identity, no activation) when s = 2 → SE (hard-sigmoid gate,
 * squeeze `_make_divisible(mid / 4, 4)`) → Ghost module without ReLU or DFC, plus the identity or,
 * when the shape changes, a depthwise k×k (stride s) + BN → 1×1 + BN shortcut (not re-parameterised).
 */
export function ghostV3Bottleneck(
  b: GraphBuilder,
  x: Tensor,
  o: GhostBottleneckOptions & { dfc: boolean },
  rep: RepOptions,
  scope: string,
): Tensor {
  return b.scope(scope, () => {
    let y = ghostModuleV3(b, x, { out: o.mid, relu: true, dfc: o.dfc }, rep, 'ghost1');
    if (o.s > 1) y = repConv(b, y, { out: o.mid, k: o.k, s: o.s, groups: o.mid, scale: o.k > 1, identity: false }, rep, 'dw');
    if (o.se) y = squeezeExcite(b, y, { squeeze: makeDivisible(o.mid * 0.25, 4), gate: 'hardsigmoid' });
    y = ghostModuleV3(b, y, { out: o.out, relu: false, dfc: false }, rep, 'ghost2');
    const inChannels = x.shape[1];
    let shortcut = x;
    if (inChannels !== o.out || o.s !== 1) {
      shortcut = b.scope('shortcut', () => {
        const dw = convBn(b, x, { out: inChannels, k: o.k, s: o.s, groups: inChannels }, 'dw');
        return convBn(b, dw, { out: o.out, k: 1 }, 'pw');
      });
    }
    return b.add1('Add', 'add', [y, shortcut]);
  });
}

const KNOBS: KnobSpec[] = [
  {
    name: 'branches',
    description: 'Parallel conv + BN branches of every re-parameterisable conv in the training form (3 in the references); the deploy form is the same for any number',
    default: BRANCHES,
    kind: 'integer',
    min: 1,
    max: 16,
  },
  {
    name: 'dfc',
    description: "DFC attention on the first Ghost module of bottlenecks 3–16, as in GhostNetV2; false leaves every Ghost module without it",
    default: true,
    kind: 'boolean',
  },
];

function build(id: string, options: ZooBuildOptions) {
  const branches = options.knobs.branches as number;
  if (!Number.isInteger(branches) || branches < 1) throw knobError(id, 'branches', `must be a positive integer, got ${branches}`);
  const dfc = options.knobs.dfc as boolean;
  const rep: RepOptions = { form: options.form ?? 'deploy', branches };
  // Bottlenecks are numbered from 0; those after the first two get DFC attention (timm's layer_idx > 1).
  return buildGhostNet(id, options, (b, x, o, index, scope) => ghostV3Bottleneck(b, x, { ...o, dfc: dfc && index > 1 }, rep, scope));
}

// The abstract gives 1.3×'s figures; its FLOPs are these multiply-adds (deploy form: 269.3M).
const ABSTRACT = 'arXiv:2404.11202 abstract';

export const ghostnetV3: ZooFamily = {
  family: 'GhostNetV3',
  paper: 'arXiv:2404.11202',
  models: widthVariants('ghostnet_v3', [
    { width: 0.5 },
    { width: 1.0 },
    {
      width: 1.3,
      published: [
        ...publishedFigures({ madds: 269e6, top1: 79.1 }, ABSTRACT),
        { metric: 'latency_ms', value: 14.46, source: ABSTRACT, settings: 'a mobile device (the abstract does not name it), deploy form' },
      ],
    },
    { width: 1.6 },
  ], KNOBS, build).map((m) => ({ ...m, forms: true })),
};
