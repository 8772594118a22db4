import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, ValidationError } from '@firth/numeric';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { describe, expect, it } from 'vitest';
import { score, TopK } from './exact-search.js';
import { HNSW_DEFAULTS, HnswIndex } from './hnsw.js';
import { FirthMemoryVectorStore } from './memory-store.js';
import { FirthSqliteVectorStore } from './sqlite-store.js';

/** mulberry32 → N(0, 1) by Box–Muller: reproducible data. */
function gaussians(seed: number) {
  let s = seed >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** n clustered vectors: 50 fixed random centres, each point a centre plus noise drawn from `seed`. */
function clustered(n: number, dim: number, seed: number): Float32Array[] {
  const g = gaussians(seed);
  const c = gaussians(1);
  const centres = Array.from({ length: 50 }, () => Float32Array.from({ length: dim }, c));
  return Array.from({ length: n }, (_, i) => {
    const c = centres[i % 50]!;
    return Float32Array.from({ length: dim }, (_, j) => c[j]! + 0.35 * g());
  });
}

/** Exact top-k ids by exact-search.ts (the ground truth). */
function exact(
  rows: Float32Array[],
  q: Float32Array,
  k: number,
  metric: 'cosine' | 'dot' | 'l2',
  skip = new Set<number>(),
) {
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const top = new TopK<number>(k, metric);
  rows.forEach((r, i) => {
    if (!skip.has(i)) top.offer(i, score(metric, q, norm(q), r, norm(r)));
  });
  return top.items;
}

const N = 5000;
const DIM = 64;
const rows = clustered(N, DIM, 7);
const queries = clustered(100, DIM, 99);

/** The rows each metric's index holds: all 5,000 for cosine, the first 2,000 for l2 (a faster test). */
const dataOf = (metric: 'cosine' | 'dot' | 'l2') => (metric === 'l2' ? rows.slice(0, 2000) : rows);

function recall(index: HnswIndex, metric: 'cosine' | 'dot' | 'l2', skip = new Set<number>()): number {
  let found = 0;
  for (const q of queries) {
    const truth = new Set(exact(dataOf(metric), q, 10, metric, skip).map(([i]) => String(i)));
    for (const hit of index.search(q, 10)) if (truth.has(hit.id)) found++;
  }
  return found / (10 * queries.length);
}

const built = new Map<string, HnswIndex>();
function build(metric: 'cosine' | 'dot' | 'l2'): HnswIndex {
  if (!built.has(metric)) {
    const index = new HnswIndex({ dim: DIM, metric, M: 12, efConstruction: 64, efSearch: 48, seed: 3 });
    dataOf(metric).forEach((r, i) => void index.add(String(i), r));
    built.set(metric, index);
  }
  return built.get(metric)!;
}

describe('HnswIndex', () => {
  it('recall@10 ≥ 0.95 against exact search on 5,000 × 64 clustered vectors (cosine; l2 on 2,000)', () => {
    for (const metric of ['cosine', 'l2'] as const) {
      const index = build(metric);
      expect(index.size).toBe(dataOf(metric).length);
      expect(recall(index, metric), metric).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('scores as exact-search.ts does, nearest first', () => {
    for (const metric of ['cosine', 'l2'] as const) {
      const index = build(metric);
      const q = queries[0]!;
      const hits = index.search(q, 5);
      const want = exact(dataOf(metric), q, 5, metric);
      expect(hits[0]!.id).toBe(String(want[0]![0]));
      expect(hits[0]!.score).toBeCloseTo(want[0]![1], 4);
      const scores = hits.map((h) => h.score);
      expect(scores).toEqual([...scores].sort((a, b) => (metric === 'l2' ? a - b : b - a)));
    }
  });

  it('deleted vectors are never returned; recall holds on the rest; compact() drops the tombstones', () => {
    const index = HnswIndex.fromBytes(build('cosine').toBytes());
    const gone = new Set<number>();
    for (let i = 0; i < N; i += 3) {
      gone.add(i);
      expect(index.remove(String(i))).toBe(true);
    }
    expect(index.remove('no such id')).toBe(false);
    expect(index.size).toBe(N - gone.size);
    expect(index.tombstones).toBe(gone.size);
    for (const q of queries)
      for (const hit of index.search(q, 20)) expect(gone.has(Number(hit.id)), hit.id).toBe(false);
    expect(recall(index, 'cosine', gone)).toBeGreaterThanOrEqual(0.95);
    const compacted = index.compact();
    expect(compacted.tombstones).toBe(0);
    expect(compacted.size).toBe(N - gone.size);
    expect(compacted.byteLength()).toBeLessThan(index.byteLength());
    expect(recall(compacted, 'cosine', gone)).toBeGreaterThanOrEqual(0.95);
  });

  it('add under a held id replaces its vector; filter keeps only the ids it accepts', () => {
    const index = new HnswIndex({ dim: 2, metric: 'l2', M: 4 });
    index.add('a', [0, 0]);
    index.add('b', [5, 5]);
    index.add('a', [10, 10]);
    expect(index.size).toBe(2);
    expect(index.search([0, 0], 1)).toEqual([{ id: 'b', score: Math.hypot(5, 5) }]);
    const even = build('cosine').search(queries[1]!, 10, { filter: (id) => Number(id) % 2 === 0 });
    expect(even).toHaveLength(10);
    for (const h of even) expect(Number(h.id) % 2).toBe(0);
  });

  it('same seed, same inserts → the same file; a save/load round trip gives identical results', () => {
    const small = rows.slice(0, 500);
    const make = () => {
      const index = new HnswIndex({ dim: DIM, M: 8, efConstruction: 32, seed: 11 });
      small.forEach((r, i) => void index.add(`doc-${i}`, r));
      return index;
    };
    const a = make();
    expect(make().toBytes()).toEqual(a.toBytes());
    a.remove('doc-3');
    const dir = mkdtempSync(join(tmpdir(), 'firth-hnsw-'));
    try {
      const path = join(dir, 'x.hnsw');
      a.save(path);
      const b = HnswIndex.load(path);
      expect(b.size).toBe(499);
      for (const q of queries.slice(0, 20)) expect(b.search(q, 10)).toEqual(a.search(q, 10));
      // the generator state travels too: later inserts build the same graph
      a.add('new', queries[0]!);
      b.add('new', queries[0]!);
      expect(b.toBytes()).toEqual(a.toBytes());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("defaults are the configuration measured at 1M × 384 (eval/ann/results.md): M 16, efConstruction 100, efSearch 256, shrink 'heuristic'", () => {
    const index = new HnswIndex({ dim: DIM });
    expect({
      M: index.M,
      efConstruction: index.efConstruction,
      efSearch: index.efSearch,
      shrink: index.shrink,
    }).toEqual(HNSW_DEFAULTS);
    expect(HNSW_DEFAULTS).toEqual({ M: 16, efConstruction: 100, efSearch: 256, shrink: 'heuristic' });
  });

  it("shrink: 'heuristic' re-selects full lists by Algorithm 4; the choice travels in the file", () => {
    const index = new HnswIndex({ dim: DIM, M: 8, efConstruction: 48, shrink: 'heuristic' });
    const some = rows.slice(0, 1000);
    some.forEach((r, i) => void index.add(String(i), r));
    const again = HnswIndex.fromBytes(index.toBytes());
    expect(again.shrink).toBe('heuristic');
    let found = 0;
    for (const q of queries.slice(0, 30)) {
      const truth = new Set(exact(some, q, 10, 'cosine').map(([i]) => String(i)));
      for (const hit of again.search(q, 10)) if (truth.has(hit.id)) found++;
    }
    expect(found / 300).toBeGreaterThanOrEqual(0.95);
    expect(() => new HnswIndex({ dim: 2, shrink: 'closest' as never })).toThrow(
      /shrink must be 'nearest' or 'heuristic'/,
    );
  });

  it('refuses truncated, corrupt or foreign files with a FormatError', () => {
    const index = new HnswIndex({ dim: 8, M: 4 });
    for (let i = 0; i < 50; i++)
      index.add(
        String(i),
        Array.from({ length: 8 }, (_, j) => Math.sin(i * 8 + j)),
      );
    const bytes = index.toBytes();
    expect(HnswIndex.fromBytes(bytes).size).toBe(50);
    const flipped = bytes.slice();
    flipped[200] = flipped[200]! ^ 1;
    const wrongVersion = bytes.slice();
    wrongVersion[8] = 9;
    const hugeCount = bytes.slice();
    new DataView(hugeCount.buffer).setUint32(32, 0x7fffffff, true);
    for (const [bad, message] of [
      [bytes.subarray(0, bytes.length - 4), /truncated/],
      [bytes.subarray(0, 40), /not a Firth HNSW index/],
      [flipped, /checksum/],
      [wrongVersion, /format 9/],
      [hugeCount, /truncated|entry point/],
      [
        new TextEncoder().encode('FIRTHVS1 another file entirely, long enough to have a header ....'),
        /not a Firth HNSW/,
      ],
      [new Uint8Array([...bytes, 0, 0, 0, 0]), /trailing bytes/],
    ] as const) {
      expect(() => HnswIndex.fromBytes(bad, 'x.hnsw')).toThrow(FormatError);
      expect(() => HnswIndex.fromBytes(bad, 'x.hnsw')).toThrow(message);
    }
  });

  it('bad input is a clear ValidationError', () => {
    const index = new HnswIndex({ dim: 3 });
    index.add('a', [1, 2, 3]);
    const cases: [() => unknown, RegExp][] = [
      [() => index.add('b', [1, 2]), /2 dimensions but this index holds 3/],
      [() => index.add('b', [1, Number.NaN, 3]), /NaN or Infinity .* at index 1/],
      [() => index.add('', [1, 2, 3]), /id must be a non-empty string/],
      [() => index.search([1, 2, 3], 0), /k must be an integer ≥ 1/],
      [() => index.search([1, 2, 3], -1), /k must be an integer ≥ 0/],
      [() => index.search([1, 2], 1), /query vector has 2 dimensions/],
      [() => index.search([1, 2, 3], 1, { efSearch: 0 }), /efSearch must be an integer/],
      [() => new HnswIndex({ dim: 0 }), /dim must be an integer from 1/],
      [() => new HnswIndex({ dim: 3, M: 1 }), /M must be an integer from 2/],
      [() => new HnswIndex({ dim: 3, metric: 'L2' as never }), /metric must be one of/],
    ];
    for (const [run, message] of cases) {
      expect(run).toThrow(ValidationError);
      expect(run).toThrow(message);
    }
    expect(index.size).toBe(1);
    expect(new HnswIndex({ dim: 3 }).search([1, 0, 0], 3)).toEqual([]);
  });
});

describe("vector stores with { index: 'hnsw' }", () => {
  /** Queries arrive as vectors here; the embeddings are never asked for text. */
  class VectorEmbeddings extends Embeddings {
    constructor() {
      super({});
    }
    async embedDocuments(texts: string[]): Promise<number[][]> {
      return texts.map((t) => JSON.parse(t) as number[]);
    }
    async embedQuery(text: string): Promise<number[]> {
      return text.startsWith('[') ? (JSON.parse(text) as number[]) : new Array(32).fill(0); // open's dimension probe
    }
  }
  const e = new VectorEmbeddings();
  const data = rows.slice(0, 1500).map((r) => Array.from(r.subarray(0, 32)));
  const docs = data.map(
    (_, i) => new Document({ pageContent: `doc ${i}`, metadata: { i, even: i % 2 === 0 } }),
  );
  const ids = data.map((_, i) => `id-${i}`);
  const probes = queries.slice(0, 30).map((q) => Array.from(q.subarray(0, 32)));
  const overlap = (a: [DocumentInterface, number][], b: [DocumentInterface, number][]) =>
    a.filter(([d]) => b.some(([x]) => x.id === d.id)).length / b.length;

  it('memory store: HNSW results agree with exact, honour deletes and filters; load rebuilds the index', async () => {
    const exactStore = new FirthMemoryVectorStore(e);
    const annStore = new FirthMemoryVectorStore(e, { index: 'hnsw', hnsw: { M: 12, efConstruction: 64 } });
    await exactStore.addVectors(data, docs, { ids });
    await annStore.addVectors(data, docs, { ids });
    expect(annStore.ann?.size).toBe(1500);
    let agree = 0;
    for (const q of probes)
      agree += overlap(
        await annStore.similaritySearchVectorWithScore(q, 10),
        await exactStore.similaritySearchVectorWithScore(q, 10),
      );
    expect(agree / probes.length).toBeGreaterThanOrEqual(0.95);
    const evens = await annStore.similaritySearchVectorWithScore(probes[0]!, 5, { even: true });
    expect(evens.map(([d]) => d.metadata.even)).toEqual([true, true, true, true, true]);
    const top = await annStore.similaritySearchVectorWithScore(probes[1]!, 3);
    await annStore.delete({ ids: top.map(([d]) => d.id!) });
    const after = await annStore.similaritySearchVectorWithScore(probes[1]!, 10);
    for (const [d] of after) expect(top.map(([t]) => t.id)).not.toContain(d.id);
    const again = FirthMemoryVectorStore.fromSnapshot(annStore.toSnapshot(), e, 'snap', { index: 'hnsw' });
    expect(again.ann?.size).toBe(1497);
    expect(await again.similaritySearchVectorWithScore(probes[1]!, 10)).toEqual(after);
    expect(() => new FirthMemoryVectorStore(e, { index: 'HNSW' as never })).toThrow(
      /index must be 'exact' or 'hnsw'/,
    );
  });

  it('sqlite store: the index persists beside the database, is reused on reopen, repaired when stale or corrupt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firth-hnsw-store-'));
    const path = join(dir, 'store.db');
    const args = { path, embeddings: e, index: 'hnsw' as const, hnsw: { M: 12, efConstruction: 64 } };
    try {
      const store = await FirthSqliteVectorStore.open(args);
      await store.addVectors(data.slice(0, 1000), docs.slice(0, 1000), { ids: ids.slice(0, 1000) });
      await store.delete({ ids: ['id-0', 'id-1'] });
      const before = await Promise.all(probes.map((q) => store.similaritySearchVectorWithScore(q, 10)));
      store.close();
      const file = readFileSync(`${path}.hnsw`);
      expect(HnswIndex.fromBytes(file).size).toBe(998);

      // reopened: the persisted index is used as it is (not rewritten) and gives the same results
      const reopened = await FirthSqliteVectorStore.open(args);
      expect(readFileSync(`${path}.hnsw`)).toEqual(file);
      const exactStore = new FirthMemoryVectorStore(e);
      await exactStore.addVectors(data.slice(2, 1000), docs.slice(2, 1000), { ids: ids.slice(2, 1000) });
      let agree = 0;
      for (const [i, q] of probes.entries()) {
        const got = await reopened.similaritySearchVectorWithScore(q, 10);
        expect(got).toEqual(before[i]);
        agree += overlap(got, await exactStore.similaritySearchVectorWithScore(q, 10));
      }
      expect(agree / probes.length).toBeGreaterThanOrEqual(0.95);
      reopened.close();

      // written without the index: the file is stale; opening with it adds the new rows
      const plain = await FirthSqliteVectorStore.open({ path, embeddings: e });
      await plain.addVectors(data.slice(1000), docs.slice(1000), { ids: ids.slice(1000) });
      await plain.delete({ ids: ['id-2'] });
      plain.close();
      const synced = await FirthSqliteVectorStore.open(args);
      expect(synced.ann?.size).toBe(1497);
      const hit = await synced.similaritySearchVectorWithScore(data[1200]!, 1);
      expect(hit[0]![0].id).toBe('id-1200');
      synced.close();
      expect(HnswIndex.load(`${path}.hnsw`).size).toBe(1497);

      // a corrupt index file is rebuilt from the rows, not trusted and not fatal
      writeFileSync(`${path}.hnsw`, file.subarray(0, 100));
      const rebuilt = await FirthSqliteVectorStore.open(args);
      expect(rebuilt.ann?.size).toBe(1497);
      expect((await rebuilt.similaritySearchVectorWithScore(data[1300]!, 1))[0]![0].id).toBe('id-1300');
      rebuilt.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
