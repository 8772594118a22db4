/**
 * Conversations for agents (issue 16): follow-up requests answered with the turns before them.
 *
 * `withChatHistory(agent, history)` — any LangChain v1 agent (`createFirthAgent`, `createAgent`)
 * over a `BaseChatMessageHistory` (InMemoryChatMessageHistory, Redis, Postgres…): each call reads the
 * history, runs the agent on the history followed by the new request, and saves the new messages
 * (the request, the tool calls and results, the answer) — so the model sees turn 1 when it reads
 * "when was it released?". As n8n's AI Agent saves its memory: tool steps included.
 *
 *   const agent = withChatHistory(createFirthAgent({ model }), new InMemoryChatMessageHistory());
 *   await agent.invoke('what does the course say about BERT?');
 *   (await agent.invoke('when was it released?')).output // the model read both turns
 *
 * The offline router (FirthRouterAgent) has no model to read a conversation: it rewrites a
 * follow-up into a standalone request with @firth/rag's condenseQuestion before routing (its
 * `history` option, or `chatHistory` in the input).
 */
import { ValidationError } from '@firth/numeric';
import type { BaseChatMessageHistory } from '@langchain/core/chat_history';
import { AIMessage, type BaseMessage, HumanMessage } from '@langchain/core/messages';
import { type Runnable, type RunnableConfig, RunnableLambda } from '@langchain/core/runnables';

/** What `withChatHistory` needs of an agent: `invoke({ messages })` returning the whole conversation. */
export interface MessagesAgent {
  invoke(input: { messages: BaseMessage[] }, config?: RunnableConfig): Promise<{ messages: BaseMessage[] }>;
}

export type ConversationInput = string | { input: string } | { messages: BaseMessage[] };

export interface ConversationOutput {
  /** Every message the agent saw and wrote: the history, the request, tool calls and results, the answer. */
  messages: BaseMessage[];
  /** The text of the agent's last message. */
  output: string;
}

function newMessages(input: ConversationInput): BaseMessage[] {
  if (typeof input === 'string' || (input && typeof (input as { input?: unknown }).input === 'string')) {
    const text = typeof input === 'string' ? input : (input as { input: string }).input;
    if (text.trim() === '') throw new ValidationError('the request is empty', 'input');
    return [new HumanMessage(text)];
  }
  const messages = (input as { messages?: unknown })?.messages;
  if (!Array.isArray(messages) || messages.length === 0)
    throw new ValidationError('give a request: a string, { input } or { messages }', 'input');
  return messages as BaseMessage[];
}

/** An agent that remembers: reads `history` before each call and saves the turn after it. */
export function withChatHistory(
  agent: MessagesAgent,
  history: BaseChatMessageHistory,
): Runnable<ConversationInput, ConversationOutput> {
  return RunnableLambda.from(async (input: ConversationInput, config) => {
    const asked = newMessages(input);
    const past = await history.getMessages();
    const { messages } = await agent.invoke({ messages: [...past, ...asked] }, config);
    // what this turn added: the request (as the agent kept it) and everything after it
    const added = messages.slice(past.length);
    await history.addMessages(added.length > 0 ? added : asked);
    const last = messages.at(-1);
    return { messages, output: last && AIMessage.isInstance(last) ? last.text : '' };
  }).withConfig({ runName: 'withChatHistory' });
}
