import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document } from '@langchain/core/documents';
import { describe, expect, test } from 'vitest';
import { BM25Retriever } from './bm25-retriever.js';
import { askCourseNotes, courseNotesRetriever, loadCourseNotes, loadFolder } from './course-notes.js';
import { groundedness } from './rag-chain.js';

describe('BM25Retriever', () => {
  const docs = [
    new Document({ pageContent: 'The perceptron learns a linear boundary.', metadata: { source: 'a' } }),
    new Document({
      pageContent: 'Skip-gram predicts context words from the centre word.',
      metadata: { source: 'b' },
    }),
    new Document({
      pageContent: 'CBOW predicts the centre word from its context.',
      metadata: { source: 'c' },
    }),
  ];

  test('ranks by BM25 and returns LangChain Documents with their score', async () => {
    const hits = await BM25Retriever.fromDocuments(docs, { k: 2 }).invoke('centre word context');
    expect(hits.map((d) => d.metadata.source).sort()).toEqual(['b', 'c']);
    expect(hits[0]!.metadata.bm25Score).toBeGreaterThan(0);
    expect(hits[0]!.metadata.bm25Score).toBeGreaterThanOrEqual(hits[1]!.metadata.bm25Score);
  });

  test('a query sharing no word gives no documents, and a bad k is refused', async () => {
    expect(await BM25Retriever.fromDocuments(docs).invoke('zebra')).toEqual([]);
    expect(() => new BM25Retriever(docs, { k: 0 })).toThrow(/k must be a positive integer/);
  });
});

describe('the course notes knowledge base (docs/concepts)', () => {
  test('one Document per section of the twelve concept pages, without "See also" sections', async () => {
    const docs = await loadCourseNotes();
    const files = new Set(docs.map((d) => d.metadata.source));
    expect(files.size).toBe(12);
    expect(files.has('README.md')).toBe(false);
    expect(docs.some((d) => /see also$/i.test(String(d.metadata.section)))).toBe(false);
    expect(docs.length).toBeGreaterThan(40);
  });

  test('"What is BERT?" and "How does skip-gram differ from CBOW?" are answered from the right page, cited and grounded', async () => {
    const bert = await askCourseNotes('What is BERT?');
    expect(bert.answer).toMatch(/^BERT \(Bidirectional Encoder Representations from Transformers\) is/);
    // the definition is cited to its own passage: bert.md's "What it is" section, not just the file
    expect(bert.sources[0]).toMatchObject({ source: 'bert.md', section: 'BERT > What it is' });
    expect(bert.answer).toContain(`tasks. [${bert.sources[0]!.n}]`);
    expect(groundedness(bert.answer, bert.context)).toBe(1);

    const w2v = await askCourseNotes('How does skip-gram differ from CBOW?');
    expect(w2v.sources.map((s) => s.source)).toContain('word2vec.md');
    expect(w2v.answer).toMatch(/skip-gram/i);
    expect(w2v.answer).toMatch(/CBOW/);
    expect(groundedness(w2v.answer, w2v.context)).toBe(1);
  });

  test('a folder of notes can be given; an empty folder or an empty question is a clear error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firth-notes-'));
    await expect(courseNotesRetriever({ dir })).rejects.toThrow(/No course notes \(\*\.md\) in/);
    writeFileSync(
      join(dir, 'cats.md'),
      '# Cats\n\n## What they are\n\nCats are small furry animals that purr.\n',
    );
    const { answer, sources } = await askCourseNotes('What are cats?', { dir });
    expect(sources[0]!.source).toBe('cats.md');
    expect(answer).toContain('Cats are small furry animals that purr.');
    await expect(askCourseNotes('  ')).rejects.toThrow(/question must be a non-empty string/);
  });
});

describe('loadFolder', () => {
  test('loads every supported file under a folder, split into chunks; an empty folder is an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firth-kb-'));
    await expect(loadFolder(dir)).rejects.toThrow(/No documents in .*supported: \.txt/);
    writeFileSync(join(dir, 'a.txt'), `${'Attention weighs every word. '.repeat(20)}`);
    writeFileSync(join(dir, 'b.md'), '# B\n\nBERT reads both directions.\n');
    writeFileSync(join(dir, 'ignored.bin'), 'x');
    const docs = await loadFolder(dir, { chunkSize: 200, chunkOverlap: 0 });
    expect(new Set(docs.map((d) => d.metadata.source))).toEqual(new Set(['a.txt', 'b.md']));
    expect(docs.filter((d) => d.metadata.source === 'a.txt').length).toBeGreaterThan(2);
    expect(Math.max(...docs.map((d) => d.pageContent.length))).toBeLessThanOrEqual(200);
  });
});

describe('asking about the course', () => {
  test('k passages are retrieved, beyond the default 4 too', async () => {
    expect((await askCourseNotes('What is BERT?')).context).toHaveLength(4);
    const six = await askCourseNotes('What is BERT?', { k: 6 });
    expect(six.context).toHaveLength(6);
    expect(six.context.map((d) => d.pageContent)).toEqual(
      (await courseNotesRetriever({ k: 6 })).search('What is BERT?').map((d) => d.pageContent),
    );
  });

  test('"What does the course say about attention?" opens with attention.md, not a sentence that merely says "say"', async () => {
    const { answer, sources } = await askCourseNotes('What does the course say about attention?');
    expect(sources[0]!.source).toBe('attention.md');
    expect(sources.every((s) => s.source === 'attention.md')).toBe(true);
    expect(answer).toMatch(/attention/i);
  });
});
