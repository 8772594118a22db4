/**
 * ROUGE (Lin 2004, "ROUGE: A Package for Automatic Evaluation of Summaries"), as Google's
 * `rouge-score` computes it without stemming: text lowercased, every run of characters other than
 * a–z and 0–9 a space, tokens the words left.
 *
 * - ROUGE-N: the n-grams the candidate and the reference share (each counted at most as often as
 *   it occurs in both), over the candidate's n-grams (precision) and the reference's (recall);
 * - ROUGE-L: the longest common subsequence of the two token lists, over their lengths;
 * - F-measure: 2PR / (P + R), 0 when nothing is shared.
 *
 *   rouge('the cat sat on the mat', 'the cat lay on the mat').rouge1.fmeasure // 5/6
 */

export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

export interface Rouge {
  rouge1: RougeScore;
  rouge2: RougeScore;
  rougeL: RougeScore;
}

/** rouge-score's tokenizer (no stemming). */
export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((t) => t !== '');
}

function score(overlap: number, candidate: number, reference: number): RougeScore {
  const precision = candidate > 0 ? overlap / candidate : 0;
  const recall = reference > 0 ? overlap / reference : 0;
  const fmeasure = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, fmeasure };
}

const ngrams = (tokens: string[], n: number): Map<string, number> => {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const g = tokens.slice(i, i + n).join(' ');
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return counts;
};

/** ROUGE-N of token lists: shared n-grams, clipped counts. */
export function rougeN(candidate: string[], reference: string[], n: number): RougeScore {
  const c = ngrams(candidate, n);
  const r = ngrams(reference, n);
  let overlap = 0;
  for (const [g, k] of c) overlap += Math.min(k, r.get(g) ?? 0);
  const total = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + v, 0);
  return score(overlap, total(c), total(r));
}

/** The length of the longest common subsequence of two token lists. */
export function lcsLength(a: string[], b: string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++)
      row[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, row[j - 1]!);
    prev = row;
  }
  return prev[b.length]!;
}

/** ROUGE-1, ROUGE-2 and ROUGE-L of a candidate summary against a reference. */
export function rouge(candidate: string, reference: string): Rouge {
  const c = rougeTokens(candidate);
  const r = rougeTokens(reference);
  return {
    rouge1: rougeN(c, r, 1),
    rouge2: rougeN(c, r, 2),
    rougeL: score(lcsLength(c, r), c.length, r.length),
  };
}
