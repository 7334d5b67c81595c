// Jieti service worker: an installable, offline-first app. The app shell is precached per
// release; catalog data is served at once from the cache and refreshed behind (stale while
// revalidate); a learner's own data comes from the network, or from their own cached copy when
// offline; lessons the learner downloaded play from the cache with HTTP range support.
//
// Caches:
//   jieti-shell-<VERSION>  index.html and the release's hashed JS/wasm/CSS, every page chunk,
//                          the manifest and icons; cache-first; one per release
//   jieti-data-v1          public API GETs (catalog, courses, institutions, lessons)
//   jieti-personal-v1      a learner's own API GETs, keyed by a hash of their token, so on a shared
//                          phone one learner never gets another's; emptied at sign-out
//   jieti-offline-v1       downloaded lessons: media, captions, lesson data; never evicted by us
//
// Releases: scripts/release.js (run by scripts/build-app.sh) writes VERSION (a hash of the
// release's files) and PRECACHE (its shell, every page chunk, manifest and icons) into dist/sw.js,
// so each release is a changed worker. It installs beside the running one, reusing unchanged
// files, and waits; public/pwa.js then offers "a new version is ready — reload", and the page's
// answer ('skip-waiting') lets it take over.

// A development build (trunk serve) keeps these: only pages visited are cached.
const VERSION = 'dev';
const PRECACHE = [];
// Each page's chunk bundle (index.html fetches it on a first load): its chunk files, in order.
const BUNDLES = {};
const SHELL = `jieti-shell-${VERSION}`;
const DATA = 'jieti-data-v1';
const PERSONAL = 'jieti-personal-v1';
const OFFLINE = 'jieti-offline-v1';

// Public catalog routes (after /api/v1): the same for every learner, fine a little stale.
const CATALOG = [
  /^\/categories$/,
  /^\/courses$/,
  /^\/courses\/[^/]+$/,
  /^\/courses\/[^/]+\/reviews$/,
  /^\/institutions\/[^/]+$/,
];
// Public, but a learner wants the latest (a lesson's text may be corrected): network first.
const PUBLIC = [/^\/lessons\/[^/]+$/, /^\/certificates\/[^/]+$/];
// Paths the server answers itself: never the app shell for them.
const SERVER_PATH = /^\/(api|media|embed)\/|^\/(health|openapi\.json|embed\.js|sw\.js)$/;
// A name with a content hash (`app-1a2b3c4d5e6f7a8b_bg.wasm`): same name, same bytes.
const hashed = (path) => path.split(/[-_.]/).some((p) => /^[0-9a-f]{12,16}$/.test(p));

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      const res = await fetch('/', { cache: 'no-cache' });
      if (!res.ok) throw new Error(`index.html: HTTP ${res.status}`);
      // All or nothing: a half-cached release would break offline pages; a failed install is
      // tried again at the next visit while the running release keeps serving.
      await Promise.all(
        PRECACHE.map(async (f) => {
          const old = hashed(f) && (await caches.match(f));
          if (old) return cache.put(f, old);
          // Hashed files may come from the HTTP cache (immutable); the rest is revalidated.
          return cache.add(hashed(f) ? f : new Request(f, { cache: 'no-cache' }));
        }),
      );
      await cache.put('/', res);
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      // The release before this one stays until the next: a tab that chose "later" still runs it
      // and may yet need its page chunks. Older ones go. (keys() lists caches oldest first.)
      const previous = names.filter((n) => n.startsWith('jieti-shell-') && n !== SHELL).pop();
      const keep = new Set([SHELL, previous, DATA, PERSONAL, OFFLINE]);
      for (const name of names) {
        if (name.startsWith('jieti-') && !keep.has(name)) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

// A 206 answer for `range` from a cached response. Blob slices stay on disk: a video is never
// read whole into memory (phones with little RAM would stop the worker).
async function ranged(response, range) {
  const blob = await response.blob();
  const size = blob.size;
  const m = /^bytes=(\d*)-(\d*)$/.exec(range || '');
  if (!m) return new Response(blob, { status: 200, headers: response.headers });
  let start = m[1] === '' ? size - Number(m[2]) : Number(m[1]);
  let end = m[1] !== '' && m[2] !== '' ? Number(m[2]) : size - 1;
  start = Math.max(0, start);
  end = Math.min(end, size - 1);
  if (start > end) {
    return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${size}` } });
  }
  const headers = new Headers(response.headers);
  headers.set('Content-Range', `bytes ${start}-${end}/${size}`);
  headers.set('Content-Length', String(end - start + 1));
  headers.set('Accept-Ranges', 'bytes');
  return new Response(blob.slice(start, end + 1), { status: 206, headers });
}

async function networkFirst(request, cacheName, key = request.url) {
  try {
    const res = await fetch(request);
    if (res.ok) {
      const cache = await caches.open(cacheName);
      await cache.put(key, res.clone());
    } else if ([401, 403, 404, 410].includes(res.status)) {
      // Gone online (left the course, token revoked): the old copy must not answer offline.
      const cache = await caches.open(cacheName);
      await cache.delete(key);
    }
    return res;
  } catch (err) {
    const hit = (await caches.match(key, { cacheName: OFFLINE })) || (await caches.match(key, { cacheName }));
    if (hit) return hit;
    throw err;
  }
}

// Writes seen (forgetCourse): refreshes started before one are not cached.
let writes = 0;

// The cached answer at once (or a downloaded lesson's copy), refreshed in the background for
// next time; the network when nothing is cached.
async function staleWhileRevalidate(event, request) {
  const cache = await caches.open(DATA);
  const before = writes;
  // Past the HTTP cache (max-age=60): a refresh must bring what the server has now (the ETag
  // makes an unchanged answer a 304).
  const fresh = fetch(request, { cache: 'no-cache' }).then(async (res) => {
    // A refresh that began before a write may carry the old answer: forgetCourse's wins.
    if (res.ok && before === writes) await cache.put(request.url, res.clone());
    return res;
  });
  const hit = (await cache.match(request.url)) || (await caches.match(request.url, { cacheName: OFFLINE }));
  if (!hit) return fresh;
  event.waitUntil(fresh.catch(() => undefined));
  return hit;
}

// A page's chunk bundle, put together from this release's precached chunk files (no download,
// online or not); from the network only while they are not all cached yet.
async function bundle(request, parts) {
  const cache = await caches.open(SHELL);
  const cached = await Promise.all(parts.map((f) => cache.match(`/${f}`)));
  if (cached.some((r) => !r)) return fetch(request);
  const bytes = await Promise.all(cached.map((r) => r.arrayBuffer()));
  return new Response(new Blob(bytes), { headers: { 'Content-Type': 'application/octet-stream' } });
}

// The personal cache's key: the URL plus a hash of the bearer token (never the token itself).
async function personalKey(request) {
  const auth = request.headers.get('authorization') || '';
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(auth));
  const hex = [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const url = new URL(request.url);
  url.searchParams.set('__learner', hex);
  return url.href;
}

// A change the learner made to a course (review, enrolment) must show at once, not after the
// next refresh: the course's cached catalog answers go.
async function forgetCourse(id) {
  writes += 1;
  const cache = await caches.open(DATA);
  const prefix = `${self.location.origin}/api/v1/courses/${id}`;
  for (const req of await cache.keys()) {
    if (req.url === prefix || req.url.startsWith(`${prefix}/`) || req.url.startsWith(`${prefix}?`)) await cache.delete(req);
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const api = url.pathname.startsWith('/api/v1/') ? url.pathname.slice(7) : null;

  if (request.method !== 'GET') {
    if (api === '/session' && request.method === 'DELETE') {
      // Signing out: nothing personal stays on the device.
      event.waitUntil(caches.delete(PERSONAL));
      return;
    }
    const course = api && /^\/courses\/([^/]+)\/(review|enrollment)$/.exec(api);
    if (course) {
      event.respondWith(fetch(request).then(async (res) => { await forgetCourse(course[1]); return res; }));
    }
    return;
  }

  if (url.pathname.startsWith('/media/')) {
    // Downloaded lessons play from the cache; everything else streams from the network.
    event.respondWith(
      (async () => {
        const hit = await caches.match(url.href, { cacheName: OFFLINE, ignoreSearch: true });
        if (!hit) return fetch(request);
        return ranged(hit, request.headers.get('range'));
      })(),
    );
    return;
  }
  if (url.pathname.startsWith('/api/')) {
    if (api === null) return;
    if (CATALOG.some((re) => re.test(api))) {
      event.respondWith(staleWhileRevalidate(event, request));
    } else if (PUBLIC.some((re) => re.test(api))) {
      event.respondWith(networkFirst(request, DATA));
    } else if (request.headers.has('authorization')) {
      event.respondWith(personalKey(request).then((key) => networkFirst(request, PERSONAL, key)));
    }
    return;
  }
  if (request.mode === 'navigate') {
    // The server's own pages (embeds are other sites' pages, with their CSP) come from the network.
    const last = url.pathname.split('/').pop();
    if (SERVER_PATH.test(url.pathname) || last.includes('.')) return;
    // Any app URL: this release's shell, at once, online or not. A newer release arrives as a
    // worker update (pwa.js offers the reload), never by mixing files of two releases.
    // A development build (`trunk serve`, VERSION 'dev') changes without a new worker: there the
    // network comes first, or the developer would see the first build forever.
    if (VERSION === 'dev') {
      event.respondWith(fetch(request).catch(async () => (await caches.match('/', { cacheName: SHELL })) || Response.error()));
      return;
    }
    event.respondWith(
      (async () => (await caches.match('/', { cacheName: SHELL })) || fetch(request))(),
    );
    return;
  }
  if (url.pathname === '/embed.js' || url.pathname === '/sw.js') return;
  const parts = BUNDLES[url.pathname.slice(1)];
  if (parts) {
    event.respondWith(bundle(request, parts));
    return;
  }
  // The app's own files: their names change with their content, so the cache is always right.
  event.respondWith(
    (async () => {
      // This release's files, or the previous release's for a tab still running it.
      const hit = (await caches.match(request, { cacheName: SHELL })) || (await caches.match(request));
      if (hit) return hit;
      const res = await fetch(request);
      if (res.ok && res.status === 200 && hashed(url.pathname)) {
        const cache = await caches.open(SHELL);
        await cache.put(request, res.clone());
      }
      return res;
    })(),
  );
});

// Downloads a lesson's files into the offline cache, streaming (never whole in memory), and
// tells every open page of the app how far it got: {type, key, rung, loaded, total}.
async function download(key, rung, urls, total) {
  const cache = await caches.open(OFFLINE);
  let loaded = 0;
  let last = 0;
  const post = async (type, extra) => {
    for (const client of await self.clients.matchAll({ type: 'window' })) {
      client.postMessage({ type, key, rung, loaded, total, ...extra });
    }
  };
  try {
    for (const u of urls) {
      const res = await fetch(u, { cache: 'no-store' });
      if (!res.ok || !res.body) throw new Error(`${u}: HTTP ${res.status}`);
      const counter = new TransformStream({
        transform(chunk, out) {
          loaded += chunk.byteLength;
          // At most a few messages a second.
          const now = Date.now();
          if (now - last > 250) { last = now; post('download-progress'); }
          out.enqueue(chunk);
        },
      });
      const headers = new Headers(res.headers);
      headers.delete('content-encoding');
      headers.delete('content-length');
      await cache.put(u, new Response(res.body.pipeThrough(counter), { status: 200, headers }));
    }
    await post('download-done');
  } catch (err) {
    // Only the rendition and the lesson's data: captions, poster and course data may be shared
    // with other downloaded lessons.
    await cache.delete(urls[0]);
    await post('download-failed', { message: String(err) });
  }
}

self.addEventListener('message', (event) => {
  const msg = event.data || {};
  if (msg.type === 'skip-waiting') {
    // The learner chose to reload into the new release (public/pwa.js).
    self.skipWaiting();
    return;
  }
  if (msg.type === 'download' && Array.isArray(msg.urls) && msg.urls.length > 0) {
    const urls = msg.urls.filter((u) => typeof u === 'string' && u.startsWith('/'));
    event.waitUntil(download(String(msg.key), String(msg.rung), urls, Number(msg.total) || 0));
  }
});
