/**
 * DeepLabV3 (Chen et al., arXiv:1706.05587) and DeepLabV3+ (arXiv:1802.02611) on a dilated
 * backbone (output stride 16). The ASPP is the neck; what turns it into per-pixel logits is the head.
 *
 * DeepLabV3 follows torchvision's `deeplabv3_mobilenet_v3_large`: ASPP on the stride-16 map (a
 * 1×1 branch, 3×3 branches at rates 12, 24, 36, and an image-pooling branch, every conv 256 wide
 * without bias, BN, ReLU), concat, 1×1 projection (BN, ReLU, dropout 0.5); then 3×3 conv (BN,
 * ReLU) and a 1×1 classifier with bias, upsampled to the input. torchvision builds it without the
 * auxiliary FCN head unless pretrained weights are asked for; the knob `aux` adds it (3×3 conv to
 * C/4, BN, ReLU, dropout, 1×1 classifier on the stride-8 map, upsampled).
 *
 * DeepLabV3+ follows PaddleSeg's DeepLabV3P (paddleseg/models/deeplab.py, layers/pyramid_pool.py),
 * the segmenter of the PP-LCNet paper: an ASPP at rates 1, 6, 12, 18 whose dilated branches are
 * separable (3×3 depthwise + BN, 1×1 + BN + ReLU), plus image pooling, every conv with a bias
 * except the pooling branch's; 1×1 projection (BN, ReLU, dropout 0.1). The decoder projects the
 * stride-4 map to 48 channels (1×1, BN, ReLU), concatenates it after the ASPP output upsampled to
 * stride 4, and runs two separable 3×3 convs (256) and a 1×1 classifier; logits are upsampled.
 * The ASPP reads the backbone's 'last_block' (dilated to stride 16), as PaddleSeg's backbones end at
 * their last block (MobileNetV3 out_index [2, 5, 11, 14]: 160 · width channels; MobileNetV2, GhostNet
 * and ShuffleNetV2 likewise): the 1×1 conv torchvision's MobileNetV3 and the other families append
 * for classification is not in the graph.
 */
import { GraphBuilder, Tensor } from '../../core/ir';
import { PublishedFigure } from '../../core/summary';
import { conv, convBnAct } from '../blocks';
import { Backbone, LAST_BLOCK } from '../taps';
import { extraOrTapAt, HeadSpec, tapAt } from './headTypes';

function upsampleTo(b: GraphBuilder, x: Tensor, like: Tensor, local: string): Tensor {
  return b.add1('Resize', local, [x], { sizes: [like.shape[2], like.shape[3]], mode: 'linear' });
}

/** Global average pool → 1×1 conv → BN → ReLU → bilinear back to the map's size. */
function imagePooling(b: GraphBuilder, x: Tensor, out: number, bias: boolean): Tensor {
  return b.scope('pooling', () => {
    const pooled = b.add1('GlobalAveragePool', 'pool', [x]);
    const y = convBnAct(b, pooled, { out, k: 1, bias }, 'relu', 'conv');
    return upsampleTo(b, y, x, 'upsample');
  });
}

/** PaddleSeg's SeparableConvBNReLU: k×k depthwise (bias) → BN, 1×1 (bias) → BN → ReLU. */
function separable(b: GraphBuilder, x: Tensor, o: { out: number; k: number; dilation?: number }, scope: string): Tensor {
  return b.scope(scope, () => {
    const c = x.shape[1];
    const dw = b.scope('depthwise', () => b.add1('BatchNormalization', 'bn', [conv(b, x, { out: c, k: o.k, groups: c, dilation: o.dilation, bias: true })]));
    return convBnAct(b, dw, { out: o.out, k: 1, bias: true }, 'relu', 'pointwise');
  });
}

function rates(value: unknown): number[] {
  return [...(value as readonly number[])];
}

export const deeplabv3: HeadSpec = {
  id: 'deeplabv3',
  task: 'segment',
  title: 'DeepLabV3',
  paper: 'arXiv:1706.05587',
  reference: 'torchvision 0.14 deeplabv3_mobilenet_v3_large (weights=None, weights_backbone=None, aux_loss=None)',
  strides: [8, 16],
  outputStride: 16,
  defaultResolution: 520,
  defaultClasses: 21,
  referenceBackbone: { id: 'mobilenet_v3_large_x1_0' },
  knobs: [
    { name: 'aux', description: 'The auxiliary FCN head on the stride-8 map (torchvision adds it only with pretrained weights)', default: false, kind: 'boolean' },
    { name: 'aspp_channels', description: 'Width of every ASPP branch, the projection and the 3×3 conv after it', default: 256, kind: 'integer', min: 1, max: 4096 },
    { name: 'rates', description: 'Dilation rates of the 3×3 ASPP branches', default: [12, 24, 36], kind: 'indices', min: 1, max: 256 },
  ],
  published: [
    {
      backbone: 'mobilenet_v3_large_x1_0',
      // The checkpoint carries the aux head (num_params 11,029,328), but the mIoU is of the main output alone.
      figures: [
        {
          metric: 'miou',
          value: 60.3,
          source: 'torchvision 0.14 DeepLabV3_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1 meta (COCO val2017, the 20 VOC categories, resized to 520)',
        },
      ],
    },
  ],
  build(b: GraphBuilder, backbone: Backbone, options) {
    const width = options.knobs.aspp_channels as number;
    const high = tapAt(backbone, 16);
    const aspp = b.scope('neck', () =>
      b.scope('aspp', () => {
        const branches = [convBnAct(b, high, { out: width, k: 1 }, 'relu', 'branch0')];
        rates(options.knobs.rates).forEach((rate, i) =>
          branches.push(convBnAct(b, high, { out: width, k: 3, dilation: rate }, 'relu', `branch${i + 1}`)),
        );
        branches.push(imagePooling(b, high, width, false));
        const cat = b.add1('Concat', 'concat', branches, { axis: 1 });
        const y = convBnAct(b, cat, { out: width, k: 1 }, 'relu', 'project');
        return b.add1('Dropout', 'dropout', [y], { ratio: 0.5 });
      }),
    );
    return b.scope('head', () => {
      let y = convBnAct(b, aspp, { out: width, k: 3 }, 'relu', 'conv');
      y = conv(b, y, { out: options.numClasses, k: 1, bias: true }, 'classifier');
      const outputs = [upsampleTo(b, y, backbone.input, 'upsample')];
      if (options.knobs.aux) {
        outputs.push(
          b.scope('aux', () => {
            const low = tapAt(backbone, 8);
            let a = convBnAct(b, low, { out: Math.floor(low.shape[1] / 4), k: 3 }, 'relu', 'conv');
            a = b.add1('Dropout', 'dropout', [a], { ratio: 0.1 });
            a = conv(b, a, { out: options.numClasses, k: 1, bias: true }, 'classifier');
            return upsampleTo(b, a, backbone.input, 'upsample');
          }),
        );
      }
      return outputs;
    });
  },
};

const PPLCNET_SEG = 'arXiv:2109.15099 and PaddleClas docs/en/models/PP-LCNet_en.md (DeepLabV3+ on Cityscapes, PaddleSeg)';
const SEG_LATENCY = 'hardware, input size and output stride not stated (the doc’s other latencies are Intel Xeon Gold 6148, 10 threads, MKLDNN)';

const MNV3_BACKBONE =
  'the paper’s MobileNetV3 is PaddleSeg’s (lcnb builds torchvision’s, whose SE squeeze is rounded to a multiple of 8 and whose first bneck has no expand conv)';

function paperSeg(miou: number, ms: number, backbone?: string): PublishedFigure[] {
  return [
    { metric: 'miou', value: miou, source: PPLCNET_SEG, ...(backbone ? { settings: backbone } : {}) },
    { metric: 'latency_ms', value: ms, source: PPLCNET_SEG, settings: backbone ? `${SEG_LATENCY}; ${backbone}` : SEG_LATENCY },
  ];
}

export const deeplabv3plus: HeadSpec = {
  id: 'deeplabv3plus',
  task: 'segment',
  title: 'DeepLabV3+',
  paper: 'arXiv:1802.02611; the segmenter of PP-LCNet (arXiv:2109.15099)',
  reference: 'PaddleSeg DeepLabV3P head (use_sep_conv, image_pooling, aspp_ratios 1, 6, 12, 18) on the last block, rebuilt in PyTorch on torchvision mobilenet_v3_large(dilated=True) without its last conv',
  strides: [4, 16],
  extraTaps: [LAST_BLOCK],
  outputStride: 16,
  defaultResolution: 512,
  defaultClasses: 19,
  referenceBackbone: { id: 'mobilenet_v3_large_x1_0' },
  knobs: [
    { name: 'aspp_channels', description: 'Width of every ASPP branch and its projection (PaddleSeg aspp_out_channels)', default: 256, kind: 'integer', min: 1, max: 4096 },
    { name: 'rates', description: 'ASPP rates: 1 is a 1×1 branch, the others separable 3×3 branches dilated that much', default: [1, 6, 12, 18], kind: 'indices', min: 1, max: 256 },
  ],
  published: [
    { backbone: 'pplcnet_x0_5', figures: paperSeg(58.36, 82) },
    { backbone: 'pplcnet_x1_0', figures: paperSeg(66.03, 96) },
    { backbone: 'mobilenet_v3_large_x1_0', width: 0.5, figures: paperSeg(55.42, 135, MNV3_BACKBONE) },
    { backbone: 'mobilenet_v3_large_x0_75', figures: paperSeg(64.53, 151, MNV3_BACKBONE) },
  ],
  build(b: GraphBuilder, backbone: Backbone, options) {
    const width = options.knobs.aspp_channels as number;
    const low = tapAt(backbone, 4);
    const high = extraOrTapAt(backbone, LAST_BLOCK, 16);
    const aspp = b.scope('neck', () =>
      b.scope('aspp', () => {
        const branches = rates(options.knobs.rates).map((rate, i) =>
          rate === 1
            ? convBnAct(b, high, { out: width, k: 1, bias: true }, 'relu', `branch${i}`)
            : separable(b, high, { out: width, k: 3, dilation: rate }, `branch${i}`),
        );
        branches.push(imagePooling(b, high, width, false));
        const cat = b.add1('Concat', 'concat', branches, { axis: 1 });
        const y = convBnAct(b, cat, { out: width, k: 1, bias: true }, 'relu', 'project');
        return b.add1('Dropout', 'dropout', [y], { ratio: 0.1 });
      }),
    );
    return b.scope('head', () => {
      const lowProjected = convBnAct(b, low, { out: 48, k: 1, bias: true }, 'relu', 'low_project');
      const up = upsampleTo(b, aspp, lowProjected, 'up_to_low');
      let y = b.add1('Concat', 'concat', [up, lowProjected], { axis: 1 });
      y = separable(b, y, { out: 256, k: 3 }, 'fuse1');
      y = separable(b, y, { out: 256, k: 3 }, 'fuse2');
      y = conv(b, y, { out: options.numClasses, k: 1, bias: true }, 'classifier');
      return [upsampleTo(b, y, backbone.input, 'upsample')];
    });
  },
};
