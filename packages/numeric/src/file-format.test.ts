import { describe, expect, it } from 'vitest';
import {
  checkFiniteValues,
  checkJson,
  FormatError,
  isFirthError,
  parseJson,
  readJson,
  shape,
  ValidationError,
} from './index.js';

const vocab = shape.object({
  version: shape.optional(shape.literal('1.0')),
  vocab: shape.record(shape.integer({ min: 0 })),
  merges: shape.array(shape.union(shape.string(), shape.tuple(shape.string(), shape.string()))),
});

describe('FormatError and JSON shapes', () => {
  it('a FormatError is a ValidationError naming the file and the place', () => {
    const e = new FormatError('model.safetensors', 'tensor "w"', 'overlaps tensor "b"');
    expect(e).toBeInstanceOf(ValidationError);
    expect(isFirthError(e)).toBe(true);
    expect(isFirthError(new RangeError('x'))).toBe(false);
    expect(e.message).toBe('model.safetensors: tensor "w" overlaps tensor "b"');
    expect(e.name).toBe('FormatError');
  });

  it('parseJson gives the line and column of a syntax error, and refuses invalid UTF-8', () => {
    expect(() => parseJson('{\n  "a": [1, 2,]\n}', 'config.json')).toThrow(
      'config.json: is not valid JSON: unexpected "]" at line 2, column 14',
    );
    expect(() => parseJson(new Uint8Array([0x7b, 0xff, 0x7d]), 'x.json')).toThrow(
      'x.json: is not valid UTF-8',
    );
    expect(parseJson(new TextEncoder().encode('{"a":1}'), 'x.json')).toEqual({ a: 1 });
    expect(() => parseJson('{"a": [1, 2', 'f')).toThrow(
      'f: is not valid JSON: the text ends too early at line 1, column 12',
    );
    expect(() => parseJson('{"a": 1} x', 'f')).toThrow('unexpected "x" at line 1, column 10');
    expect(() => parseJson('['.repeat(100000), 'f')).toThrow('the text ends too early');
    expect(() => parseJson('[true, null, false, "a\\u00e9", -1.5e3, {"k": [tru]}]', 'f')).toThrow(
      'unexpected "t" at line 1, column 47',
    );
  });

  it('uniqueKeys: a key named twice in one object is refused with its JSON path, at any depth', () => {
    const dup = (text: string) => () => parseJson(text, 'h.json', { uniqueKeys: true });
    expect(dup('{"w": 1, "b": 2, "w": 3}')).toThrow('h.json: $.w appears twice in the same object');
    expect(dup('{"w": {"dtype": "F32", "shape": [], "dtype": "F16"}}')).toThrow(
      'h.json: $.w.dtype appears twice',
    );
    expect(dup('{"a": [{"k": 1}, {"x": 0, "k\\u0031": 2, "k1": 3}]}')).toThrow(
      'h.json: $.a[1].k1 appears twice',
    );
    // the same key in sibling objects, a key equal to a string value, escaped quotes in keys: fine
    const ok = '{"a": {"k": "a"}, "b": {"k": "b\\"k"}, "c\\"": [{"k": 1}, {"k": 2}], "k": "k"}';
    expect(parseJson(ok, 'h.json', { uniqueKeys: true })).toEqual(JSON.parse(ok));
    expect(parseJson('{"w": 1, "w": 3}', 'h.json')).toEqual({ w: 3 }); // off by default, as JSON.parse
    expect(() =>
      readJson('{"n": 1, "n": 2}', shape.object({ n: shape.integer() }), 'c.json', { uniqueKeys: true }),
    ).toThrow('c.json: $.n appears twice');
  });

  it('checkJson names the JSON path of the first mismatch', () => {
    expect(() => checkJson({ vocab: { a: 0, 'b c': 'x' }, merges: [] }, vocab, 'tokenizer.json')).toThrow(
      'tokenizer.json: $.vocab["b c"] must be an integer ≥ 0, got the string "x"',
    );
    expect(() => checkJson({ vocab: {}, merges: ['a b', ['a']] }, vocab, 't.json')).toThrow(
      't.json: $.merges[1] must be a string or an array of 2, got an array of 1',
    );
    expect(() => checkJson({ merges: [] }, vocab, 't.json')).toThrow('t.json: $.vocab is missing');
    expect(() => checkJson({ version: '2', vocab: {}, merges: [] }, vocab, 't.json')).toThrow(
      '$.version must be one of "1.0"',
    );
    // `at` names the value's place when it is part of something larger
    expect(() =>
      checkJson(
        { shape: [2, -1] },
        shape.object({ shape: shape.array(shape.integer({ min: 0 })) }),
        'm.safetensors',
        'tensor "w"',
      ),
    ).toThrow('m.safetensors: tensor "w".shape[1] must be an integer ≥ 0, got number -1');
    const ok = checkJson({ vocab: { a: 0 }, merges: ['a b', ['a', 'b']] }, vocab, 't.json');
    expect(ok.vocab.a).toBe(0);
  });

  it('strict objects refuse unknown fields; arrays and records have size limits', () => {
    const s = shape.object({ a: shape.number() }, { strict: true });
    expect(() => checkJson({ a: 1, b: 2 }, s, 'f')).toThrow('f: $.b is not a known field');
    expect(() => checkJson([1, 2, 3], shape.array(shape.number(), { max: 2 }), 'f')).toThrow(
      'f: $ must hold at most 2 items, got 3',
    );
    expect(() => checkJson({ a: 1, b: 2 }, shape.record(shape.any(), { max: 1 }), 'f')).toThrow(
      'must hold at most 1 entries',
    );
    expect(() => readJson('{"a": 1e400}', s, 'f')).toThrow(
      '$.a must be a finite number, got number Infinity',
    );
  });

  it('checkFiniteValues names the first NaN or infinity', () => {
    expect(() =>
      checkFiniteValues(new Float32Array([0, 1, Number.NaN]), 'm.safetensors', 'tensor "w"'),
    ).toThrow('m.safetensors: tensor "w" holds NaN at index 2');
    expect(() => checkFiniteValues([Number.NEGATIVE_INFINITY], 'f', 'w')).toThrow(
      'holds -Infinity at index 0',
    );
    expect(() => checkFiniteValues(new Float32Array([0, -1e38]), 'f', 'w')).not.toThrow();
  });
});
