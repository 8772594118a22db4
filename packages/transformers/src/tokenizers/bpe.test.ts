import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ValidationError } from './base.js';
import { ByteLevelBPETokenizer, bytesToUnicode, toByteLevel } from './bpe.js';

const shakespeare = readFileSync(
  fileURLToPath(new URL('../../../datasets/data/tinyshakespeare/input.txt', import.meta.url)),
  'utf8',
);
const train = shakespeare.slice(0, 20_000);
const heldOut = shakespeare.slice(100_000, 105_000);
const tok = new ByteLevelBPETokenizer().train(train, 512);

describe('GPT-2 byte-level pieces', () => {
  test.each([
    { byte: 32, char: 'Ġ' },
    { byte: 10, char: 'Ċ' },
    { byte: 65, char: 'A' },
    { byte: 0, char: 'Ā' },
    { byte: 173, char: 'Ń' },
  ])('byte $byte → $char', ({ byte, char }) => {
    expect(bytesToUnicode()[byte]).toBe(char);
  });
  test('256 distinct characters; é is two bytes', () => {
    expect(new Set(bytesToUnicode()).size).toBe(256);
    expect(toByteLevel(' é')).toBe('ĠÃ©');
  });
});

describe('ByteLevelBPETokenizer trained on tiny Shakespeare (20,000 chars, vocab 512)', () => {
  test('vocabulary: 256 bytes + 255 merges + <|endoftext|>', () => {
    expect(tok.vocabSize).toBe(512);
    expect(tok.merges.length).toBe(255);
    expect(tok.tokenToId('<|endoftext|>')).toBe(511);
    expect(tok.idToToken(32)).toBe('Ġ');
  });

  test.each([
    { name: 'held-out Shakespeare', text: heldOut },
    { name: 'emoji', text: 'I 🤖 love 👩‍👩‍👧 tokenizers 🎉!' },
    { name: 'mixed scripts', text: 'Привет, 世界! naïve café — مرحبا שלום नमस्ते' },
    { name: 'whitespace runs', text: '  a\n\n\tb   \r\n' },
    { name: 'special token', text: 'First Citizen:<|endoftext|>Second' },
    { name: 'empty', text: '' },
  ])('round trip: $name', ({ text }) => {
    expect(tok.decode(tok.encode(text))).toBe(text);
  });

  test('compression ratio on held-out text > 1.5', () => {
    const ratio = new TextEncoder().encode(heldOut).length / tok.encode(heldOut).length;
    console.log(`byte-level BPE, vocab 512: ${ratio.toFixed(2)} bytes per token on held-out text`);
    expect(ratio).toBeGreaterThan(1.5);
  });

  test('regex pre-tokenization: no token crosses a word boundary; specials stay whole', () => {
    expect(tok.preTokenize("I'll see you, 2 times!")).toEqual([
      'I',
      "'ll",
      ' see',
      ' you',
      ',',
      ' 2',
      ' times',
      '!',
    ]);
    const pieces = tok.tokenize('the king<|endoftext|>');
    expect(pieces.at(-1)).toBe('<|endoftext|>');
    expect(pieces.slice(0, -1).join('')).toBe('theĠking');
  });

  test('a lone surrogate becomes U+FFFD (UTF-8 cannot carry it)', () => {
    expect(tok.decode(tok.encode('a\uD800b'))).toBe('a\uFFFDb');
  });

  test('tokenizer.json save → load → identical encodings', () => {
    const json = JSON.parse(JSON.stringify(tok));
    expect(json.model.type).toBe('BPE');
    expect(json.model.merges[0]).toMatch(/^\S+ \S+$/);
    expect(json.added_tokens[0]).toMatchObject({ id: 511, content: '<|endoftext|>', special: true });
    const back = ByteLevelBPETokenizer.fromJSON(json);
    for (const text of [heldOut, 'I 🤖 <|endoftext|> x']) expect(back.encode(text)).toEqual(tok.encode(text));
    // merges as [a, b] pairs (tokenizers ≥ 0.20) load the same
    const pairs = { ...json, model: { ...json.model, merges: tok.merges } };
    expect(ByteLevelBPETokenizer.fromJSON(pairs).encode(heldOut)).toEqual(tok.encode(heldOut));
  });
});

describe('bad input', () => {
  test.each([
    {
      name: 'wrong model type',
      json: { model: { type: 'WordPiece', vocab: {} } },
      error: /model.type "WordPiece"/,
    },
    { name: 'missing vocab', json: { model: { type: 'BPE', merges: [] } }, error: /no model.vocab/ },
    { name: 'missing merges', json: { model: { type: 'BPE', vocab: { a: 0 } } }, error: /no model.merges/ },
    { name: 'not JSON', json: '{"model":', error: /not valid JSON/ },
    { name: 'no model', json: {}, error: /no "model"/ },
    {
      name: 'unsupported pre-tokenizer',
      json: { model: { type: 'BPE', vocab: { a: 0 }, merges: [] }, pre_tokenizer: { type: 'Whitespace' } },
      error: /Whitespace/,
    },
    {
      name: 'merge of unknown pieces',
      json: { model: { type: 'BPE', vocab: { a: 0 }, merges: ['a b'] } },
      error: /model.merges\[0\]/,
    },
  ])('$name', ({ json, error }) => {
    expect(() => ByteLevelBPETokenizer.fromJSON(json as never)).toThrow(ValidationError);
    expect(() => ByteLevelBPETokenizer.fromJSON(json as never)).toThrow(error);
  });
  test('vocabSize too small, bad ids', () => {
    expect(() => new ByteLevelBPETokenizer().train('abc', 256)).toThrow(/≥ 257/);
    expect(() => tok.decode([0, 512])).toThrow(/ids\[1\] = 512/);
  });
});
