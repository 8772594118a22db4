/**
 * Property tests of every tokenizer (fast-check, fixed seeds, bounded runs) on hostile Unicode —
 * any code point, lone surrogates, ZWJ sequences, bidi controls, combining marks, NUL
 * (arbitraries.ts):
 *   - encode throws nothing (not even a Firth error: every tokenizer here accepts any text);
 *   - every id is an integer of the vocabulary;
 *   - decode(encode(x)) is x (x.toWellFormed()) where the tokenizer promises it — byte-level BPE,
 *     basic BPE, llama2.c with byte fallback, char on its alphabet — (tokenizers.ts says why the
 *     others do not);
 *   - encoding is deterministic, and a second instance (another cache) gives the same ids;
 *   - WordPiece's longest-first truncation keeps a prefix of each segment, within maxLength.
 */
import { isFirthError } from '@firth/numeric';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { firthOnly, nastyText } from './arbitraries.ts';
import { charTokenizer, fresh, TOKENIZERS, wordPiece } from './tokenizers.ts';

const RUNS = { seed: 20261206, numRuns: 300 };

describe.each(TOKENIZERS)('$name on hostile Unicode', (tok) => {
  test('never throws; ids are integers in [0, vocabSize); deterministic', () => {
    fc.assert(
      fc.property(nastyText, (x) => {
        const ids = tok.encode(x);
        for (const id of ids)
          expect(Number.isInteger(id) && id >= 0 && id < tok.vocabSize, `id ${id}`).toBe(true);
        expect(tok.encode(x)).toEqual(ids);
        const other = fresh[tok.name];
        if (other) expect(other(x)).toEqual(ids);
      }),
      RUNS,
    );
  });
});

// where a tokenizer promises a round trip it is checked; the others must still decode their own ids
const ROUND_TRIP = TOKENIZERS.filter((t) => typeof t.roundTrip === 'function');
const DECODE_ONLY = TOKENIZERS.filter((t) => typeof t.roundTrip !== 'function' && t.decode !== undefined);

describe.each(ROUND_TRIP)('$name on hostile Unicode', (tok) => {
  test('decode(encode(x)) === x (lone surrogates → U+FFFD)', () => {
    fc.assert(
      fc.property(nastyText, (x) => {
        expect(tok.decode!(tok.encode(x))).toBe((tok.roundTrip as (x: string) => string)(x));
      }),
      RUNS,
    );
  });
});

describe.each(DECODE_ONLY)('$name on hostile Unicode', (tok) => {
  test('decode never throws on encode’s ids', () => {
    fc.assert(
      fc.property(nastyText, (x) => {
        expect(typeof tok.decode!(tok.encode(x))).toBe('string');
      }),
      RUNS,
    );
  });
});

describe('char tokenizer (tiny Shakespeare, no <unk>)', () => {
  const alphabet = charTokenizer.vocab.pieces;
  test('round-trips every text over its alphabet', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 200 }), (chars) => {
        const x = chars.join('');
        expect(charTokenizer.decode(charTokenizer.encode(x))).toBe(x);
      }),
      RUNS,
    );
  });
  test('any other text: the ids, or a ValidationError naming the unknown character', () => {
    fc.assert(
      fc.property(nastyText, (x) => {
        const r = firthOnly(() => charTokenizer.encode(x), isFirthError);
        if (r instanceof Error) expect(r.message).toMatch(/^unknown character .* at index \d+/s);
        else expect(charTokenizer.decode(r)).toBe(x);
      }),
      RUNS,
    );
  });
});

describe('WordPiece encodePlus: longest-first truncation', () => {
  test('within maxLength; each segment keeps a prefix of its pieces; the longer one is cut first', () => {
    fc.assert(
      fc.property(nastyText, nastyText, fc.integer({ min: 3, max: 40 }), (a, b, maxLength) => {
        const e = wordPiece.encodePlus(a, b, { maxLength });
        const ta = wordPiece.tokenize(a);
        const tb = wordPiece.tokenize(b);
        // [CLS] A [SEP] B [SEP]: the segments are told apart by tokenTypeIds
        const gotA = e.tokens.slice(1, e.tokenTypeIds.indexOf(1) - 1);
        const gotB = e.tokens.slice(e.tokenTypeIds.indexOf(1), -1);
        expect(e.ids.length).toBeLessThanOrEqual(maxLength);
        expect(ta.slice(0, gotA.length)).toEqual(gotA);
        expect(tb.slice(0, gotB.length)).toEqual(gotB);
        // Hugging Face's longest_first: one token at a time from the longer (B on a tie)
        let [la, lb] = [ta.length, tb.length];
        while (la + lb > maxLength - 3)
          if (la > lb) la--;
          else lb--;
        expect([gotA.length, gotB.length]).toEqual([la, lb]);
      }),
      RUNS,
    );
  });
});
