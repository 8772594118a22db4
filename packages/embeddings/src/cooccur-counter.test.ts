import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '@firth/numeric';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CooccurrenceCounter,
  type CooccurrenceEntries,
  cooccurrenceMemoryPlan,
  radixSortPairs,
  releaseBuffer,
} from './cooccur-counter.js';
import { cooccurrenceMatrixSparse } from './cooccurrence.js';
import { GloVe } from './glove.js';
import { simplePreprocess } from './tokenizer.js';
import { Vocabulary } from './vocabulary.js';

const here = dirname(fileURLToPath(import.meta.url));
const LEE = readFileSync(join(here, '..', '..', 'datasets', 'data', 'lee', 'lee_background.cor'), 'utf8')
  .split('\n')
  .map((line) => simplePreprocess(line))
  .filter((s) => s.length > 0);
const VOCAB = Vocabulary.fromSentences(LEE, { minCount: 5 });

/** 0.0002 GB: a dense table of the pairs with (i + 1)(j + 1) ≤ 1,524 and an overflow buffer of 1,901 records. */
const TINY = 0.0002;

const scratch = mkdtempSync(join(tmpdir(), 'firth-cooccur-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function count(window: number, symmetric: boolean, memory: number, tempDir = scratch) {
  const counter = new CooccurrenceCounter(VOCAB.size, { window, symmetric, memory, tempDir });
  for (const s of LEE) {
    const ids = s.flatMap((w) => (VOCAB.index.has(w) ? [VOCAB.index.get(w)!] : []));
    counter.addSentence(ids);
  }
  const runs = counter.runs;
  const tempPath = counter.tempPath;
  const entries = counter.finish();
  return { counter, entries, runs, tempPath };
}

/** The readable reference: one Map per row (cooccurrence.ts), as CSR; and the number of terms per cell. */
function reference(window: number, symmetric: boolean) {
  const options = { window, symmetric, vocabulary: VOCAB.words };
  const weighted = cooccurrenceMatrixSparse(LEE, { ...options, distanceWeighting: true }).matrix;
  const terms = cooccurrenceMatrixSparse(LEE, { ...options, distanceWeighting: false }).matrix;
  const rows: number[] = [];
  for (let i = 0; i + 1 < weighted.indptr.length; i++)
    for (let k = weighted.indptr[i]!; k < weighted.indptr[i + 1]!; k++) rows.push(i);
  return { rows, cols: weighted.indices, values: weighted.data, terms: terms.data };
}

function expectEqualCounts(
  X: CooccurrenceEntries,
  ref: ReturnType<typeof reference>,
  maxProduct: number,
): void {
  expect(X.values.length).toBe(ref.values.length);
  expect([...X.rows]).toEqual(ref.rows);
  expect([...X.cols]).toEqual(ref.cols);
  let dense = 0;
  let overflow = 0;
  for (let k = 0; k < ref.values.length; k++) {
    const [i, j, x, want] = [X.rows[k]!, X.cols[k]!, X.values[k]!, ref.values[k]!];
    if ((i + 1) * (j + 1) <= maxProduct) {
      // a dense cell gets the same additions in the same order: bit-for-bit equal
      if (x !== want) expect({ i, j, x }).toEqual({ i, j, x: want });
      dense++;
    } else {
      // an overflow cell sums the same n positive terms 1/d grouped by run and distance: the
      // rounding error of a sum of n positive terms in any order is ≤ (n − 1)·2^−53·Σ, so two
      // orders differ by at most 2(n − 1)·2^−53 relative
      const n = ref.terms[k]!;
      if (Math.abs(x - want) > 2 * (n - 1) * 2 ** -53 * want) expect({ i, j, x }).toEqual({ i, j, x: want });
      overflow++;
    }
  }
  expect(dense).toBeGreaterThan(1000);
  expect(overflow).toBeGreaterThan(1000);
}

describe('CooccurrenceCounter — cooccur.c in bounded memory', () => {
  for (const symmetric of [true, false]) {
    it(`equals the Map-based count on the Lee corpus after spilling runs to disk (symmetric = ${symmetric})`, () => {
      const { counter, entries, runs, tempPath } = count(5, symmetric, TINY);
      expect(runs).toBeGreaterThan(5); // several sorted runs were written and merged
      expect(tempPath).not.toBeNull();
      expect(existsSync(tempPath!)).toBe(false); // finish removed the run files and their directory
      expect(readdirSync(scratch)).toEqual([]);
      expectEqualCounts(entries, reference(5, symmetric), counter.maxProduct);
    });
  }

  it('with room for everything writes no file, and counts the same', () => {
    const { counter, entries, runs, tempPath } = count(3, true, 1);
    expect(runs).toBe(0);
    expect(tempPath).toBeNull();
    // at 1 GB every Lee pair is dense ((i + 1)(j + 1) ≤ V² ≪ maxProduct): bit-for-bit the reference
    expect(counter.maxProduct).toBeGreaterThan(VOCAB.size ** 2);
    const ref = reference(3, true);
    expect([...entries.values]).toEqual(ref.values);
    expect([...entries.cols]).toEqual(ref.cols);
  });

  it('finishToFile frees the dense table and overflow buffers there and then, before the next stage allocates', () => {
    const counter = new CooccurrenceCounter(VOCAB.size, { window: 5, memory: TINY, tempDir: scratch });
    type Pair = { hi: Uint32Array; lo: Uint32Array } | null;
    const inside = counter as unknown as { dense: Float64Array | null; buffer: Pair; scratch: Pair };
    for (const s of LEE)
      counter.addSentence(s.flatMap((w) => (VOCAB.index.has(w) ? [VOCAB.index.get(w)!] : [])));
    expect(counter.runs).toBeGreaterThan(0); // so the radix sort's scratch exists too
    const held = [
      inside.dense!,
      inside.buffer!.hi,
      inside.buffer!.lo,
      inside.scratch!.hi,
      inside.scratch!.lo,
    ];
    expect(held.every((a) => a.length > 0)).toBe(true);
    const file = counter.finishToFile();
    try {
      expect(file.length).toBeGreaterThan(0);
      expect([inside.dense, inside.buffer, inside.scratch]).toEqual([null, null, null]);
      // where ArrayBuffer.prototype.transfer exists (Node ≥ 21) their memory is gone, not left to the GC
      if (typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function')
        for (const a of held) expect(a.buffer.byteLength).toBe(0);
    } finally {
      file.dispose();
    }
  });

  it('releaseBuffer empties an array and every view of its buffer, and leaves shared memory alone', () => {
    const a = new Float64Array(1000).fill(1);
    const view = new Uint8Array(a.buffer, 8, 16);
    releaseBuffer(a);
    releaseBuffer(a); // twice is fine
    releaseBuffer(null);
    if (typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function') {
      expect([a.length, view.length, a.buffer.byteLength]).toEqual([0, 0, 0]);
    } else expect(a.length).toBe(1000); // Node 20: left to the garbage collector
    const shared = new Float64Array(new SharedArrayBuffer(64));
    releaseBuffer(shared);
    expect(shared.length).toBe(8);
  });

  it('finishToFile writes the same entries as cooccur.c records, read whole or in chunks, then removed', () => {
    const counter = new CooccurrenceCounter(VOCAB.size, { window: 5, memory: TINY, tempDir: scratch });
    for (const s of LEE)
      counter.addSentence(s.flatMap((w) => (VOCAB.index.has(w) ? [VOCAB.index.get(w)!] : [])));
    expect(counter.runs).toBeGreaterThan(5);
    const file = counter.finishToFile();
    const want = count(5, true, TINY).entries;
    expect(file.length).toBe(want.values.length);
    // the runs are gone, only the merged file is left: 16 bytes a record
    expect(readdirSync(dirname(file.path))).toEqual(['merged.bin']);
    const bytes = readFileSync(file.path);
    expect(bytes.length).toBe(16 * want.values.length);
    const k = 1234;
    expect([
      bytes.readInt32LE(16 * k),
      bytes.readInt32LE(16 * k + 4),
      bytes.readDoubleLE(16 * k + 8),
    ]).toEqual([want.rows[k], want.cols[k], want.values[k]]);
    expect(file.read()).toEqual(want);
    const chunks = [...file.chunks(50_000)];
    expect(chunks.map((c) => c.values.length)).toEqual([
      50_000,
      50_000,
      50_000,
      want.values.length - 150_000,
    ]);
    expect(chunks.flatMap((c) => [...c.cols])).toEqual([...want.cols]);
    expect(Float64Array.from(chunks.flatMap((c) => [...c.values]))).toEqual(want.values);
    file.dispose();
    expect(existsSync(file.path)).toBe(false);
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('sizes the dense table and overflow buffer as cooccur.c -memory does', () => {
    // cooccur.c -memory 4 prints "max product: 13752509", "overflow length: 38028356" (16-byte
    // records), and -memory 0.0002 "max product: 1524", "overflow length: 1901"
    expect(cooccurrenceMemoryPlan(4, 10)).toEqual({ maxProduct: 13_752_509, overflowLength: 38_028_356 });
    expect(cooccurrenceMemoryPlan(TINY, 5)).toEqual({ maxProduct: 1524, overflowLength: 1901 });
    // a budget too small for one position's pairs still leaves room for them
    expect(cooccurrenceMemoryPlan(1e-9, 10).overflowLength).toBe(4 * 10 + 64);
  });

  it('rejects bad options and use after finish', () => {
    expect(() => new CooccurrenceCounter(10, { window: 2, memory: 0 })).toThrow(
      /memory must be a number of GB > 0/,
    );
    expect(() => new CooccurrenceCounter(10, { window: 2, memory: Number.NaN })).toThrow(ValidationError);
    expect(() => new CooccurrenceCounter(10, { window: 0 })).toThrow(/window/);
    expect(() => new CooccurrenceCounter(0, { window: 2 })).toThrow(/vocabSize/);
    expect(() => new CooccurrenceCounter(10, { window: 2, tempDir: '' })).toThrow(/tempDir/);
    expect(() => new CooccurrenceCounter(2 ** 26, { window: 200, memory: 0.001 })).toThrow(/too large/);
    const bad = new CooccurrenceCounter(3, { window: 2 });
    expect(() => bad.addSentence([0, 3])).toThrow(/ids\[1\] must be a vocabulary index in \[0, 3\), got 3/);
    expect(() => bad.addSentence([1.5])).toThrow(ValidationError);
    expect(() => bad.addSentence([-1])).toThrow(ValidationError);
    bad.dispose();
    const c = new CooccurrenceCounter(3, { window: 2 });
    c.addSentence([0, 1, 2]);
    expect(c.finish().values.length).toBe(6);
    expect(() => c.addSentence([0, 1])).toThrow(/finished/);
    expect(() => c.finish()).toThrow(/finished/);
  });
});

describe('radixSortPairs', () => {
  it.each([
    [1, 1, 10],
    [5, 9, 1000],
    [17, 20, 20_000], // 37 bits: passes straddle the hi/lo boundary
    [26, 32, 5000],
  ])('sorts by hi then lo (%i + %i bits, %i records) as a comparison sort does', (hiBits, loBits, n) => {
    let state = 12345;
    const rand = (bits: number) => {
      // xorshift32, then the top `bits` bits (small ranges repeat values: ties)
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return bits === 0 ? 0 : (state >>> 0) >>> (32 - bits);
    };
    const hi = Uint32Array.from({ length: n }, () => rand(hiBits));
    const lo = Uint32Array.from({ length: n }, () => rand(loBits));
    const want = [...hi].map((h, k) => [h, lo[k]!]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    const [sHi, sLo] = radixSortPairs(hi, lo, n, new Uint32Array(n), new Uint32Array(n), hiBits, loBits);
    expect([...sHi.subarray(0, n)]).toEqual(want.map((p) => p[0]));
    expect([...sLo.subarray(0, n)]).toEqual(want.map((p) => p[1]));
  });
});

describe('GloVe with a memory budget', () => {
  const options = { vectorSize: 8, window: 5, minCount: 5, xMax: 10, epochs: 1 };

  it('counts the same with a budget that forces runs on disk, and leaves no temporary files', async () => {
    const tempDir = mkdtempSync(join(scratch, 'glove-'));
    const small = new GloVe(LEE, { ...options, memory: TINY, tempDir });
    const roomy = new GloVe(LEE, options);
    const [a, b] = [small.cooccurrences!, roomy.cooccurrences!];
    expect([...a.rows]).toEqual([...b.rows]);
    expect([...a.cols]).toEqual([...b.cols]);
    for (let k = 0; k < a.values.length; k++) expect(a.values[k]).toBeCloseTo(b.values[k]!, 12);
    expect(readdirSync(tempDir)).toEqual([]);
  });

  it('removes the temporary files when the corpus fails while streaming', async () => {
    const tempDir = mkdtempSync(join(scratch, 'glove-error-'));
    const model = await new GloVe({ ...options, memory: TINY, tempDir }).buildVocab(LEE);
    let reads = 0;
    const failing = () => ({
      *[Symbol.iterator]() {
        reads++;
        for (let k = 0; k < LEE.length; k++) {
          if (k === 250) throw new Error('disk unplugged');
          yield LEE[k]!.join(' ');
        }
      },
    });
    await expect(model.train(failing)).rejects.toThrow(/disk unplugged/);
    expect(reads).toBe(1);
    expect(readdirSync(tempDir)).toEqual([]);
  });

  it.each([0, -1, Number.POSITIVE_INFINITY, '2'])('rejects memory %j', (memory) => {
    expect(() => new GloVe({ memory: memory as number })).toThrow(ValidationError);
    expect(() => new GloVe({ memory: memory as number })).toThrow(/memory must be a number of GB > 0/);
  });

  it('rejects an empty tempDir, and says so when the directory cannot be used', async () => {
    expect(() => new GloVe({ tempDir: '' })).toThrow(/tempDir/);
    const model = await new GloVe({
      ...options,
      memory: TINY,
      tempDir: join(scratch, 'missing', 'dir'),
    }).buildVocab(LEE);
    const error = await model.train(LEE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(
      /cannot create a temporary directory for co-occurrence runs in .*missing/,
    );
  });
});
