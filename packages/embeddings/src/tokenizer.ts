/**
 * Word tokenizers, the first step of every representation in the course ("How Did We Represent
 * Words Pre-2013"): text → a list of word tokens.
 *
 * Two tokenizers, one idea each:
 * - `tokenize` — scikit-learn 1.2.1's word analyzer (`CountVectorizer().build_analyzer()`):
 *   lowercase, find every run of two or more word characters (`token_pattern=r"(?u)\b\w\w+\b"`),
 *   drop stop words. The tokenizer of `CountVectorizer` and `TfidfVectorizer`.
 * - `simplePreprocess` — gensim 4.2's `utils.simple_preprocess`: lowercase, optionally strip
 *   accents, keep runs of letters (no digits), keep tokens of 2–15 characters. The tokenizer the
 *   Word2Vec tutorials feed their corpora through.
 *
 *   tokenize("The cat sat on the mat, didn't it?")                 // ['the', 'cat', 'sat', 'on', 'the', 'mat', 'didn', 'it']
 *   tokenize("The cat sat on the mat", { stopWords: 'english' })   // ['cat', 'sat', 'mat']
 *   simplePreprocess('Hello World! 3 cats, 2 dogs_ and _x_files')  // ['hello', 'world', 'cats', 'dogs_', 'and']
 *
 * JavaScript's `\w` and `\b` are ASCII-only, while Python 3's are Unicode-aware; so the patterns
 * below spell out Python's word character as `[\p{L}\p{N}_]` (letters, numbers, underscore —
 * `str.isalnum() or "_"`) and its `\d` as `\p{Nd}`. Combining marks are NOT word characters in
 * Python either, so "e\u0301" (e + combining acute) splits exactly as scikit-learn splits it.
 * Lengths count code points, as Python's `len` does. Unicode versions differ slightly (Python
 * 3.11 knows Unicode 14, Node 24 knows 16), which matters only for characters added since.
 *
 * Both run in linear time (one pass of a regex with no nested quantifiers); texts longer than
 * `MAX_TEXT_LENGTH` (4 Mi UTF-16 units, `@firth/numeric`) are refused at once with a ValidationError.
 * A caller's own `tokenPattern` is run as given: its cost is the pattern's.
 *
 * Deliberately left out: sklearn's character n-gram analyzers and `strip_accents` (use
 * `simplePreprocess({ deacc: true })` or `deaccent`), and gensim's HTML-entity decoding.
 */
import { checkTextLength, ValidationError } from '@firth/numeric';

/**
 * scikit-learn's `ENGLISH_STOP_WORDS` (318 words), copied as data from
 * `sklearn/feature_extraction/_stop_words.py` (scikit-learn 1.2.1), which takes it from the
 * Glasgow Information Retrieval Group's list (http://ir.dcs.gla.ac.uk/resources/linguistic_utils/stop_words).
 * Its quirks are kept on purpose ("amoungst", no "don't"), so results match sklearn.
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  `
  a about above across after afterwards again against all almost alone along already also although
  always am among amongst amoungst amount an and another any anyhow anyone anything anyway anywhere
  are around as at back be became because become becomes becoming been before beforehand behind being
  below beside besides between beyond bill both bottom but by call can cannot cant co con could
  couldnt cry de describe detail do done down due during each eg eight either eleven else elsewhere
  empty enough etc even ever every everyone everything everywhere except few fifteen fifty fill find
  fire first five for former formerly forty found four from front full further get give go had has
  hasnt have he hence her here hereafter hereby herein hereupon hers herself him himself his how
  however hundred i ie if in inc indeed interest into is it its itself keep last latter latterly least
  less ltd made many may me meanwhile might mill mine more moreover most mostly move much must my
  myself name namely neither never nevertheless next nine no nobody none noone nor not nothing now
  nowhere of off often on once one only onto or other others otherwise our ours ourselves out over own
  part per perhaps please put rather re same see seem seemed seeming seems serious several she should
  show side since sincere six sixty so some somehow someone something sometime sometimes somewhere
  still such system take ten than that the their them themselves then thence there thereafter thereby
  therefore therein thereupon these they thick thin third this those though three through throughout
  thru thus to together too top toward towards twelve twenty two un under until up upon us very via
  was we well were what whatever when whence whenever where whereafter whereas whereby wherein
  whereupon wherever whether which while whither who whoever whole whom whose why will with within
  without would yet you your yours yourself yourselves
`
    .trim()
    .split(/\s+/),
);

/** One Python-3 word character: a letter, a number or "_" (`\w` of a Unicode `re` pattern). */
const WORD_CHAR = String.raw`[\p{L}\p{N}_]`;

/**
 * scikit-learn's default `token_pattern`, `(?u)\b\w\w+\b`, in JavaScript: a maximal run of two or
 * more word characters. (`\b\w\w+\b` with a greedy `\w+` matches exactly the maximal runs of length ≥ 2.)
 */
export const DEFAULT_TOKEN_PATTERN = new RegExp(`(?<!${WORD_CHAR})${WORD_CHAR}{2,}(?!${WORD_CHAR})`, 'gu');

/**
 * gensim's `PAT_ALPHABETIC`, `(((?![\d])\w)+)`: a run of word characters that are not decimal
 * digits — letters, underscore, and non-decimal numbers such as "²" or "Ⅻ".
 */
export const GENSIM_ALPHABETIC = /[\p{L}\p{Nl}\p{No}_]+/gu;

export interface TokenizeOptions {
  /** Lowercase before tokenizing (Python's `str.lower`, same as `toLowerCase`). @default true — sklearn's default */
  lowercase?: boolean;
  /**
   * What a token is. With one capture group, the group is the token (sklearn's rule); more than
   * one group is an error. @default DEFAULT_TOKEN_PATTERN — sklearn's `(?u)\b\w\w+\b`
   */
  tokenPattern?: RegExp;
  /** Tokens to drop after lowercasing: 'english' (sklearn's list) or your own. @default none */
  stopWords?: 'english' | readonly string[] | null;
}

/** The stop-word set for an option value, or null when there is none (sklearn's `get_stop_words`). */
export function resolveStopWords(
  stopWords: TokenizeOptions['stopWords'],
  name = 'stopWords',
): ReadonlySet<string> | null {
  if (stopWords === undefined || stopWords === null) return null;
  if (stopWords === 'english') return ENGLISH_STOP_WORDS;
  if (typeof stopWords === 'string')
    throw new ValidationError(
      `${name} must be 'english', an array of words or null, got the string ${JSON.stringify(stopWords)}`,
      name,
    );
  if (!Array.isArray(stopWords))
    throw new ValidationError(
      `${name} must be 'english', an array of words or null, got a value of type ${typeof stopWords}`,
      name,
    );
  stopWords.forEach((w, i) => {
    if (typeof w !== 'string')
      throw new ValidationError(
        `${name}[${i}] must be a string, got a value of type ${typeof w}`,
        `${name}[${i}]`,
      );
  });
  return new Set(stopWords);
}

/**
 * Compiles a token pattern into a global regex and the capture group holding the token (0 = whole
 * match). sklearn: "More than 1 capturing group in token pattern" is an error.
 */
export function compileTokenPattern(
  pattern: RegExp = DEFAULT_TOKEN_PATTERN,
  name = 'tokenPattern',
): { regex: RegExp; group: number } {
  if (!(pattern instanceof RegExp))
    throw new ValidationError(
      `${name} must be a RegExp, got ${typeof pattern === 'string' ? `the string ${JSON.stringify(pattern)}` : `a value of type ${typeof pattern}`}`,
      name,
    );
  // the number of capture groups: the empty alternative always matches, with every group undefined
  const groups = new RegExp(`${pattern.source}|`, pattern.flags.replace(/[gy]/g, '')).exec('')!.length - 1;
  if (groups > 1)
    throw new ValidationError(
      `${name} ${pattern} has ${groups} capturing groups; use at most one (or non-capturing (?:...) groups)`,
      name,
    );
  const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`;
  return { regex: new RegExp(pattern.source, flags), group: groups };
}

/**
 * Every token of `text` under a compiled pattern (Python's `re.findall`). The text is a string of
 * at most `MAX_TEXT_LENGTH` UTF-16 units (`@firth/numeric`), checked before any work.
 */
export function findTokens(text: string, compiled: { regex: RegExp; group: number }): string[] {
  const out: string[] = [];
  for (const m of checkTextLength(text, 'text').matchAll(compiled.regex)) out.push(m[compiled.group] ?? '');
  return out;
}

/**
 * scikit-learn's word analyzer: lowercase → find tokens → drop stop words.
 *
 *   tokenize('Is this the first document?')                          // ['is', 'this', 'the', 'first', 'document']
 *   tokenize('Is this the first document?', { stopWords: 'english' }) // ['document']
 *   tokenize('A B cd', { tokenPattern: /\b\w+\b/g })                  // ['a', 'b', 'cd']
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  checkTextLength(text, 'text');
  const compiled = compileTokenPattern(options.tokenPattern);
  const stop = resolveStopWords(options.stopWords);
  const tokens = findTokens(options.lowercase === false ? text : text.toLowerCase(), compiled);
  return stop ? tokens.filter((t) => !stop.has(t)) : tokens;
}

/**
 * gensim's `deaccent`: decompose (NFD), drop nonspacing marks (category Mn), recompose (NFC).
 *
 *   deaccent('Šéf chomutovských komunistů') // 'Sef chomutovskych komunistu'
 */
export function deaccent(text: string): string {
  return checkTextLength(text, 'text')
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .normalize('NFC');
}

export interface SimplePreprocessOptions {
  /** Strip accents with `deaccent` (after lowercasing). @default false — gensim's default */
  deacc?: boolean;
  /** Shortest token kept, in characters (code points). @default 2 — drops "a", "I" and stray letters */
  minLen?: number;
  /** Longest token kept. @default 15 — drops URLs-turned-words and other run-ons */
  maxLen?: number;
}

/**
 * gensim's `utils.simple_preprocess`: lowercase, optionally `deaccent`, take runs of non-digit
 * word characters, keep those with `minLen ≤ length ≤ maxLen` that do not start with "_".
 *
 *   simplePreprocess('Hundreds of people have been forced to vacate their homes') // ['hundreds', 'of', 'people', 'have', 'been', 'forced', 'to', 'vacate', 'their', 'homes']
 *   simplePreprocess('At about 4:00pm AEDT')                                      // ['at', 'about', 'pm', 'aedt']
 */
export function simplePreprocess(text: string, options: SimplePreprocessOptions = {}): string[] {
  checkTextLength(text, 'text');
  const { deacc = false, minLen = 2, maxLen = 15 } = options;
  for (const [name, v] of [
    ['minLen', minLen],
    ['maxLen', maxLen],
  ] as const) {
    if (typeof v !== 'number' || Number.isNaN(v))
      throw new ValidationError(
        `${name} must be a number, got ${typeof v === 'number' ? v : `a value of type ${typeof v}`}`,
        name,
      );
  }
  let s = text.toLowerCase();
  if (deacc) s = deaccent(s);
  const out: string[] = [];
  for (const m of s.matchAll(GENSIM_ALPHABETIC)) {
    const token = m[0];
    // Python's len counts code points, not UTF-16 units
    let length = 0;
    for (const _ of token) length++;
    if (length >= minLen && length <= maxLen && !token.startsWith('_')) out.push(token);
  }
  return out;
}
