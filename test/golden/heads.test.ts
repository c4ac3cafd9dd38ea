/**
 * Every head on its reference backbone against the reference's params and MAdds:
 * test/golden/heads/<head>.json, one file per head, each case saying where its numbers come from.
 *
 * A file is { head, cases: [{ name, backbone, width?, knobs?, headKnobs?, resolution, classes,
 * params?, madds?, parts?: { backbone | neck | head | 'neck+head': { params?, madds? } }, source }] };
 * every number present is compared (parts by lcnb's top-level scopes), and each case must give
 * at least its params, whole or by part.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KnobValue } from '../../src/zoo';
import { findHead, heads, summarizeWithHead } from '../../src/zoo/heads';

interface Counts {
  params?: number;
  madds?: number;
}

interface GoldenCase extends Counts {
  name: string;
  backbone: string;
  width?: number;
  knobs?: Record<string, KnobValue>;
  headKnobs?: Record<string, KnobValue>;
  resolution: number;
  classes: number;
  parts?: Record<string, Counts>;
  source: Record<string, string>;
}

interface GoldenFile {
  head: string;
  cases: GoldenCase[];
}

const goldenDir = join(__dirname, 'heads');
const files: [string, GoldenFile][] = readdirSync(goldenDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(join(goldenDir, f), 'utf8')) as GoldenFile]);

/** The counts of the top-level scopes named by `part` ('neck+head' sums two). */
function partCounts(scopes: { scope: string; params: number; madds: number }[], part: string): Counts {
  const names = part.split('+');
  const chosen = scopes.filter((s) => names.includes(s.scope));
  return { params: chosen.reduce((a, s) => a + s.params, 0), madds: chosen.reduce((a, s) => a + s.madds, 0) };
}

describe('head golden numbers', () => {
  it('every head has a golden file on its reference backbone, every file a head', () => {
    const covered = new Set(files.map(([, g]) => g.head));
    for (const h of heads()) {
      assert.ok(covered.has(h.id), `test/golden/heads has no file for ${h.id}`);
      const reference = files.find(([, g]) => g.head === h.id)![1].cases.some((c) => c.backbone === h.referenceBackbone.id);
      assert.ok(reference, `${h.id}: no golden case on its reference backbone ${h.referenceBackbone.id}`);
    }
    for (const [file, g] of files) assert.ok(findHead(g.head), `${file} names unknown head '${g.head}'`);
  });

  for (const [file, golden] of files) {
    for (const c of golden.cases) {
      it(`${file}: ${c.name}`, () => {
        assert.ok(c.params !== undefined || Object.values(c.parts ?? {}).some((p) => p.params !== undefined), 'a case gives params');
        for (const key of ['params', 'madds'] as const) {
          if (c[key] !== undefined) assert.ok((c.source[key] ?? '').length > 20, `${key} needs a source`);
        }
        const summary = summarizeWithHead({
          head: golden.head,
          backbone: c.backbone,
          width: c.width,
          knobs: c.knobs,
          headKnobs: c.headKnobs,
          resolution: c.resolution,
          numClasses: c.classes,
        });
        if (c.params !== undefined) assert.equal(summary.totals.params, c.params, 'params');
        if (c.madds !== undefined) assert.equal(summary.totals.madds, c.madds, 'MAdds');
        for (const [part, expected] of Object.entries(c.parts ?? {})) {
          const got = partCounts(summary.scopes, part);
          if (expected.params !== undefined) assert.equal(got.params, expected.params, `${part} params`);
          if (expected.madds !== undefined) assert.equal(got.madds, expected.madds, `${part} MAdds`);
        }
      });
    }
  }
});
