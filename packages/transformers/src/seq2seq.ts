/**
 * An encoder–decoder transformer that trains — "Attention Is All You Need" in miniature, on the
 * autograd engine (autograd.ts), for toy translation tasks such as reversing a sequence of digits
 * (course: "A High-Level Look at the Transformer", the encoder and decoder process-flow slides).
 *
 *   const model = new Seq2SeqTransformer({ vocabSize: 12, maxLen: 8 });
 *   model.fit(reversalTask, { steps: 1500 });
 *   model.translate([3, 1, 4, 1, 5, 9]) // [9, 5, 1, 4, 1, 3]
 *
 * Encoder (pre-norm, as GPT-2; the paper puts the norms after):
 *   x = E[src] + P[0..S)
 *   x ← x + MHA(LN(x))               every source token sees every source token
 *   x ← x + FFN(LN(x));  memory = LN(x)
 * Decoder, on the target shifted right (BOS y₀ … y_{T−2}):
 *   y = E[tgt] + P[0..T)
 *   y ← y + MaskedMHA(LN(y))         position i sees outputs 0..i only
 *   y ← y + MHA(q = LN(y), k = v = memory)       cross-attention
 *   y ← y + FFN(LN(y));  logits = LN(y) W_out
 * Loss: cross-entropy of the logits against y₀ … y_{T−1} (teacher forcing). Decoding: greedy, one
 * token at a time (`translateStepByStep` returns each step as the course's slides draw it).
 *
 * Left out: padding (every sequence in a batch has the same length), beam search, weight tying.
 */
import { RandomState, ValidationError } from '@firth/numeric';
import { add, crossEntropy, embedding, fit as fitLoop, matmul, type Tensor } from '@firth/tensor';
import {
  type AttentionWeights,
  feedForward,
  multiHeadAttention,
  type Norm,
  norm,
  ParameterStore,
  type TransformerBlock,
  transformerBlock,
} from './nn.js';

export interface Seq2SeqConfig {
  /** Tokens, including the start token. */
  vocabSize: number;
  /** Longest source or target sequence. */
  maxLen: number;
  /** @default 64 — enough for toy tasks, small enough to train in seconds on a CPU */
  dModel?: number;
  /** @default 4 */
  nHeads?: number;
  /** Encoder and decoder layers each. @default 1 */
  nLayers?: number;
  /** @default 4 · dModel */
  dFF?: number;
  /** The start-of-target token. @default vocabSize − 1 */
  bos?: number;
  /** @default 0 */
  seed?: number;
}

/** A task: a seeded generator of (source, target) pairs of one length per batch. */
export type PairSampler = (rng: RandomState, length: number) => { src: number[]; tgt: number[] };

export interface FitOptions {
  steps?: number;
  batchSize?: number;
  /** Sequence lengths to draw from (each batch picks one). */
  lengths?: number[];
  lr?: number;
  onStep?: (step: number, loss: number) => void;
}

type EncLayer = TransformerBlock;
interface DecLayer extends TransformerBlock {
  lnX: Norm;
  cross: AttentionWeights;
}

export interface DecodeStep {
  /** Decoder input so far (BOS first). */
  input: number[];
  /** The 3 most likely next tokens with their probabilities. */
  top: { token: number; p: number }[];
  /** argmax: the token appended. */
  token: number;
}

export class Seq2SeqTransformer {
  readonly config: Required<Seq2SeqConfig>;
  readonly lossCurve: number[] = [];
  private readonly params: Tensor[];
  private readonly tokenEmb: Tensor;
  private readonly posEmb: Tensor;
  private readonly enc: EncLayer[];
  private readonly dec: DecLayer[];
  private readonly encOut: Norm;
  private readonly decOut: Norm;
  private readonly wOut: Tensor;

  constructor(config: Seq2SeqConfig) {
    const dModel = config.dModel ?? 64;
    this.config = {
      dModel,
      nHeads: 4,
      nLayers: 1,
      dFF: 4 * dModel,
      bos: config.vocabSize - 1,
      seed: 0,
      ...config,
    };
    const { vocabSize, maxLen, nHeads, nLayers, dFF } = this.config;
    for (const [k, v] of Object.entries({ vocabSize, maxLen, dModel, nHeads, nLayers, dFF }))
      if (!Number.isInteger(v) || v < 1)
        throw new ValidationError(`${k} must be a positive integer, got ${v}`, k);
    if (dModel % nHeads)
      throw new ValidationError(`dModel ${dModel} is not a multiple of nHeads ${nHeads}`, 'nHeads');
    const p = new ParameterStore(new RandomState(this.config.seed));
    this.tokenEmb = p.weight('tokenEmbedding', [vocabSize, dModel]);
    this.posEmb = p.weight('positionEmbedding', [maxLen, dModel]);
    this.enc = Array.from({ length: nLayers }, (_, i) => p.block(`encoder.${i}`, dModel, dFF));
    this.dec = Array.from({ length: nLayers }, (_, i) => ({
      ln1: p.norm(`decoder.${i}.ln1`, dModel),
      attn: p.attention(`decoder.${i}.attention`, dModel),
      lnX: p.norm(`decoder.${i}.lnCross`, dModel),
      cross: p.attention(`decoder.${i}.crossAttention`, dModel),
      ln2: p.norm(`decoder.${i}.ln2`, dModel),
      ffn: p.feedForward(`decoder.${i}.ffn`, dModel, dFF),
    }));
    this.encOut = p.norm('encoder.lnOut', dModel);
    this.decOut = p.norm('decoder.lnOut', dModel);
    this.wOut = p.weight('output', [dModel, vocabSize]);
    this.params = p.list;
  }

  get parameterCount(): number {
    return this.params.reduce((s, p) => s + p.size, 0);
  }

  /** E[ids] + P[0..T) for a batch of equal-length sequences → (B, T, d). */
  private embed(batch: number[][]): Tensor {
    const B = batch.length;
    const T = batch[0]!.length;
    if (T > this.config.maxLen)
      throw new ValidationError(
        `a sequence of ${T} tokens is longer than maxLen ${this.config.maxLen}`,
        'maxLen',
      );
    const tok = embedding(this.tokenEmb, batch.flat(), [B, T]);
    const pos = embedding(
      this.posEmb,
      Array.from({ length: T }, (_, t) => t),
      [T],
    );
    return add(tok, pos);
  }

  private encode(src: number[][]): Tensor {
    let x = this.embed(src);
    for (const L of this.enc) {
      x = transformerBlock(x, L, this.config.nHeads, false);
    }
    return norm(x, this.encOut);
  }

  private decode(tgtIn: number[][], memory: Tensor): { logits: Tensor; cross: Tensor | null } {
    let y = this.embed(tgtIn);
    let cross: Tensor | null = null;
    for (const L of this.dec) {
      const n1 = norm(y, L.ln1);
      y = add(y, multiHeadAttention(n1, n1, L.attn, this.config.nHeads, true).out);
      const c = multiHeadAttention(norm(y, L.lnX), memory, L.cross, this.config.nHeads, false);
      cross = c.weights;
      y = add(y, c.out);
      y = add(y, feedForward(norm(y, L.ln2), L.ffn));
    }
    return { logits: matmul(norm(y, this.decOut), this.wOut), cross };
  }

  /** Mean cross-entropy of a batch (teacher forcing: the decoder reads BOS + target[:-1]). */
  loss(src: number[][], tgt: number[][]): Tensor {
    const memory = this.encode(src);
    const tgtIn = tgt.map((t) => [this.config.bos, ...t.slice(0, -1)]);
    const { logits } = this.decode(tgtIn, memory);
    return crossEntropy(logits, tgt.flat());
  }

  /** Trains on pairs drawn from `task` with AdamW, a linear warm-up and cosine decay. */
  fit(task: PairSampler, options: FitOptions = {}): this {
    const { steps = 1000, batchSize = 32, lengths = [this.config.maxLen], lr = 3e-3, onStep } = options;
    fitLoop({
      params: this.params,
      steps,
      lr,
      decay: () => true,
      seed: new RandomState(this.config.seed + 1),
      curve: this.lossCurve,
      lossAt: (_step, rng) => {
        const length = lengths[rng.randint(lengths.length)]!;
        const pairs = Array.from({ length: batchSize }, () => task(rng, length));
        return this.loss(
          pairs.map((p) => p.src),
          pairs.map((p) => p.tgt),
        );
      },
      onProgress: onStep && ((e) => e.phase === 'step' && onStep(e.step - 1, e.loss)),
    });
    return this;
  }

  /** Greedy decoding with each step's inputs, top probabilities and choice. */
  translateStepByStep(src: number[], length = src.length): DecodeStep[] {
    const memory = this.encode([src]);
    const input = [this.config.bos];
    const steps: DecodeStep[] = [];
    for (let t = 0; t < length; t++) {
      const { logits } = this.decode([input], memory);
      // the last position's logits → softmax → argmax
      const V = this.config.vocabSize;
      const row = Array.from(logits.data.subarray((input.length - 1) * V, input.length * V));
      const max = Math.max(...row);
      const e = row.map((z) => Math.exp(z - max));
      const sum = e.reduce((a, b) => a + b, 0);
      const p = e.map((v) => v / sum);
      const order = p.map((_, i) => i).sort((a, b) => p[b]! - p[a]! || a - b);
      const token = order[0]!;
      steps.push({ input: [...input], top: order.slice(0, 3).map((k) => ({ token: k, p: p[k]! })), token });
      input.push(token);
    }
    return steps;
  }

  translate(src: number[], length = src.length): number[] {
    return this.translateStepByStep(src, length).map((s) => s.token);
  }
}

/** The toy task: reverse a sequence of digits 0–9. */
export const reversalTask: PairSampler = (rng, length) => {
  const src = Array.from({ length }, () => rng.randint(10));
  return { src, tgt: [...src].reverse() };
};
