// Identity against the real server: a guest enrols, signs up, and keeps the enrolment; field
// errors on sign-up and sign-in; sign-out.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { useEnv, checkPageAfterEach } from '../lib/suite.js';
import { axeViolations, screenshot, VIEWPORTS } from '../lib/browser.js';

const env = useEnv();
const api = env.api;

/** Calls the API with the token the app keeps in localStorage. */
async function apiAs(page, path) {
  const token = await page.evaluate(() => localStorage.getItem('jieti.token'));
  assert.ok(token, 'the app holds a bearer token');
  const res = await fetch(`${env.server.url}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, `GET ${path}`);
  return res.json();
}

for (const vp of VIEWPORTS) {
  describe(`identity at ${vp.width}×${vp.height}`, () => {
    checkPageAfterEach(env);

    test('a guest enrols, signs up, and keeps the enrolment; then signs out and back in', async () => {
      const { page } = await env.open(vp);
      await page.goto(env.server.url + '/courses/ecommerce-operations-basics');
      await page.getByRole('heading', { level: 1 }).waitFor();
      // The first visit made a guest silently.
      await page.waitForFunction(() => localStorage.getItem('jieti.token'));
      const guest = await apiAs(page, '/me');
      assert.equal(guest.kind, 'guest');

      await page.getByRole('button', { name: '加入学习' }).click();
      await page.getByRole('status').getByText('已加入这门课程。').waitFor();
      await page.getByRole('link', { name: '开始学习' }).waitFor();
      assert.deepEqual((await apiAs(page, '/me/courses')).items.map((c) => c.id), ['ecommerce-operations-basics']);
      assert.deepEqual(await axeViolations(page), []);

      // Sign up from the prompt under the button; come back to the course.
      await page.getByRole('link', { name: /注册账号/ }).click();
      await page.getByRole('heading', { level: 1, name: '注册' }).waitFor();
      const email = `learner-${vp.name}-${Date.now()}@example.com`;
      // Each viewport's learner has their own name: both write reviews of the same course.
      const name = vp.name === 'phone' ? '小王' : '小李';
      // Field errors first: all three, named on their fields.
      await page.getByRole('button', { name: '注册' }).click();
      await page.getByText('请填写 1–40 个字的昵称').waitFor();
      await page.getByText('请填写正确的邮箱地址').waitFor();
      await page.getByText('密码至少需要 8 个字符').waitFor();
      assert.equal(await page.getByLabel('邮箱').getAttribute('aria-invalid'), 'true');
      if (vp.name === 'phone') await screenshot(page, `sign-up-errors-${vp.width}x${vp.height}`);
      assert.deepEqual(await axeViolations(page), []);
      await page.getByLabel('昵称').fill(name);
      await page.getByLabel('邮箱').fill(email);
      await page.getByLabel('密码').fill('correct horse 1');
      await page.getByRole('button', { name: '注册' }).click();
      await page.getByRole('heading', { level: 1, name: /电商/ }).waitFor();
      await page.getByRole('link', { name: '开始学习' }).waitFor();
      const me = await apiAs(page, '/me');
      assert.equal(me.kind, 'account');
      assert.equal(me.id, guest.id, 'the guest was upgraded in place');
      assert.deepEqual((await apiAs(page, '/me/courses')).items.map((c) => c.id), ['ecommerce-operations-basics']);
      await page.getByRole('link', { name }).waitFor();

      // Enrolled, the learner rates the course; the review is listed under their name, text as
      // text, and the form shows it again after a reload, ready to edit.
      const review = '<b>讲得清楚</b> 例子很实用';
      await page.getByRole('heading', { name: '我的评价' }).waitFor();
      await page.getByRole('button', { name: '提交评价' }).click();
      await page.getByText('请先选择星级').waitFor();
      await page.getByRole('group', { name: '评分' }).getByLabel('4 星').check();
      await page.getByLabel('写下你的学习体验（选填）').fill(review);
      await page.getByRole('button', { name: '提交评价' }).click();
      await page.getByText('评价已保存，谢谢！').waitFor();
      const listed = page.locator('.cp-review', { hasText: name });
      await listed.waitFor();
      assert.equal(await listed.locator('.cp-review-body').innerText(), review);
      assert.equal(await listed.locator('b').count(), 0, 'the review text is never HTML');
      assert.deepEqual(await axeViolations(page), []);
      await page.reload();
      await page.getByRole('heading', { name: '我的评价' }).waitFor();
      await page.waitForFunction(() => document.querySelector('input[name="my-rating"][value="4"]')?.checked);
      assert.equal(await page.getByLabel('写下你的学习体验（选填）').inputValue(), review);

      // Sign out: a fresh guest, who is not enrolled.
      await page.getByRole('link', { name }).click();
      await page.getByText(`已登录：${name}`).waitFor();
      await page.getByRole('button', { name: '退出登录' }).click();
      await page.getByRole('link', { name: '登录' }).first().waitFor();
      await page.waitForFunction(() => localStorage.getItem('jieti.token'));
      assert.equal((await apiAs(page, '/me')).kind, 'guest');

      assert.deepEqual(await axeViolations(page), []);
      // A wrong password is refused on the form; the right one brings the enrolment back.
      await page.getByLabel('邮箱').fill(email);
      await page.getByLabel('密码').fill('wrong password');
      await page.getByRole('button', { name: '登录' }).last().click();
      await page.getByRole('alert').getByText('邮箱或密码不正确').waitFor();
      // The refused request is expected in the console; nothing else may be.
      const refused = env.ctx.problems.findIndex((p) => /status of 401/.test(p));
      assert.ok(refused >= 0);
      env.ctx.problems.splice(refused, 1);
      await page.getByLabel('密码').fill('correct horse 1');
      await page.getByRole('button', { name: '登录' }).last().click();
      await page.getByRole('link', { name }).waitFor();
      assert.deepEqual((await apiAs(page, '/me/courses')).items.map((c) => c.id), ['ecommerce-operations-basics']);
    });
  });
}
