import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { readEvalSet } from './eval-sets.test-support.js';
import { lexicon, lexiconTranslate } from './lexicon-translator.js';
import { pipeline } from './pipeline.js';
import { taskInfo } from './tasks.js';
import { bleu, chrF } from './translation-metrics.js';

interface Pair {
  en: string;
  fr: string;
}
const set = readEvalSet<{ dev: Pair[]; heldout: Pair[] }>('translation-en-fr.json');

describe('chrF and BLEU, on hand-computed examples', () => {
  it('chrF: 100 for the reference, 0 with no character in common, and a worked example', () => {
    expect(chrF(["C'est incroyable."], ["C'est incroyable."])).toBe(100);
    expect(chrF(['xyz'], ['abc'])).toBe(0);
    // "ab" against "abc": 1-grams P 2/2, R 2/3; 2-grams P 1/1, R 1/2; no 3-gram in "ab", so the
    // orders 1–2 count: P = 1, R = 7/12, chrF = 100 · 5 P R / (4 P + R) = 63.636…
    expect(chrF(['ab'], ['abc'])).toBeCloseTo(6363.6363 / 100, 3);
    // spaces do not count
    expect(chrF(['a b'], ['ab c'])).toBeCloseTo(chrF(['ab'], ['abc']), 10);
    expect(() => chrF(['a'], [])).toThrow(ValidationError);
  });

  it('BLEU: 100 for the reference, 0 without a matching 4-gram, and a brevity penalty', () => {
    expect(bleu(['the cat sat on the mat'], ['the cat sat on the mat'])).toBeCloseTo(100, 10);
    expect(bleu(['the dog sat on a mat'], ['the cat sat on the mat'])).toBe(0);
    // 5 of 6 words: every n-gram precision 1, BP = exp(1 − 6/5)
    expect(bleu(['the cat sat on the'], ['the cat sat on the mat'])).toBeCloseTo(
      100 * Math.exp(1 - 6 / 5),
      10,
    );
  });
});

describe('the translation default: an English–French lexicon and phrase table', () => {
  it("translates the course's example, saying what it is", async () => {
    const translate = await pipeline('translation_en_to_fr');
    expect(await translate('This is amazing.')).toEqual([
      { translation_text: "C'est incroyable.", method: 'lexicon', unknown_words: [] },
    ]);
    expect(translate.task).toBe('translation');
    expect(translate.model.isDefault).toBe(true);
    expect(translate.model.id).toBe('firth-lexicon-en-fr');
    expect(translate.model.description).toMatch(/GLOSS, NOT a neural translator/);
    expect(translate.model.quality).toMatch(/chrF 53\.0/);
    expect(taskInfo('translation_en_to_fr').defaultModel?.id).toBe('firth-lexicon-en-fr');
  });

  it('French grammar: agreement, adjective order, elision, ce → cet, conjugation, negation', () => {
    const fr = (en: string) => lexiconTranslate(en, 'en', 'fr').translation_text;
    expect(fr('The house is big and old.')).toBe('La maison est grande et vieille.');
    expect(fr('I like the new car.')).toBe("J'aime la nouvelle voiture.");
    expect(fr('This computer is fast.')).toBe('Cet ordinateur est rapide.');
    expect(fr('The water is cold.')).toBe("L'eau est froide.");
    expect(fr('I do not understand the question.')).toBe('Je ne comprends pas la question.');
    expect(fr('The children are playing in the garden.')).toBe('Les enfants jouent dans le jardin.');
    expect(fr('They are going to the beach tomorrow.')).toBe('Ils vont à la plage demain.');
    expect(fr("I've been waiting for a course like this my whole life.")).toBe(
      "J'ai attendu un cours comme ça toute ma vie.",
    );
  });

  it('French to English reads the same tables backwards; batches give one result per text', async () => {
    const translate = await pipeline('translation_fr_to_en');
    expect(await translate(["C'est incroyable.", 'La maison est grande et vieille.'])).toEqual([
      { translation_text: 'This is amazing.', method: 'lexicon', unknown_words: [] },
      { translation_text: 'The house is big and old.', method: 'lexicon', unknown_words: [] },
    ]);
    // plain 'translation' takes src_lang / tgt_lang, English → French without them
    const plain = await pipeline('translation');
    expect(
      (await plain('Je ne comprends pas la question.', { src_lang: 'fr', tgt_lang: 'en' }))[0]!
        .translation_text,
    ).toBe('I do not understand the question.');
    expect((await plain('The music is beautiful.'))[0]!.translation_text).toBe('La musique est belle.');
  });

  it('passes unknown words through and lists them; names inside a sentence pass unflagged', () => {
    expect(lexiconTranslate('My brother lives in Paris.', 'en', 'fr')).toEqual({
      translation_text: 'Mon frère habite à Paris.',
      method: 'lexicon',
      unknown_words: [],
    });
    const r = lexiconTranslate('The book is zorbly.', 'en', 'fr');
    expect(r.translation_text).toBe('Le livre est zorbly.');
    expect(r.unknown_words).toEqual(['zorbly']);
  });

  it('refuses other pairs, naming the pairs it knows and the Marian / T5 path; bad input', async () => {
    const err = await pipeline('translation_en_to_de').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/knows only translation_en_to_fr and translation_fr_to_en/);
    expect((err as Error).message).toMatch(
      /Marian or T5 folder: pipeline\('translation_en_to_de', '\/path\/to\/model'\)/,
    );
    const plain = await pipeline('translation');
    await expect(plain('Hallo', { src_lang: 'de', tgt_lang: 'en' })).rejects.toThrow(/knows only/);
    await expect(plain('Hallo', { src_lang: 'de' })).rejects.toThrow(/both src_lang and tgt_lang/);
    const translate = await pipeline('translation_en_to_fr');
    await expect(translate('')).rejects.toThrow(ValidationError);
    await expect(translate('Hi', { src_lang: 'fr', tgt_lang: 'en' })).rejects.toThrow(/contradict/);
    await expect(translate('Hi', { num_beams: 4 } as never)).rejects.toThrow(
      /takes only src_lang \/ tgt_lang, not num_beams/,
    );
  });

  it('takes its nouns, adjectives and verbs from the 700 most frequent Wikipedia words or the dev half only', () => {
    const top = new Set(
      readFileSync(
        fileURLToPath(new URL('../eval/translation-vocabulary-top700.txt', import.meta.url)),
        'utf8',
      )
        .split('\n')
        .slice(1),
    );
    const dev = new Set(set.dev.flatMap((p) => p.en.toLowerCase().match(/[a-z]+/g) ?? []));
    const lex = lexicon();
    const outside = lex.contentWords.filter((w) => {
      if (top.has(w) || dev.has(w)) return false;
      // a form of the word in the list: plural, 3rd person, past, participle, -ing
      const forms = [
        lex.nouns.get(w)?.noun.enPl,
        ...[...lex.verbs].filter(([, v]) => v.verb.en === w).map(([f]) => f),
      ];
      return !forms.some((f) => f !== undefined && (top.has(f) || dev.has(f)));
    });
    expect(outside).toEqual([]);
  });

  it('scores the held-out half (scored once when the lexicon was finished; floors just below)', () => {
    const score = (from: 'en' | 'fr', to: 'en' | 'fr', pairs: Pair[]) => {
      const hyp = pairs.map((p) => lexiconTranslate(p[from], from, to).translation_text);
      const ref = pairs.map((p) => p[to]);
      return { chrf: chrF(hyp, ref), bleu: bleu(hyp, ref) };
    };
    const enFr = score('en', 'fr', set.heldout);
    const frEn = score('fr', 'en', set.heldout);
    expect(enFr.chrf).toBeGreaterThanOrEqual(52.5); // 53.0
    expect(enFr.bleu).toBeGreaterThanOrEqual(29.5); // 30.1
    expect(frEn.chrf).toBeGreaterThanOrEqual(50.8); // 51.3
    expect(frEn.bleu).toBeGreaterThanOrEqual(34); // 34.6
    // copying the source unchanged: what the lexicon adds
    expect(
      chrF(
        set.heldout.map((p) => p.en),
        set.heldout.map((p) => p.fr),
      ),
    ).toBeLessThan(15);
    // dev, tuned on
    expect(score('en', 'fr', set.dev).chrf).toBeGreaterThanOrEqual(96); // 96.9
    expect(score('fr', 'en', set.dev).chrf).toBeGreaterThanOrEqual(90); // 90.7
  });
});
