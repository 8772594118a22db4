/**
 * GPT, decoder-only, trainable — nanoGPT's `model.py` and `train.py` on Firth's autograd engine
 * (course: "GPT", "The Masked-Self Attention in the Decoder"). A character-level language model
 * learns tiny Shakespeare; `start()` makes it a CausalLM for generation.ts.
 *
 *   const tok = new CharTokenizer().train(text);
 *   const gpt = new GPT({ vocabSize: tok.vocabSize, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128 });
 *   gpt.fit(tok.encode(text), { steps: 2000, valTokens });
 *   await generate(gpt, tok, 'ROMEO:', { temperature: 0.8, maxNewTokens: 200 })
 *
 *   x = E[tokens] + P[0..T)
 *   per block (pre-norm): x ← x + CausalSelfAttention(LN₁(x));  x ← x + FFN(LN₂(x))
 *   logits = LN_f(x) W_out;  loss = cross-entropy against the next token at every position
 * Training: random windows of blockSize + 1 tokens, AdamW (weight decay on matrices only), linear
 * warm-up then cosine decay, gradient-norm clipping at 1, progress events, optional validation.
 * Checkpoints: safetensors with the config (and, when given, the tokenizer) in its metadata.
 *
 * The same class runs Hugging Face GPT-2 (`GPT.fromHuggingFace`, gpt2.ts's `loadGpt2`): its options
 * `bias` (biases on the attention products, c_attn / c_proj), `tiedOutput` (logits = LN_f(x) Eᵀ,
 * the output layer is the token embedding, one tensor trained through both uses) and `layerNormEps`;
 * blockSize is GPT-2's n_positions. Without them the model is the char-GPT above, unchanged.
 *
 * Generation reads a key/value cache (start()). Speed: the products and the elementwise ops (GELU,
 * softmax, LayerNorm, cross-entropy, AdamW) run in WebAssembly SIMD (@firth/tensor) on one thread;
 * `pnpm bench:transformer` times a step of the 4-layer 128-wide config beside PyTorch. Left out:
 * dropout, mixed precision.
 */
import {
  FormatError,
  type ProgressEvent,
  RandomState,
  readJson,
  shape,
  ValidationError,
} from '@firth/numeric';
import {
  add,
  arenaScope,
  attendCached,
  crossEntropy,
  type EarlyStopping,
  embedding,
  fit as fitLoop,
  type GptDecodeWeights,
  gptDecoderF32,
  type LlamaDecoder,
  matmul,
  matmulNT,
  Tensor,
} from '@firth/tensor';
import { type AttentionMaps, headsOf } from './attention-maps.js';
import type { HfCheckpoint } from './hf-checkpoint.js';
import { configSize } from './hf-config.js';
import {
  type Norm,
  norm,
  type ParameterSource,
  ParameterStore,
  type TransformerBlock,
  transformerBlock,
} from './nn.js';
import {
  type CheckpointOptions,
  readSafetensors,
  readSafetensorsHeader,
  writeSafetensors,
} from './safetensors.js';

const GPT_DEFAULTS = { blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, seed: 0 };

/** The config a Firth GPT checkpoint keeps in its metadata (what `toSafetensors` writes). */
const gptCheckpointConfig = shape.object({
  vocabSize: shape.integer({ min: 1, max: 1 << 24 }),
  blockSize: shape.optional(shape.integer({ min: 1, max: 1 << 20 })),
  nLayer: shape.optional(shape.integer({ min: 1, max: 1024 })),
  nHead: shape.optional(shape.integer({ min: 1, max: 1 << 16 })),
  nEmbd: shape.optional(shape.integer({ min: 1, max: 1 << 16 })),
  seed: shape.optional(shape.integer()),
  bias: shape.optional(shape.boolean()),
  tiedOutput: shape.optional(shape.boolean()),
  layerNormEps: shape.optional(shape.number({ min: 0, max: 1 })),
});

/** The fields of a Hugging Face GPT-2 config.json that Firth reads (other fields may be there). */
const hfGpt2Config = shape.object({
  model_type: shape.optional(shape.literal('gpt2')),
  activation_function: shape.optional(shape.literal('gelu_new')),
  vocab_size: configSize(),
  n_positions: configSize(1 << 20),
  n_embd: configSize(1 << 16),
  n_layer: configSize(1024),
  n_head: configSize(1 << 16),
  layer_norm_epsilon: shape.optional(shape.number({ min: 0, max: 1 })),
});

/** A Hugging Face GPT-2 model's configuration, as Firth names it. */
export interface Gpt2Config {
  vocabSize: number;
  nPositions: number;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  layerNormEpsilon: number;
}

/** config.json of a GPT-2 checkpoint, checked (FormatError naming the file and the JSON path). */
export function gpt2ConfigFromHf(ckpt: Pick<HfCheckpoint, 'checkConfig' | 'configFile'>): Gpt2Config {
  const c = ckpt.checkConfig(hfGpt2Config);
  if (c.n_embd % c.n_head)
    throw new FormatError(ckpt.configFile, '$.n_head', `must divide n_embd ${c.n_embd}, got ${c.n_head}`);
  return {
    vocabSize: c.vocab_size,
    nPositions: c.n_positions,
    nEmbd: c.n_embd,
    nLayer: c.n_layer,
    nHead: c.n_head,
    layerNormEpsilon: c.layer_norm_epsilon ?? 1e-5,
  };
}

export interface GptConfig {
  vocabSize: number;
  /** Context length in tokens. @default 64 */
  blockSize?: number;
  /** @default 4 */
  nLayer?: number;
  /** @default 4 */
  nHead?: number;
  /** @default 128 */
  nEmbd?: number;
  /** Seeds the initial weights. @default 0 */
  seed?: number;
}

/**
 * GPT-2's architecture options, beside GptConfig's sizes; absent, the model is the char-GPT (and
 * its config and checkpoints do not name them).
 */
export interface GptArchitecture {
  /** Biases on the attention products (q, k, v and the output: GPT-2's c_attn and c_proj). @default false */
  bias?: boolean;
  /** The output layer is the token embedding: logits = LN_f(x) Eᵀ (GPT-2). @default false */
  tiedOutput?: boolean;
  /** LayerNorm's ε. @default 1e-5 */
  layerNormEps?: number;
}

export interface GptFitOptions {
  /** @default 1000 */
  steps?: number;
  /** @default 32 */
  batchSize?: number;
  /** Peak learning rate. @default 1e-3 */
  lr?: number;
  /** @default lr / 10 */
  minLr?: number;
  /** @default steps / 20 */
  warmup?: number;
  /** @default 0.1 */
  weightDecay?: number;
  /** Held-out tokens for the validation loss. */
  valTokens?: ArrayLike<number>;
  /** Validate every this many steps (and at the end). @default 100 */
  evalEvery?: number;
  /** Batches per validation estimate. @default 4 */
  evalBatches?: number;
  /** Seeds the batch sampling. @default 1 */
  seed?: number;
  onProgress?: (event: GptProgress) => void;
  /** Checked after every step: true ends training early (e.g. a time budget). */
  shouldStop?: () => boolean;
  /** Stop when the validation loss (`metric: 'valLoss'`) stops improving; needs `valTokens`. */
  earlyStopping?: EarlyStopping;
  /** Called every `every` steps and at the end with the step reached (e.g. `gpt.save(…)`). */
  checkpoint?: { every: number; save: (step: number) => void };
}

/**
 * Firth's ProgressEvent with an `eval` phase: `loss` is the batch's next-token cross-entropy,
 * `metrics.lr` the learning rate, `metrics.valLoss` the validation loss (at `eval` and `end`).
 */
export type GptProgress = ProgressEvent<'step' | 'eval' | 'end'>;

/** Parameters (a tensor, or an object of them, nested) read through views that need no gradient. */
function frozen<T>(o: T): T {
  if (o instanceof Tensor) return new Tensor(o.data, o.shape) as T;
  if (typeof o !== 'object' || o === null) return o;
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, frozen(v)])) as T;
}
const same = <T>(o: T): T => o;
/** A tensor made inside an arenaScope, copied out of the arena (its values in a new array). */
const copyOut = (t: Tensor): Tensor => new Tensor(t.data.slice(), t.shape);

export class GPT {
  /** The sizes (defaults filled in) and the architecture options that were given. */
  readonly config: Required<GptConfig> & GptArchitecture;
  readonly lossCurve: number[] = [];
  readonly valLossCurve: { step: number; loss: number }[] = [];
  private readonly store: ParameterStore;
  private readonly tokenEmb: Tensor;
  private readonly posEmb: Tensor;
  private readonly blocks: TransformerBlock[];
  private readonly lnF: Norm;
  /** The output layer (nEmbd × vocab); null when it is tied to the token embedding. */
  private readonly wOut: Tensor | null;
  /** start()'s wasm decoder, with its copy of the weights: made on first use, dropped by fit(). */
  #decoder: LlamaDecoder | null | undefined;

  /** `weights`: a checkpoint's values for each parameter (fromSafetensors); random otherwise. */
  constructor(config: GptConfig & GptArchitecture, weights?: ParameterSource) {
    this.config = { ...GPT_DEFAULTS, ...config };
    const { vocabSize, blockSize, nLayer, nHead, nEmbd, layerNormEps } = this.config;
    for (const [k, v] of Object.entries({ vocabSize, blockSize, nLayer, nHead, nEmbd }))
      if (!Number.isInteger(v) || v < 1)
        throw new ValidationError(`${k} must be a positive integer, got ${v}`, k);
    if (nEmbd % nHead)
      throw new ValidationError(`nEmbd ${nEmbd} is not a multiple of nHead ${nHead}`, 'nHead');
    if (layerNormEps !== undefined && !(layerNormEps >= 0 && layerNormEps <= 1))
      throw new ValidationError(
        `layerNormEps must be a number in [0, 1], got ${layerNormEps}`,
        'layerNormEps',
      );
    // a checkpoint gives every parameter, and nothing draws after them: no random values drawn
    const p = new ParameterStore(new RandomState(this.config.seed), weights, { drawLoaded: !weights });
    this.store = p;
    this.tokenEmb = p.weight('tokenEmbedding', [vocabSize, nEmbd]);
    this.posEmb = p.weight('positionEmbedding', [blockSize, nEmbd]);
    const options = { bias: this.config.bias, eps: layerNormEps };
    this.blocks = Array.from({ length: nLayer }, (_, i) => p.block(`h.${i}`, nEmbd, 4 * nEmbd, options));
    this.lnF = p.norm('lnF', nEmbd, layerNormEps);
    this.wOut = this.config.tiedOutput ? null : p.weight('output', [nEmbd, vocabSize]);
  }

  get parameterCount(): number {
    return this.store.count;
  }
  /** The parameters by name (tokenEmbedding, h.0.attention.wq, …), the tensors that train. */
  get tensors(): ReadonlyMap<string, Tensor> {
    return this.store.tensors;
  }
  get vocabSize(): number {
    return this.config.vocabSize;
  }

  /** Logits (B, T, vocab) for a batch of equal-length token rows (T ≤ blockSize). */
  forward(batch: number[][], options: { grad?: boolean } = {}): Tensor {
    return this.forwardWithHidden(batch, options).logits;
  }

  /**
   * The logits (B, T, vocab) and the final hidden states LN_f(x) (B, T, nEmbd) they are read from
   * (Hugging Face's `last_hidden_state`). With `grad: false` (inference: no backward pass will
   * follow) the parameters are read through views that need no gradient, so no op records a
   * backward closure or keeps its inputs; the numbers are the same.
   */
  forwardWithHidden(
    batch: number[][],
    options: { grad?: boolean } = {},
  ): { logits: Tensor; lastHiddenState: Tensor } {
    // inference: every intermediate tensor in @firth/tensor's arena (the kernels' own memory, no
    // copies in and out), released at the end; only the results are copied out
    if (options.grad === false)
      return arenaScope(() => {
        const { logits, lastHiddenState } = this.forwardWith(batch, options);
        return { logits: copyOut(logits), lastHiddenState: copyOut(lastHiddenState) };
      });
    return this.forwardWith(batch, options);
  }

  /**
   * The attention maps of one sequence of 1..blockSize tokens (attention-maps.ts):
   * maps[layer][head][i][j], the weight position i gave position j (0 for j > i: causal) — the
   * weights of the attention op in the forward pass itself (inference, no gradients).
   *
   *   const { model, tokenizer } = readCharGptCheckpoint(bytes);
   *   const maps = model.attentionMaps(tokenizer.encode('ROMEO:'));
   *   maps[1][3][5];   // block 2, head 4: what ':' looks at, 6 weights summing to 1
   */
  attentionMaps(tokenIds: readonly number[]): AttentionMaps {
    const T = tokenIds.length;
    const maps: AttentionMaps = [];
    arenaScope(() =>
      this.forwardWith([[...tokenIds]], {
        grad: false,
        // the weights live in the arena until the scope ends: copied out here
        onAttention: (w) => maps.push(headsOf(w.data, this.config.nHead, T)),
      }),
    );
    return maps;
  }

  private forwardWith(
    batch: number[][],
    options: { grad?: boolean; onAttention?: (weights: Tensor) => void },
  ): { logits: Tensor; lastHiddenState: Tensor } {
    const B = batch.length;
    const T = batch[0]?.length ?? 0;
    if (T === 0 || T > this.config.blockSize)
      throw new ValidationError(`sequences must have 1..${this.config.blockSize} tokens, got ${T}`, 'tokens');
    const w = options.grad === false ? frozen : same;
    const tokenEmb = w(this.tokenEmb);
    const wOut = this.wOut && w(this.wOut);
    let x = add(
      embedding(tokenEmb, batch.flat(), [B, T]),
      embedding(
        w(this.posEmb),
        Array.from({ length: T }, (_, t) => t),
        [T],
      ),
    );
    for (const b of this.blocks) x = transformerBlock(x, w(b), this.config.nHead, true, options.onAttention);
    const h = norm(x, w(this.lnF));
    // tied: h Eᵀ, the gradient of both uses flowing into the one embedding tensor
    return { logits: wOut ? matmul(h, wOut) : matmulNT(h, tokenEmb), lastHiddenState: h };
  }

  /** Mean next-token cross-entropy of windows x → y (y is x shifted by one). */
  loss(x: number[][], y: number[][]): Tensor {
    return crossEntropy(this.forward(x), y.flat());
  }

  /** `batchSize` random windows of blockSize + 1 tokens: inputs and next-token targets. */
  private batch(
    tokens: ArrayLike<number>,
    batchSize: number,
    rng: RandomState,
  ): { x: number[][]; y: number[][] } {
    const T = this.config.blockSize;
    if (tokens.length < T + 1)
      throw new ValidationError(
        `the text has ${tokens.length} tokens; training needs more than blockSize ${T}`,
        'tokens',
      );
    const x: number[][] = [];
    const y: number[][] = [];
    for (let b = 0; b < batchSize; b++) {
      const at = rng.randint(tokens.length - T);
      const w = Array.from({ length: T + 1 }, (_, i) => tokens[at + i]!);
      x.push(w.slice(0, T));
      y.push(w.slice(1));
    }
    return { x, y };
  }

  /** Mean loss over `batches` random validation batches (no gradients kept). */
  estimateLoss(tokens: ArrayLike<number>, batches = 4, batchSize = 32, seed = 12345): number {
    const rng = new RandomState(seed);
    let sum = 0;
    for (let i = 0; i < batches; i++) {
      const { x, y } = this.batch(tokens, batchSize, rng);
      sum += crossEntropy(this.forward(x, { grad: false }), y.flat()).item();
    }
    return sum / batches;
  }

  fit(tokens: ArrayLike<number>, options: GptFitOptions = {}): this {
    const steps = options.steps ?? 1000;
    const batchSize = options.batchSize ?? 32;
    const lr = options.lr ?? 1e-3;
    for (const t of Array.from(tokens))
      if (!Number.isInteger(t) || t < 0 || t >= this.config.vocabSize)
        throw new ValidationError(
          `token ${t} is outside the vocabulary [0, ${this.config.vocabSize})`,
          'tokens',
        );
    const { valTokens } = options;
    // the weights change from here on: start() makes its decoder afresh (at each step, since a
    // progress callback may generate between steps)
    this.#decoder = undefined;
    // @firth/tensor's one loop; weight decay on matrices only (nanoGPT): embeddings and weights
    fitLoop({
      params: this.store.list,
      steps,
      lr,
      minLr: options.minLr ?? lr / 10,
      warmup: options.warmup,
      weightDecay: options.weightDecay ?? 0.1,
      beta2: 0.99,
      seed: options.seed ?? 1,
      curve: this.lossCurve,
      lossAt: (_step, rng) => {
        this.#decoder = undefined;
        const { x, y } = this.batch(tokens, batchSize, rng);
        return this.loss(x, y);
      },
      evalEvery: options.evalEvery ?? 100,
      evaluate:
        valTokens &&
        ((step) => {
          const valLoss = this.estimateLoss(valTokens, options.evalBatches ?? 4, batchSize);
          this.valLossCurve.push({ step, loss: valLoss });
          return { valLoss };
        }),
      earlyStopping: options.earlyStopping,
      checkpoint: options.checkpoint,
      onProgress:
        options.onProgress &&
        ((e) => {
          this.#decoder = undefined;
          options.onProgress!(e);
        }),
      shouldStop: options.shouldStop,
    });
    this.#decoder = undefined;
    return this;
  }

  /**
   * The forward pass start() runs with its cache: 'wasm' (@firth/tensor's gptDecoderF32: a whole
   * token's pass in one WebAssembly SIMD call) where the runtime has WebAssembly SIMD and nEmbd and
   * the head size are multiples of 4, unless FIRTH_MATMUL=js is set; 'js' (the loops below, its
   * reference) otherwise. The decoder keeps its own copy of the weights, made at the first start()
   * after construction or fit(): weights changed by hand after that reach only `backend: 'js'`.
   */
  get backend(): 'wasm' | 'js' {
    if (globalThis.process?.env?.FIRTH_MATMUL === 'js') return 'js';
    this.#decoder ??= gptDecoderF32(this.#decodeConfig(), this.#decodeWeights());
    return this.#decoder === null ? 'js' : 'wasm';
  }

  #decodeConfig() {
    const { nEmbd, nLayer, nHead, vocabSize, blockSize, layerNormEps } = this.config;
    return {
      dim: nEmbd,
      hiddenDim: 4 * nEmbd,
      nLayers: nLayer,
      nHeads: nHead,
      vocabSize,
      seqLen: blockSize,
      layerNormEps,
    };
  }

  /** The weights as the decoder reads them: matrices [out, in] (x W's W transposed), stacked over the blocks. */
  #decodeWeights(): GptDecodeWeights {
    const blocks = this.blocks;
    const stack = (part: (b: TransformerBlock) => Tensor | undefined, n: number): Float32Array => {
      const out = new Float32Array(blocks.length * n);
      blocks.forEach((b, l) => {
        const t = part(b);
        if (t) out.set(t.data, l * n);
      });
      return out;
    };
    // W (rows × cols, x W) → Wᵀ (cols × rows), written into out at offset o
    const transposeInto = (W: Tensor, out: Float32Array, o = 0): Float32Array => {
      const [rows, cols] = W.shape as [number, number];
      const w = W.data;
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[o + j * rows + i] = w[i * cols + j]!;
      return out;
    };
    // each block's Wᵀ, one after another
    const stackT = (part: (b: TransformerBlock) => Tensor): Float32Array => {
      const size = part(blocks[0]!).size;
      const out = new Float32Array(blocks.length * size);
      blocks.forEach((b, l) => {
        transposeInto(part(b), out, l * size);
      });
      return out;
    };
    const d = this.config.nEmbd;
    const h = 4 * d;
    const V = this.config.vocabSize;
    // the output layer (d × V) as [out, in]; tied: the token embedding, already (V × d)
    const wcls = this.wOut ? transposeInto(this.wOut, new Float32Array(V * d)) : this.tokenEmb.data;
    return {
      tokenEmbedding: this.tokenEmb.data,
      positionEmbedding: this.posEmb.data,
      ln1Gain: stack((b) => b.ln1.g, d),
      ln1Bias: stack((b) => b.ln1.b, d),
      wq: stackT((b) => b.attn.wq),
      bq: stack((b) => b.attn.bq, d),
      wk: stackT((b) => b.attn.wk),
      bk: stack((b) => b.attn.bk, d),
      wv: stackT((b) => b.attn.wv),
      bv: stack((b) => b.attn.bv, d),
      wo: stackT((b) => b.attn.wo),
      bo: stack((b) => b.attn.bo, d),
      ln2Gain: stack((b) => b.ln2.g, d),
      ln2Bias: stack((b) => b.ln2.b, d),
      w1: stackT((b) => b.ffn.w1),
      b1: stack((b) => b.ffn.b1, h),
      w2: stackT((b) => b.ffn.w2),
      b2: stack((b) => b.ffn.b2, d),
      lnFGain: this.lnF.g.data,
      lnFBias: this.lnF.b.data,
      wcls,
    };
  }

  /**
   * A sequence for generate(), with a key/value cache: each step runs only the new token through
   * the blocks, its query attending to the cached keys and values of every earlier position
   *   per block: k_t, v_t = LN₁(x_t) Wk (+ bk), LN₁(x_t) Wv (+ bv) appended to the cache;
   *   a_t = Σ_s softmax_s(q_t·k_s/√d_head) v_s  (s ≤ t: causal by construction)
   * — O(T) per token instead of re-reading the whole window. The positions end at blockSize: past
   * it, each step refills the cache from the last blockSize tokens (the window slides, as forward()
   * would).
   * `cache: false` re-reads the window every step (the reference the cache is tested against).
   * `backend` picks the cached pass (default: `this.backend`): 'wasm' where it cannot run is a
   * ValidationError; the two agree to float32 rounding (gpt.test.ts).
   */
  start(options: { cache?: boolean; backend?: 'wasm' | 'js' } = {}): { step(token: number): Float32Array } {
    const ids: number[] = [];
    const { blockSize, nEmbd: d, nHead, vocabSize: V } = this.config;
    const { backend } = options;
    if (backend !== undefined && backend !== 'wasm' && backend !== 'js')
      throw new ValidationError(`backend must be 'wasm' or 'js', got ${String(backend)}`, 'backend');
    /**
     * Steps over a cached forward pass (token at position → logits): positions 0, 1, …; when the
     * context is full, the cache is refilled from the last blockSize tokens (this one included).
     */
    const cachedSteps = (forwardAt: (token: number, pos: number) => Float32Array, reused: boolean) => {
      let at = 0;
      return {
        step: (token: number) => {
          if (!Number.isInteger(token) || token < 0 || token >= V)
            throw new ValidationError(`token ${token} is outside the vocabulary [0, ${V})`, 'token');
          ids.push(token);
          let logits: Float32Array;
          if (at < blockSize) logits = forwardAt(token, at++);
          else {
            at = 0;
            logits = new Float32Array();
            for (const t of ids.slice(-blockSize)) logits = forwardAt(t, at++);
          }
          return reused ? logits.slice() : logits;
        },
      };
    };
    if (options.cache !== false && backend !== 'js' && (backend === 'wasm' || this.backend === 'wasm')) {
      this.#decoder ??= gptDecoderF32(this.#decodeConfig(), this.#decodeWeights());
      if (this.#decoder === null)
        throw new ValidationError(
          'the wasm decoder cannot run this model here (no WebAssembly SIMD, or nEmbd or its head size not a multiple of 4)',
          'backend',
        );
      const seq = this.#decoder.start();
      const logits = new Float32Array(V);
      // the decoder writes its one logits buffer: each step's result is a copy
      return cachedSteps((token, pos) => {
        seq.forward(token, pos, logits);
        return logits;
      }, true);
    }
    if (options.cache === false)
      return {
        step: (token: number) => {
          ids.push(token);
          const window = ids.slice(-blockSize);
          const logits = this.forward([window], { grad: false });
          return logits.data.slice((window.length - 1) * V, window.length * V);
        },
      };
    const hd = d / nHead;
    const L = this.blocks.length;
    const K = Array.from({ length: L }, () => new Float32Array(blockSize * d));
    const Vc = Array.from({ length: L }, () => new Float32Array(blockSize * d));
    const ctx = new Float32Array(d);
    const scores = new Float32Array(blockSize);
    // x (d) W (d × n) → (n), with an optional bias
    const vecMat = (x: Float32Array, W: Tensor, bias?: Tensor): Float32Array => {
      const n = W.shape[1]!;
      const y = bias ? Float32Array.from(bias.data) : new Float32Array(n);
      for (let i = 0; i < x.length; i++) {
        const xi = x[i]!;
        if (xi === 0) continue;
        const row = W.data.subarray(i * n, (i + 1) * n);
        for (let j = 0; j < n; j++) y[j]! += xi * row[j]!;
      }
      return y;
    };
    const eps = this.config.layerNormEps ?? 1e-5;
    const ln = (x: Float32Array, n: Norm): Float32Array => {
      let mu = 0;
      for (const v of x) mu += v;
      mu /= x.length;
      let v2 = 0;
      for (const v of x) v2 += (v - mu) ** 2;
      const inv = 1 / Math.sqrt(v2 / x.length + eps);
      return x.map((v, j) => n.g.data[j]! * Math.fround((v - mu) * inv) + n.b.data[j]!);
    };
    const gelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    const run = (token: number, pos: number): Float32Array => {
      const x = Float32Array.from(this.tokenEmb.data.subarray(token * d, (token + 1) * d));
      for (let j = 0; j < d; j++) x[j]! += this.posEmb.data[pos * d + j]!;
      for (const [l, b] of this.blocks.entries()) {
        const h = ln(x, b.ln1);
        const { attn } = b;
        const q = vecMat(h, attn.wq, attn.bq);
        K[l]!.set(vecMat(h, attn.wk, attn.bk), pos * d);
        Vc[l]!.set(vecMat(h, attn.wv, attn.bv), pos * d);
        // q attends to the cached positions 0..pos of every head (@firth/tensor's attendCached)
        attendCached(q, K[l]!, Vc[l]!, pos + 1, { nHeads: nHead, headSize: hd }, ctx, scores);
        const a = vecMat(ctx, attn.wo, attn.bo);
        for (let j = 0; j < d; j++) x[j]! += a[j]!;
        const f = vecMat(vecMat(ln(x, b.ln2), b.ffn.w1, b.ffn.b1).map(gelu), b.ffn.w2, b.ffn.b2);
        for (let j = 0; j < d; j++) x[j]! += f[j]!;
      }
      const h = ln(x, this.lnF);
      if (this.wOut) return vecMat(h, this.wOut);
      // tied output: logit v = h · E[v]
      const E = this.tokenEmb.data;
      const logits = new Float32Array(V);
      for (let v = 0; v < V; v++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += h[j]! * E[v * d + j]!;
        logits[v] = s;
      }
      return logits;
    };
    return cachedSteps(run, false);
  }

  /**
   * The weights as safetensors, the config in the metadata — plus any `metadata` given, e.g. the
   * tokenizer, so the vocabulary travels with the weights:
   * `gpt.toSafetensors({ tokenizer: JSON.stringify(tok.toJSON()) })`.
   */
  toSafetensors(metadata: Record<string, string> = {}): Uint8Array {
    return writeSafetensors(this.store.tensors, {
      ...metadata,
      format: 'firth-gpt',
      config: JSON.stringify(this.config),
    });
  }

  /** A checkpoint's safetensors metadata: `format`, `config` and what `toSafetensors` was given. */
  static checkpointMetadata(bytes: Uint8Array, name = 'checkpoint'): Record<string, string> {
    let metadata: Record<string, string>;
    try {
      ({ metadata } = readSafetensorsHeader(bytes, name));
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      throw new FormatError(
        name,
        '',
        `is not a Firth GPT checkpoint: ${e.where ? `${e.where} ` : ''}${e.problem}`,
      );
    }
    if (metadata.config === undefined)
      throw new FormatError(
        name,
        '',
        'is not a Firth GPT checkpoint (no config in the safetensors metadata)',
      );
    return metadata;
  }

  /**
   * A Hugging Face GPT-2 checkpoint (`GPT2LMHeadModel` or `GPT2Model`, read with the prefixes
   * `['transformer.', '']`: gpt2.ts's `loadGpt2` reads a folder) as a GPT that runs and trains:
   * config.json checked (gpt2ConfigFromHf), every tensor's shape checked before it is used.
   * HF's Conv1D keeps W as (in × out), as GPT does: c_attn (d × 3d) holds Wq | Wk | Wv side by side;
   * the output layer is tied to wte (lm_head.weight, when saved, is that same tensor and not read).
   */
  static fromHuggingFace(ckpt: HfCheckpoint): GPT {
    const c = gpt2ConfigFromHf(ckpt);
    const { nEmbd: d, nLayer } = c;
    const weights = new Map<string, Float32Array>();
    // c_attn (d × 3d) into three d × d matrices, its bias (3d) into three
    const columns = (w: Float32Array, from: number) => {
      const out = new Float32Array(d * d);
      for (let i = 0; i < d; i++) out.set(w.subarray(i * 3 * d + from, i * 3 * d + from + d), i * d);
      return out;
    };
    const norm = (to: string, from: string) => {
      weights.set(`${to}.weight`, ckpt.tensor(`${from}.weight`, [d]));
      weights.set(`${to}.bias`, ckpt.tensor(`${from}.bias`, [d]));
    };
    // read in the order the float64 reference reads them, so a mismatch names the same tensor
    for (let i = 0; i < nLayer; i++) {
      const p = `h.${i}`;
      const a = `${p}.attention`;
      norm(`${p}.ln1`, `${p}.ln_1`);
      const w = ckpt.tensor(`${p}.attn.c_attn.weight`, [d, 3 * d]);
      const b = ckpt.tensor(`${p}.attn.c_attn.bias`, [3 * d]);
      for (const [k, name] of ['q', 'k', 'v'].entries()) {
        weights.set(`${a}.w${name}`, columns(w, k * d));
        weights.set(`${a}.b${name}`, b.subarray(k * d, (k + 1) * d));
      }
      weights.set(`${a}.wo`, ckpt.tensor(`${p}.attn.c_proj.weight`, [d, d]));
      weights.set(`${a}.bo`, ckpt.tensor(`${p}.attn.c_proj.bias`, [d]));
      norm(`${p}.ln2`, `${p}.ln_2`);
      weights.set(`${p}.ffn.w1`, ckpt.tensor(`${p}.mlp.c_fc.weight`, [d, 4 * d]));
      weights.set(`${p}.ffn.b1`, ckpt.tensor(`${p}.mlp.c_fc.bias`, [4 * d]));
      weights.set(`${p}.ffn.w2`, ckpt.tensor(`${p}.mlp.c_proj.weight`, [4 * d, d]));
      weights.set(`${p}.ffn.b2`, ckpt.tensor(`${p}.mlp.c_proj.bias`, [d]));
    }
    weights.set('tokenEmbedding', ckpt.tensor('wte.weight', [c.vocabSize, d]));
    weights.set('positionEmbedding', ckpt.tensor('wpe.weight', [c.nPositions, d]));
    norm('lnF', 'ln_f');
    return new GPT(
      {
        vocabSize: c.vocabSize,
        blockSize: c.nPositions,
        nLayer,
        nHead: c.nHead,
        nEmbd: d,
        bias: true,
        tiedOutput: true,
        layerNormEps: c.layerNormEpsilon,
      },
      // every parameter of this config was read (and its shape checked) above
      (name) => weights.get(name)!,
    );
  }

  /**
   * A GPT from `toSafetensors` bytes: the config from the metadata (checked), each parameter from
   * its tensor (shape checked before it is allocated). NaN/Infinity refused unless `allowNonFinite`.
   */
  static fromSafetensors(bytes: Uint8Array, name = 'checkpoint', options: CheckpointOptions = {}): GPT {
    const config = readJson(
      GPT.checkpointMetadata(bytes, name).config!,
      gptCheckpointConfig,
      `${name} metadata config`,
      {
        uniqueKeys: true,
      },
    );
    const { nEmbd, nHead } = { ...GPT_DEFAULTS, ...config };
    if (nEmbd % nHead)
      throw new FormatError(name, 'metadata config', `nHead ${nHead} does not divide nEmbd ${nEmbd}`);
    const tensors = readSafetensors(bytes, name, options);
    return new GPT(config, (key, shape) => {
      const t = tensors.get(key);
      if (!t)
        throw new FormatError(name, '', `has no tensor "${key}" (the config needs ${JSON.stringify(shape)})`);
      if (t.shape.join() !== shape.join())
        throw new FormatError(
          name,
          `tensor "${key}"`,
          `has shape ${JSON.stringify(t.shape)}, the config needs ${JSON.stringify(shape)}`,
        );
      if (!(t.data instanceof Float32Array))
        throw new FormatError(name, `tensor "${key}"`, `is ${t.dtype}, not a float`);
      return t.data;
    });
  }
}
