/**
 * Hugging Face's `tokenizer.json` — the one idea: **a tokenizer is a pipeline saved as one JSON
 * file** (normalizer → pre_tokenizer → model → post_processor → decoder, plus `added_tokens`),
 * the format of the `tokenizers` library that transformers.js and 🤗 Transformers both read.
 *
 * Only the fields our BPE (bpe.ts) and WordPiece (wordpiece.ts) tokenizers read or write are typed;
 * the rest is kept as `unknown`. Shape (tokenizers ≥ 0.13; `merges` became `[a, b]` pairs in 0.20,
 * both forms are read):
 *
 *   {
 *     "version": "1.0", "truncation": null, "padding": null,
 *     "added_tokens": [{ "id": 50256, "content": "<|endoftext|>", "single_word": false,
 *                        "lstrip": false, "rstrip": false, "normalized": false, "special": true }],
 *     "normalizer": null | { "type": "BertNormalizer", "lowercase": true, … },
 *     "pre_tokenizer": { "type": "ByteLevel", "add_prefix_space": false, … } | { "type": "BertPreTokenizer" },
 *     "post_processor": …, "decoder": { "type": "ByteLevel" } | { "type": "WordPiece", "prefix": "##" },
 *     "model": { "type": "BPE", "vocab": { "!": 0, … }, "merges": ["Ġ t", …] }
 *            | { "type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
 *                "max_input_chars_per_word": 100, "vocab": { "[PAD]": 0, … } }
 *   }
 */
import { ValidationError } from './base.js';

/** One entry of `added_tokens`. */
export interface AddedTokenJSON {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/** A pipeline step: a `type` and its settings. */
export interface StepJSON {
  type: string;
  [setting: string]: unknown;
}

export interface TokenizerJSON {
  version: string;
  truncation: unknown;
  padding: unknown;
  added_tokens: AddedTokenJSON[];
  normalizer: StepJSON | null;
  pre_tokenizer: StepJSON | null;
  post_processor: StepJSON | null;
  decoder: StepJSON | null;
  model: StepJSON & { vocab: Record<string, number> };
}

/** `added_tokens` entries for special tokens (never normalized, never split). */
export function specialAddedTokens(specials: ReadonlyArray<readonly [string, number]>): AddedTokenJSON[] {
  return specials.map(([content, id]) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
}

/**
 * Parses a `tokenizer.json` (text or object) and checks what every loader needs: an object with
 * `model.type === modelType` and a `model.vocab` object. Errors name the field.
 */
export function parseTokenizerJSON(json: unknown, modelType: string): TokenizerJSON {
  let j: unknown = json;
  if (typeof json === 'string') {
    try {
      j = JSON.parse(json);
    } catch (e) {
      throw new ValidationError(
        `tokenizer.json is not valid JSON: ${(e as Error).message}`,
        'tokenizer.json',
      );
    }
  }
  if (typeof j !== 'object' || j === null || Array.isArray(j))
    throw new ValidationError('tokenizer.json must be a JSON object', 'tokenizer.json');
  const model = (j as { model?: unknown }).model;
  if (typeof model !== 'object' || model === null)
    throw new ValidationError('tokenizer.json has no "model" object', 'model');
  const type = (model as { type?: unknown }).type;
  if (type !== modelType)
    throw new ValidationError(
      `tokenizer.json has model.type ${JSON.stringify(type)}; this loader reads "${modelType}" models`,
      'model.type',
    );
  const vocab = (model as { vocab?: unknown }).vocab;
  if (typeof vocab !== 'object' || vocab === null || Array.isArray(vocab))
    throw new ValidationError('tokenizer.json has no model.vocab object ({ "piece": id, … })', 'model.vocab');
  const added = (j as { added_tokens?: unknown }).added_tokens ?? [];
  if (!Array.isArray(added)) throw new ValidationError('added_tokens must be an array', 'added_tokens');
  added.forEach((t, i) => {
    if (typeof t?.content !== 'string' || !Number.isInteger(t?.id))
      throw new ValidationError(
        `added_tokens[${i}] needs a string "content" and an integer "id"`,
        `added_tokens[${i}]`,
      );
  });
  const out = j as TokenizerJSON;
  return {
    ...out,
    added_tokens: added as AddedTokenJSON[],
    normalizer: out.normalizer ?? null,
    pre_tokenizer: out.pre_tokenizer ?? null,
    post_processor: out.post_processor ?? null,
    decoder: out.decoder ?? null,
  };
}
