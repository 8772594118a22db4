import type { BaseMessage } from '@langchain/core/messages';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  applyChatTemplate,
  type ChatMessage,
  chatPrompt,
  fewShotPrompt,
  formatPrompt,
  PromptTemplate,
  parseJsonAnswer,
  structured,
  templateVariables,
  toLangChainMessages,
} from './prompts.js';

describe('prompt templates', () => {
  it('fills {variables}; {{ }} are literal braces; a missing variable is named', () => {
    expect(formatPrompt('Translate to {language}: {text}', { language: 'French', text: 'cheese' })).toBe(
      'Translate to French: cheese',
    );
    expect(formatPrompt('JSON like {{"a": {n}}}', { n: 1 })).toBe('JSON like {"a": 1}');
    expect(templateVariables('{greeting}, {name}! {{not a variable}} {name}')).toEqual(['greeting', 'name']);
    expect(() => formatPrompt('Hello {name}, from {place}', { place: 'Paris' })).toThrow(
      'missing variable "name" in the prompt template',
    );
    expect(() => formatPrompt('{a-b}')).toThrow(/bad placeholder/);
    const t = new PromptTemplate('What is the capital of {country}?');
    expect(t.variables).toEqual(['country']);
    expect(t.format({ country: 'France' })).toBe('What is the capital of France?');
  });

  it('few-shot: instruction, examples, then the new input in the same shape', () => {
    const prompt = fewShotPrompt(
      {
        prefix: 'Give the antonym.',
        examples: [
          { word: 'hot', antonym: 'cold' },
          { word: 'big', antonym: 'small' },
        ],
        exampleTemplate: 'Word: {word}\nAntonym: {antonym}',
        suffix: 'Word: {word}\nAntonym:',
      },
      { word: 'tall' },
    );
    expect(prompt).toBe(
      'Give the antonym.\n\nWord: hot\nAntonym: cold\n\nWord: big\nAntonym: small\n\nWord: tall\nAntonym:',
    );
  });

  it('chat prompt: system, examples as earlier turns, the input; as LangChain messages', () => {
    const messages = chatPrompt(
      {
        system: 'Answer in one word.',
        examples: [{ input: '2+2?', output: 'Four' }],
        input: 'Capital of {country}?',
      },
      { country: 'France' },
    );
    expect(messages).toEqual([
      { role: 'system', content: 'Answer in one word.' },
      { role: 'user', content: '2+2?' },
      { role: 'assistant', content: 'Four' },
      { role: 'user', content: 'Capital of France?' },
    ]);
    expect(toLangChainMessages(messages).map((m) => m.getType())).toEqual(['system', 'human', 'ai', 'human']);
  });
});

describe('chat templates', () => {
  const conversation: ChatMessage[] = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello!' },
    { role: 'user', content: 'Capital of France?' },
  ];

  it('ChatML', () => {
    expect(applyChatTemplate(conversation, 'chatml')).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n' +
        '<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nCapital of France?<|im_end|>\n' +
        '<|im_start|>assistant\n',
    );
    expect(
      applyChatTemplate([{ role: 'user', content: 'Hi' }], 'chatml', { addGenerationPrompt: false }),
    ).toBe('<|im_start|>user\nHi<|im_end|>\n');
  });

  it('Llama-2 [INST] with <<SYS>> inside the first turn', () => {
    expect(applyChatTemplate(conversation, 'llama2')).toBe(
      '<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello! </s><s>[INST] Capital of France? [/INST]',
    );
    expect(() =>
      applyChatTemplate(
        [
          { role: 'user', content: 'a' },
          { role: 'user', content: 'b' },
        ],
        'llama2',
      ),
    ).toThrow(/alternate/);
    expect(() => applyChatTemplate([], 'zephyr' as never)).toThrow(/unknown chat template "zephyr"/);
  });
});

describe('structured output (zod)', () => {
  const City = z.object({ city: z.string(), population: z.number().int() });

  /** A fake chat model that answers from a list and records what it was asked. */
  const fake = (responses: string[]) => {
    const model = new FakeListChatModel({ responses });
    const asked: BaseMessage[][] = [];
    const invoke = model.invoke.bind(model);
    model.invoke = ((input: BaseMessage[], options?: never) => {
      asked.push([...input]);
      return invoke(input, options);
    }) as typeof model.invoke;
    return { model, asked };
  };

  it('parses fenced JSON and validates it on the first try; the schema is in the request', async () => {
    const { model, asked } = fake(['```json\n{"city": "Paris", "population": 2102650}\n```']);
    const result = await structured(model, City, 'Largest city of France?');
    expect(result).toMatchObject({ data: { city: 'Paris', population: 2102650 }, attempts: 1 });
    expect(asked[0]).toHaveLength(1);
    expect(asked[0]![0]!.text).toMatch(/^Largest city of France\?\n\nAnswer with one JSON value only/);
    expect(asked[0]![0]!.text).toContain('"population":{"type":"integer"');
  });

  it('one repair attempt, told what was wrong', async () => {
    const { model, asked } = fake([
      '{"city": "Paris", "population": "two million"}',
      '{"city":"Paris","population":2102650}',
    ]);
    const result = await structured(model, City, 'Largest city of France?');
    expect(result).toMatchObject({ data: { city: 'Paris', population: 2102650 }, attempts: 2 });
    const repair = asked[1]!;
    expect(repair.at(-2)!.getType()).toBe('ai');
    expect(repair.at(-1)!.text).toMatch(
      /^That answer was invalid: the JSON does not match the schema: population: /,
    );
  });

  it('still invalid after the repair: a clear error', async () => {
    const { model } = fake(['I think it is Paris.', 'Paris!']);
    await expect(structured(model, City, 'Largest city of France?')).rejects.toMatchObject({
      kind: 'invalid-output',
      message: expect.stringMatching(
        /^structured output failed after a repair attempt: the answer is not JSON: "Paris!"/,
      ),
    });
  });

  it('parseJsonAnswer finds JSON amid chatter', () => {
    expect(parseJsonAnswer('Sure! Here it is: {"a": [1, 2]} Hope that helps.')).toEqual({ a: [1, 2] });
    expect(parseJsonAnswer('[1,2,3]')).toEqual([1, 2, 3]);
  });
});
