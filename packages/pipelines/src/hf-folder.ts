/**
 * A user's Hugging Face folder (config.json, model.safetensors, tokenizer files, as
 * `save_pretrained` writes them) as the pipelines read it: the model by @firth/transformers'
 * loadHfModel (its class from config.json, checked to compute the task), the tokenizer by
 * loadAutoTokenizer (tokenizer.json, vocab.json + merges.txt, vocab.txt or SentencePiece files, with
 * tokenizer_config.json), and the two checked to agree on the vocabulary.
 */
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError, parseJson, ValidationError } from '@firth/numeric';
import {
  type CausalLM,
  type EncoderOutput,
  type HfEncoder,
  type HfEncoding,
  type HfModel,
  type HfTokenizer,
  loadAutoTokenizer,
  loadHfModel,
} from '@firth/transformers';
import { type OffsetPiece, placePieces } from './ner-tagger.js';
import type { PipelineModel } from './pipeline.js';

export interface HfFolder {
  model: HfModel;
  tokenizer: HfTokenizer;
  info: PipelineModel;
}

/** The model of `folder` for `task` (HF_MODEL_TASKS) and its tokenizer. */
export async function loadHfFolder(folder: string, task: string): Promise<HfFolder> {
  const model = await loadHfModel(folder, { task });
  const tokenizer = await loadAutoTokenizer(folder);
  const vocab = Number(model.config.vocab_size);
  checkVocabulary(folder, tokenizer, vocab);
  return {
    model,
    tokenizer,
    info: { id: folder, isDefault: false, parameters: await countParameters(folder) },
  };
}

/** A tokenizer that writes ids the model has no embedding for is refused, naming both files. */
export function checkVocabulary(folder: string, tokenizer: HfTokenizer, modelVocab: number): void {
  if (Number.isInteger(modelVocab) && tokenizer.vocabSize > modelVocab)
    throw new FormatError(
      join(folder, 'config.json'),
      '$.vocab_size',
      `is ${modelVocab}, but the folder's tokenizer has ${tokenizer.vocabSize} tokens: the tokenizer is not this model's`,
    );
}

/**
 * The numbers in the folder's weights: the shapes in model.safetensors' header (or in each shard
 * of model.safetensors.index.json) — only the header is read; the loader has checked the file.
 */
export async function countParameters(folder: string): Promise<number> {
  const count = async (file: string) => {
    const path = join(folder, file);
    const fail = (e: NodeJS.ErrnoException) => {
      throw new ValidationError(`cannot read ${path}: ${e.code ?? e.message}`, 'model');
    };
    const handle = await open(path, 'r').catch(fail);
    try {
      const size = new Uint8Array(8);
      await handle.read(size, 0, 8, 0);
      const n = Number(new DataView(size.buffer).getBigUint64(0, true));
      if (!(n > 0 && n <= MAX_HEADER)) throw new FormatError(path, 'header', `has an impossible length ${n}`);
      const header = new Uint8Array(n);
      await handle.read(header, 0, n, 8);
      const entries = parseJson(header, path) as Record<string, { shape?: unknown }>;
      let total = 0;
      for (const [name, t] of Object.entries(entries)) {
        if (name === '__metadata__') continue;
        if (!Array.isArray(t?.shape)) throw new FormatError(path, `tensor "${name}"`, 'has no shape');
        total += (t.shape as number[]).reduce((p, d) => p * d, 1);
      }
      return total;
    } finally {
      await handle.close();
    }
  };
  const index = await readFile(join(folder, 'model.safetensors.index.json')).catch(
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw new ValidationError(
        `cannot read ${join(folder, 'model.safetensors.index.json')}: ${e.code ?? e.message}`,
        'model',
      );
    },
  );
  if (index === undefined) return count('model.safetensors');
  const indexFile = join(folder, 'model.safetensors.index.json');
  const { weight_map: map } = parseJson(index, indexFile) as { weight_map?: Record<string, unknown> };
  if (typeof map !== 'object' || map === null)
    throw new FormatError(indexFile, '$.weight_map', 'must map tensor names to shard files');
  let total = 0;
  for (const shard of new Set(Object.values(map).map(String))) total += await count(shard);
  return total;
}

/** safetensors' own limit on a header (100 MB). */
const MAX_HEADER = 100_000_000;

/** A folder whose model is an encoder (BERT, DistilBERT, RoBERTa) with the head `task` needs. */
export interface EncoderFolder {
  encoder: HfEncoder;
  tokenizer: HfTokenizer;
  info: PipelineModel;
  /** config.json, parsed. */
  config: Record<string, unknown>;
}

/** loadHfFolder for an encoder task (loadHfModel refuses a folder whose class does not compute it). */
export async function loadEncoderFolder(folder: string, task: string): Promise<EncoderFolder> {
  const { model, tokenizer, info } = await loadHfFolder(folder, task);
  if (model.kind !== 'encoder')
    throw new ValidationError(
      `pipeline: ${folder} holds a ${model.architecture} language model; ${task} needs an encoder (BERT, DistilBERT, RoBERTa)`,
      'model',
    );
  return { encoder: model.model, tokenizer, info, config: model.config };
}

/** The most tokens the encoder reads (RoBERTa's positions start after its padding id). */
export const encoderMaxTokens = (e: HfEncoder): number =>
  e.config.maxPositionEmbeddings - (e.architecture === 'roberta' ? e.padTokenId + 1 : 0);

/** A text (and its pair) as the tokenizer encodes it for the model, cut to the model's positions (HF's truncation). */
export const encodeForEncoder = (
  e: HfEncoder,
  tokenizer: HfTokenizer,
  text: string,
  pair?: string,
): HfEncoding =>
  tokenizer.encodePlus(text, { ...(pair === undefined ? {} : { pair }), maxLength: encoderMaxTokens(e) });

/** The encoder's forward pass on one encoding. */
export const runEncoder = (e: HfEncoder, enc: HfEncoding): EncoderOutput =>
  e.forward({ inputIds: [enc.ids], tokenTypeIds: [enc.tokenTypeIds], attentionMask: [enc.attentionMask] });

/** A folder whose model is a causal LM (GPT-2, Llama), with its tokenizer as generation reads it. */
export interface CausalFolder {
  lm: CausalLM;
  tokenizer: HfTokenizer;
  /**
   * encode: the tokenizer's, with its special tokens (Llama's <s>; GPT-2 adds none);
   * decode: special tokens left out. eos: config.json's eos_token_id (generation stops at it).
   */
  generation: { encode(text: string): number[]; decode(ids: readonly number[]): string; eos?: number };
  /** config.json's end tokens (generation stops at any). */
  stopTokens: number[];
  info: PipelineModel;
}

/** loadHfFolder for text generation (loadHfModel refuses a folder that is not a causal LM). */
export async function loadCausalFolder(folder: string, task: string): Promise<CausalFolder> {
  const { model, tokenizer, info } = await loadHfFolder(folder, 'text-generation');
  if (model.kind !== 'causal-lm')
    throw new ValidationError(
      `pipeline: ${folder} holds an encoder; ${task} needs a causal language model (GPT-2, Llama)`,
      'model',
    );
  const eos = model.config.eos_token_id;
  const stopTokens = (Array.isArray(eos) ? eos : [eos]).filter((t): t is number => Number.isInteger(t));
  return {
    lm: model.model,
    tokenizer,
    generation: {
      encode: (text) => tokenizer.encode(text),
      decode: (ids) => tokenizer.decode(ids, { skipSpecialTokens: true }),
      ...(stopTokens.length ? { eos: stopTokens[0]! } : {}),
    },
    stopTokens,
    info,
  };
}

/** Softmax of a row of logits. */
export const softmax = (xs: ArrayLike<number>): number[] => {
  const a = Array.from(xs);
  const top = Math.max(...a);
  const e = a.map((x) => Math.exp(x - top));
  const z = e.reduce((s, x) => s + x, 0);
  return e.map((x) => x / z);
};

/** A piece of text as a tokenizer's token, with where it is in the text. */
export type TextPiece = OffsetPiece;

/**
 * A text's tokens with character offsets, for any HfTokenizer: the text is split where BERT's and
 * byte-level BPE's pre-tokenizers split it (whitespace; punctuation on its own), each part encoded
 * alone — with the space before it when it follows whitespace, so byte-level BPE writes 'Ġ' as on
 * the whole text — and each piece's characters counted from its written form without its
 * continuation or space marker ('##', 'Ġ', '▁'). Ids are the whole text's as the tokenizer
 * writes them for whitespace-separated words; a part whose pieces' lengths do not add up to it
 * (normalisation, bytes of a non-ASCII character) gives each piece the whole part's offsets.
 */
export function piecesWithOffsets(tokenizer: HfTokenizer, text: string): TextPiece[] {
  const out: TextPiece[] = [];
  for (const chunk of text.matchAll(/\S+/gu)) {
    let first = true;
    for (const m of chunk[0].matchAll(/[\p{P}\p{S}]|[^\p{P}\p{S}]+/gu)) {
      const start = chunk.index + m.index;
      const end = start + m[0].length;
      const space = first && chunk.index > 0 ? ' ' : '';
      first = false;
      const enc = tokenizer.encodePlus(space + m[0], { addSpecialTokens: false });
      const lengths = enc.tokens.map((t, k) => {
        let s = t.replace(/^##/, '');
        if (k === 0) s = s.replace(/^[Ġ▁ ]/u, '');
        return [...s].length === s.length ? s.length : -1;
      });
      out.push(
        ...placePieces(
          enc.ids.map((id, k) => ({ piece: enc.tokens[k]!, id })),
          lengths,
          start,
          end,
        ),
      );
    }
  }
  return out;
}

/**
 * How the tokenizer's post-processor frames one text, or a pair: the special tokens before, between
 * and after, and each part's token type — read off encodePlus on one-token texts, so [CLS] A [SEP]
 * B [SEP] (BERT), <s> A </s></s> B </s> (RoBERTa) or none at all come out as the tokenizer writes them.
 */
export function frameOf(tokenizer: HfTokenizer, pair: boolean) {
  const probe = 'a';
  const enc = pair ? tokenizer.encodePlus(probe, { pair: probe }) : tokenizer.encodePlus(probe);
  const n = tokenizer.encodePlus(probe, { addSpecialTokens: false }).ids.length;
  const plain = enc.specialTokensMask.flatMap((s, t) => (s === 0 ? [t] : []));
  const a0 = plain[0] ?? 0;
  const b0 = pair ? plain[n]! : enc.ids.length;
  const slice = (from: number, to: number) => ({
    ids: enc.ids.slice(from, to),
    types: enc.tokenTypeIds.slice(from, to),
  });
  const before = slice(0, a0);
  const between = slice(a0 + n, b0);
  const after = slice(pair ? b0 + n : a0 + n, enc.ids.length);
  const typeA = enc.tokenTypeIds[a0] ?? 0;
  const typeB = pair ? (enc.tokenTypeIds[b0] ?? 1) : 0;
  return {
    /** Special tokens the frame adds around one or two texts. */
    specials: before.ids.length + after.ids.length + (pair ? between.ids.length : 0),
    build(a: number[], b?: number[]) {
      const ids = [...before.ids, ...a, ...(b ? [...between.ids, ...b] : []), ...after.ids];
      const tokenTypeIds = [
        ...before.types,
        ...a.map(() => typeA),
        ...(b ? [...between.types, ...b.map(() => typeB)] : []),
        ...after.types,
      ];
      return {
        ids,
        tokenTypeIds,
        aAt: before.ids.length,
        bAt: b ? before.ids.length + a.length + between.ids.length : -1,
      };
    },
  };
}

/** The encoders read through HfEncoder alone (a BERT folder has BertModel's own loaders as well). */
export const NON_BERT_ENCODERS: readonly string[] = ['distilbert', 'roberta'];

/**
 * config.json's model_type, or undefined when the file cannot be read or parsed (the loader that
 * follows reports that, naming the file).
 */
export async function folderModelType(folder: string): Promise<string | undefined> {
  try {
    const config = JSON.parse(await readFile(join(folder, 'config.json'), 'utf8')) as {
      model_type?: unknown;
    };
    return typeof config.model_type === 'string' ? config.model_type : undefined;
  } catch {
    return undefined;
  }
}
