// The learning player against the real server and the generated lesson videos: play, seek,
// speed, captions, the transcript, resume after reload, quality switch, data saver, notes,
// articles, and the offline story (events queued offline arrive exactly once; a downloaded
// lesson plays offline).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { useEnv, checkPageAfterEach } from '../lib/suite.js';
import { axeViolations, screenshot, VIEWPORTS } from '../lib/browser.js';

const env = useEnv();
const COURSE = 'python-basics';
const [PHONE, DESKTOP] = VIEWPORTS;

/** Runs SQL on the server's database (read-only use). */
function sql(query) {
  return execFileSync('sqlite3', [env.server.dbPath, query], { encoding: 'utf8' }).trim();
}

/** The first video lesson of the course that has media, and one article lesson. */
async function lessons() {
  const detail = await env.api(`/courses/${COURSE}`);
  const all = detail.chapters.flatMap((c) => c.lessons);
  const video = all.find((l) => l.kind === 'video' && l.size_bytes);
  const article = all.find((l) => l.kind === 'article');
  return { video: await env.api(`/lessons/${video.id}`), article: await env.api(`/lessons/${article.id}`) };
}

/** Opens a lesson and waits for its video's metadata. */
async function openVideo(page, lesson) {
  await page.goto(`${env.server.url}/learn/${COURSE}/${lesson.id}`);
  await page.getByRole('heading', { level: 1, name: lesson.title }).waitFor();
  await page.waitForFunction(() => {
    const v = document.querySelector('video');
    return v && v.readyState >= 1 && v.duration > 0;
  });
}

/** Plays muted (autoplay rules) from `at` for about `seconds`, then pauses. */
async function play(page, at, seconds) {
  await page.evaluate(async ([at, seconds]) => {
    const v = document.querySelector('video');
    v.muted = true;
    if (at !== null) {
      v.currentTime = at;
      await new Promise((ok) => v.addEventListener('seeked', ok, { once: true }));
    }
    await v.play();
    const start = v.currentTime;
    await new Promise((ok) => {
      const check = () => (v.currentTime - start >= seconds * v.playbackRate ? ok() : setTimeout(check, 100));
      check();
    });
    // Returns once the pause event is handled (the player's listener came first), so what the
    // pause records is queued before the caller looks at the sync line.
    const paused = new Promise((ok) => v.addEventListener('pause', ok, { once: true }));
    v.pause();
    await paused;
  }, [at, seconds]);
}

const videoState = (page) => page.evaluate(() => {
  const v = document.querySelector('video');
  return { t: v.currentTime, rate: v.playbackRate, src: v.currentSrc, rung: v.dataset.rung, paused: v.paused,
    tracks: [...v.textTracks].map((t) => `${t.language}:${t.mode}`) };
});

/** The id of the learner the page acts for. */
async function learnerOf(page) {
  const token = await page.evaluate(() => localStorage.getItem('jieti.token'));
  const res = await fetch(`${env.server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
  return (await res.json()).id;
}

/** Takes the failed requests the browser logs while offline out of the test's problems. */
function forgiveOffline() {
  const problems = env.ctx.problems;
  const rest = problems.filter((p) => !/net::ERR_INTERNET_DISCONNECTED|Failed to load resource: net::ERR_FAILED/.test(p));
  // (ERR_FAILED: a request the service worker answered with a network error, being offline.)
  problems.splice(0, problems.length, ...rest);
}

/** Waits until the outbox is empty and the page says so. */
async function synced(page) {
  await page.waitForFunction(() => Object.keys(localStorage).every((k) => !k.startsWith('jieti.outbox:')),
    null, { timeout: 20_000 });
  await page.locator('.pl-sync').getByText('学习记录已同步').waitFor({ timeout: 20_000 });
}

describe('learning player at 412×915', () => {
  checkPageAfterEach(env);

  test('plays, seeks, changes speed and captions; the transcript follows and seeks', async () => {
    const { video } = await lessons();
    assert.ok(video.video.renditions.some((r) => r.kind === 'audio'), 'an audio-only rung exists');
    assert.ok(video.video.renditions.some((r) => r.kind === 'video' && r.bitrate_kbps <= 150), 'a ≤150 kbps rung exists');
    const { page } = await env.open(PHONE);
    await openVideo(page, video);
    // The outline shows the lesson as current, with durations and MB.
    await page.getByRole('button', { name: '课程目录' }).click();
    const current = page.locator('.pl-item[aria-current="page"]');
    await current.waitFor();
    assert.match(await current.innerText(), /MB/);
    await screenshot(page, 'player-outline-412x915');
    await page.getByRole('button', { name: '关闭' }).click();

    await play(page, 0, 1.5);
    let s = await videoState(page);
    assert.ok(s.t >= 1.2, `played: ${s.t}`);
    // Seek by keyboard (→ is +5 s) and change speed with > and the menu.
    await page.locator('body').press('ArrowRight');
    assert.ok((await videoState(page)).t >= s.t + 4.5);
    await page.locator('body').press('>');
    assert.equal((await videoState(page)).rate, 1.25);
    await page.getByLabel('倍速').selectOption('150');
    assert.equal((await videoState(page)).rate, 1.5);

    // Captions in the learner's locale are on; c turns them off and on.
    s = await videoState(page);
    assert.ok(s.tracks.includes('zh-Hans:showing'), s.tracks.join());
    await page.locator('body').press('c');
    assert.ok((await videoState(page)).tracks.includes('zh-Hans:hidden'));
    await page.getByLabel('字幕').selectOption({ label: 'English' });
    assert.ok((await videoState(page)).tracks.includes('en:showing'));
    await page.getByLabel('字幕').selectOption({ label: '简体中文' });
    // Single-key shortcuts can be turned off (WCAG 2.1.4), and are then ignored.
    await page.getByLabel('键盘快捷键').uncheck();
    const rateBefore = (await videoState(page)).rate;
    await page.locator('body').press('>');
    assert.equal((await videoState(page)).rate, rateBefore);
    await page.getByLabel('键盘快捷键').check();

    // The transcript lists the cues; clicking the third seeks there and highlights it.
    await play(page, null, 0.5);
    const cues = page.locator('.pl-cue');
    await cues.nth(2).waitFor();
    const atMs = await cues.nth(2).getAttribute('data-at');
    const at = Number(atMs) / 1000;
    await cues.nth(2).click();
    await page.waitForFunction((at) => Math.abs(document.querySelector('video').currentTime - at) < 0.5, at);
    await play(page, null, 0.5);
    await page.locator('.pl-cue--now').waitFor();
    assert.equal(await page.locator('.pl-cue--now').getAttribute('data-at'), atMs);
    // Searching the transcript keeps the matching cues only.
    const word = (await cues.nth(1).innerText()).replace(/^\d+:\d+/, '').trim().slice(0, 4);
    await page.getByLabel('在文字稿中搜索').fill(word);
    await page.waitForFunction(() => document.querySelectorAll('.pl-cue').length >= 1);
    for (const text of await page.locator('.pl-cue').allInnerTexts()) assert.ok(text.includes(word), text);
    await screenshot(page, 'player-video-412x915');
    assert.deepEqual(await axeViolations(page), []);
  });

  test('resumes after reload, switches quality keeping the position, and data saver picks the low rung', async () => {
    const { video } = await lessons();
    const { page } = await env.open(PHONE);
    await openVideo(page, video);
    await play(page, 20, 1);
    await synced(page);
    await page.reload();
    await page.waitForFunction(() => document.querySelector('video')?.currentTime > 19);
    await page.getByText('已从上次的位置继续').waitFor();

    // Manual quality: 144p, same position.
    const before = (await videoState(page)).t;
    await page.getByLabel('清晰度').selectOption('144p');
    await page.waitForFunction(() => document.querySelector('video').currentSrc.endsWith('/144p.mp4'));
    await page.waitForFunction((t) => Math.abs(document.querySelector('video').currentTime - t) < 1, before);
    assert.equal((await videoState(page)).rung, '144p');
    // Audio only, still the same position.
    await page.getByLabel('清晰度').selectOption('audio');
    await page.waitForFunction(() => document.querySelector('video').currentSrc.endsWith('/audio.m4a'));
    await page.waitForFunction((t) => Math.abs(document.querySelector('video').currentTime - t) < 1, before);

    // Data saver is remembered and starts on the lowest video rung (≤150 kbps).
    await page.getByLabel('清晰度').selectOption('auto');
    await page.getByLabel('省流量模式').check();
    await page.reload();
    await page.waitForFunction(() => document.querySelector('video')?.currentSrc);
    const low = video.video.renditions.find((r) => r.kind === 'video');
    assert.equal((await videoState(page)).rung, low.id);
    assert.ok(low.bitrate_kbps <= 150);
    assert.equal(await page.getByLabel('省流量模式').isChecked(), true);
  });

  test('notes: add at the current time, edit, bookmark, jump, delete — synced with the server', async () => {
    const { video } = await lessons();
    const { page } = await env.open(PHONE);
    await openVideo(page, video);
    await play(page, 12, 0.5);
    await page.getByRole('button', { name: '笔记', exact: true }).click();
    // The note text is shown as text even when it looks like HTML.
    await page.getByRole('textbox', { name: '笔记' }).fill('print 要加括号 <img src=x onerror=alert(1)>');
    await page.getByRole('button', { name: '记笔记' }).click();
    const item = page.locator('.pl-note-item').first();
    await item.getByText('print 要加括号 <img src=x onerror=alert(1)>').waitFor();
    assert.match(await item.locator('.pl-note-at').innerText(), /0:1[23]/);
    await page.getByRole('button', { name: '加书签' }).click();
    await page.locator('.pl-note-item').nth(1).waitFor();
    // Edit the note.
    await item.getByRole('button', { name: '编辑' }).click();
    await page.getByRole('textbox', { name: '笔记' }).fill('print() 要加括号');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('print() 要加括号', { exact: true }).waitFor();
    await synced(page);
    const token = await page.evaluate(() => localStorage.getItem('jieti.token'));
    const notes = await (await fetch(`${env.server.url}/api/v1/lessons/${video.id}/notes`, {
      headers: { Authorization: `Bearer ${token}` },
    })).json();
    assert.deepEqual(notes.map((n) => [n.kind, n.body]).sort(), [['bookmark', ''], ['note', 'print() 要加括号']]);
    // Jump: seek away, then click the note's time.
    await page.evaluate(() => { document.querySelector('video').currentTime = 40; });
    await item.locator('.pl-note-at').click();
    await page.waitForFunction(() => Math.abs(document.querySelector('video').currentTime - 12) < 1.5);
    // Delete.
    await item.getByRole('button', { name: '删除' }).click();
    await page.getByText('print() 要加括号', { exact: true }).waitFor({ state: 'detached' });
    await synced(page);
    // Deleted: only a tombstone is left (no text), so that late edits cannot bring it back.
    assert.equal(sql(`SELECT COUNT(*) FROM notes WHERE kind = 'note' AND deleted_at_ms IS NULL
      AND learner_id = '${await learnerOf(page)}'`), '0');
    assert.equal(sql(`SELECT body FROM notes WHERE kind = 'note' AND learner_id = '${await learnerOf(page)}'`), '');
    assert.deepEqual(await axeViolations(page), []);
  });

  test('an article renders its blocks as text and reports reading', async () => {
    const { article } = await lessons();
    const { page } = await env.open(PHONE);
    await page.goto(`${env.server.url}/learn/${COURSE}/${article.id}`);
    await page.getByRole('heading', { level: 1, name: article.title }).waitFor();
    const blocks = page.locator('.pl-blocks [data-block]');
    assert.equal(await blocks.count(), article.blocks.length);
    for (const img of await page.locator('.pl-blocks img').all()) {
      assert.equal(await img.getAttribute('loading'), 'lazy');
      assert.ok(Number(await img.getAttribute('width')) > 0);
    }
    await page.locator('.pl-blocks > :last-child').scrollIntoViewIfNeeded();
    await page.evaluate(() => window.dispatchEvent(new Event('scroll')));
    await synced(page);
    const row = sql(`SELECT reached_end FROM lesson_progress WHERE lesson_id = '${article.id}'
      AND learner_id = '${await learnerOf(page)}'`);
    assert.equal(row, '1');
    await screenshot(page, 'player-article-412x915');
    assert.deepEqual(await axeViolations(page), []);
  });

  test('offline: events and a note made offline survive a reload and arrive exactly once', async () => {
    const { video } = await lessons();
    const { page, context } = await env.open(PHONE, { serviceWorkers: 'allow' });
    await openVideo(page, video);
    await page.waitForFunction(() => navigator.serviceWorker?.controller);
    await play(page, 0, 1);
    await synced(page);
    const learner = await learnerOf(page);
    const eventsBefore = Number(sql(`SELECT COUNT(*) FROM progress_events WHERE learner_id = '${learner}'`));

    await context.setOffline(true);
    await page.locator('.pl-sync').getByText(/网络已断开/).waitFor();
    // Going offline is announced to screen readers once.
    await page.getByRole('status').getByText(/网络已断开/).waitFor();
    await play(page, null, 2);
    // The notes panel's code was never fetched: the service worker has it.
    await page.getByRole('button', { name: '笔记', exact: true }).click();
    await page.getByRole('textbox', { name: '笔记' }).fill('离线时写的笔记');
    await page.getByRole('button', { name: '记笔记' }).click();
    await page.locator('.pl-sync').getByText(/条学习记录等待同步/).waitFor();
    const queued = await page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('jieti.outbox:'));
      return JSON.parse(localStorage.getItem(key)).ops;
    });
    const queuedEvents = queued.filter((o) => o.event).map((o) => o.event.id);
    assert.ok(queuedEvents.length >= 1, 'events were queued');

    // Reload while offline: the service worker serves the app and the lesson.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: video.title }).waitFor();
    await page.getByRole('button', { name: '笔记', exact: true }).click();
    await page.getByText('离线时写的笔记').waitFor().catch(async (e) => {
      // Seen once in CI and never since: say what the page held, for whoever meets it next.
      await screenshot(page, 'player-offline-missing-note-412x915');
      const seen = await page.evaluate(() => ({
        expanded: document.querySelector('[data-act=notes]')?.getAttribute('aria-expanded'),
        panel: document.querySelector('#pl-notes-h')?.parentElement?.innerText,
        outbox: Object.keys(localStorage).filter((k) => k.startsWith('jieti.outbox:')).map((k) => localStorage.getItem(k)),
        online: navigator.onLine,
      }));
      throw new Error(`${e.message}\nafter the offline reload: ${JSON.stringify(seen).slice(0, 1500)}`);
    });
    await screenshot(page, 'player-offline-412x915');

    await context.setOffline(false);
    await synced(page);
    const ids = sql(`SELECT id FROM progress_events WHERE learner_id = '${learner}'`).split('\n');
    assert.equal(ids.length, new Set(ids).size, 'every event once');
    for (const id of queuedEvents) assert.ok(ids.includes(id), `${id} arrived`);
    assert.ok(ids.length >= eventsBefore + queuedEvents.length);
    assert.equal(sql(`SELECT body FROM notes WHERE learner_id = '${learner}'`), '离线时写的笔记');
    forgiveOffline();
  });

  test('a downloaded lesson plays offline', async () => {
    const { video } = await lessons();
    const { page, context } = await env.open(PHONE, { serviceWorkers: 'allow' });
    await openVideo(page, video);
    await page.waitForFunction(() => navigator.serviceWorker?.controller);
    const button = page.getByRole('button', { name: /下载离线观看（\d+\.\d MB）/ });
    await button.click();
    await page.getByText('已下载，可离线观看').waitFor({ timeout: 30_000 });
    await page.getByText(/离线存储已用/).waitFor();
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: video.title }).waitFor();
    await page.waitForFunction(() => document.querySelector('video')?.readyState >= 1);
    await play(page, 0, 1.5);
    assert.ok((await videoState(page)).t >= 1.2, 'played from the offline copy');
    await context.setOffline(false);
    forgiveOffline();
  });
});

describe('learning player at 1280×800', () => {
  checkPageAfterEach(env);

  test('the outline is a sidebar with ticks for completed lessons; next/previous work', async () => {
    const { video } = await lessons();
    const { page } = await env.open(DESKTOP);
    await openVideo(page, video);
    await page.locator('#pl-outline').getByText(video.title).waitFor();
    assert.ok(await page.locator('#pl-outline').isVisible());
    if (video.next) {
      await page.getByRole('link', { name: '下一节' }).click();
      await page.waitForURL(`**/learn/${COURSE}/${video.next}`);
      await page.locator('.pl-item[aria-current="page"]').waitFor();
      assert.equal(await page.locator('.pl-item[aria-current="page"]').getAttribute('data-lesson'), video.next);
    }
    await screenshot(page, 'player-1280x800');
    assert.deepEqual(await axeViolations(page), []);
  });

  test('leaving the player and coming back in the same visit works (no stale state)', async () => {
    const { video } = await lessons();
    const { page } = await env.open(DESKTOP);
    await openVideo(page, video);
    await page.getByRole('link', { name: '返回课程' }).click();
    await page.waitForURL(`**/courses/${COURSE}`);
    // Back in through the syllabus: the player, its sync line and its outline work again.
    await page.locator(`a[href="/learn/${COURSE}/${video.id}"]`).first().click();
    await page.getByRole('heading', { level: 1, name: video.title }).waitFor();
    await page.waitForFunction(() => document.querySelector('video')?.readyState >= 1);
    await page.locator('.pl-sync').getByText('学习记录已同步').waitFor();
    await play(page, 0, 1);
    await synced(page);
  });

  test('without the Fullscreen API (iOS, iframes) f gives the mimic layout; Escape leaves it', async () => {
    const { video } = await lessons();
    const { page } = await env.open(DESKTOP);
    await page.addInitScript(() => {
      Object.defineProperty(Document.prototype, 'fullscreenEnabled', { get: () => false });
    });
    await openVideo(page, video);
    await page.locator('body').press('f');
    await page.locator('.pl-stage--mimic').waitFor();
    const box = await page.locator('.pl-stage').boundingBox();
    assert.equal(Math.round(box.width), 1280, 'the stage covers the screen');
    await page.getByRole('button', { name: '退出全屏' }).waitFor();
    await page.locator('body').press('Escape');
    await page.locator('.pl-stage--mimic').waitFor({ state: 'detached' });
  });
});

describe('learning player on a slow network (400 kbit/s, 400 ms)', () => {
  checkPageAfterEach(env);

  test('starts on a rung the network can carry, plays, and keeps the progress', async () => {
    const { video } = await lessons();
    const { page, context } = await env.open(PHONE);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 400, downloadThroughput: 50_000, uploadThroughput: 25_000, connectionType: 'cellular3g',
    });
    await openVideo(page, video);
    const chosen = (await videoState(page)).rung;
    const rung = video.video.renditions.find((r) => r.id === chosen);
    assert.ok(rung.kind === 'video' && rung.bitrate_kbps <= 200, `${rung.id} fits half of 400 kbit/s`);
    await play(page, 0, 2);
    await synced(page);
    const learner = await learnerOf(page);
    const seconds = Number(sql(`SELECT seconds FROM lesson_progress WHERE learner_id = '${learner}' AND lesson_id = '${video.id}'`));
    assert.ok(seconds >= 1, `played seconds recorded: ${seconds}`);
    await screenshot(page, 'player-slow-network-412x915');
  });

  test('progress made before the guest learner exists is kept and sent as that guest', async () => {
    // The app makes its guest in the background; on a slow link the lesson can play first.
    const { video } = await lessons();
    const { page } = await env.open(PHONE);
    let release;
    const held = new Promise((ok) => { release = ok; });
    await page.route('**/api/v1/session/guest', async (route) => { await held; await route.continue(); });
    await openVideo(page, video);
    await play(page, 0, 2);
    assert.equal(await page.evaluate(() => localStorage.getItem('jieti.token')), null, 'no learner yet');
    await page.locator('.pl-sync').getByText(/条学习记录等待同步/).waitFor();
    release();
    await synced(page);
    const learner = await learnerOf(page);
    const seconds = Number(sql(`SELECT seconds FROM lesson_progress WHERE learner_id = '${learner}' AND lesson_id = '${video.id}'`));
    assert.ok(seconds >= 1, `played seconds recorded: ${seconds}`);
  });
});

/** The storage key of a token's outbox (FNV-1a of the token, as `state/sync.rs` names it). */
function outboxKey(token) {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(token)) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return `jieti.outbox:${h.toString(16).padStart(16, '0')}`;
}

describe('unsent progress and whose it is', () => {
  checkPageAfterEach(env);
  const password = 'correct horse 1';
  /** An account made through the API (a guest, then signed up). */
  const account = async (name) => {
    const guest = await env.call('POST', '/session/guest');
    const email = `outbox-${name}-${Date.now()}@example.com`;
    const session = await env.call('POST', '/account', guest.token, { email, password, display_name: name });
    return { email, name, id: session.learner.id };
  };
  /** What the tests do on `page` with the video lesson `video`. */
  const on = (page, video) => ({
    /** Signs in with the form; waits until the header names the learner. */
    signIn: async (who) => {
      await page.goto(env.server.url + '/sign-in');
      await page.getByLabel('邮箱').fill(who.email);
      await page.getByLabel('密码').fill(password);
      await page.getByRole('button', { name: '登录' }).last().click();
      await page.getByRole('link', { name: who.name, exact: true }).waitFor();
    },
    /** The outboxes in localStorage: key → ops queued. */
    outboxes: () => page.evaluate(() => Object.fromEntries(Object.keys(localStorage)
      .filter((k) => k.startsWith('jieti.outbox:')).map((k) => [k, JSON.parse(localStorage.getItem(k)).ops.length]))),
    /** Whether `who` has progress on the video in the database ('1') or not ('0'). */
    played: (who) => sql(`SELECT COUNT(*) FROM lesson_progress WHERE learner_id = '${who.id}' AND lesson_id = '${video.id}'`),
  });

  test("an account's unsent progress stays its own when another signs in, and is sent at its next sign-in", async () => {
    const { video } = await lessons();
    const [a, b] = [await account('amy'), await account('bo')];
    const { page } = await env.open(PHONE);
    const { signIn, outboxes, played } = on(page, video);

    // Bo learns while the progress cannot be sent: it waits in Bo's outbox.
    await signIn(b);
    await page.route('**/api/v1/progress/events', (route) => route.abort('internetdisconnected'));
    await openVideo(page, video);
    await play(page, 0, 2);
    await page.locator('.pl-sync').getByText(/条学习记录等待同步/).waitFor();
    const bos = await outboxes();
    const bosKey = outboxKey(await page.evaluate(() => localStorage.getItem('jieti.token')));
    assert.deepEqual(Object.keys(bos), [bosKey], 'queued as Bo');

    // Amy signs in on the same device, before the app has heard back who the stored token is
    // (the check of Bo's token is held back): Bo's queue must not become Amy's.
    let release;
    const held = new Promise((ok) => { release = ok; });
    await page.route('**/api/v1/me', async (route) => { await held; await route.continue(); });
    await signIn(a);
    const after = await outboxes();
    const amys = outboxKey(await page.evaluate(() => localStorage.getItem('jieti.token')));
    assert.equal(after[amys], undefined, 'nothing queued as Amy');
    // (Leaving the lesson queued one more op, Bo's too.)
    assert.equal(Object.keys(after).length, 1, `Bo's queue is kept, aside: ${JSON.stringify(after)}`);
    assert.ok(Object.values(after)[0] >= Object.values(bos)[0], 'nothing left it');
    // The late answer about Bo's token does not make the app act for Bo again.
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/me'));
    release();
    await answered;
    await page.unroute('**/api/v1/me');
    await page.unroute('**/api/v1/progress/events');
    // (The answer is read and applied within a few tasks; nothing to wait for when it is ignored.)
    await page.waitForTimeout(500);
    assert.equal(await page.getByRole('link', { name: b.name, exact: true }).count(), 0, 'the header does not name Bo');
    await page.getByRole('link', { name: a.name, exact: true }).waitFor();
    assert.equal(played(a), '0', 'nothing of Bo reached Amy');

    // Back as Bo: the queue is sent, as Bo.
    // (Each sign-in is a new token: the queue follows the learner, not the token.)
    await signIn(b);
    await page.waitForFunction(() => Object.keys(localStorage).every((k) => !k.startsWith('jieti.outbox:')), null, { timeout: 20_000 });
    assert.equal(played(b), '1', "Bo's played seconds arrived as Bo");
    assert.equal(played(a), '0');
    forgiveOffline();
  });

  test('signing out sends unsent progress first, and sets aside what cannot go', async () => {
    const { video } = await lessons();
    const b = await account('bo');
    const { page } = await env.open(PHONE);
    const { signIn, outboxes, played } = on(page, video);
    const signOut = page.getByRole('button', { name: '退出登录' });
    /** The app's requests, in the order they were sent: method, path, token, status. */
    const log = [];
    const answers = [];
    page.on('requestfinished', (r) => {
      const entry = { method: r.method(), path: new URL(r.url()).pathname, auth: r.headers().authorization };
      log.push(entry);
      answers.push(r.response().then((res) => { entry.status = res?.status(); }));
    });
    /** Whether progress can reach the server (the route fails it while the link is down). */
    let linkUp = false;

    // Bo learns while the progress cannot be sent, and signs out still unable to send it: it
    // is kept aside for Bo, not dropped and not handed to the guest that comes next.
    await signIn(b);
    await page.route('**/api/v1/progress/events', (route) => (linkUp ? route.continue() : route.abort('internetdisconnected')));
    await openVideo(page, video);
    await play(page, 0, 2);
    await page.locator('.pl-sync').getByText(/条学习记录等待同步/).waitFor();
    // To the account page by the header's link: leaving the app (a reload) would send the queue
    // with the page's last request, which the route does not see.
    const accountPage = () => page.getByRole('link', { name: b.name, exact: true }).click();
    await accountPage();
    await signOut.click();
    await page.getByRole('link', { name: '登录' }).first().waitFor();
    assert.equal(await page.getByRole('link', { name: b.name, exact: true }).count(), 0, 'signed out');
    const aside = await outboxes();
    assert.deepEqual(Object.keys(aside), [outboxKey(`left:${b.id}`)], `set aside for Bo: ${JSON.stringify(aside)}`);
    assert.equal(played(b), '0');

    // Bo signs in again (the queue comes back to Bo's new token; still unsendable), and signs
    // out as soon as the link is back: the sign-out sends it, as Bo, before the token goes.
    await signIn(b);
    const bosToken = await page.evaluate(() => localStorage.getItem('jieti.token'));
    await accountPage();
    await signOut.waitFor();
    assert.deepEqual(Object.keys(await outboxes()), [outboxKey(bosToken)], "queued under Bo's new token");
    // (Should the outbox's own retry come between these two lines, it sends as Bo too; a
    // sign-out that revoked first would make every later send fail.)
    linkUp = true;
    const from = log.length;
    await signOut.click();
    await page.getByRole('link', { name: '登录' }).first().waitFor();
    await page.waitForFunction(() => Object.keys(localStorage).every((k) => !k.startsWith('jieti.outbox:')), null, { timeout: 20_000 });
    await Promise.all(answers);
    const after = log.slice(from).map((r) => `${r.method} ${r.path} ${r.status} ${r.auth === `Bearer ${bosToken}` ? 'as Bo' : ''}`.trim());
    const sent = after.indexOf('POST /api/v1/progress/events 200 as Bo');
    const revoked = after.indexOf('DELETE /api/v1/session 204 as Bo');
    assert.ok(sent >= 0 && revoked > sent, `progress sent as Bo, then the token revoked: ${after.join(', ')}`);
    assert.equal(played(b), '1', "Bo's played seconds arrived as Bo without signing in again");
    forgiveOffline();
  });
});
