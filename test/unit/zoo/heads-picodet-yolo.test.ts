/**
 * PicoDet and YOLOv8n/s: their own structure (YOLOv8's CSPDarknet, output shapes, knobs), swaps onto
 * zoo backbones (the taps test/golden/heads/*.json relies on), errors, published figures, and one
 * headed graph written to ONNX, read back and run by onnxruntime through the kernel process.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { UserError } from '../../../src/core/errors';
import { GraphBuilder } from '../../../src/core/ir';
import { addHeadBackbone, buildWithHead, findHead, HEAD_ONLY_BACKBONES, HeadedRequest, summarizeWithHead } from '../../../src/zoo/heads';
import { backboneTaps } from '../../../src/zoo/taps';
import { errorOf, onnxRoundTrip } from '../support/helpers';

const SWAPS = ['fasternet_t0', 'ghostnet_x1_0', 'mobilenet_v2_x1_0', 'pplcnet_x1_0', 'shufflenet_v2_x1_0'];
const HEADS = ['picodet_legacy', 'yolov8n', 'yolov8s'];

function topScopes(request: HeadedRequest): string[] {
  return [...new Set(buildWithHead(request).nodes.map((n) => n.scope[0]))];
}

function part(request: HeadedRequest, scope: string) {
  const s = summarizeWithHead(request).scopes.find((x) => x.scope === scope);
  assert.ok(s, `${scope} of ${request.head}/${request.backbone}`);
  return s;
}

describe('PicoDet and YOLOv8 heads', () => {
  it('build on their reference backbones and on other zoo backbones with exactly backbone / neck / head', () => {
    for (const head of HEADS) {
      const spec = findHead(head)!;
      for (const backbone of [spec.referenceBackbone.id, ...SWAPS]) {
        assert.deepEqual(topScopes({ head, backbone }), ['backbone', 'neck', 'head'], `${head}/${backbone}`);
      }
    }
  });

  it('PicoDet reads the stride-8/16 taps and the last block, the channels the golden neck + head counts were made for', () => {
    // As PaddleDetection's feature_maps: the last block before the 1×1 conv MobileNetV2/V3, GhostNet and
    // ShuffleNetV2 append (MobileNetV3 [7, 13, 16]: 160 · width; ShuffleNetV2 [5, 13, 17]: 464).
    const expected: [HeadedRequest, number[]][] = [
      [{ head: 'picodet_legacy', backbone: 'fasternet_t0' }, [80, 160, 320]],
      [{ head: 'picodet_legacy', backbone: 'ghostnet_x1_0' }, [40, 112, 160]],
      [{ head: 'picodet_legacy', backbone: 'mobilenet_v2_x1_0' }, [32, 96, 320]],
      [{ head: 'picodet_legacy', backbone: 'pplcnet_x1_0' }, [128, 256, 512]],
      [{ head: 'picodet_legacy', backbone: 'shufflenet_v2_x1_0' }, [116, 232, 464]],
      [{ head: 'picodet_legacy', backbone: 'mobilenet_v3_large_x1_0' }, [40, 112, 160]],
      [{ head: 'picodet_legacy', backbone: 'mobilenet_v3_large_x0_75' }, [32, 88, 120]],
      [{ head: 'picodet_legacy', backbone: 'mobilenet_v3_large_x1_0', width: 0.35 }, [16, 40, 56]],
    ];
    for (const [request, channels] of expected) {
      const graph = buildWithHead(request);
      const reduce = graph.nodes.filter((n) => /^neck\.reduce_s\d+\.conv$/.test(n.name));
      assert.deepEqual(reduce.map((n) => graph.shapes.get(n.inputs[0])![1]), channels, `${request.backbone} ${request.width ?? ''}`);
    }
    // The stride taps themselves are unchanged: MobileNetV3's stride-32 tap is still its last 1×1 conv.
    assert.deepEqual(backboneTaps('mobilenet_v3_large_x0_75').filter((t) => t.stride >= 8).map((t) => t.channels), [32, 88, 720]);
  });

  it('YOLOv8’s own backbone: taps at 4, 8, 16, 32 (SPPF last), the whole model is Ultralytics’ count', () => {
    assert.deepEqual([...HEAD_ONLY_BACKBONES], ['yolov8n_backbone', 'yolov8s_backbone']);
    const b = new GraphBuilder('t');
    const backbone = addHeadBackbone(b, 'yolov8n_backbone', { resolution: 640 });
    assert.deepEqual(
      [...backbone.taps.values()].map((t) => [t.stride, t.channels, t.tensor.shape[2]]),
      [[4, 32, 160], [8, 64, 80], [16, 128, 40], [32, 256, 20]],
    );
    assert.match(backbone.taps.get(32)!.node, /^backbone\.sppf9\./);
    assert.equal(summarizeWithHead({ head: 'yolov8n', backbone: 'yolov8n_backbone' }).totals.params, 3_157_200);
    assert.equal(summarizeWithHead({ head: 'yolov8s', backbone: 'yolov8s_backbone' }).totals.params, 11_166_560);
    // The yolov8n backbone works under PicoDet too (any head whose strides it has).
    assert.deepEqual(topScopes({ head: 'picodet_legacy', backbone: 'yolov8s_backbone' }), ['backbone', 'neck', 'head']);
  });

  it('outputs: PicoDet scores and box distributions per anchor over 4 levels, YOLOv8 [N, 4 + classes, anchors]', () => {
    const pico = buildWithHead({ head: 'picodet_legacy', backbone: 'pplcnet_x0_5', batch: 2, numClasses: 3 });
    const anchors416 = 52 * 52 + 26 * 26 + 13 * 13 + 7 * 7;
    assert.deepEqual(pico.outputs.map((o) => pico.shapes.get(o)), [[2, anchors416, 3], [2, anchors416, 32]]);
    const three = buildWithHead({ head: 'picodet_legacy', backbone: 'pplcnet_x0_5', headKnobs: { extra_level: false, reg_max: 15 } });
    assert.deepEqual(three.outputs.map((o) => three.shapes.get(o)), [[1, anchors416 - 49, 80], [1, anchors416 - 49, 64]]);
    const yolo = buildWithHead({ head: 'yolov8n', backbone: 'fasternet_t0', resolution: 320, numClasses: 5, batch: 2 });
    assert.deepEqual(yolo.outputs.map((o) => yolo.shapes.get(o)), [[2, 9, 40 * 40 + 20 * 20 + 10 * 10]]);
  });

  it('knobs: PicoDet-S widths shrink neck and head; SPPF on a swapped backbone adds exactly its convs', () => {
    const m = summarizeWithHead({ head: 'picodet_legacy', backbone: 'pplcnet_x1_0' }).totals.params;
    const s = summarizeWithHead({ head: 'picodet_legacy', backbone: 'pplcnet_x1_0', headKnobs: { channels: 96, head_convs: 2 } }).totals.params;
    assert.ok(s < m);
    const plain = part({ head: 'yolov8n', backbone: 'fasternet_t0' }, 'neck').params;
    const withSppf = part({ head: 'yolov8n', backbone: 'fasternet_t0', headKnobs: { sppf: true } }, 'neck').params;
    // SPPF on 320 channels: 1×1 conv 320→160 and 640→320, each with BN.
    assert.equal(withSppf - plain, 320 * 160 + 2 * 160 + 640 * 320 + 2 * 320);
  });

  it('bad requests are user errors naming the head and the backbone', () => {
    assert.match(errorOf(() => buildWithHead({ head: 'picodet_legacy', backbone: 'squeezenet1_1' }), UserError), /^picodet_legacy needs a stride-32 feature map; squeezenet1_1 gives strides 4, 8, 16/);
    assert.match(errorOf(() => buildWithHead({ head: 'yolov8n', backbone: 'pplcnet_x1_0', resolution: 400 }), UserError), /yolov8n on pplcnet_x1_0: the input size must be divisible by 32.*400/);
    assert.match(errorOf(() => buildWithHead({ head: 'picodet_legacy', backbone: 'pplcnet_x1_0', headKnobs: { kernel: 4 } }), UserError), /kernel.*odd/);
    assert.match(errorOf(() => buildWithHead({ head: 'yolov8n', backbone: 'yolov8n_backbone', width: 0.5 }), UserError), /yolov8n on yolov8n_backbone: .*no width/);
    assert.match(errorOf(() => buildWithHead({ head: 'yolov8n', backbone: 'yolov8m_backbone' }), UserError), /yolov8n: unknown backbone 'yolov8m_backbone'/);
    assert.match(errorOf(() => buildWithHead({ head: 'yolov8s', backbone: 'fasternet_t0', headKnobs: { spp: true } }), UserError), /yolov8s has no knob 'spp'/);
  });

  it('published figures: the PP-LCNet paper’s PicoDet swaps and Ultralytics’ own models, only at their settings', () => {
    const figures = (r: HeadedRequest) => summarizeWithHead(r).published.map((f) => `${f.metric} ${f.value}`);
    assert.deepEqual(figures({ head: 'picodet_legacy', backbone: 'pplcnet_x1_0' }), ['map 26.9', 'latency_ms 7.9']);
    assert.deepEqual(figures({ head: 'picodet_legacy', backbone: 'pplcnet_x0_5' }), ['map 20.3', 'latency_ms 6']);
    assert.deepEqual(figures({ head: 'picodet_legacy', backbone: 'mobilenet_v3_large_x0_75' }), ['map 25.8', 'latency_ms 11.1']);
    assert.deepEqual(figures({ head: 'picodet_legacy', backbone: 'mobilenet_v3_large_x1_0', width: 0.35 }), ['map 19.2', 'latency_ms 8.1']);
    assert.deepEqual(figures({ head: 'picodet_legacy', backbone: 'mobilenet_v3_large_x1_0' }), []);
    assert.deepEqual(figures({ head: 'picodet_legacy', backbone: 'pplcnet_x1_0', resolution: 320 }), []);
    assert.deepEqual(figures({ head: 'picodet_legacy', backbone: 'pplcnet_x1_0', headKnobs: { head_convs: 2 } }), []);
    assert.deepEqual(figures({ head: 'yolov8n', backbone: 'yolov8n_backbone' }).slice(0, 3), ['map 37.3', 'latency_ms 80.4', 'latency_ms 0.99']);
    assert.deepEqual(figures({ head: 'yolov8s', backbone: 'yolov8s_backbone' }).slice(0, 1), ['map 44.9']);
    assert.deepEqual(figures({ head: 'yolov8n', backbone: 'fasternet_t0' }), []);
    assert.deepEqual(figures({ head: 'yolov8n', backbone: 'yolov8n_backbone', numClasses: 20 }), []);
  });
});

describe('PicoDet and YOLOv8 in ONNX', { timeout: 180_000 }, () => {
  const roundTrip = onnxRoundTrip('lcnb-heads-pico-yolo-');

  const cases: HeadedRequest[] = [
    { head: 'picodet_legacy', backbone: 'pplcnet_x0_5', resolution: 160 },
    { head: 'yolov8n', backbone: 'yolov8n_backbone', resolution: 160 },
  ];
  for (const request of cases) {
    it(`${request.head}/${request.backbone}: written, read back with the same counts, and run by onnxruntime`, async () => {
      const result = await roundTrip(buildWithHead(request), `${request.head}.onnx`);
      assert.ok(result.latency.medianMs > 0);
      for (const scope of ['backbone.', 'neck.', 'head.']) assert.ok(result.nodes.some((n) => n.name.startsWith(scope)), `${scope} ran`);
    });
  }
});
