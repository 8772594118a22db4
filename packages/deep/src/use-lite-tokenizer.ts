/**
 * The SentencePiece tokenizer of Universal Sentence Encoder Lite: a unigram language model over
 * an 8,000-piece vocabulary, decoded with Viterbi (Kudo 2018, "Subword Regularization",
 * https://arxiv.org/abs/1804.10959). The course's "Tokenization" lesson, third variant: char →
 * word → BPE/WordPiece → **unigram LM**, where every piece p has a log-probability score s(p) and a
 * sentence is split into the pieces that maximise the sum of scores.
 *
 *   text  = "▁" + NFKC(text).replace(" ", "▁")          spaces become the visible "▁" (U+2581)
 *   best[0] = 0
 *   best[e] = max over pieces p = text[b, e) of best[b] + s(p)        (the Viterbi lattice)
 *   ids     = the pieces on the argmax path, read back from the end
 *
 * It reproduces, id for id, the `Tokenizer` of npm `@tensorflow-models/universal-sentence-encoder`
 * 1.3.3 (the tokenizer the model was shipped with in TF.js), including its quirks, which are
 * part of what the model expects and are therefore kept on purpose:
 * - a character that starts no piece becomes the unknown id 0, scored 0; runs of unknowns merge
 *   into one id 0;
 * - `best[e] === 0` means "not reached yet", so the first candidate always wins there, and a
 *   position no piece reaches keeps best = 0 (a free start for the pieces after it);
 * - ties go to the later candidate (`>=`), i.e. the one starting further right;
 * - a few vocabulary scores are `null` (":", "://", "▁:)", …): they count as 0;
 * - ids 0–5 (unknown, <s>, </s>, 3 extra ids) are reserved and never produced by matching;
 * - a piece listed twice keeps the id of its last listing;
 * - only U+0020 spaces become "▁"; tabs and newlines stay as they are (and are unknown).
 * Characters are Unicode code points (an emoji is one character, as in the reference).
 *
 * Cost: the lattice is walked forward — from each start, the trie gives every piece starting there
 * (at most as many as the longest piece has characters) and relaxes best[end] at once — so a text
 * of n characters costs O(n · longest piece) time and O(n) memory. Texts longer than
 * `MAX_TEXT_LENGTH` (4 Mi UTF-16 units, `@firth/numeric`) are refused before any work. A
 * vocabulary that is not a list of `[piece, score]` rows (score a finite number or null) is a
 * FormatError naming the row.
 * No round trip: there is no decode, and NFKC changes the text.
 * Left out: SentencePiece's sampling (subword regularization) and decoding ids back to text.
 */
import { checkTextLength, FormatError, ValidationError } from '@firth/numeric';

/** A vocabulary row as stored in vocab.json: `[piece, log-probability score]`. */
export type VocabularyEntry = [piece: string, score: number | null];

/** The word-boundary marker that replaces spaces: "▁" (U+2581, LOWER ONE EIGHTH BLOCK). */
export const WORD_BOUNDARY = '\u2581';
/** Id of the unknown piece. */
export const UNKNOWN_ID = 0;
/** Ids below this are control symbols that text never matches. @default 6 — USE-lite's vocab.json */
export const RESERVED_IDS = 6;

/** A trie node keyed by code point; `id` is set where a vocabulary piece ends. */
interface TrieNode {
  children: Map<string, TrieNode>;
  id?: number;
  score?: number;
}

export class UnigramTokenizer {
  private readonly root: TrieNode = { children: new Map() };
  /** Length of each piece in characters (code points), by id; the unknown piece counts 1. */
  private readonly pieceLength: number[];

  constructor(
    readonly vocabulary: readonly VocabularyEntry[],
    file = 'vocab.json',
  ) {
    if (!Array.isArray(vocabulary) || vocabulary.length <= RESERVED_IDS) {
      throw new FormatError(
        file,
        '$',
        `A SentencePiece vocabulary needs more than ${RESERVED_IDS} [piece, score] rows`,
      );
    }
    vocabulary.forEach((row, i) => {
      const ok =
        Array.isArray(row) &&
        row.length === 2 &&
        typeof row[0] === 'string' &&
        (row[1] === null || (typeof row[1] === 'number' && Number.isFinite(row[1])));
      if (!ok)
        throw new FormatError(
          file,
          `$[${i}]`,
          'must be a [piece, score] row: a string and a finite number or null',
        );
    });
    this.pieceLength = vocabulary.map(([piece]) => [...piece].length);
    this.pieceLength[UNKNOWN_ID] = 1;
    for (let id = RESERVED_IDS; id < vocabulary.length; id++) {
      const [piece, score] = vocabulary[id] as VocabularyEntry;
      let node = this.root;
      for (const ch of piece) {
        let next = node.children.get(ch);
        if (!next) {
          next = { children: new Map() };
          node.children.set(ch, next);
        }
        node = next;
      }
      // A repeated piece overwrites: the last listing wins, as in the reference trie.
      node.id = id;
      node.score = score ?? 0;
    }
  }

  /** The string the lattice runs over: NFKC, then "▁" before the text and for every space. */
  static normalize(text: string): string {
    const nfkc = text.normalize('NFKC');
    return nfkc.length > 0 ? WORD_BOUNDARY + nfkc.replace(/ /g, WORD_BOUNDARY) : nfkc;
  }

  /**
   * Text → piece ids (the most probable segmentation).
   *
   *   tokenizer.encode('Hello world.') // [ids of "▁Hello", "▁world", "."]
   */
  encode(text: string): number[] {
    if (typeof text !== 'string') {
      throw new ValidationError(`UnigramTokenizer.encode expects a string, got ${typeof text}`, 'text');
    }
    checkTextLength(text, 'text');
    const chars = Array.from(UnigramTokenizer.normalize(text));
    const n = chars.length;
    // Viterbi forward pass: best[e] = max_b best[b] + s(text[b, e)); 0 doubles as "unset".
    // Walked forward: best[start] is final once every start before it is done, so each piece found
    // from `start` relaxes best[end] right away — for every end, in increasing start order, which is
    // the reference's visiting order (its arcs[e] list, built the same way).
    const best = new Float64Array(n + 1);
    const bestId = new Int32Array(n + 1); // the last piece of the best path to e (0 if unreached)
    const relax = (start: number, end: number, id: number, score: number) => {
      const total = score + (best[start] as number);
      if (best[end] === 0 || total >= (best[end] as number)) {
        best[end] = total;
        bestId[end] = id;
      }
    };
    for (let start = 0; start < n; start++) {
      let node: TrieNode | undefined = this.root;
      let matched = false;
      for (let end = start; end < n && node; end++) {
        node = node.children.get(chars[end] as string);
        if (node?.id !== undefined) {
          relax(start, end + 1, node.id, node.score ?? 0);
          matched = true;
        }
      }
      // No piece starts here: the single character becomes the unknown piece, score 0.
      if (!matched) relax(start, start + 1, UNKNOWN_ID, 0);
    }
    // Backward pass: read the path from the end, stepping back by each piece's length.
    const reversed: number[] = [];
    for (let pos = n; pos > 0; pos -= this.pieceLength[bestId[pos] as number] as number) {
      reversed.push(bestId[pos] as number);
    }
    // Merge runs of unknowns into one.
    const ids: number[] = [];
    for (let i = reversed.length - 1; i >= 0; i--) {
      const id = reversed[i] as number;
      if (!(id === UNKNOWN_ID && ids.length > 0 && ids[ids.length - 1] === UNKNOWN_ID)) ids.push(id);
    }
    return ids;
  }
}
