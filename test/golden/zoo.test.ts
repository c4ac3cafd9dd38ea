/**
 * Every zoo id against its reference params and MAdds: test/golden/zoo/<family>.json, one file
 * per zoo family, each entry saying where its numbers come from. A re-parameterised model's entry
 * gives its deploy form (the default) and, under `training`, its training form.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { main } from '../../src/cli';
import { findModel, summarizeModel, zooModels } from '../../src/zoo';

interface GoldenCounts {
  params: number;
  madds: number;
  source: { params: string; madds: string };
}

interface GoldenEntry extends GoldenCounts {
  /** A re-parameterised model's training form; the entry's own counts are its deploy form's. */
  training?: GoldenCounts;
}

const goldenDir = join(__dirname, 'zoo');
const entries: Record<string, GoldenEntry> = Object.assign(
  {},
  ...readdirSync(goldenDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(goldenDir, f), 'utf8')).models),
);
const repo = join(__dirname, '..', '..');

describe('zoo golden numbers', () => {
  it('every zoo id has a golden entry with its sources, and every entry a zoo id', () => {
    const ids = zooModels().map((m) => m.id).sort();
    assert.deepEqual(Object.keys(entries).sort(), ids);
    for (const [id, entry] of Object.entries(entries)) {
      for (const counts of [entry, entry.training]) {
        if (counts) assert.ok(counts.source.params.length > 20 && counts.source.madds.length > 20, `${id} needs sources`);
      }
      assert.equal(entry.training !== undefined, findModel(id)?.forms === true, `${id}: a training entry exactly where the model has two forms`);
    }
  });

  for (const [id, entry] of Object.entries(entries)) {
    it(`${id}: params and MAdds equal the reference`, () => {
      const { totals } = summarizeModel(id);
      assert.equal(totals.params, entry.params, 'params');
      assert.equal(totals.madds, entry.madds, 'MAdds');
      if (entry.training) {
        const training = summarizeModel(id, { form: 'training' }).totals;
        assert.equal(training.params, entry.training.params, 'training form params');
        assert.equal(training.madds, entry.training.madds, 'training form MAdds');
      }
    });
  }

  it('`lcnb summary <id> --json` agrees with the golden table for every id', async () => {
    for (const [id, entry] of Object.entries(entries)) {
      let stdout = '';
      const sink = new Writable({ write: (chunk, _enc, done) => ((stdout += String(chunk)), done()) });
      assert.equal(await main(['summary', id, '--json'], sink, sink), 0, id);
      const { totals } = JSON.parse(stdout);
      assert.deepEqual([totals.params, totals.madds], [entry.params, entry.madds], id);
    }
  });

  it('the installed CLI (bin/lcnb.js → dist/cli.js) prints the same numbers', () => {
    assert.ok(existsSync(join(repo, 'dist', 'cli.js')), 'dist/cli.js is missing: run `npm run build` first');
    const out = execFileSync(process.execPath, [join(repo, 'bin', 'lcnb.js'), 'summary', 'mobilenet_v1_x1_0', '--json'], { encoding: 'utf8' });
    const { totals } = JSON.parse(out);
    assert.equal(totals.params, entries.mobilenet_v1_x1_0.params);
    assert.equal(totals.madds, entries.mobilenet_v1_x1_0.madds);
  });
});
