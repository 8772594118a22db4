/**
 * The reference matrix products in plain JavaScript, for float32 (matmul-f32.ts) and float64
 * (matmul-f64.ts) alike: every kernel adds its product to C (callers zero C first unless they
 * accumulate). The loops run along contiguous rows and keep several sums in flight, but each output
 * element's terms are added in index order, in float64 (JavaScript's numbers), and rounded to C's
 * type only when stored. Into a zeroed Float64Array that is the textbook triple loop's result, bit
 * for bit; into a Float32Array, the same sums rounded once to float32.
 */

/** Row-major matrices of either precision (A, B and C of one call share it). */
export type Floats = Float32Array | Float64Array;

/** C += A B: A (n, m), B (m, p) -> C (n, p); C[i,j] += Σ_k A[i,k] B[k,j]. */
export function addMatmulJs<T extends Floats>(A: T, B: T, n: number, m: number, p: number, C: T): void {
  let i = 0;
  // i-k-j order, two rows i at a time (each B load serves both), k unrolled by 4
  for (; i + 2 <= n; i += 2) {
    const a = i * m;
    const e = a + m;
    const c = i * p;
    const d = c + p;
    let k = 0;
    for (; k + 4 <= m; k += 4) {
      const a0 = A[a + k]!;
      const a1 = A[a + k + 1]!;
      const a2 = A[a + k + 2]!;
      const a3 = A[a + k + 3]!;
      const e0 = A[e + k]!;
      const e1 = A[e + k + 1]!;
      const e2 = A[e + k + 2]!;
      const e3 = A[e + k + 3]!;
      const b0 = k * p;
      const b1 = b0 + p;
      const b2 = b1 + p;
      const b3 = b2 + p;
      for (let j = 0; j < p; j++) {
        const w0 = B[b0 + j]!;
        const w1 = B[b1 + j]!;
        const w2 = B[b2 + j]!;
        const w3 = B[b3 + j]!;
        C[c + j] = C[c + j]! + a0 * w0 + a1 * w1 + a2 * w2 + a3 * w3;
        C[d + j] = C[d + j]! + e0 * w0 + e1 * w1 + e2 * w2 + e3 * w3;
      }
    }
    for (; k < m; k++) {
      const ak = A[a + k]!;
      const ek = A[e + k]!;
      const b0 = k * p;
      for (let j = 0; j < p; j++) {
        const w = B[b0 + j]!;
        C[c + j]! += ak * w;
        C[d + j]! += ek * w;
      }
    }
  }
  for (; i < n; i++) {
    const a = i * m;
    const c = i * p;
    for (let k = 0; k < m; k++) {
      const ak = A[a + k]!;
      const b0 = k * p;
      for (let j = 0; j < p; j++) C[c + j]! += ak * B[b0 + j]!;
    }
  }
}

/** C += Aᵀ B: A (n, m), B (n, p) -> C (m, p); C[k,j] += Σ_i A[i,k] B[i,j]. */
export function addMatmulTNJs<T extends Floats>(A: T, B: T, n: number, m: number, p: number, C: T): void {
  let i = 0;
  // four rows i at a time, two output rows k at a time (each B load serves both)
  for (; i + 4 <= n; i += 4) {
    const a0 = i * m;
    const a1 = a0 + m;
    const a2 = a1 + m;
    const a3 = a2 + m;
    const b0 = i * p;
    const b1 = b0 + p;
    const b2 = b1 + p;
    const b3 = b2 + p;
    let k = 0;
    for (; k + 2 <= m; k += 2) {
      const x0 = A[a0 + k]!;
      const x1 = A[a1 + k]!;
      const x2 = A[a2 + k]!;
      const x3 = A[a3 + k]!;
      const y0 = A[a0 + k + 1]!;
      const y1 = A[a1 + k + 1]!;
      const y2 = A[a2 + k + 1]!;
      const y3 = A[a3 + k + 1]!;
      const c = k * p;
      const d = c + p;
      for (let j = 0; j < p; j++) {
        const v0 = B[b0 + j]!;
        const v1 = B[b1 + j]!;
        const v2 = B[b2 + j]!;
        const v3 = B[b3 + j]!;
        C[c + j] = C[c + j]! + x0 * v0 + x1 * v1 + x2 * v2 + x3 * v3;
        C[d + j] = C[d + j]! + y0 * v0 + y1 * v1 + y2 * v2 + y3 * v3;
      }
    }
    for (; k < m; k++) {
      const x0 = A[a0 + k]!;
      const x1 = A[a1 + k]!;
      const x2 = A[a2 + k]!;
      const x3 = A[a3 + k]!;
      const c = k * p;
      for (let j = 0; j < p; j++)
        C[c + j] = C[c + j]! + x0 * B[b0 + j]! + x1 * B[b1 + j]! + x2 * B[b2 + j]! + x3 * B[b3 + j]!;
    }
  }
  for (; i < n; i++) {
    const a = i * m;
    const b = i * p;
    for (let k = 0; k < m; k++) {
      const x = A[a + k]!;
      const c = k * p;
      for (let j = 0; j < p; j++) C[c + j]! += x * B[b + j]!;
    }
  }
}

/** C += A Bᵀ: A (n, p), B (m, p) -> C (n, m); C[i,k] += Σ_j A[i,j] B[k,j]. */
export function addMatmulNTJs<T extends Floats>(A: T, B: T, n: number, p: number, m: number, C: T): void {
  let i = 0;
  // row-by-row dot products (float64 sums), two rows i × four rows k at once: eight sums in flight
  for (; i + 2 <= n; i += 2) {
    const a = i * p;
    const e = a + p;
    const c = i * m;
    const d = c + m;
    let k = 0;
    for (; k + 4 <= m; k += 4) {
      const b0 = k * p;
      const b1 = b0 + p;
      const b2 = b1 + p;
      const b3 = b2 + p;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let j = 0; j < p; j++) {
        const x = A[a + j]!;
        const y = A[e + j]!;
        const w0 = B[b0 + j]!;
        const w1 = B[b1 + j]!;
        const w2 = B[b2 + j]!;
        const w3 = B[b3 + j]!;
        s0 += x * w0;
        s1 += x * w1;
        s2 += x * w2;
        s3 += x * w3;
        t0 += y * w0;
        t1 += y * w1;
        t2 += y * w2;
        t3 += y * w3;
      }
      C[c + k]! += s0;
      C[c + k + 1]! += s1;
      C[c + k + 2]! += s2;
      C[c + k + 3]! += s3;
      C[d + k]! += t0;
      C[d + k + 1]! += t1;
      C[d + k + 2]! += t2;
      C[d + k + 3]! += t3;
    }
    for (; k < m; k++) {
      const b0 = k * p;
      let s = 0;
      let t = 0;
      for (let j = 0; j < p; j++) {
        s += A[a + j]! * B[b0 + j]!;
        t += A[e + j]! * B[b0 + j]!;
      }
      C[c + k]! += s;
      C[d + k]! += t;
    }
  }
  for (; i < n; i++) {
    const a = i * p;
    const c = i * m;
    for (let k = 0; k < m; k++) {
      const b0 = k * p;
      let s = 0;
      for (let j = 0; j < p; j++) s += A[a + j]! * B[b0 + j]!;
      C[c + k]! += s;
    }
  }
}
