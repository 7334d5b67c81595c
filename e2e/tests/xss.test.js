// The XSS corpus (e2e/lib/xss.js) through every user text field the product has, against the real
// server and app: written through the API where that is how the value arrives (and the UI where a
// person types it), then rendered on every page that shows it. On each page: every accepted value
// is shown as text, no payload ran (no dialog, no `__xss` call) and none left markup behind (DOM
// scan against the shell's own). A value the server refuses (too long, control characters, not an
// origin) is fine: every value it accepts must render harmlessly. The server's CSP is bypassed
// (see `browse`), so a rendering bug shows as a run payload, not only as a CSP report. A self-check
// proves the detectors catch a payload that does run. Prints a summary line per run and field.
import { test, describe, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useEnv } from '../lib/suite.js';
import { VIEWPORTS } from '../lib/browser.js';
import { ROOT } from '../lib/server.js';
import { PAYLOADS, corpus, squash, installDetectors, scanDom, injected } from '../lib/xss.js';

const env = useEnv();
const DESKTOP = VIEWPORTS[1];
const BANK = JSON.parse(readFileSync(join(ROOT, 'crates', 'server', 'seed', 'quizzes.json'), 'utf8'));
const quizDef = (id) => BANK.find((q) => q.id === id);
const PRACTICE = quizDef('python-basics-practice');
const EXAM = quizDef('accountant-mock-exam');
const REV = 'ecommerce-operations-basics';
const ACC = 'junior-accountant-practice';
const JINZHANG = 'jinzhang-accounting';
const STAFF = { email: 'staff@jinzhang.demo', password: 'jieti-demo-2026' };
const RUN = randomUUID().slice(0, 6);

/** Field codes: a payload's id is code × 100 + its index, so a hit names the field. */
const F = {
  NAME: 1, EMBED_NAME: 2, REVIEW: 3, NOTE: 4, NOTE_TYPED: 5, TRANSCRIPT: 6, SEARCH_URL: 7,
  SEARCH_BOX: 8, BLANK: 9, NUMBER: 10, ESSAY: 11, CHOICE_ID: 12, MISTAKE: 13, REASON: 14, ORIGINS: 15,
};
const FIELD_NAMES = {
  1: 'display name (sign-up)', 2: 'embed learner name (token claim)', 3: 'review body', 4: 'note/bookmark body (API)',
  5: 'note typed in the player', 6: 'transcript search box', 7: 'search ?q=', 8: 'search box', 9: 'quiz fill-in blank',
  10: 'quiz numeric answer', 11: 'quiz essay', 12: 'quiz choice/picked-blank ids (API only)', 13: 'wrong-answer book review answer',
  14: 'certificate revocation reason (staff)', 15: 'embed allowed origins (staff)',
};
const fieldOf = (id) => FIELD_NAMES[Math.floor(Number(id) / 100)] ?? `id ${id}`;

/** What the file saw, for the summary line. */
const tally = { fields: new Map(), dialogs: [], hits: [], injected: [], notShown: [] };
/** The file's figures for one field: values accepted and refused, renderings, where. */
function fieldTally(field) {
  if (!tally.fields.has(field)) tally.fields.set(field, { accepted: 0, refused: 0, renderings: 0, places: new Set() });
  return tally.fields.get(field);
}
/** Counts a value the app sent and the server took (typed in the UI). */
const took = (field) => { fieldTally(field).accepted++; };

/** Runs SQL on the server's database. */
function sql(query) {
  return execFileSync('sqlite3', [env.server.dbPath, query], { encoding: 'utf8' }).trim();
}

const call = (...args) => env.call(...args);
const send = (...args) => env.send(...args);

/** Browser contexts of the current test: closed after it, their console errors checked. */
let open = [];
/** Console errors a test expects (the browser logs refused requests), as patterns. */
let forgiven = [];

/**
 * A desktop page with the detectors installed. The server's Content-Security-Policy is bypassed:
 * it would stop an inline handler from running, but this test is about the first line of defence
 * (user text never parsed as HTML), which must hold where the app is served without that header
 * (any static host or CDN, an institution's own server).
 */
async function browse() {
  const context = await env.browser.newContext({
    serviceWorkers: 'block', viewport: { width: DESKTOP.width, height: DESKTOP.height }, locale: 'zh-CN', bypassCSP: true,
  });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  // The console does not say which request failed: the responses do.
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`response: ${res.status()} ${res.request().method()} ${res.url()}`); });
  await context.route(`${env.server.url}/__xss-blank`, (route) => route.fulfill({
    contentType: 'text/html', body: '<!doctype html><title>blank</title><link rel=icon href="data:,">',
  }));
  const b = { context, page, problems, det: await installDetectors(context) };
  open.push(b);
  return b;
}

/** Opens `path` in `b`, first making `token` the learner of its origin when one is given. */
async function visit(b, path, token) {
  if (token !== undefined && token !== b.token) {
    // A blank page of the origin (answered by the browser, see `browse`) to set it before the app starts.
    await b.page.goto(`${env.server.url}/__xss-blank`);
    await b.page.evaluate((t) => localStorage.setItem('jieti.token', t), token);
    b.token = token;
  }
  await b.page.goto(`${env.server.url}${path}`);
}

/** Runs `fn(b, item)` over `items` on `n` pages with contexts of their own, each reused (warm). */
async function onPages(n, items, fn) {
  const pages = await Promise.all(Array.from({ length: Math.min(n, items.length) }, () => browse()));
  let next = 0;
  await Promise.all(pages.map(async (b) => {
    while (next < items.length) {
      const i = next++;
      await fn(b, items[i], i);
    }
  }));
}

/**
 * Goes to `path` as the app's own links do (history and the router, no reload) once `b` shows a
 * page of the app; else loads it. Many pages of one kind then cost a render each, not a start-up.
 */
async function go(b, path) {
  if (!b.app) {
    await visit(b, path);
    b.app = true;
    return;
  }
  await b.page.evaluate((p) => {
    history.pushState(null, '', p);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

afterEach(async () => {
  const problems = [];
  for (const b of open) {
    problems.push(...b.problems.filter((p) => !p.startsWith('response: ') && !forgiven.some((re) => re.test(p))));
    if (problems.length) problems.push(...b.problems.filter((p) => p.startsWith('response: ')));
    await b.context.close();
  }
  open = [];
  forgiven = [];
  assert.deepEqual(problems, [], 'no console errors and no uncaught errors');
});

/** The shell's own scripts, as the scan reports them: what every page has without payloads. */
let SHELL;
async function shellBaseline() {
  if (SHELL) return SHELL;
  const b = await browse();
  await visit(b, '/');
  await b.page.locator('h1').first().waitFor();
  SHELL = await scanDom(b.page);
  return SHELL;
}

/**
 * Looks at a rendered page: which of `items` ({ id, shown }) are not visible as text inside
 * `scope` (waiting up to `wait` ms for them), and what was injected (scan minus baseline).
 */
async function inspect(b, items, { scope = 'body', baseline, wait = 10_000 } = {}) {
  const { page } = b;
  const want = items.map((p) => ({ id: p.id, text: squash(p.shown) })).filter((p) => p.text);
  let missing = want;
  const until = Date.now() + wait;
  for (;;) {
    const shown = squash(await page.evaluate((sel) => [...document.querySelectorAll(sel)].map((e) => e.innerText).join('\n'), scope));
    missing = want.filter((p) => !shown.includes(p.text));
    if (!missing.length || Date.now() > until) break;
    await page.waitForTimeout(200);
  }
  // Handlers that fire late (an image's onerror after its 404) get their moment.
  await page.waitForTimeout(50);
  return { missing, extra: injected(await scanDom(page), baseline ?? (await shellBaseline())) };
}

/**
 * Checks a rendered page: each of `items` is visible as text inside `scope`, no dialog opened and
 * no `__xss` ran in the context, and nothing was injected.
 */
async function check(b, field, place, items, options) {
  const { missing, extra } = await inspect(b, items, options);
  const f = fieldTally(field);
  f.renderings += items.length;
  f.places.add(place);
  const where = `${FIELD_NAMES[field]} on ${place}`;
  tally.injected.push(...extra.map((d) => `${where}: ${d}`));
  tally.notShown.push(...missing.map((p) => `${where}: payload ${p.id}`));
  assert.deepEqual(extra, [], `${where}: no injected markup`);
  assertNothingRan(b, where);
  assert.deepEqual(missing.map((p) => p.id), [], `${where}: every payload shown as text`);
}

/** No dialog and no hook call so far in `b`'s context (recorded once for the summary). */
function assertNothingRan(b, where) {
  const { hits, dialogs } = b.det;
  if (hits.length || dialogs.length) {
    tally.hits.push(...hits.map((h) => `${fieldOf(h.id)} (${h.id}) at ${h.url}`));
    tally.dialogs.push(...dialogs.map((d) => `${d.type} "${d.message}" ${d.message.match(/^\d+$/) ? `(${fieldOf(d.message)})` : ''} at ${d.url}`));
  }
  assert.deepEqual(hits.map((h) => `${h.id} ${fieldOf(h.id)}`), [], `${where}: no payload called __xss`);
  assert.deepEqual(dialogs.map((d) => `${d.type} ${d.message}`), [], `${where}: no dialog opened`);
  hits.length = 0;
  dialogs.length = 0;
}

/** Counts a value as accepted (must render) or refused (a 4xx: fine) by the server. */
function accepted(field, status, what) {
  if (status >= 200 && status < 300) {
    fieldTally(field).accepted++;
    return true;
  }
  assert.ok(status === 400 || status === 401 || status === 422, `${FIELD_NAMES[field]}: ${what} answered ${status}`);
  fieldTally(field).refused++;
  return false;
}

/** A wrong answer to blank `b` of `q`: text typed, or a choice other than the key's when picked. */
function wrongBlank(q, b) {
  const choices = q.stem.find((s) => s.blank?.id === b)?.blank.choices;
  return choices ? choices.map((c) => c.id).find((id) => !q.key.blanks.accepted[b].includes(id)) : '错';
}

/** An answer to question `q` from the bank's key. */
function rightAnswer(q) {
  const k = q.key;
  if (k.choice) return { choice: k.choice.correct };
  if (k.blanks) return { blanks: Object.fromEntries(Object.entries(k.blanks.accepted).map(([b, ok]) => [b, ok[0]])) };
  if (k.order) return { order: k.order.correct };
  if (k.pairs) return { pairs: k.pairs.correct };
  if (k.numeric) return { number: String(k.numeric.value) };
  return { text: '作答' };
}

/** A learner token an institution's server signs (README: Embedding). */
function learnerToken(secret, sub, name) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: JINZHANG, sub, aud: 'jieti-embed', exp: Math.floor(Date.now() / 1000) + 3600, name })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** Progress events that complete every lesson of a course (as e2e/tests/dashboard.test.js). */
async function completionEvents(courseId) {
  const detail = await env.api(`/courses/${courseId}`);
  const actions = [];
  for (const l of detail.chapters.flatMap((c) => c.lessons)) {
    if (l.kind === 'video') {
      const { video } = await env.api(`/lessons/${l.id}`);
      for (let from = 0; from < video.duration_s; from += 50) {
        actions.push([l.id, { watched: { from_s: from, to_s: Math.min(from + 50, video.duration_s), rate: 1 } }]);
      }
    } else {
      actions.push([l.id, { read: { open_s: 120, reached_end: true, block: 0 } }]);
    }
  }
  return () => {
    const start = Date.now() - 10 * 60_000 - actions.length * 180_000;
    return actions.map(([lesson_id, action], i) => ({ id: `xss-${randomUUID()}`, lesson_id, at_ms: start + i * 180_000, action }));
  };
}

describe('XSS corpus through every user text field', () => {
  after(() => {
    const fields = [...tally.fields.entries()].sort(([a], [b]) => a - b);
    const sum = (key) => fields.reduce((n, [, f]) => n + f[key], 0);
    console.log(`xss: ${PAYLOADS.length} payloads × ${fields.length} fields = ${sum('renderings')} renderings `
      + `(${sum('accepted')} values accepted, ${sum('refused')} refused by the server); ${tally.dialogs.length} dialogs, `
      + `${tally.hits.length} handler calls, ${tally.injected.length} injected nodes, ${tally.notShown.length} not shown as text`);
    for (const [field, f] of fields) {
      console.log(`xss:   ${FIELD_NAMES[field]}: ${f.accepted} accepted, ${f.refused} refused, ${f.renderings} renderings on ${[...f.places].join('; ')}`);
    }
    for (const line of [...tally.dialogs, ...tally.hits, ...tally.injected, ...tally.notShown]) console.log(`xss: ${line}`);
  });

  test('self-check: the detectors catch a payload that does run, and markup that did not', async () => {
    const b = await browse();
    await visit(b, '/');
    await b.page.locator('h1').first().waitFor();
    const base = await scanDom(b.page);
    // What a renderer that used innerHTML would do with four payloads.
    const html = '<img src="data:," onerror="__xss(9901)"><img src="data:," onerror="alert(9902)">'
      + '<a href="javascript:__xss(9903)">x</a><svg><a><animate attributeName=href values=javascript:alert(9904) /></a></svg>';
    await b.page.evaluate((html) => {
      const div = document.createElement('div');
      div.innerHTML = html;
      document.querySelector('main').append(div);
    }, html);
    // The check the fields go through sees it: the payload is not shown as text, markup was injected.
    const seen = await inspect(b, [{ id: 9900, shown: html }], { baseline: base, wait: 0 });
    assert.deepEqual(seen.missing.map((p) => p.id), [9900]);
    assert.ok(seen.extra.length >= 4, seen.extra.join('\n'));
    const until = Date.now() + 5000;
    while ((!b.det.hits.length || !b.det.dialogs.length) && Date.now() < until) await b.page.waitForTimeout(100);
    assert.deepEqual(b.det.hits.map((h) => h.id), ['9901'], 'the __xss hook records a handler that ran');
    assert.deepEqual(b.det.dialogs.map((d) => [d.type, d.message]), [['alert', '9902']], 'an alert is recorded (and dismissed)');
    const extra = injected(await scanDom(b.page), base);
    assert.equal(extra.filter((d) => /\[onerror=/.test(d)).length, 2, extra.join('\n'));
    assert.ok(extra.some((d) => /^a \[href=javascript:__xss\(9903\)/.test(d)), extra.join('\n'));
    assert.ok(extra.some((d) => /^animate \[values=javascript:/.test(d)), extra.join('\n'));
    // And an injected <script> is found even though innerHTML never runs it.
    await b.page.evaluate(() => { document.querySelector('main').insertAdjacentHTML('beforeend', '<script>__xss(9905)</script>'); });
    assert.ok(injected(await scanDom(b.page), base).some((d) => /script text carries a hook/.test(d)));
    b.det.hits.length = 0;
    b.det.dialogs.length = 0;
  });

  test('names, reviews and certificates: sign-up and embed names, review bodies, revocation reasons', async () => {
    const NAME = corpus(F.NAME);
    const EMBED_NAME = corpus(F.EMBED_NAME);
    const REVIEW = corpus(F.REVIEW);
    const REASON = corpus(F.REASON);
    const events = await completionEvents(ACC);
    const staff = await call('POST', '/session', undefined, STAFF);

    // One learner per payload: an account named with it (or a guest when the name is refused),
    // who reviews REV with the review payload and earns a certificate on ACC. One at a time:
    // concurrent sign-ups can meet SQLite's lock (a 500, not what this test is about).
    const learners = [];
    for (const k of PAYLOADS.keys()) {
      const [status, session] = await send('POST', '/account', undefined, {
        email: `xss-${k}-${RUN}@example.test`, password: 'xss-password-1', display_name: NAME[k].text,
      });
      const named = accepted(F.NAME, status, `name ${k}`);
      const token = named ? session.token : (await call('POST', '/session/guest')).token;
      await call('PUT', `/courses/${REV}/enrollment`, token);
      const [rs] = await send('PUT', `/courses/${REV}/review`, token, { rating: 1 + (k % 5), body: REVIEW[k].text });
      const reviewed = accepted(F.REVIEW, rs, `review ${k}`);
      await call('PUT', `/courses/${ACC}/enrollment`, token);
      const batch = events();
      const receipt = await call('POST', '/progress/events', token, { events: batch });
      assert.equal(receipt.accepted, batch.length);
      const attempt = await call('POST', `/quizzes/${EXAM.id}/attempts`, token);
      const done = await call('POST', `/attempts/${attempt.id}/submit`, token, {
        submission_id: `xss-${randomUUID()}`, answers: Object.fromEntries(EXAM.questions.map((q) => [q.id, rightAnswer(q)])),
      });
      assert.equal(done.result.passed, true);
      const { certificates } = await call('GET', '/me/dashboard', token);
      assert.equal(certificates.length, 1, `learner ${k} holds a certificate`);
      learners.push({ k, token, named, reviewed, code: certificates[0].code });
    }
    // Staff revoke every certificate with the reason payload: the first three through the
    // analytics page's form (typed), the rest through the API.
    const TYPED = 3;
    const revoked = new Set();
    for (const l of learners.slice(TYPED)) {
      const [status] = await send('POST', `/certificates/${l.code}/revoke`, staff.token, { reason: REASON[l.k].text });
      if (accepted(F.REASON, status, `reason ${l.k}`)) revoked.add(l.k);
    }

    // Embed learners named by the institution's token (name ≤ 60 characters), reviewing ACC.
    const { secret } = await call('GET', `/institutions/${JINZHANG}/embed`, staff.token);
    const embedNamed = [];
    for (const p of EMBED_NAME) {
      const [status, session] = await send('POST', '/embed/session', undefined, { token: learnerToken(secret, `xss-${p.id}-${RUN}`, p.text) });
      if (!accepted(F.EMBED_NAME, status, `embed name ${p.id}`)) continue;
      await call('PUT', `/courses/${ACC}/enrollment`, session.token);
      await call('PUT', `/courses/${ACC}/review`, session.token, { rating: 4, body: `嵌入学员 ${p.id}` });
      embedNamed.push(p);
    }
    assert.ok(embedNamed.length >= 20, `most embed names fit: ${embedNamed.length}`);

    /** Opens a course page and shows every review (更多评价 until there are no more). */
    const allReviews = async (b, course) => {
      await visit(b, `/courses/${course}`);
      await b.page.locator('.cp-review').first().waitFor();
      const more = b.page.getByRole('button', { name: '更多评价' });
      for (let i = 0; i < 10 && await more.isVisible().catch(() => false); i++) {
        const n = await b.page.locator('.cp-review').count();
        await more.click();
        await b.page.waitForFunction((n) => document.querySelectorAll('.cp-review').length > n
          || ![...document.querySelectorAll('button')].some((x) => x.textContent === '更多评价'), n);
      }
    };

    // The reviewed course: names as authors, bodies as reviews.
    const guestPage = await browse();
    await allReviews(guestPage, REV);
    await check(guestPage, F.NAME, `/courses/${REV} (review authors)`,
      learners.filter((l) => l.named && l.reviewed).map((l) => ({ id: NAME[l.k].id, shown: NAME[l.k].text })), { scope: '.cp-reviews' });
    await check(guestPage, F.REVIEW, `/courses/${REV} (reviews)`,
      learners.filter((l) => l.reviewed).map((l) => ({ id: REVIEW[l.k].id, shown: REVIEW[l.k].text })), { scope: '.cp-reviews' });
    // ACC: the embed learners' names as authors.
    await allReviews(guestPage, ACC);
    await check(guestPage, F.EMBED_NAME, `/courses/${ACC} (review authors)`,
      embedNamed.map((p) => ({ id: p.id, shown: p.text })), { scope: '.cp-reviews' });

    // Each named learner's header and account page.
    await onPages(2, learners.filter((l) => l.named), async (b, l) => {
      await visit(b, '/sign-in', l.token);
      await b.page.getByRole('status').filter({ hasText: '已登录' }).waitFor();
      const item = [{ id: NAME[l.k].id, shown: NAME[l.k].text }];
      await check(b, F.NAME, '/sign-in (header)', item, { scope: '.site-header' });
      await check(b, F.NAME, '/sign-in (已登录：)', item, { scope: 'main [role=status]' });
    });

    // Staff: the course's analytics lists the certificates (holders, reasons); three are revoked
    // here by typing the reason.
    const staffPage = await browse();
    await visit(staffPage, `/analytics/course/${ACC}`, staff.token);
    await staffPage.page.locator('li.db-item').first().waitFor();
    for (const l of learners.slice(0, TYPED)) {
      const grouped = l.code.match(/.{5}/g).join('-');
      const row = staffPage.page.locator('li.db-item', { has: staffPage.page.getByRole('link', { name: grouped, exact: true }) });
      await row.locator('summary', { hasText: '撤销' }).click();
      const input = row.getByLabel('撤销原因');
      await input.fill(REASON[l.k].text);
      const typed = await input.inputValue();
      await row.getByRole('button', { name: '撤销' }).click();
      await row.locator('.db-flag').waitFor();
      took(F.REASON);
      revoked.add(l.k);
      REASON[l.k].typed = typed;
    }
    const reasonOf = (k) => REASON[k].typed ?? REASON[k].text;
    await check(staffPage, F.NAME, `/analytics/course/${ACC} (certificate holders)`,
      learners.filter((l) => l.named).map((l) => ({ id: NAME[l.k].id, shown: NAME[l.k].text })));
    await check(staffPage, F.REASON, `/analytics/course/${ACC} (revocations)`,
      [...revoked].map((k) => ({ id: REASON[k].id, shown: reasonOf(k) })));

    // Anyone verifying each certificate: holder and revocation reason.
    await onPages(2, learners, async (b, l) => {
      await go(b, `/verify/${l.code}`);
      // This certificate's page, not the last one's: its code is in the facts.
      await b.page.locator('.db-cert-facts', { hasText: l.code.match(/.{5}/g).join('-') }).waitFor();
      if (l.named) await check(b, F.NAME, '/verify/:code (holder)', [{ id: NAME[l.k].id, shown: NAME[l.k].text }], { scope: '.db-holder' });
      if (revoked.has(l.k)) await check(b, F.REASON, '/verify/:code (status)', [{ id: REASON[l.k].id, shown: reasonOf(l.k) }], { scope: '[role=status]' });
    });
  });

  test('notes and bookmarks (API and typed) in the lesson page, and the transcript search box', async () => {
    const detail = await env.api('/courses/python-basics');
    const lesson = detail.chapters.flatMap((c) => c.lessons).find((l) => l.kind === 'video' && l.size_bytes);
    const { token } = await call('POST', '/session/guest');
    // Every other one a bookmark with the payload as its label.
    const NOTE = corpus(F.NOTE);
    const kept = [];
    for (const [k, p] of NOTE.entries()) {
      const id = `xss-note-${k}-${RUN}`;
      const [status] = await send('PUT', `/notes/${id}`, token, {
        id, lesson_id: lesson.id, kind: k % 2 ? 'bookmark' : 'note', position: 5 + k, body: p.text, updated_at_ms: Date.now(),
      });
      if (accepted(F.NOTE, status, `note ${k}`)) kept.push({ id: p.id, shown: p.text });
    }
    const b = await browse();
    await visit(b, `/learn/python-basics/${lesson.id}`, token);
    await b.page.getByRole('heading', { level: 1, name: lesson.title }).waitFor();
    const toggle = b.page.getByRole('button', { name: '笔记', exact: true });
    if (await toggle.getAttribute('aria-expanded') !== 'true') await toggle.click();
    await b.page.locator('.pl-note-item').first().waitFor();
    await check(b, F.NOTE, '/learn (notes list)', kept, { scope: '.pl-notes-list' });

    // Typed in the player's note box, then listed (maxlength 2000 fits them all).
    const TYPED = corpus(F.NOTE_TYPED);
    const area = b.page.getByRole('textbox', { name: '笔记' });
    for (const p of TYPED) {
      await area.fill(p.text);
      p.shown = await area.inputValue();
      await b.page.getByRole('button', { name: '记笔记' }).click();
      await b.page.locator('.pl-note-body').filter({ hasText: squash(p.shown).slice(0, 30) }).first().waitFor();
      took(F.NOTE_TYPED);
    }
    await check(b, F.NOTE_TYPED, '/learn (notes list)', TYPED.map((p) => ({ id: p.id, shown: p.shown })), { scope: '.pl-notes-list' });
    // The transcript's filter: typed, kept as typed, echoed nowhere, run nowhere.
    const search = b.page.getByLabel('在文字稿中搜索');
    for (const p of corpus(F.TRANSCRIPT)) {
      await search.fill(p.text);
      assert.equal(await search.inputValue(), p.text.slice(0, Number(await search.getAttribute('maxlength') ?? 1e9)));
      took(F.TRANSCRIPT);
    }
    await search.fill('');
    // (Nothing to see as text: the filter echoes nothing, so this counts no rendering.)
    await check(b, F.TRANSCRIPT, '/learn (transcript filter)', []);
    // After a reload the server's copies are listed (the typed notes synced).
    await b.page.reload();
    await b.page.getByRole('heading', { level: 1, name: lesson.title }).waitFor();
    if (await toggle.getAttribute('aria-expanded') !== 'true') await toggle.click();
    await check(b, F.NOTE_TYPED, '/learn after a reload (notes list)', TYPED.map((p) => ({ id: p.id, shown: p.shown })), { scope: '.pl-notes-list' });
  });

  test('search: ?q= in the URL and typed in the search box, echoed in the results line', async () => {
    const Q_MAX = 64; // the box's maxlength and the server's limit; the app cuts a longer ?q= there
    const cut = (s) => [...s].slice(0, Q_MAX).join('');
    const URLQ = corpus(F.SEARCH_URL);
    await onPages(2, URLQ, async (b, p) => {
      await visit(b, `/search?q=${encodeURIComponent(p.text)}`);
      await b.page.getByText(/^找到 \d+ 门与/).waitFor();
      await check(b, F.SEARCH_URL, '/search?q= (results line)', [{ id: p.id, shown: `“${squash(cut(p.text))}”` }], { scope: 'main' });
      took(F.SEARCH_URL);
    });
    const b = await browse();
    await visit(b, '/search');
    const box = b.page.getByRole('searchbox');
    await box.waitFor();
    for (const p of corpus(F.SEARCH_BOX)) {
      await box.fill(p.text);
      const typed = await box.inputValue();
      await box.press('Enter');
      await b.page.waitForURL((u) => new URL(u).searchParams.get('q') === typed.trim());
      await b.page.getByText(/^找到 \d+ 门与/).waitFor();
      await check(b, F.SEARCH_BOX, '/search (typed, results line)', [{ id: p.id, shown: `“${squash(typed)}”` }], { scope: 'main' });
      took(F.SEARCH_BOX);
    }
  });

  test('quiz free text: result review of every attempt, and answers typed in the wrong-answer book', async () => {
    const BLANK = corpus(F.BLANK);
    const NUMBER = corpus(F.NUMBER);
    const ESSAY = corpus(F.ESSAY);
    const IDS = corpus(F.CHOICE_ID);
    const kind = (k) => PRACTICE.questions.find((q) => q.kind === k);
    const [fill, numeric, essay, single] = ['fill_blank', 'numeric', 'essay', 'single'].map(kind);
    const typedBlank = Object.keys(fill.key.blanks.accepted).find((b) => !fill.stem.find((s) => s.blank?.id === b).blank.choices);
    const pickedBlank = Object.keys(fill.key.blanks.accepted).find((b) => b !== typedBlank);
    const { token } = await call('POST', '/session/guest');
    // One practice attempt per payload: typed blank, number and essay; then, separately (the
    // server may refuse them), ids where the app sends a choice's id.
    const attempts = [];
    for (const [k] of PAYLOADS.entries()) {
      const attempt = await call('POST', `/quizzes/${PRACTICE.id}/attempts`, token);
      const shown = [];
      for (const [field, qid, answer] of [
        [F.BLANK, fill.id, { blanks: { [typedBlank]: BLANK[k].text } }],
        [F.NUMBER, numeric.id, { number: NUMBER[k].text }],
        [F.ESSAY, essay.id, { text: ESSAY[k].text }],
        [F.CHOICE_ID, single.id, { choice: [IDS[k].text] }],
      ]) {
        const [status] = await send('PUT', `/attempts/${attempt.id}/answers`, token, { answers: { [qid]: answer } });
        if (accepted(field, status, `${qid} ${k}`)) shown.push({ field, id: corpus(field)[k].id, shown: corpus(field)[k].text });
      }
      const [status] = await send('PUT', `/attempts/${attempt.id}/answers`, token,
        { answers: { [fill.id]: { blanks: { [typedBlank]: BLANK[k].text, [pickedBlank]: IDS[k].text } } } });
      // Accepted, the picked blank's "id" is shown as the answer: it must be text as well.
      if (accepted(F.CHOICE_ID, status, `${fill.id} picked blank ${k}`)) shown.push({ field: F.CHOICE_ID, id: IDS[k].id, shown: IDS[k].text });
      await call('POST', `/attempts/${attempt.id}/submit`, token, { submission_id: `xss-${randomUUID()}`, answers: {} });
      attempts.push({ id: attempt.id, shown });
    }
    await onPages(2, attempts, async (b, a) => {
      if (!b.app) await visit(b, '/__xss-blank', token);
      await go(b, `/quiz/${PRACTICE.id}/${a.id}`);
      await b.page.locator('.qz-review > li').first().waitFor();
      for (const field of [F.BLANK, F.NUMBER, F.ESSAY, F.CHOICE_ID]) {
        const items = a.shown.filter((s) => s.field === field);
        if (items.length) await check(b, field, '/quiz/:id/:attempt (result review)', items, { scope: '.qz-review' });
      }
    });

    // The wrong-answer book: every free-text question of the bank answered wrong (the rest
    // right), then reviewed in the app with the payloads typed in; the feedback repeats them.
    const learner = await call('POST', '/session/guest');
    const freeText = (q) => q.kind === 'fill_blank' || q.kind === 'numeric';
    for (const quiz of BANK.filter((z) => z.questions.some(freeText))) {
      const attempt = await call('POST', `/quizzes/${quiz.id}/attempts`, learner.token);
      const answers = Object.fromEntries(quiz.questions.map((q) => [q.id, !freeText(q) ? rightAnswer(q)
        : q.kind === 'numeric' ? { number: '-12345' } : { blanks: Object.fromEntries(Object.keys(q.key.blanks.accepted).map((b) => [b, wrongBlank(q, b)])) }]));
      await call('POST', `/attempts/${attempt.id}/submit`, learner.token, { submission_id: `xss-${randomUUID()}`, answers });
    }
    const due = (await call('GET', '/mistakes/summary', learner.token));
    const MISTAKE = corpus(F.MISTAKE);
    const b = await browse();
    let next = 0;
    for (let round = 0; next < MISTAKE.length && round < 20; round++) {
      await visit(b, '/mistakes', learner.token);
      await b.page.getByRole('button', { name: '开始复习' }).click();
      for (;;) {
        const sec = b.page.locator('section[data-q]').first();
        await sec.waitFor();
        // "quiz · i/n": the last one ends the round.
        const [at, of] = (await b.page.locator('.qz-kicker').first().innerText()).split(' · ').pop().split('/').map(Number);
        const inputs = sec.locator('input.qz-blank, input.qz-num');
        const n = await inputs.count();
        assert.ok(n > 0, `a free-text question is due (${JSON.stringify(due)})`);
        const p = MISTAKE[next % MISTAKE.length];
        for (let i = 0; i < n; i++) await inputs.nth(i).fill(p.text);
        const typed = await inputs.first().inputValue();
        await b.page.getByRole('button', { name: '检查答案' }).click();
        await b.page.locator('.qz-fb[role="status"]').waitFor();
        if (next < MISTAKE.length) {
          await check(b, F.MISTAKE, '/mistakes review (feedback)', [{ id: p.id, shown: typed }], { scope: '.qz-fb' });
          took(F.MISTAKE);
        }
        next++;
        await b.page.getByRole('button', { name: '下一题' }).click();
        if (at === of) {
          await b.page.getByRole('heading', { level: 1, name: '本轮复习完成！' }).waitFor();
          break;
        }
        await b.page.locator('.qz-kicker', { hasText: ` · ${at + 1}/${of}` }).waitFor();
      }
      // Wrong answers are due again later: due now, for the next round.
      sql(`UPDATE mistakes SET due_at = 0 WHERE learner_id = '${learner.learner.id}'`);
    }
    assert.ok(next >= MISTAKE.length, `every payload typed in the book: ${next}`);
  });

  test('staff: the embed allowlist refuses every payload and keeps it as typed, harmlessly', async () => {
    const staff = await call('POST', '/session', undefined, STAFF);
    const b = await browse();
    await visit(b, `/analytics/institution/${JINZHANG}/embed`, staff.token);
    await b.page.getByRole('heading', { level: 1, name: /嵌入设置/ }).waitFor();
    await b.page.waitForLoadState('networkidle');
    // The page's own preview (an iframe with srcdoc running the loader) is its baseline.
    const baseline = await scanDom(b.page);
    const origins = b.page.getByLabel(/每行一个/);
    const status = b.page.locator('#es-origins-status');
    for (const p of corpus(F.ORIGINS)) {
      await origins.fill(p.text);
      await status.evaluate((e) => { e.textContent = ''; });
      await b.page.getByRole('button', { name: '保存', exact: true }).click();
      await b.page.waitForFunction(() => document.querySelector('#es-origins-status').textContent !== '');
      const said = await status.textContent();
      assert.notEqual(said, '已保存。', `payload ${p.id} was not saved as an origin`);
      fieldTally(F.ORIGINS).refused++;
      assert.equal(await origins.inputValue(), p.text, 'the typed text is kept');
      await check(b, F.ORIGINS, 'embed settings (refusal)', [], { baseline });
    }
    const settings = await call('GET', `/institutions/${JINZHANG}/embed`, staff.token);
    assert.deepEqual(settings.origins, [], 'nothing was saved');
    forgiven = [/status of 400/];
  });
});
