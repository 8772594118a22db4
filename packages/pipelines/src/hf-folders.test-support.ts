/**
 * Users' Hugging Face folders for the pipelines' tests: a tiny model of @firth/transformers'
 * fixtures (config.json + model.safetensors, written with Hugging Face's parameter names by
 * fixtures/generate_hf_*.py and checked there against PyTorch) paired with a tokenizer whose
 * vocabulary has exactly the model's size — a tokenizer.json as `save_pretrained` writes one
 * (WordLevel or byte-level BPE, with the model's special tokens at the config's ids), so every id
 * the model can generate decodes.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'transformers', 'fixtures');
export const fixture = (name: string) => join(FIXTURES, name);

/** Ordinary words for the non-special ids (more than any fixture's vocabulary needs). */
const WORDS =
  'the cat sat on a mat dog ran to park big red sun is hot we like tea and cake birds sing in trees rain falls hills sea blue fish swim deep old man reads books at night moon rises slowly over town bells ring loud'.split(
    ' ',
  );

type Specials = Record<number, string>;

/** The `special_tokens` and templates of a TemplateProcessing that puts `before` / `after` around each text. */
function template(specials: Specials, before: string[], after: string[]) {
  const idOf = (t: string) => Number(Object.entries(specials).find(([, v]) => v === t)![0]);
  const st = (t: string) => ({ SpecialToken: { id: t, type_id: 0 } });
  const seq = (s: 'A' | 'B', type_id: number) => ({ Sequence: { id: s, type_id } });
  const used = [...new Set([...before, ...after])];
  return {
    type: 'TemplateProcessing',
    single: [...before.map(st), seq('A', 0), ...after.map(st)],
    pair: [...before.map(st), seq('A', 0), ...after.map(st), seq('B', 1), ...after.map(st)],
    special_tokens: Object.fromEntries(used.map((t) => [t, { id: t, ids: [idOf(t)], tokens: [t] }])),
  };
}

const addedTokens = (specials: Specials) =>
  Object.entries(specials).map(([id, content]) => ({
    id: Number(id),
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));

/**
 * A WordLevel tokenizer.json of `size` ids: `specials` at their ids, the unknown word's token
 * `unk` (an ordinary piece, as in 🤗's files) at its id, the others ordinary words (split on
 * whitespace; decoded joined by spaces).
 */
export function wordLevelTokenizer(
  size: number,
  specials: Specials,
  [unkId, unk]: [number, string],
  around: { before?: string[]; after?: string[] } = {},
): Record<string, unknown> {
  let next = 0;
  const vocab: Record<string, number> = {};
  for (let id = 0; id < size; id++) vocab[id === unkId ? unk : (specials[id] ?? WORDS[next++]!)] = id;
  const { before = [], after = [] } = around;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens(specials),
    normalizer: null,
    pre_tokenizer: { type: 'WhitespaceSplit' },
    post_processor: before.length + after.length ? template(specials, before, after) : null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: unk },
  };
}

/** Merges in an order where each part exists before it is used (letters, then these). */
const MERGES: [string, string][] = [
  ['Ġ', 't'],
  ['h', 'e'],
  ['Ġt', 'he'],
  ['a', 't'],
  ['Ġ', 'c'],
  ['Ġc', 'at'],
  ['Ġ', 's'],
  ['Ġs', 'at'],
  ['o', 'n'],
  ['Ġ', 'on'],
  ['Ġ', 'm'],
  ['Ġm', 'at'],
  ['Ġ', 'a'],
  ['i', 's'],
  ['Ġ', 'is'],
  ['Ġ', 'd'],
  ['o', 'g'],
  ['Ġd', 'og'],
  ['Ġ', 'r'],
  ['a', 'n'],
  ['Ġr', 'an'],
  ['Ġ', 'h'],
  ['o', 't'],
  ['Ġh', 'ot'],
  ['Ġ', 'f'],
];

/**
 * A byte-level BPE tokenizer.json (GPT-2 / RoBERTa / Llama 3 style) of `size` ids: `specials` at
 * their ids, then the letters a–z, the space 'Ġ' and as many merges as fill the vocabulary.
 */
export function byteLevelTokenizer(
  size: number,
  specials: Specials,
  around: { before?: string[]; after?: string[]; post?: Record<string, unknown> } = {},
): Record<string, unknown> {
  const pieces = [...'abcdefghijklmnopqrstuvwxyz', 'Ġ'];
  const merges: string[] = [];
  const free = size - Object.keys(specials).length;
  for (const [a, b] of MERGES) {
    if (pieces.length >= free) break;
    pieces.push(a + b);
    merges.push(`${a} ${b}`);
  }
  if (pieces.length !== free) throw new Error(`byteLevelTokenizer: cannot fill ${size} ids`);
  let next = 0;
  const vocab: Record<string, number> = {};
  for (let id = 0; id < size; id++) vocab[specials[id] ?? pieces[next++]!] = id;
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const { before = [], after = [] } = around;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens(specials),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor:
      around.post ?? (before.length + after.length ? template(specials, before, after) : byteLevel),
    decoder: byteLevel,
    model: { type: 'BPE', dropout: null, unk_token: null, vocab, merges },
  };
}

/**
 * A folder holding `model`'s config.json (with `configPatch` merged in) and model.safetensors,
 * and `files` (tokenizer.json as an object, or any file's text).
 */
export function hfFolder(
  model: string,
  files: Record<string, string | Record<string, unknown>>,
  configPatch: Record<string, unknown> = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), `firth-${model}-`));
  const config = JSON.parse(readFileSync(join(fixture(model), 'config.json'), 'utf8'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, ...configPatch }));
  copyFileSync(join(fixture(model), 'model.safetensors'), join(dir, 'model.safetensors'));
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

/** The PyTorch reference outputs of a fixture (reference.json). */
export const reference = <T>(model: string): T =>
  JSON.parse(readFileSync(join(fixture(model), 'reference.json'), 'utf8')) as T;

/** The seq2seq fixtures with a matching WordLevel tokenizer: T5 (no post-processor: the reference's ids as they are), BART (<s> … </s>), Marian (… </s>). */
export const seq2seqFolder = (name: 'hf-tiny-t5' | 'hf-tiny-bart' | 'hf-tiny-marian', patch = {}) => {
  const tokenizer = {
    'hf-tiny-t5': wordLevelTokenizer(24, { 0: '<pad>', 19: '</s>' }, [23, '<unk>']),
    'hf-tiny-bart': wordLevelTokenizer(26, { 0: '<s>', 1: '<pad>', 2: '</s>' }, [3, '<unk>'], {
      before: ['<s>'],
      after: ['</s>'],
    }),
    'hf-tiny-marian': wordLevelTokenizer(26, { 0: '</s>', 25: '<pad>' }, [1, '<unk>'], {
      after: ['</s>'],
    }),
  }[name];
  return hfFolder(name, { 'tokenizer.json': tokenizer }, patch);
};

/**
 * A T5-style tokenizer.json of `size` ids: Unigram pieces ('▁' + a word, and the letters for what
 * no word covers), Metaspace pre-tokenizer and decoder, and '… </s>' as T5's post-processor adds it.
 */
export function t5Tokenizer(size: number, specials: Specials, unkId: number): Record<string, unknown> {
  const letters = [...'abcdefghijklmnopqrstuvwxyz'];
  const free = size - Object.keys(specials).length - 1;
  const words = WORDS.slice(0, Math.max(0, free - letters.length - 1));
  const pieces = ['▁', ...words.map((w) => `▁${w}`), ...letters].slice(0, free);
  let next = 0;
  const vocab: [string, number][] = [];
  for (let id = 0; id < size; id++)
    vocab.push(
      id === unkId ? ['<unk>', 0] : specials[id] ? [specials[id]!, 0] : [pieces[next]!, -1 - next++ / 10],
    );
  const eos = Object.values(specials).find((t) => t === '</s>')!;
  const metaspace = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens(specials),
    normalizer: null,
    pre_tokenizer: metaspace,
    post_processor: template(specials, [], [eos]),
    decoder: metaspace,
    model: { type: 'Unigram', unk_id: unkId, vocab, byte_fallback: false },
  };
}
