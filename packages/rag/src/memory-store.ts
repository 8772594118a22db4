/**
 * `FirthMemoryVectorStore` — an exact (brute-force) vector store in memory, as a LangChain
 * `VectorStore`: the "vector database" of the RAG lesson with nothing hidden. Each Document's
 * embedding is one Float32Array row; a query is compared with every row (FAISS's `IndexFlat`).
 *
 *   const store = await FirthMemoryVectorStore.fromTexts(['cat', 'dog'], [{ id: 1 }, { id: 2 }], new FirthEmbeddings());
 *   await store.similaritySearchWithScore('kitten', 1) // [[Document { pageContent: 'cat', … }, 0.78]]
 *
 * Scores: cosine similarity and dot product (higher is closer), or Euclidean distance for 'l2'
 * (lower is closer — results come nearest first either way). Left out: approximate indexes (HNSW,
 * IVF), persistence.
 */
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { type MaxMarginalRelevanceSearchOptions, VectorStore } from '@langchain/core/vectorstores';

export type Similarity = 'cosine' | 'dot' | 'l2';

/** Keep a Document if every given metadata field equals the value, or if the function says so. */
export type MetadataFilter = Record<string, unknown> | ((doc: DocumentInterface) => boolean);

export interface FirthMemoryVectorStoreArgs {
  /** How a query is compared with each row. @default 'cosine' — what sentence embeddings are trained for */
  similarity?: Similarity;
}

export interface MmrOptions {
  /** Documents returned. @default 4 */
  k?: number;
  /** Candidates taken by similarity before re-ranking. @default 20 */
  fetchK?: number;
  /** 1 = pure relevance, 0 = pure diversity. @default 0.5 — LangChain's default */
  lambda?: number;
  filter?: MetadataFilter;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function matches(doc: DocumentInterface, filter: MetadataFilter | undefined): boolean {
  if (!filter) return true;
  if (typeof filter === 'function') return filter(doc);
  return Object.entries(filter).every(([key, value]) => doc.metadata[key] === value);
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

  constructor(embeddings: EmbeddingsInterface, args: FirthMemoryVectorStoreArgs = {}) {
    super(embeddings, args);
    this.similarity = args.similarity ?? 'cosine';
  }

  _vectorstoreType(): string {
    return 'firth-memory';
  }

  private toRow(vector: number[] | Float32Array, what: string): Float32Array {
    if (this.dimension !== undefined && vector.length !== this.dimension)
      throw new Error(
        `${what} has ${vector.length} dimensions but this store holds ${this.dimension}-dimensional vectors (were they made by a different embedding model?)`,
      );
    const row = Float32Array.from(vector);
    if (!row.every(Number.isFinite)) throw new Error(`${what} contains NaN or Infinity`);
    return row;
  }

  async addVectors(
    vectors: number[][],
    documents: DocumentInterface[],
    options?: { ids?: string[] },
  ): Promise<string[]> {
    if (vectors.length !== documents.length)
      throw new Error(`addVectors: ${vectors.length} vectors for ${documents.length} documents`);
    if (options?.ids && options.ids.length !== documents.length)
      throw new Error(`addVectors: ${options.ids.length} ids for ${documents.length} documents`);
    const rows = vectors.map((v, i) => {
      if (this.dimension === undefined) this.dimension = v.length;
      return this.toRow(v, `vector ${i}`);
    });
    const ids = documents.map((d, i) => options?.ids?.[i] ?? d.id ?? String(this.nextId++));
    rows.forEach((row, i) => {
      const doc = documents[i]!;
      this.rows.push(row);
      this.norms.push(Math.sqrt(dot(row, row)));
      this.documents.push(
        new Document({ pageContent: doc.pageContent, metadata: { ...doc.metadata }, id: ids[i] }),
      );
      this.ids.push(ids[i]!);
    });
    return ids;
  }

  async addDocuments(documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    const vectors = await this.embeddings.embedDocuments(documents.map((d) => d.pageContent));
    return this.addVectors(vectors, documents, options);
  }

  /** Score of row i against the query (q with its norm). */
  private score(q: Float32Array, qNorm: number, i: number): number {
    const row = this.rows[i]!;
    if (this.similarity === 'dot') return dot(q, row);
    if (this.similarity === 'cosine') {
      // cos(q, x) = q·x / (‖q‖ ‖x‖); a zero vector is similar to nothing
      const denom = qNorm * this.norms[i]!;
      return denom === 0 ? 0 : dot(q, row) / denom;
    }
    // ‖q − x‖₂
    let s = 0;
    for (let j = 0; j < q.length; j++) s += (q[j]! - row[j]!) ** 2;
    return Math.sqrt(s);
  }

  /** Indexes and scores of the k nearest rows passing the filter, nearest first. */
  private nearest(query: number[], k: number, filter?: MetadataFilter): [number, number][] {
    if (this.rows.length === 0) return [];
    const q = this.toRow(query, 'query vector');
    const qNorm = Math.sqrt(dot(q, q));
    // keep only the best k, best first (an insertion into a short sorted list): a full sort of
    // every score cost most of a 100k-row search. Ties keep the earlier row first.
    const better =
      this.similarity === 'l2' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
    const top: [number, number][] = [];
    if (k < 1) return top;
    for (let i = 0; i < this.rows.length; i++) {
      if (!matches(this.documents[i]!, filter)) continue;
      const s = this.score(q, qNorm, i);
      if (top.length === k && !better(s, top[k - 1]![1])) continue;
      let at = top.length;
      while (at > 0 && better(s, top[at - 1]![1])) at--;
      top.splice(at, 0, [i, s]);
      if (top.length > k) top.pop();
    }
    return top;
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
    const k = options.k ?? 4;
    const lambda = options.lambda ?? 0.5;
    if (!(lambda >= 0 && lambda <= 1)) throw new Error(`lambda must be in [0, 1], got ${lambda}`);
    const candidates = this.nearest(query, options.fetchK ?? 20, options.filter).map(([i]) => i);
    const q = this.toRow(query, 'query vector');
    const qNorm = Math.sqrt(dot(q, q));
    const cos = (a: Float32Array, na: number, b: Float32Array, nb: number) =>
      na * nb === 0 ? 0 : dot(a, b) / (na * nb);
    const relevance = candidates.map((i) => cos(q, qNorm, this.rows[i]!, this.norms[i]!));
    const picked: number[] = []; // positions in `candidates`
    const maxSimToPicked = candidates.map(() => Number.NEGATIVE_INFINITY);
    while (picked.length < Math.min(k, candidates.length)) {
      let best = -1;
      let bestScore = Number.NEGATIVE_INFINITY;
      candidates.forEach((_, c) => {
        if (picked.includes(c)) return;
        const redundancy = picked.length === 0 ? 0 : maxSimToPicked[c]!;
        const mmr = lambda * relevance[c]! - (1 - lambda) * redundancy;
        if (mmr > bestScore) [best, bestScore] = [c, mmr];
      });
      picked.push(best);
      const row = this.rows[candidates[best]!]!;
      const norm = this.norms[candidates[best]!]!;
      candidates.forEach((i, c) => {
        maxSimToPicked[c] = Math.max(maxSimToPicked[c]!, cos(this.rows[i]!, this.norms[i]!, row, norm));
      });
    }
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
    const drop = new Set(params.ids);
    const keep = this.ids.map((id, i) => (drop.has(id) ? -1 : i)).filter((i) => i >= 0);
    this.rows = keep.map((i) => this.rows[i]!);
    this.norms = keep.map((i) => this.norms[i]!);
    this.documents = keep.map((i) => this.documents[i]!);
    this.ids = keep.map((i) => this.ids[i]!);
  }

  static override async fromTexts(
    texts: string[],
    metadatas: object[] | object,
    embeddings: EmbeddingsInterface,
    args: FirthMemoryVectorStoreArgs = {},
  ): Promise<FirthMemoryVectorStore> {
    const docs = texts.map(
      (pageContent, i) =>
        new Document({
          pageContent,
          metadata: { ...((Array.isArray(metadatas) ? metadatas[i] : metadatas) as Record<string, unknown>) },
        }),
    );
    return FirthMemoryVectorStore.fromDocuments(docs, embeddings, args);
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
