import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after } from 'node:test';
import { KernelClient } from '../../../kernels/host/client';
import type { ProfileResult } from '../../../kernels/protocol';
import { GraphBuilder, Graph, Tensor } from '../../../src/core/ir';
import { costNode, NodeCost } from '../../../src/core/cost';
import { summarize } from '../../../src/core/summary';
import { readOnnx } from '../../../src/onnx/reader';
import { exportOnnx } from '../../../src/onnx/writer';

/** Builds a one-input graph with `body` and returns it with the cost of its node named `name`. */
export function costOf(
  inputShape: number[],
  body: (b: GraphBuilder, x: Tensor) => Tensor,
  name: string,
): { graph: Graph; cost: NodeCost } {
  const b = new GraphBuilder('test');
  const x = b.input('x', inputShape);
  const graph = b.build([body(b, x)]);
  const node = graph.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no node ${name}; nodes: ${graph.nodes.map((n) => n.name).join(', ')}`);
  const cost = costNode(graph, node);
  if (!cost) throw new Error(`node ${name} is uncounted`);
  return { graph, cost };
}

export function convAttrs(out: number, k: number, opts: { s?: number; groups?: number; pad?: number; bias?: boolean } = {}) {
  const pad = opts.pad ?? (k - 1) / 2;
  return {
    out_channels: out,
    kernel_shape: [k, k],
    strides: [opts.s ?? 1, opts.s ?? 1],
    pads: [pad, pad, pad, pad],
    group: opts.groups ?? 1,
    bias: opts.bias ?? false,
  };
}

/** The message of what `run` throws; fails the test when it throws nothing or something not a `kind`. */
export function errorOf(run: () => unknown, kind: abstract new (...args: never[]) => Error = Error): string {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof kind, `expected a ${kind.name}, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected an error');
}

/** Runs the `lcnb` CLI in this process with `argv`: its exit code and everything it wrote to stdout and stderr. */
export async function runCli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // Imported here so that tests which never run the CLI do not load it.
  const { main } = await import('../../../src/cli');
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        append(String(chunk));
        done();
      },
    });
  const code = await main(argv, sink((s) => (stdout += s)), sink((s) => (stderr += s)));
  return { code, stdout, stderr };
}

/**
 * For one describe block: a scratch folder and a kernel process, both gone after the block. The
 * function it returns writes `graph`'s training form to ONNX, reads it back and asserts the same
 * params and MAdds, then runs its deploy form (saved as `file`) once in onnxruntime on the CPU,
 * unoptimised, and returns the kernel's result.
 */
export function onnxRoundTrip(folderPrefix: string): (graph: Graph, file: string) => Promise<ProfileResult> {
  const dir = mkdtempSync(join(tmpdir(), folderPrefix));
  const client = new KernelClient(join(__dirname, '..', '..', '..', 'kernels', 'process', 'main.ts'), { execArgv: ['--import', 'tsx'] });
  after(() => {
    client.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  return async (graph, file) => {
    const training = readOnnx(exportOnnx(graph, { form: 'training' }).bytes, { source: graph.name });
    const [a, b] = [summarize(graph).totals, summarize(training.graph).totals];
    assert.deepEqual([b.params, b.madds], [a.params, a.madds]);
    const path = join(dir, file);
    writeFileSync(path, exportOnnx(graph, { form: 'deploy' }).bytes);
    return client.profile({ modelPath: path, provider: 'cpu', threads: 1, runs: 1, warmup: 0, optimization: 'disabled', baselineRuns: 0 });
  };
}
