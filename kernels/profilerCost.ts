/**
 * What onnxruntime's profiler itself costs per node. With profiling on, onnxruntime's executor does
 * bookkeeping around every kernel: it formats the input and output shapes into strings and collects
 * thread-pool statistics inside the timed kernel event, and records the event between kernels. On a
 * small model those few µs per node are a large part of each layer's measured time.
 *
 * Measured here on a calibration chain (alternating 1×1 Conv and Relu on a [1, 16, 14, 14] tensor,
 * graph optimisation off so every node runs as built) with the job's provider and threads: the
 * chain's per-node time with the profiler off is the difference between a long and a one-node chain
 * (fixed per-run costs cancel), and its per-node kernel event with the profiler on comes from the
 * trace. Their difference is the profiler's work inside each kernel event.
 */
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { GraphBuilder, Tensor } from '../src/core/ir';
import { exportOnnx } from '../src/onnx/writer';
import type { ProfilerCost } from './protocol';
import { baseSessionOptions } from './providers';
import { ort, SessionOptions } from './runtime';
import { median } from './stats';
import { readTraceFile, summarizeTrace } from './trace';

export const CHAIN_NODES = 101;
const CHANNELS = 16;
const SIDE = 14;
const WARMUP = 10;
const RUNS = 100;

/** A chain of `length` nodes: 1×1 Conv (with bias) and Relu in turn. */
export function calibrationChain(length: number): Uint8Array {
  const b = new GraphBuilder(`lcnb_profiler_chain_${length}`);
  let x: Tensor = b.input('x', [1, CHANNELS, SIDE, SIDE]);
  for (let i = 0; i < length; i++) {
    x =
      i % 2 === 0
        ? b.add1('Conv', `conv${i}`, [x], { out_channels: CHANNELS, kernel_shape: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1, bias: true })
        : b.add1('Relu', `relu${i}`, [x]);
  }
  return exportOnnx(b.build([x]), { form: 'inference' }).bytes;
}

/** Median wall time of `RUNS` runs after `WARMUP`, µs. */
async function timeRuns(model: Uint8Array, options: SessionOptions): Promise<number> {
  const { InferenceSession, Tensor } = ort();
  const session = await InferenceSession.create(model, options);
  try {
    const feeds = { x: new Tensor('float32', new Float32Array(CHANNELS * SIDE * SIDE).fill(0.5), [1, CHANNELS, SIDE, SIDE]) };
    for (let i = 0; i < WARMUP; i++) await session.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - start) / 1e3);
    }
    return median(times);
  } finally {
    await session.release();
  }
}

/** Measures the profiler's per-node cost in `dir` (a scratch folder the caller removes). */
export async function measureProfilerCost(provider: string, threads: number, dir: string): Promise<ProfilerCost> {
  const plain: SessionOptions = { ...baseSessionOptions(provider, threads), graphOptimizationLevel: 'disabled' };
  const short = calibrationChain(1);
  const long = calibrationChain(CHAIN_NODES);
  const shortUs = await timeRuns(short, plain);
  const longUs = await timeRuns(long, plain);
  await timeRuns(long, { ...plain, enableProfiling: true, profileFilePrefix: join(dir, 'chain') });
  const file = readdirSync(dir).find((f) => f.startsWith('chain') && f.endsWith('.json'));
  if (!file) throw new Error('onnxruntime wrote no profile trace for the calibration chain');
  const summary = summarizeTrace(await readTraceFile(join(dir, file)), WARMUP, RUNS);
  const full = summary.runParts.filter((p) => p.kernels === CHAIN_NODES);
  if (full.length === 0) throw new Error(`the calibration chain's trace holds no run with all ${CHAIN_NODES} kernels`);
  const unprofiledNodeUs = (longUs - shortUs) / (CHAIN_NODES - 1);
  const profiledKernelUs = median(full.map((p) => p.kernelUs / p.kernels));
  return {
    chainNodes: CHAIN_NODES,
    runs: RUNS,
    unprofiledNodeUs,
    profiledKernelUs,
    inKernelUs: profiledKernelUs - unprofiledNodeUs,
    betweenKernelsUs: median(full.map((p) => p.betweenKernelsUs / (p.kernels - 1))),
    method: `a chain of ${CHAIN_NODES} nodes (1×1 Conv and Relu in turn on [1, ${CHANNELS}, ${SIDE}, ${SIDE}], optimisation off) and a 1-node chain, ${WARMUP} warm-up + ${RUNS} timed runs each with the profiler off, the long chain again with it on; per node: unprofiled (long − short) / ${CHAIN_NODES - 1}, profiled mean kernel event and mean gap between kernel events`,
  };
}
