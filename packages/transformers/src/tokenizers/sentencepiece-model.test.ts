import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FormatError, ValidationError } from './base.js';
import { autoTokenizerFromFiles } from './hf-auto.js';
import { loadAutoTokenizer } from './hf-folder.js';
import { readSentencePieceModel, sentencePieceToTokenizerJSON } from './sentencepiece-model.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
const spiece = new Uint8Array(readFileSync(join(fixture('hf-tok-t5-spm'), 'spiece.model')));

describe('a SentencePiece spiece.model (protobuf ModelProto), as 🤗 SpmConverter reads it', () => {
  it('reads the pieces, their scores and types, and the normalizer spec', () => {
    const m = readSentencePieceModel(spiece);
    expect(m.pieces).toHaveLength(40);
    expect(m.pieces.slice(0, 4)).toEqual([
      { piece: '<pad>', score: 0, type: 3 },
      { piece: '</s>', score: 0, type: 3 },
      { piece: '<unk>', score: 0, type: 2 },
      { piece: '▁', score: -2, type: 1 },
    ]);
    // float32 on disk: −4.2 comes back as the nearest float32
    expect(m.pieces.find((p) => p.piece === 'or')!.score).toBe(Math.fround(-4.2));
    expect(m).toMatchObject({ modelType: 1, byteFallback: false, addDummyPrefix: true });
    expect(m.precompiledCharsmap!.length).toBeGreaterThan(4);
  });

  it('gives the tokenizer the same folder’s tokenizer.json describes (T5: "$A </s>", sentinels counting down)', async () => {
    const slow = await loadAutoTokenizer(fixture('hf-tok-t5-spm'));
    const fast = await loadAutoTokenizer(fixture('hf-tok-t5'));
    expect(slow.vocabSize).toBe(42);
    for (const text of [
      'Hello world',
      ' Hello   world  ',
      'ﬁnal Ａ①',
      'cafe\u0301 café…',
      'abc xyz<extra_id_0>',
      '</s>qq',
    ])
      expect(slow.encodePlus(text, { pair: 'the world' })).toEqual(
        fast.encodePlus(text, { pair: 'the world' }),
      );
    const ids = fast.encode('Hello ﬁnal world');
    expect(slow.decode(ids, { skipSpecialTokens: true })).toBe('Hello final world');
  });

  it("ALBERT: [CLS] $A [SEP] and AlbertConverter's normalizers (quotes, accents, case)", () => {
    const vocab = [
      ['<pad>', 0, 3],
      ['<unk>', 0, 2],
      ['[CLS]', 0, 3],
      ['[SEP]', 0, 3],
      ['▁', -2, 1],
      ['▁"', -3, 1],
      ['▁cafe', -4, 1],
    ] as const;
    // a ModelProto written by hand: field 1 pieces {1 piece, 2 score (float32), 3 type}
    const enc = new TextEncoder();
    const bytes: number[] = [];
    for (const [piece, score, type] of vocab) {
      const p = enc.encode(piece);
      const f = new Uint8Array(new Float32Array([score]).buffer);
      const msg = [0x0a, p.length, ...p, 0x15, ...f, 0x18, type];
      bytes.push(0x0a, msg.length, ...msg);
    }
    const albert = autoTokenizerFromFiles({
      'spiece.model': Uint8Array.from(bytes),
      'tokenizer_config.json': JSON.stringify({ tokenizer_class: 'AlbertTokenizer' }),
    });
    // `` → ", É → e (NFKD + StripAccents), lowercase: ▁" ▁cafe
    expect(albert.encodePlus('``  CAFÉ')).toMatchObject({
      tokens: ['[CLS]', '▁"', '▁cafe', '[SEP]'],
      ids: [2, 5, 6, 3],
    });
    expect(albert.encodePlus('cafe', { pair: 'cafe' }).tokenTypeIds).toEqual([0, 0, 0, 1, 1]);
  });

  it('a broken or non-Unigram model is a FormatError naming the file and the field', () => {
    expect(() => readSentencePieceModel(spiece.subarray(0, 100))).toThrow(FormatError);
    expect(() => readSentencePieceModel(spiece.subarray(0, 100))).toThrow(
      /^spiece.model: pieces\[\d+\]|^spiece.model: field 1 claims/,
    );
    // a ModelProto with one piece and trainer_spec.model_type = BPE (2)
    const piece = [0x0a, 0x05, 0x0a, 0x01, 0x61, 0x10, 0x02];
    const bpe = Uint8Array.from([...piece, 0x12, 0x02, 0x18, 0x02]);
    expect(() => sentencePieceToTokenizerJSON(bpe)).toThrow(
      'spiece.model: trainer_spec.model_type is BPE; this library reads Unigram SentencePiece models',
    );
    expect(() => readSentencePieceModel(new Uint8Array())).toThrow('spiece.model: pieces is empty');
    expect(() => readSentencePieceModel(Uint8Array.from([0x0b]))).toThrow('wire type 3');
    expect(() => autoTokenizerFromFiles({ 'sentencepiece.bpe.model': spiece }, 'models/xlmr')).toThrow(
      ValidationError,
    );
    expect(() =>
      autoTokenizerFromFiles({ 'source.spm': spiece, 'vocab.json': '{}' }, 'models/opus-mt'),
    ).toThrow('models/opus-mt: vocab.json $ has no id for the unknown token <unk>');
  });
});

describe('Marian (Helsinki-NLP/opus-mt-*): source.spm segments, vocab.json numbers', async () => {
  const marian = await loadAutoTokenizer(fixture('hf-tok-marian'));

  it('encodes with the SentencePiece pieces and vocab.json ids, then </s>', () => {
    expect(marian.encodePlus('This is amazing.')).toMatchObject({
      tokens: ['▁This', '▁is', '▁amazing', '.', '</s>'],
      ids: [8, 9, 10, 7, 0],
    });
    // "▁xyzzy" is a piece of source.spm but not in vocab.json: <unk>
    expect(marian.encodePlus('xyzzy')).toMatchObject({ tokens: ['▁xyzzy', '</s>'], ids: [1, 0] });
    // a language token is kept whole
    expect(marian.encode('>>fr<< This')).toEqual([2, 8, 0]);
    expect(marian.encode('This', { pair: 'is' })).toEqual([8, 9, 0]);
  });

  it('decodes target-language ids as SentencePiece joins pieces', () => {
    expect(marian.decode([3, 4, 5, 6, 7, 0], { skipSpecialTokens: true })).toBe("C'est incroyable.");
    expect(marian.decode(marian.encode('This is amazing.'))).toBe('This is amazing.</s>');
    expect(marian.vocabSize).toBe(15);
    expect(marian.tokenToId('<pad>')).toBe(14);
  });
});
