import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { summarize, type ModelSummary } from '../../../src/core/summary';
import { expandModel, expandZooModel } from '../../../src/lang/expand';
import { buildNetwork, CellError, parseCell, type NetworkCell } from '../../../src/lang/index';
import { buildModel, zooModels, type BuildRequest } from '../../../src/zoo/index';

function network(text: string): NetworkCell {
  const { cell, diagnostics } = parseCell(text);
  assert.deepEqual(diagnostics, [], text);
  assert.ok(cell && cell.verb === 'network');
  return cell;
}

function costs(s: ModelSummary) {
  return { params: s.totals.params, madds: s.totals.madds, flops: s.totals.flops, mac: s.totals.mac_elements };
}

/** Stem and stage rows of the summary (the head and classifier may be grouped differently). */
function stageRows(s: ModelSummary) {
  return s.scopes.filter((r) => r.scope === 'stem' || r.scope.startsWith('stage')).map((r) => ({ scope: r.scope, madds: r.madds, params: r.params, mac: r.mac_elements }));
}

/** Expands `id` with `request` and checks the network against the zoo model, cost for cost. */
function expandsExactly(id: string, request: BuildRequest = {}) {
  const { text } = expandZooModel(id, request);
  const cell = network(text);
  assert.equal(cell.network.name, id);
  const mine = summarize(buildNetwork(cell).graph);
  const zoo = summarize(buildModel(id, request));
  assert.deepEqual(costs(mine), costs(zoo), `${id} ${JSON.stringify(request)}`);
  assert.deepEqual(mine.input, zoo.input);
  assert.deepEqual(mine.output, zoo.output);
  assert.deepEqual(stageRows(mine), stageRows(zoo), `${id}: stem and stage rows`);
  return { text, cell };
}

/** Each layer as "op { args }" with its repeat, the way the cell reads. */
function lines(cell: NetworkCell): string[] {
  return cell.network.layers.map((l) => `${l.op} ${JSON.stringify(l.args)}${l.repeat > 1 ? ` ×${l.repeat}` : ''}`);
}

describe('Expand Model into Layers', () => {
  it('every zoo id expands into a network with its params, MAdds, FLOPs and MAC', () => {
    const ids = zooModels().map((m) => m.id);
    assert.equal(ids.length, 90);
    for (const id of ids) expandsExactly(id);
  });

  it('widths, knobs, resolution, batch and classes are expanded as built', () => {
    const cases: [string, BuildRequest][] = [
      ['squeezenet1_0', { width: 0.5, numClasses: 10 }],
      ['squeezenet1_1', { resolution: 160, batch: 2 }],
      ['shufflenet_v1_g8_x1_0', { width: 0.75 }],
      ['shufflenet_v1_g1_x0_5', { resolution: 192 }],
      ['shufflenet_v2_x1_0', { width: 2.0, numClasses: 100 }],
      ['mobilenet_v1_x1_0', { width: 0.6, resolution: 128 }],
      ['mobilenet_v2_x1_0', { width: 1.3 }],
      ['mobilenet_v2_x0_35', { resolution: 96 }],
      ['mobilenet_v3_large_x1_0', { width: 0.5, knobs: { se: false, act: 'relu' } }],
      ['mobilenet_v3_small_x0_75', { knobs: { act: 'relu' }, resolution: 160 }],
      ['mobilenet_v3_large_x1_0', { knobs: { reduced_tail: true } }],
      ['ghostnet_x1_0', { width: 0.7, knobs: { ratio: 3, dw_kernel: 5 } }],
      ['ghostnet_x1_3', { knobs: { ratio: 4, dw_kernel: 1 } }],
      ['ghostnet_v2_x1_0', { knobs: { dfc: false } }],
      ['ghostnet_v2_x1_6', { width: 0.9, resolution: 256 }],
      ['fasternet_t0', { width: 2, knobs: { ratio: 0.5, act: 'relu', mlp_ratio: 3 } }],
      ['fasternet_t1', { knobs: { ratio: 1, mlp_ratio: 1.5 } }],
      ['pplcnet_x1_0', { width: 0.6, knobs: { se_blocks: [1, 2, 3], k5_blocks: [], last_conv: false, act: 'relu' } }],
      ['pplcnet_x0_25', { knobs: { se_blocks: [], k5_blocks: [13] }, batch: 4 }],
    ];
    for (const [id, request] of cases) expandsExactly(id, request);
  });

  it('reads like the paper: MobileNetV2 is Table 2, one line per block and repeat for identical ones', () => {
    const { text, cell } = expandsExactly('mobilenet_v2_x1_0');
    assert.deepEqual(lines(cell), [
      'conv {"out":32,"k":3,"s":2,"act":"relu6"}',
      'inverted_residual {"out":16,"expand":1}',
      'inverted_residual {"out":24,"s":2}',
      'inverted_residual {"out":24}',
      'inverted_residual {"out":32,"s":2}',
      'inverted_residual {"out":32} ×2',
      'inverted_residual {"out":64,"s":2}',
      'inverted_residual {"out":64} ×3',
      'inverted_residual {"out":96} ×3',
      'inverted_residual {"out":160,"s":2}',
      'inverted_residual {"out":160} ×2',
      'inverted_residual {"out":320}',
      'conv {"out":1280,"k":1,"act":"relu6"}',
      'classifier {"classes":1000,"dropout":0.2}',
    ]);
    assert.deepEqual(
      cell.network.layers.map((l) => l.scope).slice(0, 7),
      ['stem', 'stage1.block1', 'stage2.block2', 'stage2.block3', 'stage3.block4', 'stage3.blocks5_6', 'stage4.block7'],
    );
    assert.match(text, /^# model: mobilenet_v2_x1_0, expanded into layers/);
    assert.match(text, /\ninput: \[1, 3, 224, 224\]\n/);
    assert.match(text, / {2}- inverted_residual: \{ out: 32 \}\n {4}repeat: 2\n {4}scope: stage3\.blocks5_6\n/);
  });

  it('writes the built configuration: rounded widths and knob choices', () => {
    const fasternet = expandsExactly('fasternet_t0', { width: 2, knobs: { ratio: 0.5, act: 'relu' } });
    assert.deepEqual(lines(fasternet.cell).slice(0, 4), [
      'conv {"out":80,"k":4,"s":4}',
      'fasternet_block {"ratio":0.5,"expand":2,"act":"relu"}',
      'conv {"out":160,"k":2,"s":2}',
      'fasternet_block {"ratio":0.5,"expand":2,"act":"relu"} ×2',
    ]);
    assert.match(fasternet.text, /^# model: fasternet_t0 \(width 2, ratio: 0\.5, act: relu\), expanded/);

    const v3 = expandsExactly('mobilenet_v3_small_x1_0', { width: 0.75 });
    // make_divisible(16 · 0.75, 8) = 16, make_divisible(72 · 0.75, 8) = 56.
    assert.equal(lines(v3.cell)[2], 'inverted_residual {"out":24,"s":2,"hidden":56,"act":"relu"}');

    const lcnet = expandsExactly('pplcnet_x1_0', { knobs: { se_blocks: [2], k5_blocks: [2], last_conv: false } });
    assert.deepEqual(lines(lcnet.cell).slice(2, 4), ['depthsep_conv {"out":64,"s":2,"k":5,"se":true}', 'depthsep_conv {"out":64}']);
    assert.equal(lines(lcnet.cell).at(-1), 'classifier {"classes":1000}');

    const ghost = expandsExactly('ghostnet_v2_x1_0');
    assert.deepEqual(
      ghost.cell.network.layers.filter((l) => l.op === 'ghost_bottleneck_v2' && l.args.dfc === false).map((l) => l.scope),
      ['stage1.block1', 'stage2.block2'],
    );
  });

  it('expandModel takes a model cell: its input, classes and profile settings carry over', () => {
    const cellText = 'model: ghostnet_x1_0\ninput: [2, 3, 160, 160]\nclasses: 10\nknobs: { ratio: 3 }\nprofile: { runs: 20, threads: 1, provider: cpu }\n';
    const { text, id } = expandModel(cellText);
    assert.equal(id, 'ghostnet_x1_0');
    const cell = network(text);
    assert.deepEqual(cell.network.input, [2, 3, 160, 160]);
    assert.deepEqual(cell.profile, { runs: 20, threads: 1, provider: 'cpu' });
    const zoo = summarize(buildModel('ghostnet_x1_0', { resolution: 160, batch: 2, numClasses: 10, knobs: { ratio: 3 } }));
    assert.deepEqual(costs(summarize(buildNetwork(cell).graph)), costs(zoo));

    assert.match(expandModel('model: squeezenet1_1\nprofile: false\n').text, /\nprofile: false\n$/);
    assert.match(expandModel('model: squeezenet1_1\nprofile: true\n').text, /\nprofile: true\n$/);
    assert.doesNotMatch(expandModel('model: squeezenet1_1\n').text, /profile/);
  });

  it('re-parameterised models expand in either form: training writes the form into every block, the header names it', () => {
    for (const id of ['mobileone_s0', 'ghostnet_v3_x1_0', 'repvit_m0_9']) {
      const deploy = expandsExactly(id);
      assert.match(deploy.text, new RegExp(`^# model: ${id} \\(deploy form\\), expanded`));
      assert.ok(deploy.cell.network.layers.every((l) => l.args.form === undefined), id);
      const training = expandsExactly(id, { form: 'training' });
      assert.match(training.text, new RegExp(`^# model: ${id} \\(training form\\), expanded`));
      const blocks = training.cell.network.layers.filter((l) => /^(mobileone_block|ghostv3_bottleneck|repvit_block|repvit_classifier)$/.test(l.op));
      assert.ok(blocks.length > 0 && blocks.every((l) => l.args.form === 'training'), id);
      // The training form has more parameters: branches and BNs the deploy form fuses away.
      const params = (text: string) => summarize(buildNetwork(network(text)).graph).totals.params;
      assert.ok(params(training.text) > params(deploy.text), id);
    }
    // MobileOne-S0's over-parameterisation (k = 4) on every stage block, the stem's single branch.
    const s0 = expandsExactly('mobileone_s0', { form: 'training' });
    assert.deepEqual(lines(s0.cell).slice(0, 3), [
      'mobileone_block {"out":48,"k":3,"s":2,"form":"training"}',
      'mobileone_block {"out":48,"k":3,"s":2,"groups":48,"branches":4,"form":"training"}',
      'mobileone_block {"out":48,"k":1,"branches":4,"form":"training"}',
    ]);
    // Knobs, widths and resolutions in both forms.
    const cases: [string, BuildRequest][] = [
      ['mobileone_s0', { form: 'training', knobs: { k: 2 } }],
      ['mobileone_s4', { form: 'training', width: 0.5, resolution: 192 }],
      ['mobileone_s1', { knobs: { k: 3 }, numClasses: 10 }],
      ['ghostnet_v3_x0_5', { form: 'training', knobs: { branches: 1, dfc: false } }],
      ['ghostnet_v3_x1_6', { width: 0.9, resolution: 256 }],
      ['repvit_m1_1', { form: 'training', width: 0.75, knobs: { mlp_ratio: 3 } }],
      ['repvit_m1_5', { resolution: 160, batch: 2 }],
      ['mobilenet_v4_conv_s', { width: 0.5 }],
      ['mobilenet_v4_conv_m', { width: 1.5, resolution: 224 }],
      ['mobilenet_v4_hybrid_m', { resolution: 224, numClasses: 100 }],
    ];
    for (const [id, request] of cases) expandsExactly(id, request);
  });

  it('expandModel keeps a model cell\'s form: training', () => {
    const { text } = expandModel('model: repvit_m1_0\nform: training\n');
    assert.match(text, /^# model: repvit_m1_0 \(training form\)/);
    const cell = network(text);
    assert.deepEqual(costs(summarize(buildNetwork(cell).graph)), costs(summarize(buildModel('repvit_m1_0', { form: 'training' }))));
    assert.deepEqual(cell.network.layers.at(-1)?.args, { classes: 1000, form: 'training' });
  });

  it('MobileNetV4 reads like its block table: uib kernels, fused_ib, mqa', () => {
    const { cell } = expandsExactly('mobilenet_v4_hybrid_m');
    const layers = lines(cell);
    assert.equal(layers[0], 'conv {"out":32,"k":3,"s":2,"act":"relu"}');
    assert.equal(layers[1], 'fused_ib {"out":48,"k":3,"s":2,"expand":4}');
    assert.ok(layers.includes('uib {"out":80,"start_k":3,"mid_k":5,"s":2,"expand":4,"layer_scale":true}'), layers.join('\n'));
    assert.ok(layers.includes('mqa {"out":160,"heads":4,"key_dim":64,"kv_stride":2,"layer_scale":true}'), layers.join('\n'));
    assert.equal(layers.at(-1), 'classifier {"hidden":1280,"hidden_bn":true,"act":"relu","classes":1000}');
    // Conv-S repeats its identical UIBs.
    assert.ok(lines(expandsExactly('mobilenet_v4_conv_s').cell).includes('uib {"out":96,"start_k":0,"mid_k":3,"expand":2} ×4'));
  });

  it('bad cells are errors at their line and column', () => {
    const failsAt = (text: string, line: number, column: number, message: RegExp) => {
      assert.throws(
        () => expandModel(text),
        (e: unknown) => {
          assert.ok(e instanceof CellError, String(e));
          assert.equal(e.range.start.line + 1, line, e.message);
          assert.equal(e.range.start.character + 1, column, e.message);
          assert.match(e.message, message);
          return true;
        },
      );
    };
    failsAt('network: x\ninput: [1, 3, 8, 8]\nlayers: [relu]\n', 1, 1, /only a model: cell expands into layers; this is a network cell/);
    failsAt('model: mobilenet_v9\n', 1, 8, /unknown model id 'mobilenet_v9'/);
    failsAt('model: shufflenet_v2_x1_0\nwidth: 0.7\n', 2, 8, /width 0\.7 is not available/);
    failsAt('model: fasternet_t0\nknobs: { ratio: 0.125, act: relu }\nwidth: 0.75\n', 2, 17, /knob 'ratio' 0.125 gives c·r = 30 × 0.125/);
    failsAt('model: mobilenet_v2_x1_0\nresolutoin: 160\n', 2, 1, /unknown key 'resolutoin'/);
    failsAt('model: [\n', 2, 1, /YAML/);
    assert.throws(() => expandZooModel('nope'), /unknown model id 'nope'/);
  });
});
