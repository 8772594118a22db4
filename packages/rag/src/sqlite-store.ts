/**
 * `FirthSqliteVectorStore` — the exact vector store of `memory-store.ts`, persisted in one SQLite
 * file through Node's built-in `node:sqlite` (no native build, no dependency), as a LangChain
 * `VectorStore`. Search is the same exact scan and top-k list (`exact-search.ts`), reading rows
 * from the file, so what a query sees is what is on disk.
 *
 *   const store = await FirthSqliteVectorStore.open({ path: 'index.db', embeddings: new FirthEmbeddings() });
 *   await store.addDocuments(chunks);         // one transaction: all rows or none
 *   await store.similaritySearch('kitten', 4);
 *   store.close();
 *
 * Layout: `meta(key, value)` holds the format version, the dimension and the similarity;
 * `docs(seq, id, content, metadata JSON, vector BLOB of float32 little-endian, norm)`. The file is
 * in WAL mode, so a process killed mid-insert leaves the last committed transaction.
 *
 * A file nobody vouches for is checked before it is used: on open, the schema (exactly these
 * tables), SQLite's integrity_check (pages, indexes: no two rows share an id) and the meta rows
 * (known keys; format 1; similarity 'cosine' | 'dot' | 'l2'; dimension a positive integer); on
 * every read, each row (vector of 4 × dimension bytes, finite, its stored norm; metadata a JSON
 * object). Whatever fails is a `FormatError` naming the file and the row, never a bare
 * SyntaxError or SQLite error; a refused file is left as it was. Only a path that does not exist
 * becomes a new store — an empty (0-byte) file is refused, not silently made into one.
 *
 * Several processes may open one file at once (n8n workers on one machine): readers run
 * concurrently (WAL: a reader never waits for a writer), writers take turns. Every write is one
 * `BEGIN IMMEDIATE` transaction — the file's write lock is taken before anything is read, so two
 * writers never interleave and a batch is committed whole or not at all; every search reads one
 * snapshot (a read transaction), so a row written, replaced or deleted by another process
 * meanwhile never tears a result. A writer that finds the lock taken waits: SQLite's
 * `busy_timeout` for a short slice, then an asynchronous pause (the event loop keeps running),
 * again and again until `busyTimeout` ms have passed; then a `StoreBusyError` names the file and
 * the timeout. What a process keeps in memory — the dimension, the HNSW index — is brought up to
 * date from the file (`PRAGMA data_version`) whenever another connection has written to it.
 *
 * `{ index: 'hnsw' }` searches an approximate index (`hnsw.ts`) instead of reading every row. It
 * lives in memory, keyed by the rows' seq, kept in step with every addVectors and delete, and is
 * written after each of them to `<path>.hnsw` beside the database (temporary file, then renamed).
 * On open the file is read and reconciled with the table — every row read once: seqs missing from
 * the index are added, entries whose row is gone are removed, entries whose vector differs are
 * replaced — so a missing, stale (written before a crash, or by a process that did not use the
 * index) or corrupt index file is repaired or rebuilt, never trusted. A filtered query, or k at
 * least the row count, uses the exact scan. When another process has written, the same
 * reconciliation runs (every row read once) before the next search or write: the index stays exact
 * about which rows exist, at the price of a table scan per foreign write — many machines or many
 * writers want a server (PGVector, Qdrant), see docs/queue-mode.md.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, linkSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { FormatError, parseJson, shape, ValidationError } from '@firth/numeric';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { type MaxMarginalRelevanceSearchOptions, VectorStore } from '@langchain/core/vectorstores';
import {
  batchDimension,
  checkAddVectors,
  checkK,
  checkLambda,
  checkSimilarity,
  isSimilarity,
  MAX_DIMENSION,
  type MetadataFilter,
  type MmrOptions,
  matches,
  metadataJson,
  mmrSelect,
  norm,
  SIMILARITIES,
  type Similarity,
  score,
  TopK,
  textsToDocuments,
  toRow,
} from './exact-search.js';
import { checkIndexKind, HnswIndex, type HnswParameters, type IndexKind } from './hnsw.js';

/** A row's metadata column: JSON text of an object. */
const METADATA = shape.record(shape.any());

/** Bumped when the tables change; a file of another version is refused rather than misread. */
export const SQLITE_STORE_FORMAT = 1;

export interface FirthSqliteVectorStoreArgs {
  /**
   * The store's file. A path that does not exist becomes a new store (its tables written to a
   * temporary file, then renamed into place); an existing file must be a Firth store — an empty
   * (0-byte) file, another program's SQLite database or a non-SQLite file is refused, untouched.
   */
  path: string;
  embeddings: EmbeddingsInterface;
  /** How a query is compared with each row: 'cosine', 'dot' or 'l2'. @default the stored one, else 'cosine' */
  similarity?: Similarity;
  /** Embedding length expected; a store holding another is refused on open. @default unchecked until the first vector */
  dimension?: number;
  /** 'exact' reads every row per query; 'hnsw' searches an index persisted in `<path>.hnsw` (see above). @default 'exact' */
  index?: IndexKind;
  /** The HNSW index's parameters (used when it is built). @default HNSW_DEFAULTS: { M: 16, efConstruction: 100, efSearch: 256, shrink: 'heuristic' } */
  hnsw?: HnswParameters;
  /**
   * How long a write (or an open) waits for another process holding the file's write lock before
   * it fails with a `StoreBusyError`, in milliseconds. @default DEFAULT_BUSY_TIMEOUT_MS (5000)
   */
  busyTimeout?: number;
}

/** How long a writer waits for another process's write lock by default, in milliseconds. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * The longest SQLite's own busy handler may wait at once, in milliseconds: it sleeps in the calling
 * thread, so a longer wait is taken as asynchronous pauses between tries instead, leaving the
 * event loop (other executions of an n8n worker, its queue heartbeats) running.
 */
const BUSY_SLICE_MS = 50;

/**
 * Another process kept the store's write lock for longer than `busyTimeout`: the write was not
 * made (nothing of it is in the file) and may be tried again.
 */
export class StoreBusyError extends Error {
  constructor(
    readonly path: string,
    readonly timeoutMs: number,
    readonly operation: string,
  ) {
    super(
      `${path}: ${operation} gave up after waiting ${timeoutMs} ms (busyTimeout) for another process's write lock on the store; nothing was written. Try again, raise busyTimeout, or — for many concurrent writers or several machines — use a vector database server (PGVector, Qdrant)`,
    );
    this.name = 'StoreBusyError';
  }
}

/** SQLite's SQLITE_BUSY (any extended code): the lock is held by another connection. */
const isBusy = (error: unknown): boolean => {
  const e = error as { code?: string; errcode?: number };
  return e?.code === 'ERR_SQLITE_ERROR' && ((e.errcode ?? 0) & 0xff) === 5;
};

interface Row {
  seq: number;
  vector: Float32Array;
  norm: number;
}

/** The tables, exactly as sqlite_master records them (a file with any other schema is refused). */
const TABLES = {
  meta: 'CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
  docs: `CREATE TABLE docs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  content TEXT NOT NULL,
  metadata TEXT NOT NULL,
  vector BLOB NOT NULL,
  norm REAL NOT NULL
)`,
};
/** sqlite_master of a store: the two tables, their key indexes, AUTOINCREMENT's counter table. */
const SCHEMA_ROWS = [
  `table docs ${TABLES.docs}`,
  'index sqlite_autoindex_docs_1 null',
  'index sqlite_autoindex_meta_1 null',
  `table meta ${TABLES.meta}`,
  'table sqlite_sequence CREATE TABLE sqlite_sequence(name,seq)',
]
  .map((r) => r.replace(/\s+/g, ' '))
  .sort();

/** The meta rows: `format` and `similarity` always, `dimension` once a vector is stored. */
const META_KEYS = ['format', 'similarity', 'dimension'];

/** The 16 bytes every SQLite 3 database file starts with. */
const SQLITE_HEADER = 'SQLite format 3\0';

function toBlob(row: Float32Array): Uint8Array {
  return new Uint8Array(row.buffer, row.byteOffset, row.byteLength);
}

/** What a SQLite value is, for messages: 'text', 'a number', 'a BLOB', 'NULL'. */
const sqlType = (v: unknown): string =>
  typeof v === 'string'
    ? 'text'
    : typeof v === 'number' || typeof v === 'bigint'
      ? 'a number'
      : v instanceof Uint8Array
        ? 'a BLOB'
        : 'NULL';

/** The Node versions whose built-in SQLite needs no flag. */
export const SQLITE_NODE_VERSIONS = 'Node 22.13 or newer (22.5 to 22.12 with --experimental-sqlite)';

/**
 * `node:sqlite`, loaded when a store is opened rather than when @firth/rag is imported, so that
 * everything else in the package works on Node versions without it (Node 20).
 */
export function loadNodeSqlite(): typeof import('node:sqlite') {
  const sqlite = process.getBuiltinModule?.('node:sqlite') as typeof import('node:sqlite') | undefined;
  if (!sqlite?.DatabaseSync)
    throw new ValidationError(
      `FirthSqliteVectorStore needs Node's built-in SQLite (node:sqlite): ${SQLITE_NODE_VERSIONS}; ` +
        `this is Node ${process.versions.node}. FirthMemoryVectorStore (with snapshots) works on every supported Node.`,
    );
  return sqlite;
}

/** SQLite's result codes for a damaged or foreign file: SQLITE_CORRUPT, SQLITE_FORMAT, SQLITE_NOTADB. */
const CORRUPT_CODES = new Set([11, 24, 26]);

export class FirthSqliteVectorStore extends VectorStore {
  declare FilterType: MetadataFilter;

  readonly path: string;
  readonly similarity: Similarity;
  /** Embedding length; fixed by the first row ever added, and stored. */
  dimension: number | undefined;
  private readonly db: DatabaseSync;
  readonly index: IndexKind;
  private readonly hnswParameters: HnswParameters;
  /** The approximate index ('hnsw'), ids = String(seq); undefined until the store holds a vector. */
  ann: HnswIndex | undefined;
  /** How long a write waits for another process's write lock, in milliseconds. */
  readonly busyTimeout: number;
  /** `PRAGMA data_version` when this connection last brought its dimension and index up to date. */
  private dataVersion = -1;

  /** Where the 'hnsw' index is kept. */
  get indexPath(): string {
    return `${this.path}.hnsw`;
  }

  /** Opens (or creates) the store at `args.path`; throws, leaving the file as it was, if it is not one. */
  constructor(args: FirthSqliteVectorStoreArgs) {
    super(args?.embeddings, {});
    const path = args?.path;
    if (typeof path !== 'string' || path.trim() === '')
      throw new ValidationError('FirthSqliteVectorStore: path must be a non-empty string', 'path');
    const similarity =
      args.similarity === undefined ? undefined : checkSimilarity(args.similarity, 'similarity');
    if (
      args.dimension !== undefined &&
      !(Number.isInteger(args.dimension) && args.dimension >= 1 && args.dimension <= MAX_DIMENSION)
    )
      throw new ValidationError(
        `dimension must be an integer from 1 to ${MAX_DIMENSION}, got ${String(args.dimension)}`,
        'dimension',
      );
    const busyTimeout = args.busyTimeout ?? DEFAULT_BUSY_TIMEOUT_MS;
    if (!(Number.isInteger(busyTimeout) && busyTimeout >= 0 && busyTimeout <= 2 ** 31 - 1))
      throw new ValidationError(
        `busyTimeout must be a whole number of milliseconds from 0 to ${2 ** 31 - 1}, got ${String(args.busyTimeout)}`,
        'busyTimeout',
      );
    this.busyTimeout = busyTimeout;
    this.index = checkIndexKind(args.index ?? 'exact');
    this.hnswParameters = { ...args.hnsw };
    if (this.index === 'hnsw') new HnswIndex({ dim: 1, ...this.hnswParameters, capacity: 1 });
    const { DatabaseSync } = loadNodeSqlite();
    this.path = path;
    if (!FirthSqliteVectorStore.checkFile(path)) FirthSqliteVectorStore.create(path, similarity ?? 'cosine');
    let db: DatabaseSync | undefined;
    let meta: { similarity: Similarity; dimension: number | undefined };
    try {
      db = new DatabaseSync(path);
      this.db = db;
      // opening waits in SQLite's busy handler (a writer holds the lock for milliseconds; a reader
      // of a WAL file waits only while another process recovers or converts it)
      db.exec(`PRAGMA busy_timeout = ${busyTimeout}`);
      meta = this.guard(() => {
        db!.exec('BEGIN');
        try {
          const read = this.readMeta();
          this.dataVersion = this.readDataVersion();
          return read;
        } finally {
          db!.exec('COMMIT');
        }
      });
    } catch (error) {
      db?.close();
      if (isBusy(error)) throw new StoreBusyError(path, busyTimeout, 'opening the store');
      throw error instanceof ValidationError
        ? error
        : new ValidationError(
            `${path}: cannot open the SQLite vector store (${(error as Error).message})`,
            path,
          );
    }
    try {
      this.dimension = meta.dimension;
      if (args.dimension !== undefined && this.dimension !== undefined && args.dimension !== this.dimension)
        throw new ValidationError(
          `${path} holds ${this.dimension}-dimensional vectors but the embeddings make ${args.dimension}-dimensional ones (a different embedding model?)`,
        );
      if (similarity && similarity !== meta.similarity)
        throw new ValidationError(
          `${path} was built for '${meta.similarity}' similarity, not '${similarity}'`,
        );
      this.similarity = meta.similarity;
      // a store made by this class is in WAL mode already (create); switching takes every lock
      if (this.guard(() => db!.prepare('PRAGMA journal_mode').get()?.journal_mode) !== 'wal')
        this.guard(() => this.db.exec('PRAGMA journal_mode = WAL'));
      if (this.index === 'hnsw' && this.dimension !== undefined) this.openIndex();
      db.exec(`PRAGMA busy_timeout = ${Math.min(busyTimeout, BUSY_SLICE_MS)}`);
    } catch (error) {
      db.close();
      if (isBusy(error)) throw new StoreBusyError(path, busyTimeout, 'opening the store');
      throw error;
    }
  }

  /** This connection's `PRAGMA data_version`: changes whenever another connection commits. */
  private readDataVersion(): number {
    return Number(this.db.prepare('PRAGMA data_version').get()?.data_version);
  }

  /**
   * Inside a transaction: when another connection has written since this one last looked, re-reads
   * the dimension (another process may have stored the first vector) and reconciles the HNSW index
   * with the table (rows added, replaced or deleted elsewhere).
   */
  private sync(): void {
    this.db.prepare('SELECT 1 FROM meta LIMIT 1').get(); // the read snapshot starts here
    const version = this.readDataVersion();
    if (version === this.dataVersion) return;
    if (this.dimension === undefined) {
      const d = this.db.prepare("SELECT value FROM meta WHERE key = 'dimension'").get()?.value;
      if (d !== undefined) this.dimension = this.checkDimensionText(d);
    }
    if (this.index === 'hnsw' && this.dimension !== undefined) {
      const index = this.ann ?? this.newIndex(this.dimension);
      this.reconcile(index);
      this.ann = index.tombstones > index.size ? index.compact() : index;
    }
    this.dataVersion = version;
  }

  /** A meta "dimension" value, checked: an integer from 1 to MAX_DIMENSION, else a FormatError. */
  private checkDimensionText(d: unknown): number {
    if (!(typeof d === 'string' && /^[1-9]\d{0,8}$/.test(d) && Number(d) <= MAX_DIMENSION))
      throw new FormatError(
        this.path,
        'meta "dimension"',
        `must be an integer from 1 to ${MAX_DIMENSION}, got ${JSON.stringify(d)}`,
      );
    return Number(d);
  }

  /**
   * Runs `attempt` (one transaction) until it is not refused for another process's lock, or until
   * `busyTimeout` ms have passed: then a StoreBusyError. Between tries it pauses asynchronously,
   * a little longer each time (with jitter, so waiting writers do not retry in step).
   */
  private async retryBusy<T>(operation: string, attempt: () => T): Promise<T> {
    const deadline = Date.now() + this.busyTimeout;
    for (let tries = 0; ; tries++) {
      try {
        return attempt();
      } catch (error) {
        if (!isBusy(error)) throw error;
        const left = deadline - Date.now();
        if (left <= 0) throw new StoreBusyError(this.path, this.busyTimeout, operation);
        await sleep(Math.min(left, Math.random() * Math.min(100, 2 ** tries)));
      }
    }
  }

  /** Runs `work` on one read snapshot of the file (a read transaction), this connection synced first. */
  private snapshot<T>(work: () => T): Promise<T> {
    return this.retryBusy('searching the store', () =>
      this.guard(() => {
        this.db.exec('BEGIN');
        try {
          this.sync();
          return work();
        } finally {
          if (this.db.isTransaction) this.db.exec('COMMIT');
        }
      }),
    );
  }

  private newIndex(dimension: number): HnswIndex {
    return new HnswIndex({ ...this.hnswParameters, dim: dimension, metric: this.similarity });
  }

  /**
   * Reads `<path>.hnsw` (or starts an empty index when it is missing, unreadable or for another
   * dimension/similarity) and reconciles it with the table; writes it back if anything changed.
   */
  private openIndex(): void {
    const dimension = this.dimension!;
    let ann: HnswIndex | undefined;
    try {
      statSync(this.indexPath);
      ann = HnswIndex.load(this.indexPath);
      if (ann.dim !== dimension || ann.metric !== this.similarity) ann = undefined;
    } catch {
      ann = undefined; // missing or not a valid index: rebuilt from the rows below
    }
    let index = ann ?? this.newIndex(dimension);
    const changed = this.guard(() => this.reconcile(index)) || ann === undefined;
    if (index.tombstones > index.size) index = index.compact();
    this.ann = index;
    if (changed) index.save(this.indexPath);
  }

  /**
   * Brings `index` in step with the table, every row read once: rows it lacks are added, entries
   * whose row is gone removed, entries whose vector differs replaced. True when anything changed.
   */
  private reconcile(index: HnswIndex): boolean {
    let changed = false;
    const live = new Set<string>();
    for (const r of this.db.prepare('SELECT seq, vector, norm FROM docs ORDER BY seq').iterate()) {
      const row = this.readRow(r);
      const id = String(row.seq);
      live.add(id);
      if (!index.holds(id, row.vector)) {
        index.add(id, row.vector);
        changed = true;
      }
    }
    for (const id of index.ids())
      if (!live.has(id)) {
        index.remove(id);
        changed = true;
      }
    return changed;
  }

  /** Seqs of the given ids (those stored). */
  private seqsOf(ids: string[]): number[] {
    const get = this.db.prepare('SELECT seq FROM docs WHERE id = ?');
    return ids.flatMap((id) => {
      const r = get.get(id);
      return r ? [Number(r.seq)] : [];
    });
  }

  /**
   * Opens the store and, when it already holds vectors and no `dimension` is given, embeds a probe
   * text to check that `embeddings` makes vectors of the stored length.
   */
  static async open(args: FirthSqliteVectorStoreArgs): Promise<FirthSqliteVectorStore> {
    const store = new FirthSqliteVectorStore(args);
    if (args.dimension === undefined && store.dimension !== undefined) {
      const made = (await args.embeddings.embedQuery('dimension check')).length;
      if (made !== store.dimension) {
        store.close();
        throw new ValidationError(
          `${args.path} holds ${store.dimension}-dimensional vectors but the embeddings make ${made}-dimensional ones (a different embedding model?)`,
        );
      }
    }
    return store;
  }

  /**
   * Before SQLite sees the file: false when `path` does not exist (a new store is made there);
   * a FormatError for anything that cannot be a store (not a regular file, 0 bytes, no SQLite header).
   */
  private static checkFile(path: string): boolean {
    let size: number;
    try {
      const stat = statSync(path);
      if (!stat.isFile()) throw new FormatError(path, '', 'is not a regular file');
      size = stat.size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      if (error instanceof FormatError) throw error;
      throw new ValidationError(`${path}: cannot read the store (${(error as Error).message})`, path);
    }
    if (size === 0)
      throw new FormatError(
        path,
        '',
        'is empty (0 bytes), not a Firth SQLite vector store; delete it to create a new store there',
      );
    const head = Buffer.alloc(16);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, head, 0, 16, 0);
    } finally {
      closeSync(fd);
    }
    if (head.toString('latin1') !== SQLITE_HEADER)
      throw new FormatError(path, '', 'is not a SQLite database (it does not start with "SQLite format 3")');
    return true;
  }

  /**
   * A new store at `path`: tables and meta written to a temporary file beside it, then moved into
   * place, so a process killed meanwhile leaves no half-made (or 0-byte) store behind.
   */
  private static create(path: string, similarity: Similarity): void {
    const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
    const { DatabaseSync } = loadNodeSqlite();
    try {
      const db = new DatabaseSync(tmp);
      try {
        db.exec('PRAGMA journal_mode = WAL');
        db.exec(`BEGIN; ${TABLES.meta}; ${TABLES.docs}; COMMIT`);
        const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
        put.run('format', String(SQLITE_STORE_FORMAT));
        put.run('similarity', similarity);
      } finally {
        db.close();
      }
      // linked, not renamed, into place: if another process made the store meanwhile, theirs stays
      try {
        linkSync(tmp, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') renameSync(tmp, path); // no hard links here
      }
      rmSync(tmp, { force: true });
    } catch (error) {
      for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
      throw new ValidationError(
        `${path}: cannot create the vector store (${(error as Error).message})`,
        path,
      );
    }
  }

  /**
   * Runs SQLite work, turning SQLite's own "file is not a database" / "database disk image is
   * malformed" errors into a FormatError naming the file; other errors (busy, read-only) pass.
   */
  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      const e = error as { code?: string; errcode?: number; message?: string };
      if (e?.code === 'ERR_SQLITE_ERROR' && CORRUPT_CODES.has((e.errcode ?? 0) & 0xff))
        throw new FormatError(this.path, '', `is a damaged SQLite database (${e.message})`);
      throw error;
    }
  }

  /**
   * Checks the schema (exactly Firth's tables), SQLite's integrity_check (pages, and every index
   * against its table: so no two rows share an id) and the meta rows (known keys, valid values).
   */
  private readMeta(): { similarity: Similarity; dimension: number | undefined } {
    const bad = (where: string, problem: string) => new FormatError(this.path, where, problem);
    const master = this.db
      .prepare('SELECT type, name, sql FROM sqlite_master')
      .all()
      .map((r) => `${String(r.type)} ${String(r.name)} ${String(r.sql)}`.replace(/\s+/g, ' '))
      .sort();
    if (master.join('\n') !== SCHEMA_ROWS.join('\n')) {
      const names = master.map((r) => r.split(' ')[1]).filter((n) => !n?.startsWith('sqlite_'));
      throw bad(
        '',
        names.includes('meta') && names.includes('docs')
          ? "has Firth's meta and docs tables in another layout (another program's database, or a damaged schema)"
          : `holds ${names.length === 0 ? 'no tables' : `the tables ${names.join(', ')}`}, not a Firth SQLite vector store's meta and docs`,
      );
    }
    const check = this.db.prepare('PRAGMA integrity_check(1)').get();
    if (check?.integrity_check !== 'ok')
      throw bad('', `fails SQLite's integrity check (${String(check?.integrity_check)})`);
    const meta = new Map<string, string>();
    for (const r of this.db.prepare('SELECT key, value FROM meta').iterate()) {
      if (typeof r.key !== 'string' || !META_KEYS.includes(r.key))
        throw bad(
          'meta',
          `holds an unknown key ${JSON.stringify(r.key) ?? String(r.key)} (known: ${META_KEYS.join(', ')})`,
        );
      if (typeof r.value !== 'string') throw bad(`meta "${r.key}"`, `must be text, got ${sqlType(r.value)}`);
      meta.set(r.key, r.value);
    }
    for (const key of ['format', 'similarity']) if (!meta.has(key)) throw bad('meta', `has no "${key}" row`);
    if (meta.get('format') !== String(SQLITE_STORE_FORMAT))
      throw bad(
        '',
        `has store format ${JSON.stringify(meta.get('format'))}; this version reads ${SQLITE_STORE_FORMAT}`,
      );
    const similarity = meta.get('similarity');
    if (!isSimilarity(similarity))
      throw bad(
        'meta "similarity"',
        `must be one of ${SIMILARITIES.map((x) => `'${x}'`).join(', ')}, got ${JSON.stringify(similarity)}`,
      );
    const d = meta.get('dimension');
    const dimension = d === undefined ? undefined : this.checkDimensionText(d);
    if (d === undefined && this.db.prepare('SELECT 1 FROM docs LIMIT 1').get())
      throw bad('meta', 'has no "dimension" row, but the store holds rows');
    return { similarity, dimension };
  }

  private setMeta(values: Record<string, string>): void {
    const put = this.db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
    for (const [key, value] of Object.entries(values)) put.run(key, value);
  }

  _vectorstoreType(): string {
    return 'firth-sqlite';
  }

  /** Number of Documents stored. */
  count(): number {
    return this.guard(() => Number(this.db.prepare('SELECT count(*) AS n FROM docs').get()?.n));
  }

  /**
   * Adds the rows in one transaction: all of them or, on any error, none. An existing id is
   * replaced. Waits up to `busyTimeout` ms for another process's write lock (then StoreBusyError).
   */
  async addVectors(
    vectors: number[][],
    documents: DocumentInterface[],
    options?: { ids?: string[] },
  ): Promise<string[]> {
    checkAddVectors(vectors, documents, options?.ids);
    // checked before the lock is taken; checked again in the transaction against what the file holds
    const rows = vectors.map((v, i) => toRow(v, batchDimension(this.dimension, vectors), `vector ${i}`));
    const metadata = documents.map((d, i) => metadataJson(d.metadata, `document ${i}`));
    const ids = documents.map((d, i) => options?.ids?.[i] ?? d.id ?? randomUUID());
    const { dimension, seqs } = await this.retryBusy('adding documents', () =>
      this.guard(() =>
        this.transaction(() => {
          // another process may have stored the first vector, of another length, since the check above
          const dimension = batchDimension(this.dimension, vectors);
          if (rows.length > 0 && rows[0]!.length !== dimension) toRow(vectors[0]!, dimension, 'vector 0'); // throws
          if (this.dimension === undefined && dimension !== undefined)
            this.setMeta({ dimension: String(dimension) });
          const insert = this.db.prepare(
            `INSERT INTO docs (id, content, metadata, vector, norm) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT(id) DO UPDATE SET content = excluded.content, metadata = excluded.metadata,
               vector = excluded.vector, norm = excluded.norm`,
          );
          rows.forEach((row, i) => {
            insert.run(ids[i]!, documents[i]!.pageContent, metadata[i]!, toBlob(row), norm(row));
          });
          return { dimension, seqs: this.index === 'hnsw' ? this.seqsOf(ids) : [] };
        }),
      ),
    );
    this.dimension = dimension;
    if (this.index === 'hnsw' && dimension !== undefined) {
      this.ann ??= this.newIndex(dimension);
      const ann = this.ann;
      seqs.forEach((seq, i) => void ann.add(String(seq), rows[i]!));
      ann.save(this.indexPath);
    }
    return ids;
  }

  async addDocuments(documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    checkAddVectors(documents, documents, options?.ids);
    const vectors = await this.embeddings.embedDocuments(documents.map((d) => d.pageContent));
    return this.addVectors(vectors, documents, options);
  }

  /**
   * A row's vector and norm, checked: 4 × dimension bytes of finite float32, and the stored norm
   * equal to the vector's (the same float64 sum `norm` computed when the row was written).
   */
  private readRow(r: Record<string, unknown>): Row {
    const seq = Number(r.seq);
    const blob = r.vector;
    const d = this.dimension ?? 0;
    if (!(blob instanceof Uint8Array) || blob.byteLength !== 4 * d)
      throw new FormatError(
        this.path,
        `row ${seq}`,
        `has a vector of ${blob instanceof Uint8Array ? `${blob.byteLength} bytes` : sqlType(blob)}; ${d}-dimensional float32 vectors take ${4 * d} bytes (corrupt store?)`,
      );
    // copied: a Float32Array needs 4-byte alignment
    const vector = new Float32Array(blob.slice().buffer);
    // Σ x² is NaN or ±Infinity exactly when some x is: one loop checks finiteness and makes the norm
    let sumSquares = 0;
    for (let j = 0; j < d; j++) sumSquares += vector[j]! * vector[j]!;
    if (!Number.isFinite(sumSquares))
      throw new FormatError(this.path, `row ${seq}`, 'has a vector holding NaN or Infinity (corrupt store?)');
    const rowNorm = Math.sqrt(sumSquares);
    if (r.norm !== rowNorm)
      throw new FormatError(
        this.path,
        `row ${seq}`,
        `stores the norm ${String(r.norm)}, but its vector's norm is ${rowNorm} (corrupt store?)`,
      );
    return { seq, vector, norm: rowNorm };
  }

  /** A row's Document: id and content text, metadata a JSON object — else a FormatError naming the row. */
  private readDocument(r: Record<string, unknown>): Document {
    const where = `row ${String(r.seq)}`;
    if (typeof r.id !== 'string' || r.id === '')
      throw new FormatError(
        this.path,
        where,
        `${r.id === '' ? 'has an empty id' : `has an id of ${sqlType(r.id)}, not text`} (corrupt store?)`,
      );
    if (typeof r.content !== 'string')
      throw new FormatError(
        this.path,
        where,
        `(id "${r.id}") has content of ${sqlType(r.content)}, not text`,
      );
    const at = `${where} (id "${r.id}") metadata`;
    if (typeof r.metadata !== 'string')
      throw new FormatError(this.path, at, `is ${sqlType(r.metadata)}, not JSON text`);
    let metadata: unknown;
    try {
      metadata = parseJson(r.metadata, this.path);
    } catch (error) {
      throw error instanceof FormatError ? new FormatError(this.path, at, error.problem) : error;
    }
    METADATA.check(metadata, at, (path, problem) => {
      throw new FormatError(this.path, path, problem);
    });
    return new Document({ pageContent: r.content, metadata: metadata as Record<string, unknown>, id: r.id });
  }

  /**
   * The k nearest rows passing the filter, nearest first: one exact scan over the file (or the
   * HNSW index). Called inside `snapshot`, so the rows and the documents read after are one state.
   */
  private nearest(query: number[], k: number, filter?: MetadataFilter): [Row, number][] {
    if (this.dimension === undefined) return [];
    const q = toRow(query, this.dimension, 'query vector');
    const qNorm = norm(q);
    if (this.ann && !filter && k >= 1 && k < this.ann.size) {
      const hits = this.ann.search(q, k);
      const get = this.db.prepare('SELECT seq, vector, norm FROM docs WHERE seq = ?');
      return this.guard(() =>
        hits.map(({ id, score }) => {
          const r = get.get(Number(id));
          if (!r)
            throw new ValidationError(
              `${this.indexPath}: row ${id} is gone from ${this.path} (changed by another process?)`,
            );
          return [this.readRow(r), score];
        }),
      );
    }
    const top = new TopK<Row>(k, this.similarity);
    // documents are only built for the filter; the top k are read again by seq afterwards
    const columns = filter ? 'seq, id, content, metadata, vector, norm' : 'seq, vector, norm';
    return this.guard(() => {
      for (const r of this.db.prepare(`SELECT ${columns} FROM docs ORDER BY seq`).iterate()) {
        const row = this.readRow(r);
        if (filter && !matches(this.readDocument(r), filter)) continue;
        const s = score(this.similarity, q, qNorm, row.vector, row.norm);
        if (top.admits(s)) top.offer(row, s);
      }
      return top.items;
    });
  }

  private documentsBySeq(seqs: number[]): Document[] {
    return this.guard(() => {
      const get = this.db.prepare('SELECT seq, id, content, metadata FROM docs WHERE seq = ?');
      return seqs.map((seq) => {
        const r = get.get(seq);
        if (!r) throw new ValidationError(`${this.path}: row ${seq} was deleted during the search`);
        return this.readDocument(r);
      });
    });
  }

  async similaritySearchVectorWithScore(
    query: number[],
    k: number,
    filter?: MetadataFilter,
  ): Promise<[Document, number][]> {
    checkK(k, 'k');
    return this.snapshot(() => {
      const hits = this.nearest(query, k, filter);
      const docs = this.documentsBySeq(hits.map(([r]) => r.seq));
      return hits.map(([, s], i): [Document, number] => [docs[i]!, s]);
    });
  }

  /** Maximal marginal relevance over the `fetchK` nearest, as in `FirthMemoryVectorStore`. */
  async maxMarginalRelevanceSearchByVector(query: number[], options: MmrOptions = {}): Promise<Document[]> {
    const lambda = checkLambda(options.lambda ?? 0.5);
    const fetchK = options.fetchK ?? 20;
    checkK(fetchK, 'k');
    return this.snapshot(() => {
      const candidates = this.nearest(query, fetchK, options.filter).map(([r]) => r);
      if (candidates.length === 0) return [];
      const picked = mmrSelect(
        toRow(query, this.dimension, 'query vector'),
        candidates.map((r) => r.vector),
        candidates.map((r) => r.norm),
        options.k ?? 4,
        lambda,
      );
      return this.documentsBySeq(picked.map((c) => candidates[c]!.seq));
    });
  }

  override async maxMarginalRelevanceSearch(
    query: string,
    options: MaxMarginalRelevanceSearchOptions<this['FilterType']>,
  ): Promise<Document[]> {
    return this.maxMarginalRelevanceSearchByVector(await this.embeddings.embedQuery(query), options);
  }

  /** Removes Documents by id, in one transaction (waiting for another process's lock as addVectors). */
  override async delete(params: { ids: string[] }): Promise<void> {
    if (!Array.isArray(params?.ids) || !params.ids.every((id) => typeof id === 'string'))
      throw new ValidationError('delete: ids must be an array of strings', 'ids');
    const seqs = await this.retryBusy('deleting documents', () =>
      this.guard(() =>
        this.transaction(() => {
          const seqs = this.ann ? this.seqsOf(params.ids) : [];
          const del = this.db.prepare('DELETE FROM docs WHERE id = ?');
          for (const id of params.ids) del.run(id);
          return seqs;
        }),
      ),
    );
    if (this.ann) {
      for (const seq of seqs) this.ann.remove(String(seq));
      if (this.ann.tombstones > this.ann.size) this.ann = this.ann.compact();
      this.ann.save(this.indexPath);
    }
  }

  /**
   * Runs `work` in one write transaction: the file's write lock taken first (BEGIN IMMEDIATE), this
   * connection brought up to date with what others wrote, then committed whole, or rolled back on
   * any error.
   */
  private transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.sync();
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Closes the file (checkpointing the WAL into it). The store cannot be used afterwards. */
  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  static override async fromTexts(
    texts: string[],
    metadatas: object[] | object,
    embeddings: EmbeddingsInterface,
    args: Omit<FirthSqliteVectorStoreArgs, 'embeddings'>,
  ): Promise<FirthSqliteVectorStore> {
    return FirthSqliteVectorStore.fromDocuments(textsToDocuments(texts, metadatas), embeddings, args);
  }

  static override async fromDocuments(
    docs: DocumentInterface[],
    embeddings: EmbeddingsInterface,
    args: Omit<FirthSqliteVectorStoreArgs, 'embeddings'>,
  ): Promise<FirthSqliteVectorStore> {
    const store = await FirthSqliteVectorStore.open({ ...args, embeddings });
    await store.addDocuments(docs);
    return store;
  }
}
