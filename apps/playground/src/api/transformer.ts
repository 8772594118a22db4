/**
 * "Inside the transformer": the next-token distribution (temperature, top-k, top-p) and sampling of
 * the TinyStories 260K model and the char-level GPT, and attention maps per layer and head of those
 * two, the tiny BERT and the course's self-attention lesson.
 *
 * The models run here, on the server, not in the page: BERT's loader reads a Hugging Face folder
 * (Node only), and one path for all four keeps what the page shows identical to what
 * @firth/transformers computes in Node (the browser tier compares them). The page stays small and
 * fetches nothing heavy when it opens: a model is read on the first request that needs it (each
 * is under 2 MB: TinyStories 1 MB, the char-GPT 0.45 MB, BERT 1.6 MB) and kept for the next ones.
 * Each answer is one core call: `nextTokenDistribution` (what `sampleNext` draws from), `generate`
 * (one seeded token), `attentionMaps` / `selfAttentionLesson`.
 */
import { readFile } from 'node:fs/promises';
import { dataPath } from '@firth/datasets';
import { ValidationError } from '@firth/numeric';
import { HttpError } from '@firth/server';
import {
  type AttentionMaps,
  type CausalLM,
  collate,
  generate,
  loadBertForPreTraining,
  loadLlama2c,
  loadLlama2cTokenizer,
  nextTokenDistribution,
  readCharGptCheckpoint,
  selfAttentionLesson,
} from '@firth/transformers';
import type { ApiRoute } from './types.js';

export type CausalModelId = 'tinystories' | 'char-gpt';
export type AttentionModelId = 'lesson' | CausalModelId | 'bert';

/** A causal model with what the panel needs around it. */
interface Causal {
  model: CausalLM & { attentionMaps(ids: readonly number[]): AttentionMaps };
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  /** A token as the page shows it. */
  show(id: number): string;
  /** Longest prompt for the next-token view (the model's context, or a bound on the work). */
  maxPrompt: number;
}

/** Tokens shown in a heatmap: beyond that the cells are too small to read. */
export const MAX_ATTENTION_TOKENS = 40;
/** Bars in the next-token chart. */
const DEFAULT_TOP = 12;
const MAX_TEXT = 2000;

/** Spaces and newlines made visible in a token's label (' Once' → '␣Once'). */
const visible = (s: string) => s.replace(/ /g, '␣').replace(/\n/g, '↵');

/** Each model read once, on the first request that needs it (a failed read is tried again next time). */
const loaded = new Map<string, Promise<unknown>>();
function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  let p = loaded.get(key) as Promise<T> | undefined;
  if (!p) {
    p = load();
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
  }
  return p;
}

/** The shipped char-GPT checkpoint (packages/datasets/models/char-gpt-shakespeare). */
export const CHAR_GPT_FILE = 'models/char-gpt-shakespeare/model.safetensors';

export function causalModel(id: CausalModelId): Promise<Causal> {
  if (id === 'tinystories')
    return cached(id, async (): Promise<Causal> => {
      const model = await loadLlama2c();
      const tok = loadLlama2cTokenizer();
      return {
        model,
        encode: (t) => tok.encode(t),
        decode: (ids) => tok.decode(ids),
        show: (i) => (i === 1 ? '<s>' : i === 2 ? '</s>' : visible(tok.idToToken(i) ?? `#${i}`)),
        maxPrompt: model.maxContext - 1,
      };
    });
  return cached(id, async (): Promise<Causal> => {
    const path = dataPath(CHAR_GPT_FILE);
    const { model, tokenizer } = readCharGptCheckpoint(new Uint8Array(await readFile(path)), path);
    return {
      model,
      encode: (t) => tokenizer.encode(t),
      decode: (ids) => tokenizer.decode(ids),
      show: (i) => visible(tokenizer.idToToken(i) ?? `#${i}`),
      // the window slides past blockSize: bound the work, not the model
      maxPrompt: MAX_TEXT,
    };
  });
}

const bertModel = () => cached('bert', () => loadBertForPreTraining(dataPath('models/bert-tiny')));

function text(body: Record<string, unknown>): string {
  const t = body.text;
  if (typeof t !== 'string') throw new HttpError(400, 'text must be a string');
  if (t.trim() === '') throw new HttpError(400, 'the text is empty: type a sentence first');
  if (t.length > MAX_TEXT)
    throw new HttpError(400, `the text has ${t.length} characters; at most ${MAX_TEXT} here`);
  return t;
}

function causalId(body: Record<string, unknown>): CausalModelId {
  const m = body.model ?? 'tinystories';
  if (m !== 'tinystories' && m !== 'char-gpt')
    throw new HttpError(400, `model must be "tinystories" or "char-gpt", got ${JSON.stringify(m)}`);
  return m;
}

/** The sampling knobs as given (the core checks them and names a bad one); absent: its default. */
function knobs(body: Record<string, unknown>) {
  const pick = (k: string, fallback: number) => (body[k] === undefined ? fallback : (body[k] as number));
  return { temperature: pick('temperature', 1), topK: pick('topK', 0), topP: pick('topP', 1) };
}

/** The prompt's token ids, checked against the model's limit. */
function promptIds(m: Causal, t: string): number[] {
  const ids = m.encode(t);
  if (ids.length > m.maxPrompt)
    throw new ValidationError(
      `the text is ${ids.length} tokens; this model reads at most ${m.maxPrompt}`,
      'text',
    );
  return ids;
}

/**
 * POST /api/transformer/next { model, text, temperature, topK, topP, top } →
 * { tokens: [{ id, token }], candidates: [{ id, token, prob, unfiltered, kept }], kept, vocabSize }:
 * the `top` most likely tokens before top-k/top-p (so the ones they cut show too), with `prob`
 * what sampling draws from after all the filters (0 when cut).
 */
export async function nextToken(body: Record<string, unknown>) {
  const t = text(body);
  const m = await causalModel(causalId(body));
  const o = knobs(body);
  const top = body.top === undefined ? DEFAULT_TOP : Number(body.top);
  if (!Number.isInteger(top) || top < 1 || top > 50)
    throw new HttpError(400, `top must be an integer from 1 to 50, got ${JSON.stringify(body.top)}`);
  const ids = promptIds(m, t);
  // the prompt's forward pass, as generate runs it: the logits after its last token
  const run = m.model.start();
  let logits: Float32Array = new Float32Array();
  for (const id of ids) logits = run.step(id);
  const d = nextTokenDistribution(logits, o);
  const order = Array.from(d.unfiltered.keys())
    .sort((a, b) => d.unfiltered[b]! - d.unfiltered[a]! || a - b)
    .slice(0, top);
  return {
    tokens: ids.map((id) => ({ id, token: m.show(id) })),
    candidates: order.map((id) => ({
      id,
      token: m.show(id),
      prob: d.probs[id]!,
      unfiltered: d.unfiltered[id]!,
      kept: d.probs[id]! > 0,
    })),
    kept: d.kept.length,
    vocabSize: m.model.vocabSize,
  };
}

/** POST /api/transformer/sample { model, text, temperature, topK, topP, seed } → one sampled token appended. */
export async function sampleToken(body: Record<string, unknown>) {
  const t = text(body);
  const m = await causalModel(causalId(body));
  promptIds(m, t);
  const seed = body.seed === undefined ? 0 : (body.seed as number);
  // generate's own loop for one token: the same encode, sampler and seed as any generation
  const r = await generate(m.model, m, t, { ...knobs(body), seed, maxNewTokens: 1, stopTokens: [] });
  const id = r.tokens[0]!;
  return { id, token: m.show(id), piece: r.text, text: t + r.text };
}

/**
 * POST /api/transformer/attention { model, text } → { tokens, maps, causal }: maps[layer][head][i][j].
 * 'lesson' is the course's self-attention table: one head over random word vectors (Q = K = V).
 */
export async function attention(body: Record<string, unknown>) {
  const t = text(body);
  const model = body.model ?? 'lesson';
  const limit = (n: number) => {
    if (n > MAX_ATTENTION_TOKENS)
      throw new HttpError(
        400,
        `the text is ${n} tokens; the heatmap shows at most ${MAX_ATTENTION_TOKENS}: shorten it`,
      );
  };
  if (model === 'lesson') {
    const words = t.trim().split(/\s+/);
    limit(words.length);
    const { weights } = selfAttentionLesson(words);
    return { tokens: words, maps: [[weights]], causal: false };
  }
  if (model === 'bert') {
    const { bert, tokenizer } = await bertModel();
    const enc = tokenizer.encodePlus(t);
    limit(enc.ids.length);
    return { tokens: enc.tokens, maps: bert.attentionMaps(collate([enc])), causal: false };
  }
  if (model !== 'tinystories' && model !== 'char-gpt')
    throw new HttpError(
      400,
      `model must be "lesson", "tinystories", "char-gpt" or "bert", got ${JSON.stringify(model)}`,
    );
  const m = await causalModel(model);
  const ids = m.encode(t);
  limit(ids.length);
  return { tokens: ids.map((id) => m.show(id)), maps: m.model.attentionMaps(ids), causal: true };
}

export const transformerRoutes: ApiRoute[] = [
  { method: 'POST', path: '/api/transformer/next', handle: ({ body }) => nextToken(body) },
  { method: 'POST', path: '/api/transformer/sample', handle: ({ body }) => sampleToken(body) },
  { method: 'POST', path: '/api/transformer/attention', handle: ({ body }) => attention(body) },
];
