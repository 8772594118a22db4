/**
 * The pretrained ml5.js char-RNN (Shakespeare): a TensorFlow 1 model trained with
 * char-rnn-tensorflow on tiny Shakespeare, run here with plain Float32 arithmetic — 128 units are
 * small enough that no tensor library is needed (~0.5–1 ms a character). The course's "Recurrent
 * Neural Networks" lesson at the scale people actually trained: 2 stacked LSTM layers of 128.
 *
 *   x_t = embedding[char]                                  (128)
 *   for each layer (TF1 MultiRNNCell of BasicLSTMCell):
 *     z = concat(x, h_{t−1}) · W + b                        (256) @ (256, 512) -> (512)
 *     [i | j | f | o] = z                                  four (128): input, candidate, forget, output
 *     c_t = c_{t−1} ⊙ σ(f + 1) + σ(i) ⊙ tanh(j)             BasicLSTMCell's forget_bias = 1.0
 *     h_t = tanh(c_t) ⊙ σ(o);   x ← h_t for the next layer
 *   logits = h_top · softmax_w + softmax_b                 (128) @ (128, 65) -> (65)
 *
 * Files (see /models/README.md): `manifest.json` maps each TF variable to a raw little-endian
 * float32 file and its shape; `vocab.json` maps character → id. The shipped vocab.json has two
 * damaged keys — `""` for id 40 and `"  "` (two spaces) for id 13 — where 'U' and 'u' belong
 * (the ids are tiny Shakespeare's frequency ranks, and 13 = 'u', 40 = 'U' there); they are
 * repaired on load. Left out: the ml5 JavaScript API (callbacks, `feed`/`reset` state objects).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { dataPath } from '@firth/datasets';
import {
  checkFiniteValues,
  FormatError,
  keyPath,
  RandomState,
  readJson,
  type ShapeType,
  shape,
} from '@firth/numeric';
import {
  checkEvaluateText,
  checkSampleOptions,
  encodeChars,
  type SampleOptions,
  sampleFromLogits,
  softmaxWithTemperature,
  type TextSampler,
} from './sampling.js';

/** Damaged vocab.json keys and the characters they stand for (see the header). */
const VOCAB_REPAIRS: Record<string, string> = { '': 'U', '  ': 'u' };

/** A layer's weights: W (in + H, 4H) row-major, b (4H). */
interface LSTMLayer {
  W: Float32Array;
  b: Float32Array;
  inputSize: number;
}

/** h and c of every layer. */
type LSTMState = { h: Float32Array; c: Float32Array }[];

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export class Ml5CharLSTM implements TextSampler {
  /** id → character (65 for Shakespeare). */
  readonly vocab: string[];
  readonly hiddenSize: number;
  private readonly index: Map<string, number>;

  constructor(
    vocab: string[],
    /** (V, E): row i is character i's input vector. */
    private readonly embedding: Float32Array,
    private readonly layers: LSTMLayer[],
    /** (H, V) and (V). */
    private readonly softmaxW: Float32Array,
    private readonly softmaxB: Float32Array,
  ) {
    this.vocab = vocab;
    this.index = new Map(vocab.map((c, i) => [c, i]));
    this.hiddenSize = softmaxB.length === 0 ? 0 : softmaxW.length / softmaxB.length;
  }

  /** A zero state: h = c = 0 in every layer. */
  initialState(): LSTMState {
    return this.layers.map(() => ({
      h: new Float32Array(this.hiddenSize),
      c: new Float32Array(this.hiddenSize),
    }));
  }

  /** Feeds one character id; updates `state` in place and returns the next-character logits (V). */
  step(id: number, state: LSTMState): Float64Array {
    const H = this.hiddenSize;
    const E = this.embedding.length / this.vocab.length;
    let x: Float32Array = this.embedding.subarray(id * E, (id + 1) * E);
    this.layers.forEach((layer, l) => {
      const s = state[l] as LSTMState[number];
      const G = 4 * H;
      // z = concat(x, h)·W + b   (in + H) @ (in + H, 4H) -> (4H), rows of W visited in order
      const z = new Float64Array(layer.b);
      const rows = layer.inputSize + H;
      for (let k = 0; k < rows; k++) {
        const v = k < layer.inputSize ? (x[k] as number) : (s.h[k - layer.inputSize] as number);
        if (v === 0) continue;
        const off = k * G;
        for (let g = 0; g < G; g++) z[g] = (z[g] as number) + v * (layer.W[off + g] as number);
      }
      for (let u = 0; u < H; u++) {
        // i, j, f, o = split(z, 4)
        const i = z[u] as number;
        const j = z[H + u] as number;
        const f = z[2 * H + u] as number;
        const o = z[3 * H + u] as number;
        // c = c·σ(f + 1) + σ(i)·tanh(j);   h = tanh(c)·σ(o)
        const c = (s.c[u] as number) * sigmoid(f + 1) + sigmoid(i) * Math.tanh(j);
        s.c[u] = c;
        s.h[u] = Math.tanh(c) * sigmoid(o);
      }
      x = s.h;
    });
    // logits = h_top·softmax_w + softmax_b   (H) @ (H, V) + (V) -> (V)
    const V = this.vocab.length;
    const logits = new Float64Array(this.softmaxB);
    for (let k = 0; k < H; k++) {
      const v = x[k] as number;
      for (let c = 0; c < V; c++)
        logits[c] = (logits[c] as number) + v * (this.softmaxW[k * V + c] as number);
    }
    return logits;
  }

  /**
   * Continues `prompt` (default '\n') one character at a time from softmax(logits / temperature).
   *
   *   await ml5.sample({ prompt: 'ROMEO:\n', length: 60, temperature: 0.5, seed: 0 })
   */
  async sample(options: SampleOptions): Promise<string> {
    const { prompt, length, temperature, seed } = checkSampleOptions(options);
    const rng = new RandomState(seed);
    const state = this.initialState();
    let logits = this.prime(prompt, state);
    const out: string[] = [];
    for (let n = 0; n < length; n++) {
      const id = sampleFromLogits(logits, temperature, rng);
      out.push(this.vocab[id] as string);
      if (n < length - 1) logits = this.step(id, state);
    }
    return out.join('');
  }

  /**
   * `{ char: p }` for the character after `prompt`.
   *
   *   (await ml5.nextCharProbabilities('ROMEO:\nI'))[' '] // the most likely next character
   */
  async nextCharProbabilities(prompt: string): Promise<Record<string, number>> {
    const p = softmaxWithTemperature(
      this.prime(checkSampleOptions({ prompt, length: 0 }).prompt, this.initialState()),
      1,
    );
    return Object.fromEntries(this.vocab.map((c, i) => [c, p[i] as number]));
  }

  /** Mean cross-entropy of `text` in nats per predicted character, from a zero state. */
  async evaluate(text: string): Promise<number> {
    const ids = encodeChars(checkEvaluateText(text), this.index, 'text');
    const state = this.initialState();
    let total = 0;
    for (let t = 0; t + 1 < ids.length; t++) {
      const logits = this.step(ids[t] as number, state);
      // −log p(next) = logsumexp(z) − z_next
      let max = Number.NEGATIVE_INFINITY;
      for (const z of logits) max = Math.max(max, z);
      let sum = 0;
      for (const z of logits) sum += Math.exp(z - max);
      total += max + Math.log(sum) - (logits[ids[t + 1] as number] as number);
    }
    return total / (ids.length - 1);
  }

  /** Runs the prompt (or '\n') through the network; returns the logits after its last character. */
  private prime(prompt: string, state: LSTMState): Float64Array {
    const ids = prompt.length > 0 ? encodeChars(prompt, this.index, 'prompt') : [this.index.get('\n') ?? 0];
    let logits: Float64Array = new Float64Array(this.vocab.length);
    for (const id of ids) logits = this.step(id, state);
    return logits;
  }
}

/** Options of `loadMl5CharLSTM`. */
export interface Ml5LoadOptions {
  /** Load NaN and ±Infinity weights instead of refusing them. @default false */
  allowNonFinite?: boolean;
}

/** A weight's TF1 name → file; `Variable` is TF's global step, the rest are read. */
const MANIFEST_SHAPE = shape.record(
  shape.object({
    filename: shape.string({ nonEmpty: true, maxLength: 255 }),
    shape: shape.array(shape.integer({ min: 0, max: 2 ** 31 }), { max: 4 }),
  }),
  { max: 1000 },
);
/** character → id. */
const VOCAB_SHAPE = shape.record(shape.integer({ min: 0 }), { max: 1 << 16 });
const CELL = /^rnnlm\/multi_rnn_cell\/cell_(\d+)\/basic_lstm_cell\/(?:weights|biases)$/;
const KNOWN = new Set(['Variable', 'embedding', 'rnnlm/softmax_w', 'rnnlm/softmax_b']);
/** The JSON path of a top-level key, written as the shapes write it: `$.embedding`, `$["rnnlm/softmax_w"]`. */
const at = (key: string) => keyPath('$', key);

/** A file of the model folder; missing or unreadable is a FormatError naming it. */
async function readModelFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new FormatError(
      path,
      '',
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? error}): ${what}`,
    );
  }
}

/**
 * Reads one raw little-endian float32 variable: the manifest names a plain file of the folder, its
 * shape is the one the model needs, the file size is checked before reading (4 bytes a value),
 * and the values are finite unless allowNonFinite.
 */
async function readVariable(
  dir: string,
  manifest: ShapeType<typeof MANIFEST_SHAPE>,
  name: string,
  dims: number[],
  allowNonFinite: boolean,
): Promise<Float32Array> {
  const manifestPath = join(dir, 'manifest.json');
  const entry = manifest[name];
  if (!entry) throw new FormatError(manifestPath, at(name), 'is missing: the model needs this variable');
  if (entry.shape.join() !== dims.join())
    throw new FormatError(manifestPath, `${at(name)}.shape`, `is [${entry.shape}], expected [${dims}]`);
  if (/[/\\\0]/.test(entry.filename) || entry.filename === '.' || entry.filename === '..')
    throw new FormatError(
      manifestPath,
      `${at(name)}.filename`,
      `must name a file in the model folder, got ${JSON.stringify(entry.filename)}`,
    );
  const path = join(dir, entry.filename);
  const want = dims.reduce((a, b) => a * b, 1);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new FormatError(
      path,
      '',
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? error}): the weights of "${name}" are missing`,
    );
  }
  if (size !== want * 4)
    throw new FormatError(
      path,
      '',
      `has ${size} bytes; "${name}" of shape [${dims}] needs ${want} float32 = ${want * 4} bytes`,
    );
  const bytes = await readModelFile(path, `the weights of "${name}"`);
  if (bytes.byteLength !== want * 4)
    throw new FormatError(path, '', `changed size while being read (${bytes.byteLength} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(want);
  for (let i = 0; i < want; i++) out[i] = view.getFloat32(4 * i, true);
  if (!allowNonFinite) checkFiniteValues(out, path, `variable "${name}"`);
  return out;
}

/**
 * vocab.json → id → character: every id 0…V−1 exactly once, every key one character (after the
 * two known repairs, see the header).
 */
function readVocab(raw: Record<string, number>, file: string): string[] {
  const entries = Object.entries(raw);
  const V = entries.length;
  if (V === 0) throw new FormatError(file, '$', 'holds no characters');
  const vocab = new Array<string>(V);
  const present = new Set(entries.map(([c]) => c));
  for (const [key, id] of entries) {
    let ch = key;
    if ([...key].length !== 1) {
      const fix = VOCAB_REPAIRS[key];
      if (fix === undefined || present.has(fix))
        throw new FormatError(file, at(key), `is not a single character (id ${id})`);
      ch = fix;
    }
    if (id >= V)
      throw new FormatError(file, at(key), `has id ${id}: ${V} characters take the ids 0 to ${V - 1}`);
    if (vocab[id] !== undefined)
      throw new FormatError(file, at(key), `repeats the id ${id} of ${JSON.stringify(vocab[id])}`);
    vocab[id] = ch;
  }
  return vocab;
}

/**
 * Loads the ml5 Shakespeare char-LSTM shipped in @firth/datasets (or another folder of the same
 * format). A bad folder is a FormatError naming the file and the JSON path or weight.
 *
 *   const ml5 = await loadMl5CharLSTM();
 *   ml5.vocab.length // 65
 *   await ml5.sample({ prompt: 'ROMEO:\n', length: 200, temperature: 0.5, seed: 0 })
 */
export async function loadMl5CharLSTM(
  dir: string = dataPath('models/charrnn-shakespeare-ml5'),
  options: Ml5LoadOptions = {},
): Promise<Ml5CharLSTM> {
  const allowNonFinite = options.allowNonFinite ?? false;
  const manifestPath = join(dir, 'manifest.json');
  const vocabPath = join(dir, 'vocab.json');
  const manifest = readJson(
    await readModelFile(manifestPath, 'the manifest of the weight files'),
    MANIFEST_SHAPE,
    manifestPath,
  );
  const vocab = readVocab(
    readJson(await readModelFile(vocabPath, 'the characters'), VOCAB_SHAPE, vocabPath),
    vocabPath,
  );
  // the variables: exactly embedding, softmax_w/_b and cells 0…L−1 (an unknown one would be ignored)
  let numLayers = 0;
  for (const name of Object.keys(manifest)) {
    const cell = CELL.exec(name);
    if (cell) numLayers = Math.max(numLayers, Number(cell[1]) + 1);
    else if (!KNOWN.has(name))
      throw new FormatError(
        manifestPath,
        at(name),
        'is not a variable of the TF1 char-RNN this loader runs (embedding, rnnlm/softmax_w, rnnlm/softmax_b, rnnlm/multi_rnn_cell/cell_N/basic_lstm_cell/weights and biases)',
      );
  }
  if (numLayers === 0) throw new FormatError(manifestPath, '', 'lists no LSTM layers');
  if (numLayers > 64) throw new FormatError(manifestPath, '', `lists ${numLayers} LSTM layers (at most 64)`);
  const V = vocab.length;
  const E = manifest.embedding?.shape[1] ?? 0;
  const H = manifest['rnnlm/softmax_w']?.shape[0] ?? 0;
  for (const [name, size] of [
    ['embedding', E],
    ['rnnlm/softmax_w', H],
  ] as const) {
    if (!manifest[name])
      throw new FormatError(manifestPath, at(name), 'is missing: the model needs this variable');
    if (size < 1) throw new FormatError(manifestPath, `${at(name)}.shape`, 'must give a size of at least 1');
  }
  const embedding = await readVariable(dir, manifest, 'embedding', [V, E], allowNonFinite);
  const layers: LSTMLayer[] = [];
  for (let l = 0; l < numLayers; l++) {
    const prefix = `rnnlm/multi_rnn_cell/cell_${l}/basic_lstm_cell`;
    const inputSize = l === 0 ? E : H;
    layers.push({
      W: await readVariable(dir, manifest, `${prefix}/weights`, [inputSize + H, 4 * H], allowNonFinite),
      b: await readVariable(dir, manifest, `${prefix}/biases`, [4 * H], allowNonFinite),
      inputSize,
    });
  }
  const softmaxW = await readVariable(dir, manifest, 'rnnlm/softmax_w', [H, V], allowNonFinite);
  const softmaxB = await readVariable(dir, manifest, 'rnnlm/softmax_b', [V], allowNonFinite);
  return new Ml5CharLSTM(vocab, embedding, layers, softmaxW, softmaxB);
}
