/** What every detection and segmentation head declares, so any zoo backbone can go under it. */
import { GraphBuilder, Tensor } from '../../core/ir';
import { PublishedFigure } from '../../core/summary';
import { KnobSpec, KnobValue } from '../familyTypes';
import { Backbone, TapStride } from '../taps';

export type HeadTask = 'detect' | 'segment';

export interface HeadBuildOptions {
  readonly resolution: number;
  readonly numClasses: number;
  /** Every knob of the head, defaults filled in and values checked against its KnobSpec. */
  readonly knobs: Readonly<Record<string, KnobValue>>;
}

/** Figures a paper reports for one head on one backbone, at one input size. */
export interface HeadPublished {
  /** Zoo id of the backbone. */
  readonly backbone: string;
  /** Backbone width when it is not the zoo id's own. */
  readonly width?: number;
  /** Backbone knobs the paper's backbone has (others at their defaults). */
  readonly knobs?: Readonly<Record<string, KnobValue>>;
  /** Square input size the figures hold for; undefined: at the head's default resolution. */
  readonly resolution?: number;
  readonly figures: readonly PublishedFigure[];
}

export interface HeadSpec {
  /** 'ssdlite' | 'lraspp' | 'deeplabv3' | 'deeplabv3plus' | 'picodet_v2' | 'picodet_legacy' | 'yolov8n' | 'yolov8s' */
  readonly id: string;
  readonly task: HeadTask;
  /** e.g. 'SSDLite' */
  readonly title: string;
  /** Where it comes from. */
  readonly paper: string;
  /** The implementation it matches, e.g. 'torchvision ssdlite320_mobilenet_v3_large'. */
  readonly reference: string;
  /** Taps it reads. */
  readonly strides: readonly TapStride[];
  /** Backbone output stride it asks for (dilated). */
  readonly outputStride?: 8 | 16 | 32;
  /** Extra taps it reads when the backbone has them (e.g. 'c4_expand'), falling back to a stride tap. */
  readonly extraTaps?: readonly string[];
  /** The reference's input size (320, 416, 512, 640 …). */
  readonly defaultResolution: number;
  /** The reference's class count (91, 80, 21, 19 …). */
  readonly defaultClasses: number;
  readonly referenceBackbone: { id: string; width?: number; knobs?: Record<string, KnobValue> };
  readonly knobs: readonly KnobSpec[];
  /** Published figures for head + backbone pairs, attached only to a build with those settings. */
  readonly published?: readonly HeadPublished[];
  /** Adds the neck (top-level scope 'neck'; may be empty) and the head (scope 'head') reading
   *  the backbone's taps; returns the graph outputs. */
  build(b: GraphBuilder, backbone: Backbone, options: HeadBuildOptions): Tensor[];
}

/** The backbone's tap at `stride`; buildWithHead checks the strides a head declares, so a miss is a bug in the head. */
export function tapAt(backbone: Backbone, stride: TapStride): Tensor {
  const tap = backbone.taps.get(stride);
  if (!tap) throw new Error(`${backbone.id} has no stride-${stride} tap (the head must declare every stride it reads)`);
  return tap.tensor;
}

/** The backbone's extra map `name` (e.g. 'last_block') when it is at `stride`, else its stride-`stride` tap. */
export function extraOrTapAt(backbone: Backbone, name: string, stride: TapStride): Tensor {
  const extra = backbone.extra.get(name);
  return extra && extra.stride === stride ? extra.tensor : tapAt(backbone, stride);
}
