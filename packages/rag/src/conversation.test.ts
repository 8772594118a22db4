import { InMemoryChatMessageHistory } from '@langchain/core/chat_history';
import { AIMessage, type BaseMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import { RunnableWithMessageHistory } from '@langchain/core/runnables';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { describe, expect, test } from 'vitest';
import {
  chatTurns,
  condenseOffline,
  condenseQuestion,
  createCondenseQuestionChain,
  createHistoryAwareRetriever,
  subjectOf,
} from './conversation.js';
import { sharedCourseNotesRetriever } from './course-notes.js';
import { createRagChain, type RagOutput } from './rag-chain.js';

const user = (content: string) => ({ role: 'user', content });
const assistant = (content: string) => ({ role: 'assistant', content });

describe('the deterministic rewrite, re-exported from @firth/numeric', () => {
  test('chatTurns feeds condenseOffline; subjectOf names the subject', () => {
    const history = [user('What is BERT?'), assistant('BERT is a transformer encoder. [1]')];
    expect(condenseOffline(chatTurns(history), 'When was it released?')).toBe('When was BERT released?');
    expect(subjectOf('What does the perceptron learn?')).toBe('the perceptron');
  });
});

describe('chatTurns: LangChain messages or { role, content }', () => {
  test('messages of either kind; system and tool messages skipped; the last `window` kept', () => {
    const history = [
      new SystemMessage('You are Firth.'),
      new HumanMessage('Who published Word2Vec?'),
      new AIMessage('Tomas Mikolov. [1]'),
      { role: 'human', content: 'When?' },
      { role: 'ai', content: 'In 2013.' },
    ];
    expect(chatTurns(history)).toEqual([
      { role: 'user', content: 'Who published Word2Vec?' },
      { role: 'assistant', content: 'Tomas Mikolov. [1]' },
      { role: 'user', content: 'When?' },
      { role: 'assistant', content: 'In 2013.' },
    ]);
    expect(chatTurns(history, 2).map((t) => t.content)).toEqual(['When?', 'In 2013.']);
    expect(chatTurns(undefined)).toEqual([]);
  });

  test('bad history: a clear error naming the message', () => {
    expect(() => chatTurns('Who published Word2Vec?')).toThrow(/chatHistory must be an array/);
    expect(() => chatTurns([user('a'), 42])).toThrow(/chatHistory\[1\] is not a message/);
    expect(() => chatTurns([{ role: 'robot', content: 'hi' }])).toThrow(/chatHistory\[0\] has role "robot"/);
    expect(() => chatTurns([{ role: 'user', content: 7 }])).toThrow(
      /chatHistory\[0\]\.content must be a string/,
    );
  });
});

describe('condenseQuestion with a chat model: the condense prompt', () => {
  test("the model's rewrite is used; the prompt holds the conversation and the follow-up", async () => {
    const llm = new FakeListChatModel({ responses: ['  When was Word2Vec published?  '] });
    const seen: string[] = [];
    const out = await condenseQuestion(
      [user('Who published Word2Vec?'), assistant('Tomas Mikolov.')],
      'When?',
      {
        llm,
      },
    ).then((q) => q);
    expect(out).toBe('When was Word2Vec published?');
    const chain = createCondenseQuestionChain({
      llm: new FakeListChatModel({ responses: ['Who made GloVe?'] }),
    });
    const q = await chain.invoke(
      { question: 'Who made it?', chatHistory: [new HumanMessage('What is GloVe?')] },
      {
        callbacks: [
          {
            handleChatModelStart: (_llm: unknown, messages: BaseMessage[][]) => {
              seen.push(String(messages[0]![0]!.content));
            },
          },
        ],
      },
    );
    expect(q).toBe('Who made GloVe?');
    expect(seen[0]).toMatch(/^Given the following conversation and a follow up question, rephrase/);
    expect(seen[0]).toContain(
      'Chat History:\nHuman: What is GloVe?\nFollow Up Input: Who made it?\nStandalone question:',
    );
  });

  test('no history: the question as it is, the model not called', async () => {
    const llm = new FakeListChatModel({ responses: ['should not be used'] });
    expect(await condenseQuestion([], 'When was it published?', { llm })).toBe('When was it published?');
    expect(llm.i).toBe(0);
  });
});

describe('createRagChain with chat history (the course notes, offline)', () => {
  const chain = async () => {
    const notes = await sharedCourseNotesRetriever();
    return createRagChain({ retriever: (q) => notes.search(q, 4) });
  };

  test('without history, "When was it released?" finds gpt.md (OpenAI); after "What is BERT?", bert.md (Google)', async () => {
    const rag = await chain();
    const alone = await rag.invoke({ question: 'When was it released?' });
    expect(alone.standaloneQuestion).toBe('When was it released?');
    expect(alone.context[0]!.metadata.source).toBe('gpt.md');
    expect(alone.answer).toMatch(/OpenAI/);
    const followUp = await rag.invoke({
      question: 'When was it released?',
      chatHistory: [
        new HumanMessage('What is BERT?'),
        new AIMessage('BERT is an encoder-only transformer. [1]'),
      ],
    });
    expect(followUp.standaloneQuestion).toBe('When was BERT released?');
    expect(followUp.context[0]!.metadata.source).toBe('bert.md');
    expect(followUp.answer).toMatch(/released by Google in 2018/);
    expect(followUp.sources[0]!.source).toBe('bert.md');
    expect(alone.sources[0]!.source).toBe('gpt.md');
  });

  test("LangChain's RunnableWithMessageHistory + InMemoryChatMessageHistory: two turns, the follow-up answered", async () => {
    const histories = new Map<string, InMemoryChatMessageHistory>();
    const withHistory = new RunnableWithMessageHistory({
      runnable: await chain(),
      getMessageHistory: (sessionId: string) => {
        if (!histories.has(sessionId)) histories.set(sessionId, new InMemoryChatMessageHistory());
        return histories.get(sessionId)!;
      },
      inputMessagesKey: 'question',
      historyMessagesKey: 'chatHistory',
      outputMessagesKey: 'answer',
    });
    const config = { configurable: { sessionId: 'course' } };
    const first = (await withHistory.invoke({ question: 'What is BERT?' }, config)) as RagOutput;
    expect(first.standaloneQuestion).toBe('What is BERT?');
    expect(first.answer).toMatch(/^BERT \(Bidirectional Encoder Representations from Transformers\)/);
    const second = (await withHistory.invoke({ question: 'When was it released?' }, config)) as RagOutput;
    expect(second.standaloneQuestion).toBe('When was BERT released?');
    expect(second.context[0]!.metadata.source).toBe('bert.md');
    expect(second.answer).toMatch(/released by Google in 2018/);
    // the history holds both turns, the answers as the chain gave them
    const saved = await histories.get('course')!.getMessages();
    expect(saved.map((m) => [m.getType(), m.text])).toEqual([
      ['human', 'What is BERT?'],
      ['ai', first.answer],
      ['human', 'When was it released?'],
      ['ai', second.answer],
    ]);
    // another session starts with no history
    const other = (await withHistory.invoke(
      { question: 'When was it released?' },
      { configurable: { sessionId: 'other' } },
    )) as RagOutput;
    expect(other.standaloneQuestion).toBe('When was it released?');
    expect(other.context[0]!.metadata.source).toBe('gpt.md');
  });

  test('with a chat model: the condense prompt, then the answer prompt to the standalone question', async () => {
    const notes = await sharedCourseNotesRetriever();
    const llm = new FakeListChatModel({ responses: ['When was Word2Vec published?', 'In 2013. [1]'] });
    const out = await createRagChain({ retriever: (q) => notes.search(q, 4), llm }).invoke({
      question: 'When was it published?',
      chatHistory: [user('Who published Word2Vec?')],
    });
    expect(out.standaloneQuestion).toBe('When was Word2Vec published?');
    expect(out.context[0]!.metadata.source).toBe('word2vec.md');
    expect(out.answer).toBe('In 2013. [1]');
  });
});

describe('createHistoryAwareRetriever: the condense step piped into a retriever', () => {
  test("a follow-up retrieves the previous question's subject; a first question as it is", async () => {
    const notes = await sharedCourseNotesRetriever();
    const retriever = createHistoryAwareRetriever({ retriever: notes });
    const followUp = await retriever.invoke({
      question: 'When was it released?',
      chatHistory: [new HumanMessage('What is BERT?')],
    });
    expect(followUp.map((d) => d.pageContent)).toEqual(
      (await notes.invoke('When was BERT released?')).map((d) => d.pageContent),
    );
    expect(followUp[0]!.metadata.source).toBe('bert.md');
    const alone = await retriever.invoke({ question: 'When was it released?' });
    expect(alone[0]!.metadata.source).toBe('gpt.md');
  });
});
