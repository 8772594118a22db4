/**
 * Tier 1 for the RAG nodes: Firth Retriever (ai_retriever sub-node), Firth RAG Answer and Firth
 * Vector Store, driven with a fake n8n context whose AI inputs are set per test.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FirthEmbeddings } from '@firth/langchain';
import {
  answerWithSources,
  askCourseNotes,
  DEFAULT_ANALYZER,
  DEFAULT_HYBRID_WEIGHTS,
  DEFAULT_RRF_K,
  HnswIndex,
  HybridRetriever,
} from '@firth/rag';
import { InMemoryChatMessageHistory } from '@langchain/core/chat_history';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { type IExecuteFunctions, NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { RagAnswer } from '../../../packages/n8n-nodes-firth/nodes/RagAnswer/RagAnswer.node.js';
import { RetrieverFirth } from '../../../packages/n8n-nodes-firth/nodes/RetrieverFirth/RetrieverFirth.node.js';
import {
  buildRetriever,
  retrieverOptions,
} from '../../../packages/n8n-nodes-firth/nodes/shared/knowledge.js';
import { VectorStoreFirth } from '../../../packages/n8n-nodes-firth/nodes/VectorStoreFirth/VectorStoreFirth.node.js';
import { fakeContext } from '../harness/fake-context.js';

type Retriever = { invoke(q: string): Promise<{ pageContent: string; metadata: Record<string, any> }[]> };

/** A fake context whose AI inputs are `inputs` (type → the object a sub-node supplies). */
function withInputs(ctx: IExecuteFunctions, inputs: Record<string, unknown>, declared?: string[]) {
  const c = ctx as any;
  c.getNodeInputs = () => (declared ?? ['main', ...Object.keys(inputs)]).map((type) => ({ type }));
  c.getInputConnectionData = async (type: string) => inputs[type];
  return ctx;
}

const defaultsOf = (node: { description: { properties: { name: string; default: unknown }[] } }) =>
  Object.fromEntries(node.description.properties.map((p) => [p.name, p.default]));

async function retriever(parameters: Record<string, unknown>, inputs: Record<string, unknown> = {}) {
  const sub = new RetrieverFirth();
  const ctx = withInputs(
    fakeContext({ items: [], parameters: { ...defaultsOf(sub), ...parameters } }),
    inputs,
  );
  const { response } = await sub.supplyData.call(ctx as never, 0);
  return { retriever: response as Retriever, ctx: ctx as any };
}

describe('Firth Retriever (ai_retriever)', () => {
  it('by default: BM25 over the shipped course notes, each query recorded as a run', async () => {
    const { retriever: r, ctx } = await retriever({});
    const docs = await r.invoke('What is BERT?');
    expect(docs).toHaveLength(4);
    expect(docs[0]!.metadata.source).toBe('bert.md');
    expect(docs[0]!.metadata.bm25Score).toBeGreaterThan(0);
    expect(ctx.runs).toHaveLength(1);
    expect(ctx.runs[0]).toMatchObject({
      type: 'ai_retriever',
      input: [[{ json: { query: 'What is BERT?' } }]],
    });
    expect(ctx.runs[0].output[0][0].json.documents).toHaveLength(4);
  });

  it('semantic and hybrid search need an Embedding sub-node, and say so', async () => {
    for (const search of ['semantic', 'hybrid']) {
      const error = await retriever({ search }).catch((e) => e);
      expect(error).toBeInstanceOf(NodeOperationError);
      expect(error.message).toMatch(/compares vectors: connect an Embedding sub-node/);
    }
  });

  it('a folder of documents, searched by hybrid BM25 + GloVe (RRF); an empty or missing folder is an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firth-kb-'));
    writeFileSync(join(dir, 'heart.txt'), 'A heart attack happens when blood flow to the heart is blocked.');
    writeFileSync(
      join(dir, 'market.md'),
      '# Markets\n\nStock markets fell sharply as investors sold shares.',
    );
    writeFileSync(join(dir, 'rain.txt'), 'Heavy rain and strong winds are expected on the coast.');
    const { retriever: r } = await retriever(
      { knowledgeBase: 'folder', folder: dir, search: 'hybrid', topK: 2, chunkSize: 500, chunkOverlap: 50 },
      { ai_embedding: new FirthEmbeddings() },
    );
    const docs = await r.invoke('cardiac illness of the heart');
    expect(docs[0]!.metadata.source).toBe('heart.txt');
    expect(docs[0]!.metadata.rrfScore).toBeGreaterThan(0);
    expect(docs).toHaveLength(2);
    const empty = await retriever({ knowledgeBase: 'folder', folder: '' }).catch((e) => e);
    expect(empty.message).toMatch(/Folder is empty/);
    const missing = await retriever({ knowledgeBase: 'folder', folder: join(dir, 'nope') }).catch((e) => e);
    expect(missing).toBeInstanceOf(NodeOperationError);
  });

  it("Options: the analyzer and hybrid weights, defaulting to @firth/rag's measured constants", async () => {
    const options = new RetrieverFirth().description.properties.find((p) => p.name === 'options')!;
    const defaults = Object.fromEntries(
      (options.options as { name: string; default: unknown }[]).map((o) => [o.name, o.default]),
    );
    expect(DEFAULT_ANALYZER).toBe('english');
    expect(defaults).toEqual({
      analyzer: DEFAULT_ANALYZER,
      bm25Weight: DEFAULT_HYBRID_WEIGHTS[0],
      vectorWeight: DEFAULT_HYBRID_WEIGHTS[1],
      rrfK: DEFAULT_RRF_K,
    });
    expect(retrieverOptions({})).toEqual({
      analyzer: DEFAULT_ANALYZER,
      weights: [...DEFAULT_HYBRID_WEIGHTS],
      rrfK: DEFAULT_RRF_K,
    });
    expect(() => retrieverOptions({ analyzer: 'french' })).toThrow(/Analyzer must be one of/);
    const dir = mkdtempSync(join(tmpdir(), 'firth-kb-'));
    writeFileSync(join(dir, 'wing.txt'), 'The pressure on the wing rises with the angle of attack.');
    writeFileSync(join(dir, 'rain.txt'), 'Heavy rain and strong winds are expected on the coast.');
    const embeddings = new FirthEmbeddings();
    const hybrid = await buildRetriever({
      knowledgeBase: 'folder',
      folder: dir,
      search: 'hybrid',
      topK: 2,
      embeddings,
    });
    expect(hybrid).toBeInstanceOf(HybridRetriever);
    expect((hybrid as HybridRetriever).bm25.tokenizeOptions.analyzer).toBe(DEFAULT_ANALYZER);
    expect([(hybrid as HybridRetriever).weights, (hybrid as HybridRetriever).rrfK]).toEqual([
      [...DEFAULT_HYBRID_WEIGHTS],
      DEFAULT_RRF_K,
    ]);
    const set = await buildRetriever({
      knowledgeBase: 'folder',
      folder: dir,
      search: 'hybrid',
      topK: 2,
      embeddings,
      ...retrieverOptions({ analyzer: 'english', bm25Weight: 2, vectorWeight: 0.5, rrfK: 10 }),
    });
    expect([(set as HybridRetriever).weights, (set as HybridRetriever).rrfK]).toEqual([[2, 0.5], 10]);
    expect((set as HybridRetriever).bm25.tokenizeOptions.analyzer).toBe('english');
    // keyword search through the node: 'pressures' finds 'pressure' only with the english analyzer
    const standard = await retriever({
      knowledgeBase: 'folder',
      folder: dir,
      search: 'keyword',
      options: { analyzer: 'standard' },
    });
    expect(await standard.retriever.invoke('pressures')).toEqual([]);
    const english = await retriever({ knowledgeBase: 'folder', folder: dir, search: 'keyword' });
    expect((await english.retriever.invoke('pressures')).map((d) => d.metadata.source)).toEqual(['wing.txt']);
  });

  it('a store file that does not exist is an error, not a new empty store', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'firth-store-')), 'none.sqlite');
    const error = await retriever(
      { knowledgeBase: 'store', storeFile: path },
      { ai_embedding: new FirthEmbeddings() },
    ).catch((e) => e);
    expect(error.message).toContain(`Store File ${path} does not exist`);
  });
});

async function answer(
  items: object[],
  parameters: Record<string, unknown> = {},
  inputs: Record<string, unknown> = {},
  options: { continueOnFail?: boolean; declared?: string[]; type?: string } = {},
) {
  const node = new RagAnswer();
  const ctx = withInputs(
    fakeContext({
      items: items as never,
      parameters: { ...defaultsOf(node), ...parameters },
      continueOnFail: options.continueOnFail,
    }),
    inputs,
    options.declared,
  );
  if (options.type) {
    const inner = ctx.getNode();
    (ctx as any).getNode = () => ({ ...inner, type: options.type });
  }
  return ((await node.execute.call(ctx)) as { json: Record<string, any> }[][])[0]!;
}

describe('Firth RAG Answer', () => {
  it('with nothing connected: the course notes, an extractive answer citing them, grounded', async () => {
    const [out] = await answer([{ question: 'What is BERT?' }], { question: 'What is BERT?' });
    const core = await askCourseNotes('What is BERT?');
    expect(out!.json).toMatchObject({
      question: 'What is BERT?',
      answer: core.answer,
      sources: core.sources,
      groundedness: 1,
      answeredBy: 'extractive',
    });
    expect(out!.json.passages).toBeUndefined();
  });

  it('Passages sets how many course-note passages are read, beyond the default 4 too', async () => {
    const [out] = await answer([{}], { question: 'What is BERT?', k: 6, includeContext: true });
    expect(out!.json.passages).toHaveLength(6);
    expect(out!.json.answer).toBe((await askCourseNotes('What is BERT?', { k: 6 })).answer);
  });

  it('as an agent tool (no inputs at all) it still answers from the course notes', async () => {
    const [out] = await answer(
      [{}],
      { question: 'How does skip-gram differ from CBOW?' },
      {},
      { declared: [] },
    );
    expect(out!.json.sources.map((s: { source: string }) => s.source)).toContain('word2vec.md');
  });

  it("as n8n's tool variant (ragAnswerTool): one field, the answer in prose with its numbered sources", async () => {
    // n8n hands the agent JSON.stringify of the items: [{"response":"BERT … [2] …\n\nSources:\n- [2] bert.md — …"}]
    const out = await answer(
      [{ chatInput: 'What is BERT?' }],
      { question: 'What is BERT?' },
      {},
      { declared: [], type: 'n8n-nodes-firth.ragAnswerTool' },
    );
    const core = await askCourseNotes('What is BERT?');
    expect(out).toEqual([{ json: { response: answerWithSources(core) }, pairedItem: { item: 0 } }]);
    expect(out[0]!.json.response).toMatch(
      /\n\nSources:\n- \[\d\] bert\.md — BERT > What it is\n- \[\d\] bert\.md — BERT > How it learns$/,
    );
  });

  it('sources are passages: two sections of bert.md cited with two numbers, each sentence with its own', async () => {
    const [out] = await answer([{}], { question: 'What is BERT?', includeContext: true });
    const passages = out!.json.passages as { metadata: { section: string } }[];
    const numberOf = (section: string) => passages.findIndex((p) => p.metadata.section === section) + 1;
    expect(out!.json.sources).toEqual([
      { n: numberOf('BERT > What it is'), source: 'bert.md', section: 'BERT > What it is' },
      { n: numberOf('BERT > How it learns'), source: 'bert.md', section: 'BERT > How it learns' },
    ]);
    expect(out!.json.answer).toMatch(
      new RegExp(
        `tasks\\. \\[${numberOf('BERT > What it is')}\\] .* tasks\\. \\[${numberOf('BERT > How it learns')}\\]$`,
      ),
    );
  });

  it('uses a connected retriever and chat model: the model writes the answer from the numbered sources', async () => {
    const { retriever: r } = await retriever({ topK: 2 });
    const llm = new FakeListChatModel({ responses: ['BERT is an encoder-only transformer [1].'] });
    const [out] = await answer(
      [{}],
      { question: 'What is BERT?', includeContext: true },
      { ai_retriever: r, ai_languageModel: llm },
    );
    expect(out!.json).toMatchObject({
      answer: 'BERT is an encoder-only transformer [1].',
      answeredBy: 'chat model',
      invalidCitations: [],
    });
    expect(out!.json.passages).toHaveLength(2);
    expect(out!.json.sources[0].source).toBe('bert.md');
  });

  it('with a memory: the follow-up is rewritten from the history, and each turn is saved', async () => {
    // what n8n's Simple Memory supplies: a BaseChatMemory (BufferWindowMemory) over a message history
    const history = new InMemoryChatMessageHistory();
    const memory = {
      memoryKey: 'chat_history',
      loadMemoryVariables: async () => ({ chat_history: await history.getMessages() }),
      saveContext: async (input: { input: string }, output: { output: string }) => {
        await history.addMessages([new HumanMessage(input.input), new AIMessage(output.output)]);
      },
    };
    const items = [{ question: 'What is BERT?' }, { question: 'When was it released?' }];
    const out = await answer(items, { question: (i: number) => items[i]!.question }, { ai_memory: memory });
    expect(out[0]!.json.standaloneQuestion).toBe('What is BERT?');
    expect(out[1]!.json).toMatchObject({
      question: 'When was it released?',
      standaloneQuestion: 'When was BERT released?',
      answer: (await askCourseNotes('When was BERT released?')).answer,
    });
    expect(out[1]!.json.sources[0].source).toBe('bert.md');
    expect(out[1]!.json.answer).toMatch(/released by Google in 2018/);
    expect((await history.getMessages()).map((m) => m.text)).toEqual([
      'What is BERT?',
      out[0]!.json.answer,
      'When was it released?',
      out[1]!.json.answer,
    ]);
    // without the memory the same follow-up is about GPT (the passage that says "released" first)
    const [alone] = await answer([{}], { question: 'When was it released?' });
    expect(alone!.json.standaloneQuestion).toBeUndefined();
    expect(alone!.json.sources[0].source).toBe('gpt.md');
  });

  it('a memory that fails to load fails that item, named', async () => {
    const memory = {
      loadMemoryVariables: async () => {
        throw new Error('memory store unreachable');
      },
      saveContext: async () => {},
    };
    const error = await answer([{}], { question: 'What is BERT?' }, { ai_memory: memory }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toContain('memory store unreachable');
    const [out] = await answer(
      [{}],
      { question: 'What is BERT?' },
      { ai_memory: memory },
      { continueOnFail: true },
    );
    expect(out!.json.error).toContain('memory store unreachable');
  });

  it('an empty question fails that item only, named; with Continue On Fail the item carries the error', async () => {
    const items = [{ question: 'What is GloVe?' }, { question: '  ' }];
    const q = { question: (i: number) => items[i]!.question };
    const error = await answer(items, q).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toMatch(/Question is empty/);
    expect(error.context.itemIndex).toBe(1);
    const out = await answer(items, q, {}, { continueOnFail: true });
    expect(out[0]!.json.sources[0].source).toBe('glove.md');
    expect(out[1]!.json.error).toMatch(/Question is empty/);
  });

  it("Options > Analyzer: the course notes searched with the analyzer asked (default: DEFAULT_ANALYZER); a bad one is the item's error", async () => {
    // 'vectors trained' reaches 'vector … train' only through the stems (GloVe's page)
    const question = 'How are word vectors trained?';
    const items = [{ question }, { question }];
    const sourcesOf = (out: { json: Record<string, any> }[]) =>
      out.map((o) => o.json.passages.map((p: { metadata: { source: string } }) => p.metadata.source));
    const byDefault = await answer(items, { question, includeContext: true });
    const english = await answer(items, { question, includeContext: true, options: { analyzer: 'english' } });
    const standard = await answer(items, {
      question,
      includeContext: true,
      options: { analyzer: 'standard' },
    });
    expect(DEFAULT_ANALYZER).toBe('english');
    expect(byDefault.map((o) => o.json.answer)).toEqual(english.map((o) => o.json.answer));
    expect(sourcesOf(english)[0]).toContain('glove.md');
    expect(sourcesOf(standard)[1]).not.toContain('glove.md');
    expect(standard[0]!.json.answer).not.toBe(english[0]!.json.answer);
    const bad = await answer(
      [{ question }],
      { question, options: { analyzer: 'klingon' } },
      {},
      { continueOnFail: true },
    );
    expect(bad[0]!.json.error).toMatch(/Analyzer must be one of 'standard', 'english', got "klingon"/);
  });
});

async function store(
  items: object[],
  parameters: Record<string, unknown>,
  embeddings: unknown = new FirthEmbeddings(),
  continueOnFail = false,
) {
  const node = new VectorStoreFirth();
  const ctx = withInputs(
    fakeContext({
      items: items as never,
      parameters: { ...defaultsOf(node), ...parameters },
      continueOnFail,
    }),
    { ai_embedding: embeddings },
  );
  return ((await node.execute.call(ctx)) as { json: Record<string, any> }[][])[0]!;
}

describe('Firth Vector Store', () => {
  const docs = [
    { text: 'The patient suffered a heart attack and was rushed to hospital.', id: 'cardiac' },
    { text: 'The stock market fell sharply as investors sold shares.', id: 'markets' },
    { text: 'The team won the football match with a late goal.', id: 'football' },
  ];

  it('inserts items (other fields become metadata), persists them, and searches by meaning', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'firth-store-')), 'lesson.sqlite');
    const inserted = await store(docs, { operation: 'insert', storeFile: path });
    expect(inserted.map((o) => o.json.inserted)).toEqual([1, 1, 1]);
    expect(inserted[0]!.json.store).toBe(path);
    // a second run opens the same file
    const hits = await store([{ query: 'a cardiac illness' }], {
      operation: 'search',
      storeFile: path,
      query: 'a cardiac illness',
      topK: 2,
    });
    expect(hits).toHaveLength(2);
    expect(hits[0]!.json.document).toMatchObject({ metadata: { id: 'cardiac' } });
    expect(hits[0]!.json.score).toBeGreaterThan(hits[1]!.json.score);
  });

  it('Index: HNSW keeps <file>.hnsw beside the store, in step with inserts, and searches like Exact', async () => {
    const index = new VectorStoreFirth().description.properties.find((p) => p.name === 'index')!;
    expect(index.default).toBe('exact');
    expect((index.options as { value: string }[]).map((o) => o.value)).toEqual(['exact', 'hnsw']);
    const path = join(mkdtempSync(join(tmpdir(), 'firth-store-')), 'lesson.sqlite');
    await store(docs, { operation: 'insert', storeFile: path, index: 'hnsw' });
    expect(HnswIndex.load(`${path}.hnsw`).size).toBe(3);
    const search = (mode: string) =>
      store([{ query: 'a cardiac illness' }], {
        operation: 'search',
        storeFile: path,
        query: 'a cardiac illness',
        topK: 2,
        index: mode,
      });
    const [approximate, exact] = [await search('hnsw'), await search('exact')];
    expect(approximate.map((o) => o.json.document.metadata.id)).toEqual([
      'cardiac',
      exact[1]!.json.document.metadata.id,
    ]);
    expect(approximate[0]!.json.score).toBeCloseTo(exact[0]!.json.score, 5);
    const bad = await store([{ query: 'x' }], {
      operation: 'search',
      storeFile: path,
      query: 'x',
      index: 'ivf',
    }).catch((e) => e);
    expect(bad).toBeInstanceOf(NodeOperationError);
    expect(bad.message).toMatch(/index must be 'exact' or 'hnsw', got "ivf"/);
  });

  it('refuses, per item and named, an item without text and a store built with another embedding', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'firth-store-')), 'lesson.sqlite');
    const out = await store(
      [docs[0]!, { title: 'no text' }],
      { operation: 'insert', storeFile: path },
      undefined,
      true,
    );
    expect(out[0]!.json.inserted).toBe(1);
    expect(out[1]!.json.error).toMatch(/Item has no text in field "text"/);
    const threeD = {
      embedDocuments: async (t: string[]) => t.map(() => [1, 0, 0]),
      embedQuery: async () => [1, 0, 0],
    };
    const error = await store(
      [{ query: 'heart' }],
      { operation: 'search', storeFile: path, query: 'heart' },
      threeD,
    ).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toContain(
      `${path} holds 100-dimensional vectors but the embeddings make 3-dimensional ones`,
    );
  });
});
