/** Where lcnb keeps what it measured about this machine (peaks, the fitted roofline): $LCNB_CACHE_DIR, else ~/.cache/lcnb. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function cacheDir(): string {
  return process.env.LCNB_CACHE_DIR || join(homedir(), '.cache', 'lcnb');
}
