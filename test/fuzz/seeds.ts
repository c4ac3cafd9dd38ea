/**
 * The valid inputs the fuzzer starts from: the sample notebooks, and ONNX models — the PyTorch
 * fixtures and zoo models exported by lcnb's writer, with the data of their large weight tensors
 * left out (the reader needs only their dimensions), so a seed is a few kilobytes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from '../../src/onnx/proto';
import { exportOnnx } from '../../src/onnx/writer';
import { buildModel } from '../../src/zoo';

const repo = join(__dirname, '..', '..');

export interface Seed {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export function notebookSeeds(): Seed[] {
  const dir = join(repo, 'notebooks');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.lcnb'))
    .sort()
    .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(dir, f))) }));
}

/** Initializers over this many elements keep their dimensions but not their data. */
const KEEP_DATA_ELEMENTS = 64;

export function withoutLargeWeights(bytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  for (const t of model.graph?.initializer ?? []) {
    const count = (t.dims ?? []).reduce((a: number, d) => a * Number(d), 1);
    if (count > KEEP_DATA_ELEMENTS) {
      t.rawData = new Uint8Array(0);
      t.floatData = [];
    }
  }
  return onnx.ModelProto.encode(model).finish();
}

const ZOO_SEEDS: [id: string, form: 'deploy' | 'training'][] = [
  ['squeezenet1_1', 'deploy'],
  ['shufflenet_v2_x0_5', 'training'],
  ['mobilenet_v3_small_x1_0', 'deploy'],
  ['ghostnet_x1_0', 'deploy'],
  ['fasternet_t0', 'training'],
  ['pplcnet_x0_25', 'deploy'],
];

export function onnxSeeds(): Seed[] {
  const fixtures = join(repo, 'test', 'fixtures', 'onnx');
  const torch = readdirSync(fixtures)
    .filter((f) => f.endsWith('.onnx'))
    .sort()
    .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(fixtures, f))) }));
  const zoo = ZOO_SEEDS.map(([id, form]) => ({
    name: `${id}-${form}.onnx`,
    bytes: withoutLargeWeights(exportOnnx(buildModel(id, { resolution: 64 }), { form }).bytes),
  }));
  return [...torch, ...zoo];
}
