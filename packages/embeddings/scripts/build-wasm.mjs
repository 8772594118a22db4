// Assembles the package's WebAssembly text (SIMD + shared memory) into TypeScript modules (see
// scripts/lib/build-wasm.mjs): src/word2vec.wat into src/word2vec-fma-wasm.ts (relaxed SIMD: fused
// multiply-adds) and src/word2vec-wasm.ts (plain SIMD, each relaxed_madd unfused), src/glove.wat
// into src/glove-wasm.ts.
//   pnpm build:wasm                         (in packages/embeddings) writes them
//   node scripts/build-wasm.mjs --check     exits 1 when one is stale (word2vec.test.ts runs it)
import { buildWasm } from '../../../scripts/lib/build-wasm.mjs';

/**
 * The text with every `(f32x4.relaxed_madd a b c)` rewritten `(f32x4.add (f32x4.mul a b) c)`: the
 * same arithmetic in plain SIMD (two roundings). The operands are balanced s-expressions; comments
 * are left as they are.
 */
export function unfuseMadd(text) {
  const head = '(f32x4.relaxed_madd';
  let out = '';
  let i = 0;
  for (let at = text.indexOf(head); at >= 0; at = text.indexOf(head, i)) {
    out += text.slice(i, at);
    if (text.slice(text.lastIndexOf('\n', at) + 1, at).includes(';;')) {
      out += head; // in a comment
      i = at + head.length;
      continue;
    }
    const args = [];
    let p = at + head.length;
    while (args.length < 3) {
      while (/\s/.test(text[p])) p++;
      if (text[p] !== '(') throw new Error(`relaxed_madd at ${at}: operands must be s-expressions`);
      let depth = 0;
      const start = p;
      do {
        if (text[p] === '(') depth++;
        else if (text[p] === ')') depth--;
        p++;
      } while (depth > 0);
      args.push(unfuseMadd(text.slice(start, p)));
    }
    while (/\s/.test(text[p])) p++;
    if (text[p] !== ')') throw new Error(`relaxed_madd at ${at}: expected 3 operands`);
    out += `(f32x4.add (f32x4.mul ${args[0]} ${args[1]}) ${args[2]})`;
    i = p + 1;
  }
  return out + text.slice(i);
}

await buildWasm({
  pkg: 'embeddings',
  wat: 'word2vec.wat',
  exportName: 'WORD2VEC_FMA_WASM_BASE64',
  out: 'word2vec-fma-wasm.ts',
  features: { simd: true, relaxed_simd: true, threads: true },
});
await buildWasm({
  pkg: 'embeddings',
  wat: 'word2vec.wat',
  exportName: 'WORD2VEC_WASM_BASE64',
  features: { simd: true, threads: true },
  edit: unfuseMadd,
});
await buildWasm({
  pkg: 'embeddings',
  wat: 'glove.wat',
  exportName: 'GLOVE_WASM_BASE64',
  features: { simd: true, threads: true },
});
