// Responsiveness on a slow phone: with the CPU slowed to the target phone's (after the page has
// loaded; lib/cpu.js: 4× at this host's usual speed, calibrated before each attempt so a busy
// moment of the host does not make a slower phone), typing a search, switching catalog filters
// and answering practice questions must not block the main thread for more than 50 ms at a time
// (the floor, #8; see ATTEMPTS for how a run is judged). Long tasks are read from a
// 'longtask' PerformanceObserver; each interaction counts only the tasks that start inside its
// own time window (page load and the benchmark have long tasks of their own). Inside a window the test clicks with raw mouse events at an element's
// centre and waits with plain DOM queries: Playwright's actionability checks and getByRole's
// accessible-name scans run in the page and, throttled, make long tasks of their own.
// PERF_TRACE=1 also saves a Chromium trace (with JS samples) of each interaction to
// e2e/test-results/perf-<name>.trace.json, to see what a long task runs (DevTools' Performance
// panel opens it; starting the trace adds one long task of its own). PERF_CPU_RATE=1 runs
// unthrottled, to compare; PERF_CPU_RATE=4 at a fixed 4×.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useEnv, checkPageAfterEach, closeAndCheckPage } from '../lib/suite.js';
import { VIEWPORTS } from '../lib/browser.js';
import { ROOT } from '../lib/server.js';
import { TARGET_INDEX, hostIndex, chosenSlowdown } from '../lib/cpu.js';

const env = useEnv();
const [PHONE] = VIEWPORTS;
/** The floor (#8): no task over 50 ms while typing, filtering or answering. */
const LIMIT_MS = 50;
/**
 * Attempts an interaction gets while one has a task over the floor, on a fresh page each, judged
 * by the best: a hiccup of the host during an attempt (after its benchmark) lengthens that
 * attempt's tasks, a regression in the code every attempt's.
 */
const ATTEMPTS = 4;
/** Gap between keystrokes, as a person types. */
const KEY_DELAY_MS = 100;
/** After the last step: long tasks it caused may still be running or not yet reported. */
const TAIL_MS = 500;

const BANK = JSON.parse(readFileSync(join(ROOT, 'crates', 'server', 'seed', 'quizzes.json'), 'utf8'));
const PRACTICE = BANK.find((q) => q.id === 'python-basics-practice');

/** One row per interaction, printed together at the end. */
const summary = [];

/** Runs in the page before its scripts: keeps every long task, from the start, in window.__longTasks. */
function recordLongTasks() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ startTime: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/**
 * Opens `path` at phone size with the long-task recorder; `ready` waits for the loaded page; then
 * benchmarks the host and slows the CPU down to the target phone's. Returns the page, its CDP
 * session and the slowdown.
 */
async function openThrottled(path, ready) {
  const { page, context } = await env.open(PHONE);
  await context.addInitScript(recordLongTasks);
  await page.goto(env.server.url + path);
  await ready(page);
  // Playwright injects its helper script into each world on first use (tens of ms throttled):
  // done here, before any window opens.
  await page.waitForFunction(() => true);
  await page.locator('body').boundingBox();
  const slowdown = chosenSlowdown(await hostIndex(page));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: slowdown });
  return { page, cdp, slowdown };
}

/** Clicks the centre of the first element matching `selector` with raw mouse events. */
async function click(page, selector) {
  const target = page.locator(selector).first();
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

/** Waits until `selector` matches an element (a DOM query per animation frame). */
const present = (page, selector) => page.waitForFunction((sel) => document.querySelector(sel) !== null, selector, { timeout: 30_000 });

/**
 * Runs `steps` ([label, async fn]) as one interaction and returns the long tasks that started
 * inside its window, each with the step that was running.
 */
async function measure(page, cdp, slowdown, name, steps) {
  const tracing = process.env.PERF_TRACE === '1';
  const events = [];
  const collect = (e) => events.push(...e.value);
  if (tracing) {
    cdp.on('Tracing.dataCollected', collect);
    await cdp.send('Tracing.start', {
      transferMode: 'ReportEvents',
      traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'v8', 'v8.execute', 'v8.wasm', 'blink.user_timing', 'disabled-by-default-v8.cpu_profiler', 'disabled-by-default-v8.gc', 'loading'] },
    });
  }
  const marks = [];
  const t0 = await page.evaluate(() => performance.now());
  for (const [label, run] of steps) {
    marks.push({ label, at: await page.evaluate(() => performance.now()) });
    await run();
  }
  await page.waitForTimeout(TAIL_MS);
  const t1 = await page.evaluate(() => performance.now());
  if (tracing) {
    const done = new Promise((ok) => cdp.once('Tracing.tracingComplete', ok));
    await cdp.send('Tracing.end');
    await done;
    cdp.off('Tracing.dataCollected', collect);
    const dir = join(ROOT, 'e2e', 'test-results');
    mkdirSync(dir, { recursive: true });
    const file = `perf-${name.replace(/\W+/g, '-')}.trace.json`;
    writeFileSync(join(dir, file), JSON.stringify({ traceEvents: events, metadata: { t0, t1, marks } }));
  }
  const all = await page.evaluate(() => window.__longTasks);
  const tasks = all.filter((t) => t.startTime >= t0 && t.startTime < t1).map((t) => ({
    ...t,
    step: [...marks].reverse().find((m) => m.at <= t.startTime)?.label ?? marks[0].label,
  }));
  const longest = Math.max(0, ...tasks.map((t) => t.duration));
  const row = {
    interaction: name,
    'CPU slowdown': `${slowdown}×`,
    steps: steps.length,
    'window ms': Math.round(t1 - t0),
    'long tasks': tasks.length,
    [`over ${LIMIT_MS} ms`]: tasks.filter((t) => t.duration > LIMIT_MS).length,
    'longest ms': Math.round(longest),
    'blocking ms': Math.round(tasks.reduce((s, t) => s + Math.max(0, t.duration - LIMIT_MS), 0)),
    'during steps': [...new Set(tasks.map((t) => t.step))].join(', ') || '-',
  };
  for (const t of tasks) console.log(`  ${name}: long task ${Math.round(t.duration)} ms at ${Math.round(t.startTime - t0)} ms, during "${t.step}"`);
  return { tasks, longest, row };
}

/** Waits until the course cards' titles are `expected` and the list is no longer busy. */
async function waitForTitles(page, expected) {
  await page.waitForFunction(
    (want) => JSON.stringify([...document.querySelectorAll('main h3 a')].map((a) => a.textContent)) === JSON.stringify(want)
      && [...document.querySelectorAll('.results')].every((r) => r.getAttribute('aria-busy') !== 'true'),
    expected,
    { timeout: 30_000 },
  );
}

/**
 * Runs `attempt` (opens its page, returns what `measure` gives) up to ATTEMPTS times while a task
 * is over the target, prints the best attempt in the summary, and fails when even that one has a
 * task over the limit, naming them.
 */
async function judge(name, attempt) {
  const runs = [];
  for (let n = 1; n <= ATTEMPTS; n++) {
    // The previous attempt's page goes, checked as every test's page is.
    if (n > 1) await closeAndCheckPage(env);
    runs.push(await attempt());
    if (runs.at(-1).longest <= LIMIT_MS) break;
    console.log(`  ${name}: attempt ${n} of ${ATTEMPTS} had a task over ${LIMIT_MS} ms${n < ATTEMPTS ? '; again on a fresh page' : ''}`);
  }
  const best = runs.reduce((a, b) => (b.longest < a.longest ? b : a));
  summary.push({ ...best.row, attempts: runs.length, 'longest per attempt': runs.map((r) => `${Math.round(r.longest)} (${r.row['CPU slowdown']})`).join(', ') });
  const over = best.tasks.filter((t) => t.duration > LIMIT_MS);
  assert.deepEqual(over.map((t) => `${Math.round(t.duration)} ms during "${t.step}"`), [], `no task over ${LIMIT_MS} ms on the target phone's CPU (the best of ${runs.length} attempts)`);
}

after(() => {
  const cpu = process.env.PERF_CPU_RATE ? `a fixed ${process.env.PERF_CPU_RATE}× slowdown (PERF_CPU_RATE)` : `a phone of benchmarkIndex ${TARGET_INDEX}, calibrated per attempt`;
  console.log(`\nlong tasks per interaction (CPU: ${cpu}; phone ${PHONE.width}×${PHONE.height}; fails when the best of up to ${ATTEMPTS} attempts has a task over ${LIMIT_MS} ms):`);
  console.table(summary);
});

describe('interaction long tasks on a slow phone\'s CPU', () => {
  checkPageAfterEach(env);

  test('typing a search query character by character', async () => {
    const query = 'python';
    const expected = (await env.api(`/courses?q=${query}&per_page=20`)).items.map((c) => c.title);
    assert.ok(expected.length > 0, 'the demo catalog has courses for the query');
    await judge('search typing', async () => {
      const { page, cdp, slowdown } = await openThrottled('/search', async (p) => {
        await p.locator('main h3 a').first().waitFor();
        await p.waitForFunction(() => document.activeElement?.getAttribute('type') === 'search');
    });
    const steps = [...query].map((ch) => [`type "${ch}"`, async () => {
      await page.keyboard.type(ch);
      await page.waitForTimeout(KEY_DELAY_MS);
    }]);
    steps.push(['results update', async () => {
      await page.waitForURL(new RegExp(`q=${query}`));
      await waitForTitles(page, expected);
    }]);
    return measure(page, cdp, slowdown, 'search typing', steps);
    });
  });

  test('switching category filters on the catalog', async () => {
    const categories = ['it', 'design', 'ecommerce', 'exam'];
    const expectations = await Promise.all(categories.map((id) => env.api(`/courses?category=${id}&page=1&per_page=20`)));
    await judge('catalog filters', async () => {
      const { page, cdp, slowdown } = await openThrottled('/', (p) => p.locator('main h3 a').first().waitFor());
      const steps = [];
      for (const [i, id] of categories.entries()) {
        const expected = expectations[i];
        steps.push([`filter ${id}`, async () => {
          await click(page, `main a[href="/?category=${id}"]`);
          await page.waitForURL(new RegExp(`category=${id}`));
          await page.waitForFunction((t) => document.querySelector('main').textContent.includes(t), `共 ${expected.total} 门课程`);
          await waitForTitles(page, expected.items.map((c) => c.title));
        }]);
      }
      return measure(page, cdp, slowdown, 'catalog filters', steps);
    });
  });

  test('answering practice questions and checking them', async () => {
    const [q1, q2, q3] = PRACTICE.questions;
    assert.deepEqual([q1.kind, q2.kind, q3.kind], ['single', 'multiple', 'true_false']);
    await judge('quiz answering', async () => {
      const { page, cdp, slowdown } = await openThrottled(`/quiz/${PRACTICE.id}`, (p) => p.getByRole('button', { name: '开始作答' }).waitFor());
      const section = (q) => `section[data-q="${q.id}"]`;
      /** Clicks the key's choices of `q`, checks the answer, and waits for the feedback. */
      const answer = (q) => async () => {
        for (const id of q.key.choice.correct) {
          await click(page, `${section(q)} input[value="${id}"]`);
          await page.waitForFunction((sel) => document.querySelector(sel).checked, `${section(q)} input[value="${id}"]`);
        }
        await click(page, `${section(q)} [data-act="check"]`);
        await present(page, `${section(q)} .qz-fb`);
      };
      /** Moves to the next question and waits for it. */
      const next = (q) => async () => {
        await click(page, '[data-act="next"]');
        await present(page, `${section(q)}.qz-q--cur`);
      };
      const steps = [
        ['start (开始作答)', async () => {
          await click(page, '[data-act="start"]');
          await present(page, section(q1));
        }],
        ['answer q1 (single)', answer(q1)],
        ['next → q2', next(q2)],
        ['answer q2 (multiple)', answer(q2)],
        ['next → q3', next(q3)],
        ['answer q3 (true/false)', answer(q3)],
      ];
      const measured = await measure(page, cdp, slowdown, 'quiz answering', steps);
      assert.equal(await page.locator('.qz-fb').count(), 3, 'three answers checked');
      return measured;
    });
  });
});
