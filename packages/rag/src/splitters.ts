/**
 * Text splitters — RAG's second step: long Documents become chunks small enough to embed and to
 * fit in a prompt, with some overlap so a fact cut at a boundary survives in one of the chunks.
 *
 * Three variants, one idea each (as LangChain's `RecursiveCharacterTextSplitter`,
 * NLTK/spaCy sentence splitting, and LangChain's `TokenTextSplitter`):
 *   - `RecursiveCharacterSplitter`: cut at the coarsest separator that works (paragraph, line,
 *     sentence end, space, character), then merge pieces back up to `chunkSize` characters;
 *   - `SentenceSplitter`: pack whole sentences into chunks of at most `chunkSize` characters;
 *   - `TokenSplitter`: windows of `chunkSize` tokens of any tokenizer (BPE, WordPiece, …).
 * Every chunk keeps its Document's metadata and gets `metadata.chunk` (0, 1, … within that Document).
 *
 * Cost: linear in the text (the chunks themselves aside, which overlap by `chunkOverlap`): queues
 * with a moving head instead of `shift()`, running lengths instead of re-joining, and a sentence
 * regex that cannot backtrack across a run of "!!!!". Texts longer than `MAX_TEXT_LENGTH` (4 Mi
 * UTF-16 units, `@firth/numeric`) are refused at once with a ValidationError. The last resort of
 * the recursive splitter cuts between characters (code points), never inside an emoji.
 */
import { checkTextLength, ValidationError } from '@firth/numeric';
import { Document } from '@langchain/core/documents';

export interface SplitterOptions {
  /** Largest chunk, in characters (tokens for `TokenSplitter`). @default 1000 — LangChain's default */
  chunkSize?: number;
  /** Characters (tokens; sentences for `SentenceSplitter`) repeated between neighbours. @default 200 */
  chunkOverlap?: number;
}

/** What every splitter shares: options checking and Documents → chunk Documents. */
export abstract class TextSplitter {
  readonly chunkSize: number;
  readonly chunkOverlap: number;

  constructor(options: SplitterOptions = {}, defaults = { chunkSize: 1000, chunkOverlap: 200 }) {
    this.chunkSize = options.chunkSize ?? defaults.chunkSize;
    this.chunkOverlap =
      options.chunkOverlap ?? Math.min(defaults.chunkOverlap, Math.floor(this.chunkSize / 2));
    if (!Number.isInteger(this.chunkSize) || this.chunkSize < 1)
      throw new ValidationError(`chunkSize must be a positive integer, got ${this.chunkSize}`);
    if (!Number.isInteger(this.chunkOverlap) || this.chunkOverlap < 0 || this.chunkOverlap >= this.chunkSize)
      throw new ValidationError(
        `chunkOverlap must be an integer in [0, chunkSize), got ${this.chunkOverlap}`,
      );
  }

  /** The chunks of one text. */
  abstract splitText(text: string): string[];

  /** Chunk Documents: metadata copied, plus `chunk` (index within its source Document). */
  splitDocuments<M extends Record<string, unknown>>(docs: Document<M>[]): Document<M & { chunk: number }>[] {
    return docs.flatMap((doc) =>
      this.splitText(doc.pageContent).map(
        (pageContent, chunk) => new Document({ pageContent, metadata: { ...doc.metadata, chunk } }),
      ),
    );
  }
}

/** A separator: where to cut, and what to put back when pieces are merged. */
export interface Separator {
  split: string | RegExp;
  join: string;
}

/** Paragraph, line, sentence end, space, character. */
export const DEFAULT_SEPARATORS: Separator[] = [
  { split: '\n\n', join: '\n\n' },
  { split: '\n', join: '\n' },
  { split: /(?<=[.!?])\s+/, join: ' ' },
  { split: ' ', join: ' ' },
  { split: '', join: '' },
];

/**
 * LangChain's recursive splitter: split at the first separator found in the text; pieces still
 * longer than `chunkSize` are split again with the finer separators; neighbouring pieces are merged
 * greedily up to `chunkSize`, each chunk starting with up to `chunkOverlap` characters of the last.
 *
 *   new RecursiveCharacterSplitter({ chunkSize: 10, chunkOverlap: 0 }).splitText('aaa bbb ccc ddd')
 *   // ['aaa bbb', 'ccc ddd']
 */
export class RecursiveCharacterSplitter extends TextSplitter {
  readonly separators: Separator[];

  constructor(options: SplitterOptions & { separators?: Separator[] } = {}) {
    super(options);
    this.separators = options.separators ?? DEFAULT_SEPARATORS;
  }

  splitText(text: string): string[] {
    checkTextLength(text, 'text');
    const chunks: string[] = [];
    this.split(text, this.separators, chunks);
    return chunks;
  }

  /** Appends the chunks of `text` to `out` (recursion depth ≤ the number of separators). */
  private split(text: string, separators: Separator[], out: string[]): void {
    // The first separator that occurs in the text (the last one, '', always does).
    let i = separators.findIndex((s) =>
      typeof s.split === 'string' ? text.includes(s.split) : s.split.test(text),
    );
    if (i < 0) i = separators.length - 1;
    const sep = separators[i] ?? { split: '', join: '' };
    const finer = separators.slice(i + 1);
    // '' cuts between characters: code points, so an emoji is never cut in half
    const pieces = (sep.split === '' ? Array.from(text) : text.split(sep.split)).filter((p) => p !== '');
    let small: string[] = [];
    for (const piece of pieces) {
      if (piece.length <= this.chunkSize) small.push(piece);
      else {
        if (small.length > 0) this.merge(small, sep.join, out);
        small = [];
        if (finer.length > 0) this.split(piece, finer, out);
        else out.push(piece);
      }
    }
    if (small.length > 0) this.merge(small, sep.join, out);
  }

  /** Greedy merge with overlap (LangChain's `mergeSplits`), appended to `out`. */
  private merge(pieces: string[], join: string, out: string[]): void {
    const current = new Queue<string>();
    let total = 0; // length of current.join(join)
    const emit = () => {
      const chunk = current.items().join(join).trim();
      if (chunk !== '') out.push(chunk);
    };
    for (const piece of pieces) {
      const extra = current.size > 0 ? join.length : 0;
      if (total + piece.length + extra > this.chunkSize && current.size > 0) {
        emit();
        // Drop pieces from the front until what is left fits as overlap and leaves room for `piece`.
        while (
          current.size > 0 &&
          (total > this.chunkOverlap || total + piece.length + join.length > this.chunkSize)
        ) {
          total -= current.first()!.length + (current.size > 1 ? join.length : 0);
          current.shift();
        }
      }
      total += piece.length + (current.size > 0 ? join.length : 0);
      current.push(piece);
    }
    if (current.size > 0) emit();
  }
}

/** A first-in first-out queue whose `shift` is O(1): a moving head, compacted now and then. */
class Queue<T> {
  private list: T[] = [];
  private head = 0;

  get size(): number {
    return this.list.length - this.head;
  }

  first(): T | undefined {
    return this.list[this.head];
  }

  push(x: T): void {
    this.list.push(x);
  }

  shift(): void {
    this.head++;
    if (this.head > 1024 && 2 * this.head > this.list.length) {
      this.list = this.list.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.list = [];
    this.head = 0;
  }

  items(): T[] {
    return this.list.slice(this.head);
  }
}

/** A sentence end: `.`, `!`, `?` (a whole run of them), closing quotes/brackets, space, then a capital, digit or quote. */
// The lookbehind starts a match only at the first of a run of ".!?": the match there is the one a
// later start would find, and no start inside a run of "!!!!" is tried again (which made a
// 100 KB run of "!" take a minute: O(n²) backtracking).
const SENTENCE_END = /(?<![.!?])[.!?]+["')\]]*\s+(?=["'([]?[A-Z0-9])/g;
/** Text before a sentence end that is an abbreviation or an initial, not a sentence (`e.g.`, `Dr.`, `J.`). */
const ABBREVIATION = /(?:^|\s)(?:[A-Z]|e\.g|i\.e|etc|vs|Dr|Mr|Mrs|Ms|Prof|St|Fig|No|al)\.$/;
/** The longest text ABBREVIATION can match ("\sProf.") is 6 characters: only that tail is tested. */
const ABBREVIATION_TAIL = 8;

/**
 * Sentences of a text: cut after `.`, `!` or `?` (and closing quotes/brackets) followed by space and
 * a capital, digit or quote — not after common abbreviations (`e.g.`, `Dr.`, single initials).
 * Linear time.
 *
 *   splitSentences('Dr. Smith came. He left! Did he?') // ['Dr. Smith came.', 'He left!', 'Did he?']
 */
export function splitSentences(text: string): string[] {
  checkTextLength(text, 'text');
  const out: string[] = [];
  const re = new RegExp(SENTENCE_END);
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // The abbreviation test on the whole sentence so far, text[start, m.index + 1), needs only its
    // last few characters: `^` can match inside that tail only if the sentence is that short.
    const tail = text.slice(Math.max(start, m.index + 1 - ABBREVIATION_TAIL), m.index + 1);
    if (ABBREVIATION.test(tail)) continue;
    const sentence = text.slice(start, m.index + m[0].length).trim();
    if (sentence) out.push(sentence.replace(/\s+/g, ' '));
    start = m.index + m[0].length;
  }
  const last = text.slice(start).trim();
  if (last) out.push(last.replace(/\s+/g, ' '));
  return out;
}

/**
 * Whole sentences packed into chunks of at most `chunkSize` characters (a longer sentence is its
 * own chunk); `chunkOverlap` counts sentences repeated from the previous chunk.
 *
 *   new SentenceSplitter({ chunkSize: 20, chunkOverlap: 0 }).splitText('One two. Three four. Five.')
 *   // ['One two. Three four.', 'Five.']
 */
export class SentenceSplitter extends TextSplitter {
  constructor(options: SplitterOptions = {}) {
    super(options, { chunkSize: 1000, chunkOverlap: 0 });
  }

  splitText(text: string): string[] {
    const sentences = splitSentences(text);
    const chunks: string[] = [];
    const current = new Queue<string>();
    let joined = 0; // Σ (sentence length + 1) over `current` = current.join(' ').length + 1
    let fresh = 0; // sentences in `current` not carried over from the previous chunk
    const drop = () => {
      joined -= current.first()!.length + 1;
      current.shift();
    };
    for (const s of sentences) {
      if (current.size > 0 && joined + s.length > this.chunkSize && fresh > 0) {
        chunks.push(current.items().join(' '));
        if (this.chunkOverlap > 0) while (current.size > this.chunkOverlap) drop();
        else {
          current.clear();
          joined = 0;
        }
        // Carried sentences that would not leave room for `s` are dropped.
        while (current.size > 0 && joined + s.length > this.chunkSize) drop();
        fresh = 0;
      }
      current.push(s);
      joined += s.length + 1;
      fresh++;
    }
    if (fresh > 0) chunks.push(current.items().join(' '));
    return chunks;
  }
}

/** Any tokenizer: Firth's BPE/WordPiece/SentencePiece, gpt-tokenizer, tiktoken. */
export interface Tokenizer {
  encode(text: string): number[];
  decode(ids: number[]): string;
}

/**
 * Windows of `chunkSize` tokens, each starting `chunkSize − chunkOverlap` tokens after the last
 * (LangChain's `TokenTextSplitter`). Sizes are what the model sees, not characters.
 *
 *   new TokenSplitter(charTokenizer, { chunkSize: 4, chunkOverlap: 1 }).splitText('abcdefg') // ['abcd', 'defg']
 */
export class TokenSplitter extends TextSplitter {
  readonly tokenizer: Tokenizer;

  constructor(tokenizer: Tokenizer, options: SplitterOptions = {}) {
    super(options, { chunkSize: 256, chunkOverlap: 32 });
    this.tokenizer = tokenizer;
  }

  splitText(text: string): string[] {
    checkTextLength(text, 'text');
    const ids = this.tokenizer.encode(text);
    const step = this.chunkSize - this.chunkOverlap;
    const chunks: string[] = [];
    for (let start = 0; start < ids.length; start += step) {
      chunks.push(this.tokenizer.decode(ids.slice(start, start + this.chunkSize)));
      if (start + this.chunkSize >= ids.length) break;
    }
    return chunks;
  }
}
