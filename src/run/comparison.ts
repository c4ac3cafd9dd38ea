/**
 * Ratios of models' latencies measured together (their runs aligned by round, see
 * kernels/profile.ts measureModels), each with a 95% interval from a paired bootstrap over the
 * rounds: resampling whole rounds keeps what the machine did during a round on both sides.
 */
import { median, quantile } from '../../kernels/stats';

export const BOOTSTRAP_RESAMPLES = 2000;
export const INTERVAL = 0.95;

export interface RatioInterval {
  /** median(a) / median(b). */
  readonly ratio: number;
  /** The interval's ends. */
  readonly lo: number;
  readonly hi: number;
}

/** A fixed pseudo-random sequence in [0, 1), so the same runs give the same interval. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** median(a) / median(b) with its 95% paired-bootstrap interval; run i of a and of b are from one round. */
export function pairedRatio(a: readonly number[], b: readonly number[], resamples = BOOTSTRAP_RESAMPLES): RatioInterval {
  const n = Math.min(a.length, b.length);
  if (n === 0) throw new Error('no runs to compare');
  const ratio = median(a.slice(0, n)) / median(b.slice(0, n));
  const next = random(n * 7919 + resamples);
  const ratios: number[] = [];
  const ra = new Array<number>(n);
  const rb = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const k = Math.floor(next() * n);
      ra[i] = a[k];
      rb[i] = b[k];
    }
    ratios.push(median(ra) / median(rb));
  }
  const tail = (1 - INTERVAL) / 2;
  return { ratio, lo: quantile(ratios, tail), hi: quantile(ratios, 1 - tail) };
}

/** Whether the interval leaves 1 out: the two differ by more than the runs' noise. */
export function beyondNoise(r: RatioInterval): boolean {
  return r.lo > 1 || r.hi < 1;
}

/** How the intervals are computed, for the report. */
export function intervalMethod(rounds: number): string {
  return `${Math.round(INTERVAL * 100)}% interval: paired bootstrap over the ${rounds} timed rounds (${BOOTSTRAP_RESAMPLES} resamples of whole rounds), ratio of medians`;
}


/** Each model's latency against the first's, from runs measured together (aligned by round). */
export function compareTimes(labels: readonly string[], runsMs: readonly (readonly number[])[], protocol: string): { reference: string; ratios: RatioInterval[]; method: string } {
  const ratios = runsMs.map((runs, i) => (i === 0 ? { ratio: 1, lo: 1, hi: 1 } : pairedRatio(runs, runsMs[0])));
  return { reference: labels[0], ratios, method: `${protocol} ${intervalMethod(Math.min(...runsMs.map((r) => r.length)))}.` };
}
