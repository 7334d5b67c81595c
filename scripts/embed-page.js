// trunk post_build hook for embed.html and embed-quiz.html: click-to-load. Trunk's output starts the wasm at once
// (a module script plus preloads of the JS and the wasm); the embed must show its poster and
// load the player only when the viewer taps play. This turns the start-up script into
// `window.jietiBoot()` (called by public/embed-frame.js) and drops the preloads.
const fs = require('fs');
const path = require('path');
if (!/embed(-quiz)?\.html$/.test(process.env.TRUNK_HTML_FILE || '')) process.exit(0);
const file = path.join(process.env.TRUNK_STAGING_DIR, 'index.html');
let html = fs.readFileSync(file, 'utf8');
let js = null, wasm = null;
// Preloads of the player's JS and wasm: they would fetch ~90 KB before anyone taps play.
html = html.replace(/<link\b[^>]*\brel="?(modulepreload|preload)"?[^>]*>/g, (tag) => {
  const href = /href="?([^"\s>]+)/.exec(tag)[1];
  if (/\.js$/.test(href)) js = href;
  if (/\.wasm$/.test(href)) wasm = href;
  return '';
});
let found = 0;
let glue = null;
html = html.replace(/<script type="?module"?>([\s\S]*?)<\/script>/g, (tag, body) => {
  if (!/\binit\b/.test(body)) return tag;
  found++;
  const jsPath = js || /from\s*['"]([^'"]+\.js)['"]/.exec(body)[1];
  glue = jsPath;
  const wasmPath = wasm || /module_or_path:\s*['"]([^'"]+\.wasm)['"]/.exec(body)[1];
  return `<script type="module">window.jietiBoot=async()=>{const m=await import(${JSON.stringify(jsPath)});await m.default({module_or_path:${JSON.stringify(wasmPath)}});};</script>`;
});
if (found !== 1) { console.error(`embed-page: expected one start-up script in ${file}, found ${found}`); process.exit(1); }
fs.writeFileSync(file, html);
// trunk's minifier cannot parse wasm-bindgen's JS (see scripts/split-chunks.sh): terser it.
if (process.env.TRUNK_PROFILE === 'release') {
  const file = path.join(process.env.TRUNK_STAGING_DIR, path.basename(glue));
  if (!fs.existsSync(file)) { console.error(`embed-page: no ${file} to minify`); process.exit(1); }
  require('child_process').execFileSync('terser', [file, '--module', '--ecma', '2020', '--compress', '--mangle', '-o', file], { stdio: 'inherit' });
}
