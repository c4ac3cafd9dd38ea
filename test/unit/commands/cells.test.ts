/** The cells the palette commands write parse without errors and say what was asked. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { compareCellText, profileCellText, STARTER_CELL } from '../../../src/commands/cellText';
import { checkCell, compareModels } from '../../../src/lang';

const settings = { provider: 'cpu', threads: 4, runs: 20, warmup: 3, optimization: 'extended' } as const;

function parsed(text: string) {
  const result = checkCell(text);
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), [], text);
  assert.ok(result.cell, text);
  return result.cell;
}

describe('palette cell text', () => {
  it('profile cell names every setting', () => {
    const cell = parsed(profileCellText('shufflenet_v2_x0_5', settings));
    assert.equal(cell.verb, 'profile');
    if (cell.verb !== 'profile' || cell.target.kind !== 'model') throw new Error('not a model profile');
    assert.equal(cell.target.model.id, 'shufflenet_v2_x0_5');
    assert.deepEqual(cell.settings, { runs: 20, warmup: 3, threads: 4, provider: 'cpu', opt: 'extended' });
  });

  it('compare cell, measured and counted only', () => {
    const measured = parsed(compareCellText(['squeezenet1_1', 'mobilenet_v2_x0_5'], settings));
    assert.equal(measured.verb, 'compare');
    if (measured.verb !== 'compare') throw new Error('not compare');
    assert.deepEqual(compareModels(measured).map((m) => m.id), ['squeezenet1_1', 'mobilenet_v2_x0_5']);
    assert.deepEqual(measured.profile, { runs: 20, warmup: 3, threads: 4, provider: 'cpu', opt: 'extended' });
    const counted = parsed(compareCellText(['squeezenet1_1', 'mobilenet_v2_x0_5'], false));
    assert.equal(counted.verb === 'compare' && counted.profile, false);
  });

  it('the starter cell is a model cell', () => {
    assert.equal(parsed(STARTER_CELL).verb, 'model');
  });
});
