/**
 * `FirthRouterAgent` — the offline agent that needs no LLM: it picks one tool by meaning, reads the
 * tool's arguments from the request, validates them, runs the tool and says what it did.
 *
 * 1. Routing by embeddings (a nearest-neighbour classifier over tool descriptions), hybrid with
 *    word overlap as the RAG lesson's hybrid retrieval (embeddings blur jargon: "tokenize",
 *    "word2vec", "tf-idf" are rare or unknown words to them):
 *      each tool t has texts D_t = { "name: description", example_1, …, example_m }
 *      q = embed(request), e_d = embed(d);  W(x) = content words of x (stop words out, stemmed)
 *      s(d) = cos(q, e_d) + λ · |W(request) ∩ W(d)| / |W(request)|
 *      score(t) = max_{d ∈ D_t} s(d)                 (the best example per tool)
 *      tool = argmax_t score(t), if score(t) ≥ threshold — else "I don't know which tool fits"
 *    Among tools within `margin` of the best, the first whose arguments validate wins (a tool the
 *    request cannot fill is a worse fit). Any LangChain `Embeddings` works; the default is
 *    DEFAULT_ROUTER below (the only place it is set).
 * 2. Arguments: the schema walk of extract-arguments.ts, overridden by the tool's `extract` hook.
 * 3. Validation: the tool's own zod schema; a failure names the field and the tool never runs.
 * 4. The tool runs once; its JSON result and an explanation in words come back. The router never
 *    acts on a tool's output (no second call), so text inside documents cannot steer it.
 *
 *   const agent = new FirthRouterAgent();
 *   await agent.invoke('train a perceptron on the AND gate and report its weights')
 *   // { tool: 'perceptron', arguments: { rows: [[0,0],…], labels: [0,0,0,1] }, result: { weights: [0.2, 0.1], … },
 *   //   explanation: 'I trained the perceptron on the AND gate: weights [0.2, 0.1], bias -0.2, it classifies all 4 rows correctly.' }
 */

import { ValidationError } from '@firth/numeric';
import {
  type ChatHistoryMessage,
  condenseQuestion,
  FirthUseEmbeddings,
  QUESTION_STOP_WORDS,
  tokenize,
} from '@firth/rag';
import type { BaseChatMessageHistory } from '@langchain/core/chat_history';
import type { Embeddings } from '@langchain/core/embeddings';
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { Runnable, type RunnableConfig } from '@langchain/core/runnables';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { extractArguments } from './extract-arguments.js';
import { DEFAULT_ROUTES, type RouteHints } from './routes.js';
import { agentTools } from './tools.js';

/**
 * The default embeddings and the threshold calibrated for them: Universal Sentence Encoder Lite
 * (512-d sentence vectors trained so that cosine tracks meaning; offline, @firth/rag's
 * FirthUseEmbeddings). Change the router's default here, and only here — and recalibrate the
 * threshold with router-agent.test.ts (GloVe SIF, `new FirthEmbeddings({ pooling: 'sif' })`, also
 * works but its cosines sit at 0.7–0.9 for any two texts: a threshold near 0.9 is needed).
 */
export const DEFAULT_ROUTER = {
  embeddings: (): Embeddings => new FirthUseEmbeddings(),
  /**
   * score below this → no tool. @default 0.6 — in router-agent.test.ts the routed requests score
   * 0.75–1.5 and nonsense or off-topic ones at most 0.5
   */
  threshold: 0.6,
  /** λ, the weight of word overlap. @default 0.5 — one shared keyword in a 3-word request adds 0.17 */
  lexicalWeight: 0.5,
  /** Tools within this of the best score compete on whether their arguments validate. @default 0.05 */
  margin: 0.05,
};

// question words are noise for routing, but "compare", "between", "versus", "course" say which tool
const KEEP = new Set([
  'compare',
  'compared',
  'between',
  'versus',
  'vs',
  'difference',
  'differ',
  'course',
  'notes',
]);
const STOP = new Set(QUESTION_STOP_WORDS.filter((w) => !KEEP.has(w)));
const SUFFIXES = [
  'izations',
  'ization',
  'izers',
  'izer',
  'izes',
  'ize',
  'ings',
  'ing',
  'ers',
  'er',
  'es',
  'ed',
  's',
];

/** A crude stemmer: tokenizer, tokenize, tokens → token; sentences → sentenc. */
export function stem(word: string): string {
  for (const suffix of SUFFIXES)
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
      word = word.slice(0, -suffix.length);
      break;
    }
  return word.length > 3 && word.endsWith('e') ? word.slice(0, -1) : word;
}

/** The request without its quoted texts: they are the payload (what to tokenize, classify…), not the intent. */
export function intentOf(text: string): string {
  // a quoted [MASK] stays: it says which tool (fill-mask) the text is for
  const bare = text
    .replace(/"[^"]*"|“[^”]*”|'[^']{2,}'(?![a-z])/g, (q) => (q.includes('[MASK]') ? ' [MASK] ' : ' … '))
    .trim();
  return bare.replace(/[\s…]+/g, '').length === 0 ? text : bare;
}

/** W(text): its content words, stemmed. */
export function contentWords(text: string): Set<string> {
  return new Set(
    tokenize(text)
      .filter((w) => !STOP.has(w))
      .map(stem),
  );
}

export interface ToolRoute extends Partial<RouteHints> {
  tool: StructuredToolInterface;
}

export interface FirthRouterAgentOptions {
  /** The tools and their hints. @default every Firth tool with DEFAULT_ROUTES */
  routes?: ToolRoute[];
  /** Tools to route to (hints from DEFAULT_ROUTES by name); ignored when `routes` is given. */
  tools?: StructuredToolInterface[];
  /** @default DEFAULT_ROUTER.embeddings() */
  embeddings?: Embeddings;
  /** @default DEFAULT_ROUTER.threshold */
  threshold?: number;
  /** @default DEFAULT_ROUTER.lexicalWeight */
  lexicalWeight?: number;
  /** @default DEFAULT_ROUTER.margin */
  margin?: number;
  /** How many candidates an answer lists. @default 3 */
  topCandidates?: number;
  /**
   * A conversation to keep: read before each request (a follow-up is rewritten into a standalone
   * request before routing) and the turn saved after it — the request and the explanation.
   * @default undefined — each request on its own, unless the input carries `chatHistory`
   */
  history?: BaseChatMessageHistory;
}

export interface RouterCandidate {
  tool: string;
  score: number;
  /** The description or example that matched best. */
  matched: string;
}

export interface RouterResult {
  /** The tool that ran (or would have, when the arguments were invalid); null when none fits. */
  tool: string | null;
  arguments: Record<string, unknown>;
  /** The tool's result (parsed JSON), or null when nothing ran. */
  result: unknown;
  explanation: string;
  candidates: RouterCandidate[];
  /** Why nothing ran: 'no-tool', 'invalid-arguments' or 'tool-error'. */
  error?: string;
  /** With a conversation: the request as routed — a follow-up rewritten into a standalone request. */
  standaloneRequest?: string;
}

/** cos(a, b); 0 when either is the zero vector (a request of unknown words). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

interface Indexed {
  route: ToolRoute;
  texts: string[];
  vectors: number[][];
  words: Set<string>[];
}

export class FirthRouterAgent extends Runnable<string | { input: string }, RouterResult> {
  lc_namespace = ['firth', 'agents'];
  readonly routes: ToolRoute[];
  readonly embeddings: Embeddings;
  readonly threshold: number;
  readonly lexicalWeight: number;
  readonly margin: number;
  readonly topCandidates: number;
  readonly history: BaseChatMessageHistory | undefined;
  private index: Promise<Indexed[]> | undefined;

  constructor(options: FirthRouterAgentOptions = {}) {
    super();
    this.routes =
      options.routes ??
      (options.tools ?? agentTools()).map((tool) => ({ tool, ...(DEFAULT_ROUTES[tool.name] ?? {}) }));
    this.embeddings = options.embeddings ?? DEFAULT_ROUTER.embeddings();
    this.threshold = options.threshold ?? DEFAULT_ROUTER.threshold;
    this.lexicalWeight = options.lexicalWeight ?? DEFAULT_ROUTER.lexicalWeight;
    this.margin = options.margin ?? DEFAULT_ROUTER.margin;
    this.topCandidates = options.topCandidates ?? 3;
    this.history = options.history;
  }

  /** Embeds every tool's description and examples once. */
  private indexed(): Promise<Indexed[]> {
    this.index ??= (async () => {
      const texts = this.routes.map((r) => [
        `${r.tool.name.replace(/_/g, ' ')}: ${r.description ?? r.tool.description}`,
        ...(r.examples ?? []).map(intentOf),
      ]);
      const vectors = await this.embeddings.embedDocuments(texts.flat());
      let k = 0;
      return this.routes.map((route, i) => ({
        route,
        texts: texts[i]!,
        vectors: texts[i]!.map(() => vectors[k++]!),
        words: texts[i]!.map(contentWords),
      }));
    })();
    this.index.catch(() => {
      this.index = undefined;
    });
    return this.index;
  }

  /** Every tool scored against the request, best first: score(t) = max_d cos(q, e_d) + λ·overlap. */
  async rank(request: string): Promise<RouterCandidate[]> {
    const intent = intentOf(request);
    const [q, index] = await Promise.all([this.embeddings.embedQuery(intent), this.indexed()]);
    const asked = contentWords(intent);
    return index
      .map(({ route, texts, vectors, words }) => {
        let best = -Infinity;
        let matched = '';
        vectors.forEach((e, i) => {
          const shared = [...asked].filter((w) => words[i]!.has(w)).length;
          const c = cosine(q, e) + this.lexicalWeight * (asked.size === 0 ? 0 : shared / asked.size);
          if (c > best) [best, matched] = [c, texts[i]!];
        });
        return { tool: route.tool.name, score: best, matched };
      })
      .sort((a, b) => b.score - a.score);
  }

  /** Routes, extracts, validates and runs: the whole agent in one call. */
  async route(request: string): Promise<RouterResult> {
    if (typeof request !== 'string' || request.trim() === '')
      throw new ValidationError('request must be a non-empty string');
    const ranked = await this.rank(request);
    const candidates = ranked.slice(0, this.topCandidates);
    const best = ranked[0];
    if (!best || best.score < this.threshold) {
      const list = candidates.map((c) => `${c.tool} (${c.score.toFixed(2)})`).join(', ');
      return {
        tool: null,
        arguments: {},
        result: null,
        explanation: `I don't know which tool fits this request. The closest were: ${list}.`,
        candidates,
        error: 'no-tool',
      };
    }
    // the tools close to the best compete on whether the request fills their arguments
    const close = ranked.filter((c) => c.score >= this.threshold && best.score - c.score <= this.margin);
    const attempts = close.map((c) => {
      const route = this.routes.find((r) => r.tool.name === c.tool)!;
      const args = { ...extractArguments(route.tool.schema, request), ...(route.extract?.(request) ?? {}) };
      const schema = route.tool.schema as { safeParse?: (v: unknown) => SafeParse };
      return { route, args, parsed: schema.safeParse?.(args) ?? { success: true as const } };
    });
    const { route, args, parsed } = attempts.find((a) => a.parsed.success) ?? attempts[0]!;
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`)
        .join('; ');
      return {
        tool: route.tool.name,
        arguments: args,
        result: null,
        explanation: `I would use ${route.tool.name}, but I could not read valid arguments from the request — ${problems}. Say them explicitly (quote texts, write numbers).`,
        candidates,
        error: 'invalid-arguments',
      };
    }
    let raw: unknown;
    try {
      // called as a tool call, so a tool that answers in prose hands its fields over as the artifact
      const message: unknown = await route.tool.invoke({
        type: 'tool_call',
        id: `router_${route.tool.name}`,
        name: route.tool.name,
        args,
      });
      raw = ToolMessage.isInstance(message) ? (message.artifact ?? message.content) : message;
    } catch (error) {
      return {
        tool: route.tool.name,
        arguments: args,
        result: null,
        explanation: `${route.tool.name} failed: ${error instanceof Error ? error.message : String(error)}`,
        candidates,
        error: 'tool-error',
      };
    }
    const result = typeof raw === 'string' ? parseJson(raw) : raw;
    let explanation: string;
    try {
      explanation = route.explain?.(args, result as never) ?? genericExplanation(route.tool.name, args, raw);
    } catch {
      explanation = genericExplanation(route.tool.name, args, raw);
    }
    return { tool: route.tool.name, arguments: args, result, explanation, candidates };
  }

  /**
   * The Runnable entry: a request string, or `{ input }` as chains pass it — with `chatHistory`
   * (LangChain messages or `{ role, content }`), or the agent's `history`, a follow-up ("when was it
   * released?") is rewritten into a standalone request before routing.
   */
  override async invoke(
    input: string | { input: string; chatHistory?: ChatHistoryMessage[] },
    options?: Partial<RunnableConfig>,
  ): Promise<RouterResult> {
    const request = typeof input === 'string' ? input : input?.input;
    const given = typeof input === 'string' ? undefined : input?.chatHistory;
    return this._callWithConfig((r: string) => this.converse(r, given), request, options);
  }

  private async converse(request: string, given: ChatHistoryMessage[] | undefined): Promise<RouterResult> {
    const chatHistory = given ?? (await this.history?.getMessages());
    if (!chatHistory || chatHistory.length === 0) {
      const result = await this.route(request);
      await this.history?.addMessages([new HumanMessage(request), new AIMessage(result.explanation)]);
      return result;
    }
    if (typeof request !== 'string' || request.trim() === '')
      throw new ValidationError('request must be a non-empty string');
    const standaloneRequest = await condenseQuestion(chatHistory, request);
    const result = { ...(await this.route(standaloneRequest)), standaloneRequest };
    await this.history?.addMessages([new HumanMessage(request), new AIMessage(result.explanation)]);
    return result;
  }
}

type SafeParse =
  | { success: true }
  | { success: false; error: { issues: { path: (string | number)[]; message: string }[] } };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function genericExplanation(name: string, args: Record<string, unknown>, raw: unknown): string {
  const shown = JSON.stringify(args);
  const out = typeof raw === 'string' ? raw : JSON.stringify(raw);
  return `I ran ${name} with ${shown.length > 200 ? `${shown.slice(0, 200)}…` : shown}: ${out.length > 300 ? `${out.slice(0, 300)}…` : out}`;
}
