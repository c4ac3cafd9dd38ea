/**
 * The order of the sessions in each round and when a job of several models renews its unprofiled
 * sessions (kernels/process/profile.ts): both must treat every session alike.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { protocolText, renewalRounds, roundOrder, RENEWAL_ROUNDS } from '../../../kernels/process/profile';

/** How often each session runs first, and how often each runs straight after each other one, over `rounds`. */
function tally(slots: readonly string[], rounds: number): { first: Map<string, number>; after: Map<string, number> } {
  const first = new Map<string, number>();
  const after = new Map<string, number>();
  for (let r = 0; r < rounds; r++) {
    const order = roundOrder(slots, r);
    assert.deepEqual([...order].sort(), [...slots].sort(), `round ${r} runs every session once`);
    first.set(order[0], (first.get(order[0]) ?? 0) + 1);
    order.slice(1).forEach((s, i) => after.set(`${order[i]}>${s}`, (after.get(`${order[i]}>${s}`) ?? 0) + 1));
  }
  return { first, after };
}

describe('rounds in turn', () => {
  it('up to four sessions: every order once per cycle, so each runs first and after each other one equally often', () => {
    const { first, after } = tally(['Ap', 'A', 'Bp', 'B'], 24 * 25);
    assert.deepEqual([...first.values()], [150, 150, 150, 150]);
    assert.equal(after.size, 12);
    assert.ok([...after.values()].every((n) => n === 150), JSON.stringify([...after]));
    const two = tally(['A', 'B'], 100);
    assert.deepEqual([...two.first.values()], [50, 50]);
  });

  it('the cycles are drawn afresh and a job is repeatable', () => {
    const slots = ['a', 'b', 'c'];
    const cycle = (c: number) => Array.from({ length: 6 }, (_, r) => roundOrder(slots, c * 6 + r).join(''));
    assert.notDeepEqual(cycle(0), cycle(1));
    assert.deepEqual(new Set(cycle(3)).size, 6);
    assert.deepEqual(cycle(2), cycle(2));
  });

  it('more sessions: a uniformly drawn order (each first about equally often)', () => {
    const slots = ['a', 'b', 'c', 'd', 'e', 'f'];
    const { first } = tally(slots, 6000);
    for (const s of slots) {
      const n = first.get(s) ?? 0;
      assert.ok(n > 880 && n < 1120, `${s} first ${n} times of 6000`);
    }
  });

  it('renews the unprofiled sessions in an even number of blocks of about RENEWAL_ROUNDS rounds', () => {
    assert.deepEqual(renewalRounds(1), []);
    assert.deepEqual(renewalRounds(5), [2]);
    assert.deepEqual(renewalRounds(50), [25]);
    assert.deepEqual(renewalRounds(600), Array.from({ length: 11 }, (_, i) => (i + 1) * 50));
    for (const rounds of [30, 100, 300, 301, 1000]) {
      const blocks = renewalRounds(rounds).length + 1;
      assert.equal(blocks % 2, 0, `${rounds} rounds: ${blocks} blocks`);
      assert.ok(rounds / blocks <= 2 * RENEWAL_ROUNDS);
    }
  });
});

describe('how the protocol says the sessions spun (protocolText)', () => {
  const req = { warmup: 2, runs: 5, threads: 2 } as const;
  it('bounded on an idle machine, off with the other work named, on when asked', () => {
    assert.match(protocolText(req, 1, true, 5), /with thread-pool spinning bounded \(an idle worker spins at most 100 µs, then sleeps\), then run in turn/);
    assert.match(protocolText(req, 1, true, 5, { spinning: 'off', otherWorkCores: 1.04 }), /with thread-pool spinning off \(other work kept 1\.0 cores busy as the job started; a spinning worker would compete with it\), then run in turn/);
    assert.match(protocolText(req, 1, false, 0, { spinning: 'default' }), /with thread-pool spinning on \(onnxruntime's default\), then run in turn/);
  });
});
