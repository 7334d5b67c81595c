// Writes what only the finished build knows:
// - per page chunk, one bundle of the wasm files it needs (bundle-<page>-<hash>.bin), and into
//   dist/index.html their table (<script id="jieti-chunks">): a first load fetches its
//   page's chunks in one request instead of ~30 (each a round trip on a slow network), and one
//   brotli stream over them is smaller than thirty;
// - into dist/sw.js, PRECACHE, every file the app needs offline (what index.html names, the chunk
//   loader and every page chunk, the manifest and icons), BUNDLES (which chunks make each bundle,
//   so the worker serves bundles from its cache), and VERSION, a hash of their names and bytes.
//   A changed VERSION makes browsers install the release as a new worker;
// - every inline script of index.html and the embed pages into its own hashed file, so the
//   server's Content-Security-Policy can forbid inline script (crates/server/src/web.rs).
// Usage: node scripts/release.js dist
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const dist = process.argv[2];
const read = (f) => fs.readFileSync(path.join(dist, f));
const hash16 = (data) => crypto.createHash('sha256').update(data).digest('hex').slice(0, 16);
const indexPath = path.join(dist, 'index.html');
const manifest = path.join(dist, 'split-manifest.json');
const chunks = fs.existsSync(manifest) ? JSON.parse(fs.readFileSync(manifest, 'utf8')) : {};
const names = [...new Set(Object.values(chunks).flat())].sort();
const bundles = {};
for (const [page, list] of Object.entries(chunks)) {
  const data = Buffer.concat(list.map(read));
  const name = `bundle-${page}-${hash16(data)}.bin`;
  fs.writeFileSync(path.join(dist, name), data);
  bundles[page] = [name, list.map((f) => names.indexOf(f))];
}
let html = fs.readFileSync(indexPath, 'utf8');
// A JSON script element: the HTML minifier leaves its text alone (it rewrites inline JS).
const mark = /(<script[^>]*\bid=["']?jieti-chunks\b[^>]*>)\{\}(<\/script>)/;
if (!mark.test(html)) throw new Error(`release: ${indexPath} has no <script id="jieti-chunks">{}</script>`);
const table = { files: names.map((f) => [f, read(f).length]), bundles };
html = html.replace(mark, (_, open, close) => `${open}${JSON.stringify(table)}${close}`);
fs.writeFileSync(indexPath, html);

// No inline script (the Content-Security-Policy allows scripts from this origin only, so an
// injected <script> or handler can never run): every inline script of the HTML pages (trunk's
// start-up module, index.html's start-up script) moves to its own hashed file with its integrity.
// JSON data blocks stay: browsers never run them.
for (const page of ['index.html', 'embed.html', 'embed-quiz.html']) {
  const file = path.join(dist, page);
  if (!fs.existsSync(file)) continue;
  let text = fs.readFileSync(file, 'utf8');
  let moved = 0;
  text = text.replace(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/g, (tag, attrs = '', body) => {
    if (/\bsrc=/.test(attrs) || /application\/(ld\+)?json/.test(attrs) || !body.trim()) return tag;
    const module = /\btype=["']?module\b/.test(attrs);
    const name = `${page.replace(/\.html$/, '')}-${module ? 'init' : 'start'}-${hash16(body)}.js`;
    fs.writeFileSync(path.join(dist, name), body);
    const sri = `sha384-${crypto.createHash('sha384').update(body).digest('base64')}`;
    const type = module ? ' type="module"' : '';
    moved++;
    return `<script${type} src="/${name}" integrity="${sri}"></script>`;
  });
  if (/<script(?![^>]*\bsrc=)(?![^>]*application\/json)[^>]*>[^<]/.test(text)) {
    throw new Error(`release: ${page} still has an inline script`);
  }
  fs.writeFileSync(file, text);
  if (page === 'index.html') html = text;
  console.log(`release: ${page}: ${moved} inline script(s) moved to files`);
}
const files = new Set();
// Minified HTML drops attribute quotes; the start-up script imports the JS and wasm by name.
for (const m of html.matchAll(/(?:href|src)=["']?\/([^"'\s>]+)/g)) files.add(m[1]);
for (const m of html.matchAll(/["']\/([^"'\s]+\.(?:js|wasm))["']/g)) files.add(m[1]);
names.forEach((f) => files.add(f));
for (const f of fs.readdirSync(dist)) if (/^__wasm_split-.*\.js$/.test(f)) files.add(f);
files.add('manifest.webmanifest');
for (const f of fs.readdirSync(path.join(dist, 'icons'))) files.add(`icons/${f}`);

const list = [...files].filter((f) => fs.statSync(path.join(dist, f), { throwIfNoEntry: false })?.isFile()).sort();
const hash = crypto.createHash('sha256').update(html);
for (const f of list) hash.update(f).update(read(f));
const version = hash.digest('hex').slice(0, 16);

const swPath = path.join(dist, 'sw.js');
let sw = fs.readFileSync(swPath, 'utf8');
const marks = ["const VERSION = 'dev';", 'const PRECACHE = [];', 'const BUNDLES = {};'];
for (const m of marks) if (!sw.includes(m)) throw new Error(`release: ${swPath} has no \`${m}\``);
const swBundles = Object.fromEntries(Object.entries(bundles).map(([page, [name]]) => [name, chunks[page]]));
sw = sw.replace(marks[0], `const VERSION = '${version}';`)
  .replace(marks[1], `const PRECACHE = ${JSON.stringify(list.map((f) => `/${f}`))};`)
  .replace(marks[2], `const BUNDLES = ${JSON.stringify(swBundles)};`);
fs.writeFileSync(swPath, sw);
console.log(`release: ${Object.keys(bundles).length} page bundles; service worker version ${version}, ${list.length} files to precache`);
