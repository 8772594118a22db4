// Assembles the package's WebAssembly text (SIMD + shared memory) into TypeScript modules (see
// scripts/lib/build-wasm.mjs): src/word2vec.wat into src/word2vec-fma-wasm.ts (relaxed SIMD: fused
// multiply-adds) and src/word2vec-wasm.ts (plain SIMD, each relaxed_madd unfused), src/glove.wat
// into src/glove-wasm.ts.
//   pnpm build:wasm                         (in packages/embeddings) writes them
//   node scripts/build-wasm.mjs --check     exits 1 when one is stale (word2vec.test.ts runs it)
// unfuseMadd: every `(f32x4.relaxed_madd a b c)` rewritten `(f32x4.add (f32x4.mul a b) c)` (shared with
// packages/tensor's matmul build)
import { buildWasm, unfuseMadd } from '../../../scripts/lib/build-wasm.mjs';

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
