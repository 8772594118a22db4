/**
 * For the agent tests: Firth's local model server on a free port (started before the file's
 * tests, stopped after), a chat model on its OpenAI-compatible API, and the tool calls of a run.
 */
import { createChatModel } from '@firth/llm';
import { createFirthServer, type FirthServer } from '@firth/server';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import { afterAll, beforeAll } from 'vitest';

/** The running server (set in beforeAll). */
export function useLocalServer(): { readonly server: FirthServer } {
  const handle = {} as { server: FirthServer };
  beforeAll(async () => {
    handle.server = await createFirthServer({ port: 0 });
  });
  afterAll(() => handle.server?.close());
  return handle;
}

/** The local TinyStories model through the server's OpenAI-compatible API, greedy, 20 tokens. */
export const localModel = (server: FirthServer) =>
  createChatModel({
    provider: 'openai-compatible',
    baseUrl: `${server.url}/v1`,
    apiKey: 'local',
    model: 'tinystories-260k',
    temperature: 0,
    maxTokens: 20,
  });

/** Every tool call the AI messages of a run asked for, in order. */
export const toolCalls = (messages: BaseMessage[]) =>
  messages.flatMap((m) => (AIMessage.isInstance(m) ? (m.tool_calls ?? []) : []));
