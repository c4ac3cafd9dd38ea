/**
 * Checks a compare's claims ("the paper says A is faster than B") against the measured latencies,
 * and says whether the difference is larger than the run-to-run spread.
 */
import type { Claim } from '../lang';
import type { ModelProfile } from '../../kernels/profileTypes';
import type { ClaimCheck } from './report';

/** The rule beside every verdict, so a reader knows what "beyond the spread" means. */
export const SPREAD_RULE = "beyond the spread: the two latencies' p10–p90 ranges over the timed runs do not overlap";

function ms(v: number): string {
  return v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3);
}

function range(p: ModelProfile): string {
  return `${ms(p.latency.median_ms)} ms (p10–p90 ${ms(p.latency.p10_ms)}–${ms(p.latency.p90_ms)})`;
}

/** `profiles` by entry name; an entry that was not measured is absent. */
export function checkClaim(claim: Claim, profiles: ReadonlyMap<string, ModelProfile>): ClaimCheck {
  const base = { faster: claim.faster, than: claim.than, source: claim.source };
  const a = profiles.get(claim.faster);
  const b = profiles.get(claim.than);
  if (!a || !b) {
    return { ...base, verdict: 'not measured', detail: 'Not measured: an "ONNX Runtime" kernel measures both and checks the claim.' };
  }
  const ratio = b.latency.median_ms / a.latency.median_ms;
  const agrees = ratio > 1;
  const beyond = agrees ? a.latency.p90_ms < b.latency.p10_ms : b.latency.p90_ms < a.latency.p10_ms;
  const how = agrees ? `${claim.faster} is ${ratio.toFixed(2)}× as fast as ${claim.than}` : `${claim.faster} is ${(1 / ratio).toFixed(2)}× slower than ${claim.than}`;
  const spread = beyond ? 'larger than the run-to-run spread' : 'within the run-to-run spread: these runs cannot tell the two apart';
  const detail = `${claim.faster} ${range(a)}, ${claim.than} ${range(b)}: ${how}, ${agrees ? 'as the paper says' : 'the opposite of the paper'}; the difference is ${spread}.`;
  return { ...base, verdict: agrees ? 'agrees' : 'disagrees', ratio, beyond_spread: beyond, detail };
}
