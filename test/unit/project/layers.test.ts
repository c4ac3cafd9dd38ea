import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkLayers, importCycles } from '../../layerRules';

const repo = join(__dirname, '..', '..', '..');

describe('layer rules (DESIGN.md)', () => {
  it('the project breaks none', () => {
    assert.deepEqual(checkLayers(repo), []);
  });

  it('a planted violation is caught', () => {
    const found = checkLayers(join(repo, 'test', 'fixtures', 'layer-violation'));
    assert.deepEqual(
      found.map((v) => `${v.file}: ${v.specifier}`),
      [
        'src/core/planted.ts: vscode',
        'src/core/planted.ts: onnxruntime-node',
        'src/core/planted.ts: ../commands/helper',
        'src/run/planted.ts: ../../kernels/process/profile',
        'kernels/host/planted.ts: ../process/runtime',
        'kernels/process/planted.ts: ../host/client',
        'media/planted.ts: ../src/commands/helper',
        'media/report/planted.ts: ../onnxEditor/editor',
        'src/cli/planted.ts: ../commands/shown',
      ],
    );
    assert.ok(found.some((v) => v.rule === 'onnxruntime-node is loaded only inside kernels/process/'));
    assert.deepEqual(
      found.filter((v) => v.file.startsWith('kernels/') || v.file === 'src/run/planted.ts').map((v) => v.rule),
      [
        'src/ and media/ may import kernels/host and the shared kernels/protocol.ts and stats.ts, never kernels/process',
        'kernels/host may import only kernels, kernels/host of kernels/, not kernels/process',
        'kernels/process may import only kernels, kernels/process of kernels/, not kernels/host',
      ],
    );
    assert.equal(
      found.find((v) => v.file === 'src/cli/planted.ts')?.rule,
      'src/cli reaches vscode through src/cli/planted.ts -> src/commands/shown.ts -> vscode',
    );
  });

  it('no import circle, and a planted one is caught (a circle of types only is none)', () => {
    assert.deepEqual(importCycles(repo), []);
    assert.deepEqual(importCycles(join(repo, 'test', 'fixtures', 'import-circle')), [['src/core/a.ts', 'src/core/b.ts']]);
  });
});
