/**
 * The tool policy and JSON output rules as data tables: which tool, which arguments, which
 * schemas are refused. No server, no model.
 */
import { describe, expect, test } from 'vitest';
import { type ChatMessage, hasToolResultsSinceLastUser, promptFor, toolQuestion } from './chat-template.js';
import { HttpError } from './http.js';
import {
  chooseTool,
  numbersIn,
  parseToolChoice,
  parseTools,
  type ToolSpec,
  toolResultText,
  valueForSchema,
} from './tool-policy.js';

const tool = (name: string, description = '', properties = {}): ToolSpec => ({
  name,
  description,
  parameters: { type: 'object', properties },
});

describe('chat template', () => {
  test('the prompt is the last user message; none → "" (a story from BOS)', () => {
    expect(
      promptFor([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'reply' },
        { role: 'user', content: 'Once upon a time' },
      ]),
    ).toBe('Once upon a time');
    expect(promptFor([{ role: 'system', content: 'Be brief.' }])).toBe('');
  });

  test('tool results after the last user message are noticed', () => {
    expect(
      hasToolResultsSinceLastUser([
        { role: 'user', content: 'x' },
        { role: 'tool', content: '1' },
      ]),
    ).toBe(true);
    expect(
      hasToolResultsSinceLastUser([
        { role: 'tool', content: '1' },
        { role: 'user', content: 'x' },
      ]),
    ).toBe(false);
  });
});

describe('the question the tool policy reads: a follow-up made standalone', () => {
  const user = (content: string): ChatMessage => ({ role: 'user', content });
  const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });
  const bert = [user('What is BERT?'), assistant('BERT is an encoder-only transformer. [1]')];
  test.each([
    // a follow-up: the subject of the earlier question replaces the pronoun
    [[...bert, user('How is it pretrained?')], 'How is BERT pretrained?'],
    [[...bert, user('What about GPT?')], 'What is GPT?'],
    // system, tool and empty (tool-calling) assistant messages are skipped
    [
      [
        { role: 'system', content: 'You are the course assistant of Introduction to Large Language Models.' },
        user('What is BERT?'),
        assistant(''),
        { role: 'tool', content: '[{"response":"GloVe counts co-occurrences. [1]"}]' },
        assistant('BERT is an encoder-only transformer. [1]'),
        user('How is it pretrained?'),
      ] as ChatMessage[],
      'How is BERT pretrained?',
    ],
    // a self-contained question, a first question: as written
    [
      [...bert, user('What does the course say about attention?')],
      'What does the course say about attention?',
    ],
    [[user('How is it pretrained?')], 'How is it pretrained?'],
    [[{ role: 'system', content: 'Be brief.' }], ''],
    // tool results after the last user message do not change it
    [[...bert, user('How is it pretrained?'), { role: 'tool', content: '1' }], 'How is BERT pretrained?'],
  ])('%j → %s', (messages, question) => {
    expect(toolQuestion(messages as ChatMessage[])).toBe(question);
  });

  test('a last message over 1,000 characters is read as written (a bound on the work)', () => {
    const long = `How is it pretrained?${' really'.repeat(200)}`;
    expect(toolQuestion([...bert, user(long)])).toBe(long);
  });
});

describe('which tool', () => {
  const weather = tool('get_weather', 'Current weather for a city');
  const stocks = tool('stockPrice', 'Price of a stock ticker');
  test.each([
    ['none', [weather], 'none', 'weather in Oslo', false, null],
    ['no tools', [], 'auto', 'weather in Oslo', false, null],
    ['named', [weather, stocks], { name: 'stockPrice' }, 'weather in Oslo', false, 'stockPrice'],
    ['only one, auto', [stocks], 'auto', 'hello', false, 'stockPrice'],
    ['shared words', [weather, stocks], 'auto', 'what is the weather in Oslo', false, 'get_weather'],
    ['camelCase words', [weather, stocks], 'auto', 'the price of ACME stock', false, 'stockPrice'],
    ['auto, no shared word', [weather, stocks], 'auto', 'hello there', false, null],
    ['required, no shared word', [weather, stocks], 'required', 'hello there', false, 'get_weather'],
    ['tool results since the user', [weather], { name: 'get_weather' }, 'Oslo', true, null],
  ] as const)('%s', (_, tools, choice, text, results, expected) => {
    expect(chooseTool(tools as unknown as ToolSpec[], choice as never, text, results)?.name ?? null).toBe(
      expected,
    );
  });
});

describe('a tool result, relayed as text', () => {
  const prose = 'BERT is an encoder-only transformer. [2]\n\nSources:\n[2] bert.md — BERT > What it is';
  test.each([
    ['prose, as is', prose, prose],
    ["n8n's list of one item with one field", JSON.stringify([{ response: prose }]), prose],
    ['a JSON string', JSON.stringify(prose), prose],
    ['one field, nested', JSON.stringify({ result: [{ text: 'ok' }] }), 'ok'],
    [
      'several fields: verbatim',
      '[{"label":"positive","score":0.93}]',
      '[{"label":"positive","score":0.93}]',
    ],
    ['several items: verbatim', '[{"a":"x"},{"a":"y"}]', '[{"a":"x"},{"a":"y"}]'],
    ['one field, not text: verbatim', '[{"n":5.5}]', '[{"n":5.5}]'],
    ['a number', '5.5', '5.5'],
    ['not JSON', '[1] bert.md', '[1] bert.md'],
    ['an empty list', '[]', '[]'],
  ])('%s', (_, content, expected) => {
    expect(toolResultText(content)).toBe(expected);
  });
});

describe('arguments from the schema', () => {
  test.each([
    ['string', { type: 'string' }, 'hello', 'hello'],
    ['maxLength', { type: 'string', maxLength: 3 }, 'hello', 'hel'],
    ['number', { type: 'number' }, 'it costs 4.5 now', 4.5],
    ['no number → minimum', { type: 'number', minimum: 1 }, 'none', 1],
    ['clamped', { type: 'integer', maximum: 10 }, 'give me 99', 10],
    ['integer', { type: 'integer' }, 'about 7.9', 7],
    ['boolean', { type: 'boolean' }, 'yes please', true],
    ['enum found', { type: 'string', enum: ['celsius', 'fahrenheit'] }, 'in Fahrenheit', 'fahrenheit'],
    ['enum default', { type: 'string', enum: ['celsius', 'fahrenheit'] }, 'in kelvin', 'celsius'],
    ['default', { type: 'string', default: 'x' }, 'hello', 'x'],
    ['const', { const: 3 }, 'hello', 3],
    ['nullable', { type: ['null', 'number'] }, '8', 8],
    ['anyOf', { anyOf: [{ type: 'integer' }, { type: 'string' }] }, 'n=2', 2],
    ['array', { type: 'array', items: { type: 'string' } }, 'cats', ['cats']],
    [
      'object: required only, numbers in order',
      {
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'number' }, note: { type: 'string' } },
        required: ['a', 'b'],
      },
      'add 2 and -3',
      { a: 2, b: -3 },
    ],
    [
      'object without required: all',
      { type: 'object', properties: { q: { type: 'string' } } },
      'hi',
      { q: 'hi' },
    ],
  ] as const)('%s', (_, schema, text, expected) => {
    expect(valueForSchema(schema as never, text)).toEqual(expected);
  });

  test('numbersIn', () => {
    expect(numbersIn('add 2 and 3.5, minus -1')).toEqual([2, 3.5, -1]);
  });
});

describe('tool validation', () => {
  const bad = (tools: unknown) => {
    try {
      parseTools(tools);
    } catch (e) {
      expect(e).toBeInstanceOf(HttpError);
      return (e as HttpError).param;
    }
    throw new Error('accepted');
  };
  test.each([
    ['not an array', { type: 'function' }, 'tools'],
    ['no function', [{ type: 'function' }], 'tools[0]'],
    ['bad name', [{ type: 'function', function: { name: 'a b' } }], 'tools[0].function.name'],
    [
      'not an object schema',
      [{ type: 'function', function: { name: 'f', parameters: { type: 'string' } } }],
      'tools[0].function.parameters',
    ],
    [
      'required not in properties',
      [
        {
          type: 'function',
          function: { name: 'f', parameters: { type: 'object', properties: {}, required: ['x'] } },
        },
      ],
      'tools[0].function.parameters',
    ],
    [
      'twice',
      [
        { type: 'function', function: { name: 'f' } },
        { type: 'function', function: { name: 'f' } },
      ],
      'tools',
    ],
  ])('%s', (_, tools, param) => {
    expect(bad(tools)).toBe(param);
  });

  test('a good tool; a missing parameters schema means no arguments', () => {
    const [t] = parseTools([{ type: 'function', function: { name: 'now', description: 'the time' } }]);
    expect(t).toEqual({
      name: 'now',
      description: 'the time',
      parameters: { type: 'object', properties: {} },
    });
    expect(valueForSchema(t!.parameters, 'what time is it?')).toEqual({});
    expect(parseToolChoice({ type: 'function', function: { name: 'now' } }, [t!])).toEqual({ name: 'now' });
    expect(() => parseToolChoice('required', [])).toThrow(HttpError);
    expect(() => parseToolChoice('sometimes', [t!])).toThrow(HttpError);
  });
});
