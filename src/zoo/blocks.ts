/**
 * Building blocks shared by the zoo families. Each block opens a named scope so its nodes group
 * the way the papers draw them.
 */
import { GraphBuilder, Tensor } from '../core/ir';

export type Activation = 'relu' | 'relu6' | 'hardswish' | 'hardsigmoid' | 'sigmoid' | 'silu' | 'gelu' | 'none';

export interface ConvOptions {
  out: number;
  k: number;
  s?: number;
  groups?: number;
  bias?: boolean;
  dilation?: number;
  /** Symmetric padding; defaults to "same" for odd kernels: dilation · (k − 1) / 2. */
  pad?: number;
}

export function conv(b: GraphBuilder, x: Tensor, o: ConvOptions, local = 'conv'): Tensor {
  const dilation = o.dilation ?? 1;
  const pad = o.pad ?? Math.floor((dilation * (o.k - 1)) / 2);
  return b.add1('Conv', local, [x], {
    out_channels: o.out,
    kernel_shape: [o.k, o.k],
    strides: [o.s ?? 1, o.s ?? 1],
    pads: [pad, pad, pad, pad],
    dilations: [dilation, dilation],
    group: o.groups ?? 1,
    bias: o.bias ?? false,
  });
}

export function activation(b: GraphBuilder, x: Tensor, kind: Activation, local: string = kind): Tensor {
  switch (kind) {
    case 'none':
      return x;
    case 'relu':
      return b.add1('Relu', local, [x]);
    case 'relu6':
      return b.add1('Clip', local, [x], { min: 0, max: 6 });
    case 'hardswish':
      return b.add1('HardSwish', local, [x]);
    case 'hardsigmoid':
      // PyTorch's hardsigmoid: relu6(x + 3) / 6.
      return b.add1('HardSigmoid', local, [x], { alpha: 1 / 6, beta: 0.5 });
    case 'sigmoid':
      return b.add1('Sigmoid', local, [x]);
    case 'silu':
      return b.add1('SiLU', local, [x]);
    case 'gelu':
      return b.add1('Gelu', local, [x]);
  }
}

/** Conv → BatchNorm → activation, in a scope of its own. */
export function convBnAct(b: GraphBuilder, x: Tensor, o: ConvOptions, act: Activation, scope: string): Tensor {
  return b.scope(scope, () => {
    const y = conv(b, x, o);
    return activation(b, b.add1('BatchNormalization', 'bn', [y]), act);
  });
}

/** MobileNetV1's depthwise-separable convolution: 3×3 depthwise then 1×1 pointwise, each with BN and activation. */
export function depthwiseSeparable(
  b: GraphBuilder,
  x: Tensor,
  o: { out: number; s: number; k?: number; act?: Activation },
  scope: string,
): Tensor {
  const act = o.act ?? 'relu';
  return b.scope(scope, () => {
    const channels = x.shape[1];
    const dw = convBnAct(b, x, { out: channels, k: o.k ?? 3, s: o.s, groups: channels }, act, 'dw');
    return convBnAct(b, dw, { out: o.out, k: 1 }, act, 'pw');
  });
}

/**
 * Global average pool → flatten → optional dropout → fully connected (with bias unless `bias` is
 * false), in a 'classifier' scope.
 */
export function classifier(
  b: GraphBuilder,
  x: Tensor,
  o: { classes: number; dropout?: number; bias?: boolean },
  scope = 'classifier',
): Tensor {
  return b.scope(scope, () => {
    let y = b.add1('GlobalAveragePool', 'pool', [x]);
    y = b.add1('Flatten', 'flatten', [y], { axis: 1 });
    if (o.dropout) y = b.add1('Dropout', 'dropout', [y], { ratio: o.dropout });
    return b.add1('Gemm', 'fc', [y], { out_features: o.classes, bias: o.bias ?? true });
  });
}

/** ShuffleNet's Conv1 and MaxPool: 3×3/2 conv → BN → ReLU → 3×3/2 max pool, in a 'stem' scope. */
export function convPoolStem(b: GraphBuilder, x: Tensor, out: number): Tensor {
  return b.scope('stem', () => {
    const y = convBnAct(b, x, { out, k: 3, s: 2 }, 'relu', 'conv1');
    return b.add1('MaxPool', 'maxpool', [y], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  });
}

/**
 * Rounds a channel count to a multiple of `divisor`, never below `min` nor more than 10% under
 * `value` — the `_make_divisible` of torchvision, GhostNet and PaddleClas.
 */
export function makeDivisible(value: number, divisor = 8, min = divisor): number {
  let rounded = Math.max(min, Math.floor((value + divisor / 2) / divisor) * divisor);
  if (rounded < 0.9 * value) rounded += divisor;
  return rounded;
}

/**
 * Squeeze-and-excitation as these families use it: global pool → 1×1 conv (bias) → activation →
 * 1×1 conv (bias) → gate → channel-wise scale. Each family computes `squeeze` its own way.
 */
export function squeezeExcite(
  b: GraphBuilder,
  x: Tensor,
  o: { squeeze: number; gate: 'hardsigmoid' | 'sigmoid'; act?: Activation },
  scope = 'se',
): Tensor {
  return b.scope(scope, () => {
    let s = b.add1('GlobalAveragePool', 'pool', [x]);
    s = activation(b, conv(b, s, { out: o.squeeze, k: 1, bias: true }, 'reduce'), o.act ?? 'relu');
    s = activation(b, conv(b, s, { out: x.shape[1], k: 1, bias: true }, 'expand'), o.gate, 'gate');
    return b.add1('Mul', 'scale', [x, s]);
  });
}
