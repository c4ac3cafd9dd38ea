/**
 * Checks a compare's claims ("the paper says A is faster than B") against latencies measured
 * together, and says whether the difference is larger than the runs' noise.
 */
import { quantile } from '../../kernels/stats';
import type { Claim } from '../lang';
import { formatRatio } from '../shared/format';
import { beyondNoise, pairedRatio, RATIO_QUANTILE } from './comparison';
import type { ClaimCheck } from './reportTypes';

/** The rule beside every verdict, so a reader knows what "beyond the spread" means. */
export const SPREAD_RULE = "beyond the spread: the ratio's 95% interval (paired bootstrap over the timed rounds) leaves out 1";

function ms(v: number): string {
  return v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3);
}

/** `runs` by entry name: each entry's unprofiled run times, aligned by round; an entry that was not measured is absent. */
export function checkClaim(claim: Claim, runs: ReadonlyMap<string, readonly number[]>): ClaimCheck {
  const base = { faster: claim.faster, than: claim.than, source: claim.source };
  const a = runs.get(claim.faster);
  const b = runs.get(claim.than);
  if (!a?.length || !b?.length) {
    return { ...base, verdict: 'not measured', detail: 'Not measured: an "ONNX Runtime" kernel measures both and checks the claim.' };
  }
  // than / faster: above 1 when `faster` takes less time.
  const r = pairedRatio(b, a);
  const agrees = r.ratio > 1;
  const beyond = beyondNoise(r);
  const medians = `${claim.faster} ${ms(quantile(a, RATIO_QUANTILE))} ms, ${claim.than} ${ms(quantile(b, RATIO_QUANTILE))} ms (lower quartiles of the runs)`;
  const how = `${claim.than} takes ${formatRatio(r)} the time of ${claim.faster}`;
  const spread = beyond ? 'the difference is larger than the noise of these runs' : 'the interval holds 1: these runs cannot tell the two apart';
  const detail = `${medians}: ${how}, ${agrees ? 'as the paper says' : 'the opposite of the paper'}; ${spread}.`;
  return { ...base, verdict: agrees ? 'agrees' : 'disagrees', ratio: r.ratio, lo: r.lo, hi: r.hi, beyond_spread: beyond, detail };
}
