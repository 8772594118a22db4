// Assembles the WebAssembly SIMD kernels in src/*.wat into src/*-wasm.ts (see scripts/lib/build-wasm.mjs).
//   pnpm build:wasm                         (in packages/tensor) writes every src/*-wasm.ts
//   node scripts/build-wasm.mjs --check     exits 1 when one is stale (the kernels' tests run it)
import { buildWasm } from '../../../scripts/lib/build-wasm.mjs';

await buildWasm({ pkg: 'tensor', wat: 'matmul-f64.wat', exportName: 'MATMUL_F64_WASM_BASE64' });
await buildWasm({
  pkg: 'tensor',
  wat: 'matmul-f64-fma.wat',
  exportName: 'MATMUL_F64_FMA_WASM_BASE64',
  features: { simd: true, relaxed_simd: true },
});
await buildWasm({ pkg: 'tensor', wat: 'matmul-f32.wat', exportName: 'MATMUL_F32_WASM_BASE64' });
// the same code over an imported shared memory, for the worker threads of matmul-f32-threads.ts
// (16384 pages = 1 GiB, the most matmul-f32.ts hands to wasm)
await buildWasm({
  pkg: 'tensor',
  wat: 'matmul-f32.wat',
  exportName: 'MATMUL_F32_SHARED_WASM_BASE64',
  out: 'matmul-f32-shared-wasm.ts',
  features: { simd: true, threads: true },
  edit: (text) => {
    const own = '(memory (export "memory") 1)';
    if (!text.includes(own)) throw new Error(`matmul-f32.wat: no \`${own}\` to make shared`);
    return text.replace(own, '(import "env" "memory" (memory 1 16384 shared))');
  },
});
await buildWasm({ pkg: 'tensor', wat: 'llama-decode.wat', exportName: 'LLAMA_DECODE_WASM_BASE64' });
await buildWasm({ pkg: 'tensor', wat: 'activations.wat', exportName: 'ACTIVATIONS_WASM_BASE64' });
await buildWasm({ pkg: 'tensor', wat: 'elementwise-f32.wat', exportName: 'ELEMENTWISE_F32_WASM_BASE64' });
await buildWasm({ pkg: 'tensor', wat: 'attention-f32.wat', exportName: 'ATTENTION_F32_WASM_BASE64' });
