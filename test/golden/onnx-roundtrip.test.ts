/** Every zoo id → ONNX (training form) → IR gives the same params and MAdds. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { summarize } from '../../src/core/summary';
import { readOnnx } from '../../src/onnx/reader';
import { exportOnnx } from '../../src/onnx/writer';
import { buildModel, zooModels } from '../../src/zoo';

describe('ONNX round trip of the zoo', () => {
  for (const { id } of zooModels()) {
    it(id, () => {
      const graph = buildModel(id);
      const read = readOnnx(exportOnnx(graph, { form: 'training' }).bytes, { source: id });
      const [a, b] = [summarize(graph).totals, summarize(read.graph).totals];
      assert.equal(b.params, a.params, 'params');
      assert.equal(b.madds, a.madds, 'MAdds');
    });
  }
});
