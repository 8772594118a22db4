/**
 * A Hugging Face Llama-family folder (`LlamaForCausalLM.save_pretrained`: config.json +
 * model.safetensors) run by Firth's one Llama forward pass, Llama2c (llama2c.ts: RMSNorm, RoPE,
 * grouped-query attention, SwiGLU, a key/value cache; wasm or JS) — so it is a CausalLM that
 * generation.ts's generate / streamGenerate drive, like the shipped TinyStories model.
 *
 *   const llama = await loadLlama('models/TinyLlama-1.1B');      // a Llama2c
 *   await generate(llama, tokenizer, 'Once upon a time', { temperature: 0 });
 *
 * What differs from a llama2.c checkpoint, and how it is mapped:
 *   - names: model.embed_tokens, model.layers.N.self_attn.{q,k,v,o}_proj, mlp.{gate,up,down}_proj
 *     (llama2.c's w1, w3, w2), input_layernorm, post_attention_layernorm, model.norm, lm_head
 *     (absent when tie_word_embeddings: the output layer is the embedding).
 *   - RoPE layout: HF rotates dimension i of a head with i + headSize/2 (`rotate_half`), llama2.c
 *     the adjacent pair (2i, 2i+1). The rows of q_proj and k_proj are permuted per head
 *     (row h·d + half·d/2 + i → h·d + 2i + half, the inverse of convert_hf_to_gguf.py's `permute`):
 *     q·k within a head is a sum over the same products, so the scores, and everything after,
 *     are unchanged.
 *   - rope_theta and rms_norm_eps are read (Llama2c's ropeTheta, rmsNormEps).
 * Refused with a FormatError naming config.json and the field: hidden_act other than "silu",
 * rope_scaling / rope_parameters other than the default rope (Llama 3.1's long-context scaling
 * is not computed), attention or MLP biases, a
 * head_dim other than hidden_size / num_attention_heads, heads that do not divide as GQA needs.
 *
 * `maxContext` bounds the positions a sequence may use (the key/value cache is allocated for them):
 * by default max_position_embeddings, at most 4096.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkJson, FormatError, shape } from '@firth/numeric';
import { configSize, readHfCheckpoint } from './hf-checkpoint.js';
import { Llama2c, type Llama2cConfig, type Llama2cWeights } from './llama2c.js';
import { type CheckpointOptions, writeSafetensors } from './safetensors.js';

/** The fields of a Hugging Face Llama config.json that Firth reads (other fields may be there). */
const hfLlamaConfig = shape.object({
  model_type: shape.optional(shape.literal('llama')),
  hidden_act: shape.optional(shape.literal('silu')),
  vocab_size: configSize(),
  hidden_size: configSize(1 << 16),
  intermediate_size: configSize(1 << 20),
  num_hidden_layers: configSize(1024),
  num_attention_heads: configSize(1 << 12),
  num_key_value_heads: shape.optional(shape.nullable(configSize(1 << 12))),
  head_dim: shape.optional(shape.nullable(configSize(1 << 12))),
  max_position_embeddings: shape.optional(configSize(1 << 24)),
  rms_norm_eps: shape.optional(shape.number({ min: 0, max: 1 })),
  rope_theta: shape.optional(shape.number({ min: 1 })),
  attention_bias: shape.optional(shape.literal(false)),
  mlp_bias: shape.optional(shape.literal(false)),
  tie_word_embeddings: shape.optional(shape.boolean()),
  // newer transformers releases write RoPE's settings as one object
  rope_parameters: shape.optional(
    shape.nullable(
      shape.object({
        rope_type: shape.optional(shape.literal('default')),
        rope_theta: shape.optional(shape.number({ min: 1 })),
      }),
    ),
  ),
});

/** The longest context allocated by default (the key/value cache holds every position). */
const DEFAULT_MAX_CONTEXT = 4096;

export interface LlamaLoadOptions extends CheckpointOptions {
  /** Positions a sequence may use. @default min(max_position_embeddings, 4096) */
  maxContext?: number;
}

/**
 * A Hugging Face Llama config (config.json's fields) → Llama2c's config, every field read
 * checked (FormatError naming `file` and the JSON path).
 */
export function llamaConfigFromHf(json: unknown, file = 'config.json', options: LlamaLoadOptions = {}) {
  const cfg = checkLlama(json, file);
  const nHeads = cfg.num_attention_heads;
  const nKvHeads = cfg.num_key_value_heads ?? nHeads;
  const fail = (field: string, problem: string) => new FormatError(file, `$.${field}`, problem);
  if (cfg.hidden_size % nHeads || (cfg.hidden_size / nHeads) % 2)
    throw fail(
      'num_attention_heads',
      `must split hidden_size ${cfg.hidden_size} into heads of an even size (RoPE rotates pairs), got ${nHeads}`,
    );
  if (nHeads % nKvHeads)
    throw fail('num_key_value_heads', `must divide num_attention_heads ${nHeads}, got ${nKvHeads}`);
  const headSize = cfg.hidden_size / nHeads;
  if (cfg.head_dim != null && cfg.head_dim !== headSize)
    throw fail('head_dim', `must be hidden_size / num_attention_heads = ${headSize}, got ${cfg.head_dim}`);
  const positions = cfg.max_position_embeddings ?? 2048;
  const seqLen = options.maxContext ?? Math.min(positions, DEFAULT_MAX_CONTEXT);
  if (!Number.isInteger(seqLen) || seqLen < 1 || seqLen > positions)
    throw new FormatError(
      file,
      '$.max_position_embeddings',
      `is ${positions}: maxContext must be an integer in [1, ${positions}], got ${seqLen}`,
    );
  const config: Llama2cConfig = {
    dim: cfg.hidden_size,
    hiddenDim: cfg.intermediate_size,
    nLayers: cfg.num_hidden_layers,
    nHeads,
    nKvHeads,
    vocabSize: cfg.vocab_size,
    seqLen,
    // LlamaConfig's default is untied
    sharedClassifier: cfg.tie_word_embeddings ?? false,
    ropeTheta: cfg.rope_parameters?.rope_theta ?? cfg.rope_theta ?? 10000,
    rmsNormEps: cfg.rms_norm_eps ?? 1e-6,
  };
  return config;
}

function checkLlama(json: unknown, file: string) {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new FormatError(file, '$', 'must be a JSON object');
  const o = json as Record<string, unknown>;
  // HF writes rope_scaling: null (or { rope_type: "default" }) when there is none; anything else is
  // a scaling Firth does not compute
  const scaling = o.rope_scaling as Record<string, unknown> | null | undefined;
  const plain = (r: Record<string, unknown>) =>
    Object.keys(r).every((k) => k === 'rope_type' || k === 'type' || k === 'rope_theta') &&
    (r.rope_type ?? r.type ?? 'default') === 'default';
  if (scaling !== undefined && scaling !== null && !(typeof scaling === 'object' && plain(scaling)))
    throw new FormatError(
      file,
      '$.rope_scaling',
      `is ${JSON.stringify(o.rope_scaling)}: RoPE scaling is not computed (only null)`,
    );
  return checkJson(o, hfLlamaConfig, file);
}

/**
 * HF's q/k rows (per head: the first half of the dimensions paired with the second, rotate_half)
 * in llama2.c's layout (adjacent pairs): out row h·d + 2i + s = in row h·d + s·d/2 + i — or, with
 * `toHf`, back.
 */
export function hfRopeRowsToInterleaved(
  w: Float32Array,
  nHeads: number,
  headSize: number,
  cols: number,
  toHf = false,
): Float32Array {
  const out = new Float32Array(w.length);
  const half = headSize / 2;
  for (let h = 0; h < nHeads; h++)
    for (let i = 0; i < half; i++)
      for (let s = 0; s < 2; s++) {
        const hf = (h * headSize + s * half + i) * cols;
        const pairs = (h * headSize + 2 * i + s) * cols;
        const [from, to] = toHf ? [pairs, hf] : [hf, pairs];
        out.set(w.subarray(from, from + cols), to);
      }
  return out;
}

/**
 * A Llama model from a Hugging Face config and its tensors: each tensor's shape checked against
 * the config before use (FormatError naming the weights file and the tensor).
 */
export function llamaFromHf(
  hfConfig: unknown,
  tensor: (name: string, shape: number[]) => Float32Array,
  files: { config?: string } = {},
  options: LlamaLoadOptions = {},
): Llama2c {
  const config = llamaConfigFromHf(hfConfig, files.config ?? 'config.json', options);
  const { dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize } = config;
  const headSize = dim / nHeads;
  const kvDim = nKvHeads * headSize;
  const stack = (rows: number, cols: number, name: (l: number) => string, rope = 0) => {
    const out = new Float32Array(nLayers * rows * cols);
    for (let l = 0; l < nLayers; l++) {
      const t = tensor(name(l), rows === 1 ? [cols] : [rows, cols]);
      out.set(rope ? hfRopeRowsToInterleaved(t, rope, headSize, cols) : t, l * rows * cols);
    }
    return out;
  };
  const layer = (l: number, rest: string) => `model.layers.${l}.${rest}`;
  const tokenEmbedding = tensor('model.embed_tokens.weight', [vocabSize, dim]);
  const weights: Llama2cWeights = {
    tokenEmbedding,
    rmsAtt: stack(1, dim, (l) => layer(l, 'input_layernorm.weight')),
    wq: stack(dim, dim, (l) => layer(l, 'self_attn.q_proj.weight'), nHeads),
    wk: stack(kvDim, dim, (l) => layer(l, 'self_attn.k_proj.weight'), nKvHeads),
    wv: stack(kvDim, dim, (l) => layer(l, 'self_attn.v_proj.weight')),
    wo: stack(dim, dim, (l) => layer(l, 'self_attn.o_proj.weight')),
    rmsFfn: stack(1, dim, (l) => layer(l, 'post_attention_layernorm.weight')),
    w1: stack(hiddenDim, dim, (l) => layer(l, 'mlp.gate_proj.weight')),
    w2: stack(dim, hiddenDim, (l) => layer(l, 'mlp.down_proj.weight')),
    w3: stack(hiddenDim, dim, (l) => layer(l, 'mlp.up_proj.weight')),
    rmsFinal: tensor('model.norm.weight', [dim]),
    wcls: config.sharedClassifier ? tokenEmbedding : tensor('lm_head.weight', [vocabSize, dim]),
  };
  return new Llama2c(config, weights);
}

/**
 * A Hugging Face Llama folder (LlamaForCausalLM: config.json + model.safetensors) as a CausalLM.
 * NaN/Infinity weights are refused unless `allowNonFinite`.
 */
export async function loadLlama(folder: string, options: LlamaLoadOptions = {}): Promise<Llama2c> {
  const ckpt = await readHfCheckpoint(folder, [''], options);
  return llamaFromHf(ckpt.config, ckpt.tensor, { config: ckpt.configFile }, options);
}

/**
 * A Llama2c model (llama2.c's, a GGUF's) as a Hugging Face LlamaForCausalLM folder: config.json
 * and model.safetensors under HF's names, q/k rows in HF's rotate_half layout — what
 * `LlamaForCausalLM.from_pretrained(folder)`, and loadLlama, read back.
 */
export async function saveLlama(model: Llama2c, folder: string): Promise<void> {
  const { dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen } = model.config;
  const { headSize, kvDim } = model;
  const w = model.weights;
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  const put = (name: string, shape: number[], data: Float32Array) => tensors.set(name, { shape, data });
  put('model.embed_tokens.weight', [vocabSize, dim], w.tokenEmbedding);
  for (let l = 0; l < nLayers; l++) {
    const at = (t: Float32Array, n: number) => t.subarray(l * n, (l + 1) * n);
    const p = `model.layers.${l}`;
    put(`${p}.input_layernorm.weight`, [dim], at(w.rmsAtt, dim));
    put(
      `${p}.self_attn.q_proj.weight`,
      [dim, dim],
      hfRopeRowsToInterleaved(at(w.wq, dim * dim), nHeads, headSize, dim, true),
    );
    put(
      `${p}.self_attn.k_proj.weight`,
      [kvDim, dim],
      hfRopeRowsToInterleaved(at(w.wk, kvDim * dim), nKvHeads, headSize, dim, true),
    );
    put(`${p}.self_attn.v_proj.weight`, [kvDim, dim], at(w.wv, kvDim * dim));
    put(`${p}.self_attn.o_proj.weight`, [dim, dim], at(w.wo, dim * dim));
    put(`${p}.post_attention_layernorm.weight`, [dim], at(w.rmsFfn, dim));
    put(`${p}.mlp.gate_proj.weight`, [hiddenDim, dim], at(w.w1, hiddenDim * dim));
    put(`${p}.mlp.down_proj.weight`, [dim, hiddenDim], at(w.w2, dim * hiddenDim));
    put(`${p}.mlp.up_proj.weight`, [hiddenDim, dim], at(w.w3, hiddenDim * dim));
  }
  put('model.norm.weight', [dim], w.rmsFinal);
  const tied = model.config.sharedClassifier;
  if (!tied) put('lm_head.weight', [vocabSize, dim], w.wcls);
  const config = {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: vocabSize,
    hidden_size: dim,
    intermediate_size: hiddenDim,
    num_hidden_layers: nLayers,
    num_attention_heads: nHeads,
    num_key_value_heads: nKvHeads,
    hidden_act: 'silu',
    max_position_embeddings: seqLen,
    rms_norm_eps: model.config.rmsNormEps ?? 1e-5,
    rope_theta: model.config.ropeTheta ?? 10000,
    rope_scaling: null,
    attention_bias: false,
    mlp_bias: false,
    tie_word_embeddings: tied,
    bos_token_id: 1,
    eos_token_id: 2,
    torch_dtype: 'float32',
  };
  await writeFile(join(folder, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  await writeFile(join(folder, 'model.safetensors'), writeSafetensors(tensors, { format: 'pt' }));
}
