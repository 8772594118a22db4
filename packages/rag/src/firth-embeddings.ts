/**
 * `FirthEmbeddings` — LangChain's `Embeddings` over Firth's word vectors: a text becomes the mean
 * (or SIF-weighted mean) of its words' vectors, scaled to unit length. Offline, no API key; plugs
 * into any LangChain vector store.
 *
 *   const embeddings = new FirthEmbeddings(); // GloVe 6B 100d, 20k words, shipped with Firth
 *   const store = await MemoryVectorStore.fromTexts(texts, metadatas, embeddings);
 *   await embeddings.embedQuery('heart attack') // [0.012, …100 numbers]
 */
import {
  embedTexts,
  type KeyedVectors,
  loadPretrained,
  type Pooling,
  type PretrainedName,
} from '@firth/embeddings';
import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';

export interface FirthEmbeddingsParams extends EmbeddingsParams {
  /** Word vectors: a loaded `KeyedVectors` (e.g. `new Word2Vec(corpus).wv`) or a pretrained name. @default 'glove-6b-100d-top20k' */
  vectors?: KeyedVectors | PretrainedName;
  /** How word vectors become a text vector. @default 'mean' (spaCy's doc.vector) */
  pooling?: Pooling;
}

export class FirthEmbeddings extends Embeddings {
  readonly pooling: Pooling;
  private readonly source: KeyedVectors | PretrainedName;
  private loaded: Promise<KeyedVectors> | undefined;

  constructor(params: FirthEmbeddingsParams = {}) {
    super(params);
    this.source = params.vectors ?? 'glove-6b-100d-top20k';
    this.pooling = params.pooling ?? 'mean';
  }

  /** The word vectors in use (loaded on first call). */
  vectors(): Promise<KeyedVectors> {
    if (!this.loaded) {
      const source = this.source;
      this.loaded = typeof source === 'string' ? loadPretrained(source) : Promise.resolve(source);
      this.loaded.catch(() => {
        this.loaded = undefined;
      });
    }
    return this.loaded;
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    return embedTexts(documents, await this.vectors(), { pooling: this.pooling });
  }

  async embedQuery(document: string): Promise<number[]> {
    return (await this.embedDocuments([document]))[0] as number[];
  }
}
