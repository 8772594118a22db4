/**
 * Firth Retriever: an AI sub-node (`ai_retriever`) for n8n's chains and agents (Question and Answer
 * Chain, Firth RAG Answer, …) — the retriever of the course's RAG diagram (query → retriever →
 * knowledge base). Offline: keyword search (BM25) over the shipped course notes or a folder of
 * documents; with an Embedding sub-node connected, semantic or hybrid (BM25 + vectors, reciprocal
 * rank fusion) search, or a store written by the Firth Vector Store node.
 *
 * Thin adapter over @firth/rag (BM25Retriever, HybridRetriever, the Firth vector stores).
 */
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import {
  type INodeType,
  type INodeTypeDescription,
  type ISupplyDataFunctions,
  NodeConnectionTypes,
  NodeOperationError,
  type SupplyData,
} from 'n8n-workflow';
import { toErrorMessage } from '../shared/dataset';
import {
  buildRetriever,
  knowledgeProperties,
  readRetrieverSettings,
  TracedRetriever,
} from '../shared/knowledge';
import { traceOf } from '../shared/sub-node-run';

// An AI sub-node (Retriever output; its only input is an optional Embedding): chains and agents use it
// through that output. As a tool n8n would run it without inputs and with nothing to execute.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class RetrieverFirth implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Firth Retriever',
    name: 'retrieverFirth',
    icon: { light: 'file:retriever.svg', dark: 'file:retriever.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["knowledgeBase"] + ", " + $parameter["search"] }}',
    description:
      'Retrieve passages offline (BM25, embeddings or hybrid) from the course notes, a folder or a store. Lesson: Retrieval Augmented Generation (RAG)',
    defaults: { name: 'Firth Retriever' },
    inputs: [
      { displayName: 'Embedding', type: NodeConnectionTypes.AiEmbedding, required: false, maxConnections: 1 },
    ],
    outputs: [NodeConnectionTypes.AiRetriever],
    outputNames: ['Retriever'],
    properties: knowledgeProperties,
  };

  async supplyData(this: ISupplyDataFunctions, itemIndex: number): Promise<SupplyData> {
    const node = this.getNode();
    const fail = (error: unknown) =>
      error instanceof NodeOperationError
        ? error
        : new NodeOperationError(node, toErrorMessage(error), { itemIndex });
    try {
      const settings = readRetrieverSettings(this, itemIndex);
      const embeddings = (await this.getInputConnectionData(NodeConnectionTypes.AiEmbedding, itemIndex)) as
        | EmbeddingsInterface
        | undefined;
      const inner = await buildRetriever({ ...settings, embeddings: embeddings ?? undefined });
      return { response: new TracedRetriever(inner, fail, traceOf(this)) };
    } catch (error) {
      throw fail(error);
    }
  }
}
