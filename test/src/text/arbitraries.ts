/**
 * Texts that break tokenizers, for the property tests of test/src/text: any code point, and the
 * pieces that trip string code — lone surrogates, ZWJ emoji sequences, bidi controls, combining
 * marks, NUL, BOM, noncharacters, wide and CJK text, NFKC-folded ligatures, runs of whitespace and
 * of "!!!", abbreviations, and the special-token spellings of every tokenizer here.
 */
import fc from 'fast-check';

export const NASTY_PIECES = [
  '\u200D', // zero-width joiner
  '👩‍👩‍👧‍👦', // a ZWJ family
  '🏳️‍🌈',
  '👍🏽',
  '🇫🇷',
  '\u202E', // right-to-left override
  '\u202D',
  '\u2066',
  '\u2069',
  '\u200F',
  '\u061C',
  '\u0301', // a combining mark alone
  'e\u0301',
  'a\u0300\u0316\u0317\u0318',
  '\u0000',
  '\uD800', // lone surrogates
  '\uDBFF',
  '\uDC00',
  '\uDFFF',
  '\uFEFF',
  '\uFFFD',
  '\uFFFF',
  '\u{10FFFF}',
  '\u{1D400}',
  '\u2581',
  ' ',
  '   ',
  '\t',
  '\n',
  '\r\n',
  '\u00A0',
  '\u3000',
  '\u2028',
  '日本語',
  '我爱自然语言处理',
  '한국어',
  'ﬁ',
  'Ａ１',
  'İ',
  'ß',
  '<|endoftext|>',
  '[CLS]',
  '[SEP]',
  '[UNK]',
  '##',
  'Ġ',
  '<0x41>',
  '<s>',
  '\n<s>\n',
  '!!!',
  '...',
  '?! ',
  'A. ',
  'Dr. ',
  'e.g. ',
  '"',
  "'",
  '([',
  'aaaa',
  'the ',
  'The cat sat. ',
];

/** A text of up to 40 pieces: random code points, graphemes, ASCII, and NASTY_PIECES. */
export const nastyText = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
      { weight: 4, arbitrary: fc.constantFrom(...NASTY_PIECES) },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 12 }) },
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

/** Runs `f`; returns its value, or the error when it is a Firth error; anything else fails the test. */
export function firthOnly<T>(f: () => T, isFirthError: (e: unknown) => boolean): T | Error {
  try {
    return f();
  } catch (e) {
    if (isFirthError(e)) return e as Error;
    throw e;
  }
}

/** x as UTF-8 carries it: lone surrogates become U+FFFD (String.prototype.toWellFormed). */
export const viaUtf8 = (x: string): string =>
  new TextDecoder('utf-8', { ignoreBOM: true }).decode(new TextEncoder().encode(x));
