/**
 * Knowledge bases and retrievers for the RAG nodes (Firth Retriever, Firth RAG Answer, Firth Vector
 * Store): which documents, searched how. Thin: every step is @firth/rag; this file only maps the
 * nodes' parameters onto it and records each retrieval as a run of the sub-node, as n8n's own
 * retriever nodes do.
 */
import {
  BM25,
  type BM25Analyzer,
  checkAnalyzer,
  DEFAULT_ANALYZER,
  DEFAULT_HYBRID_WEIGHTS,
  DEFAULT_RRF_K,
  FirthMemoryVectorStore,
  FirthSqliteVectorStore,
  HybridRetriever,
  loadCourseNotes,
  loadFolder,
  QUESTION_STOP_WORDS,
  questionRetriever,
  resolveStoreFile,
} from '@firth/rag';
import type { DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { BaseRetriever } from '@langchain/core/retrievers';
import {
  type INodeProperties,
  type ISupplyDataFunctions,
  NodeConnectionTypes,
  type NodeOperationError,
} from 'n8n-workflow';
import { recordRun, type Trace } from './sub-node-run';

export type KnowledgeBase = 'courseNotes' | 'folder' | 'store';
export type SearchMode = 'keyword' | 'semantic' | 'hybrid';

export interface RetrieverSettings {
  knowledgeBase: KnowledgeBase;
  search: SearchMode;
  topK: number;
  folder?: string;
  storeFile?: string;
  chunkSize?: number;
  chunkOverlap?: number;
  /** BM25's analyzer (keyword and hybrid search). @default DEFAULT_ANALYZER (@firth/rag) */
  analyzer?: BM25Analyzer;
  /** Hybrid search's [BM25 weight, vector weight]. @default DEFAULT_HYBRID_WEIGHTS (@firth/rag) */
  weights?: [number, number];
  /** Hybrid search's RRF constant. @default DEFAULT_RRF_K (@firth/rag) */
  rrfK?: number;
  /** Needed by semantic and hybrid search and by stores. */
  embeddings?: EmbeddingsInterface;
}

/**
 * A retriever, by shape: what the nodes call. (@firth/rag's retrievers are LangChain retrievers;
 * typed by shape here so that the node code does not depend on which build of @langchain/core's
 * types a compiler resolves.)
 */
export interface Retrieves {
  invoke(query: string): Promise<DocumentInterface[]>;
}

/** The store file: absolute as given, or relative to ~/.n8n/firth (n8n's user folder). */
export const storePath = (file: string, mustExist = false) => resolveStoreFile(file, { mustExist });

/** Builds the retriever the settings describe (documents loaded and indexed now). */
export async function buildRetriever(s: RetrieverSettings): Promise<Retrieves> {
  if (!Number.isInteger(s.topK) || s.topK < 1)
    throw new Error(`Top K must be a positive integer, got ${s.topK}`);
  const needsVectors = s.knowledgeBase === 'store' || s.search !== 'keyword';
  if (needsVectors && !s.embeddings)
    throw new Error(
      `${s.knowledgeBase === 'store' ? 'A vector store' : `${s.search === 'hybrid' ? 'Hybrid' : 'Semantic'} search`} compares vectors: connect an Embedding sub-node (e.g. Embeddings Firth) to the Embedding input`,
    );
  if (s.knowledgeBase === 'store') {
    const path = storePath(s.storeFile ?? '', true);
    const store = await FirthSqliteVectorStore.open({ path, embeddings: s.embeddings! });
    return store.asRetriever(s.topK);
  }
  let docs: DocumentInterface[];
  if (s.knowledgeBase === 'courseNotes') docs = await loadCourseNotes();
  else {
    const folder = (s.folder ?? '').trim();
    if (folder === '') throw new Error('Folder is empty: give the absolute path of a folder of documents');
    docs = await loadFolder(folder, { chunkSize: s.chunkSize, chunkOverlap: s.chunkOverlap });
  }
  if (s.search === 'keyword') return questionRetriever(docs, s.topK, { analyzer: s.analyzer });
  const vectorStore = await FirthMemoryVectorStore.fromDocuments(docs as never, s.embeddings!);
  if (s.search === 'semantic') return vectorStore.asRetriever(s.topK);
  return new HybridRetriever({
    bm25: new BM25({ analyzer: s.analyzer ?? DEFAULT_ANALYZER, stopWords: QUESTION_STOP_WORDS }).fit(
      docs as never,
    ),
    vectorStore,
    k: s.topK,
    weights: s.weights ?? [...DEFAULT_HYBRID_WEIGHTS],
    rrfK: s.rrfK ?? DEFAULT_RRF_K,
  });
}

/** A document as n8n items show it. */
export const documentJson = (d: DocumentInterface) => ({ pageContent: d.pageContent, metadata: d.metadata });

/** A retriever that records each query and its documents (or error) as a run of the sub-node. */
export class TracedRetriever extends BaseRetriever {
  override lc_namespace = ['firth', 'n8n', 'retrievers'];

  constructor(
    private readonly inner: Retrieves,
    private readonly fail: (error: unknown) => NodeOperationError,
    private readonly trace?: Trace,
  ) {
    super();
  }

  override _getRelevantDocuments(query: string) {
    return recordRun(
      this.trace,
      NodeConnectionTypes.AiRetriever,
      { query },
      () => this.inner.invoke(query),
      (docs) => ({ documents: docs.map(documentJson) }),
      this.fail,
    );
  }
}

const [BM25_WEIGHT, VECTOR_WEIGHT] = DEFAULT_HYBRID_WEIGHTS;

/** The Analyzer field of the retrieving nodes' Options (Firth Retriever, Firth RAG Answer). */
export const analyzerOption: INodeProperties = {
  displayName: 'Analyzer',
  name: 'analyzer',
  type: 'options',
  options: [
    {
      name: 'English (Porter Stemming)',
      value: 'english',
      description:
        "As Lucene's EnglishAnalyzer: possessive 's dropped, lowercased, stop words dropped, Porter stems (pressures finds pressure)",
    },
    {
      name: 'Standard',
      value: 'standard',
      description: 'Words lowercased, stop words dropped, no stemming',
    },
  ],
  default: DEFAULT_ANALYZER,
  description: 'How BM25 cuts text into terms (keyword and hybrid search)',
};

/** The parameters that pick a knowledge base and a search (shared by the nodes that retrieve). */
export const knowledgeProperties: INodeProperties[] = [
  {
    displayName: 'Knowledge Base',
    name: 'knowledgeBase',
    type: 'options',
    options: [
      {
        name: 'Course Notes (Shipped)',
        value: 'courseNotes',
        description: "Firth's docs/concepts: one page per course concept, split by section",
      },
      {
        name: 'Folder',
        value: 'folder',
        description: 'Every .txt, .md, .html, .JSON and .pdf file under a folder, split into chunks',
      },
      {
        name: 'Firth Vector Store',
        value: 'store',
        description: 'A store file written by the Firth Vector Store node (semantic search)',
      },
    ],
    default: 'courseNotes',
  },
  {
    displayName: 'Folder',
    name: 'folder',
    type: 'string',
    default: '',
    placeholder: '/home/node/.n8n/docs',
    description: 'Absolute path; files are read only from inside it (no .. or links out).',
    displayOptions: { show: { knowledgeBase: ['folder'] } },
  },
  {
    displayName: 'Chunk Size',
    name: 'chunkSize',
    type: 'number',
    typeOptions: { minValue: 50 },
    default: 1000,
    description: 'Largest chunk, in characters',
    displayOptions: { show: { knowledgeBase: ['folder'] } },
  },
  {
    displayName: 'Chunk Overlap',
    name: 'chunkOverlap',
    type: 'number',
    typeOptions: { minValue: 0 },
    default: 200,
    description: 'Characters repeated between neighbouring chunks',
    displayOptions: { show: { knowledgeBase: ['folder'] } },
  },
  {
    displayName: 'Store File',
    name: 'storeFile',
    type: 'string',
    default: 'firth-vector-store.sqlite',
    description: 'The SQLite file of the store: absolute, or relative to ~/.n8n/firth',
    displayOptions: { show: { knowledgeBase: ['store'] } },
  },
  {
    displayName: 'Search',
    name: 'search',
    type: 'options',
    options: [
      {
        name: 'Keyword (BM25)',
        value: 'keyword',
        description: 'Documents sharing the rarest words with the query',
      },
      {
        name: 'Semantic (Embeddings)',
        value: 'semantic',
        description: 'Nearest documents by cosine similarity of embeddings (connect an Embedding)',
      },
      {
        name: 'Hybrid (BM25 + Embeddings, RRF)',
        value: 'hybrid',
        description: 'Both rankings fused by reciprocal rank fusion (connect an Embedding)',
      },
    ],
    default: 'keyword',
    displayOptions: { show: { knowledgeBase: ['courseNotes', 'folder'] } },
  },
  {
    displayName: 'Top K',
    name: 'topK',
    type: 'number',
    typeOptions: { minValue: 1 },
    default: 4,
    description: 'How many passages to retrieve',
  },
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    displayOptions: { show: { knowledgeBase: ['courseNotes', 'folder'] } },
    // defaults are @firth/rag's (measured: packages/rag/eval/retrieval/results.md)
    options: [
      analyzerOption,
      {
        displayName: 'BM25 Weight',
        name: 'bm25Weight',
        type: 'number',
        typeOptions: { minValue: 0 },
        default: BM25_WEIGHT,
        description: "Weight of BM25's ranking in hybrid search (reciprocal rank fusion)",
      },
      {
        displayName: 'RRF K',
        name: 'rrfK',
        type: 'number',
        typeOptions: { minValue: 0 },
        default: DEFAULT_RRF_K,
        description:
          'Reciprocal rank fusion constant: larger flattens the gap between top ranks (hybrid search)',
      },
      {
        displayName: 'Vector Weight',
        name: 'vectorWeight',
        type: 'number',
        typeOptions: { minValue: 0 },
        default: VECTOR_WEIGHT,
        description: "Weight of the embeddings' ranking in hybrid search (reciprocal rank fusion)",
      },
    ],
  },
];

/** The Options collection of the retrieving nodes, as read from n8n. */
interface RetrieverOptions {
  analyzer?: string;
  bm25Weight?: number;
  vectorWeight?: number;
  rrfK?: number;
}

/** Analyzer and hybrid weights from the Options collection (@firth/rag's defaults where unset). */
export function retrieverOptions(
  options: RetrieverOptions,
): Pick<RetrieverSettings, 'analyzer' | 'weights' | 'rrfK'> {
  return {
    analyzer: checkAnalyzer(options.analyzer ?? DEFAULT_ANALYZER, 'Analyzer'),
    weights: [
      options.bm25Weight ?? DEFAULT_HYBRID_WEIGHTS[0],
      options.vectorWeight ?? DEFAULT_HYBRID_WEIGHTS[1],
    ],
    rrfK: options.rrfK ?? DEFAULT_RRF_K,
  };
}

type ParameterReader = Pick<ISupplyDataFunctions, 'getNodeParameter'>;

/** Reads the knowledge-base parameters of item `i`. */
export function readRetrieverSettings(
  ctx: ParameterReader,
  i: number,
): Omit<RetrieverSettings, 'embeddings'> {
  const knowledgeBase = ctx.getNodeParameter('knowledgeBase', i, 'courseNotes') as KnowledgeBase;
  return {
    knowledgeBase,
    search:
      knowledgeBase === 'store' ? 'semantic' : (ctx.getNodeParameter('search', i, 'keyword') as SearchMode),
    topK: ctx.getNodeParameter('topK', i, 4) as number,
    folder: knowledgeBase === 'folder' ? (ctx.getNodeParameter('folder', i, '') as string) : undefined,
    chunkSize:
      knowledgeBase === 'folder' ? (ctx.getNodeParameter('chunkSize', i, 1000) as number) : undefined,
    chunkOverlap:
      knowledgeBase === 'folder' ? (ctx.getNodeParameter('chunkOverlap', i, 200) as number) : undefined,
    storeFile: knowledgeBase === 'store' ? (ctx.getNodeParameter('storeFile', i, '') as string) : undefined,
    ...(knowledgeBase === 'store'
      ? {}
      : retrieverOptions(ctx.getNodeParameter('options', i, {}) as RetrieverOptions)),
  };
}
