#!/usr/bin/env bash
# The Leptos baseline of the README's size table, measured again with this toolchain: a Leptos 0.8
# app with leptos_router, two routes and one JSON fetch (tools/leptos-baseline), built like the
# app (trunk release, wasm-opt -Oz, the JS minified by terser) and summed like scripts/budget.sh
# sums a route (index.html + JS + wasm, brotli 11). By hand, not in the test command: it is a
# fixed reference, not something a change to Jieti can move.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
dir="$ROOT/tools/leptos-baseline"
dist="$CARGO_TARGET_DIR/leptos-baseline-dist"
say "building the Leptos baseline (trunk build --release)"
(cd "$dir" && trunk build --release --dist "$dist")
js="$(cd "$dist" && ls leptos-baseline-*.js)"
terser "$dist/$js" --module --ecma 2020 --compress --mangle -o "$dist/$js.min" && mv "$dist/$js.min" "$dist/$js"
node - "$dist" <<'JS'
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const dist = process.argv[2];
let total = 0;
for (const f of fs.readdirSync(dist).filter((f) => /\.(html|js|wasm)$/.test(f)).sort()) {
  const data = fs.readFileSync(path.join(dist, f));
  const br = zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  total += br;
  console.log(`${f.padEnd(44)} ${String(data.length).padStart(9)} raw ${String(br).padStart(9)} brotli`);
}
console.log(`Leptos 0.8 baseline first load: ${total} B brotli`);
JS
