/**
 * Reading a numeric data set out of n8n items: feature fields and a label field per item, with
 * errors that name the item and the field. Shared by every node that trains or predicts on rows.
 */
import { clipMessage } from '@firth/numeric';
import { type IDataObject, type INodeExecutionData, UserError } from 'n8n-workflow';

export interface Dataset {
  X: number[][];
  y: (number | string)[];
  featureNames: string[];
}

/** "x1, x2" → ['x1', 'x2']; rejects an empty list. */
export function parseFieldList(text: string): string[] {
  const names = String(text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0)
    throw new UserError('Feature Fields is empty: name at least one numeric field, e.g. "x1, x2"');
  return names;
}

/** A field's value as a number: numbers as they are, numeric strings ("0.5") converted, the rest refused. */
export function toNumber(value: unknown, where: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UserError(`${where} must be a finite number, got ${value}`);
    return value;
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const v = Number(value);
    if (Number.isFinite(v)) return v;
    throw new UserError(`${where} must be a number, got the string ${JSON.stringify(value)}`);
  }
  if (value === undefined) throw new UserError(`${where} is missing`);
  throw new UserError(
    `${where} must be a number, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
  );
}

/** The feature vector of one item: the listed fields, or the single listed field if it holds an array. */
export function readFeatures(
  json: IDataObject,
  featureFields: string,
  itemIndex: number,
): { features: number[]; names: string[] } {
  const names = parseFieldList(featureFields);
  if (names.length === 1 && Array.isArray(json[names[0]!])) {
    const arr = json[names[0]!] as unknown[];
    if (arr.length === 0) throw new UserError(`Item ${itemIndex}: field "${names[0]}" is an empty array`);
    return {
      features: arr.map((v, j) => toNumber(v, `Item ${itemIndex}: field "${names[0]}[${j}]"`)),
      names: arr.map((_, j) => `${names[0]}[${j}]`),
    };
  }
  return { features: names.map((n) => toNumber(json[n], `Item ${itemIndex}: field "${n}"`)), names };
}

/** All items as one data set; `onItem` is told which item is being read so errors can point at it. */
export function readDataset(
  items: INodeExecutionData[],
  featureFields: string,
  labelField: string,
  onItem: (index: number) => void = () => {},
): Dataset {
  if (items.length === 0) throw new UserError('No input items: training needs at least one item');
  const X: number[][] = [];
  const y: (number | string)[] = [];
  let featureNames: string[] = [];
  items.forEach((item, i) => {
    onItem(i);
    const { features, names } = readFeatures(item.json, featureFields, i);
    if (i === 0) featureNames = names;
    else if (features.length !== X[0]!.length) {
      throw new UserError(`Item ${i} has ${features.length} features but item 0 has ${X[0]!.length}`);
    }
    X.push(features);
    const label = item.json[labelField];
    if (label === undefined || label === null || label === '')
      throw new UserError(`Item ${i}: label field "${labelField}" is missing`);
    if (typeof label === 'number') y.push(toNumber(label, `Item ${i}: label field "${labelField}"`));
    else if (typeof label === 'string') y.push(Number.isFinite(Number(label)) ? Number(label) : label);
    else if (typeof label === 'boolean') y.push(label ? 1 : 0);
    else throw new UserError(`Item ${i}: label field "${labelField}" must be a number or a string`);
  });
  return { X, y, featureNames };
}

/** An error's message prefixed for people; never includes a stack. */
export function toErrorMessage(error: unknown): string {
  // cut: a message quoting a huge value must not bloat n8n's execution data
  return clipMessage(error instanceof Error ? error.message : String(error));
}

/** The item a core validation error points at: `X[2][1]` and `y[2]` are item 2 (rows are items). */
export function itemOf(error: unknown): number | undefined {
  const path = (error as { path?: unknown } | null)?.path;
  const m = typeof path === 'string' ? /^[Xy]\[(\d+)\]/.exec(path) : null;
  return m ? Number(m[1]) : undefined;
}
