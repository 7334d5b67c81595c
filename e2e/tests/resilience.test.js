// Client resilience (issue #9): with the API answering 500s, a proxy's HTML error page, malformed
// JSON, slowly, or never, every page shows its error view with a retry button (never a blank page,
// never a wasm panic), requests time out instead of loading for ever, and retry brings the page
// back once the API is well again.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, screenshot } from '../lib/browser.js';
import { useEnv, checkPageAfterEach } from '../lib/suite.js';

const PHONE = VIEWPORTS[0];
const COURSE = 'python-basics';
const JINZHANG = 'jinzhang-accounting';
const STAFF = { email: 'staff@jinzhang.demo', password: 'jieti-demo-2026' };
// The app's request timeout, shortened for the test (src/api/mod.rs reads window.jietiTimeoutMs).
const TIMEOUT_MS = 2500;

// Every kind of page a learner or staff member opens first.
const PAGES = [
  ['catalog', '/'],
  ['search', '/search?q=python'],
  ['course', `/courses/${COURSE}`],
  ['institution', `/institutions/${JINZHANG}`],
  ['lesson', `/learn/${COURSE}`],
  ['quiz', '/quiz/python-basics-quiz'],
  ['mistakes', '/mistakes'],
  ['dashboard', '/dashboard'],
  ['analytics', `/analytics/institution/${JINZHANG}`],
];

// What a sick API or network does instead of answering.
const FAULTS = {
  'server error (500, the API error body)': (route) => route.fulfill({
    status: 500, contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'internal', message: 'database is locked' } }),
  }),
  "a proxy's error page (502, HTML)": (route) => route.fulfill({
    status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
  }),
  'malformed JSON (200, cut short)': (route) => route.fulfill({
    status: 200, contentType: 'application/json', body: '{"items": [{"id": "python-basics", "title": "Py',
  }),
  "a captive portal's login page (200, HTML)": (route) => route.fulfill({
    status: 200, contentType: 'text/html', body: '<html><body><form>请登录 Wi-Fi</form></body></html>',
  }),
  // Never answered: only the app's timeout ends it.
  'no answer at all (timeout)': () => new Promise(() => {}),
};

// What the learner is told for each fault: a server's failure is the server's; an answer that is
// not the API's JSON (a Wi-Fi login page, a body cut short) or no answer is the network's.
const SAYS = {
  'server error (500, the API error body)': /服务器/,
  "a proxy's error page (502, HTML)": /服务器/,
  'malformed JSON (200, cut short)': /网络/,
  "a captive portal's login page (200, HTML)": /网络/,
  'no answer at all (timeout)': /网络/,
};

// Chromium logs every failed response as a console error; the fault is the point here.
const EXPECTED = /Failed to load resource|net::ERR_FAILED/;

describe('client resilience', () => {
  const env = useEnv();
  checkPageAfterEach(env);

  /** A page signed in as staff of Jinzhang (so every page, analytics too, calls the API). */
  async function staffPage() {
    const ctx = await env.open(PHONE);
    const { token } = await env.call('POST', '/session', undefined, STAFF);
    await ctx.context.addInitScript(([t, ms]) => {
      localStorage.setItem('jieti.token', t);
      window.jietiTimeoutMs = ms;
    }, [token, TIMEOUT_MS]);
    return ctx;
  }

  /** Waits for the page's error view; returns its text. Fails on a blank page. */
  async function errorView(page, label) {
    const alert = page.locator('main [role=alert]').filter({ has: page.getByRole('button', { name: '重试' }) });
    try {
      await alert.first().waitFor({ state: 'visible', timeout: TIMEOUT_MS + 15_000 });
    } catch (e) {
      const shown = await page.evaluate(() => document.querySelector('#app')?.innerText ?? '(no #app)');
      throw new Error(`${label}: no error view with retry; the page shows:\n${shown.slice(0, 400)}`);
    }
    return alert.first().innerText();
  }

  /** Waits until the page shows its content: no error view, nothing busy, some text in main. */
  async function content(page, label) {
    await page.waitForFunction(() => {
      const main = document.querySelector('main');
      return main && !main.querySelector('[role=alert]') && !main.querySelector('[aria-busy=true]')
        && !main.querySelector('.skeleton-card, .sk') && main.innerText.trim().length > 8;
    }, null, { timeout: 20_000 }).catch(async () => {
      const shown = await page.evaluate(() => document.querySelector('main')?.innerText ?? '(no main)');
      throw new Error(`${label}: the page did not come back after retry; it shows:\n${shown.slice(0, 400)}`);
    });
  }

  for (const [fault, answer] of Object.entries(FAULTS)) {
    test(`every page shows an error view with retry, and retry recovers: ${fault}`, { timeout: 300_000 }, async (t) => {
      const { page, problems } = await staffPage();
      for (const [name, path] of PAGES) {
        const label = `${name} (${path})`;
        let sick = true;
        const started = Date.now();
        await page.route('**/api/v1/**', (route) => (sick ? answer(route) : route.continue()));
        await page.goto(`${env.server.url}${path}`);
        const said = await errorView(page, label);
        const took = Date.now() - started;
        // The learner is told what happened in words, not shown a raw status or a stack.
        assert.ok(!/panicked|RuntimeError|unreachable|undefined/.test(said), `${label}: ${said}`);
        assert.match(said, SAYS[fault], `${label}: the words fit the fault`);
        if (fault.includes('timeout')) {
          assert.ok(took >= TIMEOUT_MS - 200, `${label}: error view after ${took} ms, before the timeout`);
        }
        // The API is well again: retry (no reload) brings the page.
        sick = false;
        await page.getByRole('button', { name: '重试' }).first().click();
        await content(page, label);
        t.diagnostic(`${label}: error view after ${took} ms; retry recovered`);
        await page.unrouteAll({ behavior: 'ignoreErrors' });
      }
      // Failed loads are expected console noise; anything else (a panic, an uncaught error) is not.
      const unexpected = problems.filter((p) => !EXPECTED.test(p));
      problems.length = 0;
      assert.deepEqual(unexpected, [], 'no wasm panic and no uncaught error');
    });
  }

  test('one failing request among a page\'s several never blanks it: the rest shows, or the error view', { timeout: 180_000 }, async (t) => {
    const { page, problems } = await staffPage();
    // A page's secondary requests (progress, notes, reviews, enrolments, categories, attempts…)
    // and its main one, each failing alone.
    const CASES = [
      [`/learn/${COURSE}`, /\/progress$/], [`/learn/${COURSE}`, /\/notes/], [`/learn/${COURSE}`, /^\/api\/v1\/lessons\//],
      [`/courses/${COURSE}`, /\/reviews/], [`/courses/${COURSE}`, /\/me\/courses/], [`/courses/${COURSE}`, /\/review$/],
      ['/', /\/categories/], ['/dashboard', /\/me\/dashboard/], ['/dashboard', /^\/api\/v1\/me$/],
      ['/quiz/python-basics-quiz', /\/attempts/], [`/institutions/${JINZHANG}`, /^\/api\/v1\/courses$/],
      [`/analytics/institution/${JINZHANG}/embed`, /\/analytics/],
    ];
    for (const [path, failing] of CASES) {
      await page.route((u) => u.pathname.startsWith('/api/v1/') && failing.test(u.pathname), (route) => route.fulfill({
        status: 500, contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'internal', message: 'database is locked' } }),
      }));
      await page.goto(`${env.server.url}${path}`);
      await page.waitForFunction(() => {
        const main = document.querySelector('main');
        return main && !main.querySelector('.sk, .skeleton-card, [aria-busy=true]') && main.innerText.trim().length > 8;
      }, null, { timeout: 20_000 }).catch(() => {});
      const { shown, alert } = await page.evaluate(() => ({
        shown: document.querySelector('main')?.innerText.trim() ?? '',
        alert: !!document.querySelector('main [role=alert]'),
      }));
      assert.ok(shown.length > 8, `${path} with ${failing} failing: blank`);
      t.diagnostic(`${path}, ${failing} failing: ${alert ? 'error view' : 'the rest of the page'} (${shown.slice(0, 40).replace(/\s+/g, ' ')}…)`);
      await page.unrouteAll({ behavior: 'ignoreErrors' });
    }
    const unexpected = problems.filter((p) => !EXPECTED.test(p));
    problems.length = 0;
    assert.deepEqual(unexpected, [], 'no wasm panic and no uncaught error');
  });

  test('categories that fail leave the courses and the active filters, with their own retry', { timeout: 60_000 }, async () => {
    const { page, problems } = await staffPage();
    let sick = true;
    await page.route((u) => u.pathname === '/api/v1/categories', (route) => (sick
      ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'x' } }) })
      : route.continue()));
    await page.goto(`${env.server.url}/?level=beginner`);
    const failed = page.locator('main .chips-failed[role=status]');
    await failed.waitFor();
    assert.match(await failed.innerText(), /课程分类没有加载出来/);
    // The courses and the filter in force are still there (the filter can still be removed).
    await page.locator('main .card').first().waitFor();
    assert.equal(await page.locator('main .active-filters a').count() >= 1, true, 'the active filter chip stays');
    assert.equal(await page.locator('main [role=alert]').count(), 0, 'no error view for the page');
    await screenshot(page, 'catalog-categories-failed-412x915');
    sick = false;
    await failed.getByRole('button', { name: '重试' }).click();
    await page.getByRole('navigation', { name: '课程分类' }).getByRole('link', { name: 'IT/互联网' }).waitFor();
    assert.equal(await failed.count(), 0);
    const unexpected = problems.filter((p) => !EXPECTED.test(p));
    problems.length = 0;
    assert.deepEqual(unexpected, [], 'no wasm panic and no uncaught error');
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  });

  test('a slow API: the skeleton shows, then the page, with no error and no blank moment', { timeout: 120_000 }, async (t) => {
    const { page } = await staffPage();
    for (const [name, path] of PAGES) {
      await page.route('**/api/v1/**', async (route) => {
        await new Promise((ok) => setTimeout(ok, 1500));
        await route.continue().catch(() => {});
      });
      await page.goto(`${env.server.url}${path}`);
      // Something is always on screen while the answers are on their way.
      const shown = await page.evaluate(() => document.querySelector('#app')?.innerText.trim().length ?? 0);
      assert.ok(shown > 0, `${name}: blank while waiting`);
      await content(page, name);
      t.diagnostic(`${name}: shown after a 1.5 s answer`);
      await page.unrouteAll({ behavior: 'ignoreErrors' });
    }
  });
});
