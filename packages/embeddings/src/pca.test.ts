import { readFileSync } from 'node:fs';
import { ValidationError } from '@firth/numeric';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAKE_WORD_VECTORS } from './course-vectors.js';
import type { KeyedVectors } from './keyed-vectors.js';
import { pca, symmetricEigen } from './pca.js';
import { loadPretrained } from './pretrained.js';

/** scikit-learn 1.2.1's PCA(svd_solver='full') on the same rows: fixtures/generate_sklearn_pca.py. */
interface SklearnCase {
  rows: number;
  k: number;
  components: number[][];
  explainedVariance: number[];
  explainedVarianceRatio: number[];
  mean: number[];
  projected: number[][];
}
const sklearn = JSON.parse(
  readFileSync(new URL('../fixtures/sklearn-pca.json', import.meta.url), 'utf8'),
) as {
  sklearn: string;
  cases: Record<'fake3' | 'fake2' | 'glove2000' | 'glove20000', SklearnCase>;
};

/** Each axis equal to sklearn's up to its sign; returns the signs (+1 / −1) it needed. */
function expectAxes(actual: Float64Array[], expected: number[][], digits: number): number[] {
  expect(actual.length).toBe(expected.length);
  return actual.map((axis, c) => {
    const want = expected[c] as number[];
    let dot = 0;
    axis.forEach((v, j) => {
      dot += v * (want[j] as number);
    });
    const sign = dot < 0 ? -1 : 1;
    axis.forEach((v, j) => {
      expect(sign * v).toBeCloseTo(want[j] as number, digits);
    });
    return sign;
  });
}

function expectCase(result: ReturnType<typeof pca>, want: SklearnCase, digits: number) {
  const signs = expectAxes(result.components, want.components, digits);
  // the same svd_flip (u-based, sklearn 1.2.1), so the same signs
  expect(signs.every((s) => s === 1)).toBe(true);
  result.explainedVarianceRatio.forEach((r, c) => {
    expect(Math.abs(r - (want.explainedVarianceRatio[c] as number))).toBeLessThan(1e-6);
  });
  result.explainedVariance.forEach((v, c) => {
    expect(v).toBeCloseTo(want.explainedVariance[c] as number, 6);
  });
  result.mean.forEach((m, j) => {
    expect(m).toBeCloseTo(want.mean[j] as number, 10);
  });
  want.projected.forEach((row, i) => {
    row.forEach((v, c) => {
      expect((result.projected[i] as Float64Array)[c]).toBeCloseTo(v, digits);
    });
  });
}

describe('pca = scikit-learn 1.2.1 PCA(svd_solver="full")', () => {
  const fake = Object.values(FAKE_WORD_VECTORS);

  it(`the course's fake 3-D vectors, k = 3 and k = 2 (sklearn ${sklearn.sklearn})`, () => {
    expectCase(pca(fake, 3), sklearn.cases.fake3, 10);
    expectCase(pca(fake, 2), sklearn.cases.fake2, 10);
    // the ratios of a full k = d PCA add up to 1; apple is the far point on the first axis
    const full = pca(fake, 3);
    expect(full.explainedVarianceRatio.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(full.projected[4]?.[0]).toBeGreaterThan(0.9);
  });

  it('transform places a new vector as fit_transform placed the fitted ones', () => {
    const p = pca(fake, 2);
    fake.forEach((row, i) => {
      const t = p.transform(row);
      expect(t[0]).toBeCloseTo(p.projected[i]?.[0] as number, 12);
      expect(t[1]).toBeCloseTo(p.projected[i]?.[1] as number, 12);
    });
  });

  describe('GloVe 6B 100d (the shipped 20k words)', () => {
    let kv: KeyedVectors;
    beforeAll(async () => {
      kv = await loadPretrained('glove-6b-100d-top20k');
    });

    it('the first 2,000 words and all 20,000, k = 3, from the row-major table', () => {
      const d = kv.vectorSize;
      const first = pca({ data: kv.vectors.subarray(0, 2000 * d), rows: 2000, cols: d }, 3);
      expectCase(first, sklearn.cases.glove2000, 8);
      const t0 = performance.now();
      const all = pca({ data: kv.vectors, rows: kv.length, cols: d }, 3);
      const ms = performance.now() - t0;
      expectCase(all, sklearn.cases.glove20000, 8);
      // an array of rows gives the same answer as the flat table
      const rows = Array.from({ length: 50 }, (_, i) => kv.vectors.subarray(i * d, (i + 1) * d));
      expect(pca(rows, 3).projected).toEqual(
        pca({ data: kv.vectors.subarray(0, 50 * d), rows: 50, cols: d }, 3).projected,
      );
      expect(ms).toBeLessThan(5000); // about 0.1 s; a loose bound for a loaded machine
    });
  });

  it('symmetricEigen: A v = λ v for a small symmetric matrix', () => {
    const a = [4, 1, 2, 1, 3, 0, 2, 0, 5];
    const { values, vectors } = symmetricEigen(Float64Array.from(a), 3);
    for (let c = 0; c < 3; c++) {
      for (let r = 0; r < 3; r++) {
        let av = 0;
        for (let j = 0; j < 3; j++) av += (a[r * 3 + j] as number) * (vectors[j * 3 + c] as number);
        expect(av).toBeCloseTo((values[c] as number) * (vectors[r * 3 + c] as number), 12);
      }
    }
    expect([...values].reduce((s, v) => s + v, 0)).toBeCloseTo(12, 12); // the trace
  });

  it('names bad input', () => {
    expect(() => pca([[1, 2, 3]], 1)).toThrow('PCA needs at least 2 vectors, got 1');
    expect(() => pca(fake, 4)).toThrow(
      'k must be a whole number from 1 to min(vectors, dimensions) = 3, got 4',
    );
    expect(() => pca(fake, 0)).toThrow(ValidationError);
    expect(() => pca([[1, 2], [3]], 1)).toThrow('row 1 has 1 values, expected 2 like row 0');
    expect(() =>
      pca(
        [
          [1, Number.NaN],
          [3, 4],
        ],
        1,
      ),
    ).toThrow('vector 0 holds NaN at position 1');
    expect(() => pca({ data: [1, 2, 3], rows: 2, cols: 2 }, 1)).toThrow('fewer than 2 × 2');
    expect(() => pca(fake, 2).transform([1, 2])).toThrow('this PCA was fitted on 3');
  });
});
