/**
 * The numbers each workflow in `workflows/` must produce — the lesson it replays. Shared by tier 2
 * (workflows.test.ts, n8n's engine in-process) and tier 3 (n8n.int.test.ts, the real n8n CLI), so
 * both assert the same values on the same JSON.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTinyShakespeare } from '@firth/datasets';
import { answerAnalogy, documentSimilarity, loadPretrained, Word2Vec } from '@firth/embeddings';
import { FirthEmbeddings, type PipelineInputs, pipelineArguments } from '@firth/langchain';
// @firth/llm is not a dependency of the test package: the core's own source, for the LLM workflows
import { compareTokenizers } from '@firth/llm';
import { pipeline, taskInfo } from '@firth/pipelines';
import { pngSize } from '@firth/plot';
import {
  answerWithSources,
  askCourseNotes,
  BM25,
  citedSentences,
  courseNotesRetriever,
  createRagChain,
  DEFAULT_ANALYZER,
  FirthMemoryVectorStore,
  groundedness,
  HybridRetriever,
  loadCourseNotes,
  QUESTION_STOP_WORDS,
} from '@firth/rag';
import {
  CharTokenizer,
  cosine,
  GPT,
  generate,
  loadLlama2c,
  loadTinyBert,
  MONEY_BANK,
  RIVER_BANK,
  selfAttentionLesson,
  shippedTokenizer,
  wordVector,
} from '@firth/transformers';
import type { IDataObject } from 'n8n-workflow';
import { expect } from 'vitest';
import { expectRoundedBeside } from './harness/rounded.js';

/** What an expectation reads from a finished run, whichever tier produced it. */
export interface WorkflowValues {
  /** `json` of every item a node emitted on its first main output. */
  json(nodeName: string): IDataObject[];
  /** `binary` of those items; tier 3 may carry only metadata (no `data`). */
  binary(nodeName: string): Array<Record<string, { mimeType?: string; data?: string; id?: string }>>;
  /** A sub-node's calls: the first item it reported on its AI output (`ai_retriever`, …), per call. */
  aiOutputs(nodeName: string, type: string): IDataObject[];
}

/**
 * The chart every item (or the first) of a node attaches: binary `plot`, a PNG (n8n's binary view
 * shows it inline), first; `plotSvg`, the same chart as SVG, second. When the bytes are there
 * (tier 2; the real n8n keeps them in its store and sends an `id`), the PNG is 2 × the SVG's size.
 */
function expectPlot(run: WorkflowValues, node: string, items: 'every' | 'first' = 'every'): void {
  const binaries = run.binary(node).slice(0, items === 'first' ? 1 : undefined);
  expect(binaries.length, node).toBeGreaterThan(0);
  for (const binary of binaries) {
    expect(Object.keys(binary), node).toEqual(['plot', 'plotSvg']);
    const { plot, plotSvg } = binary as Record<
      'plot' | 'plotSvg',
      { mimeType?: string; data?: string; id?: string }
    >;
    expect(plot.mimeType, node).toBe('image/png');
    expect(plotSvg.mimeType, node).toBe('image/svg+xml');
    if (plot.data && !plot.id && plotSvg.data && !plotSvg.id) {
      const svg = Buffer.from(plotSvg.data, 'base64').toString('utf8');
      expect(svg, node).toMatch(/^<svg[\s>]/);
      const [, width, height] = svg.match(/^<svg[^>]* width="([\d.]+)" height="([\d.]+)"/) ?? [];
      expect(pngSize(Buffer.from(plot.data, 'base64')), node).toEqual({
        width: 2 * Number(width),
        height: 2 * Number(height),
      });
    }
  }
}

/**
 * The embeddings-into-a-vector-store lesson: five documents inserted by `insertNode`, and for
 * "doctors treated a cardiac illness" three hits with the heart-attack story first although they
 * share no word — each score the core's cosine of the mean GloVe vectors, as the store reports it.
 */
async function expectCardiacSearch(
  run: WorkflowValues,
  insertNode: string,
  scoreOf: (similarity: number) => number,
  order: 'ascending' | 'descending',
): Promise<void> {
  expect(run.json(insertNode)).toHaveLength(5);
  const hits = run.json('Search: a cardiac illness') as {
    document: { pageContent: string; metadata: { id: string } };
    score: number;
  }[];
  expect(hits).toHaveLength(3);
  expect(hits[0]?.document.metadata.id).toBe('cardiac');
  const glove = await loadPretrained('glove-6b-100d-top20k');
  for (const hit of hits) {
    const similarity = documentSimilarity(
      'doctors treated a cardiac illness',
      hit.document.pageContent,
      glove,
    );
    expect(hit.score).toBeCloseTo(scoreOf(similarity), 5);
  }
  const scores = hits.map((h) => h.score);
  expect(scores).toEqual([...scores].sort((x, y) => (order === 'ascending' ? x - y : y - x)));
}

/** Deep comparison where every number is compared with toBeCloseTo(…, 9). */
function expectClose(actual: unknown, expected: unknown, where = 'value'): void {
  if (typeof expected === 'number') {
    expect(actual, where).toBeTypeOf('number');
    expect(actual as number, where).toBeCloseTo(expected, 9);
  } else if (Array.isArray(expected)) {
    expect(actual, where).toBeInstanceOf(Array);
    expect((actual as unknown[]).length, `${where}.length`).toBe(expected.length);
    for (const [i, e] of expected.entries()) expectClose((actual as unknown[])[i], e, `${where}[${i}]`);
  } else if (expected !== null && typeof expected === 'object') {
    expect(actual, where).toBeTypeOf('object');
    for (const [key, e] of Object.entries(expected)) {
      expectClose((actual as Record<string, unknown>)[key], e, `${where}.${key}`);
    }
  } else {
    expect(actual, where).toEqual(expected);
  }
}

// ---------------------------------------------------------------------------------------------
// Per-workflow value assertions: the numbers of the lesson each workflow replays.
// ---------------------------------------------------------------------------------------------

/**
 * "Step-by-Step Hand Calculation for AND Gate": η = 0.1, w = [0.3, −0.1], b = 0.2,
 * w ← w + η·error·x, b ← b + η·error, rows in order. The first six steps of the trace.
 */
const andGateCourseTrace = [
  //   epoch, index, inputs, z, output, target, error, weights after, bias after
  step(1, 0, [0, 0], 0.2, 1, 0, -1, [0.3, -0.1], 0.1),
  step(1, 1, [0, 1], 0, 1, 0, -1, [0.3, -0.2], 0),
  step(1, 2, [1, 0], 0.3, 1, 0, -1, [0.2, -0.2], -0.1),
  step(1, 3, [1, 1], -0.1, 0, 1, 1, [0.3, -0.1], 0),
  step(2, 0, [0, 0], 0, 1, 0, -1, [0.3, -0.1], -0.1),
  step(2, 1, [0, 1], -0.2, 0, 0, 0, [0.3, -0.1], -0.1),
];

/** One row of the hand calculation, named as the node's `trace` names it. */
function step(
  epoch: number,
  index: number,
  inputs: number[],
  z: number,
  output: number,
  target: number,
  error: number,
  weights: number[],
  bias: number,
) {
  return { epoch, index, inputs, z, output, target, error, weights, bias };
}

/** Every number within 1e-6 (the precision the course prints). */
function expectClose6(actual: unknown, expected: unknown, where = 'value'): void {
  if (typeof expected === 'number') {
    expect(Math.abs((actual as number) - expected), where).toBeLessThan(1e-6);
  } else if (Array.isArray(expected)) {
    expect((actual as unknown[]).length, `${where}.length`).toBe(expected.length);
    for (const [i, e] of expected.entries()) expectClose6((actual as unknown[])[i], e, `${where}[${i}]`);
  }
}

/** A deliberately naive cross-correlation with zero padding p and stride s, to compare against. */
function crossCorrelate(x: number[][], k: number[][], s: number, p: number): number[][] {
  const at = (i: number, j: number) => x[i - p]?.[j - p] ?? 0;
  const rows = Math.floor((x.length + 2 * p - k.length) / s) + 1;
  const cols = Math.floor((x[0]!.length + 2 * p - k[0]!.length) / s) + 1;
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => {
      let sum = 0;
      for (let u = 0; u < k.length; u++)
        for (let v = 0; v < k[0]!.length; v++) sum += at(i * s + u, j * s + v) * k[u]![v]!;
      return sum;
    }),
  );
}

/** `workflow file → assertions on its run`. Every workflow needs one (see the generic checks). */
export const expectations: Record<string, (run: WorkflowValues) => void | Promise<void>> = {
  'perceptron-and-gate.json': (run) => {
    const [course] = run.json('Perceptron (course rule)');
    expectClose(
      ((course?.trace ?? []) as unknown[]).slice(0, andGateCourseTrace.length),
      andGateCourseTrace,
      'trace',
    );
    expect(course).toMatchObject({
      rule: 'course',
      converged: true,
      accuracy: 1,
      featureNames: ['x1', 'x2'],
    });
    expect(course?.predictions).toEqual([0, 0, 0, 1]);
    // what the learner reads: the hand calculation's 0.2 and −0.3, not 0.19999999999999998 and
    // −0.30000000000000004 (exact values beside them)
    expect(course?.rounded).toMatchObject({ weights: [0.2, 0.2], bias: -0.3 });
    expectRoundedBeside(course!, ['weights', 'bias', 'trace']);

    // The course's Python cell: Perceptron(max_iter=100, eta0=0.1, random_state=42)
    const [sklearn] = run.json('Perceptron (scikit-learn)');
    expectClose(sklearn?.coef, [[0.2, 0.2]], 'coef');
    expectClose(sklearn?.intercept, [-0.2], 'intercept');
    expect(sklearn?.predictions).toEqual([0, 0, 0, 1]);

    // Predict AND: the scikit-learn model, read with $('Perceptron (scikit-learn)').first()
    expect(run.json('Predict AND').map((item) => item.prediction)).toEqual([0, 0, 0, 1]);
    // w·x + b read as the course writes it: −2.7755575615628914e-17 reads 0
    expect(run.json('Predict AND').map((item) => (item.rounded as IDataObject).decision)).toEqual([
      -0.2, 0, 0, 0.2,
    ]);

    // Both trainings attach the decision boundary as an SVG
    for (const node of ['Perceptron (course rule)', 'Perceptron (scikit-learn)']) expectPlot(run, node);
  },

  'embeddings-into-vector-store.json': async (run) => {
    // the store's scores are the cosine of the mean word vectors, best first
    await expectCardiacSearch(run, 'Insert documents', (similarity) => similarity, 'descending');
  },

  'embeddings-into-pgvector.json': async (run) => {
    // the same lesson stored by pgvector: its `<=>` score is the cosine *distance* (1 − similarity),
    // nearest first; stored as float4, hence 5 digits
    await expectCardiacSearch(
      run,
      'Insert into Postgres PGVector',
      (similarity) => 1 - similarity,
      'ascending',
    );
  },

  'word-analogies.json': async (run) => {
    // b − a + c by gensim's 3CosAdd, recomputed here by the core on the same shipped vectors
    const glove = await loadPretrained('glove-6b-100d-top20k');
    const items = run.json('Analogy (GloVe 6B 100d)') as {
      a: string;
      b: string;
      c: string;
      expected: string;
      answer: string;
      answers: { word: string; score: number }[];
      correct: boolean;
    }[];
    expect(items).toHaveLength(8);
    for (const q of items) {
      const core = glove.mostSimilar({ positive: [q.b, q.c], negative: [q.a], topn: 3 });
      expect(
        q.answers.map((x) => x.word),
        `${q.a}:${q.b}::${q.c}`,
      ).toEqual(core.map(([w]) => w));
      for (const [k, [, score]] of core.entries()) expect(q.answers[k]!.score).toBeCloseTo(score, 6);
    }
    // the course's king − man + woman = queen; 6 of the 8 right, as measured (GloVe answers
    // boy : girl :: brother : daughter and mouse : mice :: dollar : weaker — 3CosAdd's known misses),
    // and each item says so: `correct`, the core's verdict (answerAnalogy), beside its scores rounded
    expect(items[0]).toMatchObject({ a: 'man', b: 'king', c: 'woman', answer: 'queen', correct: true });
    for (const q of items) {
      expect(q.correct, `${q.a}:${q.b}::${q.c}`).toBe(q.answer === q.expected);
      expect(q.correct).toBe(answerAnalogy(glove, q).correct);
      expectRoundedBeside(q, ['answers']);
    }
    expect(items.filter((q) => q.correct).map((q) => q.expected)).toEqual([
      'queen',
      'iraq',
      'japan',
      'worse',
      'swimming',
      'chinese',
    ]);
    expect(items.filter((q) => !q.correct).map((q) => `${q.c} : ${q.answer}, not ${q.expected}`)).toEqual([
      'brother : daughter, not sister',
      'dollar : weaker, not dollars',
    ]);

    const [computer] = run.json("Words similar to 'computer'") as {
      similar: { word: string; score: number }[];
    }[];
    expect(computer!.similar.map((x) => x.word)).toEqual(
      glove.mostSimilar({ positive: ['computer'], topn: 5 }).map(([w]) => w),
    );
    expect(computer!.similar.map((x) => x.word)).toContain('software');

    const w2v = await loadPretrained('word2vec-300d-top1000');
    const [w2vAnalogy] = run.json('Analogy (word2vec 300d)');
    expect(w2vAnalogy?.answer).toBe(
      w2v.mostSimilar({ positive: ['king', 'woman'], negative: ['man'], topn: 1 })[0]![0],
    );
    expect(w2vAnalogy).toMatchObject({ expected: 'queen', correct: true });
    expect(run.json("Doesn't match")[0]?.doesntMatch).toBe('cereal');
  },

  'word2vec-train-and-query.json': async (run) => {
    // The course's cell: Word2Vec(sentences, vector_size=50, window=2, min_count=1) — the node's
    // model equals the core's for the same options and seed (workers 1: deterministic)
    const [toy] = run.json('Word2Vec (course toy corpus)');
    const core = new Word2Vec(
      [
        ['data', 'science', 'is', 'fun'],
        ['machine', 'learning', 'is', 'powerful'],
        ['data', 'and', 'learning', 'are', 'related'],
      ],
      { vectorSize: 50, window: 2, minCount: 1, epochs: 5, seed: 1, workers: 1 },
    );
    expect(toy).toMatchObject({ vocabularySize: 10, vectorSize: 50, documents: 3 });
    const near = (toy!.neighbours as Record<string, { word: string; score: number }[]>).data!;
    const coreNear = core.wv.mostSimilar('data', 5);
    expect(near.map((n) => n.word)).toEqual(coreNear.map(([w]) => w));
    for (const [k, [, score]] of coreNear.entries()) expect(near[k]!.score).toBeCloseTo(score, 6);
    const wv = (toy!.model as { wv: { keys: string[]; vectors: number[] } }).wv;
    const at = wv.keys.indexOf('data');
    expectClose6(wv.vectors.slice(at * 50, at * 50 + 50), [...core.wv.get('data')]);

    // skip-gram on the Lee news corpus: loss falls; (measured, seeds 1–3) 'bush' next to 'president'
    const [lee] = run.json('Word2Vec (Lee news, skip-gram)');
    const loss = lee?.lossCurve as number[];
    expect(loss).toHaveLength(10);
    expect(loss[9]!).toBeLessThan(loss[0]! - 0.05);
    const [president] = run.json("Most similar to 'president'") as {
      similar: { word: string; score: number }[];
    }[];
    expect(president!.similar.map((s) => s.word)).toContain('bush');
    // the query node, reading the model from JSON, ranks as the Train node did in memory
    const probe = (lee!.neighbours as Record<string, { word: string; score: number }[]>).president!;
    expect(president!.similar.map((s) => s.word)).toEqual(probe.map((s) => s.word));
    const sim = Object.fromEntries(
      run.json('Similarity').map((r) => [`${r.word1}/${r.word2}`, r.similarity as number]),
    );
    expect(sim['afghanistan/taliban']!).toBeGreaterThan(0.8);
    expect(sim['afghanistan/cricket']!).toBeLessThan(0.6);
    expect(sim['israeli/palestinian']!).toBeGreaterThan(sim['israeli/cricket']! + 0.4);

    // GloVe on the same corpus: the weighted least-squares loss falls to under half
    const [glove] = run.json('GloVe (Lee news)');
    const gloveLoss = glove?.lossCurve as number[];
    expect(gloveLoss).toHaveLength(15);
    expect(gloveLoss[14]!).toBeLessThan(gloveLoss[0]! * 0.5);
    expect((glove!.neighbours as Record<string, unknown[]>).president).toHaveLength(5);
  },

  'attention-explained.json': (run) => {
    // "What is Self-Attention": Q = K = V = the sentence, 6 × 6 weights, rows sum to 1 — equal to
    // the core's computation for the same random vectors (seed 0, d 512)
    const words = ['YOUR', 'CAT', 'IS', 'A', 'LOVELY', 'CAT'];
    const [course] = run.json('Self-attention (course)');
    const weights = course?.weights as number[][];
    expectClose(weights, selfAttentionLesson(words, { seed: 0, dModel: 512 }).weights, 'weights');
    for (const row of weights) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // without positions the two CATs are the same vector: CAT attends equally to both
    expect(weights[1]![1]).toBe(weights[1]![5]);
    // read as the course prints its table (YOUR → YOUR 0.268 there, with other random vectors)
    expectRoundedBeside(course!, ['weights']);
    expectPlot(run, 'Self-attention (course)');
    const positioned = run.json('With positions')[0]?.weights as number[][];
    expect(positioned[1]![1]).not.toBeCloseTo(positioned[1]![5]!, 6);
    // masked: each word sees only itself and earlier words; 'queen' attends to 'king' over 'and'
    const masked = run.json('Masked (decoder), GloVe')[0]?.weights as number[][];
    expect(masked[0]).toEqual([1, 0, 0, 0, 0]);
    for (const [i, row] of masked.entries()) expect(row.slice(i + 1).every((w) => w === 0)).toBe(true);
    expect(masked[4]![1]!).toBeGreaterThan(masked[4]![2]!);
    const [tokens] = run.json('Tokens');
    expect(tokens?.tokens).toEqual(
      shippedTokenizer('wordpiece-shakespeare').tokenize('YOUR CAT IS A LOVELY CAT'),
    );
  },

  'tinystories-generate.json': async (run) => {
    const [tokens] = run.json('Tokens of the prompt');
    expect(tokens).toMatchObject({ tokens: [' Once', ' upon', ' a', ' time'], ids: [403, 407, 261, 378] });
    // greedy from the start token: the story an independent NumPy llama2.c writes
    const [greedy] = run.json('Story from scratch (greedy)');
    expect(greedy?.text as string).toMatch(
      /^Once upon a time, there was a little girl named Lily\. She loved to play outside in the park\./,
    );
    expect(greedy).toMatchObject({
      finishReason: 'length',
      usage: { promptTokens: 1, completionTokens: 60 },
    });
    // sampled: the same text as the core for the same seed and settings, cut at the stop sequence
    const model = await loadLlama2c();
    const tokenizer = shippedTokenizer('llama2c-tinystories') as Parameters<typeof generate>[1];
    const core = await generate(model, tokenizer, 'Lily and Ben', {
      maxNewTokens: 80,
      temperature: 0.9,
      seed: 7,
      topP: 0.9,
      repetitionPenalty: 1.1,
      stop: ['\n'],
    });
    const [sampled] = run.json('Story about Lily and Ben (sampled)');
    expect(sampled?.text).toBe(core.text);
    expect(sampled?.completion).toBe(`Lily and Ben${core.text}`);
    expect(sampled?.text as string).not.toContain('\n');
  },

  'xor-mlp.json': (run) => {
    // The course's cell: MLPClassifier((2,), tanh, adam, learning_rate_init=0.01, max_iter=10000,
    // random_state=42) — the weights and biases it prints, to 1e-6.
    const [mlp] = run.json('MLP (course XOR)');
    expect(mlp?.nIter).toBe(617);
    expectClose6(mlp?.coefs, [
      [
        [2.7144501, 3.27401218],
        [-2.73418453, -3.17014048],
      ],
      [[-4.37775211], [4.46553876]],
    ]);
    expectClose6(mlp?.intercepts, [[1.21994174, -1.63451199], [3.61855675]]);
    expect(mlp?.loss as number).toBeCloseTo(0.0279368, 7);
    expect(mlp?.predictions).toEqual([0, 1, 1, 0]);
    expect(mlp?.accuracy).toBe(1);
    expect(mlp?.lossCurve as number[]).toHaveLength(617);
    expectPlot(run, 'MLP (course XOR)');
    expect(run.json('Predict XOR').map((i) => i.prediction)).toEqual([0, 1, 1, 0]);
    // XOR is not linearly separable: the perceptron never has an error-free pass.
    const [perceptron] = run.json('Perceptron cannot learn XOR');
    expect(perceptron?.converged).toBe(false);
    expect(perceptron?.accuracy as number).toBeLessThan(1);
  },

  'char-rnn-shakespeare.json': (run) => {
    // ml5's pretrained char-LSTM continues "ROMEO:\n" with Shakespeare-like text: words, and
    // speaker lines ("GLOUCESTER:") on their own line.
    const [ml5] = run.json('Pretrained Shakespeare LSTM (ml5)');
    const text = ml5?.text as string;
    expect(text).toHaveLength(300);
    expect(ml5?.completion).toBe(`ROMEO:\n${text}`);
    expect(text).toMatch(/^[A-Z][A-Za-z ]+:$/m);
    expect(text.split(/\s+/).filter((w) => /^[a-z]+[,.;:!?]?$/i.test(w)).length).toBeGreaterThan(30);
    // The LSTM trained in the workflow: starts near ln(vocabulary) and learns.
    const [trained] = run.json('Train a char-LSTM on tiny Shakespeare');
    const curve = trained?.lossCurve as number[];
    expect(curve).toHaveLength(100);
    expect(Math.abs(curve[0]! - Math.log(trained?.vocabSize as number))).toBeLessThan(0.3);
    const last10 = curve.slice(-10).reduce((a, b) => a + b, 0) / 10;
    expect(last10).toBeLessThan(2.6);
    expect(trained?.valLoss as number).toBeLessThan(2.6);
    expect(trained?.sample as string).toHaveLength(200);
    expectPlot(run, 'Train a char-LSTM on tiny Shakespeare');
    const [again] = run.json('Sample the trained LSTM');
    expect(again?.text as string).toHaveLength(200);
    expect(again?.completion).toMatch(/^JULIET:\n/);
    // Vanishing gradient over 50 steps (seed 0): measured RNN 1.6e-12, LSTM 5.3e-5 of the last
    // step's gradient norm reach step 1.
    const steps = run.json('Vanishing gradient: RNN vs LSTM');
    expect(steps).toHaveLength(50);
    expect(steps[0]?.rnnRatio as number).toBeLessThan(1e-9);
    expect(steps[0]?.lstmRatio as number).toBeGreaterThan(1e-6);
    expect((steps[0]?.lstmRatio as number) / (steps[0]?.rnnRatio as number)).toBeGreaterThan(1e5);
    expectPlot(run, 'Vanishing gradient: RNN vs LSTM', 'first'); // the chart rides on step 1
  },

  'cnn-convolution.json': (run) => {
    const COURSE_IMAGE = [
      [3, 3, 2, 1, 0],
      [0, 0, 1, 3, 1],
      [3, 1, 2, 2, 3],
      [2, 0, 0, 2, 2],
      [2, 0, 0, 0, 1],
    ];
    const COURSE_KERNEL = [
      [0, 1, 2],
      [2, 2, 0],
      [0, 1, 2],
    ];
    const map = (node: string) => run.json(node)[0]?.featureMap;
    // The course's figure: the 5×5 input with the 3×3 kernel
    expect(map('Course example (5×5 ∗ 3×3)')).toEqual([
      [12, 12, 17],
      [10, 17, 19],
      [9, 6, 14],
    ]);
    // The others against a naive reference: out[i][j] = Σ_{u,v} x[i·s+u−p][j·s+v−p]·k[u][v]
    expect(map('Same padding')).toEqual(crossCorrelate(COURSE_IMAGE, COURSE_KERNEL, 1, 1));
    expect(map('Stride 2')).toEqual(crossCorrelate(COURSE_IMAGE, COURSE_KERNEL, 2, 0));
    expect(run.json('Max pooling 2×2')[0]?.pooled).toEqual([[17]]);
    const [edge] = run.json('Vertical-edge kernel');
    const EDGE = [
      [1, 0, -1],
      [1, 0, -1],
      [1, 0, -1],
    ];
    expect(edge?.featureMap).toEqual(crossCorrelate(edge?.image as number[][], EDGE, 1, 0));
    expect(edge?.shape).toEqual([6, 6]);
    for (const node of ['Course example (5×5 ∗ 3×3)', 'Same padding', 'Stride 2', 'Vertical-edge kernel'])
      expectPlot(run, node);
  },

  'activation-functions.json': (run) => {
    const rows = run.json('Step');
    expect(rows.map((r) => r.x)).toEqual([-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3]);
    const at = (x: number) => rows.find((r) => r.x === x)!;
    // σ(0) = 0.5, σ′(0) = 0.25; tanh(0) = 0, tanh′(0) = 1; σ(1) = 1/(1+e^−1)
    expect(at(0)).toMatchObject({ sigmoid: 0.5, sigmoidDerivative: 0.25, tanh: 0, tanhDerivative: 1 });
    expect(at(1).sigmoid as number).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(at(2).tanh as number).toBeCloseTo(Math.tanh(2), 12);
    expect(at(2).tanhDerivative as number).toBeCloseTo(1 - Math.tanh(2) ** 2, 12);
    // ReLU max(0, x), leaky ReLU max(0.1x, x), ELU α(e^x − 1) for x < 0, step at x ≥ 0
    expect(rows.map((r) => r.relu)).toEqual([0, 0, 0, 0, 0, 0.5, 1, 2, 3]);
    expectClose(
      rows.map((r) => r.leakyRelu),
      [-0.3, -0.2, -0.1, -0.05, 0, 0.5, 1, 2, 3],
    );
    expect(at(-1).leakyReluDerivative).toBe(0.1);
    expect(at(-1).elu as number).toBeCloseTo(Math.exp(-1) - 1, 12);
    // each of the chained nodes adds its rounded values: 0.1 · −3 reads −0.3, σ(−3) reads 0.0474
    expect(at(-3).leakyRelu).toBe(-0.30000000000000004);
    expect(at(-3).rounded).toMatchObject({ leakyRelu: -0.3, sigmoid: 0.0474, tanh: -0.9951, relu: 0 });
    for (const row of rows)
      expectRoundedBeside(row, [
        'sigmoid',
        'sigmoidDerivative',
        'tanh',
        'tanhDerivative',
        'leakyRelu',
        'elu',
      ]);
    expect(rows.map((r) => r.step)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
    // softmax of the nine values sums to 1 and keeps their order
    const [soft] = run.json('Softmax of the logits');
    const p = soft?.probabilities as number[];
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[8]! / p[7]!).toBeCloseTo(Math.E, 12);
    const [plot] = run.json("Plot the course's functions");
    expect((plot?.table as IDataObject[] | undefined)?.find((r) => r.x === 0)).toMatchObject({
      sigmoid: 0.5,
      relu: 0,
      step: 1,
    });
    expectPlot(run, "Plot the course's functions");
  },

  'shakespeare-gpt.json': async (run) => {
    // The lesson "GPT", trained in the workflow: 2 layers, 4 heads, width 64, context 32, 150 steps
    // of 16 windows, lr 0.006, seed 0, the last 10 % of tiny Shakespeare held out. Measured:
    // loss 4.19 → 2.48 (mean of the last 10 steps), validation loss 2.45, ~6 s on one core.
    const [trained] = run.json('GPT Train (tiny Shakespeare)');
    expect(trained).toMatchObject({
      textSource: 'tinyShakespeare',
      vocabSize: 65,
      trainTokens: 1_003_854,
      validationTokens: 111_540,
      parameterCount: 109_952,
      steps: 150,
      config: { vocabSize: 65, blockSize: 32, nLayer: 2, nHead: 4, nEmbd: 64, seed: 0 },
    });
    // untrained, the model guesses about uniformly over the 65 characters: ln 65 ≈ 4.17
    const initialLoss = trained?.initialLoss as number;
    expect(initialLoss).toBeGreaterThan(3.9);
    expect(initialLoss).toBeLessThan(4.5);
    expect(trained?.finalLoss as number).toBeLessThan(2.8);
    expect(trained?.valLoss as number).toBeLessThan(2.8);
    expect(trained?.lossCurve as number[]).toHaveLength(150);
    expect((trained?.valLossCurve as IDataObject[] | undefined)?.map((v) => v.step)).toEqual([
      38, 76, 114, 150,
    ]);
    expect(trained?.elapsedMs as number).toBeGreaterThan(0);
    const vocabulary = new Set(loadTinyShakespeare());
    const onlyVocabulary = (text: string) => [...text].filter((c) => !vocabulary.has(c));
    expect(trained?.sample as string).toHaveLength(100);
    expect(onlyVocabulary(trained?.sample as string)).toEqual([]);
    const [checkpoint] = run.binary('GPT Train (tiny Shakespeare)');
    expect(checkpoint?.data?.mimeType).toBe('application/octet-stream');

    // the checkpoint continues "ROMEO:" at temperature 0.8; the same seed writes the same text
    const [romeo] = run.json('ROMEO: (seed 42)');
    const [again] = run.json('ROMEO: (seed 42, again)');
    expect(romeo).toMatchObject({
      prompt: 'ROMEO:',
      finishReason: 'length',
      usage: { promptTokens: 6, completionTokens: 120 },
    });
    expect(romeo?.text as string).toHaveLength(120);
    expect(romeo?.completion as string).toBe(`ROMEO:${romeo?.text}`);
    expect(onlyVocabulary(romeo?.text as string)).toEqual([]);
    expect(again?.text).toBe(romeo?.text);
    // in-process the bytes are in the item (the real n8n keeps them in its store): the core,
    // reading the same checkpoint, writes the same text
    if (checkpoint?.data?.data && !checkpoint.data.id) {
      const bytes = new Uint8Array(Buffer.from(checkpoint.data.data, 'base64'));
      const tokenizer = CharTokenizer.fromJSON(JSON.parse(GPT.checkpointMetadata(bytes).tokenizer!));
      const core = await generate(GPT.fromSafetensors(bytes), tokenizer, 'ROMEO:', {
        maxNewTokens: 120,
        temperature: 0.8,
        seed: 42,
      });
      expect(romeo?.text).toBe(core.text);
    }
  },

  'bert-bank.json': async (run) => {
    // The lesson "BERT" on the shipped tiny BERT (models/bert-tiny): after pretraining, "bank"
    // by the river and "bank" of the money sentence get different vectors — cosine below 1 (no
    // number pinned: it is the trained model's), equal to the core's for the same sentences.
    const { bert, tokenizer, pretrainer, classifier } = await loadTinyBert();
    const [bank] = run.json('"bank": river vs money');
    expect(bank).toMatchObject({ word: 'bank', sentenceA: RIVER_BANK, sentenceB: MONEY_BANK });
    const cos = bank?.cosine as number;
    expect(Number.isFinite(cos)).toBe(true);
    expect(cos).toBeGreaterThan(-1);
    expect(cos).toBeLessThan(0.99);
    expect(cos).toBeCloseTo(
      cosine(
        wordVector(bert, tokenizer, RIVER_BANK, 'bank'),
        wordVector(bert, tokenizer, MONEY_BANK, 'bank'),
      ),
      9,
    );
    expect(bank?.explanation as string).toContain(`= ${cos.toFixed(3)}: "bank" gets a different vector`);
    expect(bank?.vectorA as number[]).toHaveLength(128);
    expect(bank?.vectorB as number[]).toHaveLength(128);
    // the same word in the same sentence: the same vector
    const [same] = run.json('"bank": same sentence');
    expect(same?.cosine as number).toBeCloseTo(1, 9);
    expect(same?.vectorA).toBeUndefined();
    // "print the embeddings": one 128-number vector per token, [CLS] and [SEP] included, and the mean
    const [tokens] = run.json('Token vectors');
    expect(tokens?.tokens).toEqual(['[CLS]', ...tokenizer.tokenize(MONEY_BANK), '[SEP]']);
    const vectors = tokens?.vectors as number[][];
    expect(vectors).toHaveLength(tokenizer.tokenize(MONEY_BANK).length + 2);
    for (const v of vectors) expect(v).toHaveLength(128);
    expect(tokens).toMatchObject({ dimensions: 128, truncated: false });
    expect(tokens?.sentenceVector as number[]).toHaveLength(128);
    // fill-mask: 5 guesses, best first, probabilities in (0, 1] summing to at most 1 — the core's
    const [fill] = run.json('Fill the mask');
    const predictions = fill?.predictions as Array<{ score: number; token_str: string; sequence: string }>;
    expect(predictions).toHaveLength(5);
    for (const [k, p] of predictions.entries()) {
      expect(p.score).toBeGreaterThan(0);
      expect(p.score).toBeLessThanOrEqual(k === 0 ? 1 : predictions[k - 1]!.score);
      expect(p.sequence).not.toContain('[MASK]');
    }
    expect(predictions.reduce((s, p) => s + p.score, 0)).toBeLessThanOrEqual(1 + 1e-9);
    expectClose(predictions, pretrainer.fillMask('he went to the [MASK] to deposit money .', { topK: 5 }));
    expect(fill?.sequence).toBe(predictions[0]!.sequence);
    // one item per guess: ranks 1..3, best first
    const guesses = run.json('Fill the mask (one item per guess)');
    expect(guesses.map((g) => g.rank)).toEqual([1, 2, 3]);
    expect(guesses[0]!.score as number).toBeGreaterThanOrEqual(guesses[2]!.score as number);
    // the SST-2 head: a label and its probability, as the core's classifier gives them
    const [review] = run.json('Sentiment of a review');
    expect(review?.label).toBe('positive'); // the fine-tuned model (81 % on SST-2 dev) reads it right
    const scores = review?.scores as Record<string, number>;
    expect(scores.negative! + scores.positive!).toBeCloseTo(1, 9);
    expectClose(review, classifier.predict(['a charming and moving film'])[0]);
  },

  'pipelines-tour.json': async (run) => {
    // The course's pipeline table ("Other Huggingface Pipelines", "Basic Model Usage") through the
    // Firth Pipeline node: every result equal to @firth/pipelines' own for the same input, from the
    // task's default model. A task this version does not run yet carries taskInfo's reason as the
    // item's error (On Error: Continue); once it runs, its result is checked the same way.
    const defaultOf = (task: string) => {
      const d = taskInfo(task).defaultModel!;
      return { id: d.id, isDefault: true, quality: d.quality };
    };
    const classify = await pipeline('sentiment-analysis');
    const [love] = run.json('Sentiment: I love this!');
    expect(love).toMatchObject({ task: 'sentiment-analysis', text: 'I love this!' });
    expectClose(love?.result, await classify('I love this!'));
    // the course's answer, POSITIVE
    expect((love!.result as { label: string }[]).map((r) => r.label)).toEqual(['POSITIVE']);
    expect(love?.model).toMatchObject(defaultOf('sentiment-analysis'));
    // "Basic Model Usage": the three texts, one item each, as the course's batch classifies them
    const texts = [
      'This tutorial is amazing!',
      "I'm having trouble understanding this.",
      'The weather is terrible today.',
    ];
    const each = run.json('Sentiment of each text');
    expect(each.map((e) => e.text)).toEqual(texts);
    const batch = (await classify(texts)) as { label: string; score: number }[];
    expectClose(
      each.map((e) => (e.result as unknown[])[0]),
      batch,
    );
    expect(batch.map((r) => r.label)).toEqual(['POSITIVE', 'NEGATIVE', 'NEGATIVE']);
    // fill-mask and greedy text generation: the pipelines' own outputs
    const [fill] = run.json('Fill mask');
    expectClose(
      fill?.result,
      await (await pipeline('fill-mask'))('he went to the [MASK] to deposit money .', { top_k: 3 }),
    );
    expect(fill?.result as unknown[]).toHaveLength(3);
    const [story] = run.json('Text generation: Once upon a time');
    const generated = await (await pipeline('text-generation'))('Once upon a time', { max_new_tokens: 20 });
    expect(story?.result).toEqual(generated);
    expect(generated[0]!.generated_text.startsWith('Once upon a time')).toBe(true);
    expect(story?.model).toMatchObject(defaultOf('text-generation'));
    // the tasks of the table that may not run yet: taskInfo's reason, or the pipeline's result
    const GENAI = run.json('Summarization')[0]?.text as string | undefined;
    const pending: [node: string, task: string, inputs: PipelineInputs, shape: (result: unknown) => void][] =
      [
        [
          'Summarization',
          'summarization',
          { text: GENAI },
          (r) => expect((r as { summary_text: string }[])[0]!.summary_text.trim()).not.toBe(''),
        ],
        [
          'Translation: This is amazing. → French',
          'translation_en_to_fr',
          { text: 'This is amazing.' },
          // the lexicon default (a gloss, not a neural translator): the course's sentence, pinned
          (r) =>
            expect((r as { translation_text: string }[])[0]).toEqual({
              translation_text: "C'est incroyable.",
              method: 'lexicon',
              unknown_words: [],
            }),
        ],
        [
          'Question answering: Where do pandas live?',
          'question-answering',
          {
            question: 'Where do pandas live?',
            context: 'Pandas are native to China and prefer bamboo forests.',
          },
          (r) => {
            const a = (Array.isArray(r) ? r[0] : r) as { answer: string; start: number; end: number };
            expect(a.answer).toBe(
              'Pandas are native to China and prefer bamboo forests.'.slice(a.start, a.end),
            );
          },
        ],
      ];
    for (const [node, task, inputs, shape] of pending) {
      const [item] = run.json(node);
      const info = taskInfo(task);
      if (!info.available) {
        expect(item?.result, node).toBeUndefined();
        expect(item?.error, node).toBe(`pipeline: "${task}" is ${info.unavailable}`);
        continue;
      }
      if (!info.defaultModel) {
        // no offline default (translation): the item carries the pipeline's own refusal, which says why
        expect(item?.result, node).toBeUndefined();
        await expect(pipeline(task)).rejects.toThrow(item?.error as string);
        expect(item?.error, node).toContain(info.noDefault!);
        continue;
      }
      expect(item?.error, node).toBeUndefined();
      const pipe = (await pipeline(task)) as unknown as (...args: unknown[]) => Promise<unknown>;
      expectClose(item?.result, await pipe(...pipelineArguments(task, inputs), {}), node);
      shape(item?.result);
      expect(item?.model, node).toMatchObject({ isDefault: true, id: info.defaultModel!.id });
    }
  },

  'rag-course-notes.json': async (run) => {
    // The RAG lesson on Firth's course notes (docs/concepts), offline: the two questions answered
    // by the extractive answerer from the retrieved passages — each answer equal to the core's for
    // the same question and retriever, each passage its own numbered source (file and section), each
    // sentence citing the one passage it was copied from.
    const answers = run.json('Answer from the course notes');
    expect(answers.map((a) => a.question)).toEqual(['What is BERT?', 'How does skip-gram differ from CBOW?']);
    for (const answer of answers) {
      const core = await askCourseNotes(answer.question as string);
      expect(answer).toMatchObject({ answer: core.answer, sources: core.sources, answeredBy: 'extractive' });
      expect(answer.groundedness).toBe(1);
      const sources = answer.sources as { n: number; source: string; section: string }[];
      expect(new Set(sources.map((s) => s.n)).size, 'one number per passage').toBe(sources.length);
      for (const { cites } of citedSentences(answer.answer as string)) {
        expect(cites).toHaveLength(1);
        expect(sources.map((s) => s.n)).toContain(cites[0]);
      }
    }
    expect(answers[0]!.answer as string).toMatch(
      /^BERT \(Bidirectional Encoder Representations from Transformers\) is an encoder-only transformer/,
    );
    // "What is BERT?" draws on two sections of bert.md: two numbers, not one [1] for the file
    expect(answers[0]!.sources).toEqual([
      expect.objectContaining({ source: 'bert.md', section: 'BERT > What it is' }),
      expect.objectContaining({ source: 'bert.md', section: 'BERT > How it learns' }),
    ]);
    expect((answers[1]!.sources as { source: string }[]).map((s) => s.source)).toContain('word2vec.md');
    expect(answers[1]!.answer as string).toMatch(/skip-gram/i);
    expect(answers[1]!.answer as string).toMatch(/CBOW/);
    // the hybrid branch: BM25 and GloVe (SIF) rankings fused by RRF — the core's retriever with its
    // defaults (DEFAULT_HYBRID_WEIGHTS; the node's analyzer DEFAULT_ANALYZER), same answer
    const docs = await loadCourseNotes();
    const retriever = new HybridRetriever({
      bm25: new BM25({ analyzer: DEFAULT_ANALYZER, stopWords: QUESTION_STOP_WORDS }).fit(docs),
      vectorStore: await FirthMemoryVectorStore.fromDocuments(docs, new FirthEmbeddings({ pooling: 'sif' })),
      k: 4,
    });
    const hybrid = run.json('Answer (hybrid search)');
    expect(hybrid).toHaveLength(2);
    for (const answer of hybrid) {
      const core = await createRagChain({ retriever, k: 4 }).invoke({ question: answer.question as string });
      expect(answer).toMatchObject({ answer: core.answer, sources: core.sources, answeredBy: 'extractive' });
      expect(answer.groundedness).toBe(groundedness(core.answer, core.context));
      const passages = answer.passages as { pageContent: string; metadata: { rrfScore: number } }[];
      expect(passages.map((p) => p.pageContent)).toEqual(core.context.map((d) => d.pageContent));
      expect(passages[0]!.metadata.rrfScore).toBeGreaterThan(0);
    }
    // n8n's own Question and Answer Chain with the Firth Retriever: the retriever is called once per
    // question with it as the query and hands the chain the course notes' best sections (the core's
    // BM25 top 2); the chain's model (Firth Chat Model → the Firth server, greedy, 24 tokens) answers,
    // and the server's answer to the same question is what comes out
    const calls = run.aiOutputs("Course notes for n8n's chain", 'ai_retriever');
    expect(calls).toHaveLength(2);
    const notes = await courseNotesRetriever({ k: 2 });
    for (const [i, question] of ['What is BERT?', 'How does skip-gram differ from CBOW?'].entries()) {
      const documents = calls[i]!.documents as { pageContent: string; metadata: { source: string } }[];
      expect(documents.map((d) => d.pageContent)).toEqual(
        (await notes.invoke(question)).map((d) => d.pageContent),
      );
    }
    expect((calls[0]!.documents as { metadata: { source: string } }[])[0]!.metadata.source).toBe('bert.md');
    const { url, apiKey } = firthServerOf('rag-course-notes.json');
    const chain = run.json('Question and Answer Chain');
    expect(chain).toHaveLength(2);
    for (const [i, question] of ['What is BERT?', 'How does skip-gram differ from CBOW?'].entries()) {
      const served = await serverChat(`${url}/v1/chat/completions`, apiKey, {
        model: 'tinystories-260k',
        messages: [{ role: 'user', content: question }],
        temperature: 0,
        max_tokens: 24,
      });
      expect(served.text.trim().length).toBeGreaterThan(0);
      expect(chain[i]!.response).toBe(served.text); // the chain keeps the text as the model gave it
    }
    // the story model cannot answer a question: its text comes out labelled as a continuation, not an answer
    const labelled = run.json('Story model continuation (not an answer)');
    expect(labelled).toEqual(
      chain.map((c, i) => ({
        question: ['What is BERT?', 'How does skip-gram differ from CBOW?'][i],
        storyModelContinuation: c.response,
        isAnswer: false,
        note: expect.stringMatching(/^Not an answer: .* story model .* cannot answer questions\./),
      })),
    );
  },

  'rag-conversation.json': async (run) => {
    // Two turns of one session through Firth RAG Answer with n8n's Simple Memory: the second,
    // "When was it released?", is rewritten from the memory's history into "When was BERT
    // released?" before retrieval, so it is answered from bert.md (Google, 2018) — asked alone, the
    // same words find gpt.md first (OpenAI). Each answer is the core's for the standalone question.
    const answers = run.json('Firth RAG Answer');
    expect(answers.map((a) => [a.question, a.standaloneQuestion])).toEqual([
      ['What is BERT?', 'What is BERT?'],
      ['When was it released?', 'When was BERT released?'],
    ]);
    for (const answer of answers) {
      const core = await askCourseNotes(answer.standaloneQuestion as string);
      expect(answer).toMatchObject({ answer: core.answer, sources: core.sources, answeredBy: 'extractive' });
      expect(answer.groundedness).toBe(1);
    }
    expect((answers[1]!.sources as { source: string }[])[0]!.source).toBe('bert.md');
    expect(answers[1]!.answer as string).toMatch(/released by Google in 2018/);
    expect((await askCourseNotes('When was it released?')).sources[0]!.source).toBe('gpt.md');
    // what the chat shows: the answer as `output`
    expect(run.json('Chat reply').map((r) => r.output)).toEqual(answers.map((a) => a.answer));
    // the memory was read before each turn and the turn saved after it: turn 2 read turn 1
    const memory = run.aiOutputs('Simple Memory', 'ai_memory');
    expect(memory.map((m) => m.action)).toEqual([
      'loadMemoryVariables',
      'saveContext',
      'loadMemoryVariables',
      'saveContext',
    ]);
  },

  'agent-course-assistant.json': async (run) => {
    // n8n's AI Agent with the Firth Chat Model (no Groq credential: the Groq client on the Firth
    // server), three Firth nodes as tools and n8n's Simple Memory; run from the manual trigger (the
    // Chat Trigger beside it is what the editor's "Open chat" runs) with two turns of one session.
    // The server's tool policy picks Course_notes (the tool sharing the most words with the question)
    // with the question as its argument; Firth RAG Answer, as a tool, answers in one field: the answer
    // in prose, each sentence citing its passage, then the numbered sources. n8n hands the agent that
    // item as JSON; the server's next turn relays its one text, which becomes the agent's answer — a
    // sentence with sources, not JSON. Turn 2, "How is it computed?", reaches the server with turn 1
    // from the memory, and the server reads it as the standalone "How is attention computed?"
    // (@firth/numeric's condenseOffline, as lesson 20's rewrite): Course_notes is called with that,
    // and answers with the formula. Alone, the follow-up shares no word with any tool: no tool call.
    // One turn at a time (Loop Over Items, batch 1): n8n's agent asks the model for every item of a
    // run before any tool answers, so two items of one run would not see each other in the memory.
    const turns = [
      ['What does the course say about attention?', 'What does the course say about attention?'],
      ['How is it computed?', 'How is attention computed?'],
    ] as const;
    const replies = run.json('Replies').map((r) => r.output as string);
    expect(replies).toHaveLength(2);
    for (const [i, [asked, question]] of turns.entries()) {
      const core = await askCourseNotes(question);
      const reply = answerWithSources(core);
      expect(core.sources[0]!.source, asked).toBe('attention.md');
      expect(replies[i], asked).toBe(reply);
      expect(reply, asked).toMatch(/^[A-Z][^[]+\. \[\d\]/); // opens with a sentence and its citation
      expect(reply, asked).toMatch(/\n\nSources:\n- \[\d\] attention\.md — Attention and self-attention > /);
    }
    // the follow-up's answer is the one for the standalone question: it has the formula
    expect(replies[1]).toMatch(/softmax\(QKᵀ \/ √d_k\)·V/);
    // the agent's last run (turn 2): one call of Course_notes, with the standalone question; n8n
    // hands the agent the tool's item as JSON and the server relays its one text as the answer
    const [agent] = run.json('AI Agent');
    const steps = agent?.intermediateSteps as {
      action: { tool: string; toolInput: Record<string, unknown> };
      observation: string;
    }[];
    expect(steps.map((s) => s.action.tool)).toEqual(['Course_notes']);
    expect(steps[0]!.action.toolInput.question).toBe('How is attention computed?');
    expect(JSON.parse(steps[0]!.observation)).toEqual([{ response: replies[1] }]);
    expect(agent?.output).toBe(replies[1]);
    // the memory was read before each of the agent's model calls (two a turn: the tool call, then the
    // answer); the agent saves a turn with its tool messages through the history itself (addMessages,
    // not saveContext), which the memory does not report: that turn 2 read turn 1 is the rewrite above
    const memory = run.aiOutputs('Simple Memory', 'ai_memory');
    expect(memory.map((m) => m.action)).toEqual(Array(4).fill('loadMemoryVariables'));
    // without the history, the server would not have called a tool for the follow-up
    const { url, apiKey } = firthServerOf('agent-course-assistant.json');
    const workflow = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../workflows/agent-course-assistant.json'), 'utf8'),
    ) as {
      nodes: { name: string; parameters: { toolDescription?: string } }[];
    };
    const tools = workflow.nodes
      .filter((n) => n.parameters.toolDescription !== undefined)
      .map((n) => ({
        type: 'function',
        function: { name: n.name, description: n.parameters.toolDescription },
      }));
    expect(tools.map((t) => t.function.name)).toEqual(['Course_notes', 'Sentiment', 'Tokenizer']);
    const alone = (await postJson(`${url}/v1/chat/completions`, apiKey, {
      model: 'tinystories-260k',
      max_tokens: 1,
      tools,
      messages: [{ role: 'user', content: 'How is it computed?' }],
    })) as { choices: { message: { tool_calls?: unknown[] } }[] };
    expect(alone.choices[0]!.message.tool_calls).toBeUndefined();
  },

  'groq-chat.json': async (run) => {
    // no Groq credential: "Use the Firth Local Server Without a Key" points the Groq client (ChatGroq)
    // at the Firth local server's Groq routes; the answer is what the server returns for the same
    // request (greedy, 64 tokens, the server's default seed 42), and the output says who answered
    const { url, apiKey } = firthServerOf('groq-chat.json');
    const [answer] = run.json('Ask Groq');
    const served = await serverChat(`${url}/openai/v1/chat/completions`, apiKey, {
      model: 'tinystories-260k',
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
      temperature: 0,
      max_completion_tokens: 64,
    });
    expect(answer).toMatchObject({
      ...served,
      provider: 'groq',
      model: 'tinystories-260k',
      requestedProvider: 'groq',
      servedBy: 'firth-local-server',
      note: `No Groq credential: the Groq client asked the Firth local server at ${url} (model tinystories-260k) instead`,
    });
    expectUsage(answer);
    expect(['stop', 'length']).toContain(answer?.finishReason);
    expectNoKey(run.json('Ask Groq'), apiKey);
    const [tokens] = run.json('Tokens of the question');
    const views = await compareTokenizers('What is the capital of France?', [
      'llama2c-tinystories',
      'gpt-4o',
    ]);
    expect(tokens?.tokenizers).toEqual(views);
    expect(tokens?.counts).toEqual({ 'llama2c-tinystories': views[0]!.count, 'gpt-4o': 7 });
  },

  'local-chat.json': async (run) => {
    // n8n's Basic LLM Chain asks the Firth Chat Model sub-node (OpenAI-compatible, no credential:
    // the Firth local server; greedy, 40 tokens): the chain's text is what the server returns
    const { url, apiKey } = firthServerOf('local-chat.json');
    const served = await serverChat(`${url}/v1/chat/completions`, apiKey, {
      model: 'tinystories-260k',
      messages: [{ role: 'user', content: 'Once upon a time' }],
      temperature: 0,
      max_tokens: 40,
    });
    expect(served.text.trim().length).toBeGreaterThan(0);
    expect(served.usage.completionTokens).toBeGreaterThan(0);
    const [out] = run.json('Basic LLM Chain');
    expect(out?.text).toBe(served.text.trim());
    expectNoKey(run.json('Basic LLM Chain'), apiKey);
  },

  'prompt-few-shot.json': async (run) => {
    const prompt =
      'Give the antonym of every word.\n\nWord: happy\nAntonym: sad\n\nWord: tall\nAntonym: short\n\nWord: fast\nAntonym:';
    const [template] = run.json('Few-shot prompt');
    expect(template).toEqual({ word: 'fast', prompt, variables: ['word'] });
    // Generate, OpenAI-compatible with no credential: the Firth local server (greedy, 16 tokens, stops at \n)
    const { url, apiKey } = firthServerOf('prompt-few-shot.json');
    const served = await serverChat(`${url}/v1/chat/completions`, apiKey, {
      model: 'tinystories-260k',
      messages: [{ role: 'user', content: prompt }],
      temperature: 0,
      max_tokens: 16,
      stop: ['\n'],
    });
    const [answer] = run.json('Generate');
    expect(answer).toMatchObject({
      prompt,
      ...served,
      provider: 'openai-compatible',
      model: 'tinystories-260k',
      requestedProvider: 'openai-compatible',
      servedBy: 'firth-local-server',
    });
    expect(answer?.text as string).not.toContain('\n');
    expectUsage(answer);
    expect(['stop', 'length']).toContain(answer?.finishReason);
    expectNoKey(run.json('Generate'), apiKey);
  },

  'local-server-chat.json': async (run) => {
    // n8n's own OpenAI Chat Model (v1.2, Chat Completions) and Ollama Chat Model, on Firth's server
    // through the imported credentials: each chain's text is what the server returns for the same
    // request (temperature 0.8, 40 tokens, the server's default seed 42 — same seed, same text)
    const { url, apiKey } = firthServerOf('local-server-chat.json');
    const messages = [{ role: 'user', content: 'Once upon a time' }];
    const openAi = (await postJson(`${url}/v1/chat/completions`, apiKey, {
      model: 'tinystories-260k',
      messages,
      temperature: 0.8,
      max_tokens: 40,
    })) as { choices: { message: { content: string } }[] };
    const ollama = (await postJson(`${url}/api/chat`, apiKey, {
      model: 'tinystories-260k',
      messages,
      stream: false,
      options: { temperature: 0.8, num_predict: 40 },
    })) as { message: { content: string } };
    const expected = {
      'Basic LLM Chain (OpenAI API)': openAi.choices[0]!.message.content,
      'Basic LLM Chain (Ollama API)': ollama.message.content,
    };
    for (const [chain, text] of Object.entries(expected)) {
      expect(text.trim().length, chain).toBeGreaterThan(0);
      const [out] = run.json(chain);
      expect(out?.text, chain).toBe(text.trim());
      // neither the key n8n sent nor anything shaped like one is in the output
      const json = JSON.stringify(run.json(chain));
      expect(json, chain).not.toContain(apiKey);
      expect(json, chain).not.toMatch(/firth-local|Bearer|apiKey|\bsk-[A-Za-z0-9]/i);
    }
  },
};

/**
 * Workflows only tier 3 runs, and why: the in-process runner (tier 2) has no n8n credentials, so it
 * checks their JSON and node types but does not execute them. (Both tiers start the Firth model
 * server and set FIRTH_SERVER_URL/FIRTH_SERVER_KEY, which the Firth nodes use without a credential.)
 */
export const tier3Only: Record<string, string> = {
  'agent-course-assistant.json':
    "n8n's AI Agent calls Firth nodes as tools (their generated <name>Tool variants, which only the real n8n makes)",
  'embeddings-into-pgvector.json':
    "n8n's Postgres PGVector Store needs a postgres credential and a database with pgvector (tier 3 starts PGlite)",
  'local-server-chat.json':
    "n8n's OpenAI/Ollama chat models need credentials and the Firth model server (tier 3 starts both)",
};

/** The Firth model server the run started (tiers 2 and 3), for workflows that call it. */
let firthServer: { url: string; apiKey: string } | undefined;

/** Each tier calls this with the server it started before the expectations run. */
export function useFirthServer(server: { url: string; apiKey: string }): void {
  firthServer = server;
}

function firthServerOf(file: string): { url: string; apiKey: string } {
  if (!firthServer)
    throw new Error(
      `${file} needs the Firth model server: call useFirthServer() with the one the test started`,
    );
  return firthServer;
}

/** The server's answer to a chat request, as the Generate node reports it: text, usage, finishReason. */
async function serverChat(
  url: string,
  apiKey: string,
  body: unknown,
): Promise<{
  text: string;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
  finishReason: string;
}> {
  const res = (await postJson(url, apiKey, body)) as {
    choices: { message: { content: string }; finish_reason: string }[];
    usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  };
  return {
    text: res.choices[0]!.message.content,
    usage: {
      promptTokens: res.usage.prompt_tokens,
      completionTokens: res.usage.completion_tokens,
      totalTokens: res.usage.total_tokens,
    },
    finishReason: res.choices[0]!.finish_reason,
  };
}

/** Token usage counted: prompt and completion tokens, their sum. */
function expectUsage(item: IDataObject | undefined): void {
  const usage = item?.usage as { promptTokens: number; completionTokens: number; totalTokens: number };
  expect(usage.promptTokens).toBeGreaterThan(0);
  expect(usage.completionTokens).toBeGreaterThan(0);
  expect(usage.totalTokens).toBe(usage.promptTokens + usage.completionTokens);
}

/** Neither the server's key nor anything shaped like a key anywhere in a node's output. */
function expectNoKey(items: IDataObject[], apiKey: string): void {
  const json = JSON.stringify(items);
  expect(json).not.toContain(apiKey);
  expect(json).not.toMatch(/gsk_|\bsk-[A-Za-z0-9]|firth-local\b(?!-server)|Bearer|apiKey/i);
}

/** POSTs JSON with the server's bearer key; throws with the body on a non-2xx answer. */
async function postJson(url: string, apiKey: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}
