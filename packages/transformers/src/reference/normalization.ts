/**
 * The normalisations of a transformer block, per token (row), with their backward passes — the
 * reference implementation (plain arrays, float64).
 *
 *   LayerNorm (Ba et al. 2016; the original transformer, BERT, GPT-2):
 *     μ = mean(x),  σ² = mean((x − μ)²),  x̂ = (x − μ) / √(σ² + ε),  y = γ ⊙ x̂ + β
 *   RMSNorm (Zhang & Sennrich 2019; Llama): no centring, no bias
 *     r = √(mean(x²) + ε),  y = γ ⊙ x / r
 *
 * RMSNorm adds one idea to nothing (scale by the root mean square); LayerNorm adds centring and a
 * bias on top. Both keep each token's vector at a steady scale as blocks are stacked.
 */
import type { Matrix } from './attention.js';

export interface NormGradients {
  dx: Matrix;
  dGamma: number[];
  /** LayerNorm only. */
  dBeta?: number[];
}

/** LayerNorm of each row. @param eps 1e-5, PyTorch's default */
export function layerNorm(x: Matrix, gamma: number[], beta: number[], eps = 1e-5): Matrix {
  return x.map((row) => {
    const n = row.length;
    const mu = row.reduce((a, b) => a + b, 0) / n;
    const variance = row.reduce((a, b) => a + (b - mu) ** 2, 0) / n;
    const inv = 1 / Math.sqrt(variance + eps);
    return row.map((v, i) => gamma[i]! * (v - mu) * inv + beta[i]!);
  });
}

/**
 * LayerNorm backward, per row (n features, g = dy ⊙ γ):
 *   dx = (1/σ̂) (g − mean(g) − x̂ · mean(g ⊙ x̂)),   dγ = Σ_rows dy ⊙ x̂,   dβ = Σ_rows dy
 */
export function layerNormBackward(x: Matrix, gamma: number[], dy: Matrix, eps = 1e-5): NormGradients {
  const n = gamma.length;
  const dGamma = new Array<number>(n).fill(0);
  const dBeta = new Array<number>(n).fill(0);
  const dx = x.map((row, r) => {
    const mu = row.reduce((a, b) => a + b, 0) / n;
    const inv = 1 / Math.sqrt(row.reduce((a, b) => a + (b - mu) ** 2, 0) / n + eps);
    const xhat = row.map((v) => (v - mu) * inv);
    const g = dy[r]!.map((d, i) => d * gamma[i]!);
    const meanG = g.reduce((a, b) => a + b, 0) / n;
    const meanGX = g.reduce((a, b, i) => a + b * xhat[i]!, 0) / n;
    for (let i = 0; i < n; i++) {
      dGamma[i]! += dy[r]![i]! * xhat[i]!;
      dBeta[i]! += dy[r]![i]!;
    }
    return g.map((gi, i) => inv * (gi - meanG - xhat[i]! * meanGX));
  });
  return { dx, dGamma, dBeta };
}

/** RMSNorm of each row. @param eps 1e-5, llama2.c's */
export function rmsNorm(x: Matrix, gamma: number[], eps = 1e-5): Matrix {
  return x.map((row) => {
    const r = Math.sqrt(row.reduce((a, b) => a + b * b, 0) / row.length + eps);
    return row.map((v, i) => (gamma[i]! * v) / r);
  });
}

/**
 * RMSNorm backward, per row (g = dy ⊙ γ):
 *   dx = g / r − x · (Σ g ⊙ x) / (n r³),   dγ = Σ_rows dy ⊙ x / r
 */
export function rmsNormBackward(x: Matrix, gamma: number[], dy: Matrix, eps = 1e-5): NormGradients {
  const n = gamma.length;
  const dGamma = new Array<number>(n).fill(0);
  const dx = x.map((row, rIdx) => {
    const r = Math.sqrt(row.reduce((a, b) => a + b * b, 0) / n + eps);
    const g = dy[rIdx]!.map((d, i) => d * gamma[i]!);
    const gx = g.reduce((a, b, i) => a + b * row[i]!, 0);
    for (let i = 0; i < n; i++) dGamma[i]! += (dy[rIdx]![i]! * row[i]!) / r;
    return g.map((gi, i) => gi / r - (row[i]! * gx) / (n * r ** 3));
  });
  return { dx, dGamma };
}
