/**
 * What every op definition is made of: the OpDef contract and the small checks and shapes of
 * definitions (attributes read with a rule named on failure, elementwise and broadcasting ops).
 * The registry (ops.ts) and the ONNX standard set (opsStandard.ts) both build on it.
 */
import type { Attrs, WeightSpec } from './ir';
import { GraphError } from './errors';
import { formatShape } from '../shared/format';
import { broadcastShapes, numel, Shape } from './shape';

export interface OpContext {
  readonly name: string;
  readonly op: string;
  readonly attrs: Attrs;
  readonly inputShapes: readonly Shape[];
}

export interface OpWork {
  readonly madds: number;
  readonly flops: number;
}

export interface OpDef {
  /** Checks the inputs and returns the output shapes; throws GraphError naming the broken rule. */
  infer(ctx: OpContext): Shape[];
  weights?(ctx: OpContext): WeightSpec[];
  work(ctx: OpContext, outputs: readonly Shape[]): OpWork;
  /** How FLOPs are counted for this op, shown to users beside the numbers. */
  readonly flopsRule: string;
  /** How multiply-adds are counted, for the ops that have them (conv-like and matmul-like); the rest have none. */
  readonly maddsRule?: string;
  /** A view moves no data (Reshape, Flatten, Dropout at inference): its memory access cost is 0. */
  readonly isView?: boolean;
}

export function fail(ctx: OpContext, rule: string): never {
  throw new GraphError(ctx.name, ctx.op, ctx.inputShapes, rule);
}

export function attrNumber(ctx: OpContext, key: string, fallback?: number): number {
  const value = ctx.attrs[key];
  if (value === undefined) {
    if (fallback === undefined) fail(ctx, `attribute '${key}' is required`);
    return fallback;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(ctx, `attribute '${key}' must be a number`);
  return value;
}

export function attrInts(ctx: OpContext, key: string, length: number, fallback?: number[]): number[] {
  const value = ctx.attrs[key];
  if (value === undefined) {
    if (fallback === undefined) fail(ctx, `attribute '${key}' is required`);
    return fallback;
  }
  const list = typeof value === 'number' ? new Array<number>(length).fill(value) : value;
  if (!Array.isArray(list) || list.length !== length || list.some((v) => !Number.isInteger(v))) {
    fail(ctx, `attribute '${key}' must be ${length} integers`);
  }
  return [...list];
}

export function attrBool(ctx: OpContext, key: string, fallback: boolean): boolean {
  const value = ctx.attrs[key];
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  fail(ctx, `attribute '${key}' must be true or false`);
}

export function expectInputs(ctx: OpContext, count: number): void {
  if (ctx.inputShapes.length !== count) fail(ctx, `expects ${count} input(s), got ${ctx.inputShapes.length}`);
}

export function expectRank(ctx: OpContext, index: number, rank: number): Shape {
  const shape = ctx.inputShapes[index];
  if (shape.length !== rank) fail(ctx, `input ${index} must have rank ${rank} (N, C, H, W for 4), got ${formatShape(shape)}`);
  return shape;
}

export function normalizeAxis(ctx: OpContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(ctx, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Ops whose only work is a fixed number of FLOPs per output element. */
export function elementwise(flopsPerElement: number, rule: string): OpDef {
  return {
    infer: (ctx) => {
      expectInputs(ctx, 1);
      return [ctx.inputShapes[0]];
    },
    work: (_ctx, outputs) => ({ madds: 0, flops: flopsPerElement * numel(outputs[0]) }),
    flopsRule: rule,
  };
}

export function binaryBroadcast(rule: string): OpDef {
  return {
    infer: (ctx) => {
      expectInputs(ctx, 2);
      const out = broadcastShapes(ctx.inputShapes[0], ctx.inputShapes[1]);
      if (!out) {
        fail(ctx, `shapes ${formatShape(ctx.inputShapes[0])} and ${formatShape(ctx.inputShapes[1])} cannot be broadcast together (each dimension must match or be 1)`);
      }
      return [out];
    },
    work: (_ctx, outputs) => ({ madds: 0, flops: numel(outputs[0]) }),
    flopsRule: rule,
  };
}

export function view(infer: (ctx: OpContext) => Shape[], rule: string): OpDef {
  return { infer, work: () => ({ madds: 0, flops: 0 }), flopsRule: rule, isView: true };
}

export function dataMovement(infer: (ctx: OpContext) => Shape[], rule: string): OpDef {
  return { infer, work: () => ({ madds: 0, flops: 0 }), flopsRule: rule };
}

/** Axes attribute normalised to non-negative, sorted, unique. */
export function axesOf(ctx: OpContext, rank: number): number[] {
  const raw = ctx.attrs.axes;
  if (!Array.isArray(raw)) fail(ctx, "attribute 'axes' must be a list");
  return [...new Set((raw as number[]).map((a) => normalizeAxis(ctx, a, rank)))].sort((a, b) => a - b);
}

/** Axes a Reduce* op reduces: 'axes', or all of them (none with noop_with_empty_axes). */
export function reduceAxes(ctx: OpContext): number[] {
  const input = ctx.inputShapes[0];
  const given = Array.isArray(ctx.attrs.axes) && (ctx.attrs.axes as number[]).length > 0;
  if (given) return axesOf(ctx, input.length);
  return attrBool(ctx, 'noop_with_empty_axes', false) ? [] : input.map((_, i) => i);
}

/**
 * A conv-like op's weights: `weight` of the given shape and, with attribute `bias`, one bias per
 * output channel; a tensor a stored model shares with an earlier node (weight_shared,
 * bias_shared) is read but not counted again as parameters.
 */
export function convWeights(ctx: OpContext, weight: Shape, outChannels: number): WeightSpec[] {
  const weights: WeightSpec[] = [{ role: 'weight', shape: weight, trainable: !attrBool(ctx, 'weight_shared', false) }];
  if (attrBool(ctx, 'bias', false)) weights.push({ role: 'bias', shape: [outChannels], trainable: !attrBool(ctx, 'bias_shared', false) });
  return weights;
}
