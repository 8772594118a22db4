import { describe, expect, it } from 'vitest';
import { DISPLAY_DECIMALS, roundDeep, roundTo } from './rounding.js';
import { ValidationError } from './validation.js';

describe('roundTo', () => {
  it('reads the float noise of the perceptron lesson as the hand calculation does', () => {
    // 0.3 − 0.1 (w₁ after the third step), 0.2 − 0.1 − 0.1 − 0.1 − 0.2 (the bias), −0.1 + 0.1 − …
    expect(0.3 - 0.1).toBe(0.19999999999999998);
    expect(roundTo(0.3 - 0.1)).toBe(0.2);
    expect(roundTo(-0.30000000000000004)).toBe(-0.3);
    expect(roundTo(-2.7755575615628914e-17)).toBe(0);
    expect(Object.is(roundTo(-2.7755575615628914e-17), 0)).toBe(true); // not -0
    expect(DISPLAY_DECIMALS).toBe(4);
  });

  it('rounds half away from zero on the printed digits', () => {
    expect(roundTo(1.005, 2)).toBe(1.01); // 1.005 * 100 is 100.49999999999999
    expect(roundTo(-1.005, 2)).toBe(-1.01);
    expect(roundTo(2.5, 0)).toBe(3);
    expect(roundTo(-2.5, 0)).toBe(-3);
    expect(roundTo(0.00005)).toBe(0.0001);
    expect(roundTo(0.7698541253970399, 3)).toBe(0.77);
    expect(roundTo(2.7144501001242287)).toBe(2.7145);
    expect(roundTo(123456789.125, 2)).toBe(123456789.13);
    expect(roundTo(1234567.5, 15)).toBe(1234567.5); // 1.2345675e21 once scaled: printed with an exponent
    expect(roundTo(0.1 + 0.2, 15)).toBe(0.3);
  });

  it('keeps integers, infinities and NaN, and refuses a bad number of decimals', () => {
    expect(roundTo(17)).toBe(17);
    expect(roundTo(1e21 + 0.5)).toBe(1e21);
    expect(roundTo(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(roundTo(Number.NaN)).toBeNaN();
    expect(() => roundTo(0.5, -1)).toThrow(ValidationError);
    expect(() => roundTo(0.5, 1.5)).toThrow('decimals must be an integer from 0 to 15, got 1.5');
    expect(() => roundTo(0.5, 16)).toThrow(ValidationError);
  });
});

describe('roundDeep', () => {
  it('rounds every number of nested arrays, typed arrays and objects, and keeps the rest', () => {
    const exact = {
      weights: [0.19999999999999998, -0.1],
      bias: -0.30000000000000004,
      trace: [{ epoch: 1, z: -0.10000000000000003, inputs: [1, 1], converged: true, note: null }],
      probabilities: Float64Array.from([0.9851586739211872, 0.014841326078812864]),
      label: 'positive',
    };
    expect(roundDeep(exact)).toEqual({
      weights: [0.2, -0.1],
      bias: -0.3,
      trace: [{ epoch: 1, z: -0.1, inputs: [1, 1], converged: true, note: null }],
      probabilities: [0.9852, 0.0148],
      label: 'positive',
    });
    expect(roundDeep([[0.12345, 0.98765]], 2)).toEqual([[0.12, 0.99]]);
    expect(exact.weights[0]).toBe(0.19999999999999998); // a copy: the exact values stay
    expect(() => roundDeep('no numbers', 99)).toThrow(ValidationError);
  });
});
