// Assembles src/word2vec.wat (WebAssembly SIMD + shared memory) into src/word2vec-wasm.ts (see
// scripts/lib/build-wasm.mjs).
//   pnpm build:wasm                         (in packages/embeddings) writes src/word2vec-wasm.ts
//   node scripts/build-wasm.mjs --check     exits 1 when it is stale (word2vec.test.ts runs it)
import { buildWasm } from '../../../scripts/lib/build-wasm.mjs';

await buildWasm({
  pkg: 'embeddings',
  wat: 'word2vec.wat',
  exportName: 'WORD2VEC_WASM_BASE64',
  features: { simd: true, threads: true },
});
