/**
 * The measures a translation is scored with, at corpus level as sacreBLEU reports them.
 *
 * chrF (Popović 2015, sacreBLEU's default chrF: character n-grams n = 1…6, whitespace removed,
 * β = 2): for each order n the clipped matches of the hypotheses' and references' n-gram counts,
 * summed over the corpus, give a precision P_n and a recall R_n; P and R are their means over the
 * orders both sides have; chrF = 100 · (1 + β²) P R / (β² P + R).
 *
 * BLEU (Papineni et al. 2002): word n-grams n = 1…4 (punctuation split off, lower-cased), clipped
 * precisions p_n summed over the corpus, BLEU = 100 · BP · exp(mean log p_n), the brevity penalty
 * BP = min(1, exp(1 − r / c)) for hypothesis length c and reference length r; no smoothing (a
 * corpus with no matching 4-gram scores 0).
 */
import { ValidationError } from '@firth/numeric';

function ngrams(units: readonly string[], n: number, join: string): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= units.length; i++) {
    const g = units.slice(i, i + n).join(join);
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/** Clipped matches: Σ_g min(count_hyp(g), count_ref(g)). */
function matches(h: Map<string, number>, r: Map<string, number>): number {
  let s = 0;
  for (const [g, c] of h) s += Math.min(c, r.get(g) ?? 0);
  return s;
}
const total = (m: Map<string, number>) => [...m.values()].reduce((s, c) => s + c, 0);

function pairs(hypotheses: readonly string[], references: readonly string[]) {
  if (hypotheses.length !== references.length || hypotheses.length === 0)
    throw new ValidationError(
      `need as many hypotheses as references (and at least one), got ${hypotheses.length} and ${references.length}`,
      'references',
    );
  return hypotheses.map((h, i) => [h, references[i]!] as const);
}

/** Corpus chrF (0–100) of `hypotheses` against one reference each. */
export function chrF(
  hypotheses: readonly string[],
  references: readonly string[],
  maxOrder = 6,
  beta = 2,
): number {
  const stats = Array.from({ length: maxOrder }, () => ({ hyp: 0, ref: 0, match: 0 }));
  for (const [h, r] of pairs(hypotheses, references)) {
    const hc = [...h.replace(/\s+/g, '')];
    const rc = [...r.replace(/\s+/g, '')];
    for (let n = 1; n <= maxOrder; n++) {
      const hg = ngrams(hc, n, '');
      const rg = ngrams(rc, n, '');
      const s = stats[n - 1]!;
      s.hyp += total(hg);
      s.ref += total(rg);
      s.match += matches(hg, rg);
    }
  }
  let p = 0;
  let r = 0;
  let orders = 0;
  for (const s of stats)
    if (s.hyp > 0 && s.ref > 0) {
      p += s.match / s.hyp;
      r += s.match / s.ref;
      orders++;
    }
  if (orders === 0) return 0;
  p /= orders;
  r /= orders;
  const b2 = beta * beta;
  return p + r === 0 ? 0 : (100 * (1 + b2) * p * r) / (b2 * p + r);
}

/** Words for BLEU: lower case, punctuation split off (apostrophes kept inside words). */
export const bleuTokens = (s: string): string[] =>
  s.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*['’]?|[^\s\p{L}\p{N}]/gu) ?? [];

/** Corpus BLEU-4 (0–100) of `hypotheses` against one reference each. */
export function bleu(hypotheses: readonly string[], references: readonly string[], maxOrder = 4): number {
  const hits = new Array<number>(maxOrder).fill(0);
  const counts = new Array<number>(maxOrder).fill(0);
  let c = 0;
  let r = 0;
  for (const [h, ref] of pairs(hypotheses, references)) {
    const ht = bleuTokens(h);
    const rt = bleuTokens(ref);
    c += ht.length;
    r += rt.length;
    for (let n = 1; n <= maxOrder; n++) {
      const hg = ngrams(ht, n, ' ');
      hits[n - 1]! += matches(hg, ngrams(rt, n, ' '));
      counts[n - 1]! += total(hg);
    }
  }
  if (c === 0 || hits.some((m) => m === 0)) return 0;
  // log BLEU = min(0, 1 − r/c) + (1/N) Σ_n log p_n
  const logP = hits.reduce((s, m, k) => s + Math.log(m / counts[k]!), 0) / maxOrder;
  return 100 * Math.exp(Math.min(0, 1 - r / c) + logP);
}
