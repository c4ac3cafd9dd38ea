/**
 * What an .onnx file declares about itself (types only, so the webview can share them): its
 * inputs and outputs as written, and the header read before its graph.
 */

/** A graph input or output as the file declares it: symbolic dimensions by name, unknown ones as '?'. */
export interface DeclaredTensor {
  readonly name: string;
  readonly dims: readonly (number | string)[];
  /** ONNX element type name: float32, int8, int64 … */
  readonly dtype: string;
  /** The file declares no shape at all (not even a rank); a rank-0 input has `dims` [] without this. */
  readonly unranked?: true;
}

/** What a file says about itself before its graph is read: enough to show it and to ask for a shape. */
export interface OnnxHeader {
  readonly opset: number;
  readonly producer: string;
  readonly graphName: string;
  /** Data inputs (initializers left out). */
  readonly inputs: readonly DeclaredTensor[];
  readonly outputs: readonly DeclaredTensor[];
  readonly nodeCount: number;
}
