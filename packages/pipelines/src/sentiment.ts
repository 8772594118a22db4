/**
 * The sentiment-analysis default: Firth's tiny BERT fine-tuned on SST-2 (models/bert-tiny-sst2)
 * combined with a logistic regression on word uni- and bigrams of SST-2's labelled phrases
 * (models/sst2-ngrams, NB-scaled as Wang & Manning's NBSVM). The two err on different sentences:
 * BERT reads word order and sub-words, the n-grams remember SST-2's sentiment phrases. Their
 * log-odds are added with weights fitted on a validation split carved from SST-2 train:
 *
 *   z = a · logit_BERT + b · logit_ngrams + c,   P(POSITIVE) = σ(z)
 *
 * Both halves and the weights are built by scripts/train_sentiment.py (see the README of
 * models/sst2-ngrams for the numbers each step moved).
 *
 *   const model = await loadSentimentDefault();
 *   model.predict(['I love this!'])   // [{ label: 'POSITIVE', score: 0.9…, scores: { NEGATIVE, POSITIVE } }]
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { dataPath } from '@firth/datasets';
import { checkJson, decodeUtf8, FormatError, parseJson, shape, ValidationError } from '@firth/numeric';
import { type BertForSequenceClassification, loadTinyBert } from '@firth/transformers';

/**
 * The words of a text as SST-2 writes them (and as train_sentiment.py's `tokenize`): lowercase,
 * "n't" split off ("don't" → do n't, as the Penn Treebank), clitics ('s 're 've 'll 'd 'm), "..."
 * and "--" as tokens, inner hyphens kept, any other non-space character a token of its own.
 *
 *   sstTokenize("I didn't love it's ending...")   // ['i', 'did', "n't", 'love', 'it', "'s", 'ending', '...']
 */
export function sstTokenize(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/n't\b/g, " n't")
      .match(/n't|'[\p{L}\p{N}]+|[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*|\.\.\.|--|\S/gu) ?? []
  );
}

const NEGATORS = new Set([
  'not',
  "n't",
  'no',
  'never',
  'nothing',
  'nor',
  'without',
  'hardly',
  'neither',
  'nobody',
  'none',
]);
const CLAUSE_END = new Set(['.', ',', '!', '?', ';', ':', '--', '...', 'but']);

/**
 * Negation marking (Das & Chen 2001; Pang et al. 2002): after a negator, every token up to the end
 * of the clause gets "NOT_", so "not good" and "good" are different features.
 *
 *   markNegation(['not', 'a', 'good', 'film', ',', 'sadly'])   // ['not', 'NOT_a', 'NOT_good', 'NOT_film', ',', 'sadly']
 */
export function markNegation(tokens: readonly string[]): string[] {
  let negated = false;
  return tokens.map((t) => {
    if (CLAUSE_END.has(t)) {
      negated = false;
      return t;
    }
    const out = negated ? `NOT_${t}` : t;
    if (NEGATORS.has(t)) negated = true;
    return out;
  });
}

/**
 * Binary n-gram presence → logit: the bias plus the weights of the n-grams the text holds (each
 * once), over sstTokenize's tokens (negation-marked when `negation`).
 */
export class NgramLogisticRegression {
  constructor(
    readonly weights: ReadonlyMap<string, number>,
    readonly bias: number,
    readonly nMax: number,
    readonly negation: boolean,
  ) {}

  logit(text: string): number {
    const words = sstTokenize(text);
    const tokens = this.negation ? markNegation(words) : words;
    const seen = new Set<string>();
    for (let n = 1; n <= this.nMax; n++)
      for (let i = 0; i + n <= tokens.length; i++) seen.add(tokens.slice(i, i + n).join(' '));
    let z = this.bias;
    for (const g of seen) z += this.weights.get(g) ?? 0;
    return z;
  }
}

export interface SentimentPrediction {
  label: string;
  score: number;
  /** Every label's probability. */
  scores: Record<string, number>;
}

/** The ensemble: predict like BertForSequenceClassification, with HF's NEGATIVE / POSITIVE. */
export interface SentimentEnsemble {
  readonly labels: readonly [string, string];
  readonly bert: BertForSequenceClassification;
  readonly ngrams: NgramLogisticRegression;
  /** z = bert · logit_BERT + ngrams · logit_ngrams + bias. */
  readonly weights: { bert: number; ngrams: number; bias: number };
  /** BERT's tensors, the n-gram weights and their bias, and the three ensemble weights. */
  readonly parameters: number;
  /** P(label 1) per text, before the labels. */
  positiveProbability(texts: readonly string[]): number[];
  predict(texts: readonly string[]): SentimentPrediction[];
}

const finite = shape.number();
const configShape = shape.object({
  model_type: shape.literal('firth-bert-ngram-ensemble'),
  id2label: shape.object({ 0: shape.string({ nonEmpty: true }), 1: shape.string({ nonEmpty: true }) }),
  bert: shape.string({ nonEmpty: true }),
  ngrams: shape.object({
    file: shape.string({ nonEmpty: true }),
    n_max: shape.integer({ min: 1, max: 5 }),
    bias: finite,
    count: shape.integer({ min: 1 }),
    negation: shape.boolean(),
  }),
  ensemble: shape.object({ bert: finite, ngrams: finite, bias: finite }),
});

/** Reads ngrams.tsv.gz: one "n-gram<TAB>weight" a line. */
function readNgrams(bytes: Uint8Array, file: string, count: number): Map<string, number> {
  let text: string;
  try {
    text = decodeUtf8(gunzipSync(bytes), file);
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw new FormatError(file, '', 'is not gzip data');
  }
  const weights = new Map<string, number>();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    const tab = line.indexOf('\t');
    const w = Number(line.slice(tab + 1));
    if (tab <= 0 || line.slice(tab + 1).trim() === '' || !Number.isFinite(w))
      throw new FormatError(file, `line ${i + 1}`, 'must be "n-gram<TAB>finite weight"');
    weights.set(line.slice(0, tab), w);
  });
  if (weights.size !== count)
    throw new FormatError(file, '', `has ${weights.size} n-grams, but config.json says ${count}`);
  return weights;
}

let cached: Promise<SentimentEnsemble> | null = null;

/**
 * The shipped ensemble (read once per process), or one from another folder of the same layout
 * (config.json, the n-gram file it names; its `bert` a folder beside it or in @firth/datasets'
 * models). Files are checked: a wrong field or line is a FormatError naming it.
 */
export function loadSentimentDefault(folder?: string): Promise<SentimentEnsemble> {
  if (folder !== undefined) return load(folder);
  cached ??= load(dataPath('models/sst2-ngrams')).catch((error) => {
    cached = null;
    throw error;
  });
  return cached;
}

async function load(folder: string): Promise<SentimentEnsemble> {
  const configFile = join(folder, 'config.json');
  const config = checkJson(parseJson(await readFile(configFile), configFile), configShape, configFile);
  const ngramFile = join(folder, config.ngrams.file);
  const ngrams = new NgramLogisticRegression(
    readNgrams(await readFile(ngramFile), ngramFile, config.ngrams.count),
    config.ngrams.bias,
    config.ngrams.n_max,
    config.ngrams.negation,
  );
  if (config.bert !== 'bert-tiny-sst2')
    throw new FormatError(configFile, '$.bert', 'must be "bert-tiny-sst2" (the BERT this version ships)');
  const { classifier: bert } = await loadTinyBert();
  if (bert.labels.length !== 2)
    throw new ValidationError(`the ensemble's BERT must have 2 labels, it has ${bert.labels.length}`, 'bert');
  const labels = [config.id2label[0], config.id2label[1]] as const;
  const weights = { ...config.ensemble };
  const [neg, pos] = bert.labels as [string, string];
  const positiveProbability = (texts: readonly string[]): number[] => {
    const fromBert = bert.predict(texts);
    return fromBert.map((p, i) => {
      const zb = Math.log(Math.max(p.scores[pos]!, 1e-12)) - Math.log(Math.max(p.scores[neg]!, 1e-12));
      const z = weights.bert * zb + weights.ngrams * ngrams.logit(texts[i]!) + weights.bias;
      return 1 / (1 + Math.exp(-z));
    });
  };
  const parameters =
    [...bert.bert.tensors.values()].reduce((s, t) => s + t.size, 0) + ngrams.weights.size + 4;
  return {
    labels,
    bert,
    ngrams,
    weights,
    parameters,
    positiveProbability,
    predict(texts) {
      return positiveProbability(texts).map((p) => {
        const scores = { [labels[0]]: 1 - p, [labels[1]]: p };
        const k = p >= 0.5 ? 1 : 0;
        return { label: labels[k], score: scores[labels[k]]!, scores };
      });
    },
  };
}
