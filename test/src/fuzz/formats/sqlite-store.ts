/**
 * Fuzz format: the SQLite file of `FirthSqliteVectorStore` (@firth/rag, sqlite-store.ts).
 *
 * Seeds: small stores written by FirthSqliteVectorStore itself (cosine, 5 rows of 4 dimensions;
 * l2, 3 rows of 3; an empty one that never held a vector), as the bytes of the closed .sqlite file.
 * Byte mutations mostly hit SQLite's page structure, so the `extra` mutators edit the file through
 * node:sqlite on a copy — meta values, a row's metadata JSON, a vector blob, the norm, ids, the
 * schema (including one that lets two rows share an id) — to reach Firth's own row checks.
 *
 * Load: open through the public constructor, run a search over every row and a filtered search
 * that reads every row's Document. Consistency (`inconsistency`): the same bytes read with
 * node:sqlite directly, checked against the format as written down here, not the store's code:
 *   - integrity_check is ok; tables are exactly meta, docs (+ sqlite_sequence); docs has the
 *     columns seq INTEGER PK, id, content, metadata (TEXT), vector (BLOB), norm (REAL), all NOT
 *     NULL, and a UNIQUE index on id;
 *   - meta keys ⊆ {format, similarity, dimension}; format '1'; similarity cosine | dot | l2;
 *     dimension a canonical positive integer, absent only while docs is empty;
 *   - every row: id non-empty text, ids distinct; content text; metadata JSON text of an object;
 *     vector 4·dimension bytes of finite float32 LE; norm = √(Σ x²) (to 1e-9);
 *   - what the store returned: every row once, with its content and metadata, ranked nearest
 *     first under the file's similarity (scores recomputed here).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { FirthSqliteVectorStore } from '@firth/rag';
import type { Files, FuzzFormat } from '../format.ts';
import type { Mutator } from '../mutate.ts';
import { noEmbeddings, STORE_TABLES, writtenFile } from './shared/store-seeds.ts';

const FILE = 'store.sqlite';

/** Runs `work` on a copy of `bytes` in a temporary folder; returns what `work` returns. */
function withCopy<T>(bytes: Uint8Array, work: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'firth-fuzz-sqlite-copy-'));
  try {
    const path = join(dir, FILE);
    writeFileSync(path, bytes);
    return work(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A store of `t` written by FirthSqliteVectorStore, closed. */
const seed = (t: (typeof STORE_TABLES)[number]) =>
  writtenFile(FILE, async (path) => {
    const store = new FirthSqliteVectorStore({ path, embeddings: noEmbeddings, similarity: t.similarity });
    if (t.vectors.length > 0)
      await store.addVectors(
        t.vectors,
        t.vectors.map((_, i) => ({ pageContent: `text ${i} ünïcode`, metadata: t.metadata[i]! })),
        { ids: t.vectors.map((_, i) => `id-${i}`) },
      );
    store.close();
  });

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** An edit made with SQL on a copy of the file; an edit that fails (a damaged copy) gives the bytes back. */
const sqlEdit = (name: string, edit: (db: DatabaseSync, r: Rand) => void): Mutator => ({
  name,
  apply(bytes, r) {
    try {
      return withCopy(bytes, (path) => {
        const db = new DatabaseSync(path);
        try {
          edit(db, r);
        } finally {
          db.close();
        }
        return new Uint8Array(readFileSync(path));
      });
    } catch {
      return bytes;
    }
  },
});

const someSeq = (db: DatabaseSync, r: Rand): number | undefined => {
  const seqs = db
    .prepare('SELECT seq FROM docs')
    .all()
    .map((x) => Number(x.seq));
  return seqs.length > 0 ? pick(r, seqs) : undefined;
};

/**
 * Two rows under one id: the UNIQUE constraint removed from the schema text (and, half the time,
 * its index from sqlite_master), then a row copied through a second connection.
 */
const shareId: Mutator = {
  name: 'let two rows share an id',
  apply(bytes, r) {
    try {
      return withCopy(bytes, (path) => {
        const first = new DatabaseSync(path);
        first.exec('PRAGMA writable_schema = ON');
        first.exec(
          "UPDATE sqlite_master SET sql = replace(sql, 'id TEXT NOT NULL UNIQUE', 'id TEXT NOT NULL') WHERE name = 'docs'",
        );
        if (r() < 0.5) first.exec("DELETE FROM sqlite_master WHERE name = 'sqlite_autoindex_docs_1'");
        first.close();
        const second = new DatabaseSync(path);
        try {
          second.exec(
            'INSERT INTO docs (id, content, metadata, vector, norm) SELECT id, content, metadata, vector, norm FROM docs ORDER BY seq LIMIT 1',
          );
        } finally {
          second.close();
        }
        return new Uint8Array(readFileSync(path));
      });
    } catch {
      return bytes;
    }
  },
};

const extra: Mutator[] = [
  sqlEdit('set a meta value', (db, r) => {
    const key = pick(r, ['format', 'similarity', 'dimension', 'model']);
    const value = pick(r, [
      'L2',
      'COSINE',
      'Cosine',
      'dot',
      'l2',
      'cosine',
      '1',
      '2',
      '0',
      '-1',
      '3',
      '4',
      '5',
      '04',
      '4.0',
      '',
      ' 4',
      '1e3',
      '999999999',
      '2000000',
      'x',
      null,
      7,
      new Uint8Array([0x6c, 0x32]),
    ]);
    if (value === null) db.prepare('DELETE FROM meta WHERE key = ?').run(key);
    else db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }),
  sqlEdit("rewrite a row's metadata", (db, r) => {
    const seq = someSeq(db, r);
    if (seq === undefined) return;
    const old = String(db.prepare('SELECT metadata FROM docs WHERE seq = ?').get(seq)?.metadata);
    const value = pick(r, [
      old.slice(0, Math.floor(r() * old.length)),
      '[1]',
      'null',
      '"text"',
      '{}',
      '{"a":1}',
      '{',
      '{"a":NaN}',
      '{"a":1}x',
      `${old} `,
      '\u00e9',
      42,
      1.5,
      new Uint8Array([0x7b, 0x7d]),
      new Uint8Array([0xff]),
    ]);
    db.prepare('UPDATE docs SET metadata = ? WHERE seq = ?').run(value, seq);
  }),
  sqlEdit('change a vector blob', (db, r) => {
    const seq = someSeq(db, r);
    if (seq === undefined) return;
    const blob = db.prepare('SELECT vector FROM docs WHERE seq = ?').get(seq)?.vector as Uint8Array;
    const op = pick(r, ['longer', 'shorter', 'empty', 'nan', 'inf', 'text', 'scale']);
    let value: Uint8Array | string;
    if (op === 'longer') value = new Uint8Array([...blob, 0, 0, 128, 63]);
    else if (op === 'shorter') value = blob.subarray(0, Math.max(0, blob.length - 4));
    else if (op === 'empty') value = new Uint8Array();
    else if (op === 'text') value = 'vector';
    else {
      const f = new Float32Array(blob.slice().buffer);
      const j = Math.floor(r() * f.length);
      if (op === 'scale') f[j] = (f[j] ?? 0) * 2 + 1;
      else f[j] = op === 'nan' ? Number.NaN : Number.NEGATIVE_INFINITY;
      value = new Uint8Array(f.buffer);
    }
    db.prepare('UPDATE docs SET vector = ? WHERE seq = ?').run(value, seq);
  }),
  sqlEdit('change a norm', (db, r) => {
    const seq = someSeq(db, r);
    if (seq === undefined) return;
    db.prepare('UPDATE docs SET norm = ? WHERE seq = ?').run(pick(r, [0, -1, 1e308, 2, 'one', 0.5]), seq);
  }),
  sqlEdit('change an id or the content', (db, r) => {
    const seq = someSeq(db, r);
    if (seq === undefined) return;
    const column = pick(r, ['id', 'content']);
    const value = pick(r, [42, '', 'id-0', 'id-1', new Uint8Array([0, 1]), 'new id', 3.5]);
    db.prepare(`UPDATE docs SET ${column} = ? WHERE seq = ?`).run(value, seq);
  }),
  shareId,
  sqlEdit('change the schema', (db, r) => {
    db.exec(
      pick(r, [
        'CREATE TABLE notes (body TEXT)',
        'CREATE INDEX by_content ON docs (content)',
        'ALTER TABLE docs ADD COLUMN extra TEXT',
        'DROP TABLE meta',
        'DELETE FROM docs',
        'DELETE FROM meta',
        "INSERT INTO docs (id, content, metadata, vector, norm) VALUES ('zero', 'z', '{}', zeroblob(0), 0)",
      ]),
    );
  }),
];

interface Loaded {
  similarity: string;
  dimension: number | undefined;
  count: number;
  ranked: { id: string; score: number }[];
  documents: { id: string; pageContent: string; metadata: Record<string, unknown> }[];
}

async function load(_files: Files, dir: string): Promise<Loaded> {
  const store = new FirthSqliteVectorStore({ path: join(dir, FILE), embeddings: noEmbeddings });
  try {
    const count = store.count();
    const d = store.dimension;
    const query = Array.from({ length: d ?? 0 }, (_, j) => (j % 3) - 0.5);
    const ranked = d === undefined ? [] : await store.similaritySearchVectorWithScore(query, count);
    const all = d === undefined ? [] : await store.similaritySearchVectorWithScore(query, count, () => true);
    return {
      similarity: store.similarity,
      dimension: d,
      count,
      ranked: ranked.map(([doc, score]) => ({ id: String(doc.id), score })),
      documents: all.map(([doc]) => ({
        id: String(doc.id),
        pageContent: doc.pageContent,
        metadata: doc.metadata,
      })),
    };
  } finally {
    store.close();
  }
}

/** The file read with node:sqlite directly (see the header for the rules). */
function check(path: string, loaded: Loaded): string | null {
  const db = new DatabaseSync(path);
  try {
    const integrity = db.prepare('PRAGMA integrity_check').all();
    if (integrity.length !== 1 || integrity[0]?.integrity_check !== 'ok')
      return `integrity_check: ${JSON.stringify(integrity).slice(0, 200)}`;
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((t) => String(t.name))
      .sort();
    if (tables.join() !== 'docs,meta,sqlite_sequence') return `tables ${tables.join()}`;
    const columns = db
      .prepare('PRAGMA table_info(docs)')
      .all()
      .map((c) => `${c.name}:${c.type}:${c.notnull}:${c.pk}`)
      .join();
    const want =
      'seq:INTEGER:0:1,id:TEXT:1:0,content:TEXT:1:0,metadata:TEXT:1:0,vector:BLOB:1:0,norm:REAL:1:0';
    if (columns !== want) return `docs columns ${columns}`;
    const unique = db
      .prepare('PRAGMA index_list(docs)')
      .all()
      .filter((i) => i.unique === 1)
      .some((i) => {
        const cols = db.prepare(`PRAGMA index_info(${JSON.stringify(String(i.name))})`).all();
        return cols.length === 1 && cols[0]?.name === 'id';
      });
    if (!unique) return 'no UNIQUE index on docs.id';
    const meta = new Map<string, unknown>();
    for (const m of db.prepare('SELECT key, value FROM meta').all()) meta.set(String(m.key), m.value);
    for (const key of meta.keys())
      if (!['format', 'similarity', 'dimension'].includes(key)) return `unknown meta key ${key}`;
    if (meta.get('format') !== '1') return `format ${String(meta.get('format'))}`;
    const similarity = meta.get('similarity');
    if (similarity !== 'cosine' && similarity !== 'dot' && similarity !== 'l2')
      return `similarity ${String(similarity)}`;
    if (similarity !== loaded.similarity) return `similarity ${similarity}, loaded as ${loaded.similarity}`;
    const rawDimension = meta.get('dimension');
    const dimension = rawDimension === undefined ? undefined : Number(rawDimension);
    if (
      rawDimension !== undefined &&
      !(typeof rawDimension === 'string' && String(dimension) === rawDimension && dimension! >= 1)
    )
      return `dimension ${JSON.stringify(rawDimension)}`;
    if (dimension !== loaded.dimension) return `dimension ${dimension}, loaded as ${loaded.dimension}`;
    const rows = db.prepare('SELECT seq, id, content, metadata, vector, norm FROM docs').all();
    if (rows.length !== loaded.count) return `${rows.length} rows, count() said ${loaded.count}`;
    if (dimension === undefined) return rows.length === 0 ? null : 'rows without a dimension';
    const q = Array.from({ length: dimension }, (_, j) => (j % 3) - 0.5);
    const expected = new Map<string, { content: string; metadata: unknown; score: number }>();
    for (const row of rows) {
      const { id, content, metadata, vector, norm } = row;
      if (typeof id !== 'string' || id === '') return `row ${row.seq}: id ${String(id)}`;
      if (expected.has(id)) return `id ${id} on two rows`;
      if (typeof content !== 'string') return `row ${row.seq}: content of type ${typeof content}`;
      if (typeof metadata !== 'string') return `row ${row.seq}: metadata of type ${typeof metadata}`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(metadata);
      } catch {
        return `row ${row.seq}: metadata is not JSON`;
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        return `row ${row.seq}: metadata is not an object`;
      if (!(vector instanceof Uint8Array) || vector.length !== 4 * dimension)
        return `row ${row.seq}: vector of ${(vector as Uint8Array)?.length} bytes`;
      const view = new DataView(vector.buffer, vector.byteOffset, vector.byteLength);
      const x = Array.from({ length: dimension }, (_, j) => view.getFloat32(4 * j, true));
      if (!x.every(Number.isFinite)) return `row ${row.seq}: non-finite vector`;
      const n = Math.sqrt(x.reduce((s, v) => s + v * v, 0));
      if (typeof norm !== 'number' || Math.abs(norm - n) > 1e-9 * Math.max(1, n))
        return `row ${row.seq}: norm ${String(norm)} for a vector of norm ${n}`;
      const dotQ = x.reduce((s, v, j) => s + v * q[j]!, 0);
      const qn = Math.sqrt(q.reduce((s, v) => s + v * v, 0));
      const score =
        similarity === 'dot'
          ? dotQ
          : similarity === 'cosine'
            ? n * qn === 0
              ? 0
              : dotQ / (n * qn)
            : Math.sqrt(x.reduce((s, v, j) => s + (v - q[j]!) ** 2, 0));
      expected.set(id, { content, metadata: parsed, score });
    }
    if (loaded.documents.length !== rows.length)
      return `${loaded.documents.length} documents read for ${rows.length} rows`;
    for (const doc of loaded.documents) {
      const want = expected.get(doc.id);
      if (!want) return `document ${doc.id} is not a row`;
      if (want.content !== doc.pageContent) return `document ${doc.id}: content differs`;
      if (JSON.stringify(want.metadata) !== JSON.stringify(doc.metadata))
        return `document ${doc.id}: metadata differs`;
    }
    if (new Set(loaded.ranked.map((h) => h.id)).size !== rows.length) return 'the ranking misses rows';
    const closerFirst = (a: number, b: number) => (similarity === 'l2' ? a <= b : a >= b);
    for (let i = 0; i < loaded.ranked.length; i++) {
      const hit = loaded.ranked[i]!;
      const want = expected.get(hit.id)!.score;
      if (Math.abs(hit.score - want) > 1e-4 * Math.max(1, Math.abs(want)))
        return `score of ${hit.id}: ${hit.score}, recomputed ${want}`;
      if (i > 0 && !closerFirst(loaded.ranked[i - 1]!.score, hit.score))
        return `ranking out of order at ${i}`;
    }
    return null;
  } finally {
    db.close();
  }
}

const format: FuzzFormat = {
  name: 'sqlite-store',
  kind: 'binary',
  seeds: () => Promise.all(STORE_TABLES.map(seed)),
  extra,
  load,
  inconsistency(files, loaded) {
    try {
      return withCopy(files[FILE]!, (path) => check(path, loaded as Loaded));
    } catch (error) {
      return `accepted, but node:sqlite cannot read it: ${(error as Error).message}`;
    }
  },
};
export default format;
