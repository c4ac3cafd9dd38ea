/** Shape inference and the errors an impossible graph raises: node, input shapes, rule. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { GraphError, UserError } from '../../../src/core/errors';
import { readGraphJson } from '../../../src/core/graphJson';
import { GraphBuilder } from '../../../src/core/ir';
import { summarize } from '../../../src/core/summary';
import { convAttrs } from '../support/helpers';

function graphError(build: (b: GraphBuilder) => void): GraphError {
  const b = new GraphBuilder('bad');
  try {
    build(b);
  } catch (e) {
    assert.ok(e instanceof GraphError, `expected GraphError, got ${e}`);
    return e;
  }
  assert.fail('expected the graph to be rejected');
}

describe('impossible graphs', () => {
  it('channels not divisible by groups', () => {
    const e = graphError((b) => b.add1('Conv', 'gconv', [b.input('x', [1, 30, 56, 56])], convAttrs(64, 1, { groups: 4 })));
    assert.equal(e.node, 'gconv');
    assert.equal(e.message, "node 'gconv' (Conv) with inputs [1, 30, 56, 56]: input channels 30 are not divisible by group 4");
  });

  it('output channels not divisible by groups', () => {
    const e = graphError((b) => b.add1('Conv', 'c', [b.input('x', [1, 32, 8, 8])], convAttrs(30, 1, { groups: 4 })));
    assert.match(e.message, /output channels 30 are not divisible by group 4/);
  });

  it('Add of different shapes', () => {
    const e = graphError((b) => b.scope('stage2', () => b.add1('Add', 'residual', [b.input('a', [1, 24, 56, 56]), b.input('c', [1, 32, 56, 56])])));
    assert.equal(e.node, 'stage2.residual');
    assert.match(e.message, /inputs \[1, 24, 56, 56\], \[1, 32, 56, 56\]: shapes .* cannot be broadcast together/);
  });

  it('spatial size ≤ 0', () => {
    const e = graphError((b) => b.add1('Conv', 'big', [b.input('x', [1, 8, 4, 4])], convAttrs(8, 7, { pad: 0 })));
    assert.match(e.message, /node 'big' \(Conv\) with inputs \[1, 8, 4, 4\]: a 7×7 kernel with stride 1×1 on 4×4 gives spatial size -2×-2 \(must be ≥ 1\)/);
    const pool = graphError((b) => b.add1('MaxPool', 'pool', [b.input('x', [1, 8, 2, 2])], { kernel_shape: [3, 3], strides: [2, 2] }));
    assert.match(pool.message, /spatial size 0×0/);
  });

  it('concat of mismatched shapes, split sizes that do not add up, shuffle groups', () => {
    assert.match(
      graphError((b) => b.add1('Concat', 'cat', [b.input('a', [1, 8, 4, 4]), b.input('c', [1, 8, 5, 5])], { axis: 1 })).message,
      /all inputs must match except on axis 1/,
    );
    assert.match(graphError((b) => b.add('Split', 'split', [b.input('a', [1, 8, 4, 4])], { axis: 1, split: [3, 4] })).message, /add up to 7 but axis 1 has 8/);
    assert.match(graphError((b) => b.add1('ChannelShuffle', 'sh', [b.input('a', [1, 9, 4, 4])], { group: 2 })).message, /channels 9 are not divisible by group 2/);
  });

  it('wrong rank and a missing attribute', () => {
    assert.match(graphError((b) => b.add1('Conv', 'c', [b.input('x', [1, 8])], convAttrs(8, 1))).message, /input 0 must have rank ≥ 3/);
    assert.match(graphError((b) => b.add1('Gemm', 'fc', [b.input('x', [1, 8])], {})).message, /attribute 'out_features' is required/);
  });

  it('an input with a non-positive dimension', () => {
    assert.match(graphError((b) => b.input('x', [1, 3, 0, 224])).message, /every dimension must be a positive integer, got 0/);
  });
});

describe('graph builder', () => {
  it('names nodes by scope path and keeps names unique', () => {
    const b = new GraphBuilder('names');
    const x = b.input('x', [1, 8, 4, 4]);
    const y = b.scope('block', () => b.add1('Relu', 'act', [b.add1('Relu', 'act', [x])]));
    const graph = b.build([y]);
    assert.deepEqual(graph.nodes.map((n) => n.name), ['block.act', 'block.act_1']);
    assert.deepEqual(graph.nodes[1].scope, ['block']);
  });
});

describe('graph JSON files', () => {
  const valid = {
    name: 'tiny',
    inputs: [{ name: 'x', shape: [1, 3, 32, 32] }],
    nodes: [
      { name: 'stem.conv', op: 'Conv', scope: ['stem'], inputs: ['x'], attrs: { out_channels: 8, kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { name: 'stem.custom', op: 'MyFancyNorm', scope: ['stem'], inputs: ['stem.conv'], output_shapes: [[1, 8, 32, 32]] },
      { name: 'head.relu', op: 'Relu', scope: ['head'], inputs: ['stem.custom'] },
    ],
    outputs: ['head.relu'],
  };

  it('reads a graph and lists ops outside the registry as uncounted, not as zero', () => {
    const summary = summarize(readGraphJson(JSON.stringify(valid), 'tiny.json'));
    assert.deepEqual(summary.uncounted, [{ name: 'stem.custom', op: 'MyFancyNorm' }]);
    assert.deepEqual(summary.layers.map((l) => l.name), ['stem.conv', 'head.relu']);
    assert.equal(summary.totals.params, 8 * 3 * 9);
    assert.deepEqual(summary.output, [1, 8, 32, 32]);
  });

  it('says where a malformed file is wrong', () => {
    const attempt = (doc: unknown) => {
      try {
        readGraphJson(typeof doc === 'string' ? doc : JSON.stringify(doc), 'net.json');
      } catch (e) {
        return (e as Error).message;
      }
      assert.fail('expected an error');
    };
    assert.match(attempt('{"name": '), /^net\.json: not valid JSON/);
    assert.equal(attempt({ ...valid, nodes: [{ ...valid.nodes[0], op: 7 }] }), 'net.json: nodes[0].op: must be a non-empty string, got number');
    assert.equal(attempt({ ...valid, outputs: ['nope'] }), "net.json: outputs[0]: tensor 'nope' is not produced by any node");
    assert.match(attempt({ ...valid, nodes: [valid.nodes[2]] }), /node 'head\.relu' \(Relu\).*input 'stem\.custom' is not produced by any earlier node/);
    assert.match(attempt({ ...valid, nodes: [{ name: 'u', op: 'Unknown', inputs: ['x'] }], outputs: ['u'] }), /op 'Unknown' is unknown and no output shape was given/);
  });

  it('user errors and graph errors are distinguishable from internal faults', () => {
    assert.ok(new UserError('x') instanceof Error);
    assert.ok(!(new UserError('x') instanceof GraphError));
  });
});
