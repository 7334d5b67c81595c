// Debian's Chromium driven by playwright-core, with console errors and page errors collected.
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './server.js';

export const VIEWPORTS = [
  { name: 'phone', width: 412, height: 915, isMobile: true, hasTouch: true },
  { name: 'desktop', width: 1280, height: 800, isMobile: false, hasTouch: false },
];

/**
 * The Chromium features playwright-core 1.65 turns off (its chromiumSwitches), less
 * ThirdPartyStoragePartitioning: see `launch`.
 */
const PLAYWRIGHT_DISABLED_FEATURES_BUT_PARTITIONING = ['AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose', 'HttpsUpgrades', 'HttpsFirstBalancedModeAutoEnable', 'LensOverlay',
  'MediaRouter', 'PaintHolding', 'AvoidCorsURLLoaderRestartOnRedirect', 'TcpPortRandomizationWin',
  'OptimizationHints', 'NetworkTimeServiceQuerying', 'AimEnabled', 'PreconnectToSearch'];

/**
 * Launches headless Chromium with the flags this closed network needs. `partitionedStorage`:
 * an iframe from another site gets its own (partitioned) storage, as in shipping browsers.
 * Playwright turns storage partitioning off, and with third-party cookies blocked (this
 * Chromium's default) such an iframe then has no localStorage at all; a later --disable-features
 * replaces Playwright's, so the same list less partitioning turns it back on.
 */
export function launch(options = {}) {
  const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  if (options.partitionedStorage) args.push(`--disable-features=${PLAYWRIGHT_DISABLED_FEATURES_BUT_PARTITIONING.join(',')}`);
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args });
}

/**
 * A fresh page at a viewport; `problems` collects console errors and uncaught errors (wasm panics
 * too). Service workers are blocked unless `options.serviceWorkers` is 'allow': tests that stub
 * the network with page.route need every request to come from the page.
 */
export async function openPage(browser, viewport, options = {}) {
  const context = await browser.newContext({
    serviceWorkers: options.serviceWorkers ?? 'block',
    viewport: { width: viewport.width, height: viewport.height },
    isMobile: viewport.isMobile,
    hasTouch: viewport.hasTouch,
    deviceScaleFactor: viewport.isMobile ? 2 : 1,
    locale: 'zh-CN',
  });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return { context, page, problems };
}

/** Runs axe-core with the WCAG 2.1 A/AA rules; returns the violations, readable. */
export async function axeViolations(page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Saves a screenshot under e2e/test-results/. */
export async function screenshot(page, name) {
  const dir = join(ROOT, 'e2e', 'test-results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
