/**
 * Ratios of models' latencies measured together (their runs aligned by round, see
 * kernels/process/profile.ts measureModels), each with a 95% interval from a paired bootstrap over the
 * rounds: resampling whole rounds keeps what the machine did during a round on both sides.
 */
import { quantile, seededRandom } from '../../kernels/stats';

export const BOOTSTRAP_RESAMPLES = 2000;
export const INTERVAL = 0.95;
/**
 * Which runs a ratio compares: the lower quartile of each side's run times. Other work on the
 * machine only ever adds time, and in bursts; the faster runs are the ones it left alone. Measured
 * here, a model against itself with one of two cores kept busy by another process read 0.966–1.029
 * by medians over three jobs, 0.986–0.995 by lower quartiles.
 */
export const RATIO_QUANTILE = 0.25;

export interface RatioInterval {
  /** The lower quartile of a's runs / that of b's (see RATIO_QUANTILE). */
  readonly ratio: number;
  /** The interval's ends. */
  readonly lo: number;
  readonly hi: number;
}

/** a's run time over b's (see RATIO_QUANTILE) with its 95% paired-bootstrap interval; run i of a and of b are from one round. */
export function pairedRatio(a: readonly number[], b: readonly number[], resamples = BOOTSTRAP_RESAMPLES): RatioInterval {
  const n = Math.min(a.length, b.length);
  if (n === 0) throw new Error('no runs to compare');
  const typical = (runs: readonly number[]) => quantile(runs, RATIO_QUANTILE);
  const ratio = typical(a.slice(0, n)) / typical(b.slice(0, n));
  // A fixed seed, so the same runs give the same interval.
  const next = seededRandom(n * 7919 + resamples);
  const ratios: number[] = [];
  const ra = new Array<number>(n);
  const rb = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const k = Math.floor(next() * n);
      ra[i] = a[k];
      rb[i] = b[k];
    }
    ratios.push(typical(ra) / typical(rb));
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
  return `Ratios compare the lower quartiles of the unprofiled runs (the runs other work on the machine disturbed least); ${Math.round(INTERVAL * 100)}% interval: paired bootstrap over the ${rounds} timed rounds (${BOOTSTRAP_RESAMPLES} resamples of whole rounds)`;
}


/** Each model's latency against the first's, from runs measured together (aligned by round). */
export function compareTimes(labels: readonly string[], runsMs: readonly (readonly number[])[], protocol: string): { reference: string; ratios: RatioInterval[]; method: string } {
  const ratios = runsMs.map((runs, i) => (i === 0 ? { ratio: 1, lo: 1, hi: 1 } : pairedRatio(runs, runsMs[0])));
  return { reference: labels[0], ratios, method: `${protocol} ${intervalMethod(Math.min(...runsMs.map((r) => r.length)))}.` };
}
