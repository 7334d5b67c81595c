#!/usr/bin/env bash
# trunk post_build hook: ships the page chunks that scripts/bin/wasm-bindgen cut out of the app.
# Optimises each chunk (release), names every file by its content hash (so the server can serve
# them as immutable), and points the loader and the app's JS at those names.
set -euo pipefail
: "${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
profile="${TRUNK_PROFILE:-debug}"
split_dir="${CARGO_TARGET_DIR:-$ROOT/target}/wasm-bindgen/$profile/split"
loader="$split_dir/__wasm_split.js"
[ -f "$loader" ] || exit 0   # built without the split feature: nothing to ship

hash16() { sha256sum "$1" | cut -c1-16; }
main_js="$(cd "$TRUNK_STAGING_DIR" && ls jieti-*.js | head -1)"
[ -n "$main_js" ] || { echo "split-chunks: no jieti-*.js in $TRUNK_STAGING_DIR" >&2; exit 1; }

js="$(mktemp)"
sed "s#from \"./jieti.js\"#from \"./$main_js\"#" "$loader" >"$js"
for chunk in "$split_dir"/*.wasm; do
  name="$(basename "$chunk" .wasm)"
  [ "$name" = jieti ] && continue   # the main module: trunk has bound and shipped it
  out="$TRUNK_STAGING_DIR/$name.wasm"
  if [ "$profile" = release ]; then
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      "$chunk" -o "$out"
  else
    cp "$chunk" "$out"
  fi
  hashed="$name-$(hash16 "$out").wasm"
  mv "$out" "$TRUNK_STAGING_DIR/$hashed"
  sed -i "s#\"./$name.wasm\"#\"./$hashed\"#g" "$js"
done
# trunk's JS minifier cannot parse wasm-bindgen's output (`export { … as default }`) and ships it
# as is; terser minifies both the loader and the app's JS in release builds.
minify() {
  [ "$profile" = release ] || return 0
  terser "$1" --module --ecma 2020 --compress --mangle -o "$1.min" && mv "$1.min" "$1"
}
# Which wasm files each page needs (its chunk and the shared chunks it waits for), read from the
# loader before minifying: scripts/budget.sh sums each route's first load from it.
node - "$js" "$TRUNK_STAGING_DIR/split-manifest.json" <<'JS'
const fs = require('fs');
const [src, out] = process.argv.slice(2);
const js = fs.readFileSync(src, 'utf8');
const wasmOf = (body) => [...body.matchAll(/"\.\/([^"]+\.wasm)"/g)].map((m) => m[1]);
const shared = {};
for (const m of js.matchAll(/const (__chunk_\d+) = makeLoad\(([\s\S]*?)\n, \[\]\);/g)) shared[m[1]] = wasmOf(m[2]);
const pages = {};
for (const m of js.matchAll(/export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(([\s\S]*?)\n, \[([^\]]*)\]\)\);/g)) {
  const deps = m[3].split(',').map((s) => s.trim()).filter(Boolean).flatMap((d) => shared[d] || []);
  pages[m[1]] = [...wasmOf(m[2]), ...deps];
}
if (!Object.keys(pages).length) { console.error('split-chunks: no page chunks found in the loader'); process.exit(1); }
fs.writeFileSync(out, JSON.stringify(pages, null, 2) + '\n');
JS
# index.html fetches the first page's chunks as one bundle (scripts/release.js); the loader takes
# each chunk from it through window.jietiChunk when that is there, else fetches the file.
sed -i 's#fetch(new URL(#(self.jietiChunk || fetch)(new URL(#g' "$js"
grep -q 'self.jietiChunk' "$js" || { echo "split-chunks: the loader's fetch calls were not found" >&2; exit 1; }
minify "$js"
loader_name="__wasm_split-$(hash16 "$js").js"
mv "$js" "$TRUNK_STAGING_DIR/$loader_name"
chmod 644 "$TRUNK_STAGING_DIR/$loader_name"
# Only the module specifier: the wasm's import object keeps the name "./__wasm_split.js".
sed -i -E "s#from ?['\"]\./__wasm_split\.js['\"]#from './$loader_name'#" "$TRUNK_STAGING_DIR/$main_js"
grep -q "$loader_name" "$TRUNK_STAGING_DIR/$main_js" \
  || { echo "split-chunks: $main_js does not import the chunk loader" >&2; exit 1; }
minify "$TRUNK_STAGING_DIR/$main_js"
# The app's JS changed: renew its subresource-integrity digest wherever index.html names it
# (release output is minified and unquoted, development output is not: match either).
node - "$TRUNK_STAGING_DIR" "$main_js" <<'JS'
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const [dir, js] = process.argv.slice(2);
const file = path.join(dir, 'index.html');
const digest = 'sha384-' + crypto.createHash('sha384').update(fs.readFileSync(path.join(dir, js))).digest('base64');
let renewed = 0;
const html = fs.readFileSync(file, 'utf8').replace(/<(link|script)\b[^>]*>/g, (tag) => {
  if (!tag.includes(`/${js}`)) return tag;
  return tag.replace(/integrity=("?)sha384-[A-Za-z0-9+/=]+\1/, () => { renewed++; return `integrity="${digest}"`; });
});
fs.writeFileSync(file, html);
if (/integrity=/.test(html) && renewed === 0) {
  console.error(`split-chunks: could not renew the integrity of ${js} in index.html`);
  process.exit(1);
}
JS
