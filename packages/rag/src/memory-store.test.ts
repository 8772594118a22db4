import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, ValidationError } from '@firth/numeric';
import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { describe, expect, it } from 'vitest';
import { FirthEmbeddings } from './firth-embeddings.js';
import { FirthMemoryVectorStore, MEMORY_STORE_FORMAT } from './memory-store.js';

/** Texts name their vectors: 'x:1,0' embeds as [1, 0]. */
class TableEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => (t.split(':')[1] ?? '').split(',').map(Number));
  }
  async embedQuery(text: string): Promise<number[]> {
    return (await this.embedDocuments([text]))[0]!;
  }
}

const texts = ['a:1,0', 'b:0.9,0.1', 'c:0,1', 'd:2,2', 'e:-1,0'];
const metas = texts.map((t, i) => ({ name: t[0], even: i % 2 === 0 }));

describe('FirthMemoryVectorStore', () => {
  it('ranks by cosine, dot product or L2 distance', async () => {
    const e = new TableEmbeddings();
    const cosine = await FirthMemoryVectorStore.fromTexts(texts, metas, e);
    const hits = await cosine.similaritySearchVectorWithScore([1, 0], 3);
    expect(hits.map(([d]) => d.metadata.name)).toEqual(['a', 'b', 'd']);
    expect(hits[0]?.[1]).toBeCloseTo(1, 6);
    expect(hits[2]?.[1]).toBeCloseTo(Math.SQRT1_2, 6);
    const dot = await FirthMemoryVectorStore.fromTexts(texts, metas, e, { similarity: 'dot' });
    expect(
      (await dot.similaritySearchVectorWithScore([1, 0], 2)).map(([d, s]) => [d.metadata.name, s]),
    ).toEqual([
      ['d', 2],
      ['a', 1],
    ]);
    const l2 = await FirthMemoryVectorStore.fromTexts(texts, metas, e, { similarity: 'l2' });
    const near = await l2.similaritySearchVectorWithScore([0, 0.9], 2);
    expect(near.map(([d]) => d.metadata.name)).toEqual(['c', 'b']);
    expect(near[0]?.[1]).toBeCloseTo(0.1, 6);
    expect(cosine.rows[0]).toBeInstanceOf(Float32Array);
    expect(cosine._vectorstoreType()).toBe('firth-memory');
  });

  it('filters by metadata equality or a function; text queries go through the embeddings', async () => {
    const store = await FirthMemoryVectorStore.fromTexts(texts, metas, new TableEmbeddings());
    expect((await store.similaritySearch('q:1,0', 5, { even: true })).map((d) => d.metadata.name)).toEqual([
      'a',
      'c',
      'e',
    ]);
    const fn = (d: { metadata: Record<string, unknown> }) => d.metadata.name !== 'a';
    expect((await store.similaritySearch('q:1,0', 1, fn))[0]?.metadata.name).toBe('b');
    const retrieved = await store.asRetriever({ k: 2 }).invoke('q:0,1');
    expect(retrieved.map((d) => d.metadata.name)).toEqual(['c', 'd']);
  });

  it('MMR trades relevance for diversity with lambda', async () => {
    const docs = ['p:1,0', 'p2:0.99,0.01', 'p3:0.98,0.02', 'q:0.6,0.8'].map(
      (pageContent) => new Document({ pageContent, metadata: { name: pageContent.split(':')[0] } }),
    );
    const store = await FirthMemoryVectorStore.fromDocuments(docs, new TableEmbeddings());
    const names = async (lambda: number) =>
      (await store.maxMarginalRelevanceSearch('x:1,0', { k: 2, fetchK: 4, lambda })).map(
        (d) => d.metadata.name,
      );
    expect(await names(1)).toEqual(['p', 'p2']); // pure relevance
    // λ = 0.3: p2 scores 0.3·1.00 − 0.7·1.00 = −0.40, q scores 0.3·0.6 − 0.7·0.6 = −0.24
    expect(await names(0.3)).toEqual(['p', 'q']); // the near-duplicate is skipped
    await expect(store.maxMarginalRelevanceSearch('x:1,0', { k: 2, lambda: 2 })).rejects.toThrow(/lambda/);
  });

  it('says so when dimensions do not match; deletes by id', async () => {
    const store = await FirthMemoryVectorStore.fromTexts(texts, metas, new TableEmbeddings());
    await expect(store.similaritySearch('q:1,0,0', 1)).rejects.toThrow(
      /query vector has 3 dimensions but this store holds 2-dimensional vectors/,
    );
    await expect(store.addVectors([[1, 2, 3]], [new Document({ pageContent: 'x' })])).rejects.toThrow(
      /vector 0 has 3 dimensions/,
    );
    await expect(store.addVectors([[1, Number.NaN]], [new Document({ pageContent: 'x' })])).rejects.toThrow(
      /NaN/,
    );
    const ids = await store.addVectors([[0, -1]], [new Document({ pageContent: 'neg' })], { ids: ['neg'] });
    expect(ids).toEqual(['neg']);
    expect((await store.similaritySearchVectorWithScore([0, -1], 1))[0]?.[0].pageContent).toBe('neg');
    await store.delete({ ids: ['neg'] });
    expect(store.documents).toHaveLength(5);
  });

  it('ids stay unique: a held id is replaced, default ids skip taken ones; an unknown similarity is refused', async () => {
    const store = new FirthMemoryVectorStore(new TableEmbeddings());
    await store.addVectors([[1, 0]], [new Document({ pageContent: 'taken' })], { ids: ['0'] });
    const ids = await store.addVectors(
      [
        [0, 1],
        [1, 1],
      ],
      [new Document({ pageContent: 'x' }), new Document({ pageContent: 'y' })],
    );
    expect(ids).toEqual(['1', '2']);
    await store.addVectors([[2, 0]], [new Document({ pageContent: 'again' })], { ids: ['0'] });
    expect(store.ids).toEqual(['0', '1', '2']);
    expect(store.documents.map((d) => d.pageContent)).toEqual(['again', 'x', 'y']);
    expect(Array.from(store.rows[0]!)).toEqual([2, 0]);
    for (const k of [-1, 1.5, Number.NaN, '2' as unknown as number])
      await expect(store.similaritySearchVectorWithScore([1, 0], k)).rejects.toThrow(
        `k must be an integer ≥ 0, got ${String(k)}`,
      );
    expect(await store.similaritySearchVectorWithScore([1, 0], 0)).toEqual([]);
    expect(await store.similaritySearchVectorWithScore([1, 0], Number.POSITIVE_INFINITY)).toHaveLength(3);
    const l2 = () => new FirthMemoryVectorStore(new TableEmbeddings(), { similarity: 'L2' as 'l2' });
    expect(l2).toThrow(/^similarity must be one of 'cosine', 'dot', 'l2', got "L2"$/);
    expect(l2).toThrow(ValidationError);
    await expect(store.addVectors([[1, 0]], [{ pageContent: null } as unknown as Document])).rejects.toThrow(
      /addVectors: document 0 has no string pageContent/,
    );
    await expect(
      store.addVectors([[1, 0]], [new Document({ pageContent: 'big', metadata: { n: 1n } })]),
    ).resolves.toEqual(['3']);
    await expect(
      store.save(join(mkdtempSync(join(tmpdir(), 'firth-memstore-')), 'x.firthvs')),
    ).rejects.toThrow(
      /x\.firthvs: the store's metadata cannot be saved as JSON \(Do not know how to serialize a BigInt\)/,
    );
  });

  it('a filter matching nothing, or an empty store, gives []', async () => {
    const store = await FirthMemoryVectorStore.fromTexts(texts, metas, new TableEmbeddings());
    expect(await store.similaritySearch('q:1,0', 3, { name: 'zzz' })).toEqual([]);
    expect(await store.similaritySearch('q:1,0', 3, () => false)).toEqual([]);
    expect(await store.maxMarginalRelevanceSearch('q:1,0', { k: 2, filter: { name: 'zzz' } })).toEqual([]);
    expect(await new FirthMemoryVectorStore(new TableEmbeddings()).similaritySearch('q:1,0', 3)).toEqual([]);
  });

  it('a batch with vectors of two lengths is refused whole, fixing no dimension', async () => {
    const store = new FirthMemoryVectorStore(new TableEmbeddings());
    const docs = [new Document({ pageContent: 'x' }), new Document({ pageContent: 'y' })];
    await expect(
      store.addVectors(
        [
          [1, 0],
          [1, 0, 0],
        ],
        docs,
      ),
    ).rejects.toThrow(/vector 1 has 3 dimensions but this store holds 2-dimensional vectors/);
    expect([store.dimension, store.rows.length]).toEqual([undefined, 0]);
    await store.addVectors(
      [
        [1, 0, 0],
        [0, 1, 0],
      ],
      docs,
    );
    expect(store.dimension).toBe(3);
  });

  it('works with FirthEmbeddings (GloVe) end to end', async () => {
    const store = await FirthMemoryVectorStore.fromTexts(
      ['The cat sat on the mat.', 'Stock markets fell sharply today.', 'The rocket reached orbit.'],
      [{ id: 'pets' }, { id: 'finance' }, { id: 'space' }],
      new FirthEmbeddings(),
    );
    expect((await store.similaritySearch('kittens and dogs', 1))[0]?.metadata.id).toBe('pets');
    expect((await store.similaritySearch('shares and investors', 1))[0]?.metadata.id).toBe('finance');
    expect(store.dimension).toBe(100);
  });
});

describe('FirthMemoryVectorStore snapshots: save / load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'firth-memstore-'));
  /** Seeded pseudo-random rows (mulberry32). */
  const random = (seed: number, n: number, d: number) => {
    let a = seed;
    const u = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let x = Math.imul(a ^ (a >>> 15), 1 | a);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296 - 0.5;
    };
    return Array.from({ length: n }, () => Array.from({ length: d }, u));
  };

  it('round trip: same Documents, ids, similarity and search results (to 1e-6)', async () => {
    for (const similarity of ['cosine', 'dot', 'l2'] as const) {
      const store = new FirthMemoryVectorStore(new TableEmbeddings(), { similarity });
      const docs = random(1, 200, 16).map(
        (_, i) => new Document({ pageContent: `doc ${i} – ünïcode`, metadata: { i, even: i % 2 === 0 } }),
      );
      await store.addVectors(random(1, 200, 16), docs);
      const path = join(dir, `${similarity}.firthvs`);
      await store.save(path);
      const back = await FirthMemoryVectorStore.load(path, new TableEmbeddings());
      expect([back.similarity, back.dimension, back.ids]).toEqual([similarity, 16, store.ids]);
      // the same bytes without a file (what a browser keeps): toSnapshot is the file, fromSnapshot reads it
      const snapshot = store.toSnapshot();
      expect(Buffer.from(snapshot).equals(readFileSync(path))).toBe(true);
      const fromBytes = FirthMemoryVectorStore.fromSnapshot(snapshot, new TableEmbeddings(), 'kept');
      expect([fromBytes.ids, fromBytes.loadedFrom]).toEqual([store.ids, 'kept']);
      expect(() =>
        FirthMemoryVectorStore.fromSnapshot(snapshot.subarray(0, 20), new TableEmbeddings(), 'kept'),
      ).toThrow(/^kept: is truncated/);
      expect(back.documents[5]).toEqual(store.documents[5]);
      for (const q of random(2, 5, 16)) {
        const [x, y] = [
          await store.similaritySearchVectorWithScore(q, 10, { even: true }),
          await back.similaritySearchVectorWithScore(q, 10, { even: true }),
        ];
        expect(y.map(([d]) => d.id)).toEqual(x.map(([d]) => d.id));
        y.forEach(([, s], i) => {
          expect(Math.abs(s - x[i]![1])).toBeLessThan(1e-6);
        });
      }
      // new default ids continue after the loaded ones
      const [id] = await back.addVectors(random(3, 1, 16), [new Document({ pageContent: 'new' })]);
      expect(store.ids).not.toContain(id);
    }
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('an empty store round-trips; save replaces an existing file whole', async () => {
    const path = join(dir, 'empty.firthvs');
    writeFileSync(path, 'old contents');
    await new FirthMemoryVectorStore(new TableEmbeddings()).save(path);
    const back = await FirthMemoryVectorStore.load(path, new TableEmbeddings());
    expect([back.dimension, back.rows.length]).toEqual([undefined, 0]);
    expect(await back.similaritySearch('q:1,0', 2)).toEqual([]);
  });

  it('embeddings of another dimension are caught on the first query, naming the file', async () => {
    const path = join(dir, 'dim.firthvs');
    await (await FirthMemoryVectorStore.fromTexts(texts, metas, new TableEmbeddings())).save(path);
    const back = await FirthMemoryVectorStore.load(path, new TableEmbeddings());
    await expect(back.similaritySearch('q:1,0,0', 1)).rejects.toThrow(
      /dim\.firthvs: query vector has 3 dimensions but this store holds 2-dimensional vectors/,
    );
    await expect(back.addDocuments([new Document({ pageContent: 'z:1,2,3' })])).rejects.toThrow(
      /vector 0 has 3 dimensions/,
    );
  });

  it('refuses another version and missing, foreign, truncated or garbled files, leaving them untouched', async () => {
    const path = join(dir, 'good.firthvs');
    await (await FirthMemoryVectorStore.fromTexts(texts, metas, new TableEmbeddings())).save(path);
    const good = readFileSync(path);
    expect(MEMORY_STORE_FORMAT).toBe(1);
    const h = good.readUInt32LE(8);
    const header = JSON.parse(good.toString('utf8', 12, 12 + h));
    const write = (name: string, bytes: Uint8Array) => {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      return p;
    };
    const withHeader = (name: string, changed: object) => {
      const json = Buffer.from(JSON.stringify({ ...header, ...changed }));
      const len = Buffer.alloc(4);
      len.writeUInt32LE(json.length);
      const pad = Buffer.alloc((4 - (json.length % 4)) % 4);
      return write(
        name,
        Buffer.concat([good.subarray(0, 8), len, json, pad, good.subarray(12 + h + ((4 - (h % 4)) % 4))]),
      );
    };
    const cases: [string, RegExp][] = [
      [withHeader('v2.firthvs', { format: 2 }), /v2\.firthvs: has snapshot format 2; this version reads 1$/],
      [join(dir, 'missing.firthvs'), /missing\.firthvs: cannot read the vector store snapshot/],
      [
        write('foreign.firthvs', Buffer.from('{"not":"a store"}')),
        /foreign\.firthvs: is not a Firth vector store snapshot \(it does not start with "FIRTHVS1"\)$/,
      ],
      [
        write('cut.firthvs', good.subarray(0, good.length - 6)),
        /cut\.firthvs: is truncated: \d+ bytes, expected \d+$/,
      ],
      [
        write('cuthead.firthvs', good.subarray(0, 40)),
        /cuthead\.firthvs: is truncated: a header of \d+ bytes in a file of 40$/,
      ],
      [write('long.firthvs', Buffer.concat([good, Buffer.alloc(4)])), /long\.firthvs: has trailing bytes/],
      [
        write(
          'garbled.firthvs',
          Buffer.concat([good.subarray(0, 12), Buffer.from('{{{'), good.subarray(15)]),
        ),
        /garbled\.firthvs: header is not valid JSON: unexpected "\{" at line 1, column 2$/,
      ],
      [
        withHeader('count.firthvs', { count: 7 }),
        /count\.firthvs: \$\.count is 7, but the header lists 5 documents$/,
      ],
      // the refusal classes found on main: null / wrongly typed fields, repeated ids, unknown names
      [
        withHeader('nulldocs.firthvs', { documents: null }),
        /nulldocs\.firthvs: \$\.documents must be an array, got null$/,
      ],
      [
        withHeader('nulldoc.firthvs', { documents: [null, ...header.documents.slice(1)] }),
        /nulldoc\.firthvs: \$\.documents\[0\] must be an object, got null$/,
      ],
      [
        withHeader('nullpage.firthvs', {
          documents: header.documents.map((d: object, i: number) =>
            i === 1 ? { ...d, pageContent: null } : d,
          ),
        }),
        /nullpage\.firthvs: \$\.documents\[1\]\.pageContent must be a string, got null$/,
      ],
      [
        withHeader('numid.firthvs', {
          documents: header.documents.map((d: object, i: number) => (i === 0 ? { ...d, id: 7 } : d)),
        }),
        /numid\.firthvs: \$\.documents\[0\]\.id must be a non-empty string, got number 7$/,
      ],
      [
        withHeader('arraymeta.firthvs', {
          documents: header.documents.map((d: object, i: number) => (i === 2 ? { ...d, metadata: [] } : d)),
        }),
        /arraymeta\.firthvs: \$\.documents\[2\]\.metadata must be an object, got an array of 0$/,
      ],
      [
        withHeader('dupid.firthvs', {
          documents: header.documents.map((d: { id: string }, i: number) =>
            i === 3 ? { ...d, id: header.documents[0].id } : d,
          ),
        }),
        /dupid\.firthvs: \$\.documents\[3\]\.id repeats the id "0" of \$\.documents\[0\]$/,
      ],
      [
        withHeader('l2.firthvs', { similarity: 'L2' }),
        /l2\.firthvs: \$\.similarity must be one of "cosine", "dot", "l2", got the string "L2"$/,
      ],
      [
        withHeader('dim.firthvs', { dimension: 2.5 }),
        /dim\.firthvs: \$\.dimension must be an integer ≥ 1 and ≤ 1048576, got number 2\.5$/,
      ],
      [
        withHeader('nulldim.firthvs', { dimension: null }),
        /nulldim\.firthvs: \$\.dimension is null, but the snapshot holds 5 rows$/,
      ],
      [withHeader('extra.firthvs', { extra: 1 }), /extra\.firthvs: \$\.extra is not a known field$/],
    ];
    for (const [p, error] of cases) {
      let before: Buffer | undefined;
      try {
        before = readFileSync(p);
      } catch {}
      const refused = FirthMemoryVectorStore.load(p, new TableEmbeddings());
      await expect(refused, p).rejects.toThrow(error);
      await expect(refused, p).rejects.toBeInstanceOf(p.includes('missing') ? ValidationError : FormatError);
      if (before) expect(readFileSync(p).equals(before)).toBe(true);
    }
    const nan = Buffer.from(good);
    nan.writeFloatLE(Number.NaN, nan.length - 4);
    await expect(
      FirthMemoryVectorStore.load(write('nan.firthvs', nan), new TableEmbeddings()),
    ).rejects.toThrow(/nan\.firthvs: row 4 holds NaN at index 1: vectors must be finite$/);
  });
});
