/**
 * The translation default: a word-and-phrase translator between English and French — a hand-written
 * bilingual lexicon and phrase table (translation-lexicon.ts) and a few rules of French grammar. It
 * is a gloss, NOT a neural translator: a useful translator is tens of millions of parameters trained
 * on millions of sentence pairs, which this machine can neither hold offline nor train.
 *
 *   en → fr: phrases matched longest first; noun phrases det + adjectives + noun rebuilt in French
 *   order (most adjectives after the noun, a listed few — bon, grand, petit, beau… — before it), with
 *   gender and number agreement of the determiner and adjectives, and of a predicate adjective with
 *   its subject; verbs conjugated for their subject (present; be/have in the past → imperfect,
 *   other pasts → passé composé; "be V-ing" → present, "have been V-ing" → passé composé, "will V"
 *   → aller + V, "do not V" → ne V pas); it / this is → c'est; then French spelling: elision (j', l',
 *   c', n', d', qu'), à le → au, de le → du, ce → cet, ma → mon, beau → bel before a vowel.
 *   fr → en: the same tables read backwards (every French form generated from the lexicon).
 * Unknown words pass through unchanged and are listed in `unknown_words`; capitalised words inside
 * a sentence are taken for names and passed through unflagged.
 *
 * Left out: word sense (one translation a word), tenses beyond these, object pronouns before the
 * verb, partitive articles, subjunctive, anything a lexicon cannot see.
 */
import { ValidationError } from '@firth/numeric';
import { LEXICON } from './translation-lexicon.js';

type Gender = 'm' | 'f';
interface Noun {
  en: string;
  enPl: string;
  fr: string;
  frPl: string;
  g: Gender;
}
interface Adjective {
  en: string;
  m: string;
  f: string;
  mpl: string;
  fpl: string;
  pre: boolean;
  /** Masculine singular before a vowel (bel, nouvel, vieil). */
  v?: string;
}
interface Verb {
  en: string;
  inf: string;
  /** Present: je, tu, il, nous, vous, ils. */
  pres: string[];
  imp: string[];
  pp: string;
  /** English: base, 3rd singular, past, participle, -ing. */
  s3: string;
  past: string;
  enPp: string;
  ing: string;
  drop?: string;
}
type EnForm = 'base' | 's3' | 'past' | 'pp' | 'ing';

const field = (parts: string[], key: string) =>
  parts
    .find((p) => p.startsWith(`${key}=`))
    ?.slice(key.length + 1)
    .replace(/_/g, ' ');
const sp = (s: string) => s.replace(/_/g, ' ');

function frPlural(w: string): string {
  if (/[sxz]$/.test(w)) return w;
  if (/(eau|eu)$/.test(w)) return `${w}x`;
  if (/al$/.test(w)) return `${w.slice(0, -2)}aux`;
  return `${w}s`;
}
function enPlural(w: string): string {
  if (/(s|sh|ch|x|z)$/.test(w)) return `${w}es`;
  if (/[^aeiou]y$/.test(w)) return `${w.slice(0, -1)}ies`;
  return `${w}s`;
}
function enS3(w: string): string {
  if (w === 'be') return 'is';
  if (w === 'have') return 'has';
  if (/(s|sh|ch|x|z|o)$/.test(w)) return `${w}es`;
  if (/[^aeiou]y$/.test(w)) return `${w.slice(0, -1)}ies`;
  return `${w}s`;
}
function enPast(w: string): string {
  if (w.endsWith('e')) return `${w}d`;
  if (/[^aeiou]y$/.test(w)) return `${w.slice(0, -1)}ied`;
  return `${w}ed`;
}
const enIng = (w: string) => (/[^e]e$/.test(w) ? `${w.slice(0, -1)}ing` : `${w}ing`);

/** The present tense of a regular verb: -er (parler), -ir (finir), -re (attendre). */
function present(inf: string): string[] {
  const stem = inf.slice(0, -2);
  if (inf.endsWith('er')) {
    const nous = /g$/.test(stem) ? `${stem}eons` : `${stem}ons`;
    return [`${stem}e`, `${stem}es`, `${stem}e`, nous, `${stem}ez`, `${stem}ent`];
  }
  if (inf.endsWith('ir'))
    return [`${stem}is`, `${stem}is`, `${stem}it`, `${stem}issons`, `${stem}issez`, `${stem}issent`];
  return [`${stem}s`, `${stem}s`, stem, `${stem}ons`, `${stem}ez`, `${stem}ent`];
}
const participle = (inf: string) =>
  inf.endsWith('er')
    ? `${inf.slice(0, -2)}é`
    : inf.endsWith('ir')
      ? `${inf.slice(0, -2)}i`
      : `${inf.slice(0, -2)}u`;

/** The parsed lexicon, both ways. */
export class Lexicon {
  readonly nouns = new Map<string, { noun: Noun; plural: boolean }>();
  readonly adjectives = new Map<string, Adjective>();
  readonly verbs = new Map<string, { verb: Verb; form: EnForm }>();
  readonly words = new Map<string, string>();
  /** English phrase (space-joined) → French. */
  readonly phrases = new Map<string, string>();
  readonly maxPhrase: number;
  // French → English
  readonly frNouns = new Map<string, { noun: Noun; plural: boolean }>();
  readonly frAdjectives = new Map<string, Adjective>();
  readonly frVerbs = new Map<string, { verb: Verb; tense: 'pres' | 'imp' | 'pp' | 'inf'; person: number }>();
  readonly frWords = new Map<string, string>();
  readonly frPhrases = new Map<string, string>();
  readonly maxFrPhrase: number;
  /** Every English noun, adjective and verb form the lexicon knows (for the vocabulary test). */
  readonly contentWords: string[] = [];

  constructor(source: string = LEXICON) {
    for (const raw of source.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const [kind, en, ...rest] = line.split(/\s+/);
      if (kind === 'p') {
        const [e, f] = line.slice(2).split(' = ');
        this.phrases.set(e!.trim(), sp(f!.trim()));
        if (!this.frPhrases.has(sp(f!.trim()))) this.frPhrases.set(sp(f!.trim()), e!.trim());
        continue;
      }
      const fr = sp(rest[0]!);
      if (kind === 'w') {
        this.words.set(en!, fr);
        if (!this.frWords.has(fr)) this.frWords.set(fr, en!);
      } else if (kind === 'n') {
        const noun: Noun = {
          en: en!,
          enPl: field(rest, 'enpl') ?? enPlural(en!),
          fr,
          frPl: field(rest, 'pl') ?? frPlural(fr),
          g: rest[1] as Gender,
        };
        this.contentWords.push(en!);
        if (!this.nouns.has(en!)) this.nouns.set(en!, { noun, plural: false });
        if (!this.nouns.has(noun.enPl)) this.nouns.set(noun.enPl, { noun, plural: true });
        if (!this.frNouns.has(fr)) this.frNouns.set(fr, { noun, plural: false });
        if (!this.frNouns.has(noun.frPl)) this.frNouns.set(noun.frPl, { noun, plural: true });
      } else if (kind === 'a') {
        const f = field(rest, 'f') ?? (fr.endsWith('e') ? fr : `${fr}e`);
        const adj: Adjective = {
          en: en!,
          m: fr,
          f,
          mpl: field(rest, 'mpl') ?? frPlural(fr),
          fpl: field(rest, 'fpl') ?? `${f}s`,
          pre: rest.includes('pre'),
          v: field(rest, 'v'),
        };
        this.contentWords.push(en!);
        if (!this.adjectives.has(en!)) this.adjectives.set(en!, adj);
        for (const form of [adj.m, adj.f, adj.mpl, adj.fpl, adj.v])
          if (form && !this.frAdjectives.has(form)) this.frAdjectives.set(form, adj);
      } else if (kind === 'v') {
        const pres = field(rest, 'pres')?.split(',') ?? present(fr);
        const impStem = field(rest, 'imp') ?? pres[3]!.replace(/ons$/, '');
        const past = field(rest, 'past') ?? enPast(en!);
        const verb: Verb = {
          en: en!,
          inf: fr,
          pres,
          imp: ['ais', 'ais', 'ait', 'ions', 'iez', 'aient'].map((e) => impStem + e),
          pp: field(rest, 'pp') ?? participle(fr),
          s3: enS3(en!),
          past,
          enPp: field(rest, 'en_pp') ?? past,
          ing: field(rest, 'ing') ?? enIng(en!),
          drop: field(rest, 'drop'),
        };
        this.contentWords.push(en!);
        const forms: [string, EnForm][] = [
          [en!, 'base'],
          [verb.s3, 's3'],
          [verb.past, 'past'],
          [verb.enPp, 'pp'],
          [verb.ing, 'ing'],
        ];
        for (const [form, kindOf] of forms)
          if (!this.verbs.has(form)) this.verbs.set(form, { verb, form: kindOf });
        const add = (f: string, tense: 'pres' | 'imp' | 'pp' | 'inf', person: number) => {
          if (!this.frVerbs.has(f)) this.frVerbs.set(f, { verb, tense, person });
        };
        for (let p = 0; p < 6; p++) {
          add(pres[p]!, 'pres', p);
          add(verb.imp[p]!, 'imp', p);
        }
        add(verb.pp, 'pp', 2);
        add(fr, 'inf', 2);
      } else throw new ValidationError(`translation lexicon: bad line "${line}"`, 'lexicon');
    }
    // be's English forms by person
    for (const [form] of [['am'], ['are'], ['were']])
      this.verbs.set(form!, { verb: this.verbs.get('be')!.verb, form: form === 'were' ? 'past' : 'base' });
    const words = (m: Map<string, string>) => Math.max(...[...m.keys()].map((k) => k.split(' ').length));
    this.maxPhrase = words(this.phrases);
    this.maxFrPhrase = words(this.frPhrases);
  }
}

/** The result of one translation. */
export interface LexiconTranslation {
  translation_text: string;
  method: 'lexicon';
  /** Words the lexicon does not know, passed through untranslated. */
  unknown_words: string[];
}

/** Subject: person 0–5 (je … ils), gender. */
interface Subject {
  person: number;
  g: Gender;
}
const PRONOUNS_EN: Record<string, [string, number, Gender]> = {
  i: ['je', 0, 'm'],
  you: ['vous', 4, 'm'],
  he: ['il', 2, 'm'],
  she: ['elle', 2, 'f'],
  it: ['il', 2, 'm'],
  we: ['nous', 3, 'm'],
  they: ['ils', 5, 'm'],
};
/** Determiners: [masculine, feminine, plural]. */
const DETERMINERS_EN: Record<string, [string, string, string]> = {
  the: ['le', 'la', 'les'],
  a: ['un', 'une', 'des'],
  an: ['un', 'une', 'des'],
  this: ['ce', 'cette', 'ces'],
  that: ['ce', 'cette', 'ces'],
  these: ['ces', 'ces', 'ces'],
  those: ['ces', 'ces', 'ces'],
  my: ['mon', 'ma', 'mes'],
  your: ['votre', 'votre', 'vos'],
  his: ['son', 'sa', 'ses'],
  her: ['son', 'sa', 'ses'],
  its: ['son', 'sa', 'ses'],
  our: ['notre', 'notre', 'nos'],
  their: ['leur', 'leur', 'leurs'],
  every: ['chaque', 'chaque', 'chaque'],
  each: ['chaque', 'chaque', 'chaque'],
  some: ['du', 'de la', 'des'],
  no: ['aucun', 'aucune', 'aucuns'],
};
const CONTRACTIONS: [RegExp, string][] = [
  [/\b(i)'m\b/gi, '$1 am'],
  [/\b(can)'t\b/gi, '$1 not'],
  [/\bwon't\b/gi, 'will not'],
  [/n't\b/gi, ' not'],
  [/'ve\b/gi, ' have'],
  [/'re\b/gi, ' are'],
  [/'ll\b/gi, ' will'],
  [/\b(it|that|what|there|he|she)'s\b/gi, '$1 is'],
];

const isVowel = (w: string) => /^[aeiouyéèêàâîïôûh]/i.test(w);
const tokenize = (s: string) => s.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*|[^\s\p{L}\p{N}]/gu) ?? [];

/** French spelling after the words are chosen: contractions, elision, forms before a vowel. */
function frenchSpelling(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1] ?? '';
    const lw = w.toLowerCase();
    if (lw === 'à' && next === 'le') {
      out.push('au');
      i++;
    } else if (lw === 'à' && next === 'les') {
      out.push('aux');
      i++;
    } else if (lw === 'de' && next === 'le') {
      out.push('du');
      i++;
    } else if (lw === 'de' && next === 'les') {
      out.push('des');
      i++;
    } else out.push(w);
  }
  const elided: string[] = [];
  for (let i = 0; i < out.length; i++) {
    const w = out[i]!;
    const next = out[i + 1] ?? '';
    const vowelNext = isVowel(next);
    if (
      vowelNext &&
      ['je', 'me', 'te', 'se', 'le', 'la', 'ne', 'de', 'que', 'ce'].includes(w.toLowerCase()) &&
      !(w === 'ce' && !/^(est|était)$/.test(next))
    ) {
      out[i + 1] = `${w.slice(0, -1)}'${next}`;
      continue;
    }
    if (vowelNext && w === 'ce') elided.push('cet');
    else if (vowelNext && w === 'ma') elided.push('mon');
    else elided.push(w);
  }
  return elided;
}

function detokenize(words: string[], french: boolean): string {
  let s = '';
  for (const w of words) {
    if (/^[.,)]$/.test(w) || (!french && /^[!?;:]$/.test(w))) s += w;
    else s += s === '' ? w : ` ${w}`;
  }
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** English → French. */
export function translateEnFr(lex: Lexicon, text: string): LexiconTranslation {
  let expanded = text.replace(/’/g, "'");
  for (const [re, to] of CONTRACTIONS) expanded = expanded.replace(re, to);
  const raw = tokenize(expanded);
  const toks = raw.map((t) => t.toLowerCase());
  const out: string[] = [];
  const unknown: string[] = [];
  let subject: Subject = { person: 2, g: 'm' };
  let verbSeen = false;
  let negate = false;
  let infinitive = false; // the next verb is an infinitive (after to, a modal or a conjugated verb)
  let tenseNext: 'pres' | 'imp' | 'pc' | null = null; // set by be / have / will auxiliaries
  let predicate = false; // after a form of be: adjectives agree with the subject
  const emitVerb = (v: Verb, tense: 'pres' | 'imp' | 'pc' | 'inf') => {
    const p = subject.person;
    const words =
      tense === 'inf'
        ? [v.inf]
        : tense === 'pres'
          ? [v.pres[p]!]
          : tense === 'imp'
            ? [v.imp[p]!]
            : [lex.verbs.get('have')!.verb.pres[p]!, v.pp];
    if (negate && tense !== 'inf') {
      out.push('ne', words[0]!, 'pas', ...words.slice(1));
      negate = false;
    } else out.push(...words);
    verbSeen = true;
    if (v.drop && toks[i + 1] === v.drop) i++;
  };
  let i = 0;
  for (; i < toks.length; i++) {
    const t = toks[i]!;
    // phrases, longest first
    let matched = false;
    for (let n = Math.min(lex.maxPhrase, toks.length - i); n >= 2 || (n === 1 && lex.phrases.has(t)); n--) {
      const key = toks.slice(i, i + n).join(' ');
      const fr = lex.phrases.get(key);
      if (fr !== undefined) {
        out.push(...fr.split(' '));
        i += n - 1;
        matched = true;
        if (key.includes(' is ')) verbSeen = true;
        break;
      }
      if (n === 1) break;
    }
    if (matched) continue;
    if (/^[^\p{L}\p{N}]$/u.test(t)) {
      out.push(t);
      if (/[.!?;]/.test(t)) verbSeen = false;
      continue;
    }
    if (/^\p{N}+$/u.test(t)) {
      out.push(t);
      continue;
    }
    const next = toks[i + 1];
    // it / this / that is → c'est
    if ((t === 'it' || t === 'this' || t === 'that') && (next === 'is' || next === 'was') && !verbSeen) {
      out.push('ce', next === 'is' ? 'est' : 'était');
      i++;
      if (toks[i + 1] === 'not') {
        out.splice(out.length - 1, 0, 'ne');
        out.push('pas');
        i++;
      }
      subject = { person: 2, g: 'm' };
      verbSeen = true;
      predicate = true;
      continue;
    }
    if (t in PRONOUNS_EN && !(t === 'it' && verbSeen) && !(t === 'you' && verbSeen)) {
      const [fr, person, g] = PRONOUNS_EN[t]!;
      out.push(fr);
      subject = { person, g };
      verbSeen = false;
      predicate = false;
      continue;
    }
    // a noun phrase: determiner, adjectives (with very / too), nouns
    const np = nounPhrase(lex, toks, i);
    if (np) {
      const { det, adjs, noun, plural, end } = np;
      const g = noun.noun.g;
      const form = (a: Adjective) => (plural ? (g === 'f' ? a.fpl : a.mpl) : g === 'f' ? a.f : a.m);
      const words: string[] = [];
      if (det) {
        const d = DETERMINERS_EN[det]!;
        words.push(plural ? d[2] : g === 'f' ? d[1] : d[0]);
      }
      const nounWord = plural ? noun.noun.frPl : noun.noun.fr;
      const pre = adjs.filter((a) => a.adj.pre);
      const post = adjs.filter((a) => !a.adj.pre);
      pre.forEach((a, k) => {
        const following = k + 1 < pre.length ? pre[k + 1]!.adj.m : nounWord;
        let f = form(a.adj);
        if (!plural && g === 'm' && a.adj.v && isVowel(following)) f = a.adj.v;
        words.push(...a.adverbs, f);
      });
      words.push(nounWord);
      for (const a of post) words.push(...a.adverbs, form(a.adj));
      // after a preposition "in" before a name: à; "to" + noun phrase: à
      out.push(...words);
      if (!verbSeen) {
        subject = { person: plural ? 5 : 2, g };
        predicate = false;
      }
      i = end - 1;
      infinitive = false;
      continue;
    }
    const asVerb = lex.verbs.get(t);
    const isVerbHere =
      asVerb !== undefined &&
      (!lex.words.has(t) || !verbSeen) &&
      !(t === 'like' && verbSeen) &&
      !(lex.nouns.has(t) && i > 0 && (toks[i - 1]! in DETERMINERS_EN || lex.adjectives.has(toks[i - 1]!)));
    if (asVerb && isVerbHere) {
      const { verb, form } = asVerb;
      if (verb.en === 'do' && next === 'not') {
        negate = true;
        infinitive = false;
        i++;
        continue;
      }
      if (verb.en === 'be' && t !== 'been') {
        const after = toks[i + 1] === 'not' ? toks[i + 2] : toks[i + 1];
        const ing = after !== undefined && lex.verbs.get(after)?.form === 'ing';
        if (toks[i + 1] === 'not') {
          negate = true;
          i++;
        }
        if (ing) {
          tenseNext = form === 'past' ? 'imp' : 'pres';
          continue;
        }
        emitVerb(verb, form === 'past' ? 'imp' : 'pres');
        predicate = true;
        continue;
      }
      if (
        verb.en === 'have' &&
        (next === 'been' ||
          (next && lex.verbs.get(next)?.form === 'pp' && lex.verbs.get(next)!.verb.en !== 'have'))
      ) {
        if (next === 'been' && toks[i + 2] && lex.verbs.get(toks[i + 2]!)?.form === 'ing') {
          tenseNext = 'pc';
          i++;
          continue;
        }
        if (next !== 'been') {
          tenseNext = 'pc';
          continue;
        }
      }
      if (infinitive) {
        emitVerb(verb, 'inf');
        infinitive = false;
        continue;
      }
      const tense =
        tenseNext ?? (form === 'past' ? (verb.en === 'be' || verb.en === 'have' ? 'imp' : 'pc') : 'pres');
      tenseNext = null;
      emitVerb(verb, tense);
      predicate = verb.en === 'be';
      // a verb that takes an infinitive: can V, want to V
      infinitive =
        verb.en === 'can' ||
        (toks[i + 1] === 'to' && toks[i + 2] !== undefined && lex.verbs.get(toks[i + 2]!)?.form === 'base');
      if (toks[i + 1] === 'to' && infinitive) i++;
      continue;
    }
    if (t === 'will' && next && lex.verbs.has(next)) {
      out.push(lex.verbs.get('go')!.verb.pres[subject.person]!);
      infinitive = true;
      continue;
    }
    if (t === 'to') {
      if (next && lex.verbs.get(next)?.form === 'base') infinitive = true;
      else out.push('à');
      continue;
    }
    if (t === 'in' && /^\p{Lu}/u.test(raw[i + 1] ?? '')) {
      out.push('à');
      continue;
    }
    const adj = lex.adjectives.get(t);
    if (adj) {
      const plural = subject.person >= 3;
      out.push(
        predicate || verbSeen
          ? plural
            ? subject.g === 'f'
              ? adj.fpl
              : adj.mpl
            : subject.g === 'f'
              ? adj.f
              : adj.m
          : adj.m,
      );
      continue;
    }
    if ((t === 'this' || t === 'that') && verbSeen) {
      out.push('ça');
      continue;
    }
    const word = lex.words.get(t);
    if (word !== undefined) {
      out.push(...word.split(' '));
      if (['and', 'but', 'because', 'that', 'if', 'when'].includes(t)) {
        const n2 = toks[i + 1] ?? '';
        if (n2 in PRONOUNS_EN || n2 in DETERMINERS_EN) verbSeen = false;
      }
      continue;
    }
    // unknown: a capitalised word inside the sentence is a name
    const original = raw[i]!;
    out.push(original);
    if (!(i > 0 && /^\p{Lu}/u.test(original))) unknown.push(original);
  }
  return {
    translation_text: detokenize(frenchSpelling(out), true),
    method: 'lexicon',
    unknown_words: unknown,
  };
}

function nounPhrase(lex: Lexicon, toks: string[], start: number) {
  let i = start;
  let det: string | undefined;
  if (
    toks[i]! in DETERMINERS_EN &&
    !(toks[i] === 'that' && !lex.nouns.has(toks[i + 1] ?? '') && !lex.adjectives.has(toks[i + 1] ?? ''))
  )
    det = toks[i++];
  const adjs: { adj: Adjective; adverbs: string[] }[] = [];
  for (;;) {
    const adverbs: string[] = [];
    let j = i;
    while (toks[j] === 'very' || toks[j] === 'too') adverbs.push(lex.words.get(toks[j++]!)!);
    const a = lex.adjectives.get(toks[j] ?? '');
    if (
      !a ||
      !(lex.nouns.has(toks[j + 1] ?? '') || lex.adjectives.has(toks[j + 1] ?? '') || toks[j + 1] === 'very')
    )
      break;
    adjs.push({ adj: a, adverbs });
    i = j + 1;
  }
  const noun = lex.nouns.get(toks[i] ?? '');
  // a word that is also a verb is a noun only after a determiner or an adjective
  if (!noun || (lex.verbs.has(toks[i]!) && !det && adjs.length === 0)) return undefined;
  if (!det && adjs.length === 0 && lex.words.has(toks[i]!)) return undefined;
  return { det, adjs, noun, plural: noun.plural, end: i + 1 };
}

const PRONOUNS_FR: Record<string, [string, number]> = {
  je: ['I', 0],
  tu: ['you', 1],
  il: ['he', 2],
  elle: ['she', 2],
  on: ['we', 3],
  nous: ['we', 3],
  vous: ['you', 4],
  ils: ['they', 5],
  elles: ['they', 5],
};
const DETERMINERS_FR: Record<string, string> = {
  le: 'the',
  la: 'the',
  les: 'the',
  un: 'a',
  une: 'a',
  des: 'some',
  du: 'some',
  ce: 'this',
  cet: 'this',
  cette: 'this',
  ces: 'these',
  mon: 'my',
  ma: 'my',
  mes: 'my',
  ton: 'your',
  ta: 'your',
  tes: 'your',
  votre: 'your',
  vos: 'your',
  son: 'his',
  sa: 'his',
  ses: 'his',
  notre: 'our',
  nos: 'our',
  leur: 'their',
  leurs: 'their',
  chaque: 'every',
};
const ELISION: Record<string, string> = {
  "c'": 'ce',
  "j'": 'je',
  "l'": 'le',
  "d'": 'de',
  "n'": 'ne',
  "qu'": 'que',
  "s'": 'se',
  "m'": 'me',
  "t'": 'te',
};
const BE_EN = [
  ['am', 'are', 'is', 'are', 'are', 'are'],
  ['was', 'were', 'was', 'were', 'were', 'were'],
];

/** French → English: the lexicon read backwards. */
export function translateFrEn(lex: Lexicon, text: string): LexiconTranslation {
  const toks: string[] = [];
  const raw: string[] = [];
  for (const t of tokenize(text.replace(/’/g, "'"))) {
    const m = /^([cjldnsmt]|qu)'(.+)$/i.exec(t);
    const parts = m ? [`${m[1]!.toLowerCase()}'`, m[2]!] : [t];
    for (const p of parts) {
      raw.push(p);
      const l = p.toLowerCase();
      if (l === 'au') toks.push('à', 'le');
      else if (l === 'aux') toks.push('à', 'les');
      else toks.push(ELISION[l] ?? l);
      if (l === 'au' || l === 'aux') raw.push(p);
    }
  }
  const out: string[] = [];
  const unknown: string[] = [];
  let person = 2;
  let negate = false;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    let matched = false;
    for (let n = Math.min(lex.maxFrPhrase, toks.length - i); n >= 1; n--) {
      const en = lex.frPhrases.get(toks.slice(i, i + n).join(' '));
      if (en !== undefined) {
        out.push(...en.split(' '));
        i += n - 1;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    if (/^[^\p{L}\p{N}]$/u.test(t) || /^\p{N}+$/u.test(t)) {
      out.push(t);
      continue;
    }
    if (t === 'ce' && (toks[i + 1] === 'est' || toks[i + 1] === 'était')) {
      out.push(
        toks[i + 2] && toks[i + 2]! in DETERMINERS_FR ? 'it' : 'this',
        toks[i + 1] === 'est' ? 'is' : 'was',
      );
      i++;
      continue;
    }
    if (t === 'ne') {
      negate = true;
      continue;
    }
    if (t === 'pas' && negate === false && out.at(-1) === 'not') continue;
    if (t === 'pas') continue;
    if (t in PRONOUNS_FR) {
      const [en, p] = PRONOUNS_FR[t]!;
      out.push(en);
      person = p;
      continue;
    }
    // noun phrase: determiner, adjectives before, noun, adjectives after
    if (t in DETERMINERS_FR || lex.frAdjectives.has(t) || lex.frNouns.has(t)) {
      let j = i;
      const det = t in DETERMINERS_FR ? DETERMINERS_FR[t] : undefined;
      if (det) j++;
      const adjs: string[] = [];
      while (
        lex.frAdjectives.has(toks[j] ?? '') &&
        lex.frAdjectives.get(toks[j]!)!.pre &&
        !lex.frNouns.has(toks[j]!)
      )
        adjs.push(lex.frAdjectives.get(toks[j++]!)!.en);
      const noun = lex.frNouns.get(toks[j] ?? '');
      if (noun && !(lex.frVerbs.has(toks[j]!) && !det)) {
        j++;
        const advs: string[] = [];
        while (
          (toks[j] === 'très' && lex.frAdjectives.has(toks[j + 1] ?? '')) ||
          (lex.frAdjectives.has(toks[j] ?? '') && !lex.frNouns.has(toks[j]!))
        ) {
          if (toks[j] === 'très') {
            advs.push('very');
            j++;
            continue;
          }
          adjs.push(...advs.splice(0), lex.frAdjectives.get(toks[j++]!)!.en);
        }
        const article = det === 'a' && /^[aeiou]/.test(adjs[0] ?? noun.noun.en) ? 'an' : det;
        if (det === 'some' && !noun.plural) out.push(...adjs, noun.noun.en);
        else out.push(...(article ? [article] : []), ...adjs, noun.plural ? noun.noun.enPl : noun.noun.en);
        if (!out.slice(0, -1).some((w) => lex.verbs.has(w))) person = noun.plural ? 5 : 2;
        i = j - 1;
        continue;
      }
      if (det && !noun && adjs.length === 0) {
        out.push(det);
        continue;
      }
    }
    const v = lex.frVerbs.get(t);
    if (v) {
      const { verb, tense } = v;
      // avoir + participle: the English past
      const nextV = lex.frVerbs.get(toks[i + 1] ?? '');
      if (verb.en === 'have' && nextV?.tense === 'pp' && toks[i + 1] !== 'eu') {
        const pNeg = negate;
        negate = false;
        out.push(...(pNeg ? ['did', 'not', nextV.verb.en] : [nextV.verb.past]));
        i++;
        if (nextV.verb.drop) out.push(nextV.verb.drop);
        continue;
      }
      let words: string[];
      if (tense === 'inf' || tense === 'pp') words = [tense === 'pp' ? verb.enPp : `to ${verb.en}`];
      else if (verb.en === 'be') words = [BE_EN[tense === 'imp' ? 1 : 0]![person]!];
      else if (tense === 'imp') words = negate ? ['did', 'not', verb.en] : [verb.past];
      else if (negate) words = [person === 2 ? 'does' : 'do', 'not', verb.en];
      else words = [person === 2 ? verb.s3 : verb.en];
      if (negate && verb.en === 'be') words.push('not');
      // pouvoir + V: can V (a bare infinitive)
      if (tense === 'inf' && out.at(-1) === 'can') words = [verb.en];
      negate = false;
      out.push(...words);
      if (verb.drop && tense !== 'inf') out.push(verb.drop);
      continue;
    }
    const adj = lex.frAdjectives.get(t);
    if (adj) {
      out.push(adj.en);
      continue;
    }
    if (t === 'ça' || t === 'cela') {
      out.push('this');
      continue;
    }
    if (t === 'à' && /^\p{Lu}/u.test(raw[i + 1] ?? '')) {
      out.push('in');
      continue;
    }
    const w = lex.frWords.get(t);
    if (w !== undefined) {
      out.push(w);
      continue;
    }
    const original = raw[i] ?? t;
    out.push(original);
    if (!(i > 0 && /^\p{Lu}/u.test(original))) unknown.push(original);
  }
  return { translation_text: detokenize(out, false), method: 'lexicon', unknown_words: unknown };
}

/** The language pairs the default translates. */
export const LEXICON_PAIRS = ['en_to_fr', 'fr_to_en'] as const;

let shared: Lexicon | undefined;
/** The lexicon, parsed once. */
export const lexicon = (): Lexicon => {
  shared ??= new Lexicon();
  return shared;
};

/** Throws unless the default translates from `from` to `to`. */
export function checkLexiconPair(from: string, to: string): void {
  if (LEXICON_PAIRS.includes(`${from}_to_${to}` as (typeof LEXICON_PAIRS)[number])) return;
  throw new ValidationError(
    `translation: the offline default knows only ${LEXICON_PAIRS.map((p) => `translation_${p}`).join(' and ')} (a word-and-phrase lexicon), not ${from} → ${to}; for another pair give a Hugging Face Marian or T5 folder: pipeline('translation_${from}_to_${to}', '/path/to/model')`,
    'task',
  );
}

/** Translates `text` from `from` to `to` ('en' / 'fr'); any other pair is a ValidationError. */
export function lexiconTranslate(text: string, from: string, to: string): LexiconTranslation {
  checkLexiconPair(from, to);
  return from === 'en' ? translateEnFr(lexicon(), text) : translateFrEn(lexicon(), text);
}
