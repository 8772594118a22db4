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
 *   // { answer: 'BERT (Bidirectional Encoder Representations from Transformers) is … [1] … [3]',
 *   //   sources: [{ n: 1, source: 'bert.md', section: 'BERT > What it is' },
 *   //             { n: 3, source: 'bert.md', section: 'BERT > How it learns' }], context: [Document, …],
 *   //   evidence: [{ sentence: 'BERT (…) is …', cites: [1], passages: [{ n: 1, …, text: 'BERT (…) is … tasks. …' }] }, …] }
 *
 * Decisions: an empty question throws; no passages retrieved (or nothing matching) answers
 * `NO_ANSWER` with no sources, and the LLM is not called. Each passage is its own numbered source
 * (citations.ts), so two sections of one file are [1] and [2], and each sentence cites the passage it
 * came from. A model's answer is kept as written; the numbers it cites that name no passage are
 * reported in `invalidCitations`, and `groundedness` says how much of it is found in what it cites.
 * Chat history (issue 16): `chatHistory` in the input (LangChain messages or `{ role, content }`)
 * rewrites a follow-up into a standalone question before retrieval (conversation.ts: the model's
 * condense prompt with `llm`, the deterministic rewrite without); the answer is to that question, and
 * `standaloneQuestion` says what was asked. With LangChain's RunnableWithMessageHistory:
 * `inputMessagesKey: 'question', historyMessagesKey: 'chatHistory', outputMessagesKey: 'answer'`.
 * Left out: streaming the answer token by token, re-ranking.
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
  type AnswerEvidence,
  answerEvidence,
  citedSentences,
  citedSources,
  formatSources,
  invalidCitations,
  passageNumbers,
  type RagSource,
  sourceOf,
} from './citations.js';
import { type ChatHistoryMessage, condenseQuestion } from './conversation.js';
import { type ExtractiveOptions, extractiveAnswer, NO_ANSWER, normalizeSpace } from './extractive.js';

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

export interface RagInput {
  question: string;
  /** The conversation so far: a follow-up is rewritten into a standalone question before retrieval. */
  chatHistory?: ChatHistoryMessage[];
}

export interface RagOutput {
  answer: string;
  /** The question retrieved for and answered: the input's, or its standalone rewrite given `chatHistory`. */
  standaloneQuestion: string;
  /** The passages cited in the answer, by number: file and section (or page). */
  sources: RagSource[];
  /** Every passage retrieved, best first — what `groundedness` checks against. */
  context: DocumentInterface[];
  /** With an `llm`: the numbers its answer cites that name no passage (none: []). */
  invalidCitations?: number[];
  /**
   * Each answer sentence with the passages it cites, whole (`text`): what its [n] points at. The
   * extractive answer's sentences each cite the one passage they were copied from. None for `NO_ANSWER`.
   */
  evidence: AnswerEvidence[];
}

/** The prompt of the LLM path: instructions, then numbered sources, then the question. */
export const RAG_PROMPT = ChatPromptTemplate.fromMessages([
  [
    'system',
    'You answer questions using only the numbered sources below; each source is one passage. After ' +
      'every sentence, cite the source it comes from as [n]. Prefer copying sentences from the sources. If the sources do not ' +
      'contain the answer, say so.\n\nSources:\n{sources}',
  ],
  ['human', '{question}'],
]);

/**
 * Groundedness of an answer: the fraction of its sentences found verbatim (whitespace normalised,
 * final punctuation ignored) in a passage they cite, numbered as `passageNumbers` numbers
 * `passages`. Uncited sentences count as ungrounded. `NO_ANSWER` (and an empty answer)
 * makes no claim: 1.
 *
 *   groundedness('BERT is an encoder-only transformer … [1]', [bertIntro]) // 1
 *   groundedness('BERT was released in 1998. [1]', [bertIntro])            // 0
 */
export function groundedness(answer: string, passages: DocumentInterface[]): number {
  if (answer.trim() === NO_ANSWER) return 1;
  const sentences = citedSentences(answer);
  if (sentences.length === 0) return 1;
  const numbers = passageNumbers(passages);
  const texts = new Map<number, string>();
  for (const [i, p] of passages.entries()) texts.set(numbers[i]!, normalizeSpace(p.pageContent));
  let grounded = 0;
  for (const { text, cites } of sentences) {
    const needle = normalizeSpace(text).replace(/[.!?]+$/, '');
    if (cites.some((n) => texts.get(n)?.includes(needle))) grounded++;
  }
  return grounded / sentences.length;
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
    const asked = normalizeSpace(checkQuery(input?.question ?? '', 'question'));
    if (asked === '') throw new ValidationError('the question is empty', 'question');
    const question = normalizeSpace(await condenseQuestion(input?.chatHistory, asked, { llm }, config));
    const found =
      typeof retriever === 'function' ? await retriever(question) : await retriever.invoke(question, config);
    return { question, context: found.slice(0, k) };
  }).withConfig({ runName: 'retrieve' });

  const answer = RunnableLambda.from(
    async ({ question, context }: { question: string; context: DocumentInterface[] }, config) => {
      const standaloneQuestion = question;
      if (context.length === 0)
        return {
          answer: NO_ANSWER,
          standaloneQuestion,
          sources: [],
          context,
          evidence: [],
          ...(generate ? { invalidCitations: [] } : {}),
        };
      if (!generate) {
        const { answer, citations, sentences } = extractiveAnswer(question, context, options.extractive);
        const evidence: AnswerEvidence[] = sentences.map((s) => ({
          sentence: s.text,
          cites: [s.n],
          passages: [{ ...sourceOf(context[s.passageIndex]!, s.n), text: s.passage }],
        }));
        return { answer, standaloneQuestion, sources: citations, context, evidence };
      }
      const text = await generate.invoke({ question, sources: formatSources(context) }, config);
      return {
        answer: text,
        standaloneQuestion,
        sources: citedSources(text, context),
        context,
        invalidCitations: invalidCitations(text, context),
        evidence: answerEvidence(text, context),
      };
    },
  ).withConfig({ runName: 'answer' });

  return RunnableSequence.from([retrieve, answer]);
}
