/**
 * Roofline predictions against published latency tables (scripts/predictTables.ts over
 * test/golden/predict/published-latency.json). Only robust facts are asserted: the data file is
 * well-formed and names real zoo models and device presets, and every statistic is in range. The
 * numbers themselves (ρ roofline vs ρ MAdds, median error) are recorded, not asserted: on some
 * tables the datasheet roofline ranks no better than MAdds alone.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { findDevice } from '../../src/core/devices';
import { findModel } from '../../src/zoo';
import { evaluateTables, loadTables } from '../../scripts/predictTables';

const tables = loadTables();

describe('published latency tables', () => {
  it('each table has a source, a device preset, a batch and at least 3 rows of zoo ids with positive times', () => {
    assert.ok(tables.length >= 5);
    for (const t of tables) {
      assert.ok(t.source.trim().length > 20, t.name);
      assert.ok(findDevice(t.device), `${t.name}: no device preset '${t.device}'`);
      assert.ok(Number.isInteger(t.batch) && t.batch >= 1, t.name);
      assert.ok(t.rows.length >= 3, `${t.name}: ${t.rows.length} rows`);
      assert.equal(new Set(t.rows.map((r) => r.id)).size, t.rows.length, `${t.name}: a model twice`);
      for (const r of t.rows) {
        assert.ok(findModel(r.id), `${t.name}: '${r.id}' is not a zoo id`);
        assert.ok(Number.isFinite(r.ms) && r.ms > 0, `${t.name}: ${r.id}`);
        assert.ok(r.published.trim().length > 0, `${t.name}: ${r.id}`);
      }
    }
  });

  it('predictions are positive and every ρ lies in [−1, 1]', () => {
    const results = evaluateTables(tables);
    assert.equal(results.length, tables.length);
    for (const r of results) {
      assert.ok(r.n >= 3, r.name);
      for (const rho of [r.rhoRoofline, r.rhoMadds]) assert.ok(rho >= -1 - 1e-12 && rho <= 1 + 1e-12, `${r.name}: ρ ${rho}`);
      assert.ok(r.medianRelError >= 0 && Number.isFinite(r.medianRelError), r.name);
      for (const row of r.rows) assert.ok(row.predictedMs > 0 && row.madds > 0, `${r.name}: ${row.id}`);
    }
  });
});
