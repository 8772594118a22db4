/**
 * The pre-tokenizers of Hugging Face `tokenizer.json` — the one idea: **cut the normalized text into
 * words, and let the model see one word at a time** (so no token spans two words). As the Rust
 * `tokenizers` library, every cut is a list of matches and a "behaviour" saying what happens to them:
 *
 *   Removed             drop the matches            "a b" on " "  → ["a", "b"]
 *   Isolated            keep each match alone       "a b"         → ["a", " ", "b"]
 *   MergedWithPrevious  glue a match to the left    "a b"         → ["a ", "b"]
 *   MergedWithNext      glue a match to the right   "a b"         → ["a", " b"]
 *   Contiguous          like Isolated, but adjacent matches form one piece
 *
 * (`invert` swaps matches and the text between them.) The steps read:
 *   Metaspace {replacement, prepend_scheme: always|first|never, split} (SentencePiece's "▁")
 *   WhitespaceSplit, Whitespace (\w+|[^\w\s]+), BertPreTokenizer, Punctuation {behavior},
 *   Digits {individual_digits}, CharDelimiterSplit {delimiter}, Split {pattern, behavior, invert},
 *   ByteLevel {add_prefix_space, use_regex} (GPT-2's regex, then bytes as printable characters),
 *   Sequence {pretokenizers}.
 *
 * A word remembers whether it begins the input (`atStart`): Metaspace's prepend_scheme "first"
 * adds "▁" only there — not after an added token such as `<s>`.
 */
import { isPunctuation } from './bert-basic.js';
import { GPT2_SPLIT_PATTERN, toByteLevel } from './bpe.js';
import {
  type At,
  asArray,
  asObject,
  child,
  fail,
  findMatches,
  getBool,
  getString,
  readPattern,
  stepType,
  unsupported,
} from './hf-json.js';

/** A piece of text on its way to the model. */
export interface Word {
  text: string;
  /** The word starts at the beginning of the input (no added token or other word before it). */
  atStart: boolean;
}

export type PreTokenizer = (words: Word[]) => Word[];

export type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';
const BEHAVIORS: readonly SplitBehavior[] = [
  'Removed',
  'Isolated',
  'MergedWithPrevious',
  'MergedWithNext',
  'Contiguous',
];

const PRE_TOKENIZERS = [
  'Sequence',
  'Metaspace',
  'WhitespaceSplit',
  'Whitespace',
  'BertPreTokenizer',
  'Punctuation',
  'Digits',
  'CharDelimiterSplit',
  'Split',
  'ByteLevel',
] as const;

/**
 * Splits `text` at `matches` ([start, end) in order, non-overlapping) with `behavior`, as
 * `NormalizedString::split`. Empty pieces are dropped.
 */
export function splitByMatches(
  text: string,
  matches: ReadonlyArray<readonly [number, number]>,
  behavior: SplitBehavior,
  invert = false,
): string[] {
  // The whole text as alternating (piece, isMatch) runs.
  const runs: Array<{ s: number; e: number; match: boolean }> = [];
  let last = 0;
  for (const [s, e] of matches) {
    if (s > last) runs.push({ s: last, e: s, match: invert });
    runs.push({ s, e, match: !invert });
    last = e;
  }
  if (last < text.length) runs.push({ s: last, e: text.length, match: invert });
  let pieces: Array<{ s: number; e: number; drop: boolean }> = [];
  if (behavior === 'Removed') pieces = runs.map((r) => ({ s: r.s, e: r.e, drop: r.match }));
  else if (behavior === 'Isolated') pieces = runs.map((r) => ({ s: r.s, e: r.e, drop: false }));
  else if (behavior === 'Contiguous' || behavior === 'MergedWithPrevious') {
    let previous = false;
    for (const r of runs) {
      const top = pieces.at(-1);
      const glue = behavior === 'Contiguous' ? r.match === previous : r.match && !previous;
      if (glue && top) top.e = r.e;
      else pieces.push({ s: r.s, e: r.e, drop: false });
      previous = r.match;
    }
  } else {
    let previous = false;
    for (let i = runs.length - 1; i >= 0; i--) {
      const r = runs[i]!;
      const top = pieces.at(-1);
      if (r.match && !previous && top) top.s = r.s;
      else pieces.push({ s: r.s, e: r.e, drop: false });
      previous = r.match;
    }
    pieces.reverse();
  }
  return pieces.filter((p) => !p.drop && p.e > p.s).map((p) => text.slice(p.s, p.e));
}

/** The characters of `text` for which `test` holds, each its own match (UTF-16 offsets). */
export function charMatches(text: string, test: (c: string) => boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 0;
  for (const c of text) {
    if (test(c)) out.push([i, i + c.length]);
    i += c.length;
  }
  return out;
}

/** Applies a string splitter to every word; only a word's first piece keeps its `atStart`. */
function eachWord(split: (text: string, word: Word) => string[]): PreTokenizer {
  return (words) =>
    words.flatMap((w) => {
      const pieces = split(w.text, w);
      // atStart marks the piece at offset 0 of the input: the first piece, if nothing was removed before it.
      return pieces.map((text, i) => ({ text, atStart: w.atStart && i === 0 && w.text.startsWith(text) }));
    });
}

const isWhite = (c: string) => /^\p{White_Space}$/u.test(c);
/** Rust regex's Unicode \w: alphabetic, marks, decimal digits, connector punctuation, joiners. */
const WHITESPACE_RE =
  /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]+|[^\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}\p{White_Space}]+/gu;
const isNumeric = (c: string) => /^[\p{Nd}\p{Nl}\p{No}]$/u.test(c);

function readBehavior(o: Record<string, unknown>, at: At, def: SplitBehavior): SplitBehavior {
  const b = getString(o, 'behavior', at, def);
  if (!BEHAVIORS.includes(b as SplitBehavior))
    fail(child(at, 'behavior'), `${JSON.stringify(b)} is not one of ${BEHAVIORS.join(', ')}`);
  return b as SplitBehavior;
}

/** Metaspace's settings, shared with its decoder. */
export interface MetaspaceSettings {
  replacement: string;
  prependScheme: 'always' | 'first' | 'never';
  split: boolean;
}

export function readMetaspace(o: Record<string, unknown>, at: At): MetaspaceSettings {
  const replacement = getString(o, 'replacement', at, '▁');
  if ([...replacement].length !== 1) fail(child(at, 'replacement'), 'must be one character');
  let prependScheme: MetaspaceSettings['prependScheme'];
  if (o.prepend_scheme !== undefined && o.prepend_scheme !== null) {
    const s = getString(o, 'prepend_scheme', at);
    if (s !== 'always' && s !== 'first' && s !== 'never')
      fail(child(at, 'prepend_scheme'), `${JSON.stringify(s)} is not one of always, first, never`);
    prependScheme = s as MetaspaceSettings['prependScheme'];
  } else prependScheme = getBool(o, 'add_prefix_space', at, true) ? 'always' : 'never'; // files before tokenizers 0.14
  return { replacement, prependScheme, split: getBool(o, 'split', at, true) };
}

/** A `pre_tokenizer` step of tokenizer.json (`null` → none). */
export function readPreTokenizer(json: unknown, at: At): PreTokenizer | null {
  if (json === null || json === undefined) return null;
  const o = asObject(json, at);
  const type = stepType(o, at);
  switch (type) {
    case 'Sequence': {
      const steps = asArray(o.pretokenizers, child(at, 'pretokenizers'))
        .map((p, i) => readPreTokenizer(p, child(child(at, 'pretokenizers'), i)))
        .filter((p): p is PreTokenizer => p !== null);
      return (words) => steps.reduce((w, p) => p(w), words);
    }
    case 'Metaspace': {
      const m = readMetaspace(o, at);
      return eachWord((text, word) => {
        let t = text.replaceAll(' ', m.replacement);
        const prepend = m.prependScheme === 'always' || (m.prependScheme === 'first' && word.atStart);
        if (prepend && !t.startsWith(m.replacement)) t = m.replacement + t;
        return m.split
          ? splitByMatches(
              t,
              charMatches(t, (c) => c === m.replacement),
              'MergedWithNext',
            )
          : [t];
      });
    }
    case 'WhitespaceSplit':
      return eachWord((text) => splitByMatches(text, charMatches(text, isWhite), 'Removed'));
    case 'Whitespace':
      return eachWord((text) => text.match(WHITESPACE_RE) ?? []);
    case 'BertPreTokenizer':
      return eachWord((text) =>
        splitByMatches(
          text,
          charMatches(text, (c) => isWhite(c) || isPunctuation(c)),
          'Isolated',
        ).filter((p) => !isWhite(p)),
      );
    case 'Punctuation': {
      const behavior = readBehavior(o, at, 'Isolated');
      return eachWord((text) => splitByMatches(text, charMatches(text, isPunctuation), behavior));
    }
    case 'Digits': {
      const individual = getBool(o, 'individual_digits', at, false);
      return eachWord((text) =>
        splitByMatches(text, charMatches(text, isNumeric), individual ? 'Isolated' : 'Contiguous'),
      );
    }
    case 'CharDelimiterSplit': {
      const d = getString(o, 'delimiter', at);
      return eachWord((text) =>
        splitByMatches(
          text,
          charMatches(text, (c) => c === d),
          'Removed',
        ),
      );
    }
    case 'Split': {
      const re = readPattern(o.pattern, child(at, 'pattern'));
      const behavior = readBehavior(o, at, 'Isolated');
      const invert = getBool(o, 'invert', at, false);
      return eachWord((text) => splitByMatches(text, findMatches(text, re), behavior, invert));
    }
    case 'ByteLevel': {
      const addPrefixSpace = getBool(o, 'add_prefix_space', at, true);
      const re = getBool(o, 'use_regex', at, true) ? new RegExp(GPT2_SPLIT_PATTERN, 'gu') : null;
      return (words) =>
        eachWord((text) => {
          const t = addPrefixSpace && !text.startsWith(' ') ? ` ${text}` : text;
          return re === null ? [t] : splitByMatches(t, findMatches(t, re), 'Isolated');
        })(words).map((w) => ({ text: toByteLevel(w.text), atStart: w.atStart }));
    }
    default:
      return unsupported('pre-tokenizer', type, at, PRE_TOKENIZERS);
  }
}
