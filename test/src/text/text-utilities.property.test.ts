/**
 * Property tests of the text utilities (fast-check, fixed seeds, bounded runs) on hostile Unicode
 * (arbitraries.ts): RAG's splitters, sentence splitting, BM25's word tokenizer, the extractive
 * answerer, and the embeddings word tokenizers. Each never throws on any text, loses nothing, and
 * keeps what its doc comment says (sizes, trimming, tokens made of word characters).
 */
import { simplePreprocess, tokenize as sklearnTokenize } from '@firth/embeddings';
import {
  BM25,
  tokenize as bm25Tokenize,
  extractiveAnswer,
  NO_ANSWER,
  RecursiveCharacterSplitter,
  SentenceSplitter,
  splitSentences,
  TokenSplitter,
} from '@firth/rag';
import { Document } from '@langchain/core/documents';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { nastyText, viaUtf8 } from './arbitraries.ts';
import { byteLevelBpe, charTokenizer, llama2c } from './tokenizers.ts';

const RUNS = { seed: 20261206, numRuns: 300 };
const squeeze = (s: string) => s.replace(/\s+/g, '');
const options = fc
  .integer({ min: 1, max: 60 })
  .chain((chunkSize) =>
    fc.record({ chunkSize: fc.constant(chunkSize), chunkOverlap: fc.nat(chunkSize - 1) }),
  );

describe('RAG splitters', () => {
  test('recursive: chunks within chunkSize (a character is never cut, so ≤ 2 UTF-16 units), nothing lost', () => {
    fc.assert(
      fc.property(nastyText, options, (text, o) => {
        const chunks = new RecursiveCharacterSplitter(o).splitText(text);
        const all = chunks.join('');
        for (const c of chunks) {
          expect(c.length).toBeGreaterThan(0);
          expect(c.length).toBeLessThanOrEqual(Math.max(o.chunkSize, 2));
          if (viaUtf8(text) === text) expect(viaUtf8(c), 'half an emoji').toBe(c);
        }
        for (const ch of squeeze(text)) expect(all.includes(ch), JSON.stringify(ch)).toBe(true);
      }),
      RUNS,
    );
  });

  test('splitSentences: trimmed sentences, single spaces, the text in order', () => {
    fc.assert(
      fc.property(nastyText, (text) => {
        const sentences = splitSentences(text);
        for (const s of sentences) {
          expect(s).toBe(s.trim());
          expect(s).not.toMatch(/\s\s|[^\S ]/);
          expect(s.length).toBeGreaterThan(0);
        }
        expect(squeeze(sentences.join(''))).toBe(squeeze(text));
      }),
      RUNS,
    );
  });

  test('sentence splitter: every sentence in a chunk; a chunk over chunkSize is one sentence', () => {
    fc.assert(
      fc.property(nastyText, options, (text, o) => {
        const chunks = new SentenceSplitter(o).splitText(text);
        const sentences = splitSentences(text);
        for (const s of sentences) expect(chunks.some((c) => c.includes(s))).toBe(true);
        for (const c of chunks) if (c.length > o.chunkSize) expect(sentences).toContain(c);
      }),
      RUNS,
    );
  });

  test('token splitter with Firth tokenizers: windows of ids; the char tokenizer gives the text back', () => {
    fc.assert(
      fc.property(nastyText, options, (text, o) => {
        for (const tok of [
          byteLevelBpe,
          {
            encode: (t: string) => llama2c.encode(t, { bos: false }),
            decode: (ids: number[]) => llama2c.decode(ids),
          },
        ]) {
          const ids = tok.encode(text);
          const step = o.chunkSize - o.chunkOverlap;
          const chunks = new TokenSplitter(tok, o).splitText(text);
          expect(chunks.length).toBe(
            ids.length <= o.chunkSize
              ? Math.min(ids.length, 1)
              : Math.ceil((ids.length - o.chunkSize) / step) + 1,
          );
        }
        const known = [...text].filter((c) => charTokenizer.tokenToId(c) !== undefined).join('');
        const chunks = new TokenSplitter(charTokenizer, {
          chunkSize: o.chunkSize,
          chunkOverlap: 0,
        }).splitText(known);
        expect(chunks.join('')).toBe(known);
      }),
      RUNS,
    );
  });
});

describe('BM25 and the extractive answerer', () => {
  test('tokenize: lowercase runs of letters and digits', () => {
    fc.assert(
      fc.property(nastyText, (text) => {
        for (const t of bm25Tokenize(text)) {
          expect(t).toMatch(/^[\p{L}\p{N}]+$/u);
          expect(t).toBe(t.toLowerCase());
        }
      }),
      RUNS,
    );
  });

  test('fit and search any corpus: finite scores ≥ 0, best first; an answer cites only its passages', () => {
    fc.assert(
      fc.property(fc.array(nastyText, { minLength: 1, maxLength: 6 }), nastyText, (docs, query) => {
        const hits = new BM25().fit(docs).search(query, 10);
        for (const h of hits) expect(Number.isFinite(h.score) && h.score > 0).toBe(true);
        for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
        if (query.trim() === '') return;
        const passages = docs.map(
          (d, i) => new Document({ pageContent: d, metadata: { source: `${i}.md` } }),
        );
        const a = extractiveAnswer(query, passages);
        if (a.sentences.length === 0) expect(a.answer).toBe(NO_ANSWER);
        for (const s of a.sentences)
          expect(docs[Number(s.source.split('.')[0])]!.replace(/\s+/g, ' ')).toContain(s.text.slice(0, 20));
      }),
      { ...RUNS, numRuns: 150 },
    );
  });
});

describe('embeddings word tokenizers', () => {
  test("scikit-learn's analyzer: runs of ≥ 2 word characters, lowercased", () => {
    fc.assert(
      fc.property(nastyText, (text) => {
        for (const t of sklearnTokenize(text)) expect(t).toMatch(/^[\p{L}\p{N}_]{2,}$/u);
      }),
      RUNS,
    );
  });

  test("gensim's simple_preprocess: 2–15 characters, no digits, no leading _", () => {
    fc.assert(
      fc.property(nastyText, fc.boolean(), (text, deacc) => {
        for (const t of simplePreprocess(text, { deacc })) {
          expect([...t].length).toBeGreaterThanOrEqual(2);
          expect([...t].length).toBeLessThanOrEqual(15);
          expect(t).not.toMatch(/^_|\p{Nd}/u);
        }
      }),
      RUNS,
    );
  });
});
