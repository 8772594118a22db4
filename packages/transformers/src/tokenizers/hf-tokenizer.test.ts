import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError, ValidationError } from './base.js';
import { autoTokenizerFromFiles } from './hf-auto.js';
import { loadAutoTokenizer } from './hf-folder.js';
import { HfTokenizer } from './hf-tokenizer.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
/** No lone surrogate (String.prototype.isWellFormed, which the project's ES lib target lacks). */
const wellFormed = (s: string) => !/\p{Cs}/u.test(s);
/** Any code point, lone surrogates included (filtered out where a test needs well-formed text). */
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
const readFixture = (name: string, file: string) => readFileSync(join(fixture(name), file), 'utf8');

describe('T5-style Unigram folder (Precompiled + Strip + Replace, Metaspace, "$A </s>")', async () => {
  const t5 = await loadAutoTokenizer(fixture('hf-tok-t5'));

  it('encodes with the best segmentation and ends in </s>', () => {
    // "▁Hello" (−6) beats "▁He" + "llo" (−9.5); "▁world" (−7) beats "▁w" + "or" + "ld" (−14.5)
    expect(t5.tokenize('Hello world')).toEqual(['▁Hello', '▁world']);
    expect(t5.encodePlus('Hello world')).toMatchObject({
      ids: [5, 15, 1],
      tokens: ['▁Hello', '▁world', '</s>'],
      attentionMask: [1, 1, 1],
      specialTokensMask: [0, 0, 1],
    });
    expect(t5.encode('Hello world', { addSpecialTokens: false })).toEqual([5, 15]);
    expect(t5.encode('Hello world', { pair: 'Hello' })).toEqual([5, 15, 1, 5, 1]);
  });

  it('normalizes first: ligatures and fullwidth forms, trailing space, runs of spaces', () => {
    // Precompiled: ﬁ → fi, Ａ → A, ① → 1; then Metaspace: ▁final ▁A1 → ▁fin al ▁A 1
    expect(t5.tokenize('ﬁnal Ａ①')).toEqual(['▁fin', 'al', '▁A', '1']);
    // Strip(right) drops the trailing spaces; Replace(" {2,}" → "▁") turns the three spaces into one
    // "▁"; Metaspace makes the leading space "▁" (so prepends none) and splits before each "▁"
    expect(t5.tokenize(' Hello   world  ')).toEqual(['▁Hello', '▁world']);
    expect(t5.decode(t5.encode('ﬁnal Ａ①'), { skipSpecialTokens: true })).toBe('final A1');
  });

  it('keeps added tokens whole, fuses unknown text into <unk>, and skips specials on request', () => {
    const e = t5.encodePlus('xyz Hello<extra_id_0> world</s>');
    expect(e.tokens).toEqual(['▁', 'xyz', '▁Hello', '<extra_id_0>', '▁world', '</s>', '</s>']);
    expect(e.ids).toEqual([3, 2, 5, 41, 15, 1, 1]);
    expect(t5.decode(e.ids)).toBe('<unk> Hello<extra_id_0> world</s></s>');
    expect(t5.decode(e.ids, { skipSpecialTokens: true })).toBe(' Hello world');
    // the sentinels count down after the pieces, as in t5-small (<extra_id_0> = 32099)
    expect(t5.tokenToId('<extra_id_1>')).toBe(40);
    expect(t5.idToToken(41)).toBe('<extra_id_0>');
    expect(t5.vocabSize).toBe(42);
    expect(t5.specialToken('eos_token')).toBe('</s>');
  });

  it('truncates to maxLength, special tokens included', () => {
    expect(t5.encode('Hello world Hello', { maxLength: 3 })).toEqual([5, 15, 1]);
    expect(t5.encode('Hello world', { pair: 'world Hello', maxLength: 4 })).toEqual([5, 1, 15, 1]);
    expect(() => t5.encode('a', { maxLength: 0 })).toThrow(ValidationError);
  });

  it('is linear in long runs of spaces and long words (Strip does not backtrack)', () => {
    const t = performance.now();
    // Strip(right) with /\s+$/ retried at each of the 300,000 spaces took minutes
    expect(t5.tokenize(`Hello${' '.repeat(300_000)}world`)).toEqual(['▁Hello', '▁world']);
    // ▁ab, then a + b for each other "ab" (the vocabulary has no "ab"), then </s>
    expect(t5.encode('ab'.repeat(200_000))).toHaveLength(1 + 2 * 199_999 + 1);
    expect(performance.now() - t).toBeLessThan(5000);
  });

  it('clean_up_tokenization_spaces: the config’s default, or the option', () => {
    const ids = t5.encode('Hello .', { addSpecialTokens: false });
    expect(t5.decode(ids)).toBe('Hello .');
    expect(t5.decode(ids, { cleanUpTokenizationSpaces: true })).toBe('Hello.');
  });

  it('refuses ids outside the vocabulary', () => {
    expect(() => t5.decode([5, 999])).toThrow('ids[1] = 999 is not an id of this vocabulary (0..41)');
  });
});

describe('a lossless Unigram (byte_fallback): decode(encode(x)) = x', async () => {
  const tok = await loadAutoTokenizer(fixture('hf-tok-unigram-bytes'));

  it('spells unknown characters in bytes', () => {
    expect(tok.tokenize('a€b')).toEqual(['▁a', '<0xE2>', '<0x82>', '<0xAC>', 'b']);
    // prepend_scheme "first": no "▁" after the added token <s>
    expect(tok.tokenize('<s>ab')).toEqual(['<s>', 'ab']);
    // ▁ab (−5) beats ▁ + ab (−6) and ▁a + b (−6.5)
    expect(tok.encode('ab')).toEqual([1, tok.tokenToId('▁ab')]);
  });

  it('round-trips random well-formed Unicode (not starting with a space, without "▁")', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.oneof(fc.constantFrom('a', 'b', 'ab', ' ', 'é', '<s>'), anyCodePoint))
          .map((units) => units.join(''))
          .filter((s) => wellFormed(s) && !s.startsWith(' ') && !s.includes('▁')),
        (s) => {
          expect(tok.decode(tok.encode(s, { addSpecialTokens: false }))).toBe(s);
          // (skipping "<s>" inside the text can leave a "▁" first, which the decoder drops)
          if (!s.includes('<s>')) expect(tok.decode(tok.encode(s), { skipSpecialTokens: true })).toBe(s);
        },
      ),
      { numRuns: 400, seed: 19 },
    );
  });
});

describe("RoBERTa's byte-level BPE: tokenizer.json, or vocab.json + merges.txt", async () => {
  const fast = await loadAutoTokenizer(fixture('hf-tok-roberta'));
  const slow = await loadAutoTokenizer(fixture('hf-tok-roberta-slow'));

  it('wraps the text in <s> … </s>; a pair as <s> A </s></s> B </s>', () => {
    expect(fast.encodePlus('Hello world')).toMatchObject({
      tokens: ['<s>', 'Hello', 'Ġworld', '</s>'],
      tokenTypeIds: [0, 0, 0, 0],
    });
    const ids = (t: string) => fast.tokenToId(t)!;
    expect(fast.encode('Hello world')).toEqual([0, ids('Hello'), ids('Ġworld'), 2]);
    // no merge "t he" (only "Ġt he"): "the" without its space stays two pieces
    expect(fast.encodePlus('Hello', { pair: 'the' }).tokens).toEqual([
      '<s>',
      'Hello',
      '</s>',
      '</s>',
      't',
      'he',
      '</s>',
    ]);
    // GPT-2's regex keeps the space with the next word; merges build "ĠHello" and "Ġthe"
    expect(fast.tokenize(' Hello the world')).toEqual(['ĠHello', 'Ġthe', 'Ġworld']);
    expect(fast.decode(fast.encode(' Hello the world'), { skipSpecialTokens: true })).toBe(
      ' Hello the world',
    );
  });

  it('<mask> swallows the space before it (lstrip)', () => {
    const e = fast.encodePlus('Hello <mask> world');
    expect(e.tokens).toEqual(['<s>', 'Hello', ' <mask>', 'Ġworld', '</s>']);
    expect(e.ids[2]).toBe(fast.tokenToId('<mask>'));
    expect(fast.decode(e.ids, { skipSpecialTokens: true })).toBe('Hello world');
  });

  it('the slow files give the same tokenizer', () => {
    for (const text of [
      'Hello world',
      ' Hello the world',
      'Hello <mask> world',
      'naïve 🤖 in are',
      '<s>the</s>',
    ])
      expect(slow.encodePlus(text, { pair: 'the world' })).toEqual(
        fast.encodePlus(text, { pair: 'the world' }),
      );
  });

  it('add_prefix_space from tokenizer_config.json makes the first word look like the others', () => {
    const config = JSON.parse(readFixture('hf-tok-roberta', 'tokenizer_config.json'));
    for (const files of [
      { 'tokenizer.json': readFixture('hf-tok-roberta', 'tokenizer.json') },
      {
        'vocab.json': readFixture('hf-tok-roberta-slow', 'vocab.json'),
        'merges.txt': readFixture('hf-tok-roberta-slow', 'merges.txt'),
      },
    ]) {
      const tok = autoTokenizerFromFiles({
        ...files,
        'tokenizer_config.json': JSON.stringify({ ...config, add_prefix_space: true }),
      });
      expect(tok.tokenize('Hello world')).toEqual(['ĠHello', 'Ġworld']);
    }
  });

  it('round-trips random well-formed Unicode', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.oneof(fc.constantFrom('Hello', ' the', ' ', '\n', 'é'), anyCodePoint))
          .map((units) => units.join(''))
          .filter((s) => wellFormed(s)),
        (s) => {
          expect(fast.decode(fast.encode(s), { skipSpecialTokens: true })).toBe(s);
        },
      ),
      { numRuns: 300, seed: 18 },
    );
  });
});

describe('Llama-3-style BPE (Split regex + ByteLevel, ignore_merges) and Mistral/Zephyr-style BPE (byte_fallback)', async () => {
  const llama = await loadAutoTokenizer(fixture('hf-tok-llama3'));
  const zephyr = await loadAutoTokenizer(fixture('hf-tok-zephyr'));

  it("Llama 3's regex: case-insensitive contractions, numbers in threes", () => {
    expect(llama.tokenize("IT'S 12345 'S")).toEqual(['I', 'T', "'S", 'Ġ', '123', '4', '5', 'Ġ', "'", 'S']);
    // ignore_merges: "ĠHi" is in the vocabulary (without merges leading to it) and taken whole
    expect(llama.tokenize('Hi Hi')).toEqual(['Hi', 'ĠHi']);
    expect(llama.encode('Hi')[0]).toBe(llama.tokenToId('<|begin_of_text|>'));
    // its tokenizer_config.json sets clean_up_tokenization_spaces: true
    expect(llama.decode(llama.encode('Hi .', { addSpecialTokens: false }))).toBe('Hi.');
  });

  it('Zephyr: "▁" normalizer, bytes for characters outside the vocabulary, decoder strips the first space', () => {
    expect(zephyr.tokenize('Hi the')).toEqual(['▁Hi', '▁the']);
    expect(zephyr.tokenize('Hi€')).toEqual(['▁Hi', '<0xE2>', '<0x82>', '<0xAC>']);
    expect(zephyr.encode('Hi')[0]).toBe(1);
    expect(zephyr.decode(zephyr.encode('Hi€ the!'), { skipSpecialTokens: true })).toBe('Hi€ the!');
  });
});

describe('malformed files: a FormatError naming the folder, the file and the field', () => {
  const t5 = JSON.parse(readFixture('hf-tok-t5', 'tokenizer.json'));
  const load = (json: unknown) => () =>
    autoTokenizerFromFiles({ 'tokenizer.json': JSON.stringify(json) }, 'models/t5');

  it('names the field', () => {
    expect(load({ ...t5, model: { ...t5.model, vocab: [['<pad>', 0], 'x'] } })).toThrow(
      'models/t5: tokenizer.json $.model.vocab[1] must be an array',
    );
    expect(load({ ...t5, model: { ...t5.model, type: 'Bogus' } })).toThrow(
      /tokenizer.json \$.model.type "Bogus" is not a model this library runs \(it runs Unigram, BPE, WordPiece, WordLevel\)/,
    );
    expect(
      load({ ...t5, pre_tokenizer: { type: 'Split', pattern: { Regex: '(' }, behavior: 'Isolated' } }),
    ).toThrow('$.pre_tokenizer.pattern.Regex is a regular expression JavaScript cannot compile');
    expect(load({ ...t5, added_tokens: [{ ...t5.added_tokens[0], id: 3 }] })).toThrow(
      'tokenizer.json $.added_tokens[0] gives "<pad>" the id 3, but model.vocab gives it 0',
    );
    expect(load({ ...t5, model: undefined })).toThrow('tokenizer.json $ has no "model" object');
    expect(() => autoTokenizerFromFiles({ 'tokenizer.json': '{"model": ' }, 'models/t5')).toThrow(
      FormatError,
    );
    const bpe = JSON.parse(readFixture('hf-tok-roberta', 'tokenizer.json'));
    expect(load({ ...bpe, model: { ...bpe.model, merges: ['Ġ zz'] } })).toThrow(
      'tokenizer.json $.model.merges[0] = "Ġ zz": both pieces and their concatenation must be in model.vocab',
    );
    expect(load({ ...bpe, model: { ...bpe.model, dropout: 0.1 } })).toThrow('$.model.dropout is 0.1');
  });

  it('fuzz: any field replaced by a wrong value gives a Firth error, never a crash', () => {
    const paths: Array<Array<string | number>> = [];
    const walk = (v: unknown, path: Array<string | number>) => {
      if (
        path.length > 0 &&
        !(path[0] === 'model' && path[1] === 'vocab' && typeof path[2] === 'number' && path[2] > 3)
      )
        paths.push(path);
      if (Array.isArray(v)) for (const [i, x] of v.slice(0, 6).entries()) walk(x, [...path, i]);
      else if (typeof v === 'object' && v !== null)
        for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    walk(t5, []);
    fc.assert(
      fc.property(
        fc.constantFrom(...paths),
        fc.constantFrom<unknown>(null, 7, -1, 'x', '', [], {}, [1, 2], { type: 'NFC' }, true, 1e300),
        (path, value) => {
          const copy = structuredClone(t5);
          let o = copy;
          for (const k of path.slice(0, -1)) o = o[k];
          o[path.at(-1)!] = value;
          try {
            const tok = autoTokenizerFromFiles({ 'tokenizer.json': JSON.stringify(copy) }, 'models/t5');
            tok.decode(tok.encode('Hello ﬁnal <extra_id_0> xyz'));
          } catch (e) {
            expect(e).toBeInstanceOf(ValidationError);
          }
        },
      ),
      { numRuns: 500, seed: 18 },
    );
  });

  it('a folder without tokenizer files, or with a SentencePiece layout it does not read, is refused with advice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firth-auto-tok-'));
    await expect(loadAutoTokenizer(dir)).rejects.toThrow(/no tokenizer files/);
    writeFileSync(join(dir, 'sentencepiece.bpe.model'), 'x');
    await expect(loadAutoTokenizer(dir)).rejects.toThrow(/has sentencepiece.bpe.model but no tokenizer.json/);
    // a spiece.model is read, and a broken one named
    writeFileSync(join(dir, 'spiece.model'), 'x');
    await expect(loadAutoTokenizer(dir)).rejects.toThrow(new RegExp(`^${dir}: spiece.model .*varint`));
  });

  it('HfTokenizer.fromJSON reads the object or its text', () => {
    const tok = HfTokenizer.fromJSON(readFixture('hf-tok-t5', 'tokenizer.json'));
    expect(tok.tokenize('Hello')).toEqual(['▁Hello']);
    expect(HfTokenizer.fromJSON(t5).model.type).toBe('Unigram');
  });
});
