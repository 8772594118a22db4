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
 * Left out: an approximate index (every query reads every row), concurrent writers.
 */
import { randomUUID } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { type MaxMarginalRelevanceSearchOptions, VectorStore } from '@langchain/core/vectorstores';
import {
  checkAddVectors,
  type MetadataFilter,
  type MmrOptions,
  matches,
  mmrSelect,
  norm,
  type Similarity,
  score,
  TopK,
  textsToDocuments,
  toRow,
} from './exact-search.js';

/** Bumped when the tables change; a file of another version is refused rather than misread. */
export const SQLITE_STORE_FORMAT = 1;

export interface FirthSqliteVectorStoreArgs {
  /** The store's file; created (with its tables) when missing. */
  path: string;
  embeddings: EmbeddingsInterface;
  /** How a query is compared with each row. @default the stored one, else 'cosine' */
  similarity?: Similarity;
  /** Embedding length expected; a store holding another is refused on open. @default unchecked until the first vector */
  dimension?: number;
}

interface Row {
  seq: number;
  vector: Float32Array;
  norm: number;
}

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  content TEXT NOT NULL,
  metadata TEXT NOT NULL,
  vector BLOB NOT NULL,
  norm REAL NOT NULL
);`;

function toBlob(row: Float32Array): Uint8Array {
  return new Uint8Array(row.buffer, row.byteOffset, row.byteLength);
}

export class FirthSqliteVectorStore extends VectorStore {
  declare FilterType: MetadataFilter;

  readonly path: string;
  readonly similarity: Similarity;
  /** Embedding length; fixed by the first row ever added, and stored. */
  dimension: number | undefined;
  private readonly db: DatabaseSync;

  /** Opens (or creates) the store at `args.path`; throws, leaving the file as it was, if it is not one. */
  constructor(args: FirthSqliteVectorStoreArgs) {
    super(args.embeddings, {});
    this.path = args.path;
    let db: DatabaseSync | undefined;
    let meta: Map<string, string>;
    try {
      db = new DatabaseSync(args.path);
      meta = FirthSqliteVectorStore.readMeta(db);
    } catch (error) {
      db?.close();
      throw new Error(
        `${args.path} is not a readable Firth SQLite vector store (corrupt, or not SQLite): ${(error as Error).message}`,
      );
    }
    this.db = db;
    try {
      const version = Number(meta.get('format') ?? SQLITE_STORE_FORMAT);
      if (version !== SQLITE_STORE_FORMAT)
        throw new Error(
          `${args.path} has store format ${version}; this version reads ${SQLITE_STORE_FORMAT}`,
        );
      const stored = meta.get('dimension');
      this.dimension = stored === undefined ? undefined : Number(stored);
      if (args.dimension !== undefined && this.dimension !== undefined && args.dimension !== this.dimension)
        throw new Error(
          `${args.path} holds ${this.dimension}-dimensional vectors but the embeddings make ${args.dimension}-dimensional ones (a different embedding model?)`,
        );
      const storedSimilarity = meta.get('similarity') as Similarity | undefined;
      if (args.similarity && storedSimilarity && args.similarity !== storedSimilarity)
        throw new Error(
          `${args.path} was built for '${storedSimilarity}' similarity, not '${args.similarity}'`,
        );
      this.similarity = args.similarity ?? storedSimilarity ?? 'cosine';
      if (!storedSimilarity)
        this.setMeta({ format: String(SQLITE_STORE_FORMAT), similarity: this.similarity });
      this.db.exec('PRAGMA journal_mode = WAL');
    } catch (error) {
      db.close();
      throw error;
    }
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
        throw new Error(
          `${args.path} holds ${store.dimension}-dimensional vectors but the embeddings make ${made}-dimensional ones (a different embedding model?)`,
        );
      }
    }
    return store;
  }

  /** The meta table; a new (empty) file gets the tables, any other file without them is refused. */
  private static readMeta(db: DatabaseSync): Map<string, string> {
    // reading the schema is what fails on a file that is not SQLite ("file is not a database")
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    const names = new Set(tables.map((t) => String(t.name)));
    if (names.size === 0) db.exec(SCHEMA);
    else if (!names.has('meta') || !names.has('docs')) throw new Error('it has no meta/docs tables');
    else {
      const check = db.prepare('PRAGMA quick_check').get();
      if (check?.quick_check !== 'ok') throw new Error(`quick_check: ${String(check?.quick_check)}`);
    }
    const rows = db.prepare('SELECT key, value FROM meta').all();
    return new Map(rows.map((r) => [String(r.key), String(r.value)]));
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
    return Number(this.db.prepare('SELECT count(*) AS n FROM docs').get()?.n);
  }

  /** Adds the rows in one transaction: all of them or, on any error, none. An existing id is replaced. */
  async addVectors(
    vectors: number[][],
    documents: DocumentInterface[],
    options?: { ids?: string[] },
  ): Promise<string[]> {
    checkAddVectors(vectors.length, documents.length, options?.ids);
    const dimension = this.dimension ?? vectors[0]?.length;
    const rows = vectors.map((v, i) => toRow(v, dimension, `vector ${i}`));
    const ids = documents.map((d, i) => options?.ids?.[i] ?? d.id ?? randomUUID());
    const insert = this.db.prepare(
      `INSERT INTO docs (id, content, metadata, vector, norm) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET content = excluded.content, metadata = excluded.metadata,
         vector = excluded.vector, norm = excluded.norm`,
    );
    this.transaction(() => {
      if (this.dimension === undefined && dimension !== undefined)
        this.setMeta({ dimension: String(dimension) });
      rows.forEach((row, i) => {
        const doc = documents[i]!;
        insert.run(ids[i]!, doc.pageContent, JSON.stringify(doc.metadata ?? {}), toBlob(row), norm(row));
      });
    });
    this.dimension = dimension;
    return ids;
  }

  async addDocuments(documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    const vectors = await this.embeddings.embedDocuments(documents.map((d) => d.pageContent));
    return this.addVectors(vectors, documents, options);
  }

  private readVector(blob: unknown, seq: number): Float32Array {
    if (!ArrayBuffer.isView(blob) || blob.byteLength !== 4 * (this.dimension ?? 0))
      throw new Error(`${this.path}: row ${seq} has a vector of the wrong size (corrupt store?)`);
    // copied: a Float32Array needs 4-byte alignment
    return new Float32Array(new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength).slice().buffer);
  }

  private readDocument(r: Record<string, unknown>): Document {
    return new Document({
      pageContent: String(r.content),
      metadata: JSON.parse(String(r.metadata)) as Record<string, unknown>,
      id: String(r.id),
    });
  }

  /** The k nearest rows passing the filter, nearest first: one exact scan over the file. */
  private nearest(query: number[], k: number, filter?: MetadataFilter): [Row, number][] {
    if (this.dimension === undefined) return [];
    const q = toRow(query, this.dimension, 'query vector');
    const qNorm = norm(q);
    const top = new TopK<Row>(k, this.similarity);
    // documents are only built for the filter; the top k are read again by seq afterwards
    const columns = filter ? 'seq, id, content, metadata, vector, norm' : 'seq, vector, norm';
    for (const r of this.db.prepare(`SELECT ${columns} FROM docs ORDER BY seq`).iterate()) {
      if (filter && !matches(this.readDocument(r), filter)) continue;
      const seq = Number(r.seq);
      const vector = this.readVector(r.vector, seq);
      const s = score(this.similarity, q, qNorm, vector, Number(r.norm));
      if (top.admits(s)) top.offer({ seq, vector, norm: Number(r.norm) }, s);
    }
    return top.items;
  }

  private documentsBySeq(seqs: number[]): Document[] {
    const get = this.db.prepare('SELECT id, content, metadata FROM docs WHERE seq = ?');
    return seqs.map((seq) => this.readDocument(get.get(seq)!));
  }

  async similaritySearchVectorWithScore(
    query: number[],
    k: number,
    filter?: MetadataFilter,
  ): Promise<[Document, number][]> {
    const hits = this.nearest(query, k, filter);
    const docs = this.documentsBySeq(hits.map(([r]) => r.seq));
    return hits.map(([, s], i) => [docs[i]!, s]);
  }

  /** Maximal marginal relevance over the `fetchK` nearest, as in `FirthMemoryVectorStore`. */
  async maxMarginalRelevanceSearchByVector(query: number[], options: MmrOptions = {}): Promise<Document[]> {
    const lambda = options.lambda ?? 0.5;
    if (!(lambda >= 0 && lambda <= 1)) throw new Error(`lambda must be in [0, 1], got ${lambda}`);
    const candidates = this.nearest(query, options.fetchK ?? 20, options.filter).map(([r]) => r);
    if (candidates.length === 0) return [];
    const picked = mmrSelect(
      toRow(query, this.dimension, 'query vector'),
      candidates.map((r) => r.vector),
      candidates.map((r) => r.norm),
      options.k ?? 4,
      lambda,
    );
    return this.documentsBySeq(picked.map((c) => candidates[c]!.seq));
  }

  override async maxMarginalRelevanceSearch(
    query: string,
    options: MaxMarginalRelevanceSearchOptions<this['FilterType']>,
  ): Promise<Document[]> {
    return this.maxMarginalRelevanceSearchByVector(await this.embeddings.embedQuery(query), options);
  }

  /** Removes Documents by id, in one transaction. */
  override async delete(params: { ids: string[] }): Promise<void> {
    const del = this.db.prepare('DELETE FROM docs WHERE id = ?');
    this.transaction(() => {
      for (const id of params.ids) del.run(id);
    });
  }

  /** Runs `work` in one write transaction: committed whole, or rolled back on any error. */
  private transaction(work: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      work();
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
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
