// Assembles the WebAssembly SIMD kernels in src/*.wat into src/*-wasm.ts (see scripts/lib/build-wasm.mjs).
//   pnpm build:wasm                         (in packages/tensor) writes every src/*-wasm.ts
//   node scripts/build-wasm.mjs --check     exits 1 when one is stale (the kernels' tests run it)
import { buildWasm, unfuseMadd } from '../../../scripts/lib/build-wasm.mjs';

/**
 * Moves every distinct non-zero `(v128.const …)` of a module into an immutable global and reads it
 * with global.get. V8 (Node 20–24, x64) builds a v128.const afresh where it stands — two 64-bit
 * immediates moved into a vector register, inside the loop when the constant is — while a global
 * is one load; the polynomial kernels (exp, tanh, erf) use a dozen or more per vector. The same
 * values, so the same results bit for bit; measured on the 2-core machine (Node 24, 2^20 floats):
 * GELU 3.4 → 1.8 ms, its backward pass 3.8 → 2.3 ms, the erf GELU 7.3 → 4.7 ms, softmax 2.0 → 1.0 ms.
 * The .wat keeps its constants inline, where they are read. (All-zero constants stay: V8 makes
 * them with one xor.)
 */
function vectorConstantsAsGlobals(text) {
  const globals = new Map();
  const body = text.replace(/\(v128\.const (f32x4|i32x4)((?:\s+[^\s()]+){4})\)/g, (whole, _shape, lanes) => {
    if (
      lanes
        .trim()
        .split(/\s+/)
        .every((v) => Number(v) === 0 && !v.startsWith('-'))
    )
      return whole;
    const key = whole.replace(/\s+/g, ' ');
    if (!globals.has(key)) globals.set(key, `$const${globals.size}`);
    return `(global.get ${globals.get(key)})`;
  });
  const start = body.search(/^\(module\b.*$/m);
  if (start < 0) throw new Error('vectorConstantsAsGlobals: no (module line');
  const lineEnd = body.indexOf('\n', start);
  const decls = [...globals].map(([c, name]) => `  (global ${name} v128 ${c})`).join('\n');
  return `${body.slice(0, lineEnd + 1)}${decls}\n${body.slice(lineEnd + 1)}`;
}

await buildWasm({ pkg: 'tensor', wat: 'matmul-f64.wat', exportName: 'MATMUL_F64_WASM_BASE64' });
await buildWasm({
  pkg: 'tensor',
  wat: 'matmul-f64-fma.wat',
  exportName: 'MATMUL_F64_FMA_WASM_BASE64',
  features: { simd: true, relaxed_simd: true },
});
// matmul-f32.wat is written with relaxed SIMD's fused f32x4.relaxed_madd: assembled as it is into
// matmul-f32-fma-wasm.ts (used where the runtime has relaxed SIMD: Node 24, current browsers) and,
// with every relaxed_madd unfused (unfuseMadd) and 4-row tiles, into matmul-f32-wasm.ts (Node 20); each also over an
// imported shared memory for the worker threads of matmul-f32-threads.ts (16384 pages = 1 GiB, the
// most matmul-f32.ts hands to wasm)
// the plain module tiles 4 rows at a time (matmul-f32.wat's $tileRows: 6 rows of unfused sums spill)
const plainMatmulF32 = (text) => {
  const six = '(global $tileRows i32 (i32.const 6))';
  if (!text.includes(six)) throw new Error(`matmul-f32.wat: no \`${six}\` to set to 4`);
  return unfuseMadd(text).replace(six, '(global $tileRows i32 (i32.const 4))');
};
/** A module's own memory replaced by the imported shared one (its vector constants as globals). */
const sharedImport = (wat, text) => {
  const own = '(memory (export "memory") 1)';
  if (!text.includes(own)) throw new Error(`${wat}: no \`${own}\` to make shared`);
  // the import first: a module's imports precede its globals
  return vectorConstantsAsGlobals(text.replace(own, '')).replace(
    /^\(module\b.*$/m,
    (line) => `${line}\n  (import "env" "memory" (memory 1 16384 shared))`,
  );
};
const sharedMatmulF32 = (text) => {
  const own = '(memory (export "memory") 1)';
  if (!text.includes(own)) throw new Error(`matmul-f32.wat: no \`${own}\` to make shared`);
  return text.replace(own, '(import "env" "memory" (memory 1 16384 shared))');
};
await buildWasm({
  pkg: 'tensor',
  wat: 'matmul-f32.wat',
  exportName: 'MATMUL_F32_FMA_WASM_BASE64',
  out: 'matmul-f32-fma-wasm.ts',
  features: { simd: true, relaxed_simd: true },
});
await buildWasm({
  pkg: 'tensor',
  wat: 'matmul-f32.wat',
  exportName: 'MATMUL_F32_WASM_BASE64',
  edit: plainMatmulF32,
});
await buildWasm({
  pkg: 'tensor',
  wat: 'matmul-f32.wat',
  exportName: 'MATMUL_F32_SHARED_FMA_WASM_BASE64',
  out: 'matmul-f32-shared-fma-wasm.ts',
  features: { simd: true, relaxed_simd: true, threads: true },
  edit: sharedMatmulF32,
});
await buildWasm({
  pkg: 'tensor',
  wat: 'matmul-f32.wat',
  exportName: 'MATMUL_F32_SHARED_WASM_BASE64',
  out: 'matmul-f32-shared-wasm.ts',
  features: { simd: true, threads: true },
  edit: (text) => sharedMatmulF32(plainMatmulF32(text)),
});
await buildWasm({
  pkg: 'tensor',
  wat: 'llama-decode.wat',
  exportName: 'LLAMA_DECODE_WASM_BASE64',
  edit: vectorConstantsAsGlobals,
});
await buildWasm({
  pkg: 'tensor',
  wat: 'activations.wat',
  exportName: 'ACTIVATIONS_WASM_BASE64',
  edit: vectorConstantsAsGlobals,
});
await buildWasm({
  pkg: 'tensor',
  wat: 'elementwise-f32.wat',
  exportName: 'ELEMENTWISE_F32_WASM_BASE64',
  edit: vectorConstantsAsGlobals,
});
// the same code over the engine's imported shared memory (engine.ts: one memory for every float32
// kernel, the arena's tensors passed by address)
await buildWasm({
  pkg: 'tensor',
  wat: 'elementwise-f32.wat',
  exportName: 'ELEMENTWISE_F32_SHARED_WASM_BASE64',
  out: 'elementwise-f32-shared-wasm.ts',
  features: { simd: true, threads: true },
  edit: (text) => sharedImport('elementwise-f32.wat', text),
});
await buildWasm({
  pkg: 'tensor',
  wat: 'attention-f32.wat',
  exportName: 'ATTENTION_F32_WASM_BASE64',
  edit: vectorConstantsAsGlobals,
});
// the same code over the imported shared memory of matmul-f32-threads.ts' pool (its workers run the
// attention of a band of sequences) and of engine.ts
await buildWasm({
  pkg: 'tensor',
  wat: 'attention-f32.wat',
  exportName: 'ATTENTION_F32_SHARED_WASM_BASE64',
  out: 'attention-f32-shared-wasm.ts',
  features: { simd: true, threads: true },
  edit: (text) => sharedImport('attention-f32.wat', text),
});
// the peak measurement (simd-peak.ts): as written, f32x4.mul + f32x4.add, and fused
await buildWasm({ pkg: 'tensor', wat: 'simd-peak.wat', exportName: 'SIMD_PEAK_WASM_BASE64' });
await buildWasm({
  pkg: 'tensor',
  wat: 'simd-peak.wat',
  exportName: 'SIMD_PEAK_FMA_WASM_BASE64',
  out: 'simd-peak-fma-wasm.ts',
  features: { simd: true, relaxed_simd: true },
  edit: (text) => {
    const unfused =
      /\(f32x4\.add \(local\.get (\$s\d+)\) \(f32x4\.mul \(local\.get \$x\) \(local\.get \$y\)\)\)/g;
    const fused = text.replace(unfused, '(f32x4.relaxed_madd (local.get $x) (local.get $y) (local.get $1))');
    if (fused === text) throw new Error('simd-peak.wat: no multiply-add to fuse');
    return fused;
  },
});
