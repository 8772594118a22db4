/**
 * @firth/transformers — the course's transformer lessons from scratch.
 */
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
