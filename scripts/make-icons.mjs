// Renders the web client's PNG icons from its SVGs with the system Chromium (no image library):
//   node scripts/make-icons.mjs
// Writes apps/web/public/icons/*.png; they are committed, so builds do not need a browser.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from './lib/launch-env.mjs';

const PUBLIC = path.join(ROOT, 'apps/web/public');
const OUT = path.join(PUBLIC, 'icons');
const ICONS = [
  { svg: 'icon.svg', size: 192, file: 'icon-192.png' },
  { svg: 'icon.svg', size: 512, file: 'icon-512.png' },
  { svg: 'icon-maskable.svg', size: 192, file: 'maskable-192.png' },
  { svg: 'icon-maskable.svg', size: 512, file: 'maskable-512.png' },
  // iOS home screen: full bleed (iOS rounds the corners itself).
  { svg: 'icon-maskable.svg', size: 180, file: 'apple-touch-icon.png' },
  // Notification badge (Android status bar): monochrome is derived by the OS from alpha.
  { svg: 'icon-badge.svg', size: 96, file: 'badge-96.png' },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  fs.mkdirSync(OUT, { recursive: true });
  for (const icon of ICONS) {
    const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size } });
    const svg = fs.readFileSync(path.join(PUBLIC, icon.svg), 'utf8');
    await page.setContent(
      `<html><body style="margin:0;background:transparent">` +
        `<img style="display:block;width:${icon.size}px;height:${icon.size}px" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}">` +
        `</body></html>`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    await page.screenshot({ path: path.join(OUT, icon.file), omitBackground: true });
    await page.close();
    console.log(`wrote ${path.relative(ROOT, path.join(OUT, icon.file))}`);
  }
} finally {
  await browser.close();
}
