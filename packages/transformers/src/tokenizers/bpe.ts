/**
 * Byte-level BPE as GPT-2 (Radford et al. 2019, openai/gpt-2 `encoder.py`; minbpe `regex.py`).
 * On top of basic-bpe.ts it adds one idea: **split the text with a regex first, and never merge
 * across the pieces**, so "dog." and "dog!" share the token "dog" and merges stay inside words.
 * Two supporting details make it GPT-2-compatible:
 *   - every byte is shown as a printable character (`bytesToUnicode`: space → "Ġ", "\n" → "Ċ"),
 *     the form in which Hugging Face's `tokenizer.json` stores the vocabulary and merges;
 *   - special tokens (`<|endoftext|>`) are matched whole before the regex runs.
 *
 *   const tok = new ByteLevelBPETokenizer().train(shakespeare, 512);
 *   tok.tokenize('Hello world') // e.g. ['H', 'ell', 'o', 'Ġworld'] (depends on the training text)
 *   tok.decode(tok.encode('naïve 🤖 <|endoftext|>')) // 'naïve 🤖 <|endoftext|>'
 *
 * Round trip: decode(encode(x)) === x for every well-formed string (UTF-8 is lossless). A lone
 * UTF-16 surrogate cannot be written in UTF-8; like `TextEncoder` it becomes U+FFFD "�".
 * (With `addPrefixSpace` the added space comes back too.)
 *
 * Each word is merged by the priority queue of merge-queue.ts — the ids of GPT-2's `bpe()` loop in
 * O(n log n), so one 1 MB "word" without spaces (CJK text, a run of emoji, "aaaa…") encodes in well
 * under a second. Texts longer than `MAX_TEXT_LENGTH` are refused (base.ts). Files are read
 * strictly: `fromJSON` (tokenizer.json) and `fromVocabAndMerges` (GPT-2's vocab.json + merges.txt)
 * throw a FormatError naming the file and the place.
 * Left out: BPE dropout, `ignore_merges`, byte fallback, offsets.
 */
import { checkJson, decodeUtf8, FormatError, quote, readJson, shape } from '@firth/numeric';
import {
  checkIds,
  checkText,
  splitOnSpecialTokens,
  type TrainableTokenizer,
  ValidationError,
  Vocabulary,
} from './base.js';
import { concatBytes, learnMerges, type TieBreak, type WordCount } from './basic-bpe.js';
import { type MergeRules, mergeSymbols } from './merge-queue.js';
import {
  parseTokenizerJSON,
  specialAddedTokens,
  type TokenizerJSON,
  tokenizerVocabulary,
} from './tokenizer-json.js';

/** GPT-2's pre-tokenization regex: contractions, letters, numbers, other symbols, whitespace. */
export const GPT2_SPLIT_PATTERN = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`;

/**
 * GPT-2's `bytes_to_unicode`: byte b → a printable character. The 188 printable Latin-1 bytes
 * ("!".."~", "¡".."¬", "®".."ÿ") map to themselves; the other 68 go to U+0100, U+0101, … in order.
 *
 *   bytesToUnicode()[32] // 'Ġ' (U+0120), bytesToUnicode()[10] // 'Ċ', bytesToUnicode()[65] // 'A'
 */
export function bytesToUnicode(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let n = 0;
  for (let b = 0; b < 256; b++) out.push(String.fromCodePoint(printable(b) ? b : 256 + n++));
  return out;
}

const BYTE_TO_CHAR = bytesToUnicode();
const CHAR_TO_BYTE = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));
const utf8 = new TextEncoder();
// a cut character → U+FFFD; a leading U+FEFF is text, not a byte order mark to drop
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
/** Words up to this many characters are cached (real words; a 1 MB "word" is not kept). */
const CACHED_WORD_LENGTH = 64;

/** Where a merge came from, for error messages: tokenizer.json's `$.model.merges[i]`, merges.txt's line. */
interface MergeSource {
  file: string;
  where(i: number): string;
}

/** "Hi there" → "HiĠthere": the UTF-8 bytes of `s`, one printable character per byte. */
export function toByteLevel(s: string): string {
  let out = '';
  for (const b of utf8.encode(s)) out += BYTE_TO_CHAR[b];
  return out;
}

export interface ByteLevelBPEOptions {
  /** Kept whole and given the last ids. @default ['<|endoftext|>'] — GPT-2's only special token */
  specialTokens?: readonly string[];
  /** Pre-tokenization regex (`u` flag); `null` treats all text as one piece. @default GPT-2's pattern */
  pattern?: string | null;
  /** Prepend a space so the first word looks like any other (" Hello"). @default false — as GPT-2 */
  addPrefixSpace?: boolean;
  /** Ties during training; see basic-bpe.ts. @default 'lowest-pair' */
  tieBreak?: TieBreak;
}

export class ByteLevelBPETokenizer implements TrainableTokenizer {
  readonly specialTokens: readonly string[];
  readonly pattern: string | null;
  readonly addPrefixSpace: boolean;
  readonly tieBreak: TieBreak;
  /** Learned: id → byte-level piece ("Ġthe"); ids 0..255 are the single bytes after `train`. */
  vocab = new Vocabulary(BYTE_TO_CHAR);
  /** Learned: merges[rank] = [left, right] pieces, as in tokenizer.json. */
  merges: Array<[string, string]> = [];
  /** (left id, right id) packed as left · vocabSize + right → rank. */
  private ranks = new Map<number, number>();
  /** rank → id of the merged piece. */
  private mergedIds: number[] = [];
  /** byte → id of its byte-level character, or −1 − byte when the vocabulary lacks it. */
  private byteIds = new Int32Array(256);
  /** id → the bytes it decodes to (special tokens: their UTF-8). */
  private idBytes: Uint8Array[] = [];
  private specialIds = new Map<string, number>();
  private readonly cache = new Map<string, number[]>();
  private readonly rules: MergeRules = {
    find: (a, b) => (a < 0 || b < 0 ? -1 : (this.ranks.get(a * this.vocab.size + b) ?? -1)),
    priority: (rank) => rank,
    result: (rank) => this.mergedIds[rank]!,
  };

  constructor(options: ByteLevelBPEOptions = {}) {
    this.specialTokens = [...(options.specialTokens ?? ['<|endoftext|>'])];
    this.pattern = options.pattern === undefined ? GPT2_SPLIT_PATTERN : options.pattern;
    this.addPrefixSpace = options.addPrefixSpace ?? false;
    this.tieBreak = options.tieBreak ?? 'lowest-pair';
    this.setModel(new Vocabulary([...BYTE_TO_CHAR, ...this.specialTokens]), []);
  }

  /**
   * Learns `vocabSize − 256 − #specialTokens` merges (Hugging Face counts special tokens in the
   * vocabulary size; GPT-2: 256 bytes + 50,000 merges + `<|endoftext|>` = 50,257).
   */
  train(text: string, vocabSize: number): this {
    checkText(text);
    const numMerges = vocabSize - 256 - this.specialTokens.length;
    if (!Number.isInteger(vocabSize) || numMerges < 0)
      throw new ValidationError(
        `vocabSize must be an integer ≥ ${256 + this.specialTokens.length} (256 bytes + special tokens), got ${vocabSize}`,
        'vocabSize',
      );
    // Distinct pre-tokenized words with their counts, in first-occurrence order.
    const counts = new Map<string, number>();
    for (const seg of splitOnSpecialTokens(text, this.specialTokens))
      if (!seg.special) for (const w of this.preTokenize(seg.text)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const words: WordCount[] = [...counts].map(([w, count]) => ({ ids: Array.from(utf8.encode(w)), count }));
    const idMerges = learnMerges(words, numMerges, 256, this.tieBreak);
    // id → piece: bytes first, then each merge is the concatenation of its two pieces.
    const pieces = [...BYTE_TO_CHAR];
    const merges: Array<[string, string]> = idMerges.map(([a, b]) => {
      pieces.push(pieces[a]! + pieces[b]!);
      return [pieces[a]!, pieces[b]!];
    });
    this.setModel(new Vocabulary([...pieces, ...this.specialTokens]), merges);
    return this;
  }

  get vocabSize(): number {
    return this.vocab.size;
  }

  /** The pre-tokenized words of ordinary text (no special tokens), as strings. */
  preTokenize(text: string): string[] {
    if (this.pattern === null) return text.length > 0 ? [text] : [];
    return text.match(new RegExp(this.pattern, 'gu')) ?? [];
  }

  /** Empty text → `[]`. */
  encode(text: string): number[] {
    checkText(text);
    const ids: number[] = [];
    const input = this.addPrefixSpace && text.length > 0 && !text.startsWith(' ') ? ` ${text}` : text;
    for (const seg of splitOnSpecialTokens(input, this.specialTokens)) {
      if (seg.special) ids.push(this.specialIds.get(seg.text)!);
      else
        for (const word of this.preTokenize(seg.text)) for (const id of this.encodeWord(word)) ids.push(id);
    }
    return ids;
  }

  /**
   * GPT-2's `bpe(token)`: the word as byte-level characters, then, while some adjacent pair has a
   * merge, merge every occurrence of the pair with the lowest rank (learned earliest) — through the
   * priority queue of merge-queue.ts.
   */
  private encodeWord(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const bytes = utf8.encode(word);
    const ids = mergeSymbols(
      Array.from(bytes, (b) => this.byteIds[b]!),
      this.rules,
      'every-occurrence',
    );
    for (const id of ids)
      if (id < 0)
        throw new ValidationError(
          `the byte-level piece ${JSON.stringify(BYTE_TO_CHAR[-1 - id])} of ${quote(word, 40)} is not in the vocabulary`,
          'vocab',
        );
    if (word.length <= CACHED_WORD_LENGTH && this.cache.size < 100_000) this.cache.set(word, ids);
    return ids;
  }

  /** ids → bytes (byte-level characters back to bytes; special tokens as their UTF-8) → UTF-8 text. */
  decode(ids: readonly number[]): string {
    checkIds(ids, this.vocabSize);
    // A cut inside a multi-byte character (decoding a prefix of the ids) shows as U+FFFD.
    return utf8Decoder.decode(concatBytes(ids.map((id) => this.idBytes[id]!)));
  }

  /** Byte-level pieces, as Hugging Face shows them: 'Hello world' → ['Hello', 'Ġworld'] with GPT-2. */
  tokenize(text: string): string[] {
    return this.encode(text).map((id) => this.vocab.pieces[id]!);
  }

  idToToken(id: number): string | undefined {
    return this.vocab.pieceOf(id);
  }

  tokenToId(token: string): number | undefined {
    return this.vocab.idOf(token);
  }

  /** Hugging Face `tokenizer.json` (what `JSON.stringify(tok)` writes). */
  toJSON(): TokenizerJSON {
    const byteLevel = {
      add_prefix_space: this.addPrefixSpace,
      trim_offsets: true,
      use_regex: this.pattern !== null,
    };
    return {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: specialAddedTokens([...this.specialIds]),
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', ...byteLevel },
      post_processor: { type: 'ByteLevel', ...byteLevel, trim_offsets: false },
      decoder: { type: 'ByteLevel', ...byteLevel },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: false,
        vocab: this.vocab.toRecord(),
        merges: this.merges.map(([a, b]) => `${a} ${b}`),
      },
    };
  }

  /**
   * Loads a Hugging Face `tokenizer.json` whose model is "BPE" with ByteLevel pre-tokenization
   * (GPT-2, RoBERTa, GPT-NeoX files). `use_regex: true` means GPT-2's regex. Every added token is
   * kept whole. Refused, with a FormatError naming the field: a normalizer, another pre-tokenizer,
   * `byte_fallback`, dropout, `ignore_merges`, subword prefixes/suffixes (steps this class does not
   * run), a merge whose pieces or concatenation are not in the vocabulary, a merge listed twice, and
   * a vocabulary without all 256 byte-level characters (some text could not be encoded).
   */
  static fromJSON(json: TokenizerJSON | string, file = 'tokenizer.json'): ByteLevelBPETokenizer {
    const j = parseTokenizerJSON(json, 'BPE', file);
    const pre = j.pre_tokenizer;
    if (pre !== null && pre.type !== 'ByteLevel')
      throw new FormatError(
        file,
        '$.pre_tokenizer.type',
        `${JSON.stringify(pre.type)} is not supported; this loader reads ByteLevel BPE files`,
      );
    if (!Array.isArray(j.model.merges))
      throw new FormatError(file, '', 'has no model.merges array ("a b" or ["a", "b"] per merge)');
    checkJson(j, BPE_JSON, file);
    if (j.normalizer !== null)
      throw new FormatError(
        file,
        '$.normalizer.type',
        `${JSON.stringify(j.normalizer.type)} is not supported; byte-level BPE reads files without a normalizer`,
      );
    for (const [field, off] of BPE_OFF)
      if (!off(j.model[field]))
        throw new FormatError(
          file,
          `$.model.${field}`,
          `is ${JSON.stringify(j.model[field])}; this loader supports only byte-level BPE without it`,
        );
    const merges = (j.model.merges as Array<string | [string, string]>).map((m, i): [string, string] => {
      const pair = typeof m === 'string' ? m.split(' ') : m;
      if (pair.length !== 2)
        throw new FormatError(
          file,
          `$.model.merges[${i}]`,
          `must be "a b" or ["a", "b"], got ${JSON.stringify(m)}`,
        );
      return [pair[0]!, pair[1]!];
    });
    const tok = new ByteLevelBPETokenizer({
      specialTokens: j.added_tokens.map((t) => t.content),
      pattern: pre === null || pre.use_regex === false ? null : GPT2_SPLIT_PATTERN,
      addPrefixSpace: pre?.add_prefix_space === true,
    });
    tok.setModel(tokenizerVocabulary(j, file), merges, {
      file,
      where: (i) => `$.model.merges[${i}]`,
    });
    tok.requireByteAlphabet(file, '$.model.vocab');
    return tok;
  }

  /**
   * Loads GPT-2's slow-tokenizer files: `vocab.json` (`{ "piece": id }`) and `merges.txt` (an
   * optional "#version" first line, then one "a b" merge per line). `<|endoftext|>`, when in the
   * vocabulary, is the special token. Errors name the file and the line or JSON path.
   *
   *   ByteLevelBPETokenizer.fromVocabAndMerges(readFileSync('vocab.json'), readFileSync('merges.txt'))
   */
  static fromVocabAndMerges(
    vocabJson: string | Uint8Array,
    mergesTxt: string | Uint8Array,
    files: { vocab: string; merges: string } = { vocab: 'vocab.json', merges: 'merges.txt' },
  ): ByteLevelBPETokenizer {
    const record = readJson(vocabJson, shape.record(shape.integer({ min: 0 })), files.vocab);
    const vocab = Vocabulary.fromRecord(record, files.vocab, '$');
    const text = typeof mergesTxt === 'string' ? mergesTxt : decodeUtf8(mergesTxt, files.merges);
    const lines = text.split(/\r?\n/);
    if (lines.at(-1) === '') lines.pop();
    const first = lines[0]?.startsWith('#version') ? 1 : 0;
    const merges = lines.slice(first).map((line, i): [string, string] => {
      const pair = line.split(' ');
      if (pair.length !== 2)
        throw new FormatError(
          files.merges,
          `line ${i + first + 1}`,
          `must be "a b" (two pieces and one space), got ${quote(line, 40)}`,
        );
      return [pair[0]!, pair[1]!];
    });
    const eos = '<|endoftext|>';
    const tok = new ByteLevelBPETokenizer({ specialTokens: vocab.idOf(eos) === undefined ? [] : [eos] });
    tok.setModel(vocab, merges, { file: files.merges, where: (i) => `line ${i + first + 1}` });
    tok.requireByteAlphabet(files.vocab, '');
    return tok;
  }

  private setModel(
    vocab: Vocabulary,
    merges: Array<[string, string]>,
    source: MergeSource = { file: 'merges', where: (i) => `[${i}]` },
  ): void {
    const V = vocab.size;
    const ranks = new Map<number, number>();
    const mergedIds: number[] = [];
    merges.forEach(([a, b], i) => {
      const left = vocab.idOf(a);
      const right = vocab.idOf(b);
      const merged = vocab.idOf(a + b);
      if (left === undefined || right === undefined || merged === undefined)
        throw new FormatError(
          source.file,
          source.where(i),
          `= "${a} ${b}": both pieces and their concatenation must be in the vocabulary`,
        );
      const key = left * V + right;
      const earlier = ranks.get(key);
      if (earlier !== undefined)
        throw new FormatError(
          source.file,
          source.where(i),
          `repeats the merge "${a} ${b}" of ${source.where(earlier)}`,
        );
      ranks.set(key, i);
      mergedIds.push(merged);
    });
    this.vocab = vocab;
    this.merges = merges;
    this.ranks = ranks;
    this.mergedIds = mergedIds;
    this.specialIds = new Map(this.specialTokens.map((s) => [s, vocab.idOf(s)!]));
    for (let b = 0; b < 256; b++) this.byteIds[b] = vocab.idOf(BYTE_TO_CHAR[b]!) ?? -1 - b;
    this.idBytes = vocab.pieces.map((piece, id) => {
      if (this.specialIds.get(piece) === id) return utf8.encode(piece);
      const out: number[] = [];
      for (const c of piece) {
        const b = CHAR_TO_BYTE.get(c);
        if (b === undefined) for (const x of utf8.encode(c)) out.push(x);
        else out.push(b);
      }
      return Uint8Array.from(out);
    });
    this.cache.clear();
  }

  /** A loaded vocabulary must hold all 256 byte-level characters, or some text cannot be encoded. */
  private requireByteAlphabet(file: string, where: string): void {
    const missing = this.byteIds.findIndex((id) => id < 0);
    if (missing >= 0)
      throw new FormatError(
        file,
        where,
        `has no piece ${JSON.stringify(BYTE_TO_CHAR[missing])} for byte 0x${missing.toString(16).padStart(2, '0')}: byte-level BPE needs all 256 byte characters`,
      );
  }
}

/** Model fields this class does not implement, and the values that mean "off". */
const BPE_OFF: ReadonlyArray<[string, (v: unknown) => boolean]> = [
  ['dropout', (v) => v === undefined || v === null || v === 0],
  ['byte_fallback', (v) => v === undefined || v === false],
  ['ignore_merges', (v) => v === undefined || v === false],
  ['continuing_subword_prefix', (v) => v === undefined || v === null || v === ''],
  ['end_of_word_suffix', (v) => v === undefined || v === null || v === ''],
];

/** The BPE-specific fields of tokenizer.json (beside tokenizer-json.ts's common ones). */
const BPE_JSON = shape.object({
  pre_tokenizer: shape.optional(
    shape.nullable(
      shape.object({
        add_prefix_space: shape.optional(shape.boolean()),
        use_regex: shape.optional(shape.boolean()),
      }),
    ),
  ),
  model: shape.object({
    merges: shape.array(shape.union(shape.string(), shape.tuple(shape.string(), shape.string()))),
  }),
});
