// Search, filters, sort, the course page and the institution page, against the real server.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { useEnv, checkPageAfterEach } from '../lib/suite.js';
import { axeViolations, screenshot, VIEWPORTS } from '../lib/browser.js';

const env = useEnv();
const api = env.api;

/** Titles of the course cards once they match `expected` (the list updates as you type). */
async function waitForTitles(page, expected) {
  await page.waitForFunction(
    (want) => JSON.stringify([...document.querySelectorAll('main h3 a')].map((a) => a.textContent)) === JSON.stringify(want),
    expected,
    { timeout: 15_000 },
  ).catch(async () => {
    const got = await page.locator('main h3 a').allTextContents();
    assert.deepEqual(got, expected);
  });
}

const searchBox = (page) => page.getByRole('searchbox', { name: '搜索课程' });

/** axe once the results have stopped loading (they fade while a request is in flight). */
async function settledAxe(page) {
  await page.waitForFunction(() => [...document.querySelectorAll('.results')].every((r) => r.getAttribute('aria-busy') === 'false'));
  await page.waitForTimeout(300); // the fade back takes 0.2 s
  return axeViolations(page);
}

for (const vp of VIEWPORTS) {
  describe(`discovery at ${vp.width}×${vp.height}`, () => {
    checkPageAfterEach(env);

    test('typing 电商 or the initials ds finds the e-commerce courses, with matches marked', async () => {
      const { page } = await env.open(vp);
      await page.goto(env.server.url + '/search');
      // Opened as search, the box has focus: typing goes straight in.
      await page.waitForFunction(() => document.activeElement?.getAttribute('type') === 'search');
      await page.keyboard.type('电商');
      const chars = await api('/courses?q=' + encodeURIComponent('电商') + '&per_page=20');
      assert.ok(chars.total >= 5, 'the demo catalog has e-commerce courses');
      await waitForTitles(page, chars.items.map((c) => c.title));
      await page.waitForURL(/q=%E7%94%B5%E5%95%86/);
      await page.getByText(`找到 ${chars.total} 门与“电商”相关的课程`).waitFor();
      assert.equal(await page.locator('main h3 a mark').first().innerText(), '电商');

      await searchBox(page).fill('ds');
      const initials = await api('/courses?q=ds&per_page=20');
      await waitForTitles(page, initials.items.map((c) => c.title));
      assert.ok(initials.items.some((c) => c.title.includes('电商')), 'ds finds 电商 courses');
      if (vp.name === 'phone') await screenshot(page, `search-ds-${vp.width}x${vp.height}`);
      assert.deepEqual(await settledAxe(page), []);
      // Initials suggest the characters they matched: one tap searches in characters.
      await page.locator('.suggest').getByRole('link', { name: '电商', exact: true }).click();
      await waitForTitles(page, chars.items.map((c) => c.title));
      assert.equal(await searchBox(page).inputValue(), '电商');

      // Nothing matches: the empty state offers searches that do.
      await searchBox(page).fill('zzqqxx');
      await page.getByText('试试这些搜索：').waitFor();
      await page.getByRole('link', { name: 'Python', exact: true }).click();
      const python = await api('/courses?q=Python&per_page=20');
      await waitForTitles(page, python.items.map((c) => c.title));
      assert.equal(await searchBox(page).inputValue(), 'Python');
    });

    test('leaving the page right after typing: the pending search never runs for the gone page', async () => {
      const { page } = await env.open(vp);
      await page.goto(env.server.url + '/search');
      await page.waitForFunction(() => document.activeElement?.getAttribute('type') === 'search');
      // Typed, then away before the pause after the last key has passed (250 ms).
      await page.keyboard.type('py');
      await page.evaluate(() => document.querySelector('.site-header a[href="/dashboard"]').click());
      await page.waitForURL(/\/dashboard$/);
      await page.waitForTimeout(600);
      assert.match(page.url(), /\/dashboard$/, 'the search did not pull the learner back');
      assert.equal(await page.locator('.crash-view[role=alert]').count(), 0, 'the app did not crash');
      await page.getByRole('heading', { level: 1 }).first().waitFor();
    });

    test('filters and sort live in the URL: back, forward and reload restore them', async () => {
      const { page } = await env.open(vp);
      await page.goto(env.server.url + '/');
      const all = await api('/courses?per_page=20');
      await waitForTitles(page, all.items.map((c) => c.title));

      if (vp.name === 'phone') await page.getByRole('button', { name: '筛选' }).click();
      const panel = page.getByRole('complementary', { name: '筛选' });
      // The facet count next to "free" is the API's count given the other filters.
      const free = await api('/courses?price=free&per_page=20');
      const freeLabel = panel.locator('label', { has: page.locator('input[data-param="price"][data-value="free"]') });
      assert.match(await freeLabel.innerText(), new RegExp(`${free.total}$`));
      await freeLabel.click();
      await page.waitForURL(/price=free/);
      await waitForTitles(page, free.items.map((c) => c.title));
      if (vp.name === 'phone') {
        if (vp.name === 'phone') await screenshot(page, `filters-${vp.width}x${vp.height}`);
        assert.deepEqual(await settledAxe(page), []);
        await panel.getByRole('button', { name: new RegExp(`查看 ${free.total} 门课程`) }).click();
        // Keyboard: opening moves focus into the drawer; Escape closes it and focus goes back.
        const toggle = page.getByRole('button', { name: '筛选' });
        await page.waitForFunction(() => document.activeElement?.classList.contains('filters-toggle'));
        await toggle.press('Enter');
        await page.waitForFunction(() => document.activeElement?.closest('#filters.open') !== null);
        await page.keyboard.press('Escape');
        await page.waitForFunction(() => document.activeElement?.classList.contains('filters-toggle'));
        assert.equal(await panel.isVisible(), false);
      }

      await page.getByRole('combobox', { name: '排序' }).selectOption('rating');
      await page.waitForURL(/sort=rating/);
      const byRating = await api('/courses?price=free&sort=rating&per_page=20');
      await waitForTitles(page, byRating.items.map((c) => c.title));
      assert.ok(page.url().includes('price=free') && page.url().includes('sort=rating'));

      // Reload: the same filter, order and results.
      await page.reload();
      await waitForTitles(page, byRating.items.map((c) => c.title));
      assert.equal(await page.getByRole('combobox', { name: '排序' }).inputValue(), 'rating');
      await page.getByRole('link', { name: '移除筛选：免费' }).waitFor();

      // Back: free courses in popular order; back again: everything.
      await page.goBack();
      await page.waitForURL((u) => !u.search.includes('sort='));
      await waitForTitles(page, free.items.map((c) => c.title));
      await page.goBack();
      await page.waitForURL((u) => !u.search.includes('price='));
      await waitForTitles(page, all.items.map((c) => c.title));
      await page.goForward();
      await waitForTitles(page, free.items.map((c) => c.title));
      assert.deepEqual(await settledAxe(page), []);
    });

    test('a hand-edited URL with unknown values still shows results, never an error', async () => {
      const { page } = await env.open(vp);
      await page.goto(env.server.url + '/?price=free&sort=bogus&level=expert&page=-3&min_rating=9');
      const free = await api('/courses?price=free&per_page=20');
      await waitForTitles(page, free.items.map((c) => c.title));
      assert.equal(await page.getByRole('alert').count(), 0);
      // A category the server does not know is dropped from the URL, and the rest applies.
      await page.goto(env.server.url + '/?category=no-such-category&price=free');
      await page.waitForURL((u) => !u.search.includes('category='));
      await waitForTitles(page, free.items.map((c) => c.title));
      assert.ok(page.url().includes('price=free'));
      // The refused request is expected in the console; nothing else may be.
      const refused = env.ctx.problems.findIndex((p) => /status of 400/.test(p));
      assert.ok(refused >= 0);
      env.ctx.problems.splice(refused, 1);
      // Past the last page: the empty state, not an error.
      await page.goto(env.server.url + '/?page=9999');
      await page.getByText('试试这些搜索：').waitFor();
      assert.equal(await page.getByRole('alert').count(), 0);
    });

    test('a page whose code cannot be fetched offers a retry that loads it', async () => {
      const { page, problems } = await env.open(vp);
      // Both ways the page's code arrives: its bundle (first load), then the chunk file itself.
      const blocked = ['**/bundle-course_chunk-*.bin', '**/split_course_chunk-*.wasm'];
      for (const glob of blocked) await page.route(glob, (route) => route.abort('internetdisconnected'));
      await page.goto(env.server.url + '/courses/python-basics');
      const alert = page.getByRole('alert');
      await alert.getByRole('heading', { name: '加载失败' }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      // The blocked fetch is expected to log; a panic or anything else is not.
      const unexpected = problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource|Failed to fetch|TypeError/.test(p));
      assert.deepEqual(unexpected, []);
      problems.length = 0;
      for (const glob of blocked) await page.unroute(glob);
      await alert.getByRole('button', { name: '重试' }).click();
      const detail = await api('/courses/python-basics');
      await page.getByRole('heading', { level: 1, name: detail.course.title }).waitFor();
    });

    test('the course page shows the syllabus with the data each lesson costs', async () => {
      const { page } = await env.open(vp);
      const detail = await api('/courses/python-basics');
      await page.goto(env.server.url + '/');
      await page.getByRole('link', { name: detail.course.title }).click();
      await page.getByRole('heading', { level: 1, name: detail.course.title }).waitFor();
      assert.equal(await page.title(), `${detail.course.title} · 阶梯`);
      await page.getByRole('heading', { name: '课程大纲' }).waitFor();
      const lesson = detail.chapters[0].lessons.find((l) => l.size_bytes);
      const row = page.locator('li', { hasText: lesson.title });
      const mb = (Math.round(lesson.size_bytes / 100_000) / 10).toFixed(1);
      assert.match(await row.innerText(), new RegExp(`${mb.replace('.', '\\.')} MB`));
      // Every chapter is listed; the first is open.
      assert.equal(await page.locator('main details').count(), detail.chapters.length);
      await page.getByText(detail.outcomes[0]).waitFor();
      await page.getByText(detail.requirements[0]).waitFor();
      // Reviews from the API, and the rating distribution.
      const reviews = await api('/courses/python-basics/reviews');
      if (reviews.items.length) await page.getByText(reviews.items[0].body).first().waitFor();
      await page.getByRole('img', { name: '评分分布' }).waitFor();
      if (vp.name === 'phone') await screenshot(page, `course-${vp.width}x${vp.height}`);
      assert.deepEqual(await settledAxe(page), []);

      // The institution link leads to its page, with the quality index explained.
      await page.getByRole('link', { name: detail.course.institution.name }).first().click();
      const inst = await api(`/institutions/${detail.course.institution.id}`);
      await page.getByRole('heading', { level: 1, name: inst.name }).waitFor();
      await page.getByText(/质量指数由完课率（35%）/).waitFor();
      if (inst.quality.score !== undefined) await page.getByText(String(inst.quality.score), { exact: true }).waitFor();
      const theirs = await api(`/courses?institution=${inst.id}&per_page=12`);
      await waitForTitles(page, theirs.items.map((c) => c.title));
      if (vp.name === 'phone') await screenshot(page, `institution-${vp.width}x${vp.height}`);
      assert.deepEqual(await settledAxe(page), []);
    });
  });
}
