/**
 * The encoder layer and the decoder layer of "Attention Is All You Need" (course: "The Transformer
 * - Encoder", "The Transformer - Decoder", "The Masked-Self Attention in the Decoder") assembled
 * from the reference blocks, forward only — what the lessons and the Attention node show.
 *
 *   encoder layer (post-norm, as the paper and BERT):
 *     x ← LayerNorm(x + SelfAttention(x))                   every token sees every token
 *     x ← LayerNorm(x + FFN(x))                             the same FFN for each position
 *   decoder layer:
 *     y ← LayerNorm(y + MaskedSelfAttention(y))             token i sees outputs 0..i only
 *     y ← LayerNorm(y + CrossAttention(q = y, k = v = encoder output))
 *     y ← LayerNorm(y + FFN(y))
 *   `preNorm: true` moves each LayerNorm before its sub-layer (GPT-2, Llama): x ← x + f(LN(x)).
 */
import { type Matrix, type MultiHeadWeights, multiHeadAttention } from './attention.js';
import { type FeedForwardKind, type FeedForwardWeights, feedForward } from './feed-forward.js';
import { layerNorm } from './normalization.js';

export interface NormWeights {
  gamma: number[];
  beta: number[];
}

export interface EncoderLayerWeights {
  selfAttention: MultiHeadWeights;
  norm1: NormWeights;
  ffn: FeedForwardWeights;
  norm2: NormWeights;
}

export interface DecoderLayerWeights extends EncoderLayerWeights {
  crossAttention: MultiHeadWeights;
  norm3: NormWeights;
}

export interface LayerOptions {
  nHeads: number;
  nKvHeads?: number;
  /** @default 'relu' — the paper's */
  ffn?: FeedForwardKind;
  /** @default false — the paper's post-norm */
  preNorm?: boolean;
  /** Per source token: false marks padding (encoder self-attention and cross-attention). */
  sourcePadding?: boolean[];
}

const add = (a: Matrix, b: Matrix) => a.map((r, i) => r.map((v, j) => v + b[i]![j]!));

/** x + f(x) with the LayerNorm after (post-norm) or before f (pre-norm). */
function residual(x: Matrix, norm: NormWeights, preNorm: boolean, f: (h: Matrix) => Matrix): Matrix {
  if (preNorm) return add(x, f(layerNorm(x, norm.gamma, norm.beta)));
  return layerNorm(add(x, f(x)), norm.gamma, norm.beta);
}

/** One encoder layer; returns the new token vectors and each head's self-attention weights. */
export function encoderLayer(
  x: Matrix,
  w: EncoderLayerWeights,
  options: LayerOptions,
): { output: Matrix; attention: Matrix[] } {
  const preNorm = options.preNorm ?? false;
  let attention: Matrix[] = [];
  const keyPadding = options.sourcePadding;
  let h = residual(x, w.norm1, preNorm, (u) => {
    const r = multiHeadAttention(u, u, w.selfAttention, {
      ...options,
      ...(keyPadding ? { keyPadding } : {}),
    });
    attention = r.weights;
    return r.output;
  });
  h = residual(h, w.norm2, preNorm, (u) => feedForward(options.ffn ?? 'relu', u, w.ffn));
  return { output: h, attention };
}

/**
 * One decoder layer over the target tokens so far (`y`) and the encoder's output (`memory`);
 * returns the new vectors with the masked self-attention and the cross-attention weights.
 */
export function decoderLayer(
  y: Matrix,
  memory: Matrix,
  w: DecoderLayerWeights,
  options: LayerOptions,
): { output: Matrix; selfAttention: Matrix[]; crossAttention: Matrix[] } {
  const preNorm = options.preNorm ?? false;
  let selfAttention: Matrix[] = [];
  let crossAttention: Matrix[] = [];
  let h = residual(y, w.norm1, preNorm, (u) => {
    const r = multiHeadAttention(u, u, w.selfAttention, { ...options, mask: 'causal' });
    selfAttention = r.weights;
    return r.output;
  });
  h = residual(h, w.norm2, preNorm, (u) => {
    const keyPadding = options.sourcePadding;
    const r = multiHeadAttention(u, memory, w.crossAttention, {
      ...options,
      mask: null,
      ...(keyPadding ? { keyPadding } : {}),
    });
    crossAttention = r.weights;
    return r.output;
  });
  h = residual(h, w.norm3, preNorm, (u) => feedForward(options.ffn ?? 'relu', u, w.ffn));
  return { output: h, selfAttention, crossAttention };
}
