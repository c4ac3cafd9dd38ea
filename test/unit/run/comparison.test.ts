/** Latency ratios of models measured together, with paired-bootstrap intervals. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { formatRatio as ratioText } from '../../../src/shared/format';
import { beyondNoise, compareTimes, pairedRatio } from '../../../src/run/comparison';
import { chooseLatency } from '../../../kernels/host/profileGraph';

/** Runs of a machine whose speed drifts by up to ±30% over the rounds, for a model of `ms`, with a little noise of its own. */
function drifting(ms: number, n: number, seed: number): number[] {
  let s = seed;
  const noise = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.02;
  return Array.from({ length: n }, (_, i) => ms * (1 + 0.3 * Math.sin(i / 5)) * (1 + noise()));
}

describe('paired ratios', () => {
  it('a model against itself reads 1.00 with an interval inside ±3%, though the machine drifts by ±30%', () => {
    const r = pairedRatio(drifting(5, 50, 1), drifting(5, 50, 2));
    assert.ok(Math.abs(r.ratio - 1) < 0.01, ratioText(r));
    assert.ok(r.lo > 0.97 && r.hi < 1.03 && r.lo <= 1 && r.hi >= 1, ratioText(r));
    assert.equal(beyondNoise(r), false);
  });

  it('a model 1.3× slower reads 1.30 with a tight interval, beyond the noise', () => {
    const r = pairedRatio(drifting(6.5, 50, 3), drifting(5, 50, 4));
    assert.ok(Math.abs(r.ratio - 1.3) < 0.02, ratioText(r));
    assert.ok(r.lo > 1.25 && r.hi < 1.35, ratioText(r));
    assert.equal(beyondNoise(r), true);
  });

  it('the same runs give the same interval; rounds are resampled whole (unpaired runs would be wider)', () => {
    const a = drifting(5, 50, 5);
    const b = drifting(5.5, 50, 6);
    assert.deepEqual(pairedRatio(a, b), pairedRatio(a, b));
    const paired = pairedRatio(a, b);
    const shuffled = pairedRatio(a, [...b].reverse());
    assert.ok(paired.hi - paired.lo < (shuffled.hi - shuffled.lo) / 3, `${ratioText(paired)} vs ${ratioText(shuffled)}`);
  });

  it('compareTimes: every model against the first, and the method says how', () => {
    const c = compareTimes(['a', 'b'], [drifting(5, 30, 7), drifting(10, 30, 8)], 'Interleaved: ….');
    assert.equal(c.reference, 'a');
    assert.deepEqual(c.ratios[0], { ratio: 1, lo: 1, hi: 1 });
    assert.ok(Math.abs(c.ratios[1].ratio - 2) < 0.05);
    assert.match(c.method, /^Interleaved: …\. Ratios compare the lower quartiles of the unprofiled runs \(the runs other work on the machine disturbed least\); 95% interval: paired bootstrap over the 30 timed rounds \(2000 resamples of whole rounds\)\.$/);
  });
});

describe("a single model's latency", () => {
  const times = (medianMs: number) => ({ runsMs: [medianMs], medianMs, p10Ms: medianMs * 0.9, p90Ms: medianMs * 1.1 });
  it('is the faster of alone (default spinning) and in turn (spinning bounded), and says so when alone lost', () => {
    assert.deepEqual(chooseLatency(times(4.2), undefined), { headline: times(4.2), useAlone: false });
    assert.deepEqual(chooseLatency(times(4.2), times(2.9)), { headline: times(2.9), useAlone: true });
    const loaded = chooseLatency(times(6), times(19.7));
    assert.equal(loaded.useAlone, false);
    assert.equal(loaded.headline.medianMs, 6);
    assert.match(loaded.note ?? '', /^Timed alone with thread-pool spinning on \(onnxruntime's default\), the model read 19\.700 ms, slower than in turn \(6\.000 ms\)/);
  });
});
