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
loader_name="__wasm_split-$(hash16 "$js").js"
mv "$js" "$TRUNK_STAGING_DIR/$loader_name"
chmod 644 "$TRUNK_STAGING_DIR/$loader_name"
# Only the module specifier: the wasm's import object keeps the name "./__wasm_split.js".
sed -i -E "s#from ['\"]\./__wasm_split\.js['\"]#from './$loader_name'#" "$TRUNK_STAGING_DIR/$main_js"
grep -q "$loader_name" "$TRUNK_STAGING_DIR/$main_js" \
  || { echo "split-chunks: $main_js does not import the chunk loader" >&2; exit 1; }
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
