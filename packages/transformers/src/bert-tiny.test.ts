import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath, loadSst2 } from '@firth/datasets';
import { RandomState } from '@firth/numeric';
import { describe, expect, it, vi } from 'vitest';
import { maskTokens } from './bert-heads.js';
import { loadTinyBert } from './bert-tiny.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { bankCosine } from './train-bert.js';

/**
 * The shipped BERT (models/bert-tiny-sst2), made by `pnpm train:bert` (train-bert.ts): these replay
 * what that training produced — the goal of ≥ 80 % on the SST-2 dev set — on every run.
 */
describe('the shipped tiny BERT, pretrained here and fine-tuned on SST-2', () => {
  it('classifies the GLUE SST-2 dev set with accuracy ≥ 80 % (the labelled test set too)', async () => {
    const { classifier, bert } = await loadTinyBert();
    expect(bert.config).toMatchObject({ hiddenSize: 128, numHiddenLayers: 2, vocabSize: 4000 });
    const dev = loadSst2('dev');
    const acc = classifier.accuracy(
      dev.map((r) => r.sentence),
      dev.map((r) => ['negative', 'positive'][r.label]!),
    );
    expect(acc).toBeGreaterThanOrEqual(0.8);
    const test = loadSst2('test');
    expect(
      classifier.accuracy(
        test.map((r) => r.sentence),
        test.map((r) => r.label),
      ),
    ).toBeGreaterThanOrEqual(0.78);
    const [pos, neg] = classifier.predict([
      'a charming , funny and moving film .',
      'a dull , tedious mess .',
    ]);
    expect(pos!.label).toBe('positive');
    expect(neg!.label).toBe('negative');
  }, 120_000);

  it('prediction (classify, fill-mask) runs the encoder without recording a backward pass, with the same numbers', async () => {
    const { classifier, pretrainer, tokenizer } = await loadTinyBert();
    // two models: the SST-2 fine-tune and the pretrained encoder
    const spies = [vi.spyOn(classifier.bert, 'encode'), vi.spyOn(pretrainer.bert, 'encode')];
    try {
      const [p] = classifier.predict(['a charming , funny and moving film .']);
      pretrainer.fillMask('it is a [MASK] film .');
      for (const encode of spies) {
        expect(encode.mock.calls.map((c) => c[1])).toEqual([{ grad: false }]);
        expect((encode.mock.results[0]!.value as { backwardFn: unknown }).backwardFn).toBeNull();
      }
      // the same probability as the forward pass that records a graph (training's)
      const enc = tokenizer.encodePlus('a charming , funny and moving film .', undefined, { maxLength: 64 });
      const withGrad = classifier.logits({
        inputIds: [enc.ids],
        tokenTypeIds: [enc.tokenTypeIds],
        attentionMask: [enc.attentionMask],
      });
      const [a, b] = withGrad.data;
      expect(p!.scores.positive).toBeCloseTo(Math.exp(b!) / (Math.exp(a!) + Math.exp(b!)), 6);
    } finally {
      for (const encode of spies) encode.mockRestore();
    }
  });

  it('the pretrained model predicts masked words of SST-2 dev sentences better than word frequency alone', async () => {
    const { pretrainer, tokenizer } = await loadTinyBert();
    const rng = new RandomState(5);
    const examples = loadSst2('dev')
      .slice(0, 300)
      .map((r) => {
        const e = tokenizer.encodePlus(r.sentence, undefined, { maxLength: 64 });
        return { ...maskTokens(tokenizer, e.ids, e.tokenTypeIds, rng), nextSentenceLabel: -1 as const };
      });
    // always guessing the most frequent token of the masked positions: the frequency baseline
    const counts = new Map<number, number>();
    for (const e of examples) for (const y of e.maskedLabels) counts.set(y, (counts.get(y) ?? 0) + 1);
    const total = examples.reduce((s, e) => s + e.maskedLabels.length, 0);
    const baseline = Math.max(...counts.values()) / total;
    const { mlmAccuracy, evalMlmLoss } = pretrainer.evaluate(examples);
    expect(mlmAccuracy).toBeGreaterThan(baseline);
    expect(evalMlmLoss).toBeLessThan(Math.log(4000) - 1.5);
    const top = pretrainer.fillMask('it is a [MASK] film .').map((p) => p.token_str);
    expect(top.some((g) => ['movie', 'film', 'good', 'great', 'funny', 'bad'].includes(g))).toBe(true);
  }, 120_000);

  it('gives "bank" clearly different vectors by the river and at the bank (the course\'s contextual embeddings)', async () => {
    const { bert, tokenizer } = await loadTinyBert();
    expect(bankCosine(bert, tokenizer)).toBeLessThan(0.95);
  }, 120_000);
});

describe('loadTinyBert checks the folders it is given', () => {
  /** Copies of the shipped folders, `edit` applied to them. */
  const folders = (edit: (pretrained: string, sst2: string) => void) => {
    const root = mkdtempSync(join(tmpdir(), 'firth-tiny-bert-'));
    const pretrained = join(root, 'bert-tiny');
    const sst2 = join(root, 'bert-tiny-sst2');
    cpSync(dataPath('models/bert-tiny'), pretrained, { recursive: true });
    cpSync(dataPath('models/bert-tiny-sst2'), sst2, { recursive: true });
    edit(pretrained, sst2);
    return { pretrained, sst2 };
  };

  it('a head tensor missing (it would start random), vocab.txt against vocab_size, id2label numbering', async () => {
    const noBias = folders((pretrained) => {
      const file = join(pretrained, 'model.safetensors');
      const tensors = readSafetensors(readFileSync(file));
      tensors.delete('cls.predictions.bias');
      writeFileSync(file, writeSafetensors(tensors as never));
    });
    await expect(loadTinyBert(noBias)).rejects.toThrow(
      /bert-tiny\/model\.safetensors: has no tensor "cls\.predictions\.bias", which the model needs$/,
    );
    const longVocab = folders((pretrained) =>
      appendFileSync(join(pretrained, 'vocab.txt'), 'zzzz-unique-extra-piece\n'),
    );
    await expect(loadTinyBert(longVocab)).rejects.toThrow(
      /bert-tiny\/vocab\.txt: has 4001 pieces, but .*bert-tiny\/config\.json says vocab_size 4000$/,
    );
    const labels = folders((_, sst2) => {
      const config = JSON.parse(readFileSync(join(sst2, 'config.json'), 'utf8'));
      writeFileSync(
        join(sst2, 'config.json'),
        JSON.stringify({ ...config, id2label: { 0: 'negative', 2: 'positive' } }),
      );
    });
    await expect(loadTinyBert(labels)).rejects.toThrow(
      /bert-tiny-sst2\/config\.json: \$\.id2label must number its labels 0 … 1$/,
    );
  }, 60_000);
});
