/**
 * GhostNetV2 (Tang et al., arXiv:2211.12905, NeurIPS 2022) as built by the official
 * huawei-noah/Efficient-AI-Backbones `ghostnetv2_pytorch/model/ghostnetv2_torch.py`: GhostNet's
 * skeleton and widths, with DFC attention on the expanding Ghost module of every bottleneck but
 * the first two (the reference's `layer_id > 1`).
 */
import { GraphBuilder, Tensor } from '../core/ir';
import { activation } from './blocks';
import { buildGhostNet, ghostBottleneck, GhostBottleneckOptions, ghostMaps } from './ghostnet';
import { KnobSpec, ZooBuildOptions, ZooFamily, publishedFigures, widthVariants } from './familyTypes';

/** Conv + BN with a kh×kw kernel, stride 1, "same" padding. */
function convBn(b: GraphBuilder, x: Tensor, o: { out: number; kh: number; kw: number; groups?: number }, scope: string): Tensor {
  return b.scope(scope, () => {
    const ph = (o.kh - 1) / 2;
    const pw = (o.kw - 1) / 2;
    const y = b.add1('Conv', 'conv', [x], {
      out_channels: o.out,
      kernel_shape: [o.kh, o.kw],
      strides: [1, 1],
      pads: [ph, pw, ph, pw],
      dilations: [1, 1],
      group: o.groups ?? 1,
      bias: false,
    });
    return b.add1('BatchNormalization', 'bn', [y]);
  });
}

/**
 * DFC attention map: 2×2 average pool (stride 2) → 1×1 conv + BN to `out` channels → depthwise
 * 1×5 + BN (mixes along the width) → depthwise 5×1 + BN (along the height) → sigmoid → nearest
 * upsampling back to the input's size.
 */
export function dfcAttention(b: GraphBuilder, x: Tensor, o: { out: number }, scope = 'dfc'): Tensor {
  return b.scope(scope, () => {
    let y = b.add1('AveragePool', 'pool', [x], { kernel_shape: [2, 2], strides: [2, 2] });
    y = convBn(b, y, { out: o.out, kh: 1, kw: 1 }, 'pw');
    y = convBn(b, y, { out: o.out, kh: 1, kw: 5, groups: o.out }, 'horizontal');
    y = convBn(b, y, { out: o.out, kh: 5, kw: 1, groups: o.out }, 'vertical');
    y = activation(b, y, 'sigmoid', 'gate');
    return b.add1('Resize', 'upsample', [y], { sizes: [x.shape[2], x.shape[3]], mode: 'nearest' });
  });
}

/** Ghost module (ReLU) whose output is scaled by DFC attention computed from its input. */
export function ghostModuleV2(b: GraphBuilder, x: Tensor, o: { out: number }, scope: string): Tensor {
  return b.scope(scope, () => {
    const gate = dfcAttention(b, x, o);
    return b.add1('Mul', 'attend', [ghostMaps(b, x, o), gate]);
  });
}

/** GhostNetV2 bottleneck: a Ghost bottleneck whose first Ghost module has DFC attention when `dfc`. */
export function ghostBottleneckV2(b: GraphBuilder, x: Tensor, o: GhostBottleneckOptions & { dfc: boolean }, scope: string): Tensor {
  const { dfc, ...rest } = o;
  return ghostBottleneck(b, x, dfc ? { ...rest, expand: (bb, xx, mid, s) => ghostModuleV2(bb, xx, { out: mid }, s) } : rest, scope);
}

const KNOBS: KnobSpec[] = [
  {
    name: 'dfc',
    description: "DFC attention in the first Ghost module of bottlenecks 3–16; false gives GhostNetV1 blocks at V2's widths (the paper's ablation)",
    default: true,
    kind: 'boolean',
  },
];

function build(id: string, options: ZooBuildOptions) {
  const dfc = options.knobs.dfc as boolean;
  // The reference numbers bottlenecks from 0 and gives 'attn' mode to layer_id > 1.
  return buildGhostNet(id, options, (b, x, o, index, scope) => ghostBottleneckV2(b, x, { ...o, dfc: dfc && index > 1 }, scope));
}

const ABSTRACT = 'arXiv:2211.12905 abstract (also the official ghostnetv2_pytorch/README.md)';
const RESULTS = 'arXiv:2211.12905 ImageNet results table';

export const ghostnetV2: ZooFamily = {
  family: 'GhostNetV2',
  paper: 'arXiv:2211.12905',
  models: widthVariants('ghostnet_v2', [
    { width: 1.0, published: publishedFigures({ madds: 167e6, top1: 75.3 }, ABSTRACT) },
    { width: 1.3, published: publishedFigures({ top1: 76.9 }, RESULTS) },
    { width: 1.6, published: publishedFigures({ top1: 77.8 }, RESULTS) },
  ], KNOBS, build),
};
