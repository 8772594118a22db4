/**
 * Fuzz format: a Hugging Face model folder's slow-tokenizer files, as `loadHfTokenizer(folder)`
 * finds them — BERT's `vocab.txt` (+ `tokenizer_config.json`) and GPT-2's `vocab.json` +
 * `merges.txt` — written from small vocabularies trained on tiny Shakespeare with Firth's own
 * `toVocabTxt` / `toJSON`. Each case is several files; any of them is mutated.
 *
 * `inconsistency` re-checks accepted files by the formats' rules (tokenizer-rules.ts): vocab.txt is
 * UTF-8, one non-empty piece per line, no piece twice, [UNK] [CLS] [SEP] present; the config a JSON
 * object whose do_lower_case is a boolean; vocab.json's ids exactly 0..n−1; merges.txt one "a b" per
 * line after an optional #version line, naming pieces of vocab.json; the whole byte alphabet — and
 * that the loaded tokenizer has that many ids and the configured casing.
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
  utf8,
  VOCAB_MUTATORS,
} from './tokenizer-rules.ts';

const enc = new TextEncoder();
const files = (entries: Record<string, string>): Files =>
  Object.fromEntries(Object.entries(entries).map(([name, text]) => [name, enc.encode(text)]));

/** vocab.txt (+ tokenizer_config.json): what is wrong, or null; `out` gets the size and casing. */
function bertProblem(f: Files, out: { ids: number; lowercase?: boolean }): string | null {
  const text = utf8(f['vocab.txt']!);
  if (text === null) return 'vocab.txt is not UTF-8';
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (lines.some((l) => l === '')) return 'vocab.txt has an empty line';
  if (new Set(lines).size !== lines.length) return 'vocab.txt lists a piece twice';
  for (const t of ['[UNK]', '[CLS]', '[SEP]']) if (!lines.includes(t)) return `vocab.txt has no ${t}`;
  out.ids = lines.length;
  out.lowercase = true;
  if (f['tokenizer_config.json']) {
    const configText = utf8(f['tokenizer_config.json']);
    const config = configText === null ? undefined : json(configText);
    if (!isObject(config)) return 'tokenizer_config.json is not a JSON object';
    const lower = config.do_lower_case;
    if (lower !== undefined && lower !== null && typeof lower !== 'boolean')
      return 'do_lower_case is not a boolean';
    out.lowercase = lower !== false;
  }
  return null;
}

/** vocab.json + merges.txt: what is wrong, or null; `out` gets the size. */
function gpt2Problem(f: Files, out: { ids: number }): string | null {
  const vocabText = utf8(f['vocab.json']!);
  const vocab = vocabText === null ? undefined : json(vocabText);
  if (!isObject(vocab)) return 'vocab.json is not a JSON object';
  const entries = Object.entries(vocab);
  const ids = idTableProblem(entries);
  if (ids) return `vocab.json: ${ids}`;
  const text = utf8(f['merges.txt']!);
  if (text === null) return 'merges.txt is not UTF-8';
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (lines[0]?.startsWith('#version')) lines.shift();
  const merges: [string, string][] = [];
  for (const line of lines) {
    const pair = line.split(' ');
    if (pair.length !== 2) return `merges.txt line ${JSON.stringify(line)} is not "a b"`;
    merges.push([pair[0]!, pair[1]!]);
  }
  const pieces = new Set(entries.map(([p]) => p));
  const m = mergesProblem(merges, pieces);
  if (m) return m;
  if (missingBytes(pieces).length > 0) return 'vocab.json lacks a byte-level character';
  out.ids = entries.length;
  return null;
}

const format: FuzzFormat = {
  name: 'hf-tokenizer-folder',
  kind: 'text',
  extra: VOCAB_MUTATORS,
  seeds() {
    const text = loadTinyShakespeare().slice(0, 6000);
    const wp = new WordPieceTokenizer().train(text, 150);
    const cased = new WordPieceTokenizer({ lowercase: false }).train(text, 120);
    const bpe = new ByteLevelBPETokenizer().train(text, 300).toJSON();
    const merges = (bpe.model.merges as string[]).join('\n');
    return [
      files({ 'vocab.txt': wp.toVocabTxt(), 'tokenizer_config.json': '{\n  "do_lower_case": true\n}\n' }),
      files({
        'vocab.txt': cased.toVocabTxt(),
        'tokenizer_config.json': '{"do_lower_case": false, "model_max_length": 512}',
      }),
      files({ 'vocab.txt': wp.toVocabTxt().replaceAll('\n', '\r\n') }),
      files({
        'vocab.json': JSON.stringify(bpe.model.vocab, null, 2),
        'merges.txt': `#version: 0.2\n${merges}\n`,
      }),
      files({ 'vocab.json': JSON.stringify(bpe.model.vocab), 'merges.txt': merges }),
    ];
  },
  async load(_files, dir) {
    const tok = await loadHfTokenizer(dir);
    exercise(tok);
    return tok;
  },
  inconsistency(f, loaded) {
    const out: { ids: number; lowercase?: boolean } = { ids: -1 };
    const why = f['vocab.txt'] ? bertProblem(f, out) : gpt2Problem(f, out);
    if (why) return `accepted, but ${why}`;
    const tok = loaded as { vocabSize: number; lowercase?: boolean };
    if (tok.vocabSize !== out.ids) return `the files have ${out.ids} ids, the tokenizer ${tok.vocabSize}`;
    if (out.lowercase !== undefined && tok.lowercase !== out.lowercase)
      return `do_lower_case says ${out.lowercase}, the tokenizer lowercases: ${tok.lowercase}`;
    return null;
  },
};
export default format;
