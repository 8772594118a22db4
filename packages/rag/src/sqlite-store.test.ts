import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FirthMemoryVectorStore } from './memory-store.js';
import { FirthSqliteVectorStore } from './sqlite-store.js';

/** Texts name their vectors: 'x:1,0' embeds as [1, 0]; a text without ':' embeds as zeros. */
class TableEmbeddings extends Embeddings {
  constructor(readonly dimension = 2) {
    super({});
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) =>
      t.includes(':') ? t.split(':')[1]!.split(',').map(Number) : new Array(this.dimension).fill(0),
    );
  }
  async embedQuery(text: string): Promise<number[]> {
    return (await this.embedDocuments([text]))[0]!;
  }
}

const texts = ['a:1,0', 'b:0.9,0.1', 'c:0,1', 'd:2,2', 'e:-1,0'];
const metas = texts.map((t, i) => ({ name: t[0], even: i % 2 === 0 }));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firth-sqlite-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('FirthSqliteVectorStore', () => {
  it('round-trips across a reopen and ranks exactly like the memory store', async () => {
    const path = join(dir, 'store.db');
    const e = new TableEmbeddings();
    for (const similarity of ['cosine', 'dot', 'l2'] as const) {
      const file = `${path}.${similarity}`;
      const written = await FirthSqliteVectorStore.fromTexts(texts, metas, e, { path: file, similarity });
      expect(written._vectorstoreType()).toBe('firth-sqlite');
      written.close();
      const store = await FirthSqliteVectorStore.open({ path: file, embeddings: e }); // similarity from the file
      expect(store.similarity).toBe(similarity);
      expect(store.dimension).toBe(2);
      const memory = await FirthMemoryVectorStore.fromTexts(texts, metas, e, { similarity });
      for (const q of [
        [1, 0],
        [0, 0.9],
        [-0.3, 0.7],
      ]) {
        const got = await store.similaritySearchVectorWithScore(q, 3);
        const want = await memory.similaritySearchVectorWithScore(q, 3);
        expect(got.map(([d, s]) => [d.pageContent, d.metadata, s])).toEqual(
          want.map(([d, s]) => [d.pageContent, d.metadata, s]),
        );
      }
      store.close();
    }
    const store = await FirthSqliteVectorStore.open({ path: `${path}.cosine`, embeddings: e });
    expect((await store.similaritySearch('q:1,0', 5, { even: true })).map((d) => d.metadata.name)).toEqual([
      'a',
      'c',
      'e',
    ]);
    expect((await store.similaritySearch('q:1,0', 1, (d) => d.metadata.name !== 'a'))[0]?.metadata.name).toBe(
      'b',
    );
    expect((await store.asRetriever({ k: 2 }).invoke('q:0,1')).map((d) => d.metadata.name)).toEqual([
      'c',
      'd',
    ]);
    // MMR, the memory store's worked example: λ = 0.3 skips the near-duplicate p2
    await store.addDocuments(
      ['p:1,0', 'p2:0.99,0.01', 'q:0.6,0.8'].map(
        (t) => new Document({ pageContent: t, metadata: { mmr: true } }),
      ),
      { ids: ['p', 'p2', 'q'] },
    );
    const mmr = await store.maxMarginalRelevanceSearch('x:1,0', {
      k: 2,
      fetchK: 3,
      lambda: 0.3,
      filter: { mmr: true },
    });
    expect(mmr.map((d) => d.id)).toEqual(['p', 'q']);
    await store.delete({ ids: ['p', 'p2'] });
    expect(store.count()).toBe(6);
    store.close();
    const again = new FirthSqliteVectorStore({ path: `${path}.cosine`, embeddings: e });
    expect(again.count()).toBe(6);
    expect((await again.similaritySearchVectorWithScore([0.6, 0.8], 1))[0]?.[0].id).toBe('q');
    again.close();
  });

  it('a filter matching nothing, or an empty store, gives []', async () => {
    const store = await FirthSqliteVectorStore.fromTexts(texts, metas, new TableEmbeddings(), {
      path: join(dir, 'filter.db'),
    });
    expect(await store.similaritySearch('q:1,0', 3, { name: 'zzz' })).toEqual([]);
    expect(await store.similaritySearch('q:1,0', 3, () => false)).toEqual([]);
    expect(await store.maxMarginalRelevanceSearch('q:1,0', { k: 2, filter: { name: 'zzz' } })).toEqual([]);
    store.close();
    const empty = await FirthSqliteVectorStore.open({
      path: join(dir, 'empty.db'),
      embeddings: new TableEmbeddings(),
    });
    expect(await empty.similaritySearch('q:1,0', 3)).toEqual([]);
    expect(await empty.maxMarginalRelevanceSearch('q:1,0', { k: 2 })).toEqual([]);
    empty.close();
  });

  it('refuses a different embedding dimension, naming both, and loses nothing', async () => {
    const path = join(dir, 'store.db');
    (await FirthSqliteVectorStore.fromTexts(texts, metas, new TableEmbeddings(), { path })).close();
    const before = readFileSync(path);
    expect(
      () => new FirthSqliteVectorStore({ path, embeddings: new TableEmbeddings(3), dimension: 3 }),
    ).toThrow(/holds 2-dimensional vectors but the embeddings make 3-dimensional ones/);
    await expect(FirthSqliteVectorStore.open({ path, embeddings: new TableEmbeddings(3) })).rejects.toThrow(
      /store\.db holds 2-dimensional vectors but the embeddings make 3-dimensional ones/,
    );
    expect(
      () => new FirthSqliteVectorStore({ path, embeddings: new TableEmbeddings(), similarity: 'dot' }),
    ).toThrow(/built for 'cosine' similarity, not 'dot'/);
    expect(readFileSync(path)).toEqual(before);
    const store = await FirthSqliteVectorStore.open({ path, embeddings: new TableEmbeddings() });
    // all or nothing: the second vector is bad, so the first is not added either
    await expect(
      store.addVectors(
        [
          [1, 1],
          [1, 2, 3],
        ],
        [new Document({ pageContent: 'x' }), new Document({ pageContent: 'y' })],
      ),
    ).rejects.toThrow(/vector 1 has 3 dimensions but this store holds 2-dimensional vectors/);
    await expect(store.similaritySearchVectorWithScore([1, 0, 0], 1)).rejects.toThrow(
      /query vector has 3 dimensions/,
    );
    expect(store.count()).toBe(5);
    store.close();
  });

  it('refuses a corrupt or foreign file with its path, leaving it untouched', () => {
    const e = new TableEmbeddings();
    const garbage = join(dir, 'garbage.db');
    const bytes = Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 131 + 7) % 256));
    writeFileSync(garbage, bytes);
    expect(() => new FirthSqliteVectorStore({ path: garbage, embeddings: e })).toThrow(
      new RegExp(
        `${garbage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a readable Firth SQLite vector store`,
      ),
    );
    expect(readFileSync(garbage)).toEqual(bytes);
    expect(existsSync(`${garbage}-wal`)).toBe(false);

    const foreign = join(dir, 'foreign.db');
    const db = new DatabaseSync(foreign);
    db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')");
    db.close();
    const before = readFileSync(foreign);
    expect(() => new FirthSqliteVectorStore({ path: foreign, embeddings: e })).toThrow(
      /no meta\/docs tables/,
    );
    expect(readFileSync(foreign)).toEqual(before);
  });

  it('survives being killed mid-insert: whole batches only, every row readable and searchable', async () => {
    const path = join(dir, 'killed.db');
    const BATCH = 50;
    const source = new URL('./sqlite-store.ts', import.meta.url).href;
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const child = join(dir, 'writer.mjs');
    writeFileSync(
      child,
      `import { FirthSqliteVectorStore } from ${JSON.stringify(source)};
const zeros = async () => [0, 0, 0, 0];
const store = new FirthSqliteVectorStore({ path: process.argv[2], dimension: 4,
  embeddings: { embedQuery: zeros, embedDocuments: async (t) => t.map(() => [0, 0, 0, 0]) } });
for (let b = 0; ; b++) {
  const docs = [], vectors = [];
  for (let j = 0; j < ${BATCH}; j++) {
    docs.push({ pageContent: 'b' + b + ' r' + j, metadata: { batch: b, row: j } });
    vectors.push([b + 1, j, 1, -j]);
  }
  await store.addVectors(vectors, docs, { ids: docs.map((d) => d.pageContent) });
  process.stdout.write(b + '\\n');
}
`,
    );
    const proc = spawn(
      process.execPath,
      [
        '--conditions=firth-source',
        '--experimental-transform-types',
        '--disable-warning=ExperimentalWarning',
        '--import',
        join(root, 'scripts/bench/ts-hooks.mjs'),
        child,
        path,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    proc.stderr.on('data', (d) => {
      stderr += d;
    });
    const committed = await new Promise<number>((resolve, reject) => {
      let seen = 0;
      proc.stdout.on('data', (d: Buffer) => {
        seen += d.toString().split('\n').filter(Boolean).length;
        if (seen >= 30 && proc.kill('SIGKILL')) resolve(seen);
      });
      proc.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`writer exited (${code}) before the kill: ${stderr}`));
      });
    });
    await new Promise((resolve) =>
      proc.exitCode !== null || proc.signalCode ? resolve(null) : proc.on('exit', resolve),
    );
    expect(proc.signalCode).toBe('SIGKILL');

    const store = await FirthSqliteVectorStore.open({ path, embeddings: new TableEmbeddings(4) });
    const n = store.count();
    expect(n % BATCH).toBe(0); // never part of a batch
    expect(n / BATCH).toBeGreaterThanOrEqual(committed); // every batch reported committed is there
    const all = await store.similaritySearchVectorWithScore([1, 0, 1, 0], n);
    expect(all).toHaveLength(n);
    const batches = new Map<number, number>();
    for (const [doc] of all)
      batches.set(doc.metadata.batch as number, (batches.get(doc.metadata.batch as number) ?? 0) + 1);
    expect([...batches.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: n / BATCH }, (_, b) => b));
    expect([...batches.values()].every((c) => c === BATCH)).toBe(true);
    const last = n / BATCH - 1;
    for (const j of [0, 17, BATCH - 1]) {
      const [[doc, s]] = (await store.similaritySearchVectorWithScore([last + 1, j, 1, -j], 1)) as [
        [Document, number],
      ];
      expect(doc.id).toBe(`b${last} r${j}`);
      expect(s).toBeCloseTo(1, 6);
    }
    store.close();
  });
});
