/**
 * Deterministic weights for exported models: the same graph and seed always give the same bytes,
 * so measurements can be repeated and files compared. Values are scaled like a default
 * initialisation so activations stay in a normal range (no denormals, no overflow).
 */

/** 32-bit FNV-1a hash of a string. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, fast, well-distributed 32-bit generator. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` values uniform in [center − spread, center + spread], seeded by seed and tensor name. */
export function seededUniform(seed: number, name: string, count: number, center: number, spread: number): Float32Array {
  const next = generator(seed ^ hash(name));
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = center + spread * (2 * next() - 1);
  return values;
}
