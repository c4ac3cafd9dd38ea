/** package.json's settings (contributes.configuration) against the one vocabulary the code uses: defaults, levels and limits. */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_ACTIVATION_MEMORY_LIMIT_MB } from '../../../src/run/guard';
import { DEFAULT_HEADLINE, HEADLINES, MEASURE_DEFAULTS, MEASURE_LIMITS, OPTIMIZATION_LEVELS } from '../../../src/shared/measureSettings';

interface Property {
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const configuration = [manifest.contributes.configuration].flat() as { properties: Record<string, Property> }[];
const properties: Record<string, Property> = Object.assign({}, ...configuration.map((c) => c.properties));

describe("package.json's settings", () => {
  it('are the measurement defaults the kernel, the cells and the CLI use', () => {
    for (const key of ['provider', 'threads', 'runs', 'warmup', 'optimization'] as const) {
      assert.equal(properties[`lcnb.${key}`]?.default, MEASURE_DEFAULTS[key], `lcnb.${key}`);
    }
    assert.equal(properties['lcnb.headlineFlops'].default, DEFAULT_HEADLINE);
    assert.equal(properties['lcnb.activationMemoryLimitMB'].default, DEFAULT_ACTIVATION_MEMORY_LIMIT_MB);
  });

  it('offer the optimisation levels and headlines there are, and the limits the cells check', () => {
    assert.deepEqual(properties['lcnb.optimization'].enum, [...OPTIMIZATION_LEVELS]);
    assert.deepEqual(properties['lcnb.headlineFlops'].enum, [...HEADLINES]);
    for (const key of ['threads', 'runs', 'warmup'] as const) {
      assert.deepEqual([properties[`lcnb.${key}`].minimum, properties[`lcnb.${key}`].maximum], [...MEASURE_LIMITS[key]], `lcnb.${key}`);
    }
  });

  it('are every lcnb setting the code reads', () => {
    assert.deepEqual(Object.keys(properties).sort(), ['lcnb.activationMemoryLimitMB', 'lcnb.devices', 'lcnb.headlineFlops', 'lcnb.optimization', 'lcnb.provider', 'lcnb.runs', 'lcnb.threads', 'lcnb.warmup']);
  });
});
