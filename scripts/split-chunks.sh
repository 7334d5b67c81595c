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
# The app's JS changed: renew its subresource-integrity digest in index.html.
digest="sha384-$(node -e 'process.stdout.write(require("crypto").createHash("sha384").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$TRUNK_STAGING_DIR/$main_js")"
sed -i -E "s#(href=\"?/$main_js\"? integrity=\"?)sha384-[A-Za-z0-9+/=]+#\1$digest#" "$TRUNK_STAGING_DIR/index.html"
grep -q "$digest" "$TRUNK_STAGING_DIR/index.html" \
  || { echo "split-chunks: could not renew the integrity of $main_js in index.html" >&2; exit 1; }
