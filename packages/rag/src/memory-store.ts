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
 * IVF); persistence is `FirthSqliteVectorStore`.
 */
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

export type { MetadataFilter, MmrOptions, Similarity };

export interface FirthMemoryVectorStoreArgs {
  /** How a query is compared with each row. @default 'cosine' — what sentence embeddings are trained for */
  similarity?: Similarity;
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
    return toRow(vector, this.dimension, what);
  }

  async addVectors(
    vectors: number[][],
    documents: DocumentInterface[],
    options?: { ids?: string[] },
  ): Promise<string[]> {
    checkAddVectors(vectors.length, documents.length, options?.ids);
    const rows = vectors.map((v, i) => {
      if (this.dimension === undefined) this.dimension = v.length;
      return this.toRow(v, `vector ${i}`);
    });
    const ids = documents.map((d, i) => options?.ids?.[i] ?? d.id ?? String(this.nextId++));
    rows.forEach((row, i) => {
      const doc = documents[i]!;
      this.rows.push(row);
      this.norms.push(norm(row));
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

  /** Indexes and scores of the k nearest rows passing the filter, nearest first. */
  private nearest(query: number[], k: number, filter?: MetadataFilter): [number, number][] {
    if (this.rows.length === 0) return [];
    const q = this.toRow(query, 'query vector');
    const qNorm = norm(q);
    const top = new TopK<number>(k, this.similarity);
    if (k < 1) return top.items;
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
    const lambda = options.lambda ?? 0.5;
    if (!(lambda >= 0 && lambda <= 1)) throw new Error(`lambda must be in [0, 1], got ${lambda}`);
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
