/**
 * Detection and segmentation heads on any zoo backbone: the registry, and building one head on
 * one backbone as a graph whose top-level scopes are exactly 'backbone', 'neck' and 'head'.
 */
import { GraphError, UserError } from '../../core/errors';
import { Graph, GraphBuilder, Node } from '../../core/ir';
import { ModelSummary, PublishedFigure, summarize } from '../../core/summary';
import { lookup, resolveKnobs, resolveOptions } from '../index';
import { KnobValue } from '../familyTypes';
import { addBackbone, Backbone, BACKBONE_SCOPE, BackboneRequest } from '../taps';
import { addCspDarknet, CSPDARKNET_BACKBONES } from './cspdarknet';
import { deeplabv3, deeplabv3plus } from './deeplabv3';
import { lraspp } from './lraspp';
import { picodetLegacy } from './picodet';
import { picodetV2 } from './picodet_v2';
import { HeadSpec } from './headTypes';
import { ssdlite } from './ssdlite';
import { yolov8n, yolov8s } from './yolov8';

export type { HeadBuildOptions, HeadPublished, HeadSpec, HeadTask } from './headTypes';

const HEADS: readonly HeadSpec[] = [
  ssdlite,
  lraspp,
  deeplabv3,
  deeplabv3plus,
  picodetV2,
  picodetLegacy,
  yolov8n,
  yolov8s,
];

/** Top-level scopes of a headed graph, in order. */
export const HEADED_SCOPES = [BACKBONE_SCOPE, 'neck', 'head'] as const;

/**
 * Backbones that exist only under heads, looked up before the zoo: YOLOv8's own CSPDarknet
 * ('yolov8n_backbone', 'yolov8s_backbone'), which is not a zoo classifier. They take no width or knobs.
 */
export const HEAD_ONLY_BACKBONES: readonly string[] = Object.keys(CSPDARKNET_BACKBONES);

/** Adds backbone `id` (a head-only backbone or a zoo id) as addBackbone does; for callers listing a head's taps. */
export function addHeadBackbone(b: GraphBuilder, id: string, request: BackboneRequest = {}): Backbone {
  return (HEAD_ONLY_BACKBONES.includes(id) ? addCspDarknet : addBackbone)(b, id, request);
}

export function heads(): HeadSpec[] {
  return [...HEADS];
}

/**
 * Former head ids still accepted, each with the head it names now and what to say about it:
 * 'picodet' was the legacy PicoDet config before PP-PicoDet v2 had a head of its own.
 */
const HEAD_ALIASES: Readonly<Record<string, { readonly id: string; readonly note: string }>> = {
  picodet: {
    id: 'picodet_legacy',
    note: "head 'picodet' is PicoDet's legacy config (CSP-PAN + PicoHead, PaddleDetection legacy_model): write picodet_legacy to keep it, or picodet_v2 for the current PP-PicoDet (LCPAN + PicoHeadV2)",
  },
};

/** The head `id` (or a former id of it); unknown → undefined. */
export function findHead(id: string): HeadSpec | undefined {
  const target = HEAD_ALIASES[id]?.id ?? id;
  return HEADS.find((h) => h.id === target);
}

/** What to tell a user who names head `id`, when it is a former id (undefined otherwise). */
export function headAliasNote(id: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(HEAD_ALIASES, id) ? HEAD_ALIASES[id].note : undefined;
}

export interface HeadedRequest {
  /** Head id. */
  readonly head: string;
  /** Zoo id. */
  readonly backbone: string;
  /** Default: the head's defaultResolution. */
  readonly resolution?: number;
  readonly batch?: number;
  /** Default: the head's defaultClasses. */
  readonly numClasses?: number;
  /** Backbone width. */
  readonly width?: number;
  /** Backbone knobs. */
  readonly knobs?: Readonly<Record<string, KnobValue>>;
  readonly headKnobs?: Readonly<Record<string, KnobValue>>;
}

function requireHead(id: string): HeadSpec {
  const head = findHead(id);
  if (head) return head;
  const close = HEADS.filter((h) => h.id.startsWith(id.slice(0, 4)) || id.startsWith(h.id)).map((h) => h.id);
  const hint = close.length ? `did you mean ${close.join(', ')}? ` : '';
  throw new UserError(`unknown head '${id}' (${hint}heads: ${HEADS.map((h) => h.id).join(', ')})`);
}

interface Resolved {
  readonly head: HeadSpec;
  readonly resolution: number;
  readonly numClasses: number;
  readonly headKnobs: Readonly<Record<string, KnobValue>>;
}

function resolve(request: HeadedRequest): Resolved {
  const head = requireHead(request.head);
  const numClasses = request.numClasses ?? head.defaultClasses;
  if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > 1_000_000) {
    throw new UserError(`${head.id}: option numClasses must be an integer from 1 to 1000000, got ${numClasses}`);
  }
  return { head, resolution: request.resolution ?? head.defaultResolution, numClasses, headKnobs: resolveKnobs(head.id, head.knobs, request.headKnobs) };
}

/** Where `backbone` falls short of the strides `head` reads, as a sentence; undefined if it does not. */
function missingStrides(head: HeadSpec, backbone: Backbone): string | undefined {
  const missing = head.strides.filter((s) => !backbone.taps.has(s));
  if (!missing.length) return undefined;
  const has = [...backbone.taps.keys()].sort((a, b) => a - b);
  const dilated = head.outputStride && head.outputStride < 32 ? ` at output stride ${head.outputStride}` : '';
  const maps = missing.map((s) => `stride-${s}`).join(' and ');
  return `${head.id} needs a ${maps} feature map; ${backbone.id} gives strides ${has.join(', ') || 'none'}${dilated}`;
}

/**
 * `graph` without the backbone nodes no output depends on: the 1×1 conv a family appends after its
 * last block, when the head reads 'last_block' as Paddle's backbones give it (constants only
 * those nodes read go with them). Neck and head nodes are kept as the head built them.
 */
function withoutUnreadBackbone(graph: Graph): Graph {
  const needed = new Set(graph.outputs);
  const kept: Node[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i];
    if (node.scope[0] === BACKBONE_SCOPE && !node.outputs.some((o) => needed.has(o))) continue;
    kept.push(node);
    node.inputs.forEach((t) => needed.add(t));
  }
  if (kept.length === graph.nodes.length) return graph;
  const keptSet = new Set(kept);
  const dropped = new Set(graph.nodes.filter((n) => !keptSet.has(n)).flatMap((n) => n.outputs));
  const constants = new Map([...graph.constants].filter(([name]) => needed.has(name)));
  const shapes = new Map([...graph.shapes].filter(([name]) => !dropped.has(name) && (!graph.constants.has(name) || constants.has(name))));
  return { ...graph, nodes: kept.reverse(), shapes, constants };
}

/** Graph named '<head>/<backbone>' whose top-level scopes are exactly 'backbone', 'neck', 'head'.
 *  Unknown head/backbone, a stride the backbone cannot give, impossible knobs: UserError naming
 *  the head, the backbone and what is missing. */
export function buildWithHead(request: HeadedRequest): Graph {
  const { head, resolution, numClasses, headKnobs } = resolve(request);
  const id = request.backbone;
  const headOnly = HEAD_ONLY_BACKBONES.includes(id);
  try {
    if (!headOnly) lookup(id);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${head.id}: ${e.message.replace('unknown model id', 'unknown backbone')}`);
    throw e;
  }
  const b = new GraphBuilder(`${head.id}/${id}`);
  let backbone: Backbone;
  try {
    backbone = addHeadBackbone(b, id, {
      resolution,
      batch: request.batch,
      width: request.width,
      knobs: request.knobs,
      outputStride: head.outputStride,
    });
  } catch (e) {
    // The zoo's messages start with the id ("pplcnet_x1_0: knob …"); say it once.
    if (e instanceof UserError) throw new UserError(`${head.id} on ${id}: ${e.message.replace(new RegExp(`^${id}: `), '')}`);
    if (e instanceof GraphError) throw new UserError(`${head.id} on ${id} cannot be built at ${resolution}×${resolution}: ${e.message}`);
    throw e;
  }
  const missing = missingStrides(head, backbone);
  if (missing) throw new UserError(missing);
  let outputs;
  try {
    outputs = head.build(b, backbone, { resolution, numClasses, knobs: headKnobs });
  } catch (e) {
    // A head that cannot exist at this size or with these knobs is the user's setting: name it.
    if (e instanceof GraphError) {
      throw new UserError(`${head.id} on ${id} cannot be built at ${resolution}×${resolution} with ${numClasses} classes: ${e.message}`);
    }
    throw e;
  }
  const graph = withoutUnreadBackbone(b.build(outputs));
  const stray = graph.nodes.find((n) => !(HEADED_SCOPES as readonly string[]).includes(n.scope[0]));
  if (stray) throw new Error(`head ${head.id} added node '${stray.name}' outside the scopes ${HEADED_SCOPES.join(', ')}`);
  return graph;
}

/** The published figures of `request`'s head + backbone pair, when its settings are the paper's. */
function publishedFor(request: HeadedRequest, resolved: Resolved): PublishedFigure[] {
  const { head } = resolved;
  const headDefaults = JSON.stringify(resolveKnobs(head.id, head.knobs));
  const plain =
    resolved.numClasses === head.defaultClasses && (request.batch ?? 1) === 1 && JSON.stringify(resolved.headKnobs) === headDefaults;
  if (!plain) return [];
  return (head.published ?? [])
    .filter((p) => {
      if (p.backbone !== request.backbone || resolved.resolution !== (p.resolution ?? head.defaultResolution)) return false;
      if (HEAD_ONLY_BACKBONES.includes(p.backbone)) return true; // no width or knobs to differ
      const model = lookup(request.backbone);
      const asBuilt = resolveOptions(model, { width: request.width, knobs: request.knobs });
      const paper = resolveOptions(model, { width: p.width, knobs: p.knobs });
      return paper.width === asBuilt.width && JSON.stringify(paper.knobs) === JSON.stringify(asBuilt.knobs);
    })
    .flatMap((p) => p.figures);
}

/** buildWithHead + summarize, with published figures (mAP / mIoU / latency with source) attached
 *  only when the pair and settings are the ones the paper reports. */
export function summarizeWithHead(request: HeadedRequest): ModelSummary {
  const graph = buildWithHead(request);
  return summarize(graph, {}, publishedFor(request, resolve(request)));
}
