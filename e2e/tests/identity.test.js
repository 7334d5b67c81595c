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
      // Field errors first: all three, named on their fields.
      await page.getByRole('button', { name: '注册' }).click();
      await page.getByText('请填写 1–40 个字的昵称').waitFor();
      await page.getByText('请填写正确的邮箱地址').waitFor();
      await page.getByText('密码至少需要 8 个字符').waitFor();
      assert.equal(await page.getByLabel('邮箱').getAttribute('aria-invalid'), 'true');
      if (vp.name === 'phone') await screenshot(page, `sign-up-errors-${vp.width}x${vp.height}`);
      assert.deepEqual(await axeViolations(page), []);
      await page.getByLabel('昵称').fill('小王');
      await page.getByLabel('邮箱').fill(email);
      await page.getByLabel('密码').fill('correct horse 1');
      await page.getByRole('button', { name: '注册' }).click();
      await page.getByRole('heading', { level: 1, name: /电商/ }).waitFor();
      await page.getByRole('link', { name: '开始学习' }).waitFor();
      const me = await apiAs(page, '/me');
      assert.equal(me.kind, 'account');
      assert.equal(me.id, guest.id, 'the guest was upgraded in place');
      assert.deepEqual((await apiAs(page, '/me/courses')).items.map((c) => c.id), ['ecommerce-operations-basics']);
      await page.getByRole('link', { name: '小王' }).waitFor();

      // Sign out: a fresh guest, who is not enrolled.
      await page.getByRole('link', { name: '小王' }).click();
      await page.getByText(`已登录：小王`).waitFor();
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
      await page.getByRole('link', { name: '小王' }).waitFor();
      assert.deepEqual((await apiAs(page, '/me/courses')).items.map((c) => c.id), ['ecommerce-operations-basics']);
    });
  });
}
