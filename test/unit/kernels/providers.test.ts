/**
 * Session options for sessions timed in turn: which processors the process may use, and where each
 * session's intra-op workers are pinned (kernels/process/providers.ts).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { allowedProcessors, baseSessionOptions, Spinning, workerAffinities } from '../../../kernels/process/providers';
import { IN_TURN_SPIN_US } from '../../../kernels/protocol';
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

  it("spinning: onnxruntime's default alone, bounded in turn, off under other work", () => {
    const intraOp = (spinning?: Spinning) => (baseSessionOptions('cpu', 2, spinning ? { spinning } : {}).extra as { session: { intra_op: Record<string, string> } }).session.intra_op;
    assert.deepEqual(intraOp('default'), { allow_spinning: '1' });
    assert.deepEqual(intraOp(), { allow_spinning: '1', spin_duration_us: String(IN_TURN_SPIN_US) });
    assert.deepEqual(intraOp('bounded'), intraOp());
    assert.deepEqual(intraOp('off'), { allow_spinning: '0' });
  });

  it('onnxruntime accepts each spinning and runs a 2-thread session with it', async () => {
    const b = new GraphBuilder('spin');
    const x = b.input('x', [1, 8]);
    const bytes = exportOnnx(b.build([b.add1('Relu', 'relu', [x])])).bytes;
    for (const spinning of ['default', 'bounded', 'off'] as const) {
      const session = await ort().InferenceSession.create(bytes, baseSessionOptions('cpu', 2, { spinning }));
      try {
        const out = await session.run({ x: new (ort().Tensor)('float32', new Float32Array(8).fill(2), [1, 8]) });
        assert.deepEqual([...(out[session.outputNames[0]].data as Float32Array)], new Array(8).fill(2), spinning);
      } finally {
        await session.release();
      }
    }
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
