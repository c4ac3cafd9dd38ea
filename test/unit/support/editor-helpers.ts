/** Shared by the .onnx editor's tests. */
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { onnx } from '../../../src/onnx/proto';

/** Bundles src/editor/parseWorker.ts into `dir` as scripts/build.mjs does; returns the file. */
export function bundleParseWorker(dir: string): string {
  const outfile = join(dir, 'onnxParseWorker.js');
  buildSync({ entryPoints: [join(__dirname, '..', '..', '..', 'src', 'editor', 'parseWorker.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'silent' });
  return outfile;
}

/** A graph input or output with `dims` (numbers fixed, strings symbolic), float32. */
function tensor(name: string, dims: readonly (number | string)[]): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

/**
 * A one-Conv model (3×3, stride 1, pad 1, 3 → 8 channels, bias) whose input `x` is declared `dims`,
 * as an exporter with dynamic axes writes it. `weightChannels` other than 3 makes a weight that
 * does not fit its input: the file decodes, its graph cannot be read.
 */
export function convModel(dims: readonly (number | string)[], { weightChannels = 3, name = 'x' } = {}): Uint8Array {
  const weights = 8 * weightChannels * 3 * 3;
  const out = dims.length === 4 ? [dims[0], 8, dims[2], dims[3]] : ['N', 8, 'H', 'W'];
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'editor-test',
    producerVersion: '1.0',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'conv',
      node: [
        {
          name: 'conv',
          opType: 'Conv',
          input: [name, 'w', 'b'],
          output: ['y'],
          attribute: [
            { name: 'kernel_shape', type: onnx.AttributeProto.AttributeType.INTS, ints: [3, 3] },
            { name: 'pads', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 1, 1, 1] },
          ],
        },
      ],
      input: [tensor(name, dims)],
      output: [tensor('y', out)],
      initializer: [
        { name: 'w', dims: [8, weightChannels, 3, 3], dataType: 1, floatData: new Array(weights).fill(0.01) },
        { name: 'b', dims: [8], dataType: 1, floatData: new Array(8).fill(0) },
      ],
    },
  }).finish();
}
