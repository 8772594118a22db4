import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLeeCorpus, loadSst2 } from '@firth/datasets';
import { RandomState } from '@firth/numeric';
import { crossEntropy, matmul, reshape, Tensor } from '@firth/tensor';
import { describe, expect, it } from 'vitest';
import {
  BertForPreTraining,
  BertForQuestionAnswering,
  BertForSequenceClassification,
  BertForTokenClassification,
  maskTokens,
  PretrainingCorpus,
} from './bert-heads.js';
import { BertModel, collate } from './bert-model.js';
import { ReferenceBert } from './reference/bert.js';
import { WordPieceTokenizer } from './tokenizers/wordpiece.js';
import { bankCosine, cosine, MONEY_BANK, RIVER_BANK, wordVector } from './train-bert.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** A vocabulary from a text, frequency merges (common words become single pieces). */
const tokenizerFor = (text: string, size: number) =>
  new WordPieceTokenizer().train(text, size, { scoring: 'frequency' });

describe('BertModel (trainable): the same network as the float64 reference (reference/bert.ts) and PyTorch', () => {
  it('loads the tiny PyTorch BertModel and matches its last hidden state and pooler to 1e-4', async () => {
    const bert = await BertModel.load(join(fixtures, 'hf-tiny-bert'));
    const ref = JSON.parse(readFileSync(join(fixtures, 'hf-tiny-bert', 'reference.json'), 'utf8'));
    const batch = {
      inputIds: ref.input_ids,
      tokenTypeIds: ref.token_type_ids,
      attentionMask: ref.attention_mask,
    };
    const h = bert.encode(batch);
    const pooled = bert.pool(h);
    const [B, T, H] = h.shape as [number, number, number];
    let worst = 0;
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        if (ref.attention_mask[b][t] === 0) continue; // padded rows are not compared (they attend but nothing reads them)
        for (let j = 0; j < H; j++)
          worst = Math.max(worst, Math.abs(h.data[(b * T + t) * H + j]! - ref.last_hidden_state[b][t][j]));
      }
    expect(worst).toBeLessThan(1e-4);
    for (let b = 0; b < B; b++)
      for (let j = 0; j < H; j++)
        expect(Math.abs(pooled.data[b * H + j]! - ref.pooler_output[b][j])).toBeLessThan(1e-4);
  });

  it('saves a Hugging Face folder that the reference implementation reads back with the same outputs', async () => {
    const tok = tokenizerFor(loadLeeCorpus().slice(0, 20).join('\n'), 300);
    const bert = new BertModel({
      vocabSize: tok.vocabSize,
      hiddenSize: 16,
      numAttentionHeads: 2,
      maxPositionEmbeddings: 32,
      seed: 3,
    });
    // move the weights away from their initial values so the test is not of zeros and ones
    new BertForPreTraining(bert, tok).fit(new PretrainingCorpus(tok, loadLeeCorpus().slice(0, 20)), {
      steps: 3,
      batchSize: 4,
      maxLength: 32,
    });
    const dir = mkdtempSync(join(tmpdir(), 'firth-bert-'));
    await bert.save(dir, tok);
    const ref = await ReferenceBert.load(dir);
    const enc = tok.encodePlus('the fire moved towards the town', 'residents left their homes');
    const h = bert.encode(collate([enc]));
    const out = ref.forward({
      inputIds: enc.ids,
      tokenTypeIds: enc.tokenTypeIds,
      attentionMask: enc.attentionMask,
    });
    let worst = 0;
    for (const [t, row] of out.lastHiddenState.entries())
      for (const [j, v] of row.entries()) worst = Math.max(worst, Math.abs(v - h.data[t * 16 + j]!));
    expect(worst).toBeLessThan(1e-4);
    // and BertModel reads its own folder back: encoder and heads
    const again = await BertModel.load(dir);
    expect(Array.from(again.encode(collate([enc])).data)).toEqual(Array.from(h.data));
    expect(again.tensors.has('cls.predictions.bias')).toBe(true);
    expect(WordPieceTokenizer.fromVocabTxt(readFileSync(join(dir, 'vocab.txt'), 'utf8')).vocabSize).toBe(
      tok.vocabSize,
    );
  });

  it('padding changes nothing for the real tokens (padding keys get no attention)', () => {
    const tok = tokenizerFor('the cat sat on the mat and the dog ran to the park', 60);
    const bert = new BertModel({ vocabSize: tok.vocabSize, hiddenSize: 16, maxPositionEmbeddings: 32 });
    const short = tok.encodePlus('the cat sat');
    const long = tok.encodePlus('the dog ran to the park and the cat sat on the mat');
    const alone = bert.encode(collate([short]));
    const padded = bert.encode(collate([short, long]));
    for (let i = 0; i < alone.size; i++) expect(padded.data[i]).toBeCloseTo(alone.data[i]!, 5);
  });

  it('gradients of a whole classification loss agree with finite differences', () => {
    const tok = tokenizerFor('good fun film bad dull plot', 30);
    const bert = new BertModel({
      vocabSize: tok.vocabSize,
      hiddenSize: 8,
      numAttentionHeads: 2,
      numHiddenLayers: 1,
      intermediateSize: 8,
      maxPositionEmbeddings: 8,
      seed: 5,
    });
    const clf = new BertForSequenceClassification(bert, tok, ['neg', 'pos']);
    const batch = collate([tok.encodePlus('good fun film'), tok.encodePlus('bad plot')]);
    const loss = () => crossEntropy(clf.logits(batch), [1, 0]);
    for (const p of bert.parameters()) p.grad = null;
    loss().backward();
    const names = [
      'bert.embeddings.word_embeddings.weight',
      'bert.encoder.layer.0.attention.self.query.weight',
      'bert.encoder.layer.0.output.LayerNorm.weight',
      'bert.pooler.dense.weight',
      'classifier.bias',
    ];
    const h = 1e-2;
    for (const name of names) {
      const p = bert.tensors.get(name)!;
      for (const i of [0, Math.floor(p.size / 2), p.size - 1]) {
        const orig = p.data[i]!;
        p.data[i] = orig + h;
        const up = loss().item();
        p.data[i] = orig - h;
        const down = loss().item();
        p.data[i] = orig;
        expect(Math.abs((up - down) / (2 * h) - p.grad![i]!), `${name}[${i}]`).toBeLessThan(2e-3);
      }
    }
  });
});

describe('BERT pretraining: masked LM (80/10/10) and next-sentence prediction', () => {
  const lee = loadLeeCorpus();
  const tok = tokenizerFor([...lee.slice(0, 60), RIVER_BANK, MONEY_BANK].join('\n'), 600);

  it('chooses 15 % of the tokens and replaces them 80 % [MASK], 10 % random, 10 % unchanged', () => {
    const rng = new RandomState(1);
    const ids = tok.encode(lee[0]!, undefined, { maxLength: 128 });
    let chosen = 0;
    let candidates = 0;
    const kinds = { mask: 0, random: 0, same: 0 };
    const maskId = tok.tokenToId('[MASK]');
    for (let r = 0; r < 400; r++) {
      const ex = maskTokens(
        tok,
        ids,
        ids.map(() => 0),
        rng,
      );
      candidates += ids.length - 2;
      chosen += ex.maskedPositions.length;
      ex.maskedPositions.forEach((t, k) => {
        expect(ex.maskedLabels[k]).toBe(ids[t]);
        const now = ex.encoding.ids[t];
        if (now === maskId) kinds.mask++;
        else if (now === ids[t]) kinds.same++;
        else kinds.random++;
      });
      // [CLS] and [SEP] are never chosen
      expect(ex.maskedPositions).not.toContain(0);
      expect(ex.maskedPositions).not.toContain(ids.length - 1);
    }
    expect(chosen / candidates).toBeCloseTo(0.15, 2);
    expect(kinds.mask / chosen).toBeGreaterThan(0.77);
    expect(kinds.mask / chosen).toBeLessThan(0.83);
    // a random replacement can draw the original token: "same" is a little over 10 %
    expect(kinds.random / chosen).toBeGreaterThan(0.08);
    expect(kinds.same / chosen).toBeGreaterThan(0.08);
  });

  it('draws sentence pairs: half continue, half random; segments and lengths as BERT expects', () => {
    const corpus = new PretrainingCorpus(tok, lee.slice(0, 60));
    const rng = new RandomState(2);
    const examples = Array.from({ length: 400 }, () => corpus.sample(rng, 48));
    const isNext = examples.filter((e) => e.nextSentenceLabel === 0).length;
    expect(isNext / 400).toBeGreaterThan(0.42);
    expect(isNext / 400).toBeLessThan(0.58);
    const sep = tok.tokenToId('[SEP]');
    for (const e of examples) {
      const { ids, tokenTypeIds } = e.encoding;
      expect(ids.length).toBeLessThanOrEqual(48);
      expect(ids[0]).toBe(tok.tokenToId('[CLS]'));
      expect(ids.at(-1)).toBe(sep);
      // segment A (type 0) ends with the first [SEP]; segment B (type 1) fills the rest
      const firstSep = e.encoding.tokens.indexOf('[SEP]');
      expect(tokenTypeIds.slice(0, firstSep + 1).every((t) => t === 0)).toBe(true);
      expect(tokenTypeIds.slice(firstSep + 1).every((t) => t === 1)).toBe(true);
    }
  });

  it('pretraining a tiny BERT on the Lee corpus lowers the masked-LM loss; "bank" becomes contextual', () => {
    const corpus = new PretrainingCorpus(tok, [...lee.slice(0, 60), RIVER_BANK, MONEY_BANK]);
    const bert = new BertModel({
      vocabSize: tok.vocabSize,
      hiddenSize: 32,
      numAttentionHeads: 2,
      maxPositionEmbeddings: 48,
    });
    const pre = new BertForPreTraining(bert, tok);
    const heldOutRng = new RandomState(7);
    const heldOut = Array.from({ length: 64 }, () => corpus.sample(heldOutRng, 48));
    const before = pre.evaluate(heldOut);
    const events: string[] = [];
    pre.fit(corpus, {
      steps: 150,
      batchSize: 16,
      maxLength: 48,
      lr: 2e-3,
      onProgress: (e) => events.push(e.phase),
    });
    const after = pre.evaluate(heldOut);
    expect(events.filter((p) => p === 'step')).toHaveLength(150);
    expect(events.at(-1)).toBe('end');
    // ln(600) = 6.4 at the start; the unigram distribution alone gives about 5.5
    expect(before.evalMlmLoss).toBeGreaterThan(6);
    expect(after.evalMlmLoss).toBeLessThan(before.evalMlmLoss - 0.5);
    expect(mean(pre.lossCurve.slice(-20))).toBeLessThan(mean(pre.lossCurve.slice(0, 20)) - 0.5);
    // the course's point: one word, two contexts, two vectors
    const c = bankCosine(bert, tok);
    expect(c).toBeLessThan(0.99);
    expect(c).toBeGreaterThan(-1);
  }, 180_000); // training: minutes when the 2-core CI machine runs every package at once

  it('fill-mask learns a pattern: "the cat sat on the [MASK]" → mat', () => {
    const docs = Array.from({ length: 40 }, (_, i) =>
      i % 2
        ? 'the cat sat on the mat . the dog lay on the rug .'
        : 'the dog lay on the rug . the cat sat on the mat .',
    );
    const small = tokenizerFor(docs.join('\n'), 40);
    const bert = new BertModel({
      vocabSize: small.vocabSize,
      hiddenSize: 32,
      maxPositionEmbeddings: 32,
      hiddenDropoutProb: 0,
      attentionProbsDropoutProb: 0,
    });
    const pre = new BertForPreTraining(bert, small).fit(new PretrainingCorpus(small, docs), {
      steps: 400,
      batchSize: 16,
      maxLength: 32,
      lr: 2e-3,
    });
    const preds = pre.fillMask('the cat sat on the [MASK] .', { topK: 3 });
    expect(preds).toHaveLength(3);
    expect(preds[0]!.token_str).toBe('mat');
    expect(preds[0]).toMatchObject({ sequence: 'the cat sat on the mat.', maskIndex: 0 });
    expect(preds[0]!.score).toBeGreaterThan(0.5);
    expect(preds[0]!.score).toBeGreaterThanOrEqual(preds[1]!.score);
    expect(pre.fillMask('the dog lay on the [MASK] .')[0]!.token_str).toBe('rug');
    expect(() => pre.fillMask('no mask here')).toThrow(/has no \[MASK\] token/);
  }, 180_000); // training: minutes when the 2-core CI machine runs every package at once
});

describe('BERT fine-tuning heads', () => {
  it('sequence classification on an SST-2 slice beats the majority class on the dev set', () => {
    const train = loadSst2('train').slice(0, 4000);
    const dev = loadSst2('dev');
    const tok = tokenizerFor(train.map((r) => r.sentence).join('\n'), 800);
    const bert = new BertModel({ vocabSize: tok.vocabSize, hiddenSize: 32, maxPositionEmbeddings: 64 });
    const clf = new BertForSequenceClassification(bert, tok, ['negative', 'positive']);
    const accBefore = clf.accuracy(
      dev.map((r) => r.sentence),
      dev.map((r) => r.label),
    );
    clf.fit(
      train.map((r) => r.sentence),
      train.map((r) => r.label),
      { epochs: 2, batchSize: 32, lr: 2e-3 },
    );
    const acc = clf.accuracy(
      dev.map((r) => r.sentence),
      dev.map((r) => r.label),
    );
    // dev is 444 positive / 428 negative: 50.9 % for a constant answer
    expect(acc).toBeGreaterThan(0.6);
    expect(acc).toBeGreaterThan(accBefore + 0.05);
    const [p] = clf.predict(['a charming , funny and moving film']);
    expect(Object.keys(p!.scores)).toEqual(['negative', 'positive']);
    expect(p!.scores.negative! + p!.scores.positive!).toBeCloseTo(1, 6);
  }, 180_000); // training: minutes when the 2-core CI machine runs every package at once

  const colors = ['red', 'blue', 'green', 'white', 'black', 'pink'];
  const animals = ['cat', 'dog', 'cow', 'fox', 'owl', 'pig'];
  const vocabText = [...colors, ...animals, 'the', 'a', 'is', 'sat', 'near', 'what', 'color', '?', '.'].join(
    ' ',
  );

  it('token classification tags colours and animals in unseen combinations', () => {
    const tok = tokenizerFor(vocabText, 120);
    const make = (c: string, a: string, c2: string, a2: string) => ({
      words: ['the', c, a, 'sat', 'near', 'a', c2, a2],
      tags: ['O', 'COLOR', 'ANIMAL', 'O', 'O', 'O', 'COLOR', 'ANIMAL'],
    });
    const rng = new RandomState(4);
    const pick = (xs: string[]) => xs[rng.randint(xs.length)]!;
    const sentences = Array.from({ length: 300 }, () =>
      make(pick(colors), pick(animals), pick(colors), pick(animals)),
    );
    const bert = new BertModel({ vocabSize: tok.vocabSize, hiddenSize: 32, maxPositionEmbeddings: 16 });
    const tagger = new BertForTokenClassification(bert, tok, ['O', 'COLOR', 'ANIMAL']).fit(sentences, {
      epochs: 3,
      batchSize: 16,
      lr: 3e-3,
    });
    const out = tagger.predict('the pink owl sat near a black fox');
    expect(out.map((p) => [p.word, p.entity])).toEqual([
      ['pink', 'COLOR'],
      ['owl', 'ANIMAL'],
      ['black', 'COLOR'],
      ['fox', 'ANIMAL'],
    ]);
    expect(out.map((p) => p.index)).toEqual([1, 2, 6, 7]);
    expect(() => tagger.fit([{ words: ['the'], tags: ['VERB'] }])).toThrow(/tag "VERB" is not one of/);
  }, 180_000); // training: minutes when the 2-core CI machine runs every package at once

  it('question answering finds the answer span in a context', () => {
    const tok = tokenizerFor(vocabText, 120);
    const rng = new RandomState(6);
    // the colour sentence sits among others at a random place; the answer is its colour
    const example = () => {
      const [a1, a2, a3] = rng
        .permutation(animals.length)
        .slice(0, 3)
        .map((i) => animals[i]!);
      const color = colors[rng.randint(colors.length)]!;
      const sentences = [
        `the ${a1} is ${color} .`,
        `the ${a2} sat near a ${a3} .`,
        `a ${a3} is near the ${a1} .`,
      ];
      const order = rng.permutation(3).map((i) => sentences[i]!);
      return { question: `what color is the ${a1} ?`, context: order.join(' '), answer: color };
    };
    const train = Array.from({ length: 800 }, example);
    const test = Array.from({ length: 40 }, example);
    const bert = new BertModel({
      vocabSize: tok.vocabSize,
      hiddenSize: 64,
      numAttentionHeads: 4,
      maxPositionEmbeddings: 48,
      hiddenDropoutProb: 0,
      attentionProbsDropoutProb: 0,
    });
    const qa = new BertForQuestionAnswering(bert, tok).fit(train, { epochs: 4, batchSize: 16, lr: 1e-3 });
    const right = test.filter((ex) => qa.answer(ex.question, ex.context).answer === ex.answer).length;
    expect(right / test.length).toBeGreaterThanOrEqual(0.9);
    const a = qa.answer('what color is the cat ?', 'the dog sat near a cow . the cat is blue .');
    expect(a).toMatchObject({ answer: 'blue', start: 36, end: 40 });
    expect(a.score).toBeGreaterThan(0);
    expect(a.score).toBeLessThanOrEqual(1);
    expect(() => qa.fit([{ question: 'what ?', context: 'the cat is red .', answer: 'green' }])).toThrow(
      /the answer "green" is not in the \(truncated\) context/,
    );
  }, 180_000); // training: minutes when the 2-core CI machine runs every package at once
});

describe('contextual embeddings: the course\'s "bank" sentences', () => {
  it('gives "bank" a different vector in a river sentence and a money sentence (a static embedding would not)', () => {
    const tok = tokenizerFor(`${RIVER_BANK}\n${MONEY_BANK}`, 60);
    const bert = new BertModel({
      vocabSize: tok.vocabSize,
      hiddenSize: 32,
      maxPositionEmbeddings: 32,
      seed: 1,
    });
    const river = wordVector(bert, tok, RIVER_BANK, 'bank');
    const money = wordVector(bert, tok, MONEY_BANK, 'bank');
    expect(river).toHaveLength(32);
    const c = bankCosine(bert, tok);
    expect(c).toBeCloseTo(cosine(river, money), 10);
    expect(river).not.toEqual(money);
    // the same word in the same sentence is the same vector
    expect(cosine(river, wordVector(bert, tok, RIVER_BANK, 'bank'))).toBeCloseTo(1, 10);
    expect(() => wordVector(bert, tok, RIVER_BANK, 'money')).toThrow(/"money" is not a word of/);
  });
});

describe('BERT bad input', () => {
  const tok = tokenizerFor('the cat sat on the mat', 40);
  const bert = new BertModel({ vocabSize: tok.vocabSize, hiddenSize: 16, maxPositionEmbeddings: 8 });

  it('names the problem: lengths, ids, masks, configs, tokenizers, labels, texts', () => {
    expect(() => bert.encode({ inputIds: [], tokenTypeIds: [], attentionMask: [] })).toThrow(
      /an empty batch/,
    );
    const long = tok.encodePlus('the cat sat on the mat the cat sat on the mat');
    expect(() => bert.encode(collate([long]))).toThrow(
      /sequences of 14 tokens, but the model has 8 positions/,
    );
    expect(() =>
      bert.encode({ inputIds: [[2, 999]], tokenTypeIds: [[0, 0]], attentionMask: [[1, 1]] }),
    ).toThrow(/inputIds\[0\]\[1\] = 999 is outside/);
    expect(() =>
      bert.encode({ inputIds: [[2, 3]], tokenTypeIds: [[0, 5]], attentionMask: [[1, 1]] }),
    ).toThrow(/tokenTypeIds\[0\]\[1\] = 5/);
    expect(() => bert.encode({ inputIds: [[2, 3]], tokenTypeIds: [[0]], attentionMask: [[1, 1]] })).toThrow(
      /tokenTypeIds must be 1 rows of 2 values/,
    );
    // embed() truncates over-long text to the model's positions (documented) instead of failing
    expect(bert.embed(tok, 'the cat sat on the mat the cat sat on the mat').tokens).toHaveLength(8);
    expect(() => new BertModel({ vocabSize: 10, hiddenSize: 10, numAttentionHeads: 3 })).toThrow(
      /not a multiple of numAttentionHeads/,
    );
    expect(() => new BertModel({ vocabSize: 0 })).toThrow(/vocabSize must be a positive integer/);
    const other = tokenizerFor('a completely different text with other words', 45);
    expect(() => new BertForPreTraining(bert, other)).toThrow(
      /tokenizer has 45 pieces but the model's vocabulary is \d+/,
    );
    const clf = new BertForSequenceClassification(bert, tok, ['a', 'b']);
    expect(() => clf.fit(['the cat'], ['c'])).toThrow(/label "c" of example 0 is not one of/);
    expect(() => clf.fit(['the cat', ' '], ['a', 'b'])).toThrow(/text 1 is empty/);
    expect(() => clf.fit(['the cat'], ['a', 'b'])).toThrow(/1 texts but 2 labels/);
    expect(() => new BertForSequenceClassification(bert, tok, ['a', 'a'])).toThrow(
      /at least 2 distinct names/,
    );
  });

  it('a checkpoint whose shapes do not match its config, and a corrupt safetensors header, are refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firth-bert-bad-'));
    await bert.save(dir, tok);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, intermediate_size: 32 }));
    await expect(BertModel.load(dir)).rejects.toThrow(
      /model\.safetensors: tensor "bert\.encoder\.layer\.0\.intermediate\.dense\.weight" has shape \[64,16\], but config\.json implies \[32,16\]$/,
    );
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, model_type: 'gpt2' }));
    await expect(BertModel.load(dir)).rejects.toThrow(
      /config\.json: \$\.model_type must be one of "bert", got the string "gpt2"$/,
    );
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const bytes = readFileSync(join(dir, 'model.safetensors'));
    bytes.writeBigUInt64LE(10n ** 12n, 0); // a header longer than the file
    writeFileSync(join(dir, 'model.safetensors'), bytes);
    await expect(BertModel.load(dir)).rejects.toThrow(
      /model\.safetensors: header length 1000000000000 is over the 100000000-byte limit$/,
    );
    // a tensor missing from the checkpoint
    const V = config.vocab_size as number;
    const tensors = new Map([
      ['bert.embeddings.word_embeddings.weight', { shape: [V, 16], data: new Float32Array(V * 16) }],
    ]);
    const { writeSafetensors } = await import('./safetensors.js');
    expect(() => BertModel.fromSafetensors(writeSafetensors(tensors), config)).toThrow(
      'model.safetensors: has no tensor "bert.embeddings.position_embeddings.weight" (config.json implies [8,16])',
    );
    void Tensor;
    void matmul;
    void reshape;
  });
});
