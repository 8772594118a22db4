/**
 * The Porter stemmer (M. F. Porter, "An algorithm for suffix stripping", Program 14(3), 130–137,
 * 1980) — the stemming step of Lucene's `EnglishAnalyzer` (its `PorterStemFilter`) and of the
 * `'english'` analyzer of Firth's BM25 (bm25.ts). Written from the paper's five steps; words are
 * expected lower-case. Like Porter's own reference implementation (and Lucene's), words of one or
 * two letters are left as they are.
 *
 *   porterStem('caresses')       // 'caress'
 *   porterStem('generalization') // 'gener'   (→ generalize → general → gener)
 *
 * The paper's rules, not the two "departures" of Porter's later reference implementation (which
 * Lucene's PorterStemmer and the npm package `stemmer` follow): step 2's ABLI → ABLE (there BLI →
 * BLE) and no LOGI → LOG. Over the 7,044 words of Cranfield's abstracts, this stemmer and `stemmer`
 * 2.0.1 disagree on 9, all through those two rules (technology → technologi here, technolog there;
 * possibly → possibli / possibl).
 *
 * Notation of the paper: a consonant is a letter other than a, e, i, o, u, and other than y
 * preceded by a consonant; every word is [C](VC)^m[V], m its *measure*. Within one step only the
 * rule with the longest matching suffix is tried: if its condition fails, the step does nothing.
 */

const isVowelLetter = (c: string) => c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u';

/** Whether w[i] is a consonant in Porter's sense (y after a consonant is a vowel). */
function isConsonant(w: string, i: number): boolean {
  const c = w[i]!;
  if (isVowelLetter(c)) return false;
  if (c === 'y') return i === 0 ? true : !isConsonant(w, i - 1);
  return true;
}

/** m: the number of VC sequences in [C](VC)^m[V]. */
export function porterMeasure(stem: string): number {
  let m = 0;
  let i = 0;
  const n = stem.length;
  while (i < n && isConsonant(stem, i)) i++;
  while (i < n) {
    while (i < n && !isConsonant(stem, i)) i++; // V
    if (i >= n) break;
    while (i < n && isConsonant(stem, i)) i++; // C
    m++;
  }
  return m;
}

/** *v*: the stem contains a vowel. */
const hasVowel = (stem: string) => [...stem].some((_, i) => !isConsonant(stem, i));

/** *d: the stem ends with a double consonant. */
const endsDoubleConsonant = (s: string) =>
  s.length >= 2 && s[s.length - 1] === s[s.length - 2] && isConsonant(s, s.length - 1);

/** *o: the stem ends cvc, where the second c is not w, x or y. */
function endsCvc(s: string): boolean {
  const n = s.length;
  if (n < 3) return false;
  if (!isConsonant(s, n - 3) || isConsonant(s, n - 2) || !isConsonant(s, n - 1)) return false;
  const last = s[n - 1]!;
  return last !== 'w' && last !== 'x' && last !== 'y';
}

type Rule = readonly [suffix: string, replacement: string];

/**
 * Applies the rule with the longest suffix the word ends with, if `condition(stem)` holds for the
 * word without that suffix. Returns the new word, or null when no suffix matched (a matched rule
 * whose condition fails returns the word unchanged).
 */
function applyLongest(word: string, rules: readonly Rule[], condition: (stem: string) => boolean) {
  let best: Rule | undefined;
  for (const rule of rules)
    if (word.endsWith(rule[0]) && (!best || rule[0].length > best[0].length)) best = rule;
  if (!best) return null;
  const stem = word.slice(0, word.length - best[0].length);
  return condition(stem) ? stem + best[1] : word;
}

// biome-ignore format: the paper's table
const STEP2: readonly Rule[] = [
  ['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'],
  ['abli', 'able'], ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'],
  ['ization', 'ize'], ['ation', 'ate'], ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'],
  ['fulness', 'ful'], ['ousness', 'ous'], ['aliti', 'al'], ['iviti', 'ive'], ['biliti', 'ble'],
];

// biome-ignore format: the paper's table
const STEP3: readonly Rule[] = [
  ['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''], ['ness', ''],
];

// biome-ignore format: the paper's table ('ion' has its own condition, below)
const STEP4: readonly Rule[] = [
  ['al', ''], ['ance', ''], ['ence', ''], ['er', ''], ['ic', ''], ['able', ''], ['ible', ''], ['ant', ''],
  ['ement', ''], ['ment', ''], ['ent', ''], ['ion', ''], ['ou', ''], ['ism', ''], ['ate', ''], ['iti', ''],
  ['ous', ''], ['ive', ''], ['ize', ''],
];

function step1ab(w: string): string {
  // Step 1a
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -2);
  else if (w.endsWith('ss')) {
    // SS → SS
  } else if (w.endsWith('s')) w = w.slice(0, -1);
  // Step 1b
  if (w.endsWith('eed')) {
    if (porterMeasure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
    return w;
  }
  let stem: string | undefined;
  if (w.endsWith('ed') && hasVowel(w.slice(0, -2))) stem = w.slice(0, -2);
  else if (w.endsWith('ing') && hasVowel(w.slice(0, -3))) stem = w.slice(0, -3);
  if (stem === undefined) return w;
  if (stem.endsWith('at') || stem.endsWith('bl') || stem.endsWith('iz')) return `${stem}e`;
  if (endsDoubleConsonant(stem) && !/[lsz]$/.test(stem)) return stem.slice(0, -1);
  if (porterMeasure(stem) === 1 && endsCvc(stem)) return `${stem}e`;
  return stem;
}

/** The Porter stem of a lower-case word. */
export function porterStem(word: string): string {
  if (word.length <= 2) return word;
  let w = step1ab(word);
  // Step 1c: (*v*) Y → I
  if (w.endsWith('y') && hasVowel(w.slice(0, -1))) w = `${w.slice(0, -1)}i`;
  // Step 2, step 3: (m > 0)
  w = applyLongest(w, STEP2, (s) => porterMeasure(s) > 0) ?? w;
  w = applyLongest(w, STEP3, (s) => porterMeasure(s) > 0) ?? w;
  // Step 4: (m > 1); ION also needs the stem to end in s or t
  w =
    applyLongest(
      w,
      STEP4,
      (s) => porterMeasure(s) > 1 && (!w.endsWith('ion') || s.endsWith('s') || s.endsWith('t')),
    ) ?? w;
  // Step 5a: (m > 1) E → ; (m = 1 and not *o) E →
  if (w.endsWith('e')) {
    const s = w.slice(0, -1);
    const m = porterMeasure(s);
    if (m > 1 || (m === 1 && !endsCvc(s))) w = s;
  }
  // Step 5b: (m > 1 and *d and *L) → single letter
  if (w.endsWith('ll') && porterMeasure(w) > 1) w = w.slice(0, -1);
  return w;
}
