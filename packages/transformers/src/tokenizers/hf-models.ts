/**
 * The `model` step of Hugging Face `tokenizer.json` — what turns one pre-tokenized word into ids:
 *   Unigram    unigram.ts (SentencePiece: T5, ALBERT, XLNet, Marian)
 *   BPE        merges by rank, lowest first and leftmost among equals (the Rust library's
 *              `Word::merge_all`), with unk_token / fuse_unk, byte_fallback (`<0x41>` pieces),
 *              continuing_subword_prefix / end_of_word_suffix and ignore_merges — GPT-2, RoBERTa,
 *              Llama 3, Mistral's and Llama 2's converted SentencePiece BPE
 *   WordPiece  greedy longest match from the left, "##" inside words (BERT)
 *   WordLevel  one id per word
 * BPE dropout (a training-time randomisation) is refused when set.
 */
import { ValidationError } from './base.js';
import {
  type At,
  asArray,
  asInteger,
  asObject,
  asString,
  child,
  fail,
  getBool,
  getString,
  type JsonObject,
  stepType,
  unsupported,
} from './hf-json.js';
import { type MergeRules, mergeSymbols } from './merge-queue.js';
import { UnigramModel } from './unigram.js';
import { wordPieceMatch } from './wordpiece.js';

export interface ModelTokens {
  ids: number[];
  tokens: string[];
}

/** A model: one word → ids, and the pieces of its vocabulary. */
export interface HfModel {
  readonly type: string;
  /** The ids of one word and their pieces (an unknown stretch shows as its text, as the Rust library). */
  tokenize(word: string): ModelTokens;
  idToToken(id: number): string | undefined;
  tokenToId(token: string): number | undefined;
  /** One more than the largest id. */
  readonly size: number;
}

const MODELS = ['Unigram', 'BPE', 'WordPiece', 'WordLevel'] as const;
const utf8 = new TextEncoder();
/** Byte b as its fallback piece, `<0x0A>` (Rust `format!("<{b:#04X}>")`). */
export const bytePiece = (b: number) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;

/** A `{ piece: id }` vocabulary: ids ≥ 0, each piece once (JSON objects cannot repeat a key here). */
class PieceTable {
  readonly ids = new Map<string, number>();
  readonly pieces: string[] = [];

  constructor(vocab: unknown, at: At) {
    const o = asObject(vocab, at);
    for (const [piece, id] of Object.entries(o)) {
      const i = asInteger(id, child(at, JSON.stringify(piece)));
      if (this.pieces[i] !== undefined)
        fail(at, `gives id ${i} to both ${JSON.stringify(this.pieces[i])} and ${JSON.stringify(piece)}`);
      this.ids.set(piece, i);
      this.pieces[i] = piece;
    }
  }

  require(piece: string, at: At): number {
    const id = this.ids.get(piece);
    if (id === undefined) fail(at, `${JSON.stringify(piece)} is not in model.vocab`);
    return id!;
  }
}

/** A model over a `{ piece: id }` vocabulary: a word's ids (`ids`), shown with their pieces. */
abstract class TableModel implements HfModel {
  abstract readonly type: string;
  constructor(protected readonly table: PieceTable) {}

  get size(): number {
    return this.table.pieces.length;
  }

  tokenize(word: string): ModelTokens {
    const ids = this.ids(word);
    return { ids, tokens: ids.map((id) => this.table.pieces[id]!) };
  }

  protected abstract ids(word: string): number[];

  idToToken(id: number): string | undefined {
    return Number.isInteger(id) ? this.table.pieces[id] : undefined;
  }

  tokenToId(token: string): number | undefined {
    return this.table.ids.get(token);
  }
}

class BpeModel extends TableModel {
  readonly type = 'BPE';
  private readonly ranks = new Map<number, number>();
  private readonly merged: number[] = [];
  private readonly unk: number | null;
  private readonly fuseUnk: boolean;
  private readonly byteFallback: boolean;
  private readonly prefix: string;
  private readonly suffix: string;
  private readonly ignoreMerges: boolean;
  private readonly rules: MergeRules;
  private readonly cache = new Map<string, number[]>();

  constructor(o: JsonObject, at: At) {
    const dropout = o.dropout;
    if (dropout !== undefined && dropout !== null && dropout !== 0 && dropout !== 1)
      fail(
        child(at, 'dropout'),
        `is ${JSON.stringify(dropout)}; BPE dropout (random merges) is for training and is not run here`,
      );
    super(new PieceTable(o.vocab, child(at, 'vocab')));
    const unk = getString(o, 'unk_token', at, '');
    this.unk = unk === '' ? null : this.table.require(unk, child(at, 'unk_token'));
    this.fuseUnk = getBool(o, 'fuse_unk', at, false);
    this.byteFallback = getBool(o, 'byte_fallback', at, false);
    this.prefix = getString(o, 'continuing_subword_prefix', at, '');
    this.suffix = getString(o, 'end_of_word_suffix', at, '');
    this.ignoreMerges = getBool(o, 'ignore_merges', at, false);
    const mergesAt = child(at, 'merges');
    const V = this.size;
    asArray(o.merges, mergesAt).forEach((m, i) => {
      const mAt = child(mergesAt, i);
      const pair =
        typeof m === 'string' ? m.split(' ') : asArray(m, mAt).map((p, k) => asString(p, child(mAt, k)));
      if (pair.length !== 2) fail(mAt, `must be "a b" or ["a", "b"], got ${JSON.stringify(m)}`);
      const [a, b] = pair as [string, string];
      const joined = a + (this.prefix && b.startsWith(this.prefix) ? b.slice(this.prefix.length) : b);
      const left = this.table.ids.get(a);
      const right = this.table.ids.get(b);
      const result = this.table.ids.get(joined);
      if (left === undefined || right === undefined || result === undefined)
        fail(
          mAt,
          `= ${JSON.stringify(`${a} ${b}`)}: both pieces and their concatenation must be in model.vocab`,
        );
      const key = left! * V + right!;
      if (!this.ranks.has(key)) {
        this.ranks.set(key, this.merged.length);
        this.merged.push(result!);
      }
    });
    this.rules = {
      find: (x, y) => this.ranks.get(x * V + y) ?? -1,
      priority: (rank) => rank,
      result: (rank) => this.merged[rank]!,
    };
  }

  protected ids(word: string): number[] {
    if (word.length === 0) return [];
    const cached = this.cache.get(word);
    if (cached) return cached;
    const whole = this.ignoreMerges ? this.table.ids.get(word) : undefined;
    if (whole !== undefined) return [whole];
    const symbols: number[] = [];
    let unk: number | null = null; // a pending (possibly fused) unknown
    const chars = Array.from(word);
    chars.forEach((c, i) => {
      let s = i > 0 ? this.prefix + c : c;
      if (i === chars.length - 1) s += this.suffix;
      const id = this.table.ids.get(s);
      if (id !== undefined) {
        if (unk !== null) symbols.push(unk);
        unk = null;
        symbols.push(id);
        return;
      }
      if (this.byteFallback) {
        const bytes = Array.from(utf8.encode(s), (b) => this.table.ids.get(bytePiece(b)));
        if (bytes.every((b) => b !== undefined)) {
          if (unk !== null) symbols.push(unk);
          unk = null;
          for (const b of bytes) symbols.push(b!);
          return;
        }
      }
      if (this.unk === null) return; // as the Rust library: a character it cannot spell is dropped
      if (unk !== null && !this.fuseUnk) symbols.push(unk);
      unk = this.unk;
    });
    if (unk !== null) symbols.push(unk);
    const ids = mergeSymbols(symbols, this.rules, 'leftmost');
    if (word.length <= 64 && this.cache.size < 100_000) this.cache.set(word, ids);
    return ids;
  }
}

class WordPieceModel extends TableModel {
  readonly type = 'WordPiece';
  private readonly unk: number;
  private readonly prefix: string;
  private readonly maxChars: number;
  private readonly longest: number;

  constructor(o: JsonObject, at: At) {
    super(new PieceTable(o.vocab, child(at, 'vocab')));
    this.unk = this.table.require(getString(o, 'unk_token', at, '[UNK]'), child(at, 'unk_token'));
    this.prefix = getString(o, 'continuing_subword_prefix', at, '##');
    this.maxChars =
      o.max_input_chars_per_word == null
        ? 100
        : asInteger(o.max_input_chars_per_word, child(at, 'max_input_chars_per_word'), 1);
    let longest = 0;
    for (const p of this.table.pieces) if (p !== undefined) longest = Math.max(longest, [...p].length);
    this.longest = longest;
  }

  protected ids(word: string): number[] {
    const match = wordPieceMatch(word, (piece) => this.table.ids.get(piece), {
      prefix: this.prefix,
      longest: this.longest,
      maxChars: this.maxChars,
    });
    return match ?? [this.unk];
  }
}

class WordLevelModel extends TableModel {
  readonly type = 'WordLevel';
  private readonly unk: number | null;

  constructor(o: JsonObject, at: At) {
    super(new PieceTable(o.vocab, child(at, 'vocab')));
    const unk = getString(o, 'unk_token', at, '');
    this.unk = unk === '' ? null : this.table.require(unk, child(at, 'unk_token'));
  }

  protected ids(word: string): number[] {
    const id = this.table.ids.get(word) ?? this.unk;
    if (id === null)
      throw new ValidationError(
        `${JSON.stringify(word)} is not in the WordLevel vocabulary, which has no unk_token`,
        'text',
      );
    return [id];
  }
}

class UnigramHfModel implements HfModel {
  readonly type = 'Unigram';
  constructor(readonly model: UnigramModel) {}
  get size(): number {
    return this.model.size;
  }
  tokenize(word: string): ModelTokens {
    return this.model.tokenizeWithPieces(word);
  }
  idToToken(id: number): string | undefined {
    return this.model.idToToken(id);
  }
  tokenToId(token: string): number | undefined {
    return this.model.idOf(token);
  }
}

/** The `model` step of tokenizer.json. */
export function readModel(json: unknown, at: At): HfModel {
  const o = asObject(json, at);
  const type = o.type === undefined && Array.isArray(o.vocab) ? 'Unigram' : stepType(o, at);
  switch (type) {
    case 'Unigram':
      return new UnigramHfModel(UnigramModel.fromJSON(o, at));
    case 'BPE':
      return new BpeModel(o, at);
    case 'WordPiece':
      return new WordPieceModel(o, at);
    case 'WordLevel':
      return new WordLevelModel(o, at);
    default:
      return unsupported('model', type, at, MODELS);
  }
}
