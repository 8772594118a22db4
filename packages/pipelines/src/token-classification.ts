/**
 * token-classification (alias ner) in Hugging Face's shapes, with its five aggregation strategies
 * worked exactly as transformers' TokenClassificationPipeline works them:
 *
 *   'none'    every token that is not ignored: { entity, score, index, word, start, end }
 *   'simple'  tokens' argmax labels grouped: adjacent tokens of one type join unless the next is B-
 *   'first' | 'average' | 'max'   first the pieces of a word agree (the first piece's label, the
 *             mean of the pieces' scores, or the label of the piece with the highest score), then
 *             the words are grouped as 'simple' groups tokens — { entity_group, score, word, start, end }
 *
 * Labels in `ignore_labels` (default ['O']) are dropped after grouping, as Hugging Face drops them.
 */
import { ValidationError } from '@firth/numeric';
import { loadTinyBert } from '@firth/transformers';
import { loadBertTokenClassifier, loadEncoderTokenClassifier } from './bert-ner.js';
import { folderModelType, NON_BERT_ENCODERS } from './hf-folder.js';
import { RuleNerTagger } from './ner-tagger.js';
import {
  countParameters,
  defaultModel,
  type PipelineInfo,
  type PipelineModel,
  withInfo,
} from './pipeline.js';

export type AggregationStrategy = 'none' | 'simple' | 'first' | 'average' | 'max';
export const AGGREGATION_STRATEGIES: readonly AggregationStrategy[] = [
  'none',
  'simple',
  'first',
  'average',
  'max',
];

/** A token before aggregation: its piece, its probabilities over the labels, where it is. */
export interface PreEntity {
  /** The token as the tokenizer writes it ('##ing' for a continuing piece). */
  word: string;
  /** Probabilities over the model's labels (softmax of its logits). */
  scores: readonly number[];
  /** Character offsets in the text. */
  start: number;
  end: number;
  /** The token's position in the model's input ([CLS] is 0). */
  index: number;
  /** A continuing piece of the word before it. */
  is_subword: boolean;
}

/** aggregation_strategy 'none': one per token. */
export interface TokenEntity {
  entity: string;
  score: number;
  index: number;
  word: string;
  start: number;
  end: number;
}

/** Any other aggregation_strategy: one per entity. */
export interface EntityGroup {
  entity_group: string;
  score: number;
  word: string;
  start: number;
  end: number;
}

export interface TokenClassificationOptions {
  /** @default 'none' */
  aggregation_strategy?: AggregationStrategy;
  /** Labels left out of the output. @default ['O'] */
  ignore_labels?: string[];
}

/** WordPiece's tokens back to text, as BERT's convert_tokens_to_string: joined by spaces, ' ##' removed. */
export const joinWordPieces = (tokens: readonly string[]): string =>
  tokens.join(' ').replaceAll(' ##', '').trim();

const argmax = (xs: readonly number[]) => xs.reduce((best, x, i) => (x > xs[best]! ? i : best), 0);

interface WordEntity {
  entity: string;
  score: number;
  word: string;
  start: number;
  end: number;
  index?: number;
}

/** The pieces of one word made to agree ('first', 'average', 'max'). */
function aggregateWord(
  pieces: readonly PreEntity[],
  labels: readonly string[],
  strategy: 'first' | 'average' | 'max',
  join: (tokens: readonly string[]) => string,
): WordEntity {
  let scores: readonly number[];
  if (strategy === 'first') scores = pieces[0]!.scores;
  else if (strategy === 'max')
    // the piece whose best label is the most confident (the first such piece on ties)
    scores = pieces.reduce((best, p) => (Math.max(...p.scores) > Math.max(...best.scores) ? p : best)).scores;
  else scores = labels.map((_, k) => pieces.reduce((s, p) => s + p.scores[k]!, 0) / pieces.length);
  const k = argmax(scores);
  return {
    entity: labels[k]!,
    score: scores[k]!,
    word: join(pieces.map((p) => p.word)),
    start: pieces[0]!.start,
    end: pieces[pieces.length - 1]!.end,
  };
}

/** 'B-PER' → ['B', 'PER']; a label without B-/I- continues ('I'). */
const tagOf = (label: string): [string, string] =>
  label.startsWith('B-')
    ? ['B', label.slice(2)]
    : label.startsWith('I-')
      ? ['I', label.slice(2)]
      : ['I', label];

/** Adjacent entities of one type grouped (a B- starts a new group); score: their mean. */
function groupEntities(
  entities: readonly WordEntity[],
  join: (t: readonly string[]) => string,
): EntityGroup[] {
  const groups: EntityGroup[] = [];
  let run: WordEntity[] = [];
  const close = () => {
    if (run.length === 0) return;
    groups.push({
      entity_group: run[0]!.entity.split('-').pop()!,
      score: run.reduce((s, e) => s + e.score, 0) / run.length,
      word: join(run.map((e) => e.word)),
      start: run[0]!.start,
      end: run[run.length - 1]!.end,
    });
    run = [];
  };
  for (const e of entities) {
    if (run.length > 0) {
      const [bi, tag] = tagOf(e.entity);
      const [, lastTag] = tagOf(run[run.length - 1]!.entity);
      if (!(tag === lastTag && bi !== 'B')) close();
    }
    run.push(e);
  }
  close();
  return groups;
}

/**
 * Hugging Face's postprocessing of a token classifier's output: aggregation as `strategy` says,
 * then the labels in `ignoreLabels` dropped. `join` writes tokens back as text (WordPiece's by
 * default).
 */
export function aggregateTokens(
  pre: readonly PreEntity[],
  labels: readonly string[],
  strategy: AggregationStrategy = 'none',
  ignoreLabels: readonly string[] = ['O'],
  join: (tokens: readonly string[]) => string = joinWordPieces,
): TokenEntity[] | EntityGroup[] {
  const ignore = new Set(ignoreLabels);
  let entities: WordEntity[];
  if (strategy === 'none' || strategy === 'simple')
    entities = pre.map((p) => {
      const k = argmax(p.scores);
      return {
        entity: labels[k]!,
        score: p.scores[k]!,
        index: p.index,
        word: p.word,
        start: p.start,
        end: p.end,
      };
    });
  else {
    // the pieces of each word (a token that is not a continuing piece starts a word)
    const words: PreEntity[][] = [];
    for (const p of pre)
      if (words.length > 0 && p.is_subword) words[words.length - 1]!.push(p);
      else words.push([p]);
    entities = words.map((w) => aggregateWord(w, labels, strategy, join));
  }
  if (strategy === 'none') return entities.filter((e) => !ignore.has(e.entity)) as TokenEntity[];
  return groupEntities(entities, join).filter((g) => !ignore.has(g.entity_group));
}

/** The options checked, Hugging Face's defaults filled in. */
export function tokenClassificationOptions(o: TokenClassificationOptions = {}): {
  strategy: AggregationStrategy;
  ignore: string[];
} {
  if (typeof o !== 'object' || o === null)
    throw new ValidationError('token-classification: options must be an object', 'options');
  const strategy = o.aggregation_strategy ?? 'none';
  if (!AGGREGATION_STRATEGIES.includes(strategy))
    throw new ValidationError(
      `aggregation_strategy must be one of ${AGGREGATION_STRATEGIES.map((s) => `'${s}'`).join(', ')}, got ${JSON.stringify(strategy)}`,
      'aggregation_strategy',
    );
  const ignore = o.ignore_labels ?? ['O'];
  if (!Array.isArray(ignore) || ignore.some((l) => typeof l !== 'string'))
    throw new ValidationError(
      `ignore_labels must be a list of label names, got ${JSON.stringify(ignore)}`,
      'ignore_labels',
    );
  return { strategy, ignore };
}

/** A model that gives every token of a text its probabilities over `labels` (the pipeline's input to aggregation). */
export interface TokenClassifier {
  readonly labels: readonly string[];
  /** The text's tokens with their scores, offsets and subword flags, special tokens left out. */
  tokens(text: string): PreEntity[];
}

/** The token-classification pipeline's work on one text or a batch (one list per text). */
export function classifyTokens(
  model: TokenClassifier,
  input: string | string[],
  options: TokenClassificationOptions = {},
): TokenEntity[] | EntityGroup[] | (TokenEntity[] | EntityGroup[])[] {
  const { strategy, ignore } = tokenClassificationOptions(options);
  const list = Array.isArray(input) ? input : [input];
  if (list.length === 0) throw new ValidationError('token-classification: no text given', 'input');
  const out = list.map((text, i) => {
    if (typeof text !== 'string' || text.trim() === '')
      throw new ValidationError(
        `token-classification: input ${i} must be a non-empty string, got ${JSON.stringify(text)}`,
        'input',
      );
    return aggregateTokens(model.tokens(text), model.labels, strategy, ignore);
  });
  return Array.isArray(input) ? out : out[0]!;
}

/** One text → its entities; several → one list per text. */
export interface TokenClassificationPipeline extends PipelineInfo {
  (input: string, options?: TokenClassificationOptions): Promise<TokenEntity[] | EntityGroup[]>;
  (input: string[], options?: TokenClassificationOptions): Promise<(TokenEntity[] | EntityGroup[])[]>;
}

/**
 * The token-classification pipeline: a user's BertForTokenClassification folder (bert-ner.ts), a
 * DistilBERT / RoBERTa …ForTokenClassification folder with any tokenizer (loadEncoderTokenClassifier), or
 * the default rule tagger (ner-tagger.ts) on the tiny BERT's WordPiece tokens.
 */
export async function tokenClassificationPipeline(model?: string): Promise<TokenClassificationPipeline> {
  let classifier: TokenClassifier;
  let info: PipelineModel;
  if (model !== undefined && !NON_BERT_ENCODERS.includes(String(await folderModelType(model)))) {
    const bert = await loadBertTokenClassifier(model);
    classifier = bert;
    info = { id: model, isDefault: false, parameters: countParameters(bert.tagger.bert) };
  } else if (model !== undefined) {
    // DistilBERT, RoBERTa: HfEncoder with the folder's own tokenizer
    const tagger = await loadEncoderTokenClassifier(model);
    classifier = tagger;
    info = { id: model, isDefault: false, parameters: tagger.parameters };
  } else {
    classifier = new RuleNerTagger((await loadTinyBert()).tokenizer);
    // a tagger of rules: no parameters learnt
    info = defaultModel('token-classification', 0);
  }
  return withInfo(
    async (input: string | string[], options: TokenClassificationOptions = {}) =>
      classifyTokens(classifier, input, options),
    'token-classification',
    info,
  ) as TokenClassificationPipeline;
}
