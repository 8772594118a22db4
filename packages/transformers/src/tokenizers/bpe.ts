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
 * Left out: BPE dropout, `ignore_merges`, offsets.
 */
import {
  checkIds,
  checkText,
  splitOnSpecialTokens,
  type TrainableTokenizer,
  ValidationError,
  Vocabulary,
} from './base.js';
import { learnMerges, type TieBreak, type WordCount } from './basic-bpe.js';
import { parseTokenizerJSON, specialAddedTokens, type TokenizerJSON } from './tokenizer-json.js';

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
const utf8Decoder = new TextDecoder('utf-8');

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
  private ranks = new Map<string, number>();
  private specialIds = new Map<string, number>();
  private readonly cache = new Map<string, number[]>();

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
    const words: WordCount[] = [...counts].map(([w, count]) => ({ ids: [...utf8.encode(w)], count }));
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
      else for (const word of this.preTokenize(seg.text)) ids.push(...this.encodeWord(word));
    }
    return ids;
  }

  /**
   * GPT-2's `bpe(token)`: the word as byte-level characters, then, while some adjacent pair has a
   * merge, merge every occurrence of the pair with the lowest rank (learned earliest).
   */
  private encodeWord(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    let symbols = [...toByteLevel(word)];
    while (symbols.length >= 2) {
      let bestRank = Infinity;
      let best = -1;
      for (let j = 0; j + 1 < symbols.length; j++) {
        const r = this.ranks.get(`${symbols[j]} ${symbols[j + 1]}`);
        if (r !== undefined && r < bestRank) [bestRank, best] = [r, j];
      }
      if (best < 0) break;
      const [a, b] = [symbols[best]!, symbols[best + 1]!];
      const next: string[] = [];
      for (let j = 0; j < symbols.length; j++) {
        if (j + 1 < symbols.length && symbols[j] === a && symbols[j + 1] === b) {
          next.push(a + b);
          j++;
        } else next.push(symbols[j]!);
      }
      symbols = next;
    }
    const ids = symbols.map((s) => {
      const id = this.vocab.idOf(s);
      if (id === undefined)
        throw new ValidationError(
          `the piece ${JSON.stringify(s)} of ${JSON.stringify(word)} is not in the vocabulary`,
          'vocab',
        );
      return id;
    });
    if (this.cache.size < 100_000) this.cache.set(word, ids);
    return ids;
  }

  /** ids → bytes (byte-level characters back to bytes; special tokens as their UTF-8) → UTF-8 text. */
  decode(ids: readonly number[]): string {
    checkIds(ids, this.vocabSize);
    const bytes: number[] = [];
    for (const id of ids) {
      const piece = this.vocab.pieces[id]!;
      if (this.specialIds.get(piece) === id) bytes.push(...utf8.encode(piece));
      else
        for (const c of piece) {
          const b = CHAR_TO_BYTE.get(c);
          if (b === undefined) bytes.push(...utf8.encode(c));
          else bytes.push(b);
        }
    }
    // A cut inside a multi-byte character (decoding a prefix of the ids) shows as U+FFFD.
    return utf8Decoder.decode(Uint8Array.from(bytes));
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
   * (GPT-2, RoBERTa, GPT-NeoX files). `use_regex: true` means GPT-2's regex.
   */
  static fromJSON(json: TokenizerJSON | string): ByteLevelBPETokenizer {
    const j = parseTokenizerJSON(json, 'BPE');
    const pre = j.pre_tokenizer;
    if (pre !== null && pre.type !== 'ByteLevel')
      throw new ValidationError(
        `pre_tokenizer.type ${JSON.stringify(pre.type)} is not supported; this loader reads ByteLevel BPE files`,
        'pre_tokenizer.type',
      );
    const merges = j.model.merges;
    if (!Array.isArray(merges))
      throw new ValidationError('tokenizer.json has no model.merges array', 'model.merges');
    const pairs = merges.map((m, i): [string, string] => {
      const pair = typeof m === 'string' ? m.split(' ') : m;
      if (
        !Array.isArray(pair) ||
        pair.length !== 2 ||
        typeof pair[0] !== 'string' ||
        typeof pair[1] !== 'string'
      )
        throw new ValidationError(`model.merges[${i}] must be "a b" or ["a", "b"]`, `model.merges[${i}]`);
      return [pair[0], pair[1]];
    });
    const specials = j.added_tokens.filter((t) => t.special);
    const tok = new ByteLevelBPETokenizer({
      specialTokens: specials.map((t) => t.content),
      pattern: pre === null || pre.use_regex === false ? null : GPT2_SPLIT_PATTERN,
      addPrefixSpace: pre?.add_prefix_space === true,
    });
    // Added tokens may sit outside model.vocab (ids past its end); merge them into one table.
    const vocab: Record<string, number> = { ...j.model.vocab };
    for (const t of specials) vocab[t.content] = t.id;
    tok.setModel(Vocabulary.fromRecord(vocab), pairs);
    return tok;
  }

  private setModel(vocab: Vocabulary, merges: Array<[string, string]>): void {
    merges.forEach(([a, b], i) => {
      if (vocab.idOf(a) === undefined || vocab.idOf(b) === undefined || vocab.idOf(a + b) === undefined)
        throw new ValidationError(
          `model.merges[${i}] = "${a} ${b}": both pieces and their concatenation must be in the vocabulary`,
          `model.merges[${i}]`,
        );
    });
    this.vocab = vocab;
    this.merges = merges;
    this.ranks = new Map(merges.map(([a, b], i) => [`${a} ${b}`, i]));
    this.specialIds = new Map(this.specialTokens.map((s) => [s, vocab.idOf(s)!]));
    this.cache.clear();
  }
}
