/** Spearman's ρ (src/core/rankCorrelation.ts) on cases worked by hand. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { averageRanks, spearman } from '../../../src/core/rankCorrelation';

describe("Spearman's rank correlation", () => {
  it('ranks ties by their average rank', () => {
    assert.deepEqual(averageRanks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
  });
  it('is 1 for the same order, -1 for the reverse, and the textbook value otherwise', () => {
    assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 400]), 1);
    assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
    // ranks (1,2,3,4,5) against (2,1,4,3,5): Σd² = 4, ρ = 1 − 6·4 / (5·24) = 0.8
    assert.ok(Math.abs(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) - 0.8) < 1e-12);
  });
  it('refuses lists of different lengths', () => {
    assert.throws(() => spearman([1, 2], [1, 2, 3]), /equal lengths, got 2 and 3/);
  });
});
