/**
 * YOLOv8's neck and head (Ultralytics; Jocher et al., 2023), sizes n and s, as Ultralytics builds them
 * from ultralytics/cfg/models/v8/yolov8.yaml (`head:` layers 10–22) with ultralytics/nn/modules
 * block.py `C2f`, `DFL`, conv.py `Conv` and head.py `Detect` (legacy: v8's 3×3 class branch).
 *
 * Neck (a PAN of C2f blocks without shortcuts): the stride-32 map is upsampled ×2 (nearest),
 * concatenated with the stride-16 map into a C2f; that result, upsampled, with the stride-8 map into
 * a C2f (the P3 output); a 3×3/2 conv on it, concatenated with the first C2f's output, into a C2f (P4);
 * a 3×3/2 conv on that, concatenated with the stride-32 map, into a C2f (P5).
 *
 * Head (Detect, per level): a box branch Conv 3×3, Conv 3×3, 1×1 conv (bias) to 4 × 16 distribution
 * bins and a class branch Conv 3×3, Conv 3×3, 1×1 conv (bias) to the classes, with c2 = max(16, P3 / 4,
 * 64) and c3 = max(P3, min(classes, 100)) channels; levels are flattened and concatenated; DFL takes
 * the softmax over each side's 16 bins and their expectation by a fixed 1×1 conv (16 weights, counted
 * among the params as Ultralytics counts them, though they get no gradient); class scores go through a
 * sigmoid. The output is [N, 4 + classes, anchors]: box side distances in grid units and scores.
 * Ultralytics' last step, distances → boxes (anchor centre ± distance, × stride), is left out: it has no
 * weights and no multiply-adds.
 *
 * With YOLOv8's own backbone (cspdarknet.ts) this is Ultralytics' yolov8n / yolov8s exactly; with a zoo
 * backbone the neck reads its stride-8/16/32 taps instead of yaml layers 4, 6 and 9. Ultralytics puts
 * SPPF at the end of the backbone, so a swapped backbone has none unless the knob `sppf` adds one.
 */
import { UserError } from '../../core/errors';
import { GraphBuilder, Tensor } from '../../core/ir';
import { PublishedFigure } from '../../core/summary';
import { conv } from '../blocks';
import { KnobSpec } from '../familyTypes';
import { Backbone, TapStride } from '../taps';
import { c2f, sppf, YOLOV8_SCALES, yoloChannels, yoloConv, YoloScale, yoloRepeats } from './cspdarknet';
import { HeadBuildOptions, HeadSpec, tapAt } from './headTypes';

const STRIDES: readonly TapStride[] = [8, 16, 32];

const KNOBS: KnobSpec[] = [
  {
    name: 'sppf',
    description:
      "Adds YOLOv8's SPPF block on the stride-32 tap before the neck (for a swapped backbone: YOLOv8's own backbone already ends in one)",
    default: false,
    kind: 'boolean',
  },
  {
    name: 'reg_max',
    description: 'Distribution bins per box side (DFL; 16 in YOLOv8)',
    default: 16,
    kind: 'integer',
    min: 1,
    max: 64,
  },
];

function upsample2(b: GraphBuilder, x: Tensor): Tensor {
  return b.add1('Resize', 'upsample', [x], { scales: [2, 2], mode: 'nearest' });
}

function neck(b: GraphBuilder, taps: Tensor[], scale: YoloScale): Tensor[] {
  const ch = (c: number) => yoloChannels(scale, c);
  const n = yoloRepeats(scale, 3);
  const [p3, p4, p5] = taps;
  return b.scope('neck', () => {
    const cat = (inputs: Tensor[]) => b.add1('Concat', 'concat', inputs, { axis: 1 });
    const t4 = b.scope('top_down_s16', () => c2f(b, cat([upsample2(b, p5), p4]), { out: ch(512), n, shortcut: false }, 'c2f'));
    const o3 = b.scope('top_down_s8', () => c2f(b, cat([upsample2(b, t4), p3]), { out: ch(256), n, shortcut: false }, 'c2f'));
    const o4 = b.scope('bottom_up_s16', () =>
      c2f(b, cat([yoloConv(b, o3, ch(256), 3, 2, 'downsample'), t4]), { out: ch(512), n, shortcut: false }, 'c2f'),
    );
    const o5 = b.scope('bottom_up_s32', () =>
      c2f(b, cat([yoloConv(b, o4, ch(512), 3, 2, 'downsample'), p5]), { out: ch(1024), n, shortcut: false }, 'c2f'),
    );
    return [o3, o4, o5];
  });
}

function detect(b: GraphBuilder, levels: Tensor[], classes: number, regMax: number): Tensor {
  return b.scope('head', () => {
    const first = levels[0].shape[1];
    const c2 = Math.max(16, Math.floor(first / 4), regMax * 4);
    const c3 = Math.max(first, Math.min(classes, 100));
    const boxes: Tensor[] = [];
    const scores: Tensor[] = [];
    levels.forEach((x, i) =>
      b.scope(`level${i}_s${STRIDES[i]}`, () => {
        const branch = (name: string, width: number, out: number) =>
          b.scope(name, () => {
            const y = yoloConv(b, yoloConv(b, x, width, 3, 1, 'conv0'), width, 3, 1, 'conv1');
            const logits = conv(b, y, { out, k: 1, bias: true }, 'pred');
            return b.add1('Reshape', 'flatten', [logits], { shape: [0, 0, -1] });
          });
        boxes.push(branch('box', c2, 4 * regMax));
        scores.push(branch('cls', c3, classes));
      }),
    );
    const box = b.add1('Concat', 'boxes', boxes, { axis: 2 });
    const anchors = box.shape[2];
    const distances = b.scope('dfl', () => {
      // [N, 4·bins, A] → [N, bins, 4, A], softmax over the bins, expectation by a fixed 1×1 conv.
      const sides = b.add1('Reshape', 'reshape', [box], { shape: [0, 4, regMax, anchors] });
      const bins = b.add1('Transpose', 'transpose', [sides], { perm: [0, 2, 1, 3] });
      const probs = b.add1('Softmax', 'softmax', [bins], { axis: 1 });
      const expectation = conv(b, probs, { out: 1, k: 1 }, 'conv');
      return b.add1('Reshape', 'distances', [expectation], { shape: [0, 4, anchors] });
    });
    const cls = b.add1('Sigmoid', 'sigmoid', [b.add1('Concat', 'scores', scores, { axis: 2 })]);
    return b.add1('Concat', 'output', [distances, cls], { axis: 1 });
  });
}

const DOCS = 'Ultralytics docs/en/models/yolov8.md, Performance Metrics, Detection (COCO)';
const SETTINGS_CPU = 'COCO val2017 at 640×640; CPU ONNX latency on an Amazon EC2 P4d instance (Ultralytics docs)';
const SETTINGS_GPU = 'COCO val2017 at 640×640; A100 TensorRT latency on an Amazon EC2 P4d instance (Ultralytics docs)';

function published(map: number, cpuMs: number, a100Ms: number, params: number, madds: number): PublishedFigure[] {
  return [
    { metric: 'map', value: map, source: DOCS, settings: 'COCO val2017 mAP(50–95), 640×640' },
    { metric: 'latency_ms', value: cpuMs, source: DOCS, settings: SETTINGS_CPU },
    { metric: 'latency_ms', value: a100Ms, source: DOCS, settings: SETTINGS_GPU },
    { metric: 'params', value: params, source: DOCS },
    // Ultralytics lists FLOPs as 2 × multiply-adds (8.7B for yolov8n).
    { metric: 'madds', value: madds, source: `${DOCS} (FLOPs ÷ 2)` },
  ];
}

/** Ultralytics' own figures for yolov8n / yolov8s (its own backbone, 640×640, 80 classes). */
const PUBLISHED = {
  n: published(37.3, 80.4, 0.99, 3.2e6, 4.35e9),
  s: published(44.9, 128.4, 1.2, 11.2e6, 14.3e9),
};

function yolov8Head(size: 'n' | 's'): HeadSpec {
  const id = `yolov8${size}`;
  const scale = YOLOV8_SCALES[size];
  return {
    id,
    task: 'detect',
    title: `YOLOv8${size}`,
    paper: 'Ultralytics YOLOv8 (Jocher, Chaurasia, Qiu, 2023; no paper: docs.ultralytics.com/models/yolov8)',
    reference: `Ultralytics ultralytics/cfg/models/v8/yolov8.yaml, scale ${size} (C2f PAN + Detect with DFL)`,
    strides: STRIDES,
    defaultResolution: 640,
    defaultClasses: 80,
    referenceBackbone: { id: `${id}_backbone` },
    knobs: KNOBS,
    published: [{ backbone: `${id}_backbone`, figures: PUBLISHED[size] }],
    build(b: GraphBuilder, backbone: Backbone, options: HeadBuildOptions): Tensor[] {
      if (options.resolution % 32 !== 0) {
        throw new UserError(`${id} on ${backbone.id}: the input size must be divisible by 32 (the neck upsamples stride 32 to 16 to 8), got ${options.resolution}`);
      }
      const taps = STRIDES.map((s) => tapAt(backbone, s));
      if (options.knobs.sppf) taps[2] = b.scope('neck', () => sppf(b, taps[2], taps[2].shape[1]));
      const levels = neck(b, taps, scale);
      return [detect(b, levels, options.numClasses, options.knobs.reg_max as number)];
    },
  };
}

export const yolov8n = yolov8Head('n');
export const yolov8s = yolov8Head('s');
