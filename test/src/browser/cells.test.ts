/**
 * Reading n8n's output table (cells.ts) on cell texts as Chromium returns them (innerText of the
 * Table view's cells in n8n 2.41, copied from the browser tier's runs).
 */
import { describe, expect, it } from 'vitest';
import { expectCell, expectColumns, leaves, leavesOf, numbers } from './cells.js';

// MLP (course XOR) › coefs: [[[2.71…, 3.27…], [-2.73…, -3.17…]], [[-4.37…], [4.46…]]]
const COEFS =
  '0\n0\n0:2.7144501001242287\n1:3.2740121792398877\n1\n0:-2.7341845253772354\n1:-3.1701404787837304\n1\n0\n0:-4.377752114143125\n1\n0:4.4655387609739705';
// Firth RAG Answer › sources (two of them)
const SOURCES =
  '0\nn:1\nsource:bert.md\nsection:BERT > What it is\n1\nn:2\nsource:bert.md\nsection:BERT > How it is trained';

describe('leaves / numbers', () => {
  it('flattens a nested array shown as key:value lines, in order', () => {
    expect(numbers(COEFS)).toEqual([
      2.7144501001242287, 3.2740121792398877, -2.7341845253772354, -3.1701404787837304, -4.377752114143125,
      4.4655387609739705,
    ]);
  });

  it('reads a plain number or string cell as one value', () => {
    expect(leaves('617')).toEqual(['617']);
    expect(numbers('0.027936818437021074')).toEqual([0.027936818437021074]);
    expect(leaves('queen')).toEqual(['queen']);
    expect(leaves('')).toEqual([]);
  });

  it('reads the values under one key of a list of objects', () => {
    expect(leavesOf(SOURCES, 'n')).toEqual(['1', '2']);
    expect(leavesOf(SOURCES, 'source')).toEqual(['bert.md', 'bert.md']);
    expect(leavesOf('llama2c-tinystories:9\ngpt-4o:7', 'gpt-4o')).toEqual(['7']);
  });
});

describe('expectCell', () => {
  it('accepts the lesson value within 1e-6 and names the cell when it differs', () => {
    expectCell('0.19999999999999998', 0.2, 'coef');
    expect(() => expectCell('0.25', 0.2, 'Perceptron › row 1 › coef')).toThrow(
      /Perceptron › row 1 › coef: shows 0.25, the lesson's value is 0.2/,
    );
    expect(() => expectCell('n/a', 0.2, 'x')).toThrow(/"n\/a" is not a number/);
  });

  it('compares a nested array element by element', () => {
    expectCell(COEFS, [2.7144501, 3.27401218, -2.73418453, -3.17014048, -4.37775211, 4.46553876], 'coefs');
    expect(() => expectCell(COEFS, [2.7144501, 3.27401218], 'coefs')).toThrow(/coefs: shows/);
    expect(() =>
      expectCell(COEFS, [2.7144501, 3.27401218, -2.73418453, -3.17014048, -4.37775211, 4.5], 'coefs'),
    ).toThrow(/coefs\[5\]: shows 4.4655387609739705, the lesson's value is 4.5/);
  });

  it('matches strings exactly, patterns, booleans, wildcards and checks of their own', () => {
    expectCell('queen', 'queen', 'answer');
    expect(() => expectCell('daughter', 'sister', 'answer')).toThrow();
    // n8n marks a string's line breaks with a visible \n
    expectCell('ROMEO:\\nWhat say you', /^ROMEO:\nWhat/, 'completion');
    expectCell('Word: fast\\nAntonym:', 'Word: fast\nAntonym:', 'prompt');
    expectCell('true', true, 'converged');
    expect(() => expectCell('false', true, 'converged')).toThrow();
    expectCell('anything', null, 'sigmoid');
    expect(() => expectCell('3', (t) => expect(Number(t)).toBeLessThan(1), 'loss')).toThrow();
    expect(() => expectCell(undefined, 1, 'Step › row 1 › relu')).toThrow(/no such column/);
  });
});

describe('expectColumns', () => {
  const rows = [
    { x1: '0', x2: '0', prediction: '0' },
    { x1: '0', x2: '1', prediction: '0' },
    { x1: '1', x2: '0', prediction: '0' },
    { x1: '1', x2: '1', prediction: '1' },
  ];

  it('checks a column row by row', () => {
    expectColumns(rows, { prediction: [0, 0, 0, 1] }, 'Predict AND');
    expect(() => expectColumns(rows, { prediction: [0, 1, 1, 0] }, 'Predict AND')).toThrow(
      /Predict AND › row 2 › prediction/,
    );
  });

  it('says which column is missing and which there are', () => {
    expect(() => expectColumns(rows, { coef: [[0.2, 0.2]] }, 'Predict AND')).toThrow(
      /no column "coef" \(columns: x1, x2, prediction\)/,
    );
  });

  it('fails when the table shows fewer rows than the lesson', () => {
    expect(() => expectColumns(rows.slice(0, 2), { prediction: [0, 0, 0, 1] }, 'Predict AND')).toThrow(
      /shows 2 rows, the lesson 4/,
    );
  });
});
