/**
 * Where a token is: attention alone is blind to order ("CAT IS" and "IS CAT" get the same
 * weights), so position enters the model — three variants, each adding one idea.
 *
 *   sinusoidal (Vaswani et al. 2017), added to the embeddings, no parameters:
 *     PE(pos, 2i) = sin(pos / 10000^(2i/d)),  PE(pos, 2i+1) = cos(pos / 10000^(2i/d))
 *   learned (BERT, GPT-2): a trainable table P (maxLen × d), added: x_pos + P[pos]
 *   rotary, RoPE (Su et al. 2021; Llama): no addition — each pair (2i, 2i+1) of every query and
 *     key head is rotated by the angle pos·θ_i, θ_i = 10000^(−2i/headSize). Then
 *     q_m · k_n depends on the positions only through m − n (relative position).
 */
import { ValidationError } from '@firth/numeric';
import type { Matrix } from './attention.js';

/** The sinusoidal table, maxLen × d (d even). */
export function sinusoidalEncoding(maxLen: number, d: number): Matrix {
  if (!Number.isInteger(maxLen) || maxLen < 1 || !Number.isInteger(d) || d < 2 || d % 2)
    throw new ValidationError(
      `sinusoidalEncoding needs maxLen ≥ 1 and an even d ≥ 2, got ${maxLen}, ${d}`,
      'd',
    );
  return Array.from({ length: maxLen }, (_, pos) =>
    Array.from({ length: d }, (_, j) => {
      const angle = pos / 10000 ** ((2 * Math.floor(j / 2)) / d);
      return j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }),
  );
}

/** x + P[0..T): token embeddings plus a positional table (sinusoidal or learned). */
export function addPositions(x: Matrix, table: Matrix): Matrix {
  if (x.length > table.length)
    throw new ValidationError(`${x.length} tokens but positions only for ${table.length}`, 'positions');
  return x.map((row, pos) => row.map((v, j) => v + table[pos]![j]!));
}

/**
 * RoPE: rotates each row (the token at position `start + row`) head by head. Row layout: nHeads
 * blocks of headSize, pairs (2i, 2i+1) within a head — llama2.c's layout.
 *   (a, b) → (a cos φ − b sin φ, a sin φ + b cos φ),  φ = pos · 10000^(−2i/headSize)
 */
export function applyRope(x: Matrix, headSize: number, start = 0): Matrix {
  if (!Number.isInteger(headSize) || headSize < 2 || headSize % 2)
    throw new ValidationError(`RoPE needs an even head size, got ${headSize}`, 'headSize');
  return x.map((row, r) => {
    if (row.length % headSize)
      throw new ValidationError(
        `a row of ${row.length} values is not a whole number of ${headSize}-wide heads`,
        'x',
      );
    const pos = start + r;
    const out = row.slice();
    for (let j = 0; j < row.length; j += 2) {
      const phi = pos * 10000 ** (-(j % headSize) / headSize);
      const [a, b] = [row[j]!, row[j + 1]!];
      out[j] = a * Math.cos(phi) - b * Math.sin(phi);
      out[j + 1] = a * Math.sin(phi) + b * Math.cos(phi);
    }
    return out;
  });
}

/** RoPE's backward is the inverse rotation (a rotation's transpose): dx = R(−φ) dy. */
export function applyRopeBackward(dy: Matrix, headSize: number, start = 0): Matrix {
  return dy.map((row, r) => {
    const pos = start + r;
    const out = row.slice();
    for (let j = 0; j < row.length; j += 2) {
      const phi = pos * 10000 ** (-(j % headSize) / headSize);
      const [a, b] = [row[j]!, row[j + 1]!];
      out[j] = a * Math.cos(phi) + b * Math.sin(phi);
      out[j + 1] = -a * Math.sin(phi) + b * Math.cos(phi);
    }
    return out;
  });
}
