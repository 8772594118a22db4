/**
 * `FirthMemoryVectorStore` — an exact (brute-force) vector store in memory, as a LangChain
 * `VectorStore`: the "vector database" of the RAG lesson with nothing hidden. Each Document's
 * embedding is one Float32Array row; a query is compared with every row (FAISS's `IndexFlat`).
 *
 *   const store = await FirthMemoryVectorStore.fromTexts(['cat', 'dog'], [{ id: 1 }, { id: 2 }], new FirthEmbeddings());
 *   await store.similaritySearchWithScore('kitten', 1) // [[Document { pageContent: 'cat', … }, 0.78]]
 *
 * Scores: cosine similarity and dot product (higher is closer), or Euclidean distance for 'l2'
 * (lower is closer — results come nearest first either way).
 *
 * Snapshots: `save(path)` writes the whole store to one file and `FirthMemoryVectorStore.load(path,
 * embeddings)` reads it back (format below); `toSnapshot()` / `fromSnapshot(bytes, embeddings)` are
 * the same bytes without a file (a browser keeps them where it likes; save and load need Node and
 * find node:fs when called, so the class bundles for a browser); for a store that is written row by row and survives a
 * crash mid-insert, use `FirthSqliteVectorStore`.
 *
 * `{ index: 'hnsw' }` adds an approximate index (`hnsw.ts`), kept in step with every add and
 * delete (deletes are tombstones; the index is compacted when they outnumber the live rows): a
 * query then reads ~efSearch × M0 rows instead of all. Exact stays the default: a snapshot holds
 * no index (`load(path, embeddings, { index: 'hnsw' })` rebuilds it), an HNSW insert costs ~2–5 ms
 * at 384 dimensions, and exact search is below 10 ms up to ~20k rows (eval/ann/results.md). A
 * filtered query searches the graph for accepted rows and falls back to the exact scan when it
 * finds fewer than k.
 *
 * Snapshot file:  'FIRTHVS1' (8 bytes) | header length h (uint32 LE) | header JSON (h bytes, UTF-8:
 * format, similarity, dimension, count, nextId, documents) | zero padding to a multiple of 4 |
 * count × dimension float32 little-endian (row-major). Written to a temporary file in the same
 * folder, flushed, then renamed over `path`: a crash leaves the old file or the new one, never half.
 * `load` checks all of it (`SNAPSHOT_HEADER` below, then the counts, unique ids, byte length and
 * finite rows) and refuses a bad file with a `FormatError` naming it and the JSON path or row.
 *
 * Ids are unique: adding a Document under an id the store holds replaces it (as the SQLite store
 * does), and default ids skip any id already taken.
 */
import type * as fs from 'node:fs';
import { checkJson, FormatError, nodeBuiltin, parseJson, shape, ValidationError } from '@firth/numeric';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { type MaxMarginalRelevanceSearchOptions, VectorStore } from '@langchain/core/vectorstores';
import { writeFileAtomic } from './atomic-file.js';
import {
  batchDimension,
  checkAddVectors,
  checkK,
  checkLambda,
  checkSimilarity,
  MAX_DIMENSION,
  type MetadataFilter,
  type MmrOptions,
  matches,
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

export { type MetadataFilter, type MmrOptions, SIMILARITIES, type Similarity };

/** Bumped when the snapshot layout changes; a file of another version is refused rather than misread. */
export const MEMORY_STORE_FORMAT = 1;
const MAGIC = 'FIRTHVS1';
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The snapshot's header JSON, field by field (nothing else is allowed in it). */
const SNAPSHOT_HEADER = shape.object(
  {
    format: shape.literal(MEMORY_STORE_FORMAT),
    similarity: shape.literal(...SIMILARITIES),
    /** null only for a store that never held a vector. */
    dimension: shape.nullable(shape.integer({ min: 1, max: MAX_DIMENSION })),
    /** Rows after the header: documents.length of them. */
    count: shape.integer({ min: 0 }),
    /** Next default id to try. */
    nextId: shape.integer({ min: 0 }),
    documents: shape.array(
      shape.object(
        {
          id: shape.string({ nonEmpty: true }),
          pageContent: shape.string(),
          metadata: shape.record(shape.any()),
        },
        { strict: true },
      ),
    ),
  },
  { strict: true },
);
type SnapshotHeader = NonNullable<(typeof SNAPSHOT_HEADER)['_type']>;

export interface FirthMemoryVectorStoreArgs {
  /** How a query is compared with each row. @default 'cosine' — what sentence embeddings are trained for */
  similarity?: Similarity;
  /** 'exact' scans every row; 'hnsw' searches an approximate index (see above). @default 'exact' */
  index?: IndexKind;
  /** The HNSW index's parameters. @default HNSW_DEFAULTS: { M: 16, efConstruction: 100, efSearch: 256, shrink: 'heuristic' } */
  hnsw?: HnswParameters;
}

export class FirthMemoryVectorStore extends VectorStore {
  declare FilterType: MetadataFilter;

  readonly similarity: Similarity;
  /** Embedding length; fixed by the first row added. */
  dimension: number | undefined;
  /** One embedding per Document. */
  rows: Float32Array[] = [];
  /** ‖row‖, for cosine. */
  norms: number[] = [];
  documents: Document[] = [];
  ids: string[] = [];
  private nextId = 0;
  /** id → position in rows/documents/ids. */
  private positions = new Map<string, number>();
  /** The snapshot file this store was loaded from, named in its errors. */
  loadedFrom: string | undefined;
  readonly index: IndexKind;
  private readonly hnswParameters: HnswParameters;
  /** The approximate index ('hnsw'), made once the dimension is known; its ids are the store's. */
  ann: HnswIndex | undefined;

  constructor(embeddings: EmbeddingsInterface, args: FirthMemoryVectorStoreArgs = {}) {
    super(embeddings, args);
    this.similarity =
      args.similarity === undefined ? 'cosine' : checkSimilarity(args.similarity, 'similarity');
    this.index = checkIndexKind(args.index ?? 'exact');
    this.hnswParameters = { ...args.hnsw };
    // checks the parameters now, not on the first insert
    if (this.index === 'hnsw') new HnswIndex({ dim: 1, ...this.hnswParameters, capacity: 1 });
  }

  /** The HNSW index of this store's rows (made on first use). */
  private annIndex(dimension: number): HnswIndex {
    this.ann ??= new HnswIndex({ ...this.hnswParameters, dim: dimension, metric: this.similarity });
    return this.ann;
  }

  _vectorstoreType(): string {
    return 'firth-memory';
  }

  private toRow(vector: number[] | Float32Array, what: string): Float32Array {
    return toRow(vector, this.dimension, what);
  }

  async addVectors(
    vectors: number[][],
    documents: DocumentInterface[],
    options?: { ids?: string[] },
  ): Promise<string[]> {
    checkAddVectors(vectors, documents, options?.ids);
    // the first row fixes the dimension, but only once the whole batch is accepted
    const dimension = batchDimension(this.dimension, vectors);
    const rows = vectors.map((v, i) => toRow(v, dimension, `vector ${i}`));
    this.dimension = dimension;
    const ids = documents.map((d, i) => options?.ids?.[i] ?? d.id ?? this.freshId());
    rows.forEach((row, i) => {
      const doc = documents[i]!;
      const id = ids[i]!;
      const document = new Document({ pageContent: doc.pageContent, metadata: { ...doc.metadata }, id });
      // an id already held is replaced in place; a new one is appended
      const at = this.positions.get(id) ?? this.rows.length;
      this.positions.set(id, at);
      this.rows[at] = row;
      this.norms[at] = norm(row);
      this.documents[at] = document;
      this.ids[at] = id;
      if (this.index === 'hnsw') this.annIndex(dimension!).add(id, row);
    });
    return ids;
  }

  /** The next default id ('0', '1', …) not already taken by a Document. */
  private freshId(): string {
    while (this.positions.has(String(this.nextId))) this.nextId++;
    return String(this.nextId++);
  }

  async addDocuments(documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    checkAddVectors(documents, documents, options?.ids);
    const vectors = await this.embeddings.embedDocuments(documents.map((d) => d.pageContent));
    return this.addVectors(vectors, documents, options);
  }

  /** Indexes and scores of the k nearest rows passing the filter, nearest first. */
  private nearest(query: number[], k: number, filter?: MetadataFilter): [number, number][] {
    checkK(k, 'k');
    if (this.rows.length === 0) return [];
    const q = this.toRow(query, this.loadedFrom ? `${this.loadedFrom}: query vector` : 'query vector');
    const qNorm = norm(q);
    const top = new TopK<number>(k, this.similarity);
    if (k < 1) return top.items;
    if (this.ann && k < this.rows.length) {
      const accept = filter
        ? (id: string) => matches(this.documents[this.positions.get(id)!]!, filter)
        : undefined;
      const hits = this.ann.search(q, k, { filter: accept });
      if (hits.length === k) return hits.map(({ id, score }) => [this.positions.get(id)!, score]);
    }
    for (let i = 0; i < this.rows.length; i++) {
      if (!matches(this.documents[i]!, filter)) continue;
      top.offer(i, score(this.similarity, q, qNorm, this.rows[i]!, this.norms[i]!));
    }
    return top.items;
  }

  async similaritySearchVectorWithScore(
    query: number[],
    k: number,
    filter?: MetadataFilter,
  ): Promise<[Document, number][]> {
    return this.nearest(query, k, filter).map(([i, s]) => [this.documents[i]!, s]);
  }

  /**
   * Maximal marginal relevance (Carbonell & Goldstein 1998): from the `fetchK` nearest, pick one at
   * a time the Document maximising  λ·cos(q, d) − (1 − λ)·max_{s ∈ picked} cos(d, s).
   */
  async maxMarginalRelevanceSearchByVector(query: number[], options: MmrOptions = {}): Promise<Document[]> {
    const lambda = checkLambda(options.lambda ?? 0.5);
    const candidates = this.nearest(query, options.fetchK ?? 20, options.filter).map(([i]) => i);
    const picked = mmrSelect(
      this.toRow(query, 'query vector'),
      candidates.map((i) => this.rows[i]!),
      candidates.map((i) => this.norms[i]!),
      options.k ?? 4,
      lambda,
    );
    return picked.map((c) => this.documents[candidates[c]!]!);
  }

  override async maxMarginalRelevanceSearch(
    query: string,
    options: MaxMarginalRelevanceSearchOptions<this['FilterType']>,
  ): Promise<Document[]> {
    return this.maxMarginalRelevanceSearchByVector(await this.embeddings.embedQuery(query), options);
  }

  /** Removes Documents by id. */
  override async delete(params: { ids: string[] }): Promise<void> {
    if (!Array.isArray(params?.ids) || !params.ids.every((id) => typeof id === 'string'))
      throw new ValidationError('delete: ids must be an array of strings', 'ids');
    const drop = new Set(params.ids);
    const keep = this.ids.map((id, i) => (drop.has(id) ? -1 : i)).filter((i) => i >= 0);
    this.rows = keep.map((i) => this.rows[i]!);
    this.norms = keep.map((i) => this.norms[i]!);
    this.documents = keep.map((i) => this.documents[i]!);
    this.ids = keep.map((i) => this.ids[i]!);
    this.positions = new Map(this.ids.map((id, i) => [id, i]));
    if (this.ann) {
      for (const id of drop) this.ann.remove(id);
      if (this.ann.tombstones > this.ann.size) this.ann = this.ann.compact();
    }
  }

  /**
   * Writes the store to `path` (format in the header comment): to `path.tmp-…` first, flushed to
   * disk, then renamed over `path`, so `path` is never a half-written file.
   *
   *   await store.save('index.firthvs'); const again = await FirthMemoryVectorStore.load('index.firthvs', embeddings);
   */
  async save(path: string): Promise<void> {
    writeFileAtomic(
      path,
      this.toSnapshot(path),
      'FirthMemoryVectorStore.save(path)',
      'in a browser keep store.toSnapshot() instead',
    );
  }

  /**
   * The store as the bytes `save` writes (`name` names it in errors). No file system: what a
   * browser stores (IndexedDB, a download) and gives back to `fromSnapshot`.
   */
  toSnapshot(name = 'snapshot'): Uint8Array {
    const header: SnapshotHeader = {
      format: MEMORY_STORE_FORMAT,
      similarity: this.similarity,
      dimension: this.dimension ?? null,
      count: this.rows.length,
      nextId: this.nextId,
      documents: this.documents.map((d, i) => ({
        id: this.ids[i]!,
        pageContent: d.pageContent,
        metadata: d.metadata,
      })),
    };
    let text: string;
    try {
      text = JSON.stringify(header);
    } catch (error) {
      throw new ValidationError(
        `${name}: the store's metadata cannot be saved as JSON (${(error as Error).message})`,
        name,
      );
    }
    const json = new TextEncoder().encode(text);
    const start = 12 + json.length + ((4 - (json.length % 4)) % 4);
    const d = this.dimension ?? 0;
    const out = new Uint8Array(start + 4 * d * this.rows.length);
    const view = new DataView(out.buffer);
    for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
    view.setUint32(8, json.length, true);
    out.set(json, 12);
    this.rows.forEach((row, r) => {
      const at = start + 4 * d * r;
      if (LITTLE_ENDIAN) out.set(new Uint8Array(row.buffer, row.byteOffset, row.byteLength), at);
      else row.forEach((x, j) => void view.setFloat32(at + 4 * j, x, true));
    });
    return out;
  }

  /**
   * Reads a store written by `save`. Throws, naming `path` and leaving the file untouched, when it
   * is missing, not a snapshot, truncated or corrupt, or of another format version: a FormatError
   * naming the place ("x.firthvs: $.documents[2].pageContent must be a string, got null",
   * "x.firthvs: row 4 holds NaN at index 1"). `embeddings` embed later queries and Documents; a model
   * making vectors of another length is caught on the first query or insert ("…: query vector has
   * 3 dimensions but this store holds 2-dimensional …").
   */
  static async load(
    path: string,
    embeddings: EmbeddingsInterface,
    args: Omit<FirthMemoryVectorStoreArgs, 'similarity'> = {},
  ): Promise<FirthMemoryVectorStore> {
    const { readFileSync } = nodeBuiltin<typeof fs>(
      'fs',
      'FirthMemoryVectorStore.load(path)',
      'in a browser use FirthMemoryVectorStore.fromSnapshot(bytes, embeddings)',
    );
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new ValidationError(
        `${path}: cannot read the vector store snapshot (${(error as Error).message})`,
        path,
      );
    }
    return FirthMemoryVectorStore.fromSnapshot(bytes, embeddings, path, args);
  }

  /**
   * A store from the bytes `toSnapshot` (or `save`) wrote, checked as `load` checks a file; `path`
   * names them in errors and in later query errors; `args.index: 'hnsw'` builds the index over
   * the loaded rows.
   */
  static fromSnapshot(
    bytes: Uint8Array,
    embeddings: EmbeddingsInterface,
    path = 'snapshot',
    args: Omit<FirthMemoryVectorStoreArgs, 'similarity'> = {},
  ): FirthMemoryVectorStore {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const bad = (where: string, problem: string) => new FormatError(path, where, problem);
    if (bytes.length < 12 || String.fromCharCode(...bytes.subarray(0, 8)) !== MAGIC)
      throw bad('', `is not a Firth vector store snapshot (it does not start with "${MAGIC}")`);
    const h = view.getUint32(8, true);
    if (12 + h > bytes.length)
      throw bad('', `is truncated: a header of ${h} bytes in a file of ${bytes.length}`);
    const header = FirthMemoryVectorStore.readHeader(bytes.subarray(12, 12 + h), path);
    const { count, documents } = header;
    if (documents.length !== count)
      throw bad('$.count', `is ${count}, but the header lists ${documents.length} documents`);
    if (header.dimension === null && count > 0)
      throw bad('$.dimension', `is null, but the snapshot holds ${count} rows`);
    const seen = new Map<string, number>();
    documents.forEach(({ id }, i) => {
      const first = seen.get(id);
      if (first !== undefined)
        throw bad(`$.documents[${i}].id`, `repeats the id ${JSON.stringify(id)} of $.documents[${first}]`);
      seen.set(id, i);
    });
    const d = header.dimension ?? 0;
    const start = 12 + h + ((4 - (h % 4)) % 4);
    const expected = start + 4 * d * count;
    if (bytes.length !== expected)
      throw bad(
        '',
        `${bytes.length < expected ? 'is truncated' : 'has trailing bytes'}: ${bytes.length} bytes, expected ${expected}`,
      );
    const store = new FirthMemoryVectorStore(embeddings, { ...args, similarity: header.similarity });
    store.dimension = header.dimension ?? undefined;
    store.nextId = header.nextId;
    for (let r = 0; r < count; r++) {
      const at = start + 4 * d * r;
      // copied: the rows must not share (or misalign on) the file's buffer
      const row = LITTLE_ENDIAN
        ? new Float32Array(new Uint8Array(bytes.buffer, bytes.byteOffset + at, 4 * d).slice().buffer)
        : Float32Array.from({ length: d }, (_, j) => view.getFloat32(at + 4 * j, true));
      for (let j = 0; j < d; j++)
        if (!Number.isFinite(row[j]!))
          throw bad(`row ${r}`, `holds ${row[j]} at index ${j}: vectors must be finite`);
      const { id, pageContent, metadata } = documents[r]!;
      store.rows.push(row);
      store.norms.push(norm(row));
      store.documents.push(new Document({ pageContent, metadata, id }));
      store.ids.push(id);
      if (store.index === 'hnsw') store.annIndex(d).add(id, row);
    }
    store.positions = seen;
    store.loadedFrom = path;
    return store;
  }

  /** The header JSON, checked against SNAPSHOT_HEADER (its format version first, for a clear message). */
  private static readHeader(json: Uint8Array, path: string): SnapshotHeader {
    let value: unknown;
    try {
      value = parseJson(json, path);
    } catch (error) {
      throw error instanceof FormatError ? new FormatError(path, 'header', error.problem) : error;
    }
    const format = checkJson(value, shape.object({ format: shape.any() }), path).format;
    if (format !== MEMORY_STORE_FORMAT)
      throw new FormatError(
        path,
        '',
        `has snapshot format ${JSON.stringify(format) ?? 'nothing'}; this version reads ${MEMORY_STORE_FORMAT}`,
      );
    return checkJson(value, SNAPSHOT_HEADER, path);
  }

  static override async fromTexts(
    texts: string[],
    metadatas: object[] | object,
    embeddings: EmbeddingsInterface,
    args: FirthMemoryVectorStoreArgs = {},
  ): Promise<FirthMemoryVectorStore> {
    return FirthMemoryVectorStore.fromDocuments(textsToDocuments(texts, metadatas), embeddings, args);
  }

  static override async fromDocuments(
    docs: DocumentInterface[],
    embeddings: EmbeddingsInterface,
    args: FirthMemoryVectorStoreArgs = {},
  ): Promise<FirthMemoryVectorStore> {
    const store = new FirthMemoryVectorStore(embeddings, args);
    await store.addDocuments(docs);
    return store;
  }
}
