/**
 * WordPiece as BERT (Schuster & Nakajima 2012; Devlin et al. 2019; google-research/bert
 * `tokenization.py`, Hugging Face `BertTokenizer`). The one idea it adds: **a word is cut greedily
 * into the longest vocabulary pieces from the left**, a piece inside a word carrying the prefix
 * "##" — no merge list is replayed at encoding time. Words come from bert-basic.ts.
 *
 *   const tok = new WordPieceTokenizer({ vocab: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'un', '##aff', '##able'] });
 *   tok.tokenize('unaffable')          // ['un', '##aff', '##able']   (BERT's README example)
 *   tok.encode('unaffable')            // [2, 5, 6, 7, 3]              [CLS] … [SEP]
 *   tok.encodePlus('a', 'b').tokenTypeIds // [0, 0, 0, 1, 1]            segment A, then B
 *
 * Training (`train`) follows the rule of Hugging Face's NLP course, chapter 6 ("WordPiece
 * tokenization"): start from characters ("##"-prefixed inside words) and repeatedly merge the pair
 * with the highest score = freq(ab) / (freq(a) · freq(b)); ties → the pair seen first. (The Rust
 * `tokenizers` WordPieceTrainer instead runs BPE's frequency rule; Google never published theirs.)
 *
 * No round trip: BERT's normalizer lowercases, strips accents, drops control characters and folds
 * whitespace, and an unknown word becomes [UNK], so decode(encode(x)) is only x's normalized words.
 *
 * Cost: a word longer than `maxInputCharsPerWord` (100, as Hugging Face) is one [UNK] at once; the
 * greedy match tries at most as many characters as the longest vocabulary piece, so a text costs
 * O(n · longest piece). Truncation (`encodePlus` with `maxLength`) is O(n). Texts longer than
 * `MAX_TEXT_LENGTH` are refused (base.ts). `vocab.txt` and `tokenizer.json` are read strictly:
 * an empty or repeated line, ids that are not 0..n−1, no unknown token, no [CLS] or [SEP] (encode
 * wraps every text in them), or a normalizer/pre-tokenizer other than BERT's is a FormatError.
 */
import { checkJson, shape } from '@firth/numeric';
import {
  checkIds,
  checkText,
  FormatError,
  splitOnSpecialTokens,
  type TrainableTokenizer,
  ValidationError,
  Vocabulary,
} from './base.js';
import { type BertBasicOptions, bertBasicTokenize, bertNormalize, bertPreTokenize } from './bert-basic.js';
import { cleanUpTokenizationSpaces } from './hf-post.js';
import {
  parseTokenizerJSON,
  specialAddedTokens,
  type TokenizerJSON,
  tokenizerVocabulary,
} from './tokenizer-json.js';

/** BERT's special tokens, in bert-base-uncased's order of ids 0, 100, 101, 102, 103. */
export const BERT_SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
/** What `encode` puts around every text, so a loaded vocabulary must have them. */
const WRAPPERS = ['[CLS]', '[SEP]'] as const;
const WRAPPED = 'encode wraps every text in [CLS] … [SEP]';

export interface WordPieceOptions extends BertBasicOptions {
  /** id → piece. @default [] — `train` or a loader fills it */
  vocab?: readonly string[];
  /** @default '[UNK]' */
  unkToken?: string;
  /** Marks a piece that continues a word. @default '##' */
  continuingSubwordPrefix?: string;
  /** Longer words become one [UNK] (they are noise, and greedy matching is O(n²)). @default 100 */
  maxInputCharsPerWord?: number;
}

/** Options of {@link WordPieceTokenizer.encodePlus}. */
export interface BertEncodeOptions {
  /** Wrap in [CLS] … [SEP] (… [SEP]). @default true */
  addSpecialTokens?: boolean;
  /** Length limit, special tokens included. @default undefined — no limit */
  maxLength?: number;
  /** Cut to `maxLength`, one token at a time from the longer sequence ("longest_first"). @default true when maxLength is set */
  truncation?: boolean;
  /** Pad with [PAD] up to `maxLength` (padding 'max_length'). @default false */
  padding?: boolean;
}

/** What BERT's forward pass reads (`input_ids`, `token_type_ids`, `attention_mask`). */
export interface BertEncoding {
  ids: number[];
  tokens: string[];
  /** 0 for [CLS], segment A and its [SEP]; 1 for segment B and its [SEP]; 0 for padding. */
  tokenTypeIds: number[];
  /** 1 for real tokens, 0 for padding. */
  attentionMask: number[];
}

/**
 * Greedy longest-match-first (BERT's WordpieceTokenizer) of one word: from `start`, take the longest
 * prefix in the vocabulary (`find` gives its id or piece; `prefix`, "##", before it unless at the
 * word's start), then continue after it. undefined — the whole word is unknown — when some position
 * matches nothing or the word has more than `maxChars` code points. No piece is longer than the
 * vocabulary's `longest` (code points), so only that many lengths are tried at each position.
 */
export function wordPieceMatch<T>(
  word: string,
  find: (piece: string) => T | undefined,
  { prefix, longest, maxChars }: { prefix: string; longest: number; maxChars: number },
): T[] | undefined {
  // at[k] = UTF-16 offset of the k-th code point; at[chars] = word.length
  // (counting stops past maxChars: a 1 MB word costs nothing more)
  const at: number[] = [];
  for (let i = 0; i < word.length; i += word.codePointAt(i)! > 0xffff ? 2 : 1) {
    if (at.length === maxChars) return undefined;
    at.push(i);
  }
  const chars = at.length;
  at.push(word.length);
  const pieces: T[] = [];
  let start = 0;
  while (start < chars) {
    let end = Math.min(chars, start + longest);
    let found: T | undefined;
    for (; end > start; end--) {
      found = find((start > 0 ? prefix : '') + word.slice(at[start], at[end]));
      if (found !== undefined) break;
    }
    if (found === undefined) return undefined;
    pieces.push(found);
    start = end;
  }
  return pieces;
}

export class WordPieceTokenizer implements TrainableTokenizer {
  readonly lowercase: boolean;
  readonly stripAccents: boolean;
  readonly handleChineseChars: boolean;
  readonly unkToken: string;
  readonly prefix: string;
  readonly maxInputCharsPerWord: number;
  readonly specialTokens: readonly string[];
  /** Learned (or loaded): id → piece. */
  vocab: Vocabulary;
  /** The longest piece of `vocab`, in code points (computed when `vocab` changes). */
  private longest = { vocab: undefined as Vocabulary | undefined, chars: 0 };

  constructor(options: WordPieceOptions = {}) {
    this.lowercase = options.lowercase ?? true;
    this.stripAccents = options.stripAccents ?? this.lowercase;
    this.handleChineseChars = options.handleChineseChars ?? true;
    this.unkToken = options.unkToken ?? '[UNK]';
    this.prefix = options.continuingSubwordPrefix ?? '##';
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
    this.specialTokens = [...new Set([...BERT_SPECIAL_TOKENS, this.unkToken])];
    this.vocab = new Vocabulary(options.vocab ?? []);
  }

  /**
   * Loads BERT's `vocab.txt`: one piece per line, the line number (from 0) is the id. A line may
   * end in "\r\n"; the last line may lack its newline. An empty line, a piece listed twice, or no
   * unknown token ([UNK]) is a FormatError naming `file` and the line.
   */
  static fromVocabTxt(
    text: string,
    options: Omit<WordPieceOptions, 'vocab'> = {},
    file = 'vocab.txt',
  ): WordPieceTokenizer {
    checkText(text, file);
    const lines = text.split(/\r?\n/);
    if (lines.at(-1) === '') lines.pop();
    const seen = new Map<string, number>();
    lines.forEach((piece, i) => {
      if (piece === '') throw new FormatError(file, `line ${i + 1}`, 'is empty; every line is one piece');
      const first = seen.get(piece);
      if (first !== undefined)
        throw new FormatError(
          file,
          `line ${i + 1}`,
          `repeats the piece ${JSON.stringify(piece)} of line ${first + 1}`,
        );
      seen.set(piece, i);
    });
    const unk = options.unkToken ?? '[UNK]';
    if (!seen.has(unk)) throw new FormatError(file, '', `has no line for the unknown token ${unk}`);
    for (const t of WRAPPERS)
      if (!seen.has(t)) throw new FormatError(file, '', `has no line for ${t}: ${WRAPPED}`);
    return new WordPieceTokenizer({ ...options, vocab: lines });
  }

  get vocabSize(): number {
    return this.vocab.size;
  }

  /**
   * Learns a vocabulary of `vocabSize` pieces: the special tokens, every character (and its "##"
   * form) of the corpus, then merges pairs by a score:
   *   'likelihood' (default, the WordPiece of the Hugging Face course): freq(ab) / (freq(a)·freq(b))
   *     — favours pairs whose parts rarely occur apart;
   *   'frequency' (what Hugging Face's WordPieceTrainer does, BPE-style): freq(ab) — common words
   *     like "the" become single pieces even in a small vocabulary.
   */
  train(text: string, vocabSize: number, options: { scoring?: 'likelihood' | 'frequency' } = {}): this {
    const byFrequency = options.scoring === 'frequency';
    checkText(text);
    const wordFreqs = new Map<string, number>();
    for (const seg of splitOnSpecialTokens(text, this.specialTokens))
      if (!seg.special)
        for (const w of bertBasicTokenize(seg.text, this)) wordFreqs.set(w, (wordFreqs.get(w) ?? 0) + 1);
    // "hug" → ['h', '##u', '##g']
    const words = [...wordFreqs].map(([w, freq]) => ({
      freq,
      split: [...w].map((c, i) => (i === 0 ? c : this.prefix + c)),
    }));
    const alphabet = [...new Set(words.flatMap((w) => w.split))].sort();
    const pieces = [...this.specialTokens, ...alphabet.filter((c) => !this.specialTokens.includes(c))];
    const known = new Set(pieces);
    while (pieces.length < vocabSize) {
      const unitFreq = new Map<string, number>();
      const pairFreq = new Map<string, { a: string; b: string; freq: number }>();
      for (const { freq, split } of words) {
        split.forEach((s, i) => {
          unitFreq.set(s, (unitFreq.get(s) ?? 0) + freq);
          if (i + 1 < split.length) {
            const key = `${s}\u0000${split[i + 1]}`;
            const p = pairFreq.get(key) ?? { a: s, b: split[i + 1]!, freq: 0 };
            p.freq += freq;
            pairFreq.set(key, p);
          }
        });
      }
      let best: { a: string; b: string } | undefined;
      let bestScore = -1;
      for (const p of pairFreq.values()) {
        // score(a, b) = freq(ab) / (freq(a) · freq(b)): favours pairs whose parts rarely occur apart
        const score = byFrequency ? p.freq : p.freq / (unitFreq.get(p.a)! * unitFreq.get(p.b)!);
        if (score > bestScore) [best, bestScore] = [p, score];
      }
      if (best === undefined) break; // every word is a single piece
      const { a, b } = best;
      const merged = a + (b.startsWith(this.prefix) ? b.slice(this.prefix.length) : b);
      for (const w of words) {
        const next: string[] = [];
        for (let i = 0; i < w.split.length; i++) {
          if (i + 1 < w.split.length && w.split[i] === a && w.split[i + 1] === b) {
            next.push(merged);
            i++;
          } else next.push(w.split[i]!);
        }
        w.split = next;
      }
      if (!known.has(merged)) {
        known.add(merged);
        pieces.push(merged);
      }
    }
    this.vocab = new Vocabulary(pieces);
    return this;
  }

  /** Pieces of the text, no [CLS]/[SEP]: 'unaffable' → ['un', '##aff', '##able']; '' → []. */
  tokenize(text: string): string[] {
    checkText(text);
    if (this.vocab.idOf(this.unkToken) === undefined)
      throw new ValidationError(`the vocabulary has no unknown token ${this.unkToken}`, 'unkToken');
    const out: string[] = [];
    for (const seg of splitOnSpecialTokens(text, this.specialTokens)) {
      if (seg.special) out.push(seg.text);
      else
        for (const word of bertPreTokenize(bertNormalize(seg.text, this)))
          for (const piece of this.wordPiece(word)) out.push(piece);
    }
    return out;
  }

  /** One word's pieces (wordPieceMatch), or [UNK]. */
  private wordPiece(word: string): string[] {
    const found = wordPieceMatch(
      word,
      (piece) => (this.vocab.idOf(piece) !== undefined ? piece : undefined),
      {
        prefix: this.prefix,
        longest: this.longestPiece(),
        maxChars: this.maxInputCharsPerWord,
      },
    );
    return found ?? [this.unkToken];
  }

  /** Code points of the longest piece (an upper bound on what one match can take). */
  private longestPiece(): number {
    if (this.longest.vocab !== this.vocab) {
      let chars = 0;
      for (const p of this.vocab.pieces) {
        let n = 0;
        for (const _ of p) n++;
        chars = Math.max(chars, n);
      }
      this.longest = { vocab: this.vocab, chars };
    }
    return this.longest.chars;
  }

  /** Ids with [CLS] text [SEP] (pair [SEP]); `encodePlus(…).ids`. */
  encode(text: string, pair?: string, options: BertEncodeOptions = {}): number[] {
    return this.encodePlus(text, pair, options).ids;
  }

  /**
   * BERT's model input (Hugging Face's `tokenizer(text, text_pair)`):
   *   single: [CLS] A [SEP]            tokenTypeIds 0 … 0
   *   pair:   [CLS] A [SEP] B [SEP]    tokenTypeIds 0 … 0 1 … 1
   */
  encodePlus(text: string, pair?: string, options: BertEncodeOptions = {}): BertEncoding {
    checkText(text);
    if (pair !== undefined) checkText(pair, 'pair');
    const a = this.tokenize(text);
    const b = pair === undefined ? undefined : this.tokenize(pair);
    const addSpecial = options.addSpecialTokens ?? true;
    const { maxLength } = options;
    if (maxLength !== undefined && (options.truncation ?? true)) {
      const budget = maxLength - (addSpecial ? (b ? 3 : 2) : 0);
      if (!Number.isInteger(maxLength) || budget < 0)
        throw new ValidationError(
          `maxLength ${maxLength} leaves no room for the special tokens`,
          'maxLength',
        );
      // longest_first: drop the last token of the longer sequence (of the pair on a tie), one at a
      // time — counted here, then both cut once: O(n).
      let la = a.length;
      let lb = b?.length ?? 0;
      while (la + lb > budget) {
        if (b === undefined || la > lb) la--;
        else lb--;
      }
      a.length = la;
      if (b) b.length = lb;
    }
    const [cls, sep] = addSpecial ? ['[CLS]', '[SEP]'] : [];
    const tokens: string[] = [];
    const tokenTypeIds: number[] = [];
    const add = (token: string, type: number) => {
      tokens.push(token);
      tokenTypeIds.push(type);
    };
    if (cls) add(cls, 0);
    for (const t of a) add(t, 0);
    if (sep) add(sep, 0);
    if (b) {
      for (const t of b) add(t, 1);
      if (sep) add(sep, 1);
    }
    const attentionMask = tokens.map(() => 1);
    if (options.padding && maxLength !== undefined)
      while (tokens.length < maxLength) {
        add('[PAD]', 0);
        attentionMask.push(0);
      }
    const ids = tokens.map((t) => {
      const id = this.vocab.idOf(t);
      if (id === undefined) throw new ValidationError(`the vocabulary has no ${t} token`, 'vocab');
      return id;
    });
    return { ids, tokens, tokenTypeIds, attentionMask };
  }

  /**
   * Pieces back to text: "##" pieces glue to the previous one, others are space-separated, then
   * Hugging Face's `clean_up_tokenization` removes the space before punctuation (" ," → ",").
   * Uncased text comes back lowercased and without accents; [UNK] stays [UNK].
   */
  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    checkIds(ids, this.vocabSize);
    const skip = options.skipSpecialTokens ?? true;
    let out = '';
    for (const id of ids) {
      const t = this.vocab.pieces[id]!;
      if (skip && t !== this.unkToken && this.specialTokens.includes(t)) continue;
      if (t.startsWith(this.prefix)) out += t.slice(this.prefix.length);
      else out += out ? ` ${t}` : t;
    }
    return cleanUpTokenizationSpaces(out);
  }

  idToToken(id: number): string | undefined {
    return this.vocab.pieceOf(id);
  }

  tokenToId(token: string): number | undefined {
    return this.vocab.idOf(token);
  }

  /** BERT's `vocab.txt`: one piece per line. */
  toVocabTxt(): string {
    return `${this.vocab.pieces.join('\n')}\n`;
  }

  /** Hugging Face `tokenizer.json`, as bert-base-uncased's. */
  toJSON(): TokenizerJSON {
    const specials = this.specialTokens
      .map((t) => [t, this.vocab.idOf(t)] as const)
      .filter((e): e is readonly [string, number] => e[1] !== undefined);
    const special = (t: string) => ({ SpecialToken: { id: t, type_id: 0 } });
    return {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: specialAddedTokens(specials),
      normalizer: {
        type: 'BertNormalizer',
        clean_text: true,
        handle_chinese_chars: this.handleChineseChars,
        strip_accents: this.stripAccents,
        lowercase: this.lowercase,
      },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]')],
        pair: [
          special('[CLS]'),
          { Sequence: { id: 'A', type_id: 0 } },
          special('[SEP]'),
          { Sequence: { id: 'B', type_id: 1 } },
          { SpecialToken: { id: '[SEP]', type_id: 1 } },
        ],
        special_tokens: Object.fromEntries(
          specials
            .filter(([t]) => t === '[CLS]' || t === '[SEP]')
            .map(([t, id]) => [t, { id: t, ids: [id], tokens: [t] }]),
        ),
      },
      decoder: { type: 'WordPiece', prefix: this.prefix, cleanup: true },
      model: {
        type: 'WordPiece',
        unk_token: this.unkToken,
        continuing_subword_prefix: this.prefix,
        max_input_chars_per_word: this.maxInputCharsPerWord,
        vocab: this.vocab.toRecord(),
      },
    };
  }

  /**
   * Loads a Hugging Face `tokenizer.json` whose model is "WordPiece" (BERT, DistilBERT, …). The
   * normalizer must be BertNormalizer or none, the pre-tokenizer BertPreTokenizer or none (both
   * run as BERT's basic tokenization); anything else is a FormatError rather than a silent skip.
   */
  static fromJSON(json: TokenizerJSON | string, file = 'tokenizer.json'): WordPieceTokenizer {
    const j = parseTokenizerJSON(json, 'WordPiece', file);
    checkJson(j, WORDPIECE_JSON, file);
    const model = j.model as {
      unk_token?: string;
      continuing_subword_prefix?: string;
      max_input_chars_per_word?: number;
    };
    const unkToken = model.unk_token ?? '[UNK]';
    const vocab = tokenizerVocabulary(j, file);
    if (vocab.idOf(unkToken) === undefined)
      throw new FormatError(
        file,
        '$.model.unk_token',
        `names ${unkToken}, but model.vocab has no entry for unk_token ${unkToken}`,
      );
    for (const t of WRAPPERS)
      if (vocab.idOf(t) === undefined)
        throw new FormatError(file, '$.model.vocab', `has no entry for ${t}: ${WRAPPED}`);
    const norm = j.normalizer;
    if (norm !== null && norm.type !== 'BertNormalizer')
      throw new FormatError(
        file,
        '$.normalizer.type',
        `${JSON.stringify(norm.type)} is not supported; WordPiece files use BertNormalizer or none`,
      );
    if (j.pre_tokenizer !== null && j.pre_tokenizer.type !== 'BertPreTokenizer')
      throw new FormatError(
        file,
        '$.pre_tokenizer.type',
        `${JSON.stringify(j.pre_tokenizer.type)} is not supported; WordPiece files use BertPreTokenizer`,
      );
    const settings = norm as {
      lowercase?: boolean | null;
      strip_accents?: boolean | null;
      handle_chinese_chars?: boolean | null;
    } | null;
    const lowercase = settings ? settings.lowercase !== false : false;
    return new WordPieceTokenizer({
      vocab: vocab.pieces,
      lowercase,
      stripAccents: typeof settings?.strip_accents === 'boolean' ? settings.strip_accents : lowercase,
      handleChineseChars: settings ? settings.handle_chinese_chars !== false : true,
      unkToken,
      continuingSubwordPrefix: model.continuing_subword_prefix ?? '##',
      maxInputCharsPerWord: model.max_input_chars_per_word ?? 100,
    });
  }
}

/** WordPiece's own fields (beside tokenizer-json.ts's common ones); a normalizer is BertNormalizer's. */
const optionalFlag = shape.optional(shape.nullable(shape.boolean()));
const WORDPIECE_JSON = shape.object({
  normalizer: shape.optional(
    shape.nullable(
      shape.object({
        clean_text: optionalFlag,
        handle_chinese_chars: optionalFlag,
        strip_accents: optionalFlag,
        lowercase: optionalFlag,
      }),
    ),
  ),
  model: shape.object({
    unk_token: shape.optional(shape.string({ nonEmpty: true })),
    continuing_subword_prefix: shape.optional(shape.string({ nonEmpty: true })),
    max_input_chars_per_word: shape.optional(shape.integer({ min: 1 })),
  }),
});
