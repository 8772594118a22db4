import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { cooccurrenceMatrixSparse } from './cooccurrence.js';
import { GloVe, type GloVeOptions, type GloVeProgress, gloveStep } from './glove.js';
import { simplePreprocess } from './tokenizer.js';

const here = dirname(fileURLToPath(import.meta.url));
const LEE = readFileSync(join(here, '..', '..', 'datasets', 'data', 'lee', 'lee_background.cor'), 'utf8')
  .split('\n')
  .map((line) => simplePreprocess(line))
  .filter((s) => s.length > 0);

/** Sets a 2-word model's parameters to hand-picked numbers. */
function setParams(m: GloVe, p: { w: number[][]; wt: number[][]; b: number[]; bt: number[] }): void {
  m.wordVectors.set(p.w.flat());
  m.contextVectors.set(p.wt.flat());
  m.wordBiases.set(p.b);
  m.contextBiases.set(p.bt);
}

describe('GloVe — one AdaGrad step, by hand', () => {
  // corpus "a b", window 1, left context only: the single entry X[b][a] = 1 (distance 1 → weight 1/1)
  const corpus = [['a', 'b']];
  const options: GloVeOptions = { vectorSize: 2, window: 1, minCount: 1, symmetric: false };
  const start = {
    w: [
      [0, 0],
      [0.1, 0.2],
    ],
    wt: [
      [0.3, -0.1],
      [0, 0],
    ],
    b: [0, 0.05],
    bt: [-0.02, 0],
  };

  async function model(extra: GloVeOptions = {}): Promise<GloVe> {
    const m = await new GloVe({ ...options, ...extra }).buildVocab(corpus);
    setParams(m, start);
    return m;
  }

  it('counts X[b][a] = 1 and nothing else', async () => {
    const m = await model();
    await m.train(corpus, { epochs: 1 });
    expect(m.vocabulary!.words).toEqual(['a', 'b']);
    expect([...m.cooccurrences!.rows]).toEqual([1]);
    expect([...m.cooccurrences!.cols]).toEqual([0]);
    expect([...m.cooccurrences!.values]).toEqual([1]);
  });

  it('moves w_b, w̃_a by −η·f·diff·(w̃_a, w_b) and b_b, b̃_a by −f·diff (glove.c) and reports J = f·diff²', async () => {
    const m = await model();
    await m.train(corpus, { epochs: 1 });
    // diff = w_bᵀw̃_a + b_b + b̃_a − log X_ba = (0.1·0.3 + 0.2·(−0.1)) + 0.05 − 0.02 − log 1 = 0.04
    const diff = 0.04;
    // f(1) = (1 / xMax)^α = (1/100)^0.75
    const f = (1 / 100) ** 0.75;
    // first step: every AdaGrad accumulator is 1, so the step is plain SGD with η = 0.05
    const g = 0.05 * f * diff;
    expect(m.wordVectors[2]).toBeCloseTo(0.1 - g * 0.3, 14);
    expect(m.wordVectors[3]).toBeCloseTo(0.2 - g * -0.1, 14);
    expect(m.contextVectors[0]).toBeCloseTo(0.3 - g * 0.1, 14);
    expect(m.contextVectors[1]).toBeCloseTo(-0.1 - g * 0.2, 14);
    // glove.c steps the biases at rate 1, not η: b −= f·diff / √1
    expect(m.wordBiases[1]).toBeCloseTo(0.05 - f * diff, 14);
    expect(m.contextBiases[0]).toBeCloseTo(-0.02 - f * diff, 14);
    // untouched: w_a, w̃_b and their biases
    expect([...m.wordVectors.slice(0, 2), ...m.contextVectors.slice(2)]).toEqual([0, 0, 0, 0]);
    expect([m.wordBiases[0], m.contextBiases[1]]).toEqual([0, 0]);
    // AdaGrad accumulates the squared η-scaled gradients: G = 1 + (g·w̃_a)²
    expect(m.gradsqWords[2]).toBeCloseTo(1 + (g * 0.3) ** 2, 15);
    expect(m.gradsqWordBiases[1]).toBeCloseTo(1 + (f * diff) ** 2, 15);
    // J = f · diff², measured before the step (1 entry, so the mean is J itself)
    expect(m.lossCurve[0]).toBeCloseTo(f * diff * diff, 15);
    expect(m.lossCurve[0]).toBeCloseTo(5.0596e-5, 8);
    // the output vectors are W + W̃ (glove.c's -model 2)
    expect(m.wv.get('b')[0]).toBeCloseTo(m.wordVectors[2]! + m.contextVectors[2]!, 6);
  });

  it('the step is −η·½∇J (finite differences of the objective) on the first update', async () => {
    const m = await model();
    await m.train(corpus, { epochs: 1 }); // counts X; now reset the parameters and step once by hand
    setParams(m, start);
    m.gradsqWords.fill(1);
    m.gradsqContexts.fill(1);
    m.gradsqWordBiases.fill(1);
    m.gradsqContextBiases.fill(1);
    const tables = [m.wordVectors, m.contextVectors, m.wordBiases, m.contextBiases];
    const h = 1e-6;
    const numeric = tables.map((t) =>
      [...t].map((_, k) => {
        const keep = t[k]!;
        t[k] = keep + h;
        const plus = m.objective();
        t[k] = keep - h;
        const minus = m.objective();
        t[k] = keep;
        return (plus - minus) / (2 * h);
      }),
    );
    const before = tables.map((t) => [...t]);
    const J = gloveStep(m, 2, 1, 0, Math.log(1), m.weight(1), 0.05, 0.2);
    expect(J).toBeCloseTo(m.weight(1) * 0.04 ** 2, 15);
    // the vectors (tables 0, 1) step at η = 0.05, the biases (tables 2, 3) at biasEta = 0.2
    tables.forEach((t, n) => {
      const rate = n < 2 ? 0.05 : 0.2;
      t.forEach((v, k) => {
        expect(before[n]![k]! - v).toBeCloseTo(rate * 0.5 * numeric[n]![k]!, 9);
      });
    });
  });

  // glove.c's biases step at rate 1 (the default); the paper's at η
  it.each([
    [undefined, 1],
    [0.05, 0.05],
  ])(
    'the second step divides by √G, the accumulated squares (a plain reference AdaGrad; biasLearningRate %s)',
    async (biasLearningRate, biasEta) => {
      const m = await model(biasLearningRate === undefined ? {} : { biasLearningRate });
      await m.train(corpus, { epochs: 2 });
      // reference: the same two updates written out on plain arrays
      let w = [0.1, 0.2];
      let wt = [0.3, -0.1];
      let [b, bt] = [0.05, -0.02];
      let G = [1, 1];
      let Gt = [1, 1];
      let [Gb, Gbt] = [1, 1];
      const f = (1 / 100) ** 0.75;
      for (let step = 0; step < 2; step++) {
        const diff = w[0]! * wt[0]! + w[1]! * wt[1]! + b + bt;
        const g = 0.05 * f * diff;
        const gw = wt.map((x) => g * x);
        const gwt = w.map((x) => g * x);
        w = w.map((x, d) => x - gw[d]! / Math.sqrt(G[d]!));
        wt = wt.map((x, d) => x - gwt[d]! / Math.sqrt(Gt[d]!));
        G = G.map((x, d) => x + gw[d]! ** 2);
        Gt = Gt.map((x, d) => x + gwt[d]! ** 2);
        const gb = biasEta * f * diff;
        b -= gb / Math.sqrt(Gb);
        bt -= gb / Math.sqrt(Gbt);
        Gb += gb * gb;
        Gbt += gb * gb;
      }
      expect([...m.wordVectors.slice(2)]).toEqual(w);
      expect([...m.contextVectors.slice(0, 2)]).toEqual(wt);
      expect([m.wordBiases[1], m.contextBiases[0]]).toEqual([b, bt]);
      expect(m.lossCurve).toHaveLength(2);
      expect(m.lossCurve[1]).toBeLessThan(m.lossCurve[0]!);
    },
  );
});

describe('GloVe — co-occurrence counts', () => {
  const toy = [
    ['the', 'cat', 'sat', 'on', 'the', 'mat'],
    ['the', 'dog', 'sat', 'on', 'a', 'log', 'the', 'end'],
  ];
  for (const symmetric of [true, false]) {
    it(`agree with cooccurrenceMatrixSparse (1/d weighting, OOV removed, symmetric = ${symmetric})`, async () => {
      const m = await new GloVe({ vectorSize: 2, window: 3, minCount: 2, symmetric }).buildVocab(toy);
      await m.train(toy, { epochs: 1 });
      const V = m.vocabulary!.size;
      const { matrix } = cooccurrenceMatrixSparse(toy, {
        window: 3,
        symmetric,
        distanceWeighting: true,
        vocabulary: m.vocabulary!.words,
      });
      const X = m.cooccurrences!;
      const rows = matrix.indices.map((_, k) => matrix.indptr.findLastIndex((p) => p <= k));
      expect(m.vocabulary!.words).toEqual(['the', 'sat', 'on']);
      expect(V).toBe(3);
      expect([...X.rows]).toEqual(rows);
      expect([...X.cols]).toEqual(matrix.indices);
      expect([...X.values]).toEqual(matrix.data);
    });
  }
});

describe('GloVe — Lee background corpus', () => {
  // small settings for a 60k-word corpus: xMax 10 (most counts here are far below the paper's 100)
  const options: GloVeOptions = { vectorSize: 32, window: 5, minCount: 5, xMax: 10, epochs: 10 };
  const events: GloVeProgress[] = [];
  const model = new GloVe(options);
  const ready = model.buildVocab(LEE).then(() => model.train(LEE, { onProgress: (e) => events.push(e) }));

  it('the loss falls every epoch', async () => {
    await ready;
    expect(model.vocabulary!.size).toBe(1750);
    expect(model.cooccurrences!.values.length).toBe(184_012);
    const curve = model.lossCurve;
    expect(curve).toHaveLength(10);
    // measured (seed 1): 0.1670 0.1425 0.1316 … 0.0873
    for (let e = 1; e < curve.length; e++) expect(curve[e]).toBeLessThan(curve[e - 1]!);
    expect(curve.at(-1)!).toBeLessThan(0.6 * curve[0]!);
    // the epoch's mean J is the objective as training saw it; the final objective is lower still
    expect(model.objective() / model.cooccurrences!.values.length).toBeLessThan(curve.at(-1)!);
  });

  it('puts related words close (measured with seed 1, asserted with margin)', async () => {
    await ready;
    const sim = (a: string, b: string) => model.wv.similarity(a, b);
    expect(sim('arafat', 'yasser')).toBeGreaterThan(0.65); // 0.75
    expect(sim('two', 'three')).toBeGreaterThan(0.8); // 0.93
    expect(sim('monday', 'sunday')).toBeGreaterThan(0.75); // 0.83
    expect(sim('israeli', 'palestinian')).toBeGreaterThan(0.7); // 0.85
    expect(sim('arafat', 'yasser') - sim('arafat', 'workers')).toBeGreaterThan(0.4); // 0.75
    expect(sim('yasser', 'qantas')).toBeLessThan(0.4); // 0.11
    // 7th with glove.c's bias rate (5th with the paper's η on the biases, which fits this small corpus a little better)
    expect(model.wv.mostSimilar('arafat', 10).map(([w]) => w)).toContain('yasser');
    expect(model.wv.mostSimilar('two', 5).map(([w]) => w)).toContain('three');
    expect(model.wv.mostSimilar('workers', 3).map(([w]) => w)).toContain('unions');
  });

  it('reports progress: steps, one event per epoch with the lossCurve value, then end', async () => {
    await ready;
    const epochs = events.filter((e) => e.phase === 'epoch');
    expect(epochs.map((e) => e.loss)).toEqual(model.lossCurve);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const steps = events.filter((e) => e.phase === 'step');
    expect(steps).toHaveLength(10 * 3); // ⌈184,012 / 65,536⌉ = 3 steps an epoch
    expect(steps[2]).toMatchObject({ epoch: 1, step: 3, steps: 3, epochs: 10 });
    expect(events.at(-1)).toMatchObject({ phase: 'end', loss: model.lossCurve.at(-1) });
  });
});

describe('GloVe — determinism, streaming, JSON', () => {
  const small = LEE.slice(0, 40);
  const options: GloVeOptions = { vectorSize: 8, window: 3, minCount: 3, xMax: 10, epochs: 3 };

  it('is deterministic for a seed, and another seed gives other vectors', () => {
    const a = new GloVe(small, options);
    const b = new GloVe(small, options);
    const c = new GloVe(small, { ...options, seed: 2 });
    expect(a.wv.vectors).toEqual(b.wv.vectors);
    expect(a.lossCurve).toEqual(b.lossCurve);
    expect(c.wv.vectors).not.toEqual(a.wv.vectors);
  });

  it('trains the same from an async iterable of lines (streamed) as from string[][]', async () => {
    // read twice (vocabulary, then co-occurrences): an iterable that starts afresh each time
    const lines = {
      async *[Symbol.asyncIterator]() {
        for (const s of small) yield s.join(' ');
      },
    };
    const streamed = await GloVe.create(lines, options);
    const inMemory = new GloVe(small, options);
    expect(streamed.wv.indexToKey).toEqual(inMemory.wv.indexToKey);
    expect(streamed.wv.vectors).toEqual(inMemory.wv.vectors);
  });

  it('round-trips through JSON, and training resumes identically', async () => {
    const a = new GloVe(small, options);
    const b = GloVe.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(b.wv.vectors).toEqual(a.wv.vectors);
    expect(b.lossCurve).toEqual(a.lossCurve);
    await a.train(small, { epochs: 1 });
    await b.train(small, { epochs: 1 });
    expect(b.wv.vectors).toEqual(a.wv.vectors);
    expect(a.lossCurve).toHaveLength(4);
  });

  it('maxVocabSize keeps the most frequent words', () => {
    const full = new GloVe(small, options);
    const capped = new GloVe(small, { ...options, maxVocabSize: 20 });
    expect(capped.wv.indexToKey).toEqual(full.wv.indexToKey.slice(0, 20));
  });
});

describe('GloVe — bad input', () => {
  it('rejects an empty corpus, a corpus with nothing after minCount, and no co-occurrences', async () => {
    expect(() => new GloVe([], { minCount: 1 })).toThrow(/empty/);
    expect(() => new GloVe([['a', 'b']], { minCount: 5 })).toThrow(/no word left after minCount 5/);
    expect(() => new GloVe([['a'], ['b'], ['a']], { minCount: 1 })).toThrow(/no co-occurrences/);
    await expect(GloVe.create([], { minCount: 1 })).rejects.toThrow(ValidationError);
    async function* once() {
      yield 'a b a b';
    }
    await expect(GloVe.create(once(), { minCount: 1 })).rejects.toThrow(/one-shot iterator/);
    expect(() => new GloVe([['a', 3 as unknown as string]], { minCount: 1 })).toThrow(/corpus\[0\]/);
  });

  it.each([
    [{ vectorSize: 0 }, /vectorSize/],
    [{ window: 1.5 }, /window/],
    [{ minCount: -1 }, /minCount/],
    [{ maxVocabSize: 0 }, /maxVocabSize/],
    [{ xMax: 0 }, /xMax/],
    [{ alpha: -1 }, /alpha/],
    [{ learningRate: Number.NaN }, /learningRate/],
    [{ epochs: 0 }, /epochs/],
    [{ symmetric: 'yes' as unknown as boolean }, /symmetric/],
    [{ seed: -1 }, /seed/],
  ] as [GloVeOptions, RegExp][])('rejects options %j', (opts, message) => {
    expect(() => new GloVe(opts)).toThrow(ValidationError);
    expect(() => new GloVe(opts)).toThrow(message);
  });

  it('needs a vocabulary before train and wv; fromJSON checks its input', async () => {
    const m = new GloVe({ minCount: 1 });
    await expect(m.train([['a', 'b']])).rejects.toThrow(/buildVocab/);
    expect(() => m.wv).toThrow(/buildVocab/);
    expect(() => m.toJSON()).toThrow(/untrained/);
    await m.buildVocab([['a', 'b']]);
    await expect(m.train([['a', 'b']], { epochs: 0 })).rejects.toThrow(/epochs/);
    expect(() => GloVe.fromJSON({ type: 'Word2Vec' } as never)).toThrow(/not a GloVe/);
  });

  it('stops with an error when training diverges', async () => {
    const m = new GloVe({ vectorSize: 2, window: 1, minCount: 1, learningRate: 1e200 });
    await m.buildVocab([['a', 'b', 'a', 'b']]);
    await expect(m.train([['a', 'b', 'a', 'b']], { epochs: 3 })).rejects.toThrow(/diverged/);
  });
});
