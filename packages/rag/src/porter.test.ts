import { describe, expect, it } from 'vitest';
import { porterMeasure, porterStem } from './porter.js';

// Expected stems are the examples printed in Porter's paper (Program 14(3), 1980), step by step.
// Each example is the input of its step; where later steps change the word further, the final
// stem is what the whole algorithm must give, written here from the paper's rules.
describe('Porter stemmer (1980 paper examples)', () => {
  it('measures m as the paper does', () => {
    for (const w of ['tr', 'ee', 'tree', 'y', 'by']) expect(porterMeasure(w)).toBe(0);
    for (const w of ['trouble', 'oats', 'trees', 'ivy']) expect(porterMeasure(w)).toBe(1);
    for (const w of ['troubles', 'private', 'oaten', 'orrery']) expect(porterMeasure(w)).toBe(2);
  });

  it('step 1a: plurals', () => {
    expect(porterStem('caresses')).toBe('caress');
    expect(porterStem('ponies')).toBe('poni');
    expect(porterStem('ties')).toBe('ti');
    expect(porterStem('caress')).toBe('caress');
    expect(porterStem('cats')).toBe('cat');
  });

  it('step 1b: -eed, -ed, -ing and their clean-up', () => {
    const cases: [string, string][] = [
      ['feed', 'feed'],
      ['agreed', 'agre'], // agree, then step 5a drops the e (m = 1, not *o)
      ['plastered', 'plaster'],
      ['bled', 'bled'],
      ['motoring', 'motor'],
      ['sing', 'sing'],
      ['conflated', 'conflat'], // conflate, then 5a (m = 2)
      ['troubled', 'troubl'], // trouble, then 5a
      ['sized', 'size'], // size: m = 1 and *o (s-i-z) keeps the e
      ['hopping', 'hop'],
      ['tanned', 'tan'],
      ['falling', 'fall'],
      ['hissing', 'hiss'],
      ['fizzed', 'fizz'],
      ['failing', 'fail'],
      ['filing', 'file'],
    ];
    for (const [w, s] of cases) expect([w, porterStem(w)]).toEqual([w, s]);
  });

  it('step 1c: y → i after a vowel-bearing stem', () => {
    expect(porterStem('happy')).toBe('happi');
    expect(porterStem('sky')).toBe('sky');
  });

  it('step 2: double suffixes to single ones (m > 0)', () => {
    const cases: [string, string][] = [
      ['relational', 'relat'], // relate → 5a relat
      ['conditional', 'condit'], // condition → step 4 condit
      ['rational', 'ration'], // m(r) = 0: step 2 does nothing; step 4 -al: m(ration) = 2 → ration
      ['valenci', 'valenc'], // valence → 5a
      ['hesitanci', 'hesit'], // hesitance → step 4 -ance → hesit
      ['digitizer', 'digit'], // digitize → step 4 -ize
      ['conformabli', 'conform'], // conformable → step 4 -able
      ['radicalli', 'radic'], // radical → step 4 -al
      ['differentli', 'differ'], // different → step 4 -ent
      ['vileli', 'vile'], // vile: m = 1 and *o keeps the e
      ['analogousli', 'analog'], // analogous → step 4 -ous
      ['vietnamization', 'vietnam'], // vietnamize → step 4 -ize
      ['predication', 'predic'], // predicate → step 3? no (m>0 icate → ic) → predic
      ['operator', 'oper'], // operate → step 4 -ate
      ['feudalism', 'feudal'], // feudal: m(feud) = 1, -al needs m > 1
      ['decisiveness', 'decis'], // decisive → step 4 -ive
      ['hopefulness', 'hope'], // hopeful → step 3 -ful → hope (m = 1, *o? h-o-p: yes, keeps e)
      ['callousness', 'callous'], // callous: m(call) = 1, -ous needs m > 1
      ['formaliti', 'formal'], // formal: m(form) = 1
      ['sensitiviti', 'sensit'], // sensitive → step 4 -ive
      ['sensibiliti', 'sensibl'], // sensible → 5a (m = 2)
    ];
    for (const [w, s] of cases) expect([w, porterStem(w)]).toEqual([w, s]);
  });

  it('step 3 and step 4 examples', () => {
    const cases: [string, string][] = [
      ['triplicate', 'triplic'],
      ['formative', 'form'],
      ['formalize', 'formal'],
      ['electriciti', 'electr'], // electric → step 4 -ic (m(electr) = 2)
      ['electrical', 'electr'],
      ['hopeful', 'hope'],
      ['goodness', 'good'],
      ['revival', 'reviv'],
      ['allowance', 'allow'],
      ['inference', 'infer'],
      ['airliner', 'airlin'],
      ['gyroscopic', 'gyroscop'],
      ['adjustable', 'adjust'],
      ['defensible', 'defens'],
      ['irritant', 'irrit'],
      ['replacement', 'replac'],
      ['adjustment', 'adjust'],
      ['dependent', 'depend'],
      ['adoption', 'adopt'],
      ['homologou', 'homolog'],
      ['communism', 'commun'],
      ['activate', 'activ'],
      ['angulariti', 'angular'],
      ['homologous', 'homolog'],
      ['effective', 'effect'],
      ['bowdlerize', 'bowdler'],
    ];
    for (const [w, s] of cases) expect([w, porterStem(w)]).toEqual([w, s]);
  });

  it("step 5 examples and the paper's complete ones", () => {
    expect(porterStem('probate')).toBe('probat');
    expect(porterStem('rate')).toBe('rate');
    expect(porterStem('cease')).toBe('ceas');
    expect(porterStem('controll')).toBe('control');
    expect(porterStem('roll')).toBe('roll');
    expect(porterStem('generalizations')).toBe('gener');
    expect(porterStem('oscillators')).toBe('oscil');
    // the paper's stem class: connect, connected, connecting, connection, connections
    for (const w of ['connect', 'connected', 'connecting', 'connection', 'connections'])
      expect(porterStem(w)).toBe('connect');
  });

  it("follows the paper's step 2 (ABLI → ABLE, no LOGI rule), not the reference code's departures", () => {
    expect(porterStem('technology')).toBe('technologi');
    expect(porterStem('possibly')).toBe('possibli');
  });

  it('leaves one- and two-letter words alone', () => {
    expect(porterStem('is')).toBe('is');
    expect(porterStem('as')).toBe('as');
  });
});
