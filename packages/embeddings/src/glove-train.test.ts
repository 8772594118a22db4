import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RandomState, ValidationError } from '@firth/numeric';
import { afterAll, describe, expect, it } from 'vitest';
import { GloVe, type GloVeOptions, type GloVeParameters, gloveStep } from './glove.js';
import { GloVeTrainer, shuffleCooccurrenceFile } from './glove-train.js';
import { simplePreprocess } from './tokenizer.js';

const here = dirname(fileURLToPath(import.meta.url));
const LEE = readFileSync(join(here, '..', '..', 'datasets', 'data', 'lee', 'lee_background.cor'), 'utf8')
  .split('\n')
  .map((line) => simplePreprocess(line))
  .filter((s) => s.length > 0);

const work = mkdtempSync(join(tmpdir(), 'firth-glove-train-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** n records (int32 i, int32 j, float64 X) over V words, as cooccur.c writes them. */
function records(n: number, V: number, rs: RandomState): Int32Array {
  const buf = new ArrayBuffer(16 * n);
  const i32 = new Int32Array(buf);
  const f64 = new Float64Array(buf);
  for (let k = 0; k < n; k++) {
    i32[4 * k] = rs.randint(0, V);
    i32[4 * k + 1] = rs.randint(0, V);
    // counts from 1/window (0.1) to far above xMax (the f = 1 branch)
    f64[2 * k + 1] = 0.1 + rs.randomSample() * 30;
  }
  return i32;
}

function parameters(V: number, D: number, rs: RandomState): GloVeParameters {
  const u = (n: number) => Float64Array.from({ length: n }, () => (rs.randomSample() - 0.5) / D);
  const one = (n: number) => new Float64Array(n).fill(1);
  return {
    wordVectors: u(V * D),
    contextVectors: u(V * D),
    wordBiases: u(V),
    contextBiases: u(V),
    gradsqWords: one(V * D),
    gradsqContexts: one(V * D),
    gradsqWordBiases: one(V),
    gradsqContextBiases: one(V),
  };
}

const copy = (p: GloVeParameters): GloVeParameters =>
  Object.fromEntries(Object.entries(p).map(([k, v]) => [k, (v as Float64Array).slice()])) as never;

function maxAbsDiff(a: GloVeParameters, b: GloVeParameters): number {
  let m = 0;
  for (const k of Object.keys(a) as (keyof GloVeParameters)[])
    for (let q = 0; q < a[k].length; q++) m = Math.max(m, Math.abs(a[k][q]! - b[k][q]!));
  return m;
}

describe('glove.wat — the kernel against gloveStep', () => {
  it('src/glove-wasm.ts is what scripts/build-wasm.mjs assembles from src/glove.wat now', () => {
    const r = spawnSync(process.execPath, [join(here, '..', 'scripts', 'build-wasm.mjs'), '--check'], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('src/glove-wasm.ts is up to date');
    expect(r.status).toBe(0);
  });

  // D = 7 (odd: the kernel pads rows to 8), 40 words, 20,000 updates over 3 steps of 8,192
  const V = 40;
  const D = 7;
  const xMax = 10;
  const alpha = 0.75;
  const eta = 0.05;
  const recs = records(20_000, V, new RandomState(3));

  function reference(p: GloVeParameters, biasEta: number): number {
    const i32 = recs;
    const f64 = new Float64Array(recs.buffer);
    let cost = 0;
    for (let k = 0; k < recs.length / 4; k++) {
      const x = f64[2 * k + 1]!;
      const f = x > xMax ? 1 : (x / xMax) ** alpha;
      cost += gloveStep(p, D, i32[4 * k]!, i32[4 * k + 1]!, Math.log(x), f, eta, biasEta);
    }
    return cost;
  }

  const options = {
    vectorSize: D,
    learningRate: eta,
    biasLearningRate: 1,
    xMax,
    alpha,
    stepRecords: 8192,
    blockRecords: 16_384,
  };

  // the biases' rate: glove.c's 1 and the paper's η
  it.each([1, eta])(
    '1 thread, biasLearningRate %s: the same parameters and cost as the JS loop, to float64 rounding (1e-12)',
    (biasEta) => {
      const start = parameters(V, D, new RandomState(5));
      const js = copy(start);
      const jsCost = reference(js, biasEta);
      const wasm = copy(start);
      const trainer = new GloVeTrainer(wasm, { ...options, biasLearningRate: biasEta, threads: 1 });
      const cost = trainer.trainRecords(recs);
      trainer.close();
      // the SIMD dot product adds lane sums in another order: a few ulps per update, compounded
      // over 20,000 updates of 40 rows; parameters are O(0.1–1)
      expect(maxAbsDiff(js, wasm)).toBeLessThan(1e-12);
      expect(maxAbsDiff(js, start)).toBeGreaterThan(1e-3); // training moved them
      expect(Math.abs(cost - jsCost) / jsCost).toBeLessThan(1e-12);
    },
  );

  it('2 threads (Hogwild on 40 shared rows): every record trained once, cost close to 1 thread', () => {
    const start = parameters(V, D, new RandomState(5));
    // the paper's bias rate η: at glove.c's rate 1 the 40 biases of this toy table swing by whole
    // units from update to update, and the two runs' Hogwild interleavings part further than a
    // lost write would show
    const paper = { ...options, biasLearningRate: eta };
    const one = copy(start);
    const t1 = new GloVeTrainer(one, { ...paper, threads: 1 });
    const two = copy(start);
    const t2 = new GloVeTrainer(two, { ...paper, threads: 2 });
    const c1 = t1.trainRecords(recs);
    const c2 = t2.trainRecords(recs);
    expect(Math.abs(c2 - c1) / c1).toBeLessThan(0.05);
    // after one pass each: the same training, up to Hogwild's interleaving
    t1.sync();
    t2.sync();
    expect(maxAbsDiff(one, two)).toBeLessThan(0.05);
    // more passes until the worker has taken part (it starts while the first passes run)
    const until = performance.now() + 10_000; // a worker may take a while to start on a loaded machine
    while (t2.workerPieces === 0 && performance.now() < until) {
      t1.trainRecords(recs);
      t2.trainRecords(recs);
    }
    expect(t2.workerPieces).toBeGreaterThan(0);
    t1.close();
    t2.close();
    // the accumulated squares count every update: Σ Gb − V = Σ g² over all records, either way
    const sum = (a: Float64Array) => a.reduce((s, x) => s + x, 0);
    expect(sum(two.gradsqWordBiases) / sum(one.gradsqWordBiases)).toBeCloseTo(1, 1);
    // after the extra passes (as many as the worker took to start: more on a loaded machine) the
    // two runs have drifted further apart, but a lost or torn write would show as far more
    expect(maxAbsDiff(one, two)).toBeLessThan(0.5);
  });
});

describe('shuffleCooccurrenceFile (shuffle.c on disk)', () => {
  const n = 10_000;
  const recs = records(n, 100, new RandomState(7));
  const input = join(work, 'sorted.bin');
  writeFileSync(input, new Uint8Array(recs.buffer));
  const weighting = { xMax: 10, alpha: 0.75 };
  // an input record as the training record it becomes: i, j, log X, f(X)
  const f64 = new Float64Array(recs.buffer);
  const original = Array.from({ length: n }, (_, k) => {
    const x = f64[2 * k + 1]!;
    return [recs[4 * k], recs[4 * k + 1], Math.log(x), x > 10 ? 1 : (x / 10) ** 0.75].join(',');
  });
  const key = (u8: Uint8Array) => {
    const b = u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.length);
    const i32 = new Int32Array(b);
    const g = new Float64Array(b);
    return Array.from({ length: u8.length / 24 }, (_, k) =>
      [i32[6 * k], i32[6 * k + 1], g[3 * k + 1], g[3 * k + 2]].join(','),
    );
  };

  it.each([
    ['in one chunk', n],
    ['in 7 chunks merged by shuffled slices', 1500],
  ])(
    '%s: a permutation of the records (as i, j, log X, f), reproducible for a seed; runs removed',
    (_, chunk) => {
      const out = join(work, `shuffled-${chunk}.bin`);
      shuffleCooccurrenceFile(input, out, chunk, 1, weighting);
      const a = key(readFileSync(out));
      expect([...a].sort()).toEqual([...original].sort());
      // far from the input order: fewer than 1% of records stay in place
      expect(a.filter((r, k) => r === original[k]).length).toBeLessThan(n / 100);
      shuffleCooccurrenceFile(input, `${out}.again`, chunk, 1, weighting);
      expect(key(readFileSync(`${out}.again`))).toEqual(a);
      shuffleCooccurrenceFile(input, `${out}.seed2`, chunk, 2, weighting);
      expect(key(readFileSync(`${out}.seed2`))).not.toEqual(a);
      expect(readdirSync(work).filter((f) => f.includes('.run'))).toEqual([]);
    },
  );

  it.runIf(typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function')(
    'frees its chunk when done (releaseBuffer), so training does not allocate beside it',
    () => {
      const proto = ArrayBuffer.prototype as ArrayBuffer & { transfer(length?: number): ArrayBuffer };
      const transfer = proto.transfer;
      const freed: number[] = [];
      proto.transfer = function (this: ArrayBuffer, length?: number) {
        freed.push(this.byteLength);
        return transfer.call(this, length);
      };
      try {
        shuffleCooccurrenceFile(input, join(work, 'shuffled-freed.bin'), 4000, 1, weighting);
      } finally {
        proto.transfer = transfer;
      }
      // the one chunk of 4,000 records of 16 bytes
      expect(freed).toEqual([16 * 4000]);
    },
  );
});

describe('GloVe with threads (Lee background corpus)', () => {
  const options: GloVeOptions = { vectorSize: 32, window: 5, minCount: 5, xMax: 10, epochs: 10 };

  it('2 Hogwild threads reach the loss of 1 thread within 3 %, and the vectors make sense', async () => {
    const dir = mkdtempSync(join(work, 'temp-'));
    const one = await GloVe.create(LEE, { ...options, threads: 1, tempDir: dir });
    const two = await GloVe.create(LEE, { ...options, threads: 2, tempDir: dir });
    expect(two.lossCurve).toHaveLength(10);
    expect(Math.abs(two.lossCurve.at(-1)! - one.lossCurve.at(-1)!) / one.lossCurve.at(-1)!).toBeLessThan(
      0.03,
    );
    const sim = (a: string, b: string) => two.wv.similarity(a, b);
    expect(sim('arafat', 'yasser')).toBeGreaterThan(sim('arafat', 'workers') + 0.3);
    expect(sim('two', 'three')).toBeGreaterThan(sim('two', 'qantas') + 0.3);
    // each stage timed (the bench reports them)
    for (const m of [one, two]) {
      expect(m.countSeconds).toBeGreaterThan(0);
      expect(m.shuffleSeconds).toBeGreaterThan(0);
      expect(m.trainSeconds).toBeGreaterThan(0);
      expect(m.cooccurrenceCount).toBe(184_012);
    }
    // the co-occurrence runs and the shuffled file are gone
    expect(readdirSync(dir)).toEqual([]);
  });

  it("onEpoch sees the vectors of each epoch: those of epoch 2 are a 2-epoch model's", async () => {
    const small = LEE.slice(0, 60);
    const o = { ...options, epochs: 3, threads: 1 };
    const seen: Float32Array[] = [];
    const m = await new GloVe(o).buildVocab(small);
    await m.train(small, { onEpoch: (_, model) => seen.push(model.wv.vectors.slice()) });
    expect(seen).toHaveLength(3);
    const two = await new GloVe({ ...o, epochs: 2 }).buildVocab(small);
    await two.train(small);
    expect(seen[1]).toEqual(two.wv.vectors);
    expect(seen[2]).toEqual(m.wv.vectors);
    expect(seen[2]).not.toEqual(seen[1]);
  });

  it('memory bounds the shuffle: a tiny budget shuffles in many runs, trains as well, leaves no file', async () => {
    const dir = mkdtempSync(join(work, 'temp-'));
    const small = LEE.slice(0, 120);
    const o = { ...options, epochs: 5, threads: 1, tempDir: dir };
    const roomy = await GloVe.create(small, o);
    // 1e-4 GB: chunks of 6,375 records (0.95 · memory / 16 bytes), so about 10 runs merged
    const tight = await GloVe.create(small, { ...o, memory: 1e-4 });
    expect(tight.cooccurrenceCount).toBe(roomy.cooccurrenceCount);
    expect(tight.cooccurrenceCount).toBeGreaterThan(5 * 6375);
    expect(tight.lossCurve).not.toEqual(roomy.lossCurve); // another order
    expect(Math.abs(tight.lossCurve.at(-1)! / roomy.lossCurve.at(-1)! - 1)).toBeLessThan(0.03);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('threads: null follows tensorThreads() but keeps a small corpus (< 1M entries a thread) on 1 thread', async () => {
    const seen = new Set<unknown>();
    await GloVe.create(LEE.slice(0, 60), {
      ...options,
      epochs: 1,
    }).then((m) => m.train(LEE.slice(0, 60), { onProgress: (e) => seen.add(e.metrics?.threads) }));
    expect([...seen]).toEqual([1]);
    const two = new Set<unknown>();
    const m = await new GloVe({ ...options, epochs: 1, threads: 2 }).buildVocab(LEE.slice(0, 60));
    await m.train(LEE.slice(0, 60), { onProgress: (e) => two.add(e.metrics?.threads) });
    expect([...two]).toEqual([2]);
  });

  it('threads: 1 is reproducible for a seed', () => {
    const small = LEE.slice(0, 60);
    const a = new GloVe(small, { ...options, epochs: 3, threads: 1 });
    const b = new GloVe(small, { ...options, epochs: 3, threads: 1 });
    expect(a.wv.vectors).toEqual(b.wv.vectors);
    expect(a.lossCurve).toEqual(b.lossCurve);
  });

  it('trains on sentences longer than the 1,024-word id buffer (it grows before use)', async () => {
    // one 3,000-word sentence over 30 words (a text8-style corpus is one line)
    const long = Array.from({ length: 3000 }, (_, k) => `w${(k * 7) % 30}`);
    const inMemory = new GloVe([long], { vectorSize: 4, window: 2, minCount: 1, epochs: 1, threads: 1 });
    const streamed = await GloVe.create([long.join(' ')], {
      vectorSize: 4,
      window: 2,
      minCount: 1,
      epochs: 1,
    });
    expect(inMemory.cooccurrenceCount).toBe(30 * 4); // each word meets the words 7 and 14 ids away on each side
    expect(streamed.cooccurrenceCount).toBe(inMemory.cooccurrenceCount);
  });

  it.each([0, 1.5, -2, 65, '2', Number.NaN])('refuses threads %j with a ValidationError', (threads) => {
    const make = () => new GloVe({ threads: threads as number });
    expect(make).toThrow(ValidationError);
    expect(make).toThrow(/threads must be a whole number from 1 to 64/);
  });
});
