/**
 * Numbers a person can read (README "Numbers you can read"): beside the exact numbers a node
 * outputs, `rounded` holds the same fields with every number rounded to DISPLAY_DECIMALS (4)
 * places by @firth/numeric's roundDeep — 0.19999999999999998 reads 0.2, a decision value of
 * -2.7755575615628914e-17 reads 0. The exact fields stay for expressions and the next node. An item
 * that already carries `rounded` (Sigmoid then Tanh…) keeps those fields and gains the new ones.
 *
 *   withRounded({ x: -3, sigmoid: 0.04742587317756679 }, ['sigmoid'])
 *   // { x: -3, sigmoid: 0.04742587317756679, rounded: { sigmoid: 0.0474 } }
 */
import { roundDeep } from '@firth/numeric';
import type { IDataObject } from 'n8n-workflow';

/** `json` with `rounded` last: its `fields` (those present) with every number rounded. */
export function withRounded(json: IDataObject, fields: readonly string[]): IDataObject {
  const present = fields.filter((f) => f !== 'rounded' && json[f] !== undefined);
  if (present.length === 0) return json;
  const { rounded: before, ...rest } = json;
  const kept = before !== null && typeof before === 'object' && !Array.isArray(before) ? before : {};
  const exact = Object.fromEntries(present.map((f) => [f, rest[f]]));
  return { ...rest, rounded: { ...(kept as IDataObject), ...(roundDeep(exact) as IDataObject) } };
}
