// The embed settings page for staff (/analytics/institution/:id/embed, src/embed/settings.rs):
// the allowlist saved and normalised by the server, a refused origin explained without losing
// what was typed, the snippet generator, the live preview running the real loader and showing
// the events it hears, rotating the token secret, and the 403 view for others. axe runs on the
// page; console errors fail a test except the refusals it asks for.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { useEnv, checkPageAfterEach } from '../lib/suite.js';
import { axeViolations, screenshot, VIEWPORTS } from '../lib/browser.js';

const env = useEnv({ browser: { partitionedStorage: true } });
const [PHONE, DESKTOP] = VIEWPORTS;
const STAFF = { email: 'staff@jinzhang.demo', password: 'jieti-demo-2026' };
const JINZHANG = 'jinzhang-accounting';
const COURSE = 'junior-accountant-practice';

/** Calls the API; returns [status, JSON body] (e2e/lib/suite.js). */
const call = (...args) => env.send(...args);

/** A signed-in page for `token` at `path`. */
async function pageAs(viewport, token, path) {
  const { context, page } = await env.open(viewport);
  await context.addInitScript((t) => localStorage.setItem('jieti.token', t), token);
  await page.goto(`${env.server.url}${path}`);
  return page;
}

/** Polls `fn` until it returns a truthy value (or fails after `ms`). */
async function until(fn, ms = 15_000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('embed settings (staff)', () => {
  checkPageAfterEach(env);

  test('allowlist, snippet, live preview with events, secret rotation', async () => {
    const [, staff] = await call('POST', '/session', undefined, STAFF);
    const page = await pageAs(PHONE, staff.token, `/analytics/institution/${JINZHANG}`);
    // Reached from the institution's analytics.
    await page.getByRole('link', { name: '嵌入设置' }).click();
    await page.waitForURL(`**/analytics/institution/${JINZHANG}/embed`);
    await page.getByRole('heading', { level: 1, name: /嵌入设置/ }).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'settings page');

    // The allowlist: saved as the server normalises it, and in force at once.
    const origins = page.getByLabel(/每行一个/);
    await origins.fill('HTTPS://School.Example.edu:443/\nhttp://127.0.0.2:8123, https://school.example.edu');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await until(async () => (await page.locator('#es-origins-status').textContent()) === '已保存。', 10_000, 'saved');
    assert.equal(await origins.inputValue(), 'https://school.example.edu\nhttp://127.0.0.2:8123');
    const [, settings] = await call('GET', `/institutions/${JINZHANG}/embed`, staff.token);
    assert.deepEqual(settings.origins, ['https://school.example.edu', 'http://127.0.0.2:8123']);
    const csp = (await fetch(`${env.server.url}/embed/course/${COURSE}`)).headers.get('content-security-policy');
    assert.ok(csp.split('; ').includes("frame-ancestors 'self' https://school.example.edu http://127.0.0.2:8123"), csp);

    // A refused origin: the server's reason in the status line, the typed text kept, nothing saved.
    await origins.fill('ftp://files.example.edu');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await until(async () => /http or https/.test(await page.locator('#es-origins-status').textContent()), 10_000, 'refusal');
    assert.equal(await origins.inputValue(), 'ftp://files.example.edu');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'es-origins-status', 'focus on the outcome');
    const [, still] = await call('GET', `/institutions/${JINZHANG}/embed`, staff.token);
    assert.deepEqual(still.origins, settings.origins);
    // The browser logs the refused PUT as a failed request: expected here.
    env.ctx.problems = env.ctx.problems.filter((p) => !/status of 400/.test(p));

    // The snippet follows the form: a whole course by default, then one lesson with a theme.
    const snippet = page.locator('#es-snippet');
    assert.equal(await snippet.inputValue(),
      `<div data-jieti-course="${COURSE}"></div>\n<script async src="${env.server.url}/embed.js"></script>`);
    const form = page.locator('form[data-form=snippet]');
    await form.getByLabel('嵌入内容').selectOption('lesson');
    // (Its accessible name also holds the chosen lesson: a label's name includes its control's value.)
    const lesson = form.getByLabel(/^单节课/);
    await until(async () => !(await lesson.isDisabled()), 10_000, 'lesson picker');
    const { chapters } = (await call('GET', `/courses/${COURSE}`))[1];
    const first = chapters[0].lessons[0];
    assert.equal(await lesson.inputValue(), first.id);
    await form.getByLabel('主题色').fill('#0a7d5a');
    await form.getByLabel('语言').selectOption('en');
    await until(async () => (await snippet.inputValue()).includes('data-jieti-lang="en"'), 5000, 'snippet update');
    assert.equal(await snippet.inputValue(),
      `<div data-jieti-lesson="${first.id}" data-jieti-accent="#0a7d5a" data-jieti-lang="en"></div>\n`
      + `<script async src="${env.server.url}/embed.js"></script>`);

    // The live preview runs that snippet: the poster in English with the accent, then the
    // player after a tap, and the events it reports listed under it.
    const host = page.frameLocator('#es-preview');
    const embed = host.frameLocator('iframe');
    const cover = embed.getByRole('button', { name: `Play: ${first.title}` });
    await cover.waitFor({ timeout: 15_000 });
    assert.equal(await embed.locator('html').evaluate((h) => getComputedStyle(h).getPropertyValue('--accent').trim()), '#0a7d5a');
    await page.locator('#es-preview').scrollIntoViewIfNeeded();
    await cover.click();
    await embed.locator('video').waitFor({ timeout: 20_000 });
    await until(async () => /initialized · /.test(await host.locator('#log').innerText()), 15_000, 'initialized in the preview');
    assert.match(await host.locator('#log').innerText(), new RegExp(`initialized · ${first.title}`));
    await screenshot(page, 'embed-settings-phone');

    // Rotating the secret: confirmed, shown at once, and old tokens are the old secret's.
    const before = await page.locator('#es-secret').inputValue();
    assert.equal(before, settings.secret);
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: '更换密钥' }).click();
    await until(async () => (await page.locator('#es-secret').inputValue()) !== before, 10_000, 'new secret');
    const [, rotated] = await call('GET', `/institutions/${JINZHANG}/embed`, staff.token);
    assert.equal(await page.locator('#es-secret').inputValue(), rotated.secret);
    assert.match(await page.locator('#es-secret-status').textContent(), /旧令牌已失效/);
    // Declining the confirmation changes nothing.
    page.once('dialog', (d) => d.dismiss());
    await page.getByRole('button', { name: '更换密钥' }).click();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await call('GET', `/institutions/${JINZHANG}/embed`, staff.token))[1].secret, rotated.secret);
  });

  test('learners and staff of another institution get the 403 view; the page fits a desktop', async () => {
    const [, guest] = await call('POST', '/session/guest');
    const page = await pageAs(PHONE, guest.token, `/analytics/institution/${JINZHANG}/embed`);
    await page.getByRole('heading', { level: 1, name: '此页面仅限该机构的教务人员和管理员查看。' }).waitFor();
    assert.deepEqual(await axeViolations(page), [], '403 view');
    env.ctx.problems = env.ctx.problems.filter((p) => !/status of 403/.test(p));
    await env.ctx.context.close();

    const [, staff] = await call('POST', '/session', undefined, STAFF);
    const other = await pageAs(PHONE, staff.token, '/analytics/institution/mabu-code/embed');
    await other.getByRole('heading', { level: 1, name: '此页面仅限该机构的教务人员和管理员查看。' }).waitFor();
    env.ctx.problems = env.ctx.problems.filter((p) => !/status of 403/.test(p));
    await env.ctx.context.close();

    const wide = await pageAs(DESKTOP, staff.token, `/analytics/institution/${JINZHANG}/embed`);
    await wide.locator('#es-snippet').waitFor();
    const overflow = await wide.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px)`);
    assert.deepEqual(await axeViolations(wide), [], 'desktop');
  });
});
