import { describe, expect, test } from 'vitest';
import { type ChatTurn, condenseOffline, subjectOf } from './follow-up.js';

const user = (content: string): ChatTurn => ({ role: 'user', content });
const assistant = (content: string): ChatTurn => ({ role: 'assistant', content });

describe('subjectOf: the salient noun phrase of a question or answer', () => {
  test.each([
    ['Who published Word2Vec?', 'Word2Vec'],
    ['What is GloVe used for?', 'GloVe'],
    ['When did Tomas Mikolov publish it?', 'Tomas Mikolov'],
    ['What does the perceptron learn?', 'the perceptron'],
    ['What does the course say about attention?', 'attention'],
    ['Who invented backpropagation?', 'backpropagation'],
    ['How is the attention score computed?', 'the attention score'],
    ['What is self-attention?', 'self-attention'],
    ['GloVe is a method from Stanford (Pennington, 2014) that learns embeddings. [1] It fits …', 'GloVe'],
  ])('%s → %s', (text, subject) => {
    expect(subjectOf(text)).toBe(subject);
  });

  test('nothing to name: undefined', () => {
    expect(subjectOf('What is it?')).toBeUndefined();
    expect(subjectOf('')).toBeUndefined();
  });
});

describe('condenseOffline: follow-ups rewritten, self-contained questions kept', () => {
  test.each([
    // pronouns and possessives
    [[user('Who published Word2Vec?')], 'When was it published?', 'When was Word2Vec published?'],
    [
      [user('Who published Word2Vec?')],
      'What are its two architectures?',
      "What are Word2Vec's two architectures?",
    ],
    [[user('What is a transformer?')], 'Who introduced them?', 'Who introduced a transformer?'],
    // demonstratives
    [[user('What does the perceptron learn?')], 'How does that work?', 'How does the perceptron work?'],
    [[user('What does the perceptron learn?')], 'Who invented this one?', 'Who invented the perceptron?'],
    [[user('What is BERT?')], 'How many layers does this model have?', 'How many layers does BERT have?'],
    // ellipsis: a new subject, a new modifier
    [[user('When was BERT released?')], 'What about GPT?', 'When was GPT released?'],
    [[user('Who won the election in 1986?')], 'And in 1990?', 'Who won the election in 1990?'],
    [
      [user('Who introduced the transformer?')],
      'And in which paper?',
      'Who introduced the transformer in which paper?',
    ],
    // the previous answer when the question names nothing
    [
      [user('Tell me more'), assistant('GloVe is a method from Stanford. [1]')],
      'Who made it?',
      'Who made GloVe?',
    ],
    // a follow-up of a follow-up keeps the subject
    [
      [user('Who published Word2Vec?'), assistant('Tomas Mikolov. [1]'), user('When was it published?')],
      'Who were its authors?',
      "Who were Word2Vec's authors?",
    ],
    // self-contained questions are kept as they are
    [[user('Who published Word2Vec?')], 'What is GloVe?', 'What is GloVe?'],
    [[user('Who published Word2Vec?')], 'Is Word2Vec still used?', 'Is Word2Vec still used?'],
    [
      [user('What does the perceptron learn?')],
      'What is the method that learns word vectors?',
      'What is the method that learns word vectors?',
    ],
    [[], 'When was it published?', 'When was it published?'],
    [
      [user('Who published Word2Vec?')],
      'Is it true that GloVe counts co-occurrences?',
      'Is it true that GloVe counts co-occurrences?',
    ],
    [[user('What is BERT?')], 'Is it possible to fine-tune it?', 'Is it possible to fine-tune BERT?'],
  ])('%j + %s → %s', (history, question, standalone) => {
    expect(condenseOffline(history, question)).toBe(standalone);
  });
});
