/**
 * Firth Vector Store: a persistent vector store in one SQLite file (Node's built-in SQLite, WAL,
 * one transaction per insert: a crash never leaves half a batch). Insert items' text with the
 * connected Embedding sub-node (default: Firth's GloVe embeddings), or search it by meaning; the Firth Retriever reads the same file.
 * Offline, no server — for one machine. Users who outgrow it keep the same Embedding sub-node and
 * move to n8n's own vector-store nodes (PGVector, Qdrant, …).
 *
 * Index: Exact compares the query with every stored vector; HNSW keeps an approximate
 * nearest-neighbour index beside the file (<file>.hnsw), updated on every insert and repaired
 * on open if stale — for stores of tens of thousands of chunks and more.
 *
 * Thin adapter over @firth/rag's FirthSqliteVectorStore and RecursiveCharacterSplitter.
 */
import { FirthEmbeddings } from '@firth/langchain';
import { quote } from '@firth/numeric';
import { FirthSqliteVectorStore, RecursiveCharacterSplitter } from '@firth/rag';
import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import {
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
  NodeOperationError,
} from 'n8n-workflow';
import { documentJson, storePath } from '../shared/knowledge';
import { mapItems, optionalInput } from '../shared/per-item';

export class VectorStoreFirth implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Firth Vector Store',
    name: 'vectorStoreFirth',
    icon: { light: 'file:vectorStore.svg', dark: 'file:vectorStore.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["operation"] + ": " + $parameter["storeFile"] }}',
    description:
      'Insert documents into, or search, a persistent vector store in one SQLite file, offline. Lesson: Retrieval Augmented Generation (RAG)',
    defaults: { name: 'Firth Vector Store' },
    // As an agent's tool n8n gives the node no inputs: it then embeds with Firth's default embeddings
    // (GloVe, as Embeddings Firth's default); a store built with another model is refused, named.
    usableAsTool: true,
    inputs: [
      NodeConnectionTypes.Main,
      { displayName: 'Embedding', type: NodeConnectionTypes.AiEmbedding, required: false, maxConnections: 1 },
    ],
    outputs: [NodeConnectionTypes.Main],
    properties: [
      {
        displayName: 'Operation',
        name: 'operation',
        type: 'options',
        noDataExpression: true,
        options: [
          {
            name: 'Insert Documents',
            value: 'insert',
            action: 'Insert documents',
            description: "Embed each item's text and store it with the item's other fields as metadata",
          },
          {
            name: 'Search',
            value: 'search',
            action: 'Search the store',
            description: 'The stored documents nearest to a query, one item each',
          },
        ],
        default: 'insert',
      },
      {
        displayName: 'Store File',
        name: 'storeFile',
        type: 'string',
        default: 'firth-vector-store.sqlite',
        required: true,
        description:
          'The SQLite file of the store (created when missing): absolute, or relative to ~/.n8n/firth',
      },
      {
        displayName: 'Index',
        name: 'index',
        type: 'options',
        options: [
          {
            name: 'Exact',
            value: 'exact',
            description: 'Compare the query with every stored vector: exact, fine up to ~20,000 chunks',
          },
          {
            name: 'HNSW',
            value: 'hnsw',
            description:
              'An approximate nearest-neighbour index (HNSW) kept beside the store file (its name + .hnsw): ~95–99 % of the exact top results, milliseconds on a million chunks',
          },
        ],
        default: 'exact',
        description: 'How the store finds the nearest documents',
      },
      {
        displayName: 'Text Field',
        name: 'textField',
        type: 'string',
        default: 'text',
        description: "The item field holding the document's text; the other fields become its metadata",
        displayOptions: { show: { operation: ['insert'] } },
      },
      {
        displayName: 'Chunk Size',
        name: 'chunkSize',
        type: 'number',
        typeOptions: { minValue: 0 },
        default: 0,
        description:
          'Split longer texts into chunks of at most this many characters (0: store each text whole)',
        displayOptions: { show: { operation: ['insert'] } },
      },
      {
        displayName: 'Query',
        name: 'query',
        type: 'string',
        default: '={{ $json.query }}',
        description: 'What to search for',
        displayOptions: { show: { operation: ['search'] } },
      },
      {
        displayName: 'Top K',
        name: 'topK',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 4,
        description: 'How many documents to return per query',
        displayOptions: { show: { operation: ['search'] } },
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const node = this.getNode();
    const operation = this.getNodeParameter('operation', 0) as 'insert' | 'search';
    const embeddings: EmbeddingsInterface =
      (await optionalInput<EmbeddingsInterface>(this, NodeConnectionTypes.AiEmbedding)) ??
      new FirthEmbeddings();
    const stores = new Map<string, FirthSqliteVectorStore>();
    const storeFor = async (i: number) => {
      const path = storePath(this.getNodeParameter('storeFile', i) as string);
      const index = this.getNodeParameter('index', i, 'exact') as 'exact' | 'hnsw';
      let store = stores.get(path);
      if (store && store.index !== index) {
        store.close();
        store = undefined;
      }
      if (!store) {
        store = await FirthSqliteVectorStore.open({ path, embeddings, index });
        stores.set(path, store);
      }
      return { path, store };
    };
    try {
      return await mapItems(this, async (i, { json }) => {
        if (operation === 'insert') {
          // the item is checked before the store opens (and its embeddings load): a bad item fails fast
          const field = this.getNodeParameter('textField', i) as string;
          const text = json[field];
          if (typeof text !== 'string' || text.trim() === '')
            throw new NodeOperationError(
              node,
              `Item has no text in field ${quote(field)} (set Text Field to the field holding the document)`,
              { itemIndex: i },
            );
          const { path, store } = await storeFor(i);
          const metadata: IDataObject = { ...json };
          delete metadata[field];
          const chunkSize = this.getNodeParameter('chunkSize', i, 0) as number;
          let docs = [new Document({ pageContent: text, metadata })];
          if (chunkSize > 0)
            docs = new RecursiveCharacterSplitter({
              chunkSize,
              chunkOverlap: Math.floor(chunkSize / 10),
            }).splitDocuments(docs);
          const ids = await store.addDocuments(docs);
          return { json: { ...json, inserted: ids.length, ids, store: path }, pairedItem: { item: i } };
        }
        const query = this.getNodeParameter('query', i);
        if (typeof query !== 'string' || query.trim() === '')
          throw new NodeOperationError(
            node,
            'Query is empty: give the text to search for (by default {{ $json.query }})',
            {
              itemIndex: i,
            },
          );
        const k = this.getNodeParameter('topK', i, 4) as number;
        const { store } = await storeFor(i);
        return (await store.similaritySearchWithScore(query, k)).map(([doc, score]) => ({
          json: { query, document: documentJson(doc), score },
          pairedItem: { item: i },
        }));
      });
    } finally {
      for (const store of stores.values()) store.close();
    }
  }
}
