/**
 * Firth RAG Answer: the course's RAG diagram as one node — query → retriever → knowledge base →
 * generator. The question's best passages are retrieved (the connected retriever, e.g. Firth
 * Retriever; by default BM25 over the shipped course notes) and the answer cites them as [1], [2]…
 * Offline, with no chat model connected, the answer is extractive: the best-supported sentences
 * copied from the passages, never invented text. With a chat model connected (Firth Chat Model:
 * Groq, Ollama, the Firth server) the model writes the answer from the numbered sources.
 *
 * Each retrieved passage is its own source [n] (file and section) and each sentence cites the
 * passage it came from. Used as an agent's tool (`ragAnswerTool`), the node answers in one field,
 * `response`: the answer, then its numbered sources, as prose — n8n hands the agent the JSON list
 * of the tool's items, and a model (or the Firth server relaying for its story model) reads that
 * one text rather than the fields.
 *
 * A memory sub-node (n8n's Simple Memory, Redis, Postgres… Chat Memory) makes it a conversation:
 * the history the memory holds for the item's session is read, a follow-up ("When was it
 * released?") is rewritten into a standalone question before retrieval (`standaloneQuestion` in the
 * output), and the question and answer are saved to the memory as the turn.
 *
 * Thin adapter over @firth/rag's createRagChain, groundedness and answerWithSources.
 */
import {
  answerWithSources,
  type BM25Analyzer,
  type BM25Retriever,
  type ChatHistoryMessage,
  courseNotesRetriever,
  createRagChain,
  DEFAULT_ANALYZER,
  groundedness,
  type RagChainOptions,
  sharedCourseNotesRetriever,
} from '@firth/rag';
import {
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
  NodeOperationError,
} from 'n8n-workflow';
import { analyzerOption, documentJson, type Retrieves, retrieverOptions } from '../shared/knowledge';
import { mapItems, optionalInput } from '../shared/per-item';

/** What n8n's memory sub-nodes supply: a LangChain BaseChatMemory (BufferWindowMemory, …). */
interface ChatMemory {
  memoryKey?: string;
  loadMemoryVariables(values: Record<string, unknown>): Promise<Record<string, unknown>>;
  saveContext(input: Record<string, unknown>, output: Record<string, unknown>): Promise<void>;
  chatHistory?: { getMessages(): Promise<ChatHistoryMessage[]> };
}

/** The messages a memory holds (its window), as n8n's agents read them. */
async function historyOf(memory: ChatMemory): Promise<ChatHistoryMessage[]> {
  const vars = await memory.loadMemoryVariables({});
  const held = vars[memory.memoryKey ?? 'chat_history'];
  if (Array.isArray(held)) return held as ChatHistoryMessage[];
  // a memory that returns its history as one string: read the messages themselves
  return (await memory.chatHistory?.getMessages()) ?? [];
}

export class RagAnswer implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Firth RAG Answer',
    name: 'ragAnswer',
    icon: { light: 'file:ragAnswer.svg', dark: 'file:ragAnswer.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["question"] }}',
    description:
      'Answer a question from retrieved passages, citing them [1], [2]: extractive or with a chat model. Lesson: Retrieval Augmented Generation (RAG)',
    defaults: { name: 'Firth RAG Answer' },
    usableAsTool: true,
    inputs: [
      NodeConnectionTypes.Main,
      { displayName: 'Retriever', type: NodeConnectionTypes.AiRetriever, required: false, maxConnections: 1 },
      {
        displayName: 'Chat Model',
        type: NodeConnectionTypes.AiLanguageModel,
        required: false,
        maxConnections: 1,
      },
      { displayName: 'Memory', type: NodeConnectionTypes.AiMemory, required: false, maxConnections: 1 },
    ],
    outputs: [NodeConnectionTypes.Main],
    properties: [
      {
        displayName: 'Question',
        name: 'question',
        type: 'string',
        typeOptions: { rows: 2 },
        default: '={{ $json.question }}',
        required: true,
        description:
          'What to answer. Without a Retriever connected, the course notes (docs/concepts) are searched.',
      },
      {
        displayName: 'Passages',
        name: 'k',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 4,
        description: 'Passages kept from what the retriever returns ("usually three to five")',
      },
      {
        displayName: 'Include Passages',
        name: 'includeContext',
        type: 'boolean',
        default: false,
        description: 'Whether to output every retrieved passage beside the answer',
      },
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        description: 'How the course notes are searched when no Retriever is connected',
        options: [analyzerOption],
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    // the connected retriever returns its own top K; the course notes (by default) as many as asked
    const connected = await optionalInput<Retrieves>(this, NodeConnectionTypes.AiRetriever);
    const notes = connected ? undefined : await sharedCourseNotesRetriever();
    // the course notes searched with another analyzer than the default, built once per analyzer
    const byAnalyzer = new Map<BM25Analyzer, Promise<BM25Retriever>>();
    const notesFor = (analyzer: BM25Analyzer) => {
      if (analyzer === DEFAULT_ANALYZER) return Promise.resolve(notes!);
      if (!byAnalyzer.has(analyzer)) byAnalyzer.set(analyzer, courseNotesRetriever({ analyzer }));
      return byAnalyzer.get(analyzer)!;
    };
    const llm = await optionalInput<NonNullable<RagChainOptions['llm']>>(
      this,
      NodeConnectionTypes.AiLanguageModel,
    );
    const hasMemory = this.getNodeInputs().some((input) => input.type === NodeConnectionTypes.AiMemory);
    return mapItems(this, async (i, item) => {
      const question = this.getNodeParameter('question', i);
      if (typeof question !== 'string' || question.trim() === '')
        throw new NodeOperationError(
          this.getNode(),
          'Question is empty: give the question to answer (by default {{ $json.question }})',
          { itemIndex: i },
        );
      const k = this.getNodeParameter('k', i, 4) as number;
      if (!Number.isInteger(k) || k < 1)
        throw new NodeOperationError(this.getNode(), `Passages must be a positive integer, got ${k}`, {
          itemIndex: i,
        });
      const { analyzer } = retrieverOptions(this.getNodeParameter('options', i, {}) as { analyzer?: string });
      const search = connected ? undefined : await notesFor(analyzer!);
      // the memory of the item's session (n8n's memory nodes read the session id per item)
      const memory = hasMemory
        ? ((await this.getInputConnectionData(NodeConnectionTypes.AiMemory, i)) as ChatMemory | undefined)
        : undefined;
      const { answer, sources, context, invalidCitations, evidence, standaloneQuestion } =
        await createRagChain({
          retriever: connected ? (q) => connected.invoke(q) : (q) => search!.search(q, k),
          llm,
          k,
        }).invoke({ question, chatHistory: memory ? await historyOf(memory) : undefined });
      await memory?.saveContext({ input: question }, { output: answer });
      // n8n names a node's tool variant `<name>Tool`; the agent reads one text, not fields
      if (this.getNode().type.endsWith('Tool'))
        return { json: { response: answerWithSources({ answer, sources }) }, pairedItem: { item: i } };
      const json: Record<string, unknown> = {
        ...item.json,
        question,
        ...(memory ? { standaloneQuestion } : {}),
        answer,
        sources,
        // each answer sentence with the passages it cites, whole: what its [n] points at
        evidence,
        groundedness: groundedness(answer, context),
        answeredBy: llm ? 'chat model' : 'extractive',
        ...(invalidCitations ? { invalidCitations } : {}),
      };
      if (this.getNodeParameter('includeContext', i, false)) json.passages = context.map(documentJson);
      return { json: json as INodeExecutionData['json'], pairedItem: { item: i } };
    });
  }
}
