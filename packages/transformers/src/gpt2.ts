/**
 * GPT-2 (Radford et al. 2019) from a Hugging Face folder (`GPT2LMHeadModel`: config.json +
 * model.safetensors), run and trained by gpt.ts's `GPT` — the same class as the char-GPT, with
 * GPT-2's options (attention biases, the output tied to wte, its LayerNorm ε, n_positions):
 *
 *   const gpt = await loadGpt2('fixtures/hf-tiny-gpt2');   // a GPT
 *   gpt.forward([[15496, 995]])                             // logits (1, T, vocab), float32
 *   gpt.fit(tokens, { steps: 100, lr: 1e-4 })               // fine-tuning
 *   await generate(gpt, tokenizer, 'Hello')                 // cached decoding (start())
 *
 * `Gpt2` is the older one-sequence API over it (number[][] in, number[][] out), kept for its users.
 * The float64 lesson version, the oracle the tests compare GPT against, is reference/gpt2.ts.
 */
import { GPT, type Gpt2Config } from './gpt.js';
import { type HfCheckpoint, readHfCheckpoint } from './hf-checkpoint.js';
import type { Matrix } from './reference/attention.js';
import { checkGpt2Ids } from './reference/gpt2.js';
import type { CheckpointOptions } from './safetensors.js';

export type { Gpt2Config } from './gpt.js';
export { linear } from './reference/gpt2.js';

/**
 * A Hugging Face GPT-2 folder as a GPT (GPT.fromHuggingFace); tensors named with or without
 * `transformer.`. NaN/Infinity weights are refused unless `allowNonFinite`.
 */
export async function loadGpt2(folder: string, options: CheckpointOptions = {}): Promise<GPT> {
  return GPT.fromHuggingFace(await readHfCheckpoint(folder, ['transformer.', ''], options));
}

/** @deprecated Use `loadGpt2` (a `GPT`: forward, fit, start) — see the file's note. */
export class Gpt2 {
  readonly config: Gpt2Config;

  private constructor(
    /** The model the checkpoint was loaded into. */
    readonly model: GPT,
  ) {
    const c = model.config;
    this.config = {
      vocabSize: c.vocabSize,
      nPositions: c.blockSize,
      nEmbd: c.nEmbd,
      nLayer: c.nLayer,
      nHead: c.nHead,
      layerNormEpsilon: c.layerNormEps ?? 1e-5,
    };
  }

  /** A Hugging Face GPT-2 folder; NaN/Infinity weights are refused unless `allowNonFinite`. */
  static async load(folder: string, options: CheckpointOptions = {}): Promise<Gpt2> {
    return new Gpt2(await loadGpt2(folder, options));
  }

  /** A checkpoint read with the prefixes `['transformer.', '']`. */
  static fromCheckpoint(ckpt: HfCheckpoint): Gpt2 {
    return new Gpt2(GPT.fromHuggingFace(ckpt));
  }

  get vocabSize(): number {
    return this.config.vocabSize;
  }

  /** Positions a sequence may have: generation stops there. */
  get maxContext(): number {
    return this.config.nPositions;
  }

  /** A sequence for `generate` (the CausalLM contract), with GPT's key/value cache. */
  start(): { step(token: number): Float32Array } {
    return this.model.start();
  }

  /** Logits for every position of one sequence, and the final hidden states (after LN_f). */
  forward(ids: number[]): { logits: Matrix; lastHiddenState: Matrix } {
    const { vocabSize, nEmbd } = this.config;
    checkGpt2Ids(ids, this.config);
    const { logits, lastHiddenState } = this.model.forwardWithHidden([ids], { grad: false });
    const rows = (data: Float32Array, width: number) =>
      ids.map((_, t) => Array.from(data.subarray(t * width, (t + 1) * width)));
    return { logits: rows(logits.data, vocabSize), lastHiddenState: rows(lastHiddenState.data, nEmbd) };
  }
}
