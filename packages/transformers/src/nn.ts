/**
 * Trainable transformer pieces on the autograd engine (autograd.ts): parameters created from a
 * seeded generator and registered for the optimiser, and the sub-layers both seq2seq.ts and gpt.ts
 * stack — multi-head attention, the GELU feed-forward network, LayerNorm.
 */
import { type RandomState, ValidationError } from '@firth/numeric';
import {
  add,
  attentionWithWeights,
  concatLast,
  gelu,
  layerNorm,
  linear,
  matmul,
  reshape,
  selfAttentionWithWeights,
  splitHeads,
  swapAxes12,
  Tensor,
} from '@firth/tensor';

/**
 * A checkpoint's values for parameter `name` of `shape`; throws (naming the file) when the
 * checkpoint lacks it or holds another shape.
 */
export type ParameterSource = (name: string, shape: number[]) => Float32Array;

/**
 * Creates parameters (N(0, 0.02²) weights as GPT-2, γ = 1, β = 0) and remembers them, named.
 * With a `source` (a checkpoint being loaded) each parameter takes the source's values, asked for
 * before it is allocated: a config cannot make the model allocate more than the checkpoint holds.
 * A loaded parameter still draws its random values (so the draws after it stay the same) unless
 * `drawLoaded: false` — for a model whose every parameter is loaded, where nothing draws after it
 * (GPT-2's 124M draws would take seconds).
 */
export class ParameterStore {
  readonly tensors = new Map<string, Tensor>();
  constructor(
    private readonly rng: RandomState,
    private readonly source?: ParameterSource,
    private readonly options: { drawLoaded?: boolean } = {},
  ) {}

  private put(name: string, shape: number[], create: () => Tensor): Tensor {
    const loaded = this.source?.(name, shape);
    if (loaded && this.options.drawLoaded === false) {
      const t = new Tensor(Float32Array.from(loaded), shape, true);
      this.tensors.set(name, t);
      return t;
    }
    // created (and the seed drawn) even when loaded, so the draws after it stay the same
    const t = create();
    if (loaded) t.data.set(loaded);
    this.tensors.set(name, t);
    return t;
  }
  weight(name: string, shape: number[], std = 0.02): Tensor {
    return this.put(name, shape, () => Tensor.randn(shape, this.rng, std, true));
  }
  zeros(name: string, n: number): Tensor {
    return this.put(name, [n], () => Tensor.zeros([n], true));
  }
  ones(name: string, n: number): Tensor {
    return this.put(name, [n], () => Tensor.from(new Array(n).fill(1), [n], true));
  }
  /** LayerNorm's γ and β; `eps` (LayerNorm's ε, 1e-5 when absent) travels with them. */
  norm(name: string, d: number, eps?: number): Norm {
    const n: Norm = { g: this.ones(`${name}.weight`, d), b: this.zeros(`${name}.bias`, d) };
    if (eps !== undefined) n.eps = eps;
    return n;
  }
  /** Wq, Wk, Wv, Wo; with `bias` (GPT-2) also bq, bk, bv, bo, zeros (no draws: the seed's sequence is the same). */
  attention(name: string, d: number, options: { bias?: boolean } = {}): AttentionWeights {
    const a: AttentionWeights = {
      wq: this.weight(`${name}.wq`, [d, d]),
      wk: this.weight(`${name}.wk`, [d, d]),
      wv: this.weight(`${name}.wv`, [d, d]),
      wo: this.weight(`${name}.wo`, [d, d]),
    };
    if (options.bias) {
      a.bq = this.zeros(`${name}.bq`, d);
      a.bk = this.zeros(`${name}.bk`, d);
      a.bv = this.zeros(`${name}.bv`, d);
      a.bo = this.zeros(`${name}.bo`, d);
    }
    return a;
  }
  feedForward(name: string, d: number, dFF: number): FeedForwardWeights {
    return {
      w1: this.weight(`${name}.w1`, [d, dFF]),
      b1: this.zeros(`${name}.b1`, dFF),
      w2: this.weight(`${name}.w2`, [dFF, d]),
      b2: this.zeros(`${name}.b2`, d),
    };
  }
  /**
   * The weights of one pre-norm block: ln1, attention, ln2, feed-forward; `bias` puts biases on the
   * attention products, `eps` is the LayerNorms' ε (GPT-2's options; absent: none, 1e-5).
   */
  block(
    name: string,
    d: number,
    dFF: number,
    options: { bias?: boolean; eps?: number } = {},
  ): TransformerBlock {
    return {
      ln1: this.norm(`${name}.ln1`, d, options.eps),
      attn: this.attention(`${name}.attention`, d, options),
      ln2: this.norm(`${name}.ln2`, d, options.eps),
      ffn: this.feedForward(`${name}.ffn`, d, dFF),
    };
  }
  get list(): Tensor[] {
    return [...this.tensors.values()];
  }
  get count(): number {
    return this.list.reduce((s, p) => s + p.size, 0);
  }
}

export interface Norm {
  g: Tensor;
  b: Tensor;
  /** LayerNorm's ε. @default 1e-5 */
  eps?: number;
}
/** The attention's weights (in × out: x W); the biases are all there (GPT-2) or all absent. */
export interface AttentionWeights {
  wq: Tensor;
  wk: Tensor;
  wv: Tensor;
  wo: Tensor;
  bq?: Tensor;
  bk?: Tensor;
  bv?: Tensor;
  bo?: Tensor;
}
export interface FeedForwardWeights {
  w1: Tensor;
  b1: Tensor;
  w2: Tensor;
  b2: Tensor;
}

export interface TransformerBlock {
  ln1: Norm;
  attn: AttentionWeights;
  ln2: Norm;
  ffn: FeedForwardWeights;
}

export const norm = (x: Tensor, n: Norm): Tensor => layerNorm(x, n.g, n.b, n.eps);

/** x W, or x W + b in one call (linear) when there is a bias. */
const affine = (x: Tensor, w: Tensor, b: Tensor | undefined): Tensor => (b ? linear(x, w, b) : matmul(x, w));

/** The attention's biases, checked to be all there or all absent. */
function attentionBiases(a: AttentionWeights): [Tensor, Tensor, Tensor, Tensor] | null {
  const { bq, bk, bv, bo } = a;
  if (bq && bk && bv && bo) return [bq, bk, bv, bo];
  if (bq || bk || bv || bo)
    throw new ValidationError('attention biases: give all of bq, bk, bv and bo, or none', 'bias');
  return null;
}

/**
 * One pre-norm block (GPT-2): x ← x + SelfAttention(LN₁(x)); x ← x + FFN(LN₂(x)). `causal` for a
 * decoder (GPT), not for an encoder. `onAttention` is shown the attention weights (B, h, T, T).
 */
export function transformerBlock(
  x: Tensor,
  b: TransformerBlock,
  nHeads: number,
  causal: boolean,
  onAttention?: (weights: Tensor) => void,
): Tensor {
  const h = norm(x, b.ln1);
  const attention = multiHeadAttention(h, h, b.attn, nHeads, causal);
  onAttention?.(attention.weights);
  const y = add(x, attention.out);
  return add(y, feedForward(norm(y, b.ln2), b.ffn));
}

/** FFN(x) = GELU(x W1 + b1) W2 + b2, each product with its bias in one call (linear) */
export const feedForward = (x: Tensor, f: FeedForwardWeights): Tensor =>
  linear(gelu(linear(x, f.w1, f.b1)), f.w2, f.b2);

/**
 * Multi-head attention of queries from x (B, Tq, d) over keys/values from kv (B, Tk, d):
 *   per head: softmax(q kᵀ / √d_head [+ causal mask]) v;  heads concatenated, then Wo.
 * Returns the output and the weights (B, h, Tq, Tk), read-only (the seq2seq lesson shows them).
 * With biases (GPT-2's c_attn / c_proj) every product is x W + b.
 * Self-attention (kv === x) makes q, k and v with one product (x [Wq Wk Wv]); the attention itself
 * is @firth/tensor's fused op (one op, its weights kept once for the backward pass).
 */
export function multiHeadAttention(
  x: Tensor,
  kv: Tensor,
  a: AttentionWeights,
  nHeads: number,
  causal: boolean,
): { out: Tensor; weights: Tensor } {
  const [B, Tq, d] = x.shape as [number, number, number];
  const hd = d / nHeads;
  const options = { causal, scale: 1 / Math.sqrt(hd) };
  // with biases (GPT-2) each product adds its bias in the same call: x W + b
  const b = attentionBiases(a);
  if (x === kv) {
    // self-attention: one product x [Wq Wk Wv] (+ [bq bk bv]) (B, T, 3d); the heads read from it
    // and written side by side (B, T, d) inside the op
    const w = concatLast([a.wq, a.wk, a.wv]);
    const qkv = b ? linear(x, w, concatLast([b[0], b[1], b[2]])) : matmul(x, w);
    const self = selfAttentionWithWeights(qkv, nHeads, options);
    return { out: affine(self.out, a.wo, b?.[3]), weights: self.weights };
  }
  const q = splitHeads(affine(x, a.wq, b?.[0]), nHeads);
  const k = splitHeads(affine(kv, a.wk, b?.[1]), nHeads);
  const v = splitHeads(affine(kv, a.wv, b?.[2]), nHeads);
  // softmax(q kᵀ/√hd [+ causal mask]) v per head: (B, h, Tq, hd)
  const { out, weights } = attentionWithWeights(q, k, v, options);
  const ctx = swapAxes12(out); // (B, Tq, h, hd)
  return { out: affine(reshape(ctx, [B, Tq, d]), a.wo, b?.[3]), weights };
}
