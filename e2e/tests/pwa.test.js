// The installable app (PWA) against the real server, Chromium and build: the manifest and icons,
// Chromium's own installability check, the precached shell and offline browsing, stale-while-
// revalidate answers forgotten after a write, personal answers kept per learner and dropped at
// sign-out, and the update flow (banner, "later", reload into the new release).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { useEnv, checkPageAfterEach } from '../lib/suite.js';
import { axeViolations, screenshot, VIEWPORTS } from '../lib/browser.js';
import { ROOT } from '../lib/server.js';

// The update test edits dist/sw.js: this file's server serves a copy, so other files (and the
// build) are untouched. Before useEnv, which starts the server with JIETI_DIST.
const DIST = mkdtempSync(join(tmpdir(), 'jieti-pwa-dist-'));
cpSync(process.env.JIETI_DIST || join(ROOT, 'dist'), DIST, { recursive: true });
process.env.JIETI_DIST = DIST;
after(() => rmSync(DIST, { recursive: true, force: true }));

const env = useEnv();
const [PHONE] = VIEWPORTS;
const COURSE = 'python-basics';
const SW_SOURCE = readFileSync(join(DIST, 'sw.js'), 'utf8');
const VERSION = /const VERSION = '([^']+)';/.exec(SW_SOURCE)[1];
const PRECACHE = JSON.parse(/const PRECACHE = (\[.*?\]);/.exec(SW_SOURCE)[1]);
/** Worker install precaches the whole release (~75 files); the machine is shared. */
const SLOW = { timeout: 90_000 };

/** Opens `path` with service workers allowed and waits until the worker controls the page. */
async function openControlled(path = '/') {
  const ctx = await env.open(PHONE, { serviceWorkers: 'allow' });
  await ctx.page.goto(env.server.url + path);
  // Registered after the load event; takes control with clients.claim once installed.
  await ctx.page.waitForFunction(() => navigator.serviceWorker.controller, null, SLOW);
  return ctx;
}

/** Every jieti cache and the paths (with query) it holds. */
const cacheContents = (page) => page.evaluate(async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const keys = await (await caches.open(name)).keys();
    out[name] = keys.map((r) => { const u = new URL(r.url); return u.pathname + u.search; });
  }
  return out;
});

/** fetch from the page (through the worker): { status, body } or { error } when it fails. */
const pageFetch = (page, method, path, token, body) => page.evaluate(async ([method, path, token, body]) => {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    const res = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  } catch (err) {
    return { error: String(err) };
  }
}, [method, path, token ?? null, body]);

/** The page's learner token (the app makes a guest on the first visit). */
async function tokenOf(page) {
  const handle = await page.waitForFunction(() => localStorage.getItem('jieti.token'), null, { timeout: 30_000 });
  return handle.jsonValue();
}

/**
 * Takes the failed requests the browser logs while offline out of the test's problems (under the
 * worker they are ERR_FAILED: the worker's own fetch failed).
 */
function forgiveOffline() {
  const problems = env.ctx.problems;
  const rest = problems.filter((p) => !/Failed to load resource: net::ERR_(INTERNET_DISCONNECTED|FAILED)$/.test(p));
  problems.splice(0, problems.length, ...rest);
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

/** Attributes of the first `<tag>` whose attribute `key` is `value` (the built HTML is minified: quotes optional). */
function tagAttrs(html, tag, key, value) {
  for (const m of html.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'gi'))) {
    const attrs = {};
    for (const a of m[1].matchAll(/([\w-]+)(?:=(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) attrs[a[1].toLowerCase()] = a[2] ?? a[3] ?? a[4] ?? '';
    if (attrs[key] === value) return attrs;
  }
  return undefined;
}

describe('installable app (PWA) at 412×915', () => {
  checkPageAfterEach(env);

  test('the manifest and its icons make the app installable', async () => {
    const res = await fetch(`${env.server.url}/manifest.webmanifest`);
    assert.equal(res.status, 200);
    const manifest = await res.json();
    assert.match(manifest.name, /阶梯/);
    assert.match(manifest.short_name, /^[\u4e00-\u9fff]+$/, 'a short Chinese name for the home screen');
    assert.equal(manifest.lang, 'zh-Hans');
    assert.equal(manifest.start_url, '/');
    assert.equal(manifest.scope, '/');
    assert.equal(manifest.display, 'standalone');

    const html = await (await fetch(`${env.server.url}/`)).text();
    assert.equal(manifest.theme_color, tagAttrs(html, 'meta', 'name', 'theme-color')?.content);
    assert.equal(tagAttrs(html, 'link', 'rel', 'manifest')?.href, '/manifest.webmanifest');
    const apple = tagAttrs(html, 'link', 'rel', 'apple-touch-icon')?.href;
    assert.ok(apple, 'index.html links an apple-touch-icon');

    const png = manifest.icons.filter((i) => i.type === 'image/png');
    const has = (sizes, purpose) => png.some((i) => i.sizes === sizes && (i.purpose ?? 'any').split(' ').includes(purpose));
    assert.ok(has('192x192', 'any'), '192 any');
    assert.ok(has('512x512', 'any'), '512 any');
    assert.ok(has('512x512', 'maskable'), '512 maskable');
    for (const icon of [...png, { src: apple, sizes: '180x180' }]) {
      const r = await fetch(env.server.url + icon.src);
      assert.equal(r.status, 200, icon.src);
      assert.equal(r.headers.get('content-type'), 'image/png', icon.src);
      assert.equal(pngSize(Buffer.from(await r.arrayBuffer())), icon.sizes, icon.src);
    }
    // Every other icon too: browsers may pick any of them (Chromium prefers `sizes: any`).
    for (const icon of manifest.icons.filter((i) => i.type !== 'image/png')) {
      const r = await fetch(env.server.url + icon.src);
      assert.equal(r.status, 200, `${icon.src} (declared in the manifest)`);
      assert.equal(r.headers.get('content-type'), icon.type, icon.src);
    }
  });

  test('Chromium finds the app installable once the worker controls it', async () => {
    // Chromium never offers installing in an incognito profile (every newContext is one:
    // error 'in-incognito'), so this test gets a profile of its own.
    const profile = mkdtempSync(join(tmpdir(), 'jieti-pwa-profile-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      serviceWorkers: 'allow',
      viewport: { width: PHONE.width, height: PHONE.height },
      isMobile: PHONE.isMobile,
      hasTouch: PHONE.hasTouch,
      deviceScaleFactor: 2,
      locale: 'zh-CN',
    });
    const problems = [];
    try {
      const page = context.pages()[0] ?? await context.newPage();
      page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      await page.goto(env.server.url + '/');
      await page.waitForFunction(() => navigator.serviceWorker.controller, null, SLOW);
      const cdp = await context.newCDPSession(page);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      assert.deepEqual(installabilityErrors, []);
      const { url, errors } = await cdp.send('Page.getAppManifest');
      assert.equal(url, `${env.server.url}/manifest.webmanifest`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
    assert.deepEqual(problems, [], 'no console errors (an icon that fails to load is one)');
  });

  test('the shell is precached; the catalog, a visited course and unvisited pages load offline', async () => {
    const { page, context } = await openControlled('/');
    // Installed: this release's shell cache holds index.html and every file of PRECACHE.
    const shell = `jieti-shell-${VERSION}`;
    await page.waitForFunction((name) => caches.has(name), shell);
    const cached = (await cacheContents(page))[shell];
    assert.ok(cached.includes('/'), 'index.html is cached as /');
    assert.ok(PRECACHE.length >= 60, `PRECACHE lists the release (${PRECACHE.length})`);
    assert.deepEqual(PRECACHE.filter((f) => !cached.includes(f)), [], 'every PRECACHE file is cached');

    // The first visit ran before the worker: browse again online, so its answers are cached.
    await page.reload();
    const cards = page.locator('main h3 a');
    // Every card, not the first few: the rest come a frame or two later (the list is busy till then).
    const filled = () => page.waitForFunction(() => !document.querySelector('main ul[aria-busy=true]'));
    await cards.first().waitFor();
    await filled();
    const titles = await cards.allInnerTexts();
    const title = titles[0];
    await cards.first().click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    const courseUrl = page.url();
    await page.waitForLoadState('networkidle');

    await context.setOffline(true);
    await page.goto(env.server.url + '/');
    await cards.first().waitFor();
    await filled();
    assert.deepEqual(await cards.allInnerTexts(), titles, 'the catalog as it was online');
    await page.goto(courseUrl);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await screenshot(page, 'pwa-offline-course-412x915');
    // Never visited: the page's chunk comes from the precache; its data cannot, so it shows a
    // heading or an error with a retry, never a blank page or a crash.
    for (const path of ['/quiz/python-basics-quiz', '/dashboard']) {
      await page.goto(env.server.url + path);
      const shown = page.locator('main h1').or(page.getByRole('button', { name: '重试' }));
      await shown.first().waitFor({ timeout: 30_000 });
      assert.ok((await page.locator('main').innerText()).trim().length > 0, `${path}: not blank`);
    }
    await screenshot(page, 'pwa-offline-dashboard-412x915');
    // Back online, the retry brings the page.
    await context.setOffline(false);
    const retry = page.getByRole('button', { name: '重试' });
    if (await retry.count()) {
      await retry.click();
      await retry.waitFor({ state: 'detached', timeout: 30_000 });
      await page.locator('main h1').first().waitFor();
    }
    forgiveOffline();
  });

  test('catalog answers are served stale, and a review written through the app shows at once', async () => {
    const { page, context } = await openControlled('/');
    const token = await tokenOf(page);
    const path = `/courses/${COURSE}/reviews`;
    const bodies = async () => {
      const res = await pageFetch(page, 'GET', path, token);
      assert.equal(res.status, 200, JSON.stringify(res));
      return res.body.items.map((r) => r.body);
    };
    await bodies();

    // Another learner reviews behind the worker's back: the worker answers from its cache first
    // (stale), and has the new review after its refresh in the background.
    const other = (await env.call('POST', '/session/guest')).token;
    await env.call('PUT', `/courses/${COURSE}/enrollment`, other);
    const theirs = `别人的评价 ${Date.now()}`;
    await env.call('PUT', `/courses/${COURSE}/review`, other, { rating: 4, body: theirs });
    assert.ok(!(await bodies()).includes(theirs), 'the cached (stale) answer first');
    const deadline = Date.now() + 20_000;
    while (!(await bodies()).includes(theirs)) {
      assert.ok(Date.now() < deadline, 'the background refresh brought the new review');
      await page.waitForTimeout(300);
    }

    // The worker's next refresh reads the list before this learner's write and is delivered
    // after it (a slow network): it must not put the old list back.
    let fetched;
    let delivered;
    const held = { fetched: new Promise((ok) => { fetched = ok; }), delivered: new Promise((ok) => { delivered = ok; }) };
    await context.route(`**/api/v1${path}*`, async (route) => {
      const response = await route.fetch();
      fetched();
      await new Promise((ok) => setTimeout(ok, 1500));
      await route.fulfill({ response });
      delivered();
    }, { times: 1 });
    assert.ok((await bodies()).includes(theirs), 'from the cache, refreshing behind');
    await held.fetched;

    // This learner writes through the worker: the course's cached answers are forgotten.
    assert.equal((await pageFetch(page, 'PUT', `/courses/${COURSE}/enrollment`, token)).status, 200);
    const mine = `我的评价 ${Date.now()}`;
    const put = await pageFetch(page, 'PUT', `/courses/${COURSE}/review`, token, { rating: 5, body: mine });
    assert.equal(put.status, 200, JSON.stringify(put));
    assert.ok((await bodies()).includes(mine), 'the new review at once');
    await held.delivered;
    // Time for the worker to have put it (it would, were it not forgotten).
    await page.waitForTimeout(500);
    const later = await bodies();
    assert.ok(later.includes(mine), 'still there after the older refresh arrived (from the cache)');
    assert.ok(later.includes(theirs));
  });

  test('personal answers are kept per learner offline and dropped at sign-out', async () => {
    const { page, context } = await openControlled('/');
    const a = await tokenOf(page);
    const idA = (await env.call('GET', '/me', a)).id;
    const b = (await env.call('POST', '/session/guest')).token;
    const idB = (await env.call('GET', '/me', b)).id;
    assert.notEqual(idA, idB);
    const me = async (token) => pageFetch(page, 'GET', '/me', token);

    assert.equal((await me(a)).body?.id, idA);
    await context.setOffline(true);
    assert.equal((await me(a)).body?.id, idA, "A's own copy, offline");
    const bNever = await me(b);
    assert.ok(bNever.error, `B was never fetched: no answer, and never A's: ${JSON.stringify(bNever)}`);
    await context.setOffline(false);
    assert.equal((await me(b)).body?.id, idB);
    await context.setOffline(true);
    assert.equal((await me(b)).body?.id, idB, "B's own copy, offline");
    assert.equal((await me(a)).body?.id, idA);
    await context.setOffline(false);

    // An answer that is gone online (left the course: 404) is gone offline too, not the old copy.
    assert.equal((await pageFetch(page, 'PUT', `/courses/${COURSE}/enrollment`, a)).status, 200);
    assert.equal((await pageFetch(page, 'GET', `/courses/${COURSE}/enrollment`, a)).status, 200);
    assert.equal((await pageFetch(page, 'DELETE', `/courses/${COURSE}/enrollment`, a)).status, 204);
    assert.equal((await pageFetch(page, 'GET', `/courses/${COURSE}/enrollment`, a)).status, 404);
    // The browser logs that 404: expected.
    const logged = env.ctx.problems.findIndex((p) => p.includes('status of 404'));
    if (logged >= 0) env.ctx.problems.splice(logged, 1);
    await context.setOffline(true);
    const left = await pageFetch(page, 'GET', `/courses/${COURSE}/enrollment`, a);
    assert.ok(left.error, `offline: no stale enrolment after leaving: ${JSON.stringify(left)}`);
    await context.setOffline(false);

    // Signing out: nothing personal stays on the device.
    assert.equal((await pageFetch(page, 'DELETE', '/session', a)).status, 204);
    await page.waitForFunction(async () => {
      if (!(await caches.has('jieti-personal-v1'))) return true;
      return (await (await caches.open('jieti-personal-v1')).keys()).length === 0;
    }, null, { timeout: 10_000 });
    await context.setOffline(true);
    assert.ok((await me(b)).error, "B's copy went too");
    await context.setOffline(false);
    forgiveOffline();
  });

  test('a new release offers a reload; "later" only hides the offer; reload runs the new release', async () => {
    const { page, context, problems } = await openControlled('/');
    await page.locator('main h3 a').first().waitFor();
    const next = `${VERSION.slice(0, 8)}updated1`;
    const swPath = join(DIST, 'sw.js');
    try {
      // A new release: another VERSION; the server prefers precompressed copies, so they go.
      writeFileSync(swPath, SW_SOURCE.replace(`const VERSION = '${VERSION}';`, `const VERSION = '${next}';`));
      rmSync(`${swPath}.br`, { force: true });
      rmSync(`${swPath}.gz`, { force: true });
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
      const banner = page.getByRole('status').filter({ hasText: '新版本已就绪' });
      await banner.waitFor(SLOW);
      assert.equal(await banner.getAttribute('id'), 'jieti-update');
      await banner.getByRole('button', { name: '重新加载' }).waitFor();
      await banner.getByRole('button', { name: '稍后' }).waitFor();
      await screenshot(page, 'pwa-update-banner-412x915');
      assert.deepEqual(await axeViolations(page), []);

      // Another tab of the app sees the waiting release too; "later" there only hides the offer.
      const other = await context.newPage();
      other.on('console', (msg) => { if (msg.type() === 'error') problems.push(`other console: ${msg.text()}`); });
      other.on('pageerror', (err) => problems.push(`other pageerror: ${err.message}`));
      await other.goto(env.server.url + '/');
      await other.locator('#jieti-update').waitFor(SLOW);
      await other.evaluate(() => { window.__sameDocument = true; });
      await other.getByRole('button', { name: '稍后' }).click();
      await other.locator('#jieti-update').waitFor({ state: 'detached' });
      assert.ok(await other.evaluate(async () => window.__sameDocument
        && !!(await navigator.serviceWorker.getRegistration()).waiting), 'no reload, the release still waits');
      await other.close();
      // A third tab keeps its offer open while this one reloads.
      const third = await context.newPage();
      third.on('console', (msg) => { if (msg.type() === 'error') problems.push(`third console: ${msg.text()}`); });
      third.on('pageerror', (err) => problems.push(`third pageerror: ${err.message}`));
      await third.goto(env.server.url + '/');
      await third.locator('#jieti-update').waitFor(SLOW);

      // "Reload": the waiting worker takes over and this page reloads into it.
      await page.evaluate(() => { window.__sameDocument = true; });
      const reloaded = page.waitForEvent('load', SLOW);
      await banner.getByRole('button', { name: '重新加载' }).click();
      await reloaded;
      await page.waitForFunction(() => !window.__sameDocument && navigator.serviceWorker.controller, null, SLOW);
      const state = await page.evaluate(async () => {
        const reg = await navigator.serviceWorker.getRegistration();
        return { waiting: !!reg.waiting, active: reg.active?.state, controller: navigator.serviceWorker.controller.scriptURL };
      });
      assert.deepEqual(state, { waiting: false, active: 'activated', controller: `${env.server.url}/sw.js` });
      const names = Object.keys(await cacheContents(page));
      assert.ok(names.includes(`jieti-shell-${next}`), `the new release's shell: ${names}`);
      // The release before stays until the next one: a tab that chose "later" may still need it.
      assert.ok(names.includes(`jieti-shell-${VERSION}`), `the previous release's shell is kept: ${names}`);
      await page.locator('main h3 a').first().waitFor();
      assert.equal(await page.locator('#jieti-update').count(), 0, 'no offer after the reload');

      // The third tab's "reload", after the new release already took over, still reloads it.
      await third.evaluate(() => { window.__sameDocument = true; });
      const thirdReloaded = third.waitForEvent('load', { timeout: 30_000 });
      await third.getByRole('button', { name: '重新加载' }).click();
      await thirdReloaded;
      await third.waitForFunction(() => !window.__sameDocument, null, { timeout: 30_000 });
      await third.locator('main h3 a').first().waitFor();
      assert.equal(await third.locator('#jieti-update').count(), 0);
      await third.close();

      // One more release: the oldest shell goes, the one before the newest stays.
      const after = `${VERSION.slice(0, 8)}updated2`;
      writeFileSync(swPath, SW_SOURCE.replace(`const VERSION = '${VERSION}';`, `const VERSION = '${after}';`));
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
      await banner.waitFor(SLOW);
      const again = page.waitForEvent('load', SLOW);
      await banner.getByRole('button', { name: '重新加载' }).click();
      await again;
      await page.waitForFunction((v) => caches.has(`jieti-shell-${v}`), after, SLOW);
      await page.waitForFunction((v) => caches.keys().then((k) => !k.includes(`jieti-shell-${v}`)), VERSION, SLOW);
      const last = Object.keys(await cacheContents(page)).filter((n) => n.startsWith('jieti-shell-'));
      assert.deepEqual(last.sort(), [`jieti-shell-${after}`, `jieti-shell-${next}`].sort());
    } finally {
      // Later tests (if any are added) get the original release back.
      writeFileSync(swPath, SW_SOURCE);
    }
  });
});
