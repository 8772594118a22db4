/**
 * The extractive answerer — RAG's offline generator (issue 7, "Generation with sources"): instead
 * of writing new text, it picks the retrieved sentences that best answer the question and returns
 * them verbatim, each cited to its source, so it needs no language model and cannot invent facts
 * (docs/concepts/rag.md, "How the answer is generated").
 *
 *   extractiveAnswer('What is BERT?', await retriever.invoke('What is BERT?'), { maxSentences: 1 }).answer
 *   // 'BERT (Bidirectional Encoder Representations from Transformers) is an encoder-only transformer, … [1]'
 *
 * Steps: passages → prose sentences (headings, list items, link lines, tables, code and "See also"
 * sections dropped; `splitSentences` cuts the rest) → a score per sentence (BM25 over the sentences,
 * plus a bonus for a definition of X when asked "What is X?" and for a sentence naming both A and B
 * when asked "How does A differ from B?") → the best few, near-duplicates skipped → the best one
 * first, the others in reading order (passage rank, then position in the passage) → each cited `[n]`,
 * n the number of the passage it was copied from (`passageNumbers`: one number per passage, in
 * retrieval order — two sections of one file are two sources).
 *
 * Left out: sentence fusion or rewriting (that is the LLM path, `createRagChain({ llm })`), coreference
 * ("It is …" keeps its pronoun), stemming beyond a plural "s".
 */
import { ValidationError } from '@firth/numeric';
import type { DocumentInterface } from '@langchain/core/documents';
import { BM25, checkQuery, ENGLISH_STOP_WORDS, tokenize } from './bm25.js';
import { passageNumbers, type RagSource, sourceOf } from './citations.js';
import { splitSentences } from './splitters.js';

/** What the answerer says when no sentence matches the question; it makes no claim. */
export const NO_ANSWER = 'No answer found in the sources.';

export interface ExtractiveOptions {
  /** Sentences in the answer. @default 3 — a definition plus two supporting facts */
  maxSentences?: number;
  /**
   * Sentences whose words overlap an already chosen one this much (Jaccard of word sets, stop words
   * left out) are skipped. @default 0.8 — catches overlapping chunks, keeps paraphrases
   */
  maxOverlap?: number;
  /** Bonus, as a fraction of the best BM25 score, for "X is a/an/the …" when asked "What is X?". @default 1 */
  definitionBonus?: number;
  /** Bonus, as a fraction of the best BM25 score, for naming both A and B when asked how they differ. @default 0.5 */
  comparisonBonus?: number;
}

/** One sentence of the answer. */
export interface AnswerSentence {
  /** Verbatim from the passage (whitespace collapsed to single spaces). */
  text: string;
  source: string;
  section?: string;
  /** Rank of its passage in the input, from 0. */
  passageIndex: number;
  /** Position of the sentence among its passage's prose sentences, from 0. */
  position: number;
  score: number;
  /** Its citation number: the number of its passage. */
  n: number;
}

/** A cited passage of an extractive answer (the chain's `RagSource`). */
export type Citation = RagSource;

export interface ExtractiveAnswer {
  /** Sentences joined by spaces, each followed by its passage's number: 'S1. [1] S2. [3]'; or `NO_ANSWER`. */
  answer: string;
  sentences: AnswerSentence[];
  /** The passages cited in the answer, by number: file and section (or page). */
  citations: Citation[];
}

/** Collapses runs of whitespace to one space and trims. */
export function normalizeSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s/;
const LINK_LINE = /^\s*!?\[[^\]]*\]\([^)]*\)/;

/**
 * The prose sentences of a passage, in order: headings, list items, lines opening with a link, table
 * rows, blockquotes and fenced code are dropped; sections titled "See also" give none.
 *
 *   proseSentences(new Document({ pageContent: 'A is a b. It c.\n- item\n[x](./x.md)' })) // ['A is a b.', 'It c.']
 */
export function proseSentences(passage: DocumentInterface): string[] {
  const section = String(passage.metadata.section ?? '');
  if (/(^|>)\s*see also\s*$/i.test(section)) return [];
  const paragraphs: string[][] = [[]];
  let inFence = false;
  for (const line of passage.pageContent.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    const skip =
      inFence ||
      line.trim() === '' ||
      /^\s*#{1,6}\s/.test(line) ||
      LIST_ITEM.test(line) ||
      LINK_LINE.test(line) ||
      /^\s*[|>]/.test(line);
    if (skip) paragraphs.push([]);
    else paragraphs[paragraphs.length - 1]!.push(line);
  }
  return paragraphs
    .filter((lines) => lines.length > 0)
    .flatMap((lines) => splitSentences(lines.join('\n')))
    .filter((s) => tokenize(s).length >= 4); // fragments ("See below.") answer nothing
}

/**
 * Words dropped from a question before BM25 (here, and usefully in a retriever's BM25 too, with
 * `ENGLISH_STOP_WORDS`): they ask, they do not say what about.
 */
// biome-ignore format: one list
export const QUESTION_WORDS: readonly string[] = [
  ...['what', 'who', 'which', 'when', 'where', 'why', 'how', 'does', 'do', 'did', 'can', 'could'],
  ...['should', 'would', 'from', 'differ', 'difference', 'between', 'compare', 'compared', 'versus', 'vs'],
  ...['mean', 'means', 'define', 'explain', 'describe', 'tell', 'me', 'about', 'i', 'you', 'say', 'says'],
  // "what does the course say about …": every note is about the course
  ...['course', 'notes'],
];

/** What BM25 drops from a question: the English stop words and the question words. */
export const QUESTION_STOP_WORDS: readonly string[] = [...ENGLISH_STOP_WORDS, ...QUESTION_WORDS];

/** What a question asks for: a definition of `term`, a comparison of `a` and `b`, or neither. */
export type QuestionKind =
  | { kind: 'definition'; term: string }
  | { kind: 'comparison'; a: string; b: string }
  | { kind: 'other' };

/**
 * Recognises "What is X?" / "What are X?" / "Define X" and "How does A differ from B?" /
 * "What is the difference between A and B?" / "A vs B".
 *
 *   questionKind('How does skip-gram differ from CBOW?') // { kind: 'comparison', a: 'skip-gram', b: 'CBOW' }
 */
export function questionKind(question: string): QuestionKind {
  const q = normalizeSpace(question).replace(/[?.!]+$/, '');
  const strip = (s: string) => s.replace(/^(?:the|an?)\s+/i, '').trim();
  const cmp =
    /^how (?:does|do|is|are) (.+?) (?:differ|different) from (.+)$/i.exec(q) ??
    /^how (?:does|do) (.+?) compare (?:to|with) (.+)$/i.exec(q) ??
    /^what(?:'s| is| are) the differences? between (.+?) and (.+)$/i.exec(q) ??
    /^(.+?) (?:vs\.?|versus) (.+)$/i.exec(q);
  if (cmp) return { kind: 'comparison', a: strip(cmp[1]!), b: strip(cmp[2]!) };
  const def = /^(?:what|who)(?:'s| is| are| was) (.+)$/i.exec(q) ?? /^define (.+)$/i.exec(q);
  if (def) return { kind: 'definition', term: strip(def[1]!) };
  return { kind: 'other' };
}

/** Words with a plural "s" dropped (on words longer than 3 letters), for phrase matching. */
function stems(text: string): string[] {
  return tokenize(text).map((w) => (w.length > 3 && w.endsWith('s') ? w.slice(0, -1) : w));
}

/**
 * Whether `phrase`'s words occur consecutively in `text`: one substring search over the words
 * joined by spaces (words hold no spaces), so a long text and a long phrase cost O(n + m).
 */
export function containsPhrase(text: string, phrase: string): boolean {
  const p = stems(phrase);
  if (p.length === 0) return false;
  return ` ${stems(text).join(' ')} `.includes(` ${p.join(' ')} `);
}

/**
 * "X (…) is a/an/the …": the subject before "is"/"are" starts with `term` (articles aside) or names
 * it in brackets ("Retrieval-augmented generation (RAG) is a …"); "Self-attention is …" does not
 * define "attention".
 */
function isDefinitionOf(sentence: string, term: string): boolean {
  const m = /^(.{1,160}?)\s(?:is|are)\s(?:a|an|the|one)\s/i.exec(sentence);
  if (!m) return false;
  const subject = m[1]!.replace(/^(?:the|an?)\s+/i, '');
  const head = subject.split(/\s*[(,—:]/)[0]!;
  const bracketed = [...subject.matchAll(/\(([^)]*)\)/g)].map((b) => b[1]!);
  const same = (a: string, b: string) => stems(a).join(' ') === stems(b).join(' ');
  return same(head, term) || bracketed.some((b) => same(b, term));
}

const CONTRAST = /\b(?:while|whereas|but|unlike|instead|than|compared)\b|;/i;

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared || 1);
}

/**
 * Answers `query` with up to `maxSentences` sentences copied from `passages` (ranked best first),
 * each cited `[n]`, the number of the passage it was copied from. An empty query throws; no passages, or no sentence sharing a word with
 * the query, gives `NO_ANSWER` with no sentences and no citations.
 *
 *   extractiveAnswer('How does skip-gram differ from CBOW?', passages).sentences[0].text
 *   // 'Skip-gram predicts the surrounding words from the centre word, while CBOW predicts …'
 */
export function extractiveAnswer(
  query: string,
  passages: DocumentInterface[],
  options: ExtractiveOptions = {},
): ExtractiveAnswer {
  const maxSentences = options.maxSentences ?? 3;
  const maxOverlap = options.maxOverlap ?? 0.8;
  const definitionBonus = options.definitionBonus ?? 1;
  const comparisonBonus = options.comparisonBonus ?? 0.5;
  if (normalizeSpace(checkQuery(query, 'question')) === '')
    throw new ValidationError('the question is empty', 'question');
  if (!(Number.isInteger(maxSentences) && maxSentences >= 1))
    throw new ValidationError(
      `extractiveAnswer: maxSentences must be a positive integer, got ${maxSentences}`,
    );

  const numbers = passageNumbers(passages);
  const candidates = passages.flatMap((passage, passageIndex) =>
    proseSentences(passage).map((text, position) => ({ text, passage, passageIndex, position })),
  );
  const none: ExtractiveAnswer = { answer: NO_ANSWER, sentences: [], citations: [] };
  if (candidates.length === 0) return none;

  // BM25 over sentences: each sentence is a "document" (stop and question words dropped).
  const bm25 = new BM25({ stopWords: QUESTION_STOP_WORDS }).fit(candidates.map((c) => c.text));
  const lexical = bm25.scores(query);
  let best = Number.NEGATIVE_INFINITY;
  for (const score of lexical) best = Math.max(best, score);
  if (!(best > 0)) return none;

  // score = BM25 + bonus·max BM25 for a definition of X ("What is X?") or a sentence naming A and B.
  const kind = questionKind(query);
  const scored = candidates.map((c, i) => {
    let score = lexical[i]!;
    // A definition opening its passage is the course pages' convention: a quarter more.
    if (score > 0 && kind.kind === 'definition' && isDefinitionOf(c.text, kind.term))
      score += definitionBonus * best * (c.position === 0 ? 1.25 : 1);
    if (
      score > 0 &&
      kind.kind === 'comparison' &&
      containsPhrase(c.text, kind.a) &&
      containsPhrase(c.text, kind.b)
    )
      score += comparisonBonus * best * (CONTRAST.test(c.text) ? 1.5 : 1);
    return { ...c, score };
  });

  // Best first; ties keep passage rank and position. Skip zero scores and near-duplicates.
  const ranked = scored.filter((c) => c.score > 0).sort((x, y) => y.score - x.score);
  const chosen: (typeof scored)[number][] = [];
  const words: Set<string>[] = [];
  for (const c of ranked) {
    if (chosen.length >= maxSentences) break;
    const w = new Set(tokenize(c.text, { stopWords: true }));
    if (words.some((other) => jaccard(w, other) >= maxOverlap)) continue;
    chosen.push(c);
    words.push(w);
  }
  // The best sentence leads (it answers the question: the definition, the contrast); the rest follow
  // in reading order — passage rank, then position inside the passage.
  const [lead, ...rest] = chosen;
  rest.sort((x, y) => x.passageIndex - y.passageIndex || x.position - y.position);
  const ordered = lead ? [lead, ...rest] : rest;

  const sentences: AnswerSentence[] = ordered.map((c) => {
    const { source, section } = sourceOf(c.passage, 0);
    return {
      text: c.text,
      source,
      ...(section !== undefined ? { section } : {}),
      passageIndex: c.passageIndex,
      position: c.position,
      score: c.score,
      n: numbers[c.passageIndex]!,
    };
  });
  const cited = [...new Set(sentences.map((s) => s.n))].sort((a, b) => a - b);
  return {
    answer: sentences.map((s) => `${s.text} [${s.n}]`).join(' '),
    sentences,
    citations: cited.map((n) => sourceOf(passages[numbers.indexOf(n)]!, n)),
  };
}
