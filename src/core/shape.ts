/** NCHW activation shapes and the small arithmetic shape inference needs. */
export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** NumPy/ONNX multidirectional broadcasting; undefined when the shapes cannot broadcast. */
export function broadcastShapes(a: Shape, b: Shape): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out.push(Math.max(da, db));
  }
  return out;
}

/** Output length of a sliding window (conv or pool) along one axis, as ONNX and PyTorch compute it. */
export function windowOutputSize(
  size: number,
  kernel: number,
  stride: number,
  padBegin: number,
  padEnd: number,
  dilation = 1,
  ceilMode = false,
): number {
  const span = size + padBegin + padEnd - dilation * (kernel - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  // With ceil mode the last window must start inside the input or the left padding (PyTorch rule).
  if (ceilMode && (out - 1) * stride >= size + padBegin) out -= 1;
  return out;
}
