// Renders media/icon.svg to media/icon.png (128x128, transparent background) with headless Chromium. Usage: node scripts/icon.mjs
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const size = Number(process.env.ICON_SIZE ?? 128);
const out = process.env.ICON_OUT ?? join(root, 'media', 'icon.png');
const svg = readFileSync(join(root, 'media', 'icon.svg'), 'utf8')
  .replace(/width="\d+" height="\d+"/, `width="${size}" height="${size}"`);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
  await page.setContent(
    `<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`,
  );
  await page.locator('svg').screenshot({ path: out, omitBackground: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
