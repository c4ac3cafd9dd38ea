/**
 * The graph a job times to know the fixed cost of a run() call (kernels/process/emptyRun.ts): it takes
 * a model's inputs, whatever their types, and returns one value without computing anything.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { EMPTY_RUN_OUTPUT, emptyRunModel } from '../../../kernels/process/emptyRun';
import { makeTensor } from '../../../kernels/process/profile';
import { ort } from '../../../kernels/process/runtime';

describe('empty run', () => {
  it("loads in onnxruntime with a model's inputs of several types and runs with the same feeds", async () => {
    const inputs = [
      { name: 'image', type: 'float32', shape: [1, 3, 32, 32] },
      { name: 'im_shape', type: 'int64', shape: [1, 2] },
      { name: 'mask', type: 'bool', shape: [1, 4] },
    ];
    const bytes = emptyRunModel(inputs);
    assert.ok(bytes instanceof Uint8Array);
    const session = await ort().InferenceSession.create(bytes, { graphOptimizationLevel: 'all', logSeverityLevel: 3 });
    try {
      assert.deepEqual(session.inputNames, ['image', 'im_shape', 'mask']);
      assert.deepEqual(session.outputNames, [EMPTY_RUN_OUTPUT]);
      const feeds = Object.fromEntries(inputs.map((i) => [i.name, makeTensor(i.name, i.type, i.shape)]));
      const out = await session.run(feeds);
      assert.deepEqual(Array.from(out[EMPTY_RUN_OUTPUT].data as Float32Array), [0]);
      // Its inputs are declared with the model's shapes: another shape is refused, as the model would refuse it.
      await assert.rejects(session.run({ ...feeds, image: makeTensor('image', 'float32', [1, 3, 16, 16]) }));
    } finally {
      await session.release();
    }
  });

  it('says why there is none for an input ONNX tensors cannot declare here', () => {
    assert.equal(emptyRunModel([{ name: 'text', type: 'string', shape: [1] }]), "input 'text' is of type string");
  });
});
