/**
 * The isolated-layer cross-check in words (kernels/host/isolatedLayers.ts measures it): one line for a
 * model's agreement, shared by the CLI's text, the notebook's markdown fallback and the renderer.
 */

/** What the words read of a model's agreement (kernels/host/profileTypes.ts IsolatedAgreement has these and more). */
interface Agreement {
  readonly tolerance: number;
  readonly layers_timed: number;
  readonly layers_skipped?: string;
  readonly compared: number;
  readonly min_us: number;
  readonly within_tolerance: number;
  readonly median_abs_difference: number;
  readonly same_layout?: { readonly compared: number; readonly within_tolerance: number; readonly median_abs_difference: number };
}

/** What the words read of a layer (kernels/host/profileTypes.ts ProfiledLayer). */
interface Layer {
  readonly isolated_us?: number;
  readonly isolated_vs?: string;
  readonly median_us: number;
  readonly corrected_us?: number;
}

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(0)}%` : '—');

export function isolatedAgreementText(a: Agreement): string {
  const tol = pct(a.tolerance);
  const head = `Cross-check: ${a.layers_timed} layer${a.layers_timed === 1 ? '' : 's'} timed alone, each as its own small graph without the profiler`;
  const skipped = a.layers_skipped ? ` (not timed: ${a.layers_skipped})` : '';
  const body = a.compared
    ? `; of the ${a.compared} of at least ${a.min_us} µs, ${a.within_tolerance} agree with the profiled row (less profiler) within ${tol}, median |difference| ${pct(a.median_abs_difference)}`
    : `; none of at least ${a.min_us} µs to compare`;
  const same = a.same_layout;
  const layout =
    same && same.compared && same.compared < a.compared
      ? `. Layers that ran in the plain layout (NCHW) in the model: ${same.within_tolerance} of ${same.compared} within ${tol}, median ${pct(same.median_abs_difference)}; the others pay layout reorders alone that the model runs once per chain`
      : '';
  return `${head}${skipped}${body}${layout}.`;
}

/** A layer's isolated time against the time it is compared with: "+12%". */
export function isolatedDifference(layer: Layer): string | undefined {
  if (layer.isolated_us === undefined) return undefined;
  const ref = layer.isolated_vs === 'median_us' ? layer.median_us : (layer.corrected_us ?? layer.median_us);
  if (!(ref > 0)) return undefined;
  const d = (layer.isolated_us - ref) / ref;
  return `${d >= 0 ? '+' : '−'}${Math.abs(100 * d).toFixed(0)}%`;
}
