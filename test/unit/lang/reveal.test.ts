/**
 * A report row's source in its cell: a network layer's line by the row's scope, the model id of a
 * model or compare cell, a detector's backbone or head, else the verb's line.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { reportRowSource } from '../../../src/lang/reveal';

const NETWORK = [
  'network: tiny_pconv_net',
  'input: [1, 3, 224, 224]',
  'layers:',
  '  - conv: { out: 40, k: 4, s: 4 }',
  '  - fasternet_block: { ratio: 0.25, expand: 2, act: relu }',
  '    repeat: 2',
  '  - conv: { out: 80, k: 2, s: 2 }',
  '    scope: down',
  '  - classifier: { classes: 1000 }',
].join('\n');

const line = (text: string, row: { model: number; scope: string }) => reportRowSource(text, row).range.start.line;

describe('report row → cell line', () => {
  it('a network row goes to the layer whose scope holds it, repeats and named scopes included', () => {
    assert.equal(line(NETWORK, { model: 0, scope: 'layer1' }), 3);
    assert.equal(line(NETWORK, { model: 0, scope: 'layer2.2.mlp' }), 4);
    assert.equal(line(NETWORK, { model: 0, scope: 'down' }), 6);
    assert.equal(line(NETWORK, { model: 0, scope: 'layer4' }), 8);
    assert.equal(reportRowSource(NETWORK, { model: 0, scope: 'layer2.1' }).what, 'layer 2 (fasternet_block)');
  });

  it('a scope no layer holds (nor a prefix of a scope: layer1 is not layer10) goes to the verb', () => {
    assert.equal(line(NETWORK, { model: 0, scope: 'layer10' }), 0);
    assert.equal(reportRowSource(NETWORK, { model: 0, scope: '' }).what, 'the network: line');
  });

  it('a model cell goes to its id; a compare to the entry of the row\'s model', () => {
    assert.deepEqual(reportRowSource('# note\nmodel: fasternet_t0\nknobs: { ratio: 0.5 }', { model: 0, scope: 'stage1.0' }).range.start, { line: 1, character: 7 });
    const compare = 'compare:\n  models:\n    - mobilenet_v3_small_x1_0\n    - shufflenet_v2_x1_0';
    assert.equal(line(compare, { model: 1, scope: 'stage2' }), 3);
    assert.equal(reportRowSource(compare, { model: 1, scope: '' }).what, 'model shufflenet_v2_x1_0');
  });

  it('a detector: backbone rows go to that backbone, neck and head rows to the head', () => {
    const detect = 'detect:\n  head: ssdlite\n  backbones: [mobilenet_v3_large_x1_0, mobilenet_v2_x1_0]';
    assert.equal(reportRowSource(detect, { model: 1, scope: 'backbone.stage1' }).what, 'backbone mobilenet_v2_x1_0');
    assert.equal(reportRowSource(detect, { model: 1, scope: 'head.cls' }).what, 'head ssdlite');
  });

  it('a cell that no longer parses goes to its verb line', () => {
    assert.equal(line('# edited\nmodel: nope_x1\n', { model: 0, scope: 'stage1' }), 1);
  });
});
