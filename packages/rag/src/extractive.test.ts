import { Document } from '@langchain/core/documents';
import { beforeAll, describe, expect, test } from 'vitest';
import type { BM25Retriever } from './bm25-retriever.js';
import { courseNotesRetriever } from './course-notes.js';
import { extractiveAnswer, NO_ANSWER, proseSentences, questionKind } from './extractive.js';

// The knowledge base: docs/concepts, one Document per Markdown section; "See also" sections are
// links, never answers, so they are not indexed. BM25 sees the heading path too (the page title is
// a heading, not in the section text) and drops stop words and question words.
let notes: BM25Retriever;
const retrieve = (q: string, k = 4) => notes.search(q, k);

beforeAll(async () => {
  notes = await courseNotesRetriever();
});

describe('extractiveAnswer on docs/concepts', () => {
  test('What is BERT? — the answer opens with bert.md’s definition sentence, cited', () => {
    const found = retrieve('What is BERT?');
    const { answer, sentences, citations } = extractiveAnswer('What is BERT?', found);
    const definition =
      'BERT (Bidirectional Encoder Representations from Transformers) is an encoder-only transformer, released by Google in 2018, that is pretrained on large amounts of unlabelled text to produce a context-dependent vector for every token and is then fine-tuned for language-understanding tasks.';
    expect(sentences[0]).toMatchObject({
      text: definition,
      source: 'bert.md',
      section: 'BERT > What it is',
      position: 0,
    });
    expect(answer.startsWith(`${definition} [${sentences[0]!.n}]`)).toBe(true);
    expect(citations).toContainEqual({ n: sentences[0]!.n, source: 'bert.md', section: 'BERT > What it is' });
    // two sentences (the default maxSentences, issue 16): the definition and one supporting fact
    expect(sentences).toHaveLength(2);
  });

  test('How does skip-gram differ from CBOW? — cites word2vec.md, names both', () => {
    const q = 'How does skip-gram differ from CBOW?';
    const { answer, sentences, citations } = extractiveAnswer(q, retrieve(q));
    expect(citations.map((c) => c.source)).toContain('word2vec.md');
    expect(sentences[0]!.text).toBe(
      'Skip-gram predicts the surrounding words from the centre word, while CBOW predicts the centre word from the average of its surrounding words.',
    );
    expect(answer).toMatch(/skip-gram/i);
    expect(answer).toMatch(/CBOW/);
    expect(answer).toMatch(/\[\d+\]$/);
  });

  test('every answer sentence is verbatim from its passage; no near-duplicates', () => {
    const q = 'What is attention?';
    const found = retrieve(q);
    const { sentences } = extractiveAnswer(q, [...found, ...found], { maxSentences: 4 });
    for (const s of sentences)
      expect(found[s.passageIndex % found.length]!.pageContent.replace(/\s+/g, ' ')).toContain(s.text);
    expect(new Set(sentences.map((s) => s.text)).size).toBe(sentences.length);
  });
});

describe('pieces', () => {
  test('questionKind: definitions and comparisons', () => {
    expect(questionKind('What is BERT?')).toEqual({ kind: 'definition', term: 'BERT' });
    expect(questionKind('What are word embeddings?')).toEqual({
      kind: 'definition',
      term: 'word embeddings',
    });
    expect(questionKind('what is an AI agent')).toEqual({ kind: 'definition', term: 'AI agent' });
    expect(questionKind('How does skip-gram differ from CBOW?')).toEqual({
      kind: 'comparison',
      a: 'skip-gram',
      b: 'CBOW',
    });
    expect(questionKind('What is the difference between BERT and GPT?')).toEqual({
      kind: 'comparison',
      a: 'BERT',
      b: 'GPT',
    });
    expect(questionKind('Why does ReLU help?')).toEqual({ kind: 'other' });
  });

  test('proseSentences drops headings, lists, links, tables, code and See also', () => {
    const text = [
      'GloVe is a method. It counts pairs.',
      '## Sub',
      '- a list item that is long enough',
      '[Transformers](./transformers.md) — the architecture',
      '| a | table | row | here |',
      '```',
      'code is not an answer at all',
      '```',
      'After the code comes more prose.',
    ].join('\n');
    expect(proseSentences(new Document({ pageContent: text, metadata: { source: 'x.md' } }))).toEqual([
      'GloVe is a method.',
      'After the code comes more prose.',
    ]);
    // 'It counts pairs.' has 3 words: a fragment, dropped.
    const seeAlso = new Document({
      pageContent: 'Word embeddings are vectors for words.',
      metadata: { source: 'x.md', section: 'X > See also' },
    });
    expect(proseSentences(seeAlso)).toEqual([]);
  });

  test('empty question throws; no passages or no matching word → NO_ANSWER', () => {
    expect(() => extractiveAnswer('  ', retrieve('BERT'))).toThrow(/question is empty/);
    expect(extractiveAnswer('What is BERT?', [])).toEqual({
      answer: NO_ANSWER,
      sentences: [],
      citations: [],
    });
    expect(extractiveAnswer('zebra quokka?', retrieve('BERT')).answer).toBe(NO_ANSWER);
    expect(() => extractiveAnswer('BERT', [], { maxSentences: 0 })).toThrow(/maxSentences/);
  });
});
