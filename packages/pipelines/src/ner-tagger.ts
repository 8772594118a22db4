/**
 * The default NER model: a capitalisation + word-list + context tagger (CoNLL's PER, ORG, LOC,
 * MISC), as named-entity taggers were built before neural ones. It finds runs of capitalised words
 * (with 'of', 'bin', 'al' … inside), splits titles off ('President Saddam Hussein' → a person
 * after a title), and types each run by, in order: the word lists (ner-lexicon.ts: places,
 * nationalities, known organisations), an organisation's head word ('… Ministry', '… Union of …'),
 * a person's cues (a title or role before it, a given name, ', 41,' after it), a place's cues
 * ('in …', '… province'), what the same word was earlier in the text (a surname seen in a full
 * name), and a fallback. Each rule has a confidence, which becomes the token's score.
 *
 * Its output is what a BERT NER model gives the pipeline: every WordPiece token of Firth's tiny
 * BERT vocabulary with probabilities over B-/I- labels, offsets and a subword flag, so the
 * pipeline's aggregation strategies work on it as on Hugging Face's models.
 */
import type { WordPieceTokenizer } from '@firth/transformers';
import {
  COMMON_WORDS,
  GIVEN_NAMES,
  MISC_WORDS,
  NAME_CONNECTORS,
  ORG_HEADS,
  ORGANISATIONS,
  PERSON_CUES_BEFORE,
  PERSON_TITLES,
  PLACE_CUES_BEFORE,
  PLACES,
} from './ner-lexicon.js';
import type { PreEntity, TokenClassifier } from './token-classification.js';

export const NER_LABELS = [
  'O',
  'B-MISC',
  'I-MISC',
  'B-PER',
  'I-PER',
  'B-ORG',
  'I-ORG',
  'B-LOC',
  'I-LOC',
] as const;
export type EntityType = 'PER' | 'ORG' | 'LOC' | 'MISC';

/** A word of the text with its character offsets. */
interface Word {
  text: string;
  start: number;
  end: number;
}

/** An entity the tagger found: words [from, to) of the text, its type and the rule's confidence. */
export interface TaggedSpan {
  from: number;
  to: number;
  type: EntityType;
  confidence: number;
  rule: string;
}

/** Words: letters and digits joined by - . & or an apostrophe before 2+ letters (al-Qa'ida, U.S); other characters one each. */
const WORD = /[\p{L}\p{N}]+(?:[-.&][\p{L}\p{N}]+|['’][\p{L}\p{N}]{2,})*|\S/gu;

export function words(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(WORD)) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  // 'U.S.' keeps its last full stop when the word is dotted initials
  for (let i = 0; i + 1 < out.length; i++) {
    const w = out[i]!;
    const next = out[i + 1]!;
    if (next.text === '.' && next.start === w.end && /^(?:\p{Lu}\.)+\p{Lu}$/u.test(w.text)) {
      out.splice(i, 2, { text: `${w.text}.`, start: w.start, end: next.end });
    }
  }
  return out;
}

const isCapitalised = (w: string) => /^\p{Lu}/u.test(w) || /^[a-z]{1,3}-\p{Lu}/u.test(w);
const isAcronym = (w: string) => /^(?:\p{Lu}\.?){2,6}$/u.test(w);
const SENTENCE_END = new Set(['.', '!', '?', ':', '"', '“', '”', ';']);
const PLACE_CUES_AFTER = new Set([
  'province',
  'city',
  'region',
  'state',
  'river',
  'island',
  'district',
  'county',
  'valley',
  'coast',
  'township',
  'suburb',
]);
const PLACE_HEADS = new Set([
  'Lake',
  'River',
  'Island',
  'Islands',
  'Mountains',
  'Mount',
  'Coast',
  'Bay',
  'Sea',
  'Ocean',
  'Valley',
  'Province',
  'Peninsula',
  'Strait',
  'Gulf',
]);
const SAY = new Set(['said', 'says', 'told', 'added', 'wrote', 'asked', 'argued', 'claimed', 'explained']);

/** The entities of a text, as word spans with types. */
export function tagSpans(ws: readonly Word[]): TaggedSpan[] {
  const texts = ws.map((w) => w.text);
  const initial = (i: number) => i === 0 || SENTENCE_END.has(texts[i - 1]!);
  // runs of capitalised words, connectors inside
  const runs: [number, number][] = [];
  for (let i = 0; i < ws.length; ) {
    if (!isCapitalised(texts[i]!)) {
      i++;
      continue;
    }
    let j = i + 1;
    for (;;) {
      if (j < ws.length && isCapitalised(texts[j]!)) j++;
      else if (j + 1 < ws.length && NAME_CONNECTORS.has(texts[j]!) && isCapitalised(texts[j + 1]!)) j += 2;
      else break;
    }
    runs.push([i, j]);
    i = j;
  }
  const spans: TaggedSpan[] = [];
  const memory = new Map<string, EntityType>();
  const pending: { from: number; to: number; afterTitle: boolean }[] = [];
  const add = (from: number, to: number, type: EntityType, confidence: number, rule: string) => {
    spans.push({ from, to, type, confidence, rule });
    for (let k = from; k < to; k++) if (!NAME_CONNECTORS.has(texts[k]!)) memory.set(texts[k]!, type);
  };
  const name = (from: number, to: number) => texts.slice(from, to).join(' ');

  const classify = (from: number, to: number, afterTitle: boolean) => {
    const whole = name(from, to);
    const last = texts[to - 1]!;
    const before = from > 0 ? texts[from - 1]!.toLowerCase() : '';
    const after = to < ws.length ? texts[to]! : '';
    if (ORGANISATIONS.has(whole)) return add(from, to, 'ORG', 0.9, 'known organisation');
    if (PLACES.has(whole)) return add(from, to, 'LOC', 0.9, 'known place');
    if (MISC_WORDS.has(whole)) return add(from, to, 'MISC', 0.9, 'nationality or religion');
    const heads = texts
      .slice(from, to)
      .some((t, k) => ORG_HEADS.has(t) && (from + k === to - 1 || texts[from + k + 1] === 'of'));
    if (heads) return add(from, to, 'ORG', 0.85, "organisation's head word");
    if (PLACE_HEADS.has(last) || PLACE_HEADS.has(texts[from]!))
      return add(from, to, 'LOC', 0.85, "place's head word");
    if (afterTitle) return add(from, to, 'PER', 0.85, 'after a title');
    if (GIVEN_NAMES.has(texts[from]!) && to - from >= 2) return add(from, to, 'PER', 0.85, 'given name');
    if (PERSON_CUES_BEFORE.has(before) && texts[from - 1] !== texts[from - 1]!.toUpperCase())
      return add(from, to, 'PER', 0.8, 'after a role');
    if (after === ',' && /^\d{1,3}$/.test(texts[to + 1] ?? ''))
      return add(from, to, 'PER', 0.8, 'an age after it');
    if (MISC_WORDS.has(last) && to - from <= 2) return add(from, to, 'MISC', 0.75, 'nationality');
    if (PLACE_CUES_AFTER.has(after.toLowerCase())) return add(from, to, 'LOC', 0.75, 'place word after it');
    if (to - from >= 2) {
      if (PLACE_CUES_BEFORE.has(before)) return add(from, to, 'LOC', 0.6, 'in/at/from before it');
      if (isAcronym(last)) return add(from, to, 'ORG', 0.6, 'ends in an acronym');
      return add(from, to, 'PER', 0.6, 'a multi-word name');
    }
    pending.push({ from, to, afterTitle });
  };

  for (const [i, j] of runs) {
    let from = i;
    // leading common words ('The', sentence-initial 'But') are not part of a name
    while (
      from < j &&
      (COMMON_WORDS.has(texts[from]!) || (initial(from) && j - from === 1 && !known(texts[from]!)))
    )
      from++;
    // a title splits the run: what is before it is typed on its own, what is after is a person
    let t = -1;
    // (not in an organisation's name: 'State Department')
    for (let k = j - 2; k >= from && !ORG_HEADS.has(texts[j - 1]!); k--)
      if (PERSON_TITLES.has(texts[k]!) && isCapitalised(texts[k + 1]!)) {
        t = k;
        break;
      }
    if (t >= 0) {
      let head = t;
      while (head > from && (PERSON_TITLES.has(texts[head - 1]!) || NAME_CONNECTORS.has(texts[head - 1]!)))
        head--;
      if (head > from && !ORG_HEADS.has(texts[head - 1]!)) classify(from, head, false);
      classify(t + 1, j, true);
    } else if (
      from < j &&
      j - from > 1 &&
      !knownName(name(from, j)) &&
      texts.slice(from, j).every(knownName) &&
      !ORGANISATIONS.has(texts[j - 1]!)
    )
      // 'Melbourne Christian': two names side by side
      for (let k = from; k < j; k++) classify(k, k + 1, false);
    else if (from < j) classify(from, j, false);
  }
  // single words: what they were earlier in the text, or cues
  for (const { from, to, afterTitle } of pending) {
    const w = texts[from]!;
    const before = from > 0 ? texts[from - 1]!.toLowerCase() : '';
    const after = to < ws.length ? texts[to]! : '';
    const seen = memory.get(w) ?? [...memory].find(([k]) => k.split(' ').includes(w))?.[1];
    if (afterTitle) add(from, to, 'PER', 0.85, 'after a title');
    else if (seen) add(from, to, seen, 0.7, 'seen earlier in the text');
    else if (isAcronym(w)) add(from, to, 'ORG', 0.65, 'an acronym');
    else if (PLACE_CUES_BEFORE.has(before)) add(from, to, 'LOC', 0.6, 'in/at/from before it');
    else if (before === 'of' && PLACE_CUES_AFTER.has(texts[from - 2]?.toLowerCase() ?? ''))
      add(from, to, 'LOC', 0.7, "'suburb of …'");
    else if (GIVEN_NAMES.has(w) || (SAY.has(after) && !initial(from)))
      add(from, to, 'PER', 0.6, 'a name that speaks');
    else if (!initial(from)) add(from, to, 'MISC', 0.5, 'a capitalised word');
  }
  return spans.sort((a, b) => a.from - b.from);
}

const knownName = (w: string) => PLACES.has(w) || MISC_WORDS.has(w) || ORGANISATIONS.has(w);
const known = (w: string) =>
  PLACES.has(w) ||
  MISC_WORDS.has(w) ||
  ORGANISATIONS.has(w) ||
  GIVEN_NAMES.has(w) ||
  PERSON_TITLES.has(w) ||
  isAcronym(w);

/** A tokenizer's token with its place in the text. */
export interface OffsetPiece {
  /** The piece as the vocabulary writes it ('##ing', 'Ġcat', '▁the'), or the unknown token. */
  piece: string;
  id: number;
  /** Its characters in the text (a piece of a part whose pieces' lengths do not add up gets the whole part's). */
  start: number;
  end: number;
  /** A continuing piece of a word (within a part: not its first piece). */
  is_subword: boolean;
  /** The characters of its word as BERT's basic tokenizer splits words (punctuation on its own). */
  wordStart: number;
  wordEnd: number;
}

/**
 * The pieces of the text part [start, end), each placed by its length in characters, one after
 * the other; when the lengths do not add up to the part (`aligned` false), each gets the whole part.
 */
export function placePieces(
  pieces: readonly { piece: string; id: number }[],
  lengths: readonly number[],
  start: number,
  end: number,
): OffsetPiece[] {
  const aligned = lengths.every((n) => n >= 0) && lengths.reduce((a, n) => a + n, 0) === end - start;
  let at = start;
  return pieces.map(({ piece, id }, k) => {
    const from = aligned ? at : start;
    const to = aligned ? at + lengths[k]! : end;
    at = to;
    return { piece, id, start: from, end: to, is_subword: k > 0, wordStart: start, wordEnd: end };
  });
}

/**
 * The WordPiece tokens of the words (from `words`), with character offsets: BERT's basic tokenizer
 * splits punctuation off each word, WordPiece splits the rest; the pieces' lengths give their
 * offsets. One list per word.
 */
export function wordPieces(tokenizer: WordPieceTokenizer, ws: readonly Word[]): OffsetPiece[][] {
  const unk = tokenizer.tokenToId(tokenizer.unkToken) ?? 0;
  return ws.map((w) => {
    const out: OffsetPiece[] = [];
    for (const m of w.text.matchAll(/[\p{P}\p{S}]|[^\p{P}\p{S}]+/gu)) {
      const start = w.start + m.index;
      const end = start + m[0].length;
      const pieces = tokenizer.tokenize(m[0]);
      // the unknown token's length says nothing of the characters it stands for
      const lengths = pieces.map((p) =>
        p === tokenizer.unkToken ? -1 : p.startsWith('##') ? p.length - 2 : p.length,
      );
      const ids = pieces.map((piece) => ({ piece, id: tokenizer.tokenToId(piece) ?? unk }));
      out.push(...placePieces(ids, lengths, start, end));
    }
    return out;
  });
}

/**
 * The default token classifier: the tagger's word labels on the WordPiece tokens of `tokenizer`
 * (the first piece of an entity's first word B-, the rest I-), each token's label with the rule's
 * confidence and the rest of the probability shared by the other labels.
 */
export class RuleNerTagger implements TokenClassifier {
  readonly labels: readonly string[] = NER_LABELS;

  constructor(private readonly tokenizer: WordPieceTokenizer) {}

  /** The entities as character spans (what the evaluation scores). */
  entities(text: string): { type: EntityType; start: number; end: number; rule: string }[] {
    const ws = words(text);
    return tagSpans(ws).map((s) => ({
      type: s.type,
      start: ws[s.from]!.start,
      end: ws[s.to - 1]!.end,
      rule: s.rule,
    }));
  }

  tokens(text: string): PreEntity[] {
    const ws = words(text);
    const label = new Array<{ tag: string; confidence: number } | undefined>(ws.length);
    for (const s of tagSpans(ws))
      for (let k = s.from; k < s.to; k++)
        label[k] = { tag: `${k === s.from ? 'B' : 'I'}-${s.type}`, confidence: s.confidence };
    const out: PreEntity[] = [];
    const C = this.labels.length;
    const scoresFor = (tag: string, confidence: number) => {
      const k = this.labels.indexOf(tag);
      return this.labels.map((_, j) => (j === k ? confidence : (1 - confidence) / (C - 1)));
    };
    wordPieces(this.tokenizer, ws).forEach((pieces, wi) => {
      const l = label[wi];
      pieces.forEach((p, k) => {
        const tag = l === undefined ? 'O' : k === 0 ? l.tag : `I-${l.tag.slice(2)}`;
        out.push({
          // an unknown word is its own text (Hugging Face's pipeline); pieces as the text writes them
          word: (p.is_subword ? '##' : '') + text.slice(p.start, p.end),
          scores: scoresFor(tag, l === undefined ? 0.98 : l.confidence),
          start: p.start,
          end: p.end,
          index: out.length + 1,
          is_subword: p.is_subword,
        });
      });
    });
    return out;
  }
}
