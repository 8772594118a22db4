import { answerWithSources, askCourseNotes } from '@firth/rag';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { InMemoryChatMessageHistory } from '@langchain/core/chat_history';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { describe, expect, it } from 'vitest';
import { withChatHistory } from './conversation.js';
import { courseNotesTool } from './course-tools.js';
import { createFirthAgent } from './create-agent.js';
import { FirthRouterAgent } from './router-agent.js';

describe('FirthRouterAgent in a conversation (offline)', () => {
  const agent = new FirthRouterAgent();

  it('a follow-up is rewritten from the history, routed and answered: "when was it released?" → BERT', async () => {
    const history = new InMemoryChatMessageHistory();
    const remembering = new FirthRouterAgent({ history });
    const first = await remembering.invoke('what does the course say about BERT?');
    expect(first.tool).toBe('course_notes');
    expect(first.standaloneRequest).toBeUndefined();
    const second = await remembering.invoke('when was it released?');
    expect(second.standaloneRequest).toBe('when was BERT released?');
    expect(second.tool).toBe('course_notes');
    expect(second.arguments).toEqual({ question: 'when was BERT released?' });
    const core = await askCourseNotes('when was BERT released?');
    expect(second.explanation).toBe(answerWithSources(core));
    expect(core.sources[0]!.source).toBe('bert.md');
    expect(second.explanation).toMatch(/released by Google in 2018/);
    // the history holds both turns: each request as asked, each explanation
    expect((await history.getMessages()).map((m) => [m.getType(), m.text])).toEqual([
      ['human', 'what does the course say about BERT?'],
      ['ai', first.explanation],
      ['human', 'when was it released?'],
      ['ai', second.explanation],
    ]);
  }, 60_000);

  it('chatHistory in the input does the same, and without it the follow-up is routed as it stands', async () => {
    const chatHistory = [{ role: 'user', content: 'what does the course say about BERT?' }];
    const followUp = await agent.invoke({ input: 'when was it released?', chatHistory });
    expect(followUp.standaloneRequest).toBe('when was BERT released?');
    expect(followUp.explanation).toMatch(/released by Google in 2018/);
    const alone = await agent.invoke('when was it released?');
    expect(alone.standaloneRequest).toBeUndefined();
    expect(alone.explanation).not.toMatch(/released by Google in 2018/);
  }, 60_000);

  it('bad history: a clear error', async () => {
    await expect(
      agent.invoke({ input: 'when was it released?', chatHistory: [42 as never] }),
    ).rejects.toThrow(/chatHistory\[0\] is not a message/);
  });
});

/** A tool-calling chat model that answers from a script and records what it was shown. */
class ScriptedChatModel extends BaseChatModel {
  seen: BaseMessage[][] = [];
  constructor(private script: AIMessage[]) {
    super({});
  }
  _llmType() {
    return 'scripted';
  }
  override bindTools() {
    return this as never;
  }
  async _generate(messages: BaseMessage[], _o: unknown, _r?: CallbackManagerForLLMRun): Promise<ChatResult> {
    this.seen.push(messages);
    const message = this.script.shift();
    if (!message) throw new Error('the script has no more replies');
    return { generations: [{ message, text: message.text }] };
  }
}

describe('withChatHistory: a LangChain agent over a BaseChatMessageHistory', () => {
  it('turn 2 shows the model turn 1 (request, tool call, tool result, answer); the history saves both turns', async () => {
    const call = (id: string, question: string) =>
      new AIMessage({
        content: '',
        tool_calls: [{ id, name: 'course_notes', args: { question }, type: 'tool_call' }],
      });
    const model = new ScriptedChatModel([
      call('c1', 'What is BERT?'),
      new AIMessage('BERT is an encoder-only transformer.'),
      call('c2', 'When was BERT released?'),
      new AIMessage('BERT was released by Google in 2018.'),
    ]);
    const history = new InMemoryChatMessageHistory();
    const agent = withChatHistory(createFirthAgent({ model, tools: [courseNotesTool] }), history);

    const first = await agent.invoke('What is BERT?');
    expect(first.output).toBe('BERT is an encoder-only transformer.');
    const second = await agent.invoke({ input: 'When was it released?' });
    expect(second.output).toBe('BERT was released by Google in 2018.');

    // what the model read before its tool call in turn 2: all of turn 1, then the follow-up
    const shown = model.seen[2]!.filter((m) => m.getType() !== 'system');
    expect(shown.map((m) => m.getType())).toEqual(['human', 'ai', 'tool', 'ai', 'human']);
    expect(shown[0]!.text).toBe('What is BERT?');
    expect(shown.at(-1)!.text).toBe('When was it released?');
    // the tool really ran on turn 2's standalone question: the course notes' answer from bert.md
    const saved = await history.getMessages();
    expect(saved).toHaveLength(8);
    const results = saved.filter((m): m is ToolMessage => ToolMessage.isInstance(m));
    expect(results.map((r) => r.tool_call_id)).toEqual(['c1', 'c2']);
    expect(String(results[1]!.content)).toBe(
      answerWithSources(await askCourseNotes('When was BERT released?')),
    );
    expect(HumanMessage.isInstance(saved[4]!) && saved[4]!.text).toBe('When was it released?');
  }, 60_000);

  it('an empty request is refused before the agent runs', async () => {
    const model = new ScriptedChatModel([]);
    const agent = withChatHistory(createFirthAgent({ model }), new InMemoryChatMessageHistory());
    await expect(agent.invoke('  ')).rejects.toThrow(/the request is empty/);
    await expect(agent.invoke({ messages: [] })).rejects.toThrow(/give a request/);
    expect(model.seen).toHaveLength(0);
  });
});
