/** The names the editor shows for onnxruntime's execution providers. */
export const PROVIDER_LABELS: Readonly<Record<string, string>> = { cpu: 'CPU', cuda: 'CUDA', tensorrt: 'TensorRT', webgpu: 'WebGPU', dml: 'DirectML', coreml: 'CoreML' };

export function providerLabel(name: string): string {
  return PROVIDER_LABELS[name] ?? name;
}
