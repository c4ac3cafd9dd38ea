/**
 * A graph with a model's inputs that does nothing: timed unprofiled in the same rounds as the model,
 * its run() is the fixed cost of a call with those feeds — the Node binding's work (taking the
 * inputs, the hop to its worker thread and back, returning a result) and onnxruntime's own around
 * the nodes. A model's unprofiled run less this is the time its nodes take.
 *
 * The binding's share had been taken from the profiled runs (wall − onnxruntime's `model_run`), but a
 * profiled run() does more outside `model_run` than an unprofiled one: graphs of one node with a
 * [1, 3, 224, 224] input, 100 rounds in turn, 2 threads, read 27–119 µs of wall time outside
 * `model_run` profiled and 13–35 µs in all unprofiled (bench/README.md). Taken from the profiled
 * runs, the binding's share came out too large and a small model's unprofiled run too short.
 *
 * Only a 1-element output is returned: a model whose outputs are large also pays the binding's copy
 * of them, which stays in its unprofiled run (a classifier's 1,000 logits cost well under a µs).
 */
import { IR_VERSION, onnx, OPSET } from '../../src/onnx/proto';

/** One input of the model, as onnxruntime declares it, with the shape the job feeds. */
export interface EmptyRunInput {
  readonly name: string;
  /** onnxruntime's type name: float32, int64, uint8, … */
  readonly type: string;
  readonly shape: readonly number[];
}

const T = onnx.TensorProto.DataType;
const ONNX_TYPES: Readonly<Record<string, number>> = {
  float32: T.FLOAT,
  float64: T.DOUBLE,
  float16: T.FLOAT16,
  int8: T.INT8,
  int16: T.INT16,
  int32: T.INT32,
  int64: T.INT64,
  uint8: T.UINT8,
  uint16: T.UINT16,
  uint32: T.UINT32,
  uint64: T.UINT64,
  bool: T.BOOL,
};

/** The output the empty graph returns. */
export const EMPTY_RUN_OUTPUT = 'lcnb_empty_run';

/**
 * The empty graph's ONNX bytes, or why there is none (an input of a type ONNX tensors cannot
 * declare here, such as a string or a sequence).
 */
export function emptyRunModel(inputs: readonly EmptyRunInput[]): Uint8Array | string {
  const declared: onnx.IValueInfoProto[] = [];
  for (const input of inputs) {
    const elemType = ONNX_TYPES[input.type];
    if (elemType === undefined) return `input '${input.name}' is of type ${input.type}`;
    declared.push({ name: input.name, type: { tensorType: { elemType, shape: { dim: input.shape.map((d) => ({ dimValue: d })) } } } });
  }
  const value: onnx.ITensorProto = { name: 'value', dims: [1], dataType: T.FLOAT, floatData: [0] };
  const graph: onnx.IGraphProto = {
    name: 'lcnb_empty_run',
    node: [{ opType: 'Constant', name: 'lcnb_empty_run', input: [], output: [EMPTY_RUN_OUTPUT], attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: value }] }],
    input: declared,
    output: [{ name: EMPTY_RUN_OUTPUT, type: { tensorType: { elemType: T.FLOAT, shape: { dim: [{ dimValue: 1 }] } } } }],
  };
  return onnx.ModelProto.encode({ irVersion: IR_VERSION, producerName: 'lcnb', opsetImport: [{ domain: '', version: OPSET }], graph }).finish();
}
