/** The kernel's pure parts: trace reading, optimised-graph matching, input shapes, error text, quantiles. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { matchProfiledNodes, OptimizedGraph } from '../../../kernels/process/optimizedGraph';
import { JobError, resolveInputShapes, seededFloats } from '../../../kernels/process/profile';
import { condenseOrtError } from '../../../kernels/process/providers';
import { median, quantile } from '../../../kernels/stats';
import { readTraceFile, summarizeTrace, TraceEvent, usedThreadPool } from '../../../kernels/process/trace';

function nodeEvent(name: string, ts: number, dur: number, op = 'Conv'): TraceEvent {
  return {
    cat: 'Node',
    name: `${name}_kernel_time`,
    ts,
    dur,
    args: { op_name: op, provider: 'CPUExecutionProvider', input_type_shape: [{ float: [1, 3, 8, 8] }, { float: [4, 3, 3, 3] }], output_type_shape: [{ float: [1, 4, 8, 8] }] },
  };
}

/** A run at `start`: nodes a (10·k µs) and b (k µs), then its model_run event. */
function run(start: number, k: number): TraceEvent[] {
  return [
    nodeEvent('a', start + 1, 10 * k),
    nodeEvent('b', start + 2 + 10 * k, k, 'Relu'),
    { cat: 'Session', name: 'SequentialExecutor::Execute', ts: start + 1, dur: 11 * k + 2 },
    { cat: 'Session', name: 'model_run', ts: start, dur: 11 * k + 4 },
  ];
}

describe('profile trace', () => {
  const events: TraceEvent[] = [
    { cat: 'Session', name: 'model_loading_uri', ts: 0, dur: 50 },
    { cat: 'Session', name: 'session_initialization', ts: 50, dur: 100 },
    nodeEvent('init_only', 60, 5),
    ...run(1000, 100), // warm-up
    ...run(3000, 1),
    ...run(4000, 3),
    ...run(5000, 2),
  ];

  it('counts only the timed runs: the last `runs` model_run intervals', () => {
    const s = summarizeTrace(events, 1, 3);
    assert.deepEqual(s.notes, []);
    assert.deepEqual(s.timedRuns.map((r) => r.start), [3000, 4000, 5000]);
    assert.deepEqual(s.nodes.map((n) => n.name), ['a', 'b']);
    const [a, b] = s.nodes;
    assert.deepEqual(a.perRunUs, [10, 30, 20]);
    assert.equal(a.medianUs, 20);
    assert.equal(a.totalUs, 60);
    assert.equal(a.calls, 3);
    assert.equal(a.opType, 'Conv');
    assert.equal(a.provider, 'CPUExecutionProvider');
    assert.deepEqual(a.inputShapes, [[1, 3, 8, 8], [4, 3, 3, 3]]);
    assert.deepEqual(a.outputShapes, [[1, 4, 8, 8]]);
    assert.equal(b.medianUs, 2);
    assert.equal(b.opType, 'Relu');
  });

  it('divides each timed run into kernel time, gaps between kernels and the run\'s edges', () => {
    const s = summarizeTrace(events, 1, 3);
    // run(start, k): a at start+1 for 10k µs, b 1 µs after a for k µs, model_run [start, start + 11k + 4].
    assert.deepEqual(s.runParts, [1, 3, 2].map((k) => ({ kernels: 2, pooledKernels: 0, kernelUs: 11 * k, pooledKernelUs: 0, betweenKernelsUs: 1, edgesUs: 3 })));
    for (const [i, p] of s.runParts.entries()) assert.equal(p.kernelUs + p.betweenKernelsUs + p.edgesUs, s.timedRuns[i].durUs);
  });

  it('says so when the trace holds more runs than asked, counting the last ones', () => {
    const s = summarizeTrace(events, 0, 3);
    assert.deepEqual(s.timedRuns.map((r) => r.start), [3000, 4000, 5000]);
    assert.match(s.notes[0], /4 model_run events for 0 warm-up \+ 3 timed runs/);
  });

  it('counts the runs recorded after the warm-up when the profiler stopped at its limit of events', () => {
    const s = summarizeTrace(events, 1, 10);
    assert.deepEqual(s.timedRuns.map((r) => r.start), [3000, 4000, 5000]);
    assert.match(s.notes[0], /stopped recording at its limit of events: per-node times cover the first 3 of the 10 timed runs/);
    assert.equal(s.nodes.find((n) => n.name === 'a')?.calls, 3);
  });

  it('sums a node that runs twice in one run and counts 0 where it did not run', () => {
    const extra = [...events, nodeEvent('a', 3005, 4), nodeEvent('c', 4005, 7, 'Add')];
    const s = summarizeTrace(extra, 1, 3);
    const a = s.nodes.find((n) => n.name === 'a')!;
    assert.deepEqual(a.perRunUs, [14, 30, 20]);
    assert.equal(a.calls, 4);
    const c = s.nodes.find((n) => n.name === 'c')!;
    assert.deepEqual(c.perRunUs, [0, 7, 0]);
    assert.equal(c.medianUs, 0);
  });
});

describe('trace files', () => {
  it('reads onnxruntime\'s one-event-per-line layout and any other JSON layout alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lcnb-trace-test-'));
    try {
      const events = [...run(0, 1), ...run(100, 2)];
      const lines = join(dir, 'lines.json');
      writeFileSync(lines, `[\n${events.map((e) => JSON.stringify(e)).join(',\n')}\n]\n`);
      const compact = join(dir, 'compact.json');
      writeFileSync(compact, JSON.stringify(events));
      const a = await readTraceFile(lines);
      const b = await readTraceFile(compact);
      assert.equal(a.length, events.length);
      assert.deepEqual(a, b);
      assert.deepEqual(summarizeTrace(a, 0, 2).nodes.map((n) => n.totalUs), [30, 3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('optimised graph matching', () => {
  const node = (index: number, name: string, opType: string, inputs: string[], outputs: string[]) => ({
    index,
    name,
    opType,
    domain: '',
    inputs,
    weights: [],
    outputs,
  });
  // Two inlined HardSwish pairs (unnamed), saved in an order that differs from execution order.
  const graph: OptimizedGraph = {
    sources: new Set(['', 'x']),
    nodes: [
      node(0, 'conv1', 'Conv', ['x'], ['c1']),
      node(1, 'conv2', 'Conv', ['x'], ['c2']),
      node(2, '', 'HardSigmoid', ['c2'], ['_inlfunc_HardSwish_token_0_HS_X']),
      node(3, '', 'Mul', ['c2', '_inlfunc_HardSwish_token_0_HS_X'], ['hs2']),
      node(4, '', 'HardSigmoid', ['c1'], ['_inlfunc_HardSwish_HS_X']),
      node(5, '', 'Mul', ['c1', '_inlfunc_HardSwish_HS_X'], ['hs1']),
      node(6, 'add', 'Add', ['hs1', 'hs2'], ['y']),
    ],
  };

  it('matches named nodes by name and unnamed ones by op type among ready nodes', () => {
    const profiled = [
      { name: 'conv1', opType: 'Conv' },
      { name: 'HardSigmoid_7', opType: 'HardSigmoid' },
      { name: 'Mul_8', opType: 'Mul' },
      { name: 'conv2', opType: 'Conv' },
      { name: 'HardSigmoid_9', opType: 'HardSigmoid' },
      { name: 'Mul_10', opType: 'Mul' },
      { name: 'add', opType: 'Add' },
      { name: 'ReorderOutput_token_3', opType: 'ReorderOutput' },
    ];
    const m = matchProfiledNodes(profiled, graph);
    assert.deepEqual(m.get('Mul_8')?.outputs, ['hs1']);
    assert.deepEqual(m.get('Mul_10')?.outputs, ['hs2']);
    assert.deepEqual(m.get('HardSigmoid_7')?.inputs, ['c1']);
    assert.equal(m.get('add')?.index, 6);
    assert.equal(m.has('ReorderOutput_token_3'), false);
    assert.equal(m.size, 7);
  });
});

describe('input shapes', () => {
  const declared = [
    { name: 'input', shape: ['batch', 3, 64, 64] as (number | string)[] },
    { name: 'mask', shape: [1, 'len'] as (number | string)[] },
  ];

  it('takes the declared shape, batch 1 for a symbolic leading dimension, and refuses other symbolic ones', () => {
    assert.deepEqual(resolveInputShapes([declared[0]]), { input: [1, 3, 64, 64] });
    assert.throws(() => resolveInputShapes(declared), (e: Error) => e instanceof JobError && /dimension 1 \('len'\) is not fixed/.test(e.message));
    assert.deepEqual(resolveInputShapes(declared, { mask: [1, 7], input: [4, 3, 64, 64] }), { input: [4, 3, 64, 64], mask: [1, 7] });
  });

  it('refuses unknown inputs, other ranks and changes to fixed dimensions', () => {
    assert.throws(() => resolveInputShapes([declared[0]], { image: [1, 3, 8, 8] }), /has no input 'image' \(its inputs: input\)/);
    assert.throws(() => resolveInputShapes([declared[0]], { input: [1, 3, 64] }), /rank 4/);
    assert.throws(() => resolveInputShapes([declared[0]], { input: [1, 1, 64, 64] }), /dimension 1 is fixed at 3/);
  });

  it('fills inputs with the same values every time, in [-1, 1)', () => {
    const a = seededFloats(1000, 7);
    assert.deepEqual(a, seededFloats(1000, 7));
    assert.notDeepEqual(a, seededFloats(1000, 8));
    assert.ok(a.every((v) => v >= -1 && v < 1));
  });
});

describe('onnxruntime error text', () => {
  it('keeps the reason, drops source locations, signatures, status prefixes and colours', () => {
    const webgpu =
      "/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const onnxruntime::webgpu::WebGpuContextConfig&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters\n";
    assert.equal(condenseOrtError(webgpu), 'Failed to get a WebGPU adapter: No supported adapters');
    assert.equal(
      condenseOrtError('\x1b[1;31m[ONNXRuntimeError] : 7 : INVALID_PROTOBUF : Load model from /tmp/x.onnx failed:Protobuf parsing failed.\x1b[m'),
      'Load model from /tmp/x.onnx failed:Protobuf parsing failed.',
    );
  });
});

describe('quantiles', () => {
  it('interpolate between the closest ranks', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9), 10);
    assert.equal(quantile([5], 0.1), 5);
    assert.ok(Number.isNaN(median([])));
  });
});

describe('profile trace: nodes on the intra-op thread pool', () => {
  /** thread_scheduling_stats as onnxruntime 1.30 writes them; `blocks` empty for a node that ran on the calling thread alone. */
  function stats(blocks: number[], subRuns = 7): Record<string, unknown> {
    return {
      main_thread: { thread_pool_name: 'session-1-intra-op', thread_id: '1', block_size: blocks, core: 1, Distribution: 0, DistributionEnqueue: 0, Run: 3, Wait: 0, WaitRevoke: 0 },
      sub_threads: { '2': { num_run: subRuns, core: 0 } },
    };
  }
  function pooledEvent(name: string, ts: number, dur: number, blocks: number[]): TraceEvent {
    const e = nodeEvent(name, ts, dur);
    return { ...e, args: { ...e.args, thread_scheduling_stats: stats(blocks) } };
  }
  /** A run at `start`: conv (on the pool, 20 µs), relu (off it, 2 µs), conv2 (on the pool in the first run only, 6 µs). */
  function pooledRun(start: number, conv2OnPool: boolean): TraceEvent[] {
    return [
      pooledEvent('conv', start + 1, 20, [1]),
      pooledEvent('relu', start + 22, 2, []),
      pooledEvent('conv2', start + 25, 6, conv2OnPool ? [1, 4] : []),
      { cat: 'Session', name: 'model_run', ts: start, dur: 40 },
    ];
  }

  it('reads a parallel loop from block_size: non-empty means the node used the pool', () => {
    assert.equal(usedThreadPool(stats([1])), true);
    assert.equal(usedThreadPool(stats([2, 2])), true);
    assert.equal(usedThreadPool(stats([])), false);
    assert.equal(usedThreadPool(JSON.stringify(stats([1]))), true, 'the statistics as JSON text');
    assert.equal(usedThreadPool(undefined), false, 'no statistics (one thread, another provider)');
    assert.equal(usedThreadPool('not json'), false);
    assert.equal(usedThreadPool({ main_thread: {} }), false);
  });

  it('counts pooled calls per node and pooled kernels and their time per run', () => {
    const s = summarizeTrace([...pooledRun(0, true), ...pooledRun(100, true), ...pooledRun(200, false)], 1, 2);
    const byName = Object.fromEntries(s.nodes.map((n) => [n.name, n]));
    assert.deepEqual([byName.conv.pooledCalls, byName.relu.pooledCalls, byName.conv2.pooledCalls], [2, 0, 1]);
    assert.deepEqual(
      s.runParts.map((p) => [p.kernels, p.pooledKernels, p.kernelUs, p.pooledKernelUs]),
      [
        [3, 2, 28, 26],
        [3, 1, 28, 20],
      ],
    );
  });

  it('keeps the flag when a trace file is read (the statistics themselves are dropped)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lcnb-trace-pool-'));
    try {
      const file = join(dir, 'trace.json');
      const events = [...pooledRun(0, true), ...pooledRun(100, false)];
      writeFileSync(file, `[\n${events.map((e) => JSON.stringify(e)).join(',\n')}\n]\n`);
      const read = await readTraceFile(file);
      const conv = read.find((e) => e.name === 'conv_kernel_time')!;
      assert.equal(conv.args?.used_thread_pool, true);
      assert.equal(conv.args?.thread_scheduling_stats, undefined);
      assert.deepEqual(
        summarizeTrace(read, 0, 2).nodes.map((n) => [n.name, n.pooledCalls]),
        [
          ['conv', 2],
          ['relu', 0],
          ['conv2', 1],
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
