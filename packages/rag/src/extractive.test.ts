import { Document } from '@langchain/core/documents';
import { beforeAll, describe, expect, test } from 'vitest';
import type { BM25Retriever } from './bm25-retriever.js';
import { courseNotesRetriever } from './course-notes.js';
import {
  answerCandidates,
  extractiveAnswer,
  NO_ANSWER,
  proseSentences,
  questionKind,
  tightSpan,
} from './extractive.js';
import { createRagChain, groundedness } from './rag-chain.js';

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

// issue 16: answers on documents no one here wrote — Markdown READMEs and plain-text news
const doc = (pageContent: string, source = 'readme.md', section?: string) =>
  new Document({ pageContent, metadata: { source, ...(section ? { section } : {}) } });

const README = doc(
  [
    '# Acme Flow',
    '![build](https://img.shields.io/badge/build-passing-green) [![npm](https://img.shields.io/npm/v/acme.svg)](https://npmjs.com/acme)',
    'Acme Flow is a workflow engine for small teams.',
    '| Version | Released |',
    '| ------- | -------- |',
    '| 2.0 | 2021 |',
    'To install Acme Flow, run:',
    '```bash',
    'npm install acme-flow --save',
    '```',
    '- [Docs](https://acme.dev/docs)',
    '- Node.js (ESM and CommonJS) - 20.x, 22.x',
    'Acme Flow was first released by Jane Doe in 2019 after two years of work on the engine.',
    'The Acme Flow engine schedules every workflow step on a worker pool of its own.',
  ].join('\n'),
);

describe('answers on unseen documents (issue 16)', () => {
  test('headings, badges, table rows, code lines, link-only items and lead-ins ending in ":" never answer', () => {
    const texts = answerCandidates(README).map((c) => c.text);
    expect(texts).toEqual([
      'Acme Flow is a workflow engine for small teams.',
      'Node.js (ESM and CommonJS) - 20.x, 22.x',
      'Acme Flow was first released by Jane Doe in 2019 after two years of work on the engine.',
      'The Acme Flow engine schedules every workflow step on a worker pool of its own.',
    ]);
    for (const q of [
      'What is Acme Flow?',
      'Which version of Acme Flow was released?',
      'Who made Acme Flow?',
    ]) {
      const { answer } = extractiveAnswer(q, [README]);
      expect(answer, q).not.toMatch(/#|\||npm install|shields\.io|run:/);
    }
  });

  test('a question asking for a command or setting gets the code block, read with its lead-in', () => {
    const code = answerCandidates(README, { code: true }).filter((c) => c.form === 'code');
    expect(code).toEqual([
      { text: 'npm install acme-flow --save', form: 'code', context: 'To install Acme Flow, run:' },
    ]);
    const { answer } = extractiveAnswer('How do I install Acme Flow?', [README]);
    expect(answer.startsWith('npm install acme-flow --save [1]')).toBe(true);
  });

  test('a when-question picks the sentence with the year; a how-many question the one with a number', () => {
    const when = extractiveAnswer('When was Acme Flow released?', [README]);
    expect(when.answer).toBe(
      'Acme Flow was first released by Jane Doe in 2019 after two years of work on the engine. [1]',
    );
    const news = doc(
      'Floods in Hunan province worsened overnight. The Hunan flood crisis has left 108 people dead. ' +
        'Officials in Hunan say the flood crisis could worsen.',
      'news.txt',
    );
    expect(extractiveAnswer('How many people have died in the Hunan flood crisis?', [news]).answer).toBe(
      'The Hunan flood crisis has left 108 people dead. [1]',
    );
    expect(extractiveAnswer('Who released Acme Flow?', [README]).sentences[0]!.text).toMatch(/Jane Doe/);
  });

  test('answers are short: at most 2 sentences and 60 words; a long sentence is cut to the span that answers', () => {
    const long = doc(
      `${Array.from({ length: 30 }, (_, i) => `clause number ${i} says nothing,`).join(' ')} ` +
        'and the flow similarity behind an intense blast wave was found by taylor, lin and sakurai, ' +
        `${Array.from({ length: 20 }, (_, i) => `filler ${i} here,`).join(' ')} the end .`,
      'cran.txt',
    );
    const { sentences, answer } = extractiveAnswer(
      'Who found the flow similarity behind an intense blast wave?',
      [long],
    );
    expect(sentences).toHaveLength(1);
    expect(sentences[0]!.text.split(' ').length).toBeLessThanOrEqual(60);
    expect(sentences[0]!.text).toContain('found by taylor');
    expect(groundedness(answer, [long])).toBe(1); // the span is verbatim
    expect(tightSpan('a b c', 'a?', 60, 'what')).toBe('a b c');
    const many = doc(
      Array.from(
        { length: 8 },
        (_, i) => `Acme sentence ${i} tells more about the Acme engine and its workers.`,
      ).join(' '),
    );
    const out = extractiveAnswer('What does the Acme engine do?', [many]);
    expect(out.sentences.length).toBeLessThanOrEqual(2);
    expect(
      out.sentences
        .map((s) => s.text)
        .join(' ')
        .split(' ').length,
    ).toBeLessThanOrEqual(60);
    expect(() => extractiveAnswer('What?', [many], { maxWords: 2 })).toThrow(/maxWords/);
  });

  test('each cited sentence maps to the exact passage it came from (extractive and chain evidence)', async () => {
    const intro = doc('Acme Flow is a workflow engine for small teams.', 'acme.md', 'Acme > Intro');
    const history = doc('Acme Flow was first released by Jane Doe in 2019.', 'acme.md', 'Acme > History');
    const chain = createRagChain({ retriever: () => [intro, history] });
    const out = await chain.invoke({ question: 'When was Acme Flow first released?' });
    expect(out.answer).toBe('Acme Flow was first released by Jane Doe in 2019. [2]');
    expect(out.evidence).toEqual([
      {
        sentence: 'Acme Flow was first released by Jane Doe in 2019.',
        cites: [2],
        passages: [{ n: 2, source: 'acme.md', section: 'Acme > History', text: history.pageContent }],
      },
    ]);
    for (const e of out.evidence) for (const p of e.passages) expect(p.text).toContain(e.sentence);
    const none = await createRagChain({ retriever: () => [] }).invoke({ question: 'When?' });
    expect(none.evidence).toEqual([]);
  });
});
