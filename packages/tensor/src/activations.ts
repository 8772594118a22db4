/**
 * The logistic sigmoid and tanh in place over float32 arrays — the gate activations of the fused
 * recurrent layers (recurrent.ts), where e^x is most of the forward pass. The fast path is a
 * WebAssembly SIMD kernel (activations.wat, four values at once, with the e^x and tanh of
 * exp-tanh-f32.wat that elementwise-f32.wat's GELU and softmax share: relative error < 2e-7 — float32's
 * own precision); the JavaScript reference uses Math.exp in float64.
 * activations.test.ts compares the two.
 *
 *   const z = Float32Array.of(0, 2);
 *   sigmoidF32(z) // z ≈ [0.5, 0.8808]
 */
import { ACTIVATIONS_WASM_BASE64 } from './activations-wasm.js';
import { compileWasm, instantiateWasm } from './wasm.js';

/** σ(x) = 1 / (1 + e^−x) in float64. */
export const sigmoidJs = (x: number): number => 1 / (1 + Math.exp(-x));

/** tanh(u) = (e²ᵘ − 1)/(e²ᵘ + 1) in float64 with one Math.exp (faster than Math.tanh); ±1 beyond |u| > 20. */
export const tanhJs = (u: number): number => {
  if (u > 20) return 1;
  if (u < -20) return -1;
  const e = Math.exp(2 * u);
  return (e - 1) / (e + 1);
};

export interface ActivationKernels {
  /** x ← σ(x), in place. */
  sigmoid(x: Float32Array): void;
  /** x ← tanh(x), in place. */
  tanh(x: Float32Array): void;
  /** `rows` rows of LSTM gates [i | f | g | o] (H each), in place: σ on i, f, o; tanh on g. */
  lstmGates(z: Float32Array, rows: number, H: number): void;
}

export const jsActivations: ActivationKernels = {
  sigmoid(x) {
    for (let i = 0; i < x.length; i++) x[i] = sigmoidJs(x[i]!);
  },
  tanh(x) {
    for (let i = 0; i < x.length; i++) x[i] = tanhJs(x[i]!);
  },
  lstmGates(z, rows, H) {
    for (let r = 0, o = 0; r < rows; r++, o += 4 * H) {
      for (let j = o; j < o + 2 * H; j++) z[j] = sigmoidJs(z[j]!);
      for (let j = o + 2 * H; j < o + 3 * H; j++) z[j] = tanhJs(z[j]!);
      for (let j = o + 3 * H; j < o + 4 * H; j++) z[j] = sigmoidJs(z[j]!);
    }
  },
};

interface WasmExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  sigmoid(p: number, n: number): void;
  tanh(p: number, n: number): void;
  lstmGates(p: number, rows: number, H: number): void;
}

function wasmKernelsFrom(ex: WasmExports): ActivationKernels {
  /** The memory as floats, grown to hold at least n (growing detaches the old buffer). */
  const memory = (n: number) => {
    const missing = n * 4 - ex.memory.buffer.byteLength;
    if (missing > 0) ex.memory.grow(Math.ceil(missing / 65536));
    return new Float32Array(ex.memory.buffer, 0, n);
  };
  const run = (x: Float32Array, call: () => void) => {
    const h = memory(x.length);
    h.set(x);
    call();
    x.set(h);
  };
  return {
    sigmoid: (x) => run(x, () => ex.sigmoid(0, x.length)),
    tanh: (x) => run(x, () => ex.tanh(0, x.length)),
    lstmGates: (z, rows, H) => run(z.subarray(0, rows * 4 * H), () => ex.lstmGates(0, rows, H)),
  };
}

/** The wasm path, or null where WebAssembly SIMD is missing (the module then fails to compile). */
export const wasmActivations: ActivationKernels | null = (() => {
  const ex = instantiateWasm<WasmExports>(compileWasm(ACTIVATIONS_WASM_BASE64));
  return ex === null ? null : wasmKernelsFrom(ex);
})();

/** The kernels in use: wasm when available unless FIRTH_MATMUL=js (the switch the products use too). */
export const activations: ActivationKernels =
  wasmActivations !== null && globalThis.process?.env?.FIRTH_MATMUL !== 'js'
    ? wasmActivations
    : jsActivations;
