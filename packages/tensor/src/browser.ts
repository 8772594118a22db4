/**
 * @firth/tensor — Firth's one numeric engine: the tensors every model trains on and the kernels
 * under them. It reads no files, so this list serves browsers (`@firth/tensor` resolves here under
 * the `browser` condition; `@firth/tensor/browser` names it) and Node (index.ts re-exports it).
 *
 *   const W = Tensor.randn([4, 3], new RandomState(0), 0.1, true);
 *   const loss = crossEntropy(matmul(x, W), targets);
 *   loss.backward();                        // W.grad
 *   new AdamW([W], { lr: 1e-3 }).step();
 */
// ── Autograd: float32 tensors, reverse-mode differentiation, the ops the models use (autograd.ts)
export {
  add,
  concatLast,
  crossEntropy,
  dropout,
  embedding,
  erf,
  gelu,
  geluErfOp,
  layerNorm,
  linear,
  matmul,
  matmulNT,
  relu,
  reshape,
  scale,
  sliceLast,
  softmax,
  splitHeads,
  swapAxes12,
  Tensor,
  tanhOp,
  transposeLast,
} from './autograd.js';
// ── Fused float32 elementwise kernels (GELU, softmax, LayerNorm, AdamW, bias), WebAssembly SIMD + JS reference
export {
  type ElementwiseF32Kernels,
  elementwiseF32,
  jsElementwiseF32,
  wasmElementwiseF32,
} from './elementwise-f32.js';
// ── Float32 products for autograd, all transposes and batched forms, WebAssembly SIMD + JS reference
export {
  jsKernelsF32,
  type MatmulF32Kernels,
  matmulF32,
  matmulF32Backend,
  matmulF32Batch,
  matmulF32Bias,
  matmulF32Js,
  matmulF32NT,
  matmulF32NTBatch,
  matmulF32NTJs,
  matmulF32TN,
  matmulF32TNBatch,
  matmulF32TNJs,
  wasmKernelsF32,
} from './matmul-f32.js';
// ── Float64 products, bit-identical to the textbook loop (the scikit-learn-equal MLP trains on them)
export {
  jsKernelsF64,
  type MatmulF64Kernels,
  matmulF64,
  matmulF64Backend,
  matmulF64NT,
  matmulF64TN,
  wasmKernelsF64,
} from './matmul-f64.js';
// ── Optimisation: AdamW with decoupled weight decay, global-norm gradient clipping
export { AdamW, type AdamWOptions, clipGradNorm } from './optim.js';
