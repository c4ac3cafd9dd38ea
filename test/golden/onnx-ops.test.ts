/**
 * lcnb's ONNX shape inference for the standard operators, checked against onnx's own:
 * test/golden/onnx-ops/cases.json holds tiny one-op models (several attribute variants and opsets
 * per op) with the output shapes python3-onnx's shape inference gives them, made by
 * test/golden/reference/op_shapes.py. The models' graph outputs declare no shape, so every shape
 * here is lcnb's own inference; each case also needs a cost rule for its op.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { summarize } from '../../src/core/summary';
import { readOnnx } from '../../src/onnx/reader';

interface OpCase {
  name: string;
  op: string;
  opset: number;
  /** base64 of the serialized ModelProto. */
  model: string;
  /** Real (non-initializer) graph inputs and their shapes. */
  inputs: Record<string, number[]>;
  /** Each graph output's shape as onnx infers it (or as `reference` says). */
  outputs: Record<string, number[]>;
  /** Set where onnx's inference leaves the shape unknown and numpy's semantics gave it (Einsum, OneHot …). */
  reference?: string;
}

const golden = JSON.parse(readFileSync(join(__dirname, 'onnx-ops', 'cases.json'), 'utf8')) as { _about: string; cases: OpCase[] };

describe('ONNX operators: output shapes as onnx infers them', () => {
  it('the golden file holds cases', () => {
    assert.ok(golden.cases.length > 100, `${golden.cases.length} cases`);
    assert.equal(new Set(golden.cases.map((c) => c.name)).size, golden.cases.length, 'case names are unique');
  });

  for (const c of golden.cases) {
    it(`${c.name} (${c.op}, opset ${c.opset})`, () => {
      const read = readOnnx(new Uint8Array(Buffer.from(c.model, 'base64')), { source: c.name });
      const shapes = read.graph.shapes;
      const source = c.reference ? `reference [%s] (${c.reference})` : 'onnx [%s]';
      for (const [output, want] of Object.entries(c.outputs)) {
        const expected = source.replace('%s', want.join(', '));
        const got = shapes.get(output);
        assert.ok(got, `output '${output}' has no shape in lcnb's graph; ${expected}`);
        assert.deepEqual([...got], want, `output '${output}': lcnb [${got.join(', ')}], ${expected}`);
      }
      const uncounted = summarize(read.graph).uncounted.filter((u) => !u.why);
      assert.deepEqual(uncounted, [], `every standard op has a cost rule (uncounted: ${uncounted.map((u) => u.op).join(', ')})`);
    });
  }
});
