// Jieti service worker: the app shell offline, public catalog and lesson data when the network
// is gone, and lessons the learner downloaded (served with HTTP range support, as video needs).
//
// Caches:
//   jieti-shell-v1    the app's files (index.html and hashed JS/wasm/CSS), cache-first
//   jieti-data-v1     public API GETs (courses, lessons, categories), network-first
//   jieti-offline-v1  downloaded lessons: media, captions, lesson data; never evicted by us
// Personal API data (progress, notes, /me) is never cached: on a shared phone one learner must
// not see another's, and the app keeps its own unsynced changes in localStorage.

const SHELL = 'jieti-shell-v1';
const DATA = 'jieti-data-v1';
const OFFLINE = 'jieti-offline-v1';

// Public, learner-independent API routes.
const PUBLIC_API = [
  /^\/api\/v1\/categories$/,
  /^\/api\/v1\/courses$/,
  /^\/api\/v1\/courses\/[^/]+$/,
  /^\/api\/v1\/courses\/[^/]+\/reviews$/,
  /^\/api\/v1\/institutions\/[^/]+$/,
  /^\/api\/v1\/lessons\/[^/]+$/,
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      // The shell: index.html and every file it names (their names carry content hashes).
      const cache = await caches.open(SHELL);
      const res = await fetch('/', { cache: 'no-cache' });
      if (res.ok) {
        const html = await res.clone().text();
        await cache.put('/', res);
        const files = new Set();
        for (const m of html.matchAll(/(?:href|src)="(\/[^"]+)"/g)) files.add(m[1]);
        // Every page chunk too, so that any page (and any panel) opens offline.
        const manifest = await fetch('/split-manifest.json').then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
        for (const list of Object.values(manifest)) for (const f of list) files.add(`/${f}`);
        await Promise.all(
          [...files].map((f) => cache.add(f).catch(() => undefined)),
        );
        // Files of earlier versions are no longer needed.
        for (const req of await cache.keys()) {
          const path = new URL(req.url).pathname;
          if (path !== '/' && !files.has(path)) await cache.delete(req);
        }
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([SHELL, DATA, OFFLINE]);
      for (const name of await caches.keys()) {
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

async function networkFirst(request, cacheName) {
  try {
    const res = await fetch(request);
    if (res.ok) {
      const cache = await caches.open(cacheName);
      await cache.put(request.url, res.clone());
    }
    return res;
  } catch (err) {
    const hit = (await caches.match(request.url, { cacheName: OFFLINE }))
      || (await caches.match(request.url, { cacheName }));
    if (hit) return hit;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

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
    const path = url.pathname;
    if (PUBLIC_API.some((re) => re.test(path))) {
      event.respondWith(networkFirst(request, DATA));
    }
    return;
  }
  // Embeds are other sites' pages: the network answers them (with their CSP), never the app shell;
  // the loader keeps its name across releases, so it always comes from the network too.
  if (url.pathname === '/embed.js' || (request.mode === 'navigate' && url.pathname.startsWith('/embed/'))) return;
  if (request.mode === 'navigate') {
    // Any app URL: the network's index.html, or the cached shell when offline.
    event.respondWith(
      fetch(request).catch(async () => (await caches.match('/', { cacheName: SHELL })) || Response.error()),
    );
    return;
  }
  // The app's own files: their names change with their content, so the cache is always right.
  event.respondWith(
    (async () => {
      const hit = await caches.match(request, { cacheName: SHELL });
      if (hit) return hit;
      const res = await fetch(request);
      if (res.ok && res.status === 200) {
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
  if (msg.type === 'download' && Array.isArray(msg.urls) && msg.urls.length > 0) {
    const urls = msg.urls.filter((u) => typeof u === 'string' && u.startsWith('/'));
    event.waitUntil(download(String(msg.key), String(msg.rung), urls, Number(msg.total) || 0));
  }
});
