/** Types every zoo family shares, and the small helpers they use to name their variants. */
import { Graph } from '../core/ir';
import { Shape } from '../core/shape';
import { PublishedFigure } from '../core/summary';

export interface ZooBuildOptions {
  /** Square input resolution in pixels. */
  resolution: number;
  numClasses: number;
  batch: number;
}

export const DEFAULT_BUILD_OPTIONS: ZooBuildOptions = { resolution: 224, numClasses: 1000, batch: 1 };

export interface ZooModel {
  readonly id: string;
  readonly family: string;
  readonly width: number;
  readonly published: readonly PublishedFigure[];
  build(options: ZooBuildOptions): Graph;
}

export interface ZooFamily {
  readonly family: string;
  readonly paper: string;
  readonly models: readonly Omit<ZooModel, 'family'>[];
}

export function inputShape(options: ZooBuildOptions): Shape {
  return [options.batch, 3, options.resolution, options.resolution];
}

/** `1.0` → `x1_0`, `0.25` → `x0_25`: the width part of a zoo id. */
export function widthSuffix(width: number): string {
  const [whole, fraction = '0'] = String(width).split('.');
  return `x${whole}_${fraction}`;
}

/** The width variants of one family, named `<prefix>_x<width>`. */
export function widthVariants(
  prefix: string,
  variants: { width: number; published?: PublishedFigure[] }[],
): { id: string; width: number; published: PublishedFigure[] }[] {
  return variants.map((v) => ({ id: `${prefix}_${widthSuffix(v.width)}`, width: v.width, published: v.published ?? [] }));
}
