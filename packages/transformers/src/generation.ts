/**
 * Text generation from any causal language model — the course's decoder loop ("the final linear
 * layer and the softmax layer": logits → probabilities → pick a token → feed it back), with the
 * knobs of an LLM playground.
 *
 *   const model = await loadLlama2c();
 *   const tok = await loadLlama2cTokenizer();
 *   for await (const chunk of streamGenerate(model, tok, 'Once upon a time', { temperature: 0 }))
 *     process.stdout.write(chunk.text);      // ", there was a little girl named Lily. …"
 *
 * How the next token is chosen from the logits z (Hugging Face's order of "logits processors"):
 *   1. repetition penalty ρ (CTRL, Keskar et al. 2019): for every token already in the prompt or
 *      the output, z ← z/ρ if z > 0 else z·ρ (ρ > 1 discourages repeats; 1 = off)
 *   2. temperature T: T = 0 → greedy, argmax z (ties: lowest id). Otherwise z ← z / T
 *   3. top-k: keep the k largest z (ties at the k-th value are all kept); the others → −∞
 *   4. p = softmax(z)
 *   5. top-p (nucleus, Holtzman et al. 2019): sort p descending and keep the smallest prefix whose
 *      mass reaches topP (always at least one token), renormalise
 *   6. sample: the first token whose cumulative probability exceeds u ~ U[0, 1) — u from a seeded
 *      MT19937 (`RandomState(seed)`), so the same seed gives the same text
 * Generation stops at `maxNewTokens` or when the model's context is full (finish reason "length";
 * a prompt that already fills the context is an error), at an end token (`stopTokens`, by
 * default the tokenizer's), or when the text contains a stop sequence (finish reason "stop"; the
 * text is cut before it). While streaming, text that might be the start of a stop sequence, or an
 * unfinished UTF-8 character, is held back until it is settled — no chunk is ever taken back.
 *
 * The model keeps its own key/value cache (`start()` → `step(token)`): each new token costs one
 * forward pass at one position, not a pass over the whole sequence.
 */
import { RandomState, ValidationError } from '@firth/numeric';

/** A model that predicts the next token: `start()` opens a sequence, `step` feeds one token. */
export interface CausalLM {
  readonly vocabSize: number;
  /** Most positions a sequence may have (prompt + generated); absent = unbounded. */
  readonly maxContext?: number;
  start(): { step(token: number): Float32Array };
}

/** What generation needs from a tokenizer. */
export interface GenerationTokenizer {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

export interface GenerateOptions {
  /** Most tokens to generate. @default 256 */
  maxNewTokens?: number;
  /** 0 = greedy; higher = more random. @default 1 */
  temperature?: number;
  /** Sample among the k most likely tokens (0 = all). @default 0 */
  topK?: number;
  /** Sample from the smallest set of tokens whose probability reaches p (1 = all). @default 1 */
  topP?: number;
  /** > 1 penalises tokens already present. @default 1 */
  repetitionPenalty?: number;
  /** Stop when the text contains one of these (at most 4, as OpenAI/Groq). @default [] */
  stop?: string[];
  /** Token ids that end generation (not included in the text). */
  stopTokens?: number[];
  /** Seeds the sampler: the same seed gives the same text. @default 0 */
  seed?: number;
  /** Prompt token ids to use instead of encoding the prompt text (e.g. [BOS]). */
  promptIds?: number[];
}

export type FinishReason = 'stop' | 'length';

export interface GenerationChunk {
  /** New text since the previous chunk (may be '' while text is held back). */
  text: string;
  /** The token generated at this step (absent in the final chunk). */
  token?: number;
  /** Set on the last chunk. */
  finishReason?: FinishReason;
  /** Set on the last chunk: tokens read (the prompt) and generated. */
  usage?: { promptTokens: number; completionTokens: number };
}

export interface GenerationResult {
  text: string;
  tokens: number[];
  finishReason: FinishReason;
  promptTokens: number;
  completionTokens: number;
}

interface Checked {
  maxNewTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  repetitionPenalty: number;
  stop: string[];
  stopTokens: Set<number>;
  seed: number;
}

function check(o: GenerateOptions, defaultStopTokens: number[]): Checked {
  const num = (name: keyof GenerateOptions, v: number, ok: boolean, what: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok)
      throw new ValidationError(`${name} must be ${what}, got ${JSON.stringify(v)}`, name);
  };
  const c: Checked = {
    maxNewTokens: o.maxNewTokens ?? 256,
    temperature: o.temperature ?? 1,
    topK: o.topK ?? 0,
    topP: o.topP ?? 1,
    repetitionPenalty: o.repetitionPenalty ?? 1,
    stop: o.stop ?? [],
    stopTokens: new Set(o.stopTokens ?? defaultStopTokens),
    seed: o.seed ?? 0,
  };
  num(
    'maxNewTokens',
    c.maxNewTokens,
    Number.isInteger(c.maxNewTokens) && c.maxNewTokens >= 0,
    'an integer ≥ 0',
  );
  num('temperature', c.temperature, c.temperature >= 0, 'a number ≥ 0');
  num('topK', c.topK, Number.isInteger(c.topK) && c.topK >= 0, 'an integer ≥ 0');
  num('topP', c.topP, c.topP > 0 && c.topP <= 1, 'a number in (0, 1]');
  num('repetitionPenalty', c.repetitionPenalty, c.repetitionPenalty > 0, 'a number > 0');
  num('seed', c.seed, Number.isInteger(c.seed) && c.seed >= 0 && c.seed < 2 ** 32, 'an integer in [0, 2^32)');
  if (!Array.isArray(c.stop) || c.stop.length > 4 || c.stop.some((s) => typeof s !== 'string' || s === ''))
    throw new ValidationError('stop must be at most 4 non-empty strings', 'stop');
  return c;
}

/** Index of the largest value (the lowest index among ties). */
export function argmax(z: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < z.length; i++) if (z[i]! > z[best]!) best = i;
  return best;
}

type SamplingOptions = Pick<Checked, 'temperature' | 'topK' | 'topP' | 'repetitionPenalty'>;

/**
 * Steps 1–5 above on logits `z`: `greedy` (T = 0: the argmax), or the unnormalised probabilities
 * `w` (exp(z/T − max), 0 where top-k cut), the tokens `order` kept by top-p, most likely first (ties:
 * lower id first; every token when top-p is off), and their mass Σ w over `order`. sampleNext draws from it; nextTokenDistribution
 * shows it — one computation for both.
 */
function filterLogits(
  logits: ArrayLike<number>,
  options: SamplingOptions,
  seen: ReadonlySet<number>,
): { greedy: number } | { w: Float64Array; order: number[]; mass: number } {
  const z = Float64Array.from(logits);
  // 1. repetition penalty
  if (options.repetitionPenalty !== 1)
    for (const t of seen)
      z[t] = z[t]! > 0 ? z[t]! / options.repetitionPenalty : z[t]! * options.repetitionPenalty;
  // 2. greedy, or temperature
  if (options.temperature === 0) return { greedy: argmax(z) };
  for (let i = 0; i < z.length; i++) z[i] = z[i]! / options.temperature;
  // 3. top-k: drop everything below the k-th largest value
  if (options.topK > 0 && options.topK < z.length) {
    const kth = [...z].sort((a, b) => b - a)[options.topK - 1]!;
    for (let i = 0; i < z.length; i++) if (z[i]! < kth) z[i] = Number.NEGATIVE_INFINITY;
  }
  // 4. p = softmax(z)
  let max = Number.NEGATIVE_INFINITY;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    z[i] = Math.exp(z[i]! - max);
    sum += z[i]!;
  }
  // 5. top-p over the tokens sorted by probability (stable: ties keep id order)
  let order = Array.from(z.keys()).sort((a, b) => z[b]! - z[a]! || a - b);
  let mass = sum;
  if (options.topP < 1) {
    let cum = 0;
    let keep = 0;
    while (keep < order.length && (keep === 0 || cum < options.topP * sum)) cum += z[order[keep++]!]!;
    order = order.slice(0, keep);
    mass = cum;
  }
  return { w: z, order, mass };
}

/**
 * The next token from logits `z` by steps 1–6 above. `seen` holds the tokens the repetition
 * penalty applies to; `rng` is consulted once per sampled (non-greedy) token.
 */
export function sampleNext(
  logits: Float32Array,
  options: SamplingOptions,
  seen: ReadonlySet<number>,
  rng: RandomState,
): number {
  const f = filterLogits(logits, options, seen);
  if ('greedy' in f) return f.greedy;
  // 6. u ~ U[0, 1): the first token whose cumulative probability exceeds u
  const { w, order } = f;
  const u = rng.randomSample() * f.mass;
  let cum = 0;
  for (const t of order) {
    cum += w[t]!;
    if (u < cum) return t;
  }
  return order[order.length - 1]!;
}

/** The distribution the next token is drawn from (nextTokenDistribution). */
export interface NextTokenDistribution {
  /**
   * Each token's probability after the repetition penalty, temperature, top-k and top-p,
   * renormalised over the tokens kept (0 for a token cut; one-hot at T = 0): what sampleNext draws.
   */
  probs: Float64Array;
  /** softmax(z / T) after the repetition penalty, before top-k and top-p (T = 0: softmax(z)). */
  unfiltered: Float64Array;
  /** The tokens kept, most likely first (ties: lower id first). */
  kept: number[];
}

/**
 * What `sampleNext` (and so generate) would draw the next token from, for logits `z`, with the
 * options checked as generate checks them (defaults: temperature 1, top-k 0, top-p 1, no penalty).
 * The same computation as sampleNext's (steps 1–5 above), so a chart of it shows exactly the
 * probabilities sampling uses.
 *
 *   const d = nextTokenDistribution(Float32Array.of(2, 1, 0), { temperature: 1, topK: 2 });
 *   d.unfiltered // [0.665, 0.245, 0.090]
 *   d.probs      // [0.731, 0.269, 0]     — token 2 cut by top-k, the rest renormalised
 *   d.kept       // [0, 1]
 */
export function nextTokenDistribution(
  logits: ArrayLike<number>,
  options: Pick<GenerateOptions, 'temperature' | 'topK' | 'topP' | 'repetitionPenalty'> = {},
  seen: ReadonlySet<number> = new Set(),
): NextTokenDistribution {
  const o = check(options, []);
  const n = logits.length;
  const f = filterLogits(logits, o, seen);
  const probs = new Float64Array(n);
  let kept: number[];
  if ('greedy' in f) {
    probs[f.greedy] = 1;
    kept = [f.greedy];
  } else {
    // (without top-p the order holds every token: those top-k cut have weight 0)
    kept = f.order.filter((t) => f.w[t]! > 0);
    for (const t of kept) probs[t] = f.w[t]! / f.mass;
  }
  // the same steps with top-k and top-p off: the distribution before they cut
  const all = filterLogits(
    logits,
    { ...o, temperature: o.temperature === 0 ? 1 : o.temperature, topK: 0, topP: 1 },
    seen,
  ) as { w: Float64Array; mass: number };
  const unfiltered = all.w.map((v) => v / all.mass);
  return { probs, unfiltered, kept };
}

/** Longest suffix of `text` that is a proper prefix of some stop sequence (held back while streaming). */
function pendingStopPrefix(text: string, stops: string[]): number {
  let longest = 0;
  for (const s of stops)
    for (let n = Math.min(s.length - 1, text.length); n > longest; n--)
      if (text.endsWith(s.slice(0, n))) {
        longest = n;
        break;
      }
  return longest;
}

/** Longest run of prompt steps between two turns of the event loop, in milliseconds. */
const PREFILL_SLICE_MS = 5;

/**
 * Generates a continuation of `prompt`, chunk by chunk, as an async iterator. The last chunk
 * carries `finishReason`.
 */
export async function* streamGenerate(
  model: CausalLM,
  tokenizer: GenerationTokenizer & { eos?: number; bos?: number },
  prompt: string,
  options: GenerateOptions = {},
): AsyncGenerator<GenerationChunk> {
  const defaults = [tokenizer.eos, tokenizer.bos].filter((t): t is number => t !== undefined);
  const o = check(options, defaults);
  const promptIds = options.promptIds ?? tokenizer.encode(prompt);
  if (promptIds.length === 0)
    throw new ValidationError('the prompt is empty: give text or promptIds (e.g. [BOS])', 'prompt');
  // over-long input is an error, not a silent truncation: the caller decides what to cut
  const context = model.maxContext ?? Number.POSITIVE_INFINITY;
  if (promptIds.length >= context)
    throw new ValidationError(
      `the prompt has ${promptIds.length} tokens but the model's context is ${context}: shorten it (at most ${context - 1} tokens)`,
      'prompt',
    );
  const run = model.start();
  const rng = new RandomState(o.seed);
  const seen = new Set(promptIds);
  let logits: Float32Array = new Float32Array(0);
  // the prompt's forward passes, handing the event loop back every PREFILL_SLICE_MS: a 511-token
  // prompt is ~0.3 s of CPU, which a server must not spend in one piece (same steps, same logits)
  let slice = performance.now();
  for (const t of promptIds) {
    logits = run.step(t);
    if (performance.now() - slice > PREFILL_SLICE_MS) {
      // setImmediate in Node (no 1 ms floor); a browser has only setTimeout
      await new Promise<void>((resolve) =>
        typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
      );
      slice = performance.now();
    }
  }
  const out: number[] = [];
  // the completion is decoded after the prompt's last token and that token's text is cut off: a
  // tokenizer decodes a piece differently at the start (llama2.c drops the space of the piece after
  // BOS; a UTF-8 character may straddle the boundary)
  const last = promptIds.slice(-1);
  const contextText = tokenizer.decode(last);
  const decodeOut = (ids: number[]) => {
    const withContext = tokenizer.decode([...last, ...ids]);
    return withContext.startsWith(contextText)
      ? withContext.slice(contextText.length)
      : tokenizer.decode(ids);
  };
  let emitted = '';
  const usage = () => ({ promptTokens: promptIds.length, completionTokens: out.length });
  // generation also ends ("length") when the context is full
  const budget = Math.min(o.maxNewTokens, context - promptIds.length);
  for (let n = 0; n < budget; n++) {
    const token = sampleNext(logits, o, seen, rng);
    if (o.stopTokens.has(token)) {
      yield { text: decodeOut(out).slice(emitted.length), finishReason: 'stop', usage: usage() };
      return;
    }
    out.push(token);
    seen.add(token);
    const full = decodeOut(out);
    const hit = o.stop.map((s) => full.indexOf(s)).filter((i) => i >= 0);
    if (hit.length > 0) {
      const cut = full.slice(0, Math.min(...hit));
      yield { text: cut.slice(emitted.length), token, finishReason: 'stop', usage: usage() };
      return;
    }
    // hold back a possible stop-sequence start and an unfinished UTF-8 character (U+FFFD at the end)
    let settled = full.slice(0, full.length - pendingStopPrefix(full, o.stop));
    if (settled.endsWith('\uFFFD')) settled = settled.slice(0, -1);
    if (settled.length < emitted.length || !settled.startsWith(emitted)) settled = emitted;
    yield { text: settled.slice(emitted.length), token };
    emitted = settled;
    if (n + 1 < budget) logits = run.step(token);
  }
  yield { text: decodeOut(out).slice(emitted.length), finishReason: 'length', usage: usage() };
}

/** `streamGenerate` collected: the whole text, the tokens and why it stopped. */
export async function generate(
  model: CausalLM,
  tokenizer: GenerationTokenizer & { eos?: number; bos?: number },
  prompt: string,
  options: GenerateOptions = {},
): Promise<GenerationResult> {
  let text = '';
  const tokens: number[] = [];
  let finishReason: FinishReason = 'length';
  let usage = { promptTokens: 0, completionTokens: 0 };
  for await (const chunk of streamGenerate(model, tokenizer, prompt, options)) {
    text += chunk.text;
    if (chunk.token !== undefined) tokens.push(chunk.token);
    if (chunk.finishReason) finishReason = chunk.finishReason;
    if (chunk.usage) usage = chunk.usage;
  }
  return { text, tokens, finishReason, ...usage };
}
