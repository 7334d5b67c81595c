// Drops the linker's relocation sections (`linking`, `reloc.*`) from a wasm module, in place.
// The wasm build links with --emit-relocs for wasm-split (src/lazy.rs); a module that is not
// split (the embed player) must lose them, or wasm-opt keeps ~700 KB of them in the output.
const fs = require('fs');
const file = process.argv[2];
const b = fs.readFileSync(file);
if (b.readUInt32LE(0) !== 0x6d736100) { console.error(`strip-relocs: ${file} is not wasm`); process.exit(1); }
const out = [b.subarray(0, 8)];
let i = 8;
const leb = () => { let r = 0, s = 0, x; do { x = b[i++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return r; };
while (i < b.length) {
  const start = i;
  const id = b[i++];
  const end = leb() + i;
  let drop = false;
  if (id === 0) {
    const n = leb();
    const name = b.subarray(i, i + n).toString();
    drop = name === 'linking' || name.startsWith('reloc.');
  }
  if (!drop) out.push(b.subarray(start, end));
  i = end;
}
fs.writeFileSync(file, Buffer.concat(out));
