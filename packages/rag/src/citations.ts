/**
 * Citations that cite (issue 14): each retrieved passage is its own source, numbered [1], [2], … in
 * retrieval order and named by its file and section (or page), and each sentence of an answer
 * carries the number of the passage it came from — so a reader following [2] finds the sentence in
 * one passage, not somewhere in a file.
 *
 *   formatSources([bertIntro, bertLearns])
 *   // '[1] bert.md — BERT > What it is\nBERT (…) is …\n\n[2] bert.md — BERT > How it learns\nBERT is pretrained …'
 *   answerWithSources({ answer: 'BERT is … [1] BERT is pretrained … [2]', sources })
 *   // 'BERT is … [1] BERT is pretrained … [2]\n\nSources:\n- [1] bert.md — BERT > What it is\n- [2] bert.md — BERT > How it learns'
 *
 * Here: the numbering (shared by the prompt, the extractive answer and `groundedness`), the source
 * list, reading the citations back out of an answer (a model's included, with the numbers it cites
 * that name no passage) and the answer as prose with its sources — what a person or an agent reads.
 */
import type { DocumentInterface } from '@langchain/core/documents';
import { documentKey } from './hybrid.js';
import { splitSentences } from './splitters.js';

/** One cited passage: its number in the answer and where it is. */
export interface RagSource {
  /** The citation number, [n] in the answer. */
  n: number;
  /** The file (`metadata.source`). */
  source: string;
  /** Its heading path (`metadata.section`), for Markdown and HTML. */
  section?: string;
  /** Its page (`metadata.page`), for PDF. */
  page?: number;
}

/**
 * The citation number of each passage: 1, 2, … in retrieval order, one per passage; a passage
 * listed twice (same source, section, chunk and text) keeps its first number.
 *
 *   passageNumbers([bertIntro, bertLearns, gptIntro, bertIntro]) // [1, 2, 3, 1]
 */
export function passageNumbers(passages: readonly DocumentInterface[]): number[] {
  const seen = new Map<string, number>();
  return passages.map((p) => {
    const key = documentKey(p);
    if (!seen.has(key)) seen.set(key, seen.size + 1);
    return seen.get(key)!;
  });
}

/** The passage as a source numbered `n`: file, and section or page when it has them. */
export function sourceOf(passage: DocumentInterface, n: number): RagSource {
  const { section, page } = passage.metadata;
  return {
    n,
    source: String(passage.metadata.source ?? 'unknown'),
    ...(typeof section === 'string' && section !== '' ? { section } : {}),
    ...(typeof page === 'number' ? { page } : {}),
  };
}

/** '[2] bert.md — BERT > How it learns', '[3] paper.pdf, page 4'. */
export function sourceLabel(source: RagSource): string {
  const where = source.section
    ? ` — ${source.section}`
    : source.page !== undefined
      ? `, page ${source.page}`
      : '';
  return `[${source.n}] ${source.source}${where}`;
}

/**
 * The passages as numbered sources for a prompt, one block per passage (a repeated one once):
 * its label, then its text.
 */
export function formatSources(passages: readonly DocumentInterface[]): string {
  const numbers = passageNumbers(passages);
  return passages
    .flatMap((p, i) =>
      numbers.indexOf(numbers[i]!) === i
        ? [`${sourceLabel(sourceOf(p, numbers[i]!))}\n${p.pageContent.trim()}`]
        : [],
    )
    .join('\n\n');
}

/** A run of citation markers: '[1]', '[1, 2]', '[1][3]', '[1] [3]'. */
const MARKERS = /(?:\s*\[\d+(?:\s*,\s*\d+)*\])+/g;
const numbersOf = (markers: string) => [...markers.matchAll(/\d+/g)].map((m) => Number(m[0]));

/** The text without its citation markers, each run of them one space: 'A [1]. B [2, 3]' → 'A . B '. */
export const stripCitations = (text: string): string => text.replace(MARKERS, ' ');

/** Citation numbers in a text, sorted: '[1] … [2, 3]' → [1, 2, 3]. */
export function citedNumbers(text: string): number[] {
  const out = new Set<number>();
  for (const m of text.matchAll(MARKERS)) for (const n of numbersOf(m[0])) out.add(n);
  return [...out].sort((a, b) => a - b);
}

/**
 * Answer sentences with the numbers they cite: the markers after a stretch of text apply to every
 * sentence in it ('A. B. [1]' → A and B cite 1; 'C. [1][2]' → C cites 1 and 2); sentences followed
 * by no marker cite nothing.
 */
export function citedSentences(answer: string): { text: string; cites: number[] }[] {
  const out: { text: string; cites: number[] }[] = [];
  let start = 0;
  const add = (chunk: string, cites: number[]) => {
    for (const s of splitSentences(chunk))
      if (/[\p{L}\p{N}]/u.test(s)) out.push({ text: s.replace(/^[.!?;,\s]+/, ''), cites });
  };
  for (const m of answer.matchAll(MARKERS)) {
    add(answer.slice(start, m.index), [...new Set(numbersOf(m[0]))]);
    start = m.index + m[0].length;
  }
  add(answer.slice(start), []);
  return out;
}

/** The passages an answer cites, as sources, in number order (one entry per number). */
export function citedSources(answer: string, passages: readonly DocumentInterface[]): RagSource[] {
  const numbers = passageNumbers(passages);
  return citedNumbers(answer).flatMap((n) => {
    const i = numbers.indexOf(n);
    return i < 0 ? [] : [sourceOf(passages[i]!, n)];
  });
}

/**
 * Numbers an answer cites that name no passage — a model citing [7] with four sources. The chain
 * keeps the model's text as written and reports these beside it.
 *
 *   invalidCitations('A [1]. B [7].', fourPassages) // [7]
 */
export function invalidCitations(answer: string, passages: readonly DocumentInterface[]): number[] {
  const numbers = new Set(passageNumbers(passages));
  return citedNumbers(answer).filter((n) => !numbers.has(n));
}

/**
 * The answer as a person (or an agent) reads it: the answer, a blank line, then "Sources:" and one
 * line per cited passage, as a list ("- [2] bert.md — BERT > What it is") so that a chat window
 * rendering Markdown (n8n's) shows one source a line. An answer citing nothing stands alone.
 */
export function answerWithSources(output: { answer: string; sources: readonly RagSource[] }): string {
  const answer = output.answer.trim();
  if (output.sources.length === 0) return answer;
  return `${answer}\n\nSources:\n${output.sources.map((s) => `- ${sourceLabel(s)}`).join('\n')}`;
}

/** A cited passage with its text: what a reader following [n] reads. */
export interface CitedPassage extends RagSource {
  /** The passage, whole (`pageContent`). */
  text: string;
}

/** One sentence of an answer, the numbers it cites and those passages, whole. */
export interface AnswerEvidence {
  sentence: string;
  cites: number[];
  /** The passages its numbers name, in the order cited (a number naming no passage: left out). */
  passages: CitedPassage[];
}

/**
 * Each sentence of an answer beside the passages it cites, whole — so a reader (or a UI) can show,
 * under each sentence, the exact text its [n] points at. Sentences citing nothing have no passages.
 *
 *   answerEvidence('Owls hunt at night. [1]', [owls])
 *   // [{ sentence: 'Owls hunt at night.', cites: [1], passages: [{ n: 1, source: 'owls.md', text: 'Owls …' }] }]
 */
export function answerEvidence(answer: string, passages: readonly DocumentInterface[]): AnswerEvidence[] {
  const numbers = passageNumbers(passages);
  return citedSentences(answer).map(({ text, cites }) => ({
    sentence: text,
    cites,
    passages: cites.flatMap((n) => {
      const i = numbers.indexOf(n);
      return i < 0 ? [] : [{ ...sourceOf(passages[i]!, n), text: passages[i]!.pageContent }];
    }),
  }));
}
