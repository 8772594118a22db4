/**
 * scikit-learn's handwritten digits: 1,797 images of 8×8 pixels with values 0..16, labels 0..9.
 * The same file and the same row order as `sklearn.datasets.load_digits()`.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dataPath } from './paths.js';

export interface Digits {
  /** Flattened pixels, one row of 64 numbers (0..16) per image, row-major. */
  data: number[][];
  /** The same pixels as 8×8 images. */
  images: number[][][];
  /** The digit each image shows, 0..9. */
  target: number[];
}

/**
 * Loads the digits data set shipped with this package.
 *
 *   const { data, target } = loadDigits(); // data.length 1797, data[0].length 64, target[0] 0
 */
export function loadDigits(path = dataPath('data/digits/digits.csv.gz')): Digits {
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  const data: number[][] = [];
  const target: number[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const values = line.split(',').map(Number);
    if (values.length !== 65 || values.some((v) => !Number.isFinite(v))) {
      throw new Error(`${path}: line ${i + 1} should hold 64 pixels and a label, got "${line.slice(0, 60)}"`);
    }
    target.push(values.pop() as number);
    data.push(values);
  }
  const images = data.map((row) => Array.from({ length: 8 }, (_, r) => row.slice(r * 8, r * 8 + 8)));
  return { data, images, target };
}
