/**
 * YOLOv8's own backbone, a CSPDarknet of C2f blocks ending in SPPF, as Ultralytics builds it from
 * ultralytics/cfg/models/v8/yolov8.yaml (`backbone:` layers 0–9) with ultralytics/nn/modules
 * conv.py `Conv` and block.py `C2f`, `Bottleneck`, `SPPF`. It is not a zoo classifier: it exists
 * only as a backbone under heads (ids 'yolov8n_backbone', 'yolov8s_backbone').
 *
 * Sizes scale the yaml's channels and repeats as Ultralytics' parse_model does: channels
 * ⌈min(c, max_channels) · width / 8⌉ · 8, repeats max(round(n · depth), 1) for n > 1.
 * Every Conv is conv (no bias, "same" padding) → BN → SiLU.
 */
import { UserError } from '../../core/errors';
import { GraphBuilder, Tensor } from '../../core/ir';
import { convBnAct } from '../blocks';
import { Backbone, BackboneRequest, FeatureTap, LAST_BLOCK, TapStride } from '../taps';

export interface YoloScale {
  readonly depth: number;
  readonly width: number;
  readonly maxChannels: number;
}

/** yolov8.yaml `scales:` n and s. */
export const YOLOV8_SCALES: Readonly<Record<'n' | 's', YoloScale>> = {
  n: { depth: 0.33, width: 0.25, maxChannels: 1024 },
  s: { depth: 0.33, width: 0.5, maxChannels: 1024 },
};

export function yoloChannels(scale: YoloScale, c: number): number {
  return Math.ceil((Math.min(c, scale.maxChannels) * scale.width) / 8) * 8;
}

export function yoloRepeats(scale: YoloScale, n: number): number {
  return n > 1 ? Math.max(Math.round(n * scale.depth), 1) : n;
}

/** Ultralytics' Conv: k×k conv (stride s) → BN → SiLU. */
export function yoloConv(b: GraphBuilder, x: Tensor, out: number, k: number, s: number, scope: string): Tensor {
  return convBnAct(b, x, { out, k, s }, 'silu', scope);
}

/**
 * C2f: a 1×1 conv to 2c (c = out / 2) split in halves; n bottlenecks (3×3, 3×3 convs, residual when
 * `shortcut`) each fed the previous one's output; all 2 + n pieces concatenated; a 1×1 conv to out.
 */
export function c2f(b: GraphBuilder, x: Tensor, o: { out: number; n: number; shortcut: boolean }, scope: string): Tensor {
  return b.scope(scope, () => {
    const c = Math.floor(o.out / 2);
    const [first, second] = b.add('Split', 'split', [yoloConv(b, x, 2 * c, 1, 1, 'cv1')], { axis: 1, split: [c, c] });
    const pieces = [first, second];
    for (let i = 0; i < o.n; i++) {
      pieces.push(
        b.scope(`m${i}`, () => {
          const input = pieces[pieces.length - 1];
          const y = yoloConv(b, yoloConv(b, input, c, 3, 1, 'cv1'), c, 3, 1, 'cv2');
          return o.shortcut ? b.add1('Add', 'add', [input, y]) : y;
        }),
      );
    }
    return yoloConv(b, b.add1('Concat', 'concat', pieces, { axis: 1 }), o.out, 1, 1, 'cv2');
  });
}

/** SPPF: 1×1 conv to half the input channels, three chained 5×5/1 max pools, concat of all four, 1×1 conv. */
export function sppf(b: GraphBuilder, x: Tensor, out: number, scope = 'sppf'): Tensor {
  return b.scope(scope, () => {
    const pieces = [yoloConv(b, x, Math.floor(x.shape[1] / 2), 1, 1, 'cv1')];
    for (let i = 0; i < 3; i++) {
      pieces.push(b.add1('MaxPool', `pool${i}`, [pieces[i]], { kernel_shape: [5, 5], strides: [1, 1], pads: [2, 2, 2, 2] }));
    }
    return yoloConv(b, b.add1('Concat', 'concat', pieces, { axis: 1 }), out, 1, 1, 'cv2');
  });
}

/** The backbone ids this file builds, each with its yolov8.yaml scale. */
export const CSPDARKNET_BACKBONES: Readonly<Record<string, YoloScale>> = {
  yolov8n_backbone: YOLOV8_SCALES.n,
  yolov8s_backbone: YOLOV8_SCALES.s,
};

/**
 * Adds YOLOv8's backbone `id` in a top-level scope 'backbone' (the input outside it, as for zoo
 * backbones). Taps: the C2f ends at strides 4, 8 and 16 (yaml layers 2, 4, 6) and SPPF at stride 32
 * (layer 9), the maps YOLOv8's neck reads.
 */
export function addCspDarknet(b: GraphBuilder, id: string, request: BackboneRequest = {}): Backbone {
  const scale = CSPDARKNET_BACKBONES[id];
  if (!scale) throw new UserError(`unknown YOLOv8 backbone '${id}' (known: ${Object.keys(CSPDARKNET_BACKBONES).join(', ')})`);
  if (request.width !== undefined) throw new UserError(`${id} has no width option: its width is the YOLOv8 size (yolov8n_backbone, yolov8s_backbone)`);
  if (request.knobs && Object.keys(request.knobs).length) throw new UserError(`${id} has no knobs`);
  if (request.outputStride !== undefined && request.outputStride !== 32) throw new UserError(`${id} cannot dilate: it only gives output stride 32`);
  const resolution = request.resolution ?? 640;
  const input = b.input('input', [request.batch ?? 1, 3, resolution, resolution]);
  const ch = (c: number) => yoloChannels(scale, c);
  const rep = (n: number) => yoloRepeats(scale, n);
  const taps = new Map<TapStride, FeatureTap>();
  const tap = (stride: TapStride, tensor: Tensor) => taps.set(stride, { stride, tensor, node: tensor.name, channels: tensor.shape[1] });
  b.scope('backbone', () => {
    let x = yoloConv(b, input, ch(64), 3, 2, 'conv0_p1');
    x = yoloConv(b, x, ch(128), 3, 2, 'conv1_p2');
    x = c2f(b, x, { out: ch(128), n: rep(3), shortcut: true }, 'c2f2');
    tap(4, x);
    x = yoloConv(b, x, ch(256), 3, 2, 'conv3_p3');
    x = c2f(b, x, { out: ch(256), n: rep(6), shortcut: true }, 'c2f4');
    tap(8, x);
    x = yoloConv(b, x, ch(512), 3, 2, 'conv5_p4');
    x = c2f(b, x, { out: ch(512), n: rep(6), shortcut: true }, 'c2f6');
    tap(16, x);
    x = yoloConv(b, x, ch(1024), 3, 2, 'conv7_p5');
    x = c2f(b, x, { out: ch(1024), n: rep(3), shortcut: true }, 'c2f8');
    x = sppf(b, x, ch(1024), 'sppf9');
    tap(32, x);
  });
  // SPPF is the last block of Ultralytics' backbone (its neck reads it): 'last_block' is the stride-32 tap.
  return { id, input, taps, extra: new Map([[LAST_BLOCK, taps.get(32)!]]) };
}
