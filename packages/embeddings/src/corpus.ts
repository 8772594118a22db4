/**
 * Corpora for Word2Vec: where sentences (lists of tokens) come from, read as a stream.
 *
 * A corpus is one of
 *   - `string[][]`: sentences already tokenized (the course's toy corpus);
 *   - a file path: gensim's `LineSentence` — one sentence per line, tokens split on whitespace,
 *     each line cut into pieces of at most 10,000 words (so a text8-style file, one 100 MB line,
 *     becomes 10,000-word pseudo-sentences exactly as gensim's `Text8Corpus`/`LineSentence` make
 *     them); `.gz` files are decompressed on the fly;
 *   - an (async) iterable of lines, split like a file's lines — one that can be read again (an
 *     array, or an object whose [Symbol.asyncIterator]() starts over), or a function returning a
 *     fresh one (`() => readLines()`): training reads the corpus once for the vocabulary and once
 *     per epoch, so a bare generator object, which can be read only once, is refused (gensim
 *     refuses a generator for the same reason).
 *
 * Files are never held whole: bytes arrive in chunks (64 KiB by default), are decoded as strict
 * UTF-8 (a bad byte is an error naming its offset, not a silent U+FFFD) and split into tokens, and
 * a token or multi-byte character cut by a chunk boundary is carried over to the next chunk.
 *
 *   for await (const s of sentences('text8.txt.gz')) …   // s: string[] of ≤ 10,000 tokens
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { ValidationError } from '@firth/numeric';

/** gensim's `MAX_WORDS_IN_BATCH`: the longest sentence a file line becomes, and a training job's size. */
export const MAX_SENTENCE_LENGTH = 10_000;

export type Corpus =
  | readonly (readonly string[])[]
  | string
  | LineSentence
  | AsyncIterable<string>
  | Iterable<string>
  | (() => AsyncIterable<string> | Iterable<string>);

/**
 * Throws when a constructor that trains synchronously (`new Word2Vec(corpus, …)`, `new GloVe(…)`)
 * is given a corpus it can only read asynchronously: a file path, a LineSentence, an iterable of
 * lines or a function — those go through `await Model.create(corpus, options)`.
 */
export function checkSyncCorpus(first: unknown, model: string): void {
  if (first === undefined || Array.isArray(first)) return;
  const streamed =
    typeof first === 'string' ||
    typeof first === 'function' ||
    first instanceof LineSentence ||
    (first !== null &&
      typeof first === 'object' &&
      (Symbol.asyncIterator in first || Symbol.iterator in first));
  if (streamed)
    throw new ValidationError(
      `new ${model}(corpus) trains synchronously on tokenized sentences (string[][]) only: for a file path or a stream of lines use await ${model}.create(corpus, options)`,
      'corpus',
    );
  if (first === null || typeof first !== 'object')
    throw new ValidationError(
      `options must be an object, got ${first === null ? 'null' : typeof first}`,
      'options',
    );
}

/**
 * Throws when `corpus` is an iterator that reads only once (a generator object: its iterator is
 * itself) and training needs `passes` > 1 reads — instead of silently training on nothing.
 */
export function checkRestartable(corpus: Corpus, passes: number): void {
  if (passes <= 1 || corpus === null || typeof corpus !== 'object' || Array.isArray(corpus)) return;
  const it = corpus as { [Symbol.asyncIterator]?: () => unknown; [Symbol.iterator]?: () => unknown };
  const self =
    (typeof it[Symbol.asyncIterator] === 'function' && it[Symbol.asyncIterator]!() === corpus) ||
    (typeof it[Symbol.iterator] === 'function' && it[Symbol.iterator]!() === corpus);
  if (self)
    throw new ValidationError(
      `the corpus is a one-shot iterator (a generator object), but training reads it ${passes} times ` +
        '(once for the vocabulary, once per epoch): pass a function that returns a fresh iterable ' +
        '(() => lines()), a file path, or an array',
      'corpus',
    );
}

export interface LineSentenceOptions {
  /** Longest sentence; longer lines are cut into pieces. @default 10000 — gensim's `max_sentence_length` */
  maxSentenceLength?: number;
  /** Bytes read at a time. @default 65536 */
  chunkSize?: number;
}

/** Whitespace as Python's `str.split()` sees it (close enough: JavaScript's `\s`). */
const WS = /\s+/;

/**
 * A file of sentences, one per line, streamed (gensim's `LineSentence`).
 *   for await (const s of new LineSentence('lee_background.cor')) …
 */
export class LineSentence implements AsyncIterable<string[]> {
  readonly maxSentenceLength: number;
  readonly chunkSize: number;

  constructor(
    readonly path: string,
    options: LineSentenceOptions = {},
  ) {
    this.maxSentenceLength = options.maxSentenceLength ?? MAX_SENTENCE_LENGTH;
    this.chunkSize = options.chunkSize ?? 1 << 16;
    if (!Number.isInteger(this.maxSentenceLength) || this.maxSentenceLength < 1)
      throw new ValidationError(
        `maxSentenceLength must be a positive integer, got ${options.maxSentenceLength}`,
        'maxSentenceLength',
      );
    if (!Number.isInteger(this.chunkSize) || this.chunkSize < 1)
      throw new ValidationError(
        `chunkSize must be a positive integer, got ${options.chunkSize}`,
        'chunkSize',
      );
    if (!existsSync(path) || !statSync(path).isFile())
      throw new ValidationError(`corpus file not found: ${path}`, 'corpus');
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string[]> {
    yield* splitLines(decodeUtf8(readBytes(this.path, this.chunkSize), this.path), this.maxSentenceLength);
  }
}

/** The file's bytes in chunks; gunzipped when the name ends in `.gz`. */
async function* readBytes(path: string, chunkSize: number): AsyncGenerator<Uint8Array> {
  const raw = createReadStream(path, { highWaterMark: chunkSize });
  const stream = path.endsWith('.gz') ? raw.pipe(createGunzip({ chunkSize: Math.max(64, chunkSize) })) : raw;
  for await (const chunk of stream) yield chunk as Uint8Array;
}

/** Length of the sequence a UTF-8 lead byte starts (0 for a continuation or invalid byte). */
function seqLength(b: number): number {
  return b < 0x80
    ? 1
    : b >= 0xc2 && b <= 0xdf
      ? 2
      : b >= 0xe0 && b <= 0xef
        ? 3
        : b >= 0xf0 && b <= 0xf4
          ? 4
          : 0;
}

/** Offset of the first byte that is not valid UTF-8 (used only to word the error). */
function firstInvalid(bytes: Uint8Array): number {
  const dec = new TextDecoder('utf-8', { fatal: true });
  for (let i = 0; i < bytes.length; ) {
    const n = seqLength(bytes[i]!);
    if (n === 0) return i;
    try {
      dec.decode(bytes.subarray(i, i + n));
    } catch {
      return i;
    }
    i += n;
  }
  return bytes.length;
}

/**
 * Strict UTF-8 decoding of a chunked byte stream. A character split by a chunk boundary is held
 * back (at most 3 bytes) until the next chunk completes it.
 */
export async function* decodeUtf8(chunks: AsyncIterable<Uint8Array>, name = 'input'): AsyncGenerator<string> {
  // ignoreBOM: every chunk is decoded on its own, so a chunk starting with U+FEFF must not lose it
  // (Python's 'utf-8' codec, which gensim uses, keeps a BOM too)
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let carry: Uint8Array = new Uint8Array(0);
  let offset = 0; // bytes of the stream before `carry`
  for await (const chunk of chunks) {
    const bytes = carry.length === 0 ? chunk : concat(carry, chunk);
    // hold back an incomplete final character: find the last lead byte among the last 3 bytes
    let cut = bytes.length;
    for (let k = 1; k <= 3 && k <= bytes.length; k++) {
      const b = bytes[bytes.length - k]!;
      if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
      if (seqLength(b) > k) cut = bytes.length - k;
      break;
    }
    const whole = bytes.subarray(0, cut);
    let text: string;
    try {
      text = decoder.decode(whole);
    } catch {
      throw new ValidationError(
        `${name} is not valid UTF-8: bad byte at offset ${offset + firstInvalid(whole)}`,
        'corpus',
      );
    }
    offset += cut;
    carry = bytes.slice(cut);
    if (text.length > 0) yield text;
  }
  if (carry.length > 0)
    throw new ValidationError(
      `${name} is not valid UTF-8: truncated character at offset ${offset}`,
      'corpus',
    );
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Text chunks → sentences: tokens split on whitespace, one sentence per line, each cut into pieces
 * of at most `maxLength` tokens; a token cut by a chunk boundary is joined back.
 */
export async function* splitLines(
  chunks: AsyncIterable<string>,
  maxLength = MAX_SENTENCE_LENGTH,
): AsyncGenerator<string[]> {
  let current: string[] = [];
  let partial = ''; // text after the chunk's last whitespace: maybe half a token
  for await (const chunk of chunks) {
    const text = partial + chunk;
    let end = text.length;
    while (end > 0 && !WS.test(text[end - 1]!)) end--;
    partial = text.slice(end);
    const lines = text.slice(0, end).split('\n');
    for (let l = 0; l < lines.length; l++) {
      for (const tok of lines[l]!.split(WS)) {
        if (tok === '') continue;
        current.push(tok);
        if (current.length === maxLength) {
          yield current;
          current = [];
        }
      }
      // a newline ends the sentence (all but the last piece were followed by '\n')
      if (l < lines.length - 1 && current.length > 0) {
        yield current;
        current = [];
      }
    }
  }
  if (partial !== '') current.push(partial);
  if (current.length > 0) yield current;
}

async function* linesToChunks(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string> {
  for await (const line of lines) {
    if (typeof line !== 'string')
      throw new ValidationError(`a corpus of lines must yield strings, got ${typeof line}`, 'corpus');
    yield `${line}\n`;
  }
}

/**
 * Every corpus form as one stream of sentences.
 *   for await (const s of sentences([['a', 'b'], ['c']])) …  // ['a', 'b'], ['c']
 */
export async function* sentences(corpus: Corpus): AsyncGenerator<string[]> {
  if (typeof corpus === 'function') {
    const fresh = corpus();
    if (fresh === null || typeof fresh !== 'object' || typeof fresh === 'function')
      throw new ValidationError(
        `a corpus function must return an iterable of lines, got ${fresh === null ? 'null' : typeof fresh}`,
        'corpus',
      );
    yield* sentences(fresh);
  } else if (typeof corpus === 'string') {
    yield* new LineSentence(corpus);
  } else if (corpus instanceof LineSentence) {
    yield* corpus;
  } else if (Array.isArray(corpus) && corpus.length > 0 && corpus.every((s) => typeof s === 'string')) {
    // an array of lines
    yield* splitLines(linesToChunks(corpus as unknown as string[]));
  } else if (Array.isArray(corpus)) {
    for (let i = 0; i < corpus.length; i++) {
      const s = corpus[i];
      if (!Array.isArray(s) || s.some((t) => typeof t !== 'string'))
        throw new ValidationError(
          `corpus[${i}] must be an array of strings (a tokenized sentence)`,
          `corpus[${i}]`,
        );
      yield s as string[];
    }
  } else if (
    corpus !== null &&
    typeof corpus === 'object' &&
    (Symbol.asyncIterator in corpus || Symbol.iterator in corpus)
  ) {
    yield* splitLines(linesToChunks(corpus as AsyncIterable<string>));
  } else {
    throw new ValidationError(
      'a corpus must be string[][] (tokenized sentences), a file path, an iterable of lines or a function returning one',
      'corpus',
    );
  }
}
