import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { FormatError, ValidationError } from '@firth/numeric';
import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FirthMemoryVectorStore } from './memory-store.js';
import { onSources } from './source-child.test-support.js';
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
      `${garbage}: is not a SQLite database (it does not start with "SQLite format 3")`,
    );
    expect(readFileSync(garbage)).toEqual(bytes);
    expect(existsSync(`${garbage}-wal`)).toBe(false);

    const foreign = join(dir, 'foreign.db');
    const db = new DatabaseSync(foreign);
    db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')");
    db.close();
    const before = readFileSync(foreign);
    expect(() => new FirthSqliteVectorStore({ path: foreign, embeddings: e })).toThrow(
      `${foreign}: holds the tables notes, not a Firth SQLite vector store's meta and docs`,
    );
    expect(readFileSync(foreign)).toEqual(before);
  });

  it('refuses an unknown similarity, listing the valid ones, before any file is made', async () => {
    const path = join(dir, 'typo.db');
    const typo = { path, embeddings: new TableEmbeddings(), similarity: 'L2' as 'l2' };
    const message = `similarity must be one of 'cosine', 'dot', 'l2', got "L2"`;
    expect(() => new FirthSqliteVectorStore(typo)).toThrow(message);
    await expect(FirthSqliteVectorStore.open(typo)).rejects.toThrow(ValidationError);
    await expect(FirthSqliteVectorStore.fromTexts(texts, metas, typo.embeddings, typo)).rejects.toThrow(
      message,
    );
    expect(existsSync(path)).toBe(false);
    expect(() => new FirthSqliteVectorStore({ ...typo, similarity: undefined, dimension: 0 })).toThrow(
      /^dimension must be an integer from 1 to 1048576, got 0$/,
    );
    expect(() => new FirthSqliteVectorStore({ ...typo, path: ' ' })).toThrow(
      /path must be a non-empty string/,
    );
  });

  it('refuses a 0-byte file, a folder, or a SQLite file without its tables — untouched, never made a store', () => {
    const e = new TableEmbeddings();
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    const open = (path: string) => () => new FirthSqliteVectorStore({ path, embeddings: e });
    expect(open(empty)).toThrow(
      `${empty}: is empty (0 bytes), not a Firth SQLite vector store; delete it to create a new store there`,
    );
    expect(open(empty)).toThrow(FormatError);
    expect(readFileSync(empty).length).toBe(0);
    expect(readdirSync(dir)).toEqual(['empty.db']); // no -wal, -shm or temporary file beside it
    expect(open(dir)).toThrow(`${dir}: is not a regular file`);
    const bare = join(dir, 'bare.db');
    new DatabaseSync(bare).exec('PRAGMA user_version = 7'); // a valid SQLite file with no tables
    const before = readFileSync(bare);
    expect(open(bare)).toThrow(`${bare}: holds no tables, not a Firth SQLite vector store's meta and docs`);
    expect(readFileSync(bare)).toEqual(before);
  });

  /** The five texts under ids '1-a' … '5-e' (rows seq 1 … 5). */
  const written = async (path: string) => {
    const store = await FirthSqliteVectorStore.open({ path, embeddings: new TableEmbeddings() });
    await store.addDocuments(
      texts.map((t, i) => new Document({ pageContent: t, metadata: metas[i] })),
      { ids: texts.map((t, i) => `${i + 1}-${t[0]}`) },
    );
    return store;
  };
  /** A store of the five texts, then `sql` run on its file directly (a tampered or damaged file). */
  const tampered = async (name: string, sql: string, params: (string | number | Uint8Array)[] = []) => {
    const path = join(dir, name);
    (await written(path)).close();
    const db = new DatabaseSync(path);
    db.prepare(sql).run(...params);
    db.close();
    return path;
  };

  it('refuses a tampered meta row on open, naming the file and the key', async () => {
    const e = new TableEmbeddings();
    const cases: [string, string, string][] = [
      [
        'l2.db',
        "UPDATE meta SET value = 'L2' WHERE key = 'similarity'",
        `meta "similarity" must be one of 'cosine', 'dot', 'l2', got "L2"`,
      ],
      [
        'v2.db',
        "UPDATE meta SET value = '2' WHERE key = 'format'",
        'has store format "2"; this version reads 1',
      ],
      ['nofmt.db', "DELETE FROM meta WHERE key = 'format'", 'meta has no "format" row'],
      [
        'dim0.db',
        "UPDATE meta SET value = '0' WHERE key = 'dimension'",
        'meta "dimension" must be an integer from 1 to 1048576, got "0"',
      ],
      [
        'dimx.db',
        "UPDATE meta SET value = '2.0' WHERE key = 'dimension'",
        'meta "dimension" must be an integer from 1 to 1048576, got "2.0"',
      ],
      [
        'nodim.db',
        "DELETE FROM meta WHERE key = 'dimension'",
        'meta has no "dimension" row, but the store holds rows',
      ],
      [
        'key.db',
        "INSERT INTO meta VALUES ('model', 'x')",
        'meta holds an unknown key "model" (known: format, similarity, dimension)',
      ],
      [
        'blob.db',
        "UPDATE meta SET value = x'6c32' WHERE key = 'similarity'",
        'meta "similarity" must be text, got a BLOB',
      ],
    ];
    for (const [name, sql, problem] of cases) {
      const path = await tampered(name, sql);
      const before = readFileSync(path);
      const open = () => new FirthSqliteVectorStore({ path, embeddings: e });
      expect(open, name).toThrow(`${path}: ${problem}`);
      expect(open, name).toThrow(FormatError);
      expect(readFileSync(path).equals(before), name).toBe(true);
    }
  });

  it('a corrupt row is a FormatError naming the file and the row, where it is read', async () => {
    const e = new TableEmbeddings();
    const read = async (path: string) => {
      const store = new FirthSqliteVectorStore({ path, embeddings: e });
      try {
        // a filtered search reads every row's Document; k = 5 returns them all
        return await store.similaritySearch('q:1,0', 5, () => true);
      } finally {
        store.close();
      }
    };
    const cases: [string, string, (string | number | Uint8Array)[], string][] = [
      [
        'json.db',
        'UPDATE docs SET metadata = ? WHERE seq = 3',
        ['{"name": "c",'],
        'row 3 (id "3-c") metadata is not valid JSON: the text ends too early at line 1, column 14',
      ],
      [
        'array.db',
        'UPDATE docs SET metadata = ? WHERE seq = 2',
        ['[1]'],
        'row 2 (id "2-b") metadata must be an object, got an array of 1',
      ],
      [
        'short.db',
        'UPDATE docs SET vector = ? WHERE seq = 4',
        [new Uint8Array(4)],
        'row 4 has a vector of 4 bytes; 2-dimensional float32 vectors take 8 bytes (corrupt store?)',
      ],
      [
        'nan.db',
        'UPDATE docs SET vector = ? WHERE seq = 1',
        [new Uint8Array(new Float32Array([Number.NaN, 0]).buffer)],
        'row 1 has a vector holding NaN or Infinity (corrupt store?)',
      ],
      [
        'norm.db',
        'UPDATE docs SET norm = 5 WHERE seq = 5',
        [],
        "row 5 stores the norm 5, but its vector's norm is 1 (corrupt store?)",
      ],
      ['id.db', 'UPDATE docs SET id = 42 WHERE seq = 2', [], ''],
      [
        'content.db',
        'UPDATE docs SET content = ? WHERE seq = 1',
        [new Uint8Array([1])],
        'row 1 (id "1-a") has content of a BLOB, not text',
      ],
    ];
    for (const [name, sql, params, problem] of cases) {
      const path = await tampered(name, sql, params);
      if (!problem) {
        // id 42 is stored as the text '42' (the column's TEXT affinity): still a valid store
        expect((await read(path)).map((d) => d.id)).toContain('42');
        continue;
      }
      await expect(read(path), name).rejects.toThrow(`${path}: ${problem}`);
      await expect(read(path), name).rejects.toThrow(FormatError);
    }
  });

  it('damaged pages surface as a FormatError naming the file, never a bare SQLite error', async () => {
    const path = await tampered('pages.db', 'UPDATE docs SET content = content');
    const bytes = readFileSync(path);
    const page = bytes.readUInt16BE(16); // page size, from the file header
    bytes.fill(0xa5, page + 8, 2 * page); // scribble over page 2
    writeFileSync(path, bytes);
    const open = () => new FirthSqliteVectorStore({ path, embeddings: new TableEmbeddings() });
    expect(open).toThrow(FormatError);
    expect(open).toThrow(
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (is a damaged SQLite database|fails SQLite's integrity check)`,
      ),
    );
  });

  it('no two rows share an id: the UNIQUE index is checked, a table without it refused', async () => {
    const path = join(dir, 'dup.db');
    const store = await written(path);
    await store.addVectors([[3, 3]], [new Document({ pageContent: 'again', id: '1-a' })]);
    expect(store.count()).toBe(5); // replaced, not added
    store.close();
    const db = new DatabaseSync(path);
    expect(() =>
      db.exec(
        'INSERT INTO docs (id, content, metadata, vector, norm) SELECT id, content, metadata, vector, norm FROM docs WHERE seq = 1',
      ),
    ).toThrow(/UNIQUE constraint failed: docs\.id/);
    db.exec('CREATE TABLE copy AS SELECT * FROM docs; DROP TABLE docs; ALTER TABLE copy RENAME TO docs');
    db.exec('INSERT INTO docs SELECT 99, id, content, metadata, vector, norm FROM docs WHERE seq = 1');
    db.close();
    expect(() => new FirthSqliteVectorStore({ path, embeddings: new TableEmbeddings() })).toThrow(
      `${path}: has Firth's meta and docs tables in another layout (another program's database, or a damaged schema)`,
    );
  });

  it('survives being killed mid-insert: whole batches only, every row readable and searchable', async () => {
    const path = join(dir, 'killed.db');
    const BATCH = 50;
    const source = new URL('./sqlite-store.ts', import.meta.url).href;
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
    const proc = spawn(process.execPath, onSources(child, path), { stdio: ['ignore', 'pipe', 'pipe'] });
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

describe('FirthSqliteVectorStore on a Node without node:sqlite (Node 20)', () => {
  it('refuses to open with an error naming the Node versions, and creates no file', () => {
    const spy = vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined);
    try {
      const path = join(dir, 'store.db');
      expect(() => new FirthSqliteVectorStore({ path, embeddings: new TableEmbeddings() })).toThrow(
        /needs Node's built-in SQLite \(node:sqlite\): Node 22\.13 or newer .* this is Node /,
      );
      expect(existsSync(path)).toBe(false);
    } finally {
      spy.mockRestore();
    }
  });
});
