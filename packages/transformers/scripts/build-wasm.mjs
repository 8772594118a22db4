// Assembles src/matmul-f32.wat (WebAssembly SIMD) into src/matmul-f32-wasm.ts (see
// scripts/lib/build-wasm.mjs).
//   pnpm build:wasm                         (in packages/transformers) writes src/matmul-f32-wasm.ts
//   node scripts/build-wasm.mjs --check     exits 1 when it is stale (matmul-f32.test.ts runs it)
import { buildWasm } from '../../../scripts/lib/build-wasm.mjs';

await buildWasm({ pkg: 'transformers', wat: 'matmul-f32.wat', exportName: 'MATMUL_F32_WASM_BASE64' });
