/**
 * What a node's `rounded` field must hold (README "Numbers you can read"): for each listed field,
 * the same structure as the exact value, every number within half a unit of the 4th decimal of it
 * and written with at most 4 decimals; everything else equal. Independent of the rounding code.
 */
import { expect } from 'vitest';

export function expectRoundedBeside(json: Record<string, unknown>, fields: readonly string[]): void {
  const rounded = json.rounded as Record<string, unknown> | undefined;
  expect(rounded, 'rounded').toBeTypeOf('object');
  for (const field of fields) {
    expect(rounded, `rounded.${field}`).toHaveProperty([field]);
    compare(json[field], rounded![field], `rounded.${field}`);
  }
}

function compare(exact: unknown, rounded: unknown, where: string): void {
  if (typeof exact === 'number') {
    expect(rounded, where).toBeTypeOf('number');
    expect(Math.abs((rounded as number) - exact), where).toBeLessThanOrEqual(0.00005 + 1e-12);
    expect((String(rounded).split('.')[1] ?? '').length, `${where} = ${rounded}`).toBeLessThanOrEqual(4);
    expect(Object.is(rounded, -0), `${where} is -0`).toBe(false);
  } else if (Array.isArray(exact)) {
    expect(rounded, where).toBeInstanceOf(Array);
    expect((rounded as unknown[]).length, where).toBe(exact.length);
    for (const [i, e] of exact.entries()) compare(e, (rounded as unknown[])[i], `${where}[${i}]`);
  } else if (exact !== null && typeof exact === 'object') {
    expect(Object.keys(rounded as object).sort(), where).toEqual(Object.keys(exact).sort());
    for (const [k, e] of Object.entries(exact))
      compare(e, (rounded as Record<string, unknown>)[k], `${where}.${k}`);
  } else {
    expect(rounded, where).toEqual(exact);
  }
}
