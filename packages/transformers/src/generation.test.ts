import { RandomState } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { type CausalLM, generate, nextTokenDistribution, sampleNext, streamGenerate } from './generation.js';

/** A toy tokenizer: one character per token; token 5 is the end token. */
const CHARS = ['a', 'b', 'c', '.', ' '];
const toy = {
  eos: 5,
  encode: (text: string) => [...text].map((c) => CHARS.indexOf(c)),
  decode: (ids: readonly number[]) => ids.map((i) => CHARS[i] ?? '').join(''),
};

/** A toy model whose logits depend only on the last token: table[last] (6 tokens). */
function toyModel(table: number[][]): CausalLM {
  return {
    vocabSize: 6,
    start() {
      return { step: (token: number) => Float32Array.from(table[token]!) };
    },
  };
}
// a → b → c → a … greedily; '.' → end
const CYCLE = [
  [0, 5, 1, 0, 0, -9],
  [0, 0, 5, 1, 0, -9],
  [5, 0, 0, 1, 0, -9],
  [0, 0, 0, 0, 0, 9],
  [5, 0, 0, 0, 0, -9],
  [0, 0, 0, 0, 0, 0],
];

describe('generate', () => {
  it('greedy follows the argmax and stops at maxNewTokens ("length")', async () => {
    const r = await generate(toyModel(CYCLE), toy, 'a', { temperature: 0, maxNewTokens: 7 });
    expect(r).toEqual({
      text: 'bcabcab',
      tokens: [1, 2, 0, 1, 2, 0, 1],
      finishReason: 'length',
      promptTokens: 1,
      completionTokens: 7,
    });
  });

  it('stops at the end token, which is not part of the text', async () => {
    const r = await generate(toyModel(CYCLE), toy, '.', { temperature: 0 });
    expect(r).toMatchObject({ text: '', tokens: [], finishReason: 'stop' });
  });

  it('stop sequences cut the text before them; streamed chunks never show a part that is cut', async () => {
    const chunks: string[] = [];
    for await (const c of streamGenerate(toyModel(CYCLE), toy, 'a', { temperature: 0, stop: ['cab'] }))
      chunks.push(c.text);
    // text: b c a b … — 'cab' appears at index 1, so the answer is 'b'
    expect(chunks.join('')).toBe('b');
    // 'c' and 'ca' were held back as possible starts of 'cab'
    expect(chunks).toEqual(['b', '', '', '']);
    const r = await generate(toyModel(CYCLE), toy, 'a', { temperature: 0, stop: ['xyz', 'ab'] });
    expect(r).toMatchObject({ text: 'bc', finishReason: 'stop' });
  });

  it('top-k 1 and a tiny top-p are greedy at any temperature', async () => {
    const greedy = await generate(toyModel(CYCLE), toy, 'a', { temperature: 0, maxNewTokens: 10 });
    for (const o of [{ topK: 1 }, { topP: 1e-6 }]) {
      const r = await generate(toyModel(CYCLE), toy, 'a', {
        temperature: 5,
        maxNewTokens: 10,
        seed: 3,
        ...o,
      });
      expect(r.tokens).toEqual(greedy.tokens);
    }
  });

  it('a repetition penalty steers away from tokens already used', async () => {
    // after ' ' the model prefers 'a' (z 2) over 'b' (z 1.5); 'a' is in the prompt, so ρ = 2 halves it
    const table = CYCLE.map((row) => [...row]);
    table[4] = [2, 1.5, 0, 0, 0, -9];
    const plain = await generate(toyModel(table), toy, 'a ', { temperature: 0, maxNewTokens: 1 });
    const penalised = await generate(toyModel(table), toy, 'a ', {
      temperature: 0,
      maxNewTokens: 1,
      repetitionPenalty: 2,
    });
    expect(plain.text).toBe('a');
    expect(penalised.text).toBe('b'); // z_a = 2/2 = 1 < z_b = 1.5
  });

  it('the same seed gives the same text; another seed another one', async () => {
    const flat = CYCLE.map(() => [1, 1, 1, 1, 1, -9]);
    const run = (seed: number) =>
      generate(toyModel(flat), toy, 'a', { temperature: 1, maxNewTokens: 30, seed }).then((r) => r.text);
    expect(await run(42)).toBe(await run(42));
    expect(await run(42)).not.toBe(await run(43));
  });

  it('a full context ends generation ("length"); a prompt that fills it is an error', async () => {
    const small = { ...toyModel(CYCLE), maxContext: 4 };
    const r = await generate(small, toy, 'a', { temperature: 0, maxNewTokens: 100 });
    expect(r).toMatchObject({ text: 'bca', finishReason: 'length', completionTokens: 3 });
    await expect(generate(small, toy, 'abca', { temperature: 0 })).rejects.toThrow(
      "the prompt has 4 tokens but the model's context is 4: shorten it (at most 3 tokens)",
    );
  });

  it('rejects bad options with the option named', async () => {
    const m = toyModel(CYCLE);
    await expect(generate(m, toy, 'a', { temperature: -1 })).rejects.toThrow(
      'temperature must be a number ≥ 0, got -1',
    );
    await expect(generate(m, toy, 'a', { topP: 0 })).rejects.toThrow('topP must be a number in (0, 1]');
    await expect(generate(m, toy, 'a', { topK: 1.5 })).rejects.toThrow('topK must be an integer ≥ 0');
    await expect(generate(m, toy, 'a', { stop: ['a', 'b', 'c', 'd', 'e'] })).rejects.toThrow(
      'stop must be at most 4 non-empty strings',
    );
    await expect(generate(m, toy, '', {})).rejects.toThrow(/the prompt is empty/);
  });
});

describe('sampleNext', () => {
  it('draws tokens with softmax(z / T) probabilities (20,000 draws, each within 0.01)', () => {
    const z = Float32Array.from([2, 1, 0, -1]);
    for (const T of [1, 0.5]) {
      const p = [...z].map((v) => Math.exp(v / T));
      const s = p.reduce((a, b) => a + b, 0);
      const rng = new RandomState(0);
      const counts = [0, 0, 0, 0];
      const n = 20000;
      for (let i = 0; i < n; i++)
        counts[sampleNext(z, { temperature: T, topK: 0, topP: 1, repetitionPenalty: 1 }, new Set(), rng)]!++;
      for (let k = 0; k < 4; k++)
        expect(Math.abs(counts[k]! / n - p[k]! / s), `T ${T} token ${k}`).toBeLessThan(0.01);
    }
  });

  it('top-k keeps the k largest; top-p the smallest set reaching p', () => {
    const z = Float32Array.from([3, 2, 1, 0]); // p ≈ 0.644, 0.237, 0.087, 0.032
    const rng = new RandomState(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++)
      seen.add(sampleNext(z, { temperature: 1, topK: 2, topP: 1, repetitionPenalty: 1 }, new Set(), rng));
    expect([...seen].sort()).toEqual([0, 1]);
    seen.clear();
    // 0.644 < 0.85 ≤ 0.644 + 0.237: the nucleus is tokens 0 and 1
    for (let i = 0; i < 2000; i++)
      seen.add(sampleNext(z, { temperature: 1, topK: 0, topP: 0.85, repetitionPenalty: 1 }, new Set(), rng));
    expect([...seen].sort()).toEqual([0, 1]);
  });
});

describe('nextTokenDistribution', () => {
  const z = Float32Array.from([3, 2, 1, 0, 2]);
  const softmax = (v: number[]) => {
    const e = v.map((x) => Math.exp(x - Math.max(...v)));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / s);
  };

  it('is softmax(z / T) with top-k and top-p off; the cut tokens get 0 and the rest are renormalised', () => {
    const all = softmax([...z].map((v) => v / 0.7));
    const d = nextTokenDistribution(z, { temperature: 0.7 });
    expect([...d.probs].map((p, i) => p - all[i]!).every((e) => Math.abs(e) < 1e-12)).toBe(true);
    expect(d.kept).toEqual([0, 1, 4, 2, 3]); // ties (tokens 1 and 4) in id order
    // top-k 2: the k-th value (2) is shared by tokens 1 and 4, so three are kept
    const k = nextTokenDistribution(z, { topK: 2 });
    const kept = softmax([3, 2, 2]);
    expect(k.kept).toEqual([0, 1, 4]);
    expect(k.probs[0]).toBeCloseTo(kept[0]!, 12);
    expect(k.probs[4]).toBeCloseTo(kept[2]!, 12);
    expect(k.probs[2]).toBe(0);
    expect(k.unfiltered[2]).toBeCloseTo(softmax([...z])[2]!, 12);
    // top-p 0.5: token 0 alone (p ≈ 0.53) reaches it
    const p = nextTokenDistribution(z, { topP: 0.5 });
    expect(p.kept).toEqual([0]);
    expect([...p.probs]).toEqual([1, 0, 0, 0, 0]);
    // T = 0: one-hot at the argmax
    expect(nextTokenDistribution(z, { temperature: 0 }).kept).toEqual([0]);
  });

  it('sampleNext draws from exactly it: 20,000 draws match each probability within 0.01', () => {
    for (const o of [
      { temperature: 1.3, topK: 3, topP: 1, repetitionPenalty: 1 },
      { temperature: 0.8, topK: 0, topP: 0.9, repetitionPenalty: 1.5 },
    ]) {
      const seen = new Set([0]);
      const d = nextTokenDistribution(z, o, seen);
      const rng = new RandomState(3);
      const counts = new Array(z.length).fill(0);
      const n = 20000;
      for (let i = 0; i < n; i++) counts[sampleNext(z, o, seen, rng)]!++;
      for (let t = 0; t < z.length; t++)
        expect(Math.abs(counts[t]! / n - d.probs[t]!), `${JSON.stringify(o)} token ${t}`).toBeLessThan(0.01);
      expect(d.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });

  it('checks its options as generate does', () => {
    expect(() => nextTokenDistribution(z, { topP: 0 })).toThrow(/topP must be a number in \(0, 1\]/);
    expect(() => nextTokenDistribution(z, { temperature: -1 })).toThrow(/temperature/);
  });
});
