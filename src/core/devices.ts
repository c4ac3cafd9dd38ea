/**
 * Built-in devices for the roofline predictor (./predict): a peak multiply-add rate and a memory
 * bandwidth per device, each with the source of its figures. Datasheet peaks are theoretical
 * (cores × MAdds per cycle × clock; bus width × transfer rate); a single core rarely reaches the
 * whole chip's DRAM bandwidth, so CPU presets overstate bandwidth and predict too few memory-bound
 * layers. The four MobileNetV4 presets keep the paper's measured ridge points instead. VS Code-free.
 */
import { Device, DeviceDtype } from './predict';

const G = 1e9;

function device(id: string, name: string, peakGmacs: number, bandwidthGbs: number, dtype: DeviceDtype, source: string): Device {
  return { id, name, peakMaddsPerSecond: peakGmacs * G, bandwidthBytesPerSecond: bandwidthGbs * G, dtype, source };
}

/** A device known by its ridge point (MAdds/byte) and a chosen peak: bandwidth = peak ÷ ridge point. */
function fromRidge(id: string, name: string, peakGmacs: number, ridge: number, dtype: DeviceDtype, source: string): Device {
  return device(id, name, peakGmacs, peakGmacs / ridge, dtype, source);
}

const MNV4 =
  "MobileNetV4 (Qin et al., arXiv 2404.10518, §3 roofline analysis) gives this device's ridge point; only the ridge point is the paper's (its peak and bandwidth are not used here), so model rankings follow the paper and absolute times the assumed peak. Ridge point:";

export const DEVICES: readonly Device[] = [
  // The four devices MobileNetV4 gives ridge points for. Only the ridge point is the paper's; the
  // peak is a datasheet figure and the bandwidth is derived from both, so the ranking of models is
  // the paper's device and absolute times carry the assumed peak's error.
  fromRidge('pixel6-cpu', 'Google Pixel 6 CPU (Tensor G1, one Cortex-X1)', 44.8, 31.2, 'fp32',
    `${MNV4} 31.2 MAdds/byte. Peak chosen from Arm's Cortex-X1 description: 4 × 128-bit NEON FMA pipes = 16 fp32 MAdds/cycle × 2.80 GHz = 44.8 GMAdds/s (one core); bandwidth derived = 44.8 ÷ 31.2 = 1.44 GB/s (an effective figure, not the LPDDR5 datasheet).`),
  fromRidge('galaxy-s23-cpu', 'Samsung Galaxy S23 CPU (Snapdragon 8 Gen 2 for Galaxy, one Cortex-X3)', 53.76, 39.7, 'fp32',
    `${MNV4} 39.7 MAdds/byte. Peak chosen from Arm's Cortex-X3 description: 4 × 128-bit NEON FMA pipes = 16 fp32 MAdds/cycle × 3.36 GHz = 53.76 GMAdds/s (one core); bandwidth derived = 53.76 ÷ 39.7 = 1.35 GB/s.`),
  fromRidge('pixel4-dsp', 'Google Pixel 4 DSP (Snapdragon 855, Hexagon 690 HVX)', 512, 347.3, 'int8',
    `${MNV4} 347.3 MAdds/byte. Peak assumed: 4 HVX units × 1024-bit = 4 × 128 int8 MAdds/cycle × ~1.0 GHz ≈ 512 GMAdds/s (Qualcomm publishes no HVX clock; the clock is an assumption); bandwidth derived = 512 ÷ 347.3 = 1.47 GB/s.`),
  fromRidge('pixel8-edgetpu', 'Google Pixel 8 EdgeTPU (Tensor G3)', 1000, 433.8, 'int8',
    `${MNV4} 433.8 MAdds/byte. Google publishes no peak for the Tensor G3 TPU: peak set to a nominal 1 TMAdds/s int8 (placeholder — rankings follow the paper's ridge point, absolute times do not mean anything); bandwidth derived = 1000 ÷ 433.8 = 2.31 GB/s.`),

  // Devices of the published latency tables (PAPERS.md) and common targets; datasheet figures.
  device('cortex-a72', 'Arm Cortex-A72, one core @ 1.5 GHz (Raspberry Pi 4, BCM2711)', 6, 12.8, 'fp32',
    'Cortex-A72 issues one 128-bit NEON FMA per cycle over two 64-bit FP pipes (Arm Cortex-A72 Software Optimization Guide; vfpbench measures 15.9 GFLOPS fp32 on one 2.0 GHz core, wlog.flatlib.jp 2015-10-30) = 4 fp32 MAdds/cycle × 1.5 GHz = 6 GMAdds/s; Raspberry Pi 4 LPDDR4-3200 on a 32-bit bus = 3200 MT/s × 4 B = 12.8 GB/s. FasterNet Table 3 ARM column (one thread).'),
  device('i9-9900x-1t', 'Intel Core i9-9900X, one core (AVX-512)', 112, 85.3, 'fp32',
    'Intel ark i9-9900X: 10 cores, 3.5 GHz base, two AVX-512 FMA units per core = 2 × 16 fp32 = 32 MAdds/cycle × 3.5 GHz = 112 GMAdds/s for one core (AVX-512 clocks may be lower, turbo higher); quad-channel DDR4-2666 = 4 × 8 B × 2666 MT/s = 85.3 GB/s (one core reaches only part of it). FasterNet Table 3 CPU column (one thread).'),
  device('xeon-6148-10t', 'Intel Xeon Gold 6148, 10 threads (AVX-512)', 768, 128, 'fp32',
    'Intel ark Xeon Gold 6148: 2.4 GHz base, two AVX-512 FMA units per core = 32 fp32 MAdds/cycle × 2.4 GHz × 10 cores (PaddleClas runs 10 threads) = 768 GMAdds/s; six-channel DDR4-2666 = 6 × 8 B × 2666 MT/s = 128 GB/s per socket. PP-LCNet CPU latency table.'),
  device('apple-m1-1t', 'Apple M1, one performance core (Firestorm)', 51.2, 68.25, 'fp32',
    'Apple M1 Firestorm core: 4 × 128-bit NEON FMA pipes = 16 fp32 MAdds/cycle × 3.2 GHz = 51.2 GMAdds/s (one core; pipe count from public microarchitecture analyses, Apple publishes none); LPDDR4X-4266 on a 128-bit bus = 4266 MT/s × 16 B = 68.3 GB/s.'),
  device('sd855-1t', 'Snapdragon 855, one Kryo 485 Gold Prime core (Cortex-A76 based)', 22.72, 34.1, 'fp32',
    'Snapdragon 855 prime core: Cortex-A76 derivative @ 2.84 GHz, 2 × 128-bit NEON FMA pipes = 8 fp32 MAdds/cycle × 2.84 GHz = 22.7 GMAdds/s; LPDDR4X-2133 on 4 × 16-bit = 4266 MT/s × 8 B = 34.1 GB/s (Qualcomm product brief). PP-LCNet SD855 table, one thread.'),
  device('sd820-1t', 'Snapdragon 820, one Kryo big core', 5.16, 29.9, 'fp32',
    'Kryo big core @ 2.15 GHz: vfpbench measures 10.5 GFLOPS fp32 on one core of an HTC 10 (wlog.flatlib.jp 2016-06-10) = ~2.4 MAdds/cycle × 2.15 GHz = 5.16 GMAdds/s; LPDDR4-1866 on 2 × 32-bit = 3733 MT/s × 8 B = 29.9 GB/s (Qualcomm product brief). ShuffleNet v1 Table 8, one thread.'),
  device('pixel1-cpu', 'Google Pixel 1 CPU (Snapdragon 821, one Kryo big core)', 5.16, 29.9, 'fp32',
    'Same Kryo core as the Snapdragon 820 preset (2.15 GHz in the Pixel): ~2.4 fp32 MAdds/cycle measured by vfpbench (wlog.flatlib.jp 2016-06-10) × 2.15 GHz = 5.16 GMAdds/s; LPDDR4-1866, 2 × 32-bit = 29.9 GB/s. MobileNetV2/V3 tables (TFLite, one large core).'),
  device('pixel2-cpu', 'Google Pixel 2 CPU (Snapdragon 835, one Kryo 280 Gold core)', 9.4, 29.9, 'fp32',
    'Kryo 280 Gold is a Cortex-A73 derivative @ 2.35 GHz; assumed like Cortex-A72 one 128-bit NEON FMA per cycle = 4 fp32 MAdds/cycle × 2.35 GHz = 9.4 GMAdds/s; LPDDR4X-1866 on 4 × 16-bit = 29.9 GB/s (Qualcomm product brief). MobileNetV3 Table 3.'),
  device('pixel3-cpu', 'Google Pixel 3 CPU (Snapdragon 845, one Kryo 385 Gold core)', 10, 29.9, 'fp32',
    'Kryo 385 Gold is a Cortex-A75 derivative @ 2.5 GHz in the Pixel 3; assumed one 128-bit NEON FMA per cycle = 4 fp32 MAdds/cycle × 2.5 GHz = 10 GMAdds/s; LPDDR4X-1866 on 4 × 16-bit = 29.9 GB/s (Qualcomm product brief). MobileNetV3 Table 3.'),
  device('sd810-1t', 'Snapdragon 810, one Cortex-A57 core', 8, 25.6, 'fp32',
    'Cortex-A57 @ 2.0 GHz issues one 128-bit NEON FMA per cycle (two 64-bit FP pipes, as Cortex-A72) = 4 fp32 MAdds/cycle × 2.0 GHz = 8 GMAdds/s; LPDDR4-1600 on 2 × 32-bit = 3200 MT/s × 8 B = 25.6 GB/s (Qualcomm product brief). ShuffleNetV2 Table 8 ARM column, one thread.'),
  device('jetson-orin-nano-gpu', 'NVIDIA Jetson Orin Nano 8GB GPU (Ampere, 1024 CUDA cores)', 640, 68, 'fp32',
    'NVIDIA Jetson Orin Nano 8GB datasheet: 1024 CUDA cores @ 625 MHz = 640 GMAdds/s fp32 (1.28 TFLOPS); 128-bit LPDDR5, 68 GB/s (the later "Super" mode, 1020 MHz and 102 GB/s, is not this preset).'),
  device('rtx-2080ti', 'NVIDIA GeForce RTX 2080 Ti (fp32)', 6724, 616, 'fp32',
    'NVIDIA RTX 2080 Ti reference specification: 4352 CUDA cores × 1545 MHz boost = 6724 GMAdds/s fp32 (13.4 TFLOPS); 352-bit GDDR6 @ 14 Gbps = 616 GB/s. FasterNet Table 3 GPU column.'),
  device('gtx-1080ti', 'NVIDIA GeForce GTX 1080 Ti (fp32)', 5670, 484, 'fp32',
    'NVIDIA GTX 1080 Ti reference specification: 3584 CUDA cores × 1582 MHz boost = 5670 GMAdds/s fp32 (11.3 TFLOPS); 352-bit GDDR5X @ 11 Gbps = 484 GB/s. ShuffleNetV2 Table 8 GPU column.'),
  device('v100', 'NVIDIA Tesla V100 SXM2 (fp32)', 7834, 900, 'fp32',
    'NVIDIA V100 datasheet (SXM2): 5120 CUDA cores × 1530 MHz boost = 7834 GMAdds/s fp32 (15.7 TFLOPS); HBM2 900 GB/s. PaddleClas does not say SXM2 or PCIe (PCIe: 1380 MHz, 14 TFLOPS). PP-LCNet V100 table (TensorRT fp32).'),
];

/** The user's own devices (setting lcnb.devices), known beside the presets; replaced as a whole. */
let userDevices: readonly Device[] = [];

/**
 * Makes `devices` known to cells and hovers beside the presets. Returns why any was left out: an
 * id that is a preset's or repeats an earlier one.
 */
export function setUserDevices(devices: readonly Device[]): string[] {
  const problems: string[] = [];
  const kept: Device[] = [];
  for (const d of devices) {
    if (DEVICES.some((p) => p.id === d.id)) problems.push(`'${d.id}' is a preset's id; give your device another`);
    else if (kept.some((k) => k.id === d.id)) problems.push(`'${d.id}' is given twice; the first is used`);
    else kept.push(d);
  }
  userDevices = kept;
  return problems;
}

/** Every device a cell may name: the user's, then the presets. */
export function knownDevices(): readonly Device[] {
  return [...userDevices, ...DEVICES];
}

export function findDevice(id: string): Device | undefined {
  return knownDevices().find((d) => d.id === id);
}

/** The device a `lcnb.devices` entry describes, or why it cannot be one. */
export function userDevice(entry: unknown): Device | string {
  if (typeof entry !== 'object' || entry === null) return 'is not an object { id, peakGmacs, bandwidthGbs, … }';
  const e = entry as Record<string, unknown>;
  if (typeof e.id !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(e.id)) return `has id ${JSON.stringify(e.id)}: give a short name of letters, digits, '-', '_' or '.'`;
  for (const key of ['peakGmacs', 'bandwidthGbs']) {
    const v = e[key];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) return `'${e.id}' needs ${key}, a positive number, got ${JSON.stringify(v)}`;
  }
  const dtype = e.dtype ?? 'fp32';
  if (dtype !== 'fp32' && dtype !== 'fp16' && dtype !== 'int8') return `'${e.id}' has dtype ${JSON.stringify(dtype)}: one of fp32, fp16, int8`;
  const name = typeof e.name === 'string' && e.name.trim() ? e.name.trim() : e.id;
  const source = typeof e.source === 'string' && e.source.trim() ? e.source.trim() : 'your setting lcnb.devices';
  return device(e.id, name, e.peakGmacs as number, e.bandwidthGbs as number, dtype, source);
}

/** A device given by its figures: peak in GMAdds/s, bandwidth in GB/s (10⁹ bytes/s), fp32. */
export function deviceFromFigures(peakGmacs: number, bandwidthGbs: number): Device {
  if (!(peakGmacs > 0) || !(bandwidthGbs > 0) || !Number.isFinite(peakGmacs) || !Number.isFinite(bandwidthGbs)) {
    throw new RangeError(`a device needs a positive peak and bandwidth, got ${peakGmacs} GMAdds/s and ${bandwidthGbs} GB/s`);
  }
  return device('custom', `custom (${peakGmacs} GMAdds/s, ${bandwidthGbs} GB/s)`, peakGmacs, bandwidthGbs, 'fp32', 'given on the command line');
}
