/**
 * Generation with sources (issue 7): the RAG chain as a LangChain runnable,
 *
 *   { question } → retrieve → numbered sources → answer citing [n] → { answer, sources, context }
 *
 * With `llm` (any chat model: OpenAI, Groq, Ollama, the Firth local server, …) the answer is
 * written by the model from a prompt that lists the retrieved passages as numbered sources and asks
 * it to cite them; without one, the offline extractive answerer (`extractive.ts`) copies the
 * best-supported sentences and cites them. `groundedness` checks either kind of answer: the share of
 * its sentences found verbatim in the passages they cite.
 *
 *   const chain = createRagChain({ retriever });
 *   await chain.invoke({ question: 'What is BERT?' })
 *   // { answer: 'BERT (Bidirectional Encoder Representations from Transformers) is … [1] …',
 *   //   sources: [{ n: 1, source: 'bert.md', section: 'BERT > What it is' }, …], context: [Document, …] }
 *
 * Decisions: an empty question throws; no passages retrieved (or nothing matching) answers
 * `NO_ANSWER` with no sources, and the LLM is not called. Sources are numbered per file, in retrieval
 * order, so two sections of one file share a number. Left out: streaming the answer token by token,
 * chat history (follow-up questions), re-ranking.
 */
import { ValidationError } from '@firth/numeric';
import type { DocumentInterface } from '@langchain/core/documents';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import type { BaseRetrieverInterface } from '@langchain/core/retrievers';
import { type Runnable, RunnableLambda, RunnableSequence } from '@langchain/core/runnables';
import { checkQuery } from './bm25.js';
import {
  type ExtractiveOptions,
  extractiveAnswer,
  NO_ANSWER,
  normalizeSpace,
  sourceNumbers,
} from './extractive.js';
import { splitSentences } from './splitters.js';

/** A LangChain retriever, or any function from a query to ranked Documents (BM25 wrapped, …). */
export type PassageRetriever =
  | BaseRetrieverInterface
  | ((query: string) => DocumentInterface[] | Promise<DocumentInterface[]>);

export interface RagChainOptions {
  retriever: PassageRetriever;
  /** A chat model that writes the answer. @default undefined — the offline extractive answerer */
  llm?: BaseChatModel;
  /** Passages kept from what the retriever returns. @default 4 — rag.md: "usually three to five" */
  k?: number;
  /** Options of the extractive answerer (used when there is no `llm`). */
  extractive?: ExtractiveOptions;
}

export interface RagSource {
  /** The citation number, [n] in the answer. */
  n: number;
  source: string;
  section?: string;
}

export interface RagInput {
  question: string;
}

export interface RagOutput {
  answer: string;
  /** Passages cited in the answer (one entry per passage; passages of one file share `n`). */
  sources: RagSource[];
  /** Every passage retrieved, best first — what `groundedness` checks against. */
  context: DocumentInterface[];
}

/** The prompt of the LLM path: instructions, then numbered sources, then the question. */
export const RAG_PROMPT = ChatPromptTemplate.fromMessages([
  [
    'system',
    'You answer questions using only the numbered sources below. After every sentence, cite the ' +
      'source it comes from as [n]. Prefer copying sentences from the sources. If the sources do not ' +
      'contain the answer, say so.\n\nSources:\n{sources}',
  ],
  ['human', '{question}'],
]);

/**
 * The passages as numbered sources, one block per passage, `[n] source — section`, then its text.
 *
 *   formatSources([bertIntro, gptIntro])
 *   // '[1] bert.md — BERT > What it is\nBERT (Bidirectional …) is …\n\n[2] gpt.md — GPT > What it is\n…'
 */
export function formatSources(passages: DocumentInterface[]): string {
  const numbers = sourceNumbers(passages);
  return passages
    .map((p) => {
      const source = String(p.metadata.source ?? 'unknown');
      const section = p.metadata.section ? ` — ${p.metadata.section}` : '';
      return `[${numbers.get(source)}] ${source}${section}\n${p.pageContent.trim()}`;
    })
    .join('\n\n');
}

/** Citation numbers in a text: '[1] … [2, 3]' → [1, 2, 3]. */
export function citedNumbers(text: string): number[] {
  const out = new Set<number>();
  for (const m of text.matchAll(/\[(\d+(?:\s*,\s*\d+)*)\]/g))
    for (const n of m[1]!.split(',')) out.add(Number(n));
  return [...out].sort((a, b) => a - b);
}

/**
 * Answer sentences with the numbers they cite: the citations after a stretch of text apply to every
 * sentence in it ('A. B. [1]' → A and B cite 1); sentences followed by no citation cite nothing.
 */
export function citedSentences(answer: string): { text: string; cites: number[] }[] {
  const out: { text: string; cites: number[] }[] = [];
  const marker = /\s*\[(\d+(?:\s*,\s*\d+)*)\]/g;
  let start = 0;
  const add = (chunk: string, cites: number[]) => {
    for (const s of splitSentences(chunk))
      if (/[\p{L}\p{N}]/u.test(s)) out.push({ text: s.replace(/^[.!?;,\s]+/, ''), cites });
  };
  for (const m of answer.matchAll(marker)) {
    add(answer.slice(start, m.index), m[1]!.split(',').map(Number));
    start = m.index + m[0].length;
  }
  add(answer.slice(start), []);
  return out;
}

/**
 * Groundedness of an answer: the fraction of its sentences found verbatim (whitespace normalised,
 * final punctuation ignored) in a passage of a source they cite, numbered as `sourceNumbers`
 * numbers `passages`. Uncited sentences count as ungrounded. `NO_ANSWER` (and an empty answer)
 * makes no claim: 1.
 *
 *   groundedness('BERT is an encoder-only transformer … [1]', [bertIntro]) // 1
 *   groundedness('BERT was released in 1998. [1]', [bertIntro])            // 0
 */
export function groundedness(answer: string, passages: DocumentInterface[]): number {
  if (answer.trim() === NO_ANSWER) return 1;
  const sentences = citedSentences(answer);
  if (sentences.length === 0) return 1;
  const numbers = sourceNumbers(passages);
  const texts = new Map<number, string[]>();
  for (const p of passages) {
    const n = numbers.get(String(p.metadata.source ?? 'unknown'))!;
    texts.set(n, [...(texts.get(n) ?? []), normalizeSpace(p.pageContent)]);
  }
  let grounded = 0;
  for (const { text, cites } of sentences) {
    const needle = normalizeSpace(text).replace(/[.!?]+$/, '');
    if (cites.some((n) => (texts.get(n) ?? []).some((t) => t.includes(needle)))) grounded++;
  }
  return grounded / sentences.length;
}

/** The cited passages as sources, in retrieval order, one entry per passage. */
function citedSources(answer: string, passages: DocumentInterface[]): RagSource[] {
  const numbers = sourceNumbers(passages);
  const cited = new Set(citedNumbers(answer));
  return passages.flatMap((p) => {
    const source = String(p.metadata.source ?? 'unknown');
    const n = numbers.get(source)!;
    if (!cited.has(n)) return [];
    const section = p.metadata.section as string | undefined;
    return [{ n, source, ...(section !== undefined ? { section } : {}) }];
  });
}

/**
 * The RAG chain: a `RunnableSequence` of retrieve (a `RunnableLambda`) and answer (the prompt piped
 * into `llm`, or the extractive answerer). Callbacks and config passed to `invoke` reach the
 * retriever and the model.
 *
 *   await createRagChain({ retriever, llm: new ChatOpenAI() }).invoke({ question: 'What is GloVe?' })
 *   // { answer: 'GloVe … is a method from Stanford … [1]', sources: [{ n: 1, source: 'glove.md', … }], context }
 */
export function createRagChain(options: RagChainOptions): Runnable<RagInput, RagOutput> {
  const { retriever, llm } = options;
  const k = options.k ?? 4;
  const generate = llm ? RAG_PROMPT.pipe(llm).pipe(new StringOutputParser()) : undefined;

  const retrieve = RunnableLambda.from(async (input: RagInput, config) => {
    const question = normalizeSpace(checkQuery(input?.question ?? '', 'question'));
    if (question === '') throw new ValidationError('the question is empty', 'question');
    const found =
      typeof retriever === 'function' ? await retriever(question) : await retriever.invoke(question, config);
    return { question, context: found.slice(0, k) };
  }).withConfig({ runName: 'retrieve' });

  const answer = RunnableLambda.from(
    async ({ question, context }: { question: string; context: DocumentInterface[] }, config) => {
      if (context.length === 0) return { answer: NO_ANSWER, sources: [], context };
      const text = generate
        ? await generate.invoke({ question, sources: formatSources(context) }, config)
        : extractiveAnswer(question, context, options.extractive).answer;
      return { answer: text, sources: text === NO_ANSWER ? [] : citedSources(text, context), context };
    },
  ).withConfig({ runName: 'answer' });

  return RunnableSequence.from([retrieve, answer]);
}
