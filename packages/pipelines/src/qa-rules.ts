/**
 * The default question-answering model: retrieval + answer types, as extractive QA systems were
 * built before BERT (TREC QA's pipeline): the question's wh-word and head noun give the type of
 * answer wanted (a person, place, organisation, number, date or any name); the context's sentences
 * are ranked by the question's content words they share (stemmed, names weighted more); the
 * candidates are the spans of the wanted type the NER tagger (ner-tagger.ts) and number / date
 * patterns find, and each scores its sentence's overlap plus its nearness to the question's words
 * there. A softmax over the candidates' scores is the answers' score.
 */
import { type RuleNerTagger, words } from './ner-tagger.js';
import type { QaAnswer, QaModel, QaModelOptions } from './question-answering.js';

type AnswerType = 'PER' | 'ORG' | 'LOC' | 'MISC' | 'NUM' | 'DATE' | 'ANY';

const STOP = new Set(
  `a an the of in on at to for from by with and or but is are was were be been being has have had do does did
  what which who whom whose when where why how many much old far long it its this that these those as into
  than then there their they he she his her him them we our you your i me my not no can could will would
  shall should may might must about over under up down out after before during s`.split(/\s+/),
);

const LOC_NOUNS = new Set(
  'country city province island river lake region state place town suburb neighbourhood village area capital continent street coast'.split(
    ' ',
  ),
);
const ORG_NOUNS = new Set(
  'party group organisation organization company bank ministry newspaper website agency government union school college university court network firm team department paper station'.split(
    ' ',
  ),
);
const PERSON_NOUNS = new Set(
  'person man woman leader minister president senator spokesman official captain chief ambassador colleague player actor author'.split(
    ' ',
  ),
);

/** What kind of answer a question wants. */
export function answerType(question: string): AnswerType {
  const q = question.toLowerCase();
  if (
    /\bhow (many|much|old|far|long|big|large)\b|\bwhat (percentage|share|proportion|number)\b|\bby how\b/.test(
      q,
    )
  )
    return 'NUM';
  if (/^\s*when\b|\bwhat (year|day|date|month|time)\b|\bwhich (year|day|month)\b/.test(q)) return 'DATE';
  if (/^\s*(who|whom|whose)\b|\bwho\b/.test(q)) return 'PER';
  if (/^\s*where\b/.test(q)) return 'LOC';
  // the first noun of a known kind after 'which' / 'what' ('which province', 'the name of the school')
  const wh = /\b(?:which|what)\b/.exec(q);
  const nouns = wh
    ? q
        .slice(wh.index)
        .split(/[^a-z]+/)
        .filter(Boolean)
    : [];
  for (const n of nouns) {
    const s = n.replace(/s$/, '');
    if (LOC_NOUNS.has(s)) return 'LOC';
    if (ORG_NOUNS.has(s)) return 'ORG';
    if (PERSON_NOUNS.has(s)) return 'PER';
  }
  return 'ANY';
}

const stem = (w: string) => {
  const x = w.toLowerCase().replace(/['’]s$/, '');
  return x.length > 4 ? x.replace(/(?:ing|ed|es|s)$/, '') : x;
};

/** Sentences as [start, end) character ranges (no split after Mr. / Sept. / U.S. …). */
export function sentenceRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (const m of text.matchAll(/[.!?]["”’']?\s+(?=["“‘']?[\p{Lu}\d])/gu)) {
    const before = text.slice(Math.max(0, m.index - 8), m.index + 1);
    if (
      /(?:\b(?:Mr|Mrs|Ms|Dr|St|Sept|Jan|Feb|Aug|Oct|Nov|Dec|Gen|Sen|Insp|Prof|No)|\b\p{Lu}|\.\p{Lu})\.$/u.test(
        before,
      )
    )
      continue;
    const end = m.index + m[0].trimEnd().length;
    out.push([start, end]);
    start = m.index + m[0].length;
  }
  if (start < text.length) out.push([start, text.length]);
  return out;
}

const NUMBER_WORDS =
  'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|thousand|hundreds|thousands|dozens?';
const UNIT = String.raw`(?:\s?(?:per\s?cent|percent|%|million|billion|trillion|km|kilometres|miles|metres|m\b|cm\b|c\b|years?|months?|weeks?|days?|hours?))`;
const NUMBER = new RegExp(
  String.raw`(?:\b(?:about|almost|nearly|more than|over|at least|up to|around)\s)?(?:(?:US)?\$(?:US)?|£|€)?(?:\d[\d,.]*\d|\d)(?:-year-old)?${UNIT}*|\b(?:${NUMBER_WORDS})(?:-(?:${NUMBER_WORDS}|third|thirds|quarters?))?\b${UNIT}*`,
  'gi',
);
const MONTHS =
  'January|February|March|April|May|June|July|August|September|October|November|December|Jan\\.|Feb\\.|Aug\\.|Sept\\.|Oct\\.|Nov\\.|Dec\\.';
const DAYS = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';
const DATE = new RegExp(
  String.raw`\b(?:(?:${MONTHS})(?:\s\d{1,2}(?:,\s\d{4})?|\s\d{4})?|(?:last\s|next\s)?(?:${DAYS})(?:\s(?:night|morning|afternoon|evening))?|(?:last|next|this)\s(?:week|month|year)|yesterday|today|tomorrow|(?:19|20)\d\d)(?![\w])`,
  'g',
);

/** The raw score of 'no answer': a candidate below it is less likely than none (one shared name and a fitting type pass it). */
const NULL_RAW = 3;

/** A candidate answer span with its type. */
interface Span {
  start: number;
  end: number;
  type: AnswerType;
}

export class RuleQa implements QaModel {
  constructor(private readonly tagger: RuleNerTagger) {}

  /** Candidates scored by a softmax over their raw scores and the no-answer score NULL_RAW. */
  answers(
    question: string,
    context: string,
    options: QaModelOptions,
  ): { answers: QaAnswer[]; nullScore: number } {
    const raw = this.candidates(question, context, options.maxAnswerLen);
    const top = Math.max(NULL_RAW, ...raw.map((c) => c.raw));
    const z = raw.reduce((s, c) => s + Math.exp(c.raw - top), Math.exp(NULL_RAW - top));
    return {
      answers: raw.map(({ raw: r, ...c }) => ({ ...c, score: Math.exp(r - top) / z })),
      nullScore: Math.exp(NULL_RAW - top) / z,
    };
  }

  /** Every span of a fitting type, with its raw score (sentence overlap + type fit + nearness). */
  candidates(
    question: string,
    context: string,
    maxAnswerLen: number,
  ): (Omit<QaAnswer, 'score'> & { raw: number })[] {
    const type = answerType(question);
    const qWords = words(question).filter((w) => /[\p{L}\p{N}]/u.test(w.text));
    const keywords = new Map<string, number>();
    for (const w of qWords) {
      const lower = w.text.toLowerCase();
      if (STOP.has(lower)) continue;
      // names and numbers say more than common words
      keywords.set(stem(w.text), /^\p{Lu}|\d/u.test(w.text) && w.start > 0 ? 2 : 1);
    }
    const cWords = words(context);
    const sentences = sentenceRanges(context);
    const sentenceOf = (at: number) => sentences.findIndex(([s, e]) => at >= s && at < e);
    // each sentence's overlap with the question, and where its matching words are
    const overlap = sentences.map(() => ({ score: 0, seen: new Set<string>(), at: [] as number[] }));
    cWords.forEach((w, i) => {
      const k = stem(w.text);
      const weight = keywords.get(k);
      const s = sentenceOf(w.start);
      if (weight === undefined || s < 0) return;
      const o = overlap[s]!;
      if (!o.seen.has(k)) o.score += weight;
      o.seen.add(k);
      o.at.push(i);
    });
    const spans: Span[] = [];
    for (const e of this.tagger.entities(context))
      spans.push({ start: e.start, end: e.end, type: e.type as AnswerType });
    for (const m of context.matchAll(NUMBER))
      spans.push({ start: m.index, end: m.index + m[0].length, type: 'NUM' });
    for (const m of context.matchAll(DATE))
      spans.push({ start: m.index, end: m.index + m[0].length, type: 'DATE' });
    // a capitalised word before a place noun ('Hunan province'), a quoted phrase
    for (const m of context.matchAll(
      /\b\p{Lu}[\p{L}-]+(?= (?:province|city|region|state|island|river|district|county|valley|suburb|township)\b)/gu,
    ))
      spans.push({ start: m.index, end: m.index + m[0].length, type: 'LOC' });
    for (const m of context.matchAll(/["“]([^"”]{2,60})["”]/g))
      spans.push({ start: m.index + 1, end: m.index + 1 + m[1]!.length, type: 'MISC' });
    const fit = (s: Span) => {
      if (type === 'ANY') return s.type === 'NUM' || s.type === 'DATE' ? 0.3 : 1;
      if (s.type === type) return 1;
      if (type === 'PER' && s.type === 'ORG') return 0.5;
      if (type === 'ORG' && s.type === 'LOC') return 0.5;
      if (type === 'LOC' && s.type === 'ORG') return 0.3;
      if (type === 'ORG' && (s.type === 'MISC' || s.type === 'PER')) return 0.3;
      return 0;
    };
    const wordIndex = (at: number) => cWords.findIndex((w) => w.end > at);
    const questionStems = new Set(qWords.map((w) => stem(w.text)));
    const out: (Omit<QaAnswer, 'score'> & { raw: number })[] = [];
    const seen = new Map<string, number>();
    for (const sp of spans) {
      // a span of another type stays a (weak) candidate: some answer beats none
      const f = fit(sp) || -1;
      const text = context.slice(sp.start, sp.end);
      const inside = words(text).filter((w) => /[\p{L}\p{N}]/u.test(w.text));
      if (inside.length === 0 || inside.length > maxAnswerLen) continue;
      // an answer does not repeat the question
      if (inside.every((w) => questionStems.has(stem(w.text)) || STOP.has(w.text.toLowerCase()))) continue;
      const s = sentenceOf(sp.start);
      const o = s >= 0 ? overlap[s]! : { score: 0, at: [] };
      const first = wordIndex(sp.start);
      const last = first + inside.length - 1;
      const distance = Math.min(40, ...o.at.map((i) => (i < first ? first - i : i > last ? i - last : 40)));
      // the question's words within 4 words of the span
      const near = new Set(
        o.at.filter((i) => i >= first - 4 && i <= last + 4).map((i) => stem(cWords[i]!.text)),
      ).size;
      const raw = o.score + 2 * f + near + 1.5 / (1 + distance) - 0.05 * distance;
      // a span found twice (a year is a number and a date) keeps its better reading
      const key = `${sp.start}:${sp.end}`;
      const had = seen.get(key);
      if (had === undefined) {
        seen.set(key, out.length);
        out.push({ answer: text, start: sp.start, end: sp.end, raw });
      } else out[had]!.raw = Math.max(out[had]!.raw, raw);
    }
    return out;
  }
}
