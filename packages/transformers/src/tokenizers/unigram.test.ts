import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from './base.js';
import { UNK_PENALTY, UnigramModel } from './unigram.js';

const at = { file: 'tokenizer.json', path: '$.model' };

/**
 * The definition, by brute force: every way to cut `word` into vocabulary pieces, where a
 * character no piece of its own length starts with may also be one unknown piece scored
 * min(score) − 10 (the lattice of SentencePiece / the Rust library); the best total score.
 */
function bruteForceBest(
  word: string,
  pieces: ReadonlyArray<readonly [string, number]>,
  unkId: number,
): number {
  const score = new Map<string, number>();
  for (const [p, s] of pieces) if (!score.has(p)) score.set(p, s);
  const unk = Math.min(...pieces.map(([, s]) => s)) - UNK_PENALTY;
  let best = Number.NEGATIVE_INFINITY;
  const walk = (pos: number, total: number) => {
    if (pos === word.length) {
      best = Math.max(best, total);
      return;
    }
    const charLength = word.codePointAt(pos)! > 0xffff ? 2 : 1;
    for (let end = pos + 1; end <= word.length; end++) {
      const s = score.get(word.slice(pos, end));
      if (s !== undefined) walk(end, total + s);
    }
    if (!score.has(word.slice(pos, pos + charLength)) && unkId >= 0) walk(pos + charLength, total + unk);
  };
  walk(0, 0);
  return best;
}

/** The score of a segmentation as `segment` returns it (unknown runs: one unknown per character). */
function scoreOf(pieces: string[], model: UnigramModel): number {
  const unk = Math.min(...model.pieces.map(([, s]) => s)) - UNK_PENALTY;
  let total = 0;
  for (const p of pieces) {
    const id = model.idOf(p);
    if (id !== undefined && id !== model.unkId) total += model.pieces[id]![1];
    else total += [...p].length * unk;
  }
  return total;
}

describe('Unigram (SentencePiece): Viterbi over the pieces’ log-probabilities', () => {
  const vocab: Array<[string, number]> = [
    ['<unk>', 0],
    ['▁', -2],
    ['▁ab', -3],
    ['▁a', -3],
    ['bc', -3],
    ['b', -8],
    ['c', -5],
    ['▁fin', -6],
    ['▁fi', -6.5],
    ['n', -4],
    ['al', -5],
    ['a', -4],
    ['l', -4],
  ];
  const model = new UnigramModel(vocab, 0);

  it('finds the most likely cut, not the greedy longest match', () => {
    // ▁ab + c = −8 (greedy), ▁a + bc = −6 (best), ▁ + a + bc = −9, ▁a + b + c = −16
    expect(model.segment('▁abc')).toEqual(['▁a', 'bc']);
    // ▁fin + al = −11; ▁fi + n + al = −15.5; ▁fin + a + l = −14
    expect(model.segment('▁final')).toEqual(['▁fin', 'al']);
    expect(model.tokenize('▁final')).toEqual([7, 10]);
  });

  it('fuses a run of unknown characters into one unknown token', () => {
    // "x", "y" have no piece: each is an unknown node (score −18), fused when adjacent
    expect(model.segment('▁xya')).toEqual(['▁', 'xy', 'a']);
    expect(model.tokenize('▁xya')).toEqual([1, 0, 11]);
    expect(model.tokenizeWithPieces('▁xya').tokens).toEqual(['▁', 'xy', 'a']);
  });

  it('byte_fallback spells an unknown run in <0x..> pieces when it has them all', () => {
    const bytes: Array<[string, number]> = [0xe2, 0x82, 0xac].map((b) => [
      `<0x${b.toString(16).toUpperCase()}>`,
      -20,
    ]);
    const m = new UnigramModel([...vocab, ...bytes], 0, true);
    expect(m.tokenizeWithPieces('a€a').tokens).toEqual(['a', '<0xE2>', '<0x82>', '<0xAC>', 'a']);
    // "é" is C3 A9: a byte piece is missing, so it stays one unknown
    expect(m.tokenize('é')).toEqual([0]);
  });

  it('without an unknown piece, an unspellable character is a ValidationError', () => {
    const m = new UnigramModel([['a', -1]], null);
    expect(m.tokenize('aa')).toEqual([0, 0]);
    expect(() => m.tokenize('ab')).toThrow(
      /"b" is not in the Unigram vocabulary, which has no unknown piece/,
    );
  });

  it('equals the brute-force best segmentation on random vocabularies and words', () => {
    const alphabet = ['a', 'b', 'c', '▁', '🤖'];
    const piece = fc
      .array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 3 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.tuple(
            piece,
            fc.integer({ min: -400, max: -1 }).map((s) => s / 40),
          ),
          {
            minLength: 1,
            maxLength: 12,
            selector: ([p]) => p,
          },
        ),
        fc.array(fc.constantFrom(...alphabet, 'x'), { minLength: 1, maxLength: 9 }).map((cs) => cs.join('')),
        (pieces, word) => {
          const m = new UnigramModel([['<unk>', 0], ...pieces.filter(([p]) => p !== '<unk>')], 0);
          const cut = m.segment(word);
          expect(cut.join('')).toBe(word);
          expect(scoreOf(cut, m)).toBeCloseTo(bruteForceBest(word, m.pieces, 0), 9);
        },
      ),
      { numRuns: 300, seed: 18 },
    );
  });

  it('reads tokenizer.json’s model strictly, naming the field', () => {
    const ok = UnigramModel.fromJSON(
      {
        type: 'Unigram',
        unk_id: 0,
        vocab: [
          ['<unk>', 0],
          ['a', -1],
        ],
      },
      at,
    );
    expect(ok.tokenize('aa')).toEqual([1, 1]);
    const bad = (model: unknown) => () => UnigramModel.fromJSON(model, at);
    expect(bad({ vocab: [['<unk>', 0], ['a']] })).toThrow(FormatError);
    expect(bad({ vocab: [['<unk>', 0], ['a']] })).toThrow(
      'tokenizer.json: $.model.vocab[1] must be [piece, score]',
    );
    expect(bad({ vocab: [['a', 'x']] })).toThrow('$.model.vocab[0][1] must be a finite number');
    expect(
      bad({
        vocab: [
          ['a', -1],
          ['a', -2],
        ],
      }),
    ).toThrow('$.model.vocab[1] repeats the piece "a" of $.model.vocab[0]');
    expect(bad({ unk_id: 5, vocab: [['a', -1]] })).toThrow(
      '$.model.unk_id is 5, but the vocabulary has ids 0..0',
    );
    expect(bad({ vocab: [] })).toThrow('$.model.vocab is empty');
    expect(bad({ vocab: {} })).toThrow('$.model.vocab must be an array');
    expect(bad({ vocab: [['a', -1]], byte_fallback: 'yes' })).toThrow(
      '$.model.byte_fallback must be true or false',
    );
  });
});
