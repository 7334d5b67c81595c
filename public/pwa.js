// Installs the service worker (public/sw.js) once the page has loaded, and offers a new release
// when one is ready: "A new version is ready — Reload". Plain JS outside the wasm: it runs on
// every route, costs ~1 KB, and keeps working even if the app itself has crashed.
(() => {
  const sw = navigator.serviceWorker;
  if (!sw) return;
  const TEXT = {
    'zh-Hans': ['新版本已就绪', '重新加载', '稍后'],
    'zh-Hant': ['新版本已就緒', '重新載入', '稍後'],
    en: ['A new version is ready', 'Reload', 'Later'],
  };
  const text = () => {
    const lang = document.documentElement.lang || '';
    if (lang.startsWith('en')) return TEXT.en;
    return /^zh-(Hant|TW|HK|MO)/i.test(lang) ? TEXT['zh-Hant'] : TEXT['zh-Hans'];
  };
  // True once the learner chose to reload: only then does a change of worker reload the page
  // (the very first install also takes control, and must not).
  let reloading = false;
  const first = !sw.controller;
  sw.addEventListener('controllerchange', () => {
    if (reloading) location.reload();
    else if (first) {
      // The first visit's data came before the worker was there: ask again through it, so this
      // page works offline from now on (mostly answered by the HTTP cache or a 304).
      const warm = window.jietiWarm;
      if (warm) warm.urls.forEach((u) => fetch(u, { headers: warm.headers }).catch(() => {}));
    }
  });

  /** Shows the banner for a worker that waits to take over (once). */
  const offer = (worker) => {
    if (document.getElementById('jieti-update')) return;
    const [message, reload, later] = text();
    const bar = document.createElement('div');
    bar.id = 'jieti-update';
    bar.className = 'update-bar';
    bar.setAttribute('role', 'status');
    const label = document.createElement('span');
    label.textContent = message;
    const yes = document.createElement('button');
    yes.type = 'button';
    yes.className = 'button';
    yes.textContent = reload;
    yes.addEventListener('click', () => {
      // Nothing is lost: unsent progress and answers wait in localStorage and go out after the reload.
      reloading = true;
      yes.disabled = true;
      // Another tab may have let the release take over already: no controllerchange will come.
      if (worker.state === 'installed') worker.postMessage({ type: 'skip-waiting' });
      else location.reload();
    });
    const no = document.createElement('button');
    no.type = 'button';
    no.className = 'button button--quiet';
    no.textContent = later;
    no.addEventListener('click', () => bar.remove());
    // The buttons stay together: on a narrow phone they wrap below the message as one row.
    const actions = document.createElement('span');
    actions.className = 'update-bar__actions';
    actions.append(yes, no);
    bar.append(label, actions);
    document.body.append(bar);
  };

  /** Watches a registration for a new worker that finished installing while this page runs. */
  const watch = (reg) => {
    if (!reg) return; // registration refused (e.g. service workers blocked)
    if (reg.waiting && sw.controller) offer(reg.waiting);
    reg.addEventListener('updatefound', () => {
      const next = reg.installing;
      if (!next) return;
      next.addEventListener('statechange', () => {
        if (next.state === 'installed' && sw.controller) offer(next);
      });
    });
    // A learner may keep the app open for days: look for a release when it comes back to the
    // front, at most hourly (one small request for sw.js).
    let checked = Date.now();
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && Date.now() - checked > 3_600_000) {
        checked = Date.now();
        reg.update().catch(() => {});
      }
    });
  };

  // After the load event: installing precaches every page chunk, which must not compete with
  // the first paint on a slow network. A failed registration (private mode) only means no offline.
  const register = () => sw.register('/sw.js').then(watch, () => {});
  if (document.readyState === 'complete') register();
  else addEventListener('load', register, { once: true });
})();
