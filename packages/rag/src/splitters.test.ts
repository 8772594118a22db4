import { Document } from '@langchain/core/documents';
import { describe, expect, it } from 'vitest';
import {
  RecursiveCharacterSplitter,
  SentenceSplitter,
  splitSentences,
  type Tokenizer,
  TokenSplitter,
} from './splitters.js';

describe('RecursiveCharacterSplitter', () => {
  it('merges words up to chunkSize', () => {
    const s = new RecursiveCharacterSplitter({ chunkSize: 10, chunkOverlap: 0 });
    expect(s.splitText('aaa bbb ccc ddd')).toEqual(['aaa bbb', 'ccc ddd']);
  });

  it('prefers paragraph, then line, then sentence boundaries', () => {
    const s = new RecursiveCharacterSplitter({ chunkSize: 30, chunkOverlap: 0 });
    const text = 'First paragraph here.\n\nSecond one. It has two sentences.\nAnd a line.';
    expect(s.splitText(text)).toEqual([
      'First paragraph here.',
      'Second one.',
      'It has two sentences.',
      'And a line.',
    ]);
  });

  it('overlaps neighbouring chunks and never exceeds chunkSize', () => {
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ');
    const s = new RecursiveCharacterSplitter({ chunkSize: 40, chunkOverlap: 12 });
    const chunks = s.splitText(words);
    expect(chunks.every((c) => c.length <= 40)).toBe(true);
    expect(chunks[1]).toBe('w9 w10 w11 w12 w13 w14 w15 w16 w17 w18'); // 'w9 w10 w11' (10 chars ≤ 12) repeated
    for (let i = 1; i < chunks.length; i++) {
      const prevTail = chunks[i - 1]!.split(' ').slice(-3).join(' ');
      expect(chunks[i]!.startsWith(prevTail)).toBe(true);
    }
    // Every word survives, in order.
    const seen = new Set(chunks.flatMap((c) => c.split(' ')));
    expect(seen.size).toBe(60);
  });

  it('falls back to characters for an unbroken string', () => {
    const s = new RecursiveCharacterSplitter({ chunkSize: 4, chunkOverlap: 1 });
    expect(s.splitText('abcdefghij')).toEqual(['abcd', 'defg', 'ghij']);
  });

  it('keeps metadata and numbers chunks per Document', () => {
    const s = new RecursiveCharacterSplitter({ chunkSize: 10, chunkOverlap: 0 });
    const docs = s.splitDocuments([
      new Document({ pageContent: 'aaa bbb ccc ddd', metadata: { source: 'a.md', section: 'Intro' } }),
      new Document({ pageContent: 'eee', metadata: { source: 'b.txt' } }),
    ]);
    expect(docs.map((d) => d.metadata)).toEqual([
      { source: 'a.md', section: 'Intro', chunk: 0 },
      { source: 'a.md', section: 'Intro', chunk: 1 },
      { source: 'b.txt', chunk: 0 },
    ]);
  });

  it('rejects an overlap not smaller than the chunk', () => {
    expect(() => new RecursiveCharacterSplitter({ chunkSize: 10, chunkOverlap: 10 })).toThrow(/chunkOverlap/);
    expect(() => new RecursiveCharacterSplitter({ chunkSize: 0 })).toThrow(/chunkSize/);
  });
});

describe('sentences', () => {
  it('splits at sentence ends, not after abbreviations or initials', () => {
    expect(
      splitSentences('Dr. Smith came. He left! Did he? J. R. R. Tolkien wrote, e.g. The Hobbit.'),
    ).toEqual(['Dr. Smith came.', 'He left!', 'Did he?', 'J. R. R. Tolkien wrote, e.g. The Hobbit.']);
    expect(splitSentences('"Stop." She did. 3.14 is pi.')).toEqual(['"Stop."', 'She did.', '3.14 is pi.']);
  });

  it('packs whole sentences into chunks, with sentence overlap', () => {
    expect(
      new SentenceSplitter({ chunkSize: 20, chunkOverlap: 0 }).splitText('One two. Three four. Five.'),
    ).toEqual(['One two. Three four.', 'Five.']);
    expect(
      new SentenceSplitter({ chunkSize: 20, chunkOverlap: 1 }).splitText('One two. Three four. Five.'),
    ).toEqual(['One two. Three four.', 'Three four. Five.']);
  });
});

describe('TokenSplitter', () => {
  const chars: Tokenizer = {
    encode: (t) => [...t].map((c) => c.codePointAt(0)!),
    decode: (ids) => String.fromCodePoint(...ids),
  };
  it('cuts windows of chunkSize tokens with overlap', () => {
    expect(new TokenSplitter(chars, { chunkSize: 4, chunkOverlap: 1 }).splitText('abcdefg')).toEqual([
      'abcd',
      'defg',
    ]);
    expect(new TokenSplitter(chars, { chunkSize: 3, chunkOverlap: 0 }).splitText('abcdefg')).toEqual([
      'abc',
      'def',
      'g',
    ]);
    expect(new TokenSplitter(chars, { chunkSize: 3, chunkOverlap: 0 }).splitText('')).toEqual([]);
  });

  it('works with a word tokenizer (sizes in tokens, not characters)', () => {
    const vocab: string[] = [];
    const words: Tokenizer = {
      encode: (t) =>
        t.split(' ').map((w) => {
          const i = vocab.indexOf(w);
          return i >= 0 ? i : vocab.push(w) - 1;
        }),
      decode: (ids) => ids.map((i) => vocab[i]).join(' '),
    };
    const s = new TokenSplitter(words, { chunkSize: 3, chunkOverlap: 1 });
    expect(s.splitText('the quick brown fox jumps over the lazy dog')).toEqual([
      'the quick brown',
      'brown fox jumps',
      'jumps over the',
      'the lazy dog',
    ]);
  });
});
