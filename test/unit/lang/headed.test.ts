/** detect: and segment: cells: parse, diagnostics at line and column, completions and hovers. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { checkCell, completionsAt, headedRequest, hoverTargetAt, parseCell, type Diagnostic } from '../../../src/lang/index';

function cursor(marked: string): [string, number] {
  const at = marked.indexOf('|');
  return [marked.slice(0, at) + marked.slice(at + 1), at];
}

function errors(text: string, check = false): Diagnostic[] {
  return (check ? checkCell(text) : parseCell(text)).diagnostics.filter((d) => d.severity === 'error');
}

function onlyError(text: string, at: [number, number], check = false): Diagnostic {
  const ds = errors(text, check);
  assert.equal(ds.length, 1, `expected one error for:\n${text}\ngot ${JSON.stringify(ds, null, 1)}`);
  assert.deepEqual([ds[0].range.start.line, ds[0].range.start.character], at, ds[0].message);
  return ds[0];
}

describe('detect and segment cells: parse', () => {
  it('a head, several backbones (ids and variants), size, classes, head knobs and profile settings', () => {
    const text = [
      'detect:',
      '  head: ssdlite',
      '  backbones:',
      '    - mobilenet_v3_large_x1_0',
      '    - { model: pplcnet_x1_0, width: 0.75, knobs: { act: relu } }',
      '  resolution: 256',
      '  classes: 80',
      '  head_knobs: { anchors: 4 }',
      '  profile: { runs: 5, threads: 1 }',
    ].join('\n');
    const { cell, diagnostics } = parseCell(text);
    assert.deepEqual(diagnostics, []);
    assert.ok(cell && cell.verb === 'detect');
    if (cell?.verb !== 'detect') return;
    assert.equal(cell.head, 'ssdlite');
    assert.deepEqual(cell.backbones.map((b) => b.id), ['mobilenet_v3_large_x1_0', 'pplcnet_x1_0']);
    assert.deepEqual(cell.headKnobs, { anchors: 4 });
    assert.deepEqual(cell.profile, { runs: 5, threads: 1 });
    const second = headedRequest(cell, cell.backbones[1]);
    assert.deepEqual(second, { head: 'ssdlite', backbone: 'pplcnet_x1_0', resolution: 256, batch: undefined, numClasses: 80, width: 0.75, knobs: { act: 'relu' }, headKnobs: { anchors: 4 } });
    assert.deepEqual(cell.backbones[1].range.start, { line: 4, character: 15 });
  });

  it('one backbone with backbone:, the head\'s defaults when size and classes are not given', () => {
    const { cell } = parseCell('segment:\n  head: lraspp\n  backbone: mobilenet_v3_large_x1_0\n');
    assert.ok(cell && cell.verb === 'segment');
    if (cell?.verb !== 'segment') return;
    const request = headedRequest(cell, cell.backbones[0]);
    assert.equal(request.resolution, undefined);
    assert.equal(request.numClasses, undefined);
    assert.deepEqual(checkCell('segment:\n  head: lraspp\n  backbone: mobilenet_v3_large_x1_0\n').diagnostics, []);
  });

  it('input: [N, 3, R, R] sets batch and resolution for every backbone', () => {
    const { cell } = parseCell('detect:\n  head: ssdlite\n  backbones: [mobilenet_v3_large_x1_0, ghostnet_x1_0]\n  input: [2, 3, 384, 384]\n');
    assert.ok(cell && cell.verb === 'detect');
    if (cell?.verb !== 'detect') return;
    assert.deepEqual(cell.backbones.map((b) => [b.batch, b.resolution]), [[2, 384], [2, 384]]);
  });
});

describe('detect and segment cells: diagnostics', () => {
  it('an unknown head, with a suggestion and the heads of the verb', () => {
    const d = onlyError('detect:\n  head: ssdlit\n  backbones: [pplcnet_x1_0]\n', [1, 8]);
    assert.match(d.message, /^unknown detection head 'ssdlit' \(did you mean ssdlite\?\); detect heads: .*ssdlite/);
  });

  it('a head of the other task names the verb to use', () => {
    const d = onlyError('detect:\n  head: lraspp\n  backbones: [pplcnet_x1_0]\n', [1, 8]);
    assert.match(d.message, /^lraspp \(LR-ASPP\) is a segmentation head: write it in a segment: cell; detect heads: /);
    const s = onlyError('segment:\n  head: ssdlite\n  backbone: pplcnet_x1_0\n', [1, 8]);
    assert.match(s.message, /is a detection head: write it in a detect: cell; segment heads: .*lraspp/);
  });

  it('a missing head or backbones, both backbone and backbones, an unknown key', () => {
    assert.match(onlyError('detect:\n  backbones: [pplcnet_x1_0]\n', [0, 0]).message, /needs 'head'/);
    assert.match(onlyError('detect:\n  head: ssdlite\n', [0, 0]).message, /^a detect cell needs 'backbones: \[<zoo id>, …\]'/);
    assert.match(onlyError('detect:\n  head: ssdlite\n  backbone: pplcnet_x1_0\n  backbones: [ghostnet_x1_0]\n', [2, 2]).message, /not both/);
    assert.match(onlyError('detect:\n  head: ssdlite\n  backbones: [pplcnet_x1_0]\n  neck: csp\n', [3, 2]).message, /has no key 'neck'.*its keys: head, backbones, backbone/);
    const outside = errors('detect:\n  head: ssdlite\nbackbones: [pplcnet_x1_0]\n');
    assert.deepEqual(outside.map((d) => d.range.start.line), [0, 2]);
    assert.match(outside[1].message, /^'backbones' of a detect cell goes inside it: detect: \{ …, backbones: … \}/);
  });

  it('an unknown backbone id or backbone knob, at the id or the knob', () => {
    assert.match(onlyError('detect:\n  head: ssdlite\n  backbones: [pplcnet_x1_0, ghostnet_x9]\n', [2, 28]).message, /^unknown backbone 'ghostnet_x9' \(did you mean ghostnet_x0_5, ghostnet_x1_0/);
    assert.match(onlyError('detect:\n  head: ssdlite\n  backbones:\n    - { model: pplcnet_x1_0, knobs: { se: true } }\n', [3, 38]).message, /pplcnet_x1_0 has no knob 'se'/);
  });

  it("YOLOv8's own backbone is a backbone id too, without width or knobs", () => {
    const { cell } = parseCell('detect:\n  head: yolov8n\n  backbones: [yolov8n_backbone, fasternet_t0]\n');
    assert.ok(cell && cell.verb === 'detect');
    if (cell?.verb === 'detect') assert.deepEqual(cell.backbones.map((b) => b.id), ['yolov8n_backbone', 'fasternet_t0']);
    assert.match(onlyError('detect:\n  head: yolov8n\n  backbones:\n    - { model: yolov8n_backbone, width: 0.5 }\n', [3, 33]).message, /^yolov8n_backbone is YOLOv8's own backbone, sized by its head's scale: it takes no width/);
  });

  it('an unknown head knob or a head knob out of range', () => {
    assert.match(onlyError('detect:\n  head: ssdlite\n  backbones: [pplcnet_x1_0]\n  head_knobs: { anchorz: 4 }\n', [3, 16]).message, /^ssdlite has no knob 'anchorz' \(did you mean anchors\?\); its knobs: anchors/);
    assert.match(onlyError('detect:\n  head: ssdlite\n  backbones: [pplcnet_x1_0]\n  head_knobs: { anchors: 0 }\n', [3, 25]).message, /^knob 'anchors' of ssdlite must be a whole number from 1/);
  });

  it("checkCell: a backbone whose strides the head cannot use, at that backbone, with the head's message", () => {
    const text = 'detect:\n  head: ssdlite\n  backbones: [pplcnet_x1_0, squeezenet1_1]\n';
    assert.deepEqual(errors(text), [], 'parses');
    const d = onlyError(text, [2, 28], true);
    assert.match(d.message, /^ssdlite needs a stride-32 feature map; squeezenet1_1 gives strides 4, 8, 16/);
  });
});

describe('detect and segment cells: completions and hovers', () => {
  const labels = (marked: string, kind?: string) => {
    const [text, offset] = cursor(marked);
    return completionsAt(text, offset)
      .filter((i) => !kind || i.kind === kind)
      .map((i) => i.label);
  };

  it('keys inside the verb, head ids of its task, zoo ids as backbones, head knobs', () => {
    assert.deepEqual(labels('detect:\n  |'), ['head', 'backbones', 'backbone', 'resolution', 'classes', 'batch', 'input', 'head_knobs', 'profile']);
    const detectHeads = labels('detect:\n  head: |');
    assert.ok(detectHeads.includes('ssdlite') && !detectHeads.includes('lraspp'), detectHeads.join());
    const segmentHeads = labels('segment:\n  head: |');
    assert.ok(segmentHeads.includes('lraspp') && !segmentHeads.includes('ssdlite'), segmentHeads.join());
    for (const marked of ['detect:\n  head: ssdlite\n  backbones: [|', 'detect:\n  head: ssdlite\n  backbones:\n    - |', 'segment:\n  head: lraspp\n  backbone: |']) {
      const ids = labels(marked, 'model');
      assert.equal(ids.length, 92, marked);
      assert.ok(ids.includes('pplcnet_x1_0') && ids.includes('yolov8n_backbone'), marked);
    }
    assert.deepEqual(labels('detect:\n  head: ssdlite\n  backbones: [pplcnet_x1_0]\n  head_knobs: { |'), ['anchors', 'extra_width']);
    assert.deepEqual(labels('detect:\n  head: ssdlite\n  backbones:\n    - model: ghostnet_x1_0\n      knobs: { |'), ['ratio', 'dw_kernel']);
  });

  it('hover on a head says what it is and what it matches', () => {
    const [text, offset] = cursor('detect:\n  head: ssd|lite\n  backbones: [pplcnet_x1_0]\n');
    const target = hoverTargetAt(text, offset);
    assert.equal(target?.kind, 'head');
    if (target?.kind !== 'head') return;
    assert.match(target.doc, /\*\*SSDLite\*\* — detection head `ssdlite`/);
    assert.match(target.doc, /torchvision .*ssdlite320_mobilenet_v3_large/);
    assert.match(target.doc, /Reference: 320×320 input, 91 classes, backbone `mobilenet_v3_large_x1_0`/);
  });

  it("hover on a backbone gives its totals under the cell's head, split by part, with the taps read", () => {
    const [text, offset] = cursor('detect:\n  head: ssdlite\n  backbones: [mobilenet_v3_large_x1_0, pplcnet|_x1_0]\n  resolution: 320\n');
    const target = hoverTargetAt(text, offset);
    assert.equal(target?.kind, 'backbone');
    if (target?.kind !== 'backbone') return;
    assert.equal(target.id, 'pplcnet_x1_0');
    assert.equal(target.head, 'ssdlite');
    assert.match(target.doc, /\*\*pplcnet_x1_0\*\* under \*\*SSDLite\*\*/);
    assert.match(target.doc, /input \[1, 3, 320, 320\]/);
    for (const part of ['backbone', 'neck', 'head']) assert.match(target.doc, new RegExp(`\\| ${part} \\| [0-9.]+[KM]? \\|`));
    assert.match(target.doc, /The head reads stride 16: `[^`]+` \(\d+ channels\), stride 32/);
  });

  it('hover on a backbone the head cannot use says why', () => {
    const [text, offset] = cursor('detect:\n  head: ssdlite\n  backbone: squeeze|net1_1\n');
    const target = hoverTargetAt(text, offset);
    assert.ok(target?.kind === 'backbone');
    if (target?.kind !== 'backbone') return;
    assert.match(target.doc, /Cannot be built: ssdlite needs a stride-32 feature map/);
  });
});
