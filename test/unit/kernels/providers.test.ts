/**
 * Session options for sessions timed in turn: which processors the process may use, and where each
 * session's intra-op workers are pinned (kernels/process/providers.ts).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { allowedProcessors, baseSessionOptions, workerAffinities } from '../../../kernels/process/providers';
import { ort } from '../../../kernels/process/runtime';
import { GraphBuilder } from '../../../src/core/ir';
import { exportOnnx } from '../../../src/onnx/writer';

const status = (list: string) => `Name:\tnode\nCpus_allowed:\tf\nCpus_allowed_list:\t${list}\nMems_allowed:\t1\n`;

describe('pinned intra-op workers', () => {
  it('reads the allowed processors from /proc/self/status, ranges and lists alike', () => {
    assert.deepEqual(allowedProcessors(status('0-1')), [0, 1]);
    assert.deepEqual(allowedProcessors(status('2,4-6,9')), [2, 4, 5, 6, 9]);
    assert.equal(allowedProcessors('Name:\tnode\n'), undefined);
    assert.equal(allowedProcessors(status('3-1')), undefined);
  });

  it('pins worker k to the (k + 1)-th allowed processor, numbered from 1 as onnxruntime reads them', () => {
    assert.equal(workerAffinities(1, [0, 1]), undefined);
    assert.equal(workerAffinities(2, [0, 1]), '2');
    assert.equal(workerAffinities(4, [4, 5, 6, 7]), '6;7;8');
    // More threads than processors: the workers wrap round.
    assert.equal(workerAffinities(4, [0, 1]), '2;1;2');
    assert.equal(workerAffinities(2, []), undefined);
  });

  it('only sessions timed in turn are pinned', () => {
    const extra = (pinned: boolean) => (baseSessionOptions('cpu', 2, { pinned }).extra as { session: Record<string, unknown> }).session;
    assert.equal(extra(false).intra_op_thread_affinities, undefined);
    if (allowedProcessors()) assert.equal(extra(true).intra_op_thread_affinities, workerAffinities(2, allowedProcessors()));
  });

  it('onnxruntime accepts the pinning and runs a pinned 2-thread session', async () => {
    const b = new GraphBuilder('pinned');
    const x = b.input('x', [1, 8]);
    const bytes = exportOnnx(b.build([b.add1('Relu', 'relu', [x])])).bytes;
    const session = await ort().InferenceSession.create(bytes, baseSessionOptions('cpu', 2, { pinned: true }));
    try {
      const out = await session.run({ x: new (ort().Tensor)('float32', new Float32Array(8).fill(-1), [1, 8]) });
      assert.deepEqual([...(out[session.outputNames[0]].data as Float32Array)], new Array(8).fill(0));
    } finally {
      await session.release();
    }
  });
});
