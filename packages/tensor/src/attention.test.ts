import { RandomState } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import {
  attendCached,
  attention,
  attentionFusedAvailable,
  attentionWithWeights,
  selfAttentionWithWeights,
} from './attention.js';
import { dropout, matmul, matmulNT, reshape, softmax, Tensor } from './autograd.js';
import { checkGradients } from './gradients.test-support.js';

const rng = new RandomState(7);
const randn = (shape: number[], grad = true) => Tensor.randn(shape, rng, 1, grad);
const worst = (a: Float32Array, b: Float32Array) =>
  a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

describe('attention: softmax(q kᵀ·s + masks) v as one op', () => {
  it('gives the numbers of the ops it fuses (matmulNT, softmax, matmul), causal or with a key mask', () => {
    const [q, k, v] = [randn([2, 3, 5, 4]), randn([2, 3, 5, 4]), randn([2, 3, 5, 6])];
    const keyMask = [1, 1, 0, 1, 0, 1, 1, 1, 1, 0];
    for (const options of [{ causal: true }, { keyMask }, { causal: true, keyMask, scale: 0.3 }]) {
      const s = options.scale ?? 0.5;
      const { out, weights } = attentionWithWeights(q, k, v, { ...options, scale: s });
      const W = softmax(matmulNT(q, k), { ...options, scale: s });
      expect(worst(weights.data, W.data)).toBeLessThan(1e-6);
      expect(worst(out.data, matmul(W, v).data)).toBeLessThan(1e-5);
      expect(out.shape).toEqual([2, 3, 5, 6]);
    }
  });

  it('sends gradients to q, k and v (central differences): causal, masked, cross-attention, one tensor as all three', () => {
    const [q, k, v] = [randn([2, 2, 4, 3]), randn([2, 2, 4, 3]), randn([2, 2, 4, 5])];
    checkGradients('causal', [q, k, v], () => attention(q, k, v, { causal: true }));
    const keyMask = [1, 0, 1, 1, 0, 0, 0, 0]; // the second sequence sees no key: zero rows
    checkGradients('keyMask', [q, k, v], () => attention(q, k, v, { keyMask, scale: 0.7 }));
    const [kc, vc] = [randn([2, 2, 6, 3]), randn([2, 2, 6, 2])];
    checkGradients('cross', [q, kc, vc], () => attention(q, kc, vc));
    const x = randn([1, 2, 4, 3]);
    checkGradients('self', [x], () => attention(x, x, x, { causal: true }));
  });

  it('dropout on the weights: the same mask as dropout() on softmax, and its gradients', () => {
    const [q, k, v] = [randn([1, 2, 4, 3]), randn([1, 2, 4, 3]), randn([1, 2, 4, 3])];
    const fused = attention(q, k, v, { dropout: { p: 0.3, rng: new RandomState(1) } });
    const W = dropout(softmax(matmulNT(q, k), { scale: 1 / Math.sqrt(3) }), 0.3, new RandomState(1));
    expect(worst(fused.data, matmul(W, v).data)).toBeLessThan(1e-5);
    checkGradients('dropout', [q, k, v], () =>
      attention(q, k, v, { causal: true, dropout: { p: 0.3, rng: new RandomState(2) } }),
    );
  });

  it("the fused wasm kernels (attention-f32.wat) give the products path's outputs, weights and gradients", () => {
    expect(attentionFusedAvailable).toBe(process.env.FIRTH_MATMUL !== 'js');
    const grads = (path: 'fused' | 'products', ts: Tensor[], f: (path: 'fused' | 'products') => Tensor) => {
      for (const t of ts) t.grad = null;
      const o = f(path);
      matmul(reshape(o, [1, o.size]), reshape(G(o.size), [o.size, 1])).backward();
      return [o.data, ...ts.map((t) => t.grad!.slice())];
    };
    const G = (n: number) => Tensor.randn([n, 1], new RandomState(3), 1);
    // causal self-attention, 16- and 32-wide heads; cross-attention (12 keys for 8 queries); x as q, k and v
    const cases: [string, Tensor[], (path: 'fused' | 'products') => Tensor][] = [];
    for (const d of [16, 32]) {
      const [q, k, v] = [randn([2, 3, 8, d]), randn([2, 3, 8, d]), randn([2, 3, 8, d])];
      cases.push([`causal d=${d}`, [q, k, v], (path) => attention(q, k, v, { causal: true, path })]);
    }
    const [q, kc, vc] = [randn([2, 2, 8, 16]), randn([2, 2, 12, 16]), randn([2, 2, 12, 16])];
    cases.push(['cross', [q, kc, vc], (path) => attention(q, kc, vc, { scale: 0.3, path })]);
    const x = randn([1, 2, 8, 16]);
    cases.push(['self', [x], (path) => attention(x, x, x, { causal: true, path })]);
    // padding keys (BERT): the second sequence sees 4 of 8 keys, the third none (zero rows)
    const keyMask = [...[1, 1, 1, 1, 1, 1, 1, 1], ...[1, 0, 1, 1, 0, 0, 1, 0], ...Array(8).fill(0)];
    const [qm, km, vm] = [randn([3, 2, 8, 16]), randn([3, 2, 8, 16]), randn([3, 2, 8, 16])];
    cases.push(['keyMask', [qm, km, vm], (path) => attention(qm, km, vm, { keyMask, path })]);
    cases.push([
      'keyMask causal',
      [qm, km, vm],
      (path) => attention(qm, km, vm, { keyMask, causal: true, path }),
    ]);
    for (const [name, ts, f] of cases) {
      const a = grads('fused', ts, f);
      const b = grads('products', ts, f);
      for (let i = 0; i < a.length; i++) expect(worst(a[i]!, b[i]!), `${name} ${i}`).toBeLessThan(2e-5);
      const options = {
        causal: name !== 'cross' && name !== 'keyMask',
        keyMask: name.startsWith('keyMask') ? keyMask : undefined,
      };
      const w = (path: 'fused' | 'products') =>
        attentionWithWeights(ts[0]!, ts[1] ?? ts[0]!, ts[2] ?? ts[0]!, { ...options, path }).weights.data;
      expect(worst(w('fused'), w('products')), name).toBeLessThan(1e-6);
    }
    const [qg, kg, vg] = [randn([1, 2, 4, 16]), randn([1, 2, 4, 16]), randn([1, 2, 4, 16])];
    checkGradients('fused', [qg, kg, vg], () => attention(qg, kg, vg, { causal: true }));
  });

  it('selfAttention on packed q | k | v rows equals splitHeads + attention + swapAxes12, fused or not', () => {
    for (const [T, causal] of [
      [8, true],
      [8, false],
      [6, true], // T not a multiple of 4: the composition
    ] as const) {
      const qkv = randn([2, T, 3 * 32]); // 2 heads of 16
      // without causal: the second sequence sees keys 1 only
      const keyMask = causal ? undefined : [...Array(T).fill(1), 0, 1, ...Array(T - 2).fill(0)];
      const run = (path: 'fused' | 'products') => {
        qkv.grad = null;
        const { out, weights } = selfAttentionWithWeights(qkv, 2, { causal, keyMask, path });
        matmul(
          reshape(out, [1, out.size]),
          reshape(Tensor.randn([out.size, 1], new RandomState(4)), [out.size, 1]),
        ).backward();
        expect(out.shape).toEqual([2, T, 32]);
        return [out.data, weights.data, qkv.grad!.slice()];
      };
      const [a, b] = [run('fused'), run('products')];
      for (let i = 0; i < 3; i++)
        expect(worst(a[i]!, b[i]!), `T=${T} causal=${causal} ${i}`).toBeLessThan(2e-5);
    }
    const small = randn([1, 4, 3 * 16]);
    checkGradients('packed', [small], () => selfAttentionWithWeights(small, 1, { causal: true }).out);
    expect(() => selfAttentionWithWeights(randn([1, 4, 10]), 2)).toThrow(/do not divide shape/);
  });

  it('rejects shapes that do not fit, with clear errors', () => {
    const q = randn([1, 2, 4, 3]);
    expect(() => attention(q, randn([1, 2, 4, 2]), randn([1, 2, 4, 3]))).toThrow(/needs q's width 3/);
    expect(() => attention(q, randn([1, 1, 4, 3]), randn([1, 1, 4, 3]))).toThrow(/same leading axes/);
    expect(() => attention(q, randn([1, 2, 5, 3]), randn([1, 2, 5, 3]), { causal: true })).toThrow(
      /causal needs as many queries as keys/,
    );
    expect(() => attention(q, q, q, { keyMask: [1, 1] })).toThrow(/keyMask needs 1 × 4 entries/);
  });
});

describe('attendCached: the weights it used', () => {
  it('hands back each head’s softmax row, the causal weights of attentionWithWeights (grouped-query heads too)', () => {
    const [T, d, nHeads, nKvHeads] = [5, 4, 4, 2];
    // q (1, nHeads, T, d); k, v (1, nKvHeads, T, d): query head h reads kv head ⌊h / 2⌋
    const q = randn([1, nHeads, T, d], false);
    const kv = randn([1, nKvHeads, T, d], false);
    const wide = (t: Tensor) =>
      new Tensor(
        Float32Array.from({ length: nHeads * T * d }, (_, i) => {
          const h = Math.floor(i / (T * d));
          return t.data[Math.floor(h / 2) * T * d + (i % (T * d))]!;
        }),
        [1, nHeads, T, d],
      );
    const { weights } = attentionWithWeights(q, wide(kv), wide(kv), { causal: true });
    // the caches hold positions as rows of nKvHeads · d; the query of position i as a row of nHeads · d
    const cache = new Float32Array(T * nKvHeads * d);
    for (let t = 0; t < T; t++)
      for (let h = 0; h < nKvHeads; h++)
        cache.set(kv.data.subarray((h * T + t) * d, (h * T + t + 1) * d), (t * nKvHeads + h) * d);
    for (let i = 0; i < T; i++) {
      const row = new Float32Array(nHeads * d);
      for (let h = 0; h < nHeads; h++) row.set(q.data.subarray((h * T + i) * d, (h * T + i + 1) * d), h * d);
      const got = new Float32Array(nHeads * (i + 1));
      attendCached(
        row,
        cache,
        cache,
        i + 1,
        { nHeads, nKvHeads, headSize: d, weights: got },
        new Float32Array(nHeads * d),
      );
      for (let h = 0; h < nHeads; h++) {
        const want = weights.data.subarray((h * T + i) * T, (h * T + i) * T + i + 1);
        expect(worst(got.subarray(h * (i + 1), (h + 1) * (i + 1)), want)).toBeLessThan(1e-6);
      }
    }
    expect(() =>
      attendCached(
        q.data,
        cache,
        cache,
        2,
        { nHeads, nKvHeads, headSize: d, weights: new Float32Array(3) },
        new Float32Array(16),
      ),
    ).toThrow(/weights of 4 × 2/);
  });
});

describe('attention with a score bias (T5’s relative positions)', () => {
  it('equals softmax(q kᵀ·s + bias) v row by row (attendCached with the same bias), float32 and float64, with a key mask', () => {
    const [B, h, T, d] = [2, 2, 5, 4];
    const [q, k, v] = [randn([B, h, T, d]), randn([B, h, T, d]), randn([B, h, T, d])];
    const bias = Float32Array.from({ length: h * T * T }, (_, i) => Math.sin(i) * 2);
    const keyMask = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
    const out = attention(q, k, v, { bias, scale: 0.7, keyMask });
    const [q64, k64, v64] = [q, k, v].map((t) => new Tensor(Float64Array.from(t.data), t.shape, true));
    const out64 = attention(q64!, k64!, v64!, { bias, scale: 0.7, keyMask });
    for (let b = 0; b < B; b++)
      for (let hh = 0; hh < h; hh++) {
        const at = (b * h + hh) * T * d;
        const n = b === 0 ? T : 3; // the second sequence's last two keys are padding
        for (let i = 0; i < T; i++) {
          const row = attendCached(
            q.data.subarray(at + i * d, at + (i + 1) * d),
            k.data.subarray(at, at + n * d),
            v.data.subarray(at, at + n * d),
            n,
            {
              nHeads: 1,
              headSize: d,
              scale: 0.7,
              bias: bias.subarray((hh * T + i) * T, (hh * T + i) * T + n),
            },
            new Float32Array(d),
          );
          for (let j = 0; j < d; j++) {
            expect(out.data[at + i * d + j]).toBeCloseTo(row[j]!, 5);
            expect(out64.data[at + i * d + j]).toBeCloseTo(row[j]!, 5);
          }
        }
      }
    // the bias is a constant: the gradients of q, k and v (float32 products path) are float64
    // autograd's (matmulNT, softmax, matmul) through the same biased scores
    const G = Array.from({ length: out.size }, (_, i) => Math.cos(i));
    const gOut = new Tensor(Float32Array.from(G), [G.length, 1]);
    const gOut64 = new Tensor(Float64Array.from(G), [G.length, 1]);
    matmul(reshape(out, [1, out.size]), gOut).backward();
    matmul(reshape(out64, [1, out64.size]), gOut64).backward();
    for (const [a, b] of [
      [q, q64],
      [k, k64],
      [v, v64],
    ] as const)
      expect(worst(a.grad!, Float32Array.from(b!.grad!))).toBeLessThan(1e-4);
    expect(() => attention(q, k, v, { bias: new Float32Array(7) })).toThrow(
      /bias needs 50 \(heads × 5 × 5\) or 100 values, got 7/,
    );
  });
});

describe('attendCached: one query row against key/value caches', () => {
  it("equals the op's last causal row, grouped-query heads reading their shared kv head", () => {
    const [nHeads, nKvHeads, hd, T] = [4, 2, 3, 5];
    const q = randn([1, nHeads, T, hd], false);
    const kv = [randn([1, nKvHeads, T, hd], false), randn([1, nKvHeads, T, hd], false)];
    // the op on kv heads repeated per query head; the caches laid out (position, nKvHeads·hd)
    const repeat = (t: Tensor) =>
      Tensor.from(
        Array.from({ length: nHeads }, (_, h) => [
          ...t.data.subarray(Math.floor(h / 2) * T * hd, (Math.floor(h / 2) + 1) * T * hd),
        ]).flat(),
        [1, nHeads, T, hd],
      );
    const full = attention(q, repeat(kv[0]!), repeat(kv[1]!), { causal: true });
    const cache = (t: Tensor) => {
      const c = new Float32Array(T * nKvHeads * hd);
      for (let g = 0; g < nKvHeads; g++)
        for (let s = 0; s < T; s++)
          for (let i = 0; i < hd; i++) c[(s * nKvHeads + g) * hd + i] = t.data[(g * T + s) * hd + i]!;
      return c;
    };
    const [keys, values] = [cache(kv[0]!), cache(kv[1]!)];
    for (let t = 0; t < T; t++) {
      const row = new Float32Array(nHeads * hd);
      for (let h = 0; h < nHeads; h++)
        row.set(q.data.subarray((h * T + t) * hd, (h * T + t + 1) * hd), h * hd);
      const out = attendCached(
        row,
        keys,
        values,
        t + 1,
        { nHeads, nKvHeads, headSize: hd },
        new Float32Array(nHeads * hd),
      );
      for (let h = 0; h < nHeads; h++)
        for (let i = 0; i < hd; i++) expect(out[h * hd + i]).toBeCloseTo(full.data[(h * T + t) * hd + i]!, 5);
    }
    expect(() =>
      attendCached(
        new Float32Array(12),
        keys,
        values,
        T + 1,
        { nHeads, nKvHeads, headSize: hd },
        new Float32Array(12),
      ),
    ).toThrow(/caches of 6 × 6/);
  });

  it('adds a bias per head and position to the scaled scores (T5): softmax(q·k·s + b) by hand, −∞ hides a key', () => {
    const [nHeads, hd, T] = [2, 3, 4];
    const q = randn([nHeads * hd], false).data;
    const keys = randn([T, nHeads * hd], false).data;
    const values = randn([T, nHeads * hd], false).data;
    const bias = Float32Array.from({ length: nHeads * T }, (_, i) => ((i * 7) % 5) - 2);
    const heads = { nHeads, headSize: hd, scale: 0.5, bias };
    const out = attendCached(q, keys, values, T, heads, new Float32Array(nHeads * hd));
    for (let h = 0; h < nHeads; h++) {
      const s = Array.from({ length: T }, (_, t) => {
        let dot = 0;
        for (let i = 0; i < hd; i++) dot += q[h * hd + i]! * keys[t * nHeads * hd + h * hd + i]!;
        return dot * 0.5 + bias[h * T + t]!;
      });
      const e = s.map((v) => Math.exp(v - Math.max(...s)));
      const z = e.reduce((a, b) => a + b, 0);
      for (let i = 0; i < hd; i++) {
        const want = e.reduce((a, w, t) => a + (w / z) * values[t * nHeads * hd + h * hd + i]!, 0);
        expect(out[h * hd + i]).toBeCloseTo(want, 5);
      }
    }
    // −∞ on the last position: the same as a cache one shorter (without bias on the rest)
    const hide = new Float32Array(nHeads * T);
    for (let h = 0; h < nHeads; h++) hide[h * T + T - 1] = Number.NEGATIVE_INFINITY;
    const hidden = attendCached(
      q,
      keys,
      values,
      T,
      { nHeads, headSize: hd, bias: hide },
      new Float32Array(6),
    );
    const shorter = attendCached(q, keys, values, T - 1, { nHeads, headSize: hd }, new Float32Array(6));
    for (let i = 0; i < 6; i++) expect(hidden[i]).toBeCloseTo(shorter[i]!, 6);
    expect(() =>
      attendCached(
        q,
        keys,
        values,
        T,
        { nHeads, headSize: hd, bias: new Float32Array(3) },
        new Float32Array(6),
      ),
    ).toThrow(/a bias of 2 × 4/);
  });
});
