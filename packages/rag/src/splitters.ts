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
 */
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
      throw new Error(`chunkSize must be a positive integer, got ${this.chunkSize}`);
    if (!Number.isInteger(this.chunkOverlap) || this.chunkOverlap < 0 || this.chunkOverlap >= this.chunkSize)
      throw new Error(`chunkOverlap must be an integer in [0, chunkSize), got ${this.chunkOverlap}`);
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
    return this.split(text, this.separators);
  }

  private split(text: string, separators: Separator[]): string[] {
    // The first separator that occurs in the text (the last one, '', always does).
    let i = separators.findIndex((s) =>
      typeof s.split === 'string' ? text.includes(s.split) : s.split.test(text),
    );
    if (i < 0) i = separators.length - 1;
    const sep = separators[i] ?? { split: '', join: '' };
    const finer = separators.slice(i + 1);
    const pieces = text.split(sep.split).filter((p) => p !== '');
    const chunks: string[] = [];
    let small: string[] = [];
    for (const piece of pieces) {
      if (piece.length <= this.chunkSize) small.push(piece);
      else {
        if (small.length > 0) chunks.push(...this.merge(small, sep.join));
        small = [];
        chunks.push(...(finer.length > 0 ? this.split(piece, finer) : [piece]));
      }
    }
    if (small.length > 0) chunks.push(...this.merge(small, sep.join));
    return chunks;
  }

  /** Greedy merge with overlap (LangChain's `mergeSplits`). */
  private merge(pieces: string[], join: string): string[] {
    const out: string[] = [];
    const current: string[] = [];
    let total = 0; // length of current.join(join)
    const emit = () => {
      const chunk = current.join(join).trim();
      if (chunk !== '') out.push(chunk);
    };
    for (const piece of pieces) {
      const extra = current.length > 0 ? join.length : 0;
      if (total + piece.length + extra > this.chunkSize && current.length > 0) {
        emit();
        // Drop pieces from the front until what is left fits as overlap and leaves room for `piece`.
        while (
          current.length > 0 &&
          (total > this.chunkOverlap ||
            total + piece.length + (current.length > 0 ? join.length : 0) > this.chunkSize)
        ) {
          total -= (current[0]?.length ?? 0) + (current.length > 1 ? join.length : 0);
          current.shift();
        }
      }
      total += piece.length + (current.length > 0 ? join.length : 0);
      current.push(piece);
    }
    if (current.length > 0) emit();
    return out;
  }
}

/**
 * Sentences of a text: cut after `.`, `!` or `?` (and closing quotes/brackets) followed by space and
 * a capital, digit or quote — not after common abbreviations (`e.g.`, `Dr.`, single initials).
 *
 *   splitSentences('Dr. Smith came. He left! Did he?') // ['Dr. Smith came.', 'He left!', 'Did he?']
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  const re = /[.!?]+["')\]]*\s+(?=["'([]?[A-Z0-9])/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const before = text.slice(start, m.index + 1);
    if (/(?:^|\s)(?:[A-Z]|e\.g|i\.e|etc|vs|Dr|Mr|Mrs|Ms|Prof|St|Fig|No|al)\.$/.test(before)) continue;
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
    let current: string[] = [];
    let fresh = 0; // sentences in `current` not carried over from the previous chunk
    for (const s of sentences) {
      const length = current.reduce((n, x) => n + x.length + 1, 0) + s.length;
      if (current.length > 0 && length > this.chunkSize && fresh > 0) {
        chunks.push(current.join(' '));
        current = this.chunkOverlap > 0 ? current.slice(-this.chunkOverlap) : [];
        // Carried sentences that would not leave room for `s` are dropped.
        while (current.length > 0 && current.join(' ').length + 1 + s.length > this.chunkSize)
          current.shift();
        fresh = 0;
      }
      current.push(s);
      fresh++;
    }
    if (fresh > 0) chunks.push(current.join(' '));
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
