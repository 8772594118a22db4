/**
 * A toy format for testing the harness itself: a 4-byte little-endian count n, then n payload
 * bytes, nothing after. `?mode=` in the module URL picks a loader: `strict` (correct) or one with a
 * planted bug of each class the harness must catch.
 */
import { ValidationError } from '@firth/numeric';
import type { Files, FuzzFormat } from '../format.ts';

const mode = new URL(import.meta.url).searchParams.get('mode') ?? 'strict';
const seed = (payload: number[]) => {
  const b = new Uint8Array(4 + payload.length);
  new DataView(b.buffer).setUint32(0, payload.length, true);
  b.set(payload, 4);
  return { 'toy.bin': b };
};

function load(files: Files): Uint8Array {
  const b = files['toy.bin']!;
  if (b.length < 4) throw new ValidationError('toy.bin: shorter than its 4-byte count');
  const n = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0, true);
  if (mode === 'hang' && n > b.length) for (;;);
  if (mode === 'oom' && n > b.length) {
    const grow: number[][] = [];
    for (;;) grow.push(new Array(1_000_000).fill(n));
  }
  if (mode === 'crash' && n > b.length) return (null as unknown as { x: Uint8Array }).x;
  if (n > b.length - 4) throw new ValidationError(`toy.bin: count ${n} past the end`);
  if (mode !== 'inconsistent' && n !== b.length - 4)
    throw new ValidationError(`toy.bin: ${b.length - 4 - n} bytes after the payload`);
  return b.subarray(4, 4 + n);
}

const format: FuzzFormat = {
  name: `toy-${mode}`,
  kind: 'binary',
  seeds: () => [seed([1, 2, 3, 4, 5, 6, 7, 8]), seed([]), seed(Array.from({ length: 40 }, (_, i) => i))],
  load,
  inconsistency(files) {
    const b = files['toy.bin']!;
    const n = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0, true);
    return n === b.length - 4 ? null : `count ${n} but ${b.length - 4} payload bytes`;
  },
};
export default format;
