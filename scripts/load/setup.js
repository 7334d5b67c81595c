// Prepares the load bench's data through the API (scripts/load.sh runs it):
//   node setup.js BASE_URL OUT_DIR [LEARNERS] [QUIZ_GUESTS]
// Writes, one record a line (tab-separated where there are several fields), for the wrk scripts:
//   courses.txt      course ids of the whole catalog
//   learners.txt     bearer tokens of LEARNERS guests, each enrolled in the courses of lessons.txt
//   lessons.txt      lesson id, kind (video|article), duration in seconds: lessons progress goes to
//   submissions.txt  attempt id, token, SubmitAttempt body: one open attempt per guest and quiz
//   summary.json     counts, printed by load.sh
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [base, out, learnersArg = '200', quizGuestsArg = '1000'] = process.argv.slice(2);
const LEARNERS = Number(learnersArg);
const QUIZ_GUESTS = Number(quizGuestsArg);
const API = `${base}/api/v1`;

async function call(method, path, token, body) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** Runs `f` over `items` with `n` requests in flight. */
async function pool(items, n, f) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await f(items[i], i);
    }
  }));
  return results;
}

const guest = async () => (await call('POST', '/session/guest')).token;

/** An answer of the right shape for every question kind (right or wrong does not matter). */
function answer(q, salt) {
  const ids = (q.choices || []).map((c) => c.id);
  switch (q.kind) {
    case 'single': return { choice: [ids[salt % ids.length]] };
    case 'true_false': return { choice: [salt % 2 ? 'true' : 'false'] };
    case 'multiple': return { choice: ids.slice(0, Math.max(1, Math.min(2, q.max_choices || 2))) };
    case 'fill_blank': {
      const blanks = {};
      for (const part of q.stem || []) {
        if (part.blank) blanks[part.blank.id] = part.blank.choices?.length ? part.blank.choices[0].id : '答案';
      }
      return { blanks };
    }
    case 'numeric': return { number: String(salt % 100) };
    case 'ordering': return { order: ids };
    case 'matching': return { pairs: ids.map((id, i) => [id, q.targets[i % q.targets.length].id]) };
    case 'essay': return { text: '我认为这一课的重点是循序渐进地练习。' };
    default: throw new Error(`unknown question kind ${q.kind}`);
  }
}

const started = Date.now();

// The catalog: every course id, and every quiz on a course page.
const courses = [];
for (let page = 1; ; page++) {
  const r = await call('GET', `/courses?per_page=100&page=${page}&facets=false`);
  courses.push(...r.items.map((c) => c.id));
  if (courses.length >= r.total || r.items.length === 0) break;
}
const details = await pool(courses, 8, (id) => call('GET', `/courses/${encodeURIComponent(id)}`));
const quizzes = details.flatMap((d) => (d.quizzes || []).map((q) => q.id));
if (quizzes.length === 0) throw new Error('the demo catalog has no quizzes');

// Lessons that progress events go to: those of the courses with quizzes (video and article).
const progressCourses = details.filter((d) => d.quizzes?.length).slice(0, 4);
const lessons = progressCourses.flatMap((d) => d.chapters.flatMap((ch) => ch.lessons.map((l) => ({ ...l, course: d.course.id }))));

// Progress learners: guests enrolled in those courses.
const learners = await pool(Array.from({ length: LEARNERS }), 16, async () => {
  const token = await guest();
  for (const d of progressCourses) await call('PUT', `/courses/${encodeURIComponent(d.course.id)}/enrollment`, token);
  return token;
});

// Quiz takers: each guest has one open attempt on every quiz (attempt limits are per learner and quiz).
const submissions = (await pool(Array.from({ length: QUIZ_GUESTS }), 16, async (_, g) => {
  const token = await guest();
  const lines = [];
  for (const quiz of quizzes) {
    const a = await call('POST', `/quizzes/${encodeURIComponent(quiz)}/attempts`, token);
    if (a.status !== 'open') throw new Error(`attempt on ${quiz} is ${a.status}`);
    const answers = {};
    a.questions.forEach((q, i) => { answers[q.id] = answer(q, g + i); });
    const body = { submission_id: `load-${a.id}`, answers };
    lines.push(`${a.id}\t${token}\t${JSON.stringify(body)}`);
  }
  return lines;
})).flat();

writeFileSync(join(out, 'courses.txt'), courses.join('\n') + '\n');
writeFileSync(join(out, 'learners.txt'), learners.join('\n') + '\n');
writeFileSync(join(out, 'lessons.txt'), lessons.map((l) => `${l.id}\t${l.kind}\t${l.duration_s}`).join('\n') + '\n');
writeFileSync(join(out, 'submissions.txt'), submissions.join('\n') + '\n');
const summary = {
  courses: courses.length,
  quizzes: quizzes.length,
  lessons: lessons.length,
  learners: learners.length,
  quiz_guests: QUIZ_GUESTS,
  attempts: submissions.length,
  secs: (Date.now() - started) / 1000,
};
writeFileSync(join(out, 'summary.json'), JSON.stringify(summary));
console.log(`prepared ${summary.courses} courses, ${summary.lessons} lessons for progress, ${summary.learners} enrolled learners, `
  + `${summary.attempts} open attempts (${QUIZ_GUESTS} guests × ${summary.quizzes} quizzes) in ${summary.secs.toFixed(1)} s`);
