/**
 * MobileNetV1 (Howard et al., arXiv:1704.04861), Table 1: a 3×3 stem then 13 depthwise-separable
 * layers. The table's 13th depthwise layer says s2 on a 7×7 input; every implementation (and the
 * 7×7 average pool that follows) uses stride 1 there, as does lcnb.
 */
import { GraphBuilder } from '../core/ir';
import { PublishedFigure } from '../core/summary';
import { classifier, convBnAct, depthwiseSeparable } from './blocks';
import { ZooBuildOptions, ZooFamily, inputShape, publishedFigures, widthVariants } from './familyTypes';

/** [output channels, stride] of the 13 depthwise-separable layers, grouped by output resolution. */
export const MOBILENET_V1_STAGES: readonly (readonly [number, number])[][] = [
  [[64, 1]],
  [[128, 2], [128, 1]],
  [[256, 2], [256, 1]],
  [[512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1]],
  [[1024, 2], [1024, 1]],
];

function build(id: string, options: ZooBuildOptions) {
  const b = new GraphBuilder(id);
  let x = b.input('input', inputShape(options));
  // Keras Applications' width rounding, int(filters · alpha): no rounding to multiples of 8.
  const channels = (c: number) => Math.floor(c * options.width);
  x = convBnAct(b, x, { out: channels(32), k: 3, s: 2 }, 'relu', 'stem');
  let block = 0;
  MOBILENET_V1_STAGES.forEach((stage, i) =>
    b.scope(`stage${i + 1}`, () => {
      for (const [out, s] of stage) x = depthwiseSeparable(b, x, { out: channels(out), s }, `block${++block}`);
    }),
  );
  return b.build([classifier(b, x, { classes: options.numClasses })]);
}

const PAPER = 'arXiv:1704.04861 Table 6';
const SLIM = 'tensorflow/models research/slim/nets/mobilenet_v1.md (2018-02-22 checkpoints, 224×224)';

/** Paper Table 6, then the TF-slim retrain of the same width. */
function published(
  params: number,
  madds: number,
  top1: number,
  slim: { params: number; madds: number; top1: number },
): PublishedFigure[] {
  return [...publishedFigures({ params, madds, top1 }, PAPER), ...publishedFigures(slim, SLIM)];
}

export const mobilenetV1: ZooFamily = {
  family: 'MobileNetV1',
  paper: 'arXiv:1704.04861',
  models: widthVariants('mobilenet_v1', [
    { width: 0.25, published: published(0.5e6, 41e6, 50.6, { params: 0.47e6, madds: 41e6, top1: 49.8 }) },
    { width: 0.5, published: published(1.3e6, 149e6, 63.7, { params: 1.34e6, madds: 150e6, top1: 63.3 }) },
    { width: 0.75, published: published(2.6e6, 325e6, 68.4, { params: 2.59e6, madds: 317e6, top1: 68.4 }) },
    { width: 1.0, published: published(4.2e6, 569e6, 70.6, { params: 4.24e6, madds: 569e6, top1: 70.9 }) },
  ], [], build),
};
