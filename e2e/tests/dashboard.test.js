// The learner's dashboard, certificates and institution analytics against the real server and the
// demo data (crates/server/src/seed/activity.rs: 60 simulated learners on junior-accountant-practice
// and its mock exam, the staff account of jinzhang-accounting). Each test makes its own learners;
// study time is made with progress events at known times and checked against figures computed
// here from the server's rules (crates/server/src/stats.rs). axe runs on every screen; console
// errors fail the test (checkPageAfterEach), apart from the 403/404 answers a test asks for.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useEnv, checkPageAfterEach } from '../lib/suite.js';
import { axeViolations, openPage, screenshot, VIEWPORTS } from '../lib/browser.js';
import { ROOT } from '../lib/server.js';

const env = useEnv();
const [PHONE, DESKTOP] = VIEWPORTS;

/** The demo bank as authored, keys included. */
const BANK = JSON.parse(readFileSync(join(ROOT, 'crates', 'server', 'seed', 'quizzes.json'), 'utf8'));
const quizDef = (id) => BANK.find((q) => q.id === id);
const GRADED = quizDef('python-basics-quiz');
const EXAM = quizDef('accountant-mock-exam');
const PY = 'python-basics';
const ACC = 'junior-accountant-practice';
const JINZHANG = 'jinzhang-accounting';
const STAFF = { email: 'staff@jinzhang.demo', password: 'jieti-demo-2026' };
/** The error views' headings (src/dashboard/text.rs). */
const FORBIDDEN = '此页面仅限该机构的教务人员和管理员查看。';
const NOT_FOUND = '找不到这张证书或这个页面，请核对链接或证书编号。';

/** Runs SQL on the server's database. */
function sql(query) {
  return execFileSync('sqlite3', [env.server.dbPath, query], { encoding: 'utf8' }).trim();
}

/** Rows of a query as objects. */
function sqlRows(query) {
  const out = execFileSync('sqlite3', ['-json', env.server.dbPath, query], { encoding: 'utf8' }).trim();
  return out ? JSON.parse(out) : [];
}

/** Calls the API; the answer must be 2xx (e2e/lib/suite.js). */
const call = (...args) => env.call(...args);

/** A new account (signed up through the API), with a display name; returns its session. */
async function newAccount(name) {
  const email = `e2e-${randomUUID().slice(0, 8)}@example.test`;
  return call('POST', '/account', undefined, { email, password: 'e2e-password-1', display_name: name });
}

/** Makes every page of `context` act with `token` (as if signed in on this device). */
async function useToken(context, token) {
  await context.addInitScript((t) => localStorage.setItem('jieti.token', t), token);
}

/** The bearer token of the learner the page acts for. */
const tokenOf = (page) => page.evaluate(() => localStorage.getItem('jieti.token'));

/** `s` as a literal in a regular expression. */
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A progress event. */
const event = (lessonId, atMs, action) => ({ id: `e2e-${randomUUID()}`, lesson_id: lessonId, at_ms: atMs, action });

/** Sends progress events; every one must be stored. */
async function postEvents(token, events) {
  const receipt = await call('POST', '/progress/events', token, { events });
  assert.equal(receipt.accepted, events.length, JSON.stringify(receipt));
}

/** The course (its summary) and its lessons in order, from the public API. */
async function lessonsOf(courseId) {
  const detail = await env.api(`/courses/${courseId}`);
  return { detail: detail.course, lessons: detail.chapters.flatMap((c) => c.lessons) };
}

/**
 * Events that complete every lesson of a course, by the server's rules: a video played in full
 * in stretches of at most 50 s, an article open for 120 s with its end reached. They are spaced
 * 3 minutes apart and end 10 minutes ago.
 */
async function completeCourse(token, courseId) {
  const { lessons } = await lessonsOf(courseId);
  const events = [];
  for (const l of lessons) {
    if (l.kind === 'video') {
      const { video } = await env.api(`/lessons/${l.id}`);
      assert.ok(video?.duration_s > 0, `${l.id} has a video`);
      for (let from = 0; from < video.duration_s; from += 50) {
        events.push([l.id, { watched: { from_s: from, to_s: Math.min(from + 50, video.duration_s), rate: 1 } }]);
      }
    } else {
      events.push([l.id, { read: { open_s: 120, reached_end: true, block: 0 } }]);
    }
  }
  const start = Date.now() - 10 * 60_000 - events.length * 180_000;
  await postEvents(token, events.map(([id, action], i) => event(id, start + i * 180_000, action)));
  return lessons;
}

/** An answer to question `q`: the key's, or a wrong one. */
function answerFor(q, right) {
  const k = q.key;
  if (k.choice) {
    return { choice: right ? k.choice.correct : [q.choices.find((c) => !k.choice.correct.includes(c.id)).id] };
  }
  if (k.blanks) return { blanks: Object.fromEntries(Object.entries(k.blanks.accepted).map(([b, ok]) => [b, ok[0]])) };
  if (k.order) return { order: k.order.correct };
  if (k.pairs) {
    const rights = k.pairs.correct.map(([, r]) => r);
    // Wrong: every left item matched with the next one's target.
    return { pairs: k.pairs.correct.map(([l], i) => [l, right ? rights[i] : rights[(i + 1) % rights.length]]) };
  }
  if (k.numeric) return { number: String(right ? k.numeric.value : k.numeric.value + 100) };
  return { text: '作答' };
}

/** Starts and submits an attempt with the key's answers except for `wrong` question ids. */
async function takeQuiz(token, quiz, wrong = []) {
  const attempt = await call('POST', `/quizzes/${quiz.id}/attempts`, token);
  const answers = Object.fromEntries(quiz.questions.map((q) => [q.id, answerFor(q, !wrong.includes(q.id))]));
  const done = await call('POST', `/attempts/${attempt.id}/submit`, token, {
    submission_id: `e2e-${randomUUID()}`, answers,
  });
  return done;
}

/** Takes expected console errors (the browser logs every 4xx answer) out of the test's problems. */
function forgive(problems, status) {
  const rest = problems.filter((p) => !p.includes(`status of ${status}`));
  problems.splice(0, problems.length, ...rest);
}

/** Signs in through the app's sign-in page and waits to arrive at `next`. */
async function signIn(page, { email, password }, next) {
  await page.goto(`${env.server.url}/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL(`**${next}`);
}

// ---- Study time as the server counts it (crates/server/src/stats.rs) ----

const DAY_MS = 86_400_000;

/** The span [start, end) one stored event claims, or null. */
function eventSpan(atMs, action) {
  let seconds = 0;
  if (action.watched) {
    const { from_s, to_s, rate } = action.watched;
    const r = Math.min(Math.max(Math.fround(rate), 0.25), 16);
    seconds = Math.min((Math.fround(to_s) - Math.fround(from_s)) / r, 60);
  } else if (action.read) {
    seconds = Math.min(Math.fround(action.read.open_s), 120);
  }
  const ms = Math.round(seconds * 1000);
  return ms >= 1 ? [atMs - ms, atMs] : null;
}

/** Sorted, merged spans. */
function union(spans) {
  const out = [];
  for (const [a, b] of spans.filter(([a, b]) => a < b).sort((x, y) => x[0] - y[0] || x[1] - y[1])) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Day number (days since 1970-01-01 in a zone `offsetMs` ahead of UTC) of an instant. */
const dayOf = (ms, offsetMs) => Math.floor((ms + offsetMs) / DAY_MS);
const isoDay = (day) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * What the dashboard shows for a learner's stored events in a fixed-offset zone, with `today`
 * (YYYY-MM-DD) as the server sees it: seconds today/this week/in all, the 28 chart rows
 * (label MM/DD, rounded minutes) and the streak for `dailyMinutes`.
 */
function expectedFigures(learnerId, offsetHours, today, dailyMinutes) {
  const offset = offsetHours * 3_600_000;
  const rows = sqlRows(`SELECT at_ms, action FROM progress_events WHERE learner_id = '${learnerId}'`);
  const spans = union(rows.map((r) => eventSpan(r.at_ms, JSON.parse(r.action))).filter(Boolean));
  const days = new Map();
  for (let [a, b] of spans) {
    while (a < b) {
      const d = dayOf(a, offset);
      const end = Math.min(b, Math.max((d + 1) * DAY_MS - offset, a + 1));
      days.set(d, (days.get(d) ?? 0) + end - a);
      a = end;
    }
  }
  const todayN = Date.parse(`${today}T00:00:00Z`) / DAY_MS;
  const weekStart = todayN - ((new Date(todayN * DAY_MS).getUTCDay() + 6) % 7);
  let weekMs = 0;
  for (const [d, ms] of days) if (d >= weekStart && d <= todayN) weekMs += ms;
  const chart = [];
  for (let back = 27; back >= 0; back--) {
    const d = todayN - back;
    chart.push([isoDay(d).slice(5).replace('-', '/'), Math.round(Math.floor((days.get(d) ?? 0) / 1000) / 60)]);
  }
  const met = (d) => (days.get(d) ?? 0) >= dailyMinutes * 60_000;
  let best = 0;
  let run = 0;
  let prev = null;
  for (const d of [...days.keys()].sort((x, y) => x - y)) {
    if (d > todayN || !met(d)) continue;
    run = prev !== null && prev + 1 === d ? run + 1 : 1;
    best = Math.max(best, run);
    prev = d;
  }
  let current = 0;
  for (let d = met(todayN) ? todayN : todayN - 1; met(d); d--) current++;
  return {
    todayS: Math.floor((days.get(todayN) ?? 0) / 1000),
    weekS: Math.floor(weekMs / 1000),
    totalS: Math.floor(spans.reduce((s, [a, b]) => s + b - a, 0) / 1000),
    chart,
    streak: { current, best, todayMet: met(todayN) },
  };
}

/** The dashboard's way of writing a duration. */
function duration(seconds) {
  const m = Math.floor(seconds / 60);
  return m >= 60 ? `${Math.floor(m / 60)} 小时 ${m % 60} 分钟` : `${m} 分钟`;
}

/** The text of a fact (`dt` label → `dd`) in a facts list. */
async function fact(scope, label) {
  return (await scope.locator('div:has(> dt)').filter({ has: scope.page().locator('dt', { hasText: new RegExp(`^${escapeRe(label)}$`) }) })
    .locator('dd').innerText()).trim();
}

/** A dashboard card by its heading. */
const card = (page, heading) => page.locator('section.db-card', { has: page.getByRole('heading', { level: 2, name: heading }) });

/** Opens the dashboard and waits for its figures. */
async function openDashboard(page) {
  await page.goto(`${env.server.url}/dashboard`);
  await page.getByRole('heading', { level: 1, name: '学习中心' }).waitFor();
  await page.locator('.db-facts').waitFor();
}

/** Waits until this device's progress outbox is empty (the server has everything queued). */
async function outboxEmpty(page) {
  await page.waitForFunction(() => Object.keys(localStorage).every((k) => !k.startsWith('jieti.outbox:')), null, { timeout: 20_000 });
}

/** The page is not wider than the screen (tables scroll inside their own box). */
async function noSideways(page) {
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(sw <= iw, `page scrolls sideways: ${sw} > ${iw}`);
}

describe('dashboard and certificates at 412×915', () => {
  checkPageAfterEach(env);

  test('after reading a lesson, studying at known times and a graded quiz, the dashboard shows the minutes, progress, results; goal and filters work', async () => {
    const { page, context } = await env.open(PHONE);
    const { detail, lessons } = await lessonsOf(PY);
    const articles = lessons.filter((l) => l.kind === 'article');
    const firstVideo = lessons.find((l) => l.kind === 'video');
    assert.equal(articles.length, 3);

    // A fresh guest reads the last article to its end in the player.
    const read = articles[2];
    await page.goto(`${env.server.url}/learn/${PY}/${read.id}`);
    await page.getByRole('heading', { level: 1, name: read.title }).waitFor();
    await page.locator('.pl-blocks > :last-child').scrollIntoViewIfNeeded();
    await page.evaluate(() => window.dispatchEvent(new Event('scroll')));
    await page.locator('.pl-sync').getByText('学习记录已同步').waitFor({ timeout: 20_000 });
    assert.deepEqual(await axeViolations(page), [], 'article in the player');
    const token = await tokenOf(page);
    const me = await call('GET', '/me', token);
    assert.equal(sql(`SELECT reached_end FROM lesson_progress WHERE learner_id = '${me.id}' AND lesson_id = '${read.id}'`), '1');

    // Leave the player; once its outbox is sent nothing else arrives for this learner.
    await openDashboard(page);
    await outboxEmpty(page);

    // Twenty minutes of reading in ten back-to-back 2-minute reports (the first of each article
    // reaches its end, so all three articles are complete), a watched stretch inside them that adds
    // nothing, a slow-motion stretch capped at 60 s, and a position event that claims nothing:
    // 21 minutes in all, ending 8 minutes ago.
    const t0 = Date.now() - 30 * 60_000;
    const events = [];
    for (let k = 1; k <= 10; k++) {
      events.push(event(articles[(k - 1) % 3].id, t0 + k * 120_000, { read: { open_s: 120, reached_end: k <= 3, block: 0 } }));
    }
    events.push(event(firstVideo.id, t0 + 5 * 60_000, { watched: { from_s: 0, to_s: 40, rate: 1 } }));
    events.push(event(firstVideo.id, t0 + 22 * 60_000, { watched: { from_s: 0, to_s: 45, rate: 0.5 } }));
    events.push(event(firstVideo.id, t0 + 22 * 60_000 + 1000, { position: { position_s: 45 } }));
    await postEvents(token, events);
    // A second course, joined but not started.
    const other = 'sql-for-data-analysis';
    await call('PUT', `/courses/${other}/enrollment`, token);
    const otherTitle = (await env.api(`/courses/${other}`)).course.title;

    // The graded quiz: questions 1–4 right (7 of 10 points, passed), 5 and 6 wrong.
    const [q5, q6] = GRADED.questions.slice(4);
    const attempt = await takeQuiz(token, GRADED, [q5.id, q6.id]);
    assert.equal(attempt.result.pct, 70);
    assert.equal(attempt.result.passed, true);

    await page.reload();
    await page.getByRole('heading', { level: 1, name: '学习中心' }).waitFor();
    await page.locator('.db-facts').waitFor();
    const { today } = await call('GET', '/me/dashboard', token);
    let want = expectedFigures(me.id, 8, today, 10);
    // The API events made exactly 21 minutes; the reading in the player adds a few seconds.
    assert.ok(want.totalS >= 21 * 60 && want.totalS < 22 * 60, `total ${want.totalS} s`);

    // Continue learning: the article just finished is done, so its course's first open lesson.
    const resume = page.locator('.db-resume');
    assert.equal(await resume.getByRole('heading', { level: 2 }).innerText(), detail.title);
    assert.equal(await resume.getByRole('link', { name: '继续学习' }).getAttribute('href'), `/learn/${PY}/${firstVideo.id}`);
    await resume.getByText(firstVideo.title).waitFor();

    // Time facts, streak (daily minimum 10 minutes by default) and the goal ring (150 minutes).
    const facts = page.locator('.db-goal .db-facts');
    assert.equal(await fact(facts, '今天'), duration(want.todayS));
    assert.equal(await fact(facts, '本周'), duration(want.weekS));
    assert.equal(await fact(facts, '累计'), duration(want.totalS));
    const streakText = (s) => `${s.current} 天 · 最长 ${s.best} 天${s.todayMet ? ' · 今天已达标' : ''}`;
    assert.equal(await fact(facts, '连续学习'), streakText(want.streak));
    const ringLabel = page.locator('.db-ring .db-ring-cap');
    const weekMin = Math.floor(want.weekS / 60);
    assert.equal(await ringLabel.innerText(), `每周目标: ${weekMin} / 150 分钟`);
    assert.equal(await page.locator('.db-ring-text').innerText(), `${Math.round(Math.min(weekMin / 150, 1) * 100)}%`);

    // The 28-day chart: an image with a text label, and its figures as a table.
    const chartCard = card(page, '近四周学习时间');
    const sum = want.chart.reduce((s, [, m]) => s + m, 0);
    assert.equal(await chartCard.getByRole('img').getAttribute('aria-label'), `近四周学习时间: ${sum} 分钟`);
    assert.equal(await chartCard.locator('rect.db-bar').count(), 28);
    await chartCard.getByText('以表格查看').click();
    const rows = chartCard.locator('table tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 28);
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th').textContent, Number(tr.querySelector('td').textContent)]));
    assert.deepEqual(shown, want.chart);
    assert.equal(shown[27][0], today.slice(5).replace('-', '/'));
    assert.equal(shown[27][1], Math.round(want.todayS / 60));

    // My courses: progress of the studied one (3 of 13 lessons) and its next lesson.
    const courses = card(page, '我的课程');
    const items = courses.locator('li.db-course');
    assert.equal(await items.count(), 2);
    const py = items.filter({ has: page.getByRole('link', { name: detail.title }) });
    const pct = Math.floor((3 * 100) / lessons.length);
    assert.equal(await py.locator('progress').getAttribute('value'), String(pct));
    assert.equal(await py.locator('progress').getAttribute('aria-label'), `${detail.title} ${pct}%`);
    await py.getByText(`完成 3/${lessons.length} 课 · ${pct}%`).waitFor();
    assert.equal(await py.locator('.db-next').getByRole('link', { name: firstVideo.title }).getAttribute('href'), `/learn/${PY}/${firstVideo.id}`);
    await items.filter({ has: page.getByRole('link', { name: otherTitle }) }).getByText(`完成 0/`).waitFor();

    // Quiz results: the best score's average and the attempt; two wrong answers are due.
    const quizzes = card(page, '测验成绩');
    assert.match(await quizzes.locator('.db-big').innerText(), /^平均最高分\s*70%$/);
    const recent = quizzes.locator('.db-list li');
    assert.equal(await recent.count(), 1);
    assert.match(await recent.innerText(), new RegExp(`^${escapeRe(GRADED.title)} · ${escapeRe(detail.title)} · 70% · 通过 · \\d{4}/\\d{1,2}/\\d{1,2}$`));
    assert.equal(await recent.getByRole('link').getAttribute('href'), `/quiz/${GRADED.id}/${attempt.id}`);
    await quizzes.locator('.db-due').getByText('2 道错题待复习').waitFor();
    assert.equal(await quizzes.getByRole('link', { name: '去复习' }).getAttribute('href'), '/mistakes');
    await card(page, '我的证书').getByText('完成带证书的课程后，证书会出现在这里。').waitFor();
    assert.equal(await page.getByRole('link', { name: '机构数据分析' }).count(), 0, 'no analytics for a learner');
    assert.deepEqual(await axeViolations(page), [], 'dashboard');
    await noSideways(page);
    await screenshot(page, 'dashboard-412x915');

    // The result link opens the attempt's result.
    await recent.getByRole('link').click();
    await page.waitForURL(`**/quiz/${GRADED.id}/${attempt.id}`);
    await page.locator('.qz-result').waitFor();
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), '测验 · 通过');
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: '学习中心' }).waitFor();
    await page.locator('.db-facts').waitFor();

    // Course filters: each shows only its status; the pressed one says so, and keeps the focus.
    const group = page.getByRole('group', { name: '按状态筛选' });
    const chip = (name) => group.getByRole('button', { name, exact: true });
    const pressed = () => group.getByRole('button').evaluateAll((bs) => bs.map((b) => `${b.textContent}:${b.getAttribute('aria-pressed')}`));
    const titles = () => courses.locator('li.db-course .db-ctitle').allInnerTexts();
    assert.deepEqual(await pressed(), ['全部:true', '学习中:false', '未开始:false', '已完成:false']);
    await chip('学习中').click();
    await courses.locator('li.db-course').first().waitFor();
    assert.deepEqual(await pressed(), ['全部:false', '学习中:true', '未开始:false', '已完成:false']);
    assert.deepEqual(await titles(), [detail.title]);
    assert.equal(await page.evaluate(() => document.activeElement.textContent), '学习中');
    await chip('未开始').click();
    assert.deepEqual(await pressed(), ['全部:false', '学习中:false', '未开始:true', '已完成:false']);
    assert.deepEqual(await titles(), [otherTitle]);
    await chip('已完成').click();
    assert.deepEqual(await pressed(), ['全部:false', '学习中:false', '未开始:false', '已完成:true']);
    assert.deepEqual(await titles(), []);
    await courses.getByText('没有符合条件的课程。').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'dashboard, filtered');
    await chip('全部').click();
    assert.deepEqual(await titles(), [detail.title, otherTitle]);

    // A new goal through the form, from a browser in Tokyo (UTC+9): saved with that zone, and the
    // figures are counted in the learner's new days.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'Asia/Tokyo' });
    await page.getByText('调整目标').click();
    const weekly = page.getByLabel('每周目标（分钟）');
    const daily = page.getByLabel('每天至少（分钟，计入连续天数）');
    assert.equal(await weekly.inputValue(), '150');
    assert.equal(await daily.inputValue(), '10');
    await weekly.fill('60');
    await daily.fill('5');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '已保存' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'db-goal-status', 'focus on the status line');
    assert.equal(sql(`SELECT weekly_goal_minutes || ',' || daily_goal_minutes || ',' || time_zone FROM learners WHERE id = '${me.id}'`),
      '60,5,Asia/Tokyo');
    const todayTokyo = (await call('GET', '/me/dashboard', token)).today;
    want = expectedFigures(me.id, 9, todayTokyo, 5);
    const weekMin2 = Math.floor(want.weekS / 60);
    assert.equal(await ringLabel.innerText(), `每周目标: ${weekMin2} / 60 分钟`);
    assert.equal(await page.locator('.db-ring-text').innerText(), `${Math.round(Math.min(weekMin2 / 60, 1) * 100)}%`);
    assert.equal(await fact(facts, '今天'), duration(want.todayS));
    assert.equal(await fact(facts, '本周'), duration(want.weekS));
    assert.equal(await fact(facts, '连续学习'), streakText(want.streak));
    // The form shows the goal as saved.
    assert.equal(await weekly.inputValue(), '60');
    assert.equal(await daily.inputValue(), '5');
    assert.deepEqual(await axeViolations(page), [], 'dashboard, goal saved');
    await screenshot(page, 'dashboard-goal-saved-412x915');

    // A save the network drops: the status says so, and the form keeps what was typed.
    await page.route('**/api/v1/me/goal', (route) => route.abort('internetdisconnected'));
    await weekly.fill('90');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '网络不太稳定' }).waitFor();
    assert.equal(await weekly.inputValue(), '90', 'the typed goal is kept');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'db-goal-status');
    await page.unroute('**/api/v1/me/goal');
    // The browser logs the dropped request; that is the point of this step.
    env.ctx.problems.splice(0, env.ctx.problems.length,
      ...env.ctx.problems.filter((p) => !p.includes('ERR_INTERNET_DISCONNECTED')));
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '已保存' }).waitFor();
    assert.equal(sql(`SELECT weekly_goal_minutes FROM learners WHERE id = '${me.id}'`), '90');
  });

  test('a certificate earned on python-basics is listed, opens, and verifies publicly; an unknown code is an error', async () => {
    const name = `证书学员${randomUUID().slice(0, 4)}`;
    const session = await newAccount(name);
    const { page, context } = await env.open(PHONE);
    await useToken(context, session.token);
    const { detail, lessons } = await lessonsOf(PY);
    await completeCourse(session.token, PY);
    // Every lesson done is not enough: the graded quiz must be passed too.
    assert.equal(sql(`SELECT COUNT(*) FROM certificates WHERE learner_id = '${session.learner.id}'`), '0');
    const attempt = await takeQuiz(session.token, GRADED);
    assert.equal(attempt.result.passed, true);
    const [row] = sqlRows(`SELECT code, issued_at, holder FROM certificates WHERE learner_id = '${session.learner.id}'`);
    assert.ok(row, 'a certificate was issued');
    assert.match(row.code, /^[0-9A-HJKMNP-TV-Z]{20}$/);
    assert.equal(row.holder, name, 'the account\'s name is on it');
    const institution = detail.institution.name;

    await openDashboard(page);
    const courses = card(page, '我的课程');
    const py = courses.locator('li.db-course');
    await py.getByText(`完成 ${lessons.length}/${lessons.length} 课 · 100%`).waitFor();
    assert.equal(await py.locator('.db-next').count(), 0, 'no next lesson');
    await page.getByRole('group', { name: '按状态筛选' }).getByRole('button', { name: '已完成' }).click();
    assert.deepEqual(await courses.locator('.db-ctitle').allInnerTexts(), [detail.title]);
    assert.equal(await py.getByRole('link', { name: '🎓 结业证书' }).getAttribute('href'), `/verify/${row.code}`);
    const certs = card(page, '我的证书');
    const item = certs.locator('.db-list li');
    assert.equal(await item.count(), 1);
    const issuedText = await page.evaluate((ms) => new Date(ms).toLocaleDateString('zh-Hans'), row.issued_at * 1000);
    assert.equal(await item.innerText(), `🎓 ${detail.title} · ${institution} · ${issuedText}`);
    assert.deepEqual(await axeViolations(page), [], 'dashboard with a certificate');
    await screenshot(page, 'dashboard-certificate-412x915');

    await item.getByRole('link', { name: `🎓 ${detail.title}` }).click();
    await page.waitForURL(`**/verify/${row.code}`);
    await page.getByRole('status').filter({ hasText: '✓ 证书有效' }).waitFor();
    await page.locator('.db-holder', { hasText: name }).waitFor();

    // Anyone can verify it: a fresh browser, no token and nothing stored.
    const other = await openPage(env.browser, PHONE);
    try {
      const p = other.page;
      assert.deepEqual(await other.context.storageState().then((s) => s.origins), [], 'nothing stored');
      // The page does not wait for a session (the app makes a guest in the background, whose
      // token may or may not go along): the server answers without any.
      assert.equal((await fetch(`${env.server.url}/api/v1/certificates/${row.code}`)).status, 200);
      await p.goto(`${env.server.url}/verify/${row.code}`);
      await p.getByRole('heading', { level: 1, name: '结业证书' }).waitFor();
      assert.equal(await p.getByRole('status').innerText(), '✓ 证书有效');
      const paper = p.locator('article.db-paper');
      assert.equal(await paper.locator('.db-holder').innerText(), name);
      assert.equal(await paper.locator('.db-course-name').innerText(), detail.title);
      assert.equal(await fact(paper, '颁发机构'), institution);
      assert.equal(await fact(paper, '颁发日期'), issuedText);
      assert.equal(await fact(paper, '证书编号'), row.code.match(/.{5}/g).join('-'));
      assert.equal(await fact(paper, '验证网址'), `${env.server.url}/verify/${row.code}`);
      assert.equal(await p.title(), `结业证书 · ${detail.title} · 阶梯`);
      assert.deepEqual(await axeViolations(p), [], 'certificate');
      await screenshot(p, 'certificate-412x915');
      // 打印证书 prints; printed, the page shows the certificate without the app around it.
      await p.evaluate(() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; });
      await p.getByRole('button', { name: '打印证书' }).click();
      assert.equal(await p.evaluate(() => window.__printed), 1);
      await p.emulateMedia({ media: 'print' });
      assert.equal(await p.getByRole('button', { name: '打印证书' }).isVisible(), false);
      assert.equal(await p.locator('.site-header').isVisible(), false);
      assert.equal(await paper.isVisible(), true);
      await p.emulateMedia({ media: 'screen' });

      // A code as a person types it (grouped, lower case) verifies the same certificate.
      await p.goto(`${env.server.url}/verify/${row.code.toLowerCase().match(/.{5}/g).join('-')}`);
      await p.getByRole('status').filter({ hasText: '✓ 证书有效' }).waitFor();
      assert.equal(await fact(paper, '证书编号'), row.code.match(/.{5}/g).join('-'));

      // An unknown code: an error view in the page's language (no retry that cannot succeed),
      // not a blank page.
      for (const code of ['ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ', 'not-a-code']) {
        await p.goto(`${env.server.url}/verify/${code}`);
        const alert = p.getByRole('alert');
        await alert.getByRole('heading', { level: 1, name: NOT_FOUND }).waitFor();
        assert.equal(await alert.getByRole('button', { name: '重试' }).count(), 0);
        assert.equal(await p.locator('article.db-paper').count(), 0);
      }
      assert.deepEqual(await axeViolations(p), [], 'unknown certificate');
      await screenshot(p, 'certificate-unknown-412x915');
      forgive(other.problems, 404);
      assert.deepEqual(other.problems, [], 'no console errors on the public certificate page');
    } finally {
      await other.context.close();
    }
  });
});

describe('institution analytics at 412×915', () => {
  checkPageAfterEach(env);

  test('staff: dashboard → institution → course: funnel, flagged item, revoking a certificate that then verifies as revoked', async () => {
    // A learner of this test earns a certificate on the demo course (exam passed; acc-e3 answered
    // wrong like the demo's stronger learners, so it keeps its negative discrimination).
    const name = `会计学员${randomUUID().slice(0, 4)}`;
    const learner = await newAccount(name);
    const { detail, lessons } = await lessonsOf(ACC);
    await completeCourse(learner.token, ACC);
    const exam = await takeQuiz(learner.token, EXAM, ['acc-e3']);
    assert.equal(exam.result.passed, true);
    const code = sql(`SELECT code FROM certificates WHERE learner_id = '${learner.learner.id}'`);
    assert.match(code, /^[0-9A-Z]{20}$/);

    const { page } = await env.open(PHONE);
    await signIn(page, STAFF, '/dashboard');
    await page.getByRole('heading', { level: 1, name: '学习中心' }).waitFor();
    const toInstitution = page.getByRole('link', { name: '机构数据分析' });
    assert.equal(await toInstitution.getAttribute('href'), `/analytics/institution/${JINZHANG}`);
    assert.deepEqual(await axeViolations(page), [], 'staff dashboard');
    await toInstitution.click();

    // The overview: the quality index and its parts, and the institution's courses.
    await page.waitForURL(`**/analytics/institution/${JINZHANG}`);
    const instName = detail.institution.name;
    await page.getByRole('heading', { level: 1, name: `${instName} · 机构数据分析` }).waitFor();
    const facts = page.locator('.db-facts');
    for (const label of ['质量指数', '完成率', '评分', '活跃学员', '就业率', '题目质量']) {
      assert.match(await fact(facts, label), /^(\d+(\.\d)?%?|—)$/, label);
    }
    assert.match(await fact(facts, '质量指数'), /^\d+$/);
    assert.match(await page.locator('.db-note', { hasText: '已分析题目' }).innerText(), /^已分析题目 \d+ · 被标记 [1-9]\d*$/);
    const table = page.locator('table.db-table');
    assert.deepEqual(await table.locator('thead th').allInnerTexts(), ['课程', '报名', '完成', '被标记']);
    const accRow = table.locator('tbody tr', { has: page.getByRole('link', { name: detail.title }) });
    const accCells = await accRow.locator('td').allInnerTexts();
    const enrolled = Number(accCells[1]);
    const completed = Number(sql(`SELECT COUNT(*) FROM enrollments WHERE course_id = '${ACC}' AND completed_at IS NOT NULL`));
    assert.equal(enrolled, Number(sql(`SELECT COUNT(*) FROM enrollments WHERE course_id = '${ACC}'`)));
    assert.ok(enrolled >= 61, `60 demo learners and this test's: ${enrolled}`);
    const rate = Math.round((completed / enrolled) * 1000) / 10;
    assert.equal(accCells[2], `${completed} (${rate}%)`);
    assert.ok(Number(accCells[3]) >= 1, 'a flagged item');
    assert.deepEqual(await axeViolations(page), [], 'institution analytics');
    await noSideways(page);
    await screenshot(page, 'analytics-institution-412x915');

    await accRow.getByRole('link', { name: detail.title }).click();
    await page.waitForURL(`**/analytics/course/${ACC}`);
    await page.getByRole('heading', { level: 1, name: detail.title }).waitFor();
    assert.equal(await page.getByRole('link', { name: '← 返回机构概览' }).getAttribute('href'), `/analytics/institution/${JINZHANG}`);
    assert.equal(await fact(page.locator('.db-facts').first(), '报名'), String(enrolled));

    // The funnel: one step per lesson, in order; the lesson losing most learners is marked once.
    const steps = page.locator('ol.db-funnel > li');
    assert.equal(await steps.count(), lessons.length);
    const stepTitles = await steps.locator('.db-step-title').allInnerTexts();
    assert.deepEqual(stepTitles, lessons.map((l, i) => `${i + 1}. ${l.title}`));
    const figures = await steps.locator('.db-meta').allInnerTexts();
    const done = figures.map((t) => Number(t.match(/完成 (\d+)/)[1]));
    let dropAt = -1;
    for (let i = 1; i < done.length; i++) {
      if (done[i - 1] - done[i] > 0 && (dropAt < 0 || done[i - 1] - done[i] > done[dropAt - 1] - done[dropAt])) dropAt = i;
    }
    assert.ok(dropAt > 0);
    const marked = page.locator('ol.db-funnel .db-flag');
    assert.equal(await marked.count(), 1);
    assert.equal((await marked.innerText()).trim(), '▼ 流失最多');
    assert.equal(await steps.nth(dropAt).locator('.db-flag').count(), 1, `step ${dropAt + 1} is marked`);

    // The exam: learners, mean, pass rate, score bands, and item analysis with the miskeyed item.
    const examCard = card(page, `测验与题目分析 · ${EXAM.title}`);
    assert.match(await fact(examCard, '学员（首次作答）'), /^\d+$/);
    assert.match(await fact(examCard, '平均分'), /^\d+(\.\d)?%$/);
    assert.match(await fact(examCard, '通过率'), /^\d+(\.\d)?%$/);
    await examCard.getByText('以表格查看').click();
    assert.equal(await examCard.locator('details table tbody tr').count(), 10, 'ten score bands');
    // One card per question, in quiz order, its kind named in the page's language.
    const KINDS = { single: '单选题', multiple: '多选题', true_false: '判断题', numeric: '数值题', matching: '匹配题' };
    const scored = EXAM.questions.filter((q) => q.kind !== 'essay');
    const itemCards = examCard.locator('ol.db-items > li');
    assert.equal(await itemCards.count(), scored.length);
    const metas = await itemCards.locator('.db-meta').allInnerTexts();
    assert.deepEqual(metas.map((m) => m.replace(/ · 作答 \d+$/, '')), scored.map((q, i) => `${i + 1}. ${KINDS[q.kind]}`));
    const flagged = examCard.locator('li.db-item--flagged');
    const negative = flagged.filter({ hasText: '区分度为负' });
    assert.equal(await negative.count(), 1);
    await negative.getByText(scored.find((q) => q.id === 'acc-e3').prompt, { exact: true }).waitFor();
    assert.equal(await negative.locator('.db-flag').innerText(), '⚑ 区分度为负');
    const discrimination = Number(await fact(negative, '区分度'));
    assert.ok(discrimination < 0, `discrimination ${discrimination}`);
    assert.ok(Number(await fact(negative, '高低分组差')) < 0);
    assert.match(await fact(negative, '难度（正确率）'), /^0\.\d\d$/);
    await negative.scrollIntoViewIfNeeded();
    await screenshot(page, 'analytics-course-flagged-item-412x915');

    // Certificates: revoke this test's learner's certificate with a reason.
    const grouped = code.match(/.{5}/g).join('-');
    const certRow = page.locator('li.db-item', { has: page.getByRole('link', { name: grouped, exact: true }) });
    assert.equal(await certRow.locator('strong').innerText(), name);
    assert.deepEqual(await axeViolations(page), [], 'course analytics');
    await noSideways(page);
    await certRow.scrollIntoViewIfNeeded();
    await screenshot(page, 'analytics-course-certificates-412x915');
    const reason = `成绩作弊 ${randomUUID().slice(0, 4)}`;
    await certRow.locator('summary', { hasText: '撤销' }).click();
    await certRow.getByLabel('撤销原因').fill(reason);
    assert.deepEqual(await axeViolations(page), [], 'revocation form');
    await certRow.getByRole('button', { name: '撤销' }).click();
    await certRow.getByText(`✗ 此证书已被撤销 · ${reason}`).waitFor();
    assert.equal(await certRow.getByRole('button', { name: '撤销' }).count(), 0, 'no second revocation offered');
    // The outcome is announced, and focus lands on it after the page is rebuilt.
    const outcome = page.locator('#db-cert-status');
    assert.equal(await outcome.innerText(), `已撤销证书 ${grouped}`);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'db-cert-status');
    const [rev] = sqlRows(`SELECT revoked_at, revoked_reason, revoked_by FROM certificates WHERE code = '${code}'`);
    assert.equal(rev.revoked_reason, reason);
    assert.equal(rev.revoked_by, sql(`SELECT id FROM learners WHERE email = '${STAFF.email}'`));

    // Anyone verifying it now learns it was revoked, when and why.
    const other = await openPage(env.browser, PHONE);
    try {
      await other.page.goto(`${env.server.url}/verify/${code}`);
      const status = other.page.getByRole('status');
      await status.filter({ hasText: '✗ 此证书已被撤销' }).waitFor();
      const when = await other.page.evaluate((ms) => new Date(ms).toLocaleDateString('zh-Hans'), rev.revoked_at * 1000);
      assert.equal(await status.innerText(), `✗ 此证书已被撤销 · ${when} · ${reason}`);
      assert.equal(await other.page.locator('.db-holder').innerText(), name);
      assert.deepEqual(await axeViolations(other.page), [], 'revoked certificate');
      await screenshot(other.page, 'certificate-revoked-412x915');
      assert.deepEqual(other.problems, []);
    } finally {
      await other.context.close();
    }
  });

  test('a learner, and staff of another institution, get the error view with the 403 message', async () => {
    const message = FORBIDDEN;
    const { page } = await env.open(PHONE);
    // A plain learner (a guest made on the first visit): the refusal in the page's language,
    // with a way back and no retry (asking again cannot succeed).
    await page.goto(`${env.server.url}/analytics/institution/${JINZHANG}`);
    const alert = page.getByRole('alert');
    await alert.getByRole('heading', { level: 1, name: message }).waitFor();
    assert.equal(await alert.getByRole('button', { name: '重试' }).count(), 0);
    assert.equal(await alert.getByRole('link', { name: '学习中心' }).getAttribute('href'), '/dashboard');
    assert.equal(await page.locator('table').count(), 0, 'no figures');
    assert.deepEqual(await axeViolations(page), [], 'error view');
    await screenshot(page, 'analytics-forbidden-412x915');
    // Also for a course's analytics.
    await page.goto(`${env.server.url}/analytics/course/${ACC}`);
    await alert.getByRole('heading', { level: 1, name: message }).waitFor();

    // Staff of jinzhang-accounting looking at mabu-code.
    await signIn(page, STAFF, '/analytics/institution/mabu-code');
    await alert.getByRole('heading', { level: 1, name: message }).waitFor();
    assert.equal(await page.locator('table').count(), 0, 'no figures');
    // Their own course's analytics open.
    await page.goto(`${env.server.url}/analytics/course/${ACC}`);
    await page.locator('ol.db-funnel').waitFor();
    forgive(env.ctx.problems, 403);
  });
});

describe('analytics at 1280×800', () => {
  checkPageAfterEach(env);

  test('course analytics on a desktop: every section, no sideways scrolling, no axe violations', async () => {
    const { page, context } = await env.open(DESKTOP);
    const staff = await call('POST', '/session', undefined, STAFF);
    await useToken(context, staff.token);
    const { detail, lessons } = await lessonsOf(ACC);
    await page.goto(`${env.server.url}/analytics/course/${ACC}`);
    await page.getByRole('heading', { level: 1, name: detail.title }).waitFor();
    for (const heading of ['每周报名人数（近 12 周）', '完成漏斗（按课时）', `测验与题目分析 · ${EXAM.title}`]) {
      await page.getByRole('heading', { level: 2, name: heading }).waitFor();
    }
    // The certificates issued, with their revocation forms.
    const certs = card(page, '已颁发证书');
    assert.ok(await certs.locator('li.db-item').count() >= 1);
    assert.ok(await certs.locator('summary', { hasText: '撤销' }).count() >= 1);
    assert.equal(await page.locator('ol.db-funnel > li').count(), lessons.length);
    // The weekly enrolments chart: 12 bars, and the same figures in its table.
    const weeks = card(page, '每周报名人数（近 12 周）');
    assert.equal(await weeks.locator('rect.db-bar').count(), 12);
    await weeks.getByText('以表格查看').click();
    const counts = await weeks.locator('tbody td').allInnerTexts();
    assert.equal(counts.length, 12);
    assert.ok(counts.map(Number).reduce((a, b) => a + b, 0) >= 60, `enrolments: ${counts}`);
    await noSideways(page);
    assert.deepEqual(await axeViolations(page), [], 'course analytics (desktop)');
    await screenshot(page, 'analytics-course-1280x800');
  });
});
