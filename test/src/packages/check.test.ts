/**
 * The `// →` checker of the package tier (check.ts): the convention's comparison rules.
 */
import { describe, expect, it } from 'vitest';
import {
  check,
  ExpectedNumber,
  expectedNumber,
  matchesExpected,
  mismatch,
  type throws,
  toleranceOf,
} from './check.ts';

const n = (text: string) => expectedNumber(Number(text), text);

describe('toleranceOf: half a unit of the last decimal written', () => {
  it.each([
    ['0.7699', 5e-5],
    ['3', 0.5],
    ['3.000', 5e-4],
    ['-0.2', 0.05],
    ['1.5e-3', 5e-5],
    ['2e3', 500],
    ['617', 0.5],
  ])('%s → %s', (text, tolerance) => {
    expect(toleranceOf(text)).toBeCloseTo(tolerance, 15);
  });
});

describe('numbers', () => {
  it('match within the written precision and not beyond', () => {
    expect(matchesExpected(0.76994, n('0.7699'))).toBe(true);
    expect(matchesExpected(0.76986, n('0.7699'))).toBe(true);
    expect(matchesExpected(0.76996, n('0.7699'))).toBe(false);
    expect(matchesExpected(3.4, n('3'))).toBe(true);
    expect(matchesExpected(3.4, n('3.000'))).toBe(false);
    expect(matchesExpected(3.0004, n('3.000'))).toBe(true);
    expect(matchesExpected(-0.24, n('-0.2'))).toBe(true);
    expect(matchesExpected(-0.26, n('-0.2'))).toBe(false);
  });

  it('a bound exactly half a unit away still matches (binary rounding of the bound)', () => {
    expect(matchesExpected(0.15, n('0.1'))).toBe(true);
    expect(matchesExpected(0.1500001, n('0.1'))).toBe(false);
  });

  it('computed expected numbers get the precision of their shortest form', () => {
    expect(matchesExpected(0.34, 0.3)).toBe(true);
    expect(matchesExpected(0.36, 0.3)).toBe(false);
  });

  it('NaN matches NaN; infinities match only themselves; a string is not a number', () => {
    expect(matchesExpected(Number.NaN, Number.NaN)).toBe(true);
    expect(matchesExpected(1, Number.NaN)).toBe(false);
    expect(matchesExpected(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe(true);
    expect(matchesExpected(1e308, Number.POSITIVE_INFINITY)).toBe(false);
    expect(mismatch('3', n('3'))).toBe('expected 3, got "3" (not a number)');
  });
});

describe('strings', () => {
  it('end in … to match a prefix, otherwise exactly', () => {
    expect(matchesExpected('Once upon a time there was', 'Once upon a time…')).toBe(true);
    expect(matchesExpected('Once upon a tide', 'Once upon a time…')).toBe(false);
    expect(matchesExpected('<svg width="10">', '<svg …')).toBe(true);
    expect(matchesExpected('cereal', 'cereal')).toBe(true);
    expect(matchesExpected('cereals', 'cereal')).toBe(false);
    expect(matchesExpected('…', '…')).toBe(true);
  });
});

describe('arrays and typed arrays', () => {
  it('same length, element-wise, with the numbers’ tolerances', () => {
    expect(matchesExpected([['queen', 0.76994]], [['queen', n('0.7699')]])).toBe(true);
    expect(mismatch([['queen', 0.7]], [['queen', n('0.7699')]])).toBe(
      'expected 0.7699, got 0.7 at [0][1] (±0.00005)',
    );
    expect(mismatch([1, 2, 3], [1, 2])).toBe('expected 2 items, got 3: [1, 2, 3]');
  });

  it('a trailing "…" element makes the given elements a prefix', () => {
    expect(matchesExpected([1, 2, 3, 4], [1, 2, '…'])).toBe(true);
    expect(matchesExpected([1], [1, 2, '…'])).toBe(false);
    expect(matchesExpected([9, 2, 3], [1, 2, '…'])).toBe(false);
  });

  it('typed arrays compare like arrays, either side', () => {
    expect(matchesExpected(new Float32Array([0.1, 0.25]), [n('0.1'), n('0.25')])).toBe(true);
    expect(matchesExpected([1, 2], new Int32Array([1, 2]))).toBe(true);
    expect(matchesExpected(new Float64Array([1, 2, 3]), [1, '…'])).toBe(true);
    expect(matchesExpected(new Float32Array([1, 2]), [1, 3])).toBe(false);
    expect(matchesExpected({ length: 1, 0: 1 }, [1])).toBe(false);
  });
});

describe('objects', () => {
  it('plain objects: only the keys written are checked', () => {
    const trace = { epoch: 1, index: 1, inputs: [0, 1], z: 0, output: 1, weights: [0.3, -0.2], bias: 0 };
    expect(matchesExpected(trace, { epoch: 1, weights: [n('0.3'), n('-0.2')] })).toBe(true);
    expect(mismatch(trace, { epoch: 2 })).toBe('expected 2, got 1 at .epoch (±0.5)');
    expect(mismatch(trace, { missing: 1 })).toBe('expected 1, got undefined at .missing (not a number)');
  });

  it('class instances by their properties, the same way', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    expect(matchesExpected(new Point(1, 2), { x: 1 })).toBe(true);
    expect(matchesExpected(new Point(1, 2), { y: 3 })).toBe(false);
    expect(matchesExpected(null, { x: 1 })).toBe(false);
  });

  it('null, undefined, booleans and bigints by identity', () => {
    expect(matchesExpected(null, null)).toBe(true);
    expect(matchesExpected(undefined, null)).toBe(false);
    expect(matchesExpected(true, true)).toBe(true);
    expect(matchesExpected(10n, 10n)).toBe(true);
  });
});

describe('check: one asserted statement', () => {
  const site = { line: 7, code: 'f()', expected: '…' };
  const capture = async (actual: () => unknown, expected: (t: typeof throws) => unknown) => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (m: string) => errors.push(m);
    try {
      await check(actual, expected, site);
    } finally {
      console.error = original;
    }
    return errors;
  };

  it('throws(...) passes when the statement throws with that text, and fails otherwise', async () => {
    const thrower = () => {
      throw new Error('X[1][0] must be a finite number');
    };
    expect(await capture(thrower, (t) => t('must be a finite'))).toEqual([]);
    const wrongText = await capture(thrower, (t) => t('must be positive'));
    expect(wrongText[0]).toContain(
      'expected a throw containing "must be positive", got: X[1][0] must be a finite',
    );
    const noThrow = await capture(
      () => 1,
      (t) => t('boom'),
    );
    expect(noThrow[0]).toContain('expected a throw containing "boom", got the value 1');
  });

  it('awaits a promise value and names the README line in a failure', async () => {
    expect(
      await capture(
        () => Promise.resolve(2),
        () => 2,
      ),
    ).toEqual([]);
    const failed = await capture(
      () => Promise.resolve(2),
      () => new ExpectedNumber(3, 0.5, '3'),
    );
    expect(failed[0]).toBe('firth-check FAILED README line 7: f() // → …\n  expected 3, got 2 (±0.5)');
  });

  it('reports a statement that throws unexpectedly', async () => {
    const failed = await capture(
      () => {
        throw new TypeError('nope');
      },
      () => 1,
    );
    expect(failed[0]).toContain('the statement threw: TypeError: nope');
  });
});
