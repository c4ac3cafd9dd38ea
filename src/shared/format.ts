/** Number formatting shared by the CLI, the extension host and the webviews. */

/** 4231976 → "4,231,976". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** 568740352 → "568.7M", 4.2e9 → "4.20G": SI-style with 3–4 significant digits. */
export function formatSI(n: number): string {
  // The smallest unit whose shown value stays under 1000: 999,960 is "1.00M", not "1000.0K".
  const plain = Number.isInteger(n) ? String(n) : n.toFixed(2);
  if (Math.abs(Number(plain)) < 1000) return plain;
  const units: [number, string][] = [
    [1e3, 'K'],
    [1e6, 'M'],
    [1e9, 'G'],
    [1e12, 'T'],
  ];
  let text = plain;
  for (const [scale, unit] of units) {
    const v = n / scale;
    // 99.96 would round to "100.00": three digits before the point take one after it.
    text = `${v.toFixed(Math.abs(v) >= 99.95 ? 1 : 2)}${unit}`;
    if (Math.abs(parseFloat(text)) < 1000) return text;
  }
  return text;
}

/** 138654272 → "132.2 MiB". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** How a checked claim reads everywhere (report, markdown, CLI): a mark and words, "within the spread" when the runs cannot tell. */
export function claimVerdict(verdict: 'agrees' | 'disagrees' | 'not measured', beyondSpread?: boolean): { mark: string; text: string } {
  if (verdict === 'not measured') return { mark: '–', text: 'not measured' };
  const text = `${verdict} with the paper${beyondSpread ? '' : ', within the spread'}`;
  return { mark: verdict === 'agrees' ? '✓' : '✗', text };
}

/** A latency ratio with its interval: "1.31× (1.27–1.35)". */
export function formatRatio(r: { readonly ratio: number; readonly lo: number; readonly hi: number }): string {
  return `${r.ratio.toFixed(2)}× (${r.lo.toFixed(2)}–${r.hi.toFixed(2)})`;
}

/** How a latency was timed (kernels/process/profile.ts): alone with spinning on, or in turn with other sessions. */
export function latencyTiming(alone: boolean | undefined): string {
  return alone ? "timed alone, thread-pool spinning on (onnxruntime's default)" : 'timed in turn with the other sessions of its job';
}
