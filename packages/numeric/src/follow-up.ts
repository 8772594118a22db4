/**
 * A follow-up question made standalone from the conversation before it, deterministically and
 * without a model (issue 16, "Conversations"): the offline half of LangChain's "condense question"
 * step, shared by @firth/rag (condenseQuestion, the RAG chain) and Firth's local server (apps/server,
 * whose tool policy fills a tool's argument from the standalone question).
 *
 *   condenseOffline([{ role: 'user', content: 'What is BERT?' }], 'When was it released?')
 *   // 'When was BERT released?'
 *
 * 1. The subject of the conversation is the salient noun phrase of the previous user question (itself
 *    made standalone first, so chains of follow-ups keep their subject), else of the previous answer:
 *    a name or technical term (Word2Vec, GloVe, BERT, Tomas Mikolov: capitals inside or after the
 *    first word, digits beside letters), else the phrase after "about", else a phrase opened by
 *    "the/a/an", else the longest run of content words — trimmed of the verb that do-support
 *    ("what does the perceptron learn?") or a wh-word ("who invented backpropagation?") puts beside it.
 * 2. A pronoun (it, its, they, them, their, he, she, his, her…), a bare demonstrative ("who made
 *    that?", "this one") or a demonstrative with its noun ("this model") is replaced by the subject
 *    ("its" → "Word2Vec's").
 * 3. An ellipsis — "what about X?", "and X?", "and in 1990?" — takes the previous question: a new
 *    subject X replaces the old one ("When was BERT released?" + "What about GPT?" → "When was GPT
 *    released?"); a phrase opened by a preposition replaces the previous one of the same preposition
 *    or is added ("… in 1986?" + "And in 1990?" → "… in 1990?").
 * 4. Anything else — a question that names its own subject, or a first question — is kept as it is.
 *
 * Pure string work, no dependencies (a browser and the server load it as they are). Left out:
 * coreference across several subjects (the most recent wins), pronouns that point into the answer
 * rather than the question beyond the fallback of rule 1.
 */

/** One turn of a conversation as the rewrite reads it. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

const WH = new Set(['what', 'which', 'who', 'whom', 'whose', 'when', 'where', 'why', 'how']);
const AUX = new Set(
  'is are was were be been being am do does did has have had can could will would should shall may might must'.split(
    ' ',
  ),
);
const DO = new Set(['do', 'does', 'did']);
const DETERMINERS = new Set(['the', 'a', 'an']);
const DEMONSTRATIVES = new Set(['this', 'that', 'these', 'those']);
const PRONOUNS = new Set(['it', 'they', 'them', 'he', 'him', 'she']);
const POSSESSIVES = new Set(['its', 'their', 'his', 'her']);
const EXPLETIVE =
  /^it\s+(?:is|was|'s)?\s*(?:\w+\s+)?(?:true|possible|necessary|better|worth|hard|easy|important)\s+(?:that|to)\b/i;
const PREPOSITIONS = new Set(
  'in on at for during before after since by from with without to of under over about'.split(' '),
);
const FUNCTION_WORDS = new Set([
  ...WH,
  ...AUX,
  ...DETERMINERS,
  ...DEMONSTRATIVES,
  ...PRONOUNS,
  ...POSSESSIVES,
  ...PREPOSITIONS,
  ...'and or but not no nor so than then there here also only just very much many more most some any all each every other such own same one ones i me my we us our you your yes tell say said please explain describe give show know'.split(
    ' ',
  ),
]);

interface Token {
  text: string;
  lower: string;
  start: number;
  end: number;
}

function tokens(text: string): Token[] {
  return [...text.matchAll(/[\p{L}\p{N}](?:[\p{L}\p{N}'’-]*[\p{L}\p{N}])?/gu)].map((m) => ({
    text: m[0],
    lower: m[0].toLowerCase(),
    start: m.index,
    end: m.index + m[0].length,
  }));
}

/** Two tokens with only spaces between them (no comma, bracket, full stop). */
const adjacent = (text: string, a: Token, b: Token) => /^[ \t]+$/.test(text.slice(a.end, b.start));

/** A name or technical term: Word2Vec, GloVe, BERT, GPT-2, Mikolov (not the first word). */
function isName(t: Token, first: boolean): boolean {
  if (FUNCTION_WORDS.has(t.lower) && !/^[A-Z0-9-]{2,}$/.test(t.text)) return false;
  if (/\p{L}/u.test(t.text) && /\p{N}/u.test(t.text)) return true;
  if (/^\p{L}.*\p{Lu}/u.test(t.text)) return true; // a capital after the first letter: GloVe, BERT
  return !first && /^\p{Lu}/u.test(t.text);
}

/** The first sentence, without [n] citations. */
function firstSentence(text: string): string {
  const bare = text.replace(/\s*\[\d+(?:\s*,\s*\d+)*\]/g, '');
  return bare.split(/(?<=[.!?])\s+/)[0] ?? bare;
}

/**
 * The salient noun phrase of a question or an answer (rule 1 above), or undefined when it has none.
 *
 *   subjectOf('Who published Word2Vec?')              // 'Word2Vec'
 *   subjectOf('What does the perceptron learn?')      // 'the perceptron'
 *   subjectOf('What does the course say about attention?') // 'attention'
 */
export function subjectOf(text: string): string | undefined {
  const sentence = firstSentence(text);
  const toks = tokens(sentence);
  if (toks.length === 0) return undefined;
  // a name: the first run of names
  for (let i = 0; i < toks.length; i++) {
    if (!isName(toks[i]!, i === 0)) continue;
    let j = i;
    while (j + 1 < toks.length && isName(toks[j + 1]!, false) && adjacent(sentence, toks[j]!, toks[j + 1]!))
      j++;
    return sentence.slice(toks[i]!.start, toks[j]!.end);
  }
  // runs of content words, with the determiner before them
  const runs: { from: number; to: number; det: boolean; about: boolean }[] = [];
  for (let i = 0; i < toks.length; i++) {
    if (FUNCTION_WORDS.has(toks[i]!.lower)) continue;
    let j = i;
    while (
      j + 1 < toks.length &&
      !FUNCTION_WORDS.has(toks[j + 1]!.lower) &&
      adjacent(sentence, toks[j]!, toks[j + 1]!)
    )
      j++;
    const before = toks[i - 1]?.lower;
    runs.push({
      from: i,
      to: j,
      det: before !== undefined && DETERMINERS.has(before),
      about:
        before === 'about' ||
        (before !== undefined && DETERMINERS.has(before) && toks[i - 2]?.lower === 'about'),
    });
    i = j;
  }
  const doSupport = toks.some((t) => DO.has(t.lower));
  for (const run of runs) {
    // "who invented backpropagation": the verb right after a wh-word is not the subject
    if (run.to > run.from && run.from > 0 && WH.has(toks[run.from - 1]!.lower) && !run.det) run.from++;
    // "what does the perceptron learn?", "how is the score computed?": the verb at the end goes
    const last = run.to === toks.length - 1;
    if (run.to > run.from && last && (doSupport || /ed$/.test(toks[run.to]!.lower))) run.to--;
  }
  if (runs.length === 0) return undefined;
  const pick =
    runs.find((r) => r.about) ??
    runs.find((r) => r.det) ??
    runs.reduce((best, r) => (r.to - r.from > best.to - best.from ? r : best));
  const from = pick.det ? toks[pick.from - 1]! : toks[pick.from]!;
  return sentence.slice(from.start, toks[pick.to]!.end);
}

/** Whether `phrase` occurs in `text` as whole words, case-insensitively. */
function mentions(text: string, phrase: string): boolean {
  const bare = phrase.replace(/^(the|a|an)\s+/i, '');
  const escaped = bare.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu').test(text);
}

/** The question with its anaphora replaced by `subject`, or undefined when it has none. */
function resolveAnaphora(question: string, subject: string): string | undefined {
  const toks = tokens(question);
  const edits: { start: number; end: number; text: string }[] = [];
  const possessive = subject.endsWith('s') ? `${subject}'` : `${subject}'s`;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const next = toks[i + 1];
    const atEnd = !next || !adjacent(question, t, next);
    if (PRONOUNS.has(t.lower)) {
      // "is it true that …", "it is possible to …": an expletive "it" points at nothing
      if (t.lower === 'it' && EXPLETIVE.test(question.slice(t.start))) continue;
      edits.push({ start: t.start, end: t.end, text: subject });
    } else if (POSSESSIVES.has(t.lower)) {
      // "her" before a content word is a possessive; alone it is an object pronoun
      const poss = t.lower !== 'her' || (next && !FUNCTION_WORDS.has(next.lower) && !atEnd);
      edits.push({ start: t.start, end: t.end, text: poss ? possessive : subject });
    } else if (DEMONSTRATIVES.has(t.lower)) {
      const prev = toks[i - 1];
      // after a noun, "that" opens a relative clause ("the method that learns …"): not an anaphor
      const relative = prev !== undefined && !FUNCTION_WORDS.has(prev.lower);
      if (atEnd) {
        edits.push({ start: t.start, end: t.end, text: subject }); // "who made that?"
      } else if (next!.lower === 'one' || next!.lower === 'ones') {
        edits.push({ start: t.start, end: next!.end, text: subject }); // "this one"
        i++;
      } else if (relative) {
      } else if (AUX.has(next!.lower)) {
        edits.push({ start: t.start, end: t.end, text: subject }); // "is this used …"
      } else if (prev && AUX.has(prev.lower) && i + 2 === toks.length) {
        edits.push({ start: t.start, end: t.end, text: subject }); // "how does that work?"
      } else if (!FUNCTION_WORDS.has(next!.lower) && prev !== undefined) {
        edits.push({ start: t.start, end: next!.end, text: subject }); // "this model" → the subject
        i++;
      }
    }
  }
  if (edits.length === 0) return undefined;
  let out = question;
  for (const e of edits.reverse()) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** "what about X?", "and X?", "how about X" → X; undefined when the question is not elliptic. */
function ellipsis(question: string): string | undefined {
  const m = /^\s*(?:and\s+)?(?:what|how)\s+about\s+(.+?)\s*[?.!]*\s*$/i.exec(question);
  if (m) return m[1];
  const and = /^\s*and\s+(.+?)\s*[?.!]*\s*$/i.exec(question);
  if (and) return and[1];
  // a bare prepositional phrase: "In 1990?"
  const first = tokens(question)[0];
  if (first && PREPOSITIONS.has(first.lower) && tokens(question).length <= 4 && /\?\s*$/.test(question))
    return question.trim().replace(/[?.!]+$/, '');
  return undefined;
}

/** The previous question with the elliptic part `part` put in. */
function fillEllipsis(previous: string, part: string): string {
  const body = previous.trim().replace(/[?.!]+$/, '');
  const mark = /[?.!]+$/.exec(previous.trim())?.[0] ?? '?';
  const partToks = tokens(part);
  const prep = partToks[0]?.lower;
  if (prep && PREPOSITIONS.has(prep)) {
    // replace "in 1986" (the same preposition and what follows it, up to punctuation or a function word)
    const re = new RegExp(`\\b${prep}\\s+[^,;:?.!]+?(?=\\s*(?:[,;:?.!]|$))`, 'i');
    return re.test(body) ? `${body.replace(re, part)}${mark}` : `${body} ${part}${mark}`;
  }
  const subject = subjectOf(previous);
  if (subject && mentions(body, subject)) {
    const bare = subject.replace(/^(the|a|an)\s+/i, '');
    const escaped = bare.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return `${body.replace(new RegExp(`(?:\\b(?:the|a|an)\\s+)?${escaped}`, 'i'), part)}${mark}`;
  }
  return `${part}: ${body}${mark}`;
}

/**
 * The deterministic rewrite of `question` given the conversation before it (rules 1–4 above); the
 * question as it is when it needs no rewrite or the conversation names no subject.
 */
export function condenseOffline(turns: readonly ChatTurn[], question: string): string {
  // each earlier user question made standalone in its own context: follow-ups of follow-ups keep the subject
  let previousQuestion: string | undefined;
  let previousAnswer: string | undefined;
  for (const turn of turns) {
    if (turn.role === 'assistant') previousAnswer = turn.content;
    else {
      previousQuestion = rewrite(turn.content, previousQuestion, previousAnswer);
      previousAnswer = undefined;
    }
  }
  return rewrite(question, previousQuestion, previousAnswer);
}

function rewrite(question: string, previousQuestion?: string, previousAnswer?: string): string {
  if (previousQuestion === undefined && previousAnswer === undefined) return question;
  const part = ellipsis(question);
  if (part !== undefined && previousQuestion !== undefined) return fillEllipsis(previousQuestion, part);
  const subject =
    (previousQuestion && subjectOf(previousQuestion)) || (previousAnswer && subjectOf(previousAnswer));
  if (!subject || mentions(question, subject)) return question;
  return resolveAnaphora(question, subject) ?? question;
}
