/** What the learner typed, read as the numbers the core wants; each error names the field. */

/** A finite number from a text field; the range checks are the core's (its errors name the option). */
export function parseNumber(label: string, text: string): number {
  const t = text.trim();
  if (t === '') throw new Error(`${label} is empty: type a number.`);
  const v = Number(t);
  if (!Number.isFinite(v)) throw new Error(`${label} must be a number, got "${t}".`);
  return v;
}

/** "8, 8" → [8, 8]: hidden-layer sizes, comma-separated whole numbers. */
export function parseLayers(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) {
    throw new Error(
      `Hidden layers must be whole numbers ≥ 1 separated by commas (such as 8, 8), got "${text.trim()}".`,
    );
  }
  return parts.map(Number);
}
