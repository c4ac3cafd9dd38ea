/**
 * SSDLite (MobileNetV2 paper, arXiv:1801.04381 §6.2; MobileNetV3 paper §6.2), as torchvision's
 * `ssdlite320_mobilenet_v3_large` builds it: the first map is the expansion conv inside the block
 * that takes stride 16 to 32 ('c4_expand'; the stride-16 tap on backbones without one), the second
 * the backbone's last map; four extra blocks (1×1 to half width → 3×3/2 depthwise → 1×1, each
 * conv with BN and ReLU6) halve the map four more times (the neck); on each of the six maps a
 * 3×3 depthwise conv (BN, ReLU6) then a 1×1 conv with bias predicts 4 box offsets and the class
 * scores of every anchor. Anchor decoding and NMS are post-processing, not in the graph.
 *
 * torchvision builds this model without a pretrained backbone with `reduced_tail=True` (the last
 * MobileNetV3 stage at half width, MobileNetV3 paper §6.1.1), and so does its COCO checkpoint:
 * the reference backbone is mobilenet_v3_large_x1_0 with the knob reduced_tail.
 */
import { GraphBuilder, Tensor } from '../../core/ir';
import { conv, convBnAct } from '../blocks';
import { Backbone } from '../taps';
import { HeadSpec, tapAt } from './headTypes';

/** torchvision's extra blocks: output widths at width_mult 1 (get_depth = max(16, ⌊d · w⌋)). */
const EXTRA_WIDTHS = [512, 256, 256, 128];

function extraBlock(b: GraphBuilder, x: Tensor, out: number, scope: string): Tensor {
  return b.scope(scope, () => {
    const mid = Math.floor(out / 2);
    let y = convBnAct(b, x, { out: mid, k: 1 }, 'relu6', 'reduce');
    y = convBnAct(b, y, { out: mid, k: 3, s: 2, groups: mid }, 'relu6', 'dw');
    return convBnAct(b, y, { out, k: 1 }, 'relu6', 'expand');
  });
}

/** One map's predictions, flattened as torchvision's SSDScoringHead does: [N, H·W·anchors, perAnchor]. */
function predict(b: GraphBuilder, x: Tensor, perAnchor: number, anchors: number, scope: string): Tensor {
  return b.scope(scope, () => {
    const [n, c, h, w] = x.shape;
    let y = convBnAct(b, x, { out: c, k: 3, groups: c }, 'relu6', 'dw');
    y = conv(b, y, { out: perAnchor * anchors, k: 1, bias: true }, 'pred');
    y = b.add1('Reshape', 'split_anchors', [y], { shape: [n, anchors, perAnchor, h, w] });
    y = b.add1('Transpose', 'to_last', [y], { perm: [0, 3, 4, 1, 2] });
    return b.add1('Reshape', 'flatten', [y], { shape: [n, h * w * anchors, perAnchor] });
  });
}

export const ssdlite: HeadSpec = {
  id: 'ssdlite',
  task: 'detect',
  title: 'SSDLite',
  paper: 'arXiv:1801.04381 (MobileNetV2) §6.2; arXiv:1905.02244 (MobileNetV3) §6.2',
  reference: 'torchvision 0.14 ssdlite320_mobilenet_v3_large (weights=None, weights_backbone=None)',
  strides: [16, 32],
  extraTaps: ['c4_expand'],
  defaultResolution: 320,
  defaultClasses: 91,
  referenceBackbone: { id: 'mobilenet_v3_large_x1_0', knobs: { reduced_tail: true } },
  knobs: [
    {
      name: 'anchors',
      description: 'Default boxes per location on every map: 2 + 2 · (aspect ratios); torchvision uses ratios 2 and 3, so 6',
      default: 6,
      kind: 'integer',
      min: 1,
      max: 64,
    },
    {
      name: 'extra_width',
      description: 'Width multiplier of the four extra blocks (512, 256, 256, 128 channels at 1), never below 16 channels',
      default: 1,
      kind: 'number',
      min: 0.01,
      max: 8,
    },
  ],
  published: [
    {
      backbone: 'mobilenet_v3_large_x1_0',
      knobs: { reduced_tail: true },
      figures: [
        { metric: 'map', value: 21.3, source: 'torchvision 0.14 SSDLite320_MobileNet_V3_Large_Weights.COCO_V1 meta (COCO val2017 box mAP)' },
        { metric: 'params', value: 3440060, source: 'torchvision 0.14 SSDLite320_MobileNet_V3_Large_Weights.COCO_V1 meta (num_params)' },
      ],
    },
    {
      backbone: 'mobilenet_v2_x1_0',
      figures: [
        { metric: 'map', value: 22.1, source: 'arXiv:1801.04381 Table 6 (SSDLite + MobileNetV2, COCO test-dev, 320×320)' },
        { metric: 'params', value: 4.3e6, source: 'arXiv:1801.04381 Table 6 (SSDLite + MobileNetV2, COCO)' },
        { metric: 'madds', value: 0.8e9, source: 'arXiv:1801.04381 Table 6 (SSDLite + MobileNetV2, 320×320)' },
      ],
    },
  ],
  build(b: GraphBuilder, backbone: Backbone, options) {
    const anchors = options.knobs.anchors as number;
    const width = options.knobs.extra_width as number;
    const first = backbone.extra.get('c4_expand')?.tensor ?? tapAt(backbone, 16);
    const maps = [first, tapAt(backbone, 32)];
    b.scope('neck', () => {
      EXTRA_WIDTHS.forEach((d, i) => maps.push(extraBlock(b, maps[maps.length - 1], Math.max(16, Math.floor(d * width)), `extra${i + 1}`)));
    });
    return b.scope('head', () => {
      // torchvision runs the regression head over every map, then the classification head.
      const boxes = maps.map((m, i) => predict(b, m, 4, anchors, `box${i + 1}`));
      const scores = maps.map((m, i) => predict(b, m, options.numClasses, anchors, `cls${i + 1}`));
      return [b.add1('Concat', 'boxes', boxes, { axis: 1 }), b.add1('Concat', 'scores', scores, { axis: 1 })];
    });
  },
};

