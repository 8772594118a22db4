/**
 * The part of a text a BERT model reads: its first `maxTokens` WordPiece tokens come from a prefix
 * of the text, so an embedding request for a 200 KB text need not tokenize 200 KB to keep the
 * first 62 tokens. The prefix is cut only where cutting is exact — where the tokens of the prefix
 * are, token for token, the first tokens of the whole text:
 *
 *   cut before character c at position i when
 *     1. c separates words for BERT's basic tokenizer (whitespace, punctuation, a CJK ideograph):
 *        the words before i end at i in the prefix and in the whole text alike; NFD cannot move a
 *        mark across c either, since c starts with a base character;
 *     2. lowercasing before i does not depend on c: JavaScript's toLowerCase looks ahead only for
 *        a capital sigma (Σ → ς at the end of a word, σ inside one: "ΑΣ.Α" → "ασ.α" but
 *        "ΑΣ." → "ας."), so c must be neither cased nor case-ignorable, or no Σ comes before i;
 *     3. no special token ([CLS], [MASK], …) of the tokenizer spans i.
 *
 * Prefixes are tried at the first cut at or after 4 × maxTokens characters, then at twice the
 * length, … until one holds `maxTokens` tokens: the work is linear in the part that is read. A
 * text with no cut (a single 200 KB "word") is returned whole.
 *
 *   bertReadablePrefix(tokenizer, 'the cat sat on the mat. '.repeat(10_000), 62).length // 248
 */
import { bertBasicTokenize, type WordPieceTokenizer } from '@firth/transformers';

/** Condition 1: BERT's basic tokenizer splits "a" + c + "a" into more than one word (cached per character). */
function separatesWords(c: string, tokenizer: WordPieceTokenizer, cache: Map<string, boolean>): boolean {
  if (/^[a-zA-Z0-9]$/.test(c)) return false;
  let yes = cache.get(c);
  if (yes === undefined) {
    yes = bertBasicTokenize(`a${c}a`, tokenizer).length > 1;
    cache.set(c, yes);
  }
  return yes;
}

/** Condition 2's case: a character a capital sigma's lowercasing looks past or at. */
const sigmaMayLookAt = (c: string) => /[\p{Cased}\p{Case_Ignorable}]/u.test(c);

/** The first position ≥ `from` where the text may be cut exactly (`text.length` when none). */
function nextCut(
  text: string,
  from: number,
  tokenizer: WordPieceTokenizer,
  firstSigma: number,
  cache: Map<string, boolean>,
): number {
  const longestSpecial = Math.max(0, ...tokenizer.specialTokens.map((s) => s.length));
  let i = from;
  // never start inside a surrogate pair
  if (i > 0 && i < text.length && /[\uDC00-\uDFFF]/.test(text[i]!) && /[\uD800-\uDBFF]/.test(text[i - 1]!))
    i++;
  const letters = /[a-zA-Z0-9]+/y; // never a cut: skipped in one step
  for (; i < text.length; ) {
    letters.lastIndex = i;
    if (letters.test(text)) i = letters.lastIndex;
    if (i >= text.length) break;
    const c = String.fromCodePoint(text.codePointAt(i)!);
    if (
      separatesWords(c, tokenizer, cache) &&
      (!tokenizer.lowercase || firstSigma < 0 || firstSigma >= i || !sigmaMayLookAt(c)) &&
      !specialTokenSpans(text, i, tokenizer.specialTokens, longestSpecial)
    )
      return i;
    i += c.length;
  }
  return text.length;
}

/** Condition 3: some special token starts before `i` and ends after it. */
function specialTokenSpans(text: string, i: number, specials: readonly string[], longest: number): boolean {
  for (let j = Math.max(0, i - longest + 1); j < i; j++)
    for (const s of specials) if (s.length > i - j && text.startsWith(s, j)) return true;
  return false;
}

/** The shortest exact prefix (tried at doubling lengths) whose tokens number at least `maxTokens`. */
export function bertReadablePrefix(tokenizer: WordPieceTokenizer, text: string, maxTokens: number): string {
  const firstSigma = tokenizer.lowercase ? text.indexOf('Σ') : -1;
  const cache = new Map<string, boolean>();
  let from = 4 * maxTokens;
  while (from < text.length) {
    const cut = nextCut(text, from, tokenizer, firstSigma, cache);
    if (cut >= text.length) break;
    const prefix = text.slice(0, cut);
    if (tokenizer.tokenize(prefix).length >= maxTokens) return prefix;
    from = 2 * cut;
  }
  return text;
}
