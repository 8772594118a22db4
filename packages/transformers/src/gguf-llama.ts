/**
 * A llama2.c model and its SentencePiece vocabulary as a llama-architecture GGUF file, and back —
 * so the model Firth runs can be served by llama.cpp / Ollama, and a llama-family GGUF (F32, F16 or
 * Q8_0 weights) runs in Firth's Llama2c engine.
 *
 *   const bytes = llama2cToGguf(await loadLlama2c(), loadLlama2cTokenizer(), { type: 'q8_0' });
 *   const { model, tokenizer } = ggufToLlama2c(bytes);
 *
 * Conventions followed (llama.cpp `examples/convert-llama2c-to-ggml/convert-llama2c-to-ggml.cpp`,
 * `save_as_llama_model` and `load_vocab`):
 *   - weights copied as they are: llama2.c's checkpoint is in Meta's layout (RoPE rotates adjacent
 *     pairs 2i, 2i+1), which is what GGUF's llama architecture uses; only Hugging Face checkpoints
 *     need convert_hf_to_gguf.py's Q/K row permutation. A row-major [rows, cols] weight is ggml
 *     ne = [cols, rows] with the same bytes.
 *   - tensor names token_embd, output_norm, output, blk.N.attn_q/k/v/output, attn_norm,
 *     ffn_gate (w1), ffn_down (w2), ffn_up (w3), ffn_norm; output.weight written even when tied
 *     (as the converter does), so every llama.cpp version finds it;
 *   - vocabulary: id 0 "<unk>" (UNKNOWN), 1 "<s>" and 2 "</s>" (CONTROL), "<0xHH>" pieces BYTE,
 *     the rest NORMAL; spaces written as "▁" (U+2581, llama_escape_whitespaces); scores as they are.
 * Q8_0 applies to 2-D weights whose rows are a multiple of 32 long; norms (1-D) stay F32.
 */
import { checkFiniteValues, FormatError } from '@firth/numeric';
import {
  type GgufFile,
  type GgufTensorInput,
  type GgufValue,
  ggufTensorToFloat32,
  readGguf,
  writeGguf,
} from './gguf.js';
import { Llama2c, type Llama2cConfig, type Llama2cWeights } from './llama2c.js';
import type { CheckpointOptions } from './safetensors.js';
import {
  LLAMA2C_BOS,
  LLAMA2C_EOS,
  LLAMA2C_UNK,
  SentencePieceBPETokenizer,
} from './tokenizers/sentencepiece-bpe.js';

/** llama.cpp's `enum llama_token_type`. */
const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;
const SPACE = '\u2581';
const BYTE_PIECE = /^<0x[0-9A-Fa-f]{2}>$/;

export interface LlamaGgufOptions {
  /** 'f32' (exact) or 'q8_0' (2-D weights with rows a multiple of 32 quantised). @default 'f32' */
  type?: 'f32' | 'q8_0';
  /** general.name. @default 'stories260K' */
  name?: string;
}

const u32 = (value: number): GgufValue => ({ type: 'u32', value });

/** The GGUF bytes of a llama2.c model with its tokenizer (llama architecture). */
export function llama2cToGguf(
  model: Llama2c,
  tokenizer: SentencePieceBPETokenizer,
  options: LlamaGgufOptions = {},
): Uint8Array {
  const { dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen } = model.config;
  const w = model.weights;
  const dec = new TextDecoder();
  const tokens: string[] = [];
  const types: number[] = [];
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    const piece = dec.decode(tokenizer.pieces[id]);
    const [text, type] =
      id === LLAMA2C_UNK
        ? ['<unk>', TOKEN_TYPE.unknown]
        : id === LLAMA2C_BOS
          ? ['<s>', TOKEN_TYPE.control]
          : id === LLAMA2C_EOS
            ? ['</s>', TOKEN_TYPE.control]
            : BYTE_PIECE.test(piece)
              ? [piece, TOKEN_TYPE.byte]
              : [piece.replaceAll(' ', SPACE), TOKEN_TYPE.normal];
    tokens.push(text);
    types.push(type);
  }
  const metadata: [string, GgufValue][] = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: options.name ?? 'stories260K' }],
    ['general.file_type', u32(options.type === 'q8_0' ? 7 : 0)], // LLAMA_FTYPE_MOSTLY_Q8_0 / ALL_F32
    ['llama.context_length', u32(seqLen)],
    ['llama.embedding_length', u32(dim)],
    ['llama.block_count', u32(nLayers)],
    ['llama.feed_forward_length', u32(hiddenDim)],
    ['llama.attention.head_count', u32(nHeads)],
    ['llama.attention.head_count_kv', u32(nKvHeads)],
    ['llama.rope.dimension_count', u32(model.headSize)],
    ['llama.rope.freq_base', { type: 'f32', value: 10000 }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.vocab_size', u32(vocabSize)],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: tokens }],
    ['tokenizer.ggml.scores', { type: 'array', itemType: 'f32', value: [...tokenizer.scores] }],
    ['tokenizer.ggml.token_type', { type: 'array', itemType: 'i32', value: types }],
    ['tokenizer.ggml.unknown_token_id', u32(LLAMA2C_UNK)],
    ['tokenizer.ggml.bos_token_id', u32(tokenizer.bos)],
    ['tokenizer.ggml.eos_token_id', u32(tokenizer.eos)],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
  ];
  const q8 = options.type === 'q8_0';
  const matrix = (name: string, data: Float32Array, rows: number, cols: number): GgufTensorInput => ({
    name,
    shape: [cols, rows],
    type: q8 && cols % 32 === 0 ? 'Q8_0' : 'F32',
    data,
  });
  const vector = (name: string, data: Float32Array): GgufTensorInput => ({
    name,
    shape: [data.length],
    type: 'F32',
    data,
  });
  const kvDim = model.kvDim;
  const slice = (t: Float32Array, l: number, n: number) => t.subarray(l * n, (l + 1) * n);
  const tensors: GgufTensorInput[] = [
    matrix('token_embd.weight', w.tokenEmbedding, vocabSize, dim),
    vector('output_norm.weight', w.rmsFinal),
    matrix('output.weight', w.wcls, vocabSize, dim),
  ];
  for (let l = 0; l < nLayers; l++) {
    tensors.push(
      matrix(`blk.${l}.attn_q.weight`, slice(w.wq, l, dim * dim), dim, dim),
      matrix(`blk.${l}.attn_k.weight`, slice(w.wk, l, kvDim * dim), kvDim, dim),
      matrix(`blk.${l}.attn_v.weight`, slice(w.wv, l, kvDim * dim), kvDim, dim),
      matrix(`blk.${l}.attn_output.weight`, slice(w.wo, l, dim * dim), dim, dim),
      vector(`blk.${l}.attn_norm.weight`, slice(w.rmsAtt, l, dim)),
      matrix(`blk.${l}.ffn_gate.weight`, slice(w.w1, l, hiddenDim * dim), hiddenDim, dim),
      matrix(`blk.${l}.ffn_down.weight`, slice(w.w2, l, dim * hiddenDim), dim, hiddenDim),
      matrix(`blk.${l}.ffn_up.weight`, slice(w.w3, l, hiddenDim * dim), hiddenDim, dim),
      vector(`blk.${l}.ffn_norm.weight`, slice(w.rmsFfn, l, dim)),
    );
  }
  return writeGguf({ metadata, tensors });
}

/** A metadata value that must be there, of the given kind. */
function meta(file: GgufFile, key: string, kind: 'uint' | 'string'): number | string;
function meta(file: GgufFile, key: string, kind: 'uint' | 'string'): number | string {
  const v = file.metadata.get(key);
  if (v === undefined) throw new FormatError(file.name, `metadata ${JSON.stringify(key)}`, 'is missing');
  if (kind === 'string' && v.type === 'string') return v.value;
  if (kind === 'uint' && (v.type === 'u32' || v.type === 'i32' || v.type === 'u64') && Number(v.value) > 0)
    return Number(v.value);
  throw new FormatError(
    file.name,
    `metadata ${JSON.stringify(key)}`,
    `is ${v.type} ${String(v.value)}; expected ${kind === 'uint' ? 'a positive integer' : 'a string'}`,
  );
}

/**
 * A llama-architecture GGUF (F32, F16 or Q8_0 weights, SentencePiece "llama" vocabulary) as a Firth
 * Llama2c model and tokenizer. Refused with a FormatError: another architecture or tokenizer, a
 * missing tensor or one of the wrong shape, rope or RMS settings Llama2c does not compute
 * (freq_base ≠ 10000, rope dimension ≠ head size, epsilon ≠ 1e-5), NaN/±Infinity weights (unless
 * `allowNonFinite`).
 */
export function ggufToLlama2c(
  bytes: Uint8Array,
  name = 'model.gguf',
  options: CheckpointOptions = {},
): { model: Llama2c; tokenizer: SentencePieceBPETokenizer; file: GgufFile } {
  const file = readGguf(bytes, name);
  const arch = meta(file, 'general.architecture', 'string');
  if (arch !== 'llama')
    throw new FormatError(
      name,
      'metadata "general.architecture"',
      `is ${JSON.stringify(arch)}; only "llama" is read`,
    );
  const n = (key: string) => meta(file, `llama.${key}`, 'uint') as number;
  const dim = n('embedding_length');
  const nHeads = n('attention.head_count');
  const nKvHeads = file.metadata.has('llama.attention.head_count_kv') ? n('attention.head_count_kv') : nHeads;
  if (dim % nHeads !== 0 || (dim / nHeads) % 2 !== 0 || nHeads % nKvHeads !== 0)
    throw new FormatError(
      name,
      'metadata "llama.attention.head_count"',
      `${nHeads} heads over ${nKvHeads} kv heads do not split embedding_length ${dim} into even-sized heads`,
    );
  const headSize = dim / nHeads;
  const checkSetting = (key: string, expected: number, tolerance: number) => {
    const v = file.metadata.get(key);
    if (v !== undefined && (typeof v.value !== 'number' || Math.abs(v.value - expected) > tolerance))
      throw new FormatError(
        name,
        `metadata ${JSON.stringify(key)}`,
        `is ${String(v.value)}; Firth's Llama2c computes ${expected}`,
      );
  };
  checkSetting('llama.rope.freq_base', 10000, 0);
  checkSetting('llama.rope.dimension_count', headSize, 0);
  checkSetting('llama.attention.layer_norm_rms_epsilon', 1e-5, 1e-9);
  // the vocabulary
  if (meta(file, 'tokenizer.ggml.model', 'string') !== 'llama')
    throw new FormatError(name, 'metadata "tokenizer.ggml.model"', 'must be "llama" (SentencePiece)');
  const tokens = file.metadata.get('tokenizer.ggml.tokens');
  const scores = file.metadata.get('tokenizer.ggml.scores');
  if (tokens?.type !== 'array' || tokens.itemType !== 'string')
    throw new FormatError(name, 'metadata "tokenizer.ggml.tokens"', 'must be an array of strings');
  if (scores?.type !== 'array' || scores.itemType !== 'f32' || scores.value.length !== tokens.value.length)
    throw new FormatError(name, 'metadata "tokenizer.ggml.scores"', 'must be f32 scores, one per token');
  const enc = new TextEncoder();
  const pieces = (tokens.value as string[]).map((t, id) =>
    enc.encode(
      id === LLAMA2C_BOS && t === '<s>'
        ? '\n<s>\n'
        : id === LLAMA2C_EOS && t === '</s>'
          ? '\n</s>\n'
          : t.replaceAll(SPACE, ' '),
    ),
  );
  const tokenizer = new SentencePieceBPETokenizer(pieces, scores.value as number[]);
  const vocabSize = tokens.value.length;
  // the weights
  const byName = new Map(file.tensors.map((t) => [t.name, t]));
  const tensor = (tname: string, rows: number, cols: number, optional = false): Float32Array | undefined => {
    const t = byName.get(tname);
    if (t === undefined) {
      if (optional) return undefined;
      throw new FormatError(name, `tensor ${JSON.stringify(tname)}`, 'is missing');
    }
    const want = rows === 1 ? [cols] : [cols, rows];
    if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i]))
      throw new FormatError(
        name,
        `tensor ${JSON.stringify(tname)}`,
        `has shape [${t.shape}]; expected [${want}]`,
      );
    const values = ggufTensorToFloat32(file, t);
    if (!options.allowNonFinite) checkFiniteValues(values, name, `tensor ${JSON.stringify(tname)}`);
    return values;
  };
  const config: Llama2cConfig = {
    dim,
    hiddenDim: n('feed_forward_length'),
    nLayers: n('block_count'),
    nHeads,
    nKvHeads,
    vocabSize,
    seqLen: n('context_length'),
    sharedClassifier: !byName.has('output.weight'),
  };
  const { hiddenDim, nLayers } = config;
  const kvDim = nKvHeads * headSize;
  const stack = (suffix: string, rows: number, cols: number) => {
    const out = new Float32Array(nLayers * rows * cols);
    for (let l = 0; l < nLayers; l++) out.set(tensor(`blk.${l}.${suffix}`, rows, cols)!, l * rows * cols);
    return out;
  };
  const tokenEmbedding = tensor('token_embd.weight', vocabSize, dim)!;
  const weights: Llama2cWeights = {
    tokenEmbedding,
    rmsAtt: stack('attn_norm.weight', 1, dim),
    wq: stack('attn_q.weight', dim, dim),
    wk: stack('attn_k.weight', kvDim, dim),
    wv: stack('attn_v.weight', kvDim, dim),
    wo: stack('attn_output.weight', dim, dim),
    rmsFfn: stack('ffn_norm.weight', 1, dim),
    w1: stack('ffn_gate.weight', hiddenDim, dim),
    w2: stack('ffn_down.weight', dim, hiddenDim),
    w3: stack('ffn_up.weight', hiddenDim, dim),
    rmsFinal: tensor('output_norm.weight', 1, dim)!,
    wcls: tensor('output.weight', vocabSize, dim, true) ?? tokenEmbedding,
  };
  return { model: new Llama2c(config, weights), tokenizer, file };
}
