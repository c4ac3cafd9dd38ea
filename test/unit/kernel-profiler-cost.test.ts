/** Taking onnxruntime's profiler's own cost out of per-node kernel times. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { correctedKernelUs } from '../../kernels/profileModel';
import { calibrationChain, CHAIN_NODES } from '../../kernels/profilerCost';
import { onnx } from '../../src/onnx/proto';

describe('profiler cost', () => {
  it('subtracts the in-kernel cost once per call, never going below 0', () => {
    assert.equal(correctedKernelUs(50, 10, 10, 3), 47);
    assert.equal(correctedKernelUs(50, 20, 10, 3), 44, 'a node called twice per run pays twice');
    assert.equal(correctedKernelUs(2, 10, 10, 3), 0);
    assert.equal(correctedKernelUs(50, 10, 10, -1), 50, 'a negative (noisy) calibration takes nothing out');
  });

  it('calibration chains alternate 1×1 Conv and Relu, as many nodes as asked', () => {
    const nodes = onnx.ModelProto.decode(calibrationChain(CHAIN_NODES)).graph?.node ?? [];
    assert.equal(nodes.length, CHAIN_NODES);
    assert.deepEqual(nodes.slice(0, 3).map((n) => n.opType), ['Conv', 'Relu', 'Conv']);
    assert.equal(onnx.ModelProto.decode(calibrationChain(1)).graph?.node?.length, 1);
  });
});
