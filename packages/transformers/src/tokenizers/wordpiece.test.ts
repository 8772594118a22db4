import { describe, expect, test } from 'vitest';
import { ValidationError } from './base.js';
import { bertBasicTokenize } from './bert-basic.js';
import { WordPieceTokenizer } from './wordpiece.js';

// A hand-made BERT vocabulary; ids are line numbers as in vocab.txt.
const VOCAB_TXT = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[MASK]', // 0–4
  'un',
  '##aff',
  '##able',
  'hello',
  'world', // 5–9
  ',',
  '!',
  '.',
  'the',
  'cat', // 10–14
  'sat',
  'on',
  'mat',
  '##s',
  'play', // 15–19
  '##ing',
  '我',
  '爱',
  'a',
  'b', // 20–24
].join('\n');
const tok = WordPieceTokenizer.fromVocabTxt(VOCAB_TXT);

describe('BERT basic tokenization', () => {
  test.each([
    { text: 'Héllo, World!', words: ['hello', ',', 'world', '!'] },
    { text: "don't  stop\t\nnow", words: ['don', "'", 't', 'stop', 'now'] },
    { text: '我爱NLP', words: ['我', '爱', 'nlp'] },
    { text: 'a\u0000b\u200bc', words: ['abc'] },
    { text: '$5.00', words: ['$', '5', '.', '00'] },
  ])('$text → $words', ({ text, words }) => {
    expect(bertBasicTokenize(text)).toEqual(words);
  });
  test('cased keeps case and accents', () => {
    expect(bertBasicTokenize('Héllo', { lowercase: false })).toEqual(['Héllo']);
  });
});

describe('WordPiece (hand-made vocabulary)', () => {
  test.each([
    { text: 'unaffable', tokens: ['un', '##aff', '##able'], ids: [2, 5, 6, 7, 3], decoded: 'unaffable' },
    {
      text: 'Héllo, World!',
      tokens: ['hello', ',', 'world', '!'],
      ids: [2, 8, 10, 9, 11, 3],
      decoded: 'hello, world!',
    },
    {
      text: 'The cats sat',
      tokens: ['the', 'cat', '##s', 'sat'],
      ids: [2, 13, 14, 18, 15, 3],
      decoded: 'the cats sat',
    },
    {
      text: 'playing dogs',
      tokens: ['play', '##ing', '[UNK]'],
      ids: [2, 19, 20, 1, 3],
      decoded: 'playing [UNK]',
    },
    { text: '我爱', tokens: ['我', '爱'], ids: [2, 21, 22, 3], decoded: '我 爱' },
    { text: 'the [MASK] sat', tokens: ['the', '[MASK]', 'sat'], ids: [2, 13, 4, 15, 3], decoded: 'the sat' },
    { text: '', tokens: [], ids: [2, 3], decoded: '' },
  ])('$text → $tokens → $ids → $decoded', ({ text, tokens, ids, decoded }) => {
    expect(tok.tokenize(text)).toEqual(tokens);
    expect(tok.encode(text)).toEqual(ids);
    expect(tok.decode(ids)).toBe(decoded);
  });

  test('a word longer than max_input_chars_per_word (100) is one [UNK]', () => {
    expect(tok.tokenize(`un${'##'.repeat(0)}${'a'.repeat(101)}`)).toEqual(['[UNK]']);
    expect(tok.tokenize('a'.repeat(100))).toEqual(['[UNK]']); // no ##a piece
  });

  test('pair encoding: token type ids 0 for A, 1 for B', () => {
    const e = tok.encodePlus('the cat', 'sat on the mat');
    expect(e.tokens).toEqual(['[CLS]', 'the', 'cat', '[SEP]', 'sat', 'on', 'the', 'mat', '[SEP]']);
    expect(e.tokenTypeIds).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(e.attentionMask).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(tok.encode('the cat', 'sat')).toEqual([2, 13, 14, 3, 15, 3]);
  });

  test.each([
    {
      name: 'pad to 8',
      text: 'the cat',
      pair: undefined,
      options: { maxLength: 8, padding: true },
      tokens: ['[CLS]', 'the', 'cat', '[SEP]', '[PAD]', '[PAD]', '[PAD]', '[PAD]'],
      types: [0, 0, 0, 0, 0, 0, 0, 0],
      mask: [1, 1, 1, 1, 0, 0, 0, 0],
    },
    {
      name: 'truncate a single text to 4',
      text: 'the cat sat on',
      pair: undefined,
      options: { maxLength: 4 },
      tokens: ['[CLS]', 'the', 'cat', '[SEP]'],
      types: [0, 0, 0, 0],
      mask: [1, 1, 1, 1],
    },
    {
      name: 'longest_first truncation of a pair to 7',
      text: 'the cat',
      pair: 'sat on the mat',
      options: { maxLength: 7 },
      tokens: ['[CLS]', 'the', 'cat', '[SEP]', 'sat', 'on', '[SEP]'],
      types: [0, 0, 0, 0, 1, 1, 1],
      mask: [1, 1, 1, 1, 1, 1, 1],
    },
  ])('$name', ({ text, pair, options, tokens, types, mask }) => {
    const e = tok.encodePlus(text, pair, options);
    expect(e.tokens).toEqual(tokens);
    expect(e.tokenTypeIds).toEqual(types);
    expect(e.attentionMask).toEqual(mask);
    expect(e.ids.length).toBe(tokens.length);
  });

  test('bad input', () => {
    expect(() => tok.encodePlus('a', 'b', { maxLength: 2 })).toThrow(/no room/);
    expect(() => new WordPieceTokenizer({ vocab: ['a'] }).tokenize('a')).toThrow(/no unknown token \[UNK\]/);
    expect(() => tok.decode([99])).toThrow(ValidationError);
  });
});

describe('WordPiece training (score = freq(ab) / (freq(a)·freq(b)))', () => {
  // The corpus of Hugging Face's NLP course, chapter 6.
  const corpus = [
    'This is the Hugging Face Course.',
    'This chapter is about tokenization.',
    'This section shows several tokenizer algorithms.',
    'Hopefully, you will be able to understand how they are trained and generate tokens.',
  ].join('\n');
  const trained = new WordPieceTokenizer().train(corpus, 70);

  test('vocabulary: specials, then the alphabet, then merges up to 70', () => {
    expect(trained.vocabSize).toBe(70);
    expect(trained.vocab.pieces.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(trained.tokenToId('##a')).toBeDefined();
    expect(trained.tokenToId('t')).toBeDefined();
  });

  test.each(['this is the hugging face course.', 'tokenization', 'several tokenizer algorithms'])(
    'round trip of known words: %s',
    (text) => {
      expect(trained.decode(trained.encode(text))).toBe(text);
      expect(trained.tokenize(text)).not.toContain('[UNK]');
    },
  );

  test('unseen characters → [UNK]', () => {
    expect(trained.tokenize('zebra')).toEqual(['[UNK]']);
  });

  test('tokenizer.json and vocab.txt save → load → identical encodings', () => {
    const json = JSON.parse(JSON.stringify(trained));
    expect(json.model).toMatchObject({
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
    });
    expect(json.normalizer).toMatchObject({ type: 'BertNormalizer', lowercase: true });
    const back = WordPieceTokenizer.fromJSON(json);
    const fromTxt = WordPieceTokenizer.fromVocabTxt(trained.toVocabTxt());
    for (const text of [corpus, 'Hugging Face, zebra!']) {
      expect(back.encodePlus(text, 'this')).toEqual(trained.encodePlus(text, 'this'));
      expect(fromTxt.encode(text)).toEqual(trained.encode(text));
    }
  });

  test.each([
    { name: 'wrong model type', json: { model: { type: 'BPE', vocab: {} } }, error: /model.type "BPE"/ },
    { name: 'missing vocab', json: { model: { type: 'WordPiece' } }, error: /no model.vocab/ },
    {
      name: 'no [UNK] in vocab',
      json: { model: { type: 'WordPiece', vocab: { a: 0 } } },
      error: /unk_token \[UNK\]/,
    },
    {
      name: 'id gap',
      json: { model: { type: 'WordPiece', vocab: { '[UNK]': 1 } } },
      error: /no piece for id 0/,
    },
  ])('invalid tokenizer.json: $name', ({ json, error }) => {
    expect(() => WordPieceTokenizer.fromJSON(json as never)).toThrow(ValidationError);
    expect(() => WordPieceTokenizer.fromJSON(json as never)).toThrow(error);
  });
});
