/**
 * The measures the pipeline defaults are scored with.
 *
 * SQuAD's (its official evaluate-v1.1.py): an answer is normalised — lower case, punctuation
 * removed, the articles a / an / the removed, whitespace collapsed — then exact match is 1 when the
 * normalised prediction equals a normalised gold answer, and F1 is the harmonic mean of token
 * precision and recall (tokens counted with multiplicity); each takes the best over the gold
 * answers.
 *
 * Entities (CoNLL's): a predicted entity is right when its type, start and end all equal a gold
 * entity's; precision, recall and F1 over all entities.
 */

/** SQuAD's normalize_answer. */
export function normalizeAnswer(s: string): string {
  return s
    .toLowerCase()
    .replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, '')
    .replace(/\b(a|an|the)\b/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
}

const max = (golds: readonly string[], f: (gold: string) => number) => Math.max(0, ...golds.map(f));

/** 1 if the normalised prediction equals a normalised gold answer, else 0. */
export function exactMatch(prediction: string, golds: readonly string[]): number {
  return max(golds, (g) => (normalizeAnswer(prediction) === normalizeAnswer(g) ? 1 : 0));
}

/** SQuAD's token F1 against the best gold answer. */
export function answerF1(prediction: string, golds: readonly string[]): number {
  const p = normalizeAnswer(prediction).split(' ').filter(Boolean);
  return max(golds, (gold) => {
    const g = normalizeAnswer(gold).split(' ').filter(Boolean);
    const counts = new Map<string, number>();
    for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1);
    let same = 0;
    for (const t of p) {
      const n = counts.get(t) ?? 0;
      if (n > 0) {
        same++;
        counts.set(t, n - 1);
      }
    }
    if (same === 0) return 0;
    const precision = same / p.length;
    const recall = same / g.length;
    return (2 * precision * recall) / (precision + recall);
  });
}

export interface EntitySpan {
  type: string;
  start: number;
  end: number;
}

export interface EntityScores {
  precision: number;
  recall: number;
  f1: number;
  /** Right, predicted, gold (counts). */
  right: number;
  predicted: number;
  gold: number;
}

/** Exact-span, exact-type entity precision / recall / F1 over sentences (CoNLL's conlleval). */
export function entityScores(
  predicted: readonly (readonly EntitySpan[])[],
  gold: readonly (readonly EntitySpan[])[],
): EntityScores {
  let right = 0;
  let nPred = 0;
  let nGold = 0;
  predicted.forEach((ps, i) => {
    const gs = gold[i] ?? [];
    nPred += ps.length;
    nGold += gs.length;
    const key = (e: EntitySpan) => `${e.type}:${e.start}:${e.end}`;
    const want = new Set(gs.map(key));
    right += ps.filter((p) => want.has(key(p))).length;
  });
  const precision = nPred ? right / nPred : 0;
  const recall = nGold ? right / nGold : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, right, predicted: nPred, gold: nGold };
}
