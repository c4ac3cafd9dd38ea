/** Jupyter-style execution orders per notebook: after the highest order shown, never going back. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ExecutionCounters } from '../../../src/notebook/executionOrder';

describe('execution order per notebook', () => {
  it('a fresh notebook counts from 1', () => {
    const counters = new ExecutionCounters<object>();
    const notebook = {};
    assert.deepEqual([counters.next(notebook, [undefined]), counters.next(notebook, [1]), counters.next(notebook, [2])], [1, 2, 3]);
  });

  it("re-running the executed cell Profile Model… made ([1]) gives [2], then [3]", () => {
    const counters = new ExecutionCounters<object>();
    const profile = {};
    // A markdown cell and the executed profile cell.
    assert.equal(counters.next(profile, [undefined, 1]), 2);
    assert.equal(counters.next(profile, [undefined, 2]), 3);
  });

  it('a notebook opened with orders continues after the highest, wherever it is', () => {
    const counters = new ExecutionCounters<object>();
    const opened = {};
    counters.observe(opened, [3, undefined, 7, 5]);
    assert.equal(counters.next(opened, [3, undefined, 7, 5]), 8);
  });

  it('each notebook has its own counter', () => {
    const counters = new ExecutionCounters<object>();
    const a = {};
    const b = {};
    assert.equal(counters.next(a, [4]), 5);
    assert.equal(counters.next(a, [5]), 6);
    assert.equal(counters.next(b, []), 1);
    assert.equal(counters.next(a, [6]), 7);
  });

  it('does not go back once the outputs (and their orders) are cleared', () => {
    const counters = new ExecutionCounters<object>();
    const notebook = {};
    counters.observe(notebook, [undefined, 1]);
    assert.equal(counters.next(notebook, [undefined, undefined]), 2);
  });

  it('ignores orders that are no counter value', () => {
    const counters = new ExecutionCounters<object>();
    const notebook = {};
    assert.equal(counters.next(notebook, [0, -4, 2.5, Number.NaN, Number.POSITIVE_INFINITY, 1e300]), 1);
  });
});
