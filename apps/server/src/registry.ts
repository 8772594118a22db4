/**
 * The models the server offers, behind two small interfaces so that more local models (a GPT
 * checkpoint trained with @firth/transformers, say) can be added without touching the routes:
 *
 *   - a chat/generation model is any `CausalLM` with its tokenizer (`start()` → `step(token)`);
 *   - an embedding model turns one text into one vector and says how many tokens it read.
 *
 * The defaults are the two models shipped offline in @firth/datasets:
 *   - `tinystories-260k`: llama2.c's TinyStories 260K (Karpathy), a story model — not an assistant;
 *   - `bert-tiny`: the tiny BERT pretrained here (masked LM + NSP) and fine-tuned on SST-2; a text's
 *     vector is the mean of its token vectors ([CLS] and [SEP] included), scaled to unit length,
 *     128 numbers; texts past 64 tokens are cut (its position table has 64 rows) — and a long text
 *     is first cut to the prefix that holds those tokens (bert-prefix.ts), so its length costs nothing.
 * Each loads on first use, once per process.
 */
import type { GgufModel, GgufModelOptions } from '@firth/llm';
import { importOptional } from '@firth/numeric';
import {
  type CausalLM,
  type GenerationTokenizer,
  loadLlama2c,
  loadTinyBert,
  poolVectors,
  shippedTokenizer,
} from '@firth/transformers';
import { bertReadablePrefix } from './bert-prefix.js';

export type ChatTokenizer = GenerationTokenizer & { bos?: number; eos?: number };

interface ChatModelInfo {
  /** The name clients ask for (`model` in requests, listed by /v1/models and /api/tags). */
  id: string;
  /** Prompt + completion, in tokens. */
  contextLength: number;
  /** Shown in Ollama's model details, e.g. 'llama', '260K'. */
  family: string;
  parameterSize: string;
  /** Ollama's details.format and quantization_level. @default 'firth', 'F32' */
  format?: string;
  quantization?: string;
}

/** A local model that continues text: Firth's own engine (`start()` → `step(token)`)… */
export interface FirthLocalChatModel extends ChatModelInfo {
  engine?: 'firth';
  load(): Promise<{ model: CausalLM; tokenizer: ChatTokenizer }>;
}

/** …or a GGUF file run by llama.cpp (@firth/llm's loadGgufModel), with its own chat template. */
export interface GgufLocalChatModel extends ChatModelInfo {
  engine: 'gguf';
  load(): Promise<GgufModel>;
}

export type LocalChatModel = FirthLocalChatModel | GgufLocalChatModel;

/** A local model that turns a text into a vector. */
export interface LocalEmbeddingModel {
  id: string;
  dimensions: number;
  family: string;
  parameterSize: string;
  load(): Promise<{ embed(text: string): { vector: number[]; tokens: number } }>;
}

export interface ModelRegistry {
  chat: LocalChatModel[];
  embeddings: LocalEmbeddingModel[];
}

const once = <T>(f: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => {
    p ??= f().catch((e: unknown) => {
      p = undefined; // a failed load may be retried
      throw e;
    });
    return p;
  };
};

/** llama2.c's TinyStories 260K: 512-token context, 512-piece SentencePiece vocabulary. */
export const tinyStories260k: FirthLocalChatModel = {
  id: 'tinystories-260k',
  contextLength: 512,
  family: 'llama',
  parameterSize: '260K',
  load: once(async () => ({
    model: await loadLlama2c(),
    tokenizer: shippedTokenizer('llama2c-tinystories') as unknown as ChatTokenizer,
  })),
};

/** The shipped tiny BERT, mean pooled and normalised (as FirthBertEmbeddings): 128 dimensions. */
export const bertTiny: LocalEmbeddingModel = {
  id: 'bert-tiny',
  dimensions: 128,
  family: 'bert',
  parameterSize: '0.9M',
  load: once(async () => {
    const { bert, tokenizer } = await loadTinyBert();
    const readable = bert.config.maxPositionEmbeddings - 2; // [CLS] text [SEP]
    return {
      embed(text: string) {
        // last_hidden_state[0] (T, 128) → mean over T → v / ‖v‖
        const { tokens, vectors } = bert.embed(tokenizer, bertReadablePrefix(tokenizer, text, readable));
        return { vector: poolVectors(vectors, { pooling: 'mean', normalize: true }), tokens: tokens.length };
      },
    };
  }),
};

/** 289536 → '290K', 1_235_814_400 → '1.2B' (as Ollama shows sizes). */
export function parameterSize(n: number): string {
  for (const [unit, v] of [
    ['B', 1e9],
    ['M', 1e6],
    ['K', 1e3],
  ] as const)
    if (n >= v) return `${Number((n / v).toPrecision(2))}${unit}`;
  return String(n);
}

/**
 * A GGUF model file as a chat model the server serves (`firth-server --gguf FILE`, or
 * FIRTH_GGUF_MODEL): loaded now, so that its context length and architecture are known. Needs the
 * optional packages @firth/llm and node-llama-cpp (each missing one is named with its install command). Its id is
 * the file name without `.gguf` unless `id` is given.
 */
export async function ggufChatModel(
  path: string,
  options: GgufModelOptions & { id?: string } = {},
): Promise<GgufLocalChatModel> {
  const { id, ...modelOptions } = options;
  // @firth/llm (and node-llama-cpp under it) only for a GGUF model: optional peers of the server
  const { loadGgufModel } = await importOptional(() => import('@firth/llm'), '@firth/llm', 'a GGUF model');
  const model = await loadGgufModel(path, modelOptions);
  return {
    engine: 'gguf',
    id: id ?? (model.path.split('/').pop() ?? model.path).replace(/\.gguf$/i, ''),
    contextLength: model.contextLength,
    family: model.architecture,
    parameterSize: parameterSize(model.parameterCount),
    format: 'gguf',
    quantization: model.quantization,
    load: () => loadGgufModel(path, modelOptions),
  };
}

/** The chat models served with a user's GGUF model: the shipped story model, then the file's. */
export const withGguf = (gguf: GgufLocalChatModel): Pick<ModelRegistry, 'chat'> => ({
  chat: [tinyStories260k, gguf],
});

export const defaultRegistry = (): ModelRegistry => ({ chat: [tinyStories260k], embeddings: [bertTiny] });

/** A model by the name a client gave; Ollama clients may add the tag ':latest'. */
export function findModel<M extends { id: string }>(models: readonly M[], name: string): M | undefined {
  return models.find((m) => m.id === name || `${m.id}:latest` === name);
}
