/**
 * Feature taps of every zoo backbone and every head on every backbone its strides allow: tap
 * shapes, dilation, scopes, clear errors, published figures, and ONNX export (written, read back,
 * and run in onnxruntime through the kernel process).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { GraphBuilder } from '../../../src/core/ir';
import { summarize } from '../../../src/core/summary';
import { buildModel, summarizeModel, zooModels } from '../../../src/zoo';
import { buildWithHead, findHead, heads, summarizeWithHead } from '../../../src/zoo/heads';
import { addBackbone, backboneTaps, LAST_BLOCK, TAP_STRIDES } from '../../../src/zoo/taps';
import { errorOf, onnxRoundTrip } from '../support/helpers';

const ZOO = zooModels();
const HEADED_SCOPES = ['backbone', 'neck', 'head'];

/** SqueezeNet's convs and pools are unpadded (and its pools round up): its maps are a few pixels off R/stride. */
const expectedSize = (id: string, resolution: number, stride: number) => (id.startsWith('squeezenet') ? undefined : Math.ceil(resolution / stride));

describe('feature taps', () => {
  for (const resolution of [224, 320]) {
    it(`every zoo id at ${resolution}: the last map at each stride, N×C×R/s×R/s, channels never shrinking`, () => {
      for (const { id } of ZOO) {
        const taps = backboneTaps(id, { resolution, batch: 2 });
        const strides = taps.map((t) => t.stride);
        // Every family downsamples to 16; all but SqueezeNet (no stride-32 stage) to 32.
        assert.deepEqual(strides, id.startsWith('squeezenet') ? [4, 8, 16] : [...TAP_STRIDES], id);
        let previous = 0;
        for (const tap of taps) {
          const [n, c, h, w] = tap.tensor.shape;
          assert.equal(n, 2, `${id} batch`);
          assert.equal(c, tap.channels, `${id} channels`);
          assert.ok(Number.isInteger(c) && c >= previous && c >= 4, `${id} stride ${tap.stride}: ${c} channels after ${previous}`);
          previous = c;
          const size = expectedSize(id, resolution, tap.stride);
          if (size !== undefined) assert.deepEqual([h, w], [size, size], `${id} stride ${tap.stride}`);
          else assert.ok(Math.abs(h - resolution / tap.stride) <= 3 && h === w, `${id} stride ${tap.stride}: ${h}×${w}`);
          assert.match(tap.node, /^backbone\./, id);
        }
      }
    });
  }

  it('the backbone is the classification network without its classifier: same nodes, same params before it', () => {
    for (const { id } of ZOO) {
      const b = new GraphBuilder(id);
      const backbone = addBackbone(b, id);
      const deepest = [...backbone.taps.values()].pop()!;
      const graph = b.build([deepest.tensor]);
      const full = buildModel(id);
      const classifierParams = summarize(full).scopes.filter((s) => s.scope === 'classifier' || s.scope === 'head').reduce((a, s) => a + s.params, 0);
      const kept = new Set(graph.nodes.map((n) => n.name.replace(/^backbone\./, '')));
      for (const node of full.nodes) {
        if (!kept.has(node.name)) assert.ok(['classifier', 'head'].includes(node.scope[0]), `${id}: ${node.name} (${node.scope.join('.')}) was left out`);
      }
      assert.ok(graph.nodes.every((n) => n.scope[0] === 'backbone'), id);
      const params = summarize(graph).totals.params;
      assert.ok(params <= summarizeModel(id).totals.params && params >= summarizeModel(id).totals.params - classifierParams, `${id}: ${params}`);
    }
  });

  it('torchvision SSDLite’s C4 expansion is an extra tap of the inverted-residual families', () => {
    const c4 = addBackbone(new GraphBuilder('t'), 'mobilenet_v3_large_x1_0', { resolution: 320 }).extra.get('c4_expand')!;
    assert.deepEqual(c4.tensor.shape, [1, 672, 20, 20]);
    assert.match(c4.node, /^backbone\.stage5\.block13\.expand\./);
    assert.equal(addBackbone(new GraphBuilder('t'), 'mobilenet_v2_x1_0').extra.get('c4_expand')?.channels, 576);
    assert.equal(addBackbone(new GraphBuilder('t'), 'fasternet_t0').extra.has('c4_expand'), false);
  });

  it('last_block: the last block before the 1×1 conv a family appends, else the deepest tap, for every zoo id and output stride', () => {
    // Paddle's backbones end there (PaddleDetection MobileNetV3 feature_maps [7, 13, 16], ShuffleNetV2 [5, 13, 17]).
    const appended: Record<string, [string, number]> = {
      mobilenet_v2_x1_0: ['backbone.stage7.block17.project.bn', 320],
      mobilenet_v3_large_x1_0: ['backbone.stage5.block15.add', 160],
      mobilenet_v3_small_x1_0: ['backbone.stage4.block11.add', 96],
      ghostnet_x1_0: ['backbone.stage5.block16.add', 160],
      ghostnet_v2_x1_0: ['backbone.stage5.block16.add', 160],
      shufflenet_v2_x1_0: ['backbone.stage4.block16.shuffle', 464],
    };
    for (const [id, [node, channels]] of Object.entries(appended)) {
      const backbone = addBackbone(new GraphBuilder(id), id, { resolution: 224 });
      const last = backbone.extra.get(LAST_BLOCK)!;
      assert.deepEqual([last.node, last.stride, last.channels, last.tensor.shape[2]], [node, 32, channels, 7], id);
      assert.match(backbone.taps.get(32)!.node, /^backbone\.head\./, id);
    }
    for (const { id } of ZOO) {
      for (const os of [32, 16] as const) {
        const backbone = addBackbone(new GraphBuilder(id), id, { resolution: 224, outputStride: os });
        const last = backbone.extra.get(LAST_BLOCK);
        assert.ok(last, `${id} os${os}`);
        const deepest = [...backbone.taps.values()].pop()!;
        assert.equal(last.stride, deepest.stride, `${id} os${os}`);
        assert.deepEqual(last.tensor.shape.slice(2), deepest.tensor.shape.slice(2), `${id} os${os}`);
        assert.doesNotMatch(last.node, /^backbone\.head\./, `${id} os${os}`);
        // Where the deepest tap is no appended conv, it is the last block (under dilation it is the backbone's end).
        if (os === 32 && !deepest.node.startsWith('backbone.head.')) assert.equal(last.node, deepest.node, id);
      }
    }
  });

  it('PicoDet and DeepLabV3+ read last_block and leave the appended conv out; torchvision’s heads keep it', () => {
    const backboneNodes = (head: string) =>
      buildWithHead({ head, backbone: 'mobilenet_v3_large_x1_0' }).nodes.filter((n) => n.scope[0] === 'backbone').map((n) => n.name);
    for (const head of ['picodet_legacy', 'picodet_v2', 'deeplabv3plus']) {
      const nodes = backboneNodes(head);
      assert.equal(nodes[nodes.length - 1], 'backbone.stage5.block15.add', head);
      assert.ok(!nodes.some((n) => n.startsWith('backbone.head.')), head);
    }
    for (const head of ['ssdlite', 'lraspp', 'deeplabv3']) assert.ok(backboneNodes(head).includes('backbone.head.conv'), head);
    // The appended conv (160 → 960 with BN) is all the backbone part loses.
    const picodet = summarizeWithHead({ head: 'picodet_legacy', backbone: 'mobilenet_v3_large_x1_0' }).scopes.find((s) => s.scope === 'backbone')!;
    const classifier = summarizeModel('mobilenet_v3_large_x1_0').scopes.filter((s) => s.scope === 'classifier' || s.scope === 'head');
    assert.equal(picodet.params, summarizeModel('mobilenet_v3_large_x1_0').totals.params - classifier.reduce((a, s) => a + s.params, 0));
  });

  it('outputStride 16 and 8 dilate what follows, as torchvision’s dilated MobileNetV3 does, for every zoo id', () => {
    for (const { id } of ZOO) {
      const params = summarize(buildWithHeadless(id, 32)).totals.params;
      for (const os of [16, 8] as const) {
        const b = new GraphBuilder(id);
        const backbone = addBackbone(b, id, { resolution: 224, outputStride: os });
        assert.deepEqual([...backbone.taps.keys()], TAP_STRIDES.filter((s) => s <= os), `${id} os${os}`);
        const last = backbone.taps.get(os)!;
        const size = expectedSize(id, 224, os);
        if (size !== undefined) assert.deepEqual(last.tensor.shape.slice(2), [size, size], `${id} os${os}`);
        assert.equal(summarize(b.build([last.tensor])).totals.params, params, `${id} os${os}: dilation changes no weights`);
      }
    }
    // torchvision's lraspp_mobilenet_v3_large: the C5 depthwise convs at stride 1, dilation 2, padding 4.
    const graph = buildWithHead({ head: 'lraspp', backbone: 'mobilenet_v3_large_x1_0' });
    for (const block of [13, 14, 15]) {
      const dw = graph.nodes.find((n) => n.name === `backbone.stage5.block${block}.dw.conv`)!;
      assert.deepEqual([dw.attrs.strides, dw.attrs.dilations, dw.attrs.pads], [[1, 1], [2, 2], [4, 4, 4, 4]], dw.name);
    }
    assert.equal(addBackbone(new GraphBuilder('t'), 'squeezenet1_0').taps.has(32), false, 'SqueezeNet never reaches stride 32');
  });
});

function buildWithHeadless(id: string, os: 8 | 16 | 32) {
  const b = new GraphBuilder(id);
  const backbone = addBackbone(b, id, { outputStride: os });
  return b.build([[...backbone.taps.values()].pop()!.tensor]);
}

describe('heads on every backbone', () => {
  it('every head builds on every zoo backbone that has its strides, with scopes backbone / neck / head only; the others get a clear error', () => {
    for (const head of heads()) {
      for (const { id } of ZOO) {
        const has = new Set(backboneTaps(id, { outputStride: head.outputStride }).map((t) => t.stride));
        const resolution = Math.min(head.defaultResolution, 256);
        if (head.strides.every((s) => has.has(s))) {
          const graph = buildWithHead({ head: head.id, backbone: id, resolution });
          assert.equal(graph.name, `${head.id}/${id}`);
          const scopes = [...new Set(graph.nodes.map((n) => n.scope[0]))];
          assert.ok(scopes.every((s) => HEADED_SCOPES.includes(s)), `${head.id}/${id}: scopes ${scopes.join(', ')}`);
          assert.ok(scopes.includes('backbone') && scopes.includes('head'), `${head.id}/${id}`);
          assert.deepEqual(scopes, HEADED_SCOPES.filter((s) => scopes.includes(s)), `${head.id}/${id}: parts in order`);
          assert.ok(graph.outputs.length >= 1);
        } else {
          const missing = head.strides.find((s) => !has.has(s))!;
          assert.match(errorOf(() => buildWithHead({ head: head.id, backbone: id, resolution })), new RegExp(`^${head.id} needs a stride-${missing}\\b.*; ${id} gives strides `));
        }
      }
    }
  });

  it('segmentation heads give logits at the input size, detection heads one row per anchor', () => {
    for (const head of heads().filter((h) => h.task === 'segment')) {
      const graph = buildWithHead({ head: head.id, backbone: 'pplcnet_x0_5', resolution: 256, numClasses: 7 });
      assert.deepEqual(graph.shapes.get(graph.outputs[0]), [1, 7, 256, 256], head.id);
    }
    const ssd = buildWithHead({ head: 'ssdlite', backbone: 'mobilenet_v3_large_x1_0', knobs: { reduced_tail: true } });
    // torchvision: 6 anchors on 20², 10², 5², 3², 2², 1² maps.
    const anchors = 6 * (400 + 100 + 25 + 9 + 4 + 1);
    assert.deepEqual(graph2(ssd), [[1, anchors, 4], [1, anchors, 91]]);
  });

  it('DeepLabV3’s aux head is off by default, as torchvision builds it without weights', () => {
    const plain = summarizeWithHead({ head: 'deeplabv3', backbone: 'mobilenet_v3_large_x1_0' });
    const aux = summarizeWithHead({ head: 'deeplabv3', backbone: 'mobilenet_v3_large_x1_0', headKnobs: { aux: true } });
    assert.equal(plain.totals.params, 11025477);
    assert.equal(aux.totals.params, 11029328);
  });

  it('bad requests are user errors that name the head, the backbone and what is wrong', () => {
    assert.match(errorOf(() => buildWithHead({ head: 'ssdlight', backbone: 'pplcnet_x1_0' })), /unknown head 'ssdlight' \(did you mean ssdlite\? heads: ssdlite, lraspp/);
    assert.equal(findHead('nope'), undefined);
    assert.match(errorOf(() => buildWithHead({ head: 'ssdlite', backbone: 'pplcnet_x3_0' })), /^ssdlite: unknown backbone 'pplcnet_x3_0' \(did you mean pplcnet_x0_25/);
    assert.match(errorOf(() => buildWithHead({ head: 'ssdlite', backbone: 'squeezenet1_1' })), /^ssdlite needs a stride-32 feature map; squeezenet1_1 gives strides 4, 8, 16$/);
    assert.match(errorOf(() => buildWithHead({ head: 'ssdlite', backbone: 'pplcnet_x1_0', headKnobs: { anchors: 0 } })), /ssdlite: knob 'anchors' must be an integer from 1 to 64, got 0/);
    assert.match(errorOf(() => buildWithHead({ head: 'lraspp', backbone: 'pplcnet_x1_0', headKnobs: { rates: [1] } })), /lraspp has no knob 'rates' \(knobs: inter_channels\)/);
    assert.match(errorOf(() => buildWithHead({ head: 'lraspp', backbone: 'pplcnet_x1_0', knobs: { se: true } })), /pplcnet_x1_0 has no knob 'se'/);
    assert.match(errorOf(() => buildWithHead({ head: 'deeplabv3', backbone: 'pplcnet_x1_0', numClasses: 0 })), /deeplabv3: option numClasses must be an integer/);
    assert.match(errorOf(() => buildWithHead({ head: 'ssdlite', backbone: 'fasternet_t0', knobs: { ratio: 0.33 } })), /^ssdlite on fasternet_t0: knob 'ratio' 0\.33 gives/);
    assert.match(errorOf(() => buildWithHead({ head: 'lraspp', backbone: 'mobilenet_v2_x1_0', resolution: 0 })), /^lraspp on mobilenet_v2_x1_0: option resolution must be an integer/);
    assert.match(errorOf(() => buildWithHead({ head: 'lraspp', backbone: 'squeezenet1_0', resolution: 20 })), /^lraspp on squeezenet1_0 cannot be built at 20×20: node 'stage3\.maxpool'/);
  });

  it('published figures come only with the pair and settings the paper reports', () => {
    const metrics = (request: Parameters<typeof summarizeWithHead>[0]) => summarizeWithHead(request).published.map((p) => `${p.metric} ${p.value}`);
    assert.deepEqual(metrics({ head: 'ssdlite', backbone: 'mobilenet_v2_x1_0' }), ['map 22.1', 'params 4300000', 'madds 800000000']);
    assert.deepEqual(metrics({ head: 'ssdlite', backbone: 'mobilenet_v2_x1_0', resolution: 300 }), []);
    assert.deepEqual(metrics({ head: 'ssdlite', backbone: 'mobilenet_v2_x1_0', numClasses: 81 }), []);
    assert.deepEqual(metrics({ head: 'ssdlite', backbone: 'mobilenet_v2_x1_0', width: 1.4 }), []);
    assert.deepEqual(metrics({ head: 'ssdlite', backbone: 'mobilenet_v3_large_x1_0', knobs: { reduced_tail: true } }), ['map 21.3', 'params 3440060']);
    assert.deepEqual(metrics({ head: 'ssdlite', backbone: 'mobilenet_v3_large_x1_0' }), [], 'torchvision’s checkpoint has the reduced tail');
    assert.deepEqual(metrics({ head: 'lraspp', backbone: 'mobilenet_v3_large_x1_0' }), ['miou 57.9', 'params 3221538']);
    assert.deepEqual(metrics({ head: 'deeplabv3', backbone: 'mobilenet_v3_large_x1_0' }), ['miou 60.3']);
    assert.deepEqual(metrics({ head: 'deeplabv3plus', backbone: 'pplcnet_x1_0' }), ['miou 66.03', 'latency_ms 96']);
    assert.deepEqual(metrics({ head: 'deeplabv3plus', backbone: 'mobilenet_v3_large_x1_0', width: 0.5 }), ['miou 55.42', 'latency_ms 135']);
    assert.deepEqual(metrics({ head: 'deeplabv3plus', backbone: 'mobilenet_v3_large_x1_0' }), []);
    assert.deepEqual(metrics({ head: 'deeplabv3plus', backbone: 'pplcnet_x1_0', headKnobs: { aspp_channels: 128 } }), []);
    for (const head of heads()) for (const p of head.published ?? []) for (const f of p.figures) assert.ok(f.source.length > 10, `${head.id}: ${f.metric} needs a source`);
  });
});

function graph2(graph: ReturnType<typeof buildWithHead>) {
  return graph.outputs.map((o) => graph.shapes.get(o));
}

describe('headed graphs in ONNX', { timeout: 120_000 }, () => {
  const cases = [
    { head: 'ssdlite', backbone: 'mobilenet_v3_large_x1_0', knobs: { reduced_tail: true }, resolution: 160 },
    { head: 'lraspp', backbone: 'ghostnet_v2_x1_0', resolution: 128 },
    { head: 'deeplabv3plus', backbone: 'mobilenet_v3_small_x1_0', resolution: 128 }, // its appended conv left out (last_block)
    { head: 'deeplabv3', backbone: 'shufflenet_v2_x0_5', resolution: 96, headKnobs: { aux: true } },
  ];
  const roundTrip = onnxRoundTrip('lcnb-heads-');

  for (const request of cases) {
    it(`${request.head}/${request.backbone}: written, read back with the same counts, and run by onnxruntime`, async () => {
      const result = await roundTrip(buildWithHead(request), `${request.head}.onnx`);
      assert.ok(result.latency.medianMs > 0);
      assert.ok(result.nodes.some((n) => n.name.startsWith('head.')), 'the head ran');
    });
  }
});
