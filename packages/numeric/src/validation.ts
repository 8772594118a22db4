/**
 * Input validation shared by every estimator, in the spirit of scikit-learn's `check_X_y`:
 * a model never trains on a ragged matrix, a string where a number belongs, NaN or Infinity.
 *
 * Every error names the problem and where it is (row, column, field), because the same message
 * reaches a person through an n8n node, a LangChain tool call or an HTTP response.
 */

/**
 * The longest message a Firth error carries. A message that quotes what the user sent (a field
 * name, a word, a path) must not become a 10 MB string in an n8n execution or an HTTP body.
 */
export const MAX_MESSAGE_LENGTH = 1000;

/** `message` cut to `max` characters, saying how long it was. */
export function clipMessage(message: string, max = MAX_MESSAGE_LENGTH): string {
  if (message.length <= max) return message;
  const tail = ` … (message cut: ${message.length} characters)`;
  return message.slice(0, Math.max(0, max - tail.length)) + tail;
}

/**
 * A value the user gave, for a message: JSON-quoted and cut to `max` characters.
 *
 * quote('bank') // '"bank"'
 * quote('word '.repeat(2e6)) // '"word word word … word wo…" (10000000 characters)'
 */
export function quote(value: string, max = 60): string {
  return value.length <= max
    ? JSON.stringify(value)
    : `${JSON.stringify(`${value.slice(0, max)}…`)} (${value.length} characters)`;
}

/** Raised for bad input; `path` locates the offending value (e.g. `X[2][1]`, `y[3]`). */
export class ValidationError extends Error {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(clipMessage(message));
    this.name = 'ValidationError';
  }
}

/** A dense row-major matrix of float64 values, as plain arrays (the estimator API's input). */
export type Matrix = number[][];

function describe(value: unknown): string {
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (value === null) return 'null';
  if (value === undefined) return 'nothing (undefined)';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `a value of type ${typeof value}`;
}

/**
 * Checks that `value` is a finite number.
 *
 * checkFinite(0.5, 'X[0][1]') // 0.5
 * checkFinite('abc', 'X[0][1]') // throws: X[0][1] must be a finite number, got the string "abc"
 */
export function checkFinite(value: unknown, path: string): number {
  if (typeof value !== 'number') {
    throw new ValidationError(`${path} must be a finite number, got ${describe(value)}`, path);
  }
  if (!Number.isFinite(value)) {
    throw new ValidationError(`${path} must be a finite number, got ${value}`, path);
  }
  return value;
}

/**
 * Checks a feature matrix: a non-empty array of equally long, non-empty rows of finite numbers.
 * Returns a copy, so a caller mutating its input later cannot change a trained model.
 *
 * checkMatrix([[0, 1], [1]], 'X') // throws: X is ragged: row 1 has 1 value, row 0 has 2
 */
export function checkMatrix(X: unknown, name = 'X', options: { nFeatures?: number } = {}): Matrix {
  if (!Array.isArray(X))
    throw new ValidationError(`${name} must be an array of rows, got ${describe(X)}`, name);
  if (X.length === 0) throw new ValidationError(`${name} is empty: at least one row is needed`, name);
  const out: Matrix = [];
  let width = -1;
  for (let i = 0; i < X.length; i++) {
    const row: unknown = X[i];
    if (!Array.isArray(row)) {
      throw new ValidationError(
        `${name}[${i}] must be an array of numbers, got ${describe(row)}`,
        `${name}[${i}]`,
      );
    }
    if (row.length === 0)
      throw new ValidationError(`${name}[${i}] is empty: rows need at least one feature`, `${name}[${i}]`);
    if (width === -1) width = row.length;
    else if (row.length !== width) {
      throw new ValidationError(
        `${name} is ragged: row ${i} has ${row.length} value${row.length === 1 ? '' : 's'}, row 0 has ${width}`,
        `${name}[${i}]`,
      );
    }
    out.push(row.map((v, j) => checkFinite(v, `${name}[${i}][${j}]`)));
  }
  if (options.nFeatures !== undefined && width !== options.nFeatures) {
    throw new ValidationError(
      `${name} has ${width} feature${width === 1 ? '' : 's'} per row, but the model was trained on ${options.nFeatures}`,
      name,
    );
  }
  return out;
}

/** Checks a vector of finite numbers, optionally of a given length. */
export function checkVector(v: unknown, name: string, length?: number): number[] {
  if (!Array.isArray(v))
    throw new ValidationError(`${name} must be an array of numbers, got ${describe(v)}`, name);
  if (length !== undefined && v.length !== length) {
    throw new ValidationError(
      `${name} must have ${length} value${length === 1 ? '' : 's'}, got ${v.length}`,
      name,
    );
  }
  return v.map((x, i) => checkFinite(x, `${name}[${i}]`));
}

/**
 * Checks class labels against the rows they belong to. With `allowed`, every label must be one of
 * those values (the course's perceptron accepts only 0 and 1).
 *
 * checkLabels([0, 2], 2, 'y', [0, 1]) // throws: y[1] must be one of 0, 1, got 2
 */
export function checkLabels<T extends number | string = number | string>(
  y: unknown,
  nSamples: number,
  name = 'y',
  allowed?: readonly T[],
): T[] {
  if (!Array.isArray(y))
    throw new ValidationError(`${name} must be an array of labels, got ${describe(y)}`, name);
  if (y.length !== nSamples) {
    throw new ValidationError(
      `${name} has ${y.length} label${y.length === 1 ? '' : 's'} but X has ${nSamples} row${nSamples === 1 ? '' : 's'}`,
      name,
    );
  }
  return y.map((label, i) => {
    const path = `${name}[${i}]`;
    if (typeof label === 'number') checkFinite(label, path);
    else if (typeof label !== 'string')
      throw new ValidationError(`${path} must be a number or a string, got ${describe(label)}`, path);
    if (allowed && !allowed.includes(label as T)) {
      throw new ValidationError(`${path} must be one of ${allowed.join(', ')}, got ${describe(label)}`, path);
    }
    return label as T;
  });
}

/**
 * The common start of every `fromJSON`: accepts the object from `toJSON()` or its JSON string,
 * checks that it is an object of the expected `type`, and returns it for field-by-field checks.
 *
 * checkModelJSON('{"type":"other"}', 'firth.Perceptron') // throws: model.type must be "firth.Perceptron", got "other"
 */
export function checkModelJSON<T extends { type: string }>(json: unknown, type: T['type']): Partial<T> {
  let m = json;
  if (typeof m === 'string') {
    try {
      m = JSON.parse(m);
    } catch {
      throw new ValidationError('model is not valid JSON', 'model');
    }
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) {
    throw new ValidationError(
      `model must be an object produced by toJSON() (type "${type}"), got ${describe(m)}`,
      'model',
    );
  }
  const model = m as Partial<T>;
  if (model.type !== type) {
    throw new ValidationError(
      `model.type must be "${type}", got ${JSON.stringify(model.type)}`,
      'model.type',
    );
  }
  return model;
}

/** np.unique's order: numbers ascending, strings by Unicode code point (not UTF-16 code unit). */
export function compareLabels(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const ca = Array.from(String(a), (c) => c.codePointAt(0)!);
  const cb = Array.from(String(b), (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return ca[i]! - cb[i]!;
  return ca.length - cb.length;
}

/**
 * The distinct class labels in np.unique's order (`classes_` of every scikit-learn classifier).
 * Labels must all be numbers or all strings.
 *
 * uniqueLabels(['b', 'a', 'b'], 'y') // ['a', 'b']
 */
export function uniqueLabels<T extends number | string>(y: readonly T[], name: string): T[] {
  const kinds = new Set(y.map((v) => typeof v));
  if (kinds.size > 1)
    throw new ValidationError(`${name} mixes numbers and strings; use one kind of label`, name);
  return [...new Set(y)].sort(compareLabels);
}

/**
 * The longest text Firth's tokenizers and text utilities accept: 4 Mi UTF-16 code units (about
 * 4 MB of English). Every one of them runs in linear (or n log n) time, so this bounds one call to
 * a few seconds of CPU; past it the caller gets a ValidationError at once instead of a stalled
 * process (a 10 MB n8n item is an error on that item).
 */
export const MAX_TEXT_LENGTH = 4 * 1024 * 1024;

/**
 * Checks that `text` is a string of at most `max` UTF-16 code units.
 *
 * checkTextLength('x'.repeat(5_000_000), 'text') // throws: text has 5000000 characters; at most 4194304 are accepted
 */
export function checkTextLength(text: unknown, name: string, max = MAX_TEXT_LENGTH): string {
  if (typeof text !== 'string')
    throw new ValidationError(`${name} must be a string, got ${describe(text)}`, name);
  if (text.length > max)
    throw new ValidationError(
      `${name} has ${text.length} characters; at most ${max} are accepted (split it into smaller pieces)`,
      name,
    );
  return text;
}
