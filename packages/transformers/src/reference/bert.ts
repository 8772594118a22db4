/**
 * BERT (Devlin et al. 2018), the readable lesson version: the forward pass of an encoder-only
 * transformer over a Hugging Face checkpoint (`BertModel`, or `BertFor…` with the `bert.` prefix:
 * config.json + model.safetensors) in plain float64 arrays, built from the reference blocks beside
 * it. It is the oracle the tests compare the model that trains and runs — bert-model.ts's float32
 * `BertModel` on @firth/tensor — against; it is not exported from the package.
 *
 *   const ref = ReferenceBert.fromCheckpoint(await readHfCheckpoint(folder, ['bert.', '']));
 *   ref.forward({ inputIds, tokenTypeIds, attentionMask }).lastHiddenState  // (T × hidden)
 *
 *   e = LN(word[ids] + position[0..T) + tokenType[types])
 *   per layer (post-norm):
 *     q, k, v = e Wqᵀ + bq, …                                   nn.Linear: x Wᵀ + b, W (out × in)
 *     a = LN(e + concat_heads(softmax(q kᵀ/√d_head, padding keys masked) v) Woᵀ + bo)
 *     e = LN(a + GELU(a W1ᵀ + b1) W2ᵀ + b2)                      GELU(x) = ½x(1 + erf(x/√2))
 *   pooled = tanh(e[CLS] Wpᵀ + bp)
 *
 * Padding keys get weight exactly 0 (HF adds −10000 or the float minimum: the same to 1e-4).
 * Left out: training heads, relative position embeddings, dropout (inference).
 */
import { ValidationError } from '@firth/numeric';
import { erf } from '@firth/tensor';
import { bertConfigFromHf } from '../bert-model.js';
import { type HfCheckpoint, readHfCheckpoint } from '../hf-checkpoint.js';
import type { CheckpointOptions } from '../safetensors.js';
import { type Matrix, scaledDotProductAttention, transpose } from './attention.js';
import { linear } from './gpt2.js';
import { layerNorm } from './normalization.js';

/** BERT's GELU, exact form: ½ x (1 + erf(x/√2)). */
export const geluErf = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));

export interface BertConfig {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  layerNormEps: number;
}

/** The fields of a BertModel configuration (or any wider object) that Bert and this reference expose, and only those. */
export const bertConfigOf = (c: BertConfig): BertConfig => ({
  vocabSize: c.vocabSize,
  hiddenSize: c.hiddenSize,
  numHiddenLayers: c.numHiddenLayers,
  numAttentionHeads: c.numAttentionHeads,
  intermediateSize: c.intermediateSize,
  maxPositionEmbeddings: c.maxPositionEmbeddings,
  typeVocabSize: c.typeVocabSize,
  layerNormEps: c.layerNormEps,
});

interface Layer {
  q: [Matrix, number[]];
  k: [Matrix, number[]];
  v: [Matrix, number[]];
  o: [Matrix, number[]];
  ln1: [number[], number[]];
  up: [Matrix, number[]];
  down: [Matrix, number[]];
  ln2: [number[], number[]];
}

export interface BertInput {
  inputIds: number[];
  /** Segment A = 0, B = 1. @default all 0 */
  tokenTypeIds?: number[];
  /** 1 = token, 0 = padding. @default all 1 */
  attentionMask?: number[];
}

/**
 * An input's checks, shared by this reference and `Bert` (the Hugging Face facade over BertModel):
 * ids inside the vocabulary, no more tokens than positions, segment ids and mask as long as the ids.
 * Returns the segment ids and mask, defaulted to zeros and ones.
 */
export function checkBertInput(
  input: BertInput,
  config: Pick<BertConfig, 'vocabSize' | 'maxPositionEmbeddings' | 'typeVocabSize'>,
): { types: number[]; mask: number[] } {
  const { inputIds } = input;
  const T = inputIds.length;
  const { vocabSize, maxPositionEmbeddings, typeVocabSize } = config;
  if (T === 0) throw new ValidationError('inputIds is empty', 'inputIds');
  if (T > maxPositionEmbeddings)
    throw new ValidationError(
      `${T} tokens, but the model has ${maxPositionEmbeddings} positions`,
      'inputIds',
    );
  const types = input.tokenTypeIds ?? new Array<number>(T).fill(0);
  const mask = input.attentionMask ?? new Array<number>(T).fill(1);
  if (types.length !== T || mask.length !== T)
    throw new ValidationError(
      `tokenTypeIds and attentionMask must have ${T} entries like inputIds`,
      'attentionMask',
    );
  for (const [i, t] of inputIds.entries())
    if (!Number.isInteger(t) || t < 0 || t >= vocabSize)
      throw new ValidationError(
        `inputIds[${i}] = ${t} is outside the vocabulary [0, ${vocabSize})`,
        `inputIds[${i}]`,
      );
  for (const [i, t] of types.entries())
    if (!Number.isInteger(t) || t < 0 || t >= typeVocabSize)
      throw new ValidationError(
        `tokenTypeIds[${i}] = ${t} is not a segment id below ${typeVocabSize}`,
        `tokenTypeIds[${i}]`,
      );
  return { types, mask };
}

export class ReferenceBert {
  private constructor(
    readonly config: BertConfig,
    private readonly emb: { word: Matrix; position: Matrix; type: Matrix; ln: [number[], number[]] },
    private readonly layers: Layer[],
    private readonly pooler: [Matrix, number[]] | null,
  ) {}

  /** A Hugging Face BERT folder; NaN/Infinity weights are refused unless `allowNonFinite`. */
  static async load(folder: string, options: CheckpointOptions = {}): Promise<ReferenceBert> {
    return ReferenceBert.fromCheckpoint(await readHfCheckpoint(folder, ['bert.', ''], options));
  }

  static fromCheckpoint(ckpt: HfCheckpoint): ReferenceBert {
    const c = bertConfigFromHf(ckpt.config, ckpt.configFile);
    const config = bertConfigOf(c);
    const H = config.hiddenSize;
    const I = config.intermediateSize;
    // nn.Linear keeps W as (out × in): transpose once so that every product is x W
    const dense = (p: string, out: number, inp: number): [Matrix, number[]] => [
      transpose(ckpt.matrix(`${p}.weight`, [out, inp])),
      ckpt.vector(`${p}.bias`, out),
    ];
    const ln = (p: string): [number[], number[]] => [
      ckpt.vector(`${p}.weight`, H),
      ckpt.vector(`${p}.bias`, H),
    ];
    const layers = Array.from({ length: config.numHiddenLayers }, (_, i): Layer => {
      const p = `encoder.layer.${i}`;
      return {
        q: dense(`${p}.attention.self.query`, H, H),
        k: dense(`${p}.attention.self.key`, H, H),
        v: dense(`${p}.attention.self.value`, H, H),
        o: dense(`${p}.attention.output.dense`, H, H),
        ln1: ln(`${p}.attention.output.LayerNorm`),
        up: dense(`${p}.intermediate.dense`, I, H),
        down: dense(`${p}.output.dense`, H, I),
        ln2: ln(`${p}.output.LayerNorm`),
      };
    });
    const hasPooler = [...ckpt.tensors.keys()].some((k) => k.endsWith('pooler.dense.weight'));
    return new ReferenceBert(
      config,
      {
        word: ckpt.matrix('embeddings.word_embeddings.weight', [config.vocabSize, H]),
        position: ckpt.matrix('embeddings.position_embeddings.weight', [config.maxPositionEmbeddings, H]),
        type: ckpt.matrix('embeddings.token_type_embeddings.weight', [config.typeVocabSize, H]),
        ln: ln('embeddings.LayerNorm'),
      },
      layers,
      hasPooler ? dense('pooler.dense', H, H) : null,
    );
  }

  /**
   * Contextual vectors for every token (lastHiddenState), the pooled [CLS] vector, and each layer's
   * attention weights, attentions[layer][head] (T × T; Hugging Face's `output_attentions`).
   */
  forward(input: BertInput): {
    lastHiddenState: Matrix;
    poolerOutput: number[] | null;
    attentions: Matrix[][];
  } {
    const { inputIds } = input;
    const { numAttentionHeads: nh, hiddenSize: H, layerNormEps: eps } = this.config;
    const { types, mask } = checkBertInput(input, this.config);
    const e = this.emb;
    let h = layerNorm(
      inputIds.map((t, pos) => e.word[t]!.map((v, j) => v + e.position[pos]![j]! + e.type[types[pos]!]![j]!)),
      e.ln[0],
      e.ln[1],
      eps,
    );
    const keyPadding = mask.map((m) => m !== 0);
    const hd = H / nh;
    const cols = (m: Matrix, k: number) => m.map((r) => r.slice(k * hd, (k + 1) * hd));
    const attentions: Matrix[][] = [];
    for (const L of this.layers) {
      const [q, k, v] = [L.q, L.k, L.v].map(([W, b]) => linear(h, W, b)) as [Matrix, Matrix, Matrix];
      const heads = Array.from({ length: nh }, (_, j) =>
        scaledDotProductAttention(cols(q, j), cols(k, j), cols(v, j), { keyPadding }),
      );
      attentions.push(heads.map((o) => o.weights));
      const context = h.map((_, i) => heads.flatMap((o) => o.output[i]!));
      const attnOut = linear(context, L.o[0], L.o[1]);
      const a = layerNorm(
        h.map((r, i) => r.map((x, j) => x + attnOut[i]![j]!)),
        L.ln1[0],
        L.ln1[1],
        eps,
      );
      const ffn = linear(
        linear(a, L.up[0], L.up[1]).map((r) => r.map(geluErf)),
        L.down[0],
        L.down[1],
      );
      h = layerNorm(
        a.map((r, i) => r.map((x, j) => x + ffn[i]![j]!)),
        L.ln2[0],
        L.ln2[1],
        eps,
      );
    }
    const poolerOutput = this.pooler
      ? linear([h[0]!], this.pooler[0], this.pooler[1])[0]!.map(Math.tanh)
      : null;
    return { lastHiddenState: h, poolerOutput, attentions };
  }
}
