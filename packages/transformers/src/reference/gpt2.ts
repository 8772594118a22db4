/**
 * GPT-2 (Radford et al. 2019) — the course's "GPT", the readable lesson version: the forward pass
 * of a decoder-only transformer over Hugging Face checkpoints (`GPT2LMHeadModel`: config.json +
 * model.safetensors) in plain float64 arrays, built from the reference blocks beside it. It is the
 * oracle the tests compare the model that trains and runs — gpt.ts's float32 `GPT` on
 * @firth/tensor, loaded with `GPT.fromHuggingFace` — against; it is not exported from the package.
 *
 *   const ref = await ReferenceGpt2.load('fixtures/hf-tiny-gpt2');
 *   ref.forward([15496, 995]).logits   // (T × vocab)
 *
 *   h = wte[ids] + wpe[0..T)                                   token + learned position embeddings
 *   per block (pre-norm):
 *     q | k | v = LN₁(h) W_attn + b_attn                       HF's Conv1D: x W + b, W (in × out)
 *     h += concat_heads(softmax(q kᵀ/√d_head + causal) v) W_proj + b_proj
 *     h += GELU_tanh(LN₂(h) W_fc + b_fc) W_mlp + b_mlp
 *   logits = LN_f(h) wteᵀ                                       the output layer is tied to wte
 *
 * `start()` makes it a CausalLM for generation.ts (each step recomputes the sequence: no key/value
 * cache). Left out: dropout (inference).
 */
import { ValidationError } from '@firth/numeric';
import { type Gpt2Config, gpt2ConfigFromHf } from '../gpt.js';
import { type HfCheckpoint, readHfCheckpoint } from '../hf-checkpoint.js';
import type { CheckpointOptions } from '../safetensors.js';
import { type Matrix, matmul, scaledDotProductAttention, transpose } from './attention.js';
import { activations } from './feed-forward.js';
import { layerNorm } from './normalization.js';

interface Block {
  ln1: [number[], number[]];
  attnW: Matrix;
  attnB: number[];
  projW: Matrix;
  projB: number[];
  ln2: [number[], number[]];
  fcW: Matrix;
  fcB: number[];
  mlpW: Matrix;
  mlpB: number[];
}

/** x W + b (row vectors). */
export function linear(x: Matrix, W: Matrix, b?: number[]): Matrix {
  const y = matmul(x, W);
  return b ? y.map((r) => r.map((v, j) => v + b[j]!)) : y;
}

/** One sequence's token ids checked against a GPT-2 config: 1..nPositions ids, each in [0, vocabSize). */
export function checkGpt2Ids(ids: number[], config: { vocabSize: number; nPositions: number }): void {
  const { vocabSize, nPositions } = config;
  if (ids.length === 0) throw new ValidationError('ids is empty', 'ids');
  if (ids.length > nPositions)
    throw new ValidationError(`${ids.length} tokens, but the model has ${nPositions} positions`, 'ids');
  for (const [i, t] of ids.entries())
    if (!Number.isInteger(t) || t < 0 || t >= vocabSize)
      throw new ValidationError(`ids[${i}] = ${t} is outside the vocabulary [0, ${vocabSize})`, `ids[${i}]`);
}

export class ReferenceGpt2 {
  private constructor(
    readonly config: Gpt2Config,
    private readonly wte: Matrix,
    private readonly wpe: Matrix,
    private readonly blocks: Block[],
    private readonly lnF: [number[], number[]],
  ) {}

  /** A Hugging Face GPT-2 folder; NaN/Infinity weights are refused unless `allowNonFinite`. */
  static async load(folder: string, options: CheckpointOptions = {}): Promise<ReferenceGpt2> {
    return ReferenceGpt2.fromCheckpoint(await readHfCheckpoint(folder, ['transformer.', ''], options));
  }

  /** A checkpoint read with the prefixes `['transformer.', '']`. */
  static fromCheckpoint(ckpt: HfCheckpoint): ReferenceGpt2 {
    const config = gpt2ConfigFromHf(ckpt);
    const { nEmbd: d, nLayer } = config;
    const ln = (p: string): [number[], number[]] => [
      ckpt.vector(`${p}.weight`, d),
      ckpt.vector(`${p}.bias`, d),
    ];
    const blocks = Array.from({ length: nLayer }, (_, i): Block => {
      const p = `h.${i}`;
      return {
        ln1: ln(`${p}.ln_1`),
        attnW: ckpt.matrix(`${p}.attn.c_attn.weight`, [d, 3 * d]),
        attnB: ckpt.vector(`${p}.attn.c_attn.bias`, 3 * d),
        projW: ckpt.matrix(`${p}.attn.c_proj.weight`, [d, d]),
        projB: ckpt.vector(`${p}.attn.c_proj.bias`, d),
        ln2: ln(`${p}.ln_2`),
        fcW: ckpt.matrix(`${p}.mlp.c_fc.weight`, [d, 4 * d]),
        fcB: ckpt.vector(`${p}.mlp.c_fc.bias`, 4 * d),
        mlpW: ckpt.matrix(`${p}.mlp.c_proj.weight`, [4 * d, d]),
        mlpB: ckpt.vector(`${p}.mlp.c_proj.bias`, d),
      };
    });
    return new ReferenceGpt2(
      config,
      ckpt.matrix('wte.weight', [config.vocabSize, d]),
      ckpt.matrix('wpe.weight', [config.nPositions, d]),
      blocks,
      ln('ln_f'),
    );
  }

  get vocabSize(): number {
    return this.config.vocabSize;
  }

  /** Positions a sequence may have: generation stops there. */
  get maxContext(): number {
    return this.config.nPositions;
  }

  /**
   * A sequence for `generate` (the CausalLM contract): each step runs the whole sequence so far
   * again and returns the last position's logits — no key/value cache, O(T²) per step, fine for
   * the reference path and short texts.
   */
  start(): { step(token: number): Float32Array } {
    const ids: number[] = [];
    return {
      step: (token: number) => {
        ids.push(token);
        return Float32Array.from(this.forward(ids).logits.at(-1)!);
      },
    };
  }

  /**
   * Logits for every position of one sequence, the final hidden states (after LN_f), and each
   * block's attention weights, attentions[layer][head] (T × T, zero above the diagonal).
   */
  forward(ids: number[]): { logits: Matrix; lastHiddenState: Matrix; attentions: Matrix[][] } {
    const { nEmbd: d, nHead, layerNormEpsilon: eps } = this.config;
    checkGpt2Ids(ids, this.config);
    const hd = d / nHead;
    let h = ids.map((t, pos) => this.wte[t]!.map((v, j) => v + this.wpe[pos]![j]!));
    const attentions: Matrix[][] = [];
    for (const b of this.blocks) {
      const qkv = linear(layerNorm(h, b.ln1[0], b.ln1[1], eps), b.attnW, b.attnB);
      const cols = (m: Matrix, from: number) => m.map((r) => r.slice(from, from + hd));
      const heads = Array.from({ length: nHead }, (_, k) =>
        scaledDotProductAttention(cols(qkv, k * hd), cols(qkv, d + k * hd), cols(qkv, 2 * d + k * hd), {
          mask: 'causal',
        }),
      );
      attentions.push(heads.map((o) => o.weights));
      const merged = h.map((_, i) => heads.flatMap((o) => o.output[i]!));
      const attn = linear(merged, b.projW, b.projB);
      h = h.map((r, i) => r.map((v, j) => v + attn[i]![j]!));
      const m = linear(layerNorm(h, b.ln2[0], b.ln2[1], eps), b.fcW, b.fcB).map((r) =>
        r.map(activations.gelu),
      );
      const mlp = linear(m, b.mlpW, b.mlpB);
      h = h.map((r, i) => r.map((v, j) => v + mlp[i]![j]!));
    }
    const lastHiddenState = layerNorm(h, this.lnF[0], this.lnF[1], eps);
    return { logits: matmul(lastHiddenState, transpose(this.wte)), lastHiddenState, attentions };
  }
}
