/** "Did you mean …?" for misspelt names. */

/** Edit distance counting a swap of two neighbouring letters as one edit. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * Up to `max` candidates close to `word`: those it begins with separators ('_', '-', '.') ignored,
 * else the nearest by edit distance, else the nearest with separators ignored, else those sharing its first part before '_'
 * (a model family). When that first part names a family some candidates share, only they are
 * searched: 'mobilenet_v9' gets MobileNets, not the nearer-spelt 'mobileone_s0'.
 */
export function closest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const all = [...candidates];
  const lower = word.toLowerCase();
  const prefix = lower.split('_')[0];
  const family = prefix.length >= 3 && prefix !== lower ? all.filter((c) => c.toLowerCase().startsWith(`${prefix}_`)) : [];
  return family.length && family.length < all.length ? closestAmong(word, family, max) : closestAmong(word, all, max);
}

function closestAmong(word: string, all: readonly string[], max: number): string[] {
  const lower = word.toLowerCase();
  // 'mobilenetv2' for 'mobilenet_v2_x1_0': the same letters without the separators, begun.
  const squash = (s: string) => s.toLowerCase().replace(/[-_. ]/g, '');
  const squashed = squash(word);
  const squashedStarted = squashed.length > 3 ? all.filter((c) => squash(c).startsWith(squashed)) : [];
  if (squashedStarted.length) return squashedStarted.slice(0, max);
  const limit = lower.length <= 3 ? 1 : Math.max(2, Math.floor(lower.length / 3));
  const scored = all.map((c) => ({ c, d: distance(lower, c.toLowerCase()) })).filter((s) => s.d <= limit);
  if (scored.length) {
    const best = Math.min(...scored.map((s) => s.d));
    return scored.filter((s) => s.d === best).slice(0, max).map((s) => s.c);
  }
  if (lower.length >= 3) {
    const started = all.filter((c) => c.toLowerCase().startsWith(lower));
    if (started.length) return started.slice(0, max);
  }
  // The nearest with the separators ignored.
  const squashedLimit = Math.max(2, Math.floor(squashed.length / 3));
  const near = squashed.length > 3 ? all.map((c) => ({ c, d: distance(squashed, squash(c)) })).filter((s) => s.d <= squashedLimit) : [];
  if (near.length) {
    const best = Math.min(...near.map((s) => s.d));
    return near.filter((s) => s.d === best).slice(0, max).map((s) => s.c);
  }
  const prefix = lower.split('_')[0];
  return prefix.length >= 3 && prefix !== lower ? all.filter((c) => c.toLowerCase().startsWith(`${prefix}_`)).slice(0, max) : [];
}

/** " (did you mean a, b?)" or "". */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const close = closest(word, candidates);
  return close.length ? ` (did you mean ${close.join(', ')}?)` : '';
}
