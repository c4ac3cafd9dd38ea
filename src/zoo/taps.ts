/**
 * Feature taps: any zoo network as a backbone for a detection or segmentation head.
 *
 * The backbone is the zoo's own classification graph, node for node and name for name, with the
 * classifier left out and every node moved into a top-level scope 'backbone'. Nothing in the
 * families is written twice: the taps are found in the built graph. A tap at stride s is the last
 * "cut" tensor at that stride — a tensor every later node depends on only through it (a block or
 * stage output, never a tensor inside a residual block or one branch of a split).
 *
 * `outputStride` 16 or 8 rebuilds the same nodes with the downsampling ops past that stride set to
 * stride 1 and every later window dilated by the resolution they kept, as torchvision's
 * `dilated=True` MobileNetV3 does (the conv that gave up its stride is itself dilated) and
 * PaddleSeg's `output_stride`; "same" padding is recomputed so sizes hold. Params never change;
 * MAdds grow with the larger maps.
 */
import { UserError } from '../core/errors';
import { Attrs, Graph, GraphBuilder, Node, Tensor } from '../core/ir';
import { numel, Shape } from '../core/shape';
import { buildResolved, lookup, resolveOptions } from './index';
import { KnobValue } from './familyTypes';

export type TapStride = 4 | 8 | 16 | 32;
export const TAP_STRIDES: readonly TapStride[] = [4, 8, 16, 32];

export interface FeatureTap {
  readonly stride: TapStride;
  /** A tensor in the GraphBuilder: [N, C, H/stride, W/stride]. */
  readonly tensor: Tensor;
  /** Name of the IR node that produces it (shown to users). */
  readonly node: string;
  readonly channels: number;
}

/** Like the zoo's BuildRequest, minus the classifier. */
export interface BackboneRequest {
  /** Square input size in pixels (default 224). */
  readonly resolution?: number;
  readonly batch?: number;
  readonly width?: number;
  readonly knobs?: Readonly<Record<string, KnobValue>>;
  /** 32 (default), 16 or 8: the stages after that stride keep its resolution and dilate their
   *  convs instead, as torchvision's `dilated=True` and PaddleSeg's output_stride do. */
  readonly outputStride?: 8 | 16 | 32;
}

export interface Backbone {
  /** The zoo id. */
  readonly id: string;
  readonly input: Tensor;
  /** The last feature map at each stride (before the classifier). A stride the network never
   *  reaches, or gave up to dilation, is absent. */
  readonly taps: ReadonlyMap<TapStride, FeatureTap>;
  /** Feature maps a reference head uses that are not stride taps, by name:
   *  - 'c4_expand': torchvision SSDLite's expansion conv inside MobileNetV3's C4 block (the
   *    inverted-residual families only);
   *  - 'last_block' (every backbone): the last block's output at the deepest stride, before the
   *    1×1 conv some families append after their last block (MobileNetV2's 1280, MobileNetV3's
   *    6 × the last block, GhostNet's 960, ShuffleNetV2's conv5). Paddle's detection and
   *    segmentation backbones end there (PaddleDetection MobileNetV3 feature_maps [7, 13, 16],
   *    ShuffleNetV2 [5, 13, 17]; PaddleSeg's MobileNetV3, MobileNetV2, GhostNet, ShuffleNetV2
   *    out_index), where torchvision's end with the conv. Where a family appends no such conv it
   *    is the deepest stride tap; under `outputStride` it is at that stride. */
  readonly extra: ReadonlyMap<string, FeatureTap>;
}

/** Name of the extra tap at the last block's output (see Backbone.extra). */
export const LAST_BLOCK = 'last_block';

/** Top-level scope of every backbone node in a headed graph. */
export const BACKBONE_SCOPE = 'backbone';

const WINDOW_OPS = new Set(['Conv', 'MaxPool', 'AveragePool']);

/** The classification graph of `id` as the request asks for it (its classifier is dropped later). */
function classificationGraph(id: string, request: BackboneRequest): Graph {
  const model = lookup(id);
  return buildResolved(model, resolveOptions(model, { resolution: request.resolution, batch: request.batch, width: request.width, knobs: request.knobs }));
}

function pair(attrs: Attrs, key: string, fallback: number): [number, number] {
  const v = attrs[key];
  if (v === undefined) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  return [(v as readonly number[])[0], (v as readonly number[])[1]];
}

/**
 * For every Resize, the earlier tensor whose size it scales to: walking back along first inputs,
 * the first with the Resize's output size (GhostNetV2's DFC attention pools, then scales back to
 * the map it gates). Nodes passed on the way are that side branch.
 */
function resizeAnchors(graph: Graph): { anchors: Map<string, string>; side: Set<string> } {
  const producer = new Map<string, Node>();
  for (const node of graph.nodes) for (const o of node.outputs) producer.set(o, node);
  const anchors = new Map<string, string>();
  const side = new Set<string>();
  for (const node of graph.nodes) {
    if (node.op !== 'Resize') continue;
    const [, , h, w] = graph.shapes.get(node.outputs[0])!;
    const branch: string[] = [];
    let t = node.inputs[0];
    while (producer.has(t)) {
      const shape = graph.shapes.get(t)!;
      if (shape[2] === h && shape[3] === w) break;
      const p = producer.get(t)!;
      branch.push(p.name);
      t = p.inputs[0];
    }
    const shape = graph.shapes.get(t)!;
    if (shape[2] !== h || shape[3] !== w) continue; // not a scale-back: left as it is
    anchors.set(node.name, t);
    branch.forEach((n) => side.add(n));
  }
  return { anchors, side };
}

/**
 * Downsampling factor of every tensor from the input, following op strides (Conv and pools),
 * global pools (Infinity), resizes (their anchor's) and attention products (their queries'). An op with several inputs takes the
 * finest, so an SE gate (global) multiplied into a map keeps the map's stride.
 */
function tensorStrides(graph: Graph, anchors: ReadonlyMap<string, string>): Map<string, number> {
  const strides = new Map<string, number>(graph.inputs.map((t) => [t.name, 1]));
  for (const node of graph.nodes) {
    const inputs = node.inputs.map((i) => strides.get(i)).filter((s): s is number => s !== undefined);
    let stride = inputs.length ? Math.min(...inputs) : Infinity;
    // Attention (Mobile MQA): a product's rows are the queries', whatever the keys and values were pooled to.
    if (node.op === 'MatMul') stride = strides.get(node.inputs[0]) ?? stride;
    if (WINDOW_OPS.has(node.op)) stride *= pair(node.attrs, 'strides', 1)[0];
    else if (node.op === 'GlobalAveragePool' || node.op === 'ReduceMean') stride = Infinity;
    else if (node.op === 'Resize') {
      const anchor = anchors.get(node.name);
      const inH = graph.shapes.get(node.inputs[0])![2];
      const outH = graph.shapes.get(node.outputs[0])![2];
      stride = anchor !== undefined ? strides.get(anchor)! : (stride * inH) / outH;
    }
    for (const out of node.outputs) strides.set(out, stride);
  }
  return strides;
}

/**
 * Indices of nodes whose single output is a cut: no later node reads a tensor made before it
 * (nor the graph input), so everything after depends on the graph so far only through it.
 */
function cutNodes(graph: Graph): Set<number> {
  const producer = new Map<string, number>(graph.inputs.map((t) => [t.name, -1]));
  graph.nodes.forEach((n, i) => n.outputs.forEach((o) => producer.set(o, i)));
  // lastRead[p + 1]: the last node reading an output of node p (p = −1: the graph input).
  const lastRead = new Array<number>(graph.nodes.length + 1).fill(-Infinity);
  graph.nodes.forEach((n, j) =>
    n.inputs.forEach((input) => {
      const p = producer.get(input);
      if (p !== undefined) lastRead[p + 1] = Math.max(lastRead[p + 1], j);
    }),
  );
  const cuts = new Set<number>();
  let reach = -Infinity; // the furthest node reading something made before node i
  for (let i = 0; i < graph.nodes.length; i++) {
    reach = Math.max(reach, lastRead[i]); // lastRead[i] is for node i − 1 (or the input at i = 0)
    if (reach <= i && graph.nodes[i].outputs.length === 1) cuts.add(i);
  }
  return cuts;
}

function isTapStride(s: number): s is TapStride {
  return (TAP_STRIDES as readonly number[]).includes(s);
}

interface BackbonePlan {
  /** Nodes of the classification graph that form the backbone, in order. */
  readonly nodes: readonly Node[];
  /** Stride of every tensor of those nodes in the undilated graph. */
  readonly strides: ReadonlyMap<string, number>;
  /** Original tensor name of each stride's tap, and of each extra tap. */
  readonly taps: ReadonlyMap<TapStride, string>;
  readonly extra: ReadonlyMap<string, string>;
  /** Resize → the tensor it scales back to, and the nodes of those side branches. */
  readonly anchors: ReadonlyMap<string, string>;
  readonly side: ReadonlySet<string>;
}

/**
 * The backbone part of a classification graph: every node before the classifier up to the last
 * cut with a finite stride (the last conv before global pooling), and where its taps are.
 */
function planBackbone(graph: Graph): BackbonePlan {
  const { anchors, side } = resizeAnchors(graph);
  const strides = tensorStrides(graph, anchors);
  const cuts = cutNodes(graph);
  // A tap is a block's or stage's output: a cut made by the last node of its block scope (so not
  // the expansion conv of a block that has no shortcut to keep it from being a cut).
  const blockOf = (node: Node) => node.scope.slice(0, 2).join('.');
  const endsBlock = (i: number) => i === graph.nodes.length - 1 || blockOf(graph.nodes[i + 1]) !== blockOf(graph.nodes[i]);
  let end = -1;
  let lastBlock: string | undefined;
  const taps = new Map<TapStride, string>();
  graph.nodes.forEach((node, i) => {
    if (node.scope[0] === 'classifier' || !cuts.has(i)) return;
    const stride = strides.get(node.outputs[0])!;
    if (!Number.isFinite(stride) || graph.shapes.get(node.outputs[0])!.length !== 4) return;
    end = i;
    if (!endsBlock(i)) return;
    if (isTapStride(stride)) taps.set(stride, node.outputs[0]);
    // The families put the 1×1 conv they append after the last block in a top-level scope 'head'.
    if (node.scope[0] !== 'head') lastBlock = node.outputs[0];
  });
  const nodes = graph.nodes.slice(0, end + 1);
  // Extra taps: the expansion inside the block that takes stride 16 to 32 (SSDLite's C4 layer):
  // the input of the first downsampling to stride 32 when it is wider than the stride-16 tap.
  const extra = new Map<string, string>();
  const firstC5 = nodes.find((n) => WINDOW_OPS.has(n.op) && strides.get(n.outputs[0]) === 32 && !side.has(n.name));
  const c4 = taps.get(16);
  if (firstC5 && c4 && strides.get(firstC5.inputs[0]) === 16 && graph.shapes.get(firstC5.inputs[0])![1] > graph.shapes.get(c4)![1]) {
    extra.set('c4_expand', firstC5.inputs[0]);
  }
  if (lastBlock !== undefined) extra.set(LAST_BLOCK, lastBlock);
  return { nodes, strides, taps, extra, anchors, side };
}

/** A "same" padding for a stride-1 window of kernel k and dilation d: total d·(k − 1), split as evenly as can be. */
function samePads(k: [number, number], d: [number, number]): number[] {
  const total = [d[0] * (k[0] - 1), d[1] * (k[1] - 1)];
  return [Math.floor(total[0] / 2), Math.floor(total[1] / 2), Math.ceil(total[0] / 2), Math.ceil(total[1] / 2)];
}

interface Dilation {
  /** New attributes by node name; nodes absent are unchanged. */
  readonly attrs: Map<string, Attrs>;
  /** Every tensor's stride after dilation. */
  readonly strides: Map<string, number>;
  /** Resize node → the tensor whose size it scales back to. */
  readonly anchors: ReadonlyMap<string, string>;
}

/**
 * The attributes of each node under `outputStride`: downsampling windows past it lose their
 * stride, and every window after them dilates by the resolution kept ("same" pads recomputed).
 */
function dilate(plan: BackbonePlan, outputStride: number): Dilation {
  const { side, anchors } = plan;
  const attrs = new Map<string, Attrs>();
  const newStride = new Map<string, number>();
  // How much finer a tensor is than in the undilated graph.
  const factor = (t: string) => (plan.strides.get(t) ?? 1) / (newStride.get(t) ?? plan.strides.get(t) ?? 1);
  for (const node of plan.nodes) {
    const spatial = (node.op === 'MatMul' ? node.inputs.slice(0, 1) : node.inputs).filter((i) => Number.isFinite(plan.strides.get(i) ?? Infinity));
    const inFactor = Math.max(1, ...spatial.map(factor));
    const original = plan.strides.get(node.outputs[0])!;
    let stride = original / inFactor; // Infinity (a global pool) stays Infinity
    if (WINDOW_OPS.has(node.op) && (inFactor > 1 || original > outputStride)) {
      const s = pair(node.attrs, 'strides', 1);
      const k = pair(node.attrs, 'kernel_shape', 1);
      const removes = s[0] > 1 && original > outputStride && !side.has(node.name);
      const outFactor = removes ? inFactor * s[0] : inFactor;
      stride = original / outFactor;
      const next: Record<string, Attrs[string]> = { ...node.attrs };
      if (removes) next.strides = [1, 1];
      const stride1 = removes || s[0] === 1;
      if (node.op === 'Conv') {
        const d = pair(node.attrs, 'dilations', 1).map((v) => v * outFactor) as [number, number];
        next.dilations = d;
        if (stride1) next.pads = samePads(k, d);
      } else if (removes) {
        next.pads = samePads(k, [1, 1]);
      }
      if (outFactor > 1) attrs.set(node.name, next);
    } else if (node.op === 'Resize' && anchors.has(node.name)) {
      stride = newStride.get(anchors.get(node.name)!)!;
    }
    for (const o of node.outputs) newStride.set(o, stride);
  }
  return { attrs, strides: newStride, anchors };
}

/**
 * A Reshape that names a feature map's height and width (Mobile MQA folding its attention rows back
 * into a map), replayed after dilation made the map larger: the two equal entries of its target that
 * the growth scales to the new element count become the new side. A target that cannot be read so
 * is an error, never a wrong shape.
 */
function reshapeAfterDilation(graph: Graph, node: Node, attrs: Attrs, input: Shape | undefined): Attrs {
  const target = attrs.shape as readonly number[] | undefined;
  const before = graph.shapes.get(node.inputs[0]);
  // A -1 takes up the growth by itself.
  if (!target || !input || !before || numel(input) === numel(before) || target.includes(-1)) return attrs;
  const factor = Math.sqrt(numel(input) / numel(before));
  const pairs: [number, number][] = [];
  for (let i = 1; i < target.length; i++) {
    for (let j = i + 1; j < target.length; j++) if (target[i] > 0 && target[i] === target[j]) pairs.push([i, j]);
  }
  const fits = Number.isInteger(factor) ? pairs.filter(([i]) => Number.isInteger(target[i] * factor)) : [];
  if (fits.length !== 1) {
    throw new UserError(`${graph.name} cannot be dilated: its Reshape '${node.name}' to [${target.join(', ')}] does not say which dimensions are the feature map's height and width`);
  }
  const [i, j] = fits[0];
  const shape = target.map((d, k) => (k === i || k === j ? d * factor : d));
  return { ...attrs, shape };
}

function strideList(strides: Iterable<number>): string {
  return [...strides].sort((a, b) => a - b).join(', ');
}

/** Adds zoo backbone `id` (its classifier left out) to `b` in a top-level scope 'backbone'. */
export function addBackbone(b: GraphBuilder, id: string, request: BackboneRequest = {}): Backbone {
  const graph = classificationGraph(id, request);
  const plan = planBackbone(graph);
  const outputStride = request.outputStride ?? 32;
  if (![8, 16, 32].includes(outputStride)) throw new UserError(`outputStride must be 8, 16 or 32, got ${outputStride}`);
  if (outputStride < 32 && !plan.taps.has(outputStride as TapStride)) {
    throw new UserError(`${id} has no stride-${outputStride} feature map to dilate from (it has strides ${strideList(plan.taps.keys())})`);
  }
  const rename = new Map<string, string>(graph.inputs.map((t) => [t.name, t.name]));
  const input = b.input(graph.inputs[0].name, graph.inputs[0].shape);
  for (const [name, info] of graph.constants) {
    const renamed = `${BACKBONE_SCOPE}.${name}`;
    b.constant(renamed, graph.shapes.get(name)!, info);
    rename.set(name, renamed);
  }
  const dilated = outputStride < 32 ? dilate(plan, outputStride) : undefined;
  const built = new Map<string, Tensor>();
  for (const node of plan.nodes) {
    const name = `${BACKBONE_SCOPE}.${node.name}`;
    const outputs = node.outputs.map((o) => `${BACKBONE_SCOPE}.${o}`);
    let nodeAttrs = dilated?.attrs.get(node.name) ?? node.attrs;
    const anchor = dilated?.anchors.get(node.name);
    if (anchor !== undefined) {
      // Scale back to the anchor's size as built (it may have changed with dilation).
      const size = built.get(anchor)?.shape ?? input.shape;
      nodeAttrs = { ...Object.fromEntries(Object.entries(nodeAttrs).filter(([key]) => key !== 'scales')), sizes: [size[2], size[3]] };
    }
    if (node.op === 'Reshape' && dilated) nodeAttrs = reshapeAfterDilation(graph, node, nodeAttrs, built.get(node.inputs[0])?.shape);
    const tensors = b.addNode({
      op: node.op,
      name,
      scope: [BACKBONE_SCOPE, ...node.scope],
      inputs: node.inputs.map((i) => rename.get(i) ?? i),
      attrs: nodeAttrs,
      outputs,
    });
    node.outputs.forEach((o, i) => {
      rename.set(o, outputs[i]);
      built.set(o, tensors[i]);
    });
  }
  const finalStride = (t: string) => dilated?.strides.get(t) ?? plan.strides.get(t)!;
  const tap = (original: string): FeatureTap => {
    const tensor = built.get(original)!;
    const producer = plan.nodes.find((n) => n.outputs.includes(original))!;
    return { stride: finalStride(original) as TapStride, tensor, node: `${BACKBONE_SCOPE}.${producer.name}`, channels: tensor.shape[1] };
  };
  const taps = new Map<TapStride, FeatureTap>();
  for (const [stride, original] of plan.taps) {
    if (stride > outputStride) continue;
    // Under dilation the output-stride tap is the end of the backbone, where the dilated stages end.
    const source = stride === outputStride && outputStride < 32 ? plan.nodes[plan.nodes.length - 1].outputs[0] : original;
    taps.set(stride, tap(source));
  }
  const extra = new Map<string, FeatureTap>([...plan.extra].map(([key, original]) => [key, tap(original)]));
  return { id, input, taps, extra };
}

/** The taps of a zoo backbone without building a head (for listings, hovers, errors), finest first. */
export function backboneTaps(id: string, request: BackboneRequest = {}): FeatureTap[] {
  const backbone = addBackbone(new GraphBuilder(id), id, request);
  return [...backbone.taps.values()].sort((a, b) => a.stride - b.stride);
}
