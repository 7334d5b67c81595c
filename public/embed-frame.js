// The embed page's bridge (embed.html): everything an embed does without the player's wasm.
// - the poster (title, length, size) until the viewer taps play; only then the wasm loads;
// - the learner: a host-signed token exchanged for a session, else a guest kept for embeds;
// - the host page: a handshake that accepts only origins on the institution's allowlist, then
//   resize, fullscreen and xAPI statements posted with that exact targetOrigin, never '*'.
// The wasm reports what the learner did as `jieti:learn` events on window (src/embed/mod.rs).
(() => {
  'use strict';
  const doc = document;
  const root = doc.documentElement;
  const win = window;
  const meta = doc.querySelector('meta[name="jieti-api-base"]');
  const api = ((meta && meta.content) || '').replace(/\/+$/, '') + '/api/v1';
  const seg = location.pathname.split('/').filter(Boolean).map((s) => {
    try { return decodeURIComponent(s); } catch (_) { return s; }
  });
  const kind = seg[1];
  const id = seg[2] || '';
  const query = new URLSearchParams(location.search);
  const framed = win.parent !== win;
  const TOKEN = 'jieti.embed.token';
  const WHO = 'jieti.embed.who';
  const LEARNER = 'jieti.embed.learner';

  const TEXT = {
    'zh-Hans': { play: '播放', read: '开始阅读', quiz: '开始测验', start: '开始学习', min: '分钟', lessons: '课时', loading: '正在加载…', missing: '找不到这项内容，或它已下线。', failed: '无法加载，请检查网络后重试。', retry: '重试' },
    'zh-Hant': { play: '播放', read: '開始閱讀', quiz: '開始測驗', start: '開始學習', min: '分鐘', lessons: '課時', loading: '正在載入…', missing: '找不到這項內容，或它已下線。', failed: '無法載入，請檢查網路後重試。', retry: '重試' },
    en: { play: 'Play', read: 'Start reading', quiz: 'Start the quiz', start: 'Start learning', min: 'min', lessons: 'lessons', loading: 'Loading…', missing: 'This content does not exist or is no longer available.', failed: 'Could not load. Check the network and try again.', retry: 'Try again' },
  };
  const pickLang = (l) => (l && TEXT[l] ? l : /^zh-(TW|HK|MO|Hant)/i.test(navigator.language || '') ? 'zh-Hant' : /^zh/i.test(navigator.language || '') || !navigator.language ? 'zh-Hans' : 'en');
  const lang = pickLang(query.get('lang'));
  const t = TEXT[lang];
  root.lang = lang;

  // Theme from the snippet: an accent colour, a corner radius and a base font size, each checked.
  const accent = query.get('accent');
  if (accent && /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.test(accent)) {
    const c = '#' + accent.replace('#', '');
    for (const v of ['--accent', '--accent-strong', '--focus']) root.style.setProperty(v, c);
  }
  const radius = Number(query.get('radius'));
  if (query.has('radius') && Number.isFinite(radius) && radius >= 0 && radius <= 32) {
    root.style.setProperty('--radius', radius + 'px');
    root.style.setProperty('--radius-l', radius + 'px');
    root.style.setProperty('--radius-s', Math.min(radius, 6) + 'px');
  }
  const font = Number(query.get('font-size'));
  if (Number.isFinite(font) && font >= 12 && font <= 24) {
    [['--text-xs', -3], ['--text-s', -2], ['--text-m', 0], ['--text-l', 3], ['--text-xl', 7]]
      .forEach(([v, d]) => root.style.setProperty(v, (font + d) + 'px'));
  }

  const el = (tag, cls, text) => {
    const e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  };
  const app = doc.getElementById('app');
  // localStorage, or memory where the browser denies storage to third-party frames (blocked
  // third-party cookies, private modes): the learner then lasts for this page, and a move to
  // another embed page (course ⇄ quiz) carries the session in the URL fragment, which is never
  // sent to a server, and is removed from the address at once.
  const memory = {};
  let persistent = true;
  try { localStorage.setItem('jieti.probe', '1'); localStorage.removeItem('jieti.probe'); } catch (_) { persistent = false; }
  const store = {
    get: (k) => { try { return persistent ? localStorage.getItem(k) : memory[k] || null; } catch (_) { return memory[k] || null; } },
    set: (k, v) => { memory[k] = v; try { if (persistent) localStorage.setItem(k, v); } catch (_) { persistent = false; } },
  };
  const handed = /^#jieti-session=([^&]+)&who=(guest|host)$/.exec(location.hash);
  if (handed) {
    history.replaceState(history.state, '', location.pathname + location.search);
    // Only from another page of this embed, in a frame without storage: a link opened in a tab
    // must not plant someone else's session.
    if (framed && !persistent && doc.referrer.startsWith(location.origin + '/embed/')) {
      try {
        store.set(TOKEN, decodeURIComponent(handed[1]));
        store.set(WHO, handed[2]);
      } catch (_) { /* a malformed fragment: start afresh */ }
    }
  }
  doc.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a[href^="/embed/"]');
    // Only links to another embed page: moves within this one keep the page (and its memory).
    if (!a || persistent || !store.get(TOKEN) || a.getAttribute('href').startsWith('/embed/' + kind + '/')) return;
    a.href = a.getAttribute('href').split('#')[0] + '#jieti-session=' + encodeURIComponent(store.get(TOKEN)) + '&who=' + (store.get(WHO) || 'guest');
  }, true);

  // ---- the host page ------------------------------------------------------------------------
  let info = null;
  let host = null;
  let hostToken = null;
  let pendingHello = null;
  let helloWaiters = [];
  let outbox = [];
  let mimic = false;
  let lastHeight = 0;

  let frameId = 0;
  const post = (m) => { if (host) win.parent.postMessage(Object.assign({ frame: frameId }, m), host); };
  const sendHeight = () => {
    if (!host || mimic) return;
    const h = Math.ceil(doc.body.getBoundingClientRect().height);
    if (h > 0 && h !== lastHeight) { lastHeight = h; post({ type: 'jieti:resize', height: h }); }
  };
  const allowed = (origin) => origin === location.origin || (info && info.allowed_origins.includes(origin));
  const accept = (e) => {
    if (!allowed(e.origin)) {
      console.warn('Jieti embed: ' + e.origin + ' is not on the institution\'s allowlist; nothing is sent to it.');
      return;
    }
    host = e.origin;
    frameId = Number(e.data.frame) || 0;
    const token = e.data.token;
    hostToken = typeof token === 'string' && token.length > 0 && token.length <= 4096 ? token : null;
    post({ type: 'jieti:ready', kind, id });
    lastHeight = 0;
    sendHeight();
    const queued = outbox;
    outbox = [];
    queued.forEach(send);
    helloWaiters.forEach((f) => f());
    helloWaiters = [];
  };
  win.addEventListener('message', (e) => {
    if (!framed || e.source !== win.parent) return;
    const m = e.data;
    if (!m || typeof m !== 'object' || typeof m.type !== 'string') return;
    if (m.type === 'jieti:hello') {
      if (info) accept(e); else pendingHello = e;
    } else if (m.type === 'jieti:fullscreen-exit' && e.origin === host && mimic) {
      const exit = doc.querySelector('[data-act="exit-mimic"]');
      if (exit) exit.click();
    }
  });
  if (win.ResizeObserver) new ResizeObserver(sendHeight).observe(doc.body);

  // ---- xAPI statements ------------------------------------------------------------------------
  const uuid = () => {
    if (win.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
  const duration = (ms) => 'PT' + (Math.max(0, ms) / 1000).toFixed(2) + 'S';
  const enc = encodeURIComponent;
  const activity = (path, type, name) => ({
    objectType: 'Activity',
    id: location.origin + path,
    definition: { type: 'http://adlnet.gov/expapi/activities/' + type, name: { [lang]: name || '' } },
  });
  let actor = null;
  let registration = null;
  let course = null;
  let started = 0;
  let terminated = false;
  const lessons = {};
  const courseActivity = () => activity('/courses/' + enc(course.id), 'course', course.title);
  const lessonActivity = (l) => activity('/learn/' + enc(course.id) + '/' + enc(l.id), 'lesson', l.title);
  const quizActivity = (q, title) => activity('/quiz/' + enc(q), 'assessment', title);
  // What this embed is: the lesson, the course or the quiz the snippet names.
  const embedActivity = () => (kind === 'lesson' ? lessonActivity({ id, title: info.title })
    : kind === 'quiz' ? quizActivity(id, info.title) : courseActivity());
  const embedParents = () => (kind === 'course' ? null : [courseActivity()]);
  // xAPI responses per interaction type (xAPI 1.0.3 §2.4.5.1.4), from the API's answer JSON.
  const INTERACTION = { single: 'choice', multiple: 'choice', true_false: 'choice', fill_blank: 'fill-in', numeric: 'numeric', ordering: 'sequencing', matching: 'matching', essay: 'long-fill-in' };
  const response = (a) => {
    if (!a || typeof a !== 'object') return '';
    if (a.choice) return a.choice.join('[,]');
    if (a.order) return a.order.join('[,]');
    if (a.pairs) return a.pairs.map((p) => p[0] + '[.]' + p[1]).join('[,]');
    if (a.blanks) return Object.values(a.blanks).join('[,]');
    if (a.number != null) return String(a.number);
    if (a.text != null) return String(a.text).slice(0, 2000);
    return '';
  };

  function send(s) {
    if (host) post({ type: 'jieti:statement', statement: s });
    else if (outbox.length < 100) outbox.push(s);
  }
  function statement(verb, object, result, parents) {
    if (!actor) return;
    const context = { registration, platform: 'Jieti', language: lang };
    if (parents && parents.length) context.contextActivities = { parent: parents };
    const s = {
      id: uuid(),
      actor: { objectType: 'Agent', account: { homePage: location.origin, name: actor } },
      verb: { id: 'http://adlnet.gov/expapi/verbs/' + verb, display: { 'en-US': verb } },
      object,
      timestamp: new Date().toISOString(),
      context,
    };
    if (result) s.result = result;
    send(s);
  }
  const score = (raw, max) => ({ raw, min: 0, max, scaled: max > 0 ? Math.round((raw / max) * 10000) / 10000 : 0 });

  win.addEventListener('jieti:learn', (e) => {
    const d = e.detail || {};
    const now = Date.now();
    if (d.type === 'lesson') {
      if (!lessons[d.lesson]) lessons[d.lesson] = { id: d.lesson, best: 0 };
      Object.assign(lessons[d.lesson], { title: d.title, duration: d.duration_s, video: d.video, blocks: d.blocks, shown: now });
      if (course && d.course === course.id && d.course_title) course.title = d.course_title;
    } else if (d.type === 'answered') {
      const def = { type: 'http://adlnet.gov/expapi/activities/cmi.interaction', name: { [lang]: String(d.prompt || d.question).slice(0, 500) } };
      if (INTERACTION[d.kind]) def.interactionType = INTERACTION[d.kind];
      const result = { response: response(d.response) };
      if (d.outcome !== 'ungraded' && typeof d.max === 'number' && d.max > 0) {
        result.success = d.outcome === 'correct';
        result.score = score(Math.min(Math.max(Number(d.score) || 0, 0), d.max), d.max);
      }
      const q = quizActivity(d.quiz, d.quiz === id ? info.title : '');
      statement('answered', { objectType: 'Activity', id: q.id + '#' + enc(d.question), definition: def }, result, [q]);
    } else if (d.type === 'quiz_result') {
      const max = typeof d.max === 'number' ? d.max : 0;
      const result = { success: !!d.passed, completion: true, duration: duration(now - started) };
      // A score needs max > min: a quiz of essays alone has no marks until staff mark it.
      if (max > 0) result.score = score(Math.min(Math.max(Number(d.score) || 0, 0), max), max);
      statement(d.passed ? 'passed' : 'failed', quizActivity(d.quiz, d.quiz === id ? info.title : ''), result, [courseActivity()]);
    } else if (d.type === 'record') {
      const l = lessons[d.lesson];
      if (!l) return;
      const a = d.action || {};
      let p = 0;
      if (a.watched || a.position) {
        const at = a.watched ? a.watched.to_s : a.position.position_s;
        p = l.duration > 0 ? (100 * at) / l.duration : 0;
      } else if (a.read) {
        p = a.read.reached_end ? 100 : l.blocks > 0 ? (100 * (a.read.block + 1)) / l.blocks : 0;
      }
      const step = Math.min(100, Math.floor(p / 10) * 10);
      if (step >= 10 && step > l.best) {
        l.best = step;
        statement('progressed', lessonActivity(l), { extensions: { 'https://w3id.org/xapi/cmi5/result/extensions/progress': step } }, [courseActivity()]);
      }
    } else if (d.type === 'completed') {
      const l = lessons[d.lesson] || { id: d.lesson, title: '' };
      statement('completed', lessonActivity(l), { completion: true, duration: duration(now - (l.shown || started)) }, [courseActivity()]);
    } else if (d.type === 'course_completed') {
      statement('completed', courseActivity(), { completion: true, duration: duration(now - started) });
    } else if (d.type === 'fullscreen') {
      mimic = !!d.on;
      root.classList.toggle('em-full', mimic);
      post({ type: 'jieti:fullscreen', on: mimic });
      if (!mimic) { lastHeight = 0; sendHeight(); }
    }
  });
  const terminate = () => {
    if (!started || terminated) return;
    terminated = true;
    statement('terminated', embedActivity(), { duration: duration(Date.now() - started) }, embedParents());
  };
  win.addEventListener('pagehide', terminate);

  // ---- the learner ----------------------------------------------------------------------------
  const call = (path, init, token) => fetch(api + path, Object.assign({}, init, {
    headers: Object.assign({ 'content-type': 'application/json' }, token ? { authorization: 'Bearer ' + token } : {}),
  }));
  const waitForHost = () => new Promise((resolve) => {
    if (!framed || host) return resolve();
    helloWaiters.push(resolve);
    setTimeout(resolve, 1500);
  });
  async function guest() {
    const r = await call('/session/guest', { method: 'POST' });
    if (!r.ok) throw new Error('guest ' + r.status);
    const s = await r.json();
    store.set(TOKEN, s.token);
    store.set(WHO, 'guest');
    return s.token;
  }
  // The session this page replaced, when it was the same learner's: the wasm moves what it
  // queued (kept per session) to the new one, so nothing recorded offline is left behind.
  let previous = null;
  async function learner() {
    await waitForHost();
    if (hostToken) {
      // Checked by the server on every visit: an expired or tampered token never opens a session.
      const r = await call('/embed/session', { method: 'POST', body: JSON.stringify({ token: hostToken }) });
      if (r.ok) {
        const s = await r.json();
        const kept = store.get(TOKEN);
        if (kept && kept !== s.token && store.get(WHO) === 'host' && store.get(LEARNER) === s.learner.id) previous = kept;
        store.set(TOKEN, s.token);
        store.set(WHO, 'host');
        store.set(LEARNER, s.learner.id);
        return s.token;
      }
      // The host's token was refused (tampered, expired, another institution's): say so to the
      // host and go on as the embed's guest, so the viewer can still learn.
      post({ type: 'jieti:error', code: r.status === 401 ? 'token_rejected' : 'token_failed', status: r.status });
      console.warn('Jieti embed: the learner token was refused (' + r.status + '); continuing as a guest.');
    }
    // Without a host token the embed's own guest, never a learner a host token mapped before.
    const token = store.get(TOKEN);
    if (token && store.get(WHO) === 'guest') {
      const me = await call('/me', {}, token);
      if (me.ok) return token;
      if (me.status !== 401) throw new Error('me ' + me.status);
    }
    return guest();
  }

  // ---- the poster -----------------------------------------------------------------------------
  const mb = (b) => (b / 1e6 >= 10 ? Math.round(b / 1e6) : (b / 1e6).toFixed(1)) + ' MB';
  function showError(message, retry) {
    const box = el('section', 'em-error pl-error');
    box.setAttribute('role', 'alert');
    box.append(el('p', '', message));
    if (retry) {
      const b = el('button', 'button', t.retry);
      b.type = 'button';
      b.addEventListener('click', retry);
      box.append(b);
    }
    app.replaceChildren(box);
    sendHeight();
  }
  function poster() {
    const wrap = el('div', 'em-poster');
    const cover = el('button', 'em-cover');
    cover.type = 'button';
    const action = kind === 'lesson' ? (info.lesson_kind === 'article' ? t.read : t.play) : kind === 'quiz' ? t.quiz : t.start;
    cover.setAttribute('aria-label', action + (lang === 'en' ? ': ' : '：') + info.title);
    cover.setAttribute('aria-describedby', 'em-facts');
    if (info.poster_url) {
      const img = el('img');
      img.src = info.poster_url;
      img.alt = '';
      img.width = 640;
      img.height = 360;
      img.decoding = 'async';
      cover.append(img);
    }
    const play = el('span', 'em-play');
    play.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M8 5v14l11-7z"/></svg>';
    play.append(el('span', '', action));
    cover.append(play);
    const facts = [info.institution_name];
    if (kind === 'course') facts.push(info.lessons + ' ' + t.lessons);
    if (kind === 'quiz') facts.push(info.course_title);
    if (info.duration_s > 0) facts.push(Math.max(1, Math.round(info.duration_s / 60)) + ' ' + t.min);
    if (info.size_bytes) facts.push(mb(info.size_bytes));
    const status = el('p', 'em-status');
    status.setAttribute('role', 'status');
    const factsLine = el('p', 'em-facts', facts.join(' · '));
    factsLine.id = 'em-facts';
    wrap.append(cover, el('h1', 'em-title', info.title), factsLine, status);
    cover.addEventListener('click', () => start(cover, status), { once: true });
    app.replaceChildren(wrap);
    sendHeight();
  }
  async function start(cover, status) {
    cover.disabled = true;
    status.textContent = t.loading;
    try {
      const token = await learner();
      const r = await call('/embed/context?course=' + enc(info.course_id), {}, token);
      if (r.ok) {
        const c = await r.json();
        actor = c.actor_name;
        registration = c.registration;
      }
      win.jietiEmbed = { kind, course: info.course_id, lesson: info.lesson_id || null, token, previous };
      if (typeof win.jietiBoot !== 'function') throw new Error('the player did not load');
      await win.jietiBoot();
      started = Date.now();
      statement('initialized', embedActivity(), null, embedParents());
      // The tap on the poster was the viewer's "play": keep it once the video is there.
      const playWhenReady = () => {
        const v = doc.querySelector('video');
        if (v) { v.play().catch(() => {}); return true; }
        return false;
      };
      if (kind !== 'course' && info.lesson_kind === 'video' && !playWhenReady()) {
        const mo = new MutationObserver(() => { if (playWhenReady()) mo.disconnect(); });
        mo.observe(app, { childList: true, subtree: true });
        setTimeout(() => mo.disconnect(), 10000);
      }
    } catch (e) {
      console.warn('Jieti embed:', e);
      showError(t.failed, () => location.reload());
    }
  }
  async function load() {
    const path = { lesson: 'lessons', course: 'courses', quiz: 'quizzes' }[kind];
    if (!path || !id) return showError(t.missing);
    let r;
    try {
      r = await fetch(api + '/embed/' + path + '/' + enc(id));
    } catch (_) {
      return showError(t.failed, load);
    }
    if (r.status === 404) return showError(t.missing);
    if (!r.ok) return showError(t.failed, load);
    info = await r.json();
    course = { id: info.course_id, title: info.course_title };
    doc.title = info.title + ' · 阶梯';
    if (pendingHello) { accept(pendingHello); pendingHello = null; }
    poster();
    // Arrived from another page of this embed (course ⇄ quiz): the viewer already chose to
    // learn, so the player loads without a second tap.
    if (doc.referrer.startsWith(location.origin + '/embed/')) app.querySelector('.em-cover').click();
  }
  load();
})();
