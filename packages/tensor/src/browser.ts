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
// ── Autograd: float32 and float64 tensors, reverse-mode differentiation, the ops the models use (autograd.ts)

// ── Attention, once: the fused training op and the cached decoding step (attention.ts)
export {
  type AttentionOptions,
  attendCached,
  attention,
  attentionFusedAvailable,
  attentionWithWeights,
  type CachedAttentionHeads,
  selfAttentionWithWeights,
} from './attention.js';
export {
  type ArrayOf,
  add,
  addLayerNorm,
  concatLast,
  crossEntropy,
  type DType,
  dropout,
  embedding,
  erf,
  type Floats,
  gelu,
  geluErfOp,
  layerNorm,
  linear,
  matmul,
  matmulNT,
  relu,
  reshape,
  rmsNorm,
  scale,
  sliceLast,
  softmax,
  splitHeads,
  swapAxes12,
  Tensor,
  tanhOp,
  transposeLast,
} from './autograd.js';
// ── Convolution (im2col on the float32 products), pooling, sigmoid (conv.ts)
export { type ConvOptions, conv2d, pool2d, sigmoid, type WindowOptions } from './conv.js';
// ── Fused float32 elementwise kernels (GELU, softmax, LayerNorm, AdamW, bias), WebAssembly SIMD + JS reference
export {
  type ElementwiseF32Kernels,
  elementwiseF32,
  jsElementwiseF32,
  wasmElementwiseF32,
} from './elementwise-f32.js';
export { arenaEnabled, arenaScope } from './engine.js';
// ── The one training loop: AdamW, warm-up + cosine schedule, clipping, evaluation, progress, early stop, checkpoints
export {
  type EarlyStopping,
  type FitLoopOptions,
  type FitProgress,
  type FitResult,
  fit,
  warmupCosine,
} from './fit.js';
// ── Cached decoding of a Llama-architecture model, one token per call, in WebAssembly SIMD
export {
  type GptDecodeConfig,
  type GptDecodeWeights,
  gptDecoderF32,
  type LlamaDecodeConfig,
  type LlamaDecoder,
  type LlamaDecodeSequence,
  type LlamaDecodeWeights,
  llamaDecoderF32,
  llamaDecodeWasmAvailable,
} from './llama-decode.js';
// ── Float32 products for autograd, all transposes and batched forms, WebAssembly SIMD + JS reference
export {
  jsKernelsF32,
  type MatmulF32Kernels,
  matmulF32,
  matmulF32Backend,
  matmulF32Batch,
  matmulF32Bias,
  matmulF32Fused,
  matmulF32Js,
  matmulF32NT,
  matmulF32NTBatch,
  matmulF32NTJs,
  matmulF32TN,
  matmulF32TNBatch,
  matmulF32TNJs,
  wasmKernelsF32,
  wasmKernelsF32Plain,
} from './matmul-f32.js';
// ── Float64 products, bit-identical to the textbook loop (the scikit-learn-equal MLP trains on them)
export {
  createF64Workspace,
  type F64Workspace,
  fusedF64Available,
  jsKernelsF64,
  type MatmulF64Kernels,
  matmulF64,
  matmulF64Backend,
  matmulF64NT,
  matmulF64TN,
  type WorkspaceActivation,
  wasmKernelsF64,
  wasmTanh,
} from './matmul-f64.js';
// ── Optimisation: AdamW with decoupled weight decay, global-norm gradient clipping
export { AdamW, type AdamWOptions, clipGradNorm } from './optim.js';
// ── Recurrent layers as fused ops: RNN / LSTM / GRU over a whole sequence, BPTT backward (recurrent.ts)
export { gruSequence, lstmSequence, type RecurrentOutput, rnnSequence } from './recurrent.js';
// ── The roofline's ceiling: WebAssembly SIMD's float32 GFLOP/s on this machine (simd-peak.ts)
export { measureSimdPeak, type SimdPeak, type SimdPeakOptions } from './simd-peak.js';
// ── The one wasm loader: a module from its base64 bytes, or null where it does not compile here (wasm.ts)
export { compileWasm } from './wasm.js';
