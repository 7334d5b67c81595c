// The embeddable player (issue #7) on an institution's page: a host page served from a second
// origin on loopback (127.0.0.2, on the institution's allowlist) and a third one that is not
// (127.0.0.3), each loading the real embed.js from the Jieti server. Checks the poster that costs
// almost nothing until the tap, the iframe's height following its content, the xAPI statements the
// host receives (validated against xAPI 1.0.3 by e2e/lib/xapi.js), a graded quiz in a course
// embed, the allowlist (frame-ancestors and the postMessage handshake), the mimic fullscreen, the
// host's signed learner tokens, and the theme. axe runs on the host page with the iframe in it;
// console errors of the host page and of the frame fail the test (checkPageAfterEach).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHash, createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useEnv, checkPageAfterEach } from '../lib/suite.js';
import { axeViolations, launch, openPage, screenshot, VIEWPORTS } from '../lib/browser.js';
import { ROOT } from '../lib/server.js';
import { validateStatement, isUuid } from '../lib/xapi.js';

const env = useEnv({ browser: { partitionedStorage: true } });
const [PHONE, DESKTOP] = VIEWPORTS;

const ADMIN = { email: 'admin@jieti.demo', password: 'jieti-demo-2026' };
const STAFF = { email: 'staff@jinzhang.demo', password: 'jieti-demo-2026' };
const JINZHANG = 'jinzhang-accounting';
const ACC = 'junior-accountant-practice';
/**
 * A lesson with a 52 s demo video. The server counts stretches played at up to 2× only
 * (crates/server/src/progress.rs MAX_COUNTED_RATE): at 2× it is complete in about 25 s.
 */
const LESSON = `${ACC}-1`;
const PY = 'python-basics';
const BANK = JSON.parse(readFileSync(join(ROOT, 'crates', 'server', 'seed', 'quizzes.json'), 'utf8'));
const GRADED = BANK.find((q) => q.id === 'python-basics-quiz');
const VERB = (v) => `http://adlnet.gov/expapi/verbs/${v}`;
const PROGRESS = 'https://w3id.org/xapi/cmi5/result/extensions/progress';

// ---- the host sites ---------------------------------------------------------------------------

/** A tiny web server on a loopback address: serves the HTML a test registers for a path. */
async function startHost(address) {
  const pages = new Map();
  const server = createServer((req, res) => {
    const html = pages.get(new URL(req.url, 'http://host').pathname);
    if (!html) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html);
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, address, ok);
  });
  const origin = `http://${address}:${server.address().port}`;
  let n = 0;
  return {
    origin,
    /** Serves `html` at a new path; returns its URL. */
    serve(html, name = 'page') {
      const path = `/${name}-${++n}.html`;
      pages.set(path, html);
      return origin + path;
    },
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(ok); }),
  };
}

const escapeHtml = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * A school's page with one embed: `attrs` are the div's data-jieti-* attributes (without the
 * prefix). The page records what the loader tells it: jieti:event (and the on-event callback),
 * jieti:error, jieti:ready, and every message that reaches the window (origin and type).
 */
function hostPage({ attrs, title = '会计学院 · 在线课程', before = '', after = '' }) {
  const data = Object.entries(attrs).map(([k, v]) => ` data-jieti-${k}="${escapeHtml(v)}"`).join('');
  return `<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff}main{padding:16px}
h1{font-size:22px;margin:0 0 8px}.filler{height:400px;background:#f3f3f3;margin:16px 0}</style>
<script>
  window.jieti = { events: [], callbacks: [], errors: [], ready: [], messages: [] };
  window.onJietiEvent = function (statement, div) { jieti.callbacks.push({ statement: statement, div: div.id }); };
  document.addEventListener('jieti:event', function (e) { jieti.events.push({ statement: e.detail, target: e.target.id }); });
  document.addEventListener('jieti:error', function (e) { jieti.errors.push(e.detail); });
  document.addEventListener('jieti:ready', function (e) { jieti.ready.push(e.detail); });
  window.addEventListener('message', function (e) { jieti.messages.push({ origin: e.origin, type: e.data && e.data.type }); });
</script></head>
<body><main><h1>${escapeHtml(title)}</h1><p>本页面嵌入了阶梯的课程播放器。</p>${before}
<div id="embed"${data}></div>
${after}<p>页面结束。</p></main>
<script async src="${env.server.url}/embed.js"></script></body></html>`;
}

let hostA;
let hostB;
before(async () => {
  hostA = await startHost('127.0.0.2');
  hostB = await startHost('127.0.0.3');
});
after(async () => {
  await hostA?.close();
  await hostB?.close();
});

// ---- the server -------------------------------------------------------------------------------

/** Runs SQL on the server's database. */
function sql(query) {
  return execFileSync('sqlite3', [env.server.dbPath, query], { encoding: 'utf8' }).trim();
}

/** Calls the API; the answer must be 2xx (e2e/lib/suite.js). */
const call = (...args) => env.call(...args);

const signIn = async (who) => (await call('POST', '/session', undefined, who)).token;

/** Sets an institution's allowlist through the staff API; returns its settings (secret included). */
async function allow(institution, origins, who) {
  const token = await signIn(who);
  const settings = await call('PUT', `/institutions/${institution}/embed`, token, { origins });
  assert.deepEqual(settings.origins, origins);
  return settings;
}

/** base64url without padding. */
const b64u = (s) => Buffer.from(s).toString('base64url');

/** An HS256 learner token as a host site's server would make it. */
function learnerToken(secret, claims) {
  const head = b64u(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64u(JSON.stringify(claims));
  const sig = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

// ---- the page and its frame -------------------------------------------------------------------

/** The embed's frame (once it has a Jieti URL). */
async function jietiFrame(page, timeout = 20_000) {
  const prefix = `${env.server.url}/embed/`;
  const deadline = Date.now() + timeout;
  for (;;) {
    const f = page.frames().find((x) => x.url().startsWith(prefix));
    if (f) return f;
    if (Date.now() > deadline) throw new Error(`no frame at ${prefix}…: ${page.frames().map((x) => x.url()).join(', ')}`);
    await page.waitForTimeout(100);
  }
}

/** Polls `fn` until it returns a truthy value; returns it. */
async function until(fn, what, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((ok) => setTimeout(ok, 150));
  }
}

/** The statements the host page has received so far (jieti:event details). */
const statements = (page) => page.evaluate(() => jieti.events.map((e) => e.statement));
const verbOf = (s) => s.verb.id.replace(VERB(''), '');

/** Waits until a statement with `verb` has arrived; returns all statements. */
async function waitForVerb(page, verb, timeout = 60_000) {
  return until(async () => {
    const all = await statements(page);
    return all.some((s) => verbOf(s) === verb) && all;
  }, `a "${verb}" statement`, timeout);
}

/** The iframe's height on the host page and the frame's body height, in CSS px. */
async function heights(page, frame) {
  const iframe = await page.evaluate(() => document.querySelector('#embed iframe').getBoundingClientRect().height);
  const body = await frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
  return { iframe, body };
}

/** Waits until the iframe is as tall as its content (±2 px); returns the height. */
async function fitted(page, frame, what) {
  const h = await until(async () => {
    const { iframe, body } = await heights(page, frame);
    return Math.abs(iframe - Math.max(body, 120)) <= 2 && iframe;
  }, `the iframe to fit its content (${what})`);
  return h;
}

/** Plays the frame's video muted at `rate`; resolves once it is playing. */
async function playVideo(frame, rate = 1) {
  await frame.waitForFunction(() => {
    const v = document.querySelector('video.pl-video');
    return v && v.readyState >= 1 && v.duration > 0;
  }, null, { timeout: 20_000 });
  await frame.evaluate(async (rate) => {
    const v = document.querySelector('video.pl-video');
    v.muted = true;
    v.playbackRate = rate;
    // The player sets its own speed when a source loads (a quality switch, too): keep `rate`.
    if (rate !== 1) v.addEventListener('loadedmetadata', () => { v.playbackRate = rate; });
    if (v.paused) await v.play();
  }, rate);
}

/** Takes expected console errors out of the current test's problems; returns them. */
function forgive(pattern) {
  const problems = env.ctx.problems;
  const rest = problems.filter((p) => !pattern.test(p));
  const taken = problems.filter((p) => pattern.test(p));
  problems.splice(0, problems.length, ...rest);
  return taken;
}

/** Opens `url` and waits for the embed's poster in its frame; returns the frame. */
async function openHost(page, url) {
  await page.goto(url);
  const frame = await jietiFrame(page);
  await frame.locator('.em-cover[aria-label]').waitFor({ timeout: 20_000 });
  return frame;
}

/** Taps the poster and waits for the player's video. */
async function tapPoster(frame) {
  await frame.locator('.em-cover').click();
  await frame.locator('.pl video.pl-video').waitFor({ timeout: 30_000 });
}

/** `n` bytes as the poster writes them. */
const megabytes = (b) => `${b / 1e6 >= 10 ? Math.round(b / 1e6) : (b / 1e6).toFixed(1)} MB`;

/** Every statement is valid xAPI; the problems otherwise, with the verb. */
function assertValid(all) {
  const problems = all.flatMap((s) => validateStatement(s).map((p) => `${s?.verb?.id}: ${p}`));
  assert.deepEqual(problems, [], 'every statement is valid xAPI 1.0.3');
}

describe('the statement validator', () => {
  test('catches what an LRS refuses (so that a pass below means something)', () => {
    const ok = {
      id: '6f1c2b1e-2a3d-4c5b-8e7f-0a1b2c3d4e5f',
      actor: { objectType: 'Agent', account: { homePage: 'http://127.0.0.1:1', name: '0123456789abcdef0123456789abcdef' } },
      verb: { id: VERB('completed'), display: { 'en-US': 'completed' } },
      object: { objectType: 'Activity', id: 'http://127.0.0.1:1/learn/c/l', definition: { type: 'http://adlnet.gov/expapi/activities/lesson', name: { 'zh-Hans': '课' } } },
      result: { completion: true, duration: 'PT52.10S', score: { raw: 3, min: 0, max: 4, scaled: 0.75 } },
      context: { registration: 'a3c1f2d4-1234-8abc-9def-0123456789ab', platform: 'Jieti', language: 'zh-Hans', contextActivities: { parent: [{ id: 'http://127.0.0.1:1/courses/c' }] } },
      timestamp: '2026-01-02T03:04:05.678Z',
    };
    assert.deepEqual(validateStatement(ok), []);
    // Two identifiers for one Agent (an email next to the account).
    assert.match(validateStatement({ ...ok, actor: { ...ok.actor, mbox: 'mailto:wang@example.edu' } }).join(), /exactly one identifier/);
    // Durations and timestamps as ISO 8601 wants them; scaled within [-1, 1]; min < max.
    assert.match(validateStatement({ ...ok, result: { ...ok.result, duration: '52.1s' } }).join(), /duration/);
    assert.match(validateStatement({ ...ok, timestamp: '2026-01-02 03:04:05' }).join(), /timestamp/);
    assert.match(validateStatement({ ...ok, result: { score: { raw: 5, min: 0, max: 4, scaled: 1.25 } } }).join(), /outside \[-1, 1\].*above max|above max.*outside/s);
    // undefined survives postMessage and breaks a JSON LRS; unknown and misspelt properties.
    assert.match(validateStatement({ ...ok, context: { ...ok.context, registration: undefined } }).join(), /registration: is undefined/);
    assert.match(validateStatement({ ...ok, v: 1, verb: { id: 'completed' } }).join(), /statement\.v: .*verb\.id: must be an absolute IRI/s);
    assert.match(validateStatement({ ...ok, object: { ...ok.object, definition: { ...ok.object.definition, interactionType: 'multiple-choice' } } }).join(), /interactionType/);
    assert.match(validateStatement({ ...ok, verb: { ...ok.verb, display: { en_US: 'x' } } }).join(), /RFC 5646/);
  });
});

describe('the embed on a school\'s page at 412×915', () => {
  checkPageAfterEach(env);

  before(async () => {
    await allow(JINZHANG, [hostA.origin], STAFF);
  });

  test('click-to-load: the poster matches the lesson, costs under 30 KiB, and no wasm loads before the tap', async (t) => {
    const info = await env.api(`/embed/lessons/${LESSON}`);
    assert.equal(info.institution_id, JINZHANG);
    assert.deepEqual(info.allowed_origins, [hostA.origin]);
    const { page } = await env.open(PHONE);
    const requests = [];
    const sizes = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('response', (r) => {
      if (r.url().startsWith(env.server.url)) {
        sizes.push(r.request().sizes().then((s) => ({ url: r.url(), bytes: s.responseBodySize + s.responseHeadersSize })));
      }
    });
    const url = hostA.serve(hostPage({ attrs: { lesson: LESSON, title: `阶梯课程：${info.title}` } }));
    const frame = await openHost(page, url);
    const cover = frame.locator('.em-cover');
    assert.equal(await cover.getAttribute('aria-label'), `播放：${info.title}`);
    assert.equal(await frame.locator('h1.em-title').innerText(), info.title);
    const minutes = Math.max(1, Math.round(info.duration_s / 60));
    assert.equal(await frame.locator('p.em-facts').innerText(),
      `${info.institution_name} · ${minutes} 分钟 · ${megabytes(info.size_bytes)}`);
    // The poster image is there; then nothing more is fetched until the tap.
    await frame.waitForFunction(() => [...document.images].every((i) => i.complete));
    await page.waitForTimeout(1500);
    const before = await Promise.all(sizes);
    const total = before.reduce((s, r) => s + r.bytes, 0);
    assert.ok(total < 30 * 1024, `bytes from Jieti before the tap: ${total}\n${before.map((r) => `${r.bytes} ${r.url}`).join('\n')}`);
    assert.ok(before.some((r) => r.url.endsWith('/embed.js')), 'the loader was counted');
    t.diagnostic(`${total} bytes in ${before.length} responses from Jieti before the tap`);
    assert.deepEqual(requests.filter((u) => /jieti-embed|\.wasm(\?|$)/.test(u)), [], 'no player code before the tap');
    assert.equal(await frame.locator('video').count(), 0);
    assert.deepEqual(await axeViolations(page), [], 'host page with the poster');

    await tapPoster(frame);
    assert.ok(requests.some((u) => /\/jieti-embed-[0-9a-f]+\.js$/.test(u)), 'the player JS loaded on the tap');
    assert.ok(requests.some((u) => /\/jieti-embed-[0-9a-f]+_bg\.wasm$/.test(u)), 'the player wasm loaded on the tap');
    assert.ok(!requests.some((u) => u.includes('jieti-embed-quiz')), 'not the quiz player');
    await frame.getByRole('heading', { level: 1, name: info.title }).waitFor();
    await playVideo(frame);
    await frame.waitForFunction(() => document.querySelector('video.pl-video').currentTime > 0.5, null, { timeout: 20_000 });
    await frame.evaluate(() => document.querySelector('video.pl-video').pause());
    await fitted(page, frame, 'the player');
    await screenshot(page, 'embed-host-playing-412x915');
    assert.deepEqual(await axeViolations(page), [], 'host page with the player');
  });

  test('auto-resize: the iframe is as tall as the poster, then the player, and follows content changes', async () => {
    const info = await env.api(`/embed/courses/${ACC}`);
    const { page } = await env.open(PHONE);
    const frame = await openHost(page, hostA.serve(hostPage({ attrs: { course: ACC }, after: '<div class="filler"></div>' })));
    assert.equal(await frame.locator('.em-cover').getAttribute('aria-label'), `开始学习：${info.title}`);
    assert.match(await frame.locator('p.em-facts').innerText(), new RegExp(` · ${info.lessons} 课时 · `));
    const poster = await fitted(page, frame, 'the poster');
    // The poster: a 16:9 cover at the frame's width, the title and the facts line.
    const width = await page.evaluate(() => document.querySelector('#embed iframe').getBoundingClientRect().width);
    assert.ok(poster > width * 9 / 16 && poster < width * 9 / 16 + 250, `poster height ${poster} for width ${width}`);

    await tapPoster(frame);
    // The transcript's cues come with the video's track: play a moment.
    await playVideo(frame);
    await frame.locator('.pl-transcript .pl-cue').first().waitFor({ timeout: 20_000 });
    await frame.evaluate(() => document.querySelector('video.pl-video').pause());
    const player = await fitted(page, frame, 'the player');
    assert.ok(player > poster + 100, `the player is taller than the poster: ${poster} → ${player}`);

    // Searching the transcript leaves fewer cues: the iframe shrinks with them, and grows back.
    const cues = await frame.locator('.pl-cue').count();
    assert.ok(cues >= 3, `cues: ${cues}`);
    const word = (await frame.locator('.pl-cue').nth(1).innerText()).replace(/^\d+:\d+/, '').trim().slice(0, 4);
    await frame.getByLabel('在文字稿中搜索').fill(word);
    await until(async () => (await frame.locator('.pl-cue').count()) < cues, 'the transcript to filter');
    const filtered = await until(async () => {
      const h = await fitted(page, frame, 'the filtered transcript');
      return h < player - 10 && h;
    }, 'the iframe to shrink');
    await frame.getByLabel('在文字稿中搜索').fill('');
    await until(async () => (await fitted(page, frame, 'the whole transcript')) > filtered + 10, 'the iframe to grow back');
    assert.ok(filtered < player);

    // The outline opens over the player inside the frame (fixed), at the frame's full size.
    await frame.getByRole('button', { name: '课程目录' }).click();
    const outline = frame.locator('#pl-outline');
    await outline.locator('a.pl-item[data-lesson]').first().waitFor();
    assert.equal(await outline.locator('a.pl-item[data-lesson]').count(), info.lessons);
    assert.ok(await outline.isVisible());
    await fitted(page, frame, 'with the outline open');
    assert.deepEqual(await axeViolations(page), [], 'host page with the course outline open');
    await frame.getByRole('button', { name: '关闭' }).click();
    await outline.waitFor({ state: 'hidden' });
    await fitted(page, frame, 'with the outline closed');
  });

  test('events: a lesson played to its end sends initialized, progressed and completed — valid xAPI, no email', async () => {
    const { page } = await env.open(PHONE);
    const frame = await openHost(page, hostA.serve(hostPage({ attrs: { lesson: LESSON, 'on-event': 'onJietiEvent' } })));
    await page.evaluate(() => jieti.ready.length > 0 || new Promise((ok) => document.addEventListener('jieti:ready', ok, { once: true })));
    assert.deepEqual(await page.evaluate(() => jieti.ready), [{ kind: 'lesson', id: LESSON }], 'the handshake succeeded once');
    await tapPoster(frame);
    await playVideo(frame, 2);
    const all = await waitForVerb(page, 'completed', 90_000);
    const verbs = all.map(verbOf);
    assert.equal(verbs[0], 'initialized', verbs.join());
    assert.ok(verbs.indexOf('completed') > verbs.indexOf('initialized'));
    assertValid(all);

    // One learner, one registration, no personal data: the actor is an opaque account.
    const names = new Set(all.map((s) => s.actor.account.name));
    assert.equal(names.size, 1);
    const [name] = names;
    assert.match(name, /^[0-9a-f]{32}$/);
    assert.ok(all.every((s) => s.actor.account.homePage === env.server.url));
    const registrations = new Set(all.map((s) => s.context.registration));
    assert.equal(registrations.size, 1);
    assert.ok(isUuid([...registrations][0]));
    const text = JSON.stringify(all);
    assert.ok(!/@|mailto:/.test(text), 'no email address anywhere');
    const token = await frame.evaluate(() => localStorage.getItem('jieti.embed.token')).catch(() => null);
    if (token) assert.ok(!text.includes(token), 'no session token');
    // Objects: the lesson (completed/progressed), with the course as parent.
    const completed = all.find((s) => verbOf(s) === 'completed');
    assert.equal(completed.object.id, `${env.server.url}/learn/${ACC}/${LESSON}`);
    assert.equal(completed.result.completion, true);
    assert.deepEqual(completed.context.contextActivities.parent.map((a) => a.id), [`${env.server.url}/courses/${ACC}`]);
    // The callback got the same statements as the events, in the same order.
    const callbacks = await page.evaluate(() => jieti.callbacks);
    const events = await page.evaluate(() => jieti.events);
    assert.deepEqual(callbacks.map((c) => c.statement.id), events.map((e) => e.statement.id));
    assert.ok(callbacks.every((c) => c.div === 'embed') && events.every((e) => e.target === 'embed'));
    assert.equal(new Set(all.map((s) => s.id)).size, all.length, 'statement ids are unique');
    assert.deepEqual(await axeViolations(page), [], 'the completed lesson');
    // Progress in 10 % steps of the video, increasing (last, so that all of the above is checked
    // whatever happens here).
    const progress = all.filter((s) => verbOf(s) === 'progressed').map((s) => s.result.extensions[PROGRESS]);
    assert.ok(progress.length >= 3, `progressed statements: ${JSON.stringify(progress)} (verbs: ${verbs.join()})`);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i] > progress[i - 1], `increasing: ${progress}`);
    for (const p of progress) assert.ok(Number.isInteger(p) && p % 10 === 0 && p >= 10 && p <= 100, `step ${p}`);
  });

  test('terminated: leaving the lesson (the frame navigates away) ends the session with a statement to the host', async () => {
    const { page } = await env.open(PHONE);
    const frame = await openHost(page, hostA.serve(hostPage({ attrs: { lesson: LESSON } })));
    await tapPoster(frame);
    await playVideo(frame);
    await until(async () => (await statements(page)).some((s) => verbOf(s) === 'initialized'), 'initialized');
    await frame.evaluate(() => document.querySelector('video.pl-video').pause());
    // The frame's page goes away (here the host reloads the iframe; a link, a course embed moving
    // to a quiz, or closing the tab do the same): it says so on pagehide.
    await page.evaluate(() => { const f = document.querySelector('#embed iframe'); f.src = f.src; });
    await frame.locator('.em-cover[aria-label]').waitFor();
    // The frame did post it (the window got a jieti:statement after the handshake's first ready).
    await until(() => page.evaluate(() => jieti.messages.filter((m) => m.type === 'jieti:statement').length >= 2), 'the statement message');
    const all = await waitForVerb(page, 'terminated', 10_000);
    assertValid(all);
    const [initialized, terminated] = ['initialized', 'terminated'].map((v) => all.find((s) => verbOf(s) === v));
    assert.equal(terminated.object.id, initialized.object.id);
    assert.equal(terminated.context.registration, initialized.context.registration);
    assert.match(terminated.result.duration, /^PT\d+(\.\d+)?S$/);
  });

  test('a host not on the allowlist gets no player and no messages; stray messages change nothing', async (t) => {
    const { page } = await env.open(PHONE);
    const embedPage = page.waitForResponse((r) => r.url().startsWith(`${env.server.url}/embed/lesson/`));
    await page.goto(hostB.serve(hostPage({ attrs: { lesson: LESSON } })));
    // The embed page names who may frame it; the browser holds 127.0.0.3 to it.
    const csp = (await (await embedPage).allHeaders())['content-security-policy'];
    assert.ok(csp.split('; ').includes(`frame-ancestors 'self' ${hostA.origin}`), csp);
    assert.ok(csp.split('; ').includes("script-src 'self' 'wasm-unsafe-eval'"), csp);
    const blocked = await until(() => page.frames().find((f) => f !== page.mainFrame()), 'the iframe');
    await until(() => blocked.url().startsWith('chrome-error://'), `the frame to be refused (at ${blocked.url()})`, 10_000);
    // Time for a handshake that must not happen.
    await page.waitForTimeout(3000);
    assert.ok(!page.frames().some((f) => f.url().startsWith(`${env.server.url}/embed/`)), 'no Jieti document in a frame');
    const seen = await page.evaluate(() => jieti);
    assert.deepEqual([seen.ready, seen.events, seen.errors, seen.callbacks], [[], [], [], []]);
    assert.deepEqual(seen.messages, [], 'no message of any kind reached the host');
    // The browser says why it refused the frame (the loader's hello to it is dropped silently).
    const said = forgive(/violates the following Content Security Policy directive: "frame-ancestors/);
    assert.ok(said.some((p) => p.includes('frame-ancestors')), said.join('\n'));
    for (const p of said) t.diagnostic(p);

    // On the allowed host, with the player running: messages from a page of another origin (a
    // frame of 127.0.0.3 inside the host page) and malformed ones from the host itself.
    const evil = hostB.serve(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ad</title>
<link rel="icon" href="data:,"><script>
  window.attack = function () {
    var forged = { type: 'jieti:statement', statement: { verb: { id: 'http://adlnet.gov/expapi/verbs/passed' }, object: { id: 'http://evil.test/x' } } };
    for (var i = 0; i < parent.frames.length; i++) {
      if (parent.frames[i] === window) continue;
      parent.frames[i].postMessage({ type: 'jieti:hello', v: 1, token: 'forged.token.value' }, '*');
      parent.frames[i].postMessage({ type: 'jieti:fullscreen-exit' }, '*');
    }
    [forged, { type: 'jieti:fullscreen', on: true }, { type: 'jieti:resize', height: 5000 }, { type: 'jieti:ready', kind: 'lesson', id: 'x' },
      { type: 'jieti:error', code: 'token_rejected', status: 401 }].forEach(function (m) { parent.postMessage(m, '*'); });
    return true;
  };
</script></head><body><p>ad</p></body></html>`, 'ad');
    const requests = [];
    page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));
    const frame = await openHost(page, hostA.serve(hostPage({
      attrs: { lesson: LESSON },
      after: `<iframe id="ad" title="广告" src="${evil}" width="300" height="60" style="border:0"></iframe>`,
    })));
    await tapPoster(frame);
    await frame.evaluate(() => document.querySelector('video.pl-video').pause());
    await until(() => page.evaluate(() => jieti.ready.length === 1 && jieti.events.length >= 1), 'ready and initialized');
    await page.waitForTimeout(1000);
    const height = await fitted(page, frame, 'the player');
    const before = await page.evaluate(() => JSON.stringify([jieti.ready, jieti.events, jieti.errors]));
    const token = await frame.evaluate(() => localStorage.getItem('jieti.embed.token'));
    const ad = page.frames().find((f) => f.url() === evil);
    assert.equal(await ad.evaluate(() => window.attack()), true);
    await page.evaluate((origin) => {
      const w = document.querySelector('#embed iframe').contentWindow;
      for (const m of ['garbage', null, 42, [], {}, { type: 7 }, { type: 'jieti:nonsense' }, { type: 'jieti:fullscreen-exit' }]) w.postMessage(m, origin);
    }, env.server.url);
    await page.waitForTimeout(2000);
    assert.equal(await page.evaluate(() => JSON.stringify([jieti.ready, jieti.events, jieti.errors])), before, 'no event reached the host page');
    const box = await page.evaluate(() => {
      const f = document.querySelector('#embed iframe');
      return { position: getComputedStyle(f).position, height: f.getBoundingClientRect().height, overflow: document.documentElement.style.overflow };
    });
    assert.deepEqual(box, { position: 'static', height, overflow: '' }, 'neither resized nor made fullscreen');
    assert.equal(await frame.evaluate(() => localStorage.getItem('jieti.embed.token')), token, 'the same learner');
    assert.ok(!requests.some((r) => r.includes('/embed/session')), 'the forged token was never exchanged');
    assert.equal(await frame.locator('.pl-stage--mimic').count(), 0);
    assert.deepEqual(await axeViolations(page), []);
  });

  test('mimic fullscreen: without real fullscreen the player covers the page; Escape on the host and the exit button restore it', async () => {
    const { page } = await env.open(PHONE);
    const frame = await openHost(page, hostA.serve(hostPage({
      attrs: { lesson: LESSON, fullscreen: 'false' },
      before: '<div class="filler"></div>',
      after: '<p><a id="home" href="#top">返回学院首页</a></p><div class="filler"></div>',
    })));
    assert.equal(await page.locator('#embed iframe').getAttribute('allowfullscreen'), null);
    assert.doesNotMatch(await page.locator('#embed iframe').getAttribute('allow'), /fullscreen/);
    await tapPoster(frame);
    await frame.evaluate(() => document.querySelector('video.pl-video').pause());
    await page.evaluate(() => window.scrollTo(0, 300));
    await fitted(page, frame, 'the player');
    assert.deepEqual(await axeViolations(page), [], 'the player in the page');
    const iframeState = () => page.evaluate(() => {
      const f = document.querySelector('#embed iframe');
      const r = f.getBoundingClientRect();
      return { position: getComputedStyle(f).position, box: [r.x, r.y, r.width, r.height].map(Math.round), overflow: document.documentElement.style.overflow };
    });
    /** Back in the page: in the div's place, as wide as it, as tall as the content. */
    const inPage = async (what) => {
      await until(async () => (await iframeState()).position === 'static', `the iframe to be back in the page (${what})`, 10_000);
      const { overflow, box } = await iframeState();
      assert.equal(overflow, '', 'the host page scrolls again');
      const div = await page.evaluate(() => { const r = document.querySelector('#embed').getBoundingClientRect(); return [r.x, r.y, r.width].map(Math.round); });
      assert.deepEqual(box.slice(0, 3), div, what);
      await fitted(page, frame, what);
    };
    const covering = { position: 'fixed', box: [0, 0, PHONE.width, PHONE.height], overflow: 'hidden' };

    await frame.locator('[data-act="fullscreen"]').click();
    await until(async () => JSON.stringify(await iframeState()) === JSON.stringify(covering), 'the iframe to cover the viewport', 10_000);
    await frame.locator('.pl-stage--mimic').waitFor();
    // The stage fills the frame, which fills the screen.
    const stage = await frame.locator('.pl-stage--mimic').boundingBox();
    assert.deepEqual([stage.width, stage.height].map(Math.round), [PHONE.width, PHONE.height]);
    await screenshot(page, 'embed-mimic-fullscreen-412x915');

    // Escape with the focus on the host page (outside the iframe).
    assert.equal(await page.evaluate(() => { document.querySelector('#home').focus(); return document.activeElement.id; }), 'home');
    await page.keyboard.press('Escape');
    await inPage('after Escape');
    // The player left its mimic layout too.
    await frame.locator('.pl-stage--mimic').waitFor({ state: 'detached' });

    // Again, and out with the player's own button.
    await frame.locator('[data-act="fullscreen"]').click();
    await until(async () => JSON.stringify(await iframeState()) === JSON.stringify(covering), 'the iframe to cover the viewport again', 10_000);
    await frame.locator('[data-act="exit-mimic"]').click();
    await inPage('after the exit button');
    assert.equal(await frame.locator('.pl-stage--mimic').count(), 0);
  });

  test('signed learner token: the host\'s user is one learner across visits; bad tokens are refused; never in a URL', async () => {
    const staff = await signIn(STAFF);
    const { secret, origins } = await call('GET', `/institutions/${JINZHANG}/embed`, staff);
    assert.deepEqual(origins, [hostA.origin]);
    assert.ok(secret.length >= 32, 'a secret');
    const now = () => Math.floor(Date.now() / 1000);
    const claims = (sub, extra = {}) => ({ iss: JINZHANG, sub, aud: 'jieti-embed', exp: now() + 600, name: '王小明', ...extra });
    const mapped = (sub) => sql(`SELECT learner_id FROM embed_learners WHERE institution_id = '${JINZHANG}' AND subject = '${sub}'`);
    const urls = [];
    const tokens = [];
    const watched = new WeakSet();
    const meOf = async (frame) => {
      const token = await frame.evaluate(() => localStorage.getItem('jieti.embed.token'));
      return call('GET', '/me', token);
    };
    /** A visit of the host page with `token`, up to the player. */
    const visit = async (page, token) => {
      tokens.push(token);
      if (!watched.has(page)) page.on('request', (r) => urls.push(r.url()));
      watched.add(page);
      const frame = await openHost(page, hostA.serve(hostPage({ attrs: { lesson: LESSON, 'learner-token': token } })));
      await frame.locator('.em-cover').click();
      return frame;
    };

    // First visit: the exchange maps host-user-42 to a new learner, who studies.
    const sub = 'host-user-42';
    assert.equal(mapped(sub), '');
    const { page } = await env.open(PHONE);
    const first = await visit(page, learnerToken(secret, claims(sub)));
    await first.locator('video.pl-video').waitFor({ timeout: 30_000 });
    const learner = await until(() => mapped(sub), 'the mapping row');
    const me = await meOf(first);
    assert.equal(me.id, learner, 'the frame acts for the mapped learner');
    assert.equal(me.display_name, '王小明');
    assert.equal(await first.evaluate(() => localStorage.getItem('jieti.embed.who')), 'host');
    await playVideo(first);
    await first.waitForFunction(() => document.querySelector('video.pl-video').currentTime > 2.5, null, { timeout: 20_000 });
    await first.evaluate(() => document.querySelector('video.pl-video').pause());
    await until(() => Number(sql(`SELECT seconds FROM lesson_progress WHERE learner_id = '${learner}' AND lesson_id = '${LESSON}'`) || 0) >= 2,
      'the progress to be the mapped learner\'s');
    const actor = (await statements(page))[0].actor.account.name;
    assert.deepEqual(await page.evaluate(() => jieti.errors), []);
    assert.deepEqual(await axeViolations(page), []);

    // Second visit, another browser (no storage in common), a new token for the same user.
    const second = await openPage(env.browser, PHONE);
    try {
      const again = await visit(second.page, learnerToken(secret, claims(sub, { exp: now() + 900, name: '王小明' })));
      await again.locator('video.pl-video').waitFor({ timeout: 30_000 });
      assert.equal((await meOf(again)).id, learner, 'the same learner');
      assert.equal(sql(`SELECT COUNT(*) FROM embed_learners WHERE subject = '${sub}'`), '1');
      await until(async () => (await statements(second.page)).length > 0, 'initialized on the second visit');
      assert.equal((await statements(second.page))[0].actor.account.name, actor, 'the same actor for the host\'s records');
      // The player resumes where the first visit stopped: it is that learner's progress.
      assert.ok(Number(sql(`SELECT position FROM lesson_progress WHERE learner_id = '${learner}' AND lesson_id = '${LESSON}'`)) >= 2);
      assert.deepEqual(second.problems, []);
    } finally {
      await second.context.close();
    }

    // A tampered token (another user put in the payload, the signature kept) and an expired one.
    const [head, , sig] = learnerToken(secret, claims(sub)).split('.');
    const tampered = `${head}.${b64u(JSON.stringify(claims('host-user-43')))}.${sig}`;
    const expired = learnerToken(secret, claims('host-user-44', { exp: now() - 120 }));
    for (const [bad, badSub] of [[tampered, 'host-user-43'], [expired, 'host-user-44']]) {
      const frame = await visit(page, bad);
      const errors = await until(async () => {
        const e = await page.evaluate(() => jieti.errors);
        return e.length > 0 && e;
      }, 'jieti:error');
      assert.deepEqual(errors, [{ code: 'token_rejected', status: 401 }]);
      // The viewer can still learn, as a guest of the embed: not the mapped learner.
      await frame.locator('video.pl-video').waitFor({ timeout: 30_000 });
      assert.notEqual((await meOf(frame)).id, learner);
      assert.equal(await frame.evaluate(() => localStorage.getItem('jieti.embed.who')), 'guest');
      assert.equal(mapped(badSub), '', `no mapping for ${badSub}`);
    }
    // The browser logs the refused exchanges (401).
    forgive(/status of 401/);

    // The tokens travelled in messages and a POST body only.
    for (const t of tokens) {
      const [, payload, signature] = t.split('.');
      const leaks = urls.filter((u) => u.includes(payload) || u.includes(signature) || decodeURIComponent(u).includes(t));
      assert.deepEqual(leaks, [], 'no request URL carries a learner token');
    }
    assert.ok(urls.some((u) => u.endsWith('/api/v1/embed/session')), 'the exchange was seen');
  });

  test('theme and language: the accent colours the poster and the player; English on request', async () => {
    const { page } = await env.open(PHONE);
    const info = await env.api(`/embed/lessons/${LESSON}`);
    const frame = await openHost(page, hostA.serve(hostPage({ attrs: { lesson: LESSON, accent: '#0a7d5a', radius: '4', lang: 'en' } })));
    const green = 'rgb(10, 125, 90)';
    const style = () => frame.evaluate(() => {
      const root = getComputedStyle(document.documentElement);
      const el = document.querySelector('.em-cover');
      const cover = el && getComputedStyle(el);
      return { accent: root.getPropertyValue('--accent').trim(), radius: cover?.borderTopLeftRadius, cover: cover?.backgroundImage, lang: document.documentElement.lang };
    });
    const s = await style();
    assert.equal(s.accent, '#0a7d5a');
    assert.ok(s.cover.includes(green), `the cover's gradient: ${s.cover}`);
    assert.equal(s.radius, '4px');
    assert.equal(s.lang, 'en');
    assert.equal(await frame.locator('.em-cover').getAttribute('aria-label'), `Play: ${info.title}`);
    assert.match(await frame.locator('p.em-facts').innerText(), / · 15 min · /);
    assert.deepEqual(await axeViolations(page), [], 'themed poster');

    await tapPoster(frame);
    // The player keeps the theme: links (Open in Jieti) in the accent, the English interface.
    const open = frame.getByRole('link', { name: 'Open in Jieti' });
    await open.waitFor();
    assert.equal(await open.evaluate((a) => getComputedStyle(a).color), green);
    assert.equal(await open.getAttribute('target'), '_blank');
    assert.equal((await style()).accent, '#0a7d5a');
    // A lesson link inside the embed keeps the theme's query (?accent=…&lang=en).
    assert.match(frame.url(), /accent=%230a7d5a/);
    assert.deepEqual(await axeViolations(page), [], 'themed player');
  });
});

describe('a graded quiz in a course embed at 1280×800', () => {
  checkPageAfterEach(env);

  before(async () => {
    const detail = await env.api(`/courses/${PY}`);
    await allow(detail.course.institution.id, [hostA.origin], ADMIN);
  });

  test('from the outline to the quiz: answered per question and passed, with scores; valid xAPI', async () => {
    const { page } = await env.open(DESKTOP);
    const frame = await openHost(page, hostA.serve(hostPage({ attrs: { course: PY } })));
    await frame.locator('.em-cover').click();
    const quizLink = frame.locator('#pl-outline a.pl-item', { hasText: GRADED.title });
    await quizLink.waitFor({ timeout: 30_000 });
    await until(async () => (await statements(page)).some((s) => verbOf(s) === 'initialized'), 'initialized');
    await quizLink.click();
    // A new page in the frame: the quiz's own wasm, loaded without a second tap (the viewer came
    // from the course embed), showing the quiz's rules.
    await frame.waitForURL(`${env.server.url}/embed/quiz/${GRADED.id}**`);
    const start = frame.getByRole('button', { name: '开始作答' });
    await start.waitFor({ timeout: 20_000 });
    const heightLanding = await fitted(page, frame, 'the quiz rules');

    await start.click();
    const sec = (q) => frame.locator(`section[data-q="${q.id}"]`);
    const [q1, q2, q3, q4, q5, q6] = GRADED.questions;
    await sec(q1).waitFor({ timeout: 20_000 });
    // The quiz is taller than its poster: the iframe grew with it.
    const heightQuiz = await fitted(page, frame, 'the quiz');
    assert.ok(heightQuiz > heightLanding + 200, `${heightLanding} → ${heightQuiz}`);

    await sec(q1).locator(`input[value="${q1.key.choice.correct[0]}"]`).check();
    for (const id of q2.key.choice.correct) await sec(q2).locator(`input[value="${id}"]`).check();
    await sec(q3).getByLabel('空 1').fill(q3.key.blanks.accepted.b1[0]);
    await sec(q3).getByLabel('空 2').selectOption(q3.key.blanks.accepted.b2[0]);
    const order = q4.key.order.correct;
    for (let p = 0; p < order.length; p++) {
      const shown = await sec(q4).locator('[data-item]').evaluateAll((els) => els.map((e) => e.dataset.item));
      for (let j = shown.indexOf(order[p]); j > p; j--) await sec(q4).locator(`[data-item="${order[p]}"] [data-act="up"]`).click();
    }
    for (const [l, r] of q5.key.pairs.correct) await sec(q5).locator(`select[data-left="${l}"]`).selectOption(r);
    await sec(q6).locator('input.qz-num').fill(String(q6.key.numeric.value));
    await frame.getByRole('button', { name: '交卷' }).click();
    await frame.getByRole('alertdialog').getByRole('button', { name: '确认交卷' }).click();
    await frame.locator('.qz-result').waitFor({ timeout: 20_000 });
    const max = GRADED.questions.reduce((s, q) => s + q.points, 0);
    await frame.getByText(`得分 ${max} / ${max}`).waitFor();

    const all = await waitForVerb(page, 'passed', 20_000);
    assertValid(all);
    const quizId = `${env.server.url}/quiz/${GRADED.id}`;
    const answered = all.filter((s) => verbOf(s) === 'answered');
    assert.deepEqual(answered.map((s) => s.object.id), GRADED.questions.map((q) => `${quizId}#${q.id}`));
    const types = { single: 'choice', multiple: 'choice', fill_blank: 'fill-in', ordering: 'sequencing', matching: 'matching', numeric: 'numeric' };
    for (const [i, q] of GRADED.questions.entries()) {
      const s = answered[i];
      assert.equal(s.object.definition.type, 'http://adlnet.gov/expapi/activities/cmi.interaction');
      assert.equal(s.object.definition.interactionType, types[q.kind], q.id);
      assert.equal(s.object.definition.name['zh-Hans'], q.prompt);
      assert.equal(s.result.success, true, q.id);
      assert.deepEqual(s.result.score, { raw: q.points, min: 0, max: q.points, scaled: 1 }, q.id);
      assert.deepEqual(s.context.contextActivities.parent.map((a) => a.id), [quizId]);
    }
    assert.equal(answered[0].result.response, q1.key.choice.correct[0]);
    // A choice response lists the chosen ids in any order.
    assert.deepEqual(answered[1].result.response.split('[,]').sort(), [...q2.key.choice.correct].sort());
    assert.equal(answered[3].result.response, order.join('[,]'));
    assert.deepEqual(answered[4].result.response.split('[,]').sort(), q5.key.pairs.correct.map(([l, r]) => `${l}[.]${r}`).sort());
    assert.equal(answered[5].result.response, String(q6.key.numeric.value));
    const passed = all.find((s) => verbOf(s) === 'passed');
    assert.equal(passed.object.id, quizId);
    assert.equal(passed.object.definition.name['zh-Hans'], GRADED.title);
    assert.deepEqual(passed.result.score, { raw: max, min: 0, max, scaled: 1 });
    assert.equal(passed.result.success, true);
    assert.equal(passed.result.completion, true);
    assert.match(passed.result.duration, /^PT\d+(\.\d+)?S$/);
    assert.ok(!all.some((s) => verbOf(s) === 'failed'));
    // The same learner and registration (the course's) before and after the page change.
    assert.equal(new Set(all.map((s) => s.actor.account.name)).size, 1);
    assert.equal(new Set(all.map((s) => s.context.registration)).size, 1);
    assert.deepEqual(await axeViolations(page), [], 'host page with the quiz result');
  });
});

describe('the embed where the browser gives the frame no storage at all (cookies blocked)', () => {
  checkPageAfterEach(env);
  // Playwright's own Chromium flags: no storage partitioning, third-party cookies blocked, so a
  // frame from another site cannot use localStorage (as with "block all cookies" in browsers).
  let plain;
  before(async () => {
    plain = await launch();
    await allow(JINZHANG, [hostA.origin], STAFF);
  });
  after(async () => {
    await plain?.close();
  });

  test('the lesson still records this visit\'s progress for the learner the statements name', async () => {
    env.ctx = await openPage(plain, PHONE);
    const { page } = env.ctx;
    const guests = [];
    page.on('response', async (r) => {
      if (r.url().endsWith('/api/v1/session/guest') && r.ok()) guests.push((await r.json()).learner.id);
    });
    const frame = await openHost(page, hostA.serve(hostPage({ attrs: { lesson: LESSON } })));
    assert.equal(await frame.evaluate(() => { try { return typeof localStorage.length; } catch (_) { return 'denied'; } }), 'denied',
      'the premise: no storage in the frame');
    await tapPoster(frame);
    await playVideo(frame);
    await frame.waitForFunction(() => document.querySelector('video.pl-video').currentTime > 3, null, { timeout: 20_000 });
    await frame.evaluate(() => document.querySelector('video.pl-video').pause());
    const [initialized] = await statements(page);
    assert.ok(initialized, 'the host got initialized');
    // The learner the statements name (actor = sha256(salt:learner)[..16] in hex, crates/server/src/embed.rs).
    const salt = sql(`SELECT actor_salt FROM embed_settings WHERE institution_id = '${JINZHANG}'`);
    const actorOf = (id) => createHash('sha256').update(`${salt}:${id}`).digest('hex').slice(0, 32);
    const learner = guests.find((id) => actorOf(id) === initialized.actor.account.name);
    assert.ok(learner, `the actor is one of this visit's guests (${guests.length})`);
    await until(() => Number(sql(`SELECT seconds FROM lesson_progress WHERE learner_id = '${learner}' AND lesson_id = '${LESSON}'`) || 0) >= 2,
      'the visit\'s progress to reach the server', 20_000);
  });
});
