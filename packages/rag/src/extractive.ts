/**
 * The extractive answerer — RAG's offline generator (issue 7, "Generation with sources"): instead
 * of writing new text, it picks the retrieved sentences that best answer the question and returns
 * them verbatim, each cited to its source, so it needs no language model and cannot invent facts
 * (docs/concepts/rag.md, "How the answer is generated").
 *
 *   extractiveAnswer('What is BERT?', await retriever.invoke('What is BERT?'), { maxSentences: 1 }).answer
 *   // 'BERT (Bidirectional Encoder Representations from Transformers) is an encoder-only transformer, … [1]'
 *
 * Steps: passages → candidate sentences (`answerCandidates`: prose and list items; fenced code blocks
 * only when the question asks for code; headings, badge and link-only lines, tables, HTML,
 * code-heavy text, lead-ins ending in ":" and "See also" sections never) → a score per sentence
 * (BM25 over the sentences, each read with its section heading, plus bonuses: a definition of X for
 * "What is X?", a sentence saying what X means for "What does X mean?", one naming both A and B for
 * "How does A differ from B?", one holding the type of answer asked for — question-type.ts: a date
 * for "when", a number for "how many", a name for "who"/"which", a reason for "why" — and one
 * naming the question's names) → the best few, near-duplicates skipped, at most 2 sentences and 60
 * words (1 sentence for who/when/where/which/how many: one fact is asked), a long lead cut to its
 * answering span (`tightSpan`) → the best one first, the others in reading order (passage rank,
 * then position in the passage) → each cited `[n]`, n the number of the passage it was copied from
 * (`passageNumbers`: one number per passage, in retrieval order — two sections of one file are two
 * sources), each sentence carrying its passage's text.
 *
 * Issue 16 measured it on documents no one here wrote (eval/unseen: results.md beside baseline.md).
 * No extractive-QA reader (a BERT with a span head) takes part: no such checkpoint is available
 * offline here.
 *
 * Left out: sentence fusion or rewriting (that is the LLM path, `createRagChain({ llm })`), coreference
 * ("It is …" keeps its pronoun), stemming beyond a plural "s".
 */
import { ValidationError } from '@firth/numeric';
import type { DocumentInterface } from '@langchain/core/documents';
import { BM25, checkQuery, ENGLISH_STOP_WORDS, tokenize } from './bm25.js';
import { passageNumbers, type RagSource, sourceOf } from './citations.js';
import {
  type AnswerType,
  asksForCode,
  asksForMeaning,
  holdsAnswerType,
  questionNames,
  questionType,
  saysMeaning,
} from './question-type.js';
import { splitSentences } from './splitters.js';

/** What the answerer says when no sentence matches the question; it makes no claim. */
export const NO_ANSWER = 'No answer found in the sources.';

export interface ExtractiveOptions {
  /** Sentences in the answer. @default 2 — the answering sentence and one supporting fact */
  maxSentences?: number;
  /**
   * Words in the answer, all sentences together; a longer first sentence is cut to the span that
   * answers (`tightSpan`). @default 60 — about two sentences of prose
   */
  maxWords?: number;
  /**
   * Bonus, as a fraction of the best BM25 score, for a sentence holding the type of answer asked
   * for (a date for "when", a number for "how many", a name for "who", …: question-type.ts). @default 0.5
   */
  answerTypeBonus?: number;
  /**
   * Bonus, as a fraction of the best BM25 score, times the share of the question's names (its
   * capitalised words) the sentence holds. @default 0.5
   */
  nameBonus?: number;
  /** A list item's score is multiplied by this (prose answers first, on equal terms). @default 0.75 */
  listItemWeight?: number;
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
  /** The passage it was copied from, whole (`pageContent`): what its `[n]` points at. */
  passage: string;
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

const HEADING = /^\s*#{1,6}\s/;
const TABLE_ROW = /^\s*\||\|.*\|/;
const HTML_LINE = /^\s*<\/?[a-zA-Z!]/;
/** Markdown links and images, for telling a link-only or badge line from prose. */
const LINKS = /!?\[([^\]]*)\]\([^)]*\)|<https?:[^>]*>|https?:\/\/\S+/g;

/** A line that is links, images or badges with at most two words of its own. */
function linkOnly(line: string): boolean {
  if (!/\]\(|https?:\/\//.test(line)) return false;
  const own = line.replace(/!\[[^\]]*\]\([^)]*\)/g, ' ').replace(LINKS, ' ');
  return (own.match(/[\p{L}\p{N}]+/gu) ?? []).length <= 2;
}

/** Markup that is no sentence: mostly punctuation, braces or backticks. */
function markupHeavy(text: string): boolean {
  const letters = (text.match(/[\p{L}\p{N}\s]/gu) ?? []).length;
  return letters < 0.6 * text.length;
}

/** Code in prose: three or more `code` spans, or fewer than three words outside them. */
function codeHeavy(text: string): boolean {
  const spans = text.match(/`[^`]*`/g) ?? [];
  const outside = text.replace(/`[^`]*`/g, ' ').match(/[\p{L}\p{N}]+/gu) ?? [];
  return spans.length >= 3 || (spans.length > 0 && outside.length < 3);
}

/**
 * Splits a sentence further where tokenised text ends one (" . " before a lower-case word, as the
 * Cranfield abstracts are written), which `splitSentences` keeps whole.
 */
function splitTokenised(sentence: string): string[] {
  return sentence.split(/(?<=\s[.!?])\s+(?=[\p{Ll}\p{N}])/u).filter((s) => s.trim() !== '');
}

/** A candidate answer sentence and the kind of line it came from. */
export interface AnswerCandidate {
  text: string;
  /** Prose; a list item (marker dropped); a fenced code block (only when the question asks for code). */
  form: 'prose' | 'list' | 'code';
  /** For a code block: the sentence leading into it ("Requires these flags in `tsconfig.json`:"), scored with it. */
  context?: string;
}

/**
 * The sentences of a passage that may answer a question, in order: prose sentences (as
 * `proseSentences`, tokenised " . " ends split too), list items (their marker dropped) — never
 * headings, table rows, HTML, link-only or badge lines, lead-ins ending in ":" or markup; code
 * lines and code-only items only when `code` (the question asks for a command or setting).
 *
 *   answerCandidates(new Document({ pageContent: '## Setup\n- Node.js - 20.x, 22.x\n| a | b |' }))
 *   // [{ text: 'Node.js - 20.x, 22.x', form: 'list' }]
 */
export function answerCandidates(
  passage: DocumentInterface,
  options: { code?: boolean } = {},
): AnswerCandidate[] {
  const code = options.code ?? false;
  const section = String(passage.metadata.section ?? '');
  if (/(^|>)\s*see also\s*$/i.test(section)) return [];
  const out: AnswerCandidate[] = [];
  const keep = (text: string, form: AnswerCandidate['form']) => {
    const t = normalizeSpace(text);
    for (const s of splitSentences(t).flatMap(splitTokenised)) {
      const words = tokenize(s).length;
      if (words < (form === 'list' ? 2 : 4)) continue; // fragments ("See below.") answer nothing
      if (/:\s*$/.test(s)) continue; // a lead-in to a list or a code block (read with its block)
      if (linkOnly(s) || (!code && (markupHeavy(s) || codeHeavy(s)))) continue;
      out.push({ text: s, form });
    }
  };
  let paragraph: string[] = [];
  let lastSentence = ''; // the last prose sentence read: what a code block after it is read with
  const flush = () => {
    if (paragraph.length > 0) {
      keep(paragraph.join('\n'), 'prose');
      lastSentence = splitSentences(normalizeSpace(paragraph.join(' '))).at(-1) ?? '';
    }
    paragraph = [];
  };
  let inFence = false;
  // a fenced block, when code is asked: one candidate, read with the sentence that leads into it
  let block: string[] = [];
  let leadIn = '';
  for (const line of passage.pageContent.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) {
      if (!inFence) {
        flush();
        leadIn = lastSentence;
      } else if (block.some((l) => /[\p{L}]/u.test(l)))
        out.push({ text: normalizeSpace(block.join('\n')), form: 'code', context: leadIn });
      block = [];
      inFence = !inFence;
      continue;
    }
    if (inFence) {
      if (code) block.push(line);
      continue;
    }
    if (line.trim() === '' || HEADING.test(line) || TABLE_ROW.test(line) || HTML_LINE.test(line)) {
      flush();
      if (line.trim() !== '') lastSentence = '';
      continue;
    }
    if (LIST_ITEM.test(line)) {
      flush();
      const item = line.replace(LIST_ITEM, '').trim();
      if (!linkOnly(item)) keep(item, code || !/^`[^`]*`$/.test(item) ? 'list' : 'code');
      continue;
    }
    if (/^\s*>/.test(line)) {
      flush();
      keep(line.replace(/^\s*>\s?/, ''), 'prose');
      continue;
    }
    if (linkOnly(line)) {
      flush();
      continue;
    }
    paragraph.push(line);
  }
  flush();
  return out;
}

/** Lower-cased words of a text, letters and digits (names compared as `questionNames` gives them). */
const wordsOf = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * The types whose answer a sentence can be seen to hold; "what", "how" and yes-no questions are
 * answered by what the sentence says, which BM25 and the definition bonus judge.
 */
const TYPED: ReadonlySet<AnswerType> = new Set(['who', 'when', 'where', 'which', 'how-many', 'why']);

/** Types answered by one fact (a name, a date, a number): one sentence by default. */
const FOCUSED: ReadonlySet<AnswerType> = new Set(['who', 'when', 'where', 'which', 'how-many']);

/** The words of `text`, as `tightSpan` counts them. */
const countWords = (text: string) => text.split(' ').filter(Boolean).length;

/**
 * The part of a long sentence that answers: a window of at most `maxWords` words (whitespace
 * normalised, so it is verbatim), starting at the sentence or after a clause mark (, ; : — ( ),
 * holding the most question words and, where it can, the kind of answer asked for; it ends at a
 * clause mark when one falls in its last half. A sentence of at most `maxWords` words is whole.
 */
export function tightSpan(sentence: string, question: string, maxWords: number, type: AnswerType): string {
  const ws = sentence.split(' ').filter(Boolean);
  if (ws.length <= maxWords) return sentence;
  const asked = new Set(stems(question).filter((w) => !QUESTION_STOP_WORDS.includes(w)));
  const starts = [0];
  for (let i = 1; i < ws.length; i++)
    if (/[,;:—)]$/.test(ws[i - 1]!) || /^[—(]/.test(ws[i]!) || ws[i - 1] === '.') starts.push(i);
  let best = { score: Number.NEGATIVE_INFINITY, text: '' };
  for (const s of starts) {
    let e = Math.min(ws.length, s + maxWords);
    if (e < ws.length)
      for (let j = e - 1; j > s + maxWords / 2; j--)
        if (/[,;:.]$/.test(ws[j]!)) {
          e = j + 1;
          break;
        }
    const text = ws.slice(s, e).join(' ');
    const found = new Set(stems(text).filter((w) => asked.has(w))).size;
    const score = found + (holdsAnswerType(text, type, question) ? 1.5 : 0) - s / (10 * ws.length);
    if (score > best.score) best = { score, text };
  }
  return best.text.replace(/[,;:(—]+$/, '').trim();
}

/**
 * Answers `query` with up to `maxSentences` sentences (at most `maxWords` words in all) copied
 * from `passages` (ranked best first), each cited `[n]`, the number of the passage it was copied
 * from. An empty query throws; no passages, or no sentence sharing a word with the query, gives
 * `NO_ANSWER` with no sentences and no citations.
 *
 * Each sentence scores BM25 (over the candidate sentences) plus bonuses, as fractions of the best
 * BM25 score: a definition of X for "What is X?", naming A and B for a comparison, and holding the
 * type of answer asked for (question-type.ts: a date for "when", a number for "how many", …). The
 * best leads; a lead longer than `maxWords` is cut to its answering span and stands alone.
 *
 *   extractiveAnswer('How does skip-gram differ from CBOW?', passages).sentences[0].text
 *   // 'Skip-gram predicts the surrounding words from the centre word, while CBOW predicts …'
 */
export function extractiveAnswer(
  query: string,
  passages: DocumentInterface[],
  options: ExtractiveOptions = {},
): ExtractiveAnswer {
  if (normalizeSpace(checkQuery(query, 'question')) === '')
    throw new ValidationError('the question is empty', 'question');
  const focused = FOCUSED.has(questionType(query));
  const maxSentences = options.maxSentences ?? (focused ? 1 : 2);
  const maxWords = options.maxWords ?? 60;
  const maxOverlap = options.maxOverlap ?? 0.8;
  const definitionBonus = options.definitionBonus ?? 1;
  const comparisonBonus = options.comparisonBonus ?? 0.5;
  const typeBonus = options.answerTypeBonus ?? 0.5;
  const listWeight = options.listItemWeight ?? 0.75;
  const entityBonus = options.nameBonus ?? 0.5;
  if (!(Number.isInteger(maxSentences) && maxSentences >= 1))
    throw new ValidationError(
      `extractiveAnswer: maxSentences must be a positive integer, got ${maxSentences}`,
    );
  if (!(Number.isInteger(maxWords) && maxWords >= 5))
    throw new ValidationError(`extractiveAnswer: maxWords must be an integer of at least 5, got ${maxWords}`);

  const numbers = passageNumbers(passages);
  const code = asksForCode(query);
  const candidates = passages.flatMap((passage, passageIndex) =>
    answerCandidates(passage, { code }).map((c, position) => ({ ...c, passage, passageIndex, position })),
  );
  const none: ExtractiveAnswer = { answer: NO_ANSWER, sentences: [], citations: [] };
  if (candidates.length === 0) return none;

  // BM25 over sentences: each sentence is a "document" (stop and question words dropped).
  // Each is read with its section's own heading (the last of its path: "What does n8n mean?"), and
  // a code block with the sentence leading into it.
  const heading = (c: (typeof candidates)[number]) =>
    String(c.passage.metadata.section ?? '')
      .split('>')
      .at(-1)!
      .trim();
  const bm25 = new BM25({ stopWords: QUESTION_STOP_WORDS }).fit(
    candidates.map((c) => `${heading(c)}\n${c.context ?? ''}\n${c.text}`),
  );
  const lexical = bm25.scores(query);
  let best = Number.NEGATIVE_INFINITY;
  for (const score of lexical) best = Math.max(best, score);
  if (!(best > 0)) return none;

  // score = BM25 + bonus·max BM25 for a definition of X ("What is X?"), a sentence naming A and B,
  // or one holding the type of answer asked for.
  const kind = questionKind(query);
  const type = questionType(query);
  const meaning = asksForMeaning(query);
  const names = questionNames(query);
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
    if (score > 0 && TYPED.has(type) && holdsAnswerType(c.text, type, query)) score += typeBonus * best;
    if (score > 0 && meaning && saysMeaning(c.text)) score += definitionBonus * best;
    // the names the question is about ("Hunan"): the share of them the sentence holds
    if (score > 0 && names.length > 0) {
      const has = new Set(wordsOf(c.text));
      score += entityBonus * best * (names.filter((w) => has.has(w)).length / names.length);
    }
    // a list item is often a feature or a link with a label; prose answers first on equal terms
    if (c.form === 'list') score *= listWeight;
    return { ...c, score };
  });

  // Best first; ties keep passage rank and position. Skip zero scores and near-duplicates; stop at
  // `maxSentences` or when the next sentence would pass `maxWords`.
  const ranked = scored.filter((c) => c.score > 0).sort((x, y) => y.score - x.score);
  const chosen: ((typeof scored)[number] & { span: string })[] = [];
  const words: Set<string>[] = [];
  let total = 0;
  for (const c of ranked) {
    if (chosen.length >= maxSentences) break;
    const w = new Set(tokenize(c.text, { stopWords: true }));
    if (words.some((other) => jaccard(w, other) >= maxOverlap)) continue;
    if (chosen.length === 0) {
      const span = tightSpan(c.text, query, maxWords, type);
      chosen.push({ ...c, span });
      total = countWords(span);
      if (span !== c.text) break; // a long lead cut to its span stands alone
    } else {
      // a supporting sentence is prose: a list item or code line answers only as the lead
      if (c.form !== 'prose') continue;
      const n = countWords(c.text);
      if (total + n > maxWords) continue;
      chosen.push({ ...c, span: c.text });
      total += n;
    }
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
      text: c.span,
      source,
      ...(section !== undefined ? { section } : {}),
      passageIndex: c.passageIndex,
      position: c.position,
      score: c.score,
      n: numbers[c.passageIndex]!,
      passage: c.passage.pageContent,
    };
  });
  const cited = [...new Set(sentences.map((s) => s.n))].sort((a, b) => a - b);
  return {
    answer: sentences.map((s) => `${s.text} [${s.n}]`).join(' '),
    sentences,
    citations: cited.map((n) => sourceOf(passages[numbers.indexOf(n)]!, n)),
  };
}
