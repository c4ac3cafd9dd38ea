import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSI } from '../../../src/shared/format';

test('formatSI: 3–4 significant digits in the usual cases', () => {
  assert.equal(formatSI(568740352), '568.7M');
  assert.equal(formatSI(4.2e9), '4.20G');
  assert.equal(formatSI(2542856), '2.54M');
  assert.equal(formatSI(512), '512');
  assert.equal(formatSI(0), '0');
  assert.equal(formatSI(1.5), '1.50');
  assert.equal(formatSI(-2500), '-2.50K');
});

test('formatSI: a value that rounds up to 1000 of one unit is shown in the next', () => {
  assert.equal(formatSI(999960), '1.00M');
  assert.equal(formatSI(999_950_000), '1.00G');
  assert.equal(formatSI(999_999_999_999), '1.00T');
  assert.equal(formatSI(999.996), '1.00K');
  assert.equal(formatSI(-999960), '-1.00M');
  // Just under the boundary stays in its unit.
  assert.equal(formatSI(999940), '999.9K');
  assert.equal(formatSI(999), '999');
});

test('formatSI: 99.96 of a unit rounds to 100.0, not 100.00', () => {
  assert.equal(formatSI(99960), '100.0K');
  assert.equal(formatSI(99940), '99.94K');
  assert.equal(formatSI(5e15), '5000.0T');
});
