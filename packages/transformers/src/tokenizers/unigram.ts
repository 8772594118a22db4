/**
 * The Unigram language model of SentencePiece (Kudo 2018, "Subword Regularization"), as T5, ALBERT,
 * XLNet, mT5 and Marian tokenize — the one idea: **every piece has a log-probability, and a word is
 * cut into the pieces whose log-probabilities sum highest** (the most likely segmentation under a
 * unigram model), found by Viterbi over the lattice of all pieces that match at each position.
 *
 *   const m = new UnigramModel([['<unk>', 0], ['▁', -2], ['h', -3], ['e', -3], ['he', -2.5], ['▁he', -4]], 0);
 *   m.segment('▁he') // ['▁he']: −4 beats ▁ + he (−4.5) and ▁ + h + e (−8)
 *
 * Details, as the Rust `tokenizers` library's `Unigram` (models/unigram/model.rs):
 *   - a character no piece starts with becomes the unknown piece, scored min(score) − 10, so the
 *     best path avoids it whenever the vocabulary can spell the text;
 *   - ties keep the piece that starts first (the longer one ending at the same place);
 *   - consecutive unknown characters are fused into one unknown token;
 *   - with `byte_fallback`, an unknown stretch becomes the pieces `<0xE2>` `<0x82>` … of its UTF-8
 *     bytes (when the vocabulary has them all), so nothing is lost.
 *
 * tokenizer.json: `"model": { "type": "Unigram", "unk_id": 2, "vocab": [["<pad>", 0.0], …],
 * "byte_fallback": false }` — the vocabulary is an array of [piece, score]; the index is the id.
 * Cost: O(n · L) per word, L = the longest piece matching at a position (a trie walk stops at the
 * first character no piece continues with).
 */
import { ValidationError } from './base.js';
import {
  type At,
  asArray,
  asInteger,
  asNumber,
  asObject,
  asString,
  child,
  fail,
  getBool,
} from './hf-json.js';

/** The penalty of an unknown character below the lowest score (Rust `K_UNK_PENALTY`). */
export const UNK_PENALTY = 10;

const utf8 = new TextEncoder();
const hex = (b: number) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;

interface TrieNode {
  next: Map<number, TrieNode>;
  /** The id of the piece ending here, or −1. */
  id: number;
}

export class UnigramModel {
  readonly pieces: ReadonlyArray<readonly [string, number]>;
  readonly unkId: number | null;
  readonly byteFallback: boolean;
  private readonly ids = new Map<string, number>();
  /** The pieces as a trie over UTF-16 units: the pieces starting at a position, shortest first. */
  private readonly trie: TrieNode = { next: new Map(), id: -1 };
  private readonly minScore: number;

  constructor(pieces: ReadonlyArray<readonly [string, number]>, unkId: number | null, byteFallback = false) {
    this.pieces = pieces;
    this.unkId = unkId;
    this.byteFallback = byteFallback;
    let minScore = Number.POSITIVE_INFINITY;
    pieces.forEach(([p, score], id) => {
      if (!this.ids.has(p)) this.ids.set(p, id);
      let node = this.trie;
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        let child = node.next.get(c);
        if (child === undefined) {
          child = { next: new Map(), id: -1 };
          node.next.set(c, child);
        }
        node = child;
      }
      if (node.id === -1) node.id = id;
      minScore = Math.min(minScore, score);
    });
    this.minScore = minScore;
  }

  /** Reads tokenizer.json's `model` object of type "Unigram"; errors name the field. */
  static fromJSON(json: unknown, at: At): UnigramModel {
    const o = asObject(json, at);
    const vocabAt = child(at, 'vocab');
    const seen = new Map<string, number>();
    const pieces = asArray(o.vocab, vocabAt).map((entry, i): [string, number] => {
      const e = child(vocabAt, i);
      const pair = asArray(entry, e);
      if (pair.length !== 2) fail(e, `must be [piece, score], got an array of ${pair.length}`);
      const piece = asString(pair[0], child(e, 0));
      const score = asNumber(pair[1], child(e, 1));
      const first = seen.get(piece);
      if (first !== undefined)
        fail(e, `repeats the piece ${JSON.stringify(piece)} of ${vocabAt.path}[${first}]`);
      seen.set(piece, i);
      return [piece, score];
    });
    if (pieces.length === 0) fail(vocabAt, 'is empty');
    let unkId: number | null = null;
    if (o.unk_id !== null && o.unk_id !== undefined) {
      unkId = asInteger(o.unk_id, child(at, 'unk_id'));
      if (unkId >= pieces.length)
        fail(child(at, 'unk_id'), `is ${unkId}, but the vocabulary has ids 0..${pieces.length - 1}`);
    }
    return new UnigramModel(pieces, unkId, getBool(o, 'byte_fallback', at, false));
  }

  get size(): number {
    return this.pieces.length;
  }

  idOf(piece: string): number | undefined {
    return this.ids.get(piece);
  }

  /**
   * The best segmentation of `word` as strings (Rust `Unigram::encode`): vocabulary pieces, and
   * the original text of each run of unknown characters.
   */
  segment(word: string): string[] {
    const n = word.length;
    if (n === 0) return [];
    const best = new Float64Array(n + 1);
    const from = new Int32Array(n + 1).fill(-1);
    const id = new Int32Array(n + 1);
    const unkScore = this.minScore - UNK_PENALTY;
    const offer = (start: number, end: number, score: number, piece: number) => {
      const s = best[start]! + score;
      if (from[end] === -1 || s > best[end]!) {
        best[end] = s;
        from[end] = start;
        id[end] = piece;
      }
    };
    for (let start = 0; start < n; ) {
      const charLength = (word.codePointAt(start) ?? 0) > 0xffff ? 2 : 1;
      let single = false;
      let node: TrieNode | undefined = this.trie;
      for (let end = start; end < n; ) {
        node = node.next.get(word.charCodeAt(end++));
        if (node === undefined) break;
        if (node.id === -1) continue;
        offer(start, end, this.pieces[node.id]![1], node.id);
        if (end - start === charLength) single = true;
      }
      if (!single) {
        if (this.unkId === null)
          throw new ValidationError(
            `${JSON.stringify(word.slice(start, start + charLength))} is not in the Unigram vocabulary, which has no unknown piece (unk_id)`,
            'text',
          );
        offer(start, start + charLength, unkScore, this.unkId);
      }
      start += charLength;
    }
    const out: string[] = [];
    let unknown = '';
    for (let end = n; end > 0; end = from[end]!) {
      const start = from[end]!;
      if (id[end] === this.unkId) unknown = word.slice(start, end) + unknown;
      else {
        if (unknown) out.push(unknown);
        unknown = '';
        out.push(this.pieces[id[end]!]![0]);
      }
    }
    if (unknown) out.push(unknown);
    return out.reverse();
  }

  /** The ids of `word` (Rust `Unigram::tokenize`): unknown runs become byte pieces or the unknown id. */
  tokenize(word: string): number[] {
    return this.tokenizeWithPieces(word).ids;
  }

  /** {@link tokenize} with each id's piece: an unknown stretch shows as its text, as the Rust library. */
  tokenizeWithPieces(word: string): { ids: number[]; tokens: string[] } {
    const ids: number[] = [];
    const tokens: string[] = [];
    for (const s of this.segment(word)) {
      const known = this.ids.get(s);
      if (known !== undefined) {
        ids.push(known);
        tokens.push(s);
        continue;
      }
      if (this.byteFallback) {
        const bytes = Array.from(utf8.encode(s), (b) => [hex(b), this.ids.get(hex(b))] as const);
        if (bytes.every(([, b]) => b !== undefined)) {
          for (const [piece, b] of bytes) {
            ids.push(b!);
            tokens.push(piece);
          }
          continue;
        }
      }
      ids.push(this.unkId!);
      tokens.push(s);
    }
    return { ids, tokens };
  }

  idToToken(id: number): string | undefined {
    return Number.isInteger(id) ? this.pieces[id]?.[0] : undefined;
  }
}
