/** `lcnb summary|profile <backbone> --head <head>` and `lcnb list --heads`: the cells' build, on the command line. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { runCli as run } from '../support/helpers';
import { summarizeWithHead } from '../../../src/zoo/heads/index';

describe('lcnb --head', () => {
  it("summary --json: the zoo's headed graph, its parts adding up to the totals, the taps read, the paper's figures", async () => {
    const { code, stdout, stderr } = await run('summary', 'pplcnet_x1_0', '--head', 'picodet', '--json');
    assert.equal(code, 0, stderr);
    const s = JSON.parse(stdout);
    const zoo = summarizeWithHead({ head: 'picodet_legacy', backbone: 'pplcnet_x1_0' });
    assert.equal(s.id, 'picodet_legacy/pplcnet_x1_0'); // 'picodet' still names the legacy head
    assert.match(stderr, /^lcnb: note: head 'picodet' is PicoDet's legacy config .* picodet_legacy .* picodet_v2 /);
    assert.deepEqual(s.input, [1, 3, 416, 416], "the head's reference size");
    assert.deepEqual(s.totals, zoo.totals);
    assert.equal(s.head.id, 'picodet_legacy');
    assert.equal(s.head.task, 'detect');
    assert.match(s.head.reference, /PaddleDetection/);
    assert.deepEqual(s.parts.map((p: { part: string }) => p.part), ['backbone', 'neck', 'head']);
    for (const key of ['params', 'madds', 'flops', 'mac_bytes']) {
      assert.equal(s.parts.reduce((a: number, p: Record<string, number>) => a + p[key], 0), s.totals[key], key);
    }
    assert.deepEqual(s.taps.map((t: { stride: number }) => t.stride), [8, 16, 32]);
    const metrics = s.published.map((p: { metric: string }) => p.metric).sort();
    assert.deepEqual(metrics, ['latency_ms', 'map'], 'PP-LCNet 1.0 under PicoDet at 416 is a pair the paper reports');
    assert.equal(s.published.find((p: { metric: string }) => p.metric === 'map').value, 26.9);
  });

  it('summary text: the per-layer summary, then the split by part and the feature maps read', async () => {
    const { code, stdout } = await run('summary', 'mobilenet_v3_large_x1_0', '--head', 'lraspp', '--resolution', '256', '--classes', '19');
    assert.equal(code, 0);
    assert.match(stdout, /^lraspp\/mobilenet_v3_large_x1_0 {2}input \[1, 3, 256, 256\]/);
    assert.match(stdout, /LR-ASPP \(segmentation head 'lraspp', .*\) on mobilenet_v3_large_x1_0, 256×256, 19 classes/);
    assert.match(stdout, /Feature maps the head reads: stride 8 .* stride 16 /);
    assert.match(stdout, /\n {2}backbone +\d+ +[\d.]+[KM] /);
    assert.match(stdout, /\n {2}total +\d+ /);
  });

  it('mistakes: an unknown head, a backbone the head cannot use, --head on a file, --head-knob without --head', async () => {
    const unknown = await run('summary', 'pplcnet_x1_0', '--head', 'yolo');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^lcnb: unknown head 'yolo' .*heads: ssdlite, lraspp/);
    const strides = await run('summary', 'squeezenet1_1', '--head', 'picodet_legacy');
    assert.equal(strides.code, 1);
    assert.match(strides.stderr, /^lcnb: picodet_legacy needs a stride-32 feature map; squeezenet1_1 gives strides 4, 8, 16\n$/);
    const file = await run('summary', 'model.onnx', '--head', 'picodet_legacy');
    assert.equal(file.code, 2);
    assert.match(file.stderr, /--head takes a zoo backbone id/);
    const stray = await run('summary', 'pplcnet_x1_0', '--head-knob', 'channels=96');
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /--head-knob applies with --head/);
  });

  it('--head-knob sets a head knob', async () => {
    const base = JSON.parse((await run('summary', 'pplcnet_x0_5', '--head', 'picodet_legacy', '--json')).stdout);
    const small = JSON.parse((await run('summary', 'pplcnet_x0_5', '--head', 'picodet_legacy', '--head-knob', 'channels=96', '--json')).stdout);
    const neck = (s: { parts: { part: string; params: number }[] }) => s.parts.find((p) => p.part === 'neck')!.params;
    assert.ok(neck(small) < neck(base), 'PicoDet-S channels: a smaller neck');
    assert.equal(small.parts[0].params, base.parts[0].params, 'the backbone is unchanged');
  });

  it('list --heads names every head with its task, strides and reference', async () => {
    const { code, stdout } = await run('list', '--heads', '--json');
    assert.equal(code, 0);
    const all = JSON.parse(stdout) as { id: string; task: string; strides: number[]; reference: string }[];
    for (const id of ['ssdlite', 'lraspp', 'deeplabv3', 'deeplabv3plus', 'picodet_v2', 'picodet_legacy', 'yolov8n', 'yolov8s']) assert.ok(all.some((h) => h.id === id), id);
    assert.ok(all.every((h) => (h.task === 'detect' || h.task === 'segment') && h.strides.length > 0 && h.reference.length > 0));
  });

  it('profile --head: measured here, the time split by part and what is in no part said', { timeout: 180_000 }, async () => {
    const { code, stdout, stderr } = await run('profile', 'pplcnet_x0_5', '--head', 'picodet_legacy', '--resolution', '160', '--runs', '3', '--warmup', '1', '--json');
    assert.equal(code, 0, stderr);
    const p = JSON.parse(stdout);
    assert.equal(p.id, 'picodet_legacy/pplcnet_x0_5');
    assert.deepEqual(p.parts.map((x: { part: string }) => x.part), ['backbone', 'neck', 'head']);
    assert.ok(p.parts.every((x: { median_us: number }) => x.median_us > 0), 'every part has measured kernels');
    const t = p.timing;
    const layersUs = p.layers.reduce((a: number, l: { median_us: number; corrected_us?: number }) => a + (t.corrected ? l.corrected_us! : l.median_us), 0);
    const partsUs = p.parts.reduce((a: number, x: { median_us: number }) => a + x.median_us, 0);
    assert.ok(Math.abs(partsUs + t.runtime_only_us - layersUs) < 1e-3, 'every kernel counted once');
    assert.ok(t.other_us >= 0 && t.run_us > 0);
    assert.deepEqual(p.published, [], 'no published figures at 160×160');
  });
});
