/**
 * Encoder–decoder generation as Hugging Face's `generate()` does it, for any EncoderDecoderLM
 * (hf-seq2seq.ts: T5, BART, Marian): the encoder runs once, the decoder one token at a time with its
 * key/value cache, starting from decoder_start_token_id. Every step is one DecoderBatch step: the
 * beams of beam search, and with generateSeq2SeqBatch every unfinished input's rows, go through the
 * weights together (a finished sequence's rows are dropped; each result is the input's own).
 *
 *   const model = await loadSeq2Seq('models/bart-large-cnn');
 *   generateSeq2Seq(model, inputIds, { numBeams: 4, lengthPenalty: 2, maxNewTokens: 60 })
 *   // { sequences: [[2, 0, …, 2]], sequencesScores: [-0.41] }   (ids; a tokenizer decodes them)
 *
 * Options default to the model's generationConfig (config.json / generation_config.json), then to
 * HF's defaults (max_length 20, one beam, length_penalty 1, early_stopping false).
 *
 * Logits processors, in HF's order, on each hypothesis (its tokens include the decoder start):
 *   no_repeat_ngram_size n: a token that would repeat an n-gram of the hypothesis → −∞
 *   bad_words_ids: the last token of a banned sequence whose other tokens end the hypothesis → −∞
 *   min_length / min_new_tokens: eos → −∞ while the hypothesis is shorter
 *   forced_bos_token_id: at length 1 every other token → −∞ (that one → 0)
 *   forced_eos_token_id: at length max_length − 1 likewise for eos
 * Greedy (num_beams 1): the argmax of the processed logits (the first on ties) until eos or max_length.
 * Beam search (HF's BeamSearchScorer): scores are log-softmax + processors + the beam's sum; the
 *   best max(2, 1 + #eos)·num_beams continuations across beams are taken in order: an eos among
 *   the first num_beams closes the hypothesis (score = sum / generated_length^length_penalty,
 *   generated_length counting the eos, not the decoder start), the others fill the num_beams open
 *   beams. Done when num_beams hypotheses are closed and early_stopping is true, or (false) the best
 *   open beam cannot beat the worst closed one even now, or ("never") even at max_length. At
 *   max_length the open beams close too; the best num_return_sequences are returned, each with an
 *   eos appended when shorter than max_length.
 */
import { ValidationError } from '@firth/numeric';
import { argmax, type GenerationTokenizer } from './generation.js';
import type { DecoderBatch, EncoderDecoderLM } from './hf-seq2seq.js';

export interface Seq2SeqGenerateOptions {
  /** Tokens to generate after the decoder start (wins over maxLength). */
  maxNewTokens?: number;
  /** Most decoder tokens, the decoder start included. @default model's, else 20 */
  maxLength?: number;
  /** eos is banned while the sequence (start included) is shorter. @default 0 */
  minLength?: number;
  /** eos is banned until this many tokens are generated. @default 0 */
  minNewTokens?: number;
  /** 1 = greedy. @default model's, else 1 */
  numBeams?: number;
  /** Beam scores are divided by length^lengthPenalty (> 0 favours longer). @default 1 */
  lengthPenalty?: number;
  /** @default false */
  earlyStopping?: boolean | 'never';
  /** @default 0 (off) */
  noRepeatNgramSize?: number;
  /** Sequences returned (≤ numBeams). @default 1 */
  numReturnSequences?: number;
  decoderStartTokenId?: number;
  eosTokenId?: number | number[];
  /** null turns the model's default off. */
  forcedBosTokenId?: number | null;
  /** null turns the model's default off. */
  forcedEosTokenId?: number | null;
  badWordsIds?: number[][];
}

export interface Seq2SeqGeneration {
  /** Decoder token ids, the decoder start first (as HF's generate returns them). */
  sequences: number[][];
  /** Beam search only: each sequence's length-penalised log-probability. */
  sequencesScores?: number[];
}

interface Resolved {
  start: number;
  eos: number[];
  maxLength: number;
  minLength: number;
  minNewTokens: number;
  numBeams: number;
  lengthPenalty: number;
  earlyStopping: boolean | 'never';
  noRepeat: number;
  numReturn: number;
  forcedBos: number | null;
  forcedEos: number | null;
  badWords: number[][];
}

const positiveInt = (v: number | undefined, name: string, min = 1): number | undefined => {
  if (v !== undefined && !(Number.isInteger(v) && v >= min))
    throw new ValidationError(`${name} must be an integer ≥ ${min}, got ${v}`, name);
  return v;
};

function resolve(model: EncoderDecoderLM, o: Seq2SeqGenerateOptions): Resolved {
  const g = model.generationConfig;
  const V = model.vocabSize;
  const tokenOk = (t: number | null | undefined, name: string) => {
    if (t != null && !(Number.isInteger(t) && t >= 0 && t < V))
      throw new ValidationError(`${name} must be a token id in [0, ${V}), got ${t}`, name);
  };
  const maxNew =
    positiveInt(o.maxNewTokens, 'maxNewTokens') ?? (o.maxLength === undefined ? g.maxNewTokens : undefined);
  const maxLength =
    maxNew !== undefined ? 1 + maxNew : (positiveInt(o.maxLength, 'maxLength', 2) ?? g.maxLength ?? 20);
  const numBeams = positiveInt(o.numBeams, 'numBeams') ?? g.numBeams ?? 1;
  const numReturn = positiveInt(o.numReturnSequences, 'numReturnSequences') ?? 1;
  if (numReturn > numBeams)
    throw new ValidationError(
      `numReturnSequences (${numReturn}) must be ≤ numBeams (${numBeams})`,
      'numReturnSequences',
    );
  const lengthPenalty = o.lengthPenalty ?? g.lengthPenalty ?? 1;
  if (!Number.isFinite(lengthPenalty))
    throw new ValidationError(`lengthPenalty must be a finite number, got ${lengthPenalty}`, 'lengthPenalty');
  const earlyStopping = o.earlyStopping ?? g.earlyStopping ?? false;
  if (earlyStopping !== true && earlyStopping !== false && earlyStopping !== 'never')
    throw new ValidationError(
      `earlyStopping must be true, false or "never", got ${earlyStopping}`,
      'earlyStopping',
    );
  const eosOpt = o.eosTokenId ?? g.eosTokenId;
  const eos = Array.isArray(eosOpt) ? eosOpt : [eosOpt];
  for (const e of eos) tokenOk(e, 'eosTokenId');
  const start = o.decoderStartTokenId ?? g.decoderStartTokenId;
  tokenOk(start, 'decoderStartTokenId');
  const forcedBos = o.forcedBosTokenId === undefined ? (g.forcedBosTokenId ?? null) : o.forcedBosTokenId;
  const forcedEos = o.forcedEosTokenId === undefined ? (g.forcedEosTokenId ?? null) : o.forcedEosTokenId;
  tokenOk(forcedBos, 'forcedBosTokenId');
  tokenOk(forcedEos, 'forcedEosTokenId');
  const badWords = o.badWordsIds ?? g.badWordsIds ?? [];
  for (const bw of badWords) {
    if (!Array.isArray(bw) || bw.length === 0)
      throw new ValidationError('badWordsIds must be non-empty arrays of token ids', 'badWordsIds');
    for (const t of bw) tokenOk(t, 'badWordsIds');
  }
  return {
    start,
    eos,
    maxLength,
    minLength: positiveInt(o.minLength, 'minLength', 0) ?? g.minLength ?? 0,
    minNewTokens: positiveInt(o.minNewTokens, 'minNewTokens', 0) ?? 0,
    numBeams,
    lengthPenalty,
    earlyStopping,
    noRepeat: positiveInt(o.noRepeatNgramSize, 'noRepeatNgramSize', 0) ?? g.noRepeatNgramSize ?? 0,
    numReturn,
    forcedBos,
    forcedEos,
    badWords,
  };
}

/** Tokens that would complete an n-gram already in `tokens` (HF's NoRepeatNGramLogitsProcessor). */
export function bannedNgramTokens(tokens: readonly number[], n: number): number[] {
  if (n <= 0 || tokens.length + 1 < n) return [];
  const start = tokens.length - n + 1;
  const banned: number[] = [];
  for (let i = 0; i + n <= tokens.length; i++) {
    let same = true;
    for (let j = 0; j < n - 1 && same; j++) same = tokens[i + j] === tokens[start + j];
    if (same) banned.push(tokens[i + n - 1]!);
  }
  return banned;
}

/** HF's logits processors on one hypothesis' scores (in place). */
function processScores(scores: number[], tokens: readonly number[], r: Resolved): number[] {
  const len = tokens.length;
  for (const t of bannedNgramTokens(tokens, r.noRepeat)) scores[t] = Number.NEGATIVE_INFINITY;
  for (const bw of r.badWords) {
    const prefix = bw.slice(0, -1);
    if (prefix.length <= len && prefix.every((t, i) => tokens[len - prefix.length + i] === t))
      scores[bw.at(-1)!] = Number.NEGATIVE_INFINITY;
  }
  if (len < r.minLength || len - 1 < r.minNewTokens)
    for (const e of r.eos) scores[e] = Number.NEGATIVE_INFINITY;
  const force = (t: number) => {
    scores.fill(Number.NEGATIVE_INFINITY);
    scores[t] = 0;
  };
  if (r.forcedBos !== null && len === 1) force(r.forcedBos);
  if (r.forcedEos !== null && len === r.maxLength - 1) force(r.forcedEos);
  return scores;
}

function logSoftmax(z: number[]): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (const v of z) sum += Math.exp(v - max);
  const lse = max + Math.log(sum);
  return z.map((v) => v - lse);
}

/** Descending by value (−∞ last, no NaN from −∞ − −∞). */
const desc = (a: number, b: number): number => (a === b ? 0 : a > b ? -1 : 1);

/**
 * The indices of the k largest values, largest first (ties: lower index first), in one pass that
 * keeps a sorted list of k — a vocabulary of 32k is not sorted at every step.
 */
function topIndices(z: number[], k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < z.length; i++) {
    const v = z[i]!;
    if (top.length === k && !(v > z[top[k - 1]!]!)) continue;
    let j = top.length === k ? k - 1 : top.length;
    while (j > 0 && v > z[top[j - 1]!]!) {
      if (j < k) top[j] = top[j - 1]!;
      j--;
    }
    top[j] = i;
  }
  return top;
}

/**
 * Generates decoder token ids for one input sequence (encoder token ids, as the tokenizer writes
 * them, eos included): greedy, or beam search with numBeams > 1. See the file's note.
 */
export function generateSeq2Seq(
  model: EncoderDecoderLM,
  inputIds: number[],
  options: Seq2SeqGenerateOptions = {},
): Seq2SeqGeneration {
  const r = resolve(model, options);
  const enc = model.encode(inputIds);
  return decode(model.startDecoderBatch([enc]), 1, r)[0]!;
}

/**
 * generateSeq2Seq for several inputs at once, as HF's generate on a padded batch: the encoder runs
 * over the inputs padded to the longest (ragged rows are padded here; or rows of equal length with
 * their `attentionMask`), and every decoder step runs the rows of all unfinished sequences (their
 * beams, with beam search) in one pass of the weights. Each result equals generateSeq2Seq on that
 * input alone.
 */
export function generateSeq2SeqBatch(
  model: EncoderDecoderLM,
  inputIds: number[][],
  options: Seq2SeqGenerateOptions = {},
  attentionMask?: number[][],
): Seq2SeqGeneration[] {
  const r = resolve(model, options);
  const states = model.encodeBatch(inputIds, attentionMask);
  const masks = attentionMask ?? states.map((s, b) => s.map((_, t) => (t < inputIds[b]!.length ? 1 : 0)));
  return decode(model.startDecoderBatch(states, masks), states.length, r);
}

/** Greedy or beam search for the `n` sequences of a decoder batch (one row each at first). */
function decode(batch: DecoderBatch, n: number, r: Resolved): Seq2SeqGeneration[] {
  return r.numBeams === 1 ? greedy(batch, n, r) : beamSearch(batch, n, r);
}

function greedy(batch: DecoderBatch, n: number, r: Resolved): Seq2SeqGeneration[] {
  const seqs = Array.from({ length: n }, () => [r.start]);
  // the row of each unfinished sequence, in row order
  let alive = seqs.map((_, i) => i);
  let logits = batch.step(alive.map(() => r.start));
  while (alive.length > 0) {
    const next: number[] = [];
    const from: number[] = [];
    const tokens: number[] = [];
    for (const [row, s] of alive.entries()) {
      const seq = seqs[s]!;
      if (seq.length >= r.maxLength) continue;
      const t = argmax(processScores(logits[row]!, seq, r));
      seq.push(t);
      if (r.eos.includes(t) || seq.length >= r.maxLength) continue;
      next.push(s);
      from.push(row);
      tokens.push(t);
    }
    if (next.length === 0) break;
    logits = batch.step(tokens, from);
    alive = next;
  }
  return seqs.map((s) => ({ sequences: [s] }));
}

/** HF's BeamHypotheses: the best `n` closed hypotheses and the worst score among them. */
class Hypotheses {
  readonly beams: { score: number; tokens: number[] }[] = [];
  worst = 1e9;
  constructor(
    private readonly r: Resolved,
    private readonly n: number,
  ) {}

  add(tokens: number[], sumLogprobs: number, generatedLength: number): void {
    const score = sumLogprobs / generatedLength ** this.r.lengthPenalty;
    if (this.beams.length < this.n || score > this.worst) {
      this.beams.push({ score, tokens });
      if (this.beams.length > this.n) {
        const ranked = this.beams
          .map((b, i) => [b.score, i] as const)
          .sort((a, b) => desc(b[0], a[0]) || a[1] - b[1]);
        this.beams.splice(ranked[0]![1], 1);
        this.worst = ranked[1]![0];
      } else this.worst = Math.min(score, this.worst);
    }
  }

  isDone(bestSumLogprobs: number, curLen: number, promptLen: number): boolean {
    if (this.beams.length < this.n) return false;
    const { earlyStopping, lengthPenalty, maxLength } = this.r;
    if (earlyStopping === true) return true;
    const length =
      earlyStopping === 'never' && lengthPenalty > 0 ? maxLength - promptLen : curLen - promptLen;
    return this.worst >= bestSumLogprobs / length ** lengthPenalty;
  }
}

/** A beam: its tokens, the decoder row holding its cache and logits, its summed log-probability. */
interface Beam {
  tokens: number[];
  row: number;
  score: number;
}

/** One input's beam search: its open beams and closed hypotheses. */
interface BeamInput {
  beams: Beam[];
  hyps: Hypotheses;
  done: boolean;
  stopped: boolean;
}

function beamSearch(batch: DecoderBatch, n: number, r: Resolved): Seq2SeqGeneration[] {
  const nb = r.numBeams;
  const promptLen = 1;
  let logits = batch.step(Array.from({ length: n }, () => r.start));
  // every beam starts as the decoder start (sharing its row); only the first counts at first (the others −1e9)
  const inputs: BeamInput[] = Array.from({ length: n }, (_, s) => ({
    beams: Array.from({ length: nb }, (_, i) => ({ tokens: [r.start], row: s, score: i === 0 ? 0 : -1e9 })),
    hyps: new Hypotheses(r, nb),
    done: false,
    stopped: false,
  }));
  const keep = Math.max(2, 1 + r.eos.length) * nb;
  for (;;) {
    const from: number[] = [];
    const tokens: number[] = [];
    for (const input of inputs) {
      if (input.stopped) continue;
      const { beams, hyps } = input;
      // the best `keep` (score, beam, token) over all beams, best first (ties: lower beam, lower token)
      const candidates: [number, number, number][] = [];
      for (const [bi, b] of beams.entries()) {
        const scores = processScores(logSoftmax(logits[b.row]!), b.tokens, r);
        for (const t of topIndices(scores, keep)) candidates.push([scores[t]! + b.score, bi, t]);
      }
      candidates.sort((a, c) => desc(a[0], c[0]) || a[1] - c[1] || a[2] - c[2]);
      const top = candidates.slice(0, keep);
      const curLen = beams[0]!.tokens.length + 1;
      const next: Beam[] = [];
      for (const [rank, [score, bi, token]] of top.entries()) {
        const parent = beams[bi]!;
        if (r.eos.includes(token)) {
          if (rank >= nb) continue;
          hyps.add(parent.tokens.slice(), score, curLen - promptLen);
        } else next.push({ tokens: [...parent.tokens, token], row: parent.row, score });
        if (next.length === nb) break;
      }
      input.done ||= hyps.isDone(top[0]![0], curLen, promptLen);
      input.beams = next;
      if (input.done || curLen >= r.maxLength) {
        input.stopped = true;
        continue;
      }
      // each open beam becomes a row of the next step, continuing its parent's row
      for (const b of next) {
        from.push(b.row);
        tokens.push(b.tokens.at(-1)!);
        b.row = from.length - 1;
      }
    }
    if (from.length === 0) break;
    logits = batch.step(tokens, from);
  }
  return inputs.map(({ beams, hyps, done }) => {
    if (!done) for (const b of beams) hyps.add(b.tokens, b.score, b.tokens.length - promptLen);
    // HF sorts ascending (stably) and pops from the end: among equal scores the later one first
    const ranked = [...hyps.beams].sort((a, b) => desc(b.score, a.score)).reverse();
    const best = ranked.slice(0, r.numReturn);
    return {
      sequences: best.map((h) => (h.tokens.length < r.maxLength ? [...h.tokens, r.eos[0]!] : h.tokens)),
      sequencesScores: best.map((h) => h.score),
    };
  });
}

export interface Seq2SeqTextOptions extends Seq2SeqGenerateOptions {
  /**
   * A task named in the model's task_specific_params (`summarization`, `translation_en_to_fr`;
   * `translation` takes the first translation_* entry, as HF's pipeline factory): its prefix and
   * settings apply, under the options given here.
   */
  task?: string;
  /** Text put before the input. @default the task's prefix, else config.json's prefix, else '' */
  prefix?: string;
}

export interface Seq2SeqText {
  /** The decoded sequence, special tokens (decoder start, bos, pad, eos) left out. */
  text: string;
  /** The sequence's token ids as generated (decoder start first). */
  ids: number[];
  /** Beam search: the sequence's length-penalised log-probability. */
  score?: number;
}

/**
 * The prefix and generation options HF's text2text / summarization / translation pipelines apply
 * for `task` on this model (config.json's task_specific_params and prefix); null when the model
 * names no such task.
 */
export function seq2seqTaskOptions(
  model: EncoderDecoderLM,
  task: string,
): { task: string; prefix: string; options: Seq2SeqGenerateOptions } | null {
  const tasks = model.generationConfig.taskSpecificParams ?? {};
  const key =
    task in tasks
      ? task
      : task === 'translation'
        ? Object.keys(tasks).find((k) => k.startsWith('translation_'))
        : undefined;
  if (key === undefined) return null;
  const { prefix, ...options } = tasks[key]!;
  return { task: key, prefix: prefix ?? model.generationConfig.prefix ?? '', options };
}

/**
 * Text in, texts out: `tokenizer.encode(prefix + text)` (the tokenizer adds the eos the encoder
 * expects, as HF's do), generateSeq2Seq, and each sequence decoded without its special tokens.
 * One result per returned sequence (numReturnSequences), best first.
 */
export function generateSeq2SeqText(
  model: EncoderDecoderLM,
  tokenizer: GenerationTokenizer,
  text: string,
  options: Seq2SeqTextOptions = {},
): Seq2SeqText[] {
  if (typeof text !== 'string') throw new ValidationError('text must be a string', 'text');
  const { before, merged, decoded } = textSetup(model, tokenizer, options);
  return decoded(generateSeq2Seq(model, tokenizer.encode(before + text), merged));
}

/**
 * generateSeq2SeqText for several texts at once: tokenized, padded into one batch
 * (generateSeq2SeqBatch), every decoder step one pass for all of them. One list of results per
 * text, each equal to generateSeq2SeqText on that text alone.
 */
export function generateSeq2SeqTexts(
  model: EncoderDecoderLM,
  tokenizer: GenerationTokenizer,
  texts: string[],
  options: Seq2SeqTextOptions = {},
): Seq2SeqText[][] {
  if (!Array.isArray(texts) || texts.length === 0 || texts.some((t) => typeof t !== 'string'))
    throw new ValidationError('texts must be a non-empty array of strings', 'texts');
  const { before, merged, decoded } = textSetup(model, tokenizer, options);
  const ids = texts.map((t) => tokenizer.encode(before + t));
  return generateSeq2SeqBatch(model, ids, merged).map(decoded);
}

/** The prefix, the merged generation options and the decoding of generateSeq2SeqText(s). */
function textSetup(
  model: EncoderDecoderLM,
  tokenizer: GenerationTokenizer,
  options: Seq2SeqTextOptions,
): { before: string; merged: Seq2SeqGenerateOptions; decoded: (out: Seq2SeqGeneration) => Seq2SeqText[] } {
  const { task, prefix, ...rest } = options;
  const fromTask = task === undefined ? null : seq2seqTaskOptions(model, task);
  const merged: Seq2SeqGenerateOptions = { ...(fromTask?.options ?? {}), ...rest };
  // HF's max_new_tokens wins over max_length: a caller's maxNewTokens overrides the task's maxLength
  if (rest.maxNewTokens !== undefined && rest.maxLength === undefined) delete merged.maxLength;
  const before = prefix ?? fromTask?.prefix ?? model.generationConfig.prefix ?? '';
  const g = model.generationConfig;
  const special = new Set(
    [
      options.decoderStartTokenId ?? g.decoderStartTokenId,
      g.padTokenId,
      g.bosTokenId,
      ...g.eosTokenId,
    ].filter((t): t is number => t !== undefined),
  );
  const decoded = (out: Seq2SeqGeneration) =>
    out.sequences.map((seq, i) => {
      const r: Seq2SeqText = { text: tokenizer.decode(seq.filter((t) => !special.has(t))), ids: seq };
      if (out.sequencesScores) r.score = out.sequencesScores[i]!;
      return r;
    });
  return { before, merged, decoded };
}
