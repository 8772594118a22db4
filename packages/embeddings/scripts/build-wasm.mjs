// Assembles the package's WebAssembly text (SIMD + shared memory) into TypeScript modules (see
// scripts/lib/build-wasm.mjs): src/word2vec.wat into src/word2vec-wasm.ts, src/glove.wat into
// src/glove-wasm.ts.
//   pnpm build:wasm                         (in packages/embeddings) writes them
//   node scripts/build-wasm.mjs --check     exits 1 when one is stale (word2vec.test.ts runs it)
import { buildWasm } from '../../../scripts/lib/build-wasm.mjs';

await buildWasm({
  pkg: 'embeddings',
  wat: 'word2vec.wat',
  exportName: 'WORD2VEC_WASM_BASE64',
  features: { simd: true, threads: true },
});
await buildWasm({
  pkg: 'embeddings',
  wat: 'glove.wat',
  exportName: 'GLOVE_WASM_BASE64',
  features: { simd: true, threads: true },
});
