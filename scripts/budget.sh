#!/usr/bin/env bash
# Size budget of the release build (DESIGN.md §6): raw, gzip and brotli bytes of every file a
# first load fetches, and the first-load total of each route. The shell (index.html with its
# inlined CSS, the app's JS and main wasm, and the chunk loader) is fetched by every route; a page
# in its own chunk (src/lazy.rs) adds that chunk and the shared chunks it needs, as listed in
# dist/split-manifest.json and fetched as one bundle (scripts/release.js). Fails when any route's
# brotli total is over the budget.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
DIST="${1:-$ROOT/dist}"
# 120 KiB brotli: issue #8's floor (DESIGN.md allows 150). The largest route (the player) is
# 118.9 KiB since the app runs on reactive_graph alone, without Leptos' renderer (ADR 0009).
BUDGET=${JIETI_FIRST_LOAD_BUDGET:-122880}
[ -f "$DIST/index.html" ] || { echo "budget: no build in $DIST (run scripts/build-app.sh)" >&2; exit 1; }

node - "$DIST" "$BUDGET" <<'JS'
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const [dist, budget] = [process.argv[2], Number(process.argv[3])];
const files = fs.readdirSync(dist);
const size = (name) => {
  const data = fs.readFileSync(path.join(dist, name));
  const br = zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return { name, raw: data.length, gz: zlib.gzipSync(data, { level: 9 }).length, br };
};
const row = (f) => console.log(`${f.name.padEnd(44)} ${String(f.raw).padStart(9)} ${String(f.gz).padStart(9)} ${String(f.br).padStart(9)}`);
const sum = (list, k) => list.reduce((a, f) => a + f[k], 0);

// sw.js is not part of any page's load: the app registers it after it has mounted, and the
// browser fetches it in the background (printed below, counted in "all code").
const SERVICE_WORKER = 'sw.js';
// The JS, wasm and CSS an HTML page names (attributes, and the start-up script's imports), and
// what trunk's initialiser imports in turn: it is a file of its own (`embed-init-….js` imports the
// embed's JS and wasm), so reading the HTML alone misses them. Other scripts are not followed:
// pwa.js names sw.js and the start-up script the page chunks, which load later or per route.
const named = (html) => {
  const found = new Set();
  const read = (file) => {
    const text = fs.readFileSync(path.join(dist, file), 'utf8');
    const here = [];
    if (file.endsWith('.html')) for (const m of text.matchAll(/(?:href|src)=["']?\/([^"'\s>]+)/g)) here.push(m[1]);
    for (const m of text.matchAll(/["']\/([^"'\s]+\.(?:js|wasm))["']/g)) here.push(m[1]);
    for (const f of here) {
      if (found.has(f) || !/\.(js|css|wasm)$/.test(f) || !files.includes(f)) continue;
      found.add(f);
      if (/-init-[0-9a-f]+\.js$/.test(f)) read(f);
    }
  };
  read(html);
  return [...found];
};
// The app's shell: index.html, what it names, and the chunk loader its JS imports.
const shell = ['index.html', ...named('index.html'), ...files.filter((f) => /^__wasm_split-.*\.js$/.test(f))].map(size);
console.log(`${'shell (every route)'.padEnd(44)} ${'raw'.padStart(9)} ${'gzip'.padStart(9)} ${'brotli'.padStart(9)}`);
shell.forEach(row);
const base = { name: 'SHELL TOTAL', raw: sum(shell, 'raw'), gz: sum(shell, 'gz'), br: sum(shell, 'br') };
row(base);

// Page chunks: which wasm files each page needs, as scripts/split-chunks.sh recorded them.
const routes = [{ name: 'shell alone', br: base.br, gz: base.gz }];
const manifest = path.join(dist, 'split-manifest.json');
if (fs.existsSync(manifest)) {
  console.log(`\n${'page chunks'.padEnd(44)} ${'raw'.padStart(9)} ${'gzip'.padStart(9)} ${'brotli'.padStart(9)}`);
  for (const [page, wasm] of Object.entries(JSON.parse(fs.readFileSync(manifest, 'utf8')))) {
    const own = wasm.map(size);
    own.forEach(row);
    // A first load fetches the page's chunks as one bundle (scripts/release.js) when there is one.
    const bundle = files.find((f) => f.startsWith(`bundle-${page}-`) && f.endsWith('.bin'));
    const fetched = bundle ? [size(bundle)] : own;
    if (bundle) row(fetched[0]);
    routes.push({ name: page, br: base.br + sum(fetched, 'br'), gz: base.gz + sum(fetched, 'gz') });
  }
}
console.log(`\n${'first load per route'.padEnd(44)} ${''.padStart(9)} ${'gzip'.padStart(9)} ${'brotli'.padStart(9)}`);
for (const r of routes) console.log(`${r.name.padEnd(44)} ${''.padStart(9)} ${String(r.gz).padStart(9)} ${String(r.br).padStart(9)}`);
// Every file a learner who opens every page would fetch: the shell and all page chunks. Printed,
// not budgeted: the budget is per route, and chunks load only with their page.
const chunkFiles = files.filter((f) => /\.wasm$/.test(f) && !/_bg\.wasm$/.test(f)).map(size);
const sw = files.includes(SERVICE_WORKER) ? size(SERVICE_WORKER) : { br: 0 };
console.log(`service worker (${SERVICE_WORKER}, fetched after the page has loaded): ${sw.br} B brotli`);
console.log(`all code (shell + every page chunk + service worker): ${base.br + sum(chunkFiles, 'br') + sw.br} B brotli`);
// The embed player (embed.html): the poster page a host's visitor loads at first, and what
// tapping play adds (the player's JS and wasm). DESIGN.md §6: ≤ 100 KiB; the issue: the poster
// stage under 30 KiB with its image (the largest demo poster) and the embed info JSON (~1 KB).
let embedFailed = false;
for (const page of ['embed.html', 'embed-quiz.html'].filter((p) => files.includes(p))) {
  const EMBED_BUDGET = Number(process.env.JIETI_EMBED_BUDGET || 102400);
  const POSTER_BUDGET = 30720;
  const all = [page, ...named(page)].map(size);
  const deferred = all.filter((f) => /^jieti-embed-.*\.(js|wasm)$/.test(f.name));
  const poster = all.filter((f) => !deferred.includes(f));
  // A page whose player is not found would pass any budget: that is a broken measurement.
  if (!deferred.some((f) => f.name.endsWith('.wasm'))) { console.error(`budget: FAILED — no player wasm found for ${page}`); embedFailed = true; }
  console.log(`\n${`embed page (${page})`.padEnd(44)} ${'raw'.padStart(9)} ${'gzip'.padStart(9)} ${'brotli'.padStart(9)}`);
  all.forEach(row);
  const media = path.join(dist, '..', 'media', 'videos');
  const posters = fs.existsSync(media) ? fs.readdirSync(media).map((d) => path.join(media, d, 'poster.jpg')).filter((f) => fs.existsSync(f)) : [];
  const image = posters.reduce((a, f) => Math.max(a, fs.statSync(f).size), 0);
  const posterTotal = sum(poster, 'br') + image + 1024;
  const embedTotal = sum(all, 'br');
  console.log(`${page} poster before play: ${sum(poster, 'br')} B brotli + poster image ${image} B + info JSON ~1024 B = ${posterTotal} B of ${POSTER_BUDGET} B`);
  console.log(`${page} first load with the player: ${embedTotal} B brotli = ${(embedTotal / 1024).toFixed(1)} KiB of a ${(EMBED_BUDGET / 1024).toFixed(0)} KiB budget`);
  if (embedTotal > EMBED_BUDGET) { console.error(`budget: FAILED — ${page} is ${embedTotal - EMBED_BUDGET} B over budget`); embedFailed = true; }
  if (posterTotal > POSTER_BUDGET) { console.error(`budget: FAILED — ${page}'s poster stage is ${posterTotal - POSTER_BUDGET} B over budget`); embedFailed = true; }
}
const worst = routes.reduce((a, r) => (r.br > a.br ? r : a));
console.log(`first load: ${worst.br} B brotli = ${(worst.br / 1024).toFixed(1)} KiB at most (${worst.name}) of a ${(budget / 1024).toFixed(0)} KiB budget`);
if (worst.br > budget) {
  console.error(`budget: FAILED — ${worst.name} is ${worst.br - budget} B over budget`);
  process.exit(1);
}
if (embedFailed) process.exit(1);
console.log('budget: ok');
JS
