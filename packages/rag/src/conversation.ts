/**
 * Conversations (issue 16): a follow-up question rewritten into a standalone question before
 * retrieval — LangChain's "condense question" step.
 *
 *   await condenseQuestion([{ role: 'user', content: 'Who published Word2Vec?' },
 *                           { role: 'assistant', content: 'Word2Vec … was published by Tomas Mikolov … [1]' }],
 *                          'When was it published?')
 *   // 'When was Word2Vec published?'
 *
 * With `llm` the model rewrites the question from CONDENSE_QUESTION_PROMPT (LangChain's wording:
 * "Given the following conversation and a follow up question, rephrase the follow up question to
 * be a standalone question"). Without one, the deterministic rewrite `condenseOffline` of
 * @firth/numeric (follow-up.ts, re-exported here with `subjectOf`): the subject of the previous
 * question (else answer) replaces a pronoun or demonstrative ("it", "its", "this model"), an ellipsis
 * ("what about GPT?", "and in 1990?") takes the previous question, anything else is kept as it is.
 *
 * Decisions: only the last `window` messages are read (default 10); system and tool messages are
 * skipped; history is LangChain messages (HumanMessage, AIMessage…) or `{ role, content }` objects,
 * anything else is a ValidationError naming the message. What the deterministic rewrite leaves out:
 * follow-up.ts in @firth/numeric.
 */
import { type ChatTurn, condenseOffline, ValidationError } from '@firth/numeric';
import type { DocumentInterface } from '@langchain/core/documents';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { type BaseMessage, isBaseMessage } from '@langchain/core/messages';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { PromptTemplate } from '@langchain/core/prompts';
import { type Runnable, type RunnableConfig, RunnableLambda } from '@langchain/core/runnables';
import { checkQuery } from './bm25.js';
import type { PassageRetriever } from './rag-chain.js';

/** A message of a conversation: LangChain's, or the `{ role, content }` of chat APIs. */
export type ChatHistoryMessage = BaseMessage | { role: string; content: string };

// The deterministic rewrite lives in @firth/numeric (follow-up.ts, no dependencies) so Firth's local
// server rewrites a follow-up the same way before it picks a tool; re-exported here unchanged.
export { type ChatTurn, condenseOffline, subjectOf } from '@firth/numeric';

export interface CondenseOptions {
  /** A chat model that rewrites the question. @default undefined — the deterministic rewrite */
  llm?: BaseChatModel;
  /** Messages read from the end of the history. @default 10 */
  window?: number;
}

/** LangChain's condense-question prompt (ConversationalRetrievalQAChain), word for word. */
export const CONDENSE_QUESTION_PROMPT = PromptTemplate.fromTemplate(
  'Given the following conversation and a follow up question, rephrase the follow up question to be a standalone question.\n\n' +
    'Chat History:\n{chat_history}\nFollow Up Input: {question}\nStandalone question:',
);

const ROLES: Record<string, ChatTurn['role'] | null> = {
  user: 'user',
  human: 'user',
  assistant: 'assistant',
  ai: 'assistant',
  system: null,
  developer: null,
  tool: null,
  function: null,
  generic: null,
  remove: null,
};

/**
 * The user and assistant turns of a history (system and tool messages skipped), last `window` kept.
 * A message that is neither a LangChain message nor `{ role, content }` is a ValidationError.
 */
export function chatTurns(history: unknown, window = 10): ChatTurn[] {
  if (history === undefined || history === null) return [];
  if (!Array.isArray(history))
    throw new ValidationError(
      'chatHistory must be an array of messages (LangChain messages or { role, content })',
      'chatHistory',
    );
  const turns: ChatTurn[] = [];
  for (const [i, m] of history.entries()) {
    let role: string;
    let content: unknown;
    if (isBaseMessage(m)) {
      role = m.getType();
      content = m.text;
    } else if (m && typeof m === 'object' && typeof (m as { role?: unknown }).role === 'string') {
      role = (m as { role: string }).role;
      content = (m as { content?: unknown }).content;
    } else {
      throw new ValidationError(
        `chatHistory[${i}] is not a message: give a LangChain message or { role, content }`,
        `chatHistory[${i}]`,
      );
    }
    const kind = ROLES[role.toLowerCase()];
    if (kind === undefined)
      throw new ValidationError(
        `chatHistory[${i}] has role "${role}": use user, assistant or system`,
        `chatHistory[${i}].role`,
      );
    if (typeof content !== 'string')
      throw new ValidationError(`chatHistory[${i}].content must be a string`, `chatHistory[${i}].content`);
    if (kind && content.trim() !== '') turns.push({ role: kind, content: content.trim() });
  }
  return turns.slice(-Math.max(1, window));
}

/**
 * A follow-up question as a standalone question: with `llm`, LangChain's condense prompt; without
 * one, the deterministic rewrite. No history (or only system messages): the question unchanged, and
 * the model is not called.
 */
export async function condenseQuestion(
  history: unknown,
  question: string,
  options: CondenseOptions = {},
  config?: RunnableConfig,
): Promise<string> {
  const q = checkQuery(question, 'question').trim();
  const turns = chatTurns(history, options.window);
  if (turns.length === 0) return q;
  if (!options.llm) return condenseOffline(turns, q);
  const chat_history = turns
    .map((t) => `${t.role === 'user' ? 'Human' : 'Assistant'}: ${t.content}`)
    .join('\n');
  const text = await CONDENSE_QUESTION_PROMPT.pipe(options.llm)
    .pipe(new StringOutputParser())
    .invoke({ chat_history, question: q }, config);
  const out = text.trim();
  return out === '' ? q : out;
}

/**
 * The condense step as a LangChain runnable: `{ question, chatHistory }` → the standalone question.
 * Pipe it before any retriever: `createCondenseQuestionChain().pipe(retriever)`.
 */
export function createCondenseQuestionChain(
  options: CondenseOptions = {},
): Runnable<{ question: string; chatHistory?: ChatHistoryMessage[] }, string> {
  return RunnableLambda.from((input: { question: string; chatHistory?: ChatHistoryMessage[] }, config) =>
    condenseQuestion(input?.chatHistory, input?.question ?? '', options, config),
  ).withConfig({ runName: 'condenseQuestion' });
}

/**
 * A retriever that reads the conversation, as LangChain's `createHistoryAwareRetriever`:
 * `{ question, chatHistory }` → the condense step → the retriever's passages for the standalone question.
 *
 *   await createHistoryAwareRetriever({ retriever }).invoke({ question: 'When was it released?', chatHistory })
 *   // the passages for 'When was BERT released?'
 */
export function createHistoryAwareRetriever(
  options: CondenseOptions & { retriever: PassageRetriever },
): Runnable<{ question: string; chatHistory?: ChatHistoryMessage[] }, DocumentInterface[]> {
  const { retriever } = options;
  return createCondenseQuestionChain(options)
    .pipe(
      RunnableLambda.from((query: string, config) =>
        typeof retriever === 'function' ? retriever(query) : retriever.invoke(query, config),
      ),
    )
    .withConfig({ runName: 'historyAwareRetriever' });
}
