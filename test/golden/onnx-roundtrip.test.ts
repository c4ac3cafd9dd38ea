/**
 * Every zoo id → ONNX (training form, BatchNorm kept) → IR gives the same params and MAdds; a
 * re-parameterised model in both of its forms.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { summarize } from '../../src/core/summary';
import { readOnnx } from '../../src/onnx/reader';
import { exportOnnx } from '../../src/onnx/writer';
import { buildModel, MODEL_FORMS, zooModels, type ModelForm } from '../../src/zoo';

describe('ONNX round trip of the zoo', () => {
  for (const { id, forms } of zooModels()) {
    for (const form of forms ? MODEL_FORMS : ([undefined] as const)) {
      it(form ? `${id} (${form} form)` : id, () => {
        const graph = buildModel(id, form ? { form: form as ModelForm } : {});
        const read = readOnnx(exportOnnx(graph, { form: 'training' }).bytes, { source: id });
        const [a, b] = [summarize(graph).totals, summarize(read.graph).totals];
        assert.equal(b.params, a.params, 'params');
        assert.equal(b.madds, a.madds, 'MAdds');
      });
    }
  }
});
