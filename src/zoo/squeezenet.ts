/**
 * SqueezeNet (Iandola et al., arXiv:1602.07360) as torchvision builds it: `squeezenet1_0` is the
 * paper's Table 1 network, `squeezenet1_1` the official v1.1 (3×3 stem with 64 filters, pooling
 * moved earlier: same accuracy at 2.4× less computation). Every conv has a bias and no BN; the
 * max pools use ceil mode, and the classifier is dropout → 1×1 conv to the classes → ReLU →
 * global average pool, with no fully connected layer.
 *
 * Scopes: `stem` (conv1, maxpool1), `stage1`–`stage3` (the Fire modules between two max pools,
 * each stage after the first opening with its pool), `classifier`. `block<k>` is the paper's
 * fire<k+1>.
 *
 * SqueezeNet has no official width multiplier. lcnb's `width` scales every channel count of the
 * stem and of each Fire module (squeeze, expand 1×1 and expand 3×3) by the same factor, rounded to
 * the nearest integer and at least 1; the classifier conv always outputs the class count.
 */
import { GraphBuilder, Tensor } from '../core/ir';
import { PublishedFigure } from '../core/summary';
import { conv } from './blocks';
import { ZooBuildOptions, ZooFamily, inputShape, publishedFigures } from './familyTypes';

export interface FireOptions {
  squeeze: number;
  expand1x1: number;
  expand3x3: number;
}

/** The Fire module: 1×1 squeeze conv → ReLU, then 1×1 and 3×3 expand convs (each → ReLU) concatenated. */
export function fire(b: GraphBuilder, x: Tensor, o: FireOptions, scope: string): Tensor {
  return b.scope(scope, () => {
    const s = b.add1('Relu', 'squeeze_relu', [conv(b, x, { out: o.squeeze, k: 1, bias: true }, 'squeeze')]);
    const e1 = b.add1('Relu', 'expand1x1_relu', [conv(b, s, { out: o.expand1x1, k: 1, bias: true }, 'expand1x1')]);
    const e3 = b.add1('Relu', 'expand3x3_relu', [conv(b, s, { out: o.expand3x3, k: 3, bias: true }, 'expand3x3')]);
    return b.add1('Concat', 'concat', [e1, e3], { axis: 1 });
  });
}

export interface SqueezeNetVariant {
  stem: { out: number; k: number };
  /** Fire modules per stage as [squeeze, expand1x1, expand3x3]; a 3×3/2 max pool precedes each stage after the first. */
  stages: readonly (readonly [number, number, number])[][];
}

/** Stem and Fire modules of each variant, by model id. */
export const SQUEEZENET_VARIANTS: Readonly<Record<'squeezenet1_0' | 'squeezenet1_1', SqueezeNetVariant>> = {
  squeezenet1_0: {
    stem: { out: 96, k: 7 },
    stages: [
      [[16, 64, 64], [16, 64, 64], [32, 128, 128]],
      [[32, 128, 128], [48, 192, 192], [48, 192, 192], [64, 256, 256]],
      [[64, 256, 256]],
    ],
  },
  squeezenet1_1: {
    stem: { out: 64, k: 3 },
    stages: [
      [[16, 64, 64], [16, 64, 64]],
      [[32, 128, 128], [32, 128, 128]],
      [[48, 192, 192], [48, 192, 192], [64, 256, 256], [64, 256, 256]],
    ],
  },
};

function maxPool(b: GraphBuilder, x: Tensor, local: string): Tensor {
  return b.add1('MaxPool', local, [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [0, 0, 0, 0], ceil_mode: true });
}

function build(id: string, variant: SqueezeNetVariant, options: ZooBuildOptions) {
  const b = new GraphBuilder(id);
  const channels = (c: number) => Math.max(1, Math.round(c * options.width));
  let x = b.input('input', inputShape(options));
  x = b.scope('stem', () => {
    const y = conv(b, x, { out: channels(variant.stem.out), k: variant.stem.k, s: 2, pad: 0, bias: true }, 'conv1');
    return maxPool(b, b.add1('Relu', 'relu', [y]), 'maxpool');
  });
  let block = 0;
  variant.stages.forEach((stage, i) =>
    b.scope(`stage${i + 1}`, () => {
      if (i > 0) x = maxPool(b, x, 'maxpool');
      for (const [squeeze, e1, e3] of stage) {
        x = fire(b, x, { squeeze: channels(squeeze), expand1x1: channels(e1), expand3x3: channels(e3) }, `block${++block}`);
      }
    }),
  );
  const y = b.scope('classifier', () => {
    let y = b.add1('Dropout', 'dropout', [x], { ratio: 0.5 });
    y = b.add1('Relu', 'relu', [conv(b, y, { out: options.numClasses, k: 1, bias: true }, 'conv10')]);
    y = b.add1('GlobalAveragePool', 'pool', [y]);
    return b.add1('Flatten', 'flatten', [y], { axis: 1 });
  });
  return b.build([y]);
}

const TORCHVISION = 'torchvision squeezenet.py weights meta';

/** Params, MAdds and top-1 of torchvision's weights meta for `weights` (e.g. SqueezeNet1_0_Weights). */
function torchvision(weights: string, values: { params: number; madds: number; top1: number }): PublishedFigure[] {
  return publishedFigures(values, {
    params: `${TORCHVISION} (${weights} num_params)`,
    madds: `${TORCHVISION} (${weights} _ops, GMAdds at 224×224; torchvision ≥ 0.15)`,
    top1: `${TORCHVISION} (${weights}, ImageNet-1K acc@1)`,
  });
}

export const squeezenet: ZooFamily = {
  family: 'SqueezeNet',
  paper: 'arXiv:1602.07360',
  models: [
    {
      id: 'squeezenet1_0',
      width: 1.0,
      published: [
        ...torchvision('SqueezeNet1_0_Weights', { params: 1_248_424, madds: 0.819e9, top1: 58.092 }),
        { metric: 'top1', value: 57.5, source: 'arXiv:1707.01083 Table 6 (SqueezeNet, 42.5% top-1 error)' },
      ],
      knobs: [],
      build: (options: ZooBuildOptions) => build('squeezenet1_0', SQUEEZENET_VARIANTS.squeezenet1_0, options),
    },
    {
      id: 'squeezenet1_1',
      width: 1.0,
      published: torchvision('SqueezeNet1_1_Weights', { params: 1_235_496, madds: 0.349e9, top1: 58.178 }),
      knobs: [],
      build: (options: ZooBuildOptions) => build('squeezenet1_1', SQUEEZENET_VARIANTS.squeezenet1_1, options),
    },
  ],
};
