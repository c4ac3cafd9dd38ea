/** The getting-started walkthrough: its media ship, and every link and completion event names a real command. */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
/** VS Code's own commands the steps use. */
const BUILT_IN = new Set(['notebook.selectKernel', 'notebook.execute']);

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string };
  completionEvents?: string[];
}

describe('walkthrough', () => {
  const walkthroughs = manifest.contributes.walkthroughs as { id: string; steps: Step[] }[];
  const ours = new Set((manifest.contributes.commands as { command: string }[]).map((c) => c.command));

  it('covers the first session: sample, kernel, run, hover, profile, .onnx file', () => {
    assert.equal(walkthroughs.length, 1);
    assert.deepEqual(walkthroughs[0].steps.map((s) => s.id), ['openSample', 'pickKernel', 'runAll', 'hover', 'profile', 'openOnnx']);
  });

  it("every step's media exists and is packaged", () => {
    const ignore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8').split('\n');
    for (const step of walkthroughs[0].steps) {
      const file = step.media.markdown ?? step.media.image;
      assert.ok(file && existsSync(join(ROOT, file)), `${step.id}: ${file}`);
      assert.ok(ignore.includes(`!${file.replace(/[^/]+$/, '*.md')}`), `${file} is left out of the package by .vscodeignore`);
    }
  });

  it('every command link and onCommand event names a command that exists', () => {
    for (const step of walkthroughs[0].steps) {
      const linked = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
      const events = (step.completionEvents ?? []).flatMap((e) => (e.startsWith('onCommand:') ? [e.slice('onCommand:'.length)] : []));
      for (const command of [...linked, ...events]) assert.ok(ours.has(command) || BUILT_IN.has(command), `${step.id}: ${command}`);
      // A step whose event is a command needs a link to it, or it could never complete from the walkthrough.
      if (events.length) assert.ok(events.some((e) => linked.includes(e)), `${step.id}: no link to ${events.join(', ')}`);
    }
  });
});
