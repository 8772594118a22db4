import {
  CharTokenizer,
  GPT,
  generate,
  loadLlama2c,
  readCharGptCheckpoint,
  shippedTokenizer,
} from '@firth/transformers';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { describe, expect, it } from 'vitest';
import { FirthChatModel } from './firth-chat-model.js';

describe('FirthChatModel (llama2.c TinyStories, offline)', () => {
  it('invoke: continues the human message, with token usage and finish reason', async () => {
    const chat = new FirthChatModel({ temperature: 0, maxTokens: 30 });
    const reply = await chat.invoke([
      new SystemMessage('ignored by a story model'),
      new HumanMessage('Once upon a time'),
    ]);
    const core = await generate(
      await loadLlama2c(),
      shippedTokenizer('llama2c-tinystories') as never,
      'Once upon a time',
      {
        temperature: 0,
        maxNewTokens: 30,
        seed: 42,
      },
    );
    expect(reply.content).toBe(core.text);
    expect(reply.content).toMatch(/^, there was a little girl named Lily/);
    expect(reply.usage_metadata).toEqual({ input_tokens: 5, output_tokens: 30, total_tokens: 35 });
    expect(reply.response_metadata.finish_reason).toBe('length');
  });

  it('stream: chunks concatenate to the invoke answer; stop sequences cut it', async () => {
    const chat = new FirthChatModel({ temperature: 0.8, maxTokens: 60, seed: 3 });
    const chunks: string[] = [];
    for await (const chunk of await chat.stream('Lily and Ben', { stop: ['.'] }))
      chunks.push(chunk.content as string);
    const whole = await chat.invoke('Lily and Ben', { stop: ['.'] });
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.join('')).toBe(whole.content);
    expect(whole.content).not.toContain('.');
    expect(whole.response_metadata.finish_reason).toBe('stop');
  });

  it('composes in a chain (prompt template | model); a call option overrides the temperature', async () => {
    const chain = ChatPromptTemplate.fromMessages([['human', 'Once upon a time, there was a {animal}']]).pipe(
      new FirthChatModel({ temperature: 1.5, maxTokens: 12 }),
    );
    const greedy = await chain.invoke({ animal: 'dog' }, { temperature: 0 } as never);
    const again = await chain.invoke({ animal: 'dog' }, { temperature: 0 } as never);
    expect(greedy.content).toBe(again.content);
    expect((greedy.content as string).length).toBeGreaterThan(5);
  });

  it('names bad input', async () => {
    expect(() => new FirthChatModel({ model: 'gpt-4o' as never })).toThrow(/unknown model "gpt-4o"/);
    await expect(new FirthChatModel().invoke([new SystemMessage('only a system message')])).rejects.toThrow(
      /needs a human message/,
    );
    await expect(new FirthChatModel({ temperature: -1 }).invoke('x')).rejects.toThrow(/temperature must be/);
  });
});

describe('FirthChatModel over a character-level GPT checkpoint (train:gpt, the GPT Train node)', () => {
  const text = 'to be or not to be, that is the question. '.repeat(40);
  const tok = new CharTokenizer().train(text);
  const gpt = new GPT({ vocabSize: tok.vocabSize, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16, seed: 0 });
  gpt.fit(tok.encode(text), { steps: 60, batchSize: 8, lr: 1e-2 });
  const checkpoint = gpt.toSafetensors({ tokenizer: JSON.stringify(tok.toJSON()) });

  it('generates what the core generates from the same checkpoint, with usage', async () => {
    const chat = new FirthChatModel({ checkpoint, temperature: 0, maxTokens: 20 });
    expect(chat.model).toBe('char-gpt');
    const reply = await chat.invoke('to be');
    const { model, tokenizer } = readCharGptCheckpoint(checkpoint);
    const core = await generate(model, tokenizer, 'to be', { temperature: 0, maxNewTokens: 20, seed: 42 });
    expect(reply.content).toBe(core.text);
    expect(reply.usage_metadata).toEqual({ input_tokens: 5, output_tokens: 20, total_tokens: 25 });
  });

  it('refuses a checkpoint without its vocabulary and a model name without a checkpoint', () => {
    expect(() => new FirthChatModel({ checkpoint: gpt.toSafetensors() })).toThrow(
      /carries no character vocabulary/,
    );
    expect(() => new FirthChatModel({ model: 'char-gpt' })).toThrow(
      /"char-gpt" and `checkpoint` go together/,
    );
    expect(() => new FirthChatModel({ checkpoint: new Uint8Array(4) })).toThrow(/not a Firth GPT checkpoint/);
  });
});
