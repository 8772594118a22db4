/**
 * Fuzz format: Hugging Face `tokenizer.json`, as `loadHfTokenizer(folder)` reads it — WordPiece
 * (BERT) and byte-level BPE (GPT-2) files, written by Firth's own `toJSON` from small vocabularies
 * trained on tiny Shakespeare (cased and uncased WordPiece; BPE with merges as "a b" strings and
 * as ["a", "b"] pairs, with and without GPT-2's regex).
 *
 * `inconsistency` re-checks an accepted file against the format's rules (tokenizer-rules.ts):
 * required fields with the right types, vocabulary ids exactly 0..n−1 with the added tokens
 * agreeing, merges naming pieces of the vocabulary, the whole byte alphabet for byte-level BPE,
 * only the pipeline steps the loader runs — and that the loaded tokenizer has that many ids.
 */
import { loadTinyShakespeare } from '@firth/datasets';
import { ByteLevelBPETokenizer, loadHfTokenizer, WordPieceTokenizer } from '@firth/transformers';
import type { Files, FuzzFormat } from '../format.ts';
import {
  exercise,
  idTableProblem,
  isObject,
  json,
  mergesProblem,
  missingBytes,
  TOKENIZER_JSON_MUTATORS,
  utf8,
} from './tokenizer-rules.ts';

const FILE = 'tokenizer.json';
const enc = new TextEncoder();
const file = (value: unknown): Files => ({ [FILE]: enc.encode(JSON.stringify(value, null, 2)) });

const isFlag = (v: unknown) => v === undefined || v === null || typeof v === 'boolean';
const isStep = (v: unknown) => v === undefined || v === null || (isObject(v) && typeof v.type === 'string');
/** Model fields of BPE that must be off, and the values that mean off. */
const OFF: Array<[string, unknown[]]> = [
  ['dropout', [undefined, null, 0]],
  ['byte_fallback', [undefined, false]],
  ['ignore_merges', [undefined, false]],
  ['continuing_subword_prefix', [undefined, null, '']],
  ['end_of_word_suffix', [undefined, null, '']],
];

/** What is wrong with a tokenizer.json by the format's rules, or null; `size` gets its number of ids. */
function problem(text: string, size: { ids: number }): string | null {
  const j = json(text);
  if (!isObject(j)) return 'not a JSON object';
  const model = j.model;
  if (!isObject(model) || !isObject(model.vocab)) return 'no model.vocab object';
  const table = new Map<string, unknown>(Object.entries(model.vocab));
  for (const [piece, id] of table)
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
      return `vocab ${JSON.stringify(piece)} has id ${String(id)}`;
  const added = j.added_tokens ?? [];
  if (!Array.isArray(added)) return 'added_tokens is not an array';
  const owners = new Map<unknown, string>();
  for (const [piece, id] of table) if (!owners.has(id)) owners.set(id, piece);
  for (const t of added) {
    if (!isObject(t) || typeof t.content !== 'string' || t.content === '')
      return 'an added token without content';
    if (typeof t.id !== 'number' || !Number.isSafeInteger(t.id) || t.id < 0)
      return 'an added token without an id';
    if (!['special', 'single_word', 'lstrip', 'rstrip', 'normalized'].every((k) => isFlag(t[k])))
      return 'an added token flag is not a boolean';
    if (table.has(t.content)) {
      if (table.get(t.content) !== t.id)
        return `added token ${JSON.stringify(t.content)} disagrees with model.vocab`;
    } else {
      if (owners.has(t.id)) return `added token id ${t.id} is taken`;
      table.set(t.content, t.id);
      owners.set(t.id, t.content);
    }
  }
  const ids = idTableProblem([...table]);
  if (ids) return ids;
  size.ids = table.size;
  if (!['normalizer', 'pre_tokenizer', 'post_processor', 'decoder'].every((k) => isStep(j[k])))
    return 'a pipeline step without a type';
  const pieces = new Set(table.keys());
  const pre = j.pre_tokenizer as { type?: string; [k: string]: unknown } | null | undefined;
  const norm = j.normalizer as { type?: string; [k: string]: unknown } | null | undefined;
  if (model.type === 'BPE') {
    if (!Array.isArray(model.merges)) return 'no merges';
    const merges: [string, string][] = [];
    for (const m of model.merges) {
      const pair = typeof m === 'string' ? m.split(' ') : m;
      if (
        !Array.isArray(pair) ||
        pair.length !== 2 ||
        typeof pair[0] !== 'string' ||
        typeof pair[1] !== 'string'
      )
        return `merge ${JSON.stringify(m)} is not "a b"`;
      merges.push([pair[0], pair[1]]);
    }
    if (norm) return 'a normalizer before byte-level BPE';
    if (
      pre &&
      (pre.type !== 'ByteLevel' ||
        !['add_prefix_space', 'use_regex'].every((k) => pre[k] === undefined || typeof pre[k] === 'boolean'))
    )
      return 'a pre-tokenizer that is not ByteLevel';
    for (const [k, allowed] of OFF) if (!allowed.includes(model[k])) return `model.${k} is on`;
    const m = mergesProblem(merges, pieces);
    if (m) return m;
    const missing = missingBytes(pieces);
    return missing.length > 0 ? `no byte-level character ${JSON.stringify(missing[0])}` : null;
  }
  if (model.type === 'WordPiece') {
    const unk = model.unk_token ?? '[UNK]';
    if (typeof unk !== 'string' || unk === '') return 'unk_token is not a string';
    const prefix = model.continuing_subword_prefix;
    if (prefix !== undefined && (typeof prefix !== 'string' || prefix === ''))
      return 'continuing_subword_prefix is not a string';
    const max = model.max_input_chars_per_word;
    if (max !== undefined && (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 1))
      return 'max_input_chars_per_word is not a positive integer';
    for (const t of [unk, '[CLS]', '[SEP]']) if (!pieces.has(t)) return `no ${t} in the vocabulary`;
    if (
      norm &&
      (norm.type !== 'BertNormalizer' ||
        !['clean_text', 'handle_chinese_chars', 'strip_accents', 'lowercase'].every((k) => isFlag(norm[k])))
    )
      return 'a normalizer that is not BertNormalizer';
    if (pre && pre.type !== 'BertPreTokenizer') return 'a pre-tokenizer that is not BertPreTokenizer';
    return null;
  }
  return `model.type ${JSON.stringify(model.type)}`;
}

const format: FuzzFormat = {
  name: 'tokenizer-json',
  kind: 'text',
  extra: TOKENIZER_JSON_MUTATORS,
  seeds() {
    const text = loadTinyShakespeare().slice(0, 6000);
    const bpe = new ByteLevelBPETokenizer().train(text, 300).toJSON();
    const pairs = {
      ...bpe,
      model: { ...bpe.model, merges: (bpe.model.merges as string[]).map((m) => m.split(' ')) },
    };
    return [
      file(new WordPieceTokenizer().train(text, 150).toJSON()),
      file(new WordPieceTokenizer({ lowercase: false }).train(text, 120).toJSON()),
      file(bpe),
      file(pairs),
      file(new ByteLevelBPETokenizer({ pattern: null, addPrefixSpace: true }).train(text, 280).toJSON()),
    ];
  },
  async load(_files, dir) {
    const tok = await loadHfTokenizer(dir);
    exercise(tok);
    return tok;
  },
  inconsistency(files, loaded) {
    const text = utf8(files[FILE]!);
    if (text === null) return 'accepted a tokenizer.json that is not UTF-8';
    const size = { ids: -1 };
    const why = problem(text, size);
    if (why) return `accepted, but ${why}`;
    const n = (loaded as { vocabSize: number }).vocabSize;
    return n === size.ids ? null : `the file has ${size.ids} ids, the tokenizer ${n}`;
  },
};
export default format;
