import { readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { BaseMessage } from '@langchain/core/messages';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { beforeAll, describe, expect, test } from 'vitest';
import { BM25 } from './bm25.js';
import { COURSE_NOTES_QUESTIONS } from './course-notes.js';
import { NO_ANSWER, QUESTION_STOP_WORDS } from './extractive.js';
import { FileLoader } from './loaders.js';
import { citedSentences, createRagChain, formatSources, groundedness } from './rag-chain.js';

const CONCEPTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs/concepts');
let passages: Document[];
let bm25: BM25;
const retriever = (q: string) => bm25.search(q, 4).map((h) => passages[h.index]!);

beforeAll(async () => {
  const files = readdirSync(CONCEPTS).filter((f) => f.endsWith('.md'));
  passages = (await new FileLoader({ root: CONCEPTS }).loadAll(files.sort())).filter(
    (d) => !/see also$/i.test(d.metadata.section ?? ''),
  );
  bm25 = new BM25({ stopWords: QUESTION_STOP_WORDS }).fit(
    passages.map((d) => `${d.metadata.section ?? ''}\n${d.pageContent}`),
  );
});

const QUESTIONS = COURSE_NOTES_QUESTIONS;

describe('the question set over docs/concepts (BM25, extractive answers)', () => {
  test('retrieval hit@3 = 1 (12/12; hit@1 11/12), every answer grounded and citing the expected file', async () => {
    const chain = createRagChain({ retriever });
    let hits3 = 0;
    let hits1 = 0;
    for (const [question, expected] of QUESTIONS) {
      const top = retriever(question).map((d) => d.metadata.source);
      if (top.slice(0, 3).includes(expected)) hits3++;
      if (top[0] === expected) hits1++;
      const { answer, sources, context } = await chain.invoke({ question });
      expect(groundedness(answer, context), question).toBe(1);
      expect(
        sources.map((s) => s.source),
        question,
      ).toContain(expected);
      // The leading sentence comes from the expected file.
      const first = citedSentences(answer)[0]!;
      expect(sources.find((s) => s.n === first.cites[0])?.source, question).toBe(expected);
    }
    expect(hits3 / QUESTIONS.length).toBeGreaterThanOrEqual(1);
    expect(hits1 / QUESTIONS.length).toBeGreaterThanOrEqual(11 / 12);
  });

  test('What is BERT? through the chain: sources name the file and section', async () => {
    const out = await createRagChain({ retriever }).invoke({ question: 'What is BERT?' });
    expect(out.answer).toMatch(
      /^BERT \(Bidirectional Encoder Representations from Transformers\) is an encoder-only transformer/,
    );
    expect(out.sources).toContainEqual({ n: 1, source: 'bert.md', section: 'BERT > What it is' });
    expect(out.context.length).toBeLessThanOrEqual(4);
  });
});

describe('createRagChain with an LLM', () => {
  test('the prompt holds numbered sources; the model’s answer passes through', async () => {
    const reply = 'BERT is an encoder-only transformer [1].';
    const llm = new FakeListChatModel({ responses: [reply] });
    const prompts: BaseMessage[][] = [];
    const out = await createRagChain({ retriever, llm }).invoke(
      { question: 'What is BERT?' },
      { callbacks: [{ handleChatModelStart: (_llm, messages) => void prompts.push(...messages) }] },
    );
    expect(out.answer).toBe(reply);
    expect(prompts).toHaveLength(1);
    const [system, human] = prompts[0]!;
    expect(String(system!.content)).toMatch(/cite the source it comes from as \[n\]/);
    expect(String(system!.content)).toContain('[1] bert.md — BERT > ');
    expect(String(system!.content)).toMatch(/\n\[2\] \S+\.md — /);
    expect(human!.content).toBe('What is BERT?');
    expect(out.sources.every((s) => s.n === 1 && s.source === 'bert.md')).toBe(true);
    // An abstractive paraphrase is not verbatim: groundedness says so.
    expect(groundedness(out.answer, out.context)).toBe(0);
  });

  test('no passages → NO_ANSWER without calling the model; empty question → error', async () => {
    const llm = new FakeListChatModel({ responses: ['should not be used'] });
    const none = createRagChain({ retriever: () => [], llm });
    expect(await none.invoke({ question: 'What is BERT?' })).toEqual({
      answer: NO_ANSWER,
      sources: [],
      context: [],
    });
    expect(llm.i).toBe(0);
    await expect(createRagChain({ retriever }).invoke({ question: '   ' })).rejects.toThrow(
      /question is empty/,
    );
  });
});

describe('groundedness and citations', () => {
  const a = new Document({
    pageContent: 'Cats purr when content.\nDogs bark at night.',
    metadata: { source: 'a.md' },
  });
  const b = new Document({ pageContent: 'Birds sing in the morning.', metadata: { source: 'b.md' } });
  const ctx: DocumentInterface[] = [a, b];

  test('verbatim and cited → 1; wrong citation, invented or uncited sentences count against', () => {
    expect(groundedness('Cats purr when content. [1] Birds sing in the morning. [2]', ctx)).toBe(1);
    expect(groundedness('Cats purr when content. Dogs bark at night. [1]', ctx)).toBe(1);
    expect(groundedness('Dogs  bark at\nnight [1].', ctx)).toBe(1);
    expect(groundedness('Cats purr when content. [2]', ctx)).toBe(0);
    expect(groundedness('Cats purr when content. [1] Cats rule the world. [1]', ctx)).toBe(0.5);
    expect(groundedness('Birds sing in the morning. [2] Dogs bark at night.', ctx)).toBe(0.5);
    expect(groundedness(NO_ANSWER, [])).toBe(1);
  });

  test('citedSentences and formatSources', () => {
    expect(citedSentences('A one. B two [1]. C three. [2, 3]')).toEqual([
      { text: 'A one.', cites: [1] },
      { text: 'B two', cites: [1] },
      { text: 'C three.', cites: [2, 3] },
    ]);
    expect(
      formatSources([a, b, new Document({ pageContent: 'x', metadata: { source: 'a.md', section: 'S' } })]),
    ).toBe(
      '[1] a.md\nCats purr when content.\nDogs bark at night.\n\n[2] b.md\nBirds sing in the morning.\n\n[1] a.md — S\nx',
    );
  });
});
