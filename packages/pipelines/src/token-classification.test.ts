import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath } from '@firth/datasets';
import { ValidationError } from '@firth/numeric';
import { BertForTokenClassification, BertModel, loadTinyBert, WordPieceTokenizer } from '@firth/transformers';
import { describe, expect, it } from 'vitest';
import { type EntitySpan, entityScores } from './metrics.js';
import { RuleNerTagger } from './ner-tagger.js';
import { pipeline } from './pipeline.js';
import {
  aggregateTokens,
  type EntityGroup,
  type PreEntity,
  type TokenEntity,
} from './token-classification.js';

/** eval/ner-lee.txt: sentences with [TYPE words] marks → text and gold spans. */
function loadNerSet(): { doc: number; text: string; gold: EntitySpan[] }[] {
  return readFileSync(new URL('../eval/ner-lee.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((line) => {
      const [doc, marked] = line.split('\t') as [string, string];
      let text = '';
      const gold: EntitySpan[] = [];
      let at = 0;
      for (const m of marked.matchAll(/\[(PER|ORG|LOC|MISC) ([^\]]+)\]/g)) {
        text += marked.slice(at, m.index);
        gold.push({ type: m[1]!, start: text.length, end: text.length + m[2]!.length });
        text += m[2];
        at = m.index + m[0].length;
      }
      return { doc: Number(doc), text: text + marked.slice(at), gold };
    });
}

// hand-built token scores: "Microsoft Corp hired Ann Lee", Microsoft in three pieces that disagree
const LABELS = ['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG'];
const TEXT = 'Microsoft Corp hired Ann Lee';
const token = (word: string, start: number, end: number, index: number, scores: number[]): PreEntity => ({
  word,
  scores,
  start,
  end,
  index,
  is_subword: word.startsWith('##'),
});
const PRE = [
  token('Micro', 0, 5, 1, [0.35, 0, 0, 0.6, 0.05]), // B-ORG 0.6
  token('##so', 5, 7, 2, [0.3, 0.7, 0, 0, 0]), // B-PER 0.7: the most confident piece
  token('##ft', 7, 9, 3, [0.55, 0.1, 0.1, 0.15, 0.1]), // O 0.55; the mean of the three: O 0.4
  token('Corp', 10, 14, 4, [0.1, 0, 0, 0.1, 0.8]), // I-ORG
  token('hired', 15, 20, 5, [0.9, 0.025, 0.025, 0.025, 0.025]),
  token('Ann', 21, 24, 6, [0.2, 0.7, 0.1, 0, 0]), // B-PER
  token('Lee', 25, 28, 7, [0.1, 0.1, 0.8, 0, 0]), // I-PER
];
const round = (es: (TokenEntity | EntityGroup)[]) =>
  es.map((e) => ({ ...e, score: Math.round(e.score * 1e6) / 1e6 }));

describe("token-classification: Hugging Face's aggregation strategies on hand-built token scores", () => {
  it("'none': every token's argmax label, O left out", () => {
    expect(round(aggregateTokens(PRE, LABELS, 'none'))).toEqual([
      { entity: 'B-ORG', score: 0.6, index: 1, word: 'Micro', start: 0, end: 5 },
      { entity: 'B-PER', score: 0.7, index: 2, word: '##so', start: 5, end: 7 },
      { entity: 'I-ORG', score: 0.8, index: 4, word: 'Corp', start: 10, end: 14 },
      { entity: 'B-PER', score: 0.7, index: 6, word: 'Ann', start: 21, end: 24 },
      { entity: 'I-PER', score: 0.8, index: 7, word: 'Lee', start: 25, end: 28 },
    ]);
    // ignore_labels [] keeps O tokens too
    expect(aggregateTokens(PRE, LABELS, 'none', [])).toHaveLength(7);
  });

  it("'simple': tokens grouped by type, a B- starting a new group, score the mean; subwords are not merged", () => {
    expect(round(aggregateTokens(PRE, LABELS, 'simple'))).toEqual([
      { entity_group: 'ORG', score: 0.6, word: 'Micro', start: 0, end: 5 },
      { entity_group: 'PER', score: 0.7, word: '##so', start: 5, end: 7 },
      { entity_group: 'ORG', score: 0.8, word: 'Corp', start: 10, end: 14 },
      { entity_group: 'PER', score: 0.75, word: 'Ann Lee', start: 21, end: 28 },
    ]);
  });

  it("'first': a word takes its first piece's label, then words are grouped", () => {
    expect(round(aggregateTokens(PRE, LABELS, 'first'))).toEqual([
      { entity_group: 'ORG', score: 0.7, word: 'Microsoft Corp', start: 0, end: 14 },
      { entity_group: 'PER', score: 0.75, word: 'Ann Lee', start: 21, end: 28 },
    ]);
  });

  it("'max': a word takes the label of its most confident piece", () => {
    expect(round(aggregateTokens(PRE, LABELS, 'max'))).toEqual([
      { entity_group: 'PER', score: 0.7, word: 'Microsoft', start: 0, end: 9 },
      { entity_group: 'ORG', score: 0.8, word: 'Corp', start: 10, end: 14 },
      { entity_group: 'PER', score: 0.75, word: 'Ann Lee', start: 21, end: 28 },
    ]);
  });

  it("'average': a word takes the argmax of its pieces' mean scores (here O, so it is dropped)", () => {
    expect(round(aggregateTokens(PRE, LABELS, 'average'))).toEqual([
      { entity_group: 'ORG', score: 0.8, word: 'Corp', start: 10, end: 14 },
      { entity_group: 'PER', score: 0.75, word: 'Ann Lee', start: 21, end: 28 },
    ]);
    // with O not ignored, the word's mean O score 0.4 is its group's
    const all = aggregateTokens(PRE, LABELS, 'average', []) as EntityGroup[];
    expect(all[0]).toMatchObject({ entity_group: 'O', word: 'Microsoft', start: 0, end: 9 });
    expect(all[0]!.score).toBeCloseTo(0.4, 10);
    expect(TEXT.slice(all[0]!.start, all[0]!.end)).toBe('Microsoft');
  });
});

describe('ner pipeline (default: the rule tagger on WordPiece tokens)', () => {
  const sentence = 'Senator Brian Greig flew from Canberra to Baghdad with Qantas.';

  it("gives Hugging Face's shapes: tokens with 'none', entity groups otherwise, one list per text in a batch", async () => {
    const ner = await pipeline('ner');
    expect(ner.task).toBe('token-classification');
    expect(ner.model).toMatchObject({ id: 'firth-ner-rules', isDefault: true });
    const groups = (await ner(sentence, { aggregation_strategy: 'simple' })) as EntityGroup[];
    expect(groups.map((g) => [g.entity_group, g.word])).toEqual([
      ['PER', 'Brian Greig'],
      ['LOC', 'Canberra'],
      ['LOC', 'Baghdad'],
      ['ORG', 'Qantas'],
    ]);
    for (const g of groups) {
      expect(sentence.slice(g.start, g.end)).toBe(g.word);
      expect(g.score).toBeGreaterThan(0.5);
      expect(g.score).toBeLessThanOrEqual(1);
    }
    const tokens = (await ner(sentence)) as TokenEntity[];
    expect(Object.keys(tokens[0]!).sort()).toEqual(['end', 'entity', 'index', 'score', 'start', 'word']);
    // [CLS] is 0, then Senator's pieces; Brian's first piece is the first entity token
    expect(tokens[0]).toMatchObject({ entity: 'B-PER', start: 8 });
    expect(tokens[0]!.index).toBeGreaterThan(1);
    expect(tokens.map((t) => t.index)).toEqual([...tokens.map((t) => t.index)].sort((a, b) => a - b));
    for (const t of tokens) expect(sentence.slice(t.start, t.end)).toBe(t.word.replace(/^##/, ''));
    // a word in several pieces: its continuing pieces are I- and merge back into the word
    expect(tokens.some((t) => t.word.startsWith('##'))).toBe(true);
    for (const strategy of ['first', 'max'] as const)
      expect(await ner(sentence, { aggregation_strategy: strategy })).toEqual(groups);
    // 'average' splits a word's mass between its B- first piece and its I- pieces: same entities, lower scores
    const average = (await ner(sentence, { aggregation_strategy: 'average' })) as EntityGroup[];
    expect(average.map(({ score, ...g }) => g)).toEqual(groups.map(({ score, ...g }) => g));
    const batch = (await ner([sentence, 'Nothing here.'], {
      aggregation_strategy: 'simple',
    })) as EntityGroup[][];
    expect(batch).toEqual([groups, []]);
    expect(await ner(sentence, { aggregation_strategy: 'simple', ignore_labels: ['O', 'LOC'] })).toEqual(
      groups.filter((g) => g.entity_group !== 'LOC'),
    );
  });

  it('refuses bad input with a ValidationError naming the option', async () => {
    const ner = await pipeline('token-classification');
    await expect(ner(sentence, { aggregation_strategy: 'longest' as 'max' })).rejects.toThrow(
      /aggregation_strategy must be one of 'none', 'simple', 'first', 'average', 'max'/,
    );
    await expect(ner(sentence, { ignore_labels: 'O' as unknown as string[] })).rejects.toMatchObject({
      path: 'ignore_labels',
    });
    await expect(ner('  ')).rejects.toThrow(ValidationError);
    await expect(ner([])).rejects.toThrow(/no text given/);
    await expect(pipeline('ner', '/some/bert')).rejects.toThrow(/cannot read \/some\/bert\/config\.json/);
  });

  it('finds the entities of the held-out hand-labelled Lee sentences: F1 ≥ 0.80 (README: 0.835)', async () => {
    const ner = await pipeline('ner');
    const heldOut = loadNerSet().filter((s) => s.doc >= 25);
    expect(heldOut).toHaveLength(30);
    const predicted = (await ner(
      heldOut.map((s) => s.text),
      { aggregation_strategy: 'simple' },
    )) as EntityGroup[][];
    const scores = entityScores(
      predicted.map((gs) => gs.map((g) => ({ type: g.entity_group, start: g.start, end: g.end }))),
      heldOut.map((s) => s.gold),
    );
    expect(scores.gold).toBe(77);
    expect(scores.f1).toBeCloseTo(0.835, 3);
    expect(scores.f1).toBeGreaterThanOrEqual(0.8);
    // the dev sentences it was tuned on score higher: the held-out number is the one to quote
    const dev = loadNerSet().filter((s) => s.doc < 25);
    const { tokenizer } = await loadTinyBert();
    const tagger = new RuleNerTagger(tokenizer);
    const devScores = entityScores(
      dev.map((s) => tagger.entities(s.text)),
      dev.map((s) => s.gold),
    );
    expect(devScores.f1).toBeGreaterThan(scores.f1);
  });
});

describe("token-classification from a user's BertForTokenClassification folder", () => {
  it("gives every WordPiece token the head's softmax, id2label's names, and aggregates as Hugging Face", async () => {
    const source = dataPath('models/bert-tiny');
    const bert = await BertModel.load(source);
    const tokenizer = WordPieceTokenizer.fromVocabTxt(readFileSync(join(source, 'vocab.txt'), 'utf8'));
    const labels = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];
    const head = new BertForTokenClassification(bert, tokenizer, labels);
    const folder = mkdtempSync(join(tmpdir(), 'firth-bert-ner-'));
    await bert.save(folder, tokenizer, {
      architectures: ['BertForTokenClassification'],
      id2label: Object.fromEntries(labels.map((l, i) => [i, l])),
    });
    const ner = await pipeline('ner', folder);
    expect(ner.model).toMatchObject({ id: folder, isDefault: false });
    const text = 'the river bank near the old mill';
    const tokens = (await ner(text, { ignore_labels: [] })) as TokenEntity[];
    expect(tokens.map((t) => t.index)).toEqual(tokens.map((_, k) => k + 1));
    for (const t of tokens) {
      expect(labels).toContain(t.entity);
      expect(text.slice(t.start, t.end)).toBe(t.word.replace(/^##/, ''));
    }
    // each word's first piece: the same label and probability as the head's own word-level predict
    const firsts = tokens.filter((t) => !t.word.startsWith('##'));
    const words = head.predict(text, { ignoreLabels: [] });
    expect(firsts.map((t) => t.entity)).toEqual(words.map((w) => w.entity));
    for (const [k, t] of firsts.entries()) expect(t.score).toBeCloseTo(words[k]!.score, 5);
    // the aggregations run on it as on any model
    const groups = (await ner(text, { aggregation_strategy: 'first', ignore_labels: [] })) as EntityGroup[];
    expect(groups.map((g) => g.word).join(' ')).toBe(text);

    // a BERT folder without the classifier, or without id2label, is refused naming what is missing
    await expect(pipeline('ner', source)).rejects.toThrow(/id2label is needed/);
    const noHead = mkdtempSync(join(tmpdir(), 'firth-bert-ner-'));
    await (await BertModel.load(source)).save(noHead, tokenizer, { id2label: { 0: 'O', 1: 'B-PER' } });
    await expect(pipeline('ner', noHead)).rejects.toThrow(
      /has no tensor "classifier\.(weight|bias)".*not a token-classification model/,
    );
    writeFileSync(join(noHead, 'config.json'), '{"id2label": {"0": "O", "1": 7}}');
    await expect(pipeline('ner', noHead)).rejects.toThrow(/id2label must name labels 0 … 1/);
  });
});
