import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormatError } from './base.js';
import { compileRegex } from './hf-json.js';
import { PrecompiledCharsMap, readNormalizer } from './hf-normalizers.js';
import { type Encoded, readDecoder, readPostProcessor } from './hf-post.js';
import { readPreTokenizer, splitByMatches } from './hf-pre-tokenizers.js';

const at = (path: string) => ({ file: 'tokenizer.json', path });
const normalize = (step: unknown, text: string) => readNormalizer(step, at('$.normalizer'))!(text);
const preTokenize = (step: unknown, text: string, atStart = true) =>
  readPreTokenizer(step, at('$.pre_tokenizer'))!([{ text, atStart }]).map((w) => w.text);
const decode = (step: unknown, tokens: string[]) => readDecoder(step, at('$.decoder'))!(tokens).join('');
const t5Json = JSON.parse(
  readFileSync(new URL('../../fixtures/hf-tok-t5/tokenizer.json', import.meta.url), 'utf8'),
) as { normalizer: { normalizers: Array<{ precompiled_charsmap: string }> } };

describe('normalizers', () => {
  it('Unicode forms, Lowercase (per character), Strip, StripAccents, Prepend, Replace', () => {
    expect(normalize({ type: 'NFKC' }, 'ﬁ①')).toBe('fi1');
    expect(normalize({ type: 'NFD' }, 'é')).toBe('e\u0301');
    // per character: the final-sigma rule of String.toLowerCase does not apply (as Rust's char::to_lowercase)
    expect(normalize({ type: 'Lowercase' }, 'ΟΔΟΣ')).toBe('οδοσ');
    expect(normalize({ type: 'Strip', strip_left: false, strip_right: true }, '  a \u00a0')).toBe('  a');
    expect(
      normalize({ type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'StripAccents' }] }, 'Crème'),
    ).toBe('Creme');
    expect(normalize({ type: 'Prepend', prepend: '▁' }, 'Hi')).toBe('▁Hi');
    expect(normalize({ type: 'Prepend', prepend: '▁' }, '')).toBe('');
    expect(normalize({ type: 'Replace', pattern: { String: ' ' }, content: '▁' }, 'a b  c')).toBe('a▁b▁▁c');
    expect(normalize({ type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' }, 'a b   c')).toBe(
      'a b c',
    );
    // "$&" in the content is text, not a back-reference
    expect(normalize({ type: 'Replace', pattern: { String: 'a' }, content: '$&$&' }, 'a')).toBe('$&$&');
    expect(normalize({ type: 'BertNormalizer', lowercase: true }, 'Héllo\tWorld')).toBe('hello world');
    expect(normalize({ type: 'Nmt' }, 'a\u0001b\u200bc')).toBe('ab c');
  });

  it("Precompiled: SentencePiece's charsmap (darts-clone trie), grapheme by grapheme", () => {
    // the fixture's rules (generate_hf_tokenizers.py): ﬁ→fi, Ａ→A, ①→1, NBSP→" ", e+◌́→é, …→...
    const step = {
      type: 'Precompiled',
      precompiled_charsmap: t5Json.normalizer.normalizers[0]!.precompiled_charsmap,
    };
    expect(normalize(step, 'ﬁnal Ａ①')).toBe('final A1');
    expect(normalize(step, 'cafe\u0301!')).toBe('café!');
    expect(normalize(step, 'a\u00a0b…')).toBe('a b...');
    expect(normalize(step, 'plain ascii, 中文 🤖')).toBe('plain ascii, 中文 🤖');
    // a SentencePiece model with the identity normalization is saved without a map
    expect(
      readNormalizer({ type: 'Precompiled', precompiled_charsmap: null }, at('$.normalizer')),
    ).toBeNull();
  });

  it('a bad charsmap is a FormatError naming the field', () => {
    const where = at('$.normalizer.precompiled_charsmap');
    expect(() => PrecompiledCharsMap.fromBase64('!!!', where)).toThrow(
      'tokenizer.json: $.normalizer.precompiled_charsmap is not base64',
    );
    // declares a 400-byte trie in 8 bytes
    expect(() => PrecompiledCharsMap.fromBase64(btoa('\x90\x01\0\0abcd'), where)).toThrow(
      /declares a trie of 400 bytes/,
    );
    expect(() => normalize({ type: 'Precompiled', precompiled_charsmap: 7 }, 'a')).toThrow(
      '$.normalizer.precompiled_charsmap must be a string',
    );
  });

  it('an unknown normalizer is refused by name', () => {
    expect(() =>
      normalize({ type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Bogus' }] }, 'a'),
    ).toThrow(
      /^tokenizer.json: \$.normalizer.normalizers\[1\].type "Bogus" is not a normalizer this library runs/,
    );
    expect(() => normalize({ type: 'Replace', pattern: { Regex: '(' }, content: '' }, 'a')).toThrow(
      /\$.normalizer.pattern.Regex is a regular expression JavaScript cannot compile/,
    );
  });
});

describe('pre-tokenizers', () => {
  it('the five split behaviours, as the tokenizers documentation shows them on "the-final--countdown"', () => {
    const text = 'the-final--countdown';
    const dashes = [...text.matchAll(/-/g)].map((m): [number, number] => [m.index, m.index + 1]);
    expect(splitByMatches(text, dashes, 'Removed')).toEqual(['the', 'final', 'countdown']);
    expect(splitByMatches(text, dashes, 'Isolated')).toEqual(['the', '-', 'final', '-', '-', 'countdown']);
    expect(splitByMatches(text, dashes, 'MergedWithPrevious')).toEqual(['the-', 'final-', '-', 'countdown']);
    expect(splitByMatches(text, dashes, 'MergedWithNext')).toEqual(['the', '-final', '-', '-countdown']);
    expect(splitByMatches(text, dashes, 'Contiguous')).toEqual(['the', '-', 'final', '--', 'countdown']);
    expect(splitByMatches(text, dashes, 'Removed', true)).toEqual(['-', '-', '-']);
  });

  it('Metaspace: "▁" for spaces, prepended always / first / never, split before each "▁"', () => {
    const m = (scheme: string, split = true) => ({
      type: 'Metaspace',
      replacement: '▁',
      prepend_scheme: scheme,
      split,
    });
    expect(preTokenize(m('always'), 'Hey friend!')).toEqual(['▁Hey', '▁friend!']);
    expect(preTokenize(m('always'), 'Hey  friend')).toEqual(['▁Hey', '▁', '▁friend']);
    expect(preTokenize(m('always', false), 'Hey friend')).toEqual(['▁Hey▁friend']);
    expect(preTokenize(m('never'), 'Hey friend')).toEqual(['Hey', '▁friend']);
    // "first": only where the text begins the input, not after an added token
    expect(preTokenize(m('first'), 'Hey', true)).toEqual(['▁Hey']);
    expect(preTokenize(m('first'), 'Hey', false)).toEqual(['Hey']);
    // files before tokenizers 0.14: add_prefix_space instead of prepend_scheme
    expect(preTokenize({ type: 'Metaspace', replacement: '▁', add_prefix_space: false }, 'a b')).toEqual([
      'a',
      '▁b',
    ]);
  });

  it('Whitespace, WhitespaceSplit, Punctuation, Digits, CharDelimiterSplit, BertPreTokenizer, Sequence', () => {
    expect(preTokenize({ type: 'Whitespace' }, "Hello there! It's 3.5")).toEqual([
      'Hello',
      'there',
      '!',
      'It',
      "'",
      's',
      '3',
      '.',
      '5',
    ]);
    expect(preTokenize({ type: 'WhitespaceSplit' }, ' Hello\tthere!\n')).toEqual(['Hello', 'there!']);
    expect(preTokenize({ type: 'Punctuation', behavior: 'Isolated' }, 'Hi!?x')).toEqual([
      'Hi',
      '!',
      '?',
      'x',
    ]);
    expect(preTokenize({ type: 'Punctuation', behavior: 'MergedWithPrevious' }, 'Hi!x')).toEqual([
      'Hi!',
      'x',
    ]);
    expect(preTokenize({ type: 'Digits', individual_digits: true }, 'Call 123')).toEqual([
      'Call ',
      '1',
      '2',
      '3',
    ]);
    expect(preTokenize({ type: 'Digits', individual_digits: false }, 'Call 123')).toEqual(['Call ', '123']);
    expect(preTokenize({ type: 'CharDelimiterSplit', delimiter: '|' }, 'a|b||c')).toEqual(['a', 'b', 'c']);
    expect(preTokenize({ type: 'BertPreTokenizer' }, "Hey, it's")).toEqual(['Hey', ',', 'it', "'", 's']);
    expect(
      preTokenize(
        {
          type: 'Sequence',
          pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Digits', individual_digits: true }],
        },
        'ab12 c',
      ),
    ).toEqual(['ab', '1', '2', 'c']);
  });

  it("Split with a regex (Llama 3's pattern: its (?i:…) group) and ByteLevel", () => {
    const llama3 =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    const split = { type: 'Split', pattern: { Regex: llama3 }, behavior: 'Isolated', invert: false };
    expect(preTokenize(split, "IT'S 12345 we'LL")).toEqual(['IT', "'S", ' ', '123', '45', ' we', "'LL"]);
    expect(compileRegex('(?i:ab\\p{L})', at('$')).source).toBe('(?:[aA][bB]\\p{L})');
    expect(preTokenize({ type: 'Split', pattern: { String: ', ' }, behavior: 'Removed' }, 'a, b, c')).toEqual(
      ['a', 'b', 'c'],
    );
    // GPT-2's regex, then each byte as a printable character (space → Ġ)
    expect(preTokenize({ type: 'ByteLevel', add_prefix_space: true, use_regex: true }, 'Hi  there')).toEqual([
      'ĠHi',
      'Ġ',
      'Ġthere',
    ]);
    expect(preTokenize({ type: 'ByteLevel', add_prefix_space: false, use_regex: false }, 'é x')).toEqual([
      'Ã©Ġx',
    ]);
  });

  it('refuses an unknown pre-tokenizer or behaviour by name', () => {
    expect(() => preTokenize({ type: 'UnicodeScripts' }, 'a')).toThrow(
      /\$.pre_tokenizer.type "UnicodeScripts" is not a pre-tokenizer this library runs/,
    );
    expect(() => preTokenize({ type: 'Punctuation', behavior: 'Sideways' }, 'a')).toThrow(
      '$.pre_tokenizer.behavior "Sideways" is not one of Removed, Isolated',
    );
    expect(() => preTokenize({ type: 'Metaspace', prepend_scheme: 'sometimes' }, 'a')).toThrow(
      '$.pre_tokenizer.prepend_scheme "sometimes" is not one of always, first, never',
    );
    expect(() => preTokenize({ type: 'Split', pattern: 'x' }, 'a')).toThrow(FormatError);
  });
});

describe('decoders', () => {
  it('ByteLevel, Metaspace, WordPiece, BPEDecoder, ByteFallback, Fuse, Strip, Replace, Sequence', () => {
    expect(decode({ type: 'ByteLevel' }, ['Hello', 'Ġw', 'Ã©', 'ĠðŁ', '¤ĸ'])).toBe('Hello wé 🤖');
    // a cut UTF-8 sequence → U+FFFD; a piece with a character outside the byte alphabet is its own UTF-8
    expect(decode({ type: 'ByteLevel' }, ['Ã', '<s>', '中'])).toBe('\uFFFD<s>中');
    expect(
      decode({ type: 'Metaspace', replacement: '▁', prepend_scheme: 'always' }, ['▁Hey', '▁friend']),
    ).toBe('Hey friend');
    expect(
      decode({ type: 'Metaspace', replacement: '▁', prepend_scheme: 'never' }, ['▁Hey', '▁friend']),
    ).toBe(' Hey friend');
    expect(
      decode({ type: 'WordPiece', prefix: '##', cleanup: true }, [
        'un',
        '##aff',
        '##able',
        '.',
        'I',
        'do not',
      ]),
    ).toBe(
      // cleanup runs on each piece (as the Rust library): " do not" → " don't"
      "unaffable. I don't",
    );
    expect(decode({ type: 'WordPiece', prefix: '##', cleanup: false }, ['hi', '.'])).toBe('hi .');
    expect(decode({ type: 'BPEDecoder', suffix: '</w>' }, ['hel', 'lo</w>', 'world</w>'])).toBe(
      'hello world',
    );
    expect(
      readDecoder({ type: 'ByteFallback' }, at('$'))!(['<0xE2>', '<0x82>', '<0xAC>', 'a', '<0xE2>', 'b']),
    ).toEqual(['€', 'a', '\uFFFD', 'b']);
    expect(readDecoder({ type: 'Fuse' }, at('$'))!(['a', 'b'])).toEqual(['ab']);
    expect(readDecoder({ type: 'Strip', content: ' ', start: 1, stop: 0 }, at('$'))!(['  a ', ' b'])).toEqual(
      [' a ', 'b'],
    );
    const llama = {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    };
    expect(decode(llama, ['▁Hello', '▁', '<0xF0>', '<0x9F>', '<0xA4>', '<0x96>', '!'])).toBe('Hello 🤖!');
  });

  it('refuses what it does not run', () => {
    expect(() => decode({ type: 'CTC' }, [])).toThrow(
      /\$.decoder.type "CTC" is not a decoder this library runs/,
    );
    expect(() => decode({ type: 'Strip', content: 'ab' }, [])).toThrow(
      '$.decoder.content must be one character',
    );
  });
});

describe('post-processors', () => {
  const enc = (ids: number[], typeId = 0): Encoded => ({
    ids,
    tokens: ids.map(String),
    typeIds: ids.map(() => typeId),
    special: ids.map(() => false),
  });
  const run = (step: unknown, a: Encoded, b?: Encoded) =>
    readPostProcessor(step, at('$.post_processor'))!(b ? [a, b] : [a]);

  it('TemplateProcessing, BertProcessing, RobertaProcessing', () => {
    const t5 = {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '</s>', type_id: 1 } },
      ],
      special_tokens: { '</s>': { id: '</s>', ids: [1], tokens: ['</s>'] } },
    };
    expect(run(t5, enc([7, 8]))[0]!.ids).toEqual([7, 8, 1]);
    const pair = run(t5, enc([7]), enc([9], 1))[0]!;
    expect(pair.ids).toEqual([7, 1, 9, 1]);
    expect(pair.typeIds).toEqual([0, 0, 1, 1]);
    expect(pair.special).toEqual([false, true, false, true]);
    const bert = { type: 'BertProcessing', cls: ['[CLS]', 101], sep: ['[SEP]', 102] };
    expect(run(bert, enc([5]), enc([6], 1))[0]!).toMatchObject({
      ids: [101, 5, 102, 6, 102],
      typeIds: [0, 0, 0, 1, 1],
    });
    const roberta = { type: 'RobertaProcessing', cls: ['<s>', 0], sep: ['</s>', 2] };
    expect(run(roberta, enc([5]))[0]!.ids).toEqual([0, 5, 2]);
    expect(run(roberta, enc([5]), enc([6], 1))[0]!).toMatchObject({
      ids: [0, 5, 2, 2, 6, 2],
      typeIds: [0, 0, 0, 0, 0, 0],
    });
  });

  it('names a template token missing from special_tokens', () => {
    expect(() =>
      readPostProcessor(
        { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<x>' } }], special_tokens: {} },
        at('$.post_processor'),
      ),
    ).toThrow('$.post_processor.single[0].SpecialToken.id "<x>" is not in $.post_processor.special_tokens');
  });
});
