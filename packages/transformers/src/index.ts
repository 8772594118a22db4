/**
 * @firth/transformers — the course's transformer lessons from scratch.
 */
// ── Attention: softmax(QKᵀ/√d_k)V with causal/padding masks and its backward; multi-head and grouped-query (attention.ts)
//   scaledDotProductAttention(X, X, X).weights // 6×6 for "YOUR CAT IS A LOVELY CAT", rows sum to 1
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
} from './attention.js';
// ── Training: a float32 tensor autograd engine (reference path) and AdamW (autograd.ts, optim.ts)
//   const loss = crossEntropy(matmul(x, W), y); loss.backward(); new AdamW([W]).step()
export {
  add,
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
} from './autograd.js';
// ── Hugging Face checkpoints (config.json + model.safetensors): BERT and GPT-2 forward passes (bert.ts, gpt2.ts)
//   (await Gpt2.load('models/gpt2')).forward([15496, 995]).logits
export { Bert, type BertConfig, type BertInput, geluErf } from './bert.js';
// ── BERT, trainable (bert-model.ts, bert-heads.ts): HF names, save/load, pretraining and fine-tuning heads
//   new BertForSequenceClassification(new BertModel({ vocabSize }), tokenizer, ['negative', 'positive']).fit(texts, labels)
export {
  type BertFitOptions,
  BertForPreTraining,
  BertForQuestionAnswering,
  BertForSequenceClassification,
  BertForTokenClassification,
  type BertProgress,
  type FillMaskPrediction,
  maskTokens,
  PretrainingCorpus,
  type PretrainingExample,
  type QaAnswer,
  type QaExample,
  splitSentences,
  type TaggedSentence,
  type TextClassification,
  type TokenPrediction,
} from './bert-heads.js';
export { type BertBatch, BertModel, type BertModelConfig, collate, poolVectors } from './bert-model.js';
export { loadBertForPreTraining, loadTinyBert, type TinyBert } from './bert-tiny.js';
// ── Transformer block pieces with backward passes: LayerNorm/RMSNorm, FFN (ReLU, GELU, SwiGLU), positions
export {
  activations,
  type FeedForwardKind,
  type FeedForwardWeights,
  feedForward,
  feedForwardBackward,
} from './feed-forward.js';
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
  sampleNext,
  streamGenerate,
} from './generation.js';
// ── GPT, decoder-only, trainable (character level on tiny Shakespeare); safetensors checkpoints (gpt.ts)
export { GPT, type GptConfig, type GptFitOptions, type GptProgress } from './gpt.js';
export { Gpt2, type Gpt2Config, linear } from './gpt2.js';
export { type HfCheckpoint, readHfCheckpoint } from './hf-checkpoint.js';
// ── llama2.c: RMSNorm, RoPE, grouped-query attention, SwiGLU, KV cache; the shipped TinyStories 260K model (llama2c.ts)
//   const model = await loadLlama2c(); model.start().step(1) // logits after BOS
export {
  Llama2c,
  type Llama2cConfig,
  type Llama2cRun,
  type Llama2cWeights,
  loadLlama2c,
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
  warmupCosine,
} from './nn.js';
export {
  layerNorm,
  layerNormBackward,
  type NormGradients,
  rmsNorm,
  rmsNormBackward,
} from './normalization.js';
export { AdamW, type AdamWOptions, clipGradNorm } from './optim.js';
export { addPositions, applyRope, applyRopeBackward, sinusoidalEncoding } from './positional-encoding.js';
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
export {
  bankCosine,
  cosine,
  MONEY_BANK,
  RIVER_BANK,
  type TrainBertOptions,
  saveBertClassifier,
  type TrainBertResult,
  trainBert,
  wordVector,
} from './train-bert.js';
export {
  parseTrainArgs,
  readCharGptCheckpoint,
  type TrainCharGptOptions,
  type TrainCharGptResult,
  trainCharGpt,
  writeCharGptCheckpoint,
} from './train-char-gpt.js';
// ── Encoder and decoder layers (post- or pre-norm), forward, with their attention weights (transformer-layers.ts)
export {
  type DecoderLayerWeights,
  decoderLayer,
  type EncoderLayerWeights,
  encoderLayer,
  type LayerOptions,
  type NormWeights,
} from './transformer-layers.js';
