/**
 * MobileNetV1 (Howard et al., arXiv:1704.04861), Table 1: a 3×3 stem then 13 depthwise-separable
 * layers. The table's 13th depthwise layer says s2 on a 7×7 input; every implementation (and the
 * 7×7 average pool that follows) uses stride 1 there, as does lcnb.
 */
import { GraphBuilder } from '../core/ir';
import { classifier, convBnAct, depthwiseSeparable } from './blocks';
import { ZooBuildOptions, ZooFamily, inputShape, widthVariants } from './registry';

/** [output channels, stride] of the 13 depthwise-separable layers, grouped by output resolution. */
const STAGES: [number, number][][] = [
  [[64, 1]],
  [[128, 2], [128, 1]],
  [[256, 2], [256, 1]],
  [[512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1]],
  [[1024, 2], [1024, 1]],
];

function build(id: string, options: ZooBuildOptions) {
  const b = new GraphBuilder(id);
  let x = b.input('input', inputShape(options));
  const channels = (c: number) => Math.floor(c * options.width);
  x = convBnAct(b, x, { out: channels(32), k: 3, s: 2 }, 'relu', 'stem');
  let block = 0;
  STAGES.forEach((stage, i) =>
    b.scope(`stage${i + 1}`, () => {
      for (const [out, s] of stage) x = depthwiseSeparable(b, x, { out: channels(out), s }, `block${++block}`);
    }),
  );
  return b.build([classifier(b, x, { classes: options.numClasses })]);
}

export const mobilenetV1: ZooFamily = {
  family: 'MobileNetV1',
  paper: 'arXiv:1704.04861',
  models: widthVariants('mobilenet_v1', [
    {
      width: 1.0,
      published: [
        { metric: 'params', value: 4.2e6, source: 'arXiv:1704.04861 Table 6' },
        { metric: 'madds', value: 569e6, source: 'arXiv:1704.04861 Table 6' },
        { metric: 'top1', value: 70.6, source: 'arXiv:1704.04861 Table 6' },
      ],
    },
  ]).map((v) => ({ ...v, knobs: [], build: (options: ZooBuildOptions) => build(v.id, options) })),
};
