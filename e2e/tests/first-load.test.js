// The first load's request path (issue #8): index.html paints the route's skeleton, then fetches
// the page's wasm chunks as one bundle and the page's first API answers beside the main wasm; the
// app takes those answers instead of asking again. Checked by recording every request of a cold
// first load (no service worker, no cache) on the routes the shell prefetches for.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { useEnv, checkPageAfterEach } from '../lib/suite.js';
import { VIEWPORTS } from '../lib/browser.js';

const env = useEnv();
const [PHONE] = VIEWPORTS;

/** Opens `path` cold, waits for `ready`, and returns the paths (with query) the page requested. */
async function firstLoad(path, ready, token) {
  const { page, context } = await env.open(PHONE);
  if (token) await context.addInitScript((t) => localStorage.setItem('jieti.token', t), token);
  const requested = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.origin === env.server.url) requested.push(u.pathname + u.search);
  });
  await page.goto(env.server.url + path);
  await ready(page);
  // Every prefetched answer is taken by the app: none was fetched for nothing.
  await page.waitForFunction(() => Object.keys(window.jietiPrefetch || {}).length === 0, null, { timeout: 10_000 })
    .catch(async () => assert.fail(`prefetched but never used: ${await page.evaluate(() => Object.keys(window.jietiPrefetch))}`));
  return { page, requested };
}

const count = (list, path) => list.filter((p) => p === path).length;

describe('first load', () => {
  checkPageAfterEach(env);

  test('the catalog: skeleton at once, one chunk bundle, each API answer asked for once', async () => {
    const { page: probe } = await env.open(PHONE);
    // Without the wasm the static shell shows the catalog's skeleton (not a blank page).
    await probe.route('**/*.wasm', (r) => r.abort());
    await probe.route('**/*.bin', (r) => r.abort());
    await probe.goto(env.server.url + '/');
    assert.ok(await probe.locator('#shell-main .skeleton-card').count() >= 3, 'the catalog skeleton');
    assert.equal(await probe.locator('main').count(), 1, 'one main landmark');
    await env.ctx.context.close();
    env.ctx.problems.splice(0);

    const { requested } = await firstLoad('/', (p) => p.locator('main h3 a').first().waitFor());
    assert.equal(count(requested, '/api/v1/courses?per_page=20'), 1, requested.join('\n'));
    assert.equal(count(requested, '/api/v1/categories'), 1);
    const bundles = requested.filter((p) => /^\/bundle-catalog_chunk-[0-9a-f]{16}\.bin$/.test(p));
    assert.equal(bundles.length, 1, 'the page chunks as one bundle');
    assert.deepEqual(requested.filter((p) => /^\/(chunk_\d+|split_)\S*\.wasm$/.test(p)), [], 'no single chunk files');
  });

  test('a course page and a lesson: the skeleton of their kind, their data prefetched once', async () => {
    const { page: probe } = await env.open(PHONE);
    await probe.route('**/*.wasm', (r) => r.abort());
    await probe.route('**/*.bin', (r) => r.abort());
    await probe.goto(env.server.url + '/courses/python-basics');
    assert.equal(await probe.locator('#shell-main .sk--media').count(), 1, 'the course skeleton');
    await env.ctx.context.close();
    env.ctx.problems.splice(0);

    const course = await firstLoad('/courses/python-basics', (p) => p.locator('h1').first().waitFor());
    assert.equal(count(course.requested, '/api/v1/courses/python-basics'), 1, course.requested.join('\n'));
    assert.ok(course.requested.some((p) => p.startsWith('/bundle-course_chunk-')));
    await env.ctx.context.close();

    // A learner with a token: their own answers are prefetched too, with their token.
    const guest = await env.call('POST', '/session/guest');
    const detail = await env.api('/courses/python-basics');
    const lesson = detail.chapters.flatMap((c) => c.lessons).find((l) => l.kind === 'video').id;
    const learn = await firstLoad(`/learn/python-basics/${lesson}`, (p) => p.locator('video').waitFor(), guest.token);
    for (const path of ['/api/v1/courses/python-basics', `/api/v1/lessons/${lesson}`, '/api/v1/me']) {
      assert.equal(count(learn.requested, path), 1, `${path} once:\n${learn.requested.join('\n')}`);
    }
    // The player reads the learner's progress again after its first sync; the first read is the
    // prefetched one (firstLoad checked that every prefetched answer was taken).
    assert.ok(count(learn.requested, '/api/v1/courses/python-basics/progress') >= 1);
  });
});
