import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// The reference this tokenizer reimplements; a devDependency, used only here.
import { Tokenizer } from '@tensorflow-models/universal-sentence-encoder/dist/tokenizer/index.js';
import { describe, expect, it } from 'vitest';
import { findUseLiteDir } from './use-lite.js';
import { UnigramTokenizer, type VocabularyEntry, WORD_BOUNDARY } from './use-lite-tokenizer.js';

const vocab = JSON.parse(readFileSync(join(findUseLiteDir(), 'vocab.json'), 'utf8')) as VocabularyEntry[];
const ours = new UnigramTokenizer(vocab);
const reference = new Tokenizer(vocab as [string, number][]);

const SENTENCES = [
  '',
  ' ',
  '   ',
  'a',
  'The cat sat on the mat.',
  'A kitten is resting on a rug.',
  'Stock markets fell sharply today.',
  'I love this movie',
  'This film is great',
  'Hello, world!',
  "Don't stop believin' — it's 3:45 p.m.",
  'e-mail me at someone@example.com or visit https://example.org/path?q=1&r=2',
  'Numbers: 0 1 2 3 42 3.14159 1,000,000 -7 1e-9 0x1F',
  'Prices rose 12.5% in Q3 2024, to $1,299.99 (approx. €1.2k).',
  'UPPERCASE lowercase MiXeD CaSe',
  'tab\tseparated\tvalues',
  'line one\nline two\r\nline three',
  'double  spaces  between  words',
  ' leading and trailing spaces ',
  'Ünïcödé àccents: café, naïve, résumé, Zürich, São Paulo',
  'Ligatures ﬁ ﬂ and full-width ＡＢＣ１２３ (NFKC folds them)',
  'Greek: Καλημέρα κόσμε',
  'Russian: Привет, как дела?',
  'Chinese: 我爱自然语言处理',
  'Japanese: 日本語のテキスト',
  'Korean: 안녕하세요',
  'Arabic: مرحبا بالعالم',
  'Hebrew: שלום עולם',
  'Hindi: नमस्ते दुनिया',
  'Emoji 😀🎉👍🏽 and flags 🇫🇷',
  'Astral math 𝔸𝔹ℂ and 𝟙𝟚𝟛',
  'Control chars \u0001\u0002 and zero-width\u200bspace',
  'Unknown runs: ☃☃☃ ⌘⌘ ✓✗',
  `The boundary marker itself: ${WORD_BOUNDARY}${WORD_BOUNDARY} and the replacement char \ufffd`,
  'Reserved-looking text: <s> </s> extra_token_id_1',
  'Colons :: and smileys :) :-( ://',
  '”5 is listed three times in the vocabulary',
  'supercalifragilisticexpialidocious antidisestablishmentarianism',
  'pneumonoultramicroscopicsilicovolcanoconiosis',
  'The boundary layer thickness increases along the flat plate in supersonic flow.',
  'What similarity laws must be obeyed when constructing aeroelastic models of heated high speed aircraft?',
  'C++, C#, F#, and .NET are languages/frameworks; Node.js & TypeScript too.',
  '!!!???...,,,;;;',
  '"quoted" \'single\' «guillemets» „German“ ‘curly’',
  '#hashtag @mention $ticker %percent ^caret *star',
  'a b c d e f g h i j k l m n o p q r s t u v w x y z',
  'x'.repeat(300),
  'The quick brown fox jumps over the lazy dog. '.repeat(10),
  '1/2 ½ ¼ ² ³ ™ ©',
  'I',
  '.',
];

describe('UnigramTokenizer (SentencePiece, USE-lite vocabulary)', () => {
  it('normalises: NFKC, then ▁ for the start and for every U+0020 space', () => {
    expect(UnigramTokenizer.normalize('ﬁne day')).toBe('▁fine▁day');
    expect(UnigramTokenizer.normalize('')).toBe('');
    expect(UnigramTokenizer.normalize('a\tb')).toBe('▁a\tb');
  });

  it('splits a sentence into the most probable pieces', () => {
    const ids = ours.encode('The cat sat on the mat.');
    // "mat" is not one of the 8k pieces: the best path is "▁ma" + "t".
    expect(ids.map((id) => vocab[id]?.[0])).toEqual(['▁The', '▁cat', '▁sat', '▁on', '▁the', '▁ma', 't', '.']);
  });

  it('maps unknown characters to id 0 and merges runs of them', () => {
    const pieces = (text: string) => ours.encode(text).map((id) => vocab[id]?.[0]);
    expect(pieces('☃')).toEqual(['▁', '\ufffd']); // id 0 is printed as U+FFFD in vocab.json
    expect(pieces('a ☃☃☃ b')).toEqual(['▁a', '▁', '\ufffd', '▁b']);
  });

  it(`gives the same ids as @tensorflow-models/universal-sentence-encoder's Tokenizer on ${SENTENCES.length} sentences`, () => {
    for (const s of SENTENCES) {
      expect(ours.encode(s), JSON.stringify(s)).toEqual(reference.encode(s));
    }
  });

  it('rejects a non-string and a vocabulary that is too small', () => {
    expect(() => ours.encode(42 as unknown as string)).toThrow(/expects a string, got number/);
    expect(() => new UnigramTokenizer([['a', 0]])).toThrow(/vocabulary/);
  });
});
