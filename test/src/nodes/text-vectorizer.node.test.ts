import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { TextVectorizer } from '../../../packages/n8n-nodes-firth/nodes/TextVectorizer/TextVectorizer.node.js';
import { fakeContext } from '../harness/fake-context.js';
import { expectRoundedBeside } from '../harness/rounded.js';

const node = new TextVectorizer();
type Out = { json: Record<string, any> };
const defaults = Object.fromEntries(node.description.properties.map((p) => [p.name, p.default]));
const run = async (items: object[], parameters: Record<string, unknown> = {}, continueOnFail = false) =>
  (
    (await node.execute.call(
      fakeContext({ items: items as never, parameters: { ...defaults, ...parameters }, continueOnFail }),
    )) as Out[][]
  )[0]!;
const docs = [{ text: 'The cat sat on the mat' }, { text: 'The dog sat on the log' }];

describe('Text Vectorizer node', () => {
  it('counts words per document as CountVectorizer does (alphabetical features)', async () => {
    const out = await run(docs);
    expect(out[0]!.json.features).toEqual(['cat', 'dog', 'log', 'mat', 'on', 'sat', 'the']);
    expect(out[0]!.json.vector).toEqual([1, 0, 0, 1, 1, 1, 2]);
    expect(out[1]!.json.terms).toEqual({ dog: 1, log: 1, on: 1, sat: 1, the: 2 });
  });

  it('weights by TF-IDF (smooth idf, L2 norm) and removes stop words on request', async () => {
    const out = await run(docs, { method: 'tfidf', stopWords: true });
    expect(out[0]!.json.features).toEqual(['cat', 'dog', 'log', 'mat', 'sat']);
    // idf = ln((1 + n) / (1 + df)) + 1: words in one of two documents ln(3/2) + 1, in both 1
    const rare = Math.log(3 / 2) + 1;
    expect(out[0]!.json.idf[0]).toBeCloseTo(rare, 12);
    expect(out[0]!.json.idf[4]).toBeCloseTo(1, 12);
    const v = out[0]!.json.vector as number[];
    const norm = Math.sqrt(2 * rare * rare + 1);
    expect(v[0]).toBeCloseTo(rare / norm, 12);
    expect(v[4]).toBeCloseTo(1 / norm, 12);
    expectRoundedBeside(out[0]!.json, ['vector', 'terms', 'idf']);
    expect(out[0]!.json.rounded.idf[0]).toBe(1.4055); // ln(3/2) + 1 = 1.4054651…
  });

  it("one-hot encodes each document's words over the corpus vocabulary", async () => {
    const out = await run([{ text: 'cat dog' }, { text: 'fish bird cat' }], { method: 'oneHot' });
    expect(out[1]!.json.vocabulary).toEqual(['cat', 'dog', 'fish', 'bird']);
    expect(out[1]!.json.oneHot).toEqual([
      [0, 0, 1, 0],
      [0, 0, 0, 1],
      [1, 0, 0, 0],
    ]);
  });

  it('builds a windowed co-occurrence matrix', async () => {
    const [out] = await run([{ text: 'the cat sat' }], { method: 'cooccurrence', window: 1 });
    const { vocabulary, matrix } = out!.json;
    const at = (a: string, b: string) => matrix[vocabulary.indexOf(a)][vocabulary.indexOf(b)];
    expect(at('cat', 'the')).toBe(1);
    expect(at('cat', 'sat')).toBe(1);
    expect(at('the', 'sat')).toBe(0);
  });

  it('with Continue On Fail a bad item is an error in its place, and the others are vectorized', async () => {
    const items = [docs[0]!, { text: 'x '.repeat(2_100_000) }, {}, docs[1]!];
    const out = await run(items, {}, true);
    expect(out.map((o) => o.json.error === undefined)).toEqual([true, false, false, true]);
    expect(out[1]!.json).toMatchObject({
      itemIndex: 1,
      error: expect.stringMatching(/^Item 1: field "text" has 4200000 characters; at most 4194304/),
    });
    expect(out[2]!.json).toMatchObject({
      itemIndex: 2,
      error: 'Item 2: field "text" must be text, got nothing',
    });
    // fitted on the two good documents only
    expect(out[0]!.json.features).toEqual(['cat', 'dog', 'log', 'mat', 'on', 'sat', 'the']);
    expect(out[3]!.json.terms).toEqual({ dog: 1, log: 1, on: 1, sat: 1, the: 2 });
    const error = await run(items).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.context.itemIndex).toBe(1);
  });

  it('names bad input', async () => {
    const error = await run([{ text: 'ok' }, { text: 3 }]).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.context.itemIndex).toBe(1);
    expect(error.message).toMatch(/Item 1: field "text" must be text, got number/);
    await expect(run([{ text: 'the and of' }], { stopWords: true })).rejects.toThrow(/empty vocabulary/i);
    const [soft] = await run([{ nope: 1 }], {}, true);
    expect(soft!.json.error).toMatch(/Item 0: field "text" must be text, got nothing/);
  });
});
