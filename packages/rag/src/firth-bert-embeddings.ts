/**
 * `FirthBertEmbeddings` — LangChain's `Embeddings` over Firth's tiny BERT (shipped, pretrained here
 * with masked LM + next-sentence prediction, then fine-tuned on SST-2): a text becomes the mean of
 * its contextual token vectors (BERT's last hidden state, [CLS] and [SEP] included, as
 * sentence-transformers' mean pooling), or the [CLS] vector; unit length by default. 128
 * dimensions, offline, no API key; texts over 64 tokens are cut, as Hugging Face's
 * `truncation=True` does.
 *
 *   const embeddings = new FirthBertEmbeddings();
 *   const store = await MemoryVectorStore.fromTexts(texts, metadatas, embeddings);
 *   await embeddings.embedQuery('he went to the bank to deposit money .') // [0.031, …128 numbers]
 */
import { ValidationError } from '@firth/numeric';
import { loadTinyBert, poolVectors, type TinyBert } from '@firth/transformers';
import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';

export interface FirthBertEmbeddingsParams extends EmbeddingsParams {
  /** A loaded BERT and its tokenizer. @default the shipped tiny BERT (`loadTinyBert()`) */
  model?: Pick<TinyBert, 'bert' | 'tokenizer'>;
  /** 'mean' of the token vectors, or the 'cls' token's vector. @default 'mean' (sentence-transformers) */
  pooling?: 'mean' | 'cls';
  /** Scale every vector to unit length, so that a dot product is a cosine. @default true */
  normalize?: boolean;
}

export class FirthBertEmbeddings extends Embeddings {
  readonly pooling: 'mean' | 'cls';
  readonly normalize: boolean;
  private readonly source: Pick<TinyBert, 'bert' | 'tokenizer'> | undefined;
  private loaded: Promise<Pick<TinyBert, 'bert' | 'tokenizer'>> | undefined;

  constructor(params: FirthBertEmbeddingsParams = {}) {
    super(params);
    this.pooling = params.pooling ?? 'mean';
    if (this.pooling !== 'mean' && this.pooling !== 'cls')
      throw new ValidationError(`pooling must be "mean" or "cls", got ${JSON.stringify(this.pooling)}`);
    this.normalize = params.normalize ?? true;
    this.source = params.model;
  }

  /** The BERT in use (the shipped one is read on first call, once per process). */
  model(): Promise<Pick<TinyBert, 'bert' | 'tokenizer'>> {
    this.loaded ??= this.source ? Promise.resolve(this.source) : loadTinyBert();
    return this.loaded;
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    const { bert, tokenizer } = await this.model();
    return documents.map((text, i) => {
      if (typeof text !== 'string' || text.trim() === '')
        throw new ValidationError(`document ${i} is empty: BERT needs at least one token to embed`);
      // last_hidden_state[0]: one vector per token, (T, H)
      const { vectors } = bert.embed(tokenizer, text);
      return poolVectors(vectors, { pooling: this.pooling, normalize: this.normalize });
    });
  }

  async embedQuery(document: string): Promise<number[]> {
    if (typeof document !== 'string' || document.trim() === '')
      throw new ValidationError('the query is empty: BERT needs at least one token to embed');
    return (await this.embedDocuments([document]))[0]!;
  }
}
