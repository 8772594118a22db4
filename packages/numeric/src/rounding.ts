/**
 * Numbers a person reads: the float arithmetic that trains the course's models leaves digits such as
 * 0.1 + 0.2 = 0.30000000000000004 or a decision value of -2.7755575615628914e-17 where the hand
 * calculation has 0.3 and 0. Rounding for display only — the exact values stay beside it, for the
 * next computation and for checks.
 */
import { ValidationError } from './validation.js';

/** Decimal places of a number rounded for reading. @default 4 — the course prints 0.268, 0.2, −0.3 */
export const DISPLAY_DECIMALS = 4;

/**
 * `x` rounded to `decimals` decimal places, half away from zero, on the number as it prints (its
 * shortest decimal form, so 1.005 → 1.01 and -2.5 → -3 at 0 places); -0 becomes 0.
 *
 * roundTo(0.19999999999999998) // 0.2
 * roundTo(-2.7755575615628914e-17) // 0
 * roundTo(0.7698541253970399, 3) // 0.77
 */
export function roundTo(x: number, decimals: number = DISPLAY_DECIMALS): number {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 15)
    throw new ValidationError(`decimals must be an integer from 0 to 15, got ${decimals}`, 'decimals');
  if (!Number.isFinite(x) || Number.isInteger(x)) return x === 0 ? 0 : x;
  // shift the decimal point in the printed form (exact), not by multiplying (1.005 * 100 = 100.49…)
  const [digits, exponent] = Math.abs(x).toExponential().split('e') as [string, string];
  const scaled = Math.round(Number(`${digits}e${Number(exponent) + decimals}`));
  const [back, power] = scaled.toExponential().split('e') as [string, string];
  const rounded = Number(`${back}e${Number(power) - decimals}`);
  return rounded === 0 ? 0 : Math.sign(x) * rounded;
}

/** A JSON-like value with every number rounded by `roundTo`: arrays and plain objects are copied. */
export type Rounded<T> = T extends number
  ? number
  : T extends readonly (infer E)[]
    ? Rounded<E>[]
    : T extends object
      ? { [K in keyof T]: Rounded<T[K]> }
      : T;

/**
 * Every number inside `value` (nested arrays, typed arrays, plain objects) rounded by `roundTo`;
 * strings, booleans and null are kept.
 *
 * roundDeep({ weights: [0.19999999999999998, -0.1], bias: -0.30000000000000004 })
 * // { weights: [0.2, -0.1], bias: -0.3 }
 */
export function roundDeep<T>(value: T, decimals: number = DISPLAY_DECIMALS): Rounded<T> {
  roundTo(0, decimals); // checks `decimals` once, also for a value without numbers
  const walk = (v: unknown): unknown => {
    if (typeof v === 'number') return roundTo(v, decimals);
    if (Array.isArray(v)) return v.map(walk);
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as Float64Array, walk);
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as Rounded<T>;
}
