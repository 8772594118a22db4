/**
 * @firth/transformers for a browser (and any bundler that sets the `browser` condition): the parts
 * that need no file system — tokenizers built from their files' contents (tokenizer.json, vocab.txt,
 * tok512.bin as strings or bytes), attention and the self-attention lesson, the training engine
 * (autograd, AdamW), GPT and the seq2seq transformer, the llama2.c model from a checkpoint's bytes, GGUF files (read and written),
 * and text generation. `@firth/transformers` resolves here under the `browser` condition;
 * `@firth/transformers/browser` names it. What reads files (the shipped models and tokenizers,
 * Hugging Face folders, BERT, GPT-2, the training scripts) is in the Node entry, index.ts.
 */
// ── Attention: softmax(QKᵀ/√d_k)V with causal/padding masks and its backward; multi-head and grouped-query (attention.ts)
//   scaledDotProductAttention(X, X, X).weights // 6×6 for "YOUR CAT IS A LOVELY CAT", rows sum to 1

// ── Training: a float32 tensor autograd engine (reference path) and AdamW (autograd.ts, optim.ts)
//   const loss = crossEntropy(matmul(x, W), y); loss.backward(); new AdamW([W]).step()
// the learning-rate schedule of @firth/tensor's one training loop
export {
  AdamW,
  type AdamWOptions,
  add,
  clipGradNorm,
  crossEntropy,
  dropout,
  embedding,
  erf,
  gelu,
  geluErfOp,
  layerNorm as layerNormOp,
  matmul as matmulOp,
  relu,
  reshape,
  scale,
  sliceLast,
  softmax,
  swapAxes12,
  Tensor,
  tanhOp,
  transposeLast,
  warmupCosine,
} from '@firth/tensor';
// ── Attention maps of a real model, per layer and head: gpt.attentionMaps(ids), llama.attentionMaps(ids),
//    bert.attentionMaps(batch) — maps[layer][head][i][j], rows sum to 1 (attention-maps.ts)
export type { AttentionMaps } from './attention-maps.js';
// float16 bits ↔ numbers (safetensors' and GGUF's F16, Q8_0 scales)
export { f16ToNumber, numberToF16 } from './float16.js';
// ── Text generation: greedy, temperature, top-k, top-p, repetition penalty, stop, seed, streaming (generation.ts)
//   for await (const c of streamGenerate(model, tokenizer, 'Once upon a time', { temperature: 0 })) …
export {
  argmax,
  type CausalLM,
  type FinishReason,
  type GenerateOptions,
  type GenerationChunk,
  type GenerationResult,
  type GenerationTokenizer,
  generate,
  type NextTokenDistribution,
  nextTokenDistribution,
  sampleNext,
  streamGenerate,
} from './generation.js';
// ── GGUF (llama.cpp / Ollama model files), read and written from bytes: metadata of every type, F32/F16/Q8_0
//    tensors; llama2.c models as llama-architecture GGUF and back (gguf.ts, gguf-llama.ts)
//   ggufToLlama2c(llama2cToGguf(model, tokenizer, { type: 'q8_0' })).model.start().step(1)
export {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VERSION,
  type GgmlType,
  type GgufArray,
  type GgufFile,
  type GgufScalar,
  type GgufScalarType,
  type GgufTensorInfo,
  type GgufTensorInput,
  type GgufValue,
  type GgufValueType,
  ggufTensorToFloat32,
  Q8_0_BLOCK,
  quantizeQ8_0,
  readGguf,
  writeGguf,
} from './gguf.js';
export { ggufToLlama2c, type LlamaGgufOptions, llama2cToGguf } from './gguf-llama.js';
// ── GPT, decoder-only, trainable (character level on tiny Shakespeare); safetensors checkpoints (gpt.ts)
export {
  GPT,
  type GptArchitecture,
  type GptConfig,
  type GptFitOptions,
  type GptProgress,
} from './gpt.js';
// ── llama2.c: RMSNorm, RoPE, grouped-query attention, SwiGLU, KV cache; the shipped TinyStories 260K model (llama2c.ts)
//   Llama2c.fromBytes(bytes).start().step(1) // logits after BOS (Node: loadLlama2c() reads the shipped model)
export {
  Llama2c,
  type Llama2cConfig,
  type Llama2cRun,
  type Llama2cWeights,
  parseLlama2cCheckpoint,
} from './llama2c.js';
// ── Trainable pieces shared by gpt.ts and seq2seq.ts (nn.ts)
export {
  type AttentionWeights,
  type FeedForwardWeights as FeedForwardParams,
  feedForward as feedForwardOp,
  multiHeadAttention as multiHeadAttentionOp,
  type Norm,
  ParameterStore,
  type TransformerBlock,
  transformerBlock,
} from './nn.js';
export {
  type AttentionOptions,
  type AttentionResult,
  type Matrix,
  type MultiHeadOptions,
  type MultiHeadWeights,
  matmul,
  multiHeadAttention,
  type SelfAttentionLessonOptions,
  scaledDotProductAttention,
  scaledDotProductAttentionBackward,
  selfAttentionLesson,
  transpose,
} from './reference/attention.js';
// ── Transformer block pieces with backward passes: LayerNorm/RMSNorm, FFN (ReLU, GELU, SwiGLU), positions
export {
  activations,
  type FeedForwardKind,
  type FeedForwardWeights,
  feedForward,
  feedForwardBackward,
} from './reference/feed-forward.js';
export {
  layerNorm,
  layerNormBackward,
  type NormGradients,
  rmsNorm,
  rmsNormBackward,
} from './reference/normalization.js';
export {
  addPositions,
  applyRope,
  applyRopeBackward,
  sinusoidalEncoding,
} from './reference/positional-encoding.js';
// ── Encoder and decoder layers (post- or pre-norm), forward, with their attention weights (transformer-layers.ts)
export {
  type DecoderLayerWeights,
  decoderLayer,
  type EncoderLayerWeights,
  encoderLayer,
  type LayerOptions,
  type NormWeights,
} from './reference/transformer-layers.js';
// ── Checkpoint files: safetensors (layout checked: no gap, overlap, repeat or stray byte), NaN/Inf refused
//   unless { allowNonFinite: true } — the same option on every loader (CheckpointOptions)
export {
  type CheckpointOptions,
  readSafetensors,
  readSafetensorsHeader,
  type SafetensorsEntry,
  type SafetensorsHeader,
  type Tensor as SafetensorsTensor,
  writeSafetensors,
} from './safetensors.js';
// ── An encoder–decoder transformer that trains on toy translation tasks (seq2seq.ts)
export {
  type DecodeStep,
  type FitOptions,
  type PairSampler,
  reversalTask,
  type Seq2SeqConfig,
  Seq2SeqTransformer,
} from './seq2seq.js';
// ── Tokenizers: char, byte-level BPE (GPT-2), WordPiece (BERT), llama2.c's SentencePiece BPE; HF tokenizer.json
//   (await loadLlama2cTokenizer()).encode('Once upon a time') // [1, 403, 407, 261, 378]
export * from './tokenizers/index.js';
