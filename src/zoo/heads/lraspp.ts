/**
 * Lite R-ASPP (MobileNetV3 paper, arXiv:1905.02244 §6.3, Figure 10), as torchvision's
 * `lraspp_mobilenet_v3_large` builds it on a dilated backbone (output stride 16): the stride-16
 * map goes through 1×1 conv → BN → ReLU, gated by a global-pool → 1×1 conv → sigmoid branch,
 * is upsampled (bilinear) to the stride-8 map and classified by a 1×1 conv; a 1×1 conv classifies
 * the stride-8 map; the two are added and upsampled to the input. Everything after the backbone
 * is the head (no neck).
 *
 * torchvision's low-level map is the output of the first block at stride 8 (features[4]); the
 * stride-8 tap here is the stage's last block. Both are C₈ channels at H/8: the counts are equal.
 */
import { GraphBuilder } from '../../core/ir';
import { conv, convBnAct } from '../blocks';
import { Backbone } from '../taps';
import { HeadSpec, tapAt } from './headTypes';

export const lraspp: HeadSpec = {
  id: 'lraspp',
  task: 'segment',
  title: 'LR-ASPP',
  paper: 'arXiv:1905.02244 (MobileNetV3) §6.3',
  reference: 'torchvision 0.14 lraspp_mobilenet_v3_large (weights=None, weights_backbone=None)',
  strides: [8, 16],
  outputStride: 16,
  defaultResolution: 520,
  defaultClasses: 21,
  referenceBackbone: { id: 'mobilenet_v3_large_x1_0' },
  knobs: [
    {
      name: 'inter_channels',
      description: 'Width of the 1×1 conv and the gate on the stride-16 map (128 in the paper and torchvision)',
      default: 128,
      kind: 'integer',
      min: 1,
      max: 4096,
    },
  ],
  published: [
    {
      backbone: 'mobilenet_v3_large_x1_0',
      figures: [
        { metric: 'miou', value: 57.9, source: 'torchvision 0.14 LRASPP_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1 meta (COCO val2017, the 20 VOC categories, resized to 520)' },
        { metric: 'params', value: 3221538, source: 'torchvision 0.14 LRASPP_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1 meta (num_params)' },
      ],
    },
  ],
  build(b: GraphBuilder, backbone: Backbone, options) {
    const inter = options.knobs.inter_channels as number;
    const low = tapAt(backbone, 8);
    const high = tapAt(backbone, 16);
    return b.scope('head', () => {
      const x = convBnAct(b, high, { out: inter, k: 1 }, 'relu', 'cbr');
      const gate = b.scope('scale', () => {
        const pooled = b.add1('GlobalAveragePool', 'pool', [high]);
        return b.add1('Sigmoid', 'sigmoid', [conv(b, pooled, { out: inter, k: 1 })]);
      });
      let y = b.add1('Mul', 'gated', [x, gate]);
      y = b.add1('Resize', 'up_to_low', [y], { sizes: [low.shape[2], low.shape[3]], mode: 'linear' });
      const lowLogits = conv(b, low, { out: options.numClasses, k: 1, bias: true }, 'low_classifier');
      const highLogits = conv(b, y, { out: options.numClasses, k: 1, bias: true }, 'high_classifier');
      const logits = b.add1('Add', 'logits', [lowLogits, highLogits]);
      return [b.add1('Resize', 'upsample', [logits], { sizes: [backbone.input.shape[2], backbone.input.shape[3]], mode: 'linear' })];
    });
  },
};
