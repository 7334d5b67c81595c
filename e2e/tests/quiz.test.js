// Quizzes against the real server and the demo bank (crates/server/seed/quizzes.json): practice
// with feedback, every widget by keyboard alone, a graded quiz (confirmation, autosave, result,
// review policy, exactly one submission), a timed exam that submits itself, a submission made
// offline that arrives once, and the wrong-answer book. axe runs on every screen; console errors
// fail the test (checkPageAfterEach).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useEnv, checkPageAfterEach } from '../lib/suite.js';
import { axeViolations, screenshot, VIEWPORTS } from '../lib/browser.js';
import { ROOT } from '../lib/server.js';

const env = useEnv();
const [PHONE, DESKTOP] = VIEWPORTS;

/** The demo bank as authored, keys included: the tests answer from it. */
const BANK = JSON.parse(readFileSync(join(ROOT, 'crates', 'server', 'seed', 'quizzes.json'), 'utf8'));
const quizDef = (id) => BANK.find((q) => q.id === id);
const PRACTICE = quizDef('python-basics-practice');
const GRADED = quizDef('python-basics-quiz');
const EXAM = quizDef('accountant-mock-exam');
/** Question `qid` of `quiz`. */
const qdef = (quiz, qid) => quiz.questions.find((q) => q.id === qid);
/** The key's right choice ids. */
const rightChoices = (q) => q.key.choice.correct;

/** Runs SQL on the server's database. */
function sql(query) {
  return execFileSync('sqlite3', [env.server.dbPath, query], { encoding: 'utf8' }).trim();
}

/** The id of the learner the page acts for. */
async function learnerOf(page) {
  const token = await page.evaluate(() => localStorage.getItem('jieti.token'));
  const res = await fetch(`${env.server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
  return (await res.json()).id;
}

/** The attempt id the URL names (`/quiz/:id/:attempt`). */
const attemptOf = (page) => decodeURIComponent(new URL(page.url()).pathname.split('/')[3] ?? '');

/** Takes the failed requests the browser logs while offline out of the test's problems. */
function forgiveOffline() {
  const problems = env.ctx.problems;
  const rest = problems.filter((p) => !/net::ERR_INTERNET_DISCONNECTED|Failed to load resource: net::ERR_FAILED/.test(p));
  // (ERR_FAILED: a request the service worker answered with a network error, being offline.)
  problems.splice(0, problems.length, ...rest);
}

/** Opens a quiz's landing page and waits for its title. */
async function openQuiz(page, quiz) {
  await page.goto(`${env.server.url}/quiz/${quiz.id}`);
  await page.getByRole('heading', { level: 1, name: quiz.title }).waitFor();
}

/** From the landing: starts an attempt and waits for the first question; returns the attempt id. */
async function start(page, quiz) {
  await page.getByRole('button', { name: '开始作答' }).click();
  await page.waitForURL(new RegExp(`/quiz/${quiz.id}/[^/]+$`));
  await page.locator(`section[data-q="${quiz.questions[0].id}"]`).waitFor();
  return attemptOf(page);
}

/** The section of question `qid`. */
const section = (page, qid) => page.locator(`section[data-q="${qid}"]`);

/** Item ids of an ordering question, as shown now. */
const shownOrder = (sec) => sec.locator('[data-item]').evaluateAll((els) => els.map((e) => e.dataset.item));

/** Puts an ordering question in `order` with its ↑ buttons (clicked). */
async function arrangeByClicks(sec, order) {
  for (let p = 0; p < order.length; p++) {
    let j = (await shownOrder(sec)).indexOf(order[p]);
    for (; j > p; j--) await sec.locator(`[data-item="${order[p]}"] [data-act="up"]`).click();
  }
  assert.deepEqual(await shownOrder(sec), order);
}

/**
 * Moves the keyboard focus to the first element matching `selector` with Tab (or Shift+Tab
 * when the target comes before the focus) only: no clicks, no focus() calls.
 */
async function tabTo(page, selector, max = 120) {
  for (let i = 0; i < max; i++) {
    const where = await page.evaluate((sel) => {
      const a = document.activeElement;
      if (a && a.matches(sel)) return 'here';
      const target = document.querySelector(sel);
      if (!target) return 'missing';
      if (!a || a === document.body) return 'after';
      return a.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING ? 'after' : 'before';
    }, selector);
    if (where === 'here') return;
    if (where === 'missing') throw new Error(`nothing matches ${selector}`);
    await page.keyboard.press(where === 'after' ? 'Tab' : 'Shift+Tab');
  }
  throw new Error(`could not Tab to ${selector}`);
}

/** The focused element's value. */
const focusedValue = (page) => page.evaluate(() => document.activeElement.value);

/**
 * With a radio or a select focused, presses ArrowDown until its value is `value` (arrows check
 * radios and change closed selects), then Space for a radio the focus landed on unchecked.
 */
async function arrowTo(page, value, max = 12) {
  for (let i = 0; i < max && (await focusedValue(page)) !== value; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await focusedValue(page), value, `arrows reach ${value}`);
  const radioUnchecked = await page.evaluate(() => {
    const a = document.activeElement;
    return a.type === 'radio' && !a.checked;
  });
  if (radioUnchecked) await page.keyboard.press('Space');
}

/** The number shown under a fact label (`dt`) of a facts list. */
async function fact(page, label) {
  return (await page.locator('.qz-fact').filter({ has: page.locator('dt', { hasText: label }) }).locator('dd').innerText()).trim();
}

describe('quizzes at 412×915', () => {
  checkPageAfterEach(env);

  test('practice from the course page: a wrong answer gets 错误, the right answer and the explanation; a right one 正确', async () => {
    const { page } = await env.open(PHONE);
    await page.goto(`${env.server.url}/courses/${PRACTICE.course_id}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    // The course lists its quizzes under 测验与考试.
    await page.getByRole('heading', { name: '测验与考试' }).waitFor();
    const links = page.locator('.cp-quizzes').getByRole('link');
    const titles = BANK.filter((q) => q.course_id === PRACTICE.course_id).map((q) => q.title);
    assert.deepEqual(await links.allInnerTexts(), titles);
    await page.locator('.cp-quizzes').getByRole('link', { name: PRACTICE.title }).click();
    await page.waitForURL(`**/quiz/${PRACTICE.id}`);
    await page.getByRole('heading', { level: 1, name: PRACTICE.title }).waitFor();
    assert.equal(await fact(page, '题数'), String(PRACTICE.questions.length));
    assert.equal(await fact(page, '可作答次数'), '不限');
    assert.deepEqual(await axeViolations(page), [], 'landing');

    await start(page, PRACTICE);
    // Phones: one question per screen; the strip marks the current one.
    assert.equal(await page.locator('.qz-strip button').count(), PRACTICE.questions.length);
    assert.equal(await page.locator('.qz-strip button').first().getAttribute('aria-current'), 'step');
    const visible = await page.locator('section.qz-q').evaluateAll((els) => els.filter((e) => e.offsetParent !== null).length);
    assert.equal(visible, 1, 'one question shown on a phone');
    assert.deepEqual(await axeViolations(page), [], 'taking view (phone)');

    // Question 1, wrong: a choice outside the key.
    const q1 = PRACTICE.questions[0];
    const wrong = q1.choices.find((c) => !rightChoices(q1).includes(c.id));
    const right = q1.choices.find((c) => c.id === rightChoices(q1)[0]);
    const s1 = section(page, q1.id);
    await s1.locator(`input[value="${wrong.id}"]`).check();
    await s1.getByRole('button', { name: '检查答案' }).click();
    const fb1 = s1.locator('.qz-fb');
    await fb1.waitFor();
    assert.match(await fb1.locator('.qz-out').innerText(), /^错误 · 得分 0\/1$/);
    const fbText = await fb1.innerText();
    assert.match(fbText, new RegExp(`你的答案\\s*${wrong.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(fbText, new RegExp(`正确答案\\s*${right.text.replace('.', '\\.')}`));
    assert.ok(fbText.includes('解析') && fbText.includes(q1.explanation), fbText);
    // Checked answers are locked.
    assert.equal(await s1.locator(`input[value="${right.id}"]`).isDisabled(), true);
    assert.equal(await page.locator('.qz-strip button').first().getAttribute('aria-label'), '第1题 ✓');
    await screenshot(page, 'quiz-practice-feedback-412x915');

    // Question 2, right: every choice of the key.
    await page.getByRole('button', { name: '下一题' }).click();
    const q2 = PRACTICE.questions[1];
    const s2 = section(page, q2.id);
    await s2.waitFor();
    assert.ok(await s2.evaluate((e) => e.classList.contains('qz-q--cur')));
    for (const id of rightChoices(q2)) await s2.locator(`input[value="${id}"]`).check();
    await s2.getByRole('button', { name: '检查答案' }).click();
    await s2.locator('.qz-fb').waitFor();
    assert.match(await s2.locator('.qz-out').innerText(), /^正确 · 得分 1\/1$/);
    assert.ok(!(await s2.locator('.qz-fb').innerText()).includes('正确答案'), 'no right answer repeated when right');
    assert.deepEqual(await axeViolations(page), [], 'taking view with feedback (phone)');
    // The checks are on the server: both locked there.
    const checked = sql(`SELECT checked FROM attempts WHERE id = '${attemptOf(page)}'`);
    assert.ok(checked.includes(q1.id) && checked.includes(q2.id), checked);
  });

  test('graded quiz: autosave survives a reload; confirm lists the unanswered; result hides the key; one submission', async () => {
    const { page } = await env.open(PHONE);
    await openQuiz(page, GRADED);
    assert.equal(await fact(page, '可作答次数'), String(GRADED.max_attempts));
    const attempt = await start(page, GRADED);
    const learner = await learnerOf(page);
    const [q1, q2, q3, q4, q5, q6] = GRADED.questions;
    assert.deepEqual([q1.kind, q2.kind, q3.kind, q4.kind, q5.kind, q6.kind],
      ['single', 'multiple', 'fill_blank', 'ordering', 'matching', 'numeric']);

    // Q1 right; autosaved about 1 s later.
    await section(page, q1.id).locator(`input[value="${rightChoices(q1)[0]}"]`).check();
    await page.locator('#qz-status').getByText('答案已保存').waitFor({ timeout: 5000 });
    assert.equal(sql(`SELECT json_extract(answers, '$."${q1.id}"') FROM attempts WHERE id = '${attempt}'`),
      JSON.stringify({ choice: rightChoices(q1) }));
    // Reload mid-way without this device's copy: the answer comes back from the server.
    await page.evaluate((a) => localStorage.removeItem(`jieti.quiz.${a}`), attempt);
    await page.reload();
    await section(page, q1.id).waitFor();
    assert.equal(await section(page, q1.id).locator(`input[value="${rightChoices(q1)[0]}"]`).isChecked(), true);
    assert.equal(await page.locator('.qz-strip button').first().getAttribute('aria-label'), '第1题 ✓');

    // Q2 wrong (a wrong choice only: 0 points); Q3 both blanks wrong.
    await page.getByRole('button', { name: '下一题' }).click();
    const wrong2 = q2.choices.find((c) => !rightChoices(q2).includes(c.id));
    await section(page, q2.id).locator(`input[value="${wrong2.id}"]`).check();
    await page.getByRole('button', { name: '下一题' }).click();
    const s3 = section(page, q3.id);
    await s3.getByLabel('空 1').fill('finally');
    const b2Wrong = q3.stem.find((p) => p.blank?.choices).blank.choices.find((c) => !q3.key.blanks.accepted.b2.includes(c.id));
    await s3.getByLabel('空 2').selectOption(b2Wrong.id);
    // Q4 in the key's order with the ↑ buttons.
    await page.getByRole('button', { name: '下一题' }).click();
    await arrangeByClicks(section(page, q4.id), q4.key.order.correct);
    // Q5 left unanswered; Q6 right.
    await page.getByRole('button', { name: '下一题' }).click();
    await page.getByRole('button', { name: '下一题' }).click();
    await section(page, q6.id).locator('input.qz-num').fill(String(q6.key.numeric.value));

    // 交卷: the confirmation lists question 5 only; 返回作答 closes it.
    await page.getByRole('button', { name: '交卷' }).click();
    const dialog = page.getByRole('alertdialog', { name: '确认交卷？' });
    await dialog.waitFor();
    assert.ok((await dialog.innerText()).includes('以下题目尚未作答：'));
    assert.deepEqual(await dialog.locator('.qz-missing button').allInnerTexts(), ['5']);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'qz-confirm', 'focus on 确认交卷');
    assert.deepEqual(await axeViolations(page), [], 'confirmation');
    await dialog.getByRole('button', { name: '返回作答' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: '交卷' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: '确认交卷' }).click();

    // Key: q1 1 + q4 2 + q6 1 = 4 of 10 → 40%, below the 60% pass mark.
    const max = GRADED.questions.reduce((s, q) => s + q.points, 0);
    const score = q1.points + q4.points + q6.points;
    const pct = Math.round((score / max) * 10000) / 100;
    assert.ok(pct < GRADED.pass_pct);
    const checkResult = async () => {
      await page.locator('.qz-result').waitFor();
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), '测验 · 未通过');
      assert.equal(await page.locator('.qz-pct').innerText(), `${pct}%`);
      await page.getByText(`得分 ${score} / ${max}`).waitFor();
      // after_last_attempt with attempts left: your answers, never the right ones nor explanations.
      await page.getByText('正确答案将在作答次数用完或通过后显示。').waitFor();
      const rows = page.locator('.qz-review > li');
      assert.equal(await rows.count(), GRADED.questions.length);
      assert.equal(await page.locator('.qz-review .qz-lbl', { hasText: '你的答案' }).count(), GRADED.questions.length);
      assert.equal(await page.locator('.qz-review .qz-lbl', { hasText: '正确答案' }).count(), 0);
      assert.equal(await page.locator('.qz-review .qz-expl').count(), 0);
      assert.match(await rows.nth(4).innerText(), /未作答/);
    };
    await checkResult();
    assert.equal(attemptOf(page), attempt);
    assert.deepEqual(await axeViolations(page), [], 'result');
    await screenshot(page, 'quiz-graded-result-412x915');
    await page.reload();
    await checkResult();

    // Exactly one submission, one scored row per question.
    assert.equal(sql(`SELECT COUNT(*) FROM attempts WHERE learner_id = '${learner}' AND quiz_id = '${GRADED.id}'`), '1');
    assert.equal(sql(`SELECT COUNT(*) FROM attempts WHERE learner_id = '${learner}' AND quiz_id = '${GRADED.id}'
      AND submitted_at IS NOT NULL`), '1');
    assert.equal(sql(`SELECT COUNT(*) FROM attempt_answers WHERE attempt_id = '${attempt}'`), String(GRADED.questions.length));
    assert.equal(sql(`SELECT outcome FROM attempt_answers WHERE attempt_id = '${attempt}' AND question_id = '${q5.id}'`), 'unanswered');
    assert.equal(sql(`SELECT score || '/' || max_score FROM attempts WHERE id = '${attempt}'`), `${score}.0/${max}.0`);

    // 再做一次 leads back to the rules, which offer a new attempt (2 of 3 remain) and list this one.
    await page.getByRole('button', { name: '再做一次' }).click();
    await page.waitForURL(`**/quiz/${GRADED.id}`);
    await page.getByRole('button', { name: '开始作答' }).waitFor();
    assert.match(await page.locator('.qz-attempts').innerText(), /#1 · 40% · 未通过/);
  });

  test('a timed exam counts down and submits itself at 0 with what was answered', async () => {
    const limit = sql(`SELECT time_limit_s FROM quizzes WHERE id = '${EXAM.id}'`);
    assert.equal(limit, String(EXAM.time_limit_s));
    // Deadlines are fixed when an attempt starts: a short limit now gives a short attempt.
    sql(`UPDATE quizzes SET time_limit_s = 15 WHERE id = '${EXAM.id}'`);
    try {
      const { page } = await env.open(PHONE);
      await openQuiz(page, EXAM);
      const attempt = await start(page, EXAM);
      const clock = page.getByRole('timer').locator('.qz-clock');
      await clock.waitFor();
      const secs = async () => {
        const [m, s] = (await clock.innerText()).split(':').map(Number);
        return m * 60 + s;
      };
      const first = await secs();
      assert.ok(first <= 15 && first >= 10, `starts near 0:15: ${first}`);
      const q1 = EXAM.questions[0];
      await section(page, q1.id).locator(`input[value="${rightChoices(q1)[0]}"]`).check();
      // The clock ticks every second (ceil of what is left): it shows less within ~2 s.
      await page.waitForFunction((first) => {
        const [m, s] = document.querySelector('.qz-clock').textContent.split(':').map(Number);
        return m * 60 + s < first;
      }, first, { timeout: 4000 });
      const later = await secs();
      assert.ok(later < first && later > 0, `counts down: ${first} → ${later}`);
      assert.deepEqual(await axeViolations(page), [], 'exam with a timer');
      // No click from here: the page submits when the clock reaches 0.
      await page.locator('.qz-result').waitFor({ timeout: 25_000 });
      assert.equal(attemptOf(page), attempt);
      // Only question 1 was answered (right), far below the pass mark.
      const max = EXAM.questions.reduce((s, x) => s + x.points, 0);
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), '模拟考试 · 未通过');
      await page.getByText(`得分 ${q1.points} / ${max}`).waitFor();
      assert.equal(sql(`SELECT submitted_at IS NOT NULL FROM attempts WHERE id = '${attempt}'`), '1');
      assert.equal(sql(`SELECT outcome FROM attempt_answers WHERE attempt_id = '${attempt}' AND question_id = '${q1.id}'`), 'correct');
      assert.equal(sql(`SELECT COUNT(*) FROM attempt_answers WHERE attempt_id = '${attempt}'`), String(EXAM.questions.length));
      // The client submits at 0, inside the server's grace window, so the server may count it as
      // an ordinary submission; the note shows exactly when the server says it submitted itself.
      const auto = sql(`SELECT auto_submitted FROM attempts WHERE id = '${attempt}'`);
      assert.equal(await page.getByText('时间到，系统已自动交卷。').count(), auto === '1' ? 1 : 0);
      await screenshot(page, 'quiz-exam-timeout-412x915');
    } finally {
      sql(`UPDATE quizzes SET time_limit_s = ${EXAM.time_limit_s} WHERE id = '${EXAM.id}'`);
    }
  });

  test('offline: a submission waits as pending, is sent once back online, and is never doubled', async () => {
    // A fresh context is a fresh guest: the graded quiz's attempts of other tests do not count.
    const { page, context } = await env.open(PHONE);
    await openQuiz(page, GRADED);
    const attempt = await start(page, GRADED);
    const learner = await learnerOf(page);
    const q1 = GRADED.questions[0];
    await section(page, q1.id).locator(`input[value="${rightChoices(q1)[0]}"]`).check();

    await context.setOffline(true);
    await page.getByRole('button', { name: '交卷' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: '确认交卷' }).click();
    await page.locator('#qz-status').getByText('已交卷，等待联网提交（答案不会丢失）').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByRole('button', { name: '交卷' }).isDisabled(), true);
    // Kept on this device with its client-made submission id; nothing reached the server.
    const pending = await page.evaluate((a) => JSON.parse(localStorage.getItem(`jieti.quiz.${a}`)).submit, attempt);
    assert.ok(pending, 'a pending submission id is stored');
    assert.equal(sql(`SELECT COUNT(*) FROM attempts WHERE learner_id = '${learner}' AND submitted_at IS NOT NULL`), '0');
    await screenshot(page, 'quiz-offline-pending-412x915');

    await context.setOffline(false);
    await page.locator('.qz-result').waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('.qz-review > li').count(), GRADED.questions.length);
    // Once, with the id made offline; a reload shows the same single result.
    await page.reload();
    await page.locator('.qz-result').waitFor();
    assert.equal(sql(`SELECT COUNT(*) FROM attempts WHERE learner_id = '${learner}'`), '1');
    assert.equal(sql(`SELECT submission_id FROM attempts WHERE learner_id = '${learner}' AND submitted_at IS NOT NULL`), pending);
    assert.equal(sql(`SELECT outcome FROM attempt_answers WHERE attempt_id = '${attempt}' AND question_id = '${q1.id}'`), 'correct');
    assert.equal(await page.evaluate((a) => localStorage.getItem(`jieti.quiz.${a}`), attempt), null, 'the local copy is gone');
    forgiveOffline();
  });

  test('wrong-answer book: a wrong practice answer is due; reviewing it right moves it on', async () => {
    const { page } = await env.open(PHONE);
    await openQuiz(page, PRACTICE);
    await start(page, PRACTICE);
    const q1 = PRACTICE.questions[0];
    const wrong = q1.choices.find((c) => !rightChoices(q1).includes(c.id));
    await section(page, q1.id).locator(`input[value="${wrong.id}"]`).check();
    await section(page, q1.id).getByRole('button', { name: '检查答案' }).click();
    await section(page, q1.id).locator('.qz-out', { hasText: '错误' }).waitFor();
    const learner = await learnerOf(page);

    // The landing links the book.
    await page.goto(`${env.server.url}/mistakes`);
    await page.getByRole('heading', { level: 1, name: '错题本' }).waitFor();
    const due = Number(await fact(page, '待复习'));
    assert.ok(due >= 1, `due: ${due}`);
    assert.equal(await fact(page, '学习中'), String(due));
    await page.locator('.qz-review').getByText(q1.prompt).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'mistakes overview');

    await page.getByRole('button', { name: '开始复习' }).click();
    await page.locator('.qz-kicker', { hasText: `${PRACTICE.title} · 1/${due}` }).waitFor();
    await page.locator(`section[data-q="${q1.id}"] input[value="${rightChoices(q1)[0]}"]`).check();
    await page.getByRole('button', { name: '检查答案' }).click();
    const fb = page.locator('.qz-fb[role="status"]');
    await fb.waitFor();
    assert.match(await fb.locator('.qz-out').innerText(), /^正确/);
    assert.match(await fb.innerText(), /下次复习 1 天后（复习阶段 2）/);
    assert.equal(await page.evaluate(() => document.activeElement.textContent), '下一题', 'focus on 下一题');
    assert.deepEqual(await axeViolations(page), [], 'mistakes review feedback');
    await screenshot(page, 'quiz-mistakes-review-412x915');
    await page.getByRole('button', { name: '下一题' }).click();
    await page.getByRole('heading', { level: 1, name: '本轮复习完成！' }).waitFor();
    await page.getByRole('button', { name: '错题本' }).click();

    // Back in the book: no longer due, still being learned, in box 2 on the server.
    await page.getByRole('heading', { level: 1, name: '错题本' }).waitFor();
    assert.equal(Number(await fact(page, '待复习')), due - 1);
    assert.equal(await fact(page, '学习中'), String(due));
    await page.getByText('现在没有需要复习的错题。').waitFor();
    assert.equal(sql(`SELECT box || ',' || (due_at > strftime('%s','now') * 1000) FROM mistakes
      WHERE learner_id = '${learner}' AND question_id = '${q1.id}'`), '2,1');
  });
});

describe('quizzes at 1280×800', () => {
  checkPageAfterEach(env);

  test('keyboard only: every kind of question answered right, submitted, 100%', async () => {
    const { page } = await env.open(DESKTOP);
    await openQuiz(page, PRACTICE);
    await tabTo(page, 'button[data-act="start"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/quiz/${PRACTICE.id}/[^/]+$`));
    await section(page, PRACTICE.questions[0].id).waitFor();
    const attempt = attemptOf(page);
    // Desktop: every question on one page; no previous/next.
    const visible = await page.locator('section.qz-q').evaluateAll((els) => els.filter((e) => e.offsetParent !== null).length);
    assert.equal(visible, PRACTICE.questions.length);
    assert.equal(await page.getByRole('button', { name: '下一题' }).isVisible(), false);
    assert.deepEqual(await axeViolations(page), [], 'taking view (desktop)');

    const q = Object.fromEntries(PRACTICE.questions.map((x) => [x.kind, x]));
    const inQ = (kind, sel) => `section[data-q="${q[kind].id}"] ${sel}`;
    const kb = page.keyboard;

    // Single choice: Tab into the radio group, arrows to the right one.
    await tabTo(page, inQ('single', 'input[type="radio"]'));
    await arrowTo(page, rightChoices(q.single)[0]);
    // Multiple choice: Tab through the checkboxes, Space on the right ones.
    const boxes = await page.locator(inQ('multiple', 'input[type="checkbox"]')).evaluateAll((els) => els.map((e) => e.value));
    for (const v of boxes) {
      await tabTo(page, inQ('multiple', `input[value="${v}"]`));
      if (rightChoices(q.multiple).includes(v)) await kb.press('Space');
    }
    // True or false: arrows.
    await tabTo(page, inQ('true_false', 'input[type="radio"]'));
    await arrowTo(page, rightChoices(q.true_false)[0]);
    // Fill in the blanks: type the first, arrow through the second's options.
    await tabTo(page, inQ('fill_blank', 'input.qz-blank'));
    await kb.type(q.fill_blank.key.blanks.accepted.b1[0]);
    await tabTo(page, inQ('fill_blank', 'select.qz-sel'));
    await arrowTo(page, q.fill_blank.key.blanks.accepted.b2[0]);
    // Number.
    await tabTo(page, inQ('numeric', 'input.qz-num'));
    await kb.type(String(q.numeric.key.numeric.value));
    // Ordering: focus an item's ↑ with Tab and press Enter (or Space) until it is in place; the
    // focus stays on the moved item's button, and the move is announced.
    const order = q.ordering.key.order.correct;
    const sec6 = section(page, q.ordering.id);
    for (let p = 0; p < order.length; p++) {
      let j = (await shownOrder(sec6)).indexOf(order[p]);
      if (j === p) continue;
      await tabTo(page, inQ('ordering', `[data-item="${order[p]}"] [data-act="up"]`));
      for (; j > p; j--) await kb.press(j % 2 ? 'Enter' : 'Space');
      assert.equal(await page.evaluate(() => document.activeElement.closest('[data-item]').dataset.item), order[p]);
      assert.equal(await page.locator('#qz-live').innerText(), `已移到第${p + 1}位`);
    }
    // ↓ then ↑ on the first item: down and back, still in the key's order.
    await tabTo(page, inQ('ordering', `[data-item="${order[0]}"] [data-act="down"]`));
    await kb.press('Enter');
    assert.equal((await shownOrder(sec6))[1], order[0]);
    await kb.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), `上移 ${q.ordering.choices.find((c) => c.id === order[0]).text}`);
    await kb.press('Space');
    assert.deepEqual(await shownOrder(sec6), order);
    // Matching: each left item's select, by arrows.
    for (const [left, right] of q.matching.key.pairs.correct) {
      await tabTo(page, inQ('matching', `select[data-left="${left}"]`));
      await arrowTo(page, right);
    }
    // Short answer: typed.
    await tabTo(page, inQ('essay', 'textarea'));
    await kb.type('列表可变，适合购物车；元组不可变，适合坐标。');

    // Every question shows as answered in the strip: visibly (class) and to screen readers (its
    // name). The name is checked at the end, so that the rest of the run is checked too.
    const strip = await page.locator('.qz-strip button').evaluateAll((els) => els.map((e) => [e.className, e.getAttribute('aria-label')]));
    assert.deepEqual(strip.slice(1).map(([c]) => c), PRACTICE.questions.slice(1).map(() => 'qz-dot qz-dot--done'));

    // Submit by keyboard: 交卷, then 确认交卷 has the focus.
    await tabTo(page, 'button[data-act="submit"]');
    await kb.press('Enter');
    await page.getByRole('alertdialog').getByText('所有题目都已作答。').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'qz-confirm');
    await kb.press('Enter');
    await page.locator('.qz-result').waitFor();
    // The essay is ungraded (0 points), so the maximum counts the other seven.
    const max = PRACTICE.questions.reduce((s, x) => s + x.points, 0);
    assert.equal(max, 7);
    assert.equal(await page.locator('.qz-pct').innerText(), '100%');
    await page.getByText(`得分 ${max} / ${max}`).waitFor();
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), '练习 · 通过');
    assert.match(await page.locator('.qz-review > li').last().innerText(), /待批阅/);
    assert.deepEqual(await axeViolations(page), [], 'result (desktop)');
    await screenshot(page, 'quiz-keyboard-result-1280x800');
    assert.equal(sql(`SELECT pct || ',' || passed FROM attempts WHERE id = '${attempt}'`), '100.0,1');
    // The strip's names said "answered" like its look did (no re-render happens on a desktop).
    assert.deepEqual(strip.slice(1).map(([, name]) => name), PRACTICE.questions.slice(1).map((_, i) => `第${i + 2}题 ✓`),
      'strip buttons are named answered as soon as they look answered');
  });
});
