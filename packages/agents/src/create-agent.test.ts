import { createChatModel } from '@firth/llm';
import { AIMessage, ToolMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { createFirthAgent } from './create-agent.js';
import { localModel, toolCalls, useLocalServer } from './local-server.test-support.js';

const local = useLocalServer();

describe('createFirthAgent over the local Firth server (OpenAI-compatible)', () => {
  it('"train a perceptron on the AND gate and report its weights": tool call, tool result, final answer', async () => {
    const agent = createFirthAgent({ model: localModel(local.server) });
    const { messages } = await agent.invoke({
      messages: [{ role: 'user', content: 'train a perceptron on the AND gate and report its weights' }],
    });
    const calls = toolCalls(messages);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.name).toBe('perceptron');
    const results = messages.filter((m): m is ToolMessage => ToolMessage.isInstance(m));
    expect(results).toHaveLength(1);
    expect(results[0]!.tool_call_id).toBe(calls[0]!.id);
    const json = JSON.parse(String(results[0]!.content));
    expect(json.rule).toBe('course');
    expect(Array.isArray(json.weights)).toBe(true);
    const last = messages.at(-1)!;
    expect(AIMessage.isInstance(last)).toBe(true);
    expect((last as AIMessage).tool_calls ?? []).toHaveLength(0);
    // the local story model cannot read tool results: the server relays them as the answer
    expect(String(last.content)).toBe(String(results[0]!.content));
  }, 60_000);
});

describe('createFirthAgent over the local Firth server (Groq API, ChatGroq)', () => {
  it("the Groq client, pointed at the server's Groq routes, runs the same loop", async () => {
    const model = createChatModel({
      provider: 'groq',
      baseUrl: local.server.url, // the Groq client adds /openai/v1
      apiKey: 'local',
      model: 'tinystories-260k',
      temperature: 0,
      maxTokens: 20,
    });
    const agent = createFirthAgent({ model });
    const { messages } = await agent.invoke({
      messages: [{ role: 'user', content: 'what is the sentiment of "a charming and moving film"?' }],
    });
    const calls = toolCalls(messages);
    expect(calls.map((c) => c.name)).toEqual(['sentiment']);
    const results = messages.filter((m): m is ToolMessage => ToolMessage.isInstance(m));
    expect(JSON.parse(String(results[0]!.content))).toHaveProperty('label');
    expect(String(messages.at(-1)!.content)).toBe(String(results[0]!.content));
  }, 60_000);
});

describe('createFirthAgent over the local Firth server (Ollama API, ChatOllama)', () => {
  it('"what does the course say about attention?": course_notes is called and its cited answer comes back', async () => {
    const model = createChatModel({
      provider: 'ollama',
      baseUrl: local.server.url,
      model: 'tinystories-260k',
      temperature: 0,
      maxTokens: 20,
    });
    const agent = createFirthAgent({ model });
    const { messages } = await agent.invoke({
      messages: [{ role: 'user', content: 'what does the course say about attention?' }],
    });
    const calls = toolCalls(messages);
    expect(calls.map((c) => c.name)).toEqual(['course_notes']);
    const results = messages.filter((m): m is ToolMessage => ToolMessage.isInstance(m));
    expect(String(results[0]!.content)).toContain('attention.md');
    expect(String(messages.at(-1)!.content)).toBe(String(results[0]!.content));
  }, 60_000);
});
