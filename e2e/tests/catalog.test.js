// The catalog home against the real server and the release build, at phone and desktop sizes.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { useEnv, checkPageAfterEach } from '../lib/suite.js';
import { axeViolations, screenshot, VIEWPORTS } from '../lib/browser.js';

const env = useEnv();
const api = env.api;

/** Titles of the course cards, in order, once the list has loaded. */
async function cardTitles(page) {
  await page.locator('main h3 a').first().waitFor();
  // The cards below the first few come a frame or two later; the list is busy until then.
  await page.waitForFunction(() => !document.querySelector('main ul[aria-busy=true]'));
  // textContent: cards below the fold skip rendering (content-visibility), so their innerText is empty.
  return page.locator('main h3 a').allTextContents();
}

for (const vp of VIEWPORTS) {
  describe(`catalog at ${vp.width}×${vp.height}`, () => {
    checkPageAfterEach(env);

    test('shows the demo courses from the API, most popular first', async () => {
      const { page } = await env.open(vp);
      const expected = await api('/courses?page=1&per_page=20');
      assert.ok(expected.total >= 40);
      await page.goto(env.server.url + '/');
      const titles = await cardTitles(page);
      assert.deepEqual(titles, expected.items.map((c) => c.title));
      await assert.doesNotReject(page.getByText(`共 ${expected.total} 门课程`).waitFor());
      // The first card shows its institution and price as the API says.
      const first = expected.items[0];
      const card = page.locator('main li').filter({ hasText: first.title }).first();
      assert.match(await card.innerText(), new RegExp(first.institution.name));
      assert.match(await card.innerText(), first.price_fen === 0 ? /免费/ : /¥/);
      assert.equal(await page.title(), '阶梯');
      if (vp.name === 'phone') await screenshot(page, `catalog-${vp.width}x${vp.height}`);
      assert.deepEqual(await axeViolations(page), []);
    });

    test('filters by category and pages through results', async () => {
      const { page } = await env.open(vp);
      const cats = await api('/categories');
      const ecommerce = cats.items.find((c) => c.id === 'ecommerce');
      await page.goto(env.server.url + '/');
      await cardTitles(page);
      await page.getByRole('link', { name: ecommerce.name.zh_hans, exact: true }).click();
      await page.waitForURL(/category=ecommerce/);
      const expected = await api('/courses?category=ecommerce&page=1&per_page=20');
      await page.getByText(`共 ${expected.total} 门课程`).waitFor();
      assert.deepEqual(await cardTitles(page), expected.items.map((c) => c.title));
      assert.equal(await page.getByRole('link', { name: ecommerce.name.zh_hans, exact: true }).getAttribute('aria-current'), 'page');

      // Paging through the whole catalog: page 2 is the API's page 2.
      await page.getByRole('link', { name: '全部', exact: true }).click();
      await page.getByRole('link', { name: '下一页' }).click();
      await page.waitForURL(/page=2/);
      const page2 = await api('/courses?page=2&per_page=20');
      await page.getByText(`第 2 / ${Math.ceil(page2.total / 20)} 页`).waitFor();
      assert.deepEqual(await cardTitles(page), page2.items.map((c) => c.title));
    });

    test('the locale switch changes visible text and survives reload', async () => {
      const { page } = await env.open(vp);
      await page.goto(env.server.url + '/');
      await page.getByRole('heading', { name: '热门课程' }).waitFor();
      const language = page.getByRole('combobox', { name: '语言' });
      await language.selectOption('en');
      await page.getByRole('heading', { name: 'Popular courses' }).waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      await page.getByRole('link', { name: 'IT & Internet', exact: true }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Popular courses' }).waitFor();
      assert.equal(await page.getByRole('combobox', { name: 'Language' }).inputValue(), 'en');
      await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-Hant');
      await page.getByRole('heading', { name: '熱門課程' }).waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'zh-Hant');
      assert.deepEqual(await axeViolations(page), []);
    });

    test('deep links load on reload, and unknown paths get a real 404 page', async () => {
      const { page } = await env.open(vp);
      const { items } = await api('/courses?per_page=1');
      const res = await page.goto(`${env.server.url}/courses/${items[0].id}`);
      assert.equal(res.status(), 200);
      await page.getByRole('heading', { level: 1, name: items[0].title }).waitFor();
      await page.reload();
      await page.getByRole('heading', { level: 1, name: items[0].title }).waitFor();
      assert.deepEqual(await axeViolations(page), []);

      await page.goto(`${env.server.url}/?category=exam&page=1`);
      const exam = await api('/courses?category=exam&page=1&per_page=20');
      assert.deepEqual(await cardTitles(page), exam.items.map((c) => c.title));

      await page.goto(`${env.server.url}/no/such/page`);
      await page.getByRole('heading', { name: '页面不存在' }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      await page.getByRole('link', { name: '返回课程列表' }).click();
      await page.getByRole('heading', { name: '热门课程' }).waitFor();
    });

    test('when the API is down the learner gets an error view whose retry works', async () => {
      const { page, problems } = await env.open(vp);
      await page.route('**/api/v1/courses**', (route) => route.abort('internetdisconnected'));
      await page.goto(env.server.url + '/');
      const alert = page.getByRole('alert');
      await alert.getByRole('heading', { name: '加载失败' }).waitFor();
      assert.match(await alert.innerText(), /网络/);
      assert.deepEqual(await axeViolations(page), []);
      // The aborted requests are expected to log; nothing else may.
      const unexpected = problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(p));
      assert.deepEqual(unexpected, []);
      problems.length = 0;

      await page.unroute('**/api/v1/courses**');
      await alert.getByRole('button', { name: '重试' }).click();
      const expected = await api('/courses?page=1&per_page=20');
      assert.deepEqual(await cardTitles(page), expected.items.map((c) => c.title));
      assert.equal(await page.getByRole('alert').count(), 0);
    });

    test('the static shell paints before the app and is never blank', async () => {
      const { page, problems } = await env.open(vp);
      // Without the wasm the page still shows the header and a skeleton, not a white screen.
      await page.route('**/*.wasm', (route) => route.abort());
      await page.goto(env.server.url + '/');
      await page.locator('header .brand').waitFor();
      assert.ok(await page.locator('.skeleton-card').count() >= 3);
      problems.length = 0; // the blocked wasm is expected to fail
    });
  });
}
