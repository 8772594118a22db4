import { describe, expect, test } from 'vitest';
import {
  asksForCode,
  asksForMeaning,
  asksForNumber,
  asksForUrl,
  holdsAnswerType,
  newNames,
  questionNames,
  questionType,
} from './question-type.js';

describe('questionType', () => {
  test.each([
    ['Who built LangGraph?', 'who'],
    ['Whose bid was rejected?', 'who'],
    ['When was Mugabe re-elected as president?', 'when'],
    ['What year was BERT released?', 'when'],
    ['Where is the lake?', 'where'],
    ['Which companies trust LangGraph in production?', 'which'],
    ['Under which license is n8n distributed?', 'which'],
    ['In which wind tunnel were the experiments performed?', 'which'],
    ['How many integrations can n8n connect to?', 'how-many'],
    ['By how much did profit sink?', 'how-many'],
    ['In how many ways are the forces transmitted?', 'how-many'],
    ['How much is the plan worth?', 'how-many'],
    ['Why does n8n no longer use typedi?', 'why'],
    ['How is n8n pronounced?', 'how'],
    ['What is LangChain?', 'what'],
    ['Does BM25 use idf?', 'yes-no'],
    ['Is the model open source?', 'yes-no'],
    ['Tell me about BERT.', 'other'],
  ] as const)('%s → %s', (question, type) => {
    expect(questionType(question)).toBe(type);
  });

  test('code, numbers, URLs and meanings asked for by the question', () => {
    expect(asksForCode('Which compiler flags does @n8n/di require in tsconfig.json?')).toBe(true);
    expect(asksForCode('Which command installs the package?')).toBe(true);
    expect(asksForCode('Who built LangGraph?')).toBe(false);
    expect(asksForNumber('Which Node.js versions does LangChain.js support?')).toBe(true);
    expect(asksForNumber('At which mach number were the cones tested?')).toBe(true);
    expect(asksForNumber('Which companies trust LangGraph?')).toBe(false);
    expect(asksForUrl('Which URL does it connect to by default?')).toBe(true);
    expect(asksForMeaning('What does the name n8n mean?')).toBe(true);
    expect(asksForMeaning('What does SSRF stand for?')).toBe(true);
    expect(asksForMeaning('What is SSRF?')).toBe(false);
  });

  test('the names a question is about: capitalised words but the first', () => {
    expect(questionNames('How many people have died in the Hunan flood crisis?')).toEqual(['hunan']);
    expect(questionNames('Who is AMP’s chief executive?')).toEqual(['amp’s']);
    expect(questionNames('what is it?')).toEqual([]);
  });
});

describe('holdsAnswerType', () => {
  test('when: a year, a month, a day or a condition — not just the question’s words', () => {
    expect(holdsAnswerType('BERT was released by Google in 2018.', 'when', 'When was BERT released?')).toBe(
      true,
    );
    expect(holdsAnswerType('He was re-elected in March.', 'when', 'When was he re-elected?')).toBe(true);
    expect(holdsAnswerType('BERT was released by Google.', 'when', 'When was BERT released?')).toBe(false);
    expect(
      holdsAnswerType('It holds only when model and aircraft are identical.', 'when', 'When does it hold?'),
    ).toBe(true);
  });

  test('how-many: a number the question does not already hold', () => {
    const q = 'How many people died in the 2002 floods?';
    expect(holdsAnswerType('The 2002 floods killed 108 people.', 'how-many', q)).toBe(true);
    expect(holdsAnswerType('The 2002 floods were severe.', 'how-many', q)).toBe(false);
    expect(holdsAnswerType('Forces reach the aircraft in two ways.', 'how-many', 'In how many ways?')).toBe(
      true,
    );
  });

  test('who and which: a name the question does not hold; why: a reason', () => {
    expect(newNames('It was built by LangChain Inc, the creators.', 'Who built LangGraph?')).toEqual([
      'LangChain',
      'Inc',
    ]);
    expect(holdsAnswerType('LangGraph is built for agents.', 'who', 'Who built LangGraph?')).toBe(false);
    expect(
      holdsAnswerType('the model was proposed by hayes and lighthill .', 'who', 'Who proposed it?'),
    ).toBe(true);
    expect(holdsAnswerType('Node.js - 20.x, 22.x', 'which', 'Which Node.js versions are supported?')).toBe(
      true,
    );
    expect(holdsAnswerType('Node.js is supported.', 'which', 'Which Node.js versions are supported?')).toBe(
      false,
    );
    expect(holdsAnswerType('He was killed for refusing to act.', 'why', 'Why was he killed?')).toBe(true);
    expect(holdsAnswerType('He was killed in Baghdad.', 'why', 'Why was he killed?')).toBe(false);
    expect(holdsAnswerType('Anything at all.', 'yes-no', 'Is it?')).toBe(false);
  });
});
