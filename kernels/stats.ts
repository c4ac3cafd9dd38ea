/** Order statistics of timing samples. */

/**
 * The q-quantile (0 ≤ q ≤ 1) of `values`, interpolating linearly between the closest ranks
 * (numpy's default), so the median of an even count is the mean of the middle two.
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}
