// Draws the app's install icons (public/icons/*.png) from the brand mark with Chromium. Run once
// after changing the mark: node scripts/gen-icons.js. The PNGs are committed (they never change
// with the code), so builds need no image tools.
import { launch } from '../lib/browser.js';
import { ROOT } from '../lib/server.js';
import { join } from 'node:path';

const BLUE = '#1a56db';
// The ladder of public/favicon.svg, on a 32-unit grid.
const MARK = '<path fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round" d="M10 5v22M22 5v22M10 10h12M10 16h12M10 22h12"/>';
// "any": a rounded tile, like the favicon. "maskable": the background fills the square and the
// mark sits inside the 80 % safe circle, so any launcher mask (circle, squircle) keeps it whole.
const ANY = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="${BLUE}"/>${MARK}</svg>`;
const MASKABLE = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="${BLUE}"/><g transform="translate(16 16) scale(0.62) translate(-16 -16)">${MARK}</g></svg>`;
const ICONS = [
  { file: 'icon-192.png', size: 192, svg: ANY },
  { file: 'icon-512.png', size: 512, svg: ANY },
  { file: 'maskable-512.png', size: 512, svg: MASKABLE },
  // iOS puts its own mask on a full square.
  { file: 'apple-touch-icon.png', size: 180, svg: MASKABLE },
];

const browser = await launch();
try {
  for (const { file, size, svg } of ICONS) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`);
    await page.screenshot({ path: join(ROOT, 'public', 'icons', file), omitBackground: true });
    await page.close();
    console.log(file);
  }
} finally {
  await browser.close();
}
