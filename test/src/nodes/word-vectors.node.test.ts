import { answerAnalogy, KeyedVectors, loadPretrained } from '@firth/embeddings';
import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { EmbeddingsFirth } from '../../../packages/n8n-nodes-firth/nodes/EmbeddingsFirth/EmbeddingsFirth.node.js';
import { WordVectors } from '../../../packages/n8n-nodes-firth/nodes/WordVectors/WordVectors.node.js';
import { fakeContext } from '../harness/fake-context.js';
import { expectRoundedBeside } from '../harness/rounded.js';

const node = new WordVectors();
type Out = { json: Record<string, any> };
const defaults = Object.fromEntries(node.description.properties.map((p) => [p.name, p.default]));
const run = async (items: object[], parameters: Record<string, unknown> = {}, continueOnFail = false) =>
  (
    (await node.execute.call(
      fakeContext({ items: items as never, parameters: { ...defaults, ...parameters }, continueOnFail }),
    )) as Out[][]
  )[0]!;

describe('Word Vectors node (GloVe 6B 100d, 20k words, shipped)', () => {
  it("solves the course's analogy: man : king :: woman : queen", async () => {
    const [out] = await run([{}], { operation: 'analogy' });
    expect(out!.json.answer).toBe('queen');
    expect(out!.json.answers[0].score).toBeGreaterThan(0.7);
    expect(out!.json.analogy).toBe('man : king :: woman : ?');
    expect(out!.json.correct).toBeUndefined(); // no expected answer given
    expectRoundedBeside(out!.json, ['answers']);
  });

  it('says whether each analogy answer is the expected one (the core decides)', async () => {
    const questions = [
      { a: 'man', b: 'king', c: 'woman', expected: 'queen' },
      { a: 'boy', b: 'girl', c: 'brother', expected: 'sister' }, // GloVe answers 'daughter'
      { a: 'paris', b: 'france', c: 'tokyo', expected: 'Japan' }, // compared case-insensitively
    ];
    const out = await run(questions, {
      operation: 'analogy',
      topn: 3,
      ...Object.fromEntries(
        ['a', 'b', 'c', 'expected'].map((k) => [k, (i: number) => (questions[i] as any)[k]]),
      ),
    });
    expect(out.map((o) => [o.json.answer, o.json.expected, o.json.correct])).toEqual([
      ['queen', 'queen', true],
      ['daughter', 'sister', false],
      ['japan', 'japan', true],
    ]);
    const kv = await loadPretrained('glove-6b-100d-top20k');
    for (const [i, q] of questions.entries())
      expect(out[i]!.json).toMatchObject(
        answerAnalogy(kv, { ...q, expected: q.expected.toLowerCase() }, { topn: 3 }),
      );
  });

  it('finds neighbours, similarities, the odd one out and document similarity', async () => {
    const [near] = await run([{}], { operation: 'mostSimilar', positive: 'Paris', topn: 3 });
    expect(near!.json.similar.map((s: any) => s.word)).toContain('france');
    const [sim] = await run([{}], { operation: 'similarity' });
    expect(sim!.json.similarity).toBeGreaterThan(0.7);
    expectRoundedBeside(sim!.json, ['similarity']);
    expectRoundedBeside(near!.json, ['similar']);
    const [odd] = await run([{}], { operation: 'doesntMatch' });
    expect(odd!.json.doesntMatch).toBe('cereal');
    const docs = await run(
      [{ t: 'A kitten is resting on a rug.' }, { t: 'Stock markets fell sharply today.' }],
      {
        operation: 'documentSimilarity',
        text2: (i: number) => ['A kitten is resting on a rug.', 'Stock markets fell sharply today.'][i],
      },
    );
    expect(docs[0]!.json.similarity).toBeGreaterThan(docs[1]!.json.similarity);
  });

  it('uses a trained model from its JSON', async () => {
    const kv = new KeyedVectors(['cat', 'dog', 'car'], Float32Array.from([1, 0.1, 0.9, 0.2, 0, 1]), 2);
    const [out] = await run([{}], {
      operation: 'mostSimilar',
      vectors: 'model',
      model: { wv: kv.toJSON() },
      positive: 'cat',
      topn: 1,
    });
    expect(out!.json.top).toBe('dog');
  });

  it('lists out-of-vocabulary words, per item', async () => {
    const error = await run([{}, {}], {
      operation: 'similarity',
      word2: (i: number) => ['queen', 'qqqzzz'][i],
    }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.context.itemIndex).toBe(1);
    expect(error.message).toMatch(/qqqzzz/);
    const [soft] = await run([{}], { operation: 'mostSimilar', positive: ' , ' }, true);
    expect(soft!.json.error).toMatch(/Positive Words is empty/);
    await expect(run([{}], { vectors: 'model', model: '{"nope": 1}' })).rejects.toThrow(/no word vectors/);
  });
});

describe('Embeddings Firth sub-node', () => {
  it('supplies LangChain-shaped embeddings: unit vectors, related texts closer', async () => {
    const sub = new EmbeddingsFirth();
    const ctx = fakeContext({ items: [], parameters: { vectors: 'glove-6b-100d-top20k', pooling: 'mean' } });
    const { response } = await sub.supplyData.call(ctx as never, 0);
    const embeddings = response as {
      embedDocuments(t: string[]): Promise<number[][]>;
      embedQuery(t: string): Promise<number[]>;
    };
    const [a, b, c] = await embeddings.embedDocuments(['heart attack', 'cardiac arrest', 'stock market']);
    const q = await embeddings.embedQuery('heart attack');
    const dot = (x: number[], y: number[]) => x.reduce((s, v, k) => s + v * y[k]!, 0);
    expect(a).toHaveLength(100);
    expect(q).toEqual(a);
    expect(dot(a!, a!)).toBeCloseTo(1, 6);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
    // each call shows in n8n as a run of the sub-node: texts in, vectors out
    const runs = (ctx as unknown as { runs: { type: string; input: any; output: any }[] }).runs;
    expect(runs.map((r) => r.type)).toEqual(['ai_embedding', 'ai_embedding']);
    expect(runs[0]!.input[0][0].json.documents).toEqual(['heart attack', 'cardiac arrest', 'stock market']);
    expect(runs[0]!.output[0][0].json.response).toEqual([a, b, c]);
    expect(runs[1]!.input[0][0].json.query).toBe('heart attack');
    expect(runs[1]!.output[0][0].json.response).toEqual(q);
  });
  it('reports a bad model as a node error', async () => {
    const sub = new EmbeddingsFirth();
    const ctx = fakeContext({ items: [], parameters: { vectors: 'model', model: '', pooling: 'mean' } });
    const { response } = await sub.supplyData.call(ctx as never, 0);
    await expect((response as { embedQuery(t: string): Promise<number[]> }).embedQuery('x')).rejects.toThrow(
      /Model is empty/,
    );
    // the error is the sub-node's output in n8n's editor too
    const runs = (ctx as unknown as { runs: { output: unknown }[] }).runs;
    expect(runs[0]!.output).toBeInstanceOf(NodeOperationError);
  });
});
