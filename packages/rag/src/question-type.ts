/**
 * What kind of answer a question asks for (issue 16, "offline answers that hold on unseen
 * documents"): a year or date for "when", a number for "how many / how much", a name for "who", a
 * named thing (or a number, a version, a `code` term) for "which", a reason for "why", a definition
 * for "what is X", yes or no for "Is …?" — and the tests that tell whether a sentence holds one.
 * The extractive answerer (extractive.ts) adds a bonus to sentences that hold the kind of answer
 * asked for, so that "When was X founded?" picks the sentence with the year over one that only
 * repeats the question's words.
 *
 *   questionType('By how much did profit sink?')   // 'how-many'
 *   questionType('In which tunnel were they run?') // 'which'
 *   holdsAnswerType('It was founded in 1998.', 'when', 'When was it founded?') // true
 *
 * The question word is looked for among the first four words, so "Under which license …",
 * "In how many ways …" and "Whose bid …" are typed by it. Left out: a type for "where" beyond
 * place-like names (a capitalised word), and any learned model — there is no extractive-QA
 * checkpoint offline (/work/shared/models: "extractive QA: not found").
 */

/** The answer types: what a question asks for. */
export const ANSWER_TYPES = [
  'who',
  'when',
  'where',
  'which',
  'how-many',
  'why',
  'how',
  'what',
  'yes-no',
  'other',
] as const;
export type AnswerType = (typeof ANSWER_TYPES)[number];

const YES_NO = /^(?:is|are|was|were|does|do|did|can|could|will|would|should|has|have|had|must|may)\b/i;

/**
 * The type of answer `question` asks for.
 *
 *   questionType('Who built LangGraph?')          // 'who'
 *   questionType('What year was BERT released?')  // 'when'
 *   questionType('Does BM25 use idf?')            // 'yes-no'
 */
export function questionType(question: string): AnswerType {
  const q = question.trim().toLowerCase().replace(/\s+/g, ' ');
  const head = q.split(' ').slice(0, 4).join(' ');
  if (/\bhow (?:many|much)\b/.test(q)) return 'how-many';
  if (/\b(?:what|which) (?:year|date|month|day|time|decade|century)\b/.test(q)) return 'when';
  if (/\b(?:when)\b/.test(head)) return 'when';
  if (/\b(?:who|whom|whose)\b/.test(head) || /\bby whom\b/.test(q)) return 'who';
  if (/\bwhere\b/.test(head)) return 'where';
  if (/\bwhy\b/.test(head) || /\bfor what reason\b/.test(q)) return 'why';
  if (/\bwhich\b/.test(head)) return 'which';
  if (/^how\b/.test(q)) return 'how';
  if (/\bwhat\b/.test(head)) return 'what';
  if (YES_NO.test(q)) return 'yes-no';
  return 'other';
}

/**
 * Whether the question asks for code, a command, a flag or a setting: then code lines and
 * `code`-only list items may answer it (otherwise they never do).
 *
 *   asksForCode('Which command installs the package?') // true
 */
export function asksForCode(question: string): boolean {
  return /\b(?:code|commands?|flags?|options?|environment variables?|env vars?|install(?:ed|s)?|import(?:ed|s)?|snippet|syntax|config(?:uration)?|tsconfig|cli|script)\b/i.test(
    question,
  );
}

const MONTH =
  /\b(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b\.?/i;
const YEAR = /\b(?:1[5-9]\d\d|20\d\d)s?\b/;
const DAY =
  /\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|tomorrow|last (?:night|week|month|year))\b/i;
const NUMBER =
  /(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|dozen|dozens|single|double|twice|half)\b)/i;
const REASON =
  /\b(?:because|since|due to|owing to|so that|in order to|as a result|therefore|thus|hence|the reason|caused by|leads? to|for (?:refusing|failing|being|having|\w+ing)\b)/i;
/** Nouns after "which"/"what" whose answer is a number or a version: "Which versions …", "At which mach number …". */
const NUMERIC_FOCUS =
  /\b(?:which|what)\s+(?:\S+\s+)?(?:versions?|numbers?|ports?|sizes?|rates?|speeds?|percentages?|temperatures?|ratios?|values?|ages?|amounts?|prices?|costs?|releases?)\b/i;

/**
 * Whether a "which"/"what" question asks for a number or a version by its noun ("Which Node.js
 * versions …", "At which mach number …"): then only a number the question does not hold answers.
 */
export function asksForNumber(question: string): boolean {
  return NUMERIC_FOCUS.test(question);
}

const MEANING_QUESTION = /\bwhat (?:does|do|did) .+ (?:mean|stand for)\b/i;
const MEANING = /\b(?:means?|meant|stands? for|short for|refers? to|derived from|abbreviation)\b/i;

/**
 * Whether the question asks what a name or term means ("What does the name n8n mean?", "What does
 * SSRF stand for?"), and whether a sentence says what something means.
 */
export function asksForMeaning(question: string): boolean {
  return MEANING_QUESTION.test(question);
}
export function saysMeaning(sentence: string): boolean {
  return MEANING.test(sentence);
}

const URL_FOCUS = /\b(?:which|what)\s+(?:\S+\s+)?(?:url|urls|address|endpoint|link|website|site|host)\b/i;
const URL = /\bhttps?:\/\/|\blocalhost\b|\b[\w-]+\.(?:com|org|io|dev|net)\b/i;

/** Whether a "which"/"what" question asks for a URL or an address ("Which URL …"). */
export function asksForUrl(question: string): boolean {
  return URL_FOCUS.test(question);
}

/**
 * The names a question is about: its capitalised words but the first ("Hunan" in "How many
 * people have died in the Hunan flood crisis?"), lower-cased.
 */
export function questionNames(question: string): string[] {
  const tokens = question.split(/\s+/).slice(1);
  return [
    ...new Set(
      tokens
        .map((t) => t.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
        .filter((t) => /^\p{Lu}/u.test(t))
        .map((t) => t.toLowerCase()),
    ),
  ];
}

const CONDITION = /\b(?:when|whenever|once|until|only if|as soon as)\b/i;
const METHOD = /\b(?:by|using|through|via|with|as)\b/i;
const DEFINITION = /^(.{1,160}?)\s(?:is|are|was|were|means|refers to|stands for)\s/i;

/** Words of `text`, lower-cased, letters and digits. */
const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * Capitalised words (or digit-bearing names) in `sentence` that the question does not already
 * name, its first word aside: the names a "who" or "which" answer would hold.
 */
export function newNames(sentence: string, question: string): string[] {
  const asked = new Set(words(question));
  const tokens = sentence.split(/\s+/);
  const out: string[] = [];
  for (const [i, raw] of tokens.entries()) {
    const t = raw.replace(/^[^\p{L}\p{N}`]+|[^\p{L}\p{N}`]+$/gu, '');
    if (t === '' || i === 0) continue;
    if (!/^(?:\p{Lu}[\p{L}\p{N}'-]*|`[^`]+`)$/u.test(t)) continue;
    if (words(t).every((w) => asked.has(w))) continue;
    out.push(t);
  }
  return out;
}

/** Numbers in `text` the question does not already hold. */
function newNumbers(text: string, question: string): boolean {
  const asked = new Set(words(question));
  return words(text).some((w) => NUMBER.test(w) && !asked.has(w));
}

/**
 * Whether `sentence` holds the kind of answer `type` asks for: a date for "when", a number the
 * question does not hold for "how-many", a new name for "who" (or, in lower-case text, "by X"), a
 * new name, number or code term for "which", a reason for "why", a means for "how", a copula
 * ("X is …") for "what". "yes-no" and "other" ask for nothing in particular: false.
 */
export function holdsAnswerType(sentence: string, type: AnswerType, question: string): boolean {
  switch (type) {
    case 'when':
      // a date, or a condition ("… only when aircraft and model are identical")
      return YEAR.test(sentence) || MONTH.test(sentence) || DAY.test(sentence) || CONDITION.test(sentence);
    case 'how-many':
      return newNumbers(sentence, question);
    case 'who':
      return (
        newNames(sentence, question).length > 0 || /\b(?:by|of)\s+(?:[a-z]\.\s*)*[a-z]{3,}\b/.test(sentence)
      );
    case 'where':
      return newNames(sentence, question).length > 0 || /\b(?:in|at|near|from)\s+\p{Lu}/u.test(sentence);
    case 'which':
      if (asksForUrl(question)) return URL.test(sentence);
      if (asksForNumber(question)) return newNumbers(sentence, question);
      return (
        newNames(sentence, question).length > 0 || newNumbers(sentence, question) || /`[^`]+`/.test(sentence)
      );
    case 'why':
      return REASON.test(sentence);
    case 'how':
      return METHOD.test(sentence);
    case 'what':
      return DEFINITION.test(sentence);
    default:
      return false;
  }
}
