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
 *
 * Reading is strict (issue 13): the JSON is checked against a shape before anything is built, and
 * every problem is a `FormatError` naming the file and the JSON path — `model.vocab` ids must be
 * exactly 0..n−1 once each (added tokens may extend them, but must agree with `model.vocab`), a
 * merge must name two pieces of the vocabulary whose concatenation is one too, and a pipeline step
 * this library does not run (a normalizer before byte-level BPE, BPE's byte_fallback, dropout,
 * …) is refused rather than silently skipped.
 */
import { checkJson, FormatError, parseJson, shape } from '@firth/numeric';
import { Vocabulary } from './base.js';

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

/** An `added_tokens` entry, never normalized, never split; a special token unless `special` is false. */
export function addedToken(content: string, id: number, special = true): AddedTokenJSON {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special };
}

/** `added_tokens` entries for special tokens (never normalized, never split). */
export function specialAddedTokens(specials: ReadonlyArray<readonly [string, number]>): AddedTokenJSON[] {
  return specials.map(([content, id]) => addedToken(content, id));
}

const flag = shape.optional(shape.nullable(shape.boolean()));
const step = shape.optional(shape.nullable(shape.object({ type: shape.string() })));

/** What every tokenizer.json must hold, whatever its model. */
const TOKENIZER_JSON = shape.object({
  added_tokens: shape.optional(
    shape.array(
      shape.object({
        id: shape.integer({ min: 0 }),
        content: shape.string({ nonEmpty: true }),
        special: flag,
        single_word: flag,
        lstrip: flag,
        rstrip: flag,
        normalized: flag,
      }),
    ),
  ),
  normalizer: step,
  pre_tokenizer: step,
  post_processor: step,
  decoder: step,
  model: shape.object({ type: shape.string(), vocab: shape.record(shape.integer({ min: 0 })) }),
});

/**
 * Parses a `tokenizer.json` (text or object) and checks what every loader needs: an object with
 * `model.type === modelType`, a `model.vocab` of integer ids, well-formed `added_tokens` and
 * pipeline steps; each loader then checks its model's own fields. Errors are FormatErrors naming
 * `file` and the JSON path.
 */
export function parseTokenizerJSON(json: unknown, modelType: string, file = 'tokenizer.json'): TokenizerJSON {
  const j = typeof json === 'string' ? parseJson(json, file) : json;
  if (typeof j !== 'object' || j === null || Array.isArray(j))
    throw new FormatError(file, '$', 'must be a JSON object');
  const model = (j as { model?: unknown }).model;
  if (typeof model !== 'object' || model === null || Array.isArray(model))
    throw new FormatError(file, '', 'has no "model" object');
  const type = (model as { type?: unknown }).type;
  if (type !== modelType)
    throw new FormatError(
      file,
      '',
      `has model.type ${JSON.stringify(type)}; this loader reads "${modelType}" models`,
    );
  const vocab = (model as { vocab?: unknown }).vocab;
  if (typeof vocab !== 'object' || vocab === null || Array.isArray(vocab))
    throw new FormatError(file, '', 'has no model.vocab object ({ "piece": id, … })');
  checkJson(j, TOKENIZER_JSON, file);
  const out = j as TokenizerJSON;
  return {
    ...out,
    added_tokens: out.added_tokens ?? [],
    normalizer: out.normalizer ?? null,
    pre_tokenizer: out.pre_tokenizer ?? null,
    post_processor: out.post_processor ?? null,
    decoder: out.decoder ?? null,
  };
}

/**
 * The whole id → piece table of a tokenizer.json: `model.vocab` plus the `added_tokens`. An added
 * token already in `model.vocab` must carry the same id there; one that is not must take an id no
 * piece has. Together the ids must be exactly 0..n−1.
 */
export function tokenizerVocabulary(j: TokenizerJSON, file = 'tokenizer.json'): Vocabulary {
  const ids = new Map<string, number>(Object.entries(j.model.vocab));
  const owner = new Map<number, string>();
  for (const [piece, id] of ids) if (!owner.has(id)) owner.set(id, piece);
  j.added_tokens.forEach((t, i) => {
    const known = ids.get(t.content);
    const holder = owner.get(t.id);
    if (known !== undefined && known !== t.id)
      throw new FormatError(
        file,
        `$.added_tokens[${i}]`,
        `gives ${JSON.stringify(t.content)} the id ${t.id}, but model.vocab gives it ${known}`,
      );
    if (known === undefined && holder !== undefined)
      throw new FormatError(
        file,
        `$.added_tokens[${i}]`,
        `gives the id ${t.id} to ${JSON.stringify(t.content)}, but model.vocab gives it to ${JSON.stringify(holder)}`,
      );
    if (known === undefined) {
      ids.set(t.content, t.id);
      owner.set(t.id, t.content);
    }
  });
  return Vocabulary.fromEntries(ids, file, '$.model.vocab');
}
