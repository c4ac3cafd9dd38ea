/** The feature maps a head reads from its backbone: what the hover texts and the headed reports list. */
import { GraphBuilder } from '../../core/ir';
import { addBackbone } from '../taps';
import { addCspDarknet } from './cspdarknet';
import { HEAD_ONLY_BACKBONES, HeadedRequest } from './index';
import type { HeadSpec } from './headTypes';

/** A feature map a head reads: a stride tap, or an extra map the head prefers at that stride (e.g. SSDLite's 'c4_expand'). */
export interface TapRead {
  readonly stride: number;
  readonly node: string;
  readonly channels: number;
  /** The extra map's name, when the head reads one instead of the stride tap. */
  readonly name?: string;
}

/** The backbone's feature maps `head` reads for `request`, by stride. */
export function tapsRead(head: HeadSpec, request: HeadedRequest): TapRead[] {
  const add = HEAD_ONLY_BACKBONES.includes(request.backbone) ? addCspDarknet : addBackbone;
  const backbone = add(new GraphBuilder(request.backbone), request.backbone, {
    resolution: request.resolution ?? head.defaultResolution,
    batch: request.batch,
    width: request.width,
    knobs: request.knobs,
    outputStride: head.outputStride,
  });
  const extras = (head.extraTaps ?? []).flatMap((name) => {
    const tap = backbone.extra.get(name);
    return tap ? [{ stride: tap.stride as number, node: tap.node, channels: tap.channels, name }] : [];
  });
  return head.strides.flatMap((stride): TapRead[] => {
    const extra = extras.find((e) => e.stride === stride);
    if (extra) return [extra];
    const tap = backbone.taps.get(stride);
    return tap ? [{ stride, node: tap.node, channels: tap.channels }] : [];
  });
}
