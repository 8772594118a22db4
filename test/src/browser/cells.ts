/**
 * Reading values off n8n's output table as a learner sees them, and comparing them with a lesson's.
 *
 * A cell shows a number or a string as it is; an array or an object as nested `key:value` lines
 * (`coef` [[0.2, 0.2]] is shown as `0` / `0:0.2` / `1:0.2`). `leaves()` returns those values in
 * order, `numbers()` the numeric ones.
 */
import { expect } from 'vitest';
import type { TableRow } from './editor.js';

/** What one cell must show: a number (±1e-6), a string (exact), a pattern, a boolean, numbers in
 * order (a nested array, ±1e-6), `null` (anything), or a check of its own. */
export type Cell = number | string | RegExp | boolean | number[] | null | ((text: string) => void);

const KEY_VALUE = /^[^:\s]+\s*:/;

/** The leaf values a cell shows, in order (nested arrays and objects flattened). */
export function leaves(text: string): string[] {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (!lines.some((l) => KEY_VALUE.test(l))) return lines.length > 0 ? [lines.join('\n')] : [];
  // nested: `key:value` lines are leaves; bare `key` lines open a nested array or object
  return lines.filter((l) => KEY_VALUE.test(l)).map((l) => l.slice(l.indexOf(':') + 1).trim());
}

/** The values under one key of a nested cell (`n` of each source: `0` / `n:1` / `source:…`). */
export function leavesOf(text: string, key: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => KEY_VALUE.test(l) && l.slice(0, l.indexOf(':')).trim() === key)
    .map((l) => l.slice(l.indexOf(':') + 1).trim());
}

/** The numbers a cell shows, in order. */
export function numbers(text: string): number[] {
  return leaves(text)
    .map((v) => Number(v))
    .filter((n) => !Number.isNaN(n));
}

/**
 * The string a cell shows, its line breaks restored: n8n's table marks each line break of a string
 * with a visible `\n` (`ROMEO:\nWhat say you`), in a span of its own.
 */
export function shownText(cell: string): string {
  return cell.replace(/\\n/g, '\n');
}

export function expectCell(text: string | undefined, expected: Cell, where: string): void {
  expect(text, `${where}: no such column in the table`).toBeDefined();
  const shown = shownText(text!);
  if (expected === null) return;
  if (typeof expected === 'function') {
    expected(shown);
    return;
  }
  if (typeof expected === 'number') {
    const value = Number(shown);
    expect(Number.isNaN(value), `${where}: "${shown}" is not a number`).toBe(false);
    expect(
      Math.abs(value - expected),
      `${where}: shows ${shown}, the lesson's value is ${expected}`,
    ).toBeLessThan(1e-6);
    return;
  }
  if (typeof expected === 'boolean') {
    expect(shown, where).toBe(String(expected));
    return;
  }
  if (expected instanceof RegExp) {
    expect(shown, where).toMatch(expected);
    return;
  }
  if (Array.isArray(expected)) {
    const got = numbers(shown);
    expect(
      got.length,
      `${where}: shows ${JSON.stringify(got)}, the lesson's values are ${JSON.stringify(expected)}`,
    ).toBe(expected.length);
    for (const [i, e] of expected.entries())
      expect(
        Math.abs(got[i]! - e),
        `${where}[${i}]: shows ${got[i]}, the lesson's value is ${e}`,
      ).toBeLessThan(1e-6);
    return;
  }
  expect(shown, where).toBe(expected);
}

/** Every listed column, row by row: `columns[header][i]` against row i. */
export function expectColumns(rows: TableRow[], columns: Record<string, Cell[]>, node: string): void {
  for (const [header, cells] of Object.entries(columns)) {
    expect(
      rows.length,
      `${node}: the table shows ${rows.length} rows, the lesson ${cells.length}`,
    ).toBeGreaterThanOrEqual(cells.length);
    const headers = Object.keys(rows[0] ?? {});
    expect(headers, `${node}: no column "${header}" (columns: ${headers.join(', ')})`).toContain(header);
    for (const [i, cell] of cells.entries())
      expectCell(rows[i]?.[header], cell, `${node} › row ${i + 1} › ${header}`);
  }
}
