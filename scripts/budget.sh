#!/usr/bin/env bash
# Size budget of the release build (DESIGN.md §6): raw, gzip and brotli bytes of every file a
# first load fetches, and the first-load total of each route. The shell (index.html, CSS, the
# app's JS and main wasm, and the chunk loader) is fetched by every route; a page in its own
# chunk (src/lazy.rs) adds that chunk and the shared chunks it needs, as listed in
# dist/split-manifest.json. Fails when any route's brotli total is over the budget.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
DIST="${1:-$ROOT/dist}"
BUDGET=${JIETI_FIRST_LOAD_BUDGET:-153600}   # 150 KiB, brotli
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
const shell = ['index.html', ...files.filter((f) => f !== SERVICE_WORKER
  && (/\.(js|css)$/.test(f) || (/_bg\.wasm$/.test(f))))].map(size);
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
    routes.push({ name: page, br: base.br + sum(own, 'br'), gz: base.gz + sum(own, 'gz') });
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
const worst = routes.reduce((a, r) => (r.br > a.br ? r : a));
console.log(`first load: ${worst.br} B brotli = ${(worst.br / 1024).toFixed(1)} KiB at most (${worst.name}) of a ${(budget / 1024).toFixed(0)} KiB budget (aim 120 KiB)`);
if (worst.br > budget) {
  console.error(`budget: FAILED — ${worst.name} is ${worst.br - budget} B over budget`);
  process.exit(1);
}
console.log('budget: ok');
JS
