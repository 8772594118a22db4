// Assembles src/matmul.wat (WebAssembly SIMD) into src/matmul-wasm.ts (see scripts/lib/build-wasm.mjs).
//   pnpm build:wasm                         (in packages/neural) writes src/matmul-wasm.ts
//   node scripts/build-wasm.mjs --check     exits 1 when it is stale (matmul.test.ts runs it)
import { buildWasm } from '../../../scripts/lib/build-wasm.mjs';

await buildWasm({ pkg: 'neural', wat: 'matmul.wat', exportName: 'MATMUL_WASM_BASE64' });
