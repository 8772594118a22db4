/**
 * The documented input limit: every public entry point that reads a text refuses one longer than
 * MAX_TEXT_LENGTH (4 Mi UTF-16 units, @firth/numeric) at once — a ValidationError naming the
 * length and the limit, before any work — and accepts one at the limit's edge in size classes the
 * linear-time test times (1 MB).
 */
import {
  deaccent,
  embedTexts,
  KeyedVectors,
  simplePreprocess,
  simpleTokens,
  tokenize as sklearnTokenize,
} from '@firth/embeddings';
import { tokenizeWith } from '@firth/llm';
import { MAX_TEXT_LENGTH, ValidationError } from '@firth/numeric';
import {
  tokenize as bm25Tokenize,
  extractiveAnswer,
  MAX_QUERY_LENGTH,
  RecursiveCharacterSplitter,
  SentenceSplitter,
  splitSentences,
  TokenSplitter,
} from '@firth/rag';
import {
  BasicBPETokenizer,
  ByteLevelBPETokenizer,
  CharTokenizer,
  WordPieceTokenizer,
} from '@firth/transformers';
import { describe, expect, test } from 'vitest';
import { basicBpe, byteLevelBpe, charWithUnk, llama2c, useLite, wordPiece } from './tokenizers.ts';

const tooLong = 'a'.repeat(MAX_TEXT_LENGTH + 1);
const glove = new KeyedVectors(['cat'], new Float32Array([1, 0]), 2);

const ENTRY_POINTS: Array<[string, (text: string) => unknown]> = [
  ['BasicBPETokenizer.encode', (t) => basicBpe.encode(t)],
  ['BasicBPETokenizer.train', (t) => new BasicBPETokenizer().train(t, 300)],
  ['ByteLevelBPETokenizer.encode', (t) => byteLevelBpe.encode(t)],
  ['ByteLevelBPETokenizer.tokenize', (t) => byteLevelBpe.tokenize(t)],
  ['ByteLevelBPETokenizer.train', (t) => new ByteLevelBPETokenizer().train(t, 300)],
  ['WordPieceTokenizer.tokenize', (t) => wordPiece.tokenize(t)],
  ['WordPieceTokenizer.encode', (t) => wordPiece.encode(t)],
  ['WordPieceTokenizer.encodePlus (pair)', (t) => wordPiece.encodePlus('a', t, { maxLength: 8 })],
  ['WordPieceTokenizer.train', (t) => new WordPieceTokenizer().train(t, 300)],
  ['WordPieceTokenizer.fromVocabTxt', (t) => WordPieceTokenizer.fromVocabTxt(t)],
  ['CharTokenizer.encode', (t) => charWithUnk.encode(t)],
  ['CharTokenizer.train', (t) => new CharTokenizer().train(t)],
  ['SentencePieceBPETokenizer.encode', (t) => llama2c.encode(t)],
  ['SentencePieceBPETokenizer.tokenize', (t) => llama2c.tokenize(t)],
  ['UnigramTokenizer.encode (USE-lite)', (t) => useLite.encode(t)],
  ['embeddings tokenize', (t) => sklearnTokenize(t)],
  ['embeddings simplePreprocess', (t) => simplePreprocess(t)],
  ['embeddings deaccent', (t) => deaccent(t)],
  ['rag tokenize (BM25)', (t) => bm25Tokenize(t)],
  ['rag splitSentences', (t) => splitSentences(t)],
  ['RecursiveCharacterSplitter.splitText', (t) => new RecursiveCharacterSplitter().splitText(t)],
  ['SentenceSplitter.splitText', (t) => new SentenceSplitter().splitText(t)],
  ['TokenSplitter.splitText', (t) => new TokenSplitter(byteLevelBpe).splitText(t)],
  ['embeddings simpleTokens (document vectors)', (t) => simpleTokens(t)],
  ['embeddings embedTexts', (t) => embedTexts([t], glove)],
];

describe(`texts longer than MAX_TEXT_LENGTH (${MAX_TEXT_LENGTH} UTF-16 units) are refused at once`, () => {
  test.each(ENTRY_POINTS)('%s', (_name, call) => {
    // the fastest of three refusals: one alone on a busy 2-core CI machine can wait on the
    // scheduler or a GC for longer than the check itself takes
    let error: unknown;
    let ms = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      try {
        call(tooLong);
        error = undefined;
      } catch (e) {
        error = e;
      }
      ms = Math.min(ms, performance.now() - t0);
      expect(error).toBeInstanceOf(ValidationError);
    }
    expect((error as Error).message).toMatch(
      `has ${MAX_TEXT_LENGTH + 1} characters; at most ${MAX_TEXT_LENGTH} are accepted`,
    );
    // "before any work": a length check, not a pass over 4 MB of text (which takes ≥ 10× longer)
    expect(ms).toBeLessThan(100);
  });
});

test('the tokenizer playground refuses it too, before any tokenizer (GPT-4o included) runs', async () => {
  await expect(tokenizeWith('gpt-4o', tooLong)).rejects.toThrow(`at most ${MAX_TEXT_LENGTH} are accepted`);
});

test('questions have the tighter MAX_QUERY_LENGTH (a question, not a document)', () => {
  expect(() => extractiveAnswer(tooLong, [])).toThrow(
    `question has ${MAX_TEXT_LENGTH + 1} characters; at most ${MAX_QUERY_LENGTH} are accepted`,
  );
});
